/** The transfers pane as plain rows: pure, so the view only draws them. */
import type {FileOffer, Transfer} from '../../session/types.js';
import {directionMark, filesText, folderProgress, formatSize, formatSpeed, fraction, offerState, percent, progressBar, timeLeft} from './format.js';

/** How a row is drawn. */
export type RowTone = 'title' | 'plain' | 'dim' | 'good' | 'bad' | 'heading';

/** One line of the transfers pane. */
export type TransferRow = {
	readonly key: string;
	readonly text: string;
	readonly tone: RowTone;
	readonly selected: boolean;
	/** Where a row too long for the pane is cut: paths keep both ends. */
	readonly cut: 'end' | 'middle';
	/** For offer rows: which offer (an index into the offers) the row belongs to. */
	readonly offer?: number;
};

type RowOptions = {readonly selected?: boolean; readonly offer?: number; readonly cut?: 'end' | 'middle'};

function row(key: string, text: string, tone: RowTone, {selected = false, offer, cut = 'end'}: RowOptions = {}): TransferRow {
	return offer === undefined ? {key, text, tone, selected, cut} : {key, text, tone, selected, cut, offer};
}

/** Two rows per offer: "id name", then size, who offered it and its state. */
export function offerRows(offer: FileOffer, index: number, selected: boolean): TransferRow[] {
	const state = offerState(offer);
	const tone: RowTone = offer.failed === undefined ? (offer.complete ? 'good' : 'dim') : 'bad';
	return [
		row(`o:${offer.id}:1`, `${selected ? '›' : ' '} ${offer.id} ${offer.name}`, 'title', {selected, offer: index}),
		row(`o:${offer.id}:2`, `  ${formatSize(offer.size)}${offer.files === undefined ? '' : ` · folder, ${filesText(offer.files)}`} · ${offer.from} · ${state}`, tone, {selected, offer: index}),
	];
}

/** Rows for a transfer: name, then a bar with percent (and speed / time left), or its outcome. */
export function transferRows(transfer: Transfer, width: number): TransferRow[] {
	const key = `t:${transfer.direction}:${transfer.id}`;
	const head = row(`${key}:1`, `${directionMark(transfer)} ${transfer.name}`, 'title');
	switch (transfer.state) {
		case 'done': {
			const files = transfer.files === undefined ? '' : `, ${filesText(transfer.files)}`;
			const text = transfer.direction === 'download' ? `  ✓ saved ${transfer.path ?? ''}${files}` : `  ✓ sent ${formatSize(transfer.size)}${files}`;
			return [head, row(`${key}:2`, text, 'good', {cut: 'middle'})];
		}

		case 'failed': {
			return [head, row(`${key}:2`, `  ✗ failed: ${transfer.error ?? 'unknown error'}`, 'bad')];
		}

		case 'cancelled': {
			return [head, row(`${key}:2`, '  cancelled', 'dim')];
		}

		case 'started':
		case 'progress': {
			const done = percent(transfer.bytes, transfer.size);
			const bar = progressBar(fraction(transfer.bytes, transfer.size), Math.max(4, width - done.length - 3));
			const left = timeLeft(transfer);
			const speed = `  ${formatSpeed(transfer.speed)}${left === '' ? '' : ` · ${left}`}`;
			const counted = folderProgress(transfer);
			const lines = [head, row(`${key}:2`, `  ${bar} ${done}`, 'plain'), row(`${key}:3`, speed, 'dim')];
			return counted === undefined ? lines : [...lines, row(`${key}:4`, `  ${counted}`, 'dim')];
		}
	}
}

/** All rows of the pane, offers first (with the selected one marked), then transfers. */
export function transferPaneRows(
	offers: readonly FileOffer[],
	transfers: readonly Transfer[],
	selected: number | undefined,
	width: number,
): TransferRow[] {
	const rows: TransferRow[] = [];
	if (offers.length > 0) {
		rows.push(row('h:offers', 'offers (Enter gets)', 'heading'));
		for (const [index, offer] of offers.entries()) {
			rows.push(...offerRows(offer, index, index === selected));
		}
	}

	if (transfers.length > 0) {
		rows.push(row('h:transfers', 'transfers', 'heading'));
		for (const transfer of transfers) {
			rows.push(...transferRows(transfer, width));
		}
	}

	return rows;
}

/** The slice of rows that fits `height`, scrolled so the selected offer stays in view. */
export function rowWindow(rows: readonly TransferRow[], height: number, selected: number | undefined): readonly TransferRow[] {
	if (rows.length <= height) {
		return rows;
	}

	const last = selected === undefined ? -1 : rows.findLastIndex(candidate => candidate.offer === selected);
	const start = Math.max(0, Math.min(rows.length - height, last - height + 1));
	return rows.slice(start, start + height);
}
