import type {Command, CommandContext} from './command.js';

function moderate(context: CommandContext, args: string, kind: 'kick' | 'ban'): void {
	const name = args.trim();
	if (name === '') {
		context.error(`usage: /${kind} NAME`);
	} else if (context.snapshot.role !== 'host') {
		context.error(`only the host can ${kind} members`);
	} else {
		context.send({k: kind, name});
	}
}

export const kickCommand: Command = {
	name: 'kick',
	aliases: [],
	usage: '/kick NAME',
	description: 'remove a member from the room (host only)',
	run(context, args) {
		moderate(context, args, 'kick');
	},
};

export const banCommand: Command = {
	name: 'ban',
	aliases: [],
	usage: '/ban NAME',
	description: "remove a member and refuse its address for the room's life (host only)",
	run(context, args) {
		moderate(context, args, 'ban');
	},
};
