import {safeFileName, utf8Length} from './file-name.js';

/*
 * A folder travels as one tar archive (ustar headers, a PAX header before any entry whose name
 * ustar cannot hold, as tar-stream writes them). Its size is known before a byte is read, so the
 * offer and the progress are exact, and the receiver checks every entry's name before it lands.
 */

/** One entry of a folder archive, as the sender lists it. */
export type ArchiveEntry = {
	/** Path inside the archive, `/`-separated, starting with the folder's own name; folders end in `/`. */
	readonly name: string;
	readonly type: 'file' | 'directory';
	/** Bytes of a file; 0 for a folder. */
	readonly size: number;
};

const BLOCK = 512;

/** Bytes after `size` up to the next 512-byte boundary. */
export function tarPadding(size: number): number {
	const rest = size % BLOCK;
	return rest === 0 ? 0 : BLOCK - rest;
}

/** Whether a plain ustar header holds this name (otherwise a PAX header carries it first). */
export function fitsUstar(name: string): boolean {
	if (utf8Length(name) !== name.length) return false; // Not ASCII.
	let rest = name;
	let prefix = '';
	while (rest.length > 100) {
		const slash = rest.indexOf('/');
		if (slash === -1) return false;
		prefix += prefix ? `/${rest.slice(0, slash)}` : rest.slice(0, slash);
		rest = rest.slice(slash + 1);
	}

	return prefix.length <= 155;
}

/** The length of one PAX record, "<len> key=value\n", where len counts its own digits. */
function paxRecordLength(key: string, value: string): number {
	const body = utf8Length(` ${key}=${value}\n`);
	let digits = String(body).length;
	if (body + digits >= 10 ** digits) digits++;
	return body + digits;
}

/** Bytes one entry takes in the archive: its header(s), its data and the padding. */
export function tarEntryBytes(entry: ArchiveEntry): number {
	const headers = fitsUstar(entry.name) ? BLOCK : BLOCK + (() => {
		const pax = paxRecordLength('path', entry.name);
		return pax + tarPadding(pax);
	})() + BLOCK;
	const data = entry.type === 'file' ? entry.size + tarPadding(entry.size) : 0;
	return headers + data;
}

/** The exact size of the archive of these entries, the two closing zero blocks included. */
export function tarSize(entries: Iterable<ArchiveEntry>): number {
	let total = 2 * BLOCK;
	for (const entry of entries) total += tarEntryBytes(entry);
	return total;
}

/** The name a folder is offered under: its safe name with `.tar` (a member that knows no folders saves a tar file). */
export function folderOfferName(folder: string): string {
	return `${safeFileName(folder).slice(0, 250)}.tar`;
}

/** The folder name a receiver creates for an offered folder: the offer's name without `.tar`, made safe. */
export function folderNameOf(offerName: string): string {
	return safeFileName(offerName.replace(/\.tar$/i, ''));
}

/** Why an archive entry is not extracted, as the receiver reports it. */
export type EntryRefusal = 'unsafe-name' | 'not-a-file' | 'duplicate';

/**
 * The path (components, each through `safeFileName`, NFC) an archive entry lands at inside the
 * target folder, or why it may not land at all: an absolute name, `..`, a name outside the
 * folder's own top component. The first component (the folder's own name) is dropped.
 */
export function entryPath(name: string): {parts: string[]} | {refused: 'unsafe-name'; reason: string} {
	const normal = name.normalize('NFC');
	if (normal.startsWith('/') || normal.startsWith('\\') || /^[a-zA-Z]:/.test(normal)) {
		return {refused: 'unsafe-name', reason: 'an absolute path'};
	}

	const raw = normal.split(/[/\\]/).filter(part => part !== '' && part !== '.');
	if (raw.includes('..')) return {refused: 'unsafe-name', reason: 'a ".." in its path'};
	if (raw.length === 0) return {refused: 'unsafe-name', reason: 'an empty name'};
	return {parts: raw.slice(1).map(part => safeFileName(part))};
}
