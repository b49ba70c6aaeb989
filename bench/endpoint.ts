/**
 * The hub's own cost per delivery, without sockets or the members' processes: the pure endpoint
 * (protocol/connection/hub-endpoint.ts, defaults but no rate or join limits) with 50 real member
 * connections in this process, datagrams carried between them by hand. Each round 5 members say
 * something (every member receives all 5); only the time inside the hub's calls is counted. The
 * fan-out ladder's saturation figure moves with the load process and the machine's other work;
 * this one moves with the hub's code, so a change to the hot path shows here first.
 */
import {HubEndpoint} from '../source/protocol/connection/hub-endpoint.js';
import {MemberConnection} from '../source/protocol/connection/member-connection.js';
import {generateIdentity} from '../source/protocol/secure/identity.js';
import {systemRandom} from '../source/protocol/secure/random.js';
import {median} from './util.js';

export type EndpointResult = {
	readonly members: number;
	readonly rounds: number;
	/** Hub time per delivered message (one message to one member), µs: median of the runs, and every run. */
	readonly perDeliveryUs: number;
	readonly runs: number[];
	/** The same with the room stream's multicast group (every member served by it). */
	readonly multicast?: {readonly perDeliveryUs: number; readonly runs: number[]; readonly datagramsPerMessage: number; readonly groupShare: number};
};

const GROUP = '239.255.1.1';

const MEMBERS = 50;
const SAYS_PER_ROUND = 5;

type Run = {readonly perDeliveryUs: number; readonly datagramsPerMessage: number; readonly groupShare: number};

function run(rounds: number, multicast = false): Run {
	let now = 1_000_000;
	const hub = new HubEndpoint<'udp'>({identity: generateIdentity(), rateLimit: false, joinLimit: false, ...(multicast ? {multicast: {group: GROUP, port: 9999}} : {})}, {random: systemRandom}, now);
	let sent = 0;
	let toGroup = 0;
	const members = Array.from({length: MEMBERS}, (_, i) => ({address: `10.0.1.${i + 1}`, connection: new MemberConnection({address: '10.0.0.1', port: 9999}, {random: systemRandom}, now)}));
	const byAddress = new Map(members.map(member => [member.address, member.connection]));
	let hubNs = 0n;
	const timed = <T>(call: () => T): T => {
		const start = process.hrtime.bigint();
		const result = call();
		hubNs += process.hrtime.bigint() - start;
		return result;
	};

	const carry = () => {
		for (let moved = true; moved; ) {
			moved = false;
			for (const {address, connection} of members) {
				for (let datagram = connection.pollTransmit(now); datagram; datagram = connection.pollTransmit(now)) {
					moved = true;
					const bytes = datagram;
					timed(() => hub.handle(bytes, address, 5000, 'udp', now));
				}
			}

			for (let transmit = timed(() => hub.pollTransmit(now)); transmit; transmit = timed(() => hub.pollTransmit(now))) {
				moved = true;
				sent++;
				if (transmit.address === GROUP) {
					toGroup++;
					for (const {connection} of members) connection.handle(transmit.datagram, now, 'group');
				} else {
					byAddress.get(transmit.address)?.handle(transmit.datagram, now);
				}
			}
		}
	};

	const tick = () => {
		timed(() => hub.handleTimeout(now));
		for (const {connection} of members) {
			connection.handleTimeout(now);
			for (let event = connection.pollEvent(); event; event = connection.pollEvent()) {
				// The group socket a shell opens at the welcome: open at once here.
				if (event.type === 'group') connection.groupOpened(true, now);
			}
		}

		carry();
	};

	for (const [i, {connection}] of members.entries()) connection.join(`m${i}`, now);
	for (let round = 0; round < 100; round++) {
		now += 10;
		tick();
	}

	if (hub.room.live().length !== MEMBERS) {
		throw new Error(`only ${hub.room.live().length} of ${MEMBERS} members joined`);
	}

	if (multicast && hub.cast!.groupSize !== MEMBERS) {
		throw new Error(`the group serves ${hub.cast!.groupSize} of ${MEMBERS} members`);
	}

	hubNs = 0n;
	sent = 0;
	toGroup = 0;
	for (let round = 0; round < rounds; round++) {
		now += 1;
		for (let say = 0; say < SAYS_PER_ROUND; say++) {
			members[(round * SAYS_PER_ROUND + say) % MEMBERS]!.connection.send({k: 'say', text: `message ${round}.${say} ${'x'.repeat(40)}`, id: `${round}.${say}`}, now);
		}

		tick();
	}

	return {perDeliveryUs: Number(hubNs) / 1000 / (rounds * SAYS_PER_ROUND * MEMBERS), datagramsPerMessage: sent / (rounds * SAYS_PER_ROUND), groupShare: toGroup / Math.max(1, sent)};
}

export function runEndpoint(quick: boolean): EndpointResult {
	const rounds = quick ? 500 : 3000;
	const unicast = Array.from({length: quick ? 3 : 7}, () => run(rounds).perDeliveryUs);
	const cast = Array.from({length: quick ? 3 : 7}, () => run(rounds, true));
	const middle = [...cast].sort((a, b) => a.perDeliveryUs - b.perDeliveryUs)[Math.floor(cast.length / 2)]!;
	return {
		members: MEMBERS,
		rounds,
		perDeliveryUs: median(unicast),
		runs: unicast,
		multicast: {perDeliveryUs: middle.perDeliveryUs, runs: cast.map(one => one.perDeliveryUs), datagramsPerMessage: middle.datagramsPerMessage, groupShare: middle.groupShare},
	};
}
