/** Pane sizes for the chat screen from the terminal size. Pure. */

/** The narrowest terminal the chat screen is drawn in. */
export const minimumColumns = 60;
/** The shortest terminal the chat screen is drawn in. */
export const minimumRows = 15;

/** Cells given to each part of the chat screen. */
export type ChatLayout = {
	readonly width: number;
	/** Messages pane, outer size (borders included). */
	readonly messages: {readonly width: number; readonly height: number};
	/** The column with members above transfers, outer sizes. */
	readonly side: {readonly width: number; readonly membersHeight: number; readonly transfersHeight: number};
};

/** "terminal too small (need 60x15)". */
export const tooSmallText = `terminal too small (need ${minimumColumns}x${minimumRows})`;

/** Whether the chat screen fits. */
export function fits(columns: number, rows: number): boolean {
	return columns >= minimumColumns && rows >= minimumRows;
}

/**
 * Lays the screen out: the status line, the share line when there is one, the panes, the
 * hint line and the input (one row, or a few for a multi-line draft), in `rows - 1` lines (the last row stays free so the terminal
 * never scrolls).
 */
export function chatLayout(columns: number, rows: number, options: {readonly shareLine: boolean; readonly memberCount: number; readonly inputRows?: number}): ChatLayout {
	const fixedRows = 1 + (options.shareLine ? 1 : 0) + 1 + (options.inputRows ?? 1);
	const panes = Math.max(6, rows - 1 - fixedRows);
	const sideWidth = Math.min(40, Math.max(24, Math.round(columns * 0.3)));
	const membersHeight = Math.min(Math.max(4, options.memberCount + 2), Math.floor(panes / 2));
	return {
		width: columns,
		messages: {width: columns - sideWidth, height: panes},
		side: {width: sideWidth, membersHeight, transfersHeight: panes - membersHeight},
	};
}
