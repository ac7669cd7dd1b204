#!/usr/bin/env python3
"""test_schema_speakers.py -- sql/026_speakers.sql on a database that
already holds data (test_schema.py's data): migrated from 021, no row of
any earlier table changes but for the new column (participant.speaker_only
false for everyone), session_person starts empty, no standing invitation
looks changed to publish (the fingerprint), every constraint is
named by the scheme, the roles take the four words and nothing else, a
person cannot be attached to another event's session, and the invitation
payload lists the confirmed people on stage in their order."""
import json
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

NAME = "summit_it_schema_speakers"


def participants_as_before(db):
    """participant's rows without the new column."""
    return one(db, "SELECT count(*) || ':' || md5(string_agg(x::text, '|'"
               " ORDER BY x::text)) FROM (SELECT id, event_id, name, email,"
               " organisation, sector, status, updated_at FROM participant) x")


@case
def speakers_migration_on_data():
    url, db = at_008(NAME, "021")
    try:
        ev, other, people, stranger = load_more(db)
        # Every placement invited, fingerprinted by 010's function.
        q(db, "INSERT INTO invitation (event_id, participant_id, session_id,"
              " sequence, state, fingerprint) SELECT a.event_id,"
              " a.participant_id, a.session_id, 0, 'invited',"
              " summit_session_fingerprint(s, sl) FROM assignment a"
              " JOIN session s ON s.id = a.session_id"
              " JOIN slot sl ON sl.id = s.slot_id")
        # Whatever comes between 021 and 026 first, so only 026 is seen.
        r = migrate_through(url, "025")
        assert r.returncode == 0, r.stderr
        before, kept = checksums(db), participants_as_before(db)
        r = migrate_through(url, "026")
        assert r.returncode == 0, r.stderr
        assert "026_speakers" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        assert after.pop("session_person") == "0:", after
        assert {t: after[t] for t in before if t != "participant"} == \
            {t: before[t] for t in before if t != "participant"}
        assert participants_as_before(db) == kept
        # No standing invitation looks changed: a session with nobody on
        # stage keeps its fingerprint.
        assert one(db, "SELECT count(*) FROM invitation i JOIN session s"
                   " ON s.id = i.session_id JOIN slot sl ON sl.id = s.slot_id"
                   " WHERE i.fingerprint <> summit_session_fingerprint(s, sl)"
                   ) == 0
        assert one(db, "SELECT count(*) FROM invitation") > 0
        assert one(db, "SELECT count(*) FROM participant"
                   " WHERE speaker_only") == 0
        assert scheme_breaches(db) == [], scheme_breaches(db)

        s1, s2 = [r[0] for r in q(db, "SELECT id FROM session WHERE"
                                  " event_id = %s ORDER BY id LIMIT 2", ev)]
        ins = ("INSERT INTO session_person (event_id, session_id,"
               " participant_id, role, position) VALUES (%s, %s, %s, %s, %s)")
        q(db, ins, ev, s1, people[0], "speaker", 1)
        q(db, ins, ev, s1, people[1], "moderator", 0)
        q(db, ins, ev, s1, people[7], "host", 2)  # pending: not named
        for args, name in (
                ((ev, s1, people[2], "keynote", 0),
                 "session_person_role_check"),
                ((ev, s1, people[2], "host", -1),
                 "session_person_position_check"),
                ((ev, s1, people[0], "host", 0), "session_person_pkey")):
            e = refused(db, ins, *args)
            assert e.diag.constraint_name == name, (name, e)
        # Another event's person, or this event's session under another
        # event: refused by the composite keys.
        e = refused(db, ins, ev, s2, stranger, "host", 0)
        assert e.diag.constraint_name == \
            "session_person_participant_id_event_id_fkey", e
        e = refused(db, ins, other, s2, stranger, "host", 0)
        assert e.diag.constraint_name == \
            "session_person_session_id_event_id_fkey", e
        # The payload: the confirmed people, in their order.
        payload = one(db, "SELECT summit_invitation_payload(%s, 0,"
                      " 'REQUEST')", s1)
        if isinstance(payload, str):
            payload = json.loads(payload)
        assert [(p["role"], p["name"]) for p in payload["people"]] == [
            ("moderator", "Person 1"), ("speaker", "Person 0")], payload
        assert payload["uid"] and payload["starts_utc"].endswith("Z")
        assert one(db, "SELECT summit_invitation_payload(%s, 0,"
                   " 'REQUEST') -> 'people'", s2) == []
        # People on stage change the session's fingerprint.
        assert one(db, "SELECT count(*) FROM session s JOIN slot sl"
                   " ON sl.id = s.slot_id WHERE s.id = %s AND"
                   " summit_session_fingerprint(s, sl) = md5(concat_ws('|',"
                   " floor(extract(epoch FROM sl.starts_at))::bigint,"
                   " floor(extract(epoch FROM sl.ends_at))::bigint,"
                   " s.room, s.title_nb, s.title_en, s.status))", s1) == 0
        # A participant erased takes their attachments with them.
        q(db, "DELETE FROM participant WHERE id = %s", people[0])
        assert one(db, "SELECT count(*) FROM session_person") == 2
    finally:
        db.close()
        drop_database(NAME)


if __name__ == "__main__":
    run()
