import {expect, test} from 'vitest';
import type {FileOffer, Transfer} from '../../source/session/types.js';
import {folderProgress} from '../../source/ui/transfers/format.js';
import {offerRows, transferRows} from '../../source/ui/transfers/rows.js';

const transfer: Transfer = {id: 'k3xq7a2m', direction: 'download', name: 'album.tar', size: 10_000_000, bytes: 4_100_000, state: 'progress', speed: 0, startedAt: 0, files: 12, filesDone: 3};

test('a folder in progress shows "3 of 12 files, 4.1 of 10 MB" under its bar; a file does not', () => {
	expect(folderProgress(transfer)).toBe('3 of 12 files, 4.1 of 10 MB');
	expect(folderProgress({...transfer, bytes: 900, filesDone: 0})).toBe('0 of 12 files, 900 B of 10 MB');
	expect(transferRows(transfer, 40).map(row => row.text)).toContain('  3 of 12 files, 4.1 of 10 MB');
	const {files, filesDone, ...file} = transfer;
	expect(transferRows(file, 40).some(row => row.text.includes('files'))).toBe(false);
	expect(transferRows({...transfer, state: 'done', path: '/d/album'}, 40).map(row => row.text)).toContain('  ✓ saved /d/album, 12 files');
});

test('a folder offer says so beside its size', () => {
	const offer: FileOffer = {id: 'k3xq7a2m', name: 'album.tar', size: 10_000_000, from: 'alice', complete: true, files: 1, time: 0};
	expect(offerRows(offer, 0, false)[1]!.text).toBe('  10 MB · folder, 1 file · alice · ready');
});
