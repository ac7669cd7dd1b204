#!/bin/sh
# alloc_glpk.sh -- benchmark of GLPK's min-cost-flow solvers (graph API:
# glp_mincost_relax4, glp_mincost_okalg) on the allocation network of
# ../shared/alloc/FORMAT.md, beside our solver (summitctl allocate).  Not a test.
#
# For each size (seed 1) it generates the instance into /tmp/inst-SIZE (reused
# if present), compiles bench/glpk_mcf.c with cc (it is not part of the meson
# build), runs `glpk_mcf relax4`, `glpk_mcf okalg` and `summitctl allocate`
# under /usr/bin/time -v, each GLPK run under `timeout $TIMEOUT`, and prints
# read / build / solve time, whole-process wall and CPU time, peak RSS and the
# objective placed/nowhere/cost, with the load average.  Every allocation
# produced is checked with verify.py (VALID and its objective printed beside).
# Debian's GLPK 5.0 ships glp_mincost_relax4 disabled ("temporarily disabled
# due to licensing problems"): that run then stops at once with GLPK's message.
#
# usage: bench/alloc_glpk.sh [size ...]     (default: medium large huge)
# environment: SHARED (default ../shared/alloc beside the checkout),
#              BUILD (default build-release), SEED (default 1),
#              TIMEOUT (seconds per GLPK run, default 420: okalg needs
#              about 300 s on large),
#              SOLVERS (default "relax4 okalg"; also relax4-crash; "none":
#              only our solver)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared/alloc}
build=${BUILD:-$root/build-release}
seed=${SEED:-1}
limit=${TIMEOUT:-420}
solvers=${SOLVERS:-relax4 okalg}
[ "$solvers" = none ] && solvers=
sizes=${*:-medium large huge}

[ -f "$shared/gen.py" ] || { echo "alloc_glpk.sh: $shared/gen.py not found (set SHARED)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "alloc_glpk.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
if [ ! -x "$build/src/summitctl" ]; then
	[ -f "$build/build.ninja" ] || meson setup "$build" "$root" -Dbuildtype=release >/dev/null
	ninja -C "$build" src/summitctl >/dev/null
fi
ctl=$build/src/summitctl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/alloc-glpk-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prog=$tmp/glpk_mcf
# shellcheck disable=SC2046
cc -O2 $(pkg-config --cflags glib-2.0) "$root/bench/glpk_mcf.c" -o "$prog" \
    $(pkg-config --libs glib-2.0) -lglpk

echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "GLPK $(pkg-config --modversion glpk 2>/dev/null || dpkg-query -W -f '${Version}' libglpk40 2>/dev/null); timeout ${limit} s per GLPK run; seed $seed"
echo "times in seconds; process = wall time of the whole process, cpu = user + sys; peak = max RSS"
printf '%-7s %-13s %7s %7s %8s %8s %8s %9s  %-22s %-6s %s\n' size solver read build solve process cpu peak objective load status
for size in $sizes; do
	inst=/tmp/inst-$size
	if ! grep -qx "size,$size" "$inst/params.csv" 2>/dev/null ||
	   ! grep -qx "seed,$seed" "$inst/params.csv" 2>/dev/null; then
		rm -rf "$inst"
		python3 "$shared/gen.py" --size "$size" --seed "$seed" --out "$inst" >/dev/null
	fi
	for solver in $solvers summit; do
		load=$(cut -d' ' -f1 /proc/loadavg)
		if [ "$solver" = summit ]; then
			/usr/bin/time -v -o "$tmp/time" "$ctl" allocate --instance "$inst" \
			    --out "$tmp/out.csv" >"$tmp/stdout" 2>"$tmp/stderr" && rc=0 || rc=$?
		else
			/usr/bin/time -v -o "$tmp/time" timeout "$limit" "$prog" "$solver" \
			    "$inst" --out "$tmp/out.csv" >"$tmp/stdout" 2>"$tmp/stderr" && rc=0 || rc=$?
		fi
		if [ "$rc" = 0 ]; then
			python3 "$shared/verify.py" "$inst" "$tmp/out.csv" --json >"$tmp/verify" || true
		else
			echo '{}' >"$tmp/verify"
		fi
		python3 - "$size" "$solver" "$tmp" "$rc" "$load" "$limit" <<'PY'
import json, re, sys
size, solver, tmp, rc, load, limit = sys.argv[1:7]
rc = int(rc)
tv = {}
for line in open(f"{tmp}/time"):
    k, _, v = line.strip().rpartition(": ")
    tv[k] = v
def wall(s):
    secs = 0.0
    for part in s.split(":"):
        secs = secs * 60 + float(part)
    return secs
out = open(f"{tmp}/stdout").read()
err = open(f"{tmp}/stderr").read()
def field(name, text=out):
    m = re.search(name + r"=(\S+)", text)
    return m.group(1) if m else "-"
proc = wall(tv.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0"))
cpu = float(tv.get("User time (seconds)", 0)) + float(tv.get("System time (seconds)", 0))
peak = int(tv.get("Maximum resident set size (kbytes)", 0)) / 1024
if solver == "summit":
    m = re.search(r"solve time\s+([0-9.]+) s", out)
    read, build, solve = "-", "-", (m.group(1) if m else "-")
else:
    read, build, solve = field("read_s"), field("build_s"), field("solve_s")
obj = field("objective")
ver = json.load(open(f"{tmp}/verify"))
if rc == 0:
    status = ("verify.py: VALID " if ver.get("valid") else "verify.py: INVALID ") + str(ver.get("objective"))
    if solver != "summit":
        status += "; flow-cost identity " + field("check")
elif rc == 124:
    status = f"stopped by timeout after {limit} s"
elif rc == 3:
    msg = [l for l in out.splitlines() if "=" not in l and not l.startswith("network:")]
    status = "GLPK error: " + (" / ".join(msg) if msg else "?")
else:
    status = f"exit {rc}: " + " ".join(err.strip().splitlines()[-1:])
print(f"{size:<7} {solver:<13} {read:>7} {build:>7} {solve:>8} {proc:>8.2f} {cpu:>8.2f} "
      f"{peak:>5.1f} MiB  {obj:<22} {load:<6} {status}")
net = re.search(r"^network: .*$", out, re.M)
if net and solver != "summit":
    print(f"{'':<7} {'':<13} {net.group(0)}")
PY
	done
done
