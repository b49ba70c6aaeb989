import jpeg from 'jpeg-js';
import type {CellPixels} from './previews.js';
import type {Pixels} from './half-blocks.js';
import {iterm2Sequence, maxPixelImageId, type PixelImage, type PixelPlacement, placeImages, sixelSequence} from './pixel-graphics.js';

/** Images held at once, at most, with their escape bytes. */
export const PIXEL_IMAGES_HELD = 64;

/**
 * The cell sixel pictures are sized for when the terminal did not say its own (CSI 16 t): the
 * smallest common one, so that a picture never covers more cells than are kept blank for it (in
 * a terminal with larger cells it is drawn smaller than its cells).
 */
export const unknownSixelCell = {width: 6, height: 12} as const;

/** The pixel protocols: iTerm2's inline images, or sixel. */
export type PixelProtocol = 'iterm2' | 'sixel';

/**
 * The images the TUI draws with iTerm2's inline images or sixel, by entry. Each thumbnail is
 * encoded once, the first time its entry is laid out (`placementOf`), and its escape bytes kept:
 * every frame that shows its marker cells draws it again from them (Ink rewrites the whole
 * screen each frame, which erases the picture). An entry that leaves the scrollback gives its
 * image up (`forgetBefore`). At most PIXEL_IMAGES_HELD are held (their bytes are up to half a
 * megabyte each); past that the oldest gives its id up and its entry shows half blocks from then on.
 */
export class PixelImages {
	/** Entry id -> its placement; null: given up (half blocks for good). */
	readonly #placements = new Map<number, PixelPlacement | null>();
	readonly #images = new Map<number, PixelImage>();

	constructor(
		readonly protocol: PixelProtocol,
		readonly cell: CellPixels,
	) {}

	/** The entry's placement, its thumbnail encoded first if it never was; undefined: draw half blocks. */
	placementOf(entryId: number, thumbnail: Pixels): PixelPlacement | undefined {
		const known = this.#placements.get(entryId);
		if (known !== undefined) return known ?? undefined;
		const columns = Math.ceil(thumbnail.width / this.cell.width);
		const rows = Math.ceil(thumbnail.height / this.cell.height);
		let draw: string;
		try {
			draw = this.protocol === 'iterm2' ? iterm2Sequence(encodeJpeg(thumbnail), columns, rows) : sixelSequence(thumbnail);
		} catch {
			this.#placements.set(entryId, null);
			return undefined;
		}

		const placement = {id: this.#freeId(), columns, rows};
		this.#placements.set(entryId, placement);
		this.#images.set(placement.id, {columns, rows, draw});
		return placement;
	}

	/** The image with this id, for drawing it into a frame. */
	readonly imageOf = (id: number): PixelImage | undefined => this.#images.get(id);

	/** Gives up the images of entries older than `oldestEntryId` (all of them when undefined). */
	forgetBefore(oldestEntryId: number | undefined): void {
		for (const [entryId, placement] of this.#placements) {
			if (oldestEntryId !== undefined && entryId >= oldestEntryId) continue;
			this.#placements.delete(entryId);
			if (placement) this.#images.delete(placement.id);
		}
	}

	/** How many images are held. */
	get size(): number {
		return this.#images.size;
	}

	#freeId(): number {
		for (let id = 1; id <= Math.min(maxPixelImageId, PIXEL_IMAGES_HELD); id++) if (!this.#images.has(id)) return id;
		const [oldest, placement] = [...this.#placements].filter(([, held]) => held !== null).sort(([a], [b]) => a - b)[0]!;
		this.#placements.set(oldest, null);
		this.#images.delete(placement!.id);
		return placement!.id;
	}
}

/**
 * The thumbnail as a JPEG (jpeg-js, quality 85) for iTerm2: it is sent again with every frame, and
 * a photo's JPEG is 5 to 10 times smaller than its PNG (thumbnails are opaque: nothing is lost).
 */
function encodeJpeg(image: Pixels): Uint8Array {
	return jpeg.encode({width: image.width, height: image.height, data: image.data}, 85).data;
}

const framesSlot = Symbol('pixel frames');

type Holder = {images: PixelImages | undefined};

/**
 * The terminal's stream as Ink is given it: everything passes through as it is, except that
 * each write holding marker cells goes through `placeImages` with the images attached
 * (`attachPixelImages`). Ink writes each frame as one write (between its separate writes of
 * ESC[?2026h and ESC[?2026l), the first one too, so each frame is rewritten whole.
 */
export function pixelStdout<Stream extends NodeJS.WriteStream>(stdout: Stream): Stream {
	const holder: Holder = {images: undefined};
	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		const images = holder.images;
		const text = typeof chunk === 'string' && images !== undefined ? placeImages(chunk, images.imageOf) : chunk;
		return (stdout.write as (...args: unknown[]) => boolean)(text, ...rest);
	};

	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') return write;
			if (property === framesSlot) return holder;
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

function holderOf(stdout: NodeJS.WriteStream): Holder | undefined {
	return (stdout as unknown as Record<symbol, Holder | undefined>)[framesSlot];
}

/** Makes `images` the ones drawn into the frames written to `stdout`; false when it is not a `pixelStdout`. */
export function attachPixelImages(stdout: NodeJS.WriteStream, images: PixelImages): boolean {
	const holder = holderOf(stdout);
	if (holder === undefined) return false;
	holder.images = images;
	return true;
}

/** No more images drawn into `stdout`'s frames, if `images` are still the ones attached. */
export function detachPixelImages(stdout: NodeJS.WriteStream, images: PixelImages): void {
	const holder = holderOf(stdout);
	if (holder?.images === images) holder.images = undefined;
}
