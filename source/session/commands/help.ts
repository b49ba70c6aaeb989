import type {Command} from './command.js';

export const helpCommand: Command = {
	name: 'help',
	aliases: ['?'],
	usage: '/help',
	description: 'list the commands',
	run(context) {
		const lines = context.commands().map(command => {
			const aliases = command.aliases.length > 0 ? ` (also /${command.aliases.join(', /')})` : '';
			return `${command.usage.padEnd(22)} ${command.description}${aliases}`;
		});
		context.info(['Commands:', ...lines, 'Anything else you type is sent to the room.'].join('\n'));
	},
};
