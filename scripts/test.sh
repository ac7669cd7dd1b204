#!/usr/bin/env bash
# scripts/test.sh -- the whole test suite from nothing: installs what it
# needs, builds with AddressSanitizer and UndefinedBehaviorSanitizer,
# starts a fresh private PostgreSQL cluster in var/testpg, runs every suite
# (unit, alloc, integration, http, e2e in headless Chromium), stops
# everything it started, and ends with one line "N passed, N failed".
# Exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"

install_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
e2e_modules
build build-asan -Dbuildtype=debug -Db_sanitize=address,undefined

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
set -e
# Stop the cluster now, so the count below is the last line printed.
cleanup
trap - EXIT

# The whole suite (no arguments) also builds the libFuzzer targets with
# clang in build-fuzz and runs each a few seconds on its seed corpus
# (docs/fuzzing.md); their results count below like any test.
logs=("$TOP/build-asan/meson-logs/testlog.json")
if [ $# -eq 0 ]; then
	build_fuzz build-fuzz
	say "running the fuzz targets on their corpora"
	set +e
	FUZZ_SECONDS=${FUZZ_SECONDS:-3} meson test -C "$TOP/build-fuzz" \
		--no-rebuild --suite fuzz --print-errorlogs
	fstatus=$?
	set -e
	[ $fstatus -ne 0 ] && status=$fstatus
	logs+=("$TOP/build-fuzz/meson-logs/testlog.json")
fi

# Count every TAP case (and every non-TAP test) in meson's logs.
python3 - "${logs[@]}" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for log in sys.argv[1:]:
    with open(log) as f:
        lines = f.readlines()
    for line in lines:
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
