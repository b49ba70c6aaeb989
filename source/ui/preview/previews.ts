import {readFile, stat} from 'node:fs/promises';
import {PEEK_MAX_BYTES} from '../../session/ports.js';
import type {ChatEntry, FileOffer} from '../../session/types.js';
import {decodeImage, maxImageBytes} from './decode-image.js';
import {type Pixels, previewBox, previewSize, scalePixels} from './half-blocks.js';

/** Names the preview looks at; what is in the file decides in the end (its first bytes). */
const imageName = /\.(?:png|jpe?g|gif|webp)$/i;

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
 * drawing), and kept only as a thumbnail the size of the largest preview; `changed` is called
 * when one is ready. An offer of an image of at most 512 kB is previewed at once (its bytes
 * fetched into memory, `offers.peek`), once its upload is complete; a larger one on the notice of
 * its download (the file saved). An image shown at its offer is not shown again at its download.
 * Files that are not images, or not readable, get none.
 */
export class Previews {
	readonly #thumbnails = new Map<string, Pixels | undefined>();

	constructor(
		private readonly changed: () => void,
		private readonly read: ReadImage = readSmall,
		private readonly offers?: OfferSource,
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
			const size = previewSize(image.width, image.height, previewBox.columns, previewBox.rows);
			this.#thumbnails.set(key, scalePixels(image, size.columns, size.rows * 2));
			this.changed();
		} catch {
			// Moved or removed since, or the host would not hand it over: no preview; the line above still says what it is.
		}
	}
}
