/**
 * The folder of downloaded files the preview panes read, made once per test file
 * (`sharedImageFolder` registers its making and removal), and the session's notice of a
 * finished download of one of its files.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {cleanup} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll} from 'vitest';
import {requireBuiltDecoder} from '../../helpers/built-decoder.js';

export type ImageFolder = {
	/** The notice of a finished download of `name` (a file of the folder). */
	saved(name: string): {readonly kind: 'notice'; readonly text: string; readonly file: string};
	/** Adds a file to the folder. */
	add(name: string, bytes: Uint8Array | string): Promise<void>;
};

/** A folder holding `files` for the tests of this file, removed after them; each test's render cleaned up. */
export function sharedImageFolder(prefix: string, files: Readonly<Record<string, Uint8Array | string>>): ImageFolder {
	let folder = '';
	beforeAll(async () => {
		// Images are decoded in a worker thread, from the build (npm run build; npm test does it first).
		requireBuiltDecoder();
		folder = await mkdtemp(path.join(tmpdir(), prefix));
		for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(folder, name), bytes);
	});
	afterAll(async () => rm(folder, {recursive: true, force: true}));
	afterEach(() => {
		cleanup();
	});
	return {
		saved: name => ({kind: 'notice', text: `saved ${name} (sha256 verified)`, file: path.join(folder, name)}),
		add: async (name, bytes) => writeFile(path.join(folder, name), bytes),
	};
}
