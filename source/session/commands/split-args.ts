/**
 * Splits a command's arguments like a shell would for paths: spaces separate, "double" and
 * 'single' quotes group, a backslash escapes the next character.
 */
export function splitArgs(text: string): {args: string[]; error?: string} {
	const args: string[] = [];
	let current = '';
	let quote: '"' | "'" | undefined;
	let started = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (quote) {
			if (char === quote) {
				quote = undefined;
			} else if (char === '\\' && quote === '"' && index + 1 < text.length) {
				current += text[++index];
			} else {
				current += char;
			}
		} else if (char === '"' || char === "'") {
			quote = char;
			started = true;
		} else if (char === '\\' && index + 1 < text.length) {
			current += text[++index];
			started = true;
		} else if (/\s/.test(char)) {
			if (started) {
				args.push(current);
				current = '';
				started = false;
			}
		} else {
			current += char;
			started = true;
		}
	}

	if (quote) {
		return {args, error: `unclosed ${quote} quote`};
	}

	if (started) {
		args.push(current);
	}

	return {args};
}
