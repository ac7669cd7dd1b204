#!/usr/bin/env bash
# run.sh FUZZER CORPUS [DICT] -- runs one libFuzzer target on its seed
# corpus and prints the result as TAP, with the number of executions.
#
# New inputs go to a scratch folder (FUZZ_WORK, or a temporary one that is
# removed), never into the committed corpus.  How long: FUZZ_SECONDS
# (default 4) and, when set, FUZZ_RUNS (stop after that many executions,
# whichever comes first).  A crash, leak, timeout or sanitizer report is
# written to FUZZ_ARTIFACTS (default: the current folder) as
# <target>-crash-<sha1> and so on, and the test fails with the end of
# libFuzzer's log.
set -u
exe=$1 corpus=$2 dict=${3:-}
name=$(basename "$exe")
secs=${FUZZ_SECONDS:-4}
art=${FUZZ_ARTIFACTS:-$PWD}
mkdir -p "$art"
if [ -n "${FUZZ_WORK:-}" ]; then
	work=$FUZZ_WORK
	mkdir -p "$work"
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
else
	work=$(mktemp -d)
	log=$work/.log
	trap 'rm -rf "$work"' EXIT
fi
args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048
	-max_len=8192 -print_final_stats=1
	-artifact_prefix="$art/$name-")
[ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
[ -n "$dict" ] && [ -f "$dict" ] && args+=(-dict="$dict")

echo "1..1"
"$exe" "${args[@]}" "$work" "$corpus" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
secs_run=$(sed -n 's/^stat::.*//; s/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
if [ "$rc" -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:' "$log"; then
	echo "ok 1 - $name: ${execs:-?} executions in ${secs_run:-$secs} s, no crash"
	exit 0
fi
echo "not ok 1 - $name: exit $rc after ${execs:-?} executions"
# The report from its first line on, and where the input was saved.
awk '/ERROR|runtime error|property failed|got |want |warning/ { on = 1 }
	on && n < 30 { print; n++ }' "$log" | sed 's/^/# /'
grep -E '^artifact_prefix|Test unit written' "$log" | sed 's/^/# /'
exit 1
