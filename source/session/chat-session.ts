import type {HubItem} from '../protocol/items.js';
import {runCommand, withTransfers, type SessionPowers} from './command-context.js';
import type {Command} from './commands/command.js';
import {chatCommands, commandIndex} from './commands/registry.js';
import {drained} from './drain.js';
import {findEntries} from './find.js';
import {isHidden} from './ignore-list.js';
import {Ignoring} from './ignoring.js';
import {droppedFiles} from './dropped-files.js';
import {watchLink} from './link-watch.js';
import {Outbox} from './outbox.js';
import {Peeks} from './peeks.js';
import {refusalOf} from './refusal.js';
import {reduceHubItem, roomState} from './room-reducer.js';
import type {PathSource} from './ports.js';
import type {ChatSessionOptions} from './session-options.js';
import {SessionStore} from './session-store.js';
import {tooLong} from './too-long.js';
import {settleUnsent} from './unsent.js';
import {TransferBook} from './transfer-book.js';
import {readTypedLine} from './typed-line.js';
import type {ChatEntry, ChatSessionApi, CommandInfo, LeaveResult, LocalFile, FoundLines, RoomSignal, SessionSnapshot, SubmitOutcome} from './types.js';

/** A member typing says so at most this often; the others forget it after TYPING_SHOWN_MS without another. */
export const TYPING_EVERY_MS = 3000;
export const TYPING_SHOWN_MS = 6000;
/** No key for this long: the member is idle (the member list shows it). */
export const IDLE_AFTER_MS = 10 * 60_000;

export {GIVE_UP_MS} from './drain.js';
export type {ChatSessionOptions} from './session-options.js';

/**
 * One member's session: joins, runs what is typed (text or a command), moves files, and leaves
 * once everything sent was acknowledged. Its state lives in a `SessionStore`; what the hub sends
 * is folded in by a pure reducer (`reduceHubItem`). No sockets, no Ink.
 */
export class ChatSession implements ChatSessionApi {
	readonly getSnapshot: () => SessionSnapshot;
	readonly subscribe: (listener: () => void) => () => void;
	private readonly store: SessionStore;
	private readonly outbox: Outbox;
	/** What the commands may do. */
	private readonly powers: SessionPowers;
	private readonly registry: readonly Command[] = chatCommands;
	private readonly index = commandIndex(chatCommands);
	private readonly stopWatching: () => void;
	private readonly ignoring: Ignoring;
	private readonly findListeners = new Set<(found: FoundLines) => void>();
	/** Names the submitted line in its errors (line mode: "line 17"). */
	private label: string | undefined;
	/** Set while a submitted line runs, when it was refused for its size. */
	private refusedNow = false;
	private lastSeq = 0;
	private joining: Promise<void> | undefined;
	private readonly signalListeners = new Set<(signal: RoomSignal) => void>();
	/** When we last told the room we are typing (0: we are not), and when each typist is forgotten. */
	private typingSent = 0;
	private readonly typistTimers = new Map<string, ReturnType<typeof setTimeout>>();
	/** Idle after IDLE_AFTER_MS without a key (only a front end that reports keys makes us so). */
	private idleTimer: ReturnType<typeof setTimeout> | undefined;
	private presence: 'here' | 'idle' = 'here';
	private leaving: Promise<LeaveResult> | undefined;
	private readonly peeks: Peeks;
	/** The id of the next line of mine put on its way (see `unsent`). */
	private nextUnsent = 1;

	constructor(private readonly options: ChatSessionOptions) {
		const {link, transfers} = options;
		const store = new SessionStore(
			{status: 'idle', role: options.role, roomAddress: link.address, shareAddresses: options.shareAddresses ?? [], members: [], entries: [], offers: [], transfers: []},
			options.scrollback,
		);
		const say = (kind: 'notice' | 'error', text: string, file?: string, offerId?: string) =>
			store.addEntry({kind, text, ...(file === undefined ? {} : {file}), ...(offerId === undefined ? {} : {offerId})});
		const book = transfers ? new TransferBook(transfers, () => store.update({transfers: book!.list()}), say) : undefined;
		this.store = store;
		this.getSnapshot = store.getSnapshot;
		this.subscribe = store.subscribe;
		this.outbox = new Outbox(link, store);
		this.peeks = new Peeks(transfers, () => store.state.offers);
		const ignoring = new Ignoring(store, options.ignores);
		this.ignoring = ignoring;
		this.powers = {
			store,
			registry: this.registry,
			transfers,
			book,
			send: request => {
				this.outbox.send(request);
			},
			fits: text => this.fits(text),
			leave: () => {
				void this.leave();
			},
			netinfo: options.netinfo,
			ignoring,
			find: query => {
				this.find(query);
			},
		};
		link.onItem(item => {
			this.receive(item);
		});
		this.stopWatching = watchLink(link, store, () => book?.resumeInterrupted());
	}

	onSignal(listener: (signal: RoomSignal) => void): () => void {
		this.signalListeners.add(listener);
		return () => this.signalListeners.delete(listener);
	}

	keystroke(draft: string): void {
		if (this.store.state.status !== 'connected') return;
		const now = this.clock();
		if (this.presence === 'idle') {
			this.presence = 'here';
			this.outbox.send({k: 'presence', state: 'here'});
		}

		clearTimeout(this.idleTimer);
		this.idleTimer = setTimeout(() => this.goIdle(), IDLE_AFTER_MS);
		this.idleTimer.unref?.();
		const typing = draft.trim() !== '' && !draft.startsWith('/');
		if (typing && now - this.typingSent >= TYPING_EVERY_MS) {
			this.typingSent = now;
			this.options.link.typing(true);
		} else if (!typing && this.typingSent !== 0) {
			this.typingSent = 0;
			this.options.link.typing(false);
		}
	}

	/** No key for IDLE_AFTER_MS: idle, unless away already (away stays until /back). */
	private goIdle(): void {
		const me = this.store.state.members.find(member => member.isMe);
		if (this.store.state.status === 'connected' && me?.state !== 'away') {
			this.presence = 'idle';
			this.outbox.send({k: 'presence', state: 'idle'});
		}
	}

	private clock(): number {
		return (this.options.now ?? Date.now)();
	}

	onEntry(listener: (entry: ChatEntry) => void): () => void {
		return this.store.onEntry(listener);
	}

	onFind(listener: (found: FoundLines) => void): () => void {
		this.findListeners.add(listener);
		return () => this.findListeners.delete(listener);
	}

	/** Waits until the kept ignore list was read (or failed to be). */
	async ignoresLoaded(): Promise<void> {
		await this.ignoring.ready();
	}

	commands(): readonly CommandInfo[] {
		return this.registry;
	}

	paths(): PathSource | undefined {
		const {transfers} = this.options;
		if (!transfers?.listFolder) return undefined;
		return {platform: transfers.platform ?? 'posix', list: typed => transfers.listFolder?.(typed)};
	}

	join(name: string, secret?: string): void {
		if (this.joining || this.leaving) {
			return;
		}

		this.joining = this.joinAs(name, secret).finally(() => {
			this.joining = undefined;
		});
	}

	submit(line: string, label?: string): SubmitOutcome {
		const typed = readTypedLine(line);
		if (typed.kind === 'blank') {
			return 'ignored';
		}

		if (typed.kind === 'quit') {
			void this.leave();
			return 'command';
		}

		this.refusedNow = false;
		this.label = label;
		try {
			if (typed.kind === 'command') {
				runCommand(this.index, typed.line, this.powers);
				return this.refusedNow ? 'refused' : 'command';
			}

			if (!this.fits(typed.text)) {
				return 'refused';
			}

			if (this.outbox.send({k: 'say', text: typed.text})) {
				this.store.update({unsent: [...(this.store.state.unsent ?? []), {id: this.nextUnsent++, text: typed.text, time: this.clock()}]});
			}

			return 'sent';
		} finally {
			this.label = undefined;
		}
	}

	droppedFiles(pasted: string): readonly LocalFile[] | undefined {
		return droppedFiles(pasted, this.options.transfers, this.options.hostname);
	}

	sendFiles(paths: readonly string[]): void {
		withTransfers(this.powers, book => {
			for (const path of paths) {
				book.send(path);
			}
		});
	}

	undelivered(): number {
		return this.outbox.undelivered;
	}

	peek(offerId: string): Promise<Uint8Array> {
		return this.peeks.peek(offerId);
	}

	async leave(): Promise<LeaveResult> {
		this.leaving ??= (async () => {
			await this.joining;
			const {link} = this.options;
			let undelivered = this.undelivered();
			const {status} = this.store.state;
			if (status === 'connected' || status === 'reconnecting') {
				const done = await drained(link, this.store, this.options.giveUpMs);
				undelivered = this.undelivered();
				if (done) {
					await link.leave(3000);
				} else {
					link.close();
				}
			} else {
				link.close();
			}

			this.stopWatching();
			this.peeks.close();
			clearTimeout(this.idleTimer);
			for (const timer of this.typistTimers.values()) clearTimeout(timer);
			if (this.store.state.status !== 'refused' && this.store.state.status !== 'disconnected') {
				this.store.update({status: 'left'});
			}

			return {undelivered};
		})();
		return this.leaving;
	}

	/** What /find found, to the front ends listening; without any, as notices. */
	private find(query: string): void {
		const {entries, ignored} = this.store.getSnapshot();
		const found = {query, matches: findEntries(entries, query, entry => isHidden(ignored, entry))};
		if (this.findListeners.size > 0) {
			for (const listener of this.findListeners) {
				listener(found);
			}

			return;
		}

		this.store.addEntry({kind: 'notice', text: `find "${query}": ${found.matches.length} of the lines held`});
		for (const entry of found.matches) {
			this.store.addEntry({kind: 'notice', text: `  ${entry.from ?? ''}: ${entry.text}`});
		}
	}

	/** Checks a text against the size limit; over it, says so (naming the line) and marks the line refused. */
	private fits(text: string): boolean {
		const problem = tooLong(text);
		if (problem === undefined) {
			return true;
		}

		this.refusedNow = true;
		this.store.addEntry({kind: 'error', text: this.label ? `${this.label}: ${problem}` : problem});
		return false;
	}

	private async joinAs(name: string, secret: string | undefined): Promise<void> {
		const {link} = this.options;
		this.store.update({status: 'connecting', statusDetail: `connecting to ${link.address}...`, refusal: undefined, myName: name});
		// Who is ignored is known before the room's history arrives, so none of their lines shows.
		await this.ignoring.ready();
		const outcome = await link.join(name, secret);
		if (outcome.ok) {
			this.outbox.joined();
		} else {
			this.store.update({status: 'refused', statusDetail: outcome.reason, refusal: refusalOf(outcome.code, outcome.reason)});
			this.store.addEntry({kind: 'error', text: outcome.reason});
		}
	}

	/** Folds an item from the hub into the store (see `reduceHubItem`). */
	private receive(item: HubItem): void {
		const before = roomState(this.store.state, this.lastSeq);
		const step = reduceHubItem(before, item, {fingerprint: this.options.link.fingerprint, secret: this.options.link.private === true});
		if (step.state !== before) {
			const {lastSeq, ...patch} = step.state;
			this.lastSeq = lastSeq;
			this.store.update(patch);
		}

		for (const entry of step.entries) {
			this.ignoring.saw(this.store.addEntry(entry));
		}

		// A message ends my own typing as the others see it.
		if (item.k === 'msg' && item.from === this.store.state.myName) this.typingSent = 0;
		const {unsent} = this.store.state;
		if (unsent && unsent.length > 0) {
			// My plain line came back from the room; once the hub acknowledged all I sent, none waits.
			const mine = item.k === 'msg' && item.from === this.store.state.myName && item.me !== true && item.re === undefined;
			const left = this.options.link.unacknowledged === 0 ? [] : mine ? settleUnsent(unsent, item.text) : unsent;
			if (left !== unsent) this.store.update({unsent: left});
		}
		this.forgetTypists(step.state.typing ?? []);
		for (const signal of step.signals ?? []) {
			if (signal.kind === 'typing' && signal.active) this.expireTypist(signal.from);
			for (const listener of this.signalListeners) listener(signal);
		}
	}

	/** A typist not heard again within TYPING_SHOWN_MS is no longer shown. */
	private expireTypist(name: string): void {
		clearTimeout(this.typistTimers.get(name));
		const timer = setTimeout(() => {
			this.typistTimers.delete(name);
			const typing = this.store.state.typing ?? [];
			if (typing.includes(name)) this.store.update({typing: typing.filter(one => one !== name)});
		}, TYPING_SHOWN_MS);
		timer.unref?.();
		this.typistTimers.set(name, timer);
	}

	/** Timers of typists no longer shown (their message came, they left) are dropped. */
	private forgetTypists(shown: readonly string[]): void {
		for (const [name, timer] of this.typistTimers) {
			if (!shown.includes(name)) {
				clearTimeout(timer);
				this.typistTimers.delete(name);
			}
		}
	}
}
