import {describe, expect, test} from 'vitest';
import {SERVICE_TYPE, asksForRoom, instanceName, serviceRecords, servicesIn, txtStrings, type ServiceRoom} from '../../source/protocol/dns-sd.js';

const room: ServiceRoom = {room: 'design.review', host: 'Lap Top', port: 9999, transferPort: 22_222, members: 2, secret: true, version: 1, id: 'abc123', fingerprint: 'k3xq-7a2m'};

describe('a room as a DNS-SD service', () => {
	test('TXT holds the room name, protocol version, private or open, fingerprint and transfer port', () => {
		expect(txtStrings(room)).toEqual(['txtvers=1', 'id=abc123', 'room=design.review', 'host=Lap Top', 'v=1', 'access=private', 'fp=k3xq-7a2m', 'tp=22222', 'members=2']);
		expect(txtStrings({...room, secret: false, fingerprint: undefined})).toContain('access=open');
	});

	test('the instance is one DNS label under _socket-chat._udp.local (dots would split it)', () => {
		expect(instanceName(room)).toBe(`design review abc123.${SERVICE_TYPE}`);
		expect(Buffer.byteLength(instanceName({...room, room: 'é'.repeat(200)}).split('._socket')[0]!)).toBeLessThanOrEqual(63);
	});

	test('what it announces reads back as the same room; TTL 0 is a goodbye', () => {
		const heard = servicesIn({type: 'response', answers: serviceRecords(room, ['10.0.0.5', 'fe80::5%eth0'])});
		expect(heard).toEqual([{announcement: {k: 'room', id: 'abc123', room: 'design.review', host: 'Lap Top', port: 9999, transferPort: 22_222, members: 2, secret: true, version: 1}, fingerprint: 'k3xq-7a2m', gone: false}]);
		expect(servicesIn({type: 'response', answers: serviceRecords(room, [], 0)})[0]?.gone).toBe(true);
		const aaaa = serviceRecords(room, ['fe80::5%eth0']).find(record => record.type === 'AAAA');
		expect(aaaa).toMatchObject({data: 'fe80::5'});
	});

	test('answers browsers of the type, of every type, and of the instance; nothing else', () => {
		expect(asksForRoom({type: 'query', questions: [{name: SERVICE_TYPE, type: 'PTR'}]}, room)).toBe(true);
		expect(asksForRoom({type: 'query', questions: [{name: '_services._dns-sd._udp.local', type: 'PTR'}]}, room)).toBe(true);
		expect(asksForRoom({type: 'query', questions: [{name: instanceName(room).toUpperCase(), type: 'SRV'}]}, room)).toBe(true);
		expect(asksForRoom({type: 'query', questions: [{name: '_http._tcp.local', type: 'PTR'}]}, room)).toBe(false);
	});

	test('a response that does not make a valid room is left out, never thrown on', () => {
		const records = serviceRecords(room, []);
		const bad = records.map(record => (record.type === 'TXT' ? {...record, data: ['id=no spaces allowed', 'room=x', 'v=1']} : record));
		expect(servicesIn({type: 'response', answers: bad})).toEqual([]);
		expect(servicesIn({type: 'response', answers: records.filter(record => record.type !== 'SRV')})).toEqual([]);
		expect(servicesIn({type: 'response', answers: [{name: SERVICE_TYPE, type: 'PTR', data: 'nowhere.local'}]})).toEqual([]);
	});
});
