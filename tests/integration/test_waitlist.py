#!/usr/bin/env python3
"""test_waitlist.py -- capacity, places claimed at confirmation, the
waiting list in the order people joined it, unconfirmed registrations
that lapse, and promotion, with two summitd processes sharing one
database."""
import os
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, confirm, free_port,  # noqa: E402
                     link_from_mail, wait_for)
from tap import case, run  # noqa: E402

RACERS = 200
PLACES = 10


def setup():
    # Two hundred people from one test address: the rate limits are not
    # what this file tests (test_registration_limits.py does).  The
    # servers' own periodic expiry is put off for a day, so what
    # `summitctl expire` reports is not taken first by a server's tick
    # (a slow run, under ThreadSanitizer, passes the 60 s default).
    inst = Instance("summit_it_waitlist", extra_conf=(
        "[registration]\nper_address_burst = 100000\n"
        "per_domain_burst = 100000\nexpiry_interval_seconds = 86400\n"))
    ev = inst.scalar("SELECT id FROM event")
    inst.query("UPDATE event SET capacity = %s WHERE id = %s", PLACES, ev)
    inst.query("SELECT summit_sync_places(%s)", ev)
    inst.a = inst.start()
    inst.b = inst.start(port=free_port())
    return inst


def teardown(inst):
    if inst:
        inst.close()


def register(port, i):
    c = Client(port)
    csrf = c.csrf()
    r = c.post("/register", {
        "_csrf": csrf, "name": "Racer %d" % i,
        "email": "racer%03d@example.no" % i, "organisation": "Org %d" % (i % 17),
        "sector": ("business", "academia", "union", "government")[i % 4],
        "language": "nb", "consent": "yes", "rank1": "1", "rank2": "5"})
    return r.status, r.getheader("Location")


def status_counts(inst):
    return dict(inst.query("SELECT status, count(*) FROM participant"
                           " GROUP BY status"))


@case
def race_for_the_last_places_across_two_servers(inst):
    barrier = threading.Barrier(50)

    def go(i):
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        return register(inst.a.port if i % 2 else inst.b.port, i)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(go, range(RACERS)))
    # Everyone gets the same answer; nobody holds a place yet.
    assert all(r == (303, "/registered") for r in results), results
    assert status_counts(inst) == {"pending": RACERS}
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                       " IS NOT NULL") == 0
    # Everyone confirms their e-mail from the link they were sent, all at
    # once on both servers: the places go to the first confirmations.
    mails = wait_for(lambda: len(inst.mails()) >= RACERS and inst.mails(),
                     timeout=60, what="%d mails" % RACERS)
    assert len(mails) == RACERS, len(mails)
    links = [link_from_mail(body) for _, body in mails]
    # The racer who registered first confirms last.
    first = inst.query("SELECT email FROM participant ORDER BY created_at,"
                       " id LIMIT 1")[0][0]
    late = [link_from_mail(b) for m, b in mails if first in str(m["To"])][0]
    links.remove(late)
    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(lambda x: confirm(Client(
            (inst.a if hash(x) % 2 else inst.b).port), x[1]).status,
            enumerate(links)))
    assert all(c == 303 for c in codes), codes
    assert status_counts(inst) == {"confirmed": PLACES,
                                   "waitlisted": RACERS - PLACES - 1,
                                   "pending": 1}
    assert inst.scalar("SELECT count(DISTINCT participant_id) FROM place"
                       " WHERE participant_id IS NOT NULL") == PLACES
    # The late confirmer joins the end of the waiting list, though they
    # registered before everyone.
    r = confirm(Client(inst.a.port), late)
    assert r.status == 303 and "done=confirmed_waitlisted" in \
        r.getheader("Location"), r.getheader("Location")
    assert inst.query("SELECT email FROM participant WHERE status ="
                      " 'waitlisted' ORDER BY waitlisted_at DESC, id DESC"
                      " LIMIT 1")[0][0] == first
    assert status_counts(inst) == {"confirmed": PLACES,
                                   "waitlisted": RACERS - PLACES}
    page = Client(inst.a.port).get("/register")
    assert "Arrangementet er fullt" in page.text
    inst.first = first


@case
def cancelling_promotes_the_longest_waiting(inst):
    first_waiting = inst.query(
        "SELECT id, email FROM participant WHERE status = 'waitlisted'"
        " ORDER BY waitlisted_at, id LIMIT 1")[0]
    # Not the one who registered first and confirmed late.
    assert first_waiting[1] != inst.first
    confirmed = inst.query("SELECT email FROM participant WHERE status ="
                           " 'confirmed' ORDER BY id LIMIT 1")[0][0]
    link = [link_from_mail(b) for m, b in inst.mails()
            if confirmed in str(m["To"]) and "/confirm/" in b][0]
    c = Client(inst.b.port)
    token = link.rsplit("/", 1)[1]
    csrf = c.csrf("/me/" + token)
    r = c.post("/me/%s/cancel" % token, {"_csrf": csrf, "confirm": "yes"})
    assert r.status == 303
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       first_waiting[0]) == "confirmed"
    assert status_counts(inst) == {"confirmed": PLACES, "cancelled": 1,
                                   "waitlisted": RACERS - PLACES - 1}
    wait_for(lambda: any(first_waiting[1] in str(m["To"]) and
                         "fått plass" in str(m["Subject"])
                         for m, _ in inst.mails()), what="promotion mail")


def mail_settled(inst):
    """No mail left queued: no server's mail worker holds a participant."""
    wait_for(lambda: inst.scalar("SELECT count(*) FROM outbox WHERE state"
                                 " = 'queued'") == 0, timeout=60,
             what="the outbox to empty")


@case
def new_places_go_to_the_waitlist_and_lapsed_registrations_are_deleted(inst):
    ev = inst.scalar("SELECT id FROM event")
    # One more place: promotion takes it, in the order people joined.
    nxt = inst.query("SELECT id FROM participant WHERE status = 'waitlisted'"
                     " ORDER BY waitlisted_at, id LIMIT 1")[0][0]
    inst.query("UPDATE event SET capacity = capacity + 1 WHERE id = %s", ev)
    inst.query("SELECT summit_sync_places(%s)", ev)
    mail_settled(inst)
    r = inst.ctl("expire")
    assert re.search(r"\b1 registration changed", r.stdout), r.stdout
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       nxt) == "confirmed"
    assert status_counts(inst)["confirmed"] == PLACES + 1
    # Another place, and someone new confirms before the periodic fill:
    # the place still goes to the first in line, the newcomer waits.
    nxt = inst.query("SELECT id FROM participant WHERE status = 'waitlisted'"
                     " ORDER BY waitlisted_at, id LIMIT 1")[0][0]
    inst.query("UPDATE event SET capacity = capacity + 1 WHERE id = %s", ev)
    inst.query("SELECT summit_sync_places(%s)", ev)
    code, _ = register(inst.b.port, 998)
    assert code == 303
    body = wait_for(lambda: [b for m, b in inst.mails()
                             if "racer998@" in str(m["To"])], what="mail")[0]
    r = confirm(Client(inst.b.port), link_from_mail(body))
    assert "done=confirmed_waitlisted" in r.getheader("Location")
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       nxt) == "confirmed"
    assert inst.query("SELECT email FROM participant WHERE status ="
                      " 'waitlisted' ORDER BY waitlisted_at DESC, id DESC"
                      " LIMIT 1")[0][0] == "racer998@example.no"
    assert status_counts(inst)["confirmed"] == PLACES + 2
    # A registration nobody confirms, past confirm_hours: deleted, with
    # its ranking and link; it never held a place.
    code, _ = register(inst.a.port, 999)
    assert code == 303
    gone = inst.scalar("SELECT id FROM participant WHERE email ="
                       " 'racer999@example.no'")
    # The expiry skips rows another transaction has locked (SKIP
    # LOCKED), and a server's mail worker sending this person's link
    # holds theirs: let it finish first.
    mail_settled(inst)
    inst.query("UPDATE participant SET hold_until = now() - interval"
               " '1 minute' WHERE id = %s", gone)
    r = inst.ctl("expire")
    assert re.search(r"\b1 registration changed", r.stdout), (
        r.stdout, inst.query("SELECT status, hold_until, now() FROM"
                             " participant WHERE id = %s", gone),
        inst.a.log()[-1500:], inst.b.log()[-1500:])
    assert inst.scalar("SELECT count(*) FROM participant WHERE id = %s",
                       gone) == 0
    assert inst.scalar("SELECT count(*) FROM participant_token WHERE"
                       " participant_id = %s", gone) == 0
    # Nothing more to do: a second run changes nothing.
    r = inst.ctl("expire")
    assert "0 registrations changed" in r.stdout, r.stdout


if __name__ == "__main__":
    run(setup, teardown)
