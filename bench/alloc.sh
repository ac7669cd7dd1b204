#!/bin/sh
# alloc.sh -- benchmark of the allocator on generated instances (not a test).
#
# For each size of shared/alloc/gen.py (seed 1) it generates the instance
# into a temporary folder, runs `summitctl allocate` (the exact solver) RUNS
# times and `summitctl allocate --greedy` (first come, first served) once,
# under /usr/bin/time -v, and prints the solve time, the whole-process wall
# time (best and median of the runs), the CPU time (user + sys) of the best
# run, the peak memory and the objective, and the greedy's figures beside
# them.  The machine's load average is printed with each size: on a shared
# machine wall times vary, so compare the best of several runs, or the
# CPU time.
#
# usage: bench/alloc.sh [size ...]        (default: tiny small medium large huge)
# environment: SHARED (default ../shared/alloc beside the checkout),
#              BUILD (default build-release, set up with -Dbuildtype=release),
#              SEED (default 1), RUNS (default 3)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared/alloc}
build=${BUILD:-$root/build-release}
seed=${SEED:-1}
runs=${RUNS:-3}
sizes=${*:-tiny small medium large huge}

[ -f "$shared/gen.py" ] || { echo "alloc.sh: $shared/gen.py not found (set SHARED)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "alloc.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" -Dbuildtype=release >/dev/null
fi
ninja -C "$build" src/summitctl >/dev/null
ctl=$build/src/summitctl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/alloc-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "seed $seed, best of $runs runs; times in seconds, cpu = user + sys of the best run, memory = peak RSS"
printf '%-7s %8s | %7s %7s %7s %7s %8s %-22s | %7s %8s %7s %7s | %s\n' size people \
    solve process median cpu peak objective greedy placed nowhere first% load
for size in $sizes; do
	inst=$tmp/$size
	python3 "$shared/gen.py" --size "$size" --seed "$seed" --out "$inst" >/dev/null
	i=1
	while [ "$i" -le "$runs" ]; do
		/usr/bin/time -v -o "$tmp/time-exact.$i" "$ctl" allocate \
		    --instance "$inst" --out "$tmp/exact.csv" --json \
		    >"$tmp/exact.json.$i" 2>"$tmp/exact.err"
		i=$((i + 1))
	done
	/usr/bin/time -v -o "$tmp/time-greedy" "$ctl" allocate --instance "$inst" \
	    --out "$tmp/greedy.csv" --json --greedy >"$tmp/greedy.json"
	python3 - "$size" "$tmp" "$runs" <<'PY'
import json, os, statistics, sys
size, tmp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def tv(path):
    d = {}
    for line in open(path):
        k, _, v = line.strip().rpartition(": ")
        d[k] = v
    wall = d["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    cpu = float(d["User time (seconds)"]) + float(d["System time (seconds)"])
    return secs, cpu, int(d["Maximum resident set size (kbytes)"]) / 1024
ex = []
for i in range(1, runs + 1):
    e = json.load(open(f"{tmp}/exact.json.{i}"))
    ex.append((tv(f"{tmp}/time-exact.{i}"), e))
objs = {e["objective"] for _, e in ex}
assert len(objs) == 1, objs
(et, ec, _), e = min(ex, key=lambda x: x[0][0])
em = max(t[2] for t, _ in ex)
med = statistics.median(t[0] for t, _ in ex)
solve = min(e2["solve_seconds"] for _, e2 in ex)
g = json.load(open(f"{tmp}/greedy.json"))
gt, _, gm = tv(f"{tmp}/time-greedy")
load = os.getloadavg()[0]
print(f"{size:<7} {e['participants']:>8} | {solve:>7.3f} {et:>7.2f} {med:>7.2f} "
      f"{ec:>7.2f} {em:>6.1f}Mi {e['objective']:<22} | {gt:>7.2f} "
      f"{g['placed']:>8} {g['nowhere']:>7} {g['first_choice_pct']:>6.2f}% | "
      f"{load:.2f}")
PY
done
