#!/usr/bin/env python3
"""test_invitations.py -- invitations through a real SMTP server: MIME
structure, headers, DKIM, the calendar object (read back by an independent
parser), the invite -> update -> cancel lifecycle, escaping, DST, and the
outbox worker's guarantees (exactly once, retries, permanent failures,
a killed worker)."""
import base64
import datetime
import os
import re
import signal
import subprocess
import sys
import time

import dkim
import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (SUMMITCTL, Instance, SmtpSink, make_dkim_key,  # noqa: E402
                     smtp_conf, wait_for)
from tap import case, run  # noqa: E402

PID = None


def setup():
    inst = Instance("summit_it_invitations")
    inst.sink = SmtpSink()
    inst.dkim_key = make_dkim_key(inst.dir)
    inst.add_conf(smtp_conf(inst.sink, inst.dkim_key))
    ev = inst.scalar("SELECT id FROM event")
    inst.ev = ev
    # One participant with an awkward name, ranked sessions in two slots.
    inst.pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, consent_at, email_confirmed_at, language) VALUES (%s, %s,"
        " 'bjorn@example.no', 'LO', 'union', 'confirmed', now(), now(), 'nb')"
        " RETURNING id", ev, 'Ødegård, Bjørn "Bear" 😀')
    for rank, sid in ((1, 1), (2, 5)):
        inst.query("INSERT INTO preference (event_id, participant_id,"
                   " session_id, rank) VALUES (%s, %s, %s, %s)",
                   ev, inst.pid, sid, rank)
    # A title with every character calendar text must escape.
    inst.query("UPDATE session SET title_nb = %s, room = %s WHERE id = 1",
               'KI; arbeid, makt \\ "sitater"\nog æøå 😀', "Sal 1; bygg, B")
    return inst


def teardown(inst):
    if inst:
        inst.sink.stop()
        inst.close()


def drain(inst):
    r = inst.ctl("mail-worker", "--once")
    return r


def mails_for(inst, addr):
    return [m for m in inst.sink.messages() if addr in str(m["To"])]


def parts(msg):
    """(content types in order, calendar text, attachment text)."""
    types = [p.get_content_type() for p in msg.walk()]
    cal = att = None
    for p in msg.walk():
        if p.get_content_type() == "text/calendar":
            cal = p.get_payload(decode=True)
            assert p.get_param("method") in ("REQUEST", "CANCEL")
            assert p["Content-Transfer-Encoding"].lower() == "base64"
            cal_method = p.get_param("method")
        if p.get_content_type() == "application/ics":
            att = p.get_payload(decode=True)
            assert 'filename="invite.ics"' in p["Content-Disposition"]
    return types, cal, att, cal_method


def dkim_ok(inst, raw):
    rec = inst.ctl("dkim-record").stdout
    txt = re.search(r'"(v=DKIM1[^"]*)"', rec).group(1).encode()
    return dkim.verify(raw, dnsfunc=lambda name, timeout=5: txt)


def check_invitation(inst, msg, method, sequence):
    types, cal, att, cal_method = parts(msg)
    assert types[:2] == ["multipart/mixed", "multipart/alternative"], types
    alt = [t for t in types if t.startswith("text/")]
    assert alt[0] == "text/plain" and alt[-1] == "text/calendar", types
    assert types[-1] == "application/ics", types
    assert cal == att, "inline and attached calendars differ"
    assert cal_method == method
    assert msg["From"].addresses[0].addr_spec == "toppmote@example.org"
    assert msg["To"].addresses[0].addr_spec == "bjorn@example.no"
    assert re.fullmatch(r"<outbox-\d+@example\.org>", msg["Message-ID"])
    assert dkim_ok(inst, msg.raw), "DKIM signature does not verify"
    text = cal.decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert all(len(l.encode()) <= 75 for l in text.split("\r\n"))
    c = icalendar.Calendar.from_ical(cal)
    assert str(c["METHOD"]) == method
    ev = [e for e in c.walk("VEVENT")][0]
    assert int(ev["SEQUENCE"]) == sequence, (ev["SEQUENCE"], sequence)
    assert str(ev["STATUS"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
    assert str(ev["ORGANIZER"]).lower() == "mailto:toppmote@example.org"
    att = ev["ATTENDEE"]
    assert not isinstance(att, list), "more than one attendee"
    assert str(att).lower() == "mailto:bjorn@example.no"
    assert att.params["RSVP"] == "TRUE"
    assert att.params["CN"] == "Ødegård, Bjørn Bear 😀", att.params["CN"]
    assert len([v for v in c.walk("VTIMEZONE")]) == 1
    return c, ev


@case
def invitation_then_update_then_cancel(inst):
    inst.ctl("allocate", "--apply")
    placed = set(s for (s,) in inst.query(
        "SELECT session_id FROM assignment WHERE participant_id = %s",
        inst.pid))
    assert placed == {1, 5}, placed
    r = inst.ctl("publish")
    assert "queued 2 invitations, 0 updates and 0 cancellations" in r.stdout, r.stdout
    r = inst.ctl("publish")
    assert "queued 0 invitations, 0 updates and 0 cancellations" in r.stdout, r.stdout
    drain(inst)
    mails = mails_for(inst, "bjorn@example.no")
    assert len(mails) == 2, len(mails)
    first = [m for m in mails if "arbeid" in str(m["Subject"])][0]
    assert str(first["Subject"]).startswith("Invitasjon: ")
    c, ev = check_invitation(inst, first, "REQUEST", 0)
    uid = str(ev["UID"])
    # Escaping survived: the independent parser reads back the exact text.
    assert str(ev["SUMMARY"]) == 'KI; arbeid, makt \\ "sitater"\nog æøå 😀'
    assert str(ev["LOCATION"]).startswith("Sal 1; bygg, B")
    assert ev["DTSTART"].params["TZID"] == "Europe/Oslo"
    start = ev["DTSTART"].dt
    assert start.astimezone(datetime.timezone.utc) == datetime.datetime(
        2027, 3, 11, 8, 30, tzinfo=datetime.timezone.utc), start
    # The text part says when, in local time, and links to the page.
    body = first.get_body(preferencelist=("plain",)).get_content()
    assert "2027-03-11 kl. 09:30–10:45" in body and "/me/" in body

    # The session moves half an hour (up to the next slot, which it may
    # touch but not overlap): one update, same UID, higher SEQUENCE.
    inst.query("UPDATE slot SET starts_at = starts_at + interval '30 minutes',"
               " ends_at = ends_at + interval '30 minutes' WHERE id = (SELECT"
               " slot_id FROM session WHERE id = 1)")
    r = inst.ctl("publish")
    assert "queued 0 invitations, 1 updates and 0 cancellations" in r.stdout, r.stdout
    drain(inst)
    upd = [m for m in mails_for(inst, "bjorn@example.no")
           if str(m["Subject"]).startswith("Oppdatert: ")]
    assert len(upd) == 1
    c, ev = check_invitation(inst, upd[0], "REQUEST", 1)
    assert str(ev["UID"]) == uid
    assert ev["DTSTART"].dt.astimezone(datetime.timezone.utc).hour == 9

    # The placement is removed: a CANCEL, same UID, higher SEQUENCE still.
    inst.query("DELETE FROM assignment WHERE participant_id = %s AND"
               " session_id = 1", inst.pid)
    r = inst.ctl("publish")
    assert "queued 0 invitations, 0 updates and 1 cancellations" in r.stdout, r.stdout
    drain(inst)
    cancel = [m for m in mails_for(inst, "bjorn@example.no")
              if str(m["Subject"]).startswith("Avlyst: ")]
    assert len(cancel) == 1
    c, ev = check_invitation(inst, cancel[0], "CANCEL", 2)
    assert str(ev["UID"]) == uid
    r = inst.ctl("publish")
    assert "queued 0 invitations, 0 updates and 0 cancellations" in r.stdout


@case
def ics_command_prints_what_would_be_sent(inst):
    r = inst.ctl("ics", "--participant", "BJORN@example.no", "--session", "5")
    assert r.stdout.startswith("BEGIN:VCALENDAR\r\n"), r.stdout[:200]
    assert "METHOD:REQUEST\r\n" in r.stdout and "SEQUENCE:0\r\n" in r.stdout
    r = inst.ctl("ics", "--participant", "bjorn@example.no", "--session", "5",
                 "--method", "cancel")
    assert "METHOD:CANCEL\r\n" in r.stdout and "SEQUENCE:1\r\n" in r.stdout
    r = inst.ctl("ics", "--participant", "nobody@example.no", check=False)
    assert r.returncode != 0 and "nobody@example.no" not in r.stdout


@case
def a_dst_date_shows_the_right_local_time(inst):
    # Last Sunday of March 2027 and of October 2027, 10:00 in Oslo.
    for day, utc_hour in (("2027-03-28", 8), ("2027-10-31", 9)):
        inst.query("UPDATE slot SET starts_at = %s::timestamptz, ends_at ="
                   " %s::timestamptz WHERE id = (SELECT slot_id FROM session"
                   " WHERE id = 5)", day + " 10:00 Europe/Oslo",
                   day + " 11:00 Europe/Oslo")
        r = inst.ctl("ics", "--participant", "bjorn@example.no", "--session", "5")
        stamp = day.replace("-", "")
        assert "DTSTART;TZID=Europe/Oslo:%sT100000" % stamp in r.stdout, r.stdout
        c = icalendar.Calendar.from_ical(r.stdout.encode())
        ev = [e for e in c.walk("VEVENT")][0]
        assert ev["DTSTART"].dt.astimezone(datetime.timezone.utc).hour == utc_hour


def queue(inst, n, kind="promoted"):
    inst.query("INSERT INTO outbox (event_id, participant_id, kind, recipient,"
               " recipient_name, language) SELECT %s, %s, %s,"
               " 'w' || g || '@example.no', 'W ' || g, 'nb'"
               " FROM generate_series(1, %s) g", inst.ev, inst.pid, kind, n)


def outbox_ids(inst):
    return set(i for (i,) in inst.query(
        "SELECT id FROM outbox WHERE recipient LIKE 'w%%@example.no'"))


def msgids(sink):
    return [m["Message-ID"] for m in sink.messages()]


@case
def two_workers_drain_2000_messages_exactly_once(inst):
    sink = SmtpSink()
    try:
        conf = inst.conf + ".two"
        open(conf, "w").write(open(inst.conf).read() + smtp_conf(
            sink, extra="rate_per_second = 100000\nbatch = 50\n"))
        queue(inst, 2000)
        ids = outbox_ids(inst)
        workers = [subprocess.Popen([SUMMITCTL, "--config", conf,
                                     "mail-worker", "--once"], env=inst.env,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE) for _ in range(2)]
        for w in workers:
            assert w.wait(timeout=300) == 0, w.stderr.read()
        got = msgids(sink)
        want = set("<outbox-%d@example.org>" % i for i in ids)
        assert len(got) == 2000, len(got)
        assert set(got) == want
        assert inst.scalar("SELECT count(*) FROM outbox WHERE recipient LIKE"
                           " 'w%%@example.no' AND state <> 'sent'") == 0
        # Both workers took a share.
        logs = [w.stderr.read().decode() for w in workers]
        assert all("delivered" in l for l in logs), logs
    finally:
        inst.query("DELETE FROM outbox WHERE recipient LIKE 'w%%@example.no'")
        sink.stop()


@case
def sending_is_paced_to_the_configured_rate(inst):
    sink = SmtpSink()
    try:
        conf = inst.conf + ".rate"
        open(conf, "w").write(open(inst.conf).read() + smtp_conf(
            sink, extra="rate_per_second = 20\n"))
        queue(inst, 40)
        t0 = time.monotonic()
        subprocess.run([SUMMITCTL, "--config", conf, "mail-worker", "--once"],
                       env=inst.env, check=True, capture_output=True)
        took = time.monotonic() - t0
        assert len(sink.files()) == 40
        # 40 messages at 20 per second: at least 39 intervals of 50 ms.
        assert took >= 1.9, took
    finally:
        inst.query("DELETE FROM outbox WHERE recipient LIKE 'w%%@example.no'")
        sink.stop()


@case
def a_busy_server_delays_but_loses_nothing(inst):
    sink = SmtpSink("--fail-first", "15", "--fail-code", "451")
    try:
        conf = inst.conf + ".busy"
        open(conf, "w").write(open(inst.conf).read() + smtp_conf(sink))
        queue(inst, 20)
        ids = outbox_ids(inst)
        subprocess.run([SUMMITCTL, "--config", conf, "mail-worker", "--once"],
                       env=inst.env, check=True, capture_output=True)
        waiting = inst.query("SELECT attempts, last_error, next_attempt_at >"
                             " now() FROM outbox WHERE state = 'queued' AND"
                             " recipient LIKE 'w%%@example.no'")
        assert len(waiting) == 15, len(waiting)
        assert all(a == 1 and "451" in e and later for a, e, later in waiting), waiting
        # Time passes (the backoff is over) and the server has recovered.
        inst.query("UPDATE outbox SET next_attempt_at = now() WHERE state ="
                   " 'queued'")
        subprocess.run([SUMMITCTL, "--config", conf, "mail-worker", "--once"],
                       env=inst.env, check=True, capture_output=True)
        assert set(msgids(sink)) == set("<outbox-%d@example.org>" % i for i in ids)
        assert inst.scalar("SELECT count(*) FROM outbox WHERE recipient LIKE"
                           " 'w%%@example.no' AND state = 'sent'") == 20
    finally:
        inst.query("DELETE FROM outbox WHERE recipient LIKE 'w%%@example.no'")
        sink.stop()


@case
def a_refusal_fails_the_row_and_it_can_be_resent(inst):
    sink = SmtpSink("--reject-rcpt-code", "550")
    try:
        conf = inst.conf + ".refuse"
        open(conf, "w").write(open(inst.conf).read() + smtp_conf(sink))
        queue(inst, 1)
        (oid,) = outbox_ids(inst)
        subprocess.run([SUMMITCTL, "--config", conf, "mail-worker", "--once"],
                       env=inst.env, check=True, capture_output=True)
        state, err = inst.query("SELECT state, last_error FROM outbox WHERE"
                                " id = %s", oid)[0]
        assert state == "failed" and "550" in err, (state, err)
        r = inst.ctl("outbox")
        assert str(oid) in r.stdout and "550" in r.stdout, r.stdout
        r = inst.ctl("outbox", "--resend", str(oid))
        assert "queued again" in r.stdout
        assert inst.scalar("SELECT state FROM outbox WHERE id = %s", oid) == "queued"
        # Now the real server takes it.
        drain(inst)
        assert inst.scalar("SELECT state FROM outbox WHERE id = %s", oid) == "sent"
    finally:
        inst.query("DELETE FROM outbox WHERE recipient LIKE 'w%%@example.no'")
        sink.stop()


@case
def a_worker_killed_mid_batch_loses_nothing(inst):
    sink = SmtpSink()
    try:
        conf = inst.conf + ".kill"
        open(conf, "w").write(open(inst.conf).read() + smtp_conf(
            sink, extra="rate_per_second = 100\nbatch = 100\n"))
        queue(inst, 300)
        ids = outbox_ids(inst)
        w = subprocess.Popen([SUMMITCTL, "--config", conf, "mail-worker",
                              "--once"], env=inst.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        wait_for(lambda: len(sink.files()) >= 150, timeout=60,
                 what="half the messages")
        w.send_signal(signal.SIGKILL)
        w.wait()
        assert len(sink.files()) < 300
        subprocess.run([SUMMITCTL, "--config", conf, "mail-worker", "--once"],
                       env=inst.env, check=True, capture_output=True,
                       timeout=120)
        got = msgids(sink)
        want = set("<outbox-%d@example.org>" % i for i in ids)
        assert set(got) == want, len(want - set(got))
        # Re-sent ones carry the same Message-ID: at least once, never lost.
        assert len(got) >= 300
        assert inst.scalar("SELECT count(*) FROM outbox WHERE recipient LIKE"
                           " 'w%%@example.no' AND state <> 'sent'") == 0
    finally:
        inst.query("DELETE FROM outbox WHERE recipient LIKE 'w%%@example.no'")
        sink.stop()


@case
def an_invitation_in_another_zone_names_it(inst):
    # The mail's text gives the time in the event's zone and names that
    # zone; "norsk tid" is only for an event in Oslo.
    inst.query("UPDATE event SET timezone = 'America/New_York' WHERE id = %s",
               inst.ev)
    try:
        inst.query("UPDATE session SET title_nb = 'Ny tittel i New York'"
                   " WHERE id = 5")
        r = inst.ctl("publish")
        assert "1 updates" in r.stdout, r.stdout
        drain(inst)
        want = inst.scalar(
            "SELECT to_char(sl.starts_at AT TIME ZONE 'America/New_York',"
            " 'YYYY-MM-DD \"kl.\" HH24:MI') || '–' || to_char(sl.ends_at AT"
            " TIME ZONE 'America/New_York', 'HH24:MI') FROM session s JOIN"
            " slot sl ON sl.id = s.slot_id WHERE s.id = 5")
        mail = [m for m in mails_for(inst, "bjorn@example.no")
                if "New York" in str(m["Subject"])]
        assert len(mail) == 1, len(mail)
        body = mail[0].get_body(preferencelist=("plain",)).get_content()
        assert want + " (tidssone America/New_York)" in body, (want, body)
        assert "norsk tid" not in body, body
    finally:
        inst.query("UPDATE event SET timezone = 'Europe/Oslo' WHERE id = %s",
                   inst.ev)


if __name__ == "__main__":
    run(setup, teardown)
