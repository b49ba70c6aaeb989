import type {RoomLink} from './ports.js';
import type {SessionStore} from './session-store.js';

/** How long leaving keeps waiting for a hub that does not answer, by default. */
export const GIVE_UP_MS = 15_000;

/**
 * Resolves true once the hub acknowledged everything sent over `link`, however long the room's
 * pace makes that; false when the link is lost (the store says 'disconnected'), or the hub stays
 * silent ('reconnecting') for `giveUpMs` in one stretch.
 */
export async function drained(link: Pick<RoomLink, 'flushed'>, store: Pick<SessionStore, 'state' | 'subscribe'>, giveUpMs = GIVE_UP_MS): Promise<boolean> {
	return new Promise(resolve => {
		let timer: NodeJS.Timeout | undefined;
		let stop = () => undefined as unknown;
		const finish = (ok: boolean) => {
			clearTimeout(timer);
			stop();
			resolve(ok);
		};

		const watch = () => {
			const {status} = store.state;
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

		stop = store.subscribe(watch);
		watch();
		void link.flushed().then(finish);
	});
}
