import type {Command} from './command.js';

export const clearCommand: Command = {
	name: 'clear',
	aliases: [],
	usage: '/clear',
	description: 'clear the messages pane (only yours)',
	run(context) {
		context.clear();
	},
};
