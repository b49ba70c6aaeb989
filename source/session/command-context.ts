import type {MemberRequest} from '../protocol/items.js';
import type {Command, CommandContext} from './commands/command.js';
import type {Ignoring} from './ignoring.js';
import type {TransferPort} from './ports.js';
import type {SessionStore} from './session-store.js';
import {suggest} from './suggest.js';
import type {TransferBook} from './transfer-book.js';

/** What a session lends the commands it runs. */
export type SessionPowers = {
	readonly store: SessionStore;
	readonly registry: readonly Command[];
	readonly transfers: TransferPort | undefined;
	readonly book: TransferBook | undefined;
	/** Sends to the hub, or queues until joined, or says why not. */
	send(request: MemberRequest): void;
	/** Checks a text against the size limit, reporting when over. */
	fits(text: string): boolean;
	leave(): void;
	netinfo: (() => Promise<string[]>) | undefined;
	readonly ignoring: Ignoring;
	/** Hands a search to the front end (see ChatSessionApi.onFind). */
	find(query: string): void;
};

/** Runs `action` with the transfers when there are any and we are in the room; otherwise says why not. */
export function withTransfers(powers: Pick<SessionPowers, 'store' | 'book'>, action: (book: TransferBook) => void): void {
	const {store, book} = powers;
	if (!book) {
		store.addEntry({kind: 'error', text: 'file transfer is not available in this session'});
	} else if (store.state.status !== 'connected') {
		store.addEntry({kind: 'error', text: `not connected (${store.state.statusDetail ?? store.state.status}); try again once in the room`});
	} else {
		action(book);
	}
}

/** The context commands run in. */
export function commandContext(powers: SessionPowers): CommandContext {
	const {store, transfers} = powers;
	return {
		snapshot: store.getSnapshot(),
		send: request => {
			powers.send(request);
		},
		info: text => store.addEntry({kind: 'notice', text}),
		error: text => store.addEntry({kind: 'error', text}),
		clear: () => {
			store.clearEntries();
		},
		quit: () => {
			powers.leave();
		},
		commands: () => powers.registry,
		fits: text => powers.fits(text),
		netinfo: async () => (powers.netinfo ? powers.netinfo() : ['network information is not available in this session']),
		ignoring: {
			list: () => powers.ignoring.list,
			add: async name => powers.ignoring.add(name),
			remove: async name => powers.ignoring.remove(name),
			unsaved: () => powers.ignoring.unsaved,
		},
		find: query => {
			powers.find(query);
		},
		transfers: {
			platform: transfers?.platform ?? 'posix',
			exists: typed => transfers?.exists?.(typed) ?? false,
			send: path => withTransfers(powers, book => book.send(path)),
			get: offer => withTransfers(powers, book => book.get(offer)),
			cancel: id => powers.book?.cancel(id) ?? false,
		},
	};
}

/** Runs "name args" from the index, or says it knows no such command (with a guess). */
export function runCommand(index: ReadonlyMap<string, Command>, commandLine: string, powers: SessionPowers): void {
	const {store} = powers;
	const [word = '', ...rest] = commandLine.split(/(?<=^\S+)\s/);
	const command = index.get(word.toLowerCase());
	if (!command) {
		const guess = suggest(word, [...index.keys()]);
		store.addEntry({kind: 'error', text: `unknown command /${word}${guess ? `, did you mean /${guess}?` : ''} (/help lists them)`});
		return;
	}

	Promise.resolve(command.run(commandContext(powers), rest.join(' '))).catch((error: unknown) => {
		store.addEntry({kind: 'error', text: `/${command.name}: ${(error as Error).message}`});
	});
}
