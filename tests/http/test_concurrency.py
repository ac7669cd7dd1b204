#!/usr/bin/env python3
"""test_concurrency.py -- a freshly started summitd under 64 concurrent
keep-alive connections that hit every page: the public pages in both
languages, a participant's own page and calendar links, the organiser
console with a logged-in admin's cookie, static files, 404s, 405s and HEAD.
The server must stay alive and answer every request with a well-formed HTTP
response whose status is the one the same request gets when asked alone.

Before the fix, every request's template context took a reference to the
shared language catalog from 16 threads; json-glib's reference counts are
not atomic, so within a second or two the catalog was freed under a render
and summitd died of SIGSEGV.  Under the ThreadSanitizer build
(scripts/test.sh, build-tsan) the same storm also makes any data race in
our code fail the run."""
import http.client
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, console_read_pages,  # noqa: E402
                     link_from_mail, organiser, wait_for)
from tap import case, run  # noqa: E402

CONNECTIONS = 64
# Each storm asks every page ROUNDS times and goes on for at least SECONDS
# (the crash it guards against came within 2 s), but never past LIMIT.
ROUNDS = 3
SECONDS = float(os.environ.get("SUMMIT_STORM_SECONDS", "2"))
LIMIT = 60
# The server as configured in production: 16 threads, and a per-address
# connection limit that lets 64 loopback connections in.
SERVER_CONF = ("[server]\nthreads = 16\nmax_connections_per_ip = 256\n")
NO_TOKEN = "0" * 32
S = {}


def setup():
    inst = Instance("summit_http_concurrency", extra_conf=(
        # No background expiry while the pages are compared.
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    try:
        prepare(inst)
    except BaseException:
        inst.close()
        raise
    return inst


def prepare(inst):
    first = inst.start(extra_conf=SERVER_CONF)
    # A participant with their own page and calendar links.
    c = Client(inst.port)
    r = c.post("/register", {
        "_csrf": c.csrf(), "name": "Kari Nordmann", "email": "kari@example.no",
        "organisation": "LO", "sector": "union", "language": "nb",
        "consent": "yes", "rank1": "1", "rank2": "5", "rank3": "9"})
    assert r.status == 303, (r.status, r.text[:300])
    mail = wait_for(lambda: inst.mails(), what="confirmation mail")
    S["token"] = link_from_mail(mail[0][1]).split("/")[2]
    page = c.get("/me/" + S["token"]).text
    m = re.search(r"/feed/([0-9a-f]{32})\.ics", page)
    S["feed"] = m.group(0) if m else "/feed/%s.ics" % NO_TOKEN
    # An organiser whose login (kept in the database) outlives this server.
    admin = organiser(inst, "admin@example.no", "admin")
    S["cookie"] = "; ".join("%s=%s" % kv for kv in admin.cookies.items())
    S["participant"] = inst.scalar("SELECT min(id) FROM participant")
    S["slot"] = inst.scalar("SELECT min(id) FROM slot")
    S["session"] = inst.scalar("SELECT min(id) FROM session")
    S["sector"] = inst.scalar("SELECT min(code) FROM sector")
    first.stop()
    inst.servers.remove(first)


def teardown(inst):
    if inst:
        inst.close()


def requests():
    """(method, path, headers) for every page, each answered alone first."""
    t, console = S["token"], {"Cookie": S["cookie"]}
    en = {"Accept-Language": "en"}
    public = ["/", "/register", "/registered", "/registered?waitlist=1",
              "/privacy", "/health", "/programme.ics", "/console/login",
              "/me/" + t, "/me/%s/calendar.ics" % t, S["feed"],
              "/confirm/" + NO_TOKEN, "/me/" + NO_TOKEN,
              "/me/%s/calendar.ics" % NO_TOKEN, "/feed/%s.ics" % NO_TOKEN,
              "/console/setup/" + NO_TOKEN, "/console",
              "/static/style.css", "/static/console.css", "/static/print.css",
              "/static/nothing.css", "/static/../summit.conf", "/nothing",
              "/%5Cevil.example/", "/%zz", "/me/%s/nothing" % t]
    out = []
    for p in public:
        out.append(("GET", p, {}))
        out.append(("GET", p, en))
    out += [("GET", "/?lang=en", {}), ("GET", "/privacy?lang=nb", en),
            ("HEAD", "/privacy", {}), ("HEAD", "/", en),
            ("POST", "/privacy", {"Content-Type":
                                  "application/x-www-form-urlencoded"}),
            ("DELETE", "/", {}), ("GET", "/console/audit", {})]
    pid, slot, sess, sector = (S["participant"], S["slot"], S["session"],
                               S["sector"])
    for p in console_read_pages(pid, slot, sess, sector) + [
            "/console/registrations?q=kari&sort=name",
            "/console/registrations/999999", "/console/mail",
            "/console/mail?state=sent", "/console/nothing"]:
        out.append(("GET", p, console))
        out.append(("GET", p, dict(console, **en)))
    return out


def ask(conn, method, path, headers):
    """One request on conn -> (status, body length); raises on anything
    that is not a complete, well-formed HTTP response."""
    h = dict(headers, Connection="keep-alive")
    body = b"a=1" if method == "POST" else None
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()		# IncompleteRead if the body is cut short
    if r.version != 11 or not 100 <= r.status <= 599:
        raise AssertionError("bad status line: %r %r" % (r.version, r.status))
    if r.getheader("Content-Type") is None:
        raise AssertionError("%s %s: no Content-Type" % (method, path))
    length = r.getheader("Content-Length")
    if method != "HEAD" and length is not None and int(length) != len(data):
        raise AssertionError("%s %s: %d bytes, Content-Length %s" % (
            method, path, len(data), length))
    if r.will_close:
        conn.close()
    return r.status


def storm(port, reqs, seconds):
    """CONNECTIONS threads, each on its own keep-alive connection, take the
    next of reqs in turn -- every request ROUNDS times, and on for at least
    seconds -- within LIMIT seconds.  Returns the answers [(req index,
    status)] and the failures [text]."""
    answers, failures = [], []
    lock = threading.Lock()
    go = threading.Barrier(CONNECTIONS)
    state = {"next": 0}
    total = ROUNDS * len(reqs)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        go.wait()
        while len(bad) < 3:
            with lock:
                n = state["next"]
                state["next"] += 1
                now = time.time()
                if (n >= total and now >= state["until"]) or \
                        now >= state["limit"]:
                    break
            j = n % len(reqs)
            method, path, headers = reqs[j]
            try:
                mine.append((j, ask(conn, method, path, headers)))
            except Exception as e:	# noqa: BLE001 -- any failure counts
                bad.append("%s %s: %s: %s" % (method, path,
                                              type(e).__name__, e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port,
                                                  timeout=30)
        conn.close()
        with lock:
            answers.extend(mine)
            failures.extend(bad)

    state["until"] = time.time() + seconds
    state["limit"] = time.time() + LIMIT
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=LIMIT + 60)
    hung = sum(th.is_alive() for th in threads)
    if hung:
        failures.append("%d connections got no answer in time" % hung)
    return answers, failures


def check_storm(inst, reqs):
    server = inst.start(extra_conf=SERVER_CONF)
    # Straight after start: the first request of the storm is the first
    # page summitd renders.
    answers, failures = storm(server.port, reqs, SECONDS)
    died = server.proc.poll()
    if died is not None:
        raise AssertionError("summitd died (exit %d) under %d connections "
                             "after %d answers:\n%s" % (
                                 died, CONNECTIONS, len(answers),
                                 server.report()))
    assert not failures, "%d failures, e.g.:\n%s" % (
        len(failures), "\n".join(failures[:10]))
    # Every page asked alone, on the same server, to compare with.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    alone = []
    for method, path, headers in reqs:
        alone.append(ask(conn, method, path, headers))
    conn.close()
    wrong = sorted({"%s %s: %d under load, %d alone" % (
        reqs[j][0], reqs[j][1], st, alone[j])
        for j, st in answers if st != alone[j]})
    assert not wrong, "\n".join(wrong[:20])
    asked = {j for j, _ in answers}
    assert len(asked) == len(reqs), "only %d of %d pages were asked" % (
        len(asked), len(reqs))
    return server, answers, alone


@case
def every_page_under_64_connections_straight_after_start(inst):
    reqs = requests()
    server, answers, alone = check_storm(inst, reqs)
    # The pages really are what they should be, not error pages.
    ok = {reqs[j][1] for j, st in enumerate(alone) if st == 200}
    for p in ["/", "/register", "/privacy", "/programme.ics",
              "/me/" + S["token"], "/console/registrations",
              "/console/allocation", "/static/style.css"]:
        assert p in ok, "%s is not 200 alone" % p
    assert {st for st in alone} >= {200, 303, 404, 405}, set(alone)
    rc = server.stop()
    inst.servers.remove(server)
    assert rc == 0, "summitd exited with %d:\n%s" % (rc, server.report())


@case
def a_second_fresh_server_survives_too(inst):
    # The crash came in most but not all tries: one more fresh start.
    server, _, _ = check_storm(inst, requests())
    rc = server.stop()
    inst.servers.remove(server)
    assert rc == 0, "summitd exited with %d:\n%s" % (rc, server.report())


if __name__ == "__main__":
    run(setup, teardown)
