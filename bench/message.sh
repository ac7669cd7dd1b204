#!/usr/bin/env bash
# bench/message.sh -- a benchmark, not a test (issue 10, item 10): a
# message to N confirmed participants (default 10,000) queued by an admin
# through a release summitd: the console's POST /console/messages/send,
# which stores the message and queues one outbox row per recipient in one
# INSERT ... SELECT, audited.  Prints the time of the preview (count and
# sample) and of the send; the aim is < 2 s for the send.
#
#   bash bench/message.sh [RECIPIENTS]
source "$(dirname "$0")/../scripts/lib.sh"

N=${1:-10000}

install_packages "${RUN_PACKAGES[@]}"
# The release build scripts/test.sh keeps for run.sh.
build build -Dbuildtype=release
CTL="$TOP/build/src/summitctl"
SUMMITD="$TOP/build/src/summitd"

BENCH="$VAR/bench-message"
rm -rf "$BENCH"
mkdir -p "$BENCH"
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; pg_stop benchmessage' EXIT

URL=$(pg_start benchmessage 54335)
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$URL")
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS summit_bench_message WITH (FORCE)" \
	-c "CREATE DATABASE summit_bench_message" >/dev/null
DB_URL=${URL/\/summit\?//summit_bench_message?}
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$DB_URL")

PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(umask 077 && openssl rand -hex 32 >"$BENCH/secret.key")
cat >"$BENCH/summit.conf" <<CONF
[server]
listen_address = 127.0.0.1
port = $PORT
public_url = http://127.0.0.1:$PORT
templates_dir = $TOP/templates
static_dir = $TOP/static
[mail]
transport = maildir
maildir = $BENCH/maildir
worker_in_summitd = false
[security]
secret_key_file = $BENCH/secret.key
CONF
export SUMMIT_DATABASE_URL=$DB_URL
"$CTL" --config "$BENCH/summit.conf" migrate >/dev/null
"$CTL" --config "$BENCH/summit.conf" load-demo >/dev/null
echo 'correct horse battery' | "$CTL" --config "$BENCH/summit.conf" \
	organiser add admin@example.org --role admin --password-stdin >/dev/null

say "making $N confirmed participants and 50 bounced ones"
"${PSQL[@]}" <<SQL
INSERT INTO participant (event_id, name, email, organisation, sector, status,
    consent_at, email_confirmed_at, language)
SELECT e.id, 'Deltaker ' || g, 'p' || g || '@example.no', 'Org ' || (g % 500),
    (ARRAY['business','academia','union','government','other'])[1 + g % 5],
    'confirmed', now(), now(), CASE WHEN g % 3 = 0 THEN 'en' ELSE 'nb' END
FROM event e, generate_series(1, $N + 50) g;
INSERT INTO mail_bounce (address, participant_id, status, report_id)
SELECT email, id, '5.1.1', 'bench' FROM participant ORDER BY id LIMIT 50;
VACUUM ANALYZE;
SQL

"$SUMMITD" --config "$BENCH/summit.conf" 2>"$BENCH/summitd.log" &
PID=$!
/usr/bin/python3 "$TOP/bench/message.py" "$PORT"
echo "outbox rows of the message  $("${PSQL[@]}" -Atc "SELECT count(*) FROM outbox WHERE kind = 'message'")"
