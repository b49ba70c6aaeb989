import type {Command} from './command.js';

export const meCommand: Command = {
	name: 'me',
	aliases: [],
	usage: '/me ACTION',
	description: 'say what you are doing (* alice waves)',
	run(context, args) {
		const text = args.trim();
		if (text === '') {
			context.error('usage: /me ACTION');
		} else if (context.fits(text)) {
			context.send({k: 'me', text});
		}
	},
};
