#!/usr/bin/env python3
"""test_schema_door.py -- sql/016_door.sql on a database that already holds
data (test_schema.py's data, with people checked in through the console):
migrated from 015, no row of any earlier table changes but for the new
columns (participant.checked_in_door null, event.walk_ins false), the new
tables start empty, every constraint is named by the scheme, the organiser
roles take "door" and nothing else new, and the codes' rules hold."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import tap  # noqa: E402
from harness import drop_database  # noqa: E402
from tap import case, run  # noqa: E402
from test_schema import (at_008, checksums, load_more,  # noqa
                         migrate_through, one, q, refused, scheme_breaches)
del tap._cases[:]  # test_schema's cases are its own: only this file's here

NAME = "summit_it_schema_door"


def without_new_columns(db):
    """checksums() of participant and event as they were before 016."""
    return {t: one(db, "SELECT count(*) || ':' || md5(string_agg(x::text,"
                   " '|' ORDER BY x::text)) FROM (SELECT %s FROM %s) x" % (
                       cols, t))
            for t, cols in (
                ("participant", "id, name, email, status, checked_in_at,"
                 " updated_at"),
                ("event", "id, slug, starts_at, ends_at, capacity"))}


@case
def door_migration_on_data():
    url, db = at_008(NAME, "015")
    try:
        ev, other, people, stranger = load_more(db)
        q(db, "UPDATE participant SET checked_in_at = now() WHERE id = %s",
          people[0])
        before, kept = checksums(db), without_new_columns(db)
        r = migrate_through(url, "016")
        assert r.returncode == 0, r.stderr
        assert "016_door" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        assert after.pop("checkin_code") == "0:", after
        assert after.pop("session_attendance") == "0:", after
        assert {t: after[t] for t in before
                if t not in ("participant", "event")} == \
            {t: before[t] for t in before if t not in ("participant", "event")}
        assert without_new_columns(db) == kept
        assert one(db, "SELECT count(*) FROM participant WHERE"
                   " checked_in_door IS NOT NULL") == 0
        assert one(db, "SELECT count(*) FROM event WHERE walk_ins") == 0
        assert scheme_breaches(db) == [], scheme_breaches(db)
        # The roles: door is new, nothing else is.
        q(db, "INSERT INTO organiser (email, role) VALUES"
              " ('door@example.no', 'door')")
        e = refused(db, "INSERT INTO organiser (email, role) VALUES"
                        " ('x@example.no', 'porter')")
        assert e.diag.constraint_name == "organiser_role_check", e
        # The codes' rules.
        ins = ("INSERT INTO checkin_code (code, participant_id)"
               " VALUES (%s, %s)")
        q(db, ins, "0123456789ABCDEF", people[0])
        for args, name in (
                (("0123456789ABCDEU", people[1]), "checkin_code_code_check"),
                (("0123456789abcdef", people[1]), "checkin_code_code_check"),
                (("0123456789ABCDEF", people[1]), "checkin_code_pkey"),
                (("0123456789ZZZZZZ", people[1]),
                 "checkin_code_short_code_key"),
                (("ZZZZZZZZZZZZZZZZ", people[0]),
                 "checkin_code_participant_id_revoked_at_key")):
            e = refused(db, ins, *args)
            assert e.diag.constraint_name == name, (name, e)
        # A revoked code makes room for the next one.
        q(db, "UPDATE checkin_code SET revoked_at = now()")
        q(db, ins, "ZZZZZZZZZZZZZZZZ", people[0])
        q(db, "DELETE FROM participant WHERE id = %s", people[0])
        assert one(db, "SELECT count(*) FROM checkin_code") == 0
    finally:
        db.close()
        drop_database(NAME)


if __name__ == "__main__":
    run()
