import type {HubItem, MemberRequest, RoomEvent, Welcome} from '../protocol/items.js';
import type {Command, CommandContext} from './commands/command.js';
import {chatCommands, commandIndex} from './commands/registry.js';
import {entryFromEvent, type EntryDraft} from './entries.js';
import {applyMembership, membersFromWelcome} from './membership.js';
import type {RoomLink, TransferPort} from './ports.js';
import {TransferBook} from './transfer-book.js';
import {droppedPaths} from './dropped-paths.js';
import {suggest} from './suggest.js';
import {tooLong} from './too-long.js';
import type {ChatEntry, ChatSessionApi, CommandInfo, FileOffer, LeaveResult, LocalFile, RefusalCode, Role, SessionSnapshot, SubmitOutcome} from './types.js';

export type ChatSessionOptions = {
	readonly link: RoomLink;
	/** File transfer; without it /send and /get say it is not available. */
	readonly transfers?: TransferPort;
	readonly role: Role;
	readonly shareAddresses?: readonly string[];
	/** Entries kept for the messages pane; older ones are dropped. */
	readonly scrollback?: number;
	/**
	 * Leaving waits, however long it takes, until the hub acknowledged everything we sent; it
	 * gives up only when the hub is lost, or has not answered for this long (default 15 s).
	 */
	readonly giveUpMs?: number;
	/** This machine's name: a dropped `file://` URI naming it is a local file. */
	readonly hostname?: string;
	/** Describes the network for /netinfo (the composition root gathers it). */
	readonly netinfo?: () => Promise<string[]>;
};

/** The last part of a path, by the platform's separators. */
function baseName(path: string, platform: 'win32' | 'posix'): string {
	return path.split(platform === 'win32' ? /[\\/]/ : '/').findLast(part => part !== '') ?? path;
}

/** How long leaving keeps waiting for a hub that does not answer, by default. */
export const GIVE_UP_MS = 15_000;

const refusalCodes = new Set<string>([
	'name-taken',
	'name-invalid',
	'version',
	'full',
	'banned',
	'rate-limited',
	'no-answer',
	'secret-required',
	'wrong-secret',
	'no-secret',
]);

/**
 * One member's view of the room: an immutable snapshot for the front ends, the command
 * registry, and the rules for turning what the hub sends into lines. No sockets, no Ink.
 */
export class ChatSession implements ChatSessionApi {
	private state: SessionSnapshot;
	private entries: ChatEntry[] = [];
	private snapshot: SessionSnapshot | undefined;
	private readonly listeners = new Set<() => void>();
	private readonly entryListeners = new Set<(entry: ChatEntry) => void>();
	private notifyQueued = false;
	/** Names the submitted line in its errors (line mode: "line 17"). */
	private label: string | undefined;
	private nextId = 1;
	private lastSeq = 0;
	private pending: MemberRequest[] = [];
	private joining: Promise<void> | undefined;
	private leaving: Promise<LeaveResult> | undefined;
	/** Set while a submitted line runs, when it was refused for its size. */
	private refusedNow = false;
	private readonly registry: readonly Command[];
	private readonly index: Map<string, Command>;
	private readonly rttTimer: NodeJS.Timeout;
	private readonly book: TransferBook | undefined;

	constructor(private readonly options: ChatSessionOptions) {
		this.registry = chatCommands;
		this.book = options.transfers
			? new TransferBook(options.transfers, () => this.update({transfers: this.book!.list()}), (kind, text) => this.addEntry({kind, text}))
			: undefined;
		this.index = commandIndex(this.registry);
		this.state = {
			status: 'idle',
			role: options.role,
			roomAddress: options.link.address,
			shareAddresses: options.shareAddresses ?? [],
			members: [],
			entries: [],
			offers: [],
			transfers: [],
		};
		options.link.onItem(item => {
			this.apply(item);
		});
		options.link.onLost(reason => {
			if (this.state.status !== 'left') {
				this.update({status: 'disconnected', statusDetail: reason});
				this.addEntry({kind: 'error', text: reason});
			}
		});
		options.link.onStatus?.((state, detail) => {
			const before = this.state.status;
			if (before === 'connected' || before === 'reconnecting') {
				this.update({status: state, statusDetail: state === 'reconnecting' ? detail : undefined});
				if (state !== before) {
					this.addEntry({kind: 'notice', text: state === 'reconnecting' ? (detail ?? 'reconnecting...') : `back in ${this.options.link.address}`});
				}

				if (state === 'connected' && before === 'reconnecting') {
					this.book?.resumeInterrupted();
				}
			}
		});
		this.rttTimer = setInterval(() => {
			const rtt = options.link.rttMs === undefined ? undefined : Math.round(options.link.rttMs * 10) / 10;
			if (rtt !== this.state.rttMs) {
				this.update({rttMs: rtt});
			}
		}, 1000);
		this.rttTimer.unref();
	}

	getSnapshot = (): SessionSnapshot => {
		this.snapshot ??= {...this.state, entries: this.entries.slice()};
		return this.snapshot;
	};

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	onEntry(listener: (entry: ChatEntry) => void): () => void {
		this.entryListeners.add(listener);
		return () => this.entryListeners.delete(listener);
	}

	commands(): readonly CommandInfo[] {
		return this.registry;
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
		const text = line.replace(/[\r\n]+$/, '');
		if (text.trim() === '') {
			return 'ignored';
		}

		if (text.trim() === '!q') {
			void this.leave();
			return 'command';
		}

		this.refusedNow = false;
		this.label = label;
		try {
			const command = text.trimStart();
			if (command.startsWith('/') && !command.startsWith('//')) {
				this.runCommand(command.slice(1));
				return this.refusedNow ? 'refused' : 'command';
			}

			const body = text.startsWith('//') ? text.slice(1) : text;
			if (!this.fits(body)) {
				return 'refused';
			}

			this.send({k: 'say', text: body});
			return 'sent';
		} finally {
			this.label = undefined;
		}
	}

	droppedFiles(pasted: string): readonly LocalFile[] | undefined {
		const transfers = this.options.transfers;
		if (!transfers?.fileSize) {
			return undefined;
		}

		const paths = droppedPaths(pasted, {platform: transfers.platform ?? 'posix', exists: path => transfers.fileSize!(path) !== undefined, hostname: this.options.hostname});
		return paths?.map(path => ({path, name: baseName(path, transfers.platform ?? 'posix'), size: transfers.fileSize!(path) ?? 0}));
	}

	sendFiles(paths: readonly string[]): void {
		this.withTransfers(book => {
			for (const path of paths) {
				book.send(path);
			}
		});
	}

	undelivered(): number {
		return this.options.link.unacknowledged + this.pending.length;
	}

	async leave(): Promise<LeaveResult> {
		this.leaving ??= (async () => {
			await this.joining;
			const {link} = this.options;
			let undelivered = this.undelivered();
			if (this.state.status === 'connected' || this.state.status === 'reconnecting') {
				const drained = await this.drained();
				undelivered = this.undelivered();
				if (drained) {
					await link.leave(3000);
				} else {
					link.close();
				}
			} else {
				link.close();
			}

			clearInterval(this.rttTimer);
			if (this.state.status !== 'refused' && this.state.status !== 'disconnected') {
				this.update({status: 'left'});
			}

			return {undelivered};
		})();
		return this.leaving;
	}

	/**
	 * Resolves true once the hub acknowledged everything we sent, however long the room's pace
	 * makes that; false when the link is lost, or the hub stays silent for `giveUpMs`.
	 */
	private async drained(): Promise<boolean> {
		const giveUpMs = this.options.giveUpMs ?? GIVE_UP_MS;
		return new Promise(resolve => {
			let timer: NodeJS.Timeout | undefined;
			let stop = () => undefined as unknown;
			const finish = (ok: boolean) => {
				clearTimeout(timer);
				stop();
				resolve(ok);
			};

			const watch = () => {
				const {status} = this.state;
				if (status === 'disconnected') {
					finish(false);
				} else if (status === 'reconnecting') {
					timer ??= setTimeout(() => {
						finish(false);
					}, giveUpMs);
				} else {
					clearTimeout(timer);
					timer = undefined;
				}
			};

			stop = this.subscribe(watch);
			watch();
			void this.options.link.flushed().then(finish);
		});
	}

	/** The context commands run in. */
	private context(): CommandContext {
		return {
			snapshot: this.getSnapshot(),
			send: request => {
				this.send(request);
			},
			info: text => this.addEntry({kind: 'notice', text}),
			error: text => this.addEntry({kind: 'error', text}),
			clear: () => {
				this.entries = [];
				this.changed();
			},
			quit: () => {
				void this.leave();
			},
			commands: () => this.registry,
			fits: text => this.fits(text),
			netinfo: async () => (this.options.netinfo ? this.options.netinfo() : ['network information is not available in this session']),
			transfers: {
				platform: this.options.transfers?.platform ?? 'posix',
				exists: typed => this.options.transfers?.exists?.(typed) ?? false,
				send: path => this.withTransfers(book => book.send(path)),
				get: offer => this.withTransfers(book => book.get(offer)),
				cancel: id => this.book?.cancel(id) ?? false,
			},
		};
	}

	private withTransfers(action: (book: TransferBook) => void): void {
		if (!this.book) {
			this.addEntry({kind: 'error', text: 'file transfer is not available in this session'});
		} else if (this.state.status !== 'connected') {
			this.addEntry({kind: 'error', text: `not connected (${this.state.statusDetail ?? this.state.status}); try again once in the room`});
		} else {
			action(this.book);
		}
	}

	private runCommand(commandLine: string): void {
		const [word = '', ...rest] = commandLine.split(/(?<=^\S+)\s/);
		const command = this.index.get(word.toLowerCase());
		if (!command) {
			const guess = suggest(word, [...this.index.keys()]);
			this.addEntry({kind: 'error', text: `unknown command /${word}${guess ? `, did you mean /${guess}?` : ''} (/help lists them)`});
			return;
		}

		Promise.resolve(command.run(this.context(), rest.join(' '))).catch((error: unknown) => {
			this.addEntry({kind: 'error', text: `/${command.name}: ${(error as Error).message}`});
		});
	}

	private fits(text: string): boolean {
		const problem = tooLong(text);
		if (problem === undefined) {
			return true;
		}

		this.refusedNow = true;
		this.addEntry({kind: 'error', text: this.label ? `${this.label}: ${problem}` : problem});
		return false;
	}

	private send(request: MemberRequest): void {
		const {status} = this.state;
		if (status === 'connected' || status === 'reconnecting') {
			// While reconnecting the link keeps what we send and delivers it once back.
			this.options.link.send(request);
		} else if (status === 'idle' || status === 'connecting') {
			this.pending.push(request);
		} else {
			this.addEntry({kind: 'error', text: `not sent: not connected (${this.state.statusDetail ?? status})`});
		}
	}

	private async joinAs(name: string, secret: string | undefined): Promise<void> {
		this.update({status: 'connecting', statusDetail: `connecting to ${this.options.link.address}...`, refusal: undefined, myName: name});
		const outcome = await this.options.link.join(name, secret);
		if (!outcome.ok) {
			const code = (refusalCodes.has(outcome.code) ? outcome.code : 'other') as RefusalCode;
			this.update({status: 'refused', statusDetail: outcome.reason, refusal: {code, reason: outcome.reason}});
			this.addEntry({kind: 'error', text: outcome.reason});
			return;
		}

		const pending = this.pending;
		this.pending = [];
		for (const request of pending) {
			this.options.link.send(request);
		}
	}

	/** The welcome makes us connected at once, so front ends see it before the history it carries. */
	private welcome(welcome: Welcome): void {
		this.update({
			myName: welcome.you,
			members: membersFromWelcome(welcome),
			status: 'connected',
			statusDetail: undefined,
			refusal: undefined,
			fingerprint: this.options.link.fingerprint,
			rate: welcome.rate,
		});
		const history = welcome.history.filter(event => event.seq > this.lastSeq);
		if (welcome.resync) {
			this.addEntry({kind: 'notice', text: 'this client fell behind the room; catching up from its history'});
		}

		if (history.length === 0) {
			return;
		}

		this.addEntry({kind: 'history-start', text: 'earlier in this room', fromHistory: true});
		for (const event of history) {
			this.lastSeq = event.seq;
			if (event.k === 'offer') {
				this.offer(event, true);
			} else {
				this.addEntry(entryFromEvent(event, welcome.you, true));
			}
		}

		this.addEntry({kind: 'history-end', text: 'now', fromHistory: true});
	}

	private apply(item: HubItem): void {
		if (item.k === 'welcome') {
			this.welcome(item);
			return;
		}

		if (item.k === 'notice') {
			this.addEntry({kind: item.level === 'error' ? 'error' : 'notice', text: item.text});
			return;
		}

		if (item.seq <= this.lastSeq) {
			return;
		}

		this.lastSeq = item.seq;
		if (item.k === 'offer') {
			this.offer(item);
			return;
		}

		const me = this.state.myName;
		const membership = applyMembership(this.state.members, item, me);
		if (membership) {
			this.update(membership);
		}

		this.addEntry(entryFromEvent(item, me, false));
	}

	/** An offer is announced when its upload starts, and again when it completes or fails. */
	private offer(event: Extract<RoomEvent, {k: 'offer'}>, fromHistory = false): void {
		const offer: FileOffer = {
			id: event.id,
			name: event.name,
			size: event.size,
			from: event.from,
			sha256: event.sha256,
			complete: event.complete,
			failed: event.failed,
			time: event.time,
		};
		const known = this.state.offers.some(existing => existing.id === offer.id);
		this.update({offers: known ? this.state.offers.map(existing => (existing.id === offer.id ? offer : existing)) : [...this.state.offers, offer]});
		if (!known) {
			this.addEntry(entryFromEvent(event, this.state.myName, fromHistory));
		} else if (offer.failed) {
			this.addEntry({kind: 'error', seq: event.seq, time: event.time, fromHistory, text: `${offer.from}'s upload of ${offer.name} failed: ${offer.failed}`});
		}
	}

	private addEntry(draft: Partial<EntryDraft> & Pick<EntryDraft, 'kind' | 'text'>): void {
		const entry: ChatEntry = {time: Date.now(), fromHistory: false, mentionsMe: false, ...draft, id: this.nextId++};
		this.entries.push(entry);
		const limit = this.options.scrollback ?? 10_000;
		if (this.entries.length > limit + Math.max(50, limit / 10)) {
			this.entries.splice(0, this.entries.length - limit);
		}

		for (const listener of this.entryListeners) {
			listener(entry);
		}

		this.changed();
	}

	private update(patch: Partial<SessionSnapshot>): void {
		this.state = {...this.state, ...patch};
		this.changed();
	}

	private changed(): void {
		this.snapshot = undefined;
		if (this.notifyQueued) {
			return;
		}

		this.notifyQueued = true;
		queueMicrotask(() => {
			this.notifyQueued = false;
			for (const listener of this.listeners) {
				listener();
			}
		});
	}
}
