/**
 * A fake ChatSessionApi for UI tests and the TUI benchmark: a mutable snapshot that notifies
 * subscribers, and a record of what the UI asked for. No sockets, no timers.
 */
import {chatCommands} from '../../source/session/commands/registry.js';
import type {FolderEntry, PathSource} from '../../source/session/ports.js';
import {tooLong} from '../../source/session/too-long.js';
import type {ChatEntry, ChatSessionApi, CommandInfo, FoundLines, LeaveResult, LocalFile, RoomSignal, SessionSnapshot, SubmitOutcome} from '../../source/session/types.js';

/** The commands the fake offers for /help and completion: the real registry's, without `run`. */
export const fakeCommands: readonly CommandInfo[] = chatCommands.map(({name, aliases, usage, description, argument}) => ({name, aliases, usage, description, ...(argument ? {argument} : {})}));

/** An entry with sensible defaults; `id` and `time` are filled in by the session when absent. */
export type EntryInit = Partial<ChatEntry> & {readonly text: string};

/** The snapshot of a member session that has not joined yet. */
export function initialSnapshot(overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
	return {
		status: 'idle',
		role: 'member',
		roomAddress: '192.168.1.20:7777',
		shareAddresses: [],
		members: [],
		entries: [],
		offers: [],
		transfers: [],
		...overrides,
	};
}

/** A ChatSessionApi whose state the test drives. */
export class FakeSession implements ChatSessionApi {
	snapshot: SessionSnapshot;
	/** Lines given to submit, names given to join, and how often leave was called, in order. */
	readonly submitted: string[] = [];
	readonly joined: string[] = [];
	/** The secret given with each join (undefined when none). */
	readonly secrets: Array<string | undefined> = [];
	leaves = 0;
	/** Every call, in order: "join alice", "submit hi", "leave". */
	readonly calls: string[] = [];
	/** When set, join() connects at once under the given name, with these members. */
	autoConnect = false;
	/** What leave() does; by default the session has left once the promise resolves. */
	leaveImpl: () => Promise<void> = async () => {
		this.update({status: 'left'});
	};

	/** Reacts to submitted lines (e.g. to add an 'error' entry for an unknown command). */
	onSubmit: ((line: string) => void) | undefined;

	readonly #listeners = new Set<() => void>();
	readonly #entryListeners = new Set<(entry: ChatEntry) => void>();
	readonly #findListeners = new Set<(found: FoundLines) => void>();
	#nextId = 1;
	#clock = Date.UTC(2026, 0, 1, 12, 0, 0);

	constructor(overrides: Partial<SessionSnapshot> = {}) {
		this.snapshot = initialSnapshot(overrides);
	}

	readonly getSnapshot = (): SessionSnapshot => this.snapshot;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};

	readonly onEntry = (listener: (entry: ChatEntry) => void): (() => void) => {
		this.#entryListeners.add(listener);
		return () => {
			this.#entryListeners.delete(listener);
		};
	};

	readonly #signalListeners = new Set<(signal: RoomSignal) => void>();
	/** The drafts keystroke() was told of, in order. */
	readonly keystrokes: string[] = [];

	readonly onSignal = (listener: (signal: RoomSignal) => void): (() => void) => {
		this.#signalListeners.add(listener);
		return () => {
			this.#signalListeners.delete(listener);
		};
	};

	readonly keystroke = (draft: string): void => {
		this.keystrokes.push(draft);
	};

	/** Hands a signal to the listeners, as the real session does for reactions, presence and typing. */
	signal(signal: RoomSignal): void {
		for (const listener of this.#signalListeners) listener(signal);
	}

	readonly onFind = (listener: (found: FoundLines) => void): (() => void) => {
		this.#findListeners.add(listener);
		return () => {
			this.#findListeners.delete(listener);
		};
	};

	/** What the real session does for "/find QUERY": tells the find listeners (matches are the front end's to show). */
	find(query: string, matches: readonly ChatEntry[] = []): void {
		for (const listener of this.#findListeners) {
			listener({query, matches});
		}
	}

	readonly join = (name: string, secret?: string): void => {
		this.joined.push(name);
		this.secrets.push(secret);
		this.calls.push(`join ${name}`);
		if (this.autoConnect) {
			const members = this.snapshot.members.some(member => member.isMe)
				? this.snapshot.members
				: [...this.snapshot.members, {name, isHost: false, isMe: true}];
			this.update({status: 'connected', myName: name, refusal: undefined, members});
		}
	};

	/** What each submit() answered, in order. */
	readonly outcomes: SubmitOutcome[] = [];

	/** Like the real session: a line over the size limit is refused (and kept by the input). */
	readonly submit = (line: string): SubmitOutcome => {
		this.submitted.push(line);
		this.calls.push(`submit ${line}`);
		this.onSubmit?.(line);
		const outcome = tooLong(line) ? 'refused' : line.startsWith('/') ? 'command' : 'sent';
		this.outcomes.push(outcome);
		return outcome;
	};

	/** Files a paste stands for, by the pasted text (a test sets them). */
	readonly drops = new Map<string, LocalFile[]>();
	/** Paths sendFiles() was called with. */
	readonly sentFiles: string[][] = [];

	/** The offers peek() was asked for, in order, and what it answers (by default: no transfer here). */
	readonly peeked: string[] = [];
	peekImpl: (offerId: string) => Promise<Uint8Array> = async () => {
		throw new Error('no file transfer in this room');
	};

	readonly peek = async (offerId: string): Promise<Uint8Array> => {
		this.peeked.push(offerId);
		return this.peekImpl(offerId);
	};

	readonly droppedFiles = (pasted: string): readonly LocalFile[] | undefined => this.drops.get(pasted);

	readonly sendFiles = (paths: readonly string[]): void => {
		this.sentFiles.push([...paths]);
		this.calls.push(`sendFiles ${paths.join(' ')}`);
	};

	/** What undelivered() answers (a test sets it). */
	unsent = 0;

	readonly undelivered = (): number => this.unsent;

	readonly commands = (): readonly CommandInfo[] => fakeCommands;
	/** Folders Tab completes /send's paths from (typed folder to entries); none until a test sets them. */
	readonly folders = new Map<string, readonly FolderEntry[]>();
	readonly paths = (): PathSource => ({platform: 'posix', list: folder => this.folders.get(folder)});

	readonly leave = async (): Promise<LeaveResult> => {
		this.leaves++;
		this.calls.push('leave');
		await this.leaveImpl();
		return {undelivered: this.unsent};
	};

	/** How many listeners are subscribed (to check the UI cleans up). */
	get listenerCount(): number {
		return this.#listeners.size + this.#entryListeners.size + this.#signalListeners.size + this.#findListeners.size;
	}

	/** Replaces parts of the snapshot and notifies subscribers. */
	update(patch: Partial<SessionSnapshot>): void {
		this.snapshot = {...this.snapshot, ...patch};
		this.#notify();
	}

	/** Makes an entry (without adding it). */
	makeEntry(init: EntryInit): ChatEntry {
		const id = init.id ?? this.#nextId;
		this.#nextId = Math.max(this.#nextId, id) + 1;
		this.#clock += 1000;
		return {kind: 'message', from: 'alice', fromHistory: false, mentionsMe: false, time: this.#clock, ...init, id};
	}

	/** Adds entries at once (one notification), telling entry listeners about each. */
	pushEntries(inits: readonly EntryInit[]): ChatEntry[] {
		const added = inits.map(init => this.makeEntry(init));
		this.snapshot = {...this.snapshot, entries: this.snapshot.entries.concat(added)};
		for (const entry of added) {
			for (const listener of this.#entryListeners) {
				listener(entry);
			}
		}

		this.#notify();
		return added;
	}

	/** Adds one entry. */
	pushEntry(init: EntryInit): ChatEntry {
		return this.pushEntries([init])[0]!;
	}

	#notify(): void {
		for (const listener of this.#listeners) {
			listener();
		}
	}
}

/** A connected session as "me" in a room with alice (host) and bob. */
export function connectedSession(overrides: Partial<SessionSnapshot> = {}): FakeSession {
	return new FakeSession({
		status: 'connected',
		myName: 'me',
		rttMs: 3,
		members: [
			{name: 'alice', isHost: true, isMe: false},
			{name: 'bob', isHost: false, isMe: false},
			{name: 'me', isHost: false, isMe: true},
		],
		...overrides,
	});
}
