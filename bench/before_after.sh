#!/usr/bin/env bash
# bench/before_after.sh -- the same benchmarks on an older commit and on
# this checkout, alternately, in one window (not a test).
#
# A refactor must not make Summit slower, and the machines are shared and
# noisy (the same run moves 2-3x between days), so "before" and "after" are
# only comparable when measured side by side.  This script checks REF out
# into a temporary worktree and runs, for each benchmark, REF then this
# checkout then REF then this checkout (ROUNDS times), printing each run's
# summary lines under its label:
#
#   http     bench/http.sh, scenarios get and register (wrk -c64)
#   console  bench/console.sh, the registrations list and search at
#            BENCH_PEOPLE (50,000) registrations
#   alloc    bench/alloc.sh on the generated "large" instance
#
# usage: bench/before_after.sh REF [benchmark ...]   (default: http console alloc)
# environment: BEFORE_DIR (reuse a checkout), ROUNDS (2), BENCH_DURATION (5s), BENCH_N (50), and the
#              BENCH_* of the scripts it runs.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AFTER=$(cd "$BENCH_DIR/.." && pwd)
REF=${1:?usage: bench/before_after.sh REF [http console alloc]}
shift
WHICH=${*:-http console alloc}
ROUNDS=${ROUNDS:-2}
export BENCH_DURATION=${BENCH_DURATION:-5s} BENCH_N=${BENCH_N:-50}

# BEFORE_DIR: a checkout of REF kept from an earlier run (its builds are
# reused); by default a temporary worktree, removed at the end.
if [ -n "${BEFORE_DIR:-}" ]; then
	BEFORE=$BEFORE_DIR
	git -C "$BEFORE" checkout -q --detach "$REF"
else
	BEFORE=$(mktemp -d /tmp/summit-before.XXXXXX)
	chmod 755 "$BEFORE"
	cleanup() {
		git -C "$AFTER" worktree remove --force "$BEFORE" >/dev/null 2>&1 ||
			rm -rf "$BEFORE"
	}
	trap cleanup EXIT
	git -C "$AFTER" worktree add --detach "$BEFORE" "$REF" >/dev/null 2>&1
fi
echo "before: $REF = $(git -C "$BEFORE" log -1 --format='%h %s' | cut -c1-70)"
echo "after:  $(git -C "$AFTER" log -1 --format='%h %s' | cut -c1-70)$(
	git -C "$AFTER" diff --quiet HEAD || echo ' (+ uncommitted changes)')"

# One benchmark in one checkout; prints only its summary lines.
run_one() {
	local tree=$1 what=$2
	case $what in
	http)
		BENCH_SCENARIOS="get register" bash "$tree/bench/http.sh" 2>&1 |
			grep -E '^==> (get|register):' ;;
	console)
		bash "$tree/bench/console.sh" 2>&1 |
			grep -E '^(list|filter|search|detail|worst)' ;;
	alloc)
		SHARED=$AFTER/../shared/alloc RUNS=1 BUILD=$tree/build-release \
			sh "$tree/bench/alloc.sh" large 2>&1 | grep -E '^large' ;;
	*)
		echo "unknown benchmark $what" >&2; return 1 ;;
	esac
}

for what in $WHICH; do
	for round in $(seq "$ROUNDS"); do
		for side in before after; do
			tree=$BEFORE
			[ "$side" = after ] && tree=$AFTER
			echo "== $what, round $round, $side ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg))"
			run_one "$tree" "$what" | sed 's/^/   /' ||
				echo "   (no figures: run the script alone to see why)"
		done
	done
done
