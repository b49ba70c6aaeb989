import type {MemberRequest} from '../protocol/items.js';
import type {RoomLink} from './ports.js';
import type {SessionStore} from './session-store.js';

/**
 * Where requests go by the session's status: to the link once joined (while reconnecting the link
 * keeps them and delivers them once back), held until joined before that, refused after.
 */
export class Outbox {
	private pending: MemberRequest[] = [];

	constructor(
		private readonly link: RoomLink,
		private readonly store: SessionStore,
	) {}

	/** Requests not yet acknowledged: the link's, and those held for the join. */
	get undelivered(): number {
		return this.link.unacknowledged + this.pending.length;
	}

	/** False when the request was refused (not connected, said as an error entry); true when it is on its way. */
	send(request: MemberRequest): boolean {
		const {status, statusDetail} = this.store.state;
		if (status === 'connected' || status === 'reconnecting') {
			this.link.send(request);
		} else if (status === 'idle' || status === 'connecting') {
			this.pending.push(request);
		} else {
			this.store.addEntry({kind: 'error', text: `not sent: not connected (${statusDetail ?? status})`});
			return false;
		}

		return true;
	}

	/** Sends what was held, in order, once the join succeeded. */
	joined(): void {
		const pending = this.pending;
		this.pending = [];
		for (const request of pending) {
			this.link.send(request);
		}
	}
}
