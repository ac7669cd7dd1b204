#!/usr/bin/env python3
"""test_waitlist.py -- capacity, the waitlist, holds that expire and
promotion, with two summitd processes sharing one database."""
import os
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, free_port, link_from_mail, wait_for  # noqa: E402
from tap import case, run  # noqa: E402

RACERS = 200
PLACES = 10


def setup():
    inst = Instance("summit_it_waitlist")
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
    assert all(s == 303 for s, _ in results), results
    held = [loc for _, loc in results if loc == "/registered"]
    waiting = [loc for _, loc in results if loc == "/registered?waitlist=1"]
    assert len(held) == PLACES and len(waiting) == RACERS - PLACES, \
        (len(held), len(waiting))
    assert status_counts(inst) == {"pending": PLACES,
                                   "waitlisted": RACERS - PLACES}
    assert inst.scalar("SELECT count(DISTINCT participant_id) FROM place"
                       " WHERE participant_id IS NOT NULL") == PLACES
    # Everyone confirms their e-mail from the link they were sent.
    mails = wait_for(lambda: len(inst.mails()) >= RACERS and inst.mails(),
                     timeout=60, what="%d mails" % RACERS)
    assert len(mails) == RACERS, len(mails)
    links = [link_from_mail(body) for _, body in mails]
    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(lambda l: Client(inst.a.port).get(l).status,
                              links))
    assert all(c == 303 for c in codes), codes
    assert status_counts(inst) == {"confirmed": PLACES,
                                   "waitlisted": RACERS - PLACES}
    page = Client(inst.a.port).get("/register")
    assert "Arrangementet er fullt" in page.text


@case
def cancelling_promotes_the_longest_waiting(inst):
    first_waiting = inst.query(
        "SELECT id, email FROM participant WHERE status = 'waitlisted'"
        " ORDER BY created_at, id LIMIT 1")[0]
    confirmed = inst.query("SELECT email FROM participant WHERE status ="
                           " 'confirmed' ORDER BY id LIMIT 1")[0][0]
    link = [link_from_mail(b) for m, b in inst.mails()
            if confirmed in str(m["To"])][0]
    c = Client(inst.b.port)
    r = c.get(link)
    token = r.getheader("Location").split("/")[2].split("?")[0]
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


@case
def an_expired_hold_frees_the_place_for_the_waitlist(inst):
    ev = inst.scalar("SELECT id FROM event")
    # One more place, taken by a new registration that is never confirmed.
    inst.query("UPDATE event SET capacity = capacity + 1 WHERE id = %s", ev)
    inst.query("SELECT summit_sync_places(%s)", ev)
    # Promotion takes it first: the waitlist comes before newcomers.
    inst.ctl("expire")
    promoted = inst.query("SELECT id FROM participant WHERE status ="
                          " 'confirmed' ORDER BY updated_at DESC LIMIT 1")[0][0]
    assert status_counts(inst)["confirmed"] == PLACES + 1
    # A pending hold that lapses is released to the next in line.
    inst.query("UPDATE participant SET status = 'pending', hold_until ="
               " now() - interval '1 minute' WHERE id = %s", promoted)
    nxt = inst.query("SELECT id FROM participant WHERE status = 'waitlisted'"
                     " ORDER BY created_at, id LIMIT 1")[0][0]
    r = inst.ctl("expire")
    assert re.search(r"\b2 registrations changed", r.stdout), r.stdout
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       promoted) == "expired"
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       nxt) == "confirmed"
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id ="
                       " %s", promoted) == 0
    assert inst.scalar("SELECT count(*) FROM outbox WHERE kind = 'expired'"
                       " AND participant_id = %s", promoted) == 1
    # Nothing more to do: a second run changes nothing.
    r = inst.ctl("expire")
    assert "0 registrations changed" in r.stdout, r.stdout


if __name__ == "__main__":
    run(setup, teardown)
