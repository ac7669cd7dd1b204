#!/usr/bin/env python3
"""test_nginx.py -- the production topology, all of it real: Debian's nginx
running config/nginx/summit.conf with TLS (a self-signed certificate made
with openssl here), three summitd on one PostgreSQL database, one mail
worker (summitctl mail-worker) and an SMTP server (aiosmtpd).

- nginx answers /static itself, redirects plain HTTP to HTTPS and turns
  away a body larger than summitd's max_body_bytes with 413;
- 8 clients register over HTTPS through nginx while one summitd is killed
  with -9: every registration answered 303 is in the database, the others
  carry on through the two left, and summitd logged each request as
  coming from the test client's own address (127.0.0.7, not nginx's
  127.0.0.1, nor the X-Forwarded-For the client forged);
- every acknowledged registration's confirmation mail arrives exactly once,
  and every message of the outbox exactly once;
- all of them confirm at once through nginx with fewer places than people:
  the places are exactly filled, never oversold, the rest waitlisted.
"""
import collections
import http.client
import os
import re
import signal
import ssl
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from faultlib import Registrants, check_registrations  # noqa: E402
from harness import (NO_REGISTRATION_LIMITS, SOURCE, SUMMITCTL, Client,  # noqa: E402
                     Instance, SmtpSink, confirm, free_port, smtp_conf,
                     wait_for)
from nginx import Nginx  # noqa: E402
from tap import case, run  # noqa: E402

CLIENT_ADDRESS = "127.0.0.7"	# loopback, but not nginx's 127.0.0.1
FORGED = "203.0.113.9"		# what a client claims in X-Forwarded-For
CAPACITY = 30


class Ctx:
    pass


def setup():
    ctx = Ctx()
    try:
        return start(ctx)
    except BaseException:
        teardown(ctx)
        raise


def start(ctx):
    ctx.sink = SmtpSink()
    ctx.inst = inst = Instance("summit_fault_nginx",
                               extra_conf=NO_REGISTRATION_LIMITS)
    inst.query("UPDATE event SET capacity = %s", CAPACITY)
    inst.query("SELECT summit_sync_places(id) FROM event")
    ports = [free_port() for _ in range(3)]
    ctx.nginx = Nginx(os.path.join(SOURCE, "static"), ports)
    inst.add_conf(smtp_conf(ctx.sink) + (
        "[server]\npublic_url = https://127.0.0.1:%d\n"
        "trusted_proxies = 127.0.0.1\n" % ctx.nginx.port))
    ctx.servers = [inst.start(port=p) for p in ports]
    ctx.worker = subprocess.Popen(
        [SUMMITCTL, "--config", inst.conf, "mail-worker"], env=inst.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    class HttpsClient(Client):
        """Over TLS to nginx, checking its certificate, from
        CLIENT_ADDRESS, always with a forged X-Forwarded-For."""

        def connect(self):
            tls = ssl.create_default_context(cafile=ctx.nginx.cert)
            return http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=30, context=tls,
                source_address=(CLIENT_ADDRESS, 0))

        def request(self, method, path, body=None, headers=None,
                    raw_body=None):
            h = {"X-Forwarded-For": FORGED}
            h.update(headers or {})
            return Client.request(self, method, path, body=body, headers=h,
                                  raw_body=raw_body)

    ctx.Client = HttpsClient
    return ctx


def teardown(ctx):
    """Stops what setup got to start."""
    if ctx is None:
        return
    worker = getattr(ctx, "worker", None)
    if worker is not None and worker.poll() is None:
        worker.terminate()
        worker.wait(30)
    for part in ("nginx", "sink"):
        if getattr(ctx, part, None) is not None:
            getattr(ctx, part).stop()
    if getattr(ctx, "inst", None) is not None:
        ctx.inst.close()


def summitd_saw(ctx, needle):
    return [line for s in ctx.servers for line in s.log().splitlines()
            if " request " in line and needle in line]


@case
def nginx_serves_static_files_redirects_and_caps_bodies(ctx):
    c = ctx.Client(ctx.nginx.port)
    r = c.get("/static/style.css")
    assert r.status == 200, r.status
    assert r.getheader("Content-Type").startswith("text/css"), \
        r.getheader("Content-Type")
    assert r.getheader("Cache-Control") == "public, max-age=3600"
    assert r.text == open(os.path.join(SOURCE, "static",
                                       "style.css")).read()
    r = c.get("/")
    assert r.status == 200, r.status
    assert r.getheader("Strict-Transport-Security"), r.getheaders()
    assert "summit_csrf" in c.cookies
    # Larger than [server] max_body_bytes (64 KiB): nginx answers 413.
    big = c.post("/register", {"_csrf": "x", "name": "y" * 70000})
    assert big.status == 413, big.status
    plain = http.client.HTTPConnection("127.0.0.1", ctx.nginx.http_port,
                                       timeout=10)
    plain.request("GET", "/register")
    r = plain.getresponse()
    assert r.status == 301 and r.getheader("Location") == \
        "https://127.0.0.1/register", (r.status, r.getheader("Location"))
    # None of it reached a summitd but the event page.  Its line first:
    # a cached page's line may wait up to summitd's log flush (200 ms),
    # and once it is out so are the lines made before it.
    wait_for(lambda: summitd_saw(ctx, " GET / 200 "), timeout=10,
             what="summitd's line for GET /")
    assert not summitd_saw(ctx, "/static/"), summitd_saw(ctx, "/static/")
    assert not summitd_saw(ctx, "POST /register"), \
        summitd_saw(ctx, "POST /register")


def wait_outbox_sent(inst, timeout=120):
    wait_for(lambda: inst.scalar("SELECT count(*) FROM outbox WHERE state"
                                 " <> 'sent'") == 0, timeout=timeout,
             what="the mail worker to send the outbox")


def received(ctx):
    """Message-ID -> [(To, body)] of every copy the SMTP server got."""
    got = collections.defaultdict(list)
    for m in ctx.sink.messages():
        body = m.get_body(preferencelist=("plain",))
        got[m["Message-ID"]].append(
            (str(m["To"]), body.get_content() if body else ""))
    return got


def check_mail_once(ctx):
    """Every outbox message arrived, each exactly once -> received()."""
    inst = ctx.inst
    wait_outbox_sent(inst)
    ids = [i for (i,) in inst.query("SELECT id FROM outbox")]
    want = set("<outbox-%d@example.org>" % i for i in ids)
    wait_for(lambda: set(received(ctx)) >= want, timeout=30,
             what="every message at the SMTP server")
    got = received(ctx)
    assert set(got) == want, (len(want - set(got)), len(set(got) - want))
    twice = [mid for mid, copies in got.items() if len(copies) != 1]
    assert not twice, "received more than once: %r" % twice[:5]
    return got


@case
def registering_through_nginx_survives_a_summitd_killed(ctx):
    inst = ctx.inst
    load = Registrants(ctx.nginx.port, n=8, tag="nginx", client=ctx.Client)
    victim = ctx.servers[1]
    try:
        wait_for(lambda: load.count() >= 40, timeout=120,
                 what="40 registrations before the kill")
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait()
        at_kill = load.count()
        # The two left carry the registrations on.
        wait_for(lambda: load.count() >= at_kill + 40, timeout=120,
                 what="40 registrations after the kill")
    finally:
        answers = load.stop()
    ctx.servers.remove(victim)
    inst.servers.remove(victim)	# killed on purpose: not a failed exit
    statuses = collections.Counter(s for _, _, s in answers)
    # A POST in flight to the killed summitd is answered 502 by nginx,
    # never sent to another one (proxy_next_upstream); nothing else fails.
    assert set(statuses) <= {303, 502}, statuses
    assert statuses[502] <= 16, statuses
    n = check_registrations(inst, answers)
    print("# %d registrations acknowledged (%d at the kill), answers %s" % (
        n, at_kill, dict(statuses)), flush=True)
    # Each summitd logged the client's address, not nginx's nor the
    # forged one; the victim's log counts too.
    lines = [line for s in ctx.servers + [victim]
             for line in s.log().splitlines() if "POST /register" in line]
    assert len(lines) >= n, (len(lines), n)
    bad = [line for line in lines if " from %s via 127.0.0.1" %
           CLIENT_ADDRESS not in line]
    assert not bad, bad[:3]
    assert all(len([line for line in s.log().splitlines()
                    if "POST /register 303" in line]) > 0
               for s in ctx.servers + [victim]), "a summitd had no request"
    ctx.acked = [e for _, e, s in answers if s == 303]

    # Every acknowledged registration's confirmation mail, exactly once.
    got = check_mail_once(ctx)
    links = {}
    pat = re.compile(r"https://127\.0\.0\.1:%d(/confirm/[0-9a-f]{32})" %
                     ctx.nginx.port)
    for copies in got.values():
        to, body = copies[0]
        m = pat.search(body)
        if m:
            links.setdefault(to.lower(), []).append(m.group(1))
    for e in ctx.acked:
        mine = [v for k, v in links.items() if e.lower() in k]
        assert len(mine) == 1 and len(mine[0]) == 1, (e, mine)
    ctx.links = [links[k][0] for k in links
                 if any(e.lower() in k for e in ctx.acked)]


@case
def confirming_at_once_through_nginx_never_oversells(ctx):
    inst = ctx.inst
    links = list(ctx.links)
    assert len(links) > CAPACITY, len(links)
    lock = threading.Lock()
    out = []

    def confirmer():
        c = ctx.Client(ctx.nginx.port)
        while True:
            with lock:
                if not links:
                    return
                link = links.pop()
            r = confirm(c, link)
            with lock:
                out.append(r.status)

    threads = [threading.Thread(target=confirmer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert out == [303] * len(ctx.links), collections.Counter(out)
    placed = inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                         " IS NOT NULL")
    waiting = inst.scalar("SELECT count(*) FROM participant WHERE status ="
                          " 'waitlisted'")
    confirmed = inst.scalar("SELECT count(*) FROM participant WHERE"
                            " email_confirmed_at IS NOT NULL")
    assert placed == CAPACITY, (placed, CAPACITY)
    assert confirmed == len(ctx.links) and \
        waiting == confirmed - CAPACITY, (confirmed, waiting)
    check_registrations(inst, [(0, e, 303) for e in ctx.acked])
    # And the mails that confirming queued, each once too.
    check_mail_once(ctx)
    assert ctx.worker.poll() is None, ctx.worker.stderr.read()


if __name__ == "__main__":
    run(setup, teardown)
