import type {Command, CommandContext} from './command.js';

/** "12" or "#12" -> 12; anything else undefined. */
export function parseSeq(text: string): number | undefined {
	const match = /^#?(\d{1,15})$/.exec(text);
	const seq = match ? Number(match[1]) : Number.NaN;
	return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** The room message numbered `seq` among those held, if it is one. */
function heldMessage(context: CommandContext, seq: number) {
	return context.snapshot.entries.find(entry => entry.seq === seq && (entry.kind === 'message' || entry.kind === 'action'));
}

export const replyCommand: Command = {
	name: 'reply',
	aliases: ['re'],
	usage: '/reply SEQ TEXT',
	description: 'answer room message number SEQ, quoting it (in the messages pane: select it, then r)',
	run(context, args) {
		const [first = '', ...rest] = args.trim().split(/\s+/u);
		const seq = parseSeq(first);
		const text = args.trim().slice(first.length).trim();
		if (seq === undefined || text === '' || rest.length === 0) {
			context.error('usage: /reply SEQ TEXT (SEQ: the number of the message you answer, as --json shows it, or select it in the messages pane and press r)');
		} else if (!heldMessage(context, seq)) {
			context.error(`there is no room message #${seq} here to reply to`);
		} else if (context.fits(text)) {
			context.send({k: 'say', text, re: seq});
		}
	},
};

export const reactCommand: Command = {
	name: 'react',
	aliases: [],
	usage: '/react SEQ EMOJI',
	description: 'react to room message number SEQ (the same again takes it back; in the messages pane: select it, then +)',
	run(context, args) {
		const [first = '', emoji = '', ...rest] = args.trim().split(/\s+/u);
		const seq = parseSeq(first);
		if (seq === undefined || emoji === '' || rest.length > 0) {
			context.error('usage: /react SEQ EMOJI, e.g. /react 12 👍');
		} else if (!heldMessage(context, seq)) {
			context.error(`there is no room message #${seq} here to react to`);
		} else {
			context.send({k: 'react', target: seq, emoji});
		}
	},
};

export const awayCommand: Command = {
	name: 'away',
	aliases: [],
	usage: '/away [REASON]',
	description: 'tell the room you are away (the member list shows it); /back when you return',
	run(context, args) {
		const reason = args.trim();
		if (reason.length > 200) {
			context.error('a reason for /away holds 200 characters at most');
			return;
		}

		context.send({k: 'presence', state: 'away', ...(reason ? {reason} : {})});
		context.info(reason ? `you are away (${reason}); /back when you return` : 'you are away; /back when you return');
	},
};

export const backCommand: Command = {
	name: 'back',
	aliases: [],
	usage: '/back',
	description: 'you are back (after /away)',
	run(context) {
		context.send({k: 'presence', state: 'here'});
		context.info('welcome back');
	},
};
