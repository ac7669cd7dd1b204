#!/usr/bin/env python3
"""test_tx.py -- the one unit of work behind every change (app_tx,
app_tx_audited in src/app/app.c), against real deadlocks: a change that
loses a deadlock once runs again and succeeds with exactly one audit entry
holding before and after; one that loses twice is refused with nothing
changed and no entry; a refused change writes no entry.

A deadlock is made, not mocked: a second connection takes a SHARE lock on
audit_log (so the change blocks when it writes its entry, holding the row
it changed), then updates that same row.  The server's backend has waited
longest, so its deadlock check (deadlock_timeout 3 s for this database)
finds the cycle and aborts its transaction; ours waits 60 s before
checking, so it never does.
"""
import os
import re
import sys
import threading

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Instance, organiser, wait_for  # noqa: E402
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_it_tx")
    # The server's backends check for a deadlock after 3 s: time enough
    # for this test to close the cycle on a loaded machine.
    inst.query("ALTER DATABASE summit_it_tx SET deadlock_timeout = '3s'")
    inst.server = inst.start()
    inst.admin = organiser(inst, "admin@example.no", "admin")
    r = inst.admin.get("/console/programme")
    inst.token = re.search(r'name="_csrf" value="([0-9a-f]+)"',
                           r.text).group(1)
    inst.slot = inst.scalar("SELECT min(id) FROM slot")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def slot_start(inst):
    return inst.scalar("SELECT to_char(starts_at AT TIME ZONE 'Europe/Oslo',"
                       " 'HH24:MI') FROM slot WHERE id = %s", inst.slot)


def slot_edits(inst):
    return inst.query("SELECT before, after FROM audit_log"
                      " WHERE action = 'setup.slot_edit' AND subject_id = %s"
                      " ORDER BY id", inst.slot)


def edit_slot(inst, start, out):
    # The slot keeps its end, so it overlaps no other slot (migration 009
    # refuses overlaps).
    date, end = inst.query("SELECT to_char(starts_at AT TIME ZONE"
                           " 'Europe/Oslo', 'YYYY-MM-DD'), to_char(ends_at AT"
                           " TIME ZONE 'Europe/Oslo', 'HH24:MI') FROM slot"
                           " WHERE id = %s", inst.slot)[0]
    r = inst.admin.post("/console/slots/%d" % inst.slot, {
        "_csrf": inst.token, "starts_at": "%sT%s" % (date, start),
        "ends_at": "%sT%s" % (date, end)})
    out.append(r.status)


def blocked_on_audit(inst):
    """The server's backend waits for a lock to write its audit entry."""
    return inst.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
        " 'Lock' AND query LIKE 'INSERT INTO audit_log%%'") > 0


def locker(inst):
    """A connection of our own that will not be the deadlock's victim."""
    c = psycopg2.connect(inst.url)
    with c.cursor() as cur:
        cur.execute("SET deadlock_timeout = '60s'")
        cur.execute("LOCK TABLE audit_log IN SHARE MODE")
    return c


def close_cycle(inst, c, out, table=False):
    """Once the server waits on c's lock, c waits on the server's row (or,
    with table, on its lock of the whole slot table): the server's backend
    finds the deadlock and gives up.

    With table, c is granted the slot table the moment the loser rolls
    back, so the loser's second run waits for c instead of racing it for
    the row (a row lock is only taken by whoever updates it first, which
    under load can be the second run, giving a second deadlock)."""
    wait_for(lambda: blocked_on_audit(inst) or out, what="the change to block")
    assert not out, (out, inst.server.log()[-3000:])
    with c.cursor() as cur:
        if table:
            cur.execute("LOCK TABLE slot IN ACCESS EXCLUSIVE MODE")
        else:
            cur.execute("UPDATE slot SET starts_at = starts_at"
                        " WHERE id = %s", (inst.slot,))


@case
def a_change_that_loses_a_deadlock_runs_again_with_one_audit_entry(inst):
    was = slot_start(inst)
    assert was != "08:05"
    n = len(slot_edits(inst))
    out = []
    c = locker(inst)
    t = threading.Thread(target=edit_slot, args=(inst, "08:05", out))
    t.start()
    try:
        close_cycle(inst, c, out, table=True)
        c.commit()		# the server's second run goes through
    finally:
        c.close()
        t.join(60)
    assert out == [303], out
    assert slot_start(inst) == "08:05"
    edits = slot_edits(inst)
    assert len(edits) == n + 1, edits
    before, after = edits[-1]
    assert before["starts_at"].endswith("T" + was), before
    assert after["starts_at"].endswith("T08:05"), after
    log = inst.server.log()
    assert "running it again" in log and "40P01" in log, log[-2000:]


@case
def a_change_that_loses_twice_changes_nothing_and_leaves_no_entry(inst):
    was = slot_start(inst)
    n = len(slot_edits(inst))
    audits = inst.scalar("SELECT count(*) FROM audit_log")
    out = []
    first = locker(inst)
    t = threading.Thread(target=edit_slot, args=(inst, "08:10", out))
    t.start()
    try:
        # With the whole table, as in the case above: with first's row
        # lock, the loser's second run could update the row before
        # first's waiting UPDATE got it, and lose its second deadlock to
        # first, before the second locker is in place (seen under ASan).
        close_cycle(inst, first, out, table=True)
        # The second run waits for first's lock of the slot table; a
        # second locker shares the audit_log lock before first lets the
        # table go, so the second run blocks on its entry again.
        second = locker(inst)
        try:
            first.commit()
            close_cycle(inst, second, out)
            second.commit()
        finally:
            second.close()
    finally:
        first.close()
        t.join(60)
    log = inst.server.log()[-3000:]
    assert out == [503], (out, log)
    assert slot_start(inst) == was, (slot_start(inst), was, log)
    assert len(slot_edits(inst)) == n, (slot_edits(inst), n, log)
    assert inst.scalar("SELECT count(*) FROM audit_log") == audits, (
        inst.query("SELECT id, action, subject_type, subject_id FROM"
                   " audit_log ORDER BY id DESC LIMIT 5"), audits, log)


@case
def a_refused_change_leaves_no_entry(inst):
    was = slot_start(inst)
    audits = inst.scalar("SELECT count(*) FROM audit_log")
    date = inst.scalar("SELECT to_char(starts_at AT TIME ZONE 'Europe/Oslo',"
                       " 'YYYY-MM-DD') FROM slot WHERE id = %s", inst.slot)
    # Ends before it starts: the database's check refuses the update.
    r = inst.admin.post("/console/slots/%d" % inst.slot, {
        "_csrf": inst.token, "starts_at": "%sT10:00" % date,
        "ends_at": "%sT09:00" % date})
    assert r.status == 400, r.status
    assert slot_start(inst) == was
    assert inst.scalar("SELECT count(*) FROM audit_log") == audits


if __name__ == "__main__":
    run(setup, teardown)
