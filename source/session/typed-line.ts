/** What a typed line is: nothing, the quick quit, a command (without its slash), or text to send. */
export type TypedLine =
	| {readonly kind: 'blank'}
	| {readonly kind: 'quit'}
	| {readonly kind: 'command'; readonly line: string}
	| {readonly kind: 'text'; readonly text: string};

/**
 * Reads a submitted line: trailing line breaks dropped; `!q` quits; `/name args` is a command;
 * `//text` is the text `/text`; anything else not blank is text.
 */
export function readTypedLine(line: string): TypedLine {
	const text = line.replace(/[\r\n]+$/, '');
	if (text.trim() === '') {
		return {kind: 'blank'};
	}

	if (text.trim() === '!q') {
		return {kind: 'quit'};
	}

	const command = text.trimStart();
	if (command.startsWith('/') && !command.startsWith('//')) {
		return {kind: 'command', line: command.slice(1)};
	}

	return {kind: 'text', text: text.startsWith('//') ? text.slice(1) : text};
}
