/** The start screen's rooms: one whose key is pinned is marked, one listed with another key warned of. */
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {pinMarkers, roomRows} from '../../source/ui/start/room-rows.js';
import {RoomsList} from '../../source/ui/start/rooms-list.js';
import {discoveredRoom} from './fake-room-list.js';
import {waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

const pinned = discoveredRoom({name: 'kitchen', pin: 'pinned'});
const warned = discoveredRoom({address: '192.168.1.21', name: 'lab', secret: true, pin: 'mismatch'});
const plain = discoveredRoom({address: '192.168.1.22', name: 'hall'});

describe('pinned rooms on the start screen', () => {
	test('rows carry the mark, only where there is one', () => {
		expect(roomRows([pinned, warned, plain], 5, undefined).rows.map(row => row.pin)).toEqual(['pinned', 'mismatch', undefined]);
	});

	test('the list shows each mark after the room', async () => {
		const rendered = render(<RoomsList rooms={[pinned, warned, plain]} selected={undefined} height={5} />);
		const frame = await waitForText(rendered, 'hall');
		const lines = frame.split('\n');
		expect(lines.find(line => line.includes('kitchen'))).toMatch(new RegExp(`192\\.168\\.1\\.20:7777${pinMarkers.pinned}$`));
		expect(lines.find(line => line.includes('lab'))).toMatch(new RegExp(`192\\.168\\.1\\.21:7777${pinMarkers.mismatch} · secret$`));
		expect(lines.find(line => line.includes('hall'))).toMatch(/192\.168\.1\.22:7777$/);
	});
});
