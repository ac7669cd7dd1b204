#!/usr/bin/env python3
"""test_reminders.py -- reminders before the event (issue 10, item 7):
the console's settings (on/off, days before; a bad list refused, the
change audited); four summitctl remind processes at once, each on its own
connection, queue each due reminder exactly once (the reminder_sent
claim); none to cancelled, waitlisted, pending or declined people, nor to
a bounced address; a reminder missed while a later one is due is not
sent late; summitd's jobs loop queues them too; the mail, through a real
SMTP server, carries the programme in the person's language with table,
the calendar feed, the /me link and the check-in code with its QR image
(decoded by zbarimg)."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (SUMMITCTL, Instance, SmtpSink, free_port,  # noqa: E402
                     organiser, smtp_conf, wait_for)
from tap import case, run  # noqa: E402

EXTRA = 150  # confirmed people beside the named ones: a real race


def person(inst, name, lang="en", status="confirmed"):
    return inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, consent_at, email_confirmed_at, waitlisted_at,"
        " hold_until, language) SELECT id, %s, lower(%s) || '@example.no',"
        " 'Org', 'business', %s, now(), now(), CASE WHEN %s = 'waitlisted'"
        " THEN now() END, CASE WHEN %s = 'pending' THEN now() + interval"
        " '1 day' END, %s FROM event RETURNING id",
        name, name, status, status, status, lang)


def invite(inst, pid, session, state="invited", sequence=0, table=2):
    inst.query("INSERT INTO invitation (event_id, participant_id, session_id,"
               " sequence, state, fingerprint) SELECT event_id, %s, %s, %s,"
               " %s, 'x' FROM participant WHERE id = %s", pid, session,
               sequence, state, pid)
    if state == "invited":
        inst.query("INSERT INTO assignment (event_id, participant_id,"
                   " session_id, table_no, published) SELECT event_id, %s,"
                   " %s, %s, true FROM participant WHERE id = %s", pid,
                   session, table, pid)


def first_slot_in(inst, interval):
    """Moves every slot so that the first starts after interval."""
    inst.query("UPDATE slot SET starts_at = starts_at + d, ends_at = ends_at"
               " + d FROM (SELECT now() + %s::interval - min(starts_at) AS d"
               " FROM slot) x", interval)


def setup():
    sink = SmtpSink()
    inst = Instance("summit_http_reminders", extra_conf=smtp_conf(sink))
    inst.sink = sink
    inst.query("UPDATE event SET reminders_on = false")
    inst.server = inst.start()
    inst.session = inst.scalar("SELECT min(id) FROM session")
    inst.anna = person(inst, "Anna")
    invite(inst, inst.anna, inst.session)
    inst.bo = person(inst, "Bo", lang="nb")
    inst.cato = person(inst, "Cato", status="cancelled")
    inst.dag = person(inst, "Dag", status="waitlisted")
    inst.finn = person(inst, "Finn", status="pending")
    # Eva declined her one session: its invitation was cancelled for it.
    inst.eva = person(inst, "Eva")
    invite(inst, inst.eva, inst.session, state="cancelled", sequence=1)
    inst.query("INSERT INTO answer (participant_id, session_id, partstat,"
               " source, sequence, answered_at) VALUES (%s, %s, 'DECLINED',"
               " 'page', 0, now())", inst.eva, inst.session)
    inst.ivar = person(inst, "Ivar")
    inst.query("INSERT INTO mail_bounce (address, participant_id, status,"
               " report_id) VALUES ('ivar@example.no', %s, '5.1.1', 'r1')",
               inst.ivar)
    for i in range(EXTRA):
        person(inst, "Extra%03d" % i)
    inst.admin = organiser(inst, "admin@example.no", "admin")
    return inst


def teardown(inst):
    if inst:
        inst.sink.stop()
        inst.close()


def reminders(inst):
    return inst.query("SELECT participant_id, payload->>'days_before'"
                      " FROM outbox WHERE kind = 'reminder'"
                      " ORDER BY participant_id")


@case
def the_console_sets_them(inst):
    c = inst.admin
    r = c.get("/console/messages")
    assert r.status == 200 and 'id="rem-on"' in r.text
    assert 'value="7, 1"' in r.text, r.text[-3000:]
    assert re.search(r'id="reminders-sent">[^<]*(none yet|ingen ennå)<',
                     r.text), r.text[-1500:]
    for bad in ("0", "400", "7, x", ",".join(["1"] * 11)):
        r = c.post("/console/reminders", {"_csrf": c.csrf("/console/messages"),
                                          "on": "yes", "days": bad})
        assert r.status == 400, (bad, r.status)
        assert 'id="days-err"' in r.text
    assert inst.scalar("SELECT reminders_on FROM event") is False
    r = c.post("/console/reminders", {"_csrf": c.csrf("/console/messages"),
                                      "on": "yes", "days": "1 7, 7"})
    assert r.status == 303, (r.status, r.text[:500])
    assert inst.query("SELECT reminders_on, reminder_days FROM event") == [
        (True, [1, 7, 7])]
    assert 'value="7, 1"' in c.get("/console/messages").text
    audit = inst.query("SELECT before->>'reminders_on', after->>'reminders_on'"
                       " FROM audit_log WHERE action = 'event.reminders'")
    assert audit == [("false", "true")], audit


@case
def nothing_is_due_far_ahead(inst):
    first_slot_in(inst, "30 days")
    assert inst.ctl("remind").stdout.startswith("0 reminders queued")
    assert reminders(inst) == []


@case
def four_processes_at_once_queue_each_once(inst):
    # The first session in 23 hours: the 1-day reminder is due, the 7-day
    # one's time has passed and it is not sent late.
    first_slot_in(inst, "23 hours")
    procs = [subprocess.Popen([SUMMITCTL, "--config", inst.conf, "remind"],
                              env=inst.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    counts = [int(re.match(r"(\d+) reminders? queued", o).group(1))
              for o, _ in outs]
    want = EXTRA + 2  # Anna and Bo; not Cato, Dag, Finn, Eva, Ivar
    # summitd's own loop may take a share too.
    assert sum(counts) <= want, counts
    rows = reminders(inst)
    assert len(rows) == want, len(rows)
    assert len(set(p for p, _ in rows)) == want
    assert set(d for _, d in rows) == {"1"}
    got = set(p for p, _ in rows)
    assert inst.anna in got and inst.bo in got
    for pid in (inst.cato, inst.dag, inst.finn, inst.eva, inst.ivar):
        assert pid not in got, pid
    assert inst.scalar("SELECT count(*) FROM reminder_sent") == want
    assert inst.ctl("remind").stdout.startswith("0 reminders queued")
    assert len(reminders(inst)) == want
    sent = re.search(r'id="reminders-sent">([^<]*)<',
                     inst.admin.get("/console/messages").text).group(1)
    assert sent.endswith(" 1: %d" % want), sent


@case
def summitds_jobs_loop_queues_them(inst):
    gro = person(inst, "Gro")
    # A second summitd runs its jobs at start: Gro's reminder, and no one
    # else's again.
    port = free_port()
    inst.start(port=port)
    wait_for(lambda: gro in [p for p, _ in reminders(inst)],
             what="Gro's reminder from summitd")
    rows = reminders(inst)
    # Each once; everyone confirmed now has one (the jobs loop may have
    # promoted Dag from the waiting list meanwhile), Eva and Ivar none.
    assert len(rows) == len(set(p for p, _ in rows)), len(rows)
    confirmed = set(p for (p,) in inst.query(
        "SELECT id FROM participant WHERE status = 'confirmed'"
        " AND id NOT IN (%s, %s)", inst.eva, inst.ivar))
    assert set(p for p, _ in rows) == confirmed, \
        confirmed ^ set(p for p, _ in rows)


@case
def the_mail_carries_the_programme(inst):
    inst.ctl("mail-worker", "--once")
    mails = {str(m["To"]).split("<")[-1].rstrip(">"): m
             for m in inst.sink.messages()}
    assert "anna@example.no" in mails and "bo@example.no" in mails, \
        sorted(mails)[:5]
    anna = mails["anna@example.no"]
    name = inst.scalar("SELECT name_en FROM event")
    assert str(anna["Subject"]) == "Reminder: %s tomorrow" % name, \
        anna["Subject"]
    body = anna.get_body(preferencelist=("plain",)).get_content()
    title = inst.scalar("SELECT title_en FROM session WHERE id = %s",
                        inst.session)
    assert title in body and "table 2" in body, body
    assert re.search(r"/feed/[0-9a-f]+\.ics", body), body
    assert re.search(r"/me/[0-9a-f]{32}", body), body
    # The check-in code, typed and as a QR image an independent reader
    # decodes to the code the desk knows.
    code, short = inst.query(
        "SELECT code, short_code FROM checkin_code c JOIN participant p ON"
        " p.id = c.participant_id WHERE p.email = 'anna@example.no' AND"
        " c.revoked_at IS NULL")[0]
    assert "check-in code is %s-%s" % (short[:5], short[5:]) in body, body
    pngs = [p for p in anna.walk() if p.get_content_type() == "image/png"]
    assert len(pngs) == 1, [p.get_content_type() for p in anna.walk()]
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(pngs[0].get_content())
        f.flush()
        r = subprocess.run(["zbarimg", "--raw", "-q", f.name],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == code, (r, code)
    bo = mails["bo@example.no"]
    assert str(bo["Subject"]).startswith("Påminnelse: "), bo["Subject"]
    assert "i morgen" in str(bo["Subject"])
    assert "(ingen sesjoner ennå)" in \
        bo.get_body(preferencelist=("plain",)).get_content()


@case
def off_means_none(inst):
    inst.query("UPDATE event SET reminders_on = false")
    person(inst, "Hege")
    assert inst.ctl("remind").stdout.startswith("0 reminders queued")


if __name__ == "__main__":
    run(setup, teardown)
