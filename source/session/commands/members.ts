import type {Command} from './command.js';

export const membersCommand: Command = {
	name: 'members',
	aliases: ['who', 'names'],
	usage: '/members',
	description: 'list who is in the room',
	run(context) {
		const {members} = context.snapshot;
		const names = members.map(member => `${member.name}${member.isHost ? ' (host)' : ''}${member.isMe ? ' (you)' : ''}`);
		context.info(`${members.length} in the room: ${names.join(', ')}`);
	},
};
