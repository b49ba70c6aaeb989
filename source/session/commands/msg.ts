import {firstWord, type Command} from './command.js';

export const msgCommand: Command = {
	name: 'msg',
	aliases: ['dm', 'w'],
	usage: '/msg NAME TEXT',
	description: 'send a message to one member only',
	run(context, args) {
		const [to, text] = firstWord(args);
		if (to === '' || text.trim() === '') {
			context.error('usage: /msg NAME TEXT');
			return;
		}

		const member = context.snapshot.members.find(candidate => candidate.name.toLowerCase() === to.toLowerCase());
		if (!member) {
			context.error(`nobody named "${to}" is in the room (try /members)`);
		} else if (context.fits(text)) {
			context.send({k: 'dm', to: member.name, text});
		}
	},
};
