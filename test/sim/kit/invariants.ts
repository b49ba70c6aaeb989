import type {Shown, SimMember, World} from './world.js';

/**
 * What must hold after every step. Shown events are checked as they are shown (`checkShown`);
 * here, that memory stays bounded (the network, the hub's sessions and streams, the members'
 * queues), that no forged address got more bytes than it sent, and that no ghost is in the room.
 */
export function checkStep(world: World, fail: (why: string) => void, maxBacklog: number): void {
	if (world.network.inFlight > 200_000) {
		fail(`memory: ${world.network.inFlight} datagrams in flight`);
	}

	// A forged address never gets more bytes from the hub than were sent in its name.
	for (const [address, out] of world.forgedOut) {
		if (out > (world.forgedIn.get(address) ?? 0)) {
			fail(`amplification: the hub sent ${out} bytes to forged ${address}, which sent ${world.forgedIn.get(address) ?? 0}`);
		}
	}

	const hub = world.hub.endpoint;
	if (hub) {
		// Nobody the scenario did not send is ever in the room.
		const ghost = hub.room.live().find(member => !world.members.some(simMember => simMember.name === member.name));
		if (ghost) {
			fail(`a ghost is in the room: ${ghost.name} from ${ghost.peer.key}`);
		}

		const sessions = hub.room.members.size;
		if (sessions > 4 * world.members.length + 8) {
			fail(`memory: the hub holds ${sessions} sessions for ${world.members.length} members`);
		}

		for (const member of hub.room.members.values()) {
			if (member.sender.backlog > maxBacklog + 64) {
				fail(`memory: the hub's stream to ${member.name} holds ${member.sender.backlog} items`);
			}
		}
	}

	for (const member of world.members) {
		const queued = member.connection?.unacknowledged ?? 0;
		if (queued > member.said.length + 4) {
			fail(`memory: ${member.name} holds ${queued} requests having said ${member.said.length}`);
		}
	}
}

/**
 * One event a member shows: numbered above everything it showed before (one order, never twice),
 * stamped by some hub with this number and content, and the same content every other member
 * showed under this number (no number reused).
 */
export function checkShown(world: World, member: SimMember, shown: Shown, fail: (why: string) => void): void {
	const previous = member.shown.at(-2);
	if (previous && shown.seq <= previous.seq) {
		fail(`${member.name} showed #${shown.seq} after #${previous.seq}`);
	}

	if (!world.stamped.get(shown.seq)?.has(shown.key)) {
		fail(`${member.name} showed #${shown.seq} ${shown.key}, which no hub stamped`);
	}

	const first = world.shownBySeq.get(shown.seq);
	if (first === undefined) {
		world.shownBySeq.set(shown.seq, shown.key);
	} else if (first !== shown.key) {
		fail(`#${shown.seq} was reused: ${first} and then ${shown.key}`);
	}
}

/**
 * At the end, after the quiet phase: every member is joined and connected, with nothing left
 * unacknowledged; every line said is shown once by every member, and each sender's lines in the
 * order it said them.
 */
export function checkEnd(world: World, fail: (why: string) => void): void {
	for (const member of world.members) {
		if (member.lost) {
			fail(`${member.name} was lost: ${member.lost}`);
		} else if (!member.joined) {
			fail(`${member.name} never joined (${member.joinAttempts} attempts)`);
		} else if (member.linkState !== 'connected') {
			fail(`${member.name} is still ${member.linkState}`);
		} else if ((member.connection?.unacknowledged ?? 0) > 0) {
			fail(`${member.name} still has ${member.connection!.unacknowledged} requests unacknowledged`);
		}
	}

	for (const reader of world.members) {
		for (const sender of world.members) {
			const lines = reader.shown.filter(shown => shown.from === sender.name).map(shown => shown.text);
			const said = sender.said.map(line => line.text);
			const missing = said.filter(text => !lines.includes(text));
			const twice = lines.filter((text, index) => lines.indexOf(text) !== index);
			if (missing.length > 0 || twice.length > 0) {
				fail(`${reader.name} shows ${sender.name}'s lines ${JSON.stringify(lines)}; said ${JSON.stringify(said)}`);
				return;
			}

			const inOrder = said.every((text, index) => lines[index] === text);
			if (!inOrder) {
				fail(`${reader.name} shows ${sender.name}'s lines out of order: ${JSON.stringify(lines)}; said ${JSON.stringify(said)}`);
				return;
			}
		}
	}
}
