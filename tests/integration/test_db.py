#!/usr/bin/env python3
"""test_db.py -- migrations and the rules the database itself enforces,
on the real cluster the test command started."""
import os
import shutil
import sys
import tempfile

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (SOURCE, SUMMITCTL, Instance, connect, drop_database,  # noqa: E402
                     fresh_database)
from tap import case, run  # noqa: E402
import subprocess  # noqa: E402

MIGRATIONS = sorted(f[:-4] for f in os.listdir(os.path.join(SOURCE, "sql"))
                    if f.endswith(".sql"))


def migrate(url, directory=None):
    args = [SUMMITCTL, "migrate"] + ([directory] if directory else [])
    return subprocess.run(args, env=dict(os.environ, SUMMIT_DATABASE_URL=url),
                          capture_output=True, text=True, timeout=120)


@case
def migrations_apply_once_in_order():
    url = fresh_database("summit_it_migrate")
    try:
        r = migrate(url)
        assert r.returncode == 0, r.stderr
        assert "%d migration" % len(MIGRATIONS) in r.stdout, r.stdout
        r = migrate(url)
        assert r.returncode == 0 and "0 migrations applied" in r.stdout, r.stdout
        db = connect(url)
        with db.cursor() as cur:
            cur.execute("SELECT version FROM schema_migrations ORDER BY 1")
            assert [v for (v,) in cur.fetchall()] == MIGRATIONS
        db.close()
    finally:
        drop_database("summit_it_migrate")


@case
def failing_migration_leaves_database_as_it_was():
    url = fresh_database("summit_it_badmig")
    tmp = tempfile.mkdtemp()
    try:
        for f in os.listdir(os.path.join(SOURCE, "sql")):
            if f.endswith(".sql"):
                shutil.copy(os.path.join(SOURCE, "sql", f), tmp)
        with open(os.path.join(tmp, "900_broken.sql"), "w") as f:
            f.write("CREATE TABLE half_done (x int);\n"
                    "INSERT INTO half_done VALUES (1);\n"
                    "SELECT 1 / 0;\n")
        r = migrate(url, tmp)
        assert r.returncode != 0
        assert "900_broken" in r.stderr and "rolled back" in r.stderr, r.stderr
        db = connect(url)
        with db.cursor() as cur:
            cur.execute("SELECT to_regclass('half_done')")
            assert cur.fetchone()[0] is None
            cur.execute("SELECT version FROM schema_migrations ORDER BY 1")
            assert [v for (v,) in cur.fetchall()] == MIGRATIONS
        # Mended, it applies next time.
        with open(os.path.join(tmp, "900_broken.sql"), "w") as f:
            f.write("CREATE TABLE half_done (x int);\n")
        r = migrate(url, tmp)
        assert r.returncode == 0 and "1 migration applied" in r.stdout, r.stdout
        with db.cursor() as cur:
            cur.execute("SELECT to_regclass('half_done') IS NOT NULL")
            assert cur.fetchone()[0]
        db.close()
    finally:
        shutil.rmtree(tmp)
        drop_database("summit_it_badmig")


def refused(inst, sql, *params, code=None):
    try:
        inst.query(sql, *params)
    except psycopg2.Error as e:
        if code:
            assert e.pgcode == code, (e.pgcode, sql)
        return
    raise AssertionError("the database accepted: " + sql)


@case
def constraints_hold_in_the_database():
    inst = Instance("summit_it_constraints")
    try:
        ev = inst.scalar("SELECT id FROM event")
        ins = ("INSERT INTO participant (event_id, name, email, organisation,"
               " sector, status, hold_until, consent_at) VALUES (%s, %s, %s,"
               " 'NHO', %s, %s, now() + interval '1 day', now()) RETURNING id")
        pid = inst.query(ins, ev, "Per", "per@example.no", "business",
                         "pending")[0][0]
        # One registration per e-mail and event, whatever the case.
        refused(inst, ins, ev, "Per 2", "PER@Example.no", "business",
                "pending", code="23505")
        refused(inst, ins, ev, "Bad", "bad@example.no", "pirates", "pending",
                code="23503")
        refused(inst, ins, ev, "Bad", "bad2@example.no", "business", "bogus",
                code="23514")
        refused(inst, ins, ev, "", "bad3@example.no", "business", "pending",
                code="23514")
        refused(inst, ins, ev, "Bad", "no-at-sign", "business", "pending",
                code="23514")
        pref = ("INSERT INTO preference (event_id, participant_id, session_id,"
                " rank) VALUES (%s, %s, %s, %s)")
        inst.query(pref, ev, pid, 1, 1)
        refused(inst, pref, ev, pid, 2, 6, code="23514")
        refused(inst, pref, ev, pid, 2, 0, code="23514")
        refused(inst, pref, ev, pid, 2, 1, code="23505")   # rank taken
        refused(inst, pref, ev, pid, 1, 2, code="23505")   # session twice
        # A session of another event cannot be ranked.
        other = inst.scalar(
            "INSERT INTO event (slug, name_nb, name_en, starts_at, ends_at,"
            " registration_opens, registration_closes, capacity, mailbox)"
            " VALUES ('other', 'Annet', 'Other', now(), now() + interval"
            " '1 hour', now() - interval '1 day', now() + interval '1 day',"
            " 5, 'x@example.no') RETURNING id")
        slot = inst.scalar("INSERT INTO slot (event_id, starts_at, ends_at)"
                           " VALUES (%s, now(), now() + interval '1 hour')"
                           " RETURNING id", other)
        sess = inst.scalar("INSERT INTO session (event_id, slot_id, code,"
                           " title_nb, title_en, capacity) VALUES (%s, %s,"
                           " 'x', 'X', 'X', 10) RETURNING id", other, slot)
        refused(inst, pref, ev, pid, sess, 2, code="23503")
        # A place belongs to one participant at most.
        inst.query("UPDATE place SET participant_id = %s WHERE event_id = %s"
                   " AND place_no = 1", pid, ev)
        refused(inst, "UPDATE place SET participant_id = %s WHERE event_id"
                " = %s AND place_no = 2", pid, ev, code="23505")
        # Token hashes only: anything else is refused.
        refused(inst, "INSERT INTO participant_token (hash, participant_id)"
                " VALUES ('plain-token', %s)", pid, code="23514")
        # Capacity changes keep place rows in step; held places stay.
        inst.query("UPDATE event SET capacity = 3 WHERE id = %s", ev)
        inst.query("SELECT summit_sync_places(%s)", ev)
        assert inst.scalar("SELECT count(*) FROM place WHERE event_id = %s",
                           ev) == 3
        inst.query("UPDATE event SET capacity = 0 WHERE id = %s", ev)
        inst.query("SELECT summit_sync_places(%s)", ev)
        assert inst.query("SELECT place_no FROM place WHERE event_id = %s",
                          ev) == [(1,)]
    finally:
        inst.close()


@case
def demo_loads_once():
    inst = Instance("summit_it_demo")
    try:
        assert inst.scalar("SELECT count(*) FROM slot") == 3
        assert inst.scalar("SELECT count(*) FROM session") == 12
        assert inst.scalar("SELECT timezone FROM event") == "Europe/Oslo"
        # Popular sessions are oversubscribed by design: the four biggest
        # rooms together seat fewer than the event's capacity.
        inst.ctl("load-demo")
        assert inst.scalar("SELECT count(*) FROM event") == 1
        assert inst.scalar("SELECT count(*) FROM session") == 12
        assert inst.scalar("SELECT count(*) FROM place") == 150
    finally:
        inst.close()


@case
def check_config_names_the_bad_setting():
    inst = Instance("summit_it_conf")
    try:
        from harness import SUMMITD
        r = subprocess.run([SUMMITD, "--config", inst.conf, "--check-config"],
                           capture_output=True, text=True, env=inst.env)
        assert r.returncode == 0 and r.stdout.strip() == "configuration OK", r
        bad = inst.conf + ".bad"
        with open(bad, "w") as f:
            f.write(open(inst.conf).read().replace("threads = 8",
                                                   "threads = 9999"))
        r = subprocess.run([SUMMITD, "--config", bad, "--check-config"],
                           capture_output=True, text=True, env=inst.env)
        assert r.returncode != 0 and "[server] threads" in r.stderr, r.stderr
        with open(bad, "w") as f:
            f.write(open(inst.conf).read() + "[server]\nlisten_adress = x\n")
        r = subprocess.run([SUMMITD, "--config", bad, "--check-config"],
                           capture_output=True, text=True, env=inst.env)
        assert r.returncode != 0 and "listen_adress" in r.stderr, r.stderr
    finally:
        inst.close()


if __name__ == "__main__":
    run()
