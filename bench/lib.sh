# bench/lib.sh -- what the console benches share (console.sh, badges.sh,
# door.sh); sourced after scripts/lib.sh, with PG_NAME, PG_PORT, SUMMITD
# and SUMMITCTL set.
#
#   bench_prepare NAME DB THREADS POOL
#     a work folder (/tmp/summit-bench-NAME.*: removed on exit, kept with
#     BENCH_KEEP_LOGS=1 or on failure, as the summitd started below is
#     stopped and the cluster too), the cluster PG_NAME on PG_PORT, a fresh
#     database DB migrated with the demo and an admin
#     (admin@bench.example.org, password "bench admin password"), and a
#     summit.conf for summitd with THREADS workers and POOL connections.
#     Sets WORK, BASE_URL, URL, PORT, CONF; defines db_url, psql_db and
#     psql_script.
#   bench_start_summitd
#     summitd on CONF, once it answers /health (sets SUMMITD_PID).

bench_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "${SUMMITD_PID:-}" ] && kill -0 "$SUMMITD_PID" 2>/dev/null; then
		kill -TERM "$SUMMITD_PID" 2>/dev/null || true
		wait "$SUMMITD_PID" 2>/dev/null || true
	fi
	pg_stop "$PG_NAME"
	if [ "${BENCH_KEEP_LOGS:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
		say "logs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}

db_url() { printf '%s\n' "$BASE_URL" | sed "s|:///summit?|:///$1?|"; }
psql_db() { psql "$(db_url "$1")" -v ON_ERROR_STOP=1 -Atq "${@:2}" </dev/null; }
psql_script() { psql "$(db_url "$1")" -v ON_ERROR_STOP=1 -Atq "${@:2}"; }

bench_prepare() {
	local name=$1 db=$2 threads=$3 pool=$4
	WORK=$(mktemp -d "/tmp/summit-bench-$name.XXXXXX")
	chmod 755 "$WORK"
	SUMMITD_PID=
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	BASE_URL=$(pg_start "$PG_NAME" "$PG_PORT")
	psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
	psql_db postgres -c "CREATE DATABASE $db"
	URL=$(db_url "$db")
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	CONF="$WORK/summit.conf"
	ensure_secret "$WORK/secret.key"
	cat >"$CONF" <<-EOF
	[server]
	listen_address = 127.0.0.1
	port = $PORT
	public_url = http://127.0.0.1:$PORT
	threads = $threads
	templates_dir = $TOP/templates
	static_dir = $TOP/static
	[database]
	url = $URL
	pool_size = $pool
	[mail]
	transport = maildir
	maildir = $WORK/maildir
	worker_in_summitd = false
	[security]
	secret_key_file = $WORK/secret.key
	EOF
	export SUMMIT_DATABASE_URL=$URL
	"$SUMMITCTL" --config "$CONF" migrate >"$WORK/ctl.log" 2>&1 || { cat "$WORK/ctl.log" >&2; exit 1; }
	"$SUMMITCTL" --config "$CONF" load-demo >>"$WORK/ctl.log" 2>&1 || { cat "$WORK/ctl.log" >&2; exit 1; }
	printf 'bench admin password\n' | "$SUMMITCTL" --config "$CONF" organiser add \
	    admin@bench.example.org --role admin --password-stdin >>"$WORK/ctl.log" 2>&1 ||
		{ cat "$WORK/ctl.log" >&2; exit 1; }
}

bench_start_summitd() {
	"$SUMMITD" --config "$CONF" >"$WORK/summitd.log" 2>&1 &
	SUMMITD_PID=$!
	for _ in $(seq 300); do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && return 0
		kill -0 "$SUMMITD_PID" 2>/dev/null || { tail -20 "$WORK/summitd.log" >&2; exit 1; }
		sleep 0.1
	done
	say "summitd did not answer on port $PORT"
	exit 1
}
