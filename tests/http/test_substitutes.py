#!/usr/bin/env python3
"""test_substitutes.py -- a participant hands their place to a colleague
(issue 11, item 4), with mail through a real SMTP server (aiosmtpd).

The form has a confirmation step and stores nothing before it; an e-mail
the event already has, a bad value, a second offer or a place no longer
confirmed are refused and change nothing; an offer can be withdrawn and
lapses like an unconfirmed registration.  The colleague confirms from the
mailed /confirm link (GET writes nothing, POST confirms); then place,
placements and table pass over in one go, the old address gets a CANCEL
and the new one a REQUEST for each session, under the session's own UID
(CALENDAR.md A7, B4), and the old registration is "substituted".  With the
event's approval setting, the hand-over waits for an administrator, who
approves or refuses it from the console.  Every step is audited."""
import os
import re
import sys

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, SmtpSink, organiser,  # noqa: E402
                     smtp_conf)
from tap import case, run  # noqa: E402

PW = "correct horse battery"


def send(inst):
    """Runs the mail worker once; the messages the sink got since."""
    before = len(inst.sink.messages())
    inst.ctl("mail-worker", "--once")
    return inst.sink.messages()[before:]


def to(msgs, addr):
    return [m for m in msgs if addr in str(m["To"])]


def body(msg):
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def confirm_link(msg):
    m = re.search(r"http://127\.0\.0\.1:\d+(/confirm/([0-9a-f]{32}))",
                  body(msg))
    assert m, body(msg)
    return m.group(1), m.group(2)


def calendars(msgs):
    """(METHOD, UID, SEQUENCE, ATTENDEE) of every calendar part."""
    out = []
    for m in msgs:
        for p in m.walk():
            if p.get_content_type() != "text/calendar":
                continue
            cal = icalendar.Calendar.from_ical(p.get_content())
            ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
            out.append((str(cal["METHOD"]), str(ev["UID"]),
                        int(ev["SEQUENCE"]), str(ev["ATTENDEE"])))
    return out


def person(inst, name, email):
    """Registered by the form and confirmed from the mail: the token."""
    c = Client(inst.port, lang="en")
    r = c.post("/register", {
        "_csrf": c.csrf(), "name": name, "email": email,
        "organisation": "LO", "sector": "union", "language": "en",
        "consent": "yes", "rank1": "1", "rank2": "5", "rank3": "9"})
    assert r.status == 303, r.status
    link, token = confirm_link(to(send(inst), email)[-1])
    r = c.post(link, {"_csrf": c.csrf(link)})
    assert r.status == 303, r.status
    return token


def pid(inst, email):
    rows = inst.query("SELECT id FROM participant WHERE email = %s", email)
    return rows[0][0] if rows else None


def snapshot(inst):
    """Everything a refused step must leave as it was."""
    return inst.query(
        "SELECT (SELECT count(*) FROM participant),"
        " (SELECT string_agg(id || status, ',' ORDER BY id)"
        "  FROM participant),"
        " (SELECT string_agg(participant_id || ':' || session_id || ':'"
        "  || table_no, ',' ORDER BY session_id) FROM assignment),"
        " (SELECT string_agg(place_no || ':' || participant_id, ','"
        "  ORDER BY place_no) FROM place WHERE participant_id IS NOT NULL),"
        " (SELECT count(*) FROM outbox), (SELECT count(*) FROM audit_log)")


def offer(inst, token, name, email, confirm=True, client=None, **over):
    c = client or Client(inst.port, lang="en")
    f = {"_csrf": c.csrf("/me/" + token), "name": name, "email": email,
         "organisation": "LO", "sector": "union", "language": "en"}
    if confirm:
        f["confirm"] = "yes"
    f.update(over)
    return c.post("/me/%s/substitute" % token, f)


def setup():
    sink = SmtpSink()
    inst = Instance("summit_http_substitutes", extra_conf=smtp_conf(sink))
    inst.sink = sink
    inst.server = inst.start()
    inst.kari = person(inst, "Kari Nordmann", "kari@example.no")
    inst.ola = person(inst, "Ola Hansen", "ola@example.no")
    inst.ctl("allocate", "--apply")
    inst.ctl("publish")
    sent = send(inst)
    inst.kari_invites = [c for c in calendars(to(sent, "kari@example.no"))]
    assert inst.kari_invites and all(
        c[0] == "REQUEST" for c in inst.kari_invites), inst.kari_invites
    inst.admin = organiser(inst, "admin@example.no", "admin", PW)
    inst.staff = organiser(inst, "staff@example.no", "staff", PW)
    return inst


def teardown(inst):
    if inst:
        inst.close()
        inst.sink.stop()


@case
def the_page_offers_the_hand_over_with_the_same_organisation(inst):
    r = Client(inst.port, lang="en").get("/me/" + inst.kari)
    assert r.status == 200
    assert 'action="/me/%s/substitute"' % inst.kari in r.text
    assert 'id="sub-organisation" name="organisation" type="text"' \
        ' maxlength="200" required value="LO"' in r.text
    assert '<option value="union" selected>' in r.text
    nb = Client(inst.port, lang="nb").get("/me/" + inst.kari)
    assert "Gi plassen din til en kollega" in nb.text


@case
def the_form_has_a_confirmation_step_that_stores_nothing(inst):
    before = snapshot(inst)
    r = offer(inst, inst.kari, "Siri Hansen", "siri@example.no",
              confirm=False, organisation="NHO")
    assert r.status == 200, r.status
    assert "Check the hand-over" in r.text
    assert '<input type="hidden" name="email" value="siri@example.no">' \
        in r.text
    assert '<input type="hidden" name="organisation" value="NHO">' in r.text
    assert 'name="confirm" value="yes"' in r.text
    assert snapshot(inst) == before
    # "Change" brings the form back with the values, still nothing stored.
    r = offer(inst, inst.kari, "Siri Hansen", "siri@example.no",
              confirm=False, edit="yes")
    assert r.status == 200 and 'value="siri@example.no"' in r.text
    assert "Check the hand-over" not in r.text
    assert snapshot(inst) == before


@case
def refused_offers_change_nothing(inst):
    before = snapshot(inst)
    # An e-mail the event already has (any case) cannot receive a place.
    r = offer(inst, inst.kari, "Ola Again", "OLA@example.no")
    assert r.status == 400, r.status
    assert "already registered for the event" in r.text
    # A bad address, a missing name, an unknown sector, no CSRF token.
    assert offer(inst, inst.kari, "X", "not-an-address").status == 400
    assert offer(inst, inst.kari, "", "x@example.no").status == 400
    r = offer(inst, inst.kari, "Y", "y@example.no", sector="nosuch")
    assert r.status == 400, r.status
    c = Client(inst.port)
    r = c.post("/me/%s/substitute" % inst.kari, {
        "name": "Z", "email": "z@example.no", "organisation": "LO",
        "sector": "union", "language": "en", "confirm": "yes"})
    assert r.status == 403, r.status
    # An unknown link.
    c = Client(inst.port)
    r = c.post("/me/%s/substitute" % ("0" * 32), {
        "_csrf": c.csrf(), "name": "Z", "email": "z@example.no",
        "organisation": "LO", "sector": "union", "language": "en",
        "confirm": "yes"})
    assert r.status == 404, r.status
    assert snapshot(inst) == before


@case
def an_offer_can_be_withdrawn(inst):
    r = offer(inst, inst.kari, "Per Berg", "per@example.no")
    assert r.status == 303, (r.status, r.text[:400])
    assert "done=substitute_offered" in r.getheader("Location")
    mail = to(send(inst), "per@example.no")
    assert len(mail) == 1
    assert "Kari Nordmann" in mail[0]["Subject"]
    link, _ = confirm_link(mail[0])
    page = Client(inst.port, lang="en").get("/me/" + inst.kari).text
    assert '<strong class="sub-name">Per Berg</strong>' in page
    assert "/me/%s/substitute/withdraw" % inst.kari in page
    # A second offer meanwhile: refused, nothing changes.
    before = snapshot(inst)
    assert offer(inst, inst.kari, "Q", "q@example.no").status == 409
    assert snapshot(inst) == before
    c = Client(inst.port)
    r = c.post("/me/%s/substitute/withdraw" % inst.kari,
               {"_csrf": c.csrf("/me/" + inst.kari)})
    assert r.status == 303, r.status
    assert pid(inst, "per@example.no") is None
    assert Client(inst.port).get(link).status == 404
    assert inst.scalar("SELECT status FROM participant WHERE email ="
                       " 'kari@example.no'") == "confirmed"
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'participant.substitute_withdraw'") == 1
    # Nothing left to withdraw.
    r = c.post("/me/%s/substitute/withdraw" % inst.kari,
               {"_csrf": c.csrf("/me/" + inst.kari)})
    assert r.status == 409, r.status


@case
def an_unconfirmed_offer_lapses(inst):
    assert offer(inst, inst.kari, "Rita", "rita@example.no").status == 303
    assert len(to(send(inst), "rita@example.no")) == 1
    inst.query("UPDATE participant SET hold_until = now() - interval"
               " '1 minute' WHERE email = 'rita@example.no'")
    inst.ctl("expire")
    assert pid(inst, "rita@example.no") is None
    assert inst.scalar("SELECT status FROM participant WHERE email ="
                       " 'kari@example.no'") == "confirmed"


@case
def the_colleague_confirms_and_the_place_passes_over(inst):
    kari = pid(inst, "kari@example.no")
    placed = inst.query("SELECT session_id, table_no FROM assignment"
                        " WHERE participant_id = %s ORDER BY session_id",
                        kari)
    assert placed
    place = inst.scalar("SELECT place_no FROM place WHERE participant_id"
                        " = %s", kari)
    assert offer(inst, inst.kari, "Siri Hansen", "siri@example.no",
                 organisation="NHO").status == 303
    link, token = confirm_link(to(send(inst), "siri@example.no")[0])
    # The GET only shows the offer and a button.
    before = snapshot(inst)
    c = Client(inst.port, lang="en")
    r = c.get(link)
    assert r.status == 200
    assert '<strong class="sub-from">Kari Nordmann</strong>' in r.text
    assert snapshot(inst) == before
    r = c.post(link, {"_csrf": c.csrf(link)})
    assert r.status == 303, r.status
    assert r.getheader("Location") == "/me/%s?done=confirmed" % token
    siri = pid(inst, "siri@example.no")
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       kari) == "substituted"
    assert inst.query("SELECT status, organisation, substitute_for FROM"
                      " participant WHERE id = %s", siri) == \
        [("confirmed", "NHO", kari)]
    assert inst.query("SELECT session_id, table_no FROM assignment WHERE"
                      " participant_id = %s ORDER BY session_id",
                      siri) == placed
    assert inst.scalar("SELECT place_no FROM place WHERE participant_id"
                       " = %s", siri) == place
    assert inst.scalar("SELECT count(*) FROM assignment WHERE"
                       " participant_id = %s", kari) == 0
    # Kari's check-in code is revoked, Siri has her own.
    assert inst.scalar("SELECT count(*) FROM checkin_code WHERE"
                       " participant_id = %s AND revoked_at IS NULL",
                       kari) == 0
    assert inst.scalar("SELECT count(*) FROM checkin_code WHERE"
                       " participant_id = %s AND revoked_at IS NULL",
                       siri) == 1
    audit = inst.query("SELECT actor, subject_id, after->>'substitute_id'"
                       " FROM audit_log WHERE action ="
                       " 'participant.substitute_confirm'")
    assert audit == [("participant", kari, str(siri))], audit
    # The mails: CANCELs to Kari, REQUESTs to Siri, under the same UIDs.
    sent = send(inst)
    uids = dict(inst.query("SELECT s.uid, s.id FROM session s JOIN"
                           " assignment a ON a.session_id = s.id WHERE"
                           " a.participant_id = %s", siri))
    last = {uid: seq for _, uid, seq, _ in inst.kari_invites}
    cancels = calendars(to(sent, "kari@example.no"))
    requests = calendars(to(sent, "siri@example.no"))
    # The invitation's UID is the session's (app_session_uid: uid@domain).
    assert sorted(c[1].split("@")[0] for c in cancels) == sorted(uids), \
        (cancels, uids)
    for method, uid, seq, att in cancels:
        assert method == "CANCEL"
        assert seq > last[uid], (seq, last[uid])
        assert att.lower() == "mailto:kari@example.no"
    assert sorted(c[1] for c in requests) == sorted(c[1] for c in cancels)
    for method, uid, seq, att in requests:
        assert method == "REQUEST" and seq == 0
        assert att.lower() == "mailto:siri@example.no"
    kari_text = [m for m in to(sent, "kari@example.no")
                 if "Siri Hansen" in str(m["Subject"])]
    assert len(kari_text) == 1 and "no longer registered" in \
        body(kari_text[0])
    siri_text = [m for m in to(sent, "siri@example.no")
                 if "confirmed" in str(m["Subject"])]
    assert len(siri_text) == 1
    assert "/me/" in body(siri_text[0])
    # Her page shows her programme; Kari's says what happened.
    page = Client(inst.port, lang="en").get("/me/" + token).text
    for sid in uids.values():
        assert 'id="session-%d"' % sid in page, sid
    old = Client(inst.port, lang="en").get("/me/" + inst.kari).text
    assert "Handed over to a colleague" in old
    assert 'action="/me/%s/substitute"' % inst.kari not in old
    inst.siri = token
    # The link used again changes nothing.
    before = snapshot(inst)
    r = c.post(link, {"_csrf": c.csrf()})
    assert r.status == 303 and snapshot(inst) == before


def tables(inst):
    """Every table's rows as one md5 each (GET must change none)."""
    names = [t for (t,) in inst.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        " ORDER BY 1")]
    return {t: inst.scalar("SELECT count(*) || md5(coalesce(string_agg("
                           "x::text, '|' ORDER BY x::text), '')) FROM %s x"
                           % t) for t in names}


@case
def the_pages_of_a_hand_over_write_nothing(inst):
    assert offer(inst, inst.ola, "Gro Ås", "gro@example.no").status == 303
    link, token = confirm_link(to(send(inst), "gro@example.no")[0])
    before = tables(inst)
    for c, path in ((inst.staff, "/console/substitutes"),
                    (Client(inst.port), "/me/" + inst.ola),
                    (Client(inst.port), "/me/" + inst.kari),
                    (Client(inst.port), "/me/" + token),
                    (Client(inst.port), link)):
        for method in ("GET", "HEAD"):
            r = c.request(method, path)
            assert r.status == 200, (method, path, r.status)
    assert tables(inst) == before
    c = Client(inst.port)
    r = c.post("/me/%s/substitute/withdraw" % inst.ola,
               {"_csrf": c.csrf("/me/" + inst.ola)})
    assert r.status == 303


@case
def the_console_lists_hand_overs(inst):
    r = inst.staff.get("/console/substitutes")
    assert r.status == 200
    assert 'data-state="done"' in r.text and "Siri Hansen" in r.text
    assert "/approve" not in r.text


@case
def with_approval_the_hand_over_waits_for_an_organiser(inst):
    c = inst.admin
    r = c.post("/console/substitutes/settings",
               {"_csrf": c.csrf("/console/substitutes"), "approval": "yes"})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT substitute_approval FROM event") is True
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'substitute.settings'") == 1
    assert offer(inst, inst.siri, "Lars Lie", "lars@example.no").status \
        == 303
    link, token = confirm_link(to(send(inst), "lars@example.no")[0])
    siri = pid(inst, "siri@example.no")
    placed = inst.query("SELECT session_id, table_no FROM assignment"
                        " WHERE participant_id = %s ORDER BY session_id",
                        siri)
    lc = Client(inst.port, lang="en")
    r = lc.post(link, {"_csrf": lc.csrf(link)})
    assert r.status == 303, r.status
    assert "done=substitute_approval" in r.getheader("Location")
    # Nothing moved yet.
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       siri) == "confirmed"
    assert inst.scalar("SELECT status FROM participant WHERE email ="
                       " 'lars@example.no'") == "pending"
    assert inst.query("SELECT session_id, table_no FROM assignment WHERE"
                      " participant_id = %s ORDER BY session_id",
                      siri) == placed
    assert "sub-waiting" in lc.get("/me/" + token).text
    lars = pid(inst, "lars@example.no")
    page = inst.admin.get("/console/substitutes").text
    assert "/console/substitutes/%d/approve" % lars in page
    # Staff may look but not decide.
    r = inst.staff.post("/console/substitutes/%d/approve" % lars,
                        {"_csrf": inst.staff.csrf("/console/substitutes")})
    assert r.status == 403
    # Another event's id, or one that is no open hand-over: 404.
    r = c.post("/console/substitutes/%d/approve" % siri,
               {"_csrf": c.csrf("/console/substitutes")})
    assert r.status == 404, r.status
    r = c.post("/console/substitutes/%d/approve" % lars,
               {"_csrf": c.csrf("/console/substitutes")})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       siri) == "substituted"
    assert inst.query("SELECT session_id, table_no FROM assignment WHERE"
                      " participant_id = %s ORDER BY session_id",
                      lars) == placed
    assert inst.scalar("SELECT actor FROM audit_log WHERE action ="
                       " 'substitute.approve'") == "admin@example.no"
    sent = send(inst)
    assert {c[0] for c in calendars(to(sent, "siri@example.no"))} == \
        {"CANCEL"}
    assert {c[0] for c in calendars(to(sent, "lars@example.no"))} == \
        {"REQUEST"}
    inst.lars = token


@case
def a_refused_hand_over_changes_nothing(inst):
    assert offer(inst, inst.lars, "Mona Moe", "mona@example.no").status \
        == 303
    link, _ = confirm_link(to(send(inst), "mona@example.no")[0])
    mc = Client(inst.port)
    assert mc.post(link, {"_csrf": mc.csrf(link)}).status == 303
    lars = pid(inst, "lars@example.no")
    mona = pid(inst, "mona@example.no")
    placed = inst.query("SELECT session_id, table_no FROM assignment"
                        " WHERE participant_id = %s ORDER BY session_id",
                        lars)
    c = inst.admin
    r = c.post("/console/substitutes/%d/refuse" % mona,
               {"_csrf": c.csrf("/console/substitutes")})
    assert r.status == 303, r.status
    assert pid(inst, "mona@example.no") is None
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       lars) == "confirmed"
    assert inst.query("SELECT session_id, table_no FROM assignment WHERE"
                      " participant_id = %s ORDER BY session_id",
                      lars) == placed
    sent = send(inst)
    assert calendars(sent) == []
    for addr in ("mona@example.no", "lars@example.no"):
        m = to(sent, addr)
        assert len(m) == 1 and "not approved" in str(m[0]["Subject"]), addr
    assert "stay yours" in body(to(sent, "lars@example.no")[0])
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'substitute.refuse'") == 1
    # Refused once, gone: a second decision finds nothing.
    r = c.post("/console/substitutes/%d/approve" % mona,
               {"_csrf": c.csrf("/console/substitutes")})
    assert r.status == 404


@case
def a_place_no_longer_confirmed_is_not_handed_over(inst):
    lars = pid(inst, "lars@example.no")
    assert offer(inst, inst.lars, "Nils Nes", "nils@example.no").status \
        == 303
    link, _ = confirm_link(to(send(inst), "nils@example.no")[0])
    # An organiser cancels Lars's registration: the colleague's
    # confirmation is refused and changes nothing.
    c = inst.admin
    r = c.post("/console/registrations/%d/status" % lars,
               {"_csrf": c.csrf("/console/registrations/%d" % lars),
                "status": "cancelled"})
    assert r.status == 303, r.status
    before = snapshot(inst)
    nc = Client(inst.port)
    r = nc.post(link, {"_csrf": nc.csrf(link)})
    assert r.status == 409, r.status
    assert snapshot(inst) == before
    assert inst.scalar("SELECT status FROM participant WHERE email ="
                       " 'nils@example.no'") == "pending"


@case
def cancelling_takes_an_open_offer_with_it(inst):
    ola = pid(inst, "ola@example.no")
    assert offer(inst, inst.ola, "Otto Ek", "otto@example.no").status \
        == 303
    link, _ = confirm_link(to(send(inst), "otto@example.no")[0])
    oc = Client(inst.port)
    r = oc.post("/me/%s/cancel" % inst.ola,
                {"_csrf": oc.csrf("/me/" + inst.ola), "confirm": "yes"})
    assert r.status == 303
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       ola) == "cancelled"
    assert pid(inst, "otto@example.no") is None
    assert Client(inst.port).get(link).status == 404


if __name__ == "__main__":
    run(setup, teardown)
