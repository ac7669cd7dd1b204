#!/usr/bin/env bash
# bench/publish.sh -- a benchmark, not a test: publish invitations for
# N participants with 3 sessions each (default 10,000 -> 30,000 iMIP
# messages), then deliver them, DKIM-signed, with W mail workers to
# postfix's smtp-sink on loopback.  Prints the time to queue, the time to
# deliver and the rate.
#
#   bash bench/publish.sh [PARTICIPANTS] [WORKERS]
source "$(dirname "$0")/../scripts/lib.sh"

N=${1:-10000}
WORKERS=${2:-2}
SINK_PORT=${SINK_PORT:-25250}

install_packages "${RUN_PACKAGES[@]}"
if [ ! -x /usr/sbin/smtp-sink ]; then
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
	install_packages postfix
fi
build build-release -Dbuildtype=release
CTL="$TOP/build-release/src/summitctl"

BENCH="$VAR/bench-publish"
rm -rf "$BENCH"
mkdir -p "$BENCH"
sink_pid=
cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
	pg_stop benchmail
}
trap cleanup EXIT

URL=$(pg_start benchmail 54332)
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$URL")
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS summit_bench_publish WITH (FORCE)" \
	-c "CREATE DATABASE summit_bench_publish" >/dev/null
DB_URL=${URL/\/summit\?//summit_bench_publish?}
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$DB_URL")

(umask 077 && openssl rand -hex 32 >"$BENCH/secret.key" &&
	openssl genrsa -out "$BENCH/dkim.pem" 2048 2>/dev/null)
cat >"$BENCH/summit.conf" <<CONF
[server]
templates_dir = $TOP/templates
static_dir = $TOP/static
[mail]
transport = smtp
smtp_url = smtp://127.0.0.1:$SINK_PORT
worker_in_summitd = false
rate_per_second = 100000
batch = 200
dkim_domain = example.org
dkim_selector = summit
dkim_key_file = $BENCH/dkim.pem
[security]
secret_key_file = $BENCH/secret.key
CONF
export SUMMIT_DATABASE_URL=$DB_URL
"$CTL" --config "$BENCH/summit.conf" migrate >/dev/null
"$CTL" --config "$BENCH/summit.conf" load-demo >/dev/null

say "making $N confirmed participants with 3 placements each"
"${PSQL[@]}" <<SQL
INSERT INTO participant (event_id, name, email, organisation, sector, status,
    consent_at, email_confirmed_at, language)
SELECT e.id, 'Deltaker ' || g, 'p' || g || '@example.no', 'Org ' || (g % 500),
    (ARRAY['business','academia','union','government','other'])[1 + g % 5],
    'confirmed', now(), now(), CASE WHEN g % 3 = 0 THEN 'en' ELSE 'nb' END
FROM event e, generate_series(1, $N) g;
INSERT INTO assignment (event_id, participant_id, session_id)
SELECT p.event_id, p.id, s.id FROM participant p
JOIN session s ON s.event_id = p.event_id
JOIN slot sl ON sl.id = s.slot_id
WHERE s.id IN (SELECT min(s2.id) + (p.id % 4) FROM session s2 GROUP BY s2.slot_id);
SQL
placed=$("${PSQL[@]}" -Atc "SELECT count(*) FROM assignment")

/usr/sbin/smtp-sink -u nobody 127.0.0.1:$SINK_PORT 1024 &
sink_pid=$!
sleep 0.5

t0=$(date +%s.%N)
"$CTL" --config "$BENCH/summit.conf" publish
t1=$(date +%s.%N)
pids=()
for _ in $(seq "$WORKERS"); do
	"$CTL" --config "$BENCH/summit.conf" mail-worker --once 2>"$BENCH/worker.$_.log" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
t2=$(date +%s.%N)

sent=$("${PSQL[@]}" -Atc "SELECT count(*) FROM outbox WHERE state = 'sent'")
left=$("${PSQL[@]}" -Atc "SELECT count(*) FROM outbox WHERE state <> 'sent'")
python3 - "$t0" "$t1" "$t2" "$placed" "$sent" "$left" "$WORKERS" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:4])
placed, sent, left, workers = map(int, sys.argv[4:8])
print("placements                 %d" % placed)
print("publish (queue) time       %.2f s" % (t1 - t0))
print("delivery time (%d workers)  %.2f s  -> %.0f messages/s" % (workers, t2 - t1, sent / (t2 - t1)))
print("total, publish to last     %.2f s for %d messages (%d not sent)" % (t2 - t0, sent, left))
PY
