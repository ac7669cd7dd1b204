#!/usr/bin/env python3
"""bench/refill.py -- the half of bench/refill.sh that needs dovecot and
summitd: starts summitd reading a dovecot mailbox (tests/lib/imapd.py),
then per round appends one placed person's DECLINE and waits for the
replacement's invitation in the outbox.  Prints, per round and at the
end, arrived -> recorded (the poll's share), recorded -> queued (the
refill's share) and arrived -> queued, from the transactions' own
clocks (now() of the read and of the refill), and when the bench saw the
replacement's invitation committed."""
import os
import random
import signal
import socket
import string
import subprocess
import sys
import time

import psycopg2

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
from imapd import Imapd  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main(bench, summitd, url, rounds, poll):
    rounds, poll = int(rounds), int(poll)
    imapd = Imapd()
    pw = os.path.join(imapd.dir, "password")
    with open(pw, "w") as f:
        f.write(imapd.password + "\n")
    os.chmod(pw, 0o600)
    port = free_port()
    conf = os.path.join(bench, "summit.conf")
    with open(conf, "a") as f:
        f.write("[server]\nport = %d\npublic_url = http://127.0.0.1:%d\n"
                "[mailbox]\nurl = %s\nuser = %s\npassword_file = %s\n"
                "ca_file = %s\nstarttls = true\npoll_seconds = %d\n" % (
                    port, port, imapd.url(), imapd.user, pw, imapd.cert,
                    poll))
    with open(os.path.join(TOP, "tests", "fixtures", "replies",
                           "gmail.eml")) as f:
        shape = string.Template(f.read())
    db = psycopg2.connect(url)
    db.autocommit = True
    cur = db.cursor()
    session = None
    cur.execute("SELECT p.email, s.uid, i.sequence, p.id, s.id"
                " FROM invitation i JOIN participant p ON p.id ="
                " i.participant_id JOIN session s ON s.id = i.session_id"
                " ORDER BY p.id")
    placed = cur.fetchall()
    log = open(os.path.join(bench, "summitd.log"), "w")
    server = subprocess.Popen([summitd, "--config", conf] + (["-v"] if os.environ.get("BENCH_VERBOSE") else []), stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        time.sleep(2)  # started, and its first poll done
        c = imapd.client()
        got = []
        for i, (email, uid, seq, pid, session) in enumerate(placed[:rounds]):
            time.sleep(random.uniform(0, poll))
            text = shape.substitute(
                attendee=email, ATTENDEE=email.upper(),
                uid=uid + "@example.org", seq=seq, partstat="DECLINED",
                stamp="20261203T080000", id="refill%06d" % i)
            arrived = time.time()
            typ, data = c.append(
                "INBOX", None, None,
                text.replace("\r\n", "\n").replace("\n", "\r\n").encode())
            assert typ == "OK", data
            deadline = arrived + poll + 30
            row = None
            while time.time() < deadline:
                cur.execute(
                    "SELECT extract(epoch FROM an.recorded_at),"
                    " (SELECT extract(epoch FROM min(o.created_at))"
                    "  FROM outbox o WHERE o.kind = 'invite'"
                    "  AND o.payload->>'session_id' = %s::text"
                    "  AND o.created_at >= an.recorded_at"
                    "  AND o.participant_id <> %s)"
                    " FROM answer an WHERE an.participant_id = %s"
                    " AND an.session_id = %s", (session, pid, pid, session))
                row = cur.fetchone()
                if row and row[1] is not None:
                    seen = time.time()
                    break
                time.sleep(0.01)
            assert row and row[1] is not None, \
                "round %d: no replacement invitation within %d s" % (
                    i, poll + 30)
            recorded, queued = float(row[0]), float(row[1])
            got.append((recorded - arrived, queued - recorded,
                        queued - arrived, seen - arrived))
            print("round %2d  arrived->recorded %5.2f s  recorded->queued"
                  " %5.3f s  arrived->queued %5.2f s  (seen committed"
                  " after %5.2f s)" % ((i + 1,) + got[-1]))
        c.logout()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        imapd.close()

    def stat(k):
        xs = sorted(g[k] for g in got)
        return xs[len(xs) // 2], xs[-1]
    load = open("/proc/loadavg").read().split()[:3]
    print("poll interval              %d s" % poll)
    print("arrived -> recorded        median %.2f s, max %.2f s" % stat(0))
    print("recorded -> queued         median %.3f s, max %.3f s (aim < 1 s)"
          % stat(1))
    print("arrived -> queued          median %.2f s, max %.2f s (aim < %d s)"
          % (stat(2) + (poll + 1,)))
    print("arrived -> seen committed  median %.2f s, max %.2f s (the bench's"
          " 10 ms polls of the outbox included)" % stat(3))
    print("load average (1/5/15 min)  %s" % " ".join(load))


if __name__ == "__main__":
    main(*sys.argv[1:6])
