#!/usr/bin/env bash
# bench/replies.sh -- a benchmark, not a test (issue 9, item 9): N calendar
# replies (default 2,000) waiting in the organiser's mailbox, a real
# dovecot on loopback, are read, parsed (GMime, libical) and recorded by
# one `summitctl mailbox-read`.  A third each accept, tentatively accept
# and decline (a decline frees the seat and queues the cancellation), in
# Gmail's shape (tests/fixtures/replies/gmail.eml: text/calendar inline
# and the same object attached).  Prints the time; the aim is < 10 s.
#
#   bash bench/replies.sh [REPLIES]
source "$(dirname "$0")/../scripts/lib.sh"

N=${1:-2000}

install_packages "${RUN_PACKAGES[@]}" dovecot-imapd
build build-release -Dbuildtype=release
CTL="$TOP/build-release/src/summitctl"

BENCH="$VAR/bench-replies"
rm -rf "$BENCH"
mkdir -p "$BENCH"
trap 'pg_stop benchreplies' EXIT

URL=$(pg_start benchreplies 54334)
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$URL")
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS summit_bench_replies WITH (FORCE)" \
	-c "CREATE DATABASE summit_bench_replies" >/dev/null
DB_URL=${URL/\/summit\?//summit_bench_replies?}
PSQL=(pg_as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$DB_URL")

(umask 077 && openssl rand -hex 32 >"$BENCH/secret.key")
cat >"$BENCH/summit.conf" <<CONF
[server]
templates_dir = $TOP/templates
static_dir = $TOP/static
[mail]
transport = maildir
maildir = $BENCH/maildir
from_address = events@example.org
worker_in_summitd = false
[security]
secret_key_file = $BENCH/secret.key
CONF
export SUMMIT_DATABASE_URL=$DB_URL
"$CTL" --config "$BENCH/summit.conf" migrate >/dev/null
"$CTL" --config "$BENCH/summit.conf" load-demo >/dev/null

say "making $N confirmed participants placed in one session each, published"
"${PSQL[@]}" <<SQL
INSERT INTO participant (event_id, name, email, organisation, sector, status,
    consent_at, email_confirmed_at, language)
SELECT e.id, 'Deltaker ' || g, 'p' || g || '@example.no', 'Org ' || (g % 500),
    (ARRAY['business','academia','union','government','other'])[1 + g % 5],
    'confirmed', now(), now(), 'nb'
FROM event e, generate_series(1, $N) g;
INSERT INTO assignment (event_id, participant_id, session_id)
SELECT p.event_id, p.id,
    (SELECT s.id FROM session s WHERE s.event_id = p.event_id
     ORDER BY s.id OFFSET p.id % (SELECT count(*) FROM session) LIMIT 1)
FROM participant p;
SQL
"$CTL" --config "$BENCH/summit.conf" publish >/dev/null
"${PSQL[@]}" -Atc "SELECT p.email, s.uid, i.sequence FROM invitation i
    JOIN participant p ON p.id = i.participant_id
    JOIN session s ON s.id = i.session_id ORDER BY p.id" >"$BENCH/invitations"

/usr/bin/python3 "$TOP/bench/replies.py" "$BENCH" "$CTL"
echo "answers recorded           $("${PSQL[@]}" -Atc "SELECT count(*) FROM answer WHERE source = 'calendar'")"
echo "cancellations queued       $("${PSQL[@]}" -Atc "SELECT count(*) FROM outbox WHERE kind = 'invite_cancel'")"
