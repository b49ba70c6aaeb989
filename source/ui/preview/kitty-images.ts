import type {Pixels} from './half-blocks.js';
import {deleteSequence, encodePng, type KittyPlacement, kittyCell, maxImageId, transmitSequence} from './kitty-graphics.js';

/**
 * The images the TUI has sent the terminal through kitty's graphics protocol, by entry. Each
 * thumbnail is sent once, the first time its entry is drawn (`placementOf`, called while the
 * messages are laid out: the write is a whole command of its own, before the frame that shows
 * its placeholders, never inside one of Ink's writes). An image is deleted in the terminal when
 * its entry leaves the scrollback (`forgetBefore`) and at exit (`dispose`). At most 255 are held
 * (the ids a 256-colour foreground can name): past that the oldest is deleted and its entry
 * shows half blocks from then on.
 */
export class KittyImages {
	/** Entry id -> its placement; null: sent once and given up (half blocks for good). */
	readonly #placements = new Map<number, KittyPlacement | null>();
	readonly #used = new Set<number>();

	constructor(
		private readonly write: (bytes: string) => void,
		private readonly tmux = false,
	) {}

	/** The entry's placement, sending its thumbnail first if it was never sent; undefined: draw half blocks. */
	placementOf(entryId: number, thumbnail: Pixels): KittyPlacement | undefined {
		const known = this.#placements.get(entryId);
		if (known !== undefined) return known ?? undefined;
		let png: Uint8Array;
		try {
			png = encodePng(thumbnail);
		} catch {
			this.#placements.set(entryId, null);
			return undefined;
		}

		const placement = {id: this.#freeId(), columns: Math.ceil(thumbnail.width / kittyCell.width), rows: Math.ceil(thumbnail.height / kittyCell.height)};
		this.#used.add(placement.id);
		this.#placements.set(entryId, placement);
		this.write(transmitSequence(placement, png, this.tmux));
		return placement;
	}

	/** Deletes the images of entries older than `oldestEntryId` (all of them when undefined: no entries left). */
	forgetBefore(oldestEntryId: number | undefined): void {
		for (const [entryId, placement] of this.#placements) {
			if (oldestEntryId !== undefined && entryId >= oldestEntryId) continue;
			this.#placements.delete(entryId);
			if (placement) this.#release(placement.id);
		}
	}

	/** Deletes every image still held (at exit). */
	dispose(): void {
		this.forgetBefore(undefined);
	}

	/** How many images the terminal holds for us now. */
	get size(): number {
		return this.#used.size;
	}

	#release(id: number): void {
		this.#used.delete(id);
		this.write(deleteSequence(id, this.tmux));
	}

	#freeId(): number {
		for (let id = 1; id <= maxImageId; id++) if (!this.#used.has(id)) return id;
		// All ids in use: the oldest image (entries are numbered in order) gives its id up.
		const [oldest, placement] = [...this.#placements].filter(([, held]) => held !== null).sort(([a], [b]) => a - b)[0]!;
		this.#placements.set(oldest, null);
		this.#release(placement!.id);
		return placement!.id;
	}
}
