#!/usr/bin/env bash
# bench/http.sh -- HTTP benchmark of summitd (not a test).
#
# Builds a release summitd (build-release/), starts its own PostgreSQL
# cluster (var/bench, port 54331; durable commits: fsync and
# synchronous_commit as PostgreSQL's defaults), and for each scenario makes
# a fresh database, migrates it, loads the demo, starts summitd on a free
# loopback port and drives it with wrk:
#
#   1. get       GET / (the event page)
#   nginx        nginx serving ../shared/bench/limits' static 6 KB page
#                with that folder's configuration, driven exactly as "get"
#                (not in the default list): BENCH_SCENARIOS="nginx get nginx
#                get nginx get" puts the two side by side, alternately
#   2. register  POST /register, unique e-mails, rank1..rank3 spread over
#                the 12 sessions, capacity BENCH_CAPACITY (1,000,000: nobody
#                waitlisted)
#   3. rush      POST /register, everyone ranks session 1 first, and only
#                BENCH_RUSH_LEFT (200) places are left at the start (a
#                registration claims no place since confirmation does, so
#                this must cost what "register" does)
#   4. sql       no HTTP: pgbench runs Summit's own registration statements
#                (bench/register_sql.py reads them from src/db/) on
#                the same cluster and data with BENCH_POOL connections, with
#                the session settings summitd's pool sets (plan each
#                execution for its values: src/db/pool.c) --
#                Summit's SQL ceiling; register / sql is what HTTP costs
#   sql_parts    the same pgbench run again and again on one database,
#                dropping one kind of write cost each time -- the search
#                index, the console's list indexes, the foreign keys of the
#                rows a registration adds -- so the figures account for
#                what each costs (not in the default list)
#   5. confirm   POST /confirm/TOKEN for BENCH_CONFIRM_N pending
#                registrations made beforehand: each claims a place
#   6. confirm_rush  the same with only BENCH_RUSH_LEFT places left, so the
#                run crosses from "places left" to "full -> waiting list"
#
# Prints requests/s, p50 and p99 latency and the count of unexpected
# responses (non-200 for GET, non-303 for POST; must be 0), the p50 and p99
# of the same requests as summitd's access log times them (from its headers
# parsed to the response sent: what wrk sees on top of that was spent
# before a server thread took the request up), and after each POST
# scenario the participant, placed and waitlisted counts.
#
# Everything it starts (summitd, the cluster) is stopped on exit, Ctrl-C or
# failure.  Re-runnable: databases are dropped and made again.
#
# Environment:
#   BENCH_THREADS=16      [server] threads (request workers)
#   BENCH_IO_THREADS=2    [server] io_threads
#   BENCH_POOL=16         [database] pool_size
#   BENCH_CONNECTIONS=64  wrk connections
#   BENCH_WRK_THREADS=2   wrk threads
#   BENCH_DURATION=10s    wrk run time per scenario
#   BENCH_WARMUP=2s       a short wrk run before the measured GET,
#                         register and rush runs (0: none), so they measure
#                         a warm server: every pooled connection open and
#                         its caches filled (opening 16 at once under load
#                         took over a second, which alone made the p99 of a
#                         10 s run)
#   BENCH_CAPACITY=1000000  event capacity in scenario 2
#   BENCH_RUSH_LEFT=200   places left when scenario 3 starts
#   BENCH_SCENARIOS="get register rush sql confirm confirm_rush"
#   BENCH_SQL_OPTIONS="-c plan_cache_mode=force_custom_plan"  PGOPTIONS for
#                         the pgbench scenarios: summitd's session settings
#   BENCH_CONFIRM_N=40000 pending registrations made for the confirm runs
#   BENCH_PG_PORT=54331   BENCH_PG_NAME=bench
#   BENCH_PG_OPTIONS=     libpq "options" for summitd's connections, e.g.
#                         "-c plan_cache_mode=force_custom_plan"
#   BENCH_KEEP_DBS=1      keep the scenario databases
#   BENCH_KEEP_LOGS=1     keep the temporary folder (summitd logs)
#   BENCH_PERF=1          record `perf record -g` of the whole machine
#                         during each POST scenario (into the temp folder)
#   BENCH_PGSS=1          load pg_stat_statements and print the top
#                         statements after each POST scenario
#   BENCH_WAITS=1         sample PostgreSQL's wait events during each POST
#                         scenario (bench/pg_waits.py), print the WAL and
#                         checkpoint counters' change, and log checkpoints,
#                         autovacuum and statements over 100 ms to the
#                         cluster's server.log

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"

THREADS=${BENCH_THREADS:-16}
IO_THREADS=${BENCH_IO_THREADS:-2}
POOL=${BENCH_POOL:-16}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
RUSH_LEFT=${BENCH_RUSH_LEFT:-200}
CAPACITY=${BENCH_CAPACITY:-1000000}
SCENARIOS=${BENCH_SCENARIOS:-get register rush sql confirm confirm_rush}
CONFIRM_N=${BENCH_CONFIRM_N:-40000}
PG_NAME=${BENCH_PG_NAME:-bench}
PG_PORT=${BENCH_PG_PORT:-54331}
BUILD=build-release

install_packages "${RUN_PACKAGES[@]}" wrk curl python3
[ "${BENCH_PERF:-0}" = 1 ] && install_packages linux-perf
build "$BUILD" -Dbuildtype=release
SUMMITD="$TOP/$BUILD/src/summitd"
SUMMITCTL="$TOP/$BUILD/src/summitctl"

WORK=$(mktemp -d /tmp/summit-bench.XXXXXX)
chmod 755 "$WORK"
SUMMITD_PID=
PERF_PID=
CHILD_PID=

# run CMD...: runs CMD in the background and waits for it.  wrk and psql
# catch SIGINT themselves, and bash skips its INT trap for a foreground
# child that did; `wait` is interrupted by it, so Ctrl-C always reaches
# the trap below (which kills the child).
run() {
	"$@" &
	CHILD_PID=$!
	local rc=0
	wait "$CHILD_PID" || rc=$?
	CHILD_PID=
	return "$rc"
}

# The original stdout/stderr, for messages from the trap (which may run
# while a command's output is redirected to a file).
exec 3>&1 4>&2
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	exec 1>&3 2>&4
	if [ -n "$CHILD_PID" ]; then
		kill -TERM "$CHILD_PID" 2>/dev/null || true
		wait "$CHILD_PID" 2>/dev/null || true
	fi
	if [ -n "$PERF_PID" ] && kill -0 "$PERF_PID" 2>/dev/null; then
		kill -INT "$PERF_PID" 2>/dev/null || true
		wait "$PERF_PID" 2>/dev/null || true
	fi
	stop_summitd
	stop_nginx
	pg_stop "$PG_NAME"
	if [ "${BENCH_KEEP_LOGS:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
		say "logs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stop_summitd() {
	if [ -n "$SUMMITD_PID" ] && kill -0 "$SUMMITD_PID" 2>/dev/null; then
		kill -TERM "$SUMMITD_PID" 2>/dev/null || true
		for _ in $(seq 100); do
			kill -0 "$SUMMITD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SUMMITD_PID" 2>/dev/null || true
		wait "$SUMMITD_PID" 2>/dev/null || true
	fi
	SUMMITD_PID=
}

BASE_URL=$(pg_start "$PG_NAME" "$PG_PORT")
PGDIR=$(pg_dir "$PG_NAME")
# db_url NAME: the cluster's URL with another database.
db_url() { printf '%s\n' "$BASE_URL" | sed "s|:///summit?|:///$1?|"; }
psql_db() { run psql "$(db_url "$1")" -v ON_ERROR_STOP=1 -Atq "${@:2}" </dev/null; }

if [ "${BENCH_PGSS:-0}" = 1 ]; then
	# Loading pg_stat_statements needs a restart; the next pg_start
	# starts it again with the setting in postgresql.auto.conf.
	psql_db postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
	pg_stop "$PG_NAME"
	BASE_URL=$(pg_start "$PG_NAME" "$PG_PORT")
else
	psql_db postgres -c "ALTER SYSTEM RESET shared_preload_libraries"
	if [ "$(psql_db postgres -c 'SHOW shared_preload_libraries')" != "" ]; then
		pg_stop "$PG_NAME"
		BASE_URL=$(pg_start "$PG_NAME" "$PG_PORT")
	fi
fi
if [ "${BENCH_WAITS:-0}" = 1 ]; then
	psql_db postgres -c "ALTER SYSTEM SET log_checkpoints = on" \
	    -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" \
	    -c "ALTER SYSTEM SET log_min_duration_statement = 100" \
	    -c "ALTER SYSTEM SET track_wal_io_timing = on" \
	    -c "SELECT pg_reload_conf()" >/dev/null
	say "PostgreSQL's log: $PGDIR/server.log"
else
	psql_db postgres -c "ALTER SYSTEM RESET log_checkpoints" \
	    -c "ALTER SYSTEM RESET log_autovacuum_min_duration" \
	    -c "ALTER SYSTEM RESET log_min_duration_statement" \
	    -c "ALTER SYSTEM RESET track_wal_io_timing" \
	    -c "SELECT pg_reload_conf()" >/dev/null
fi
say "PostgreSQL: fsync=$(psql_db postgres -c 'SHOW fsync')," \
    "synchronous_commit=$(psql_db postgres -c 'SHOW synchronous_commit')"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_summitd DB: a fresh database DB with the demo, and summitd on it.
start_summitd() {
	local db=$1 url
	psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
	psql_db postgres -c "CREATE DATABASE $db"
	url=$(db_url "$db")
	if [ -n "${BENCH_PG_OPTIONS:-}" ]; then
		url="$url&options=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$BENCH_PG_OPTIONS")"
	fi
	PORT=$(free_port)
	CONF="$WORK/$db.conf"
	ensure_secret "$WORK/secret.key"
	cat >"$CONF" <<-EOF
	[server]
	listen_address = 127.0.0.1
	port = $PORT
	public_url = http://127.0.0.1:$PORT
	threads = $THREADS
	io_threads = $IO_THREADS
	max_connections = 1024
	max_connections_per_ip = 1024
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
	SUMMIT_DATABASE_URL=$url run "$SUMMITCTL" --config "$CONF" migrate >"$WORK/$db.ctl.log" 2>&1 ||
		{ cat "$WORK/$db.ctl.log" >&2; return 1; }
	SUMMIT_DATABASE_URL=$url run "$SUMMITCTL" --config "$CONF" load-demo >>"$WORK/$db.ctl.log" 2>&1 ||
		{ cat "$WORK/$db.ctl.log" >&2; return 1; }
	SUMMIT_DATABASE_URL=$url "$SUMMITD" --config "$CONF" >"$WORK/$db.summitd.log" 2>&1 &
	SUMMITD_PID=$!
	for _ in $(seq 300); do
		if ! kill -0 "$SUMMITD_PID" 2>/dev/null; then
			tail -20 "$WORK/$db.summitd.log" >&2
			say "summitd died at start"
			return 1
		fi
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && return 0
		sleep 0.1
	done
	say "summitd did not answer on port $PORT"
	return 1
}

# start_nginx: nginx on a free port serving the limits' static page, as
# ../shared/bench/limits/run_limits.sh configures it (sets PORT).
NGINX_PID=
start_nginx() {
	local dir="$WORK/nginx" page="$TOP/../shared/bench/limits/registration.html"
	[ -f "$page" ] || { say "no $page"; return 1; }
	command -v nginx >/dev/null || install_packages nginx
	mkdir -p "$dir/www" "$dir/tmp"
	cp "$page" "$dir/www/"
	chmod -R a+rX "$dir/www"
	PORT=$(free_port)
	cat >"$dir/nginx.conf" <<-EOF
	worker_processes auto;
	pid $dir/nginx.pid;
	error_log $dir/error.log warn;
	events { worker_connections 1024; }
	http {
	  access_log off;
	  sendfile on;
	  tcp_nopush on;
	  keepalive_requests 1000000;
	  client_body_temp_path $dir/tmp/body;
	  proxy_temp_path $dir/tmp/proxy;
	  fastcgi_temp_path $dir/tmp/fastcgi;
	  uwsgi_temp_path $dir/tmp/uwsgi;
	  scgi_temp_path $dir/tmp/scgi;
	  types { text/html html; }
	  server {
	    listen 127.0.0.1:$PORT;
	    root $dir/www;
	  }
	}
	EOF
	nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
	NGINX_PID=$!
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/registration.html" 2>/dev/null && return 0
		sleep 0.1
	done
	say "nginx did not answer on port $PORT"
	return 1
}

stop_nginx() {
	if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
		kill -TERM "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
	fi
	NGINX_PID=
}

# csrf_pair: one GET /register; sets CSRF_COOKIE and CSRF_TOKEN.
csrf_pair() {
	local jar="$WORK/cookies" html
	rm -f "$jar"
	html=$(curl -fsS -c "$jar" "http://127.0.0.1:$PORT/register")
	CSRF_TOKEN=$(printf '%s' "$html" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
	CSRF_COOKIE=$(awk '$6 == "summit_csrf" { print $7 }' "$jar")
	[ -n "$CSRF_TOKEN" ] && [ -n "$CSRF_COOKIE" ] ||
		{ say "no CSRF cookie/token from GET /register"; return 1; }
	# Check the pair (and the form) with one real registration.
	local code
	code=$(curl -sS -o /dev/null -w '%{http_code}' -b "summit_csrf=$CSRF_COOKIE" \
	    --data-urlencode "_csrf=$CSRF_TOKEN" --data-urlencode "name=Bench Probe" \
	    --data-urlencode "email=probe-$RANDOM@bench.example.org" \
	    --data-urlencode "organisation=Bench" --data-urlencode "sector=other" \
	    --data-urlencode "role=" --data-urlencode "needs=" \
	    --data-urlencode "language=en" --data-urlencode "consent=yes" \
	    --data-urlencode "rank1=1" --data-urlencode "rank2=2" \
	    --data-urlencode "rank3=3" "http://127.0.0.1:$PORT/register")
	[ "$code" = 303 ] || { say "probe registration answered $code, not 303"; return 1; }
}

# run_wrk NAME SCRIPT EXPECT: runs wrk; sets R_* from its BENCH line.
run_wrk() {
	local name=$1 script=$2 expect=$3 out line
	out="$WORK/$name.wrk.txt"
	# summitd's access log from here on is this run's (server_latency).
	LOG_FROM=$(($(wc -l <"$WORK/$db.summitd.log") + 1))
	BENCH_DIR=$BENCH_DIR BENCH_EXPECT=$expect \
	BENCH_CSRF_COOKIE=${CSRF_COOKIE:-} BENCH_CSRF_TOKEN=${CSRF_TOKEN:-} \
	BENCH_RUN=$RUN_TAG-$name BENCH_HOT=${HOT:-0} \
	BENCH_TOKENS=${TOKENS:-} BENCH_WRK_THREADS=$WRK_THREADS \
	    run wrk -t "$WRK_THREADS" -c "$CONNS" -d "$DURATION" --timeout 10s \
	    -s "$BENCH_DIR/$script" "http://127.0.0.1:$PORT/" >"$out" 2>&1 ||
		{ cat "$out" >&2; return 1; }
	line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; return 1; }
	R_RPS=$(sed 's/.* rps=\([^ ]*\).*/\1/' <<<"$line")
	R_P50=$(sed 's/.* p50_ms=\([^ ]*\).*/\1/' <<<"$line")
	R_P99=$(sed 's/.* p99_ms=\([^ ]*\).*/\1/' <<<"$line")
	R_BAD=$(sed 's/.* bad=\([^ ]*\).*/\1/' <<<"$line")
	R_STATUSES=$(sed 's/.* statuses=\([^ ]*\).*/\1/' <<<"$line")
	R_REQ=$(sed 's/.* requests=\([^ ]*\).*/\1/' <<<"$line")
}

# warm_post NAME: a short unmeasured run of register.lua (its own e-mails;
# a registration claims no place, so the places left stay as they are).
warm_post() {
	[ "$WARMUP" != 0 ] || return 0
	BENCH_DIR=$BENCH_DIR BENCH_EXPECT=303 \
	BENCH_CSRF_COOKIE=$CSRF_COOKIE BENCH_CSRF_TOKEN=$CSRF_TOKEN \
	BENCH_RUN=$RUN_TAG-warm-$1 BENCH_HOT=${HOT:-0} \
	BENCH_WRK_THREADS=$WRK_THREADS \
	    run wrk -t "$WRK_THREADS" -c "$CONNS" -d "$WARMUP" \
	    -s "$BENCH_DIR/register.lua" "http://127.0.0.1:$PORT/" >/dev/null 2>&1 || true
}

perf_start() {
	[ "${BENCH_PERF:-0}" = 1 ] || return 0
	perf record -a -g -o "$WORK/$1.perf.data" -- sleep 3600 >"$WORK/$1.perf.log" 2>&1 &
	PERF_PID=$!
}

perf_stop() {
	[ -n "$PERF_PID" ] || return 0
	kill -INT "$PERF_PID" 2>/dev/null || true
	wait "$PERF_PID" 2>/dev/null || true
	PERF_PID=
	say "perf data: $WORK/$1.perf.data (perf report -i ... --no-children)"
}

waits_start() {
	[ "${BENCH_WAITS:-0}" = 1 ] || return 0
	WAL_BEFORE=$(psql_db "$1" -F ' ' -c "SELECT wal_records, wal_fpi,
	    wal_bytes, wal_write, wal_sync, round(wal_sync_time) FROM pg_stat_wal")
	CKPT_BEFORE=$(psql_db "$1" -F ' ' -c "SELECT checkpoints_timed,
	    checkpoints_req, buffers_checkpoint, buffers_backend FROM pg_stat_bgwriter")
	/usr/bin/python3 "$BENCH_DIR/pg_waits.py" "$(db_url "$1")" "$1" \
	    "${DURATION%s}" >"$WORK/$1.waits.txt" 2>&1 &
	WAITS_PID=$!
}

waits_stop() {
	[ -n "${WAITS_PID:-}" ] || return 0
	wait "$WAITS_PID" 2>/dev/null || true
	WAITS_PID=
	cat "$WORK/$1.waits.txt" >&2
	say "pg_stat_wal (records fpi bytes writes syncs sync_ms): $WAL_BEFORE ->" \
	    "$(psql_db "$1" -F ' ' -c "SELECT wal_records, wal_fpi, wal_bytes,
	    wal_write, wal_sync, round(wal_sync_time) FROM pg_stat_wal")"
	say "checkpoints (timed req buffers_checkpoint buffers_backend): $CKPT_BEFORE ->" \
	    "$(psql_db "$1" -F ' ' -c "SELECT checkpoints_timed, checkpoints_req,
	    buffers_checkpoint, buffers_backend FROM pg_stat_bgwriter")"
}

pgss_reset() {
	[ "${BENCH_PGSS:-0}" = 1 ] || return 0
	psql_db "$1" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
	    -c "SELECT pg_stat_statements_reset()" >/dev/null
}

pgss_report() {
	[ "${BENCH_PGSS:-0}" = 1 ] || return 0
	psql "$(db_url "$1")" -P pager=off -c "SELECT calls,
	    round(total_exec_time::numeric, 0) AS total_ms,
	    round(mean_exec_time::numeric, 3) AS mean_ms,
	    left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
	    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12" >&2
}

# after_post DB: participant, placed and waitlisted counts; checks the
# places held never exceed the capacity.
CHECKS_OK=1
after_post() {
	local db=$1 counts cap placed parts wait
	counts=$(psql_db "$db" -F ' ' -c "SELECT
	    (SELECT capacity FROM event ORDER BY id DESC LIMIT 1),
	    (SELECT count(*) FROM place WHERE participant_id IS NOT NULL),
	    (SELECT count(*) FROM participant),
	    (SELECT count(*) FROM participant WHERE status = 'waitlisted')")
	read -r cap placed parts wait <<<"$counts"
	R_EXTRA="participants=$parts placed=$placed/$cap waitlisted=$wait"
	if [ "$placed" -le "$cap" ]; then
		R_EXTRA="$R_EXTRA (placed <= capacity: ok)"
	else
		R_EXTRA="$R_EXTRA (placed > capacity: WRONG)"
		CHECKS_OK=0
	fi
}

# make_pending DB N: N unconfirmed registrations with known link tokens
# (md5 of "bench-ID"), listed in $WORK/DB.tokens for confirm.lua.
make_pending() {
	local db=$1 n=$2
	psql_db "$db" -c "INSERT INTO participant (event_id, name, email,
	    organisation, sector, role, needs, language, status, hold_until,
	    consent_at)
	    SELECT e.id, 'Bench ' || i, 'c' || i || '@bench.example.org',
	    'Org ' || (i % 97),
	    (ARRAY['business', 'academia', 'union', 'government', 'other'])[1 + i % 5],
	    '', '', 'en', 'pending', now() + interval '24 hours', now()
	    FROM (SELECT max(id) AS id FROM event) e, generate_series(1, $n) i" \
	    -c "INSERT INTO participant_token (hash, participant_id, purpose)
	    SELECT encode(sha256(convert_to(md5('bench-' || id), 'UTF8')), 'hex'),
	    id, 'manage' FROM participant WHERE email LIKE 'c%@bench.example.org'" \
	    >/dev/null
	psql_db "$db" -c "SELECT md5('bench-' || id) FROM participant
	    WHERE email LIKE 'c%@bench.example.org' ORDER BY id" >"$WORK/$db.tokens"
	TOKENS="$WORK/$db.tokens"
}

# run_pgbench DB: Summit's registration SQL under pgbench; sets R_*.
run_pgbench() {
	local db=$1 out="$WORK/$1.pgbench.txt" ev secs
	python3 "$BENCH_DIR/register_sql.py" "$TOP" >"$WORK/register.pgbench"
	ev=$(psql_db "$db" -c "SELECT max(id) FROM event")
	secs=${DURATION%s}
	# The session settings summitd's pool sets on every connection
	# (src/db/pool.c): the same statements planned the same way.
	PGOPTIONS=${BENCH_SQL_OPTIONS:--c plan_cache_mode=force_custom_plan} \
	run "$PGBIN/pgbench" -n -M prepared -c "$POOL" -j "$WRK_THREADS" \
	    -T "$secs" -D event="$ev" -D nsess=12 -f "$WORK/register.pgbench" \
	    "$(db_url "$db")" >"$out" 2>&1 || { cat "$out" >&2; return 1; }
	R_RPS=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out")
	R_P50="avg $(sed -n 's/^latency average = \([0-9.]*\).*/\1/p' "$out")"
	R_P99=n/a
	R_BAD=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
	R_REQ=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
	R_STATUSES="pgbench"
}

# server_latency LOG METHOD: p50 and p99 (ms) of METHOD requests in
# summitd's access log LOG, or "- -" when it has none.
server_latency() {
	python3 - "$1" "$2" <<-'PY'
	import re, sys
	pat = re.compile(r" info: request \S+: %s \S+ \d+ \d+ bytes ([0-9.]+) ms"
	                 % re.escape(sys.argv[2]))
	ms = sorted(float(m.group(1)) for m in map(pat.search, open(sys.argv[1]))
	            if m)
	q = lambda p: ms[min(len(ms) - 1, int(p * len(ms)))]
	print("%.2f %.2f" % (q(0.5), q(0.99)) if ms else "- -")
	PY
}

RUN_TAG=$(date +%s)-$$
RESULTS=()
NOTES=()

record() {
	local srv="- -"
	if [ "$R_STATUSES" != pgbench ] && [ -f "$WORK/$db.summitd.log" ]; then
		tail -n "+${LOG_FROM:-1}" "$WORK/$db.summitd.log" >"$WORK/$db.run.log"
		srv=$(server_latency "$WORK/$db.run.log" "$R_METHOD")
	fi
	read -r R_SRV50 R_SRV99 <<<"$srv"
	RESULTS+=("$(printf '%-10s %10s %9s %9s %8s %9s %9s' "$1" "$R_RPS" "$R_P50" "$R_P99" "$R_BAD" "$R_SRV50" "$R_SRV99")")
	NOTES+=("$1: requests=$R_REQ statuses=$R_STATUSES${R_EXTRA:+ $R_EXTRA}")
	say "$1: $R_RPS req/s, p50 $R_P50 ms, p99 $R_P99 ms, unexpected $R_BAD;" \
	    "in summitd p50 $R_SRV50 ms, p99 $R_SRV99 ms; statuses $R_STATUSES ${R_EXTRA:-}"
}

for sc in $SCENARIOS; do
	db="bench_$sc"
	R_EXTRA=
	R_METHOD=POST
	say "scenario $sc: database $db, threads=$THREADS pool=$POOL," \
	    "wrk -t$WRK_THREADS -c$CONNS -d$DURATION"
	[ "$sc" = nginx ] || start_summitd "$db"
	case $sc in
	nginx)
		R_METHOD=GET
		start_nginx
		: >"$WORK/$db.summitd.log"	# none: run_wrk counts its lines
		[ "$WARMUP" = 0 ] || run wrk -t "$WRK_THREADS" -c "$CONNS" \
		    -d "$WARMUP" "http://127.0.0.1:$PORT/registration.html" >/dev/null 2>&1 || true
		BENCH_PATH=/registration.html run_wrk nginx get.lua 200
		stop_nginx
		;;
	get)
		HOT=0
		R_METHOD=GET
		[ "$WARMUP" = 0 ] || run wrk -t "$WRK_THREADS" -c "$CONNS" \
		    -d "$WARMUP" "http://127.0.0.1:$PORT/" >/dev/null 2>&1 || true
		run_wrk get get.lua 200
		;;
	register)
		HOT=0
		psql_db "$db" -c "UPDATE event SET capacity = $CAPACITY" \
		    -c "SELECT summit_sync_places(id) FROM event" >/dev/null
		psql_db "$db" -c "VACUUM ANALYZE" >/dev/null
		csrf_pair
		warm_post "$sc"
		pgss_reset "$db"
		perf_start "$sc"
		waits_start "$db"
		run_wrk register register.lua 303
		perf_stop "$sc"
		waits_stop "$db"
		pgss_report "$db"
		after_post "$db"
		;;
	rush)
		HOT=1
		# Capacity: the places already held plus RUSH_LEFT free ones.
		psql_db "$db" -c "UPDATE event SET capacity =
		    (SELECT count(*) FROM place WHERE participant_id IS NOT NULL) + $RUSH_LEFT" \
		    -c "SELECT summit_sync_places(id) FROM event" >/dev/null
		psql_db "$db" -c "VACUUM ANALYZE" >/dev/null
		csrf_pair
		warm_post "$sc"
		say "rush: $(psql_db "$db" -c "SELECT count(*) FROM place WHERE participant_id IS NULL") places left at the start"
		pgss_reset "$db"
		perf_start "$sc"
		waits_start "$db"
		run_wrk rush register.lua 303
		perf_stop "$sc"
		waits_stop "$db"
		pgss_report "$db"
		after_post "$db"
		;;
	sql)
		psql_db "$db" -c "UPDATE event SET capacity = $CAPACITY" \
		    -c "SELECT summit_sync_places(id) FROM event" >/dev/null
		psql_db "$db" -c "VACUUM ANALYZE" >/dev/null
		stop_summitd	# not used: pgbench talks to PostgreSQL alone
		pgss_reset "$db"
		run_pgbench "$db"
		pgss_report "$db"
		;;
	sql_parts)
		psql_db "$db" -c "UPDATE event SET capacity = $CAPACITY" \
		    -c "SELECT summit_sync_places(id) FROM event" >/dev/null
		psql_db "$db" -c "VACUUM ANALYZE" >/dev/null
		stop_summitd
		run_pgbench "$db"
		record "sql:all"
		psql_db "$db" -c "DROP INDEX participant_search_trgm" >/dev/null
		run_pgbench "$db"
		record "sql:-search"
		psql_db "$db" -c "DROP INDEX participant_list_created_idx,
		    participant_list_name_idx, participant_list_org_idx,
		    participant_list_status_idx" >/dev/null
		run_pgbench "$db"
		record "sql:-lists"
		psql_db "$db" -c "DO \$\$ DECLARE r record; BEGIN
		    FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
		    WHERE contype = 'f' AND conrelid IN ('participant'::regclass,
		    'preference'::regclass, 'outbox'::regclass,
		    'participant_token'::regclass) LOOP
		    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
		    END LOOP; END \$\$" >/dev/null
		run_pgbench "$db"
		sc="sql:-fkeys"
		;;
	confirm | confirm_rush)
		HOT=0
		if [ "$sc" = confirm ]; then
			psql_db "$db" -c "UPDATE event SET capacity = $CAPACITY" \
			    -c "SELECT summit_sync_places(id) FROM event" >/dev/null
		else
			psql_db "$db" -c "UPDATE event SET capacity =
			    (SELECT count(*) FROM place WHERE participant_id IS NOT NULL) + $RUSH_LEFT" \
			    -c "SELECT summit_sync_places(id) FROM event" >/dev/null
		fi
		make_pending "$db" "$CONFIRM_N"
		psql_db "$db" -c "VACUUM ANALYZE" >/dev/null
		csrf_pair
		say "$sc: $(psql_db "$db" -c "SELECT count(*) FROM place WHERE participant_id IS NULL") places left, $CONFIRM_N to confirm"
		pgss_reset "$db"
		perf_start "$sc"
		waits_start "$db"
		run_wrk "$sc" confirm.lua 303
		perf_stop "$sc"
		waits_stop "$db"
		pgss_report "$db"
		after_post "$db"
		TOKENS=
		;;
	*)
		say "unknown scenario $sc"
		exit 2
		;;
	esac
	record "$sc"
	stop_summitd
	[ "${BENCH_KEEP_DBS:-0}" = 1 ] || psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done

echo
echo "summitd threads=$THREADS io_threads=$IO_THREADS pool_size=$POOL${BENCH_PG_OPTIONS:+ options='$BENCH_PG_OPTIONS'}; wrk -t$WRK_THREADS -c$CONNS -d$DURATION;" \
    "$(nproc) CPUs; PostgreSQL fsync on"
printf '%-10s %10s %9s %9s %8s %9s %9s\n' scenario req/s p50_ms p99_ms unexpected srv_p50 srv_p99
printf '%s\n' "${RESULTS[@]}"
printf '%s\n' "${NOTES[@]}"
# Each "get" run against the "nginx" run next to it, and each "register"
# against the "sql" next to it (either order: "nginx get get nginx" is
# two pairs): the machine's noise moves both alike within a pair, and
# the median of the pairs is the figure.
printf '%s\n' "${RESULTS[@]}" | python3 -c '
import statistics, sys
rows = [line.split()[:2] for line in sys.stdin]
for base, run in (("nginx", "get"), ("sql", "register")):
    pairs, i = [], 0
    while i + 1 < len(rows):
        a, b = rows[i], rows[i + 1]
        if {a[0], b[0]} == {base, run}:
            n, g = (a, b) if a[0] == base else (b, a)
            pairs.append((float(n[1]), float(g[1])))
            i += 2
        else:
            i += 1
    if not pairs:
        continue
    ratios = [100 * g / n for n, g in pairs]
    print("%s vs %s, %d alternate pairs: %s; median %.1f %%; sums %.0f / %.0f = %.1f %%"
          % (run, base, len(pairs), " ".join("%.1f" % r for r in ratios),
             statistics.median(ratios), sum(g for _, g in pairs),
             sum(n for n, _ in pairs),
             100 * sum(g for _, g in pairs) / sum(n for n, _ in pairs)))
'
[ "$CHECKS_OK" = 1 ] || { echo "CHECK FAILED: more places held than the capacity" >&2; exit 1; }
