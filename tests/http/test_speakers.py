#!/usr/bin/env python3
"""test_speakers.py -- speakers, moderators, panellists and hosts (issue
11, item 5).  An admin attaches people to a session on its console page:
someone new by name, e-mail and organisation (a speaker-only participant:
confirmed, no place at the event, no ranking) or a participant by e-mail;
bad input is refused with nothing changed, staff may only look.  The
programme shows them in their order; they take no seat unless ticked, and
a ticked one makes the allocator place one person fewer; publishing
invites them like everyone else, the calendar's DESCRIPTION lists them
(read with icalendar; the invitation's and the programme's .ics alike), the allocator neither moves nor drops them, and a
speaker's page lists their sessions with their role.  Removing one sends
a CANCEL on the next publish, and those in the session an update whose
description no longer names them."""
import os
import re
import sys

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, organiser, register,  # noqa: E402
                     wait_for)
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_http_speakers")
    inst.server = inst.start()
    inst.admin = organiser(inst, "admin@example.no", "admin")
    inst.staff = organiser(inst, "staff@example.no", "staff")
    inst.admin.lang = inst.staff.lang = "en"
    # The first session of the first slot, and another of that slot.
    inst.sid, inst.other = [r[0] for r in inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " ORDER BY sl.starts_at, s.id LIMIT 2")]
    return inst


def teardown(inst):
    if inst:
        inst.close()


def add(inst, client=None, sid=None, **form):
    c = client or inst.admin
    path = "/console/sessions/%d" % (sid or inst.sid)
    body = {"_csrf": c.csrf("/console/sessions/%d" % inst.sid), "name": "",
            "email": "",
            "organisation": "", "role": "speaker", "language": "en"}
    body.update(form)
    return c.post(path + "/people", body)


def people(inst, sid=None):
    return inst.query(
        "SELECT p.name, sp.role, sp.counts_seat, p.speaker_only"
        " FROM session_person sp JOIN participant p"
        " ON p.id = sp.participant_id WHERE sp.session_id = %s"
        " ORDER BY sp.position, p.name", sid or inst.sid)


def invitation_mails(inst, to):
    """(message, body, VEVENT) of the invitation mails to address to."""
    out = []
    for m, body in inst.mails():
        if to not in str(m["To"]):
            continue
        for part in m.walk():
            if part.get_content_type() == "text/calendar":
                cal = icalendar.Calendar.from_ical(part.get_payload(
                    decode=True))
                out.append((m, body, cal.walk("VEVENT")[0],
                            str(cal.get("METHOD"))))
                break
    return out


@case
def a_new_speaker_is_added_on_the_session_page(inst):
    r = inst.admin.get("/console/sessions/%d" % inst.sid)
    assert r.status == 200, r.status
    assert "On stage in this session" in r.text, r.text[-2500:]
    assert "Nobody is on stage in this session yet." in r.text
    r = add(inst, name="Ada Ødegård, PhD", email="ada@example.org",
            organisation="SINTEF")
    assert r.status == 303, (r.status, r.text[:400])
    assert r.getheader("Location").startswith(
        "/console/sessions/%d?done=1" % inst.sid)
    assert people(inst) == [("Ada Ødegård, PhD", "speaker", False, True)]
    status, places, lang = inst.query(
        "SELECT p.status, (SELECT count(*) FROM place pl"
        " WHERE pl.participant_id = p.id), p.language FROM participant p"
        " WHERE p.email = 'ada@example.org'")[0]
    assert (status, places, lang) == ("confirmed", 0, "en")
    assert inst.scalar("SELECT count(*) FROM audit_log"
                       " WHERE action = 'speaker.add'") == 1
    r = inst.admin.get("/console/sessions/%d" % inst.sid)
    assert "Ada Ødegård, PhD" in r.text and "ada@example.org" in r.text
    assert "(added here)" in r.text


@case
def bad_input_is_refused_and_changes_nothing(inst):
    before = people(inst)
    n = inst.scalar("SELECT count(*) FROM participant")
    for form, field in (
            ({"name": "X", "email": "not-an-address", "organisation": "O"},
             "spk-email-err"),
            ({"name": "X", "email": "x@example.org", "organisation": "O",
              "role": "keynote"}, "spk-role-err"),
            ({"email": "nobody@example.org", "organisation": "O"},
             "spk-name-err"),
            ({"name": "Y", "email": "nobody@example.org"},
             "spk-organisation-err")):
        r = add(inst, **form)
        assert r.status == 400, (form, r.status)
        assert 'id="%s"' % field in r.text, (form, r.text[-3000:])
        # What was typed comes back.
        assert 'value="%s"' % form["email"] in r.text
    # Someone else's session id, and a session that does not exist.
    r = add(inst, sid=999999, name="Z", email="z@example.org",
            organisation="O")
    assert r.status == 404, r.status
    # Staff see the list but may not change it.
    r = inst.staff.get("/console/sessions/%d" % inst.sid)
    assert r.status == 200 and "Ada Ødegård, PhD" in r.text
    assert "/people/remove" not in r.text
    r = add(inst, client=inst.staff, name="S", email="s@example.org",
            organisation="O")
    assert r.status == 403, r.status
    assert people(inst) == before
    assert inst.scalar("SELECT count(*) FROM participant") == n


@case
def a_participant_is_added_by_email_as_they_are(inst):
    inst.kari_token = register(inst, "Kari Nordmann", "kari@example.no")
    c = Client(inst.port)
    r = c.post("/confirm/" + inst.kari_token,
               {"_csrf": c.csrf("/confirm/" + inst.kari_token)})
    assert r.status == 303, r.status
    n = inst.scalar("SELECT count(*) FROM participant")
    r = add(inst, email="KARI@example.no", role="moderator",
            name="ignored", organisation="ignored")
    assert r.status == 303, (r.status, r.text[:400])
    assert inst.scalar("SELECT count(*) FROM participant") == n
    assert people(inst) == [("Ada Ødegård, PhD", "speaker", False, True),
                            ("Kari Nordmann", "moderator", False, False)]
    # Moved up: the moderator first.
    kari = inst.scalar("SELECT id FROM participant"
                       " WHERE email = 'kari@example.no'")
    path = "/console/sessions/%d" % inst.sid
    r = inst.admin.post(path + "/people/move", {
        "_csrf": inst.admin.csrf(path), "participant": kari, "step": "-1"})
    assert r.status == 303, r.status
    assert [p[0] for p in people(inst)] == ["Kari Nordmann",
                                            "Ada Ødegård, PhD"]


@case
def the_programme_shows_them_in_order(inst):
    for lang, mod, spk in (("en", "Moderator", "Speaker"),
                           ("nb", "Ordstyrer", "Innleder")):
        r = Client(inst.port, lang=lang).get("/")
        assert r.status == 200
        m = re.search(r'<ul class="people">(.*?)</ul>', r.text, re.S)
        assert m, r.text[-2000:]
        items = re.findall(r'<li class="person">(.*?)</li>', m.group(1))
        assert len(items) == 2, items
        assert mod in items[0] and "Kari Nordmann, LO" in items[0], items
        assert spk in items[1] and "Ada Ødegård, PhD, SINTEF" in items[1]


def seats_shown(inst):
    """The seats the programme shows for the session."""
    title = inst.scalar("SELECT title_en FROM session WHERE id = %s",
                        inst.sid).replace("&", "&amp;")
    text = Client(inst.port, lang="en").get("/").text
    for li in re.findall(r'<li class="session">(.*?)</li>\n', text, re.S):
        if "<h4>%s</h4>" % title in li:
            return int(re.search(r"(\d+) seats", li).group(1))
    raise AssertionError("session not in the programme")


@case
def the_programme_calendar_lists_them(inst):
    uid = inst.scalar("SELECT uid FROM session WHERE id = %s", inst.sid)
    seq = inst.scalar("SELECT sequence FROM session WHERE id = %s", inst.sid)
    # Two added and a move: each raised the session's SEQUENCE (a move
    # renumbers the session's people, one raise per row).
    assert seq >= 3, seq
    r = Client(inst.port, lang="en").get("/programme.ics")
    assert r.status == 200, r.status
    cal = icalendar.Calendar.from_ical(r.body)
    ev = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(uid)]
    assert len(ev) == 1
    lines = str(ev[0].get("DESCRIPTION")).splitlines()
    assert lines[-2:] == ["Moderator: Kari Nordmann, LO",
                          "Speaker: Ada Ødegård, PhD, SINTEF"], lines
    assert int(ev[0].get("SEQUENCE")) == seq
    # A session with nobody on stage: its own text only.
    other = [e for e in cal.walk("VEVENT") if not str(e["UID"]).startswith(
        uid)]
    assert other and all("Speaker:" not in str(e.get("DESCRIPTION", ""))
                         for e in other)


@case
def seats_are_not_counted_unless_ticked(inst):
    cap = inst.scalar("SELECT capacity FROM session WHERE id = %s", inst.sid)
    assert seats_shown(inst) == cap
    # Nobody on stage takes a seat: a session of one seat gets its one
    # ranker (Ola ranks it first; Kari is on stage in that slot).
    inst.query("UPDATE session SET capacity = 1, sector_share_pct = 100"
               " WHERE id = %s", inst.sid)
    inst.query("UPDATE preference SET session_id = %s WHERE rank = 1"
               " AND participant_id = (SELECT id FROM participant"
               " WHERE email = 'kari@example.no')", inst.sid)
    ola = register(inst, "Ola Nordmann", "ola@example.no")
    c = Client(inst.port)
    c.post("/confirm/" + ola, {"_csrf": c.csrf("/confirm/" + ola)})
    inst.query("DELETE FROM preference WHERE participant_id = (SELECT id"
               " FROM participant WHERE email = 'ola@example.no')")
    inst.query("INSERT INTO preference (event_id, participant_id,"
               " session_id, rank) SELECT event_id, id, %s, 1 FROM"
               " participant WHERE email = 'ola@example.no'", inst.sid)
    inst.ctl("allocate", "--apply")
    placed = inst.query(
        "SELECT p.email FROM assignment a JOIN participant p"
        " ON p.id = a.participant_id WHERE a.session_id = %s", inst.sid)
    assert placed == [("ola@example.no",)], placed
    # Kari, on stage in that slot, is placed in no session of it.
    assert inst.scalar(
        "SELECT count(*) FROM assignment a JOIN session s"
        " ON s.id = a.session_id WHERE s.slot_id = (SELECT slot_id FROM"
        " session WHERE id = %s) AND a.participant_id = (SELECT id FROM"
        " participant WHERE email = 'kari@example.no')", inst.sid) == 0
    # Ticked: Ada takes the one seat, and the next run places nobody.
    r = add(inst, email="ada@example.org", role="speaker",
            counts_seat="yes")
    assert r.status == 303, r.status
    assert people(inst)[1] == ("Ada Ødegård, PhD", "speaker", True, True)
    inst.query("DELETE FROM assignment WHERE session_id = %s", inst.sid)
    inst.ctl("allocate", "--apply")
    assert inst.scalar("SELECT count(*) FROM assignment"
                       " WHERE session_id = %s", inst.sid) == 0
    wait_for(lambda: seats_shown(inst) == 0, what="no seat left shown")
    # Back to no seat, and Ola's place again.
    r = add(inst, email="ada@example.org", role="speaker")
    assert r.status == 303
    inst.ctl("allocate", "--apply")
    assert inst.scalar("SELECT count(*) FROM assignment"
                       " WHERE session_id = %s", inst.sid) == 1


@case
def publishing_invites_them_with_the_people_in_the_description(inst):
    inst.ctl("publish")
    got = wait_for(lambda: invitation_mails(inst, "ada@example.org"),
                   what="Ada's invitation")
    m, body, ev, method = got[0]
    assert method == "REQUEST"
    assert "you are on stage in this session" in body, body
    assert "as speaker" in body
    desc = str(ev.get("DESCRIPTION"))
    lines = desc.splitlines()
    assert "Moderator: Kari Nordmann, LO" in lines, desc
    assert "Speaker: Ada Ødegård, PhD, SINTEF" in lines, desc
    assert lines.index("Moderator: Kari Nordmann, LO") < \
        lines.index("Speaker: Ada Ødegård, PhD, SINTEF")
    # The session's own text is still there, first.
    text = inst.scalar("SELECT description_en FROM session WHERE id = %s",
                       inst.sid)
    if text:
        assert desc.startswith(text[:40]), desc
    attendee = str(ev.get("ATTENDEE"))
    assert attendee.lower() == "mailto:ada@example.org", attendee
    # Kari (nb) gets hers in Norwegian; Ola, who sits, gets the plain text.
    kari = wait_for(lambda: [x for x in invitation_mails(
        inst, "kari@example.no") if str(x[2].get("UID")).startswith(
        inst.scalar("SELECT uid FROM session WHERE id = %s", inst.sid))],
        what="Kari's invitation to the session")
    assert "Ordstyrer: Kari Nordmann, LO" in str(kari[0][2].get(
        "DESCRIPTION")).splitlines()
    assert "som ordstyrer" in kari[0][1]
    ola = wait_for(lambda: invitation_mails(inst, "ola@example.no"),
                   what="Ola's invitation")
    assert "you have a seat" in ola[0][1] or "du har fått plass" in \
        ola[0][1], ola[0][1]
    assert "Innleder: Ada Ødegård, PhD, SINTEF" in str(ola[0][2].get(
        "DESCRIPTION"))


@case
def the_allocator_neither_moves_nor_drops_them(inst):
    n = len(inst.mails())
    inst.ctl("allocate", "--apply")
    inst.ctl("publish")
    for email in ("ada@example.org", "kari@example.no"):
        assert inst.scalar(
            "SELECT state FROM invitation WHERE session_id = %s AND"
            " participant_id = (SELECT id FROM participant WHERE email"
            " = %s)", inst.sid, email) == "invited"
    assert inst.scalar("SELECT count(*) FROM outbox WHERE kind ="
                       " 'invite_cancel'") == 0
    assert len(inst.mails()) == n


@case
def a_speaker_sees_their_sessions_on_their_page(inst):
    m, body, ev, method = invitation_mails(inst, "ada@example.org")[0]
    link = re.search(r"/me/([0-9a-f]{32})", body)
    assert link, body
    r = Client(inst.port, lang="en").get("/me/" + link.group(1))
    assert r.status == 200, r.status
    sec = re.search(r'<section class="stage" id="stage">(.*?)</section>',
                    r.text, re.S)
    assert sec, r.text
    title = inst.scalar("SELECT title_en FROM session WHERE id = %s",
                        inst.sid)
    item = re.search(r'<li id="stage-%d">(.*?)</li>' % inst.sid,
                     sec.group(1), re.S)
    assert item and title.replace("&", "&amp;") in item.group(1), sec.group(1)
    assert "Speaker" in item.group(1)
    assert "/preferences" not in r.text  # no ranking for a speaker-only row
    assert "Your choices" not in r.text
    # Nor does a hand-made POST store one.
    c = Client(inst.port, lang="en")
    token = link.group(1)
    r = c.post("/me/%s/preferences" % token, {
        "_csrf": c.csrf("/me/" + token), "rank1": str(inst.sid)})
    assert r.status >= 400, r.status
    assert inst.scalar("SELECT count(*) FROM preference WHERE participant_id"
                       " = (SELECT id FROM participant WHERE email ="
                       " 'ada@example.org')") == 0
    # Kari, registered, sees hers and keeps her ranking form.
    r = Client(inst.port, lang="en").get("/me/" + inst.kari_token)
    assert 'id="stage-%d"' % inst.sid in r.text and "Moderator" in r.text
    assert "/preferences" in r.text


@case
def removing_one_cancels_on_the_next_publish(inst):
    ada = inst.scalar("SELECT id FROM participant"
                      " WHERE email = 'ada@example.org'")
    path = "/console/sessions/%d" % inst.sid
    r = inst.admin.post(path + "/people/remove", {
        "_csrf": inst.admin.csrf(path), "participant": ada})
    assert r.status == 303, r.status
    r = inst.admin.post(path + "/people/remove", {
        "_csrf": inst.admin.csrf(path), "participant": ada})
    assert r.status == 404, r.status
    assert [p[0] for p in people(inst)] == ["Kari Nordmann"]
    inst.ctl("publish")
    got = wait_for(lambda: [x for x in invitation_mails(
        inst, "ada@example.org") if x[3] == "CANCEL"], what="Ada's CANCEL")
    assert got
    # Those who sit in the session get an update without her.
    upd = wait_for(lambda: [x for x in invitation_mails(
        inst, "ola@example.no") if x[0]["Subject"].startswith("Oppdatert")],
        what="Ola's update")
    desc = str(upd[-1][2].get("DESCRIPTION"))
    assert "Ada" not in desc and "Ordstyrer: Kari Nordmann, LO" in desc, desc
    assert int(upd[-1][2].get("SEQUENCE")) == 1
    r = Client(inst.port, lang="en").get("/")
    assert "Ada Ødegård" not in r.text


if __name__ == "__main__":
    run(setup, teardown)
