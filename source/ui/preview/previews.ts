import {readFile, stat} from 'node:fs/promises';
import type {ChatEntry} from '../../session/types.js';
import {decodeImage, maxImageBytes} from './decode-image.js';
import {type Pixels, previewBox, previewSize, scalePixels} from './half-blocks.js';

/** Names the preview looks at; what is in the file decides in the end (its first bytes). */
const imageName = /\.(?:png|jpe?g|gif|webp)$/i;

export type ReadImage = (path: string) => Promise<Uint8Array | undefined>;

/** The file's bytes, or undefined when it is larger than a preview decodes (not read at all then). */
const readSmall: ReadImage = async path => ((await stat(path)).size > maxImageBytes ? undefined : readFile(path));

/**
 * The previews of downloaded images, by entry: each file is read and decoded once, in the
 * background (never while drawing), and kept only as a thumbnail the size of the largest preview.
 * `changed` is called when one is ready. Files that are not images, or not readable, get none.
 */
export class Previews {
	readonly #thumbnails = new Map<number, Pixels | undefined>();

	constructor(
		private readonly changed: () => void,
		private readonly read: ReadImage = readSmall,
	) {}

	/** The entry's thumbnail once decoded; undefined before, and for entries with no image. */
	of(entry: ChatEntry): Pixels | undefined {
		if (entry.kind !== 'notice' || entry.file === undefined || !imageName.test(entry.file)) return undefined;
		if (!this.#thumbnails.has(entry.id)) {
			this.#thumbnails.set(entry.id, undefined);
			void this.load(entry.id, entry.file);
		}

		return this.#thumbnails.get(entry.id);
	}

	private async load(id: number, path: string): Promise<void> {
		try {
			const bytes = await this.read(path);
			if (bytes === undefined) return;
			const decoded = await decodeImage(bytes);
			if (!decoded.ok) return;
			const {image} = decoded;
			const size = previewSize(image.width, image.height, previewBox.columns, previewBox.rows);
			this.#thumbnails.set(id, scalePixels(image, size.columns, size.rows * 2));
			this.changed();
		} catch {
			// Moved or removed since: no preview; the notice above still says where it was saved.
		}
	}
}
