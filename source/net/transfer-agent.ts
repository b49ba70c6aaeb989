import {pskOf, type TransferPsk} from './transfer-tls.js';
import {lstatSync, readdirSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {pathPlatform} from '../session/commands/split-args.js';
import type {FolderEntry, PathPlatform, TransferPort, TransferProgress} from '../session/ports.js';
import type {MemberLink} from './member-link.js';
import {downloadFile, uploadFile} from './transfer-client.js';
import {downloadFolder} from './transfer-client-folder-download.js';
import {uploadFolder} from './transfer-client-folder.js';
import {peekFile} from './transfer-client-peek.js';

/** True when the symlink at `file` leads to a folder (a dangling or looping one does not). */
function linksToFolder(file: string): boolean {
	try {
		return statSync(file, {throwIfNoEntry: false})?.isDirectory() === true;
	} catch {
		return false;
	}
}

/**
 * The member's side of file transfer: talks TCP to the transfer server of the hub its link
 * joined, authenticated with the link's session token.
 */
export class TransferAgent implements TransferPort {
	constructor(
		private readonly link: MemberLink,
		private readonly downloadDir: string,
		private readonly cwd = process.cwd(),
		/** The path rules /send reads typed paths by; this machine's by default. */
		readonly platform: PathPlatform = pathPlatform(process.platform),
	) {}

	resolvePath(typed: string): string {
		const expanded = typed === '~' ? homedir() : typed.startsWith('~/') ? path.join(homedir(), typed.slice(2)) : typed;
		return path.resolve(this.cwd, expanded);
	}

	exists(typed: string): boolean {
		try {
			const stats = lstatSync(this.resolvePath(typed), {throwIfNoEntry: false});
			// A symlink counts (a file it names is sent; a folder it names is refused by name).
			return stats !== undefined && (stats.isFile() || stats.isDirectory() || stats.isSymbolicLink());
		} catch {
			return false;
		}
	}

	listFolder(typedFolder: string): readonly FolderEntry[] | undefined {
		// '' resolves to where the program started.
		const folder = this.resolvePath(typedFolder);
		try {
			return readdirSync(folder, {withFileTypes: true}).map(entry => ({
				name: entry.name,
				// A symlink to a folder completes as one (/send refuses it by name, with the reason).
				folder: entry.isDirectory() || (entry.isSymbolicLink() && linksToFolder(path.join(folder, entry.name))),
			}));
		} catch {
			return undefined; // No such folder, or not ours to read: nothing to complete.
		}
	}

	fileSize(typed: string): number | undefined {
		try {
			const stats = statSync(this.resolvePath(typed), {throwIfNoEntry: false});
			return stats?.isFile() ? stats.size : undefined;
		} catch {
			return undefined; // Not reachable as typed (a name too long, a folder we may not read): not a file here.
		}
	}

	async upload(file: string, options: {signal: AbortSignal; onProgress: TransferProgress}) {
		const endpoint = {...this.endpoint(), path: file, signal: options.signal, onProgress: options.onProgress};
		const link = lstatSync(file, {throwIfNoEntry: false});
		if (link?.isDirectory()) return uploadFolder(endpoint);
		if (link?.isSymbolicLink() && statSync(file, {throwIfNoEntry: false})?.isDirectory()) {
			throw new Error(`${file} is a symlink to a folder: /send does not follow symlinks to folders (send the folder it points to)`);
		}

		return uploadFile(endpoint);
	}

	async download(offer: {id: string; name: string; size: number; sha256?: string; files?: number}, options: {signal: AbortSignal; onProgress: TransferProgress}) {
		if (offer.files !== undefined) {
			const result = await downloadFolder({
				...this.endpoint(),
				id: offer.id,
				name: offer.name,
				size: offer.size,
				sha256: offer.sha256,
				files: offer.files,
				dir: path.resolve(this.cwd, this.downloadDir),
				signal: options.signal,
				onProgress: options.onProgress,
			});
			const leftOut = result.leftOut.map(entry => `${entry.name} (${entry.detail})`);
			return {path: result.path, sha256: result.sha256, files: result.files, leftOut};
		}

		const result = await downloadFile({
			...this.endpoint(),
			id: offer.id,
			name: offer.name,
			size: offer.size,
			sha256: offer.sha256,
			dir: path.resolve(this.cwd, this.downloadDir),
			signal: options.signal,
			onProgress: options.onProgress,
		});
		return {path: result.path, sha256: result.sha256};
	}

	async peek(offer: {id: string; size: number; sha256?: string}, options: {signal: AbortSignal}): Promise<Uint8Array> {
		return peekFile({...this.endpoint(), id: offer.id, size: offer.size, sha256: offer.sha256, signal: options.signal});
	}

	private endpoint(): {host: string; port: number; token: string; psk?: TransferPsk} {
		const endpoint = this.link.transferEndpoint;
		const token = this.link.sessionToken;
		if (!endpoint || !token) {
			throw new Error('not in a room with file transfer yet');
		}

		return {...endpoint, token, psk: pskOf(this.link.transferKey)};
	}
}
