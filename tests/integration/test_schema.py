#!/usr/bin/env python3
"""test_schema.py -- migrations on a database that already holds data.

sql/009_schema_names.sql: migrated to 008, loaded with the demo event and
more rows, then migrated to 009.  The data must come through unchanged, the
new rules must hold (no overlapping slots, a place's participant of its own
event, updated_at by trigger), every constraint must carry a name of the
scheme, and data that breaks the overlap rule must stop the migration,
naming the slots, with nothing changed.

sql/011_answers.sql: the same data with invitations, migrated to 011:
nothing changes, every invitation stands unanswered, named constraints.

sql/012_bounces.sql: the same data plus mail in every outbox state, then
migrated to the end: no row changes, the new tables are empty, names keep
the scheme, and the outbox takes the new state 'held'.

sql/014_replies.sql: the same data with invitations and answers, migrated
from 013 to 014: nothing changes, mail_reply starts empty, its rules hold
and it goes with its invitation.

sql/019_invitees.sql: the same data with invitation codes and mail, migrated
from 018 to 019: nothing changes, invitee and invitee_event start empty, names
keep the scheme, and an invitee's rules hold.
sql/020_api.sql: the same data with invitations, migrated from 019 to
020: nothing changes, the API's and webhooks' tables start empty with
named rules, and only a change after the migration queues a webhook.
sql/017_sector_colour.sql: the same data migrated from 016 to 017: every
sector gets the palette's colour in its event's set-up order, nothing else
changes, a sector inserted later without a colour takes the next one, and
a colour that is not #rrggbb is refused by name.
sql/024_deadlines.sql: the same data migrated to 024: no row changes but
for the new columns, every event without deadlines (promotion stops at
the start), nobody cancelled late, change_request empty with named rules;
a late mark needs a cancelled registration and goes when the status
changes back."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (SOURCE, SUMMITCTL, connect, drop_database,  # noqa: E402
                     fresh_database)
from tap import case, run  # noqa: E402

SQL = os.path.join(SOURCE, "sql")


def ctl(url, *args):
    return subprocess.run([SUMMITCTL] + list(args),
                          env=dict(os.environ, SUMMIT_DATABASE_URL=url),
                          capture_output=True, text=True, timeout=120)


def migrate_through(url, last):
    """Applies the migrations of sql/ up to number LAST -> the result."""
    tmp = tempfile.mkdtemp()
    try:
        for f in os.listdir(SQL):
            if f.endswith(".sql") and f[:3] <= last:
                shutil.copy(os.path.join(SQL, f), tmp)
        return ctl(url, "migrate", tmp)
    finally:
        shutil.rmtree(tmp)


def at_008(name, last="008"):
    """A database migrated to 008 (or LAST) with the demo event ->
    (url, conn)."""
    url = fresh_database(name)
    r = migrate_through(url, last)
    assert r.returncode == 0, r.stderr
    n = len([f for f in os.listdir(SQL) if f.endswith(".sql")
             and f[:3] <= last])
    assert "%d migrations applied" % n in r.stdout, r.stdout
    r = ctl(url, "load-demo")
    assert r.returncode == 0, r.stderr
    return url, connect(url)


def q(db, sql, *params):
    with db.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else None


def one(db, sql, *params):
    return q(db, sql, *params)[0][0]


def refused(db, sql, *params):
    """The psycopg2 error the statement got."""
    try:
        q(db, sql, *params)
    except psycopg2.Error as e:
        return e
    raise AssertionError("the database accepted: " + sql)


def load_more(db):
    """Participants in every status, rankings, places, placements, an
    invitation code, an organiser and audit entries, another event with a
    slot at the same time as the demo's, and a slot that touches two."""
    ev = one(db, "SELECT id FROM event")
    ins = ("INSERT INTO participant (event_id, name, email, organisation,"
           " sector, status, hold_until, consent_at) VALUES (%s, %s, %s,"
           " %s, %s, %s, now() + interval '1 day', now()) RETURNING id")
    people = []
    for i, status in enumerate(["confirmed"] * 6 + ["waitlisted", "pending",
                                                    "cancelled"]):
        people.append(one(db, ins, ev, "Person %d" % i,
                          "p%d@example.no" % i, "Org %d" % (i % 3),
                          ["business", "union", "academia"][i % 3], status))
    sessions = [r[0] for r in q(db, "SELECT id FROM session ORDER BY id")]
    for n, pid in enumerate(people):
        for rank in range(1, 4):
            q(db, "INSERT INTO preference (event_id, participant_id,"
              " session_id, rank) VALUES (%s, %s, %s, %s)", ev, pid,
              sessions[(n + rank * 4) % len(sessions)], rank)
    for n, pid in enumerate(people[:6]):
        q(db, "UPDATE place SET participant_id = %s WHERE event_id = %s"
          " AND place_no = %s", pid, ev, n + 1)
        q(db, "INSERT INTO assignment (event_id, participant_id, session_id)"
          " VALUES (%s, %s, %s)", ev, pid, sessions[n])
    q(db, "UPDATE participant SET sessions_wanted = 2, link_sends = 1"
      " WHERE id = %s", people[0])
    # A slot that touches the first slot's end and the second's start.
    q(db, "INSERT INTO slot (event_id, starts_at, ends_at) VALUES (%s,"
      " '2027-03-11 10:45 Europe/Oslo', '2027-03-11 11:15 Europe/Oslo')", ev)
    q(db, "INSERT INTO invitation_code (event_id, code, max_uses, used)"
      " VALUES (%s, 'ABCDEF23', 3, 1)", ev)
    org = one(db, "INSERT INTO organiser (email, role) VALUES"
              " ('admin@example.no', 'admin') RETURNING id")
    for i in range(5):
        q(db, "INSERT INTO audit_log (organiser_id, actor, action)"
          " VALUES (%s, 'admin@example.no', 'test.step')", org)
    other = one(db, "INSERT INTO event (slug, name_nb, name_en, starts_at,"
                " ends_at, registration_opens, registration_closes, capacity,"
                " mailbox) VALUES ('other', 'Annet', 'Other',"
                " '2027-03-11 09:00 Europe/Oslo', '2027-03-11 17:00"
                " Europe/Oslo', now(), now() + interval '1 day', 4,"
                " 'x@example.no') RETURNING id")
    q(db, "SELECT summit_sync_places(%s)", other)
    q(db, "INSERT INTO sector (event_id, code, name_nb, name_en)"
      " VALUES (%s, 'business', 'N', 'B')", other)
    q(db, "INSERT INTO slot (event_id, starts_at, ends_at) VALUES (%s,"
      " '2027-03-11 09:30 Europe/Oslo', '2027-03-11 10:45 Europe/Oslo')",
      other)
    stranger = one(db, ins, other, "Stranger", "s@example.no", "Org",
                   "business", "confirmed")
    return ev, other, people, stranger


def checksums(db):
    """Every table's rows, as one md5 per table."""
    tables = [t for (t,) in q(db, "SELECT tablename FROM pg_tables"
                              " WHERE schemaname = 'public'"
                              " AND tablename <> 'schema_migrations'"
                              " ORDER BY 1")]
    return {t: one(db, "SELECT count(*) || ':' || coalesce(md5(string_agg("
                   "x::text, '|' ORDER BY x::text)), '') FROM %s x" % t)
            for t in tables}


def constraint_names(db):
    return {n for (n,) in q(db, "SELECT conname FROM pg_constraint"
                            " WHERE connamespace = 'public'::regnamespace")}


def scheme_breaches(db):
    """Constraints and unique indexes whose names break
    <table>_<columns>_<kind> (<table>_pkey for the primary key)."""
    kinds = {"p": "pkey", "u": "key", "f": "fkey", "c": "check", "x": "excl"}
    cols = {}
    for table, col in q(db, "SELECT c.relname, a.attname FROM pg_attribute a"
                        " JOIN pg_class c ON c.oid = a.attrelid"
                        " WHERE c.relnamespace = 'public'::regnamespace"
                        " AND c.relkind = 'r' AND a.attnum > 0"
                        " AND NOT a.attisdropped"):
        cols.setdefault(table, []).append(col)
    bad = []
    for table, name, kind, keys, definition in q(
            db, "SELECT c.conrelid::regclass::text, c.conname, c.contype,"
            " array(SELECT a.attname::text FROM unnest(c.conkey)"
            " WITH ORDINALITY AS k(n, o) JOIN pg_attribute a"
            " ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),"
            " pg_get_constraintdef(c.oid) FROM pg_constraint c"
            " WHERE c.connamespace = 'public'::regnamespace"):
        if kind == "p":
            ok = name == "%s_pkey" % table    # one per table: no columns
        elif kind == "c":
            ok = any(name == "%s_%s_check" % (table, k) for k in keys)
        else:
            if kind == "x":
                # Columns in the order the definition names them.
                keys = sorted((k for k in cols[table]
                               if re.search(r"\b%s\b" % k, definition)),
                              key=lambda k: re.search(r"\b%s\b" % k,
                                                      definition).start())
            ok = name == "%s_%s_%s" % (table, "_".join(keys), kinds[kind])
        if not ok:
            bad.append((table, name, definition))
    # Unique indexes on expressions act as constraints too.
    for table, name, definition in q(
            db, "SELECT i.indrelid::regclass::text, c.relname,"
            " pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indisunique AND c.relnamespace = 'public'::regnamespace"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
            " WHERE k.conindid = i.indexrelid AND k.contype <> 'f')"):
        keyed = definition[definition.index("(") + 1:]
        keys = sorted((k for k in cols[table]
                       if re.search(r"\b%s\b" % k, keyed)),
                      key=lambda k: re.search(r"\b%s\b" % k, keyed).start())
        if name != "%s_%s_key" % (table, "_".join(keys)):
            bad.append((table, name, definition))
    return bad


@case
def migration_keeps_data_and_adds_the_rules():
    url, db = at_008("summit_it_schema")
    try:
        ev, other, people, stranger = load_more(db)
        before = checksums(db)
        names_before = constraint_names(db)
        assert scheme_breaches(db), "008 should have unnamed checks"
        r = migrate_through(url, "009")
        assert r.returncode == 0, r.stderr
        assert "1 migration applied" in r.stdout, r.stdout
        # Not a row changed.
        assert checksums(db) == before
        # Every constraint is named by the scheme; the renamed ones are
        # gone, the rest kept their names.
        assert scheme_breaches(db) == [], scheme_breaches(db)
        after = constraint_names(db)
        assert names_before - after == {
            "event_check", "event_check1", "slot_check", "participant_check",
            "invitation_code_check", "place_participant_id_fkey"}, \
            names_before - after
        assert after - names_before == {
            "event_ends_at_check", "event_registration_closes_check",
            "slot_ends_at_check", "participant_hold_until_check",
            "invitation_code_used_check",
            "place_participant_id_event_id_fkey",
            "slot_event_id_starts_at_ends_at_excl"}, after - names_before

        # An overlapping slot is refused by the exclusion constraint.
        e = refused(db, "INSERT INTO slot (event_id, starts_at, ends_at)"
                    " VALUES (%s, '2027-03-11 10:00 Europe/Oslo',"
                    " '2027-03-11 11:00 Europe/Oslo')", ev)
        assert e.pgcode == "23P01", e.pgcode
        assert e.diag.constraint_name == \
            "slot_event_id_starts_at_ends_at_excl", e.diag.constraint_name
        e = refused(db, "UPDATE slot SET starts_at = starts_at"
                    " - interval '20 minutes' WHERE event_id = %s"
                    " AND starts_at = '2027-03-11 11:15 Europe/Oslo'", ev)
        assert e.pgcode == "23P01"
        # Touching slots, and the same time in another event, are fine.
        q(db, "INSERT INTO slot (event_id, starts_at, ends_at) VALUES (%s,"
          " '2027-03-11 14:45 Europe/Oslo', '2027-03-11 15:30 Europe/Oslo')",
          ev)
        q(db, "INSERT INTO slot (event_id, starts_at, ends_at) VALUES (%s,"
          " '2027-03-11 11:15 Europe/Oslo', '2027-03-11 12:30 Europe/Oslo')",
          other)

        # A place holds only a participant of its own event.
        e = refused(db, "UPDATE place SET participant_id = %s"
                    " WHERE event_id = %s AND place_no = 1", stranger, ev)
        assert e.pgcode == "23503"
        assert e.diag.constraint_name == \
            "place_participant_id_event_id_fkey", e.diag.constraint_name
        q(db, "UPDATE place SET participant_id = %s WHERE event_id = %s"
          " AND place_no = 1", stranger, other)
        # Deleting a participant frees the place; the place stays the
        # event's.
        q(db, "DELETE FROM participant WHERE id = %s", stranger)
        assert q(db, "SELECT event_id, participant_id FROM place"
                 " WHERE event_id = %s AND place_no = 1", other) == \
            [(other, None)]

        # updated_at by trigger: a change touches the row, a re-sent
        # link's bookkeeping does not.
        pid = people[1]
        q(db, "ALTER TABLE participant DISABLE TRIGGER participant_touch")
        q(db, "UPDATE participant SET updated_at = '2026-01-01'"
          " WHERE id = %s", pid)
        q(db, "ALTER TABLE participant ENABLE TRIGGER participant_touch")
        q(db, "UPDATE participant SET link_sends = link_sends + 1,"
          " link_window_at = now() WHERE id = %s", pid)
        assert one(db, "SELECT updated_at = '2026-01-01' FROM participant"
                   " WHERE id = %s", pid)
        q(db, "UPDATE participant SET checked_in_at = now() WHERE id = %s",
          pid)
        assert one(db, "SELECT updated_at > '2026-01-02' FROM participant"
                   " WHERE id = %s", pid)
        sid = one(db, "SELECT min(id) FROM session")
        was = one(db, "SELECT updated_at FROM session WHERE id = %s", sid)
        q(db, "UPDATE session SET room = 'Sal 9' WHERE id = %s", sid)
        assert one(db, "SELECT updated_at FROM session WHERE id = %s",
                   sid) > was

        # The duplicate of the audit log's primary key is gone; newest
        # first still reads the primary key, backwards.
        assert one(db, "SELECT to_regclass('audit_log_at_idx')") is None
        q(db, "SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in q(
            db, "EXPLAIN SELECT * FROM audit_log ORDER BY id DESC LIMIT 5"))
        assert "Index Scan Backward using audit_log_pkey" in plan, plan
    finally:
        db.close()
        drop_database("summit_it_schema")


@case
def overlapping_slots_stop_the_migration():
    url, db = at_008("summit_it_schema_clash")
    try:
        ev = one(db, "SELECT id FROM event")
        first = one(db, "SELECT min(id) FROM slot")
        clash = one(db, "INSERT INTO slot (event_id, starts_at, ends_at)"
                    " VALUES (%s, '2027-03-11 10:30 Europe/Oslo',"
                    " '2027-03-11 11:00 Europe/Oslo') RETURNING id", ev)
        before = checksums(db)
        names = constraint_names(db)
        r = migrate_through(url, "009")
        assert r.returncode != 0
        assert "009_schema_names" in r.stderr and "rolled back" in r.stderr, \
            r.stderr
        # The message names both slots, with their times.
        assert re.search(r"slots overlap in time \(UTC\): event %d: slot %d"
                         r" \(2027-03-11 08:30 to 2027-03-11 09:45\) and"
                         r" slot %d \(2027-03-11 09:30 to 2027-03-11 10:00\)"
                         % (ev, first, clash), r.stderr), r.stderr
        # Nothing of 009 stayed.
        assert checksums(db) == before
        assert constraint_names(db) == names
        assert one(db, "SELECT count(*) FROM schema_migrations"
                   " WHERE version = '009_schema_names'") == 0
        assert one(db, "SELECT count(*) FROM pg_extension"
                   " WHERE extname = 'btree_gist'") == 0
        # Mended, it applies.
        q(db, "DELETE FROM slot WHERE id = %s", clash)
        r = migrate_through(url, "009")
        assert r.returncode == 0 and "1 migration applied" in r.stdout, \
            r.stderr
    finally:
        db.close()
        drop_database("summit_it_schema_clash")


@case
def answers_migration_on_data():
    """sql/011_answers.sql on a database holding registrations, placements
    and invitations: nothing changes, every invitation stands unanswered,
    answers are kept and checked by named constraints."""
    url, db = at_008("summit_it_schema_answers", "010")
    try:
        load_more(db)
        ev = one(db, "SELECT min(id) FROM event")
        pid = one(db, "SELECT min(id) FROM participant WHERE event_id = %s"
                  " AND status = 'confirmed'", ev)
        q(db, "INSERT INTO assignment (event_id, participant_id, session_id)"
              " VALUES (%s, %s, 1), (%s, %s, 5) ON CONFLICT DO NOTHING",
          ev, pid, ev, pid)
        q(db, "INSERT INTO invitation (event_id, participant_id, session_id,"
              " sequence, state, fingerprint) VALUES"
              " (%s, %s, 1, 2, 'invited', 'x'), (%s, %s, 5, 1, 'cancelled',"
              " 'y')", ev, pid, ev, pid)
        before = checksums(db)
        # Through 011 only: a later migration changes other tables.
        r = migrate_through(url, "011")
        assert r.returncode == 0, r.stderr
        after = checksums(db)
        assert after.pop("answer") == "0:", "answer should start empty"
        assert after == before
        assert scheme_breaches(db) == [], scheme_breaches(db)
        assert q(db, "SELECT session_id, summit_invitation_answer(i)"
                 " FROM invitation i ORDER BY 1") == [(1, "NEEDS-ACTION"),
                                                      (5, None)]
        q(db, "INSERT INTO answer (participant_id, session_id, partstat,"
              " source, sequence, answered_at) VALUES (%s, 1, 'ACCEPTED',"
              " 'calendar', 2, now())", pid)
        assert one(db, "SELECT summit_invitation_answer(i) FROM invitation i"
                   " WHERE session_id = 1") == "ACCEPTED"
        for bad, name in (
                ("'MAYBE', 'page', 2", "answer_partstat_check"),
                ("'ACCEPTED', 'fax', 2", "answer_source_check"),
                ("'ACCEPTED', 'page', -1", "answer_sequence_check")):
            e = refused(db, "INSERT INTO answer (participant_id, session_id,"
                        " partstat, source, sequence, answered_at) VALUES"
                        " (%s, 1, " + bad + ", now())", pid)
            assert e.diag.constraint_name == name, e.diag.constraint_name
        e = refused(db, "INSERT INTO answer (participant_id, session_id,"
                    " partstat, source, sequence, answered_at) VALUES"
                    " (%s, 9, 'ACCEPTED', 'page', 0, now())", pid)
        assert e.diag.constraint_name == \
            "answer_participant_id_session_id_fkey"
        # An answer goes with its invitation.
        q(db, "DELETE FROM invitation WHERE session_id = 1")
        assert one(db, "SELECT count(*) FROM answer") == 0
    finally:
        db.close()
        drop_database("summit_it_schema_answers")


@case
def bounces_migration_keeps_data():
    url, db = at_008("summit_it_schema_bounces")
    try:
        ev, other, people, stranger = load_more(db)
        r = migrate_through(url, "011")
        assert r.returncode == 0, r.stderr
        # Mail in every state, to a participant and to no one.
        for n, st in enumerate(["queued", "sent", "failed"]):
            q(db, "INSERT INTO outbox (event_id, participant_id, kind,"
              " recipient, state) VALUES (%s, %s, 'link_again', %s, %s)",
              ev, people[n], "p%d@example.no" % n, st)
        q(db, "INSERT INTO outbox (kind, recipient) VALUES ('activation',"
          " 'admin@example.no')")
        before = checksums(db)
        r = migrate_through(url, "012")
        assert r.returncode == 0, r.stderr
        assert "012_bounces" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        assert {t: after[t] for t in before} == before
        assert after["mailbox_cursor"] == "0:" and \
            after["mail_bounce"] == "0:", after
        assert scheme_breaches(db) == [], scheme_breaches(db)
        q(db, "UPDATE outbox SET state = 'held' WHERE state = 'queued'")
        e = refused(db, "UPDATE outbox SET state = 'lost'")
        assert e.diag.constraint_name == "outbox_state_check", e
        e = refused(db, "INSERT INTO mail_bounce (address, status,"
                    " report_id) VALUES ('a@b.no', '5.1', 'x')")
        assert e.diag.constraint_name == "mail_bounce_status_check", e
    finally:
        db.close()
        drop_database("summit_it_schema_bounces")


def events_without(db, column):
    """The event rows without one column, as text."""
    return one(db, "SELECT string_agg((to_jsonb(e) - %s)::text, '|'"
               " ORDER BY e.id) FROM event e", column)


@case
def refill_migration_on_data():
    """sql/013_refill.sql on a database holding registrations, placements
    and invitations: every event gets refill_automatically false (no event
    starts filling seats by itself), and nothing else changes."""
    url, db = at_008("summit_it_schema_refill", "012")
    try:
        load_more(db)
        ev = one(db, "SELECT min(id) FROM event")
        pid = one(db, "SELECT min(id) FROM participant WHERE event_id = %s"
                  " AND status = 'confirmed'", ev)
        q(db, "INSERT INTO assignment (event_id, participant_id, session_id,"
              " published) VALUES (%s, %s, 1, true) ON CONFLICT DO NOTHING",
          ev, pid)
        before = checksums(db)
        events = events_without(db, "refill_automatically")
        r = migrate_through(url, "013")
        assert r.returncode == 0, r.stderr
        after = checksums(db)
        before.pop("event")
        after.pop("event")
        assert after == before
        assert events_without(db, "refill_automatically") == events
        assert q(db, "SELECT DISTINCT refill_automatically FROM event") == \
            [(False,)]
        assert one(db, "SELECT count(*) FROM event") >= 2
        e = refused(db, "UPDATE event SET refill_automatically = NULL")
        assert e.pgcode == "23502", e.pgcode  # not null
        assert scheme_breaches(db) == [], scheme_breaches(db)
    finally:
        db.close()
        drop_database("summit_it_schema_refill")


@case
def replies_migration_keeps_data():
    url, db = at_008("summit_it_schema_replies", "013")
    try:
        ev, other, people, stranger = load_more(db)
        pid = people[0]
        sid = one(db, "SELECT session_id FROM assignment WHERE"
                  " participant_id = %s", pid)
        q(db, "INSERT INTO invitation (event_id, participant_id, session_id,"
              " sequence, state, fingerprint) VALUES (%s, %s, %s, 1,"
              " 'invited', 'x')", ev, pid, sid)
        q(db, "INSERT INTO answer (participant_id, session_id, partstat,"
              " source, sequence, answered_at) VALUES (%s, %s, 'ACCEPTED',"
              " 'calendar', 1, now())", pid, sid)
        before = checksums(db)
        # Through 014 only: later migrations add to other tables.
        r = migrate_through(url, "014")
        assert r.returncode == 0, r.stderr
        assert "014_replies" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        assert after.pop("mail_reply") == "0:", after
        # Later migrations run too: 017 gives sectors a colour (its own
        # case, sector_colour_migration_on_data).
        before.pop("sector")
        after.pop("sector")
        assert {t: after[t] for t in before} == before
        assert scheme_breaches(db) == [], scheme_breaches(db)
        ins = ("INSERT INTO mail_reply (report_id, participant_id,"
               " session_id, method, partstat, sequence, outcome,"
               " proposed_starts_at, proposed_ends_at) VALUES (%s, %s, %s,"
               " %s, '', 1, %s, %s, %s)")
        q(db, ins, "<a@x>", pid, sid, "COUNTER", "proposed",
          "2027-03-11 12:00Z", "2027-03-11 13:00Z")
        for args, name in (
                (("<b@x>", pid, sid, "REQUEST", "recorded", None, None),
                 "mail_reply_method_check"),
                (("<b@x>", pid, sid, "REPLY", "lost", None, None),
                 "mail_reply_outcome_check"),
                (("<b@x>", pid, sid, "COUNTER", "proposed", None, None),
                 "mail_reply_proposed_starts_at_check"),
                (("<a@x>", pid, sid, "REPLY", "recorded", None, None),
                 "mail_reply_report_id_participant_id_session_id_key"),
                (("<b@x>", stranger, sid, "REPLY", "recorded", None, None),
                 "mail_reply_participant_id_session_id_fkey")):
            e = refused(db, ins, *args)
            assert e.diag.constraint_name == name, (name, e)
        # It goes with its invitation.
        q(db, "DELETE FROM invitation WHERE participant_id = %s", pid)
        assert one(db, "SELECT count(*) FROM mail_reply") == 0
    finally:
        db.close()
        drop_database("summit_it_schema_replies")


@case
def messages_migration_on_data():
    """sql/018_messages.sql on a database holding registrations and mail:
    every event gets reminders on, 7 and 1 days before; no row of any
    other table changes; message and reminder_sent start empty and their
    rules hold (one claim per person and reminder)."""
    url, db = at_008("summit_it_schema_messages", "017")
    try:
        ev, other, people, stranger = load_more(db)
        q(db, "INSERT INTO outbox (event_id, participant_id, kind,"
          " recipient) VALUES (%s, %s, 'link_again', 'p@example.no')",
          ev, people[0])
        before = checksums(db)
        events = events_without(db, "reminders_on")
        r = migrate_through(url, "018")
        assert r.returncode == 0, r.stderr
        assert "018_messages" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        before.pop("event")
        after.pop("event")
        assert after.pop("message") == "0:" and \
            after.pop("reminder_sent") == "0:", after
        assert {t: after[t] for t in before} == before
        assert q(db, "SELECT DISTINCT reminders_on, reminder_days FROM"
                 " event") == [(True, [7, 1])]
        assert one(db, "SELECT count(*) FROM event") >= 2
        assert scheme_breaches(db) == [], scheme_breaches(db)
        for days in ("{0}", "{366}", "{1,NULL}",
                     "{1,2,3,4,5,6,7,8,9,10,11}"):
            e = refused(db, "UPDATE event SET reminder_days = %s", days)
            assert e.diag.constraint_name == "event_reminder_days_check", \
                (days, e)
        assert one(db, "SELECT string_agg((to_jsonb(e) - 'reminders_on'"
                   " - 'reminder_days')::text, '|' ORDER BY e.id)"
                   " FROM event e") == events
        ins = ("INSERT INTO reminder_sent (event_id, participant_id,"
               " days_before) VALUES (%s, %s, %s)")
        q(db, ins, ev, people[0], 7)
        e = refused(db, ins, ev, people[0], 7)
        assert e.diag.constraint_name == "reminder_sent_pkey", e
        e = refused(db, ins, ev, people[0], 0)
        assert e.diag.constraint_name == "reminder_sent_days_before_check", e
        e = refused(db, "INSERT INTO message (event_id, subject_nb,"
                    " subject_en, body_nb, body_en) VALUES (%s, '', 'x',"
                    " 'x', 'x')", ev)
        assert e.diag.constraint_name == "message_subject_nb_check", e
    finally:
        db.close()
        drop_database("summit_it_schema_messages")


@case
def invitees_migration_keeps_data():
    url, db = at_008("summit_it_schema_invitees", "018")
    try:
        ev, other, people, stranger = load_more(db)
        q(db, "INSERT INTO invitation_code (event_id, code, email)"
              " VALUES (%s, 'ABCDEF1234', 'x@example.no')", ev)
        q(db, "INSERT INTO outbox (event_id, participant_id, kind,"
              " recipient, state) VALUES (%s, %s, 'link_again',"
              " 'p@example.no', 'sent')", ev, people[0])
        before = checksums(db)
        r = migrate_through(url, "019")
        assert r.returncode == 0, r.stderr
        assert "019_invitees" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        assert after.pop("invitee") == "0:" and \
            after.pop("invitee_event") == "0:", after
        assert {t: after[t] for t in before} == before
        assert scheme_breaches(db) == [], scheme_breaches(db)
        code = one(db, "SELECT id FROM invitation_code WHERE code ="
                   " 'ABCDEF1234'")
        ins = ("INSERT INTO invitee (event_id, name, email, code_id,"
               " link_nonce, link_hash) VALUES (%s, %s, %s, %s, %s, %s)")
        q(db, ins, ev, "Ola", "x@example.no", code, "a" * 32, "h1")
        q(db, "INSERT INTO invitation_code (event_id, code) VALUES (%s,"
              " 'ABCDEF5678')", ev)
        code = one(db, "SELECT id FROM invitation_code WHERE code ="
                   " 'ABCDEF5678'")
        for args, name in (
                ((ev, "Ola", "X@example.no", code, "b" * 32, "h2"),
                 "invitee_event_id_email_key"),
                ((ev, "", "y@example.no", code, "b" * 32, "h2"),
                 "invitee_name_check"),
                ((ev, "Per", "nope", code, "b" * 32, "h2"),
                 "invitee_email_check"),
                ((ev, "Per", "y@example.no", code, "b" * 32, "h1"),
                 "invitee_link_hash_key")):
            e = refused(db, ins, *args)
            assert e.diag.constraint_name == name, (name, e)
        e = refused(db, "INSERT INTO invitee_event (event_id, language)"
                    " VALUES (%s, 'de')", ev)
        assert e.diag.constraint_name == "invitee_event_language_check", e
    finally:
        db.close()
        drop_database("summit_it_schema_invitees")


@case
def api_migration_keeps_data():
    url, db = at_008("summit_it_schema_api", "019")
    try:
        ev, other, people, stranger = load_more(db)
        sid = one(db, "SELECT session_id FROM assignment WHERE"
                  " participant_id = %s", people[0])
        q(db, "INSERT INTO invitation (event_id, participant_id, session_id,"
              " sequence, state, fingerprint) VALUES (%s, %s, %s, 0,"
              " 'invited', 'x')", ev, people[0], sid)
        before = checksums(db)
        r = migrate_through(url, "020")
        assert r.returncode == 0, r.stderr
        assert "020_api" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        for t in ("api_token", "webhook_endpoint", "webhook_outbox"):
            assert after.pop(t) == "0:", t
        assert {t: after[t] for t in before} == before
        assert scheme_breaches(db) == [], scheme_breaches(db)
        org = one(db, "SELECT id FROM organiser")
        e = refused(db, "INSERT INTO api_token (organiser_id, event_id, hash,"
                    " scopes) VALUES (%s, %s, repeat('a', 64),"
                    " ARRAY['write'])", org, ev)
        assert e.diag.constraint_name == "api_token_scopes_check", e
        e = refused(db, "INSERT INTO webhook_endpoint (event_id, url, secret,"
                    " kinds) VALUES (%s, 'http://x/', repeat('s', 16),"
                    " ARRAY['everything'])", ev)
        assert e.diag.constraint_name == "webhook_endpoint_kinds_check", e
        q(db, "INSERT INTO webhook_endpoint (event_id, url, secret, kinds)"
              " VALUES (%s, 'http://x/', repeat('s', 16),"
              " ARRAY['registration.cancelled'])", ev)
        # Existing rows queued nothing; a change now does, for its event.
        assert one(db, "SELECT count(*) FROM webhook_outbox") == 0
        q(db, "UPDATE participant SET status = 'cancelled' WHERE id IN"
              " (%s, %s)", people[1], stranger)
        assert q(db, "SELECT kind, payload->>'registration_id' FROM"
                 " webhook_outbox") == [("registration.cancelled",
                                         str(people[1]))]
    finally:
        db.close()
        drop_database("summit_it_schema_api")


@case
def sector_colour_migration_on_data():
    url, db = at_008("summit_it_schema_colour", "016")
    try:
        ev, other, people, stranger = load_more(db)
        q(db, "INSERT INTO sector (event_id, code, name_nb, name_en,"
          " position) VALUES (%s, 'aaa', 'A', 'A', 9)", other)
        before = checksums(db)
        rows = ("SELECT string_agg((to_jsonb(s) - 'colour')::text, '|'"
                " ORDER BY s.event_id, s.code) FROM sector s")
        sectors = one(db, rows)
        r = migrate_through(url, "017")
        assert r.returncode == 0, r.stderr
        assert "017_sector_colour" in r.stderr + r.stdout, r.stdout
        after = checksums(db)
        before.pop("sector")
        after.pop("sector")
        assert after == before
        assert one(db, rows) == sectors
        # In set-up order per event: the demo's by position, the other's
        # business (position 0) before aaa (9).
        got = q(db, "SELECT event_id, code, colour FROM sector"
                " ORDER BY event_id, position, code")
        palette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"]
        demo = [c for e, _, c in got if e == ev]
        assert demo == palette[:len(demo)], got
        assert [c for e, _, c in got if e == other] == palette[:2], got
        q(db, "INSERT INTO sector (event_id, code, name_nb, name_en)"
          " VALUES (%s, 'later', 'L', 'L'), (%s, 'later2', 'L', 'L')",
          other, other)
        assert q(db, "SELECT colour FROM sector WHERE event_id = %s AND"
                 " code LIKE 'later%%' ORDER BY code", other) == \
            [("#009e73",), ("#cc79a7",)]
        e = refused(db, "UPDATE sector SET colour = 'red'")
        assert e.diag.constraint_name == "sector_colour_check", e
        e = refused(db, "UPDATE sector SET colour = '#ABCDEF'")
        assert e.diag.constraint_name == "sector_colour_check", e
        assert scheme_breaches(db) == [], scheme_breaches(db)
    finally:
        db.close()
        drop_database("summit_it_schema_colour")


@case
def events_migration_on_data():
    """022 on a database holding two events, an admin, staff and the door:
    staff and door keep their role in every event there is, admins become
    the installation's, old audit entries belong to the newest event (the
    only one every page meant before), nothing else changes; a copy of an
    event takes its programme, sectors and questions, never its people."""
    url, db = at_008("summit_it_schema_events", "021")
    try:
        ev, other, people, stranger = load_more(db)
        staff = one(db, "INSERT INTO organiser (email, role) VALUES"
                    " ('staff@example.no', 'staff') RETURNING id")
        door = one(db, "INSERT INTO organiser (email, role) VALUES"
                   " ('door@example.no', 'door') RETURNING id")
        before = checksums(db)
        r = migrate_through(url, "022")
        assert r.returncode == 0, r.stderr
        assert "022_events" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        for t in ("organiser", "audit_log", "event", "event_organiser"):
            before.pop(t, None)
            after.pop(t, None)
        assert after == before
        assert q(db, "SELECT organiser_id, event_id, role FROM"
                 " event_organiser ORDER BY 1, 2") == sorted(
            [(staff, ev, "staff"), (staff, other, "staff"),
             (door, ev, "door"), (door, other, "door")])
        assert dict(q(db, "SELECT email, role FROM organiser")) == {
            "admin@example.no": "admin", "staff@example.no": "organiser",
            "door@example.no": "organiser"}
        assert q(db, "SELECT DISTINCT event_id FROM audit_log") == \
            [(max(ev, other),)]
        assert one(db, "SELECT count(*) FROM event WHERE archived_at IS"
                   " NOT NULL OR sender_name <> ''") == 0
        e = refused(db, "UPDATE event SET slug = 'console' WHERE id = %s",
                    other)
        assert e.diag.constraint_name == "event_slug_check", e
        r = migrate_through(url, "028")
        assert r.returncode == 0, r.stderr
        q(db, "INSERT INTO question (event_id, kind, label_nb, label_en)"
          " VALUES (%s, 'choice', 'Mat', 'Food') RETURNING id", ev)
        qid = one(db, "SELECT id FROM question WHERE event_id = %s", ev)
        q(db, "INSERT INTO question_choice (event_id, question_id,"
          " label_nb, label_en) VALUES (%s, %s, 'Ja', 'Yes'),"
          " (%s, %s, 'Nei', 'No')", ev, qid, ev, qid)
        new = one(db, "SELECT summit_event_copy(%s, 'copy', 'Kopi', 'Copy',"
                  " '2028-03-09')", ev)
        for t in ("sector", "slot", "session", "question", "question_choice"):
            assert one(db, "SELECT count(*) FROM %s WHERE event_id = %%s"
                       % t, new) == one(
                db, "SELECT count(*) FROM %s WHERE event_id = %%s" % t,
                ev), t
        assert one(db, "SELECT count(*) FROM participant WHERE event_id"
                   " = %s", new) == 0
        assert one(db, "SELECT to_char(starts_at AT TIME ZONE timezone,"
                   " 'YYYY-MM-DD HH24:MI') FROM event WHERE id = %s",
                   new) == "2028-03-09 " + one(
            db, "SELECT to_char(starts_at AT TIME ZONE timezone, 'HH24:MI')"
            " FROM event WHERE id = %s", ev)
        assert scheme_breaches(db) == [], scheme_breaches(db)
    finally:
        db.close()
        drop_database("summit_it_schema_events")


@case
def deadlines_migration_on_data():
    url, db = at_008("summit_it_schema_deadlines", "021")
    try:
        ev, other, people, stranger = load_more(db)
        # Whatever comes between 021 and 024 first, so only 024 is seen.
        r = migrate_through(url, "023")
        assert r.returncode == 0, r.stderr
        before = checksums(db)
        rows = {t: "SELECT string_agg((to_jsonb(x) - %s::text[])::text, '|'"
                " ORDER BY x.id) FROM %s x" % ("%s", t)
                for t in ("event", "participant")}
        new = {"event": ["change_deadline", "cancel_deadline",
                         "cancel_late_allowed", "promotion_stop_hours"],
               "participant": ["cancelled_late"]}
        kept = {t: one(db, rows[t], new[t]) for t in rows}
        r = migrate_through(url, "024")
        assert r.returncode == 0, r.stderr
        assert "024_deadlines" in r.stderr + r.stdout, (r.stdout, r.stderr)
        after = checksums(db)
        assert after.pop("change_request") == "0:", after
        for t in rows:
            before.pop(t)
            after.pop(t)
            assert one(db, rows[t], new[t]) == kept[t], t
        assert after == before
        assert q(db, "SELECT DISTINCT change_deadline, cancel_deadline,"
                 " cancel_late_allowed, promotion_stop_hours FROM event") \
            == [(None, None, False, 0)]
        assert one(db, "SELECT count(*) FROM participant WHERE"
                   " cancelled_late") == 0
        assert scheme_breaches(db) == [], scheme_breaches(db)
        e = refused(db, "UPDATE event SET promotion_stop_hours = -1")
        assert e.diag.constraint_name == "event_promotion_stop_hours_check", e
        e = refused(db, "UPDATE participant SET cancelled_late = true"
                    " WHERE id = %s", people[0])
        assert e.diag.constraint_name == "participant_cancelled_late_check", e
        q(db, "UPDATE participant SET cancelled_late = true WHERE id = %s",
          people[8])
        q(db, "UPDATE participant SET status = 'confirmed' WHERE id = %s",
          people[8])
        assert one(db, "SELECT cancelled_late FROM participant WHERE id ="
                   " %s", people[8]) is False
        ins = ("INSERT INTO change_request (event_id, participant_id,"
               " sessions) VALUES (%s, %s, %s)")
        q(db, ins, ev, people[0], [1, 2])
        for args, name in (
                ((ev, people[0], [3]),
                 "change_request_participant_id_state_key"),
                ((ev, people[1], [1, 2, 3, 4, 5, 6]),
                 "change_request_sessions_check"),
                ((other, people[1], [1]),
                 "change_request_participant_id_event_id_fkey")):
            e = refused(db, ins, *args)
            assert e.diag.constraint_name == name, (name, e)
        e = refused(db, "UPDATE change_request SET state = 'accepted'")
        assert e.diag.constraint_name == "change_request_decided_at_check", e
        # The request goes with its participant.
        q(db, "DELETE FROM participant WHERE id = %s", people[0])
        assert one(db, "SELECT count(*) FROM change_request") == 0
    finally:
        db.close()
        drop_database("summit_it_schema_deadlines")
def substitutes_migration_keeps_data():
    """sql/025: every row stays as it was; events ask for no approval; a
    hand-over row names a place of its own event, one open at a time, and
    a substituted status is allowed."""
    url, db = at_008("summit_it_schema_substitutes", "024")
    try:
        ev, other, people, stranger = load_more(db)
        before = checksums(db)
        cols = ("SELECT string_agg((to_jsonb(x) - %s)::text, '|'"
                " ORDER BY x.id) FROM {} x")
        new = (("event", "substitute_approval"),
               ("participant", "substitute_for"))
        rows = {t: one(db, cols.format(t), c) for t, c in new}
        r = migrate_through(url, "025")
        assert r.returncode == 0, r.stderr
        assert "025_substitutes" in r.stderr + r.stdout, r.stdout
        after = checksums(db)
        # The new columns hold their defaults for every existing row.
        assert one(db, "SELECT count(*) FROM event WHERE"
                   " substitute_approval") == 0
        assert one(db, "SELECT count(*) FROM participant WHERE"
                   " substitute_for IS NOT NULL") == 0
        for t, c in new:
            after.pop(t)
            before.pop(t)
            assert one(db, cols.format(t), c) == rows[t], t
        assert after == before
        assert scheme_breaches(db) == [], scheme_breaches(db)
        ins = ("INSERT INTO participant (event_id, name, email,"
               " organisation, sector, status, hold_until, consent_at,"
               " substitute_for) VALUES (%s, 'Sub', %s, 'Org', %s,"
               " 'pending', now() + interval '1 day', now(), %s)"
               " RETURNING id")
        # A place of another event cannot be taken over.
        e = refused(db, ins, other, "x@example.no", "business", people[0])
        assert e.diag.constraint_name == \
            "participant_substitute_for_event_id_fkey", e
        db.rollback()
        sub = one(db, ins, ev, "sub@example.no", "business", people[0])
        e = refused(db, ins, ev, "sub2@example.no", "business", people[0])
        assert e.diag.constraint_name == \
            "participant_substitute_for_status_key", e
        db.rollback()
        q(db, "UPDATE participant SET status = 'substituted' WHERE id = %s",
          people[0])
        e = refused(db, "UPDATE participant SET status = 'gone' WHERE"
                    " id = %s", people[1])
        assert e.diag.constraint_name == "participant_status_check", e
        db.rollback()
        # The original removed: the substitute's registration stays.
        q(db, "DELETE FROM participant WHERE id = %s", people[0])
        assert one(db, "SELECT substitute_for FROM participant WHERE"
                   " id = %s", sub) is None
    finally:
        db.close()
        drop_database("summit_it_schema_substitutes")


if __name__ == "__main__":
    run()
