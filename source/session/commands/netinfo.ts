import type {Command} from './command.js';

export const netinfoCommand: Command = {
	name: 'netinfo',
	aliases: [],
	usage: '/netinfo',
	description: 'my addresses, the ports in use, and whether discovery works here',
	async run(context) {
		context.info('checking the network (about a second)...');
		context.info((await context.netinfo()).join('\n'));
	},
};
