#!/usr/bin/env bash
# fuzz.sh -- runs every libFuzzer target of tests/fuzz/ long, one after
# the other (one core), and prints executions per target and any crash
# (docs/fuzzing.md).  Not a test: scripts/test.sh runs them a few seconds
# each.
#
# Each target stops after RUNS_EACH executions or SECONDS_EACH seconds,
# whichever comes first.  What it learns is kept in build-fuzz/corpus/<name>
# (seeded from tests/fuzz/corpus/<name>), so a second run goes on from
# there; crashes, leaks and timeouts are saved in build-fuzz/artifacts/.
#
# usage: bench/fuzz.sh [target ...]      (default: every target)
# environment: SECONDS_EACH (default 600), RUNS_EACH (default 1000000;
#              0: no limit), BUILD (default build-fuzz)
source "$(dirname "$0")/../scripts/lib.sh"
set +e

build=${BUILD:-build-fuzz}
secs=${SECONDS_EACH:-600}
runs=${RUNS_EACH:-1000000}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in "$TOP"/tests/fuzz/fuzz_*.c; do
		t=$(basename "$f" .c)
		targets+=("${t#fuzz_}")
	done
fi

install_packages clang libclang-rt-14-dev libgmime-3.0-dev
build_fuzz "$build" || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export FUZZ_ARTIFACTS="$TOP/$build/artifacts"
export FUZZ_SECONDS=$secs
[ "$runs" != 0 ] && export FUZZ_RUNS=$runs

say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-18s %12s %8s %10s  %s\n' target executions seconds exec/s result
failed=0
for t in "${targets[@]}"; do
	export FUZZ_WORK="$TOP/$build/corpus/$t"
	start=$(date +%s)
	out=$("$TOP/tests/fuzz/run.sh" "$TOP/$build/tests/fuzz/fuzz_$t" \
		"$TOP/tests/fuzz/corpus/$t" "$TOP/tests/fuzz/dict/$t.dict")
	rc=$?
	took=$(( $(date +%s) - start ))
	execs=$(printf '%s\n' "$out" | sed -n 's/^.*: \([0-9]*\) executions.*/\1/p')
	[ -z "$execs" ] && execs=$(printf '%s\n' "$out" | sed -n 's/^.*after \([0-9?]*\) executions.*/\1/p')
	rate=$( [ "$took" -gt 0 ] && [ -n "$execs" ] && [ "$execs" != "?" ] &&
		echo $(( execs / took )) || echo -)
	if [ $rc -eq 0 ]; then
		printf '%-18s %12s %8s %10s  %s\n' "$t" "$execs" "$took" "$rate" "0 crashes"
	else
		failed=$((failed + 1))
		printf '%-18s %12s %8s %10s  %s\n' "$t" "$execs" "$took" "$rate" "FAILED"
		printf '%s\n' "$out" | sed -n '/^#/p'
	fi
done
say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ $failed -eq 0 ]
