import {cancelCommand} from './cancel.js';
import {clearCommand} from './clear.js';
import {filesCommand} from './files.js';
import {findCommand} from './find.js';
import {getCommand} from './get.js';
import {sendCommand} from './send.js';
import type {Command} from './command.js';
import {helpCommand} from './help.js';
import {ignoreCommand, unignoreCommand} from './ignore.js';
import {banCommand, kickCommand} from './kick.js';
import {meCommand} from './me.js';
import {awayCommand, backCommand, reactCommand, replyCommand} from './conversation.js';
import {membersCommand} from './members.js';
import {msgCommand} from './msg.js';
import {netinfoCommand} from './netinfo.js';
import {nickCommand} from './nick.js';
import {quitCommand} from './quit.js';

/** The built-in commands, in the order /help lists them. */
export const chatCommands: readonly Command[] = [
	sendCommand,
	getCommand,
	filesCommand,
	cancelCommand,
	msgCommand,
	replyCommand,
	reactCommand,
	meCommand,
	awayCommand,
	backCommand,
	nickCommand,
	membersCommand,
	findCommand,
	ignoreCommand,
	unignoreCommand,
	clearCommand,
	kickCommand,
	banCommand,
	netinfoCommand,
	helpCommand,
	quitCommand,
];

/** A lookup by name or alias, case-insensitive. */
export function commandIndex(commands: readonly Command[]): Map<string, Command> {
	const index = new Map<string, Command>();
	for (const command of commands) {
		index.set(command.name, command);
		for (const alias of command.aliases) {
			index.set(alias, command);
		}
	}

	return index;
}
