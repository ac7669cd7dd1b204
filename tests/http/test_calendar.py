#!/usr/bin/env python3
"""test_calendar.py -- .ics downloads and private subscription feeds: plain
RFC 5545 objects (no METHOD, ORGANIZER or ATTENDEE), UIDs distinct from the
invitations', ETag/Last-Modified with 304s, and a feed link that opens
nothing else."""
import os
import re
import sys

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


@case
def public_programme(inst):
    r = Client(inst.port, lang="en").get("/programme.ics")
    assert r.status == 200
    cal = plain_calendar(r.text, 12)
    assert "AI at work" in r.text
    assert any("KI i arbeidslivet" in str(e["SUMMARY"]) for e in
               icalendar.Calendar.from_ical(
                   Client(inst.port, lang="nb").get("/programme.ics").text.encode()
               ).walk("VEVENT"))
    assert cal is not None


if __name__ == "__main__":
    run(setup, teardown)
