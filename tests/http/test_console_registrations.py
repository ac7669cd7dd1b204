#!/usr/bin/env python3
"""test_console_registrations.py -- the console's registrations: list with
search, filters, sorting and paging; one person's detail; status changes,
promotion, mails again, check-in, GDPR erasure and the JSON export, each
audited; staff may read, export and check in but are refused (403, nothing
changed) everything else; CSRF; CSV export with formula injection
neutralised; the import of invitees with a preview that stores nothing."""
import csv
import io
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

S = {}


def setup():
    # No periodic fill from the waitlist while the tests arrange it.
    inst = Instance("summit_http_console_registrations", extra_conf=(
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    S["event"] = inst.scalar("SELECT id FROM event")
    S["sessions"] = [r[0] for r in inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " ORDER BY sl.starts_at, s.id")]
    return inst


def teardown(inst):
    if inst:
        inst.close()


def add(inst, name, email, org="Org", sector="business", status="confirmed",
        ranks=(), role="", needs="", place=True, created=None):
    """Inserts a participant directly; claims a place unless waitlisted."""
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " role, needs, status, hold_until, consent_at, created_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
        " CASE WHEN %s = 'pending' THEN now() + interval '1 day' END, now(),"
        " coalesce(%s::timestamptz, now())) RETURNING id",
        S["event"], name, email, org, sector, role, needs, status, status,
        created)
    for i, sid in enumerate(ranks, 1):
        inst.query("INSERT INTO preference (event_id, participant_id,"
                   " session_id, rank) VALUES (%s, %s, %s, %s)",
                   S["event"], pid, sid, i)
    if place and status in ("confirmed", "pending"):
        inst.query("UPDATE place SET participant_id = %s WHERE (event_id,"
                   " place_no) = (SELECT event_id, min(place_no) FROM place"
                   " WHERE event_id = %s AND participant_id IS NULL"
                   " GROUP BY event_id)", pid, S["event"])
    return pid


def csrf(c, path="/console/registrations"):
    return c.csrf(path)


def post(c, path, data=None, token=True):
    body = dict(data or {})
    if token:
        body["_csrf"] = csrf(c)
    return c.post(path, body)


def snapshot(inst, pid):
    """What an action could change about pid.  (Not link tokens: the mail
    worker registers those when it sends.)"""
    return (inst.query("SELECT name, email, organisation, status, checked_in_at,"
                       " hold_until FROM participant WHERE id = %s", pid),
            inst.query("SELECT place_no FROM place WHERE participant_id = %s",
                       pid),
            inst.scalar("SELECT count(*) FROM outbox"),
            inst.scalar("SELECT count(*) FROM audit_log"),
            inst.scalar("SELECT count(*) FROM participant"))


def audit(inst, pid, action):
    rows = inst.query("SELECT before, after, actor FROM audit_log WHERE"
                      " subject_type = 'participant' AND subject_id = %s"
                      " AND action = %s ORDER BY id DESC", pid, action)
    assert rows, "no audit entry %s for %s" % (action, pid)
    return rows[0]


def names_in(html):
    return re.findall(r'<a href="/console/registrations/\d+">([^<]*)</a>', html)


@case
def list_search_filter_sort_and_page(inst):
    a = S["admin"]
    s1, s2 = S["sessions"][0], S["sessions"][1]
    base = "2026-06-01 10:00+00"
    for i in range(60):
        add(inst, "Listeperson %02d" % i, "liste%02d@example.no" % i,
            org="Listeorg %s" % ("A" if i % 2 else "B"),
            sector="academia" if i % 3 == 0 else "union",
            ranks=(s1,) if i % 5 == 0 else (s2,),
            created="2026-06-01 10:%02d+00" % i)
    add(inst, "Åse Ødegård Zeta", "ase.zeta@example.no", org="Fjord Energi AS",
        created=base)
    add(inst, "Venter Vebjørn", "venter@example.no", org="Kø AS",
        status="waitlisted", place=False)
    placed = add(inst, "Plassert Petra", "petra@example.no", org="Plass AS")
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id,"
               " table_no) VALUES (%s, %s, %s, 2)", S["event"], placed, s2)

    # Search: substring, any case, UTF-8 and spaces, over name, e-mail, org.
    r = a.get("/console/registrations?q=" + urllib.parse.quote("ødegård z"))
    assert r.status == 200, r.status
    assert names_in(r.text) == ["Åse Ødegård Zeta"], names_in(r.text)
    r = a.get("/console/registrations?q=FJORD+energi")
    assert names_in(r.text) == ["Åse Ødegård Zeta"], names_in(r.text)
    r = a.get("/console/registrations?q=liste07%40example")
    assert names_in(r.text) == ["Listeperson 07"], names_in(r.text)
    # LIKE wildcards are literal.
    r = a.get("/console/registrations?q=%25")
    assert names_in(r.text) == [], names_in(r.text)
    # Filters.
    r = a.get("/console/registrations?status=waitlisted")
    assert names_in(r.text) == ["Venter Vebjørn"], names_in(r.text)
    r = a.get("/console/registrations?waitlisted=1")
    assert names_in(r.text) == ["Venter Vebjørn"], names_in(r.text)
    r = a.get("/console/registrations?q=Listeperson&sector=academia&per=100")
    got = names_in(r.text)
    assert len(got) == 20 and all(int(n[-2:]) % 3 == 0 for n in got), got
    r = a.get("/console/registrations?q=Listeperson&session=%d&in=ranked" % s1)
    got = names_in(r.text)
    assert len(got) == 12 and all(int(n[-2:]) % 5 == 0 for n in got), got
    r = a.get("/console/registrations?session=%d&in=placed" % s2)
    assert names_in(r.text) == ["Plassert Petra"], names_in(r.text)
    # Sorting and paging.
    r = a.get("/console/registrations?q=Listeperson&sort=name&dir=desc")
    got = names_in(r.text)
    assert got[:3] == ["Listeperson 59", "Listeperson 58", "Listeperson 57"], got
    assert len(got) == 50, len(got)
    assert "<strong>60</strong>" in r.text, "total count missing"
    r2 = a.get("/console/registrations?q=Listeperson&sort=name&dir=desc&page=2")
    got2 = names_in(r2.text)
    assert got2 == ["Listeperson %02d" % i for i in range(9, -1, -1)], got2
    r = a.get("/console/registrations?q=Listeperson&sort=registered&dir=asc")
    assert names_in(r.text)[0] == "Listeperson 00"
    r = a.get("/console/registrations?q=Listeorg&sort=organisation&dir=asc")
    got = names_in(r.text)
    assert all("Listeperson" in n for n in got)
    orgs = re.findall(r"<td>(Listeorg [AB])</td>", r.text)
    assert orgs == sorted(orgs) and orgs[0] == "Listeorg A", orgs[:5]
    # Staff may read the list; a label for every control.
    r = S["staff"].get("/console/registrations")
    assert r.status == 200
    for ctl in ("q", "status", "sector", "session", "in", "sort", "dir",
                "waitlisted"):
        assert 'for="%s"' % ctl in r.text, ctl


@case
def detail_shows_preferences_mails_and_audit(inst):
    s = S["sessions"]
    pid = add(inst, "Detalj Dina", "dina@example.no", ranks=(s[0], s[3]))
    inst.query("INSERT INTO outbox (event_id, participant_id, kind, recipient,"
               " state, attempts, last_error) VALUES (%s, %s, 'confirm',"
               " 'dina@example.no', 'failed', 3, 'mailbox full')",
               S["event"], pid)
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id,"
               " table_no, pinned) VALUES (%s, %s, %s, 3, true)",
               S["event"], pid, s[0])
    title0 = inst.scalar("SELECT title_nb FROM session WHERE id = %s", s[0])
    title3 = inst.scalar("SELECT title_nb FROM session WHERE id = %s", s[3])
    a = S["admin"]
    r = post(a, "/console/registrations/%d/checkin" % pid, {"in": "1"})
    assert r.status == 303, r.status
    r = a.get("/console/registrations/%d?lang=nb" % pid)
    assert r.status == 200
    prefs = r.text.split('id="preferences"')[1].split("</table>")[0]
    assert title0 in prefs and title3 in prefs, prefs
    assert prefs.index(title0) < prefs.index(title3)
    place = r.text.split('id="placements"')[1].split("</table>")[0]
    assert title0 in place and ">3<" in place, place
    mails = r.text.split('id="mails"')[1].split("</table>")[0]
    assert "mailbox full" in mails and "failed" in mails, mails
    hist = r.text.split('id="audit"')[1].split("</table>")[0]
    assert "registrations.check_in" in hist and "admin@example.no" in hist, hist
    assert a.get("/console/registrations/999999").status == 404
    assert a.get("/console/registrations/abc").status == 404


@case
def times_are_shown_in_local_time_as_postgresql_wrote_them(inst):
    # db returns seconds; app formats them (app_local_time).  What the
    # pages show is what PostgreSQL's to_char in the zone showed before,
    # across a change to summer time and with the seconds cut, not rounded.
    a = S["admin"]
    pid = add(inst, "Tid Tora", "tora@example.no", status="pending",
              created="2026-03-29 00:59:59.9+00")
    inst.query("UPDATE participant SET hold_until ="
               " '2026-03-29 01:00:30+00', checked_in_at ="
               " '2026-10-25 00:30:00+00' WHERE id = %s", pid)
    inst.query("INSERT INTO outbox (event_id, participant_id, kind, recipient,"
               " state, created_at, sent_at) VALUES (%s, %s, 'confirm',"
               " 'tora@example.no', 'sent', '2026-07-01 10:11:12.7+00',"
               " '2026-07-01 10:11:13+00')", S["event"], pid)

    def local(col, tz="e.timezone", fmt="YYYY-MM-DD HH24:MI"):
        return inst.scalar(
            "SELECT to_char(%s AT TIME ZONE %s, '%s') FROM participant p"
            " JOIN event e ON e.id = p.event_id WHERE p.id = %%s"
            % (col, tz, fmt), pid)
    want = [local("p.created_at"), local("p.hold_until"),
            local("p.checked_in_at")]
    assert want[0] != local("p.created_at", "'UTC'")   # a zone is applied
    r = a.get("/console/registrations/%d?lang=nb" % pid)
    assert r.status == 200
    for w in want:
        assert w in r.text, (w, want)
    for col in ("o.created_at", "o.sent_at"):
        w = inst.scalar("SELECT to_char(%s AT TIME ZONE e.timezone,"
                        " 'YYYY-MM-DD HH24:MI:SS') FROM outbox o JOIN event e"
                        " ON e.id = o.event_id WHERE o.participant_id = %%s"
                        % col, pid)
        assert w in r.text, w
    r = a.get("/console/registrations?q=tora")
    assert r.status == 200 and local("p.created_at") in r.text
    r = a.get("/console/registrations/export.csv")
    assert r.status == 200 and want[0] in r.text and want[2] in r.text


@case
def times_follow_the_events_zone_not_oslos(inst):
    # An event in New York: the console's list, detail, export and audit
    # log, and the public event page, show New York's clock (four hours
    # behind UTC in July, six behind Oslo).
    a = S["admin"]
    old_zone = inst.scalar("SELECT timezone FROM event WHERE id = %s",
                           S["event"])
    inst.query("UPDATE event SET timezone = 'America/New_York' WHERE id = %s",
               S["event"])
    try:
        pid = add(inst, "Sone Sverre", "sverre@example.no",
                  created="2026-07-01 12:00:00+00")
        inst.query("INSERT INTO outbox (event_id, participant_id, kind,"
                   " recipient, state, created_at) VALUES (%s, %s, 'confirm',"
                   " 'sverre@example.no', 'sent', '2026-07-01 12:30:05+00')",
                   S["event"], pid)
        r = a.get("/console/registrations?q=sverre")
        assert r.status == 200
        assert "2026-07-01 08:00" in r.text, "list not in New York time"
        assert "2026-07-01 14:00" not in r.text, "list in Oslo time"
        r = post(a, "/console/registrations/%d/checkin" % pid, {"in": "1"})
        assert r.status == 303, r.status
        r = a.get("/console/registrations/%d?lang=nb" % pid)
        assert r.status == 200
        assert "2026-07-01 08:00" in r.text and "2026-07-01 14:00" not in r.text
        mails = r.text.split('id="mails"')[1].split("</table>")[0]
        assert "2026-07-01 08:30:05" in mails, mails
        at = inst.query("SELECT to_char(at AT TIME ZONE 'America/New_York',"
                        " 'YYYY-MM-DD HH24:MI:SS'), to_char(at AT TIME ZONE"
                        " 'Europe/Oslo', 'YYYY-MM-DD HH24:MI:SS') FROM"
                        " audit_log WHERE subject_type = 'participant' AND"
                        " subject_id = %s ORDER BY id DESC LIMIT 1", pid)[0]
        hist = r.text.split('id="audit"')[1].split("</table>")[0]
        assert at[0] in hist and at[1] not in hist, (at, hist)
        r = a.get("/console/mail?state=sent")
        assert r.status == 200 and "2026-07-01 08:30:05" in r.text, \
            "outbox page not in New York time"
        r = a.get("/console/audit")
        assert r.status == 200
        assert at[0] in r.text and at[1] not in r.text, at
        r = a.get("/console/registrations/export.csv")
        assert r.status == 200 and "2026-07-01 08:00" in r.text
        # The public page (cached a second) and the console's dashboard.
        want = inst.query(
            "SELECT to_char(starts_at AT TIME ZONE 'America/New_York',"
            " 'YYYY-MM-DD'), to_char(starts_at AT TIME ZONE"
            " 'America/New_York', 'HH24:MI'), to_char(ends_at AT TIME ZONE"
            " 'America/New_York', 'HH24:MI'), to_char(registration_closes"
            " AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI')"
            " FROM event WHERE id = %s", S["event"])[0]
        slot = inst.query(
            "SELECT to_char(sl.starts_at AT TIME ZONE 'America/New_York',"
            " 'HH24:MI'), to_char(sl.ends_at AT TIME ZONE"
            " 'America/New_York', 'HH24:MI') FROM slot sl WHERE"
            " sl.event_id = %s ORDER BY sl.starts_at LIMIT 1",
            S["event"])[0]
        time.sleep(1.1)
        r = Client(inst.port).get("/")
        assert r.status == 200
        assert "%s %s–%s" % want[:3] in r.text, (want, r.text[:800])
        assert "<h3>%s–%s</h3>" % slot in r.text, slot
        r = a.get("/console")
        assert r.status == 200 and want[3] in r.text, want[3]
    finally:
        inst.query("UPDATE event SET timezone = %s WHERE id = %s", old_zone,
                   S["event"])


@case
def status_changes_keep_places_and_are_audited(inst):
    a = S["admin"]
    pid = add(inst, "Status Stine", "stine@example.no")
    place = inst.scalar("SELECT place_no FROM place WHERE participant_id = %s",
                        pid)
    assert place
    r = post(a, "/console/registrations/%d/status" % pid,
             {"status": "cancelled"})
    assert r.status == 303, (r.status, r.text[:300])
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       pid) == "cancelled"
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id = %s",
                       pid) == 0
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id = %s"
                       " AND kind = 'cancelled'", pid) == 1
    before, after, actor = audit(inst, pid, "registrations.status")
    assert before["status"] == "confirmed" and before["place_no"] == place
    assert after["status"] == "cancelled" and after["place_no"] is None
    assert actor == "admin@example.no"
    # Back to confirmed: claims a place again.
    r = post(a, "/console/registrations/%d/status" % pid,
             {"status": "confirmed"})
    assert r.status == 303
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id = %s",
                       pid) == 1
    before, after, _ = audit(inst, pid, "registrations.status")
    assert before["status"] == "cancelled" and after["status"] == "confirmed"
    # To the waitlist in a full event: the place goes to the one already
    # waiting (registered earlier), not straight back to Stine.
    early = add(inst, "Tidlig Tor", "tor@example.no", status="waitlisted",
                place=False, created="2026-01-02 10:00+00")
    free = inst.query("SELECT place_no FROM place WHERE event_id = %s AND"
                      " participant_id IS NULL", S["event"])
    inst.query("DELETE FROM place WHERE event_id = %s AND participant_id IS"
               " NULL", S["event"])
    try:
        r = post(a, "/console/registrations/%d/status" % pid,
                 {"status": "waitlisted"})
        assert r.status == 303
        assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                           pid) == "waitlisted"
        assert inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                           " = %s", pid) == 0
        assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                           early) == "pending"
        assert inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                           " = %s", early) == 1
    finally:
        inst.query("INSERT INTO place (event_id, place_no) SELECT %s,"
                   " unnest(%s)", S["event"], [f[0] for f in free])
    r = post(a, "/console/registrations/%d/status" % pid,
             {"status": "confirmed"})
    assert r.status == 303
    # An unknown status is refused and changes nothing.
    snap = snapshot(inst, pid)
    r = post(a, "/console/registrations/%d/status" % pid, {"status": "expired"})
    assert r.status == 400 and snapshot(inst, pid) == snap


@case
def promote_from_waitlist_and_full(inst):
    a = S["admin"]
    pid = add(inst, "Vente Vilde", "vilde@example.no", status="waitlisted",
              place=False)
    # Full: no free place -> 409 and nothing changed.
    free = inst.query("SELECT place_no FROM place WHERE event_id = %s AND"
                      " participant_id IS NULL", S["event"])
    inst.query("DELETE FROM place WHERE event_id = %s AND participant_id IS"
               " NULL", S["event"])
    snap = snapshot(inst, pid)
    # The page says why: app's refusal "full", not a message compared.
    full = "ingen ledig plass"
    r = post(a, "/console/registrations/%d/promote" % pid)
    assert r.status == 409, r.status
    assert full in r.text and "nåværende status" not in r.text
    assert snapshot(inst, pid) == snap
    r = post(a, "/console/registrations/%d/status" % pid,
             {"status": "confirmed"})
    assert r.status == 409 and snapshot(inst, pid) == snap
    assert full in r.text
    inst.query("INSERT INTO place (event_id, place_no) SELECT %s, unnest(%s)",
               S["event"], [f[0] for f in free])
    r = post(a, "/console/registrations/%d/promote" % pid)
    assert r.status == 303, r.status
    st = inst.scalar("SELECT status FROM participant WHERE id = %s", pid)
    assert st == "pending", st   # the e-mail is not confirmed: a hold
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id = %s",
                       pid) == 1
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id = %s"
                       " AND kind = 'promoted_confirm'", pid) == 1
    before, after, _ = audit(inst, pid, "registrations.promote")
    assert before["status"] == "waitlisted" and after["status"] == "pending"
    # Not waitlisted any more: refused, for the status, not for places.
    r = post(a, "/console/registrations/%d/promote" % pid)
    assert r.status == 409
    assert "nåværende status" in r.text and full not in r.text


@case
def resend_confirmation_and_invitations(inst):
    a = S["admin"]
    s = S["sessions"]
    pid = add(inst, "Sende Sara", "sara@example.no", ranks=(s[0],))
    r = post(a, "/console/registrations/%d/resend-confirmation" % pid)
    assert r.status == 303
    row = inst.query("SELECT kind, link_nonce FROM outbox WHERE participant_id"
                     " = %s ORDER BY id DESC LIMIT 1", pid)[0]
    assert row[0] == "link_again" and re.match("^[0-9a-f]{32}$", row[1]), row
    audit(inst, pid, "registrations.resend_confirmation")
    # Invitations: the current one again with the same sequence; a
    # cancelled one not.
    inst.query("INSERT INTO invitation (event_id, participant_id, session_id,"
               " sequence, state, fingerprint) VALUES (%s, %s, %s, 2,"
               " 'invited', 'x'), (%s, %s, %s, 4, 'cancelled', 'y')",
               S["event"], pid, s[0], S["event"], pid, s[4])
    r = post(a, "/console/registrations/%d/resend-invitations" % pid)
    assert r.status == 303 and "done=invitations" in r.getheader("Location")
    rows = inst.query("SELECT kind, payload FROM outbox WHERE participant_id"
                      " = %s AND kind LIKE 'invite%%'", pid)
    assert len(rows) == 1, rows
    assert rows[0][0] == "invite" and rows[0][1]["sequence"] == 2
    assert rows[0][1]["session_id"] == s[0]
    audit(inst, pid, "registrations.resend_invitations")


@case
def staff_may_check_in_and_export_but_nothing_else(inst):
    st = S["staff"]
    pid = add(inst, "Stab Stian", "stian@example.no", status="waitlisted",
              place=False)
    for path, data in (("status", {"status": "cancelled"}),
                       ("promote", {}), ("resend-confirmation", {}),
                       ("resend-invitations", {}),
                       ("erase", {"confirm": "yes"})):
        snap = snapshot(inst, pid)
        r = post(st, "/console/registrations/%d/%s" % (pid, path), data)
        assert r.status == 403, (path, r.status)
        assert snapshot(inst, pid) == snap, path
    snap = snapshot(inst, pid)
    r = post(st, "/console/registrations/import",
             {"csv": "Ny Person,ny.staff@example.no,Org,business"})
    assert r.status == 403 and snapshot(inst, pid) == snap
    assert st.get("/console/registrations/import").status == 403
    # Check-in is allowed, and audited.
    r = post(st, "/console/registrations/%d/checkin" % pid, {"in": "1"})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT checked_in_at IS NOT NULL FROM participant"
                       " WHERE id = %s", pid)
    before, after, actor = audit(inst, pid, "registrations.check_in")
    assert before["checked_in"] is False and after["checked_in"] is True
    assert actor == "staff@example.no"
    r = post(st, "/console/registrations/%d/checkin" % pid, {"in": "0"})
    assert r.status == 303
    assert inst.scalar("SELECT checked_in_at IS NULL FROM participant"
                       " WHERE id = %s", pid)
    assert st.get("/console/registrations/export.csv").status == 200
    r = st.get("/console/registrations/%d/export.json" % pid)
    assert r.status == 200 and json.loads(r.text)["email"] == "stian@example.no"


@case
def csrf_missing_is_refused(inst):
    a = S["admin"]
    pid = add(inst, "Csrf Cato", "cato@example.no")
    for path, data in (("status", {"status": "cancelled"}),
                       ("checkin", {"in": "1"}), ("erase", {"confirm": "yes"}),
                       ("resend-confirmation", {})):
        snap = snapshot(inst, pid)
        r = post(a, "/console/registrations/%d/%s" % (pid, path), data,
                 token=False)
        assert r.status == 403, (path, r.status)
        assert snapshot(inst, pid) == snap, path
        bad = dict(data, _csrf="0" * 32)
        r = a.post("/console/registrations/%d/%s" % (pid, path), bad)
        assert r.status == 403 and snapshot(inst, pid) == snap, path
    n = inst.scalar("SELECT count(*) FROM participant")
    r = a.post("/console/registrations/import",
               {"csv": "X,csrf.import@example.no,Org,business", "confirm": "1"})
    assert r.status == 403 and inst.scalar(
        "SELECT count(*) FROM participant") == n


@case
def csv_export_neutralises_formulas(inst):
    s = S["sessions"]
    pid = add(inst, '=HYPERLINK("http://x")', "formula@example.no",
              org="+cmd", role="@SUM(1)", needs="-2+3", ranks=(s[0], s[4]))
    tab = add(inst, "Tab Tove", "tove@example.no", needs="\t=1+1")
    a = S["admin"]
    r = a.get("/console/registrations/export.csv")
    assert r.status == 200 and r.getheader("Content-Type").startswith("text/csv")
    assert "attachment" in r.getheader("Content-Disposition")
    raw = r.text
    assert '"\'=HYPERLINK(""http://x"")"' in raw, "name not neutralised"
    assert '"\'+cmd"' in raw and '"\'@SUM(1)"' in raw and '"\'-2+3"' in raw
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    head = rows[0]
    row = [x for x in rows if x and x[0] == str(pid)][0]
    rec = dict(zip(head, row))
    assert rec["name"] == '\'=HYPERLINK("http://x")'
    assert rec["organisation"] == "'+cmd" and rec["role"] == "'@SUM(1)"
    assert rec["needs"] == "'-2+3"
    assert rec["email"] == "formula@example.no"
    rec_tab = dict(zip(head, [x for x in rows if x and x[0] == str(tab)][0]))
    assert rec_tab["needs"] == "'\t=1+1", rec_tab["needs"]
    title0 = inst.scalar("SELECT title_nb FROM session WHERE id = %s", s[0])
    assert rec["rank_1"] == title0, rec
    for col in ("id", "name", "email", "organisation", "sector", "role",
                "needs", "language", "status", "registered_at",
                "confirmed_at", "rank_1", "rank_5", "placements"):
        assert col in head, col
    # Every cell quoted, CRLF line ends.
    assert raw.startswith('"id","name"') and "\r\n" in raw
    assert raw.count("\n") == raw.count("\r\n")
    # The Excel variant: BOM, semicolons, the same neutralising.
    r = a.get("/console/registrations/export-excel.csv")
    assert r.status == 200
    assert r.text.startswith("\ufeff\"id\";\"name\";"), r.text[:30]
    assert '"\'=HYPERLINK(""http://x"")"' in r.text
    n = inst.scalar("SELECT count(*) FROM participant")
    assert len([ln for ln in raw.split("\r\n") if ln]) == n + 1


@case
def import_preview_stores_nothing_and_apply_stores_good_rows(inst):
    a = S["admin"]
    add(inst, "Finnes Frank", "frank@example.no")
    text = ("name,email,organisation,sector,role,language\r\n"
            "Inga Invitert,inga@example.no,LO,union,Leder,nb\r\n"
            "\"Olsen, Ola\",ola@example.no,\"NHO \"\"Service\"\"\",business\r\n"
            "Bad Mail,not-an-email,Org,business\r\n"
            "Ukjent Sektor,sektor@example.no,Org,pirates\r\n"
            "Dobbel,inga@EXAMPLE.no,Org,union\r\n"
            "Frank Again,FRANK@example.no,Org,union\r\n"
            + "Lang," + "x@example.no," + "O" * 201 + ",union\r\n"
            "Kontroll\x07Tegn,ctl@example.no,Org,union\r\n"
            "Too,few@example.no\r\n"
            "Eng Lish,eng@example.no,Uni,academia,Prof,en\r\n")
    nparticipants = inst.scalar("SELECT count(*) FROM participant")
    nout = inst.scalar("SELECT count(*) FROM outbox")
    r = post(a, "/console/registrations/import", {"csv": text})
    assert r.status == 200, (r.status, r.text[:500])
    assert inst.scalar("SELECT count(*) FROM participant") == nparticipants
    assert inst.scalar("SELECT count(*) FROM outbox") == nout
    rows = r.text.split('id="import-rows"')[1].split("</table>")[0]
    trs = re.findall(r'<tr class="(ok|bad)">(.*?)</tr>', rows, re.S)
    assert [t[0] for t in trs] == ["ok", "ok", "bad", "bad", "bad", "bad",
                                   "bad", "bad", "bad", "ok"], trs
    assert "not a valid e-mail" in trs[2][1] or "gyldig" in trs[2][1]
    for i, word in ((3, ("sector", "sektor")), (4, ("twice", "to ganger")),
                    (5, ("already", "allerede")), (6, ("too long", "for langt")),
                    (7, ("control", "kontrolltegn")), (8, ("columns", "kolonner"))):
        assert any(w in trs[i][1] for w in word), (i, trs[i][1])
    assert 'name="confirm" value="1"' in r.text
    # Confirm: re-validated, good rows stored, bad ones skipped.
    r = post(a, "/console/registrations/import", {"csv": text, "confirm": "1"})
    assert r.status == 200, r.status
    got = inst.query("SELECT name, email, organisation, sector, role, language,"
                     " status FROM participant WHERE email IN ('inga@example.no',"
                     " 'ola@example.no', 'eng@example.no', 'sektor@example.no',"
                     " 'ctl@example.no', 'x@example.no') ORDER BY email")
    assert [g[1] for g in got] == ["eng@example.no", "inga@example.no",
                                   "ola@example.no"], got
    assert got[2][0] == "Olsen, Ola" and got[2][2] == 'NHO "Service"'
    assert got[0][5] == "en" and got[0][4] == "Prof"
    assert all(g[6] == "confirmed" for g in got)
    assert inst.scalar("SELECT count(*) FROM participant") == nparticipants + 3
    assert inst.scalar("SELECT count(*) FROM place p JOIN participant x ON"
                       " x.id = p.participant_id WHERE x.email IN"
                       " ('inga@example.no', 'ola@example.no',"
                       " 'eng@example.no')") == 3
    assert inst.scalar("SELECT count(*) FROM outbox WHERE kind = 'invited'"
                       " AND link_nonce IS NOT NULL AND recipient IN"
                       " ('inga@example.no', 'ola@example.no',"
                       " 'eng@example.no')") == 3
    entry = inst.query("SELECT after, actor FROM audit_log WHERE action ="
                       " 'registrations.import' ORDER BY id DESC LIMIT 1")[0]
    assert entry[0]["imported"] == 3 and entry[0]["skipped"] == 7, entry
    # The same again: all already registered, nothing stored.
    r = post(a, "/console/registrations/import", {"csv": text, "confirm": "1"})
    assert inst.scalar("SELECT count(*) FROM participant") == nparticipants + 3
    # An open quote is not CSV: 400, nothing stored.
    r = post(a, "/console/registrations/import", {"csv": 'A,"b@example.no,x'})
    assert r.status == 400 and 'role="alert"' in r.text


@case
def import_when_full_waitlists(inst):
    a = S["admin"]
    free = inst.query("SELECT place_no FROM place WHERE event_id = %s AND"
                      " participant_id IS NULL", S["event"])
    inst.query("DELETE FROM place WHERE event_id = %s AND participant_id IS"
               " NULL", S["event"])
    try:
        r = post(a, "/console/registrations/import",
                 {"csv": "Full Fia,fia@example.no,Org,other", "confirm": "1"})
        assert r.status == 200
        assert inst.scalar("SELECT status FROM participant WHERE email ="
                           " 'fia@example.no'") == "waitlisted"
    finally:
        inst.query("INSERT INTO place (event_id, place_no) SELECT %s,"
                   " unnest(%s)", S["event"], [f[0] for f in free])


@case
def import_too_big_is_413(inst):
    a = S["admin"]
    n = inst.scalar("SELECT count(*) FROM participant")
    big = "\r\n".join("P%d,p%d@example.no,Org,union" % (i, i)
                      for i in range(3000))
    r = post(a, "/console/registrations/import", {"csv": big})
    assert r.status == 413, r.status
    assert inst.scalar("SELECT count(*) FROM participant") == n


@case
def erase_leaves_no_personal_data(inst):
    a = S["admin"]
    s = S["sessions"]
    pid = add(inst, "Slette Sigrid", "sigrid.secret@example.no",
              org="Hemmelig AS", role="Sjef", needs="Glutenfri",
              ranks=(s[0], s[4]))
    r = post(a, "/console/registrations/%d/resend-confirmation" % pid)
    assert r.status == 303
    r = post(a, "/console/registrations/%d/status" % pid,
             {"status": "pending"})
    # Without the confirmation box: refused, nothing changed.
    snap = snapshot(inst, pid)
    r = post(a, "/console/registrations/%d/erase" % pid)
    assert r.status == 400 and snapshot(inst, pid) == snap
    r = post(a, "/console/registrations/%d/erase" % pid, {"confirm": "yes"})
    assert r.status == 303, r.status
    row = inst.query("SELECT name, email, organisation, role, needs, status"
                     " FROM participant WHERE id = %s", pid)[0]
    assert row == ("(erased)", "erased-%d@invalid.invalid" % pid, "(erased)",
                   "", "", "cancelled"), row
    for table, cols in (("participant", "name || email || organisation || role"
                         " || needs"),
                        ("outbox", "recipient || recipient_name ||"
                         " payload::text"),
                        ("audit_log", "coalesce(before::text, '') ||"
                         " coalesce(after::text, '')")):
        n = inst.scalar("SELECT count(*) FROM %s WHERE %s ILIKE %%s"
                        " OR %s ILIKE %%s" % (table, cols, cols),
                        "%sigrid%", "%Hemmelig%")
        assert n == 0, table
    assert inst.scalar("SELECT count(*) FROM participant_token WHERE"
                       " participant_id = %s", pid) == 0
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id = %s",
                       pid) == 0
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id = %s"
                       " AND state = 'queued'", pid) == 0
    # Preferences stay for the counts.
    assert inst.scalar("SELECT count(*) FROM preference WHERE participant_id"
                       " = %s", pid) == 2
    before, after, _ = audit(inst, pid, "registrations.erase")
    assert "sigrid" not in json.dumps(after).lower()
    assert after["status"] == "cancelled"
    r = a.get("/console/registrations?q=sigrid")
    assert names_in(r.text) == []


@case
def person_export_has_everything(inst):
    s = S["sessions"]
    pid = add(inst, "Eksport Eva", "eva@example.no", ranks=(s[1],))
    r = S["admin"].get("/console/registrations/%d/export.json" % pid)
    assert r.status == 200
    assert "attachment" in r.getheader("Content-Disposition")
    d = json.loads(r.text)
    assert d["name"] == "Eksport Eva" and d["organisation"] == "Org"
    assert d["preferences"][0]["session_id"] == s[1]
    for k in ("assignments", "invitations", "mails", "audit"):
        assert k in d, k


if __name__ == "__main__":
    run(setup, teardown)
