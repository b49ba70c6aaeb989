import {readFile, stat} from 'node:fs/promises';
import type {ChatEntry} from '../../session/types.js';
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

/**
 * The previews of downloaded images, by entry: each file is read and decoded once, in the
 * background (never while drawing), and kept only as a thumbnail the size of the largest preview
 * (`cell`: the thumbnail's pixels per cell).
 * `changed` is called when one is ready. Files that are not images, or not readable, get none.
 */
export class Previews {
	readonly #thumbnails = new Map<number, Pixels | undefined>();

	constructor(
		private readonly changed: () => void,
		private readonly read: ReadImage = readSmall,
		private readonly cell: CellPixels = {width: 1, height: 2},
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
			const size = thumbnailSize(image.width, image.height, this.cell);
			this.#thumbnails.set(id, scalePixels(image, size.width, size.height));
			this.changed();
		} catch {
			// Moved or removed since: no preview; the notice above still says where it was saved.
		}
	}
}
