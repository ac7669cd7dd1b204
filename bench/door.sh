#!/usr/bin/env bash
# bench/door.sh -- arrivals at the door (issue 10, item 10; not a test).
#
# BENCH_PEOPLE (2,000) confirmed participants, each with a check-in code,
# arrive through BENCH_DOORS (4) desks at once: one client per desk, each
# logged in as its own "door" organiser, POSTs the scans of its share of
# the people to /console/door back to back over one keep-alive connection,
# as a keyboard-wedge scanner and its browser would.  Prints the
# scan-to-answer time (request sent to the whole answer page read), p50,
# p99 and max in ms, over all desks, and checks that every person got
# exactly one green.  The goal is p99 < 50 ms.
#
# Builds a release summitd (build-bench-door/, or BENCH_BUILD), starts its
# own PostgreSQL cluster (var/bench-door, port 54334), a fresh database
# with the demo event moved to today; everything it starts is stopped on
# exit.
#
# Environment:
#   BENCH_PEOPLE=2000  BENCH_DOORS=4  BENCH_BUILD=build-bench-door
#   BENCH_PG_PORT=54334  BENCH_PG_NAME=bench-door  BENCH_KEEP_LOGS=1

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"
source "$BENCH_DIR/lib.sh"

PEOPLE=${BENCH_PEOPLE:-2000}
DOORS=${BENCH_DOORS:-4}
PG_NAME=${BENCH_PG_NAME:-bench-door}
PG_PORT=${BENCH_PG_PORT:-54334}
BUILD=${BENCH_BUILD:-build-bench-door}

install_packages "${RUN_PACKAGES[@]}" curl python3
if [ "$BUILD" = build-bench-door ]; then
	build "$BUILD" -Dbuildtype=release
else
	ninja -C "$TOP/$BUILD" src/summitd src/summitctl >/dev/null
fi
SUMMITD="$TOP/$BUILD/src/summitd"
SUMMITCTL="$TOP/$BUILD/src/summitctl"

bench_prepare door door_bench 8 8
DB=door_bench
ctl() { "$SUMMITCTL" --config "$CONF" "$@" >>"$WORK/ctl.log" 2>&1 || { cat "$WORK/ctl.log" >&2; exit 1; }; }
for d in $(seq "$DOORS"); do
	printf 'bench door password\n' | ctl organiser add "door$d@bench.example.org" \
	    --role door --password-stdin
done

say "generating $PEOPLE confirmed participants with check-in codes"
psql_script "$DB" >/dev/null <<EOF
\set people $PEOPLE
BEGIN;
UPDATE event SET starts_at = now() - interval '1 hour',
    capacity = greatest(capacity, :people);
SELECT summit_sync_places(id) FROM event;
INSERT INTO participant (event_id, name, email, organisation, sector,
    status, consent_at, email_confirmed_at)
SELECT e.id, 'Person ' || g, 'person' || g || '@bench.example.org',
    'Org ' || g % 50, 'business', 'confirmed', now(), now()
FROM generate_series(1, :people) g, event e;
INSERT INTO checkin_code (code, participant_id)
SELECT (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
    1 + floor(random() * 32)::int, 1), '') FROM generate_series(1, 16)
    WHERE p.id > 0), p.id FROM participant p
ON CONFLICT DO NOTHING;
COMMIT;
VACUUM ANALYZE;
EOF
psql_db "$DB" -c "SELECT code FROM checkin_code ORDER BY random()" >"$WORK/codes"

bench_start_summitd

say "$(wc -l <"$WORK/codes") arrivals through $DOORS doors"
python3 - "$PORT" "$DOORS" "$WORK/codes" <<'PY'
import http.client, re, statistics, sys, threading, time, urllib.parse

port, doors, codes = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3]).read().split()

class Desk:
    def __init__(self, n):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}
        st, page = self.req("GET", "/console/login")
        tok = re.search(rb'name="_csrf" value="([0-9a-f]+)"', page).group(1)
        st, _ = self.req("POST", "/console/login", {
            "_csrf": tok.decode(), "email": "door%d@bench.example.org" % n,
            "password": "bench door password"})
        assert st == 303, "login failed: %d" % st
        st, _ = self.req("POST", "/console/door/name",
                         {"_csrf": self.csrf(), "door": "Door %d" % n})
        self.token = self.csrf()
        self.times, self.outcomes = [], {}

    def req(self, method, path, body=None):
        h = {"Cookie": "; ".join("%s=%s" % kv for kv in self.cookies.items())}
        if body is not None:
            body = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return r.status, data

    def csrf(self):
        st, page = self.req("GET", "/console/door")
        return re.search(rb'name="_csrf" value="([0-9a-f]+)"', page).group(1).decode()

    def run(self, mine):
        for code in mine:
            t0 = time.perf_counter()
            st, page = self.req("POST", "/console/door", {
                "_csrf": self.token, "session": "0", "code": code})
            self.times.append((time.perf_counter() - t0) * 1000)
            m = re.search(rb'data-outcome="(\w+)"', page)
            self.outcomes[code] = m.group(1).decode() if st == 200 and m else "error %d" % st

desks = [Desk(n) for n in range(1, doors + 1)]
threads = [threading.Thread(target=d.run, args=(codes[i::doors],))
           for i, d in enumerate(desks)]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - t0
times = sorted(t for d in desks for t in d.times)
outcomes = {}
for d in desks:
    outcomes.update(d.outcomes)
greens = sum(1 for o in outcomes.values() if o == "green")
def pct(p):
    return times[min(len(times) - 1, int(len(times) * p / 100))]
print("scans %d through %d doors in %.1f s (%.0f scans/s)" % (
    len(times), doors, wall, len(times) / wall))
print("scan to answer: p50 %.1f ms  p99 %.1f ms  max %.1f ms  (goal p99 < 50 ms)" % (
    pct(50), pct(99), times[-1]))
print("green %d of %d people%s" % (greens, len(codes),
      "" if greens == len(codes) else "  <-- not all green: %s" %
      sorted(set(outcomes.values()))))
sys.exit(0 if greens == len(codes) else 1)
PY
