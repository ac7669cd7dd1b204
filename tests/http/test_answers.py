#!/usr/bin/env python3
"""test_answers.py -- the participant's programme and answers (issue 9,
items 1 and 5): before publishing the page says so; after, it shows each
placed session with day, local time, room and table, the other sessions
of the day, Accept / Decline forms (CSRF checked) and the calendar links.
An answer to an older SEQUENCE is ignored; a decline frees the seat (the
placement goes, a ban keeps the allocator away), queues a cancellation
and is audited.  Organisers see the counts per session, the history per
person and the answers in the CSV export."""
import csv
import io
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, confirm, link_from_mail,  # noqa: E402
                     organiser, wait_for)
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_http_answers")
    inst.server = inst.start()
    c = Client(inst.port)
    r = c.post("/register", {
        "_csrf": c.csrf(), "name": "Kari Nordmann", "email": "kari@example.no",
        "organisation": "LO", "sector": "union", "language": "en",
        "consent": "yes", "rank1": "1", "rank2": "5", "rank3": "9"})
    assert r.status == 303
    mail = wait_for(lambda: inst.mails(), what="confirmation mail")
    r = confirm(c, link_from_mail(mail[0][1]))
    inst.token = r.getheader("Location").split("/")[2].split("?")[0]
    inst.pid = inst.scalar("SELECT id FROM participant WHERE email ="
                           " 'kari@example.no'")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def page(inst, client=None):
    r = (client or Client(inst.port, lang="en")).get("/me/" + inst.token)
    assert r.status == 200, r.status
    return r.text


def invited(inst):
    """Kari's standing invitations: [(session_id, sequence)] in time order."""
    return inst.query(
        "SELECT i.session_id, i.sequence FROM invitation i"
        " JOIN session s ON s.id = i.session_id JOIN slot sl"
        " ON sl.id = s.slot_id WHERE i.participant_id = %s"
        " AND i.state = 'invited' ORDER BY sl.starts_at", inst.pid)


def answers(inst):
    return inst.query("SELECT session_id, partstat, source, sequence FROM"
                      " answer WHERE participant_id = %s ORDER BY id",
                      inst.pid)


def answer(inst, client, session, seq, word, csrf=True):
    body = {"session": str(session), "sequence": str(seq), "answer": word}
    if csrf:
        body["_csrf"] = client.csrf("/me/" + inst.token)
    return client.post("/me/%s/answer" % inst.token, body)


def item(text, session):
    m = re.search(r'<li class="session" id="session-%d">(.*?)</li>' % session,
                  text, re.S)
    assert m, "session %d is not on the page" % session
    return m.group(1)


@case
def before_publishing_the_page_says_so(inst):
    text = page(inst)
    assert "The programme is not published yet." in text
    assert 'action="/me/%s/answer"' % inst.token not in text
    nb = page(inst, Client(inst.port, lang="nb"))
    assert "Programmet er ikke publisert ennå." in nb


@case
def after_publishing_each_placed_session_is_shown(inst):
    inst.ctl("allocate", "--apply")
    inst.ctl("publish")
    inst.query("UPDATE assignment SET table_no = 2 WHERE participant_id = %s"
               " AND session_id = (SELECT min(session_id) FROM assignment"
               " WHERE participant_id = %s)", inst.pid, inst.pid)
    text = page(inst)
    assert "not published yet" not in text
    inv = invited(inst)
    assert len(inv) == 3, inv
    for sid, seq in inv:
        title, room, day, start, end, table = inst.query(
            "SELECT s.title_en, s.room,"
            " to_char(sl.starts_at AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD'),"
            " to_char(sl.starts_at AT TIME ZONE 'Europe/Oslo', 'HH24:MI'),"
            " to_char(sl.ends_at AT TIME ZONE 'Europe/Oslo', 'HH24:MI'),"
            " a.table_no FROM session s JOIN slot sl ON sl.id = s.slot_id"
            " JOIN assignment a ON a.session_id = s.id AND"
            " a.participant_id = %s WHERE s.id = %s", inst.pid, sid)[0]
        li = item(text, sid)
        assert title.replace("&", "&amp;") in li, (title, li)
        assert "%s–%s" % (start, end) in li, li
        assert "room %s" % room in li, li
        assert "table %d" % table in li, li
        assert "Not answered yet" in li
        assert 'name="sequence" value="%d"' % seq in li
        assert 'value="accept"' in li and 'value="decline"' in li
        assert "<h3>%s</h3>" % day in text
    # The other sessions of those days are listed, not as placed.
    others = inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " WHERE s.status = 'active' AND (sl.starts_at AT TIME ZONE"
        " 'Europe/Oslo')::date IN (SELECT (sl2.starts_at AT TIME ZONE"
        " 'Europe/Oslo')::date FROM invitation i JOIN session s2 ON s2.id ="
        " i.session_id JOIN slot sl2 ON sl2.id = s2.slot_id WHERE"
        " i.participant_id = %s) AND s.id NOT IN (SELECT session_id FROM"
        " invitation WHERE participant_id = %s)", inst.pid, inst.pid)
    assert others
    for (sid,) in others:
        assert 'id="other-%d"' % sid in text, sid
    # The calendar links are there.
    assert "/me/%s/calendar.ics" % inst.token in text
    assert re.search(r'href="webcal://[^"]+/feed/[0-9a-f]{32}\.ics"', text)


@case
def an_answer_without_csrf_is_refused(inst):
    sid, seq = invited(inst)[0]
    c = Client(inst.port)
    c.get("/me/" + inst.token)
    r = answer(inst, c, sid, seq, "accept", csrf=False)
    assert r.status == 403, r.status
    r = c.post("/me/%s/answer" % inst.token, {
        "_csrf": "0" * 64, "session": str(sid), "sequence": str(seq),
        "answer": "accept"})
    assert r.status == 403, r.status
    assert answers(inst) == []


@case
def bad_answers_change_nothing(inst):
    sid, seq = invited(inst)[0]
    c = Client(inst.port, lang="en")
    r = answer(inst, c, sid, seq, "maybe")
    assert r.status == 400 and "This value is not valid." in r.text
    r = answer(inst, c, sid, seq + 7, "accept")  # never sent
    assert r.status == 400, r.status
    r = answer(inst, c, 2, 0, "accept")  # never invited there
    assert r.status == 404, r.status
    r = c.post("/me/%s/answer" % inst.token, {
        "_csrf": c.csrf("/me/" + inst.token), "session": "x",
        "sequence": "0", "answer": "accept"})
    assert r.status == 400, r.status
    assert answers(inst) == []


@case
def accept_is_recorded_and_shown(inst):
    sid, seq = invited(inst)[0]
    c = Client(inst.port, lang="en")
    r = answer(inst, c, sid, seq, "accept")
    assert r.status == 303, (r.status, r.text[:300])
    assert r.getheader("Location").startswith(
        "/me/%s?done=accepted" % inst.token)
    assert answers(inst) == [(sid, "ACCEPTED", "page", seq)]
    text = page(inst, c)
    assert "Your answer is saved: you are coming." in c.get(
        r.getheader("Location").split("#")[0]).text
    assert 'data-answer="accepted"' in item(text, sid)


@case
def an_answer_to_an_older_sequence_is_ignored(inst):
    sid, seq = invited(inst)[1]
    # The session moves room: publishing sends an update (SEQUENCE + 1).
    inst.query("UPDATE session SET room = 'Nytt rom' WHERE id = %s", sid)
    inst.ctl("publish")
    now = dict(invited(inst))[sid]
    assert now == seq + 1, (seq, now)
    before = answers(inst)
    c = Client(inst.port, lang="en")
    r = answer(inst, c, sid, seq, "decline")  # from a page shown earlier
    assert r.status == 303
    assert "done=answer_stale" in r.getheader("Location")
    assert answers(inst) == before
    assert inst.scalar("SELECT count(*) FROM assignment WHERE"
                       " participant_id = %s AND session_id = %s",
                       inst.pid, sid) == 1
    assert 'name="sequence" value="%d"' % now in item(page(inst, c), sid)
    r = answer(inst, c, sid, now, "accept")
    assert "done=accepted" in r.getheader("Location")
    assert answers(inst)[-1] == (sid, "ACCEPTED", "page", now)


@case
def decline_frees_the_seat_and_queues_a_cancellation(inst):
    sid, seq = invited(inst)[2]
    c = Client(inst.port, lang="en")
    r = answer(inst, c, sid, seq, "decline")
    assert r.status == 303
    assert "done=declined" in r.getheader("Location")
    assert answers(inst)[-1] == (sid, "DECLINED", "page", seq)
    assert inst.scalar("SELECT count(*) FROM assignment WHERE"
                       " participant_id = %s AND session_id = %s",
                       inst.pid, sid) == 0
    assert inst.scalar("SELECT kind FROM placement_rule WHERE"
                       " participant_id = %s AND session_id = %s",
                       inst.pid, sid) == "ban"
    assert inst.query("SELECT state, sequence FROM invitation WHERE"
                      " participant_id = %s AND session_id = %s",
                      inst.pid, sid) == [("cancelled", seq + 1)]
    payload = inst.scalar(
        "SELECT payload FROM outbox WHERE participant_id = %s AND kind ="
        " 'invite_cancel' ORDER BY id DESC LIMIT 1", inst.pid)
    payload = payload if isinstance(payload, dict) else json.loads(payload)
    assert payload["session_id"] == sid and payload["sequence"] == seq + 1
    assert payload["method"] == "CANCEL"
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'answer.decline' AND subject_id = %s",
                       inst.pid) == 1
    # Publishing again sends no second cancellation.
    n = inst.scalar("SELECT count(*) FROM outbox")
    inst.ctl("publish")
    assert inst.scalar("SELECT count(*) FROM outbox") == n
    text = page(inst, c)
    assert 'id="session-%d"' % sid not in text
    assert re.search(r'id="other-%d".*you declined' % sid, text)
    # Declining again answers nothing: the invitation no longer stands.
    r = answer(inst, c, sid, seq + 1, "decline")
    assert "done=answer_closed" in r.getheader("Location")
    assert len(answers(inst)) == 3


def counts(text):
    return {k: int(v) for k, v in re.findall(
        r'data-count="(\w+)">(\d+)<', text)}


@case
def organisers_see_counts_history_and_export(inst):
    staff = organiser(inst, "staff@example.no", "staff")
    (s_acc, _), (s_acc2, _) = invited(inst)[:2]
    s_dec = inst.scalar("SELECT session_id FROM answer WHERE partstat ="
                        " 'DECLINED'")
    r = staff.get("/console/sessions/%d/seating" % s_acc)
    assert r.status == 200
    assert counts(r.text) == {"invited": 1, "accepted": 1, "tentative": 0,
                              "declined": 0, "no_answer": 0, "bounced": 0}, \
        counts(r.text)
    # Kari's address bounces (the mailbox reader would record it so): the
    # session counts her as bounced, whatever she answered, until an admin
    # corrects the address (cleared_at).
    inst.query("INSERT INTO mail_bounce (address, participant_id, status,"
               " report_id) VALUES ('kari@example.no', %s, '5.1.1',"
               " 'test-report')", inst.pid)
    try:
        r = staff.get("/console/sessions/%d/seating" % s_acc)
        assert counts(r.text)["bounced"] == 1, counts(r.text)
        inst.query("UPDATE mail_bounce SET cleared_at = now()")
        r = staff.get("/console/sessions/%d/seating" % s_acc)
        assert counts(r.text)["bounced"] == 0, counts(r.text)
    finally:
        inst.query("DELETE FROM mail_bounce")
    r = staff.get("/console/sessions/%d/seating" % s_dec)
    assert counts(r.text) == {"invited": 1, "accepted": 0, "tentative": 0,
                              "declined": 1, "no_answer": 0, "bounced": 0}, \
        counts(r.text)
    # Someone else, invited and silent, counts as no answer.
    other = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, consent_at, language) SELECT id, 'Ola', "
        " 'ola@example.no', 'NHO', 'business', 'confirmed', now(), 'nb'"
        " FROM event RETURNING id")
    inst.query("INSERT INTO invitation (event_id, participant_id, session_id,"
               " sequence, state, fingerprint) SELECT event_id, %s, id, 0,"
               " 'invited', 'x' FROM session WHERE id = %s", other, s_acc)
    r = staff.get("/console/sessions/%d/seating" % s_acc)
    assert counts(r.text)["no_answer"] == 1 and counts(r.text)["invited"] == 2
    # The person's history: every answer, newest first.
    r = staff.get("/console/registrations/%d" % inst.pid)
    assert r.status == 200
    table = re.search(r'<table class="data" id="answers">(.*?)</table>',
                      r.text, re.S).group(1)
    rows = re.findall(r"<tr><td>.*?</tr>", table)
    assert len(rows) == 3, rows
    assert "DECLINED" in rows[0] and "page" in rows[0]
    # The export has each person's answers.
    r = staff.get("/console/registrations/export.csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][-1] == "answers", rows[0]
    kari = [row for row in rows if "kari@example.no" in row][0][-1]
    titles = dict(inst.query("SELECT id, title_nb FROM session"))
    assert "%s: ACCEPTED" % titles[s_acc] in kari, kari
    assert "%s: ACCEPTED" % titles[s_acc2] in kari, kari
    assert "%s: DECLINED" % titles[s_dec] in kari, kari


if __name__ == "__main__":
    run(setup, teardown)
