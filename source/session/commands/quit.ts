import type {Command} from './command.js';

export const quitCommand: Command = {
	name: 'quit',
	aliases: ['exit', 'q'],
	usage: '/quit',
	description: 'leave the room (also !q, Ctrl+C)',
	run(context) {
		context.quit();
	},
};
