#!/usr/bin/env python3
"""test_fingerprint.py -- "nothing changed" does not depend on the client's
time zone (sql/010_calendar_truth.sql).  Publishing from summitctls with
other PGTZ queues no updates; summit_session_fingerprint is STABLE, not
IMMUTABLE; and a database published before 010 (under yet another zone)
is migrated without a wave of updates, while a session that really
changed since it was sent still gets its one update."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (SOURCE, Instance, connect, fresh_database)  # noqa: E402
from tap import case, run  # noqa: E402

SQL = os.path.join(SOURCE, "sql")
QUIET = "queued 0 invitations, 0 updates and 0 cancellations"


def publish(inst, tz):
    """summitctl publish from a client whose PGTZ is tz -> its output."""
    inst.env["PGTZ"] = tz
    try:
        return inst.ctl("publish").stdout
    finally:
        del inst.env["PGTZ"]


def place(db, n):
    """n confirmed participants, each placed in two sessions of two slots."""
    ev = one(db, "SELECT id FROM event")
    sessions = [s for (s,) in q(db, "SELECT min(id) FROM session GROUP BY"
                                " slot_id ORDER BY 1 LIMIT 2")]
    for i in range(n):
        pid = one(db, "INSERT INTO participant (event_id, name, email,"
                  " organisation, sector, status, consent_at,"
                  " email_confirmed_at) VALUES (%s, %s, %s, 'LO', 'union',"
                  " 'confirmed', now(), now()) RETURNING id", ev,
                  "P%d" % i, "p%d@example.no" % i)
        for s in sessions:
            q(db, "INSERT INTO assignment (event_id, participant_id,"
              " session_id) VALUES (%s, %s, %s)", ev, pid, s)
    return sessions


def q(db, sql, *params):
    with db.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else None


def one(db, sql, *params):
    return q(db, sql, *params)[0][0]


@case
def publishing_from_other_zones_queues_nothing():
    inst = Instance("summit_it_fingerprint")
    try:
        place(inst.db, 4)
        out = publish(inst, "UTC")
        assert "queued 8 invitations" in out, out
        for tz in ("America/New_York", "Asia/Kolkata", "Europe/Oslo",
                   "Pacific/Chatham"):
            out = publish(inst, tz)
            assert QUIET in out, (tz, out)
        assert one(inst.db, "SELECT provolatile FROM pg_proc WHERE proname"
                   " = 'summit_session_fingerprint'") == "s"
        # A real change is still seen, whatever the zone.
        q(inst.db, "UPDATE slot SET starts_at = starts_at + interval"
          " '5 minutes' WHERE id = (SELECT slot_id FROM session WHERE id ="
          " (SELECT min(session_id) FROM assignment))")
        out = publish(inst, "America/New_York")
        assert "queued 0 invitations, 4 updates" in out, out
    finally:
        inst.close()


@case
def migration_keeps_fingerprints_sent_before_it():
    inst = Instance("summit_it_fingerprint_mig")
    tmp = tempfile.mkdtemp()
    try:
        # The instance's database again, migrated to 009 only.
        inst.db.close()
        fresh_database(inst.name)
        for f in sorted(os.listdir(SQL)):
            if f.endswith(".sql") and f[:3] < "010":
                shutil.copy(os.path.join(SQL, f), tmp)
        inst.ctl("migrate", tmp)
        inst.ctl("load-demo")
        inst.db = db = connect(inst.url)
        sessions = place(db, 3)
        # Published by the old function, from a client in New York: the
        # rows publishing wrote then (today's summitctl speaks today's
        # schema, so the old statement is written out here).
        q(db, "SELECT set_config('TimeZone', 'America/New_York', false)")
        q(db, "INSERT INTO invitation (event_id, participant_id, session_id,"
          " sequence, state, fingerprint) SELECT a.event_id,"
          " a.participant_id, a.session_id, 0, 'invited',"
          " summit_session_fingerprint(s, sl) FROM assignment a"
          " JOIN session s ON s.id = a.session_id"
          " JOIN slot sl ON sl.id = s.slot_id")
        q(db, "UPDATE assignment SET published = true")
        q(db, "SELECT set_config('TimeZone', 'UTC', false)")
        assert one(db, "SELECT count(*) FROM invitation") == 6
        old = dict(q(db, "SELECT participant_id::text || '/' ||"
                     " session_id::text, fingerprint FROM invitation"))
        # The second session changes after it was sent, before 010.
        q(db, "UPDATE session SET room = 'Nytt rom' WHERE id = %s",
          sessions[1])
        # 010 only: later migrations change tables of their own.
        shutil.copy(os.path.join(SQL, next(
            f for f in sorted(os.listdir(SQL)) if f.startswith("010"))), tmp)
        out = inst.ctl("migrate", tmp).stdout
        assert "1 migration applied" in out, out
        new = dict(q(db, "SELECT participant_id::text || '/' ||"
                     " session_id::text, fingerprint FROM invitation"))
        assert set(new) == set(old)
        assert all(new[k] != old[k] for k in old
                   if k.endswith("/%d" % sessions[0])), "not migrated"
        assert all(new[k] == old[k] for k in old
                   if k.endswith("/%d" % sessions[1])), "changed one kept"
        # The rest of the migrations, then from Oslo: only the changed
        # session's updates.
        for f in sorted(os.listdir(SQL)):
            if f.endswith(".sql"):
                shutil.copy(os.path.join(SQL, f), tmp)
        inst.ctl("migrate", tmp)
        out = publish(inst, "Europe/Oslo")
        assert "queued 0 invitations, 3 updates and 0 cancellations" in out, \
            out
        out = publish(inst, "UTC")
        assert QUIET in out, out
    finally:
        shutil.rmtree(tmp)
        inst.close()


if __name__ == "__main__":
    run()
