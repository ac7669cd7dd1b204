#!/usr/bin/env python3
"""test_workers.py -- handlers run on the request workers, not on the
threads that read and write connections (src/web/workers.c, issue 8's
registration tail):

- requests waiting on the database hold up no other connection, even with
  one I/O thread: another client's page is answered at once;
- the waiting requests are answered in full once the database lets them
  go;
- stopping summitd while requests wait takes no new connection, answers
  the waiting requests first and exits cleanly (libmicrohttpd must never be
  stopped with a connection still suspended);
- the event page's cache is renewed by one request at a time: while it
  waits on the database, other visitors get the previous copy at once
  from the I/O thread, and none of them queues to render it too;
- the event page stays an I/O thread's answer once the directory of
  events has aged and been read again (a request takes a worker only to
  read it or to render the page).

The database is made to wait, not mocked: the test holds an ACCESS
EXCLUSIVE lock on the participant table, so every registration blocks.
"""
import os
import socket
import sys
import threading
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, wait_for  # noqa: E402
from tap import case, run  # noqa: E402

WORKERS = 4
BLOCKED = 3  # fewer than WORKERS: one worker stays free


def setup():
    inst = Instance("summit_http_workers", extra_conf=(
        "[server]\nthreads = %d\nio_threads = 1\n"
        "[registration]\nper_address_burst = 100000\n" % WORKERS))
    return inst


def teardown(inst):
    if inst:
        inst.close()


def register(c, csrf, i, out):
    r = c.post("/register", {
        "_csrf": csrf, "name": "Worker %d" % i,
        "email": "worker%d-%d@example.no" % (i, time.time_ns()),
        "organisation": "LO", "sector": "union", "language": "nb",
        "consent": "yes", "rank1": "1", "rank2": "5", "rank3": "9"})
    out.append(r.status)


def waiting_on_participant(inst):
    return inst.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
        " 'Lock' AND datname = current_database()")


def block_registrations(inst, port):
    """BLOCKED registrations in flight, each waiting on the lock held by
    the returned connection."""
    # The forms first: their page reads the database too.
    clients = [Client(port) for i in range(BLOCKED)]
    csrfs = [c.csrf("/register") for c in clients]
    lock = psycopg2.connect(inst.url)
    with lock.cursor() as cur:
        cur.execute("LOCK TABLE participant IN ACCESS EXCLUSIVE MODE")
    out = []
    threads = [threading.Thread(target=register,
                                args=(clients[i], csrfs[i], i, out))
               for i in range(BLOCKED)]
    for t in threads:
        t.start()
    wait_for(lambda: waiting_on_participant(inst) >= BLOCKED,
             what="the registrations to wait on the lock")
    return lock, threads, out


@case
def requests_waiting_on_the_database_hold_up_no_other_connection(inst):
    s = inst.start()
    lock, threads, out = block_registrations(inst, s.port)
    try:
        for path in ("/privacy", "/static/style.css", "/health"):
            c = Client(s.port)
            t0 = time.monotonic()
            r = c.get(path)
            took = time.monotonic() - t0
            assert r.status == 200, (path, r.status)
            # Generous for a sanitizer build on a loaded machine; a
            # handler run on the one I/O thread would wait until the
            # lock goes (the test holds it as long as this loop runs).
            assert took < 5, (path, took)
        assert out == [], out
    finally:
        lock.commit()
        lock.close()
        for t in threads:
            t.join(60)
    assert out == [303] * BLOCKED, out
    assert s.stop() == 0, s.report()


@case
def stopping_answers_the_waiting_requests_first(inst):
    s = inst.start(port=None)
    lock, threads, out = block_registrations(inst, s.port)
    try:
        s.proc.send_signal(15)
        # summitd waits for its workers, which wait for the lock; it
        # takes no new connection meanwhile.
        wait_for(lambda: "summitd stopping" in s.log(), what="stopping")
        time.sleep(0.5)
        assert s.proc.poll() is None, s.log_tail()
        try:
            socket.create_connection(("127.0.0.1", s.port), timeout=5)
            refused = False
        except OSError:
            refused = True
        assert refused, "a stopping summitd took a new connection"
    finally:
        lock.commit()
        lock.close()
        for t in threads:
            t.join(60)
    assert out == [303] * BLOCKED, (out, s.log_tail())
    assert s.proc.wait(timeout=30) == 0, s.report()
    assert inst.scalar("SELECT count(*) FROM participant WHERE name LIKE"
                       " 'Worker %%'") == 2 * BLOCKED


def get(port, path, out):
    r = Client(port).get(path)
    out.append((r.status, r.text))


@case
def a_page_being_rendered_again_leaves_visitors_the_previous_copy(inst):
    s = inst.start()
    first = Client(s.port).get("/")
    assert first.status == 200, first.status
    time.sleep(1.1)  # the cached copy is now more than a second old
    lock = psycopg2.connect(inst.url)
    with lock.cursor() as cur:
        cur.execute("LOCK TABLE event IN ACCESS EXCLUSIVE MODE")
    renewed = []
    renewer = threading.Thread(target=get, args=(s.port, "/", renewed))
    try:
        renewer.start()
        wait_for(lambda: waiting_on_participant(inst) >= 1,
                 what="the page's render to wait on the lock")
        for i in range(8):
            t0 = time.monotonic()
            r = Client(s.port).get("/")
            took = time.monotonic() - t0
            assert r.status == 200 and r.text == first.text, r.status
            # A request queued to render too would wait for the lock.
            assert took < 5, took
        time.sleep(0.5)
        assert waiting_on_participant(inst) == 1, "more than one render"
        assert renewed == []
    finally:
        lock.commit()
        lock.close()
        renewer.join(60)
    assert renewed and renewed[0][0] == 200, renewed
    assert s.stop() == 0, s.report()


def queued(port):
    """How many requests have waited for a worker (the count of
    /metrics' queue-wait histogram; /metrics itself is one of them)."""
    text = Client(port).get("/metrics").text
    for line in text.splitlines():
        if line.startswith("summit_http_queue_wait_seconds_count"):
            return int(float(line.split()[-1]))
    raise AssertionError("no queue-wait count in /metrics")


@case
def the_event_page_stays_on_the_io_thread_after_the_directory_ages(inst):
    s = inst.start()
    assert Client(s.port).get("/").status == 200
    # Past the directory's 2 s and the page's 1 s: the next request
    # reads the one again and renders the other, on a worker.
    time.sleep(2.5)
    before = queued(s.port)
    for i in range(20):
        r = Client(s.port).get("/")
        assert r.status == 200, r.status
    after = queued(s.port)
    # The reads of /metrics (one), the directory, the render: at most 3
    # of the 20 pages (each one queued once an event was stale).
    assert after - before <= 3, (before, after)
    assert s.stop() == 0, s.report()


if __name__ == "__main__":
    run(setup, teardown)
