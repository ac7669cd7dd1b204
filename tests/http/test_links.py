#!/usr/bin/env python3
"""test_links.py -- participant links and what reading does: an empty but
valid calendar for someone with nothing published (issue 8, item 7), no
table changed by any GET of a public or console page (item 12; an
invitee's link pages included, issue 10 item 8), and links
that stop working, with a clear answer, once the event is over by more
than the retention period (item 12)."""
import hashlib
import os
import re
import sys

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, console_read_pages,  # noqa: E402
                     organiser, register, wait_for)
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_http_links")
    inst.server = inst.start()
    # Kari is confirmed and placed; Ola is confirmed with nothing placed.
    inst.kari = register(inst, "Kari Nordmann", "kari@example.no")
    inst.ola = register(inst, "Ola Nordmann", "ola@example.no")
    inst.query("UPDATE participant SET status = 'confirmed',"
               " email_confirmed_at = now() WHERE email = 'kari@example.no'")
    inst.ctl("allocate", "--apply")
    inst.ctl("publish")
    inst.query("UPDATE participant SET status = 'confirmed',"
               " email_confirmed_at = now() WHERE email = 'ola@example.no'")
    # Every queued mail out, so the worker has nothing left to write.
    wait_for(lambda: inst.scalar("SELECT count(*) FROM outbox WHERE"
                                 " state = 'queued'") == 0,
             what="the outbox to empty")
    inst.admin = organiser(inst, "admin@example.no", "admin")
    # An invitee, whose mailed link's pages must write nothing on GET.
    r = inst.admin.get("/console/invitees")
    csrf = re.search(r'name="_csrf" value="([0-9a-f]+)"', r.text).group(1)
    r = inst.admin.post("/console/invitees", {
        "_csrf": csrf, "name": "Inge Invitert", "email": "inge@example.no",
        "organisation": "", "sector": "", "language": ""})
    assert r.status == 303, r.status
    body = wait_for(lambda: [b for m, b in inst.mails()
                             if "inge@example.no" in str(m["To"])],
                    what="the invitation")[0]
    inst.invite = re.search(r"/invite/([0-9a-f]{32})", body).group(1)
    wait_for(lambda: inst.scalar("SELECT count(*) FROM outbox WHERE"
                                 " state = 'queued'") == 0,
             what="the outbox to empty")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def feed_path(c, token):
    page = c.get("/me/" + token)
    assert page.status == 200, page.status
    m = re.search(r'href="webcal://127\.0\.0\.1:\d+(/feed/[0-9a-f]{32}\.ics)"',
                  page.text)
    assert m, "no webcal link on the page"
    return m.group(1)


@case
def empty_calendar_for_someone_with_nothing_published(inst):
    c = Client(inst.port)
    for path in ("/me/%s/calendar.ics" % inst.ola, feed_path(c, inst.ola)):
        r = c.get(path)
        assert r.status == 200, (path, r.status, r.text[:300])
        assert r.getheader("Content-Type") == "text/calendar; charset=utf-8"
        text = r.text
        assert text.startswith("BEGIN:VCALENDAR\r\n"), text[:100]
        assert text.endswith("END:VCALENDAR\r\n"), text[-100:]
        cal = icalendar.Calendar.from_ical(text.encode())
        assert cal.name == "VCALENDAR"
        assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
        assert list(cal.walk("VEVENT")) == []
        for banned in ("METHOD:", "ORGANIZER", "ATTENDEE"):
            assert banned not in text, banned
        # Asked again unchanged: 304, as for any calendar.
        r2 = c.get(path, headers={"If-None-Match": r.getheader("ETag")})
        assert r2.status == 304, r2.status
    # Someone placed still gets their sessions.
    r = c.get("/me/%s/calendar.ics" % inst.kari)
    assert r.status == 200
    assert len(list(icalendar.Calendar.from_ical(r.text.encode())
                    .walk("VEVENT"))) == 3


def snapshot(inst):
    """Row count and a checksum of every table's rows."""
    tables = [r[0] for r in inst.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        " ORDER BY tablename")]
    out = {}
    for t in tables:
        out[t] = inst.query(
            'SELECT count(*), md5(coalesce(string_agg(x::text, \'|\''
            ' ORDER BY x::text), \'\')) FROM "%s" x' % t)[0]
    return out


def console_pages(inst):
    ev = inst.scalar("SELECT id FROM event WHERE slug = 'ki-toppmote'")
    p = inst.scalar("SELECT id FROM participant WHERE email ="
                    " 'kari@example.no'")
    slot = inst.scalar("SELECT min(id) FROM slot WHERE event_id = %s", ev)
    sess = inst.scalar("SELECT min(id) FROM session WHERE event_id = %s", ev)
    sector = inst.scalar("SELECT min(code) FROM sector WHERE event_id = %s",
                         ev)
    return console_read_pages(p, slot, sess, sector) + ["/console/mail",
                                                         "/console/door"]


@case
def no_get_changes_any_table(inst):
    # First views of the pages some rows are made for (the feed link) are
    # in the snapshot too: those rows must exist before anyone looks.
    c = Client(inst.port)
    public = ["/", "/register", "/registered", "/privacy", "/health",
              "/programme.ics", "/console/login",
              "/me/" + inst.kari, "/me/%s/calendar.ics" % inst.kari,
              "/me/" + inst.ola, "/me/%s/calendar.ics" % inst.ola,
              "/me/" + "0" * 32, "/nowhere",
              "/invite/" + inst.invite, "/invite/%s/decline" % inst.invite,
              "/invite/" + "0" * 32]
    # Confirmed by an organiser's tool, never shown anywhere yet: the
    # badges and the door list must find the code the database issued.
    inst.query("INSERT INTO participant (event_id, name, email, organisation,"
               " sector, status, consent_at, email_confirmed_at) SELECT id,"
               " 'Per Uten Kode', 'per.uten.kode@example.no', 'LO', 'union',"
               " 'confirmed', now(), now() FROM event WHERE slug ="
               " 'ki-toppmote'")
    before = snapshot(inst)
    bad = []
    for method in ("GET", "HEAD"):
        for path in public:
            r = c.request(method, path)
            if r.status >= 500:
                bad.append((method, path, r.status))
        for path in [feed_path(c, inst.kari), feed_path(c, inst.ola)]:
            r = c.request(method, path)
            if r.status != 200:
                bad.append((method, path, r.status))
        for path in console_pages(inst):
            r = inst.admin.request(method, path)
            if r.status != 200:
                bad.append((method, path, r.status))
    after = snapshot(inst)
    changed = [t for t in before if before[t] != after.get(t)]
    assert not changed, "a GET changed %s: %s -> %s" % (
        changed, [before[t] for t in changed],
        [after.get(t) for t in changed])
    assert not bad, bad


@case
def links_expire_after_the_event_and_the_retention_period(inst):
    c = Client(inst.port)
    feed = feed_path(c, inst.kari)
    kari = inst.scalar("SELECT id FROM participant WHERE email ="
                       " 'kari@example.no'")
    ev = inst.scalar("SELECT id FROM event WHERE slug = 'ki-toppmote'")
    # What the privacy page promises is what the code does.
    for lang, words in (("en", ("are erased 180 days after the event",
                                "the link stops working")),
                        ("nb", ("slettes 180 dager etter",
                                "slutter lenken å virke"))):
        text = Client(inst.port, lang=lang).get("/privacy").text
        assert all(w in text for w in words), text[-1500:]
    start, end = inst.query("SELECT starts_at, ends_at FROM event"
                            " WHERE id = %s", ev)[0]
    try:
        # Over, but within the retention period (180 days): links work.
        inst.query("UPDATE event SET starts_at = now() - interval '100 days',"
                   " ends_at = now() - interval '99 days' WHERE id = %s", ev)
        assert c.get("/me/" + inst.kari).status == 200
        assert c.get(feed).status == 200
        # Past it: every kind of link answers 410 with a page saying so.
        inst.query("UPDATE event SET starts_at = now() - interval '182 days',"
                   " ends_at = now() - interval '181 days' WHERE id = %s",
                   ev)
        for path in ("/me/" + inst.kari, "/me/%s/calendar.ics" % inst.kari,
                     feed, "/confirm/" + inst.kari):
            r = c.get(path)
            assert r.status == 410, (path, r.status)
            assert "no longer works" in Client(inst.port, lang="en").get(
                path).text, path
            assert "virker ikke lenger" in r.text, r.text[:500]
        csrf = c.csrf("/register")
        for path, form in (("/me/%s/cancel" % inst.kari, {"confirm": "yes"}),
                           ("/me/%s/preferences" % inst.kari,
                            {"rank1": "1"})):
            form["_csrf"] = csrf
            r = c.post(path, form)
            assert r.status == 410, (path, r.status)
        assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                           kari) == "confirmed"
        # An unknown token is still just unknown.
        assert c.get("/me/" + "0" * 32).status == 404
        # The privacy page's promise: the personal data goes too (summitd
        # does it on its own within a minute; summitctl purge at once),
        # and the old link still says it has expired.
        out = inst.ctl("purge").stdout
        assert re.match(r"\d+ participants? erased", out), out
        row = inst.query("SELECT name, email, organisation, status FROM"
                         " participant WHERE id = %s", kari)[0]
        assert row[0] == "(erased)" and row[1].endswith("@invalid.invalid") \
            and row[2] == "(erased)" and row[3] == "confirmed", row
        assert c.get("/me/" + inst.kari).status == 410
        assert inst.ctl("purge").stdout.startswith("0 participants")
    finally:
        inst.query("UPDATE event SET starts_at = %s, ends_at = %s"
                   " WHERE id = %s", start, end, ev)


if __name__ == "__main__":
    run(setup, teardown)
