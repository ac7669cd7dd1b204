#!/bin/sh
# alloc.sh -- benchmark of the allocator on generated instances (not a test).
#
# For each size of shared/alloc/gen.py (seed 1) it generates the instance
# into a temporary folder, runs `summitctl allocate` (the exact solver) and
# `summitctl allocate --greedy` (first come, first served) under
# /usr/bin/time -v, and prints the solve time, the whole-process time, the
# peak memory and the objective, and the greedy's figures beside them.
#
# usage: bench/alloc.sh [size ...]        (default: tiny small medium large huge)
# environment: SHARED (default ../shared/alloc beside the checkout),
#              BUILD (default build-release, set up with -Dbuildtype=release),
#              SEED (default 1)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared/alloc}
build=${BUILD:-$root/build-release}
seed=${SEED:-1}
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
echo "seed $seed; times in seconds, memory = peak RSS"
printf '%-7s %8s | %7s %7s %8s %-22s | %7s %8s %7s %7s\n' size people \
    solve process peak objective greedy placed nowhere first%
for size in $sizes; do
	inst=$tmp/$size
	python3 "$shared/gen.py" --size "$size" --seed "$seed" --out "$inst" >/dev/null
	/usr/bin/time -v -o "$tmp/time-exact" "$ctl" allocate --instance "$inst" \
	    --out "$tmp/exact.csv" --json >"$tmp/exact.json"
	/usr/bin/time -v -o "$tmp/time-greedy" "$ctl" allocate --instance "$inst" \
	    --out "$tmp/greedy.csv" --json --greedy >"$tmp/greedy.json"
	python3 - "$size" "$tmp" <<'PY'
import json, sys
size, tmp = sys.argv[1], sys.argv[2]
def tv(path):
    d = {}
    for line in open(path):
        k, _, v = line.strip().rpartition(": ")
        d[k] = v
    wall = d["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    return secs, int(d["Maximum resident set size (kbytes)"]) / 1024
e = json.load(open(f"{tmp}/exact.json"))
g = json.load(open(f"{tmp}/greedy.json"))
et, em = tv(f"{tmp}/time-exact")
gt, gm = tv(f"{tmp}/time-greedy")
print(f"{size:<7} {e['participants']:>8} | {e['solve_seconds']:>7.3f} {et:>7.2f} "
      f"{em:>6.1f}Mi {e['objective']:<22} | {gt:>7.2f} {g['placed']:>8} "
      f"{g['nowhere']:>7} {g['first_choice_pct']:>6.2f}%")
PY
done
