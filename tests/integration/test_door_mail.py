#!/usr/bin/env python3
"""test_door_mail.py -- the check-in code in the mails (issue 10, item 1):
a mail to a confirmed participant (promoted, and an invitation with its
calendar) goes through a real SMTP server (aiosmtpd) with the QR code as
an inline image/png part with a Content-ID, which an independent decoder,
zbarimg (Debian's zbar-tools), reads back to the participant's code; the
text names the short form.  A pending participant's mail has none, and a
cancellation none."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Instance, SmtpSink, smtp_conf  # noqa: E402
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_it_door_mail")
    inst.sink = SmtpSink()
    inst.add_conf(smtp_conf(inst.sink))
    inst.ev = inst.scalar("SELECT id FROM event")
    return inst


def teardown(inst):
    if inst:
        inst.sink.stop()
        inst.close()


def person(inst, name, status, lang="en"):
    email = name.lower().replace(" ", ".") + "@example.no"
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, hold_until, consent_at, email_confirmed_at,"
        " language) VALUES (%s, %s, %s, 'LO', 'union', %s, CASE WHEN %s ="
        " 'pending' THEN now() + interval '1 day' END, now(), now(), %s)"
        " RETURNING id", inst.ev, name, email, status, status, lang)
    return pid, email


def queue(inst, pid, kind, payload_sql="'{}'::jsonb"):
    inst.query("INSERT INTO outbox (event_id, participant_id, kind,"
               " recipient, recipient_name, language, payload) SELECT"
               " event_id, id, %s, email, name, language, " + payload_sql +
               " FROM participant WHERE id = %s", kind, pid)


def sent_to(inst, email):
    inst.ctl("mail-worker", "--once")
    msgs = [m for m in inst.sink.messages() if email in str(m["To"])]
    assert msgs, "no mail to %s" % email
    return msgs[-1]


def png_parts(msg):
    return [p for p in msg.walk() if p.get_content_type() == "image/png"]


def decode(png):
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        r = subprocess.run(["zbarimg", "--raw", "-q", f.name],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def code_of(inst, pid):
    rows = inst.query("SELECT code FROM checkin_code WHERE participant_id"
                      " = %s AND revoked_at IS NULL", pid)
    return rows[0][0] if rows else None


@case
def promoted_mail_carries_a_decodable_qr_code(inst):
    pid, email = person(inst, "Kari Promoted", "confirmed")
    queue(inst, pid, "promoted")
    msg = sent_to(inst, email)
    assert msg.get_content_type() == "multipart/mixed"
    parts = png_parts(msg)
    assert len(parts) == 1, [p.get_content_type() for p in msg.walk()]
    png = parts[0]
    assert png.get_content_disposition() == "inline"
    assert png["Content-ID"].startswith("<checkin-")
    code = code_of(inst, pid)
    assert code and decode(png.get_content()) == code
    text = msg.get_body(("plain",)).get_content()
    assert "%s-%s" % (code[:5], code[5:10]) in text, text


@case
def invitation_keeps_its_calendar_and_adds_the_image(inst):
    pid, email = person(inst, "Ola Invited", "confirmed", "nb")
    queue(inst, pid, "invite",
          "summit_invitation_payload((SELECT min(id) FROM session), 0,"
          " 'REQUEST')")
    msg = sent_to(inst, email)
    types = [p.get_content_type() for p in msg.walk()]
    assert types == ["multipart/mixed", "multipart/alternative",
                     "text/plain", "text/calendar", "image/png",
                     "application/ics"], types
    assert decode(png_parts(msg)[0].get_content()) == code_of(inst, pid)
    assert "Innsjekkingskoden din er" in \
        msg.get_body(("plain",)).get_content()


@case
def no_code_before_confirmation_or_in_a_cancellation(inst):
    pid, email = person(inst, "Per Pending", "pending")
    queue(inst, pid, "promoted")
    msg = sent_to(inst, email)
    assert not png_parts(msg) and msg.get_content_type() == "text/plain"
    assert code_of(inst, pid) is None
    pid, email = person(inst, "Cato Cancelled", "confirmed")
    queue(inst, pid, "cancelled")
    msg = sent_to(inst, email)
    assert not png_parts(msg)


if __name__ == "__main__":
    run(setup, teardown)
