#!/usr/bin/env python3
"""test_summitd.py -- summitd killed with -9 while 8 clients register:
every registration it answered 303 was committed, no place is held twice,
no more places are held than the event has, and a new summitd serves the
same database at once."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from faultlib import Registrants, check_registrations  # noqa: E402
from harness import Client, Instance  # noqa: E402
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_fault_summitd")
    # Few places, so the rush also fills the event and goes on to the
    # waitlist while summitd dies.
    inst.query("UPDATE event SET capacity = 60")
    inst.query("SELECT summit_sync_places(id) FROM event")
    return inst


def teardown(inst):
    if inst:
        inst.close()


@case
def kill9_under_registration_load_loses_nothing(inst):
    server = inst.start()
    load = Registrants(inst.port, n=8, tag="kill")
    try:
        deadline = time.time() + 30
        while load.count() < 100 and time.time() < deadline:
            time.sleep(0.05)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        time.sleep(0.3)		# clients see the connection go
    finally:
        answers = load.stop()
    inst.servers.remove(server)	# killed on purpose: not a failed exit
    n = check_registrations(inst, answers)
    assert n >= 100, "only %d registrations before the kill" % n
    print("# %d registrations acknowledged, %d answers in all; %d "
          "participants in the database" % (n, len(answers), inst.scalar(
              "SELECT count(*) FROM participant")), flush=True)
    # A new summitd on the same database serves and registers at once.
    again = inst.start()
    c = Client(inst.port)
    r = c.post("/register", {"_csrf": c.csrf(), "name": "After Kill",
                             "email": "after-kill@example.no",
                             "organisation": "LO", "sector": "union",
                             "language": "nb", "consent": "yes",
                             "rank1": "1"})
    assert r.status == 303, (r.status, r.text[:300])
    assert inst.scalar("SELECT count(*) FROM participant WHERE email ="
                       " 'after-kill@example.no'") == 1
    assert again.proc.poll() is None


if __name__ == "__main__":
    run(setup, teardown)
