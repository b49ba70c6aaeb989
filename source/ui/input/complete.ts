/**
 * Tab completion of command names (a line starting with '/'), of a command's argument where it
 * names one (paths after /send, offer ids after /get), and of member names (the last word).
 * Pure: repeated Tab on an unchanged line cycles through the matches.
 */
import type {CommandInfo, FileOffer} from '../../session/types.js';
import type {PathSource} from '../../session/ports.js';
import {lastTypedPath, pathChoices} from './complete-path.js';

/** What completion last did, so the next Tab can cycle. */
export type Completion = {
	/** What the hint line shows, one per match. */
	readonly matches: readonly string[];
	/** The whole line each match makes. */
	readonly lines: readonly string[];
	readonly index: number;
	/** The line as completion left it. */
	readonly line: string;
};

/** What can be completed. */
export type CompletionSource = {
	readonly commands: readonly CommandInfo[];
	readonly members: readonly string[];
	/** The folders /send's paths complete from; absent where files cannot be sent. */
	readonly paths?: PathSource;
	/** The room's offers, for /get. */
	readonly offers?: readonly Pick<FileOffer, 'id' | 'name' | 'failed'>[];
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
	return choose(matches, matches.map(match => head + match + suffix), index);
}

function choose(matches: readonly string[], lines: readonly string[], index: number): Completion {
	return {matches, lines, index, line: lines[index]!};
}

/** A line that is a command naming its argument: the command, the line up to the argument, and the argument as typed. */
function commandArgument(line: string, commands: readonly CommandInfo[]): {command: CommandInfo; head: string; args: string} | undefined {
	const match = /^\/(\S+)(\s+)/.exec(line);
	if (!match) {
		return undefined;
	}

	const name = match[1]!.toLowerCase();
	const command = commands.find(candidate => candidate.name === name || candidate.aliases.includes(name));
	return command?.argument ? {command, head: match[0], args: line.slice(match[0].length)} : undefined;
}

/** Completes a command's argument: the last path after /send, an offer id after /get. */
function completeArgument({command, head, args}: {command: CommandInfo; head: string; args: string}, source: CompletionSource): Completion | undefined {
	let choices: {text: string; shown: string}[] = [];
	let before = head;
	if (command.argument === 'paths' && source.paths) {
		const typed = lastTypedPath(args, source.paths.platform);
		choices = pathChoices(typed, source.paths);
		before = head + args.slice(0, typed.start);
		// `/send my fi`: no path "fi", but the whole text may begin a name with a space in it (/send reads it whole).
		if (choices.length === 0 && typed.start > 0 && !/["'\\]/.test(args)) {
			choices = pathChoices({start: 0, quote: undefined, value: args.trimEnd()}, source.paths);
			before = head;
		}
	} else if (command.argument === 'offer' && source.offers && !/\s/.test(args)) {
		const prefix = args.toLowerCase();
		choices = source.offers
			.filter(offer => !offer.failed && offer.id.toLowerCase().startsWith(prefix))
			.map(offer => ({text: offer.id, shown: `${offer.id} (${offer.name})`}));
	}

	return choices.length === 0 ? undefined : choose(choices.map(choice => choice.shown), choices.map(choice => before + choice.text), 0);
}

/**
 * Completes `line`. Pass the previous result: when the line is still what it produced, the
 * next match is chosen. Undefined when there is nothing to complete.
 */
export function complete(line: string, source: CompletionSource, previous?: Completion): Completion | undefined {
	if (previous && previous.line === line && previous.matches.length > 1) {
		return choose(previous.matches, previous.lines, (previous.index + 1) % previous.matches.length);
	}

	if (line.startsWith('/') && !line.includes(' ')) {
		const prefix = line.slice(1).toLowerCase();
		const matches = commandNames(source.commands).filter(name => name.toLowerCase().startsWith(prefix));
		return matches.length === 0 ? undefined : build('/', matches, 0, ' ');
	}

	const argument = commandArgument(line, source.commands);
	if (argument) {
		return completeArgument(argument, source);
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
