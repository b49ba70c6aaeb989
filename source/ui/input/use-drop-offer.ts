import {useMemo, useReducer, useRef} from 'react';
import type {ChatSessionApi, LocalFile} from '../../session/types.js';
import {formatSize} from '../transfers/format.js';

/** A paste that was exactly the paths of files: offered in place before anything is sent. */
export type DropOffer = {
	/** The question for the hint line while an offer waits. */
	readonly question: string | undefined;
	/** Takes a paste: true when it names files (the offer now waits), false for plain text. */
	readonly offer: (pasted: string) => boolean;
	readonly pending: () => boolean;
	/** Enter: the files go to the room. */
	readonly accept: () => void;
	/** Esc (or any other key): the pasted text goes into the draft instead. */
	readonly decline: () => void;
};

type Waiting = {readonly files: readonly LocalFile[]; readonly text: string};

/** "send photo.png (2.1 MB) to the room? Enter sends, Esc keeps the text". */
export function dropQuestion(files: readonly LocalFile[]): string {
	const total = formatSize(files.reduce((sum, file) => sum + file.size, 0));
	const what = files.length === 1 ? `${files[0]!.name} (${total})` : `${files.length} files (${files.map(file => file.name).join(', ')}; ${total})`;
	return `send ${what} to the room? Enter sends, Esc keeps the text`;
}

/**
 * Drag and drop: a paste that is exactly the path of an existing file (as terminals write a
 * dropped file) is offered in place. `insert` puts declined text into the draft.
 */
export function useDropOffer(session: ChatSessionApi, insert: (text: string) => void): DropOffer {
	const waiting = useRef<Waiting | undefined>(undefined);
	const latest = useRef(insert);
	latest.current = insert;
	const [, render] = useReducer((count: number) => count + 1, 0);
	const actions = useMemo(
		() => ({
			offer(pasted: string): boolean {
				const files = session.droppedFiles(pasted);
				if (!files || files.length === 0) {
					return false;
				}

				waiting.current = {files, text: pasted};
				render();
				return true;
			},
			pending: () => waiting.current !== undefined,
			accept() {
				const files = waiting.current?.files;
				waiting.current = undefined;
				render();
				if (files) {
					session.sendFiles(files.map(file => file.path));
				}
			},
			decline() {
				const text = waiting.current?.text;
				waiting.current = undefined;
				render();
				if (text !== undefined) {
					latest.current(text);
				}
			},
		}),
		[session],
	);
	const current = waiting.current;
	return {question: current ? dropQuestion(current.files) : undefined, ...actions};
}
