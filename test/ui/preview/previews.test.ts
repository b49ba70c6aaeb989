import {beforeAll, describe, expect, it} from 'vitest';
import type {ChatEntry} from '../../../source/session/types.js';
import {Previews} from '../../../source/ui/preview/previews.js';
import {waitFor} from '../../helpers/wait-for.js';
import {requireBuiltDecoder} from '../../helpers/built-decoder.js';
import {fixtureImage, tinyPng} from '../../helpers/images.js';

// Images are decoded in a worker thread, from the build (npm run build; npm test does it first).
beforeAll(requireBuiltDecoder);

function notice(id: number, file?: string): ChatEntry {
	return {id, kind: 'notice', time: 0, text: 'saved', fromHistory: false, mentionsMe: false, ...(file === undefined ? {} : {file})};
}

describe('Previews', () => {
	it('reads and decodes each image once, in the background, keeping a thumbnail the size of the largest preview', async () => {
		const reads: string[] = [];
		let changed = 0;
		const previews = new Previews(
			() => changed++,
			async path => {
				reads.push(path);
				return tinyPng(400, 100);
			},
		);
		const entry = notice(1, '/d/big.PNG');
		expect(previews.of(entry)).toBeUndefined();
		await waitFor(() => changed === 1, {what: 'the preview ready'});
		const thumbnail = previews.of(entry);
		expect(previews.of(entry)).toBe(thumbnail);
		expect([thumbnail?.width, thumbnail?.height]).toEqual([40, 10]);
		expect(reads).toEqual(['/d/big.PNG']);
	});

	it('previews GIF and WebP files too', async () => {
		let changed = 0;
		const previews = new Previews(
			() => changed++,
			async path => fixtureImage(path.slice(3)),
		);
		const gif = notice(1, '/d/animated.gif');
		const webp = notice(2, '/d/alpha.webp');
		previews.of(gif);
		previews.of(webp);
		await waitFor(() => changed === 2, {what: 'both previews ready'});
		expect([previews.of(gif)?.width, previews.of(gif)?.height]).toEqual([6, 4]);
		// 4 x 3 pixels make 4 cells by 2 rows of half blocks: a thumbnail of 4 x 4.
		expect([previews.of(webp)?.width, previews.of(webp)?.height]).toEqual([4, 4]);
	});

	it('never reads a file not named as an image, nor an entry without a file; a failed read or decode gives no preview and says why', async () => {
		const reads: string[] = [];
		let changed = 0;
		const previews = new Previews(
			() => changed++,
			async path => {
				reads.push(path);
				if (path.endsWith('gone.png')) throw new Error('ENOENT');
				return new TextEncoder().encode('not a picture');
			},
		);
		expect(previews.of(notice(1, '/d/notes.txt'))).toBeUndefined();
		expect(previews.of(notice(2))).toBeUndefined();
		expect(previews.of({...notice(3, '/d/a.png'), kind: 'message'})).toBeUndefined();
		previews.of(notice(4, '/d/gone.png'));
		previews.of(notice(5, '/d/fake.jpg'));
		// Each failure is told (a redraw), with its reason in words.
		await waitFor(() => changed === 2, {what: 'both failures told'});
		expect(reads).toEqual(['/d/gone.png', '/d/fake.jpg']);
		expect(previews.of(notice(4, '/d/gone.png'))).toBeUndefined();
		expect(previews.of(notice(5, '/d/fake.jpg'))).toBeUndefined();
		expect(previews.reasonOf(notice(4, '/d/gone.png'))).toBe('could not be read (ENOENT)');
		expect(previews.reasonOf(notice(5, '/d/fake.jpg'))).toBe('not an image');
		expect(previews.reasonOf(notice(1, '/d/notes.txt'))).toBeUndefined();
		expect(reads).toHaveLength(2);
	});
});
