#!/usr/bin/env bash
# bench/side_by_side.sh -- Summit against this machine's ceiling, in one
# window (not a test).  The machines are shared and noisy, so absolute
# figures mean little; the ratio of two runs minutes apart means a lot.
#
#   1. ../shared/bench/limits/run_limits.sh, HTTP part: nginx serving a
#      static page, a minimal libmicrohttpd+libpq server (static page,
#      one SELECT, a durable registration transaction);
#   2. bench/http.sh: Summit's event page and nginx's static page
#      (the limits' page and configuration) alternately, SIDE_PAIRS
#      times; Summit's own registration SQL under pgbench and
#      registrations over HTTP alternately, SIDE_POST_PAIRS times; the
#      rush, confirmations (spread and rush);
#   3. the ratios the issue asks for.  The two "Summit against" ones
#      are the medians of their alternate pairs: a 10 s run on this
#      shared machine moves by tens of per cent from one minute to the
#      next, alike for both runs of a pair.
#
# Needs nginx, gcc, wrk, PostgreSQL 15 (installed if missing).  About 12
# minutes.  Environment: LIMITS (the limits folder, default
# ../shared/bench/limits), HTTP_SECS (10), SIDE_PAIRS (5),
# SIDE_POST_PAIRS (3), and bench/http.sh's BENCH_* (BENCH_SCENARIOS
# replaces the list above).
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"

LIMITS=${LIMITS:-$TOP/../shared/bench/limits}
SECS=${HTTP_SECS:-10}
PAIRS=${SIDE_PAIRS:-5}
POST_PAIRS=${SIDE_POST_PAIRS:-3}
# Pairs in turn A B, B A, A B, ...: neither server always goes first.
SCENARIOS=${BENCH_SCENARIOS:-"$(for i in $(seq "$PAIRS"); do
	[ $((i % 2)) = 1 ] && printf 'nginx get ' || printf 'get nginx '; done
	for i in $(seq "$POST_PAIRS"); do
	[ $((i % 2)) = 1 ] && printf 'sql register ' || printf 'register sql '; done)rush confirm confirm_rush"}
[ -f "$LIMITS/run_limits.sh" ] || { say "no $LIMITS/run_limits.sh"; exit 1; }
install_packages "${RUN_PACKAGES[@]}" wrk curl nginx gcc python3
OUT=$(mktemp -d /tmp/summit-side.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

say "1/2: the ceiling (run_limits.sh, HTTP part, ${SECS} s each)"
PGBIN=$PGBIN PATH="$PGBIN:$PATH" ONLY=http RUNS=1 HTTP_SECS=$SECS OUT="$OUT/limits" \
	bash "$LIMITS/run_limits.sh" >"$OUT/limits.txt" 2>"$OUT/limits.err" ||
	{ tail -20 "$OUT/limits.err" >&2; exit 1; }
say "2/2: Summit (bench/http.sh, ${SECS} s each)"
BENCH_SCENARIOS=$SCENARIOS BENCH_DURATION=${SECS}s bash "$BENCH_DIR/http.sh" >"$OUT/summit.txt" 2>"$OUT/summit.err" ||
	{ tail -20 "$OUT/summit.err" >&2; exit 1; }

echo "== the ceiling ($(date -u +%H:%M) UTC)"
cat "$OUT/limits.txt"
echo
echo "== Summit"
sed -n '/^summitd threads/,$p' "$OUT/summit.txt"
echo
python3 - "$OUT/limits/results.tsv" "$OUT/summit.txt" <<'PY'
import csv, re, sys
ceiling = {}
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f, delimiter="\t"):
        ceiling[row["test"]] = float(row["throughput"] or 0)
summit = {}
for line in open(sys.argv[2]):
    m = re.match(r"^(\S+)\s+([0-9.]+)\s", line)
    if m:
        summit[m.group(1)] = float(m.group(2))
def find(pattern):
    for k, v in ceiling.items():
        if re.search(pattern, k):
            return k, v
    return None, 0.0
def ratio(what, a, an, b, bn, aim):
    if not a or not b:
        print("%-44s n/a" % what)
        return
    print("%-44s %9.1f / %9.1f = %5.1f %%  (aim %s; %s / %s)" % (
        what, a, b, 100 * a / b, aim, an, bn))
nk, nginx = find(r"nginx")
rk, reg = find(r"REGISTER.*db=16.*sync=on")
def pairs(prefix, what, aim):
    for line in open(sys.argv[2]):
        if line.startswith(prefix):
            m = re.search(r"median ([0-9.]+) %", line)
            print("%-44s %s %%  (aim %s; %s)" % (what, m.group(1), aim,
                                                 line.strip()))
pairs("get vs nginx, ", "event page GET vs nginx static, alternately",
      ">= 100 %")
pairs("register vs sql, ", "registration POST vs own SQL, alternately",
      ">= 80 %")
ratio("event page GET vs nginx static (limits run)", summit.get("get"),
      "summit get", nginx, nk, ">= 100 %")
ratio("registration POST vs the bare ceiling", summit.get("register"),
      "summit register", reg, rk, ">= 60 %")
ratio("registration POST vs Summit's own SQL", summit.get("register"),
      "summit register", summit.get("sql"), "pgbench sql", ">= 80 %")
ratio("rush vs spread (registration)", summit.get("rush"), "rush",
      summit.get("register"), "register", ">= 50 %")
ratio("rush vs spread (confirmation)", summit.get("confirm_rush"),
      "confirm_rush", summit.get("confirm"), "confirm", ">= 50 %")
PY
