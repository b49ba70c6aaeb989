/**
 * Turning a file name received from someone else into a safe base name for the local disk.
 * Lessons from croc (GHSA-ppjh-xp5v-46wc, GHSA-364c-vvqx-446c) and magic-wormhole.
 */

/** The longest name most file systems accept, in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 255;

/** What is left when nothing usable remains. */
export const FALLBACK_FILE_NAME = 'file';

/** The rules `safeFileName` applies, in order, in words (for docs and /help). */
export const FILE_NAME_RULES: readonly string[] = [
	'invalid UTF-16 (lone surrogates) becomes "_"',
	'terminal escape sequences (ESC or C1 introduced: CSI, OSC, DCS, ...) are removed',
	'only the last non-empty path component is kept (split on "/" and "\\")',
	'the name is normalized to NFC',
	'control characters (C0, DEL, C1), line/paragraph separators, noncharacters and bidi controls become "_"',
	'other invisible format characters (zero-width space/joiner, soft hyphen, BOM, tags) are removed',
	'the characters : < > " | ? *, slash and colon look-alikes (division slash, fraction slash, ratio, ...) and any character that compatibility-normalizes (NFKC) to one of them or to / or \\ (fullwidth solidus, small colon, ...) become "_"',
	'leading and trailing dots, dot look-alikes and white space are removed ("..", ".", ".bashrc" lose their dots)',
	'a leading "-" becomes "_" (never mistaken for a command option)',
	'Windows device names (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM0-9, LPT0-9, with superscript digits too), with any extension, in any case, also after NFKC, get a "_" prefix',
	'at most 255 UTF-8 bytes: the end of the stem is cut (whole code points), the extension kept',
	`nothing left becomes "${FALLBACK_FILE_NAME}"`,
];

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const stringEnd = '(?:\\u0007|\\u001B\\\\|\\u009C|$)';
const escapeSequence = new RegExp(
	[
		`[\\u001B][\\]PX^_][\\s\\S]*?${stringEnd}`,
		`[\\u009D\\u0090\\u0098\\u009E\\u009F][\\s\\S]*?${stringEnd}`,
		'(?:\\u001B\\[|\\u009B)[0-?]*[ -/]*[@-~]?',
		'\\u001B[ -/]*[0-~]?',
	].join('|'),
	'g',
);
const lookAlikes = '\u2044\u2215\u2216\u2571\u2572\u29F5\u29F8\u29F9\u27CB\u27CD\u3033\u2236\uA789\u0589\u05C3\u02F8';
const replaced = new RegExp(
	`[\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069:<>"|?*${lookAlikes}]|\\p{Noncharacter_Code_Point}`,
	'gu',
);
const invisible = /\p{Cf}/gu;
const forbiddenAfterNfkc = /[/\\:<>"|?*]/;
const edges = /^[\s.\u2024-\u2026\uFE52\uFF0E]+|[\s.\u2024-\u2026\uFE52\uFF0E]+$/gu;
const reserved = /^(?:con|prn|aux|nul|conin\$|conout\$|com[0-9\u00B9\u00B2\u00B3]|lpt[0-9\u00B9\u00B2\u00B3])$/i;
const maxExtensionBytes = 32;

/**
 * Turn any received name into a safe base name: one path component, no control or escape
 * characters, nothing a terminal or Windows would treat specially, NFC, at most 255 UTF-8 bytes,
 * never empty. See `FILE_NAME_RULES`.
 */
export function safeFileName(received: string): string {
	let name = String(received).replace(loneSurrogate, '_').replace(escapeSequence, '');
	name = lastComponent(name).normalize('NFC');
	name = name.replace(replaced, '_').replace(invisible, '');
	name = Array.from(name, (char) => (lookAlike(char) ? '_' : char)).join('');
	name = name.replace(edges, '').replace(/^-/, '_');
	if (name === '') return FALLBACK_FILE_NAME;
	if (isReservedName(name)) name = `_${name}`;
	name = fitBytes(name, MAX_FILE_NAME_BYTES).normalize('NFC');
	while (utf8Length(name) > MAX_FILE_NAME_BYTES) name = fitBytes(name, utf8Length(name) - 1).normalize('NFC');
	return name === '' ? FALLBACK_FILE_NAME : name;
}

/**
 * The n-th alternative for a taken name: `report.pdf` -> `report (1).pdf`,
 * `backup.tar.gz` -> `backup (2).tar.gz`. n <= 0 gives the name itself. Stays within 255 bytes.
 */
export function numberedName(name: string, n: number): string {
	if (n <= 0) return name;
	const {stem, extension} = splitExtension(name);
	const suffix = ` (${n})${extension}`;
	return truncateCodePoints(stem, MAX_FILE_NAME_BYTES - utf8Length(suffix)) + suffix;
}

/** Whether Windows would treat this name as a device (CON, nul.txt, COM1.tar.gz, ...). */
export function isReservedName(name: string): boolean {
	const stem = (name.split('.')[0] ?? '').replace(/ +$/, '');
	return reserved.test(stem) || reserved.test(stem.normalize('NFKC').replace(/ +$/, ''));
}

/** Split a name into stem and extension (`.tar.gz` counts as one); the extension may be ''. */
export function splitExtension(name: string): {stem: string; extension: string} {
	const match = /(?:\.tar)?\.[^.\s]+$/i.exec(name);
	if (match === null || match.index === 0 || utf8Length(match[0]) > maxExtensionBytes) {
		return {stem: name, extension: ''};
	}

	return {stem: name.slice(0, match.index), extension: match[0]};
}

/** Length of a string in UTF-8 bytes. */
export function utf8Length(text: string): number {
	let bytes = 0;
	for (const char of text) {
		const code = char.codePointAt(0) ?? 0;
		bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x1_00_00 ? 3 : 4;
	}

	return bytes;
}

function lastComponent(name: string): string {
	const parts = name.split(/[/\\]/).filter((part) => part !== '');
	return parts.at(-1) ?? '';
}

function lookAlike(char: string): boolean {
	return char.charCodeAt(0) >= 0x80 && forbiddenAfterNfkc.test(char.normalize('NFKC'));
}

function fitBytes(name: string, max: number): string {
	if (utf8Length(name) <= max) return name;
	const {stem, extension} = splitExtension(name);
	const cut = truncateCodePoints(stem, max - utf8Length(extension));
	return extension === '' ? cut.replace(edges, '') : cut + extension;
}

function truncateCodePoints(text: string, maxBytes: number): string {
	let bytes = 0;
	let end = 0;
	for (const char of text) {
		bytes += utf8Length(char);
		if (bytes > maxBytes) break;
		end += char.length;
	}

	return text.slice(0, end);
}
