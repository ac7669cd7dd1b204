#!/usr/bin/env bash
# bench/refill.sh -- a benchmark, not a test (issue 9, item 9): from a
# calendar decline arriving in the organiser's mailbox to the replacement's
# invitation queued.  The aim: one mailbox poll interval + < 1 s.
#
# A release summitd reads a real dovecot's mailbox every POLL seconds
# (default 5) and the event fills freed seats by itself; its expiry
# interval is an hour, so a seat filled at once was filled because the
# read that recorded the decline woke the refill (app_on_seats_changed).
# One session has ROUNDS seats, all published, and as many people again
# rank it and wait.  Each round one placed person's DECLINE (Gmail's
# shape, tests/fixtures/replies/gmail.eml) is appended at a random point
# of the poll cycle; the database says when the decline was recorded and
# when the replacement's invitation was queued.
#
#   bash bench/refill.sh [ROUNDS] [POLL]
source "$(dirname "$0")/../scripts/lib.sh"

ROUNDS=${1:-10}
POLL=${2:-5}

install_packages "${RUN_PACKAGES[@]}" dovecot-imapd python3-psycopg2
build build-release -Dbuildtype=release

BENCH="$VAR/bench-refill"
rm -rf "$BENCH"
mkdir -p "$BENCH"
trap 'pg_stop benchrefill' EXIT

URL=$(pg_start benchrefill 54336)
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$URL")
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS summit_bench_refill WITH (FORCE)" \
	-c "CREATE DATABASE summit_bench_refill" >/dev/null
DB_URL=${URL/\/summit\?//summit_bench_refill?}
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$DB_URL")

(umask 077 && openssl rand -hex 32 >"$BENCH/secret.key")
cat >"$BENCH/summit.conf" <<CONF
[server]
listen_address = 127.0.0.1
templates_dir = $TOP/templates
static_dir = $TOP/static
[registration]
expiry_interval_seconds = 3600
[mail]
transport = maildir
maildir = $BENCH/maildir
from_address = events@example.org
worker_in_summitd = true
[security]
secret_key_file = $BENCH/secret.key
CONF
export SUMMIT_DATABASE_URL=$DB_URL
CTL="$TOP/build-release/src/summitctl"
"$CTL" --config "$BENCH/summit.conf" migrate >/dev/null
"$CTL" --config "$BENCH/summit.conf" load-demo >/dev/null

say "one session of $ROUNDS seats, published, $ROUNDS more people waiting for it"
"${PSQL[@]}" <<SQL
UPDATE session SET capacity = $ROUNDS, sector_share_pct = 100, org_limit = 100
WHERE id = (SELECT min(id) FROM session);
INSERT INTO participant (event_id, name, email, organisation, sector, status,
    consent_at, email_confirmed_at, language)
SELECT e.id, 'Deltaker ' || g, 'p' || g || '@example.no', 'Org ' || g,
    'business', 'confirmed', now(), now(), 'nb'
FROM event e, generate_series(1, 2 * $ROUNDS) g;
INSERT INTO preference (event_id, participant_id, session_id, rank)
SELECT p.event_id, p.id, (SELECT min(id) FROM session), 1 FROM participant p;
INSERT INTO assignment (event_id, participant_id, session_id)
SELECT p.event_id, p.id, (SELECT min(id) FROM session)
FROM participant p ORDER BY p.id LIMIT $ROUNDS;
SQL
"$CTL" --config "$BENCH/summit.conf" publish >/dev/null
"${PSQL[@]}" -c "UPDATE event SET refill_automatically = true"

/usr/bin/python3 "$TOP/bench/refill.py" "$BENCH" "$TOP/build-release/src/summitd" \
	"$DB_URL" "$ROUNDS" "$POLL"
