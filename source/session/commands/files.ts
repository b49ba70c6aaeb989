import type {Command} from './command.js';

export const filesCommand: Command = {
	name: 'files',
	aliases: ['offers'],
	usage: '/files',
	description: 'list the files offered to the room',
	run(context) {
		const {offers} = context.snapshot;
		if (offers.length === 0) {
			context.info('no files offered yet; /send PATH offers one');
			return;
		}

		const lines = offers.map(offer => {
			const state = offer.failed ? `failed: ${offer.failed}` : offer.complete ? 'ready' : 'uploading';
			return `${offer.id}  ${offer.name}  ${offer.size} bytes  from ${offer.from}  (${state})`;
		});
		context.info(['Files (/get ID):', ...lines].join('\n'));
	},
};
