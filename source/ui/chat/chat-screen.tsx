import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Search} from '../search/use-search.js';
import {Box, Text} from 'ink';
import {HintLine, InputLineView} from '../input/input-line.js';
import {useFlashError} from '../input/use-flash-error.js';
import {inputRows} from '../input/input-view.js';
import {draftHelp, draftProblem} from '../input/draft-hints.js';
import {useDropOffer} from '../input/use-drop-offer.js';
import {useInputLine} from '../input/use-input-line.js';
import {useTerminalFeatures} from '../terminal/features-context.js';
import {useTextEvents} from '../terminal/terminal-context.js';
import {cleanDraftText} from '../../session/draft-text.js';
import {MembersPane} from '../members/members-pane.js';
import {entryLines} from '../messages/format-entry.js';
import {LineCache} from '../messages/line-cache.js';
import {entryDecor} from '../messages/decor.js';
import {usePreviewDecor} from '../preview/use-preview-decor.js';
import {MessagesPane} from '../messages/messages-pane.js';
import {useBackgroundNotify} from '../messages/use-background-notify.js';
import {useMentionBell} from '../messages/use-mention-bell.js';
import {useScroll} from '../messages/use-scroll.js';
import {shownEntries} from '../messages/shown-entries.js';
import {SearchLine, searchHelp} from '../search/search-line.js';
import {useSearch} from '../search/use-search.js';
import {useSession, useSnapshot} from '../session-context.js';
import {shareLine} from '../status/format-status.js';
import {ShareLine, StatusLine} from '../status/status-line.js';
import {TransfersPane} from '../transfers/transfers-pane.js';
import {useTerminalSize} from '../use-terminal-size.js';
import {chatLayout, fits, tooSmallText} from './chat-layout.js';
import {clampIndex, type Focus} from './focus.js';
import {useChatKeys, type Picker} from './use-chat-keys.js';
import {PICKER_EMOJI} from '../messages/selection.js';
import {reactionNames} from '../../session/reactions.js';
import type {ChatEntry, Reaction} from '../../session/types.js';
import type {Marker} from '../messages/highlight.js';

/** "bob is typing…", "bob and carol are typing…", "4 people are typing…"; undefined: nobody. */
export function typingLine(typing: readonly string[] | undefined): string | undefined {
	if (!typing || typing.length === 0) return undefined;
	if (typing.length === 1) return `${typing[0]} is typing…`;
	if (typing.length <= 3) return `${typing.slice(0, -1).join(', ')} and ${typing.at(-1)} are typing…`;
	return `${typing.length} people are typing…`;
}

/** The hint line while a message is selected: its number, who reacted how, and the keys. */
export function selectionHelp(entry: ChatEntry, reactions: readonly Reaction[] | undefined): string {
	const who = reactions && reactions.length > 0 ? ` · ${reactionNames(reactions)}` : '';
	const jump = entry.replyTo === undefined ? '' : ' · Enter: the quoted message';
	return `#${entry.seq ?? '?'}${who} · r: reply · +: react${jump} · ↑↓: select · Esc: next pane`;
}

/** The hint line while the reaction picker is open. */
export function pickerHelp(picker: Picker): string {
	if (picker.typed !== '') return `react to #${picker.seq} with ${picker.typed} · Enter: send · Esc: cancel`;
	return `react to #${picker.seq}: ${PICKER_EMOJI.map((emoji, index) => `${index + 1} ${emoji}`).join('  ')} · or type one, Enter · Esc: cancel`;
}

/** The keys, as the hint line shows them when there is nothing more urgent. */
export const keysHelp = 'Esc/Shift+Tab: pane · PgUp/PgDn: scroll · End: live · Ctrl+F: find · Tab: complete · ↑↓: history · Ctrl+C: quit';

type ChatScreenProps = {
	/** Shown instead of the input when the connection is gone for good. */
	readonly banner?: string;
	/** A short note for the status line ("leaving…"). */
	readonly note?: string;
};

/**
 * The chat: status, messages, members, files, hint and input, laid out to the terminal size.
 * The entries never travel as props (React's development build diffs changed props, which
 * would walk the whole scrollback on every message); panes read the snapshot themselves.
 */
export function ChatScreen({banner, note}: ChatScreenProps) {
	const session = useSession();
	const snapshot = useSnapshot();
	const {columns, rows} = useTerminalSize();
	const readOnly = banner !== undefined;
	const [chosenFocus, setFocus] = useState<Focus>('input');
	const focus = readOnly && chosenFocus === 'input' ? 'messages' : chosenFocus;
	const [memberIndex, setMemberIndex] = useState(0);
	const [offerIndex, setOfferIndex] = useState(0);
	const [selected, setSelected] = useState<number>();
	const [picker, setPicker] = useState<Picker>();
	const flash = useFlashError(session);
	useMentionBell(session);
	// Someone at the screen: the idle clock runs from the moment the room is joined, not from the
	// first key (a member who only reads becomes idle too). Line mode never calls it: never idle.
	useEffect(() => {
		if (snapshot.status === 'connected') session.keystroke('');
	}, [session, snapshot.status]);
	useBackgroundNotify(session);
	const {hyperlinks, previews: colours} = useTerminalFeatures();
	// The cache asks for each entry's quote and reactions from the snapshot of this render.
	const current = useRef(snapshot);
	current.current = snapshot;
	const {preview, ready: previewsReady} = usePreviewDecor(session, current);
	// A declined drop's text goes into the input, which is made below.
	const insert = useRef<(text: string) => void>(() => undefined);
	// The search is made below, from the layout; text events and /find reach it through this.
	const searchRef = useRef<Pick<Search, 'active' | 'text' | 'open'>>({active: false, text: () => undefined, open: () => undefined});
	const drop = useDropOffer(session, text => {
		insert.current(text);
	});
	const input = useInputLine({
		onSubmit: line => session.submit(line),
		clean: cleanDraftText,
		onPaste: drop.offer,
		source: () => ({
			commands: session.commands(),
			members: snapshot.members.filter(member => !member.isMe).map(member => member.name),
			paths: session.paths(),
			offers: snapshot.offers,
		}),
		onEdit: draft => {
			flash.clear();
			session.keystroke(draft);
		},
	});
	insert.current = input.insert;
	useTextEvents(event => {
		// Focus reports are the terminal's window, not a key: the panes stay as they are.
		if (event.kind === 'focus') {
			return;
		}

		if (searchRef.current.active) {
			searchRef.current.text(event);
		} else if (!readOnly) {
			setFocus('input');
			input.text(event);
		}
	});
	const share = shareLine(snapshot);
	const layout = chatLayout(columns, rows, {shareLine: share !== '', memberCount: snapshot.members.length, inputRows: inputRows(input.draft)});
	const inner = {width: layout.messages.width - 2, height: layout.messages.height - 2};
	const decorOf = useMemo(() => entryDecor(() => current.current, preview), [preview]);
	// A preview ready: the pane is drawn again from a fresh cache (the entries' lines wrapped again as shown).
	// biome-ignore lint/correctness/useExhaustiveDependencies: previewsReady is the redraw's cause
	const cache = useMemo(
		() => new LineCache(inner.width, (entry, width, decor) => entryLines(entry, width, {links: hyperlinks, ...(colours ? {colours} : {})}, decor), undefined, decorOf),
		[inner.width, hyperlinks, colours, decorOf, previewsReady],
	);
	const entries = shownEntries(snapshot.entries, snapshot.ignored);
	const scroll = useScroll(entries, cache.linesOf, inner.height);
	const measure = useCallback((entry: ChatEntry, width: number, mark: Marker) => entryLines(entry, width, {links: hyperlinks, mark, ...(colours ? {colours} : {})}, decorOf(entry)), [hyperlinks, colours, decorOf]);
	const search = useSearch({entries, linesOf: cache.linesOf, width: inner.width, scroll, measure});
	searchRef.current = search;
	useEffect(() => session.onFind(found => searchRef.current.open(found.query)), [session]);
	useChatKeys({
		focus,
		setFocus,
		readOnly,
		scroll,
		search,
		input,
		members: snapshot.members,
		memberIndex,
		setMemberIndex,
		offers: snapshot.offers,
		offerIndex,
		setOfferIndex,
		submit: line => {
			session.submit(line);
		},
		drop,
		entries,
		selected: focus === 'messages' ? selected : undefined,
		setSelected,
		picker,
		setPicker,
	});
	const chosen = focus === 'messages' && selected !== undefined ? entries.find(entry => entry.id === selected) : undefined;

	if (!fits(columns, rows)) {
		return (
			<Box flexDirection="column">
				<Text color="yellow">{tooSmallText}</Text>
				<Text dimColor>
					now {columns}x{rows} · Ctrl+C to quit
				</Text>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={layout.width} height={rows - 1}>
			<StatusLine width={layout.width} note={note} />
			<ShareLine width={layout.width} />
			<Box flexDirection="row" height={layout.messages.height}>
				<MessagesPane
					linesOf={search.linesOf}
					anchor={scroll.anchor}
					selected={chosen?.id}
					viewHeight={scroll.viewHeight}
					newCount={scroll.newCount}
					width={layout.messages.width}
					height={inner.height}
					focused={focus === 'messages'}
				/>
				<Box flexDirection="column" width={layout.side.width}>
					<MembersPane
						members={snapshot.members}
						width={layout.side.width}
						height={layout.side.membersHeight}
						focused={focus === 'members'}
						selected={clampIndex(memberIndex, snapshot.members.length)}
					/>
					<TransfersPane
						offers={snapshot.offers}
						transfers={snapshot.transfers}
						width={layout.side.width}
						height={layout.side.transfersHeight}
						focused={focus === 'transfers'}
						selected={clampIndex(offerIndex, snapshot.offers.length)}
					/>
				</Box>
			</Box>
			{banner === undefined ? (
				<>
					<HintLine
						question={drop.question}
						error={search.active ? flash.text : (draftProblem(input.value) ?? flash.text)}
						matches={input.matches}
						help={search.active ? searchHelp : picker ? pickerHelp(picker) : chosen ? selectionHelp(chosen, snapshot.reactions?.[chosen.seq ?? -1]) : (draftHelp(input.value) ?? typingLine(snapshot.typing) ?? keysHelp)}
						width={layout.width}
					/>
					{search.active ? (
						<SearchLine query={search.query} typing={search.typing} position={search.position} total={search.matches.all.length} width={layout.width} />
					) : (
						<InputLineView draft={input.draft} focused={focus === 'input'} width={layout.width} />
					)}
				</>
			) : (
				<Box width={layout.width} height={2} flexDirection="column">
					<Text color="red" bold wrap="truncate-end">
						{banner}
					</Text>
					<Text wrap="truncate-end">press q or Ctrl+C to exit</Text>
				</Box>
			)}
		</Box>
	);
}
