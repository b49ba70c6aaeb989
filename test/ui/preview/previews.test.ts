import {describe, expect, it} from 'vitest';
import type {ChatEntry} from '../../../source/session/types.js';
import {Previews} from '../../../source/ui/preview/previews.js';
import {waitFor} from '../../helpers/wait-for.js';
import {tinyPng} from '../../helpers/images.js';

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

	it('never reads a file not named as an image, nor an entry without a file; a failed read or decode gives none', async () => {
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
		await waitFor(() => reads.length === 2, {what: 'the two reads'});
		await new Promise(resolve => setImmediate(resolve));
		expect(reads).toEqual(['/d/gone.png', '/d/fake.jpg']);
		expect(previews.of(notice(4, '/d/gone.png'))).toBeUndefined();
		expect(previews.of(notice(5, '/d/fake.jpg'))).toBeUndefined();
		expect(changed).toBe(0);
	});
});
