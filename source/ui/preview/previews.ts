import {readFile, stat} from 'node:fs/promises';
import {PEEK_MAX_BYTES} from '../../session/ports.js';
import type {ChatEntry, FileOffer} from '../../session/types.js';
import {decodeImage, maxImageBytes} from './decode-image.js';
import {type Pixels, previewBox, previewSize, scalePixels} from './half-blocks.js';

/** Names the preview looks at; what is in the file decides in the end (its first bytes). */
const imageName = /\.(?:png|jpe?g|gif|webp)$/i;

/** The pixels of the thumbnail one cell shows: 1 x 2 for half blocks, more for a graphics protocol. */
export type CellPixels = {readonly width: number; readonly height: number};

/**
 * The thumbnail's size for an image of `width` x `height` pixels, as large as the largest
 * preview (40 x 12 cells) of `cell` pixels each, its shape kept, never enlarged. Half blocks
 * get whole cells (2 pixel rows each); a graphics protocol gets the pixels, its cells rounded up.
 */
export function thumbnailSize(width: number, height: number, cell: CellPixels): {readonly width: number; readonly height: number} {
	if (cell.width === 1 && cell.height === 2) {
		const size = previewSize(width, height, previewBox.columns, previewBox.rows);
		return {width: size.columns, height: size.rows * 2};
	}

	const scale = Math.min(1, (previewBox.columns * cell.width) / width, (previewBox.rows * cell.height) / height);
	return {width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale))};
}

export type ReadImage = (path: string) => Promise<Uint8Array | undefined>;

/** The file's bytes, or undefined when it is larger than a preview decodes (not read at all then). */
const readSmall: ReadImage = async path => ((await stat(path)).size > maxImageBytes ? undefined : readFile(path));

/** Where offers are looked up and small ones fetched before a download (the session's). */
export type OfferSource = {
	offer(id: string): FileOffer | undefined;
	peek(id: string): Promise<Uint8Array>;
};

/** Whether an offer's preview is fetched at once: a whole image file of at most PEEK_MAX_BYTES. */
export function peekable(offer: FileOffer): boolean {
	return offer.complete && offer.failed === undefined && offer.files === undefined && offer.size <= PEEK_MAX_BYTES && imageName.test(offer.name);
}

/**
 * The previews of images, by entry, each read and decoded once, in the background (never while
 * drawing), and kept only as a thumbnail the size of the largest preview (`cell`: the
 * thumbnail's pixels per cell); `changed` is called when one is ready. An offer of an image of
 * at most 512 kB is previewed at once (its bytes fetched into memory, `offers.peek`), once its
 * upload is complete; a larger one on the notice of its download (the file saved). An image shown
 * at its offer is not shown again at its download. Files that are not images, or not readable,
 * get none.
 */
export class Previews {
	readonly #thumbnails = new Map<string, Pixels | undefined>();

	constructor(
		private readonly changed: () => void,
		private readonly read: ReadImage = readSmall,
		private readonly offers?: OfferSource,
		private readonly cell: CellPixels = {width: 1, height: 2},
	) {}

	/** The entry's thumbnail once decoded; undefined before, and for entries with no image. */
	of(entry: ChatEntry): Pixels | undefined {
		if (entry.kind === 'offer' && entry.offerId !== undefined && this.offers !== undefined) {
			const key = `offer ${entry.offerId}`;
			if (this.#thumbnails.has(key)) return this.#thumbnails.get(key);
			const offer = this.offers.offer(entry.offerId);
			// Not yet complete: asked again when the offer changes (each drawing asks).
			if (offer === undefined || !peekable(offer)) return undefined;
			this.#thumbnails.set(key, undefined);
			const {peek} = this.offers;
			void this.load(key, async () => peek(offer.id));
			return undefined;
		}

		if (entry.kind !== 'notice' || entry.file === undefined || !imageName.test(entry.file)) return undefined;
		if (entry.offerId !== undefined && this.#thumbnails.get(`offer ${entry.offerId}`) !== undefined) return undefined;
		const key = `file ${entry.id}`;
		if (!this.#thumbnails.has(key)) {
			this.#thumbnails.set(key, undefined);
			const {file} = entry;
			void this.load(key, async () => this.read(file));
		}

		return this.#thumbnails.get(key);
	}

	private async load(key: string, bytesOf: () => Promise<Uint8Array | undefined>): Promise<void> {
		try {
			const bytes = await bytesOf();
			if (bytes === undefined) return;
			const decoded = await decodeImage(bytes);
			if (!decoded.ok) return;
			const {image} = decoded;
			const size = thumbnailSize(image.width, image.height, this.cell);
			this.#thumbnails.set(key, scalePixels(image, size.width, size.height));
			this.changed();
		} catch {
			// Moved or removed since, or the host would not hand it over: no preview; the line above still says what it is.
		}
	}
}
