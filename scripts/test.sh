#!/usr/bin/env bash
# scripts/test.sh -- the whole test suite from nothing: installs what it
# needs, builds with AddressSanitizer and UndefinedBehaviorSanitizer,
# starts a fresh private PostgreSQL cluster in var/testpg, runs every suite
# (unit, alloc, integration, http, fault, e2e in headless Chromium), then
# the http and concurrency suites again against a ThreadSanitizer build of
# summitd in build-tsan (docs/threads.md), then each libFuzzer target for
# a few seconds (build-fuzz, docs/fuzzing.md), stops everything it started,
# and ends with one line "N passed, N failed".  Exits non-zero on any
# failure.
#
# With arguments (test names for meson test) only those run, and the
# ThreadSanitizer pass only with SUMMIT_TSAN=1; SUMMIT_TSAN=0 skips it.
# The fuzz targets run only in a whole run.
#
# Before any test: scripts/check-layers.sh (a module reaching around a
# layer fails the run), scripts/format.sh --check (unless
# SUMMIT_FORMAT_CHECK=0), a second, compile-only build with clang in
# build-clang, and the run command's optimised build of the programs in
# build/, each failing the run like any test.
source "$(dirname "$0")/lib.sh"

install_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
# Checks that need no build come first and fail at once.
say "checking the layers (scripts/check-layers.sh)"
bash "$TOP/scripts/check-layers.sh"
if [ "${SUMMIT_FORMAT_CHECK:-1}" = 1 ]; then
	say "checking the layout (scripts/format.sh --check)"
	bash "$TOP/scripts/format.sh" --check
fi
e2e_modules
build build-asan -Dbuildtype=debug -Db_sanitize=address,undefined
# The same tree compiled by clang too, same warnings, -Werror; compile
# only, so code both compilers accept stays that way.
build_clang build-clang || exit 1
# The optimised build the run command makes (scripts/run.sh, in build/):
# gcc at -O3 warns where a debug build does not (-Wmaybe-uninitialized),
# and a newcomer's first command must not fail on it.  Programs only.
if [ ! -f "$TOP/build/build.ninja" ]; then
	say "configuring build (release, as scripts/run.sh)"
	meson setup "$TOP/build" "$TOP" -Dbuildtype=release >/dev/null
fi
say "building build (release: summitd, summitctl)"
ninja -C "$TOP/build" src/summitd src/summitctl >/dev/null ||
	{ ninja -C "$TOP/build" src/summitd src/summitctl |
		grep -E ': (error|warning):' >&2; say "release build failed"; exit 1; }
full=$([ $# -eq 0 ] && echo 1 || echo 0)
tsan=${SUMMIT_TSAN:-$full}
if [ "$tsan" = 1 ]; then
	# Only what the TSan pass runs: the two programs, not the unit tests.
	if [ ! -f "$TOP/build-tsan/build.ninja" ]; then
		say "configuring build-tsan"
		meson setup "$TOP/build-tsan" "$TOP" -Dbuildtype=debug \
			-Db_sanitize=thread >/dev/null
	fi
	say "building build-tsan (summitd, summitctl)"
	ninja -C "$TOP/build-tsan" src/summitd src/summitctl >/dev/null ||
		ninja -C "$TOP/build-tsan" src/summitd src/summitctl
fi

cleanup() {
	pg_stop testpg
}
trap cleanup EXIT

# From nothing: a new cluster every run, so no earlier run's data counts.
pg_stop testpg
rm -rf "$VAR/testpg"
[ -L "$VAR/testpg" ] && rm -rf "$(readlink -f "$VAR/testpg")"
export SUMMIT_TEST_PGURL
SUMMIT_TEST_PGURL=$(pg_start testpg 54330)

say "running the tests"
set +e
meson test -C "$TOP/build-asan" --num-processes "$(nproc)" \
	--print-errorlogs --timeout-multiplier 3 "$@"
status=$?
logs=("$TOP/build-asan/meson-logs/testlog.json")
if [ "$tsan" = 1 ]; then
	# gcc 12's TSan cannot map its shadow memory beside a kernel's
	# high-entropy ASLR (vm.mmap_rnd_bits > 28): run without it there.
	run=()
	[ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ] &&
		run=(setarch "$(uname -m)" -R)
	say "running the http and concurrency tests under ThreadSanitizer"
	if [ $# -eq 0 ]; then
		# Not the "features" suite: one request at a time through
		# the same threads the other http tests drive (keeps .ci/run
		# under 20 minutes).
		set -- --suite http --suite concurrency --no-suite features
	fi
	"${run[@]}" meson test -C "$TOP/build-tsan" --no-rebuild \
		--num-processes "$(nproc)" --print-errorlogs \
		--timeout-multiplier 3 "$@" || status=1
	logs+=("$TOP/build-tsan/meson-logs/testlog.json")
fi
# The whole suite (no arguments) also builds the libFuzzer targets with
# clang in build-fuzz and runs each a few seconds on its seed corpus
# (docs/fuzzing.md); their results count below like any test.
if [ "$full" = 1 ]; then
	build_fuzz build-fuzz || status=1
	say "running the fuzz targets on their corpora"
	FUZZ_SECONDS=${FUZZ_SECONDS:-3} meson test -C "$TOP/build-fuzz" \
		--no-rebuild --suite fuzz --print-errorlogs || status=1
	logs+=("$TOP/build-fuzz/meson-logs/testlog.json")
fi
set -e
# Stop the cluster now, so the count below is the last line printed.
cleanup
trap - EXIT

# Count every TAP case (and every non-TAP test) in meson's log.
python3 - "${logs[@]}" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or ""
            cases = re.findall(r"(?m)^(ok|not ok)\b(.*)$", out)
            if not cases:
                if t["result"] == "SKIP":
                    skipped += 1
                elif t["result"] in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                else:
                    failed += 1
                continue
            for verdict, rest in cases:
                if "# SKIP" in rest.upper():
                    skipped += 1
                elif verdict == "ok":
                    passed += 1
                else:
                    failed += 1
            # A program that died before reporting all its cases failed too.
            if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and \
                    all(v == "ok" for v, _ in cases):
                failed += 1
print("%d passed, %d failed%s" % (passed, failed,
      ", %d skipped" % skipped if skipped else ""))
PY
exit $status
