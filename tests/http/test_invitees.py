#!/usr/bin/env python3
"""test_invitees.py -- invitations sent by Summit (issue 10, item 8), with
real parts: a real summitd (two of them for the reminder), PostgreSQL and
an SMTP server (aiosmtpd).

The import's preview stores nothing and a file with one bad row is
refused whole; the mails arrive through SMTP with a personal code and
link; the link's page writes nothing on GET, its "Register" button (a
POST) records the visit and shows the form filled in, and registering
with it marks the invitee registered; the can't-come link's GET only
shows a page, its POST records the decline; the console counts, filters
and exports; the reminder goes once, to those who have not answered
only, though two summitd run the job."""
import csv
import io
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, SmtpSink, connect,  # noqa: E402
                     free_port, organiser, smtp_conf, wait_for)
from tap import case, run  # noqa: E402

S = {}
LINK = re.compile(r"http://127\.0\.0\.1:\d+(/invite/([0-9a-f]{32}))")


def setup():
    sink = SmtpSink()
    S["sink"] = sink
    # summitd runs its jobs every second but sends no mail: the test runs
    # the worker, so it knows what went out when.
    inst = Instance("summit_http_invitees", extra_conf=smtp_conf(sink) +
                    "[registration]\nexpiry_interval_seconds = 1\n")
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    return inst


def teardown(inst):
    if inst:
        inst.close()
    if "sink" in S:
        S["sink"].stop()


def csrf(c, path):
    r = c.get(path)
    m = re.search(r'name="_csrf" value="([0-9a-f]+)"', r.text)
    assert m, (path, r.status, r.text[:300])
    return m.group(1)


def invitees(inst):
    return inst.scalar("SELECT count(*) FROM invitee")


def import_post(c, text, confirm=False):
    f = {"_csrf": csrf(c, "/console/invitees"), "csv": text}
    if confirm:
        f["confirm"] = "1"
    return c.post("/console/invitees/import", f)


GOOD = ("name,email,organisation,sector,language\n"
        "Ola Nordmann,ola@example.no,LO,union,\n"
        "Jane Doe,jane@example.org,ACME,,en\n"
        "Per Hansen,per@example.no,,,\n")
BAD = GOOD + "Nobody,not-an-address,,nosuchsector,de\n"


@case
def import_preview_and_refusals_store_nothing(inst):
    admin = S["admin"]
    r = import_post(admin, BAD)
    assert r.status == 200, (r.status, r.text[:500])
    assert "not a valid e-mail address" in r.text or \
        "ikke en gyldig e-postadresse" in r.text, r.text
    assert 'name="confirm"' not in r.text  # no button with a bad row
    # The line of the error is named.
    assert re.search(r'<tr class="bad"><td class="num">5</td>', r.text)
    # Storing it anyway (a crafted POST) is refused whole.
    r = import_post(admin, BAD, confirm=True)
    assert r.status == 400, r.status
    assert invitees(inst) == 0
    assert inst.scalar("SELECT count(*) FROM outbox WHERE kind LIKE"
                       " 'invitation_%%'") == 0
    r = import_post(admin, 'name,email\n"open quote,x@example.no\n')
    assert r.status == 400
    r = import_post(S["staff"], GOOD)
    assert r.status == 403
    # The preview of a good file stores nothing either.
    r = import_post(admin, GOOD)
    assert r.status == 200 and 'name="confirm"' in r.text, r.text[:800]
    assert invitees(inst) == 0


@case
def import_applies_and_queues_one_mail_each(inst):
    r = import_post(S["admin"], GOOD, confirm=True)
    assert r.status == 200, (r.status, r.text[:500])
    assert invitees(inst) == 3
    rows = inst.query("SELECT kind, recipient, language FROM outbox"
                      " WHERE kind = 'invitation_code' ORDER BY recipient")
    assert [(k, rc) for k, rc, _ in rows] == [
        ("invitation_code", "jane@example.org"),
        ("invitation_code", "ola@example.no"),
        ("invitation_code", "per@example.no")], rows
    assert dict((rc, lg) for _, rc, lg in rows)["jane@example.org"] == "en"
    # Each has a one-use code bound to their e-mail (and sector).
    codes = inst.query("SELECT c.max_uses, lower(c.email) = lower(i.email),"
                       " c.sector IS NOT DISTINCT FROM i.sector"
                       " FROM invitee i JOIN invitation_code c"
                       " ON c.id = i.code_id")
    assert codes == [(1, True, True)] * 3, codes
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'invitees.import'") == 1
    # The same file again: every row is already invited, nothing stored.
    r = import_post(S["admin"], GOOD, confirm=True)
    assert r.status == 400 and invitees(inst) == 3


@case
def add_one_by_one(inst):
    admin = S["admin"]
    f = {"_csrf": csrf(admin, "/console/invitees"), "name": "Kari Berg",
         "email": "kari.berg@example.no", "organisation": "NHO",
         "sector": "business", "language": ""}
    r = admin.post("/console/invitees", f)
    assert r.status == 303, (r.status, r.text[:500])
    r = admin.post("/console/invitees", f)
    assert r.status == 400 and ("already invited" in r.text or
                                "allerede invitert" in r.text), r.text
    r = admin.post("/console/invitees", dict(f, email="nope"))
    assert r.status == 400
    r = admin.post("/console/invitees", dict(f, email="x@example.no",
                                             sector="nosuch"))
    assert r.status == 400
    assert S["staff"].post("/console/invitees", dict(
        f, _csrf=csrf(S["staff"], "/console/invitees"),
        email="y@example.no")).status == 403
    assert invitees(inst) == 4
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'invitees.add'") == 1


def mails_to(addr):
    return [m for m in S["sink"].messages() if addr in str(m["To"])]


def reminders(addr):
    return [m for m in mails_to(addr) if "minnelse" in str(m["Subject"])
            or "Reminder" in str(m["Subject"])]


def text_of(m):
    return m.get_body(preferencelist=("plain",)).get_content()


@case
def mails_arrive_through_smtp_with_code_and_links(inst):
    inst.ctl("mail-worker", "--once")
    wait_for(lambda: len(S["sink"].messages()) >= 4, what="4 invitations")
    S["links"] = {}
    for addr in ("ola@example.no", "jane@example.org", "per@example.no",
                 "kari.berg@example.no"):
        ms = mails_to(addr)
        assert len(ms) == 1, (addr, len(ms))
        body = text_of(ms[0])
        code = inst.scalar("SELECT c.code FROM invitee i JOIN"
                           " invitation_code c ON c.id = i.code_id"
                           " WHERE i.email = %s", addr)
        assert code in body, body
        m = LINK.search(body)
        assert m, body
        assert m.group(1) + "/decline" in body, body
        S["links"][addr] = m.group(2)
    assert "Invitation to" in str(mails_to("jane@example.org")[0]["Subject"])
    assert "Invitasjon til" in str(mails_to("ola@example.no")[0]["Subject"])
    # The outbox names the invitee, never the token.
    for (p,) in inst.query("SELECT payload::text FROM outbox WHERE kind ="
                           " 'invitation_code'"):
        for t in S["links"].values():
            assert t not in p


@case
def the_link_registers_and_marks_registered(inst):
    inst.query("UPDATE event SET invitation_mode = 'invitation'")
    inst.db.commit()
    token = S["links"]["ola@example.no"]
    c = Client(inst.port)
    r = c.get("/invite/" + token)
    assert r.status == 200 and "Ola Nordmann" in r.text, r.status
    assert inst.scalar("SELECT visited_at FROM invitee WHERE email ="
                       " 'ola@example.no'") is None  # GET wrote nothing
    assert c.get("/invite/" + "0" * 32).status == 404
    r = c.post("/invite/" + token, {"_csrf": csrf(c, "/invite/" + token)})
    assert r.status == 200, (r.status, r.text[:300])
    code = inst.scalar("SELECT c.code FROM invitee i JOIN invitation_code c"
                       " ON c.id = i.code_id WHERE i.email ="
                       " 'ola@example.no'")
    assert 'value="%s"' % code in r.text, r.text
    assert 'value="ola@example.no"' in r.text
    assert inst.scalar("SELECT visited_at IS NOT NULL FROM invitee WHERE"
                       " email = 'ola@example.no'")
    form = {"_csrf": csrf(c, "/register"), "invitation_code": code,
            "name": "Ola Nordmann", "email": "ola@example.no",
            "organisation": "LO", "sector": "union", "language": "nb",
            "consent": "yes", "rank1": "1", "rank2": "5"}
    r = c.post("/register", form)
    assert r.status == 303, (r.status, r.text[:500])
    assert inst.scalar("SELECT participant_id IS NOT NULL FROM invitee"
                       " WHERE email = 'ola@example.no'")
    # The code was single-use: someone else cannot register with it.
    r = c.post("/register", dict(form, email="other@example.no",
                                 _csrf=csrf(c, "/register")))
    assert r.status == 400
    r = c.get("/invite/" + token)
    assert "You have registered" in r.text or "Du har meldt deg på" in r.text


@case
def cant_come_get_shows_post_declines(inst):
    token = S["links"]["jane@example.org"]
    c = Client(inst.port)
    r = c.get("/invite/%s/decline" % token)
    assert r.status == 200 and 'action="/invite/%s/decline"' % token in r.text
    assert inst.scalar("SELECT declined_at FROM invitee WHERE email ="
                       " 'jane@example.org'") is None
    r = c.post("/invite/%s/decline" % token,
               {"_csrf": csrf(c, "/invite/%s/decline" % token)})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT declined_at IS NOT NULL FROM invitee WHERE"
                       " email = 'jane@example.org'")
    assert inst.scalar("SELECT count(*) FROM participant WHERE email ="
                       " 'jane@example.org'") == 0
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'invitees.decline'") == 1
    # Without the CSRF token nothing happens.
    t2 = S["links"]["per@example.no"]
    assert c.post("/invite/%s/decline" % t2, {}).status == 403
    assert inst.scalar("SELECT declined_at FROM invitee WHERE email ="
                       " 'per@example.no'") is None


@case
def console_counts_filters_and_exports(inst):
    staff = S["staff"]
    r = staff.get("/console/invitees")
    assert r.status == 200, r.status
    counts = dict(re.findall(r'data-state="(\w+)">(\d+)<', r.text))
    assert counts == {"queued": "0", "sent": "2", "failed": "0",
                      "visited": "0", "registered": "1", "declined": "1",
                      "total": "4"}, counts
    r = staff.get("/console/invitees?state=declined")
    assert r.text.count("<tr data-email=") == 1 and \
        'data-email="jane@example.org"' in r.text
    r = staff.get("/console/invitees?q=berg")
    assert r.text.count("<tr data-email=") == 1
    r = staff.get("/console/invitees?state=nonsense")
    assert r.status == 400
    r = staff.get("/console/invitees/export.csv?state=sent")
    assert r.status == 200 and "text/csv" in r.getheader("Content-Type")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:6] == ["name", "email", "organisation", "sector",
                           "language", "state"], rows[0]
    assert sorted(x[1] for x in rows[1:]) == ["kari.berg@example.no",
                                              "per@example.no"], rows


@case
def reminder_once_to_non_answerers_with_two_processes(inst):
    # A second summitd on the same database runs the same job every second.
    S["second"] = inst.start(port=free_port())
    admin = S["admin"]
    r = admin.post("/console/invitees/settings", {
        "_csrf": csrf(admin, "/console/invitees"),
        "default_language": "nb", "remind_at": "not a time"})
    assert r.status == 400
    # Another transaction holds Per's row: the claims skip it (SKIP
    # LOCKED) instead of waiting, and take it once it is free.
    hold = connect(inst.url)
    hold.autocommit = False
    with hold.cursor() as cur:
        cur.execute("SELECT id FROM invitee WHERE email = 'per@example.no'"
                    " FOR UPDATE")
    r = admin.post("/console/invitees/settings", {
        "_csrf": csrf(admin, "/console/invitees"),
        "default_language": "nb", "remind_at": "2020-01-01T09:00"})
    assert r.status == 303, (r.status, r.text[:300])
    wait_for(lambda: inst.scalar(
        "SELECT count(*) FROM outbox WHERE kind = 'invitation_reminder'")
        >= 1, what="the first reminder")
    time.sleep(2)
    assert inst.query("SELECT recipient FROM outbox WHERE kind ="
                      " 'invitation_reminder'") == [
        ("kari.berg@example.no",)]
    hold.rollback()
    hold.close()
    wait_for(lambda: inst.scalar(
        "SELECT count(*) FROM outbox WHERE kind = 'invitation_reminder'")
        >= 2, what="the reminders")
    time.sleep(3)  # several more rounds of both processes
    rows = inst.query("SELECT recipient, count(*) FROM outbox WHERE kind ="
                      " 'invitation_reminder' GROUP BY 1 ORDER BY 1")
    assert rows == [("kari.berg@example.no", 1), ("per@example.no", 1)], rows
    inst.ctl("mail-worker", "--once")
    wait_for(lambda: reminders("per@example.no"), what="reminder")
    assert len(reminders("per@example.no")) == 1
    assert len(reminders("kari.berg@example.no")) == 1
    assert reminders("ola@example.no") == []       # registered
    assert reminders("jane@example.org") == []     # declined
    body = text_of(reminders("per@example.no")[0])
    assert S["links"]["per@example.no"] in body, body
    # The event is in invitation mode now: the mail says the code is
    # needed (the first mails, sent in open mode, did not).
    assert "trenger den" in body, body
    assert "trenger den" not in text_of(mails_to("per@example.no")[0])
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'invitees.settings'") == 1


@case
def invitees_are_erased_past_the_retention_period(inst):
    inst.query("UPDATE event SET starts_at = starts_at - interval '10"
               " years', ends_at = ends_at - interval '10 years'")
    inst.ctl("purge")
    assert invitees(inst) == 0
    assert inst.scalar("SELECT count(*) FROM outbox WHERE kind LIKE"
                       " 'invitation%%' AND recipient <>"
                       " 'erased@invalid.invalid'") == 0
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE subject_type"
                       " = 'invitee' AND (after ? 'email'"
                       " OR after ? 'name')") == 0
    assert inst.scalar("SELECT count(*) FROM invitation_code WHERE email"
                       " LIKE '%%example%%'") == 0


if __name__ == "__main__":
    run(setup, teardown)
