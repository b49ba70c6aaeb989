import {checkName} from '../../protocol/names.js';
import type {Command} from './command.js';

export const nickCommand: Command = {
	name: 'nick',
	aliases: ['name'],
	usage: '/nick NEW',
	description: 'change your name',
	run(context, args) {
		const name = args.trim();
		if (name === '') {
			context.error('usage: /nick NEW');
			return;
		}

		const check = checkName(name);
		if (!check.ok) {
			context.error(`cannot rename: ${check.reason}`);
			return;
		}

		context.send({k: 'nick', name: check.name});
	},
};
