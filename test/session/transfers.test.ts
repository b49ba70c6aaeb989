import {describe, expect, it} from 'vitest';
import type {TransferPort} from '../../source/session/ports.js';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, entriesOf, ev} from './session-helpers.js';

/** A transfer port whose downloads the test settles one by one. */
function fakeTransfers() {
	const downloads: Array<{id: string; resolve(path: string): void; reject(error: Error): void}> = [];
	const port: TransferPort = {
		resolvePath: typed => `/home/me/${typed}`,
		upload: async () => ({id: 'up1', sha256: 'a'.repeat(64), name: 'x', size: 1}),
		download: async offer =>
			new Promise((resolve, reject) => {
				downloads.push({id: offer.id, resolve: path => resolve({path, sha256: 'b'.repeat(64)}), reject});
			}),
	};
	return {port, downloads};
}

const offer = {k: 'offer' as const, seq: 10, time: 0, id: 'k3xq7a2m', name: 'slides.pdf', size: 2048, from: 'bob', complete: true};

describe('downloads and the connection', () => {
	it('a download cut off by a lost connection resumes by itself when the link is back', async () => {
		const {port, downloads} = fakeTransfers();
		const {link, session} = await connectedSession({transfers: port});
		link.push(offer);
		await waitFor(() => session.getSnapshot().offers.length === 1, {what: 'the offer'});
		session.submit('/get k3xq7a2m');
		await waitFor(() => downloads.length === 1, {what: 'the first download'});
		downloads[0]!.reject(Object.assign(new Error('the connection broke after 1024 of 2048 bytes'), {kind: 'interrupted'}));
		await waitFor(() => session.getSnapshot().transfers[0]?.state === 'failed', {what: 'the failure shown'});
		expect(entriesOf(session, 'error').at(-1)?.text).toContain('it resumes when the connection is back, or with /get k3xq7a2m');
		link.status('reconnecting', 'no answer for 5 s');
		link.status('connected');
		await waitFor(() => downloads.length === 2, {what: 'the download resumed'});
		expect(downloads[1]!.id).toBe('k3xq7a2m');
		downloads[1]!.resolve('/downloads/slides.pdf');
		await waitFor(() => session.getSnapshot().transfers[0]?.state === 'done', {what: 'the download done'});
		expect(session.getSnapshot().transfers[0]?.path).toBe('/downloads/slides.pdf');
	});

	it("a finished download's notice names the file saved, for the TUI's preview", async () => {
		const {port, downloads} = fakeTransfers();
		const {link, session} = await connectedSession({transfers: port});
		link.push(offer);
		await waitFor(() => session.getSnapshot().offers.length === 1, {what: 'the offer'});
		session.submit('/get k3xq7a2m');
		await waitFor(() => downloads.length === 1, {what: 'the download'});
		downloads[0]!.resolve('/downloads/slides.pdf');
		await waitFor(() => session.getSnapshot().transfers[0]?.state === 'done', {what: 'the download done'});
		const notice = entriesOf(session, 'notice').at(-1);
		expect(notice).toMatchObject({text: 'saved slides.pdf to /downloads/slides.pdf (sha256 verified)', file: '/downloads/slides.pdf'});
	});

	it('a download that failed for another reason is not retried by itself', async () => {
		const {port, downloads} = fakeTransfers();
		const {link, session} = await connectedSession({transfers: port});
		link.push(offer);
		await waitFor(() => session.getSnapshot().offers.length === 1, {what: 'the offer'});
		session.submit('/get k3xq7a2m');
		await waitFor(() => downloads.length === 1, {what: 'the download'});
		downloads[0]!.reject(Object.assign(new Error('sha256 mismatch'), {kind: 'hash-mismatch'}));
		await waitFor(() => session.getSnapshot().transfers[0]?.state === 'failed', {what: 'the failure'});
		link.status('reconnecting');
		link.status('connected');
		await waitFor(() => entriesOf(session).some(entry => entry.text.startsWith('back in')), {what: 'back'});
		expect(downloads).toHaveLength(1);
	});

	it('reconnecting is shown, and lines typed meanwhile still go to the link', async () => {
		const {link, session} = await connectedSession();
		link.status('reconnecting', 'no answer from 127.0.0.1:9999 for 5 s; reconnecting...');
		await waitFor(() => session.getSnapshot().status === 'reconnecting', {what: 'reconnecting'});
		expect(session.getSnapshot().statusDetail).toContain('no answer');
		session.submit('typed while away');
		expect(link.sent).toContainEqual({k: 'say', text: 'typed while away'});
		link.status('connected');
		await waitFor(() => session.getSnapshot().status === 'connected', {what: 'connected again'});
		link.push(ev.msg(11, 'bob', 'welcome back'));
		await waitFor(() => entriesOf(session, 'message').some(entry => entry.text === 'welcome back'), {what: 'a message after'});
	});
});
