#!/usr/bin/env bash
# bench/scale.sh -- registrations per second through nginx with TLS
# (config/nginx/summit.conf) at 3 summitd processes against 1, in one run
# on one machine and one PostgreSQL (not a test; README "Running in
# production").
#
# Builds a release summitd (build-release/), starts its own PostgreSQL
# cluster (var/scale, port 54332; durable commits as PostgreSQL's
# defaults), and for N in BENCH_PROCESSES (1 3): a fresh database with the
# demo, N summitd on free loopback ports with the same settings each
# (trusted_proxies = 127.0.0.1, mail left in the outbox), nginx in front of
# them with Summit's configuration (rendered by tests/lib/nginx.py: free
# ports, a self-signed certificate, the checkout's static folder), a short
# warm-up, then wrk over HTTPS with bench/register.lua, as bench/http.sh's
# "register" scenario: POST /register, unique e-mails.
#
# Prints per N: requests/s, p50 and p99 latency, unexpected answers (must
# be 0), the registrations each summitd answered (warm-up included), and
# at the end the ratio of the last to the first.
# Everything it starts is stopped on exit, Ctrl-C or failure.
#
# Environment:
#   BENCH_PROCESSES="1 3"  summitd processes per run, in this order
#   BENCH_THREADS=16       [server] threads of each summitd
#   BENCH_POOL=16          [database] pool_size of each summitd
#   BENCH_CONNECTIONS=64   wrk connections   BENCH_WRK_THREADS=2
#   BENCH_DURATION=10s     wrk run time      BENCH_WARMUP=2s (0: none)
#   BENCH_PG_PORT=54332    BENCH_PG_NAME=scale
#   BENCH_BUILD=build-release  the build folder (a release build)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"

PROCESSES=${BENCH_PROCESSES:-1 3}
THREADS=${BENCH_THREADS:-16}
POOL=${BENCH_POOL:-16}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
PG_NAME=${BENCH_PG_NAME:-scale}
PG_PORT=${BENCH_PG_PORT:-54332}
BUILD=${BENCH_BUILD:-build-release}

install_packages "${RUN_PACKAGES[@]}" wrk curl nginx python3
build "$BUILD" -Dbuildtype=release
SUMMITD="$TOP/$BUILD/src/summitd"
SUMMITCTL="$TOP/$BUILD/src/summitctl"

WORK=$(mktemp -d /tmp/summit-scale.XXXXXX)
chmod 755 "$WORK"
PIDS=()
NGINX_PID=

exec 3>&1 4>&2
stop_all() {
	local p
	if [ -n "$NGINX_PID" ]; then
		kill -TERM "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
		NGINX_PID=
	fi
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	PIDS=()
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	exec 1>&3 2>&4
	stop_all
	pg_stop "$PG_NAME"
	if [ "$rc" -ne 0 ]; then
		say "logs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BASE_URL=$(pg_start "$PG_NAME" "$PG_PORT")
db_url() { printf '%s\n' "$BASE_URL" | sed "s|:///summit?|:///$1?|"; }
psql_db() { PGOPTIONS='-c client_min_messages=warning' psql "$(db_url "$1")" -v ON_ERROR_STOP=1 -Atq "${@:2}" </dev/null; }
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
ensure_secret "$WORK/secret.key"

# wait_up URL PID LOG: until URL answers 2xx (curl -k: the test certificate).
wait_up() {
	local _
	for _ in $(seq 300); do
		kill -0 "$2" 2>/dev/null || { tail -20 "$3" >&2; say "$3: died at start"; return 1; }
		curl -kfsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	say "no answer from $1"
	return 1
}

# start_topology N: a fresh database, N summitd and nginx in front; sets
# URL (nginx's HTTPS address).
start_topology() {
	local n=$1 db="scale_$1" url i port ports=() conf
	psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
	psql_db postgres -c "CREATE DATABASE $db"
	url=$(db_url "$db")
	for i in $(seq "$n"); do
		port=$(free_port)
		ports+=("$port")
		conf="$WORK/$db-$i.conf"
		cat >"$conf" <<-EOF
		[server]
		listen_address = 127.0.0.1
		port = $port
		public_url = https://127.0.0.1
		threads = $THREADS
		trusted_proxies = 127.0.0.1
		templates_dir = $TOP/templates
		static_dir = $TOP/static
		[database]
		url = $url
		pool_size = $POOL
		[registration]
		# One client address sends everything: no throttling here.
		per_address_burst = 1000000
		per_address_per_hour = 100000000
		per_domain_burst = 1000000
		per_domain_per_hour = 100000000
		[mail]
		transport = maildir
		maildir = $WORK/maildir
		worker_in_summitd = false
		[security]
		secret_key_file = $WORK/secret.key
		EOF
		if [ "$i" = 1 ]; then
			SUMMIT_DATABASE_URL=$url "$SUMMITCTL" --config "$conf" migrate >"$WORK/$db.ctl.log" 2>&1 &&
				SUMMIT_DATABASE_URL=$url "$SUMMITCTL" --config "$conf" load-demo >>"$WORK/$db.ctl.log" 2>&1 ||
				{ cat "$WORK/$db.ctl.log" >&2; return 1; }
		fi
		SUMMIT_DATABASE_URL=$url "$SUMMITD" --config "$conf" >"$WORK/$db-$i.log" 2>&1 &
		PIDS+=($!)
		wait_up "http://127.0.0.1:$port/health" "$!" "$WORK/$db-$i.log"
	done
	psql_db "$db" -c "VACUUM ANALYZE" >/dev/null
	local ndir="$WORK/nginx-$n" tls
	tls=$(free_port)
	/usr/bin/python3 "$TOP/tests/lib/nginx.py" "$ndir" "$tls" "$(free_port)" \
	    "$TOP/static" "${ports[@]}"
	nginx -p "$ndir" -c "$ndir/nginx.conf" -e "$ndir/error.log" &
	NGINX_PID=$!
	URL="https://127.0.0.1:$tls"
	wait_up "$URL/health" "$NGINX_PID" "$ndir/error.log"
}

# csrf_pair: one GET /register through nginx; sets CSRF_COOKIE, CSRF_TOKEN.
csrf_pair() {
	local jar="$WORK/cookies" html
	rm -f "$jar"
	html=$(curl -kfsS -c "$jar" "$URL/register")
	CSRF_TOKEN=$(printf '%s' "$html" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
	CSRF_COOKIE=$(awk '$6 == "summit_csrf" { print $7 }' "$jar")
	[ -n "$CSRF_TOKEN" ] && [ -n "$CSRF_COOKIE" ] ||
		{ say "no CSRF cookie/token from GET /register"; return 1; }
}

# wrk_register NAME DURATION: register.lua through nginx -> its BENCH line.
wrk_register() {
	BENCH_DIR=$BENCH_DIR BENCH_EXPECT=303 BENCH_CSRF_COOKIE=$CSRF_COOKIE \
	BENCH_CSRF_TOKEN=$CSRF_TOKEN BENCH_RUN=$RUN_TAG-$1 BENCH_HOT=0 \
	BENCH_WRK_THREADS=$WRK_THREADS \
	    wrk -t "$WRK_THREADS" -c "$CONNS" -d "$2" --timeout 10s \
	    -s "$BENCH_DIR/register.lua" "$URL/" >"$WORK/$1.wrk.txt" 2>&1 ||
		{ cat "$WORK/$1.wrk.txt" >&2; return 1; }
	grep '^BENCH ' "$WORK/$1.wrk.txt" || { cat "$WORK/$1.wrk.txt" >&2; return 1; }
}

RUN_TAG=s$(date +%s)
say "per summitd: threads=$THREADS pool_size=$POOL; wrk: $CONNS connections," \
    "$WRK_THREADS threads, $DURATION; PostgreSQL max_connections=$(psql_db postgres -c 'SHOW max_connections')"
FIRST=
BAD=0
for n in $PROCESSES; do
	start_topology "$n"
	csrf_pair
	[ "$WARMUP" = 0 ] || wrk_register "warm-$n" "$WARMUP" >/dev/null
	line=$(wrk_register "run-$n" "$DURATION")
	rps=$(sed 's/.* rps=\([^ ]*\).*/\1/' <<<"$line")
	bad=$(sed 's/.* bad=\([^ ]*\).*/\1/' <<<"$line")
	printf '%d summitd behind nginx: %s registrations/s, p50 %s ms, p99 %s ms, %s unexpected (%s)\n' \
	    "$n" "$rps" "$(sed 's/.* p50_ms=\([^ ]*\).*/\1/' <<<"$line")" \
	    "$(sed 's/.* p99_ms=\([^ ]*\).*/\1/' <<<"$line")" "$bad" \
	    "$(sed 's/.* statuses=\([^ ]*\).*/\1/' <<<"$line")"
	[ "$bad" = 0 ] || BAD=1
	# nginx spread them: the registrations each summitd answered.
	printf '  per summitd:'
	for i in $(seq "$n"); do
		printf ' %s' "$(grep -c 'POST /register 303' "$WORK/scale_$n-$i.log" || true)"
	done
	printf '\n'
	if [ -z "$FIRST" ]; then
		FIRST=$rps
		FIRST_N=$n
	else
		printf '%d against %d summitd: x%s\n' "$n" "$FIRST_N" \
		    "$(awk -v a="$rps" -v b="$FIRST" 'BEGIN { printf "%.2f", a / b }')"
	fi
	stop_all
	psql_db postgres -c "DROP DATABASE IF EXISTS scale_$n WITH (FORCE)"
done
[ "$BAD" = 0 ] || { say "unexpected answers: the figures do not count"; exit 1; }
