import type {Peer} from '../peer.js';
import {checkName, lookalikeKeys, nameKey} from '../names.js';
import type {HubMember} from './hub-room-member.js';

/**
 * Why a name cannot be had: not a valid name, or another member's (ignoring case and width) or a
 * look-alike of another member's (same UTS #39 skeleton, see `lookalikeKeys`): both `name-taken`.
 */
export type NameProblem = {code: 'name-invalid' | 'name-taken'; reason: string};

/**
 * The room's members: every session the hub knows, by token (departed ones too, for a while),
 * and the live members by name, compared as `nameKey` folds them, so no two share a name, and by
 * their names' look-alike keys (`lookalikeKeys`), so no two names look alike.
 */
export class MemberTable {
	/** Every known session by token, departed ones until forgotten. */
	readonly byToken = new Map<string, HubMember>();
	/** Live members by name key, in join order. */
	private readonly names = new Map<string, HubMember>();
	/** Live members by each look-alike key of their names, its kind first ("0:alice", "1:alice"). */
	private readonly lookalikes = new Map<string, HubMember>();

	/** Live members, in join order. */
	live(): HubMember[] {
		return [...this.names.values()];
	}

	/** The live member holding this name (ignoring case), if any. */
	named(name: string): HubMember | undefined {
		return this.names.get(nameKey(name));
	}

	findByPeer(peer: Peer): HubMember | undefined {
		return this.live().find(member => member.peer.key === peer.key);
	}

	/**
	 * Checks a requested name; undefined when free. `self` may keep (a re-cased) own name, or take a
	 * look-alike of it: only other members' names count.
	 */
	nameProblem(requested: string, self?: HubMember): NameProblem | undefined {
		const check = checkName(requested);
		if (!check.ok) {
			return {code: 'name-invalid', reason: check.reason};
		}

		const holder = this.names.get(nameKey(check.name));
		if (holder && holder !== self) {
			return {code: 'name-taken', reason: `the name "${holder.name}" is taken in this room; pick another`};
		}

		const alike = indexKeys(check.name).map(key => this.lookalikes.get(key)).find(member => member && member !== self);
		if (alike) {
			return {code: 'name-taken', reason: `the name "${check.name}" looks like "${alike.name}", who is in this room; pick another`};
		}

		return undefined;
	}

	/** A live member holding this token under this name (ignoring case): a session being replaced. */
	stale(token: string | undefined, name: string): HubMember | undefined {
		const member = token === undefined ? undefined : this.byToken.get(token);
		return member && member.departedAt === undefined && nameKey(member.name) === nameKey(name) ? member : undefined;
	}

	/** Gives the member its name in the room (it is live from now on). */
	claim(member: HubMember): void {
		this.names.set(nameKey(member.name), member);
		for (const key of indexKeys(member.name)) {
			this.lookalikes.set(key, member);
		}
	}

	/** Makes the member's datagrams known by its token. */
	track(member: HubMember): void {
		this.byToken.set(member.token, member);
	}

	/** Frees the member's name: it is no longer live. */
	release(member: HubMember): void {
		deleteIfHeld(this.names, nameKey(member.name), member);
		for (const key of indexKeys(member.name)) {
			deleteIfHeld(this.lookalikes, key, member);
		}
	}

	/** Renames a live member. */
	rename(member: HubMember, to: string): void {
		this.release(member);
		member.name = to;
		this.claim(member);
	}

	/** Forgets the session altogether. */
	forget(member: HubMember): void {
		this.byToken.delete(member.token);
	}
}

/** The keys a name has in the look-alike index: each of `lookalikeKeys`, prefixed by its kind. */
function indexKeys(name: string): string[] {
	return lookalikeKeys(name).map((key, kind) => `${kind}:${key}`);
}

/** Deletes the entry only if this member holds it (not one that took the key after it). */
function deleteIfHeld(index: Map<string, HubMember>, key: string, member: HubMember): void {
	if (index.get(key) === member) {
		index.delete(key);
	}
}
