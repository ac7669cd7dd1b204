#!/usr/bin/env python3
"""test_refill.py -- freed seats are filled (issue 9, item 4).

One slot of the demo event is made small: "arbeidsliv" (X) has 2 seats,
"offentlig" (Y) and "smb" (Z) 1 each.  Kari (registered through the
pages) and Per ranked only X; Siri ranked X then Z, Pål X then Y; Ola
ranked a session of another slot first and X third.  The allocation puts
Kari and Per in X, Siri in Z, Pål in Y; Ola gets nothing in that slot.

Kari declines X on her page: the seat is free, the console counts it and
who waits for it, and its preview (a GET) writes nothing.  Wenche, from
the event's waiting list, is promoted and ranks Z then X: filling gives
her the seat in X (her 2nd choice beats Ola's 3rd) and leaves Siri in Z,
though moving Siri to X and Wenche to Z would cost less -- no published
placement moves.  The invitation is queued; Kari gets nothing new.  Then
the event is set to fill seats by itself: an organiser removes Per, and
within a second (the server's interval is an hour) Ola has the seat and
an invitation queued; so does Tor when Siri's registration is cancelled.
Before anything is published there is nothing to refill."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, confirm, link_from_mail,  # noqa: E402
                     organiser, wait_for)
from tap import case, run  # noqa: E402

# The background thread's interval is an hour: what is filled within a
# second here was filled because the change that freed the seat woke it.
CONF = "[registration]\nexpiry_interval_seconds = 3600\n"


def sid(inst, code):
    return inst.scalar("SELECT id FROM session WHERE code = %s", code)


def person(inst, name, ranks, status="confirmed"):
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, consent_at, email_confirmed_at, waitlisted_at,"
        " language) SELECT id, %s, lower(%s) || '@example.no', 'Org ' || %s,"
        " 'business', %s, now(), now(), CASE WHEN %s = 'waitlisted'"
        " THEN now() END, 'en' FROM event RETURNING id",
        name, name, name, status, status)
    for rank, code in ranks:
        inst.query("INSERT INTO preference (event_id, participant_id,"
                   " session_id, rank) SELECT event_id, %s, id, %s"
                   " FROM session WHERE code = %s", pid, rank, code)
    return pid


def setup():
    inst = Instance("summit_http_refill", extra_conf=CONF)
    inst.server = inst.start()
    inst.query("UPDATE session SET capacity = CASE code WHEN 'arbeidsliv'"
               " THEN 2 ELSE 1 END, sector_share_pct = 100, org_limit = 100"
               " WHERE code IN ('arbeidsliv', 'offentlig', 'smb')")
    c = Client(inst.port)
    r = c.post("/register", {
        "_csrf": c.csrf(), "name": "Kari Nordmann", "email": "kari@example.no",
        "organisation": "LO", "sector": "union", "language": "en",
        "consent": "yes", "rank1": str(sid(inst, "arbeidsliv"))})
    assert r.status == 303, (r.status, r.text[:500])
    mail = wait_for(lambda: inst.mails(), what="confirmation mail")
    r = confirm(c, link_from_mail(mail[0][1]))
    inst.token = r.getheader("Location").split("/")[2].split("?")[0]
    inst.kari = inst.scalar("SELECT id FROM participant WHERE email ="
                            " 'kari@example.no'")
    inst.per = person(inst, "Per", [(1, "arbeidsliv")])
    inst.siri = person(inst, "Siri", [(1, "arbeidsliv"), (2, "smb")])
    inst.pal = person(inst, "Pal", [(1, "arbeidsliv"), (2, "offentlig")])
    inst.ola = person(inst, "Ola", [(1, "kompetanse"), (3, "arbeidsliv")])
    inst.admin = organiser(inst, "admin@example.no", "admin")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def placed(inst):
    """Every placement as {(participant, session)}."""
    return set(inst.query("SELECT participant_id, session_id FROM assignment"))


def in_slot(inst, pid):
    """The session pid sits in in the small slot, or None."""
    rows = inst.query(
        "SELECT a.session_id FROM assignment a JOIN session s ON s.id ="
        " a.session_id WHERE a.participant_id = %s AND s.slot_id ="
        " (SELECT slot_id FROM session WHERE code = 'arbeidsliv')", pid)
    return rows[0][0] if rows else None


def written(inst):
    """What a refill could write: placements, runs, outbox, invitations,
    audit entries."""
    return inst.query(
        "SELECT (SELECT count(*) FROM allocation_run),"
        " (SELECT count(*) FROM outbox), (SELECT count(*) FROM audit_log),"
        " (SELECT string_agg(participant_id || ':' || session_id || ':' ||"
        "   table_no || ':' || published, ',' ORDER BY participant_id,"
        "   session_id) FROM assignment),"
        " (SELECT string_agg(participant_id || ':' || session_id || ':' ||"
        "   sequence || state, ',' ORDER BY participant_id, session_id)"
        "   FROM invitation)")[0]


def invites(inst, pid, session):
    return inst.scalar(
        "SELECT count(*) FROM outbox WHERE participant_id = %s"
        " AND kind = 'invite' AND payload->>'session_id' = %s::text",
        pid, session)


def counts(text):
    m = re.search(r'id="n-freed">(\d+)<.*?id="n-waiting">(\d+)<', text, re.S)
    assert m, "no counts on the page"
    return int(m.group(1)), int(m.group(2))


@case
def before_publishing_there_is_nothing_to_refill(inst):
    before = written(inst)
    r = inst.admin.get("/console/refill")
    assert r.status == 200, r.status
    assert 'id="refill-unpublished"' in r.text
    assert 'action="/console/refill"' not in r.text
    r = inst.admin.get("/console/publish")
    assert r.status == 200 and 'id="refill-counts"' not in r.text
    assert written(inst) == before


@case
def the_allocation_is_as_planned(inst):
    inst.ctl("allocate", "--apply")
    inst.ctl("publish")
    x, y, z = (sid(inst, c) for c in ("arbeidsliv", "offentlig", "smb"))
    inst.x, inst.z = x, z
    assert in_slot(inst, inst.kari) == x and in_slot(inst, inst.per) == x
    assert in_slot(inst, inst.siri) == z and in_slot(inst, inst.pal) == y
    assert in_slot(inst, inst.ola) is None
    r = inst.admin.get("/console/publish")
    assert counts(r.text) == (0, 0), counts(r.text)
    # Filling again with nothing to fill writes nothing, not even a run.
    before = written(inst)
    r = inst.admin.post("/console/refill",
                        {"_csrf": inst.admin.csrf("/console/refill")})
    assert r.status == 303, r.status
    assert written(inst) == before
    assert 'action="/console/refill"' not in r.text


@case
def a_decline_frees_a_seat_that_the_console_counts(inst):
    seq = inst.scalar("SELECT sequence FROM invitation WHERE participant_id"
                      " = %s AND session_id = %s", inst.kari, inst.x)
    c = Client(inst.port, lang="en")
    r = c.post("/me/%s/answer" % inst.token, {
        "_csrf": c.csrf("/me/" + inst.token), "session": str(inst.x),
        "sequence": str(seq), "answer": "decline"})
    assert r.status == 303, (r.status, r.text[:300])
    assert in_slot(inst, inst.kari) is None
    inst.kari_mail = inst.scalar("SELECT count(*) FROM outbox WHERE"
                                 " participant_id = %s", inst.kari)
    r = inst.admin.get("/console/publish")
    # One seat, and Ola waits for it: Siri and Pål sit in that slot, Kari
    # declined it.
    assert counts(r.text) == (1, 1), counts(r.text)
    assert 'action="/console/refill"' in r.text
    assert "Fyll ledige plasser" in r.text


@case
def the_preview_shows_who_and_writes_nothing(inst):
    before = written(inst)
    r = inst.admin.get("/console/refill")
    assert r.status == 200, (r.status, r.text[:500])
    assert 'id="seat-%d-%d"' % (inst.ola, inst.x) in r.text
    assert len(re.findall(r'<tr id="seat-', r.text)) == 1
    assert 'action="/console/refill"' in r.text
    assert written(inst) == before


@case
def a_promoted_waitlister_waits_for_a_seat(inst):
    inst.wenche = person(inst, "Wenche", [(1, "smb"), (2, "arbeidsliv")],
                         status="waitlisted")
    # The server's interval is an hour: `summitctl expire` promotes her.
    inst.ctl("expire")
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       inst.wenche) == "confirmed"
    r = inst.admin.get("/console/publish")
    assert counts(r.text) == (1, 2), counts(r.text)
    r = inst.admin.get("/console/refill")
    # Her 2nd choice beats Ola's 3rd.
    assert 'id="seat-%d-%d"' % (inst.wenche, inst.x) in r.text
    assert 'id="seat-%d-%d"' % (inst.ola, inst.x) not in r.text


@case
def filling_moves_no_published_placement(inst):
    before = placed(inst)
    r = inst.admin.post("/console/refill",
                        {"_csrf": inst.admin.csrf("/console/refill")})
    assert r.status == 303, (r.status, r.text[:500])
    assert r.getheader("Location") == "/console/refill?done=filled"
    after = placed(inst)
    # Only Wenche's seat is new; Siri stays in Z although Siri in X and
    # Wenche in Z would cost less.
    assert after - before == {(inst.wenche, inst.x)}, after - before
    assert before - after == set(), before - after
    assert in_slot(inst, inst.siri) == inst.z
    assert inst.scalar("SELECT published FROM assignment WHERE"
                       " participant_id = %s AND session_id = %s",
                       inst.wenche, inst.x)
    assert invites(inst, inst.wenche, inst.x) == 1
    # The decliner gets nothing new.
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id"
                       " = %s", inst.kari) == inst.kari_mail
    assert in_slot(inst, inst.kari) is None
    action, after_json = inst.query(
        "SELECT action, after FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert action == "allocation.refill", action
    assert after_json["added"] == 1 and after_json["invites"] == 1
    # Nothing more to fill: no seat is free.
    r = inst.admin.get("/console/refill?done=filled")
    assert "Plassene er gitt og invitasjonene lagt i kø." in r.text
    assert 'id="refill-nothing"' in r.text
    r = inst.admin.get("/console/publish")
    assert counts(r.text) == (0, 0), counts(r.text)


def event_form(inst):
    """The event page's form as it stands: {name: value}."""
    text = inst.admin.get("/console/event").text
    form = {}
    for tag in re.findall(r"<input [^>]*>", text):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if "name" in attrs and attrs.get("type") not in ("checkbox", "hidden"):
            form[attrs["name"]] = attrs.get("value", "")
    for m in re.finditer(r'<textarea id="(\w+)"[^>]*>([^<]*)</textarea>',
                         text):
        form[m.group(1)] = m.group(2)
    m = re.search(r'<option value="(\w+)" selected>', text)
    form["invitation_mode"] = m.group(1)
    for k, v in form.items():
        form[k] = v.replace("&amp;", "&").replace("&#39;", "'")
    return form


@case
def automatically_at_once(inst):
    form = event_form(inst)
    form.update({"_csrf": inst.admin.csrf("/console/event"),
                 "refill_automatically": "yes"})
    r = inst.admin.post("/console/event", form)
    assert r.status == 303, (r.status, re.findall(
        r'class="err" id="([^"]*)">([^<]*)<', r.text), form)
    assert inst.scalar("SELECT refill_automatically FROM event")
    assert 'name="refill_automatically"' in inst.admin.get(
        "/console/event").text
    assert re.search(r'id="refill_automatically"[^>]* checked',
                     inst.admin.get("/console/event").text)
    # An organiser removes Per: within a second Ola has his seat.
    r = inst.admin.post("/console/sessions/%d/seating" % inst.x, {
        "_csrf": inst.admin.csrf("/console/sessions/%d/seating" % inst.x),
        "action": "ban", "participant": str(inst.per)})
    assert r.status == 303, (r.status, r.text[:500])
    wait_for(lambda: in_slot(inst, inst.ola) == inst.x, timeout=2,
             what="Ola placed by the background thread")
    wait_for(lambda: invites(inst, inst.ola, inst.x) == 1, timeout=2,
             what="Ola's invitation queued")
    assert in_slot(inst, inst.siri) == inst.z
    assert in_slot(inst, inst.per) is None
    assert inst.scalar("SELECT actor FROM audit_log WHERE action ="
                       " 'allocation.refill' ORDER BY id DESC LIMIT 1") \
        == "summitd"
    r = inst.admin.get("/console/publish")
    assert "fyller ledige plasser automatisk" in r.text



@case
def a_cancelled_registration_frees_its_seat_too(inst):
    # Tor ranks Z, which is full; then Siri's registration is cancelled.
    tor = person(inst, "Tor", [(1, "smb")])
    r = inst.admin.post("/console/registrations/%d/status" % inst.siri, {
        "_csrf": inst.admin.csrf("/console/registrations/%d" % inst.siri),
        "status": "cancelled"})
    assert r.status == 303, (r.status, r.text[:500])
    wait_for(lambda: in_slot(inst, tor) == inst.z, timeout=2,
             what="Tor placed in Siri's seat")
    wait_for(lambda: invites(inst, tor, inst.z) == 1, timeout=2,
             what="Tor's invitation queued")
    # Siri's placement is gone and she is sent the cancellation.
    assert in_slot(inst, inst.siri) is None
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id"
                       " = %s AND kind = 'invite_cancel'", inst.siri) == 1
    assert in_slot(inst, inst.wenche) == inst.x
    assert in_slot(inst, inst.ola) == inst.x


if __name__ == "__main__":
    run(setup, teardown)
