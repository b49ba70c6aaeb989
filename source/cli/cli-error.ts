/** The exit codes a CliError ends the process with: 2 for a usage error, 1 for a failure at run time. */
export type CliExitCode = 1 | 2;

/**
 * A failure a person must hear about, thrown anywhere below the composition root and caught once
 * in cli.tsx: it prints `socket-chat-tui: <message>` and exits with `exitCode`. A usage error (2)
 * also points at --help.
 */
export class CliError extends Error {
	override readonly name = 'CliError';

	constructor(message: string, readonly exitCode: CliExitCode) {
		super(message);
	}
}
