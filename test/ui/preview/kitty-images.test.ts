import {describe, expect, test} from 'vitest';
import {deleteSequence, kittyCell} from '../../../source/ui/preview/kitty-graphics.js';
import {KittyImages} from '../../../source/ui/preview/kitty-images.js';
import {thumbnailSize} from '../../../source/ui/preview/previews.js';

const pixels = (width: number, height: number) => ({width, height, data: new Uint8Array(width * height * 4).fill(200)});

/** The ids of the images transmitted in `writes`, in order. */
const sent = (writes: readonly string[]) => writes.flatMap(write => [...write.matchAll(/_Ga=T,U=1,f=100,i=(\d+),/g)].map(match => Number(match[1])));

describe('the images sent to the terminal, by entry', () => {
	test('each is sent once, its cells from its pixels at 10 x 20 a cell; drawn again it is not sent again', () => {
		const writes: string[] = [];
		const images = new KittyImages(bytes => writes.push(bytes));
		expect(images.placementOf(5, pixels(100, 60))).toEqual({id: 1, columns: 10, rows: 3});
		expect(images.placementOf(5, pixels(100, 60))).toEqual({id: 1, columns: 10, rows: 3});
		expect(images.placementOf(8, pixels(15, 21))).toEqual({id: 2, columns: 2, rows: 2});
		expect(sent(writes)).toEqual([1, 2]);
		// Each write is one whole command (or a run of chunks), never part of anything else.
		for (const write of writes) expect(write).toMatch(/^\u001B_G[\s\S]*\u001B\\$/);
	});

	test("an entry leaving the scrollback deletes its image; its id is free again; at exit all are deleted", () => {
		const writes: string[] = [];
		const images = new KittyImages(bytes => writes.push(bytes));
		images.placementOf(1, pixels(10, 20));
		images.placementOf(2, pixels(10, 20));
		images.placementOf(3, pixels(10, 20));
		writes.length = 0;
		images.forgetBefore(3);
		expect(writes).toEqual([deleteSequence(1), deleteSequence(2)]);
		expect(images.size).toBe(1);
		expect(images.placementOf(4, pixels(10, 20))?.id).toBe(1);
		writes.length = 0;
		images.dispose();
		expect(writes.sort()).toEqual([deleteSequence(1), deleteSequence(3)].sort());
		expect(images.size).toBe(0);
	});

	test('past 255 images the oldest entry gives its id up and shows half blocks from then on', () => {
		const writes: string[] = [];
		const images = new KittyImages(bytes => writes.push(bytes));
		for (let entry = 300; entry > 45; entry--) images.placementOf(entry, pixels(10, 20));
		expect(images.size).toBe(255);
		writes.length = 0;
		// Entry 46 is the oldest held (drawn last): it loses its image to entry 400.
		const newest = images.placementOf(400, pixels(10, 20));
		expect(writes[0]).toBe(deleteSequence(newest!.id));
		expect(sent(writes)).toEqual([newest!.id]);
		expect(images.placementOf(46, pixels(10, 20))).toBeUndefined();
		expect(images.size).toBe(255);
	});

	test('inside tmux every command goes through its passthrough', () => {
		const writes: string[] = [];
		const images = new KittyImages(bytes => writes.push(bytes), true);
		images.placementOf(1, pixels(10, 20));
		images.dispose();
		expect(writes).toHaveLength(2);
		for (const write of writes) expect(write.startsWith('\u001BPtmux;\u001B\u001B_G')).toBe(true);
	});
});

describe('thumbnail sizes', () => {
	test('for half blocks, whole cells of 1 x 2 pixels, at most 40 x 12 cells', () => {
		expect(thumbnailSize(16, 8, {width: 1, height: 2})).toEqual({width: 16, height: 8});
		expect(thumbnailSize(800, 600, {width: 1, height: 2})).toEqual({width: 32, height: 24});
	});

	test('for kitty, the pixels of at most 40 x 12 cells of 10 x 20, the shape kept, never enlarged', () => {
		expect(thumbnailSize(100, 60, kittyCell)).toEqual({width: 100, height: 60});
		expect(thumbnailSize(800, 600, kittyCell)).toEqual({width: 320, height: 240});
		expect(thumbnailSize(4000, 100, kittyCell)).toEqual({width: 400, height: 10});
		expect(thumbnailSize(1, 4000, kittyCell)).toEqual({width: 1, height: 240});
	});
});
