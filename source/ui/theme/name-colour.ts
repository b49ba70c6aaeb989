/**
 * A stable colour per member name: the same name gets the same colour in every pane and
 * on every machine. Red is left out (errors) and so is yellow (mentions).
 */

/** One palette colour, as Ink's colour name and as its SGR foreground code. */
export type NameColour = {readonly ink: string; readonly code: number};

/** The colours names are hashed into. */
export const namePalette: readonly NameColour[] = [
	{ink: 'cyan', code: 36},
	{ink: 'green', code: 32},
	{ink: 'magenta', code: 35},
	{ink: 'blue', code: 34},
	{ink: 'cyanBright', code: 96},
	{ink: 'greenBright', code: 92},
	{ink: 'magentaBright', code: 95},
	{ink: 'blueBright', code: 94},
];

/** FNV-1a over the UTF-16 code units of the lower-cased name. */
export function hashName(name: string): number {
	let hash = 0x81_1c_9d_c5;
	const key = name.toLowerCase();
	for (let index = 0; index < key.length; index++) {
		hash ^= key.charCodeAt(index);
		hash = Math.imul(hash, 0x01_00_01_93);
	}

	return hash >>> 0;
}

/** The colour for a member name. */
export function nameColour(name: string): NameColour {
	return namePalette[hashName(name) % namePalette.length]!;
}
