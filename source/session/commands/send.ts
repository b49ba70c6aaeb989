import type {Command} from './command.js';
import {parseSendArgs} from './send-args.js';

export const sendCommand: Command = {
	name: 'send',
	aliases: ['upload'],
	usage: '/send PATH...',
	description: 'offer files to the room (quote paths with spaces)',
	argument: 'paths',
	run(context, args) {
		const {platform} = context.transfers;
		const parsed = parseSendArgs(args, {platform, exists: typed => context.transfers.exists(typed)});
		if ('error' in parsed) {
			context.error(`/send: ${parsed.error}`);
		} else if (parsed.paths.length === 0) {
			const example = platform === 'win32' ? '/send image.png "C:\\My Files\\notes.txt"' : '/send image.png "my notes.txt"';
			context.error(`usage: /send PATH... (for example ${example})`);
		} else {
			for (const path of parsed.paths) {
				context.transfers.send(path);
			}
		}
	},
};
