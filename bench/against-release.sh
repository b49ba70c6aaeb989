#!/usr/bin/env bash
# Runs the fan-out ladder on loopback (`--only=fanout`) for an earlier commit and for this tree,
# alternately, ROUNDS times each, and prints each run's saturation line (ours and ngircd's): a
# before-and-after measured on one machine at one time, where figures from runs days apart are not
# comparable (ngircd's own saturation here has ranged from 1.3 to 2.9 million deliveries/s).
#   bash bench/against-release.sh [REV] [ROUNDS]   (REV: d01e680, the last release before the
#   secure handshake of issue 14; ROUNDS: 2)
# The earlier commit is built in a temporary worktree that borrows this tree's node_modules.
set -euo pipefail
rev=${1:-d01e680}
rounds=${2:-2}
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git -C "$here" worktree add --detach "$tree" "$rev" >/dev/null
ln -s "$here/node_modules" "$tree/node_modules"
(cd "$tree" && npm run build >/dev/null)
(cd "$here" && npm run build >/dev/null)
for round in $(seq 1 "$rounds"); do
	for side in "$rev" this; do
		dir=$here
		[ "$side" = this ] || dir=$tree
		line=$(cd "$dir" && node dist/bench/run.js --only=fanout 2>&1 | grep -m1 'fan-out delivered/s at saturation, hub vs ngircd')
		echo "round $round, $side: $line"
	done
done
