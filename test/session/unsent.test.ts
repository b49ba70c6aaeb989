import {describe, expect, it} from 'vitest';
import {settleUnsent, type UnsentLine} from '../../source/session/unsent.js';
import {unsentLines, UNSENT_SHOWN} from '../../source/ui/messages/unsent-lines.js';
import {connectedSession, ev, T0, tick} from './session-helpers.js';

const line = (id: number, text: string): UnsentLine => ({id, text, time: T0});
const texts = (...args: Parameters<typeof unsentLines>) => unsentLines(...args).map(row => row.text);

describe('settleUnsent: my line came back from the room', () => {
	it('takes off the first line waiting with that text, keeping the order of the rest', () => {
		const unsent = [line(1, 'a'), line(2, 'b'), line(3, 'b'), line(4, 'c')];
		expect(settleUnsent(unsent, 'b').map(one => one.id)).toEqual([1, 3, 4]);
	});

	it('takes off the oldest when no text matches (the hub cleaned it), and leaves an empty list alone', () => {
		expect(settleUnsent([line(1, 'a'), line(2, 'b')], 'a\u0007').map(one => one.id)).toEqual([2]);
		const none: UnsentLine[] = [];
		expect(settleUnsent(none, 'x')).toBe(none);
	});
});

describe('unsentLines: the rows at the foot of the messages pane', () => {
	it('says each line is on its way, or waits for the host while reconnecting, cut to the width', () => {
		const at = new Date(T0);
		const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
		expect(texts([line(1, 'hello')], 'alice', 'connected', 60)).toEqual([`${time} alice: hello · sending…`]);
		expect(texts([line(1, 'hello')], 'alice', 'reconnecting', 60)).toEqual([`${time} alice: hello · waits for the host`]);
		const [long] = texts([line(1, 'x'.repeat(200))], 'alice', 'reconnecting', 50);
		expect(long).toHaveLength(50);
		expect(long).toMatch(/ alice: x+… · waits for the host$/);
		expect(texts([line(1, 'first\nsecond')], 'alice', 'connected', 60)[0]).toContain('alice: first … · sending…');
	});

	it(`shows the newest ${UNSENT_SHOWN} and counts the others; nothing when nothing waits`, () => {
		const many = Array.from({length: 12}, (_, index) => line(index + 1, `line ${index + 1}`));
		const rows = texts(many, 'alice', 'reconnecting', 60);
		expect(rows).toHaveLength(UNSENT_SHOWN + 1);
		expect(rows[0]).toContain('(9 more of yours waiting)');
		expect(rows.at(-1)).toContain('alice: line 12 ·');
		expect(texts(undefined, 'alice', 'connected', 60)).toEqual([]);
		expect(texts([], 'alice', 'connected', 60)).toEqual([]);
	});
});

describe('the session keeps my lines on their way until the room has them', () => {
	it('a line said while the hub is quiet waits, and goes when its copy comes back; /me and replies are not counted', async () => {
		const {link, session} = await connectedSession();
		link.unacknowledged = 1;
		expect(session.submit('first')).toBe('sent');
		expect(session.submit('second')).toBe('sent');
		link.unacknowledged = 2;
		await tick();
		expect(session.getSnapshot().unsent?.map(one => one.text)).toEqual(['first', 'second']);
		// Someone else's line, and my own /me, leave them waiting.
		link.push(ev.msg(1, 'bob', 'first'), ev.msg(2, 'alice', 'waves', true), ev.reply(3, 'alice', 'sure', 1));
		await tick();
		expect(session.getSnapshot().unsent?.map(one => one.text)).toEqual(['first', 'second']);
		link.unacknowledged = 1;
		link.push(ev.msg(4, 'alice', 'first'));
		await tick();
		expect(session.getSnapshot().unsent?.map(one => one.text)).toEqual(['second']);
		// Once the hub acknowledged everything, nothing waits, whatever came.
		link.unacknowledged = 0;
		link.push(ev.msg(5, 'carol', 'hi'));
		await tick();
		expect(session.getSnapshot().unsent).toEqual([]);
	});

	it('a line too long, or said once the link is lost, is not put on its way', async () => {
		const {link, session} = await connectedSession();
		link.unacknowledged = 1;
		expect(session.submit('x'.repeat(5000))).toBe('refused');
		link.lose('removed by the host');
		await tick();
		expect(session.getSnapshot().status).toBe('disconnected');
		session.submit('after the end');
		await tick();
		expect(session.getSnapshot().entries.at(-1)).toMatchObject({kind: 'error', text: expect.stringContaining('not sent')});
		expect(session.getSnapshot().unsent ?? []).toEqual([]);
	});

	it('while reconnecting a line waits too, and the status says which way', async () => {
		const {link, session} = await connectedSession();
		link.status('reconnecting', 'no answer for 5 s');
		link.unacknowledged = 1;
		session.submit('are you there?');
		await tick();
		const snapshot = session.getSnapshot();
		expect(snapshot.status).toBe('reconnecting');
		expect(texts(snapshot.unsent, snapshot.myName, snapshot.status, 80)[0]).toMatch(/alice: are you there\? · waits for the host$/);
	});
});
