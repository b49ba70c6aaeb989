/** The status line's parts, from the snapshot. Pure. */
import type {ConnectionState, SessionSnapshot} from '../../session/types.js';

/** One part of the status line and its colour (an Ink colour name). */
export type StatusPart = {readonly text: string; readonly colour?: string};

const stateColours: Record<ConnectionState, string> = {
	idle: 'gray',
	connecting: 'yellow',
	connected: 'green',
	reconnecting: 'yellow',
	refused: 'red',
	disconnected: 'red',
	left: 'gray',
};

/** The status detail worth showing: only while not connected. */
export function statusDetail(snapshot: Pick<SessionSnapshot, 'status' | 'statusDetail'>): string | undefined {
	return snapshot.status === 'connected' || !snapshot.statusDetail ? undefined : snapshot.statusDetail;
}

/** "3 members". */
export function memberCount(count: number): string {
	return `${count} member${count === 1 ? '' : 's'}`;
}

/** connection · role · room · name · members · rtt · privacy · detail (the end is what a narrow line cuts). */
export function statusParts(snapshot: SessionSnapshot): StatusPart[] {
	const colour = stateColours[snapshot.status];
	const parts: StatusPart[] = [
		{text: `● ${snapshot.status}`, colour},
		{text: snapshot.role === 'host' ? 'host' : 'joined'},
		{text: snapshot.roomAddress},
	];
	if (snapshot.myName !== undefined) {
		parts.push({text: `as ${snapshot.myName}`});
	}

	parts.push({text: memberCount(snapshot.members.length)});
	if (snapshot.rttMs !== undefined) {
		parts.push({text: `rtt ${Math.round(snapshot.rttMs)} ms`});
	}

	if (snapshot.status === 'connected') {
		parts.push(
			snapshot.secret
				? {text: `private ${snapshot.fingerprint ?? ''}`.trimEnd(), colour: 'green'}
				: {text: `open room${snapshot.fingerprint ? ` ${snapshot.fingerprint}` : ''}: anyone on the network can join and read it`, colour: 'yellow'},
		);
	}

	const detail = statusDetail(snapshot);
	if (detail !== undefined) {
		parts.push({text: detail, colour});
	}

	return parts;
}

/** The command others type to join this host's room. */
export function joinCommand(address: string): string {
	return `npx socket-chat-tui --join ${shareParts(address).address}`;
}

/** A share address as the host lists it, "10.0.0.5:9999 (eth0)", taken apart. */
export function shareParts(label: string): {readonly address: string; readonly interface?: string} {
	const match = /^(\S+) \((.+)\)$/.exec(label);
	return match ? {address: match[1]!, interface: match[2]!} : {address: label};
}

/** "eth0: npx socket-chat-tui --join 10.0.0.5:9999": the interface before the command, so the command copies clean. */
export function joinLine(label: string): string {
	const {interface: name} = shareParts(label);
	return `${name ? `${name}: ` : ''}${joinCommand(label)}`;
}

/**
 * For a host: "others join with: npx socket-chat-tui --join A (or --join B)", and "+ the secret"
 * in a room with one (the secret itself is never shown); empty otherwise.
 */
export function shareLine(snapshot: Pick<SessionSnapshot, 'role' | 'shareAddresses' | 'secret'>): string {
	const [first, ...rest] = snapshot.shareAddresses;
	if (snapshot.role !== 'host' || first === undefined) {
		return '';
	}

	const others = rest.length === 0 ? '' : `  (or ${rest.map(label => `--join ${shareParts(label).address}`).join(', ')})`;
	const via = shareParts(first).interface;
	return `others join with${via ? ` (${via})` : ''}: ${joinCommand(first)}${others}${snapshot.secret ? ' + the secret' : ''}`;
}
