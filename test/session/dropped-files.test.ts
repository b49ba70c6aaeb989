import {describe, expect, test} from 'vitest';
import type {TransferPort} from '../../source/session/ports.js';
import {connectedSession} from './session-helpers.js';

/** A transfer port that knows a few files on an imaginary disk, and records uploads. */
function transfers(files: Record<string, number>, platform: 'posix' | 'win32' = 'posix'): TransferPort & {uploads: string[]} {
	const uploads: string[] = [];
	return {
		uploads,
		platform,
		resolvePath: typed => typed,
		exists: typed => typed in files,
		fileSize: typed => files[typed],
		async upload(path) {
			uploads.push(path);
			return new Promise(() => undefined);
		},
		async download() {
			return new Promise(() => undefined);
		},
	};
}

describe('droppedFiles', () => {
	test.each([
		['a quoted path with a trailing space', "'/home/me/my photo.png' ", ['/home/me/my photo.png']],
		['backslash-escaped spaces', '/home/me/my\\ photo.png', ['/home/me/my photo.png']],
		['a file:// URI', 'file:///home/me/my%20photo.png\n', ['/home/me/my photo.png']],
		['two files', "'/home/me/my photo.png' /tmp/a.txt", ['/home/me/my photo.png', '/tmp/a.txt']],
	])('%s names the files, with their sizes', async (_label, pasted, paths) => {
		const port = transfers({'/home/me/my photo.png': 2_100_000, '/tmp/a.txt': 12});
		const {session} = await connectedSession({transfers: port});
		expect(session.droppedFiles(pasted)?.map(file => file.path)).toEqual(paths);
		expect(session.droppedFiles(pasted)?.[0]).toEqual({path: paths[0], name: paths[0]!.split('/').at(-1), size: paths[0] === '/tmp/a.txt' ? 12 : 2_100_000});
	});

	test('a Windows path on Windows', async () => {
		const {session} = await connectedSession({transfers: transfers({'C:\\Users\\me\\photo.png': 5}, 'win32')});
		expect(session.droppedFiles('"C:\\Users\\me\\photo.png"')).toEqual([{path: 'C:\\Users\\me\\photo.png', name: 'photo.png', size: 5}]);
	});

	test('text, a missing file, or a path with words around it is no drop', async () => {
		const {session} = await connectedSession({transfers: transfers({'/tmp/a.txt': 12})});
		for (const pasted of ['hello', '/tmp/b.txt', 'see /tmp/a.txt', 'a.txt']) {
			expect(session.droppedFiles(pasted)).toBeUndefined();
		}
	});

	test('sendFiles offers each file as /send does', async () => {
		const port = transfers({'/tmp/a.txt': 12});
		const {session} = await connectedSession({transfers: port});
		session.sendFiles(['/tmp/a.txt']);
		expect(port.uploads).toEqual(['/tmp/a.txt']);
	});
});
