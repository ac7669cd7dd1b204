#!/usr/bin/env python3
"""test_messages.py -- messages to groups (issue 10, item 6) through a
real summitd, a real PostgreSQL and a real SMTP server (aiosmtpd): an
unknown placeholder is refused and nothing is stored; the filter counts
(status, sector, organisation, checked in, reply) with bounced addresses
skipped and counted; the sample in nb and en is HTML-escaped on the page;
the test goes to the admin's own address; sending queues one row per
recipient, writes one audit entry (message, filter, count), and each
person's mail arrives in their language with their values, a subject no
value can break into headers, and their /me link, whose page lists the
message, as does the console's page of the person.  Staff may not."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, SmtpSink, organiser,  # noqa: E402
                     smtp_conf)
from tap import case, run  # noqa: E402

# A name no HTML page may show raw, with a line break that must not
# become a header of its own in a subject.
ANNA = 'Anna "A&B" <i>x</i>\r\nBcc: evil@example.org'


def person(inst, name, email, lang, status="confirmed", sector="business",
           org="Org", checked=False):
    return inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, consent_at, email_confirmed_at, waitlisted_at,"
        " language, checked_in_at) SELECT id, %s, %s, %s, %s, %s, now(),"
        " now(), CASE WHEN %s = 'waitlisted' THEN now() END, %s,"
        " CASE WHEN %s THEN now() END FROM event RETURNING id",
        name, email, org, sector, status, status, lang, checked)


def setup():
    sink = SmtpSink()
    inst = Instance("summit_http_messages", extra_conf=smtp_conf(sink))
    inst.sink = sink
    inst.server = inst.start()
    inst.anna = person(inst, ANNA, "anna@example.no", "en", org="Acme")
    inst.bo = person(inst, "Bo Ås", "bo@example.no", "nb", sector="union")
    inst.cato = person(inst, "Cato", "cato@example.no", "en",
                       status="cancelled")
    inst.dag = person(inst, "Dag", "dag@example.no", "en")
    inst.eva = person(inst, "Eva", "eva@example.no", "nb", checked=True)
    inst.query("INSERT INTO mail_bounce (address, participant_id, status,"
               " report_id) VALUES ('dag@example.no', %s, '5.1.1', 'r1')",
               inst.dag)
    # Anna is placed at table 3 of a session and accepted it.
    inst.session = inst.scalar("SELECT min(id) FROM session")
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id,"
               " table_no, published) SELECT event_id, %s, %s, 3, true"
               " FROM participant WHERE id = %s", inst.anna, inst.session,
               inst.anna)
    inst.query("INSERT INTO invitation (event_id, participant_id, session_id,"
               " sequence, state, fingerprint) SELECT event_id, %s, %s, 0,"
               " 'invited', 'x' FROM participant WHERE id = %s", inst.anna,
               inst.session, inst.anna)
    inst.query("INSERT INTO answer (participant_id, session_id, partstat,"
               " source, sequence, answered_at) VALUES (%s, %s, 'ACCEPTED',"
               " 'page', 0, now())", inst.anna, inst.session)
    inst.title_en = inst.scalar("SELECT title_en FROM session WHERE id = %s",
                                inst.session)
    inst.title_nb = inst.scalar("SELECT title_nb FROM session WHERE id = %s",
                                inst.session)
    inst.admin = organiser(inst, "admin@example.no", "admin")
    return inst


def teardown(inst):
    if inst:
        inst.sink.stop()
        inst.close()


def form(inst, **over):
    f = {"_csrf": inst.admin.csrf("/console/messages"),
         "subject_nb": "Hei {name}", "subject_en": "Hello {name}",
         "body_nb": "Hei {name}!\nDine sesjoner:\n{sessions}\nBord: {table}\n"
                    "Siden din: {link}",
         "body_en": "Hello {name}!\nYour sessions:\n{sessions}\n"
                    "Table: {table}\nYour page: {link}",
         "status": "confirmed", "sector": "", "organisation": "",
         "session": "", "checked": "", "reply": ""}
    f.update(over)
    return f


def count(text):
    m = re.search(r'id="count">[^<]*<strong>(\d+)</strong>[^<]*'
                  r'<strong>(\d+)</strong>', text)
    assert m, text[:3000]
    return int(m.group(1)), int(m.group(2))


def queued(inst, kind="message"):
    return inst.scalar("SELECT count(*) FROM outbox WHERE kind = %s", kind)


@case
def staff_may_not(inst):
    staff = organiser(inst, "staff@example.no", "staff")
    assert staff.get("/console/messages").status == 403
    r = staff.post("/console/messages/send",
                   dict(form(inst), _csrf=staff.csrf("/console")))
    assert r.status == 403, r.status
    assert queued(inst) == 0


@case
def an_unknown_placeholder_is_refused(inst):
    for field, text in (("body_en", "Hi {nmae}"), ("subject_nb", "{navn}")):
        for step in ("preview", "test", "send"):
            r = inst.admin.post("/console/messages/" + step,
                                form(inst, **{field: text}))
            assert r.status == 400, (step, r.status)
            assert "Unknown placeholder" in r.text or \
                "Ukjent plassholder" in r.text, r.text[:2000]
            assert 'id="%s-err"' % field in r.text
    assert queued(inst) == 0 and queued(inst, "message_test") == 0
    assert inst.scalar("SELECT count(*) FROM message") == 0
    # A brace that names nothing is text.
    r = inst.admin.post("/console/messages/preview",
                        form(inst, body_en="a { b } {} {1}"))
    assert r.status == 200, r.text[:2000]


@case
def the_filter_counts_and_skips_bounced(inst):
    cases = [({}, (3, 1)), ({"status": ""}, (4, 1)),
             ({"status": "cancelled"}, (1, 0)), ({"sector": "union"}, (1, 0)),
             ({"organisation": "acme"}, (1, 0)), ({"checked": "yes"}, (1, 0)),
             ({"checked": "no"}, (2, 1)), ({"reply": "accepted"}, (1, 0)),
             ({"reply": "none"}, (0, 0)), ({"reply": "declined"}, (0, 0)),
             ({"session": str(inst.session)}, (1, 0))]
    for over, want in cases:
        r = inst.admin.post("/console/messages/preview", form(inst, **over))
        assert r.status == 200, (over, r.status, r.text[:1000])
        assert count(r.text) == want, (over, count(r.text), want)
    r = inst.admin.post("/console/messages/preview",
                        form(inst, status="married"))
    assert r.status == 400
    assert queued(inst) == 0


@case
def the_sample_is_rendered_in_both_languages_and_escaped(inst):
    r = inst.admin.post("/console/messages/preview", form(inst))
    assert r.status == 200
    nb = re.search(r'id="sample-nb">(.*?)</article>', r.text, re.S).group(1)
    en = re.search(r'id="sample-en">(.*?)</article>', r.text, re.S).group(1)
    # Escaped on the page, the name's line break only a ", " in a subject.
    assert "<i>" not in r.text
    assert "Hello Anna &quot;A&amp;B&quot; &lt;i&gt;x&lt;/i&gt;, Bcc:" in en, en
    assert "Hei Anna" in nb
    assert inst.title_en in en and "table 3" in en and "Table: 3" in en, en
    assert inst.title_nb in nb and "bord 3" in nb and "Bord: 3" in nb, nb
    assert "/me/" in en


@case
def a_test_goes_to_the_admin(inst):
    r = inst.admin.post("/console/messages/test", form(inst))
    assert r.status == 200, r.text[:1000]
    assert 'id="test-notice"' in r.text and "admin@example.no" in r.text
    assert queued(inst) == 0
    assert inst.query("SELECT recipient, language FROM outbox WHERE kind ="
                      " 'message_test' ORDER BY language") == [
        ("admin@example.no", "en"), ("admin@example.no", "nb")]
    inst.ctl("mail-worker", "--once")
    got = [m for m in inst.sink.messages() if "admin@" in str(m["To"])]
    assert len(got) == 2, [str(m["Subject"]) for m in got]
    subjects = sorted(str(m["Subject"]) for m in got)
    assert subjects[0].startswith("[Test] Hei Anna"), subjects
    assert subjects[1].startswith("[Test] Hello Anna"), subjects


@case
def sending_queues_audits_and_delivers(inst):
    r = inst.admin.post("/console/messages/send", form(inst))
    assert r.status == 303, (r.status, r.text[:1000])
    assert r.getheader("Location") == "/console/messages?sent=3&skipped=1"
    r = inst.admin.get(r.getheader("Location"))
    assert 'id="sent-notice"' in r.text
    rows = inst.query("SELECT participant_id, language FROM outbox"
                      " WHERE kind = 'message' ORDER BY participant_id")
    assert rows == [(inst.anna, "en"), (inst.bo, "nb"), (inst.eva, "nb")], \
        rows
    audit = inst.query("SELECT after FROM audit_log WHERE action ="
                       " 'message.send'")
    assert len(audit) == 1, audit
    after = audit[0][0]
    assert after["recipients"] == 3 and after["skipped"] == 1, after
    assert after["filter"]["status"] == "confirmed", after
    assert after["body_en"].startswith("Hello {name}"), after
    assert inst.query("SELECT recipients, skipped FROM message") == [(3, 1)]

    before = len(inst.sink.messages())
    inst.ctl("mail-worker", "--once")
    mails = inst.sink.messages()[before:]
    to = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in mails}
    assert sorted(to) == ["anna@example.no", "bo@example.no",
                          "eva@example.no"], sorted(to)
    anna = to["anna@example.no"]
    # One line, Bcc only as text: no header of its own.
    assert anna["Bcc"] is None
    assert str(anna["Subject"]) == \
        'Hello Anna "A&B" <i>x</i>, Bcc: evil@example.org', anna["Subject"]
    body = anna.get_body(preferencelist=("plain",)).get_content()
    assert "Your sessions:" in body and inst.title_en in body, body
    assert "Table: 3" in body, body
    bo = to["bo@example.no"].get_body(preferencelist=("plain",)).get_content()
    assert str(to["bo@example.no"]["Subject"]) == "Hei Bo Ås"
    assert "Dine sesjoner:" in bo and "(ingen sesjoner ennå)" in bo, bo
    assert "Bord: –" in bo, bo
    # The personal link opens Anna's page, which lists the message.
    token = re.search(r"/me/([0-9a-f]{32})", body).group(1)
    r = Client(inst.port, lang="en").get("/me/" + token)
    assert r.status == 200
    sec = re.search(r'id="messages">(.*?)</section>', r.text, re.S).group(1)
    assert "Hello Anna &quot;A&amp;B&quot; &lt;i&gt;" in sec, sec
    # And the console's page of the person.
    r = inst.admin.get("/console/registrations/%d" % inst.anna)
    sec = re.search(r'<table class="data" id="messages">(.*?)</table>',
                    r.text, re.S).group(1)
    assert "Hei {name}" in sec and "Hello {name}" in sec, sec
    r = inst.admin.get("/console/registrations/%d" % inst.dag)
    sec = re.search(r'<table class="data" id="messages">(.*?)</table>',
                    r.text, re.S).group(1)
    assert "Hello" not in sec
    r = inst.admin.get("/console/messages")
    assert "Hello {name}" in r.text


if __name__ == "__main__":
    run(setup, teardown)
