import {checkName, nameKey} from '../../protocol/names.js';
import type {Command, CommandContext} from './command.js';

function remembered(context: CommandContext): string {
	const why = context.ignoring.unsaved();
	return why === undefined ? '' : ' (for this session only: the kept list could not be read)';
}

/** The name as typed, or the present member's own spelling of it. */
function present(context: CommandContext, name: string): string | undefined {
	const key = nameKey(name);
	return context.snapshot.members.find(member => nameKey(member.name) === key)?.name;
}

export const ignoreCommand: Command = {
	name: 'ignore',
	aliases: [],
	usage: '/ignore [NAME]',
	description: "hide a member's messages and DMs here, remembered for this room (alone: who is ignored)",
	async run(context, args) {
		const typed = args.trim();
		if (typed === '') {
			const names = context.ignoring.list().map(member => member.name);
			context.info(names.length === 0 ? 'ignoring nobody (/ignore NAME hides a member\'s messages)' : `ignoring ${names.join(', ')} (/unignore NAME shows them again)`);
			return;
		}

		const check = checkName(typed);
		if (!check.ok) {
			context.error(`cannot ignore "${typed}": ${check.reason}`);
			return;
		}

		const {myName} = context.snapshot;
		if (myName !== undefined && nameKey(myName) === nameKey(check.name)) {
			context.error('you cannot ignore yourself');
			return;
		}

		const here = present(context, check.name);
		const change = await context.ignoring.add(here ?? check.name);
		if (!change.changed) {
			context.info(`already ignoring ${change.name} (/unignore ${change.name} shows them again)`);
			return;
		}

		const where = here === undefined ? ' (not here now)' : '';
		context.info(`ignoring ${change.name}${where}: their messages and DMs are hidden here${remembered(context)} (/unignore ${change.name})`);
	},
};

export const unignoreCommand: Command = {
	name: 'unignore',
	aliases: [],
	usage: '/unignore NAME',
	description: "show an ignored member's messages again",
	async run(context, args) {
		const typed = args.trim();
		if (typed === '') {
			context.error('usage: /unignore NAME (/ignore lists who is ignored)');
			return;
		}

		const change = await context.ignoring.remove(typed);
		if (!change.changed) {
			context.error(`${typed} is not ignored (/ignore lists who is)`);
			return;
		}

		context.info(`no longer ignoring ${change.name}${remembered(context)}`);
	},
};
