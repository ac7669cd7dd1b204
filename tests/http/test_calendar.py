#!/usr/bin/env python3
"""test_calendar.py -- .ics downloads and private subscription feeds: plain
RFC 5545 objects (no METHOD, ORGANIZER or ATTENDEE), UIDs distinct from the
invitations', ETag/Last-Modified with 304s, and a feed link that opens
nothing else.  Feeds tell the truth (issue 9, item 7): they hold exactly
the sessions whose invitations stand, SEQUENCE is the last one sent (the
programme: the session's change counter), and Last-Modified moves on when
an event goes away, so If-Modified-Since never keeps a removed session."""
import os
import re
import sys
import time

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, confirm, link_from_mail, wait_for  # noqa: E402
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_http_calendar")
    inst.server = inst.start()
    c = Client(inst.port)
    r = c.post("/register", {
        "_csrf": c.csrf(), "name": "Kari Nordmann", "email": "kari@example.no",
        "organisation": "LO", "sector": "union", "language": "nb",
        "consent": "yes", "rank1": "1", "rank2": "5", "rank3": "9"})
    assert r.status == 303
    mail = wait_for(lambda: inst.mails(), what="confirmation mail")
    r = confirm(c, link_from_mail(mail[0][1]))
    inst.token = r.getheader("Location").split("/")[2].split("?")[0]
    inst.ctl("allocate", "--apply")
    inst.ctl("publish")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def plain_calendar(text, n):
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    for banned in ("METHOD:", "ORGANIZER", "ATTENDEE", "RSVP"):
        assert banned not in text, banned
    cal = icalendar.Calendar.from_ical(text.encode())
    events = list(cal.walk("VEVENT"))
    assert len(events) == n, len(events)
    for ev in events:
        assert "-feed@" in str(ev["UID"])
        assert ev["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert len(list(cal.walk("VTIMEZONE"))) == 1
    return cal


@case
def download_of_own_programme(inst):
    c = Client(inst.port)
    r = c.get("/me/%s/calendar.ics" % inst.token)
    assert r.status == 200, r.status
    assert r.getheader("Content-Type") == "text/calendar; charset=utf-8"
    assert "attachment" in r.getheader("Content-Disposition")
    plain_calendar(r.text, 3)
    # Invitations name the same sessions with other UIDs.
    inv = inst.ctl("ics", "--participant", "kari@example.no").stdout
    inv_uids = set(re.findall(r"UID:(\S+)", inv))
    assert inv_uids and not inv_uids & set(re.findall(r"UID:(\S+)", r.text))


@case
def feed_is_private_and_answers_304_when_unchanged(inst):
    c = Client(inst.port)
    page = c.get("/me/" + inst.token).text
    m = re.search(r'href="webcal://127\.0\.0\.1:\d+(/feed/([0-9a-f]{32})\.ics)"', page)
    assert m, "no webcal link on the page"
    path, feed = m.group(1), m.group(2)
    assert feed != inst.token
    r = c.get(path)
    assert r.status == 200 and r.getheader("Content-Disposition") is None
    plain_calendar(r.text, 3)
    etag, lm = r.getheader("ETag"), r.getheader("Last-Modified")
    assert etag and lm
    r2 = c.get(path, headers={"If-None-Match": etag})
    assert r2.status == 304 and r2.text == "", r2.status
    r3 = c.get(path, headers={"If-Modified-Since": lm})
    assert r3.status == 304
    # A change shows in the feed: the ETag moves on.
    inst.query("UPDATE session SET room = 'Nytt rom' WHERE id IN (SELECT"
               " session_id FROM assignment LIMIT 1)")
    r4 = c.get(path, headers={"If-None-Match": etag})
    assert r4.status == 200 and "Nytt rom" in r4.text
    assert r4.getheader("ETag") != etag
    # The feed token opens nothing but the feed.
    assert c.get("/me/" + feed).status == 404
    assert c.get("/feed/%s.ics" % inst.token).status == 404
    assert c.get("/feed/" + "0" * 32 + ".ics").status == 404
    assert c.get("/feed/nothex.ics").status == 404


def feed_path(inst, c):
    page = c.get("/me/" + inst.token).text
    return re.search(r'href="webcal://127\.0\.0\.1:\d+(/feed/[0-9a-f]{32}\.ics)"',
                     page).group(1)


def sequences(text):
    """{session uid: SEQUENCE} of a calendar."""
    cal = icalendar.Calendar.from_ical(text.encode())
    return {str(e["UID"]).split("-feed@")[0]: int(e["SEQUENCE"])
            for e in cal.walk("VEVENT")}


def kari(inst):
    return inst.scalar("SELECT id FROM participant WHERE email = 'kari@example.no'")


def next_second():
    """Last-Modified counts whole seconds: let one pass."""
    time.sleep(1.1)


@case
def sequence_is_the_last_sent(inst):
    pid = kari(inst)
    inst.ctl("publish")  # the room change above, sent as an update
    sid, uid = inst.query(
        "SELECT s.id, s.uid FROM invitation i JOIN session s ON s.id ="
        " i.session_id WHERE i.participant_id = %s AND i.sequence = 0"
        " ORDER BY s.id LIMIT 1", pid)[0]
    c = Client(inst.port)
    path = feed_path(inst, c)
    prog_before = sequences(c.get("/programme.ics").text)
    # The session moves a day: one update sent, SEQUENCE 1 everywhere.
    inst.query("UPDATE slot SET starts_at = starts_at + interval '1 day',"
               " ends_at = ends_at + interval '1 day' WHERE id = (SELECT"
               " slot_id FROM session WHERE id = %s)", sid)
    r = inst.ctl("publish")
    assert "1 updates" in r.stdout, r.stdout
    sent = dict(inst.query("SELECT s.uid, i.sequence FROM invitation i JOIN"
                           " session s ON s.id = i.session_id WHERE"
                           " i.participant_id = %s", pid))
    assert sent[uid] == 1, sent
    for got in (sequences(c.get(path).text),
                sequences(c.get("/me/%s/calendar.ics" % inst.token).text)):
        assert got == sent, (got, sent)
    prog = sequences(c.get("/programme.ics").text)
    assert prog[uid] == prog_before[uid] + 1, (prog[uid], prog_before[uid])
    # Every session of the moved slot moved; the others did not.
    moved = set(u for (u,) in inst.query(
        "SELECT uid FROM session WHERE slot_id = (SELECT slot_id FROM"
        " session WHERE id = %s)", sid))
    assert {u: s - (u in moved) for u, s in prog.items()} == prog_before
    # A change the programme shows but invitations do not: the counter
    # rises all the same.
    inst.query("UPDATE session SET description_nb = 'Ny tekst' WHERE id = %s",
               sid)
    assert sequences(c.get("/programme.ics").text)[uid] == prog[uid] + 1
    # The venue is in every LOCATION: every event changed, and both
    # calendars' Last-Modified move on.
    prog = sequences(c.get("/programme.ics").text)
    lms = [c.get(p).getheader("Last-Modified") for p in ("/programme.ics", path)]
    next_second()
    inst.query("UPDATE event SET venue = 'Nytt sted'")
    assert sequences(c.get("/programme.ics").text) == \
        {u: s + 1 for u, s in prog.items()}
    for p, lm in zip(("/programme.ics", path), lms):
        r = c.get(p, headers={"If-Modified-Since": lm})
        assert r.status == 200 and "Nytt sted" in r.text, (p, r.status)


@case
def removal_moves_last_modified(inst):
    c = Client(inst.port)
    path = feed_path(inst, c)
    r = c.get(path)
    lm, n = r.getheader("Last-Modified"), len(sequences(r.text))
    assert n == 3, n
    next_second()
    # The oldest change is removed: the newest stays what it was, so
    # only counting the removal moves Last-Modified.
    sid = inst.scalar("SELECT i.session_id FROM invitation i WHERE"
                      " i.participant_id = %s ORDER BY i.sent_at, i.session_id"
                      " LIMIT 1", kari(inst))
    inst.query("DELETE FROM assignment WHERE participant_id = %s AND"
               " session_id = %s", kari(inst), sid)
    r = inst.ctl("publish")
    assert "1 cancellations" in r.stdout, r.stdout
    r = c.get(path, headers={"If-Modified-Since": lm})
    assert r.status == 200, r.status
    assert r.getheader("Last-Modified") != lm
    plain_calendar(r.text, 2)
    # The programme: a cancelled session goes, and Last-Modified moves.
    r = c.get("/programme.ics")
    lm = r.getheader("Last-Modified")
    next_second()
    # The sessions that stay were all last changed by the venue change
    # above, so only counting the cancelled one moves Last-Modified.
    inst.query("UPDATE session SET status = 'cancelled' WHERE id = (SELECT"
               " min(id) FROM session WHERE status = 'active' AND id NOT IN"
               " (SELECT session_id FROM invitation))")
    r = c.get("/programme.ics", headers={"If-Modified-Since": lm})
    assert r.status == 200, r.status
    plain_calendar(r.text, 11)


@case
def cancelled_registration_empties_feed_and_download(inst):
    c = Client(inst.port)
    path = feed_path(inst, c)
    r = c.get(path)
    lm = r.getheader("Last-Modified")
    assert len(sequences(r.text)) == 2
    next_second()
    csrf = c.csrf("/me/" + inst.token)
    r = c.post("/me/%s/cancel" % inst.token, {"_csrf": csrf, "confirm": "yes"})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       kari(inst)) == "cancelled"
    # At once, and after the CANCELs have gone out as well.
    for publish in (False, True):
        if publish:
            r = inst.ctl("publish")
            assert "2 cancellations" in r.stdout, r.stdout
        r = c.get(path, headers={"If-Modified-Since": lm})
        assert r.status == 200, r.status
        plain_calendar(r.text, 0)
        r = c.get("/me/%s/calendar.ics" % inst.token)
        assert r.status == 200, r.status
        plain_calendar(r.text, 0)


@case
def public_programme(inst):
    r = Client(inst.port, lang="en").get("/programme.ics")
    assert r.status == 200
    cal = plain_calendar(r.text, 11)  # one was cancelled above
    assert "AI at work" in r.text
    assert any("KI i arbeidslivet" in str(e["SUMMARY"]) for e in
               icalendar.Calendar.from_ical(
                   Client(inst.port, lang="nb").get("/programme.ics").text.encode()
               ).walk("VEVENT"))
    assert cal is not None


if __name__ == "__main__":
    run(setup, teardown)
