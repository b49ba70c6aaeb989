/** A fake startSession for start screen tests: records each choice, answers with `result`. */
import type {ChatSessionApi, StartChoice} from '../../source/session/types.js';

/** The choices made so far, and the startSession to hand the App. */
export function starter(result: (choice: StartChoice) => Promise<ChatSessionApi>) {
	const choices: StartChoice[] = [];
	return {
		choices,
		startSession: async (choice: StartChoice) => {
			choices.push(choice);
			return result(choice);
		},
	};
}
