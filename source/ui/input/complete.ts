/**
 * Tab completion of command names (a line starting with '/') and member names (the last word).
 * Pure: repeated Tab on an unchanged line cycles through the matches.
 */
import type {CommandInfo} from '../../session/types.js';

/** What completion last did, so the next Tab can cycle. */
export type Completion = {
	/** The line up to the completed word. */
	readonly head: string;
	readonly matches: readonly string[];
	readonly index: number;
	/** What follows the completed word. */
	readonly suffix: string;
	/** The line as completion left it. */
	readonly line: string;
};

/** What can be completed. */
export type CompletionSource = {
	readonly commands: readonly CommandInfo[];
	readonly members: readonly string[];
};

function commandNames(commands: readonly CommandInfo[]): string[] {
	const names = new Set<string>();
	for (const command of commands) {
		names.add(command.name);
		for (const alias of command.aliases) {
			names.add(alias);
		}
	}

	return [...names].sort();
}

function build(head: string, matches: readonly string[], index: number, suffix: string): Completion {
	return {head, matches, index, suffix, line: head + matches[index]! + suffix};
}

/**
 * Completes `line`. Pass the previous result: when the line is still what it produced, the
 * next match is chosen. Undefined when there is nothing to complete.
 */
export function complete(line: string, source: CompletionSource, previous?: Completion): Completion | undefined {
	if (previous && previous.line === line && previous.matches.length > 1) {
		const index = (previous.index + 1) % previous.matches.length;
		return build(previous.head, previous.matches, index, previous.suffix);
	}

	if (line.startsWith('/') && !line.includes(' ')) {
		const prefix = line.slice(1).toLowerCase();
		const matches = commandNames(source.commands).filter(name => name.toLowerCase().startsWith(prefix));
		return matches.length === 0 ? undefined : build('/', matches, 0, ' ');
	}

	const start = line.lastIndexOf(' ') + 1;
	const word = line.slice(start);
	const at = word.startsWith('@') ? '@' : '';
	const prefix = word.slice(at.length).toLowerCase();
	if (prefix === '') {
		return undefined;
	}

	const matches = [...new Set(source.members)]
		.filter(name => name.toLowerCase().startsWith(prefix))
		.sort((a, b) => a.localeCompare(b));
	if (matches.length === 0) {
		return undefined;
	}

	const alone = start === 0 && at === '';
	return build(line.slice(0, start) + at, matches, 0, alone ? ': ' : ' ');
}
