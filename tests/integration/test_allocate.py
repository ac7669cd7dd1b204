#!/usr/bin/env python3
"""test_allocate.py -- `summitctl allocate` against the database: a dry run
changes nothing, --apply writes the placements in one transaction, every
run is recorded, pins and bans are honoured, impossible pins are refused
with the old placements kept."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Instance  # noqa: E402
from tap import case, run  # noqa: E402

N = 400


def setup():
    inst = Instance("summit_it_allocate")
    ev = inst.scalar("SELECT id FROM event")
    inst.query("UPDATE event SET capacity = 1000 WHERE id = %s", ev)
    inst.query("SELECT summit_sync_places(%s)", ev)
    sessions = inst.query("SELECT s.id, s.slot_id FROM session s ORDER BY id")
    rnd = random.Random(7)
    sectors = ["business", "academia", "union", "government", "other"]
    for i in range(N):
        org = rnd.randrange(60)
        pid = inst.scalar(
            "INSERT INTO participant (event_id, name, email, organisation,"
            " sector, status, consent_at, email_confirmed_at) VALUES"
            " (%s, %s, %s, %s, %s, %s, now(), now()) RETURNING id", ev,
            "P%d" % i, "p%d@example.no" % i, "Org %d" % org,
            sectors[org % 5], "confirmed" if i % 10 else "waitlisted")
        # Popular sessions first: the first of each slot is oversubscribed.
        picks = rnd.sample(sessions, 5) if i % 3 else sessions[:1] + rnd.sample(sessions[1:], 4)
        for rank, (sid, _) in enumerate(picks, 1):
            inst.query("INSERT INTO preference (event_id, participant_id,"
                       " session_id, rank) VALUES (%s, %s, %s, %s)",
                       ev, pid, sid, rank)
    return inst


def teardown(inst):
    if inst:
        inst.close()


def placements(inst):
    return set(inst.query("SELECT participant_id, session_id FROM assignment"))


def check_rules(inst):
    # Capacity, one session per slot, ranked or pinned only, confirmed only.
    over = inst.query("SELECT s.id FROM session s JOIN assignment a ON"
                      " a.session_id = s.id GROUP BY s.id, s.capacity"
                      " HAVING count(*) > s.capacity")
    assert not over, over
    twice = inst.query("SELECT a.participant_id FROM assignment a JOIN session"
                       " s ON s.id = a.session_id GROUP BY a.participant_id,"
                       " s.slot_id HAVING count(*) > 1")
    assert not twice, twice
    unranked = inst.query(
        "SELECT a.participant_id, a.session_id FROM assignment a WHERE NOT"
        " EXISTS (SELECT 1 FROM preference p WHERE p.participant_id ="
        " a.participant_id AND p.session_id = a.session_id) AND NOT a.pinned")
    assert not unranked, unranked
    assert inst.scalar("SELECT count(*) FROM assignment a JOIN participant p"
                       " ON p.id = a.participant_id WHERE p.status <>"
                       " 'confirmed'") == 0
    org = inst.query(
        "SELECT a.session_id, p.sector, lower(p.organisation), count(*)"
        " FROM assignment"
        " a JOIN participant p ON p.id = a.participant_id JOIN session s ON"
        " s.id = a.session_id GROUP BY 1, 2, 3, s.org_limit HAVING count(*) >"
        " s.org_limit")
    assert not org, org
    sector = inst.query(
        "SELECT a.session_id, p.sector, count(*) FROM assignment a JOIN"
        " participant p ON p.id = a.participant_id JOIN session s ON s.id ="
        " a.session_id GROUP BY 1, 2, s.capacity, s.sector_share_pct HAVING"
        " count(*) > s.capacity * s.sector_share_pct / 100")
    assert not sector, sector
    tables = inst.query(
        "SELECT a.session_id FROM assignment a JOIN session s ON s.id ="
        " a.session_id WHERE a.table_no > s.tables")
    assert not tables, tables


@case
def dry_run_changes_nothing_and_is_recorded(inst):
    r = inst.ctl("allocate")
    assert "objective=" in r.stdout and "dry run" in r.stdout, r.stdout
    assert placements(inst) == set()
    row = inst.query("SELECT applied, added, inputs_sha256, figures FROM"
                     " allocation_run ORDER BY id DESC LIMIT 1")[0]
    assert row[0] is False and row[1] > 0 and len(row[2]) == 64, row
    assert row[3]["placed"] == row[1], row[3]


@case
def apply_writes_placements_that_keep_every_rule(inst):
    r = inst.ctl("allocate", "--apply")
    assert "applied" in r.stdout, r.stdout
    got = placements(inst)
    assert len(got) > 0
    check_rules(inst)
    fig = inst.query("SELECT figures FROM allocation_run WHERE applied ORDER"
                     " BY id DESC LIMIT 1")[0][0]
    assert fig["placed"] == len(got), (fig, len(got))
    # Same inputs, same result: a second run changes nothing.
    sums = inst.query("SELECT inputs_sha256 FROM allocation_run ORDER BY id")
    r = inst.ctl("allocate", "--json")
    out = json.loads(r.stdout)
    assert out["added"] == 0 and out["removed"] == 0, out
    assert placements(inst) == got
    last = inst.query("SELECT inputs_sha256 FROM allocation_run ORDER BY id"
                      " DESC LIMIT 1")[0][0]
    assert last != sums[0][0]   # the placements are inputs too: now applied


@case
def pins_hold_and_bans_never_happen(inst):
    ev = inst.scalar("SELECT id FROM event")
    # Someone placed in some session gets banned from it ...
    p, s = sorted(placements(inst))[0]
    inst.query("INSERT INTO placement_rule (event_id, participant_id,"
               " session_id, kind) VALUES (%s, %s, %s, 'ban')", ev, p, s)
    # ... and someone is pinned into a session they never ranked.
    q, t = inst.query(
        "SELECT p.id, s.id FROM participant p CROSS JOIN session s WHERE"
        " p.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM preference"
        " x WHERE x.participant_id = p.id AND x.session_id = s.id) AND NOT"
        " EXISTS (SELECT 1 FROM assignment a JOIN session s2 ON s2.id ="
        " a.session_id WHERE a.participant_id = p.id AND s2.slot_id ="
        " s.slot_id) ORDER BY p.id, s.id LIMIT 1")[0]
    inst.query("INSERT INTO placement_rule (event_id, participant_id,"
               " session_id, kind) VALUES (%s, %s, %s, 'pin')", ev, q, t)
    inst.ctl("allocate", "--apply")
    got = placements(inst)
    assert (p, s) not in got
    assert (q, t) in got
    assert inst.scalar("SELECT pinned FROM assignment WHERE participant_id ="
                       " %s AND session_id = %s", q, t) is True
    check_rules(inst)


@case
def impossible_pins_are_refused_and_old_placements_stay(inst):
    ev = inst.scalar("SELECT id FROM event")
    before = placements(inst)
    runs = inst.scalar("SELECT count(*) FROM allocation_run")
    small = inst.scalar("SELECT id FROM session ORDER BY capacity, id LIMIT 1")
    cap = inst.scalar("SELECT capacity FROM session WHERE id = %s", small)
    pinned = inst.query("SELECT id FROM participant WHERE status ="
                        " 'confirmed' ORDER BY id LIMIT %s", cap + 1)
    for (pid,) in pinned:
        inst.query("INSERT INTO placement_rule (event_id, participant_id,"
                   " session_id, kind) VALUES (%s, %s, %s, 'pin') ON CONFLICT"
                   " (participant_id, session_id) DO UPDATE SET kind = 'pin'",
                   ev, pid, small)
    r = inst.ctl("allocate", "--apply", check=False)
    assert r.returncode != 0
    assert "pin" in r.stderr.lower(), r.stderr
    assert placements(inst) == before
    assert inst.scalar("SELECT count(*) FROM allocation_run") == runs


if __name__ == "__main__":
    run(setup, teardown)
