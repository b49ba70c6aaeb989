import {describe, expect, it} from 'vitest';
import type {PathPlatform, TransferPort} from '../../source/session/ports.js';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, entriesOf, tick} from './session-helpers.js';

/** A transfer port on `platform` where `files` exist (as typed); it records what it uploads. */
function filesPort(files: string[], platform?: PathPlatform) {
	const uploads: string[] = [];
	const port: TransferPort = {
		...(platform ? {platform} : {}),
		resolvePath: typed => `/home/me/${typed}`,
		exists: typed => files.includes(typed),
		upload: async file => {
			uploads.push(file);
			return {id: `up${uploads.length}`, sha256: 'a'.repeat(64), name: 'x', size: 1};
		},
		download: async () => new Promise(() => undefined),
	};
	return {port, uploads};
}

async function sendLine(line: string, files: string[], platform?: PathPlatform) {
	const {port, uploads} = filesPort(files, platform);
	const {session} = await connectedSession({transfers: port});
	session.submit(line);
	await tick();
	return {uploads, errors: entriesOf(session, 'error').map(entry => entry.text)};
}

describe('/send reads paths as people type them', () => {
	it.each<[string, string[], PathPlatform | undefined, string[]]>([
		["/send it's.png", ["it's.png"], undefined, ["/home/me/it's.png"]],
		['/send my file.txt', ['my file.txt'], 'posix', ['/home/me/my file.txt']],
		[String.raw`/send my\ file.txt "dir/a\b.txt"`, [], 'posix', ['/home/me/my file.txt', String.raw`/home/me/dir/a\b.txt`]],
		[String.raw`/send D:\projects\image.png`, [], 'win32', [String.raw`/home/me/D:\projects\image.png`]],
		[String.raw`/upload "C:\Program Files\x.txt" b.png`, [], 'win32', [String.raw`/home/me/C:\Program Files\x.txt`, '/home/me/b.png']],
	])('%j with %j existing on %s uploads %j', async (line, files, platform, expected) => {
		const {uploads, errors} = await sendLine(line, files, platform);
		await waitFor(() => uploads.length === expected.length, {what: 'the uploads'});
		expect(uploads).toEqual(expected);
		expect(errors).toEqual([]);
	});

	it('an unclosed quote no file explains is an error and uploads nothing', async () => {
		const {uploads, errors} = await sendLine("/send it's.png", []);
		expect(errors).toEqual(["/send: unclosed ' quote: put the path in double quotes"]);
		expect(uploads).toEqual([]);
	});

	it.each<[PathPlatform, string]>([
		['posix', 'usage: /send PATH... (for example /send image.png "my notes.txt")'],
		['win32', String.raw`usage: /send PATH... (for example /send image.png "C:\My Files\notes.txt")`],
	])('without a path on %s it shows the usage', async (platform, usage) => {
		const {uploads, errors} = await sendLine('/send  ""', [], platform);
		expect(errors).toEqual([usage]);
		expect(uploads).toEqual([]);
	});
});
