import type {Command} from './command.js';

export const cancelCommand: Command = {
	name: 'cancel',
	aliases: [],
	usage: '/cancel ID',
	description: 'stop a transfer and remove its partial file',
	run(context, args) {
		const id = args.trim();
		if (id === '') {
			context.error('usage: /cancel ID');
		} else if (!context.transfers.cancel(id)) {
			context.error(`no running transfer "${id}"`);
		}
	},
};
