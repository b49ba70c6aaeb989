import type {Command} from './command.js';
import {splitArgs} from './split-args.js';

export const sendCommand: Command = {
	name: 'send',
	aliases: ['upload'],
	usage: '/send PATH...',
	description: 'offer files to the room (quote paths with spaces)',
	run(context, args) {
		const {args: paths, error} = splitArgs(args);
		if (error) {
			context.error(`/send: ${error}`);
		} else if (paths.length === 0) {
			context.error('usage: /send PATH... (for example /send image.png "my notes.txt")');
		} else {
			for (const path of paths) {
				context.transfers.send(path);
			}
		}
	},
};
