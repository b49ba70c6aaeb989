import type {Command} from './command.js';

export const getCommand: Command = {
	name: 'get',
	aliases: ['download'],
	usage: '/get ID',
	description: 'download a file offered to the room',
	argument: 'offer',
	run(context, args) {
		const id = args.trim();
		const offer = context.snapshot.offers.find(candidate => candidate.id === id);
		if (id === '') {
			context.error('usage: /get ID (the id is shown with each offer; /files lists them)');
		} else if (!offer) {
			context.error(`no file offer "${id}" (/files lists them)`);
		} else if (offer.failed) {
			context.error(`${offer.name} cannot be fetched: its upload failed (${offer.failed})`);
		} else {
			context.transfers.get(offer);
		}
	},
};
