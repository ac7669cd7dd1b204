#!/usr/bin/env bash
# bench/console_alloc.sh -- time the console's allocation preview with
# 50,000 registrations (not a test).
#
# Makes a fresh database on a running PostgreSQL, migrates it, loads the
# demo event (12 sessions in 3 slots) and generates BENCH_PEOPLE confirmed
# participants, each ranking 3 to 5 of the 12 sessions (a weighted random
# draw, so some sessions are more wanted than others; setseed makes it the
# same every run), in BENCH_ORGS organisations nested in the 5 sectors.
# Session capacities are raised so the instance is realistic: each slot
# has about 88% of the seats its people want, tables of 10, sector share
# 50% and at most 5 people of one organisation per session.
#
# Then it starts a release summitd, logs in as an admin and requests
# GET /console/allocation (the preview: a dry run of the exact allocator,
# its figures, the per-session sector mix, the people placed nowhere and
# the diff) BENCH_RUNS times, first with no placements, then again after
# applying one run (so the diff compares with 150,000 placements), and
# prints each time and the best and worst.  The target is < 3 s.
#
# Environment:
#   BENCH_PGHOST=/work/main/var/pg/run BENCH_PGPORT=54329 BENCH_PGUSER=postgres
#   BENCH_DB=summit_bench_console  BENCH_PEOPLE=50000  BENCH_ORGS=5000
#   BENCH_RUNS=3  BUILD=build-release (set up with -Dbuildtype=release)
#   BENCH_KEEP_DB=1  keep the database afterwards
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-release}
# The built programs read the tree's templates and migrations.
export SUMMIT_DATA_DIR=$root
pghost=${BENCH_PGHOST:-$root/var/pg/run}
pgport=${BENCH_PGPORT:-54329}
pguser=${BENCH_PGUSER:-postgres}
db=${BENCH_DB:-summit_bench_console}
people=${BENCH_PEOPLE:-50000}
orgs=${BENCH_ORGS:-5000}
runs=${BENCH_RUNS:-3}

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" -Dbuildtype=release >/dev/null
fi
ninja -C "$build" src/summitd src/summitctl >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/console-alloc-XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	if [ -z "${BENCH_KEEP_DB:-}" ]; then
		psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres \
		    -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres \
    -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
url="postgresql:///$db?host=$pghost&port=$pgport&user=$pguser"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/secret.key"
chmod 600 "$tmp/secret.key"
cat >"$tmp/summit.conf" <<CONF
[server]
listen_address = 127.0.0.1
port = $port
public_url = http://127.0.0.1:$port
threads = 4
templates_dir = $root/templates
static_dir = $root/static
[database]
pool_size = 4
[mail]
transport = maildir
maildir = $tmp/maildir
[security]
secret_key_file = $tmp/secret.key
CONF
export SUMMIT_DATABASE_URL=$url
ctl() { "$build/src/summitctl" --config "$tmp/summit.conf" "$@"; }
ctl migrate >/dev/null
ctl load-demo >/dev/null

echo "generating $people registrations ..."
t0=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 -h "$pghost" -p "$pgport" -U "$pguser" -d "$db" <<SQL
SELECT setseed(0.42);
UPDATE event SET capacity = $people + 1000;
INSERT INTO participant (event_id, name, email, organisation, sector, status,
    consent_at, email_confirmed_at)
SELECT e.id, 'Deltaker ' || n, 'bench' || n || '@example.org',
    'Organisasjon ' || (n % $orgs),
    (ARRAY['business', 'academia', 'union', 'government', 'other'])
        [1 + (n % $orgs) % 5],
    'confirmed', now(), now()
FROM event e, generate_series(1, $people) AS n;
-- Each person ranks 3..5 sessions: a weighted draw without replacement
-- (the exponential race), session weights 1..4.
INSERT INTO preference (event_id, participant_id, session_id, rank)
SELECT event_id, pid, sid, rk FROM (
    SELECT p.event_id, p.id AS pid, s.id AS sid,
        row_number() OVER (PARTITION BY p.id
            ORDER BY -ln(1.0 - random()) / (1 + s.id % 4)) AS rk,
        3 + p.id % 3 AS k
    FROM participant p JOIN session s ON s.event_id = p.event_id) x
WHERE rk <= k;
-- About 88% of the seats wanted in each slot, shared by demand.
WITH want AS (
    SELECT s.id, s.slot_id, count(pr.*) AS n FROM session s
    LEFT JOIN preference pr ON pr.session_id = s.id GROUP BY s.id),
slot_people AS (
    SELECT s.slot_id, count(DISTINCT pr.participant_id) AS people
    FROM preference pr JOIN session s ON s.id = pr.session_id
    GROUP BY s.slot_id),
share AS (
    SELECT w.id, greatest(10, (0.88 * sp.people * w.n
        / sum(w.n) OVER (PARTITION BY w.slot_id))::int) AS cap
    FROM want w JOIN slot_people sp USING (slot_id))
UPDATE session s SET capacity = share.cap,
    tables = (share.cap + 9) / 10, seats_per_table = 10,
    sector_share_pct = 50, org_limit = 5
FROM share WHERE share.id = s.id;
ANALYZE;
SQL
t1=$(date +%s.%N)
psql -At -h "$pghost" -p "$pgport" -U "$pguser" -d "$db" -c \
    "SELECT count(*) || ' participants, ' || (SELECT count(*) FROM preference) || ' preferences, ' || (SELECT sum(capacity) FROM session) || ' seats in ' || (SELECT count(*) FROM session) || ' sessions' FROM participant"
printf 'generated in %.1f s\n' "$(echo "$t1 - $t0" | bc)"

printf 'correct horse battery\n' | ctl organiser add bench@example.org --role admin --password-stdin >/dev/null
"$build/src/summitd" --config "$tmp/summit.conf" >"$tmp/summitd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
	sleep 0.1
done
jar=$tmp/cookies
base=http://127.0.0.1:$port
csrf() {
	curl -fs -b "$jar" -c "$jar" "$base$1" |
	    sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n1
}
token=$(csrf /console/login)
curl -fs -b "$jar" -c "$jar" -o /dev/null -d "_csrf=$token" \
    --data-urlencode "email=bench@example.org" \
    --data-urlencode "password=correct horse battery" "$base/console/login"

measure() {
	local label=$1 i t status all=""
	for i in $(seq "$runs"); do
		read -r status t < <(curl -s -b "$jar" -o "$tmp/page.html" \
		    -w '%{http_code} %{time_total}\n' "$base/console/allocation")
		[ "$status" = 200 ] || { echo "preview answered $status" >&2; tail -5 "$tmp/summitd.log" >&2; exit 1; }
		all="$all $t"
	done
	placed=$(sed -n 's/.*id="fig-placed">\([0-9]*\)<.*/\1/p' "$tmp/page.html")
	first=$(sed -n 's/.*id="fig-first">\([0-9.]*\) %<.*/\1/p' "$tmp/page.html")
	nowhere=$(sed -n 's/.*id="fig-nowhere">\([0-9]*\)<.*/\1/p' "$tmp/page.html")
	sed -n 's/.*id="timing">\([^<]*\)<.*/  last run: \1/p' "$tmp/page.html"
	echo "$all" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk -v l="$label" \
	    -v p="$placed" -v f="$first" -v n="$nowhere" '
	    { t[NR] = $1 } END { printf "%-28s best %.3f s  worst %.3f s  (%d runs; placed %s, first choice %s%%, nowhere %s)\n", l, t[1], t[NR], NR, p, f, n }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
measure "preview, nothing placed"
token=$(csrf /console/allocation)
t=$(curl -s -b "$jar" -o /dev/null -w '%{time_total}' -d "_csrf=$token" "$base/console/allocation/apply")
printf '%-28s %.3f s\n' "apply" "$t"
measure "preview, 1 run applied"
grep -o 'solve_ms=[0-9]*\|allocation run [0-9]*: [^ ]*' "$tmp/summitd.log" | tail -n 2 || true
