#!/usr/bin/env python3
"""test_bounce.py -- bounces read from a real IMAP server (dovecot, started
here in a temp folder) mark the address Summit mailed; the outbox holds
mail to it; the console shows it per person and as a list; an admin's
correction re-sends what was missed.  Reading is idempotent, survives a
new UIDVALIDITY, and leaves every message that is not a bounce of Summit's
exactly as it was (no flag added or removed).

Mail goes out through the maildir transport (what Summit sent is read back
from there, Message-ID included); bounces are built from the fixtures in
tests/fixtures/bounces/ and delivered with IMAP APPEND."""
import os
import re
import string
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (SOURCE, Summitd, free_port,  # noqa: E402
                     organiser, wait_for)
from imapd import Imapd  # noqa: E402
from tap import case, run  # noqa: E402

FIXTURES = os.path.join(SOURCE, "tests", "fixtures", "bounces")
S = {}


def setup():
    imapd = Imapd()
    S["imapd"] = imapd
    inst = imapd.summit_instance("summit_http_bounce")
    S["pw"] = imapd.password_file()
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    S["event"] = inst.scalar("SELECT id FROM event")
    return inst


def teardown(inst):
    if inst:
        inst.close()
    if "imapd" in S:
        S["imapd"].close()


def add(inst, name, email):
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, consent_at, email_confirmed_at) VALUES (%s, %s, %s, 'Org',"
        " 'business', 'confirmed', now(), now()) RETURNING id",
        S["event"], name, email)
    inst.query("UPDATE place SET participant_id = %s WHERE (event_id,"
               " place_no) = (SELECT event_id, min(place_no) FROM place"
               " WHERE event_id = %s AND participant_id IS NULL"
               " GROUP BY event_id)", pid, S["event"])
    return pid


def post(c, path, data=None):
    body = dict(data or {})
    body["_csrf"] = c.csrf("/console/registrations")
    return c.post(path, body)


def mail_to(inst, pid):
    """Queues a mail to pid (the console's "send the link again"), sends it
    with the worker; -> the outbox row's id."""
    r = post(S["admin"], "/console/registrations/%d/resend-confirmation" % pid)
    assert r.status == 303, (r.status, r.text[:300])
    oid = inst.scalar("SELECT max(id) FROM outbox WHERE participant_id = %s",
                      pid)
    inst.ctl("mail-worker", "--once")
    return oid


def sent_message_id(inst, address):
    """The Message-ID of the last mail delivered to address."""
    ids = [m["Message-ID"] for m, _ in inst.mails()
           if address in str(m["To"])]
    assert ids, "nothing was sent to %s" % address
    return ids[-1]


def fixture(name, rcpt, msgid="<not-ours@elsewhere.example>", uid=None):
    with open(os.path.join(FIXTURES, name)) as f:
        text = string.Template(f.read()).substitute(
            rcpt=rcpt, msgid=msgid, id=uid or uuid.uuid4().hex[:12])
    return text


def read(inst, *extra):
    r = inst.ctl(*extra, "mailbox-read")
    m = re.search(r"read (\d+) messages: (\d+) bounces recorded, \d+ calendar replies handled, (\d+) left",
                  r.stdout)
    assert m, (r.stdout, r.stderr)
    return tuple(int(x) for x in m.groups())


def bounces(inst, pid):
    return inst.query("SELECT address, status, diagnostic, outbox_id"
                      " FROM mail_bounce WHERE participant_id = %s"
                      " AND cleared_at IS NULL ORDER BY id", pid)


def state(inst):
    """Everything a read of the mailbox may change."""
    return (inst.query("SELECT id, address, participant_id, outbox_id, status,"
                       " diagnostic, report_id, bounced_at, cleared_at"
                       " FROM mail_bounce ORDER BY id"),
            inst.query("SELECT id, state, recipient, attempts, last_error"
                       " FROM outbox ORDER BY id"))


@case
def rfc3464_bounce_marks_the_person_and_holds_their_next_mail(inst):
    imapd = S["imapd"]
    pid = add(inst, "Anna Avvist", "anna@bad.example")
    oid = mail_to(inst, pid)
    msgid = sent_message_id(inst, "anna@bad.example")
    assert msgid == "<outbox-%d@example.org>" % oid, msgid
    uid = imapd.append(fixture("dsn-postfix.eml", "anna@bad.example", msgid))
    assert read(inst) == (1, 1, 0)
    got = bounces(inst, pid)
    assert len(got) == 1, got
    address, status, diagnostic, outbox_id = got[0]
    assert (address, status, outbox_id) == ("anna@bad.example", "5.1.1",
                                            oid), got
    assert "User unknown" in diagnostic and "550" in diagnostic, diagnostic
    flags = imapd.flags(uid)
    assert "\\Seen" in flags and "$SummitHandled" in flags, flags
    # The next mail to her is held, visibly, with the reason; none is sent.
    before = len(inst.mails())
    held = mail_to(inst, pid)
    assert len(inst.mails()) == before
    st, why = inst.query("SELECT state, last_error FROM outbox WHERE id = %s",
                         held)[0]
    assert st == "held" and "5.1.1" in why, (st, why)
    listed = inst.ctl("outbox", "--state", "held").stdout
    assert "anna@bad.example" in listed and "5.1.1" in listed, listed
    # The console: per person, and the list (staff may read both).
    for c in (S["admin"], S["staff"]):
        r = c.get("/console/registrations/%d" % pid)
        assert r.status == 200, r.status
        assert 'id="bounce"' in r.text and "5.1.1" in r.text and \
            "User unknown" in r.text, r.text[:2000]
        r = c.get("/console/mail/bounces")
        assert r.status == 200, r.status
        assert "anna@bad.example" in r.text and \
            'href="/console/registrations/%d"' % pid in r.text
        r = c.get("/console/mail?state=held")
        assert r.status == 200 and "anna@bad.example" in r.text
    # Only an admin sees the correction form.
    assert 'action="/console/registrations/%d/email"' % pid in \
        S["admin"].get("/console/registrations/%d" % pid).text
    assert 'action="/console/registrations/%d/email"' % pid not in \
        S["staff"].get("/console/registrations/%d" % pid).text
    S["anna"], S["anna_held"], S["anna_sent"] = pid, held, oid


@case
def rfc3464_with_the_message_attached_matches_by_original_recipient(inst):
    pid = add(inst, "Gunnar Gmail", "gunnar@bad.example")
    uid = S["imapd"].append(fixture("dsn-attached.eml", "gunnar@bad.example"))
    assert read(inst) == (1, 1, 0)
    got = bounces(inst, pid)
    assert [(a, s, o) for a, s, _, o in got] == \
        [("gunnar@bad.example", "5.1.1", None)], got
    assert "does not exist" in got[0][2], got
    assert "$SummitHandled" in S["imapd"].flags(uid)


@case
def plain_text_bounces_postfix_exim_qmail(inst):
    imapd = S["imapd"]
    cases = [("plain-postfix.eml", "Petter Postfix", "petter@gone.example",
              "5.2.2", "552"),
             ("exim.eml", "Eva Exim", "eva@nowhere.example", "5.1.1",
              "No such user"),
             ("qmail.eml", "Kari Qmail", "kari@qmail-dest.example", "5.1.1",
              "no mailbox here")]
    for name, who, address, status, words in cases:
        pid = add(inst, who, address)
        oid = mail_to(inst, pid)
        msgid = sent_message_id(inst, address)
        # Postfix quotes the Message-ID; Exim's and qmail's copies here do
        # not, so those match by the failed address.
        uid = imapd.append(fixture(name, address, msgid))
        assert read(inst) == (1, 1, 0), name
        got = bounces(inst, pid)
        assert len(got) == 1, (name, got)
        a, s, diag, outbox_id = got[0]
        assert (a, s) == (address, status), (name, got)
        assert words in diag, (name, diag)
        assert outbox_id == (oid if name == "plain-postfix.eml" else None), \
            (name, got)
        assert "$SummitHandled" in imapd.flags(uid), name
        held = mail_to(inst, pid)
        assert inst.scalar("SELECT state FROM outbox WHERE id = %s",
                           held) == "held", name
        S.setdefault("plain", []).append((pid, address, held))


@case
def what_is_not_a_bounce_of_summits_is_left_exactly_as_it_was(inst):
    imapd = S["imapd"]
    pid = add(inst, "Sakte Server", "slow@slow.example")
    before = state(inst)
    reply = ("From: Ola Nordmann <ola@example.no>\nTo: toppmote@example.org\n"
             "Subject: Re: Your registration\nMessage-ID: <r-%s@example.no>\n"
             "Date: Wed, 2 Dec 2026 15:00:00 +0100\n\nThanks, see you there.\n"
             % uuid.uuid4().hex)
    unseen = [imapd.append(reply),
              imapd.append(fixture("dsn-delayed.eml", "slow@slow.example")),
              # A bounce of an address Summit never mailed.
              imapd.append(fixture("dsn-postfix.eml", "stranger@else.example"))]
    seen = imapd.append(reply.replace("Re: Your", "Re: Re: Your"))
    c = imapd.client()
    c.select("INBOX")
    c.uid("STORE", str(seen), "+FLAGS", "(\\Seen)")
    c.logout()
    assert read(inst) == (4, 0, 4)
    for uid in unseen:
        assert imapd.flags(uid) - {"\\Recent"} == set(), \
            (uid, imapd.flags(uid))
    assert imapd.flags(seen) - {"\\Recent"} == {"\\Seen"}
    assert state(inst) == before
    assert bounces(inst, pid) == []


@case
def reading_twice_changes_nothing_twice(inst):
    imapd = S["imapd"]
    before = state(inst)
    assert read(inst) == (0, 0, 0)
    # As if the flags were lost and the cursor with them: every message is
    # read and handled again, and nothing changes.
    c = imapd.client()
    c.select("INBOX")
    c.uid("STORE", "1:*", "-FLAGS", "($SummitHandled)")
    c.logout()
    inst.query("UPDATE mailbox_cursor SET last_uid = 0")
    # 5 bounces of Summit's; the reply, the delay warning, the
    # stranger's bounce and the seen reply are left.
    assert read(inst) == (9, 5, 4)
    assert state(inst) == before


@case
def a_new_uidvalidity_reads_the_mailbox_again_safely(inst):
    imapd = S["imapd"]
    old = imapd.uidvalidity()
    assert inst.scalar("SELECT uidvalidity FROM mailbox_cursor") == old
    anna_bounce = inst.query("SELECT report_id FROM mail_bounce"
                             " WHERE participant_id = %s", S["anna"])[0][0]
    imapd.recreate()
    assert imapd.uidvalidity() != old
    # The same bounce again (same Message-ID) and a new one.
    dsn = fixture("dsn-postfix.eml", "anna@bad.example",
                  "<outbox-%d@example.org>" % S["anna_sent"],
                  uid=anna_bounce[len("<dsn-"):].split("@")[0])
    assert "<dsn-" in anna_bounce and anna_bounce in dsn
    imapd.append(dsn)
    pid = add(inst, "Ny Etter Gjenoppretting", "late@bad.example")
    imapd.append(fixture("dsn-postfix.eml", "late@bad.example"))
    before = inst.scalar("SELECT count(*) FROM mail_bounce")
    assert read(inst) == (2, 2, 0)
    assert inst.scalar("SELECT count(*) FROM mail_bounce") == before + 1
    assert len(bounces(inst, S["anna"])) == 1
    assert len(bounces(inst, pid)) == 1
    assert inst.scalar("SELECT uidvalidity FROM mailbox_cursor") == \
        imapd.uidvalidity()


@case
def an_admins_correction_clears_the_bounce_and_resends(inst):
    pid, admin = S["anna"], S["admin"]
    path = "/console/registrations/%d/email" % pid
    before = state(inst)
    # Staff may not; a bad or taken address is refused; nothing changes.
    r = post(S["staff"], path, {"email": "anna@good.example"})
    assert r.status == 403, r.status
    r = post(admin, path, {"email": "not an address"})
    assert r.status == 400 and ("not a valid e-mail" in r.text or
                                "ikke en gyldig e-post" in r.text), r.status
    r = post(admin, path, {"email": "GUNNAR@bad.example"})
    assert r.status == 400 and ("Another registration" in r.text or
                                "En annen påmelding" in r.text), \
        (r.status, r.text[:500])
    assert state(inst) == before
    sent = len(inst.mails())
    r = post(admin, path, {"email": "anna@good.example"})
    assert r.status == 303, (r.status, r.text[:500])
    assert inst.scalar("SELECT email FROM participant WHERE id = %s",
                       pid) == "anna@good.example"
    assert bounces(inst, pid) == []
    rows = inst.query("SELECT id, state, recipient FROM outbox WHERE id IN"
                      " (%s, %s) ORDER BY id", S["anna_sent"], S["anna_held"])
    assert rows == [(S["anna_sent"], "queued", "anna@good.example"),
                    (S["anna_held"], "queued", "anna@good.example")], rows
    assert inst.scalar(
        "SELECT count(*) FROM audit_log WHERE action ="
        " 'registrations.correct_email' AND subject_id = %s", pid) == 1
    inst.ctl("mail-worker", "--once")
    to_new = [m for m, _ in inst.mails()[sent:]
              if "anna@good.example" in str(m["To"])]
    assert len(to_new) == 2, [str(m["To"]) for m, _ in inst.mails()[sent:]]
    assert "anna@bad.example" not in inst.ctl("outbox", "--state",
                                              "held").stdout
    # Reading the old bounces again does not mark her new address, nor
    # the old one again.
    c = S["imapd"].client()
    c.select("INBOX")
    c.uid("STORE", "1:*", "-FLAGS", "($SummitHandled)")
    c.logout()
    inst.query("UPDATE mailbox_cursor SET last_uid = 0")
    read(inst)
    assert bounces(inst, pid) == []
    page = admin.get("/console/registrations/%d" % pid).text
    assert 'id="bounce"' not in page
    assert "anna@" not in admin.get("/console/mail/bounces").text


@case
def erasure_takes_the_bounce_and_the_held_mail_with_it(inst):
    pid, address, held = S["plain"][0]
    r = post(S["admin"], "/console/registrations/%d/erase" % pid,
             {"confirm": "yes"})
    assert r.status == 303, (r.status, r.text[:300])
    assert inst.scalar("SELECT count(*) FROM mail_bounce WHERE"
                       " participant_id = %s OR address = %s",
                       pid, address) == 0
    assert inst.query("SELECT state, last_error, recipient FROM outbox"
                      " WHERE id = %s", held) == \
        [("failed", "erased", "erased-%d@invalid.invalid" % pid)]
    assert address not in S["admin"].get("/console/mail/bounces").text


@case
def summitd_reads_the_mailbox_on_its_own(inst):
    pid = add(inst, "Periodisk Petra", "petra@bad.example")
    S["imapd"].append(fixture("dsn-postfix.eml", "petra@bad.example"))
    with open(inst.conf) as f:
        text = f.read()
    conf = os.path.join(inst.dir, "worker.conf")
    port = free_port()
    with open(conf, "w") as f:
        f.write(re.sub(r"(?m)^port = .*$", "port = %d" % port, text)
                .replace("worker_in_summitd = false", "worker_in_summitd = true")
                + "poll_seconds = 5\n")
    s = Summitd(conf, inst.env, port)
    try:
        wait_for(lambda: bounces(inst, pid), what="summitd to read the bounce")
    finally:
        assert s.stop() == 0, s.report()
    assert "could not read the mailbox" not in s.log(), s.log_tail()


@case
def implicit_tls_and_a_wrong_password(inst):
    imapd = S["imapd"]
    with open(inst.conf) as f:
        text = f.read()
    tls = os.path.join(inst.dir, "imaps.conf")
    with open(tls, "w") as f:
        f.write(text.replace(imapd.url(), imapd.url("imaps"))
                .replace("starttls = true", "starttls = false"))
    r = inst.ctl("--config", tls, "mailbox-read", check=False)
    assert r.returncode == 0 and "read 0 messages" in r.stdout, \
        (r.returncode, r.stdout, r.stderr)
    bad_pw = os.path.join(inst.dir, "bad-password")
    with open(bad_pw, "w") as f:
        f.write("wrong\n")
    bad = os.path.join(inst.dir, "bad.conf")
    with open(bad, "w") as f:
        f.write(text.replace(S["pw"], bad_pw))
    before = state(inst)
    r = inst.ctl("--config", bad, "mailbox-read", check=False)
    assert r.returncode != 0 and "could not read the mailbox" in r.stderr, \
        (r.returncode, r.stderr)
    assert state(inst) == before


if __name__ == "__main__":
    run(setup, teardown)
