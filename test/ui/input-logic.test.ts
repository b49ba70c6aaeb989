import {describe, expect, test} from 'vitest';
import {complete} from '../../source/ui/input/complete.js';
import {emptyHistory, historyLimit, recallNext, recallPrevious, remember} from '../../source/ui/input/history.js';
import {fakeCommands} from './fake-session.js';

describe('history', () => {
	const typed = ['first', 'second', 'third'].reduce(remember, emptyHistory);

	test('Up walks back from the newest, keeping the draft; Down returns to it', () => {
		let step = recallPrevious(typed, 'draft');
		expect(step.value).toBe('third');
		step = recallPrevious(step.state, step.value);
		expect(step.value).toBe('second');
		step = recallPrevious(step.state, step.value);
		step = recallPrevious(step.state, step.value);
		expect(step.value).toBe('first');
		step = recallNext(step.state, step.value);
		expect(step.value).toBe('second');
		step = recallNext(step.state, step.value);
		step = recallNext(step.state, step.value);
		expect(step.value).toBe('draft');
		expect(recallNext(step.state, 'draft').value).toBe('draft');
	});

	test('blank lines and repeats are not remembered; the limit holds', () => {
		expect(remember(remember(typed, '   '), 'third').lines).toEqual(['first', 'second', 'third']);
		let many = emptyHistory;
		for (let index = 0; index < historyLimit + 20; index++) {
			many = remember(many, `line ${index}`);
		}

		expect(many.lines).toHaveLength(historyLimit);
		expect(many.lines.at(-1)).toBe(`line ${historyLimit + 19}`);
	});

	test('no history: Up keeps the line', () => {
		expect(recallPrevious(emptyHistory, 'typing').value).toBe('typing');
	});
});

describe('complete', () => {
	const source = {commands: fakeCommands, members: ['alice', 'Albert', 'bob']};

	test('a command name from its start', () => {
		expect(complete('/se', source)?.line).toBe('/send ');
		expect(complete('/SE', source)?.line).toBe('/send ');
		expect(complete('/zz', source)).toBeUndefined();
	});

	test('aliases complete too, and repeated Tab cycles through the matches', () => {
		const first = complete('/n', source);
		expect(first?.matches).toEqual(['name', 'names', 'netinfo', 'nick']);
		expect(first?.line).toBe('/name ');
		const second = complete(first!.line, source, first);
		expect(second?.line).toBe('/names ');
		const third = complete(second!.line, source, second);
		expect(third?.line).toBe('/netinfo ');
		const fourth = complete(third!.line, source, third);
		expect(fourth?.line).toBe('/nick ');
		expect(complete(fourth!.line, source, fourth)?.line).toBe('/name ');
	});

	test('member names: the last word, case-insensitive, cycling', () => {
		const first = complete('/msg al', source);
		expect(first?.line).toBe('/msg Albert ');
		expect(complete(first!.line, source, first)?.line).toBe('/msg alice ');
		expect(complete('hi B', source)?.line).toBe('hi bob ');
		expect(complete('hi @b', source)?.line).toBe('hi @bob ');
	});

	test('a name alone at the start is addressed: "bob: "', () => {
		expect(complete('bo', source)?.line).toBe('bob: ');
	});

	test('a changed line starts over', () => {
		const first = complete('/m', source);
		expect(complete('/h', source, first)?.line).toBe('/help ');
	});

	test('nothing to complete', () => {
		expect(complete('', source)).toBeUndefined();
		expect(complete('hello ', source)).toBeUndefined();
		expect(complete('zed', source)).toBeUndefined();
	});
});
