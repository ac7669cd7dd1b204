#!/usr/bin/env python3
"""test_replies.py -- calendar replies read from a real IMAP server
(dovecot, started here in a temp folder; issue 9, item 2): a REPLY as
Outlook, Gmail, Apple Calendar, Thunderbird and a METHOD-on-the-part
gateway send it is matched by UID and ATTENDEE (any case) and recorded
through the answer record (source 'calendar', its DTSTAMP); an older
SEQUENCE is ignored; a calendar DECLINE frees the seat and queues the
CANCEL as the page's Decline does; REFRESH queues the invitation again as
it stands; COUNTER is shown to organisers and changes nothing; a reply
that matches nothing is left unflagged; reading again changes nothing.

Replies are built from tests/fixtures/replies/ and delivered with IMAP
APPEND; invitations are published with summitctl."""
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

FIXTURES = os.path.join(SOURCE, "tests", "fixtures", "replies")
STAMP = "20261201T080000"
STAMP_EPOCH = 1796112000
S = {}


def setup():
    imapd = Imapd()
    S["imapd"] = imapd
    inst = imapd.summit_instance("summit_http_replies")
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["event"] = inst.scalar("SELECT id FROM event")
    S["sessions"] = [r[0] for r in inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " WHERE s.event_id = %s AND s.status = 'active'"
        " ORDER BY sl.starts_at, s.id LIMIT 2", S["event"])]
    return inst


def teardown(inst):
    if inst:
        inst.close()
    if "imapd" in S:
        S["imapd"].close()


def add(inst, name, email):
    """A confirmed participant placed in the first session; published."""
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, consent_at, email_confirmed_at) VALUES (%s, %s, %s, 'Org',"
        " 'business', 'confirmed', now(), now()) RETURNING id",
        S["event"], name, email)
    inst.query("UPDATE place SET participant_id = %s WHERE (event_id,"
               " place_no) = (SELECT event_id, min(place_no) FROM place"
               " WHERE event_id = %s AND participant_id IS NULL"
               " GROUP BY event_id)", pid, S["event"])
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id)"
               " VALUES (%s, %s, %s)", S["event"], pid, S["sessions"][0])
    inst.ctl("publish")
    return pid


def uid_of(inst, sid):
    return inst.scalar("SELECT uid FROM session WHERE id = %s", sid) + \
        "@example.org"


def reply(inst, name, attendee, partstat="ACCEPTED", seq=0, sid=None,
          uid=None, **extra):
    with open(os.path.join(FIXTURES, name)) as f:
        text = string.Template(f.read()).substitute(
            attendee=attendee, ATTENDEE=attendee.upper(),
            uid=uid or uid_of(inst, sid or S["sessions"][0]), seq=seq,
            partstat=partstat, stamp=STAMP, id=uuid.uuid4().hex[:12],
            **extra)
    return S["imapd"].append(text)


def read(inst):
    r = inst.ctl("mailbox-read")
    m = re.search(r"read (\d+) messages: (\d+) bounces recorded, (\d+)"
                  r" calendar replies handled, (\d+) left", r.stdout)
    assert m, (r.stdout, r.stderr)
    return tuple(int(x) for x in m.groups())


def answers(inst, pid):
    return inst.query("SELECT session_id, partstat, source, sequence,"
                      " extract(epoch FROM answered_at)::bigint FROM answer"
                      " WHERE participant_id = %s ORDER BY id", pid)


def state(inst):
    """Everything a read of the mailbox may change."""
    return (inst.query("SELECT * FROM answer ORDER BY id"),
            inst.query("SELECT * FROM mail_reply ORDER BY id"),
            inst.query("SELECT participant_id, session_id FROM assignment"
                       " ORDER BY 1, 2"),
            inst.query("SELECT participant_id, session_id, sequence, state"
                       " FROM invitation ORDER BY 1, 2"),
            inst.query("SELECT id, kind, state FROM outbox ORDER BY id"),
            inst.query("SELECT count(*) FROM audit_log"))


@case
def each_clients_reply_is_recorded(inst):
    sid = S["sessions"][0]
    shapes = [("outlook.eml", "Olav Outlook", "Olav.Outlook@Example.no",
               "ACCEPTED"),
              ("gmail.eml", "Gro Gmail", "gro.gmail@example.no", "TENTATIVE"),
              ("apple.eml", "Anne Apple", "anne.apple@example.no",
               "ACCEPTED"),
              ("thunderbird.eml", "Tor Thunderbird", "tor@example.no",
               "TENTATIVE"),
              ("method-on-part.eml", "Mona Part", "mona@example.no",
               "ACCEPTED")]
    people = []
    for name, who, email, partstat in shapes:
        pid = add(inst, who, email)
        # The client writes the address as it likes (Outlook and the
        # gateway upper-case it; the fixture's $ATTENDEE).
        uid = reply(inst, name, email.lower(), partstat)
        people.append((name, pid, partstat, uid))
    assert read(inst) == (5, 0, 5, 0)
    for name, pid, partstat, uid in people:
        got = answers(inst, pid)
        assert got == [(sid, partstat, "calendar", 0, STAMP_EPOCH)], \
            (name, got)
        flags = S["imapd"].flags(uid)
        assert "\\Seen" in flags and "$SummitHandled" in flags, (name, flags)
        assert inst.scalar("SELECT outcome FROM mail_reply WHERE"
                           " participant_id = %s", pid) == "recorded", name
    S["olav"], S["gro"] = people[0][1], people[1][1]
    # The console's counts see them.
    text = S["admin"].get("/console/registrations/%d" % S["olav"]).text
    assert "ACCEPTED" in text or "ccepted" in text, text[:2000]


@case
def an_older_sequence_is_ignored(inst):
    pid = S["olav"]
    sid = S["sessions"][0]
    # The session moved: publishing sent SEQUENCE 1.
    inst.query("UPDATE session SET room = room || ' (moved)' WHERE id = %s",
               sid)
    inst.ctl("publish")
    assert inst.scalar("SELECT sequence FROM invitation WHERE"
                       " participant_id = %s AND session_id = %s",
                       pid, sid) == 1
    before = answers(inst, pid)
    uid = reply(inst, "outlook.eml", "olav.outlook@example.no", "DECLINED",
                seq=0)
    assert read(inst) == (1, 0, 1, 0)
    assert answers(inst, pid) == before
    assert inst.scalar("SELECT count(*) FROM assignment WHERE"
                       " participant_id = %s", pid) == 1
    assert inst.scalar("SELECT outcome FROM mail_reply WHERE participant_id"
                       " = %s ORDER BY id DESC LIMIT 1", pid) == "stale"
    assert "$SummitHandled" in S["imapd"].flags(uid)
    # The same answer to SEQUENCE 1 counts.
    reply(inst, "outlook.eml", "olav.outlook@example.no", "ACCEPTED", seq=1)
    assert read(inst) == (1, 0, 1, 0)
    assert answers(inst, pid)[-1] == (sid, "ACCEPTED", "calendar", 1,
                                      STAMP_EPOCH)


@case
def a_calendar_decline_frees_the_seat_and_queues_the_cancel(inst):
    pid = S["gro"]
    sid = S["sessions"][0]
    seq = inst.scalar("SELECT sequence FROM invitation WHERE"
                      " participant_id = %s AND session_id = %s", pid, sid)
    reply(inst, "gmail.eml", "gro.gmail@example.no", "DECLINED", seq=seq)
    assert read(inst) == (1, 0, 1, 0)
    assert answers(inst, pid)[-1] == (sid, "DECLINED", "calendar", seq,
                                      STAMP_EPOCH)
    # As the page's Decline: the placement goes, a ban keeps it away,
    # the cancellation is queued with the next SEQUENCE, audited.
    assert inst.scalar("SELECT count(*) FROM assignment WHERE"
                       " participant_id = %s AND session_id = %s",
                       pid, sid) == 0
    assert inst.scalar("SELECT kind FROM placement_rule WHERE participant_id"
                       " = %s AND session_id = %s", pid, sid) == "ban"
    assert inst.query("SELECT sequence, state FROM invitation WHERE"
                      " participant_id = %s AND session_id = %s",
                      pid, sid) == [(seq + 1, "cancelled")]
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id = %s"
                       " AND kind = 'invite_cancel' AND state = 'queued'",
                       pid) == 1
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'answer.decline' AND actor = 'calendar'") == 1


@case
def refresh_queues_the_invitation_as_it_stands(inst):
    pid = add(inst, "Rita Refresh", "rita@example.no")
    sid = S["sessions"][0]
    inst.query("UPDATE session SET room = room || '!' WHERE id = %s", sid)
    inst.ctl("publish")
    seq = inst.scalar("SELECT sequence FROM invitation WHERE"
                      " participant_id = %s AND session_id = %s", pid, sid)
    queued = inst.scalar("SELECT count(*) FROM outbox WHERE"
                         " participant_id = %s", pid)
    reply(inst, "refresh.eml", "RITA@example.no")
    assert read(inst) == (1, 0, 1, 0)
    rows = inst.query("SELECT kind, state, payload::json->>'sequence',"
                      " payload::json->>'method' FROM outbox WHERE"
                      " participant_id = %s ORDER BY id", pid)
    assert len(rows) == queued + 1, rows
    assert rows[-1] == ("invite", "queued", str(seq), "REQUEST"), rows
    assert answers(inst, pid) == []
    # The worker sends it: a REQUEST with the SEQUENCE last sent.
    inst.ctl("mail-worker", "--once")
    sent = [m for m, _ in inst.mails() if "rita@example.no" in str(m["To"])]
    cal = [p.get_content() for p in sent[-1].walk()
           if p.get_content_type() == "text/calendar"]
    assert cal and "METHOD:REQUEST" in cal[0], cal
    assert "SEQUENCE:%d\r\n" % seq in cal[0], cal[0]
    assert "UID:%s" % uid_of(inst, sid) in cal[0], cal[0]


@case
def counter_is_shown_to_organisers_and_not_applied(inst):
    pid = add(inst, "Kari Counter", "kari.counter@example.no")
    sid = S["sessions"][0]
    slot = inst.query("SELECT sl.starts_at, sl.ends_at FROM slot sl JOIN"
                      " session s ON s.slot_id = sl.id WHERE s.id = %s", sid)
    before = answers(inst, pid)
    reply(inst, "counter.eml", "kari.counter@example.no",
          starts="20270315T120000Z", ends="20270315T133000Z")
    assert read(inst) == (1, 0, 1, 0)
    assert answers(inst, pid) == before
    assert inst.query("SELECT sl.starts_at, sl.ends_at FROM slot sl JOIN"
                      " session s ON s.slot_id = sl.id WHERE s.id = %s",
                      sid) == slot
    assert inst.scalar("SELECT count(*) FROM assignment WHERE"
                       " participant_id = %s", pid) == 1
    # 12:00Z is 13:00 in Oslo.
    for path in ("/console/registrations/%d" % pid,
                 "/console/sessions/%d/seating" % sid):
        r = S["admin"].get(path)
        assert r.status == 200, (path, r.status)
        assert 'id="counter"' in r.text, (path, r.text[:3000])
        assert "2027-03-15 13:00" in r.text and "14:30" in r.text, path
        assert "Kari Counter" in r.text, path
    # A second proposal: one list, two entries.
    reply(inst, "counter.eml", "kari.counter@example.no",
          starts="20270315T140000Z", ends="20270315T153000Z")
    assert read(inst) == (1, 0, 1, 0)
    text = S["admin"].get("/console/sessions/%d/seating" % sid).text
    section = text.split('id="counter"', 1)[1].split("</section>", 1)[0]
    assert section.count("<ul") == 1 and section.count("<li>") == 2, section
    assert "2027-03-15 15:00" in section and "16:30" in section, section


@case
def a_reply_that_matches_nothing_is_left_alone(inst):
    before = state(inst)
    uids = [reply(inst, "gmail.eml", "nobody@example.no"),
            reply(inst, "gmail.eml", "olav.outlook@example.no",
                  uid="%s@elsewhere.example" % uuid.uuid4())]
    assert read(inst) == (2, 0, 0, 2)
    for u in uids:
        assert S["imapd"].flags(u) - {"\\Recent"} == set(), \
            S["imapd"].flags(u)
    assert state(inst) == before


@case
def reading_again_changes_nothing(inst):
    before = state(inst)
    assert read(inst) == (0, 0, 0, 0)
    # As if the flags and the cursor were lost: every reply is read and
    # handled again, and nothing changes.
    c = S["imapd"].client()
    c.select("INBOX")
    c.uid("STORE", "1:*", "-FLAGS", "($SummitHandled)")
    c.logout()
    inst.query("UPDATE mailbox_cursor SET last_uid = 0")
    got = read(inst)
    assert got[0] == got[2] + got[3] and got[2] >= 9, got
    assert state(inst) == before


@case
def erasure_takes_what_their_calendar_sent(inst):
    pid = inst.scalar("SELECT participant_id FROM mail_reply WHERE method ="
                      " 'COUNTER' LIMIT 1")
    body = {"confirm": "yes",
            "_csrf": S["admin"].csrf("/console/registrations")}
    r = S["admin"].post("/console/registrations/%d/erase" % pid, body)
    assert r.status == 303, (r.status, r.text[:300])
    assert inst.scalar("SELECT count(*) FROM mail_reply WHERE"
                       " participant_id = %s", pid) == 0
    sid = S["sessions"][0]
    text = S["admin"].get("/console/sessions/%d/seating" % sid).text
    assert "Kari Counter" not in text


@case
def many_new_messages_are_all_read(inst):
    """More than one SEARCH window (500 UIDs) and more than one batch:
    every message is read once and left as it was (the flags put back
    with one STORE of UID ranges)."""
    before = state(inst)
    c = S["imapd"].client()
    first = None
    for i in range(620):
        typ, data = c.append("INBOX", None, None, (
            "From: x@example.no\r\nTo: events@example.org\r\n"
            "Subject: note %d\r\nMessage-ID: <n%d-%s@example.no>\r\n\r\n"
            "Hello.\r\n" % (i, i, uuid.uuid4().hex)).encode())
        assert typ == "OK", data
        if first is None:
            first = int(data[0].decode().split("APPENDUID", 1)[1].split()[1]
                        .rstrip("]"))
    c.logout()
    assert read(inst) == (620, 0, 0, 620)
    assert read(inst) == (0, 0, 0, 0)
    for uid in (first, first + 499, first + 500, first + 619):
        assert S["imapd"].flags(uid) - {"\\Recent"} == set(), uid
    assert state(inst) == before


@case
def summitd_reads_what_arrives_between_its_polls(inst):
    """summitd itself polling (worker_in_summitd, every 5 s): a
    reply that arrives after a poll is read by a later one, and so is
    the next.  Each read is a new IMAP session: on the one kept open,
    dovecot answered as of the first read and summitd never saw more."""
    port = free_port()
    conf = os.path.join(inst.dir, "summit-polling.conf")
    text = open(inst.conf).read().replace(
        "worker_in_summitd = false", "worker_in_summitd = true").replace(
        "starttls = true\n", "starttls = true\npoll_seconds = 5\n")
    assert "poll_seconds = 5\n" in text, text
    with open(conf, "w") as f:
        f.write(re.sub(r"(?m)^port = .*$", "port = %d" % port, text))
    server = Summitd(conf, inst.env, port)
    inst.servers.append(server)
    try:
        for n in (1, 2):
            email = "poll%d@example.no" % n
            pid = add(inst, "Poll %d" % n, email)
            reply(inst, "gmail.eml", email, partstat="TENTATIVE")
            wait_for(lambda: answers(inst, pid), timeout=15,
                     what="reply %d read by summitd" % n)
            assert answers(inst, pid)[0][1:3] == ("TENTATIVE", "calendar")
    finally:
        server.stop()


if __name__ == "__main__":
    run(setup, teardown)
