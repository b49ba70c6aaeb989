/** Edit distance with adjacent swaps counted as one edit ("sned" -> "send" is 1). */
export function editDistance(a: string, b: string): number {
	const rows = a.length + 1;
	const cols = b.length + 1;
	const d: number[][] = Array.from({length: rows}, (_, i) => Array.from({length: cols}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i < rows; i++) {
		for (let j = 1; j < cols; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				best = Math.min(best, d[i - 2]![j - 2]! + 1);
			}

			d[i]![j] = best;
		}
	}

	return d[a.length]![b.length]!;
}

/** The closest known word within two edits (or a unique prefix match), if any. */
export function suggest(word: string, known: readonly string[]): string | undefined {
	const lower = word.toLowerCase();
	const prefixed = known.filter(candidate => candidate.startsWith(lower));
	if (prefixed.length === 1) {
		return prefixed[0];
	}

	let best: string | undefined;
	let bestDistance = 3;
	for (const candidate of known) {
		const distance = editDistance(lower, candidate);
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}

	return best;
}
