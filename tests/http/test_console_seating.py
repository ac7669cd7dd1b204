#!/usr/bin/env python3
"""test_console_seating.py -- allocation and seating in the console: the
preview (a dry run that changes no placement), applying it, moving people
between sessions and tables with the rules re-checked (sector and
organisation limits overridable by an admin, capacity, slot clash and bans
never), pins and bans honoured by the next run, staff refused for every
change, publishing with counts that equal what is queued, and printable
plans and name cards with one page per table."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

SECTORS = ["business", "academia", "union", "government", "other"]


def setup():
    inst = Instance("summit_http_console_seating")
    ev = inst.scalar("SELECT id FROM event WHERE slug = 'ki-toppmote'")
    sessions = [r[0] for r in inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " WHERE s.event_id = %s ORDER BY sl.starts_at, s.id", ev)]
    # 90 confirmed participants, 18 organisations, each ranking three
    # sessions (deterministic), so some sessions are over-asked.
    inst.query(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, consent_at, email_confirmed_at)"
        " SELECT %s, 'Person ' || lpad(n::text, 3, '0'),"
        " 'p' || n || '@example.no', 'Org ' || (n %% 18),"
        " (ARRAY['business','academia','union','government','other'])"
        "   [1 + (n %% 18) %% 5], 'confirmed', now(), now()"
        " FROM generate_series(1, 90) AS n", ev)
    people = [r[0] for r in inst.query(
        "SELECT id FROM participant WHERE event_id = %s ORDER BY id", ev)]
    for i, p in enumerate(people):
        picks = []
        for k in (i, i * 7 + 3, i * 5 + 1):
            s = sessions[k % len(sessions)]
            if s not in picks:
                picks.append(s)
        for rank, s in enumerate(picks, 1):
            inst.query("INSERT INTO preference (event_id, participant_id,"
                       " session_id, rank) VALUES (%s, %s, %s, %s)",
                       ev, p, s, rank)
    inst.db.commit()
    inst.ev = ev
    inst.sessions = sessions
    inst.people = people
    inst.server = inst.start()
    inst.admin = organiser(inst, "admin@example.no", "admin")
    inst.staff = organiser(inst, "staff@example.no", "staff")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def snapshot(inst):
    return (inst.query("SELECT participant_id, session_id, table_no, pinned,"
                       " published FROM assignment ORDER BY 1, 2"),
            inst.query("SELECT participant_id, session_id, kind"
                       " FROM placement_rule ORDER BY 1, 2"),
            inst.scalar("SELECT count(*) FROM outbox"),
            inst.scalar("SELECT count(*) FROM allocation_run WHERE applied"))


def num(text, ident):
    m = re.search(r'id="%s"[^>]*>([^<]*)<' % ident, text)
    assert m, "no #%s in page" % ident
    return m.group(1).strip()


def post_seating(c, session, form):
    csrf = c.csrf("/console/sessions/%d/seating" % session)
    body = {"_csrf": csrf}
    body.update(form)
    return c.post("/console/sessions/%d/seating" % session, body)


def audit(inst, action, pid):
    return inst.query("SELECT actor, before, after FROM audit_log"
                      " WHERE action = %s AND subject_id = %s"
                      " ORDER BY id DESC LIMIT 1", action, pid)


@case
def preview_shows_figures_and_changes_no_placement(inst):
    # Someone whose only ranked session has no seats is placed nowhere.
    lonely, full = inst.people[-1], inst.sessions[-1]
    inst.query("DELETE FROM preference WHERE participant_id = %s", lonely)
    inst.query("INSERT INTO preference (event_id, participant_id, session_id,"
               " rank) VALUES (%s, %s, %s, 1)", inst.ev, lonely, full)
    inst.query("UPDATE session SET capacity = 0 WHERE id = %s", full)
    inst.db.commit()
    before = snapshot(inst)
    runs = inst.scalar("SELECT count(*) FROM allocation_run")
    r = inst.admin.get("/console/allocation")
    assert r.status == 200, (r.status, r.text[:800])
    assert snapshot(inst) == before, "the preview changed placements"
    # A page view records nothing, not even the run (GET never writes).
    assert inst.scalar("SELECT count(*) FROM allocation_run") == runs
    # The same dry run from the command line gives the page's figures.
    fig = json.loads(inst.ctl("allocate", "--json").stdout)["figures"]
    placed = int(num(r.text, "fig-placed"))
    assert placed == fig["placed"] and placed > 0, (placed, fig)
    assert num(r.text, "fig-first") == "%.1f %%" % fig["first_choice_pct"]
    assert int(num(r.text, "fig-nowhere")) == fig["nowhere"] >= 1
    # The rank histogram, row by row.
    hist = re.findall(r'<tr><th scope="row">(\d)</th><td class="num">(\d+)'
                      r'</td>', r.text)
    assert [int(n) for _, n in hist] == fig["rank_hist"], (hist, fig)
    # Per session fills add up to the seats placed; bars have a text too.
    fills = re.findall(r'<span class="fill">(\d+)/(\d+)</span>', r.text)
    assert len(fills) == len(inst.sessions)
    assert sum(int(a) for a, _ in fills) == placed
    assert all(int(a) <= int(b) for a, b in fills)
    assert 'class="s-business w-' in r.text and "Business" in r.text or \
        "Næringsliv" in r.text
    # The nowhere person is listed with a link to their registration.
    assert 'href="/console/registrations/%d"' % lonely in r.text
    # The diff against the current (empty) placements.
    assert int(num(r.text, "diff-added")) == placed
    assert int(num(r.text, "diff-removed")) == 0
    assert 'action="/console/allocation/apply"' in r.text


@case
def staff_may_view_but_not_apply(inst):
    before = snapshot(inst)
    r = inst.staff.get("/console/allocation")
    assert r.status == 200 and 'action="/console/allocation/apply"' \
        not in r.text
    csrf = inst.staff.csrf("/console/allocation")
    r = inst.staff.post("/console/allocation/apply", {"_csrf": csrf})
    assert r.status == 403, r.status
    assert snapshot(inst) == before


@case
def apply_writes_the_placements(inst):
    r = inst.admin.get("/console/allocation")
    placed = int(num(r.text, "fig-placed"))
    csrf = inst.admin.csrf("/console/allocation")
    r = inst.admin.post("/console/allocation/apply", {"_csrf": csrf})
    assert r.status == 303 and r.getheader("Location") == \
        "/console/allocation?done=applied", (r.status, r.text[:500])
    assert inst.scalar("SELECT count(*) FROM assignment") == placed
    assert inst.scalar("SELECT count(*) FROM allocation_run WHERE applied") \
        == 1
    a = inst.query("SELECT actor, after FROM audit_log WHERE action ="
                   " 'allocation.apply'")
    assert len(a) == 1 and a[0][0] == "admin@example.no" and \
        a[0][1]["added"] == placed
    # A second preview now has nothing to change.
    r = inst.admin.get("/console/allocation?done=applied")
    assert int(num(r.text, "diff-added")) == 0
    assert int(num(r.text, "diff-kept")) == placed


def placed_in(inst, session):
    return inst.query("SELECT a.participant_id, a.table_no, p.sector,"
                      " p.organisation FROM assignment a JOIN participant p"
                      " ON p.id = a.participant_id WHERE a.session_id = %s"
                      " ORDER BY a.participant_id", session)


def slot_of(inst, session):
    return inst.scalar("SELECT slot_id FROM session WHERE id = %s", session)


@case
def seating_page_groups_people_by_table(inst):
    s = inst.sessions[0]
    r = inst.staff.get("/console/sessions/%d/seating" % s)
    assert r.status == 200
    tables = inst.scalar("SELECT tables FROM session WHERE id = %s", s)
    assert len(re.findall(r'<h2 id="table-\d+">', r.text)) == tables
    for pid, _, _, _ in placed_in(inst, s):
        assert 'id="p-%d"' % pid in r.text
    assert 'name="action"' not in r.text, "staff sees change forms"
    r = inst.admin.get("/console/sessions/%d/seating" % s)
    assert 'value="move"' in r.text and 'for="ov-' in r.text
    # A session with many tables is shown 25 tables at a time.
    big = inst.sessions[-2]
    was = inst.scalar("SELECT tables FROM session WHERE id = %s", big)
    inst.query("UPDATE session SET tables = 60 WHERE id = %s", big)
    inst.db.commit()
    r = inst.staff.get("/console/sessions/%d/seating?from=26" % big)
    shown = [int(t) for t in re.findall(r'<h2 id="table-(\d+)">', r.text)]
    assert shown == list(range(26, 51)), shown
    assert 'href="?from=51"' in r.text and 'aria-current="page"' in r.text
    r = inst.staff.get("/console/sessions/%d/plan" % big)
    assert len(re.findall(r'<section class="page"', r.text)) == 60
    inst.query("UPDATE session SET tables = %s WHERE id = %s", was, big)
    inst.db.commit()


@case
def move_to_another_table_is_pinned_and_audited(inst):
    s = inst.sessions[0]
    pid, table, _, _ = placed_in(inst, s)[0]
    tables = inst.scalar("SELECT tables FROM session WHERE id = %s", s)
    per = inst.scalar("SELECT seats_per_table FROM session WHERE id = %s", s)
    counts = {t: 0 for t in range(1, tables + 1)}
    for _, t, _, _ in placed_in(inst, s):
        counts[t] += 1
    dest = next(t for t in counts if t != table and counts[t] < per)
    r = post_seating(inst.admin, s, {"action": "move", "participant": pid,
                                     "to_session": s, "table": dest})
    assert r.status == 303, (r.status, r.text[:1500])
    assert inst.query("SELECT table_no, pinned FROM assignment WHERE"
                      " participant_id = %s AND session_id = %s", pid, s) == \
        [(dest, True)]
    assert inst.scalar("SELECT kind FROM placement_rule WHERE participant_id"
                       " = %s AND session_id = %s", pid, s) == "pin"
    a = audit(inst, "seating.move", pid)
    assert a and a[0][1]["table_no"] == table and a[0][2]["table_no"] == dest


def free_mover(inst, src, dst):
    """Someone in src who can go to dst without breaking any rule."""
    cap, limit, orgl = inst.query(
        "SELECT capacity, capacity * sector_share_pct / 100, org_limit"
        " FROM session WHERE id = %s", dst)[0]
    there = placed_in(inst, dst)
    assert len(there) < cap
    for pid, _, sector, org in placed_in(inst, src):
        clash = inst.scalar(
            "SELECT count(*) FROM assignment a JOIN session s ON"
            " s.id = a.session_id WHERE a.participant_id = %s AND"
            " s.slot_id = %s AND a.session_id <> %s", pid, slot_of(inst, dst),
            src)
        if clash or pid in [p for p, _, _, _ in there]:
            continue
        if sum(1 for x in there if x[2] == sector) + 1 > limit:
            continue
        if sum(1 for x in there if x[3].lower() == org.lower()) + 1 > orgl:
            continue
        return pid
    raise AssertionError("no free mover from %d to %d" % (src, dst))


@case
def move_to_another_session_works_and_is_audited(inst):
    src, dst = inst.sessions[1], inst.sessions[2]
    assert slot_of(inst, src) == slot_of(inst, dst)
    inst.query("UPDATE session SET capacity = capacity + 5 WHERE id = %s",
               dst)
    inst.db.commit()
    pid = free_mover(inst, src, dst)
    r = post_seating(inst.admin, src, {"action": "move", "participant": pid,
                                       "to_session": dst, "table": ""})
    assert r.status == 303, (r.status, r.text[:1500])
    assert inst.scalar("SELECT count(*) FROM assignment WHERE participant_id"
                       " = %s AND session_id = %s", pid, src) == 0
    assert inst.scalar("SELECT pinned FROM assignment WHERE participant_id"
                       " = %s AND session_id = %s", pid, dst) is True
    a = audit(inst, "seating.move", pid)
    assert a[0][1]["session_id"] == src and a[0][2]["session_id"] == dst
    r = inst.admin.get("/console/sessions/%d/seating" % dst)
    assert 'id="p-%d"' % pid in r.text


@case
def sector_limit_refused_then_overridden(inst):
    src, dst = inst.sessions[3], inst.sessions[2]
    assert slot_of(inst, src) == slot_of(inst, dst)
    there = placed_in(inst, dst)
    # Give dst room but a sector share that its biggest sector fills.
    by = {}
    for _, _, sec, _ in there:
        by[sec] = by.get(sec, 0) + 1
    cap = len(there) + 5
    inst.query("UPDATE session SET capacity = %s, org_limit = 50 WHERE id"
               " = %s", cap, dst)
    inst.db.commit()
    movers = [(p, sec) for p, _, sec, _ in placed_in(inst, src)]
    mover, sector = None, None
    for p, sec in movers:
        if by.get(sec, 0) > 0 and not inst.scalar(
                "SELECT count(*) FROM assignment a JOIN session s ON"
                " s.id = a.session_id WHERE a.participant_id = %s AND"
                " s.slot_id = %s AND a.session_id <> %s", p,
                slot_of(inst, dst), src):
            mover, sector = p, sec
            break
    assert mover, "no mover"
    have = by[sector]
    # share such that capacity * pct / 100 == have (the limit is reached).
    pct = next(x for x in range(1, 101) if cap * x // 100 == have)
    inst.query("UPDATE session SET sector_share_pct = %s WHERE id = %s", pct,
               dst)
    inst.db.commit()
    before = snapshot(inst)
    form = {"action": "move", "participant": mover, "to_session": dst,
            "table": ""}
    r = post_seating(inst.admin, src, form)
    assert r.status == 400, r.status
    assert 'role="alert"' in r.text and 'data-rule="sector"' in r.text
    name = inst.scalar("SELECT name_en FROM sector WHERE code = %s", sector)
    name_nb = inst.scalar("SELECT name_nb FROM sector WHERE code = %s", sector)
    want = "%d of %d seats from " % (have + 1, cap)
    text = r.text.replace("&#39;", "'")
    assert ("would have " + want + name + "; the limit is %d" % have) in text \
        or ("ville fått %d av %d plasser fra %s; grensen er %d" % (
            have + 1, cap, name_nb, have)) in text, text[:3000]
    assert snapshot(inst) == before, "a refused move changed something"
    # Staff cannot override.
    form["override"] = "1"
    r = post_seating(inst.staff, src, form)
    assert r.status == 403 and snapshot(inst) == before
    # The admin overrides on purpose; the audit log says so.
    r = post_seating(inst.admin, src, form)
    assert r.status == 303, (r.status, r.text[:2000])
    assert inst.scalar("SELECT count(*) FROM assignment WHERE participant_id"
                       " = %s AND session_id = %s", mover, dst) == 1
    a = audit(inst, "seating.move", mover)
    assert a[0][2]["overridden"] == ["sector"], a
    inst.sector_case = (mover, dst)


@case
def capacity_and_slot_clash_are_never_overridden(inst):
    src, dst = inst.sessions[0], inst.sessions[1]
    n = len(placed_in(inst, dst))
    inst.query("UPDATE session SET capacity = %s, sector_share_pct = 100,"
               " org_limit = 50 WHERE id = %s", n, dst)
    inst.db.commit()
    pid = next(p for p, _, _, _ in placed_in(inst, src)
               if not inst.scalar("SELECT count(*) FROM assignment WHERE"
                                  " participant_id = %s AND session_id = %s",
                                  p, dst))
    before = snapshot(inst)
    r = post_seating(inst.admin, src, {"action": "move", "participant": pid,
                                       "to_session": dst, "override": "1"})
    assert r.status == 400 and 'data-rule="capacity"' in r.text, r.status
    assert ("%d people for %d seats" % (n + 1, n)) in r.text or \
        ("%d personer på %d plasser" % (n + 1, n)) in r.text
    assert snapshot(inst) == before
    # Slot clash: someone in two slots moved into a third session of the
    # slot they already have.
    slots = {}
    for s in inst.sessions:
        slots.setdefault(slot_of(inst, s), []).append(s)
    s_a, s_b = list(slots)[:2]
    row = inst.query(
        "SELECT a.participant_id, a.session_id, b.session_id FROM assignment a"
        " JOIN assignment b ON b.participant_id = a.participant_id"
        " WHERE a.session_id = ANY(%s) AND b.session_id = ANY(%s) LIMIT 1",
        slots[s_a], slots[s_b])
    assert row, "nobody in two slots"
    pid, in_a, in_b = row[0]
    other = next(s for s in slots[s_a] if s != in_a)
    inst.query("UPDATE session SET capacity = capacity + 50,"
               " sector_share_pct = 100, org_limit = 50 WHERE id = %s", other)
    inst.db.commit()
    r = post_seating(inst.admin, in_b, {"action": "move", "participant": pid,
                                        "to_session": other, "override": "1"})
    assert r.status == 400 and 'data-rule="slot"' in r.text, r.status
    assert snapshot(inst) == before
    # Nor a move into a session the person already holds.
    r = post_seating(inst.admin, in_a, {"action": "move", "participant": pid,
                                        "to_session": in_b, "override": "1"})
    assert r.status == 400 and 'data-rule="already"' in r.text, r.status
    assert snapshot(inst) == before


@case
def staff_is_refused_every_change(inst):
    s = inst.sessions[0]
    pid = placed_in(inst, s)[0][0]
    before = snapshot(inst)
    for form in ({"action": "move", "participant": pid, "table": 2},
                 {"action": "pin", "participant": pid},
                 {"action": "unpin", "participant": pid},
                 {"action": "ban", "participant": pid}):
        r = post_seating(inst.staff, s, form)
        assert r.status == 403, (form, r.status)
    csrf = inst.staff.csrf("/console/publish")
    assert inst.staff.post("/console/publish", {"_csrf": csrf}).status == 403
    assert inst.staff.post("/console/allocation/apply",
                           {"_csrf": csrf}).status == 403
    assert snapshot(inst) == before
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE actor ="
                       " 'staff@example.no'") == 0


def apply(inst):
    csrf = inst.admin.csrf("/console/allocation")
    r = inst.admin.post("/console/allocation/apply", {"_csrf": csrf})
    assert r.status == 303, (r.status, r.text[:1500])


@case
def pin_and_ban_take_effect_in_the_next_run(inst):
    s = inst.sessions[4]
    rows = placed_in(inst, s)
    pinned, banned = rows[0][0], rows[1][0]
    r = post_seating(inst.admin, s, {"action": "pin", "participant": pinned})
    assert r.status == 303, r.status
    assert audit(inst, "seating.pin", pinned)
    r = post_seating(inst.admin, s, {"action": "ban", "participant": banned})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT count(*) FROM assignment WHERE participant_id"
                       " = %s AND session_id = %s", banned, s) == 0
    assert audit(inst, "seating.ban", banned)
    # Without the pin the allocator would drop them: they no longer rank s.
    inst.query("DELETE FROM preference WHERE participant_id = %s AND"
               " session_id = %s", pinned, s)
    inst.db.commit()
    apply(inst)
    assert inst.scalar("SELECT count(*) FROM assignment WHERE participant_id"
                       " = %s AND session_id = %s", pinned, s) == 1
    assert inst.scalar("SELECT count(*) FROM assignment WHERE participant_id"
                       " = %s AND session_id = %s", banned, s) == 0
    # Moving the banned person back by hand is refused, override or not.
    other = inst.query("SELECT a.session_id FROM assignment a JOIN session s"
                       " ON s.id = a.session_id WHERE a.participant_id = %s"
                       " AND s.slot_id <> %s LIMIT 1", banned, slot_of(inst, s))
    assert other, "the banned person has no other placement"
    before = snapshot(inst)
    r = post_seating(inst.admin, other[0][0], {
        "action": "move", "participant": banned, "to_session": s,
        "override": "1"})
    assert r.status == 400 and 'data-rule="ban"' in r.text, r.status
    assert snapshot(inst) == before
    # Unpinned, the next run lets them go.
    r = post_seating(inst.admin, s, {"action": "unpin", "participant": pinned})
    assert r.status == 303
    apply(inst)
    assert inst.scalar("SELECT count(*) FROM assignment WHERE participant_id"
                       " = %s AND session_id = %s", pinned, s) == 0


def counts(text):
    return tuple(int(num(text, "n-" + k)) for k in
                 ("invites", "updates", "cancels"))


@case
def publish_counts_equal_what_is_queued(inst):
    out0 = inst.scalar("SELECT count(*) FROM outbox")
    r = inst.staff.get("/console/publish")
    assert r.status == 200
    n = counts(r.text)
    assert n[0] > 0
    assert 'action="/console/publish"' not in r.text
    assert inst.scalar("SELECT count(*) FROM outbox") == out0, \
        "the publish page queued mail"
    assert inst.scalar("SELECT count(*) FROM assignment WHERE published") == 0
    r = inst.admin.get("/console/publish")
    assert counts(r.text) == n
    csrf = inst.admin.csrf("/console/publish")
    r = inst.admin.post("/console/publish", {"_csrf": csrf})
    assert r.status == 303, r.status
    q = dict(inst.query("SELECT kind, count(*) FROM outbox WHERE id > %s"
                        " GROUP BY kind", out0) or [])
    assert (q.get("invite", 0), q.get("invite_update", 0),
            q.get("invite_cancel", 0)) == n, (q, n)
    a = inst.query("SELECT after FROM audit_log WHERE action ="
                   " 'allocation.publish'")
    assert a and a[0][0] == {"invites": n[0], "updates": n[1],
                             "cancels": n[2]}
    # Publishing again has nothing to send.
    r = inst.admin.get("/console/publish?done=published")
    assert counts(r.text) == (0, 0, 0)
    # A move now means one cancellation and one invitation.
    src, dst = inst.sessions[1], inst.sessions[2]
    inst.query("UPDATE session SET capacity = capacity + 10,"
               " sector_share_pct = 100, org_limit = 50 WHERE id = %s", dst)
    inst.db.commit()
    pid = free_mover(inst, src, dst)
    r = post_seating(inst.admin, src, {"action": "move", "participant": pid,
                                       "to_session": dst})
    assert r.status == 303, (r.status, r.text[:1500])
    r = inst.admin.get("/console/publish")
    assert counts(r.text) == (1, 0, 1), counts(r.text)


@case
def plan_and_cards_have_one_page_per_table(inst):
    s = inst.sessions[0]
    tables = inst.scalar("SELECT tables FROM session WHERE id = %s", s)
    people = placed_in(inst, s)
    for kind in ("plan", "cards"):
        r = inst.staff.get("/console/sessions/%d/%s" % (s, kind))
        assert r.status == 200, (kind, r.status)
        assert len(re.findall(r'<section class="page"', r.text)) == tables
        assert '/static/print.css' in r.text
        for pid, _, _, _ in people:
            name = inst.scalar("SELECT name FROM participant WHERE id = %s",
                               pid)
            assert name in r.text
    css = Client(inst.port).get("/static/print.css")
    assert css.status == 200 and "@media print" in css.text and \
        ".page" in css.text
    assert inst.staff.get("/console/sessions/999999/plan").status == 404


if __name__ == "__main__":
    run(setup, teardown)
