#!/usr/bin/python3
"""pg_waits.py -- what PostgreSQL's backends are doing during a run.

Samples pg_stat_activity every INTERVAL seconds for DURATION seconds and
prints, per kind of backend, the share of samples in each state and wait
event: "active CPU" is a backend running (or runnable: on a busy machine
it may be waiting for a core), "idle Client:ClientRead" one waiting for
summitd's next statement, "active IO:WALSync" one flushing the WAL at
COMMIT, "active LWLock:WALWrite" one waiting for another backend's flush
(group commit), "active Lock:..." a row or transaction lock.

Usage: pg_waits.py DSN DATABASE DURATION [INTERVAL]   (Debian's python3:
       needs psycopg2)
"""
import collections
import sys
import time

import psycopg2


def main():
    dsn, db, duration = sys.argv[1], sys.argv[2], float(sys.argv[3])
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.005
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    counts = collections.Counter()
    samples = 0
    end = time.monotonic() + duration
    while time.monotonic() < end:
        cur.execute(
            "SELECT CASE WHEN backend_type = 'client backend' AND datname = %s"
            " THEN 'summit' ELSE backend_type END, state,"
            " coalesce(wait_event_type || ':' || wait_event, 'CPU')"
            " FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND (datname = %s OR backend_type <> 'client backend')",
            (db, db))
        for kind, state, wait in cur.fetchall():
            counts[(kind, state or "-", wait)] += 1
        samples += 1
        time.sleep(interval)
    per_kind = collections.Counter()
    for (kind, _, _), n in counts.items():
        per_kind[kind] += n
    print("%d samples" % samples)
    for (kind, state, wait), n in sorted(
            counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
        if n * 1000 < per_kind[kind]:
            continue
        print("%-18s %-8s %-32s %6.1f%%  (%.2f backends)" % (
            kind, state, wait, 100.0 * n / per_kind[kind], n / samples))


if __name__ == "__main__":
    main()
