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
	/** Why an image has no preview, by the same keys: its bytes were read but are no image to show (`decoded`), or could not be had. */
	readonly #reasons = new Map<string, {readonly reason: string; readonly decoded: boolean}>();

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
			void this.load(key, async () => peek(offer.id), 'fetched');
			return undefined;
		}

		if (entry.kind !== 'notice' || entry.file === undefined || !imageName.test(entry.file)) return undefined;
		if (entry.offerId !== undefined && this.#shownAtOffer(entry.offerId)) return undefined;
		const key = `file ${entry.id}`;
		if (!this.#thumbnails.has(key)) {
			this.#thumbnails.set(key, undefined);
			const {file} = entry;
			void this.load(key, async () => this.read(file), 'read');
		}

		return this.#thumbnails.get(key);
	}

	/**
	 * Why the entry has no preview, in words ("not an image (a broken PNG file)", "too large to
	 * preview ..."), once that is known; undefined while it is being made, when it has one, and for
	 * entries that are no image.
	 */
	reasonOf(entry: ChatEntry): string | undefined {
		if (entry.kind === 'offer' && entry.offerId !== undefined) return this.#reasons.get(`offer ${entry.offerId}`)?.reason;
		if (entry.kind !== 'notice' || entry.file === undefined) return undefined;
		if (entry.offerId !== undefined && this.#shownAtOffer(entry.offerId)) return undefined;
		return this.#reasons.get(`file ${entry.id}`)?.reason;
	}

	/** The offer's own line shows its image, or why its bytes are no image: its download's notice adds nothing. */
	#shownAtOffer(offerId: string): boolean {
		const key = `offer ${offerId}`;
		return this.#thumbnails.get(key) !== undefined || this.#reasons.get(key)?.decoded === true;
	}

	private async load(key: string, bytesOf: () => Promise<Uint8Array | undefined>, how: 'fetched' | 'read'): Promise<void> {
		let bytes: Uint8Array | undefined;
		try {
			bytes = await bytesOf();
		} catch (error) {
			// Moved or removed since, or the host would not hand it over: the line above still says what it is.
			this.#fail(key, `could not be ${how} (${error instanceof Error ? error.message : String(error)})`, false);
			return;
		}

		if (bytes === undefined) {
			this.#fail(key, `too large to preview (over ${maxImageBytes / 1024 / 1024} MB)`, true);
			return;
		}

		const decoded = await decodeImage(bytes);
		if (!decoded.ok) {
			this.#fail(key, decoded.reason, true);
			return;
		}

		const {image} = decoded;
		const size = thumbnailSize(image.width, image.height, this.cell);
		this.#thumbnails.set(key, scalePixels(image, size.width, size.height));
		this.changed();
	}

	#fail(key: string, reason: string, decoded: boolean): void {
		this.#reasons.set(key, {reason, decoded});
		this.changed();
	}
}
