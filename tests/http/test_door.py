#!/usr/bin/env python3
"""test_door.py -- the door (issue 10, items 1-3): the participant page's
check-in code and QR code; the check-in desk as a scanner drives it
(POST the code, a page with the answer), green, amber with the desk's
name, red for every reason, a revoked code, the short form typed by a
person, search, per-session check-in, undo by staff (audited), agreement
with the console's one-click check-in, two desks scanning one person at
the same moment (exactly one green), the door role refused everywhere
else, and the live counts with the no-show list and its CSV."""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
from harness import (Client, Instance, confirm,  # noqa
                     console_read_pages, organiser, register, wait_for)
import tap  # noqa: E402
from tap import case, run  # noqa: E402
from test_console_auth import CONSOLE_POSTS  # noqa: E402
del tap._cases[:]  # test_console_auth's cases are its own: only ours here

S = {}
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def setup():
    inst = Instance("summit_http_door", extra_conf=(
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    S["door"] = organiser(inst, "door@example.no", "door")
    S["event"] = inst.scalar("SELECT id FROM event")
    S["sessions"] = [r[0] for r in inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " ORDER BY sl.starts_at, s.id")]
    return inst


def teardown(inst):
    if inst:
        inst.close()


def add(inst, name, status="confirmed", org="Org"):
    email = re.sub(r"\W", "", name.lower()) + "@example.no"
    return inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, hold_until, consent_at) VALUES (%s, %s, %s, %s,"
        " 'business', %s, CASE WHEN %s = 'pending' THEN now()"
        " + interval '1 day' END, now()) RETURNING id",
        S["event"], name, email, org, status, status)


def code_for(inst, pid):
    """pid's live check-in code: the one the database issued when they
    were confirmed (sql/021), or for someone never confirmed (the desk's
    red answers) one stored as app/door.c would."""
    rows = inst.query("SELECT code FROM checkin_code WHERE participant_id"
                      " = %s AND revoked_at IS NULL", pid)
    if rows:
        return rows[0][0]
    code = "".join(ALPHABET[b % 32] for b in os.urandom(16))
    inst.query("INSERT INTO checkin_code (code, participant_id)"
               " VALUES (%s, %s)", code, pid)
    return code


def event_today(inst):
    inst.query("UPDATE event SET starts_at = now() - interval '1 hour'"
               " WHERE id = %s", S["event"])


def scan(c, code=None, session=0, participant=None):
    body = {"_csrf": c.csrf("/console/door"), "session": str(session)}
    if code is not None:
        body["code"] = code
    if participant is not None:
        body["participant"] = str(participant)
    r = c.post("/console/door", body)
    assert r.status == 200, (r.status, r.text[:500])
    m = re.search(r'data-outcome="(\w+)">([^<]*)<', r.text)
    assert m, r.text[:2000]
    # The field is there again, focused, for the next scan.
    assert re.search(r'<input id="code" name="code"[^>]* autofocus', r.text)
    return m.group(1), m.group(2), r.text


def name_desk(c, name):
    r = c.post("/console/door/name", {"_csrf": c.csrf("/console/door"),
                                      "door": name, "session": "0"})
    assert r.status == 303, r.status


@case
def participant_page_shows_code_and_qr(inst):
    pid = add(inst, "Mona Me")
    pending = add(inst, "Pia Pending", "pending")
    for who in (pid, pending):
        token = "%032x" % who
        inst.query("INSERT INTO participant_token (hash, participant_id,"
                   " purpose) VALUES (%s, %s, 'manage')",
                   hashlib.sha256(token.encode()).hexdigest(), who)
    c = Client(inst.port, lang="en")
    r = c.get("/me/%032x" % pid)
    assert r.status == 200, r.status
    m = re.search(r'<strong class="short-code">([0-9A-Z]{5}-[0-9A-Z]{5})<',
                  r.text)
    assert m, r.text
    code = inst.scalar("SELECT code FROM checkin_code WHERE participant_id"
                       " = %s AND revoked_at IS NULL", pid)
    assert m.group(1).replace("-", "") == code[:10]
    assert '<svg class="qr"' in r.text and '<path d="M4 4h7v1h-7z' in r.text
    # The same code on the next visit; nothing for a pending one.
    assert m.group(1) in c.get("/me/%032x" % pid).text
    r = c.get("/me/%032x" % pending)
    assert r.status == 200 and "short-code" not in r.text
    assert inst.scalar("SELECT count(*) FROM checkin_code WHERE"
                       " participant_id = %s", pending) == 0


@case
def the_confirmation_mail_carries_the_code(inst):
    """First, while the event is still ahead (the desk's cases move it
    to today).  Confirming the address through the page: the mail that says the
    place is theirs holds the check-in code, typed and as a QR image an
    independent reader (zbarimg) decodes to the code the desk knows."""
    email = "siv.confirmed@example.no"
    token = register(inst, "Siv Confirmed", email)
    r = confirm(Client(inst.port), "/confirm/" + token)
    assert r.status == 303, (r.status, r.text[:300])

    def confirmed_mail():
        return [m for m, _ in inst.mails() if email in str(m["To"]) and
                "er bekreftet" in str(m["Subject"])]
    status = inst.scalar("SELECT status FROM participant WHERE email = %s",
                         email)
    assert status == "confirmed", status
    msg = wait_for(confirmed_mail, what="the confirmed mail")[-1]
    code = inst.scalar("SELECT c.code FROM checkin_code c JOIN participant"
                       " p ON p.id = c.participant_id WHERE p.email = %s"
                       " AND c.revoked_at IS NULL", email)
    text = msg.get_body(("plain",)).get_content()
    assert "%s-%s" % (code[:5], code[5:10]) in text, text
    assert re.search(r"/me/[0-9a-f]{32}", text), text
    pngs = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(pngs) == 1, [p.get_content_type() for p in msg.walk()]
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(pngs[0].get_content())
        f.flush()
        got = subprocess.run(["zbarimg", "--raw", "-q", f.name],
                             capture_output=True, text=True, timeout=60)
    assert got.returncode == 0 and got.stdout.strip() == code, (got, code)



@case
def desk_green_amber_and_red(inst):
    d = S["door"]
    kari = add(inst, "Kari Desk", org="LO")
    code = code_for(inst, kari)
    # The demo event is next year: wrong day, nothing recorded.
    outcome, verdict, _ = scan(d, code)
    assert outcome == "red" and verdict.strip() in ("Feil dag", "Wrong day")
    assert inst.scalar("SELECT checked_in_at FROM participant WHERE id = %s",
                       kari) is None
    event_today(inst)
    name_desk(d, "Door 2")
    outcome, _, page = scan(d, code)
    assert outcome == "green", page
    assert "Kari Desk" in page and "LO" in page
    door = inst.query("SELECT checked_in_door, checked_in_at IS NOT NULL"
                      " FROM participant WHERE id = %s", kari)[0]
    assert door == ("Door 2", True)
    assert inst.scalar("SELECT actor FROM audit_log WHERE action ="
                       " 'door.check_in' AND subject_id = %s", kari) == \
        "door@example.no"
    # Again, and as a person types the short form: amber, where and when.
    outcome, _, page = scan(S["staff"], code)
    assert outcome == "amber", page
    assert re.search(r"\d\d:\d\d (at|i) Door 2", page), page
    short = code[:5].lower() + "-" + code[5:10].lower()
    assert scan(d, short)[0] == "amber"
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'door.check_in' AND subject_id = %s", kari) == 1
    # Red, each with its reason.
    reasons = {}
    for name, status in (("Cato Cancelled", "cancelled"),
                         ("Wera Waiting", "waitlisted"),
                         ("Pål Pending", "pending")):
        p = add(inst, name, status)
        reasons[status] = scan(d, code_for(inst, p))
    for status, want in (("cancelled", ("Avmeldt", "Cancelled")),
                         ("waitlisted", ("På venteliste", "On the waiting"
                                         " list")),
                         ("pending", ("Ikke påmeldt", "Not registered"))):
        assert reasons[status][0] == "red"
        assert reasons[status][1].strip() in want, reasons[status][1]
    for junk in ("", "hello", "0000000000", "0000000000000000",
                 code[:9], "<script>"):
        outcome, verdict, page = scan(d, junk)
        assert outcome == "red" and "<script>" not in page, junk
        assert verdict.strip() in ("Ugyldig kode", "Code not valid"), verdict


@case
def revoked_code_answers_not_valid(inst):
    d = S["door"]
    event_today(inst)
    pid = add(inst, "Rita Revoked")
    old = code_for(inst, pid)
    st = S["staff"]
    csrf = st.csrf("/console/registrations/%d" % pid)
    # The door role may not re-issue.
    r = d.post("/console/registrations/%d/checkin-code" % pid,
               {"_csrf": d.csrf("/console/door")})
    assert r.status == 403
    r = st.post("/console/registrations/%d/checkin-code" % pid,
                {"_csrf": csrf})
    assert r.status == 303, r.status
    new = inst.scalar("SELECT code FROM checkin_code WHERE participant_id"
                      " = %s AND revoked_at IS NULL", pid)
    assert new and new != old
    outcome, verdict, _ = scan(d, old)
    assert outcome == "red" and ("ny" in verdict or "new" in verdict), verdict
    assert scan(d, old[:10])[0] == "red"
    assert scan(d, new)[0] == "green"
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'door.code_reissue' AND subject_id = %s", pid) == 1


@case
def search_session_undo_and_console_agree(inst):
    d, st = S["door"], S["staff"]
    event_today(inst)
    sid, later = S["sessions"][0], S["sessions"][-1]
    inst.query("UPDATE slot SET starts_at = now() - interval '5 minutes',"
               " ends_at = now() + interval '1 hour' WHERE id ="
               " (SELECT slot_id FROM session WHERE id = %s)", sid)
    siri = add(inst, "Siri Søk", org="Søkeorg AS")
    r = d.get("/console/door?q=s%C3%B8keorg")
    assert r.status == 200 and "Siri Søk" in r.text, r.text[-3000:]
    outcome, _, page = scan(d, participant=siri)
    assert outcome == "green", page
    # The console's one-click check-in sees it, and the desk sees its.
    r = st.get("/console/registrations/%d" % siri)
    assert "Siri Søk" in r.text
    ola = add(inst, "Ola Console")
    csrf = st.csrf("/console/registrations/%d" % ola)
    r = st.post("/console/registrations/%d/checkin" % ola,
                {"_csrf": csrf, "in": "1"})
    assert r.status == 303
    outcome, _, page = scan(d, participant=ola)
    assert outcome == "amber", page
    # A session's door: only people placed in it, on its day.
    code = code_for(inst, siri)
    assert scan(d, code, session=sid)[1].strip() in (
        "Ikke plassert i denne sesjonen", "Not placed in this session")
    inst.query("INSERT INTO assignment (event_id, participant_id,"
               " session_id, table_no) VALUES (%s, %s, %s, 3), (%s, %s, %s,"
               " 1)", S["event"], siri, sid, S["event"], siri, later)
    outcome, _, page = scan(d, code, session=sid)
    assert outcome == "green", page
    assert re.search(r"(bord|table) 3", page), page
    assert scan(d, code, session=sid)[0] == "amber"
    assert scan(d, code, session=later)[0] == "red"  # another day
    # Undo: staff only, audited; then green again.
    body = {"participant": str(siri), "session": str(sid)}
    body["_csrf"] = d.csrf("/console/door")
    assert d.post("/console/door/undo", body).status == 403
    body["_csrf"] = st.csrf("/console/door")
    r = st.post("/console/door/undo", body)
    assert r.status == 303, r.status
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'door.undo' AND subject_id = %s", siri) == 1
    assert st.post("/console/door/undo", body).status == 409
    assert scan(d, code, session=sid)[0] == "green"
    # The counts and who has not come.
    assert 'http-equiv="refresh"' in st.get("/console/door/counts?auto=1").text
    r = st.get("/console/door/counts")
    assert r.status == 200 and 'http-equiv="refresh"' not in r.text
    m = re.search(r'id="session-%d">.*?class="num arrived">(\d+)<.*?'
                  r'class="num expected">(\d+)<' % sid, r.text, re.S)
    assert m and m.groups() == ("1", "1"), r.text
    arrived = inst.scalar("SELECT count(*) FROM participant WHERE event_id"
                          " = %s AND checked_in_at IS NOT NULL", S["event"])
    assert re.search(r'id="arrived">%d<' % arrived, r.text)
    mia = add(inst, "Mia Missing")
    inst.query("INSERT INTO assignment (event_id, participant_id,"
               " session_id, table_no) VALUES (%s, %s, %s, 2)",
               S["event"], mia, sid)
    r = st.get("/console/door/no-shows?session=%d" % sid)
    assert r.status == 200 and "Mia Missing" in r.text \
        and "Siri Søk" not in r.text
    r = st.get("/console/door/no-shows.csv?session=%d" % sid)
    assert r.status == 200 and "Mia Missing" in r.text
    assert r.text.split("\r\n")[0].replace('"', "") == \
        "id,name,organisation,sector,table"
    assert st.get("/console/door/no-shows?session=%d" % later).status == 409
    assert d.get("/console/door/counts").status == 403


@case
def walk_ins_when_the_event_allows(inst):
    d, admin = S["door"], S["admin"]
    event_today(inst)
    form = {"name": "Walter Walk-in", "email": "walter@example.no",
            "organisation": "Walk AS", "sector": "union"}
    # Off (as for every event until an admin turns it on): 409, no form.
    assert 'action="/console/door/walk-in"' not in d.get("/console/door").text
    r = d.post("/console/door/walk-in", dict(form, _csrf=d.csrf(
        "/console/door")))
    assert r.status == 409, r.status
    # Only an admin turns it on, audited.
    r = d.post("/console/door/walk-ins", {"_csrf": d.csrf("/console/door"),
                                          "on": "1"})
    assert r.status == 403
    r = admin.post("/console/door/walk-ins", {
        "_csrf": admin.csrf("/console/door/counts"), "on": "1"})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT walk_ins FROM event") is True
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'door.walk_ins'") == 1
    csrf = d.csrf("/console/door")
    assert 'action="/console/door/walk-in"' in d.get("/console/door").text
    r = d.post("/console/door/walk-in", dict(form, _csrf=csrf))
    assert r.status == 200, r.text[-2000:]
    assert 'data-outcome="green"' in r.text and "Walter Walk-in" in r.text
    row = inst.query("SELECT status, checked_in_at IS NOT NULL,"
                     " (SELECT count(*) FROM place pl WHERE pl.participant_id"
                     " = p.id) FROM participant p WHERE email ="
                     " 'walter@example.no'")[0]
    assert row == ("confirmed", True, 1), row
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'door.walk_in'") == 1
    # Again: the address is taken; bad input: nothing is stored.
    n = inst.scalar("SELECT count(*) FROM participant")
    r = d.post("/console/door/walk-in", dict(form, _csrf=csrf))
    assert r.status == 400 and 'role="alert"' in r.text, r.status
    for bad in ({"email": "not-an-address"}, {"name": ""},
                {"sector": "Nope!"}, {"sector": "nosuch"}):
        body = dict(form, _csrf=csrf, email="x@example.no")
        body.update(bad)
        r = d.post("/console/door/walk-in", body)
        assert r.status == 400, (bad, r.status)
    assert inst.scalar("SELECT count(*) FROM participant") == n
    r = admin.post("/console/door/walk-ins", {
        "_csrf": admin.csrf("/console/door/counts"), "on": "0"})
    assert inst.scalar("SELECT walk_ins FROM event") is False


@case
def two_desks_one_person_one_green(inst):
    event_today(inst)
    desks = [S["door"], S["staff"]]
    csrfs = [c.csrf("/console/door") for c in desks]
    for i in range(8):
        code = code_for(inst, add(inst, "Twin %d" % i))
        outcomes = [None, None]
        go = threading.Barrier(2)

        def one(k):
            go.wait()
            r = desks[k].post("/console/door", {"_csrf": csrfs[k],
                                                "code": code})
            outcomes[k] = re.search(r'data-outcome="(\w+)"',
                                    r.text).group(1)
        ts = [threading.Thread(target=one, args=(k,)) for k in (0, 1)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert sorted(outcomes) == ["amber", "green"], outcomes


@case
def door_role_can_do_nothing_else(inst):
    d = S["door"]
    pid = add(inst, "Nils Nobody")
    slot, session = inst.query(
        "SELECT slot_id, id FROM session ORDER BY id LIMIT 1")[0]
    r = d.get("/console")
    assert r.status == 303 and r.getheader("Location") == "/console/door"
    assert d.get("/console/door").status == 200
    for path in console_read_pages(pid, slot, session, "business")[1:] + [
            "/console/door/counts", "/console/door/no-shows",
            "/console/door/no-shows.csv", "/console/mail",
            "/console/throttled"]:
        r = d.get(path)
        assert r.status == 403, (path, r.status)
    csrf = d.csrf("/console/door")
    audit = inst.scalar("SELECT count(*) FROM audit_log")
    for pattern, role in CONSOLE_POSTS:
        if role == "door":
            continue
        path = pattern.format(id=pid, code="business")
        r = d.post(path, {"_csrf": csrf})
        assert r.status == 403, (path, r.status)
    assert inst.scalar("SELECT count(*) FROM audit_log") == audit
    # summitctl refuses a role that does not exist.
    r = inst.ctl("organiser", "add", "x@example.no", "--role", "porter",
                 "--password-stdin", input="correct horse battery\n",
                 check=False)
    assert r.returncode != 0


if __name__ == "__main__":
    run(setup, teardown)
