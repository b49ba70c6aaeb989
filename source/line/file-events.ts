import type {FileOffer, SessionSnapshot, Transfer} from '../session/types.js';

/**
 * Turns changes in the snapshot's offers and transfers into line-mode events: an "offer" each
 * time an offer appears or changes (its sha256 becomes known, it fails), and a "transfer" each
 * time a transfer starts, moves on, or ends.
 */
export class FileEvents {
	private offers: readonly FileOffer[] = [];
	private transfers: readonly Transfer[] = [];

	changes(snapshot: SessionSnapshot): Array<Record<string, unknown>> {
		const events: Array<Record<string, unknown>> = [];
		if (snapshot.offers !== this.offers) {
			for (const offer of snapshot.offers) {
				if (!this.offers.includes(offer)) {
					events.push({
						type: 'offer',
						id: offer.id,
						name: offer.name,
						size: offer.size,
						from: offer.from,
						complete: offer.complete,
						...(offer.sha256 ? {sha256: offer.sha256} : {}),
						...(offer.failed ? {failed: offer.failed} : {}),
						...(offer.files === undefined ? {} : {files: offer.files}),
					});
				}
			}

			this.offers = snapshot.offers;
		}

		if (snapshot.transfers !== this.transfers) {
			const before = new Map(this.transfers.map(transfer => [transfer.id, transfer]));
			for (const transfer of snapshot.transfers) {
				const previous = before.get(transfer.id);
				if (previous?.state === transfer.state && previous.bytes === transfer.bytes && previous.filesDone === transfer.filesDone) {
					continue;
				}

				events.push({
					type: 'transfer',
					id: transfer.id,
					direction: transfer.direction,
					state: transfer.state,
					name: transfer.name,
					bytes: transfer.bytes,
					size: transfer.size,
					...(transfer.files === undefined ? {} : {files: transfer.files, filesDone: transfer.filesDone ?? 0}),
					...(transfer.path ? {path: transfer.path} : {}),
					...(transfer.error ? {error: transfer.error} : {}),
				});
			}

			this.transfers = snapshot.transfers;
		}

		return events;
	}
}
