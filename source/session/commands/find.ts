import type {Command} from './command.js';

export const findCommand: Command = {
	name: 'find',
	aliases: [],
	usage: '/find TEXT',
	description: 'find TEXT in the messages held (ignoring case); in the full screen also Ctrl+F',
	run(context, args) {
		const query = args.trim();
		if (query === '') {
			context.error('usage: /find TEXT');
			return;
		}

		context.find(query);
	},
};
