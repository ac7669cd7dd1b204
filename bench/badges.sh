#!/usr/bin/env bash
# bench/badges.sh -- 2,000 name badges ready to print (issue 10, item 5:
# "2,000 badges ready to print in < 5 s"; not a test).
#
# Builds a release summitd (build-bench-badges/, or an existing
# BENCH_BUILD), starts its own PostgreSQL cluster (var/bench-badges, port
# 54334), makes a fresh database with the demo event and BENCH_PEOPLE
# (2,000) confirmed registrations, starts summitd, logs an admin in and
# times the badge page for everyone (GET /console/badges/print: the HTML
# with every label and its QR code, which the browser prints as it is)
# BENCH_N times over one keep-alive connection.  The first request is
# printed apart (cold caches; the check-in codes exist already: the
# database issued them when the registrations were made confirmed,
# sql/021).  Checks the page holds a label with a QR code per person.
#
# Everything it starts (summitd, the cluster) is stopped on exit.
#
# Environment:
#   BENCH_PEOPLE=2000    confirmed registrations
#   BENCH_N=5            timed runs after the first
#   BENCH_LAYOUT=a4-2x4  a4-2x4, a4-2x5 or single
#   BENCH_BUILD=build-bench-badges
#   BENCH_PG_PORT=54334  BENCH_PG_NAME=bench-badges
#   BENCH_KEEP_LOGS=1    keep the temporary folder

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"
source "$BENCH_DIR/lib.sh"

PEOPLE=${BENCH_PEOPLE:-2000}
N=${BENCH_N:-5}
LAYOUT=${BENCH_LAYOUT:-a4-2x4}
PG_NAME=${BENCH_PG_NAME:-bench-badges}
PG_PORT=${BENCH_PG_PORT:-54334}
BUILD=${BENCH_BUILD:-build-bench-badges}

install_packages "${RUN_PACKAGES[@]}" curl python3
if [ -z "${BENCH_BUILD:-}" ] || [ ! -x "$TOP/$BUILD/src/summitd" ]; then
	build "$BUILD" -Dbuildtype=release
fi
SUMMITD="$TOP/$BUILD/src/summitd"
SUMMITCTL="$TOP/$BUILD/src/summitctl"

bench_prepare badges badges_bench 4 4
DB=badges_bench

say "generating $PEOPLE confirmed registrations"
psql_script "$DB" >/dev/null <<EOF
\set people $PEOPLE
BEGIN;
UPDATE event SET capacity = greatest(capacity, :people);
SELECT summit_sync_places(id) FROM event;
INSERT INTO participant (event_id, name, email, organisation, sector,
    language, status, consent_at, email_confirmed_at)
SELECT e.id,
    (ARRAY['Kari','Ola','Ingrid','Per','Åse','Nils','Sofie','Jonas','Marte',
      'Lars','Hilde','Emil','Nora','Erik','Sigrid','Anders-Wilhelm'])
      [1 + (g * 7) % 16] || ' ' ||
    (ARRAY['Hansen','Johansen','Olsen','Larsen','Kristiansen-Bjørndal',
      'Pedersen','Nilsen','Jørgensen','Halvorsen','Sørensen'])[1 + g % 10]
      || ' ' || g,
    'person' || g || '@bench.example.org',
    (ARRAY['Equinor','DNB','Telenor','NTNU','Digitaliseringsdirektoratet',
      'LO','NHO','Fellesforbundet'])[1 + g % 8],
    (ARRAY['business','academia','union','government','other'])[1 + g % 5],
    'nb', 'confirmed', now(), now()
FROM generate_series(1, :people) g, event e;
WITH c AS (SELECT id, event_id, row_number() OVER (ORDER BY id) AS rn
    FROM participant WHERE status = 'confirmed')
UPDATE place SET participant_id = c.id FROM c
WHERE place.event_id = c.event_id AND place.place_no = c.rn;
COMMIT;
VACUUM ANALYZE;
EOF

bench_start_summitd

say "badges for everyone ($LAYOUT), $PEOPLE people"
python3 - "$PORT" "$N" "$LAYOUT" "$PEOPLE" <<'PY'
import http.client, re, statistics, sys, time, urllib.parse

port, n, layout, people = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
cookies = {}

def req(method, path, body=None):
    h = {"Cookie": "; ".join("%s=%s" % kv for kv in cookies.items())}
    if body is not None:
        body = urllib.parse.urlencode(body)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";")[0]
    return r.status, data

st, page = req("GET", "/console/login")
tok = re.search(rb'name="_csrf" value="([0-9a-f]+)"', page).group(1).decode()
st, _ = req("POST", "/console/login", {"_csrf": tok, "email": "admin@bench.example.org",
                                       "password": "bench admin password"})
assert st == 303, "login failed: %d" % st

def run():
    t0 = time.perf_counter()
    st, body = req("GET", "/console/badges/print?layout=" + layout)
    dt = time.perf_counter() - t0
    assert st == 200, st
    labels = body.count(b'<article class="label"')
    qrs = body.count(b'<div class="qr">')
    assert labels >= people and qrs == labels, (labels, qrs)
    return dt, len(body), labels

dt, size, labels = run()
print("first request: %.2f s, %d labels, %.1f MB"
      % (dt, labels, size / 1e6))
times = [run()[0] for _ in range(n)]
print("then %d requests: %s s; median %.2f s, max %.2f s (goal < 5 s)"
      % (n, " ".join("%.2f" % t for t in times), statistics.median(times),
         max(times)))
PY
