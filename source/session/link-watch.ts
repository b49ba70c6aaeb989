import type {RoomLink} from './ports.js';
import type {SessionStore} from './session-store.js';

/**
 * Follows the link's own news into the store: lost for good, reconnecting and back (`onBack`
 * runs when it is), and the round-trip time once a second. Returns what stops the clock.
 */
export function watchLink(link: RoomLink, store: SessionStore, onBack: () => void): () => void {
	link.onLost(reason => {
		if (store.state.status !== 'left') {
			store.update({status: 'disconnected', statusDetail: reason});
			store.addEntry({kind: 'error', text: reason});
		}
	});
	link.onStatus?.((state, detail) => {
		const before = store.state.status;
		if (before === 'connected' || before === 'reconnecting') {
			store.update({status: state, statusDetail: state === 'reconnecting' ? detail : undefined});
			if (state !== before) {
				store.addEntry({kind: 'notice', text: state === 'reconnecting' ? (detail ?? 'reconnecting...') : `back in ${link.address}`});
			}

			if (state === 'connected' && before === 'reconnecting') {
				onBack();
			}
		}
	});
	const rttTimer = setInterval(() => {
		const rtt = link.rttMs === undefined ? undefined : Math.round(link.rttMs * 10) / 10;
		if (rtt !== store.state.rttMs) {
			store.update({rttMs: rtt});
		}
	}, 1000);
	rttTimer.unref();
	return () => {
		clearInterval(rttTimer);
	};
}
