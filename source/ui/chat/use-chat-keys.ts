import type {Dispatch, SetStateAction} from 'react';
import type {Key} from 'ink';
import type {ChatEntry, FileOffer, Member} from '../../session/types.js';
import {findBySeq} from '../messages/decor.js';
import {PICKER_EMOJI, stepSelection} from '../messages/selection.js';
import type {DropOffer} from '../input/use-drop-offer.js';
import type {InputLine} from '../input/use-input-line.js';
import type {Scroll} from '../messages/use-scroll.js';
import type {Search} from '../search/use-search.js';
import {useStableInput} from '../use-stable-input.js';
import {clampIndex, cycleFocus, type Focus} from './focus.js';

type ChatKeysOptions = {
	readonly focus: Focus;
	readonly setFocus: Dispatch<SetStateAction<Focus>>;
	/** The input is off (the connection is gone): only reading and leaving remain. */
	readonly readOnly: boolean;
	readonly scroll: Scroll;
	/** While open, the search takes the keys first (Esc closes it instead of moving between panes). */
	readonly search: Search;
	readonly input: InputLine;
	readonly members: readonly Member[];
	readonly memberIndex: number;
	readonly setMemberIndex: Dispatch<SetStateAction<number>>;
	readonly offers: readonly FileOffer[];
	readonly offerIndex: number;
	readonly setOfferIndex: Dispatch<SetStateAction<number>>;
	readonly submit: (line: string) => void;
	/** A dropped file waiting for Enter (send it) or Esc (keep the pasted text). */
	readonly drop: DropOffer;
	/** The messages pane's entries, the selected one (by id), and the reaction picker when open. */
	readonly entries: readonly ChatEntry[];
	readonly selected: number | undefined;
	readonly setSelected: Dispatch<SetStateAction<number | undefined>>;
	readonly picker: Picker | undefined;
	readonly setPicker: Dispatch<SetStateAction<Picker | undefined>>;
};

/** The reaction picker, open on message `seq`, with what was typed into it so far. */
export type Picker = {readonly seq: number; readonly typed: string};

function isText(text: string, key: Key): boolean {
	return text !== '' && !key.ctrl && !key.meta && !key.return && !key.tab && !key.backspace && !key.delete;
}

function arrow(key: Key): number {
	if (key.upArrow) {
		return -1;
	}

	return key.downArrow ? 1 : 0;
}

function handle(options: ChatKeysOptions, text: string, key: Key): void {
	const {focus, setFocus, readOnly, scroll, input, drop} = options;
	if (drop.pending()) {
		if (key.return || key.escape) {
			(key.return ? drop.accept : drop.decline)();
			return;
		}

		// Any other key keeps the pasted text, and then does what it does.
		drop.decline();
	}

	if (options.search.active && options.search.key(text, key)) {
		return;
	}

	if (key.ctrl && text === 'f') {
		options.setPicker(undefined);
		options.search.open();
		return;
	}

	if (options.picker) {
		pick(options, text, key);
		return;
	}

	if (key.escape || (key.tab && key.shift)) {
		setFocus(current => cycleFocus(current, key.escape ? 1 : -1, !readOnly));
		return;
	}

	if (key.pageUp || key.pageDown || key.end) {
		(key.pageUp ? scroll.pageUp : key.pageDown ? scroll.pageDown : scroll.live)();
		return;
	}

	const step = arrow(key);
	switch (focus) {
		case 'input': {
			if (readOnly) {
				return;
			}

			if (key.tab) {
				input.tab();
			} else if (step !== 0) {
				(step < 0 ? input.previous : input.next)();
			} else if (key.return) {
				input.submit();
			} else {
				input.key(text, key);
			}

			return;
		}

		case 'messages': {
			const selected = options.entries.find(entry => entry.id === options.selected);
			if (step !== 0) {
				// Up and Down select messages (the view follows); past the last one either way, or with
				// no message to select, they scroll by a line. PgUp/PgDn still scroll by pages.
				const next = stepSelection(options.entries, selected?.id, step);
				if (next === undefined || next === selected?.id) {
					(step < 0 ? scroll.lineUp : scroll.lineDown)();
					if (next === undefined) options.setSelected(undefined);
				} else {
					options.setSelected(next);
					scroll.reveal({id: next, line: 0});
				}

				return;
			}

			if (key.home) {
				scroll.top();
			} else if (selected?.seq !== undefined && !readOnly && text === 'r' && !key.ctrl && !key.meta) {
				input.replace(`/reply ${selected.seq} `);
				setFocus('input');
				return;
			} else if (selected?.seq !== undefined && !readOnly && text === '+') {
				options.setPicker({seq: selected.seq, typed: ''});
				return;
			} else if (key.return && selected?.replyTo !== undefined) {
				// Enter on a reply goes to the message it quotes, when the pane holds it.
				const original = findBySeq(options.entries, selected.replyTo);
				if (original) {
					options.setSelected(original.id);
					scroll.reveal({id: original.id, line: 0});
				}

				return;
			}

			break;
		}

		case 'members': {
			const count = options.members.length;
			const member = options.members[clampIndex(options.memberIndex, count)];
			if (step !== 0) {
				options.setMemberIndex(index => clampIndex(clampIndex(index, count) + step, count));
			} else if (key.return && member && !readOnly) {
				input.replace(`/msg ${member.name} `);
				setFocus('input');
			}

			break;
		}

		case 'transfers': {
			const count = options.offers.length;
			const offer = options.offers[clampIndex(options.offerIndex, count)];
			if (step !== 0) {
				options.setOfferIndex(index => clampIndex(clampIndex(index, count) + step, count));
			} else if (key.return && offer && !readOnly) {
				options.submit(`/get ${offer.id}`);
			}

			break;
		}
	}

	if (!readOnly && isText(text, key)) {
		setFocus('input');
		input.insert(text);
	}
}

/** Keys while the reaction picker is open: a digit picks, typed text then Enter sends, Esc closes. */
function pick(options: ChatKeysOptions, text: string, key: Key): void {
	const picker = options.picker!;
	const send = (emoji: string) => {
		options.setPicker(undefined);
		if (emoji.trim() !== '') options.submit(`/react ${picker.seq} ${emoji.trim()}`);
	};

	if (key.escape) {
		options.setPicker(undefined);
	} else if (key.return) {
		send(picker.typed);
	} else if (key.backspace || key.delete) {
		options.setPicker({...picker, typed: [...picker.typed].slice(0, -1).join('')});
	} else if (picker.typed === '' && /^[1-9]$/.test(text) && PICKER_EMOJI[Number(text) - 1] !== undefined) {
		send(PICKER_EMOJI[Number(text) - 1]!);
	} else if (isText(text, key)) {
		options.setPicker({...picker, typed: (picker.typed + text).slice(0, 32)});
	}
}

/**
 * Keys of the chat screen. Ctrl+F opens the search, which then takes the keys until Esc closes it. Esc / Shift+Tab move focus (input → messages → members → files);
 * PgUp/PgDn scroll and End returns to live from anywhere; the arrows act on the focused pane;
 * in the input, Tab completes, Enter sends and the editing keys edit. Ctrl+C is the app's.
 */
export function useChatKeys(options: ChatKeysOptions): void {
	useStableInput((text, key) => {
		if (!(key.ctrl && text === 'c')) {
			handle(options, text, key);
		}
	});
}
