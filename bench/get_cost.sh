#!/usr/bin/env bash
# bench/get_cost.sh -- what one event page GET costs summitd, in
# instructions: a yardstick for issue 8's "event page GET >= nginx static"
# that a shared, noisy machine does not move (req/s there moves 2-3x).
#
# Builds a release summitd (build-release/), starts its own PostgreSQL
# cluster (var/getcost), a fresh database with the demo, and summitd with
# bench/http.sh's settings under valgrind's callgrind, instrumentation off.
# After an unmeasured warm-up it counts every instruction summitd's threads
# run (user space: libmicrohttpd, GLib, libc and ours; not the kernel's)
# while wrk sends GET / (bench/get.lua, keep-alive) for GETCOST_DURATION,
# and prints instructions per request and the functions that cost most.
# The event page is rendered at most once a second (pages.c); those renders
# are in the count too, spread over the few thousand requests a second
# callgrind lets through, so the figure slightly overstates a real run's.
#
# It prints two figures: all threads, and the I/O threads alone (without
# the workers, whose only work here is that render, the periodic jobs and
# the connection reaper): the second is what a visitor costs.
#
# GETCOST_MHD=1 measures the same way the minimal libmicrohttpd server of
# ../shared/bench/limits (mhd_bench.c: one shared static response) serving
# its page: the floor for what libmicrohttpd itself costs.
#
# GETCOST_CPU=1 runs the server natively instead and prints its CPU time
# (user and kernel, from /proc) per request: the kernel's share counts
# too, but other tenants of the machine move it (caches, preemption).
# With GETCOST_PERF=1 as well, `perf record -e cpu-clock -g` of the server
# during the run goes to the kept folder (this VM has no hardware
# counters, so no `perf stat -e instructions`).
#
# Environment:
#   GETCOST_DURATION=10s  wrk's measured run
#   GETCOST_CONNECTIONS=64 GETCOST_WRK_THREADS=2
#   GETCOST_TOP=30        functions listed (inclusive cost)
#   GETCOST_MHD=0         1: measure mhd_bench.c static instead
#   GETCOST_CPU=0         1: CPU time per request, natively
#   GETCOST_PERF=0        1 (with GETCOST_CPU=1): perf record the server
#   GETCOST_KEEP=0        1: keep the temporary folder (callgrind output)
#
# Run as root from the checkout (it installs what is missing):
#   bash bench/get_cost.sh

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"

DURATION=${GETCOST_DURATION:-10s}
CONNS=${GETCOST_CONNECTIONS:-64}
WRK_THREADS=${GETCOST_WRK_THREADS:-2}
TOP_N=${GETCOST_TOP:-30}
PG_NAME=getcost
PG_PORT=54333
LIMITS="$TOP/../shared/bench/limits"

install_packages "${RUN_PACKAGES[@]}" wrk curl valgrind
build build-release -Dbuildtype=release

WORK=$(mktemp -d /tmp/summit-getcost.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	pg_stop "$PG_NAME"
	if [ "${GETCOST_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
		say "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CALLGRIND=(valgrind --tool=callgrind --instr-atstart=no
	--callgrind-out-file="$WORK/callgrind.out.%p")
# GETCOST_CPU=1: natively, CPU time per request instead (kernel included).
[ "${GETCOST_CPU:-0}" = 1 ] && CALLGRIND=()

if [ "${GETCOST_MHD:-0}" = 1 ]; then
	WHAT="mhd_bench.c static epoll pool=2"
	gcc -O2 -g -Wall -o "$WORK/mhd_bench" "$LIMITS/mhd_bench.c" \
	    $(pkg-config --cflags --libs libmicrohttpd libpq) -lpthread
	PAGE="$LIMITS/registration.html" "${CALLGRIND[@]}" \
	    "$WORK/mhd_bench" "$PORT" epoll static 2 0 >"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
else
	WHAT="summitd GET / (cached event page)"
	BASE_URL=$(pg_start "$PG_NAME" "$PG_PORT")
	URL=$(printf '%s\n' "$BASE_URL" | sed "s|:///summit?|:///getcost?|")
	psql "$BASE_URL" -qc "DROP DATABASE IF EXISTS getcost WITH (FORCE)" \
	    -c "CREATE DATABASE getcost" >/dev/null
	ensure_secret "$WORK/secret.key"
	cat >"$WORK/summit.conf" <<-EOF
	[server]
	listen_address = 127.0.0.1
	port = $PORT
	public_url = http://127.0.0.1:$PORT
	threads = 16
	io_threads = 2
	max_connections = 1024
	max_connections_per_ip = 1024
	templates_dir = $TOP/templates
	static_dir = $TOP/static
	[database]
	url = $URL
	pool_size = 4
	[mail]
	transport = maildir
	maildir = $WORK/maildir
	worker_in_summitd = false
	[security]
	secret_key_file = $WORK/secret.key
	EOF
	for cmd in migrate load-demo; do
		SUMMIT_DATABASE_URL=$URL "$TOP/build-release/src/summitctl" \
		    --config "$WORK/summit.conf" "$cmd" >>"$WORK/ctl.log" 2>&1 ||
			{ cat "$WORK/ctl.log" >&2; exit 1; }
	done
	SUMMIT_DATABASE_URL=$URL "${CALLGRIND[@]}" "$TOP/build-release/src/summitd" \
	    --config "$WORK/summit.conf" >"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
fi

for _ in $(seq 600); do
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
	curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
	sleep 0.2
done

# Warm-up, not counted: connections, the page cache, lazy set-up.
BENCH_DIR=$BENCH_DIR wrk -t "$WRK_THREADS" -c "$CONNS" -d 3s \
    -s "$BENCH_DIR/get.lua" "http://127.0.0.1:$PORT/" >/dev/null 2>&1 || true
# utime + stime of the server, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15, $14, $15 }' "/proc/$SERVER_PID/stat"; }
if [ "${GETCOST_CPU:-0}" = 1 ]; then
	read -r T0 U0 S0 < <(cpu_ticks)
	[ "${GETCOST_PERF:-0}" = 1 ] && { perf record -e cpu-clock -g -p "$SERVER_PID" \
	    -o "$WORK/perf.data" >/dev/null 2>&1 & PERF_PID=$!; }
	BENCH_DIR=$BENCH_DIR BENCH_EXPECT=200 BENCH_RUN=getcost BENCH_WRK_THREADS=$WRK_THREADS \
	    wrk -t "$WRK_THREADS" -c "$CONNS" -d "$DURATION" --timeout 10s \
	    -s "$BENCH_DIR/get.lua" "http://127.0.0.1:$PORT/" >"$WORK/wrk.txt" 2>&1
	[ -n "${PERF_PID:-}" ] && { kill -INT "$PERF_PID"; wait "$PERF_PID" || true; }
	read -r T1 U1 S1 < <(cpu_ticks)
	line=$(grep '^BENCH ' "$WORK/wrk.txt") || { cat "$WORK/wrk.txt" >&2; exit 1; }
	REQ=$(sed 's/.* requests=\([^ ]*\).*/\1/' <<<"$line")
	HZ=$(getconf CLK_TCK)
	echo "$WHAT: $line"
	awk -v t=$((T1 - T0)) -v u=$((U1 - U0)) -v s=$((S1 - S0)) -v r="$REQ" -v hz="$HZ" 'BEGIN {
		printf "CPU per request: %.2f us (user %.2f, kernel %.2f); load: %s\n",
		    t * 1e6 / hz / r, u * 1e6 / hz / r, s * 1e6 / hz / r, "'"$(cut -d' ' -f1-3 /proc/loadavg)"'" }'
	exit 0
fi
callgrind_control -i on "$SERVER_PID" >/dev/null
callgrind_control -z "$SERVER_PID" >/dev/null
BENCH_DIR=$BENCH_DIR BENCH_EXPECT=200 BENCH_RUN=getcost BENCH_WRK_THREADS=$WRK_THREADS \
    wrk -t "$WRK_THREADS" -c "$CONNS" -d "$DURATION" --timeout 10s \
    -s "$BENCH_DIR/get.lua" "http://127.0.0.1:$PORT/" >"$WORK/wrk.txt" 2>&1
callgrind_control -d "$SERVER_PID" >/dev/null
callgrind_control -i off "$SERVER_PID" >/dev/null

line=$(grep '^BENCH ' "$WORK/wrk.txt") || { cat "$WORK/wrk.txt" >&2; exit 1; }
REQ=$(sed 's/.* requests=\([^ ]*\).*/\1/' <<<"$line")
BAD=$(sed 's/.* bad=\([^ ]*\).*/\1/' <<<"$line")
# The dump of the measured window is the newest file with a part number.
OUTF=$(ls -t "$WORK"/callgrind.out.*.* | head -1)
callgrind_annotate --inclusive=yes --threshold=100 "$OUTF" >"$WORK/annotate.txt" 2>/dev/null
IR=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$WORK/annotate.txt")
[ -n "$IR" ] && [ "${REQ:-0}" -gt 0 ] || { say "no count"; exit 1; }

echo "$WHAT: $REQ requests ($BAD unexpected) in $DURATION under callgrind"
# The threads that answer no request themselves: the workers (here only
# the renders of the page when its cache is a second old), the periodic
# jobs and the connection reaper.
incl() { awk -v f="$1" '$0 ~ ":" f " " { gsub(",", "", $1); print $1; exit }' "$WORK/annotate.txt"; }
OTHER=0
for f in web_worker_main summitd_jobs web_limits_reaper; do
	OTHER=$((OTHER + $(incl "$f" || true) + 0))
done
echo "instructions per request (user space, all threads): $((IR / REQ))"
echo "... on the I/O threads (without the workers, jobs, reaper): $(((IR - OTHER) / REQ))"
echo
echo "inclusive instructions per request, top $TOP_N:"
awk -v req="$REQ" -v n="$TOP_N" '
	/^-+$/ { sep++; next }
	sep >= 3 && NF >= 2 && $1 ~ /^[0-9,]+$/ {
		ir = $1; gsub(",", "", ir)
		$1 = ""
		if (n-- > 0)
			printf "%10.0f %s\n", ir / req, $0
	}' "$WORK/annotate.txt"
