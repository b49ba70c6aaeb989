import {followRename, ignore, ignoredAs, unignore, type IgnoreList} from './ignore-list.js';
import type {IgnoreStore} from './ports.js';
import type {SessionStore} from './session-store.js';
import type {ChatEntry} from './types.js';

/** What /ignore and /unignore did. */
export type IgnoreChange = {readonly changed: boolean; readonly name: string};

/**
 * A session's ignore list: loaded from its store once, kept in the snapshot (`ignored`), saved
 * after every change, and following renames. A kept list that cannot be read is never
 * overwritten: the list then holds for this session only, and each change says so.
 */
export class Ignoring {
	#list: IgnoreList = [];
	/** Why the kept list cannot be used (saving is then off). */
	#broken: string | undefined;
	#saving: Promise<void> = Promise.resolve();
	readonly #loaded: Promise<void>;

	constructor(
		private readonly store: SessionStore,
		private readonly kept: IgnoreStore | undefined,
	) {
		this.#loaded = kept
			? kept.load().then(
					list => {
						// What was changed before the load ended is kept on top of it.
						this.#set([...list.filter(member => !member.keys.some(key => this.#list.some(now => now.keys.includes(key)))), ...this.#list]);
					},
					(error: unknown) => {
						this.#broken = (error as Error).message;
						store.addEntry({kind: 'error', text: `${this.#broken} Until then, /ignore holds for this session only.`});
					},
				)
			: Promise.resolve();
	}

	get list(): IgnoreList {
		return this.#list;
	}

	/** Waits until the kept list was read (or failed to be). */
	async ready(): Promise<void> {
		await this.#loaded;
	}

	async add(name: string): Promise<IgnoreChange> {
		await this.#loaded;
		const known = ignoredAs(this.#list, name);
		if (known) {
			return {changed: false, name: known.name};
		}

		this.#set(ignore(this.#list, name));
		await this.#save();
		return {changed: true, name};
	}

	async remove(name: string): Promise<IgnoreChange> {
		await this.#loaded;
		const known = ignoredAs(this.#list, name);
		if (!known) {
			return {changed: false, name};
		}

		this.#set(unignore(this.#list, name));
		await this.#save();
		return {changed: true, name: known.name};
	}

	/** Sees each entry as it is added: a rename of an ignored member carries the ignoring over. */
	saw(entry: ChatEntry): void {
		if (entry.kind !== 'nick' || entry.from === undefined || entry.to === undefined) {
			return;
		}

		const next = followRename(this.#list, entry.from, entry.to);
		if (next !== this.#list) {
			this.#set(next);
			void this.#save();
		}
	}

	/** Why changes are not remembered, when the kept list could not be read. */
	get unsaved(): string | undefined {
		return this.#broken;
	}

	#set(list: IgnoreList): void {
		this.#list = list;
		this.store.update({ignored: list});
	}

	async #save(): Promise<void> {
		const {kept} = this;
		if (!kept || this.#broken !== undefined) {
			return;
		}

		const list = this.#list;
		this.#saving = this.#saving.then(async () => {
			try {
				await kept.save(list);
			} catch (error) {
				this.store.addEntry({kind: 'error', text: `could not save who is ignored (${(error as Error).message}); it holds for this session only`});
			}
		});
		await this.#saving;
	}
}
