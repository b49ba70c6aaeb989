/**
 * A flood of messages, each in a task of its own as datagrams arrive, is drawn a batch at a
 * time: far fewer frames than messages, the last one on screen in the end; a lone message
 * after a quiet moment is drawn at once; keys are not held back by a flood.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {connectedSession} from './fake-session.js';
import {press, renderApp} from './render-app.js';
import {waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

async function nextTask(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}

describe('a flood of messages', () => {
	test('300 messages in a row are a handful of frames, and all of them get on screen', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'no messages yet');
		const before = rendered.frames.length;
		for (let index = 1; index <= 300; index++) {
			session.pushEntry({text: `flood ${index}`});
			await nextTask();
		}

		const frame = await waitForText(rendered, 'flood 300');
		expect(frame).toContain('flood 299');
		expect(rendered.frames.length - before).toBeLessThan(30);
	});

	test('a message after a quiet moment is drawn at once, and so is a key during a flood', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'no messages yet');
		const before = rendered.frames.length;
		session.pushEntry({text: 'alone'});
		// Drawn by the next task: no timer stood in between (a batch waits 100 ms).
		await nextTask();
		expect(rendered.lastFrame()).toContain('alone');
		expect(rendered.frames.length).toBeGreaterThan(before);
		for (let index = 1; index <= 20; index++) {
			session.pushEntry({text: `flood ${index}`});
		}

		await press(rendered, 'x');
		expect(rendered.lastFrame()).toContain('› x');
		await waitForText(rendered, 'flood 20');
	});
});
