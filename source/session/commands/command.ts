import type {MemberRequest} from '../../protocol/items.js';
import type {IgnoreList} from '../ignore-list.js';
import type {IgnoreChange} from '../ignoring.js';
import type {PathPlatform} from '../ports.js';
import type {CommandInfo, FileOffer, SessionSnapshot} from '../types.js';

/** Starting and stopping file transfers. */
export type TransferControls = {
	/** The path rules of the machine the files are on. */
	readonly platform: PathPlatform;
	/** True when a path as typed (~, relative) names an existing file; false without file transfer. */
	exists(typed: string): boolean;
	send(path: string): void;
	get(offer: FileOffer): void;
	/** False when no transfer with this id is running. */
	cancel(id: string): boolean;
};

/** What a command may do: the session hands this to `run`. */
export type CommandContext = {
	readonly snapshot: SessionSnapshot;
	/** Sends a request to the hub (queued until joined). */
	send(request: MemberRequest): void;
	/** Adds a local information line. */
	info(text: string): void;
	/** Adds a local error line. */
	error(text: string): void;
	/** Clears the messages pane. */
	clear(): void;
	/** Leaves the room. */
	quit(): void;
	/** The registry, for /help. */
	commands(): readonly CommandInfo[];
	/** Checks a message text against the size limit; reports and returns false when over. */
	fits(text: string): boolean;
	readonly transfers: TransferControls;
	/** Lines describing this machine's network, ports and discovery (it may take a second). */
	netinfo(): Promise<string[]>;
	readonly ignoring: IgnoreControls;
	/** Shows where `query` occurs in the entries held (the TUI opens its search; line mode prints them). */
	find(query: string): void;
};

/** Who is ignored here (their messages and DMs hidden), remembered for the room. */
export type IgnoreControls = {
	list(): IgnoreList;
	add(name: string): Promise<IgnoreChange>;
	remove(name: string): Promise<IgnoreChange>;
	/** Why changes are not remembered (the kept list could not be read), if so. */
	unsaved(): string | undefined;
};

/** A slash command: described for /help and completion, and run with the rest of the line. */
export type Command = CommandInfo & {
	run(context: CommandContext, args: string): void | Promise<void>;
};

/** Splits "NAME rest of line" at the first run of spaces. */
export function firstWord(args: string): [string, string] {
	const match = /^(\S+)\s*(.*)$/s.exec(args.trim());
	return match ? [match[1]!, match[2]!] : ['', ''];
}
