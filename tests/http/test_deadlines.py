#!/usr/bin/env python3
"""test_deadlines.py -- deadlines and a freeze (issue 11, item 3).

Times are set in the database, relative to its clock, which is the one
summitd judges by.  Each deadline refuses after it and allows before it,
and a refused request changes nothing (the ranking, the status, the
outbox).  A cancellation after the deadline is refused with a message to
contact the organisers, or, when the event accepts late ones, done and
marked late, which the console shows.  Once an allocation is published a
new ranking is a change request: the ranking stays, the participant reads
that the request is with the organisers, and an admin accepts (the
ranking is replaced) or dismisses it, both audited.  Promotion from the
waiting list stops at the event's cut-off and never runs once the event
has started: neither `summitctl expire` nor a cancellation promotes
anyone then, and summitd's automatic refill fills no freed seat.
Registering before registration opens is refused, saying so.  The pages show each deadline in the reader's language with
its weekday, in the event's zone; the console's form sets the deadlines
and refuses bad values without changing anything."""
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, organiser,  # noqa: E402
                     registration_form, wait_for)
from tap import case, run  # noqa: E402

CONF = "[registration]\nexpiry_interval_seconds = 3600\n"


def setup():
    inst = Instance("summit_http_deadlines", extra_conf=CONF)
    inst.server = inst.start()
    inst.ev = inst.scalar("SELECT id FROM event")
    inst.admin = organiser(inst, "admin@example.no", "admin")
    inst.staff = organiser(inst, "staff@example.no", "staff")
    inst.n = 0
    return inst


def teardown(inst):
    if inst:
        inst.close()


def sid(inst, code):
    return inst.scalar("SELECT id FROM session WHERE code = %s", code)


def person(inst, status="confirmed", ranks=("arbeidsliv",)):
    """A participant with a page link -> (id, token).  A confirmed one
    holds a free place."""
    inst.n += 1
    token = os.urandom(16).hex()
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, consent_at, email_confirmed_at, waitlisted_at,"
        " language) VALUES (%s, %s, %s, 'LO', 'union', %s, now(), now(),"
        " CASE WHEN %s = 'waitlisted' THEN now() END, 'en') RETURNING id",
        inst.ev, "Person %d" % inst.n, "p%d@example.no" % inst.n, status,
        status)
    for rank, code in enumerate(ranks, 1):
        inst.query("INSERT INTO preference (event_id, participant_id,"
                   " session_id, rank) VALUES (%s, %s, %s, %s)",
                   inst.ev, pid, sid(inst, code), rank)
    inst.query("INSERT INTO participant_token (hash, participant_id)"
               " VALUES (%s, %s)", hashlib.sha256(token.encode()).hexdigest(),
               pid)
    if status == "confirmed":
        inst.query("UPDATE place SET participant_id = %s WHERE event_id = %s"
                   " AND place_no = (SELECT min(place_no) FROM place WHERE"
                   " event_id = %s AND participant_id IS NULL)",
                   pid, inst.ev, inst.ev)
    return pid, token


def event_set(inst, **cols):
    """Sets event columns to SQL expressions (times relative to now())."""
    inst.query("UPDATE event SET %s WHERE id = %%s" % ", ".join(
        "%s = %s" % kv for kv in cols.items()), inst.ev)


def reset(inst):
    """No deadlines, nothing published, the demo's times, free places."""
    event_set(inst, change_deadline="NULL", cancel_deadline="NULL",
              cancel_late_allowed="false", promotion_stop_hours="0",
              starts_at="'2027-03-11 09:00 Europe/Oslo'",
              ends_at="'2027-03-11 15:30 Europe/Oslo'",
              registration_opens="'2026-01-01 00:00 Europe/Oslo'",
              capacity="150")
    inst.query("SELECT summit_sync_places(%s)", inst.ev)
    inst.query("UPDATE assignment SET published = false")


def ranking(inst, pid):
    return [r for (r,) in inst.query(
        "SELECT s.code FROM preference p JOIN session s ON s.id ="
        " p.session_id WHERE p.participant_id = %s ORDER BY p.rank", pid)]


def status(inst, pid):
    return inst.scalar("SELECT status FROM participant WHERE id = %s", pid)


def outbox(inst, pid):
    return inst.scalar("SELECT count(*) FROM outbox WHERE participant_id"
                       " = %s", pid)


def rerank(c, token, *codes, inst):
    form = {"_csrf": c.csrf("/me/" + token)}
    for i, code in enumerate(codes, 1):
        form["rank%d" % i] = str(sid(inst, code))
    return c.post("/me/%s/preferences" % token, form)


def cancel(c, token):
    return c.post("/me/%s/cancel" % token,
                  {"_csrf": c.csrf("/me/" + token), "confirm": "yes"})


def audit(inst, action):
    return inst.query("SELECT actor, subject_id, after FROM audit_log"
                      " WHERE action = %s ORDER BY id", action)


@case
def the_change_deadline_refuses_after_and_allows_before(inst):
    reset(inst)
    pid, token = person(inst)
    c = Client(inst.port, lang="en")
    event_set(inst, change_deadline="now() - interval '1 minute'")
    r = rerank(c, token, "offentlig", inst=inst)
    assert r.status == 409, (r.status, r.text[:300])
    assert "deadline for changing your choices has passed" in r.text, r.text
    assert ranking(inst, pid) == ["arbeidsliv"]
    assert inst.scalar("SELECT count(*) FROM change_request") == 0
    r = c.get("/me/" + token)
    assert 'id="dl-change-closed"' in r.text, r.text
    event_set(inst, change_deadline="now() + interval '1 day'")
    r = rerank(c, token, "offentlig", inst=inst)
    assert r.status == 303 and "done=saved" in r.getheader("Location"), \
        (r.status, r.text[:300])
    assert ranking(inst, pid) == ["offentlig"]


@case
def the_cancellation_deadline_refuses_with_a_way_to_the_organisers(inst):
    reset(inst)
    pid, token = person(inst)
    mails = outbox(inst, pid)
    c = Client(inst.port, lang="en")
    event_set(inst, cancel_deadline="now() - interval '1 minute'")
    r = cancel(c, token)
    assert r.status == 409, (r.status, r.text[:300])
    assert "contact the organisers" in r.text, r.text
    assert "toppmote@example.org" in r.text, r.text
    assert status(inst, pid) == "confirmed"
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id ="
                       " %s", pid) == 1
    assert outbox(inst, pid) == mails
    # Someone waiting may still withdraw: they hold no place.
    wid, wtoken = person(inst, "waitlisted")
    r = cancel(c, wtoken)
    assert r.status == 303, (r.status, r.text[:300])
    assert status(inst, wid) == "cancelled"
    event_set(inst, cancel_deadline="now() + interval '1 hour'")
    r = cancel(c, token)
    assert r.status == 303, (r.status, r.text[:300])
    assert status(inst, pid) == "cancelled"
    assert inst.scalar("SELECT cancelled_late FROM participant WHERE id ="
                       " %s", pid) is False


@case
def a_late_cancellation_is_accepted_and_marked_when_the_event_says_so(inst):
    reset(inst)
    pid, token = person(inst)
    event_set(inst, cancel_deadline="now() - interval '1 minute'",
              cancel_late_allowed="true")
    c = Client(inst.port, lang="en")
    r = c.get("/me/" + token)
    assert 'id="dl-cancel-late"' in r.text, r.text
    r = cancel(c, token)
    assert r.status == 303, (r.status, r.text[:300])
    assert inst.query("SELECT status, cancelled_late FROM participant"
                      " WHERE id = %s", pid) == [("cancelled", True)]
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id"
                       " = %s AND kind = 'cancelled'", pid) == 1
    r = inst.staff.get("/console/registrations/%d" % pid)
    assert r.status == 200 and 'class="late"' in r.text, r.text
    r = inst.staff.get("/console/registrations?status=cancelled")
    assert 'class="late"' in r.text, r.text
    # Reinstated by an organiser, the registration is no longer late.
    inst.query("UPDATE participant SET status = 'confirmed' WHERE id = %s",
               pid)
    assert inst.scalar("SELECT cancelled_late FROM participant WHERE id ="
                       " %s", pid) is False


@case
def after_publishing_a_new_ranking_is_a_request_for_the_organisers(inst):
    reset(inst)
    pid, token = person(inst, ranks=("arbeidsliv", "smb"))
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id,"
               " published) VALUES (%s, %s, %s, true)", inst.ev, pid,
               sid(inst, "arbeidsliv"))
    c = Client(inst.port, lang="en")
    r = c.get("/me/" + token)
    assert 'id="dl-frozen"' in r.text, r.text
    r = rerank(c, token, "offentlig", "smb", inst=inst)
    assert r.status == 303 and "done=dl_requested" in \
        r.getheader("Location"), (r.status, r.text[:300])
    assert ranking(inst, pid) == ["arbeidsliv", "smb"]
    r = c.get(r.getheader("Location"))
    assert "Your request is with the organisers" in r.text, r.text
    assert 'id="change-request"' in r.text, r.text
    # A second request replaces the first; a bad one stores nothing.
    r = rerank(c, token, "smb", inst=inst)
    assert r.status == 303
    r = c.post("/me/%s/preferences" % token, {
        "_csrf": c.csrf("/me/" + token), "rank1": "999999"})
    assert r.status == 400, (r.status, r.text[:300])
    assert inst.query("SELECT state, sessions FROM change_request WHERE"
                      " participant_id = %s ORDER BY id", pid) == [
        ("replaced", [sid(inst, "offentlig"), sid(inst, "smb")]),
        ("open", [sid(inst, "smb")])]
    rq = inst.scalar("SELECT id FROM change_request WHERE state = 'open'"
                     " AND participant_id = %s", pid)
    r = inst.staff.get("/console/requests")
    assert r.status == 200 and 'id="request-%d"' % rq in r.text, r.text
    # Staff see it but cannot decide.
    r = inst.staff.post("/console/requests/%d/accept" % rq,
                        {"_csrf": inst.staff.csrf("/console/requests")})
    assert r.status == 403, r.status
    assert ranking(inst, pid) == ["arbeidsliv", "smb"]
    a = inst.admin
    r = a.post("/console/requests/%d/accept" % rq,
               {"_csrf": a.csrf("/console/requests")})
    assert r.status == 303, (r.status, r.text[:300])
    assert ranking(inst, pid) == ["smb"]
    assert [(x[0], x[1]) for x in audit(inst, "change_request.accept")] == \
        [("admin@example.no", rq)]
    # Decided once: a second decision finds no open request.
    r = a.post("/console/requests/%d/dismiss" % rq,
               {"_csrf": a.csrf("/console/requests")})
    assert r.status == 404, r.status
    r = rerank(c, token, "arbeidsliv", inst=inst)
    rq2 = inst.scalar("SELECT id FROM change_request WHERE state = 'open'"
                      " AND participant_id = %s", pid)
    r = a.post("/console/requests/%d/dismiss" % rq2,
               {"_csrf": a.csrf("/console/requests")})
    assert r.status == 303, r.status
    assert ranking(inst, pid) == ["smb"]
    assert [(x[0], x[1]) for x in audit(inst, "change_request.dismiss")] == \
        [("admin@example.no", rq2)]
    r = c.get("/me/" + token)
    assert 'id="change-request"' not in r.text
    # The change deadline holds in the freeze too.
    event_set(inst, change_deadline="now() - interval '1 minute'")
    r = rerank(c, token, "offentlig", inst=inst)
    assert r.status == 409
    assert inst.scalar("SELECT count(*) FROM change_request WHERE state ="
                       " 'open'") == 0


def promotion_case(inst, **times):
    """Capacity 1 held by a confirmed person, one waiting -> (held, w)."""
    reset(inst)
    inst.query("UPDATE participant SET status = 'cancelled'"
               " WHERE status IN ('confirmed', 'waitlisted', 'pending')")
    inst.query("UPDATE place SET participant_id = NULL")
    event_set(inst, capacity="1")
    inst.query("SELECT summit_sync_places(%s)", inst.ev)
    held = person(inst)
    w = person(inst, "waitlisted")
    event_set(inst, **times)
    return held, w


@case
def promotion_stops_at_the_cut_off_and_once_the_event_has_started(inst):
    for times in ({"starts_at": "now() + interval '10 hours'",
                   "ends_at": "now() + interval '20 hours'",
                   "promotion_stop_hours": "24"},
                  {"starts_at": "now() - interval '1 hour'",
                   "ends_at": "now() + interval '5 hours'",
                   "promotion_stop_hours": "0"}):
        (hid, htoken), (wid, _) = promotion_case(inst, **times)
        # The cancellation frees the place; nobody takes it.
        r = cancel(Client(inst.port), htoken)
        assert r.status == 303, (r.status, r.text[:300])
        assert status(inst, wid) == "waitlisted", times
        inst.ctl("expire")
        assert status(inst, wid) == "waitlisted", times
        assert outbox(inst, wid) == 0
        assert inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                           " IS NULL") == 1
    # Before the cut-off the same expiry run promotes.
    event_set(inst, starts_at="now() + interval '48 hours'",
              ends_at="now() + interval '50 hours'")
    inst.ctl("expire")
    assert status(inst, wid) == "confirmed"
    # And a cancellation before it promotes at once.
    (hid, htoken), (wid, _) = promotion_case(
        inst, starts_at="now() + interval '48 hours'",
        ends_at="now() + interval '50 hours'", promotion_stop_hours="24")
    r = cancel(Client(inst.port), htoken)
    assert status(inst, wid) == "confirmed"


@case
def the_pages_show_deadlines_with_weekdays_in_the_events_zone(inst):
    reset(inst)
    pid, token = person(inst)
    # Monday 1 March 2027, 12:00 in Oslo (11:00 UTC).
    event_set(inst, change_deadline="'2027-03-01 12:00 Europe/Oslo'",
              cancel_deadline="'2027-03-02 09:30 Europe/Oslo'")
    for lang, words in (("en", ("Monday 2027-03-01 12:00",
                                "Tuesday 2027-03-02 09:30",
                                "Thursday 2027-03-04 23:59")),
                        ("nb", ("mandag 2027-03-01 12:00",
                                "tirsdag 2027-03-02 09:30",
                                "torsdag 2027-03-04 23:59"))):
        c = Client(inst.port, lang=lang)
        me = c.get("/me/" + token).text
        assert words[0] in me and words[1] in me, me
        assert "Europe/Oslo" in me
        # The public page (cached for a second): registration's close
        # and the two deadlines.
        page = wait_for(lambda: all(w in c.get("/").text for w in words)
                        and c.get("/").text, what="deadlines on " + lang)
        assert 'id="dl-registration-closes"' in page
    event_set(inst, registration_opens="now() + interval '1 day'")
    c = Client(inst.port, lang="en")
    page = wait_for(lambda: "Registration has not opened yet." in
                    c.get("/").text and c.get("/").text,
                    what="not open yet")
    assert 'id="dl-registration-opens"' in page
    # Registering before it opens is refused, saying so; nothing stored.
    n = inst.scalar("SELECT count(*) FROM participant")
    r = c.post("/register", registration_form(
        c.csrf(), email="early@example.no", language="en"))
    assert r.status == 409 and "has not opened yet" in r.text, \
        (r.status, r.text[:500])
    assert inst.scalar("SELECT count(*) FROM participant") == n


@case
def the_console_form_sets_deadlines_and_refuses_bad_values(inst):
    reset(inst)
    a = inst.admin
    r = a.get("/console/deadlines")
    assert r.status == 200, r.status
    before = inst.query("SELECT change_deadline, cancel_deadline,"
                        " cancel_late_allowed, promotion_stop_hours"
                        " FROM event")
    for form, field in (
            ({"change_deadline": "2028-01-01T10:00"}, "change_deadline"),
            ({"cancel_deadline": "yesterday"}, "cancel_deadline"),
            ({"promotion_stop_hours": "9000"}, "promotion_stop_hours"),
            ({"promotion_stop_hours": ""}, "promotion_stop_hours")):
        f = {"_csrf": a.csrf("/console/deadlines"), "change_deadline": "",
             "cancel_deadline": "", "promotion_stop_hours": "0"}
        f.update(form)
        r = a.post("/console/deadlines", f)
        assert r.status == 400, (form, r.status)
        assert 'id="%s-err"' % field in r.text, (form, r.text)
        assert inst.query("SELECT change_deadline, cancel_deadline,"
                          " cancel_late_allowed, promotion_stop_hours"
                          " FROM event") == before
    r = inst.staff.post("/console/deadlines", {
        "_csrf": inst.staff.csrf("/console/deadlines"),
        "promotion_stop_hours": "5"})
    assert r.status == 403
    r = a.post("/console/deadlines", {
        "_csrf": a.csrf("/console/deadlines"),
        "change_deadline": "2027-03-01T12:00",
        "cancel_deadline": "2027-03-10T18:00",
        "cancel_late_allowed": "yes", "promotion_stop_hours": "12"})
    assert r.status == 303, (r.status, r.text[:500])
    assert inst.query(
        "SELECT to_char(change_deadline AT TIME ZONE 'Europe/Oslo',"
        " 'YYYY-MM-DD HH24:MI'), to_char(cancel_deadline AT TIME ZONE"
        " 'Europe/Oslo', 'YYYY-MM-DD HH24:MI'), cancel_late_allowed,"
        " promotion_stop_hours FROM event") == [
        ("2027-03-01 12:00", "2027-03-10 18:00", True, 12)]
    assert [x[0] for x in audit(inst, "event.deadlines")] == \
        ["admin@example.no"]
    r = a.get("/console/deadlines")
    assert 'value="2027-03-01T12:00"' in r.text, r.text
    # Emptied: no deadline again.
    r = a.post("/console/deadlines", {
        "_csrf": a.csrf("/console/deadlines"), "change_deadline": "",
        "cancel_deadline": "", "promotion_stop_hours": "0"})
    assert r.status == 303
    assert inst.query("SELECT change_deadline, cancel_deadline FROM"
                      " event") == [(None, None)]


@case
def summitd_fills_no_freed_seat_once_promotion_has_stopped(inst):
    reset(inst)
    inst.query("UPDATE participant SET status = 'cancelled'"
               " WHERE status IN ('confirmed', 'waitlisted', 'pending')")
    inst.query("UPDATE place SET participant_id = NULL")
    inst.query("DELETE FROM assignment")
    inst.query("UPDATE session SET capacity = 1, sector_share_pct = 100,"
               " org_limit = 100 WHERE code = 'arbeidsliv'")
    event_set(inst, refill_automatically="true")
    x = sid(inst, "arbeidsliv")
    waiting, _ = person(inst)

    def placed():
        return inst.scalar("SELECT count(*) FROM assignment WHERE"
                           " participant_id = %s", waiting)

    for started, times in (
            (True, {"starts_at": "now() - interval '1 hour'",
                    "ends_at": "now() + interval '5 hours'"}),
            (False, {"starts_at": "'2027-03-11 09:00 Europe/Oslo'",
                     "ends_at": "'2027-03-11 15:30 Europe/Oslo'"})):
        seated, token = person(inst)
        inst.query("INSERT INTO assignment (event_id, participant_id,"
                   " session_id, published) VALUES (%s, %s, %s, true)",
                   inst.ev, seated, x)
        event_set(inst, **times)
        # The cancellation frees the seat and wakes summitd's refill.
        r = cancel(Client(inst.port), token)
        assert r.status == 303, (r.status, r.text[:300])
        if started:
            time.sleep(3)
            assert placed() == 0
        else:
            wait_for(placed, what="the freed seat filled")


if __name__ == "__main__":
    run(setup, teardown)
