#!/usr/bin/env python3
"""test_console_setup.py -- event set-up in the console: the event's
settings, slots, sessions, sectors and invitation codes, against a real
summitd and PostgreSQL.  Each change must show on the public pages, be in
the audit log with before and after, and be refused (403, nothing changed)
for staff; a wrong value comes back as 400 with a message beside the field
and nothing changed; invitation-only registration takes one use of a code in
the registration's own transaction."""
import csv
import io
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, confirm, link_from_mail,  # noqa: E402
                     organiser, wait_for)
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_http_console_setup")
    inst.server = inst.start()
    inst.admin = organiser(inst, "admin@example.no", "admin")
    inst.staff = organiser(inst, "staff@example.no", "staff")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def csrf(c, path):
    r = c.get(path)
    assert r.status == 200, (path, r.status, r.text[:300])
    m = re.search(r'name="_csrf" value="([0-9a-f]+)"', r.text)
    assert m, path
    return m.group(1)


def event_row(inst):
    """The event's settings as the form sends them."""
    cols = ("name_nb", "name_en", "description_nb", "description_en",
            "venue", "timezone")
    row = inst.query(
        "SELECT " + ", ".join(cols) + ","
        " to_char(starts_at AT TIME ZONE timezone, 'YYYY-MM-DD\"T\"HH24:MI'),"
        " to_char(ends_at AT TIME ZONE timezone, 'YYYY-MM-DD\"T\"HH24:MI'),"
        " to_char(registration_opens AT TIME ZONE timezone,"
        "   'YYYY-MM-DD\"T\"HH24:MI'),"
        " to_char(registration_closes AT TIME ZONE timezone,"
        "   'YYYY-MM-DD\"T\"HH24:MI'),"
        " capacity::text, invitation_mode, mailbox FROM event")[0]
    names = cols + ("starts_at", "ends_at", "registration_opens",
                    "registration_closes", "capacity", "invitation_mode",
                    "mailbox")
    return dict(zip(names, row))


def post_event(inst, c, **over):
    f = event_row(inst)
    f.update(over)
    f["_csrf"] = csrf(c, "/console/event")
    return c.post("/console/event", f)


def session_form(inst, sid, **over):
    row = inst.query(
        "SELECT slot_id::text, title_nb, title_en, description_nb,"
        " description_en, room, capacity::text, tables::text,"
        " seats_per_table::text, sector_share_pct::text, org_limit::text"
        " FROM session WHERE id = %s", sid)[0]
    names = ("slot_id", "title_nb", "title_en", "description_nb",
             "description_en", "room", "capacity", "tables",
             "seats_per_table", "sector_share_pct", "org_limit")
    f = dict(zip(names, row))
    f.update(over)
    return f


def audit(inst, action):
    rows = inst.query("SELECT actor, before, after FROM audit_log"
                      " WHERE action = %s ORDER BY id", action)
    return rows


def reg_form(c, **over):
    f = {"_csrf": c.csrf(), "name": "Kari Nordmann",
         "email": "kari@example.no", "organisation": "LO",
         "sector": "union", "role": "", "needs": "", "language": "nb",
         "consent": "yes", "rank1": "1", "rank2": "5"}
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def participants(inst, email=None):
    if email is None:
        return inst.scalar("SELECT count(*) FROM participant")
    return inst.scalar("SELECT count(*) FROM participant WHERE"
                       " lower(email) = lower(%s)", email)


@case
def staff_sees_read_only_and_cannot_change(inst):
    r = inst.staff.get("/console/event")
    assert r.status == 200, r.status
    assert 'value="Digitalt toppmøte om KI"' in r.text
    assert "<fieldset disabled>" in r.text
    assert 'type="submit">' not in r.text.split("<main")[1].split(
        "</form>")[0].replace("logout", "")
    before = event_row(inst)
    audits = inst.scalar("SELECT count(*) FROM audit_log")
    token = csrf(inst.staff, "/console/event")
    f = dict(before, name_nb="Kapret", capacity="10", _csrf=token)
    assert inst.staff.post("/console/event", f).status == 403
    f = session_form(inst, 1, title_nb="Kapret", _csrf=token)
    assert inst.staff.post("/console/sessions/1", f).status == 403
    assert inst.staff.post("/console/sessions/1/cancel",
                           {"_csrf": token}).status == 403
    assert inst.staff.post("/console/slots", {
        "_csrf": token, "starts_at": "2027-03-11T16:00",
        "ends_at": "2027-03-11T17:00"}).status == 403
    assert inst.staff.post("/console/slots/1/delete",
                           {"_csrf": token}).status == 403
    assert inst.staff.post("/console/sectors", {
        "_csrf": token, "code": "ngo", "name_nb": "Frivillig",
        "name_en": "NGO", "position": "9"}).status == 403
    assert inst.staff.post("/console/sectors/other/delete",
                           {"_csrf": token}).status == 403
    assert inst.staff.post("/console/codes", {
        "_csrf": token, "count": "5", "max_uses": "1"}).status == 403
    assert event_row(inst) == before
    assert inst.scalar("SELECT title_nb FROM session WHERE id = 1") != \
        "Kapret"
    assert inst.scalar("SELECT status FROM session WHERE id = 1") == "active"
    assert inst.scalar("SELECT count(*) FROM slot") == 3
    assert inst.scalar("SELECT count(*) FROM sector") == 5
    assert inst.scalar("SELECT count(*) FROM invitation_code") == 0
    assert inst.scalar("SELECT count(*) FROM audit_log") == audits
    # Staff may read every page and download the codes.
    for path in ("/console/programme", "/console/sessions/1",
                 "/console/slots/1", "/console/sectors",
                 "/console/sectors/union", "/console/codes",
                 "/console/codes.csv"):
        assert inst.staff.get(path).status == 200, path
    # Nobody logged in gets nothing.
    assert Client(inst.port).get("/console/event").status == 303


@case
def admin_edits_the_event_and_the_public_page_shows_it(inst):
    c = inst.admin
    r = post_event(inst, c, name_nb="Toppmøtet om KI 2027",
                   venue="Oslo rådhus", description_nb="Ny <b>tekst</b>")
    assert r.status == 303 and \
        r.getheader("Location") == "/console/event?done=1", r.status
    r = Client(inst.port).get("/")
    assert "Toppmøtet om KI 2027" in r.text and "Oslo rådhus" in r.text
    assert "Ny &lt;b&gt;tekst&lt;/b&gt;" in r.text
    (actor, before, after), = audit(inst, "setup.event")
    assert actor == "admin@example.no"
    assert before["name_nb"] == "Digitalt toppmøte om KI"
    assert after["name_nb"] == "Toppmøtet om KI 2027"
    assert after["venue"] == "Oslo rådhus"
    # Times are local to the event's zone, both ways.
    r = post_event(inst, c, starts_at="2027-03-11T08:30")
    assert r.status == 303
    assert inst.scalar("SELECT to_char(starts_at AT TIME ZONE 'UTC',"
                       " 'HH24:MI') FROM event") == "07:30"
    assert 'value="2027-03-11T08:30"' in c.get("/console/event").text
    # Another zone: the same local times mean other instants.
    assert post_event(inst, c, timezone="UTC").status == 303
    assert inst.scalar("SELECT to_char(starts_at AT TIME ZONE 'UTC',"
                       " 'HH24:MI') FROM event") == "08:30"
    assert post_event(inst, c, timezone="Europe/Oslo").status == 303


@case
def event_validation_comes_back_with_messages_and_changes_nothing(inst):
    c = inst.admin
    before = event_row(inst)
    audits = inst.scalar("SELECT count(*) FROM audit_log")
    r = post_event(inst, c, timezone="Mars/Olympus", starts_at="2027-02-30T10:00",
                   ends_at="2026-01-01T10:00", capacity="-5", name_en="",
                   invitation_mode="secret", mailbox="nobody",
                   name_nb="Beholdt navn")
    assert r.status == 400, r.status
    t = r.text
    for field in ("timezone", "starts_at", "capacity", "name_en",
                  "invitation_mode", "mailbox"):
        assert 'id="%s-err"' % field in t, field
    assert "Not a known time zone" in t or "Ikke et kjent tidssonenavn" in t
    assert 'role="alert"' in t
    assert 'value="Beholdt navn"' in t     # what was typed comes back
    # The places held show on the form that comes back too.
    held = inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                       " IS NOT NULL")
    assert re.search(r'class="help">(Places held now|Plasser holdt nå): %d<'
                     % held, t), t[t.find('id="capacity"'):][:600]
    # The end before the start, alone.
    r = post_event(inst, c, ends_at=before["starts_at"])
    assert r.status == 400 and 'id="ends_at-err"' in r.text
    for tz in ("+02:00", "../../etc/passwd", "Local", "Europe/Nowhere"):
        r = post_event(inst, c, timezone=tz)
        assert r.status == 400 and 'id="timezone-err"' in r.text, tz
    assert event_row(inst) == before
    assert inst.scalar("SELECT count(*) FROM audit_log") == audits


@case
def capacity_changes_sync_the_places_and_never_drop_held_ones(inst):
    c = inst.admin
    assert inst.scalar("SELECT count(*) FROM place") == 150
    r = post_event(inst, c, capacity="160")
    assert r.status == 303
    assert inst.scalar("SELECT count(*) FROM place") == 160
    # Two registrations hold places once confirmed.
    for i in range(2):
        p = Client(inst.port)
        r = p.post("/register", reg_form(p, email="held%d@example.no" % i))
        assert r.status == 303, r.text[:500]
        body = wait_for(lambda: [b for m, b in inst.mails() if
                                 "held%d@example.no" % i in str(m["To"])],
                        what="confirmation mail")[0]
        assert confirm(p, link_from_mail(body)).status == 303
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                       " IS NOT NULL") == 2
    r = post_event(inst, c, capacity="1")
    assert r.status == 400 and 'id="capacity-err"' in r.text
    assert "held" in r.text or "holdt" in r.text
    assert inst.scalar("SELECT capacity FROM event") == 160
    assert inst.scalar("SELECT count(*) FROM place") == 160
    r = post_event(inst, c, capacity="2")
    assert r.status == 303
    assert inst.scalar("SELECT count(*) FROM place") == 2
    before, after = audit(inst, "setup.event")[-1][1:]
    assert before["capacity"] == 160 and after["capacity"] == 2
    r = post_event(inst, c, capacity="150")
    assert r.status == 303
    assert inst.scalar("SELECT count(*) FROM place") == 150


@case
def session_edit_shows_on_the_public_page_and_is_audited(inst):
    c = inst.admin
    f = session_form(inst, 1, title_nb="KI og tillitsvalgte", room="Sal 9",
                     sector_share_pct="40", org_limit="3")
    f["_csrf"] = csrf(c, "/console/sessions/1")
    r = c.post("/console/sessions/1", f)
    assert r.status == 303, (r.status, r.text[:400])
    assert "KI og tillitsvalgte" in Client(inst.port).get("/").text
    row = inst.query("SELECT title_nb, room, sector_share_pct, org_limit"
                     " FROM session WHERE id = 1")[0]
    assert row == ("KI og tillitsvalgte", "Sal 9", 40, 3), row
    (_, before, after), = audit(inst, "setup.session_edit")
    assert before["title_nb"].startswith("KI i arbeidslivet")
    assert after["title_nb"] == "KI og tillitsvalgte"
    assert before["room"] == "Store sal" and after["room"] == "Sal 9"


@case
def session_validation_keeps_the_input_and_changes_nothing(inst):
    c = inst.admin
    before = inst.query("SELECT * FROM session WHERE id = 2")
    f = session_form(inst, 2, title_nb="Skal ikke lagres",
                     sector_share_pct="0", org_limit="0", tables="x",
                     title_en="")
    f["_csrf"] = csrf(c, "/console/sessions/2")
    r = c.post("/console/sessions/2", f)
    assert r.status == 400, r.status
    for field in ("sector_share_pct", "org_limit", "tables", "title_en"):
        assert 'id="%s-err"' % field in r.text, field
    assert 'value="Skal ikke lagres"' in r.text
    # A slot of no one's: the database says no.
    f = session_form(inst, 2, slot_id="99999")
    f["_csrf"] = csrf(c, "/console/sessions/2")
    r = c.post("/console/sessions/2", f)
    assert r.status == 400 and 'id="slot_id-err"' in r.text
    assert inst.query("SELECT * FROM session WHERE id = 2") == before
    assert audit(inst, "setup.session_edit")[-1][2]["id"] != 2


@case
def sessions_are_added_cancelled_and_reinstated_never_deleted(inst):
    c = inst.admin
    f = session_form(inst, 3, title_nb="Ny sesjon om KI", title_en="New one",
                     code="ny-sesjon")
    f["_csrf"] = csrf(c, "/console/sessions/new")
    r = c.post("/console/sessions", f)
    assert r.status == 303, (r.status, r.text[:400])
    sid = inst.scalar("SELECT id FROM session WHERE code = 'ny-sesjon'")
    assert "Ny sesjon om KI" in Client(inst.port).get("/").text
    assert audit(inst, "setup.session_add")[-1][2]["title_nb"] == \
        "Ny sesjon om KI"
    # The same code again is refused beside the field.
    f["_csrf"] = csrf(c, "/console/sessions/new")
    r = c.post("/console/sessions", f)
    assert r.status == 400 and 'id="code-err"' in r.text
    token = csrf(c, "/console/sessions/%d" % sid)
    r = c.post("/console/sessions/%d/cancel" % sid, {"_csrf": token})
    assert r.status == 303
    assert inst.scalar("SELECT status FROM session WHERE id = %s",
                       sid) == "cancelled"
    assert "Ny sesjon om KI" not in Client(inst.port).get("/").text
    (_, before, after), = audit(inst, "setup.session_cancel")
    assert before["status"] == "active" and after["status"] == "cancelled"
    r = c.post("/console/sessions/%d/reinstate" % sid, {"_csrf": token})
    assert r.status == 303
    assert inst.scalar("SELECT status FROM session WHERE id = %s",
                       sid) == "active"
    assert audit(inst, "setup.session_reinstate")


@case
def slots_are_added_edited_and_deleted_only_when_unused(inst):
    c = inst.admin
    token = csrf(c, "/console/programme")
    r = c.post("/console/slots", {"_csrf": token,
                                  "starts_at": "2027-03-11T15:00",
                                  "ends_at": "2027-03-11T14:00"})
    assert r.status == 400 and 'id="slot-ends_at-err"' in r.text
    assert inst.scalar("SELECT count(*) FROM slot") == 3
    r = c.post("/console/slots", {"_csrf": token,
                                  "starts_at": "2027-03-11T15:00",
                                  "ends_at": "2027-03-11T15:45"})
    assert r.status == 303, r.text[:300]
    slot = inst.scalar("SELECT max(id) FROM slot")
    assert "2027-03-11T15:00" in c.get("/console/programme").text
    r = c.post("/console/slots/%d" % slot, {"_csrf": token,
                                            "starts_at": "2027-03-11 15:10",
                                            "ends_at": "2027-03-11T16:00"})
    assert r.status == 303
    assert inst.scalar("SELECT to_char(starts_at AT TIME ZONE"
                       " 'Europe/Oslo', 'HH24:MI') FROM slot WHERE id = %s",
                       slot) == "15:10"
    (_, before, after), = audit(inst, "setup.slot_edit")
    assert before["starts_at"] == "2027-03-11T15:00"
    assert after["starts_at"] == "2027-03-11T15:10"
    # A slot with sessions stays, with a message.
    r = c.post("/console/slots/1/delete", {"_csrf": token})
    assert r.status == 409 and 'role="alert"' in r.text
    assert "Sessions use this time slot" in r.text or \
        "Sesjoner bruker denne tidsluken" in r.text
    assert inst.scalar("SELECT count(*) FROM slot WHERE id = 1") == 1
    r = c.post("/console/slots/%d/delete" % slot, {"_csrf": token})
    assert r.status == 303
    assert inst.scalar("SELECT count(*) FROM slot WHERE id = %s", slot) == 0
    (_, before, after), = audit(inst, "setup.slot_delete")
    assert before["id"] == slot and after is None


@case
def overlapping_slots_come_back_with_a_message_on_the_times(inst):
    """The database refuses a slot that overlaps another of the event
    (slot_event_id_starts_at_ends_at_excl); the form says so beside the
    start, keeps what was typed and changes nothing.  Touching is fine."""
    c = inst.admin
    token = csrf(c, "/console/programme")
    first, starts, ends = inst.query(
        "SELECT id, to_char(starts_at AT TIME ZONE 'Europe/Oslo',"
        " 'YYYY-MM-DD\"T\"HH24:MI'), to_char(ends_at AT TIME ZONE"
        " 'Europe/Oslo', 'YYYY-MM-DD\"T\"HH24:MI')"
        " FROM slot ORDER BY starts_at LIMIT 1")[0]
    slots = inst.query("SELECT id, starts_at, ends_at FROM slot ORDER BY id")
    audits = inst.scalar("SELECT count(*) FROM audit_log")
    r = c.post("/console/slots", {"_csrf": token, "starts_at": starts,
                                  "ends_at": ends})
    assert r.status == 400, (r.status, r.text[:300])
    assert 'id="slot-starts_at-err"' in r.text
    assert "overlaps" in r.text or "overlapper" in r.text
    assert 'value="%s"' % starts in r.text
    # Moving another slot onto the first is refused the same way.
    other = inst.scalar("SELECT id FROM slot WHERE id <> %s ORDER BY"
                        " starts_at LIMIT 1", first)
    r = c.post("/console/slots/%d" % other, {"_csrf": token,
                                             "starts_at": starts,
                                             "ends_at": ends})
    assert r.status == 400, (r.status, r.text[:300])
    assert 'id="starts_at-err"' in r.text
    assert "overlaps" in r.text or "overlapper" in r.text
    assert inst.query("SELECT id, starts_at, ends_at FROM slot"
                      " ORDER BY id") == slots
    assert inst.scalar("SELECT count(*) FROM audit_log") == audits
    # A slot that ends where the first starts only touches it.
    r = c.post("/console/slots", {"_csrf": token,
                                  "starts_at": starts[:11] + "06:00",
                                  "ends_at": starts})
    assert r.status == 303, r.text[:300]
    new = inst.scalar("SELECT max(id) FROM slot")
    r = c.post("/console/slots/%d/delete" % new, {"_csrf": token})
    assert r.status == 303


@case
def slot_times_at_a_change_of_clocks_mean_what_postgresql_says(inst):
    """app turns the form's local times into instants with the event's
    zone (GLib), as the database did before ("timestamp AT TIME ZONE"):
    02:30 on the night clocks go forward does not exist, 02:30 on the
    night they go back comes twice."""
    c = inst.admin
    token = csrf(c, "/console/programme")
    for starts, ends in (("2027-03-28T02:30", "2027-03-28T04:00"),
                         ("2027-10-31T02:30", "2027-10-31T04:00")):
        r = c.post("/console/slots", {"_csrf": token, "starts_at": starts,
                                      "ends_at": ends})
        assert r.status == 303, r.text[:300]
        slot = inst.scalar("SELECT max(id) FROM slot")
        assert inst.scalar(
            "SELECT starts_at = %s::timestamp AT TIME ZONE 'Europe/Oslo'"
            " AND ends_at = %s::timestamp AT TIME ZONE 'Europe/Oslo'"
            " FROM slot WHERE id = %s", starts, ends, slot), starts
        shown = inst.scalar(
            "SELECT to_char(starts_at AT TIME ZONE 'Europe/Oslo',"
            " 'YYYY-MM-DD\"T\"HH24:MI') FROM slot WHERE id = %s", slot)
        assert shown in c.get("/console/programme").text, shown
        r = c.post("/console/slots/%d/delete" % slot, {"_csrf": token})
        assert r.status == 303


@case
def sectors_are_added_edited_and_deleted_only_when_unused(inst):
    c = inst.admin
    token = csrf(c, "/console/sectors")
    r = c.post("/console/sectors", {"_csrf": token, "code": "Bad code!",
                                    "name_nb": "X", "name_en": "",
                                    "position": "6"})
    assert r.status == 400
    assert 'id="code-err"' in r.text and 'id="name_en-err"' in r.text
    assert inst.scalar("SELECT count(*) FROM sector") == 5
    r = c.post("/console/sectors", {"_csrf": token, "code": "ngo",
                                    "name_nb": "Frivillig sektor",
                                    "name_en": "Voluntary sector",
                                    "position": "6"})
    assert r.status == 303
    assert "Frivillig sektor" in Client(inst.port).get("/register").text
    r = c.post("/console/sectors/ngo", {"_csrf": token,
                                        "name_nb": "Frivilligheten",
                                        "name_en": "Voluntary sector",
                                        "position": "0"})
    assert r.status == 303
    assert inst.scalar("SELECT name_nb FROM sector WHERE code = 'ngo'") == \
        "Frivilligheten"
    (_, before, after), = audit(inst, "setup.sector_edit")
    assert before["name_nb"] == "Frivillig sektor"
    assert after["name_nb"] == "Frivilligheten" and after["position"] == 0
    # union is used by the registrations above.
    r = c.post("/console/sectors/union/delete", {"_csrf": token})
    assert r.status == 409 and 'role="alert"' in r.text
    assert inst.scalar("SELECT count(*) FROM sector WHERE code = 'union'") == 1
    r = c.post("/console/sectors/ngo/delete", {"_csrf": token})
    assert r.status == 303
    assert inst.scalar("SELECT count(*) FROM sector WHERE code = 'ngo'") == 0
    assert audit(inst, "setup.sector_delete")[-1][1]["code"] == "ngo"


def generate(inst, **opts):
    c = inst.admin
    f = {"_csrf": csrf(c, "/console/codes"), "count": "1", "max_uses": "1"}
    f.update(opts)
    r = c.post("/console/codes", f)
    assert r.status == 303, (r.status, r.text[:500])
    return inst.scalar("SELECT code FROM invitation_code ORDER BY id DESC"
                       " LIMIT 1")


@case
def codes_are_generated_readable_and_validated(inst):
    c = inst.admin
    r = c.post("/console/codes", {"_csrf": csrf(c, "/console/codes"),
                                  "count": "10001", "max_uses": "1"})
    assert r.status == 400 and 'id="count-err"' in r.text
    assert inst.scalar("SELECT count(*) FROM invitation_code") == 0
    generate(inst, count="200", max_uses="3")
    codes = [row[0] for row in inst.query("SELECT code FROM invitation_code")]
    assert len(codes) == 200 and len(set(codes)) == 200
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", code), code
    assert inst.scalar("SELECT DISTINCT max_uses FROM invitation_code") == 3
    (_, before, after), = audit(inst, "setup.codes_generate")
    assert before is None and after["count"] == 200
    assert codes[0] in c.get("/console/codes").text


@case
def invitation_only_registration_needs_a_good_code(inst):
    c = inst.admin
    assert "invitation_code" not in Client(inst.port).get("/register").text
    r = post_event(inst, c, invitation_mode="invitation")
    assert r.status == 303
    code = generate(inst)
    p = Client(inst.port)
    assert 'name="invitation_code"' in p.get("/register").text
    n = participants(inst)
    # No code: a field error and no participant.
    r = p.post("/register", reg_form(p, email="inv1@example.no"))
    assert r.status == 400 and 'id="invitation_code-err"' in r.text
    assert participants(inst) == n
    r = p.post("/register", reg_form(p, email="inv1@example.no",
                                     invitation_code="WRONGCODE9"))
    assert r.status == 400 and 'id="invitation_code-err"' in r.text
    assert "invalid or used" in r.text or "ugyldig eller brukt" in r.text
    assert participants(inst) == n
    # A good single-use code (any case) registers and is used.
    r = p.post("/register", reg_form(p, email="inv1@example.no",
                                     invitation_code=code.lower()))
    assert r.status == 303, r.text[:500]
    assert participants(inst, "inv1@example.no") == 1
    assert inst.scalar("SELECT used FROM invitation_code WHERE code = %s",
                       code) == 1
    assert inst.scalar("SELECT i.code FROM participant p JOIN"
                       " invitation_code i ON i.id = p.invitation_code_id"
                       " WHERE p.email = 'inv1@example.no'") == code
    # Reuse by someone else is refused.
    q = Client(inst.port)
    r = q.post("/register", reg_form(q, email="inv2@example.no",
                                     invitation_code=code))
    assert r.status == 400 and 'id="invitation_code-err"' in r.text
    assert participants(inst, "inv2@example.no") == 0
    # The same person again with the used-up code: exactly the answer
    # anyone else gets, so it does not reveal who is registered; no use
    # taken.
    r2 = q.post("/register", reg_form(q, email="INV1@example.no",
                                      invitation_code=code))
    assert r2.status == r.status == 400, r2.status
    assert r2.text.replace("INV1@example.no", "E") == \
        r.text.replace("inv2@example.no", "E")
    assert participants(inst, "inv1@example.no") == 1
    assert inst.scalar("SELECT used FROM invitation_code WHERE code = %s",
                       code) == 1
    # A known e-mail with an unused code does not use it either.
    spare = generate(inst)
    r = q.post("/register", reg_form(q, email="inv1@example.no",
                                     invitation_code=spare))
    assert r.status == 303
    assert inst.scalar("SELECT used FROM invitation_code WHERE code = %s",
                       spare) == 0


@case
def an_email_bound_code_refuses_other_addresses(inst):
    code = generate(inst, email="Bound@Example.no", sector="academia")
    p = Client(inst.port)
    r = p.post("/register", reg_form(p, email="other@example.no",
                                     invitation_code=code))
    assert r.status == 400 and 'id="invitation_code-err"' in r.text
    assert participants(inst, "other@example.no") == 0
    assert inst.scalar("SELECT used FROM invitation_code WHERE code = %s",
                       code) == 0
    # The bound address (any case) registers; the code's sector wins.
    r = p.post("/register", reg_form(p, email="bound@example.NO",
                                     invitation_code=code, sector="union"))
    assert r.status == 303, r.text[:500]
    assert inst.scalar("SELECT sector FROM participant WHERE"
                       " lower(email) = 'bound@example.no'") == "academia"
    assert inst.scalar("SELECT used FROM invitation_code WHERE code = %s",
                       code) == 1


@case
def multi_use_codes_count_down(inst):
    code = generate(inst, max_uses="2")
    for i, want in ((1, 303), (2, 303), (3, 400)):
        p = Client(inst.port)
        r = p.post("/register", reg_form(p, email="multi%d@example.no" % i,
                                         invitation_code=code))
        assert r.status == want, (i, r.status)
    assert inst.scalar("SELECT used FROM invitation_code WHERE code = %s",
                       code) == 2
    assert participants(inst, "multi3@example.no") == 0


@case
def a_single_use_code_used_at_once_by_many_registers_one(inst):
    import threading
    code = generate(inst)
    clients = [Client(inst.port) for _ in range(8)]
    forms = [reg_form(c, email="race%d@example.no" % i, invitation_code=code)
             for i, c in enumerate(clients)]
    statuses = [None] * len(clients)
    go = threading.Barrier(len(clients))

    def one(i):
        go.wait()
        statuses[i] = clients[i].post("/register", forms[i]).status

    threads = [threading.Thread(target=one, args=(i,))
               for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [303] + [400] * 7, statuses
    assert inst.scalar("SELECT count(*) FROM participant WHERE email LIKE"
                       " 'race%%'") == 1
    assert inst.scalar("SELECT used FROM invitation_code WHERE code = %s",
                       code) == 1


@case
def open_mode_ignores_codes(inst):
    r = post_event(inst, inst.admin, invitation_mode="open")
    assert r.status == 303
    p = Client(inst.port)
    assert 'name="invitation_code"' not in p.get("/register").text
    r = p.post("/register", reg_form(p, email="open1@example.no"))
    assert r.status == 303
    assert inst.scalar("SELECT invitation_code_id FROM participant WHERE"
                       " email = 'open1@example.no'") is None


@case
def codes_csv_is_protected_against_formula_injection(inst):
    ev = inst.scalar("SELECT id FROM event")
    for i, email in enumerate(("=1+2@example.no", "-3+4@example.no",
                               "+cmd@example.no", "plain@example.no")):
        inst.query("INSERT INTO invitation_code (event_id, code, max_uses,"
                   " email) VALUES (%s, %s, 1, %s)", ev, "CSVTEST%03d" % i,
                   email)
    r = inst.staff.get("/console/codes.csv")
    assert r.status == 200
    h = {k.lower(): v for k, v in r.getheaders()}
    assert h["content-type"].startswith("text/csv")
    assert "attachment" in h["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["code", "max_uses", "used", "email", "sector"]
    cells = {row[0]: row for row in rows[1:]}
    assert cells["CSVTEST000"][3] == "'=1+2@example.no"
    assert cells["CSVTEST001"][3] == "'-3+4@example.no"
    assert cells["CSVTEST002"][3] == "'+cmd@example.no"
    assert cells["CSVTEST003"][3] == "plain@example.no"
    assert cells["CSVTEST000"][1:3] == ["1", "0"]
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), row
    assert len(rows) - 1 == inst.scalar("SELECT count(*) FROM"
                                        " invitation_code")


@case
def the_audit_log_page_shows_setup_changes(inst):
    r = inst.admin.get("/console/audit")
    assert r.status == 200
    for action in ("setup.event", "setup.session_edit", "setup.slot_add",
                   "setup.sector_add", "setup.codes_generate"):
        assert action in r.text, action
    bad = inst.query("SELECT action FROM audit_log WHERE action LIKE"
                     " 'setup.%%' AND before IS NULL AND after IS NULL")
    assert not bad, bad
    json.dumps(bad)


if __name__ == "__main__":
    run(setup, teardown)
