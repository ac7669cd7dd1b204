#!/usr/bin/env python3
"""test_mail.py -- mail delivery against a real SMTP server
(tests/unit/mail/smtp_sink.py) when things break:

- a mail worker (summitctl mail-worker) killed with -9 in the middle of a
  batch, then started again: every message is delivered at least once, a
  message delivered twice carries the same Message-ID (and is the same
  message), and none is marked failed;
- a server that answers 4xx to the first 50 messages: with short retry
  settings ([mail] retry_base_seconds, retry_max_seconds) every message
  is delivered once the server recovers, none failed.
"""
import collections
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import SUMMITCTL, Instance, SmtpSink, smtp_conf, wait_for  # noqa: E402
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_fault_mail")
    inst.ev = inst.scalar("SELECT id FROM event")
    inst.pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, consent_at, email_confirmed_at, language) VALUES (%s,"
        " 'Mail Fault', 'mail-fault@example.no', 'LO', 'union', 'confirmed',"
        " now(), now(), 'nb') RETURNING id", inst.ev)
    return inst


def teardown(inst):
    if inst:
        inst.close()


def queue(inst, n, tag):
    """n messages to tag-N@example.no -> {outbox id: recipient}."""
    rows = inst.query(
        "INSERT INTO outbox (event_id, participant_id, kind, recipient,"
        " recipient_name, language) SELECT %s, %s, 'promoted',"
        " %s || '-' || g || '@example.no', 'W ' || g, 'nb'"
        " FROM generate_series(1, %s) g RETURNING id, recipient",
        inst.ev, inst.pid, tag, n)
    return dict(rows)


def worker_conf(inst, sink, name, extra):
    path = inst.conf + "." + name
    with open(path, "w") as f:
        f.write(open(inst.conf).read() + smtp_conf(sink, extra=extra))
    return path


def worker(inst, conf, once=False):
    return subprocess.Popen(
        [SUMMITCTL, "--config", conf, "mail-worker"] +
        (["--once"] if once else []), env=inst.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def delivered(sink):
    """Message-ID -> the (To, Subject) of each copy received."""
    got = collections.defaultdict(list)
    for m in sink.messages():
        got[m["Message-ID"]].append((str(m["To"]), str(m["Subject"])))
    return got


def expect_ids(ids):
    return set("<outbox-%d@example.org>" % i for i in ids)


@case
def a_worker_killed_mid_batch_loses_nothing(inst):
    sink = SmtpSink()
    try:
        conf = worker_conf(inst, sink, "kill",
                           "rate_per_second = 100\nbatch = 100\n")
        ids = queue(inst, 300, "kill")
        w = worker(inst, conf, once=True)
        # Killed inside the second batch (a second per batch): its first
        # messages went out, none of it was marked sent.
        wait_for(lambda: len(sink.files()) >= 150, timeout=60,
                 what="half the messages")
        w.send_signal(signal.SIGKILL)
        w.wait()
        at_kill = len(sink.files())
        assert at_kill < 300, at_kill
        assert inst.scalar("SELECT count(*) FROM outbox WHERE id = ANY(%s)"
                           " AND state = 'sent'", list(ids)) < at_kill
        # Started again, it delivers the rest.
        w = worker(inst, conf, once=True)
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        got = delivered(sink)
        assert set(got) == expect_ids(ids), \
            len(expect_ids(ids) - set(got))
        for mid, copies in got.items():
            oid = int(mid[len("<outbox-"):].split("@")[0])
            assert ids[oid] in copies[0][0], (mid, copies[0])
            assert len(set(copies)) == 1, (mid, copies)
        states = inst.query("SELECT state, count(*) FROM outbox WHERE id ="
                            " ANY(%s) GROUP BY state", list(ids))
        assert states == [("sent", 300)], states
        print("# %d messages delivered before the kill, %d copies in all "
              "for 300 messages" % (at_kill, sum(map(len, got.values()))),
              flush=True)
    finally:
        sink.stop()


@case
def a_busy_server_delays_but_loses_nothing(inst):
    sink = SmtpSink("--fail-first", "50", "--fail-code", "451")
    w = None
    try:
        conf = worker_conf(inst, sink, "busy",
                           "rate_per_second = 1000\nbatch = 20\n"
                           "poll_seconds = 1\nretry_base_seconds = 1\n"
                           "retry_max_seconds = 2\n")
        ids = queue(inst, 80, "busy")
        started = time.monotonic()
        w = worker(inst, conf)
        wait_for(lambda: inst.scalar(
            "SELECT count(*) FROM outbox WHERE id = ANY(%s) AND state <>"
            " 'queued'", list(ids)) == 80, timeout=60,
            what="every message delivered")
        took = time.monotonic() - started
        got = delivered(sink)
        assert set(got) == expect_ids(ids), len(expect_ids(ids) - set(got))
        assert all(len(c) == 1 for c in got.values())
        rows = inst.query("SELECT state, attempts > 1, count(*) FROM outbox"
                          " WHERE id = ANY(%s) GROUP BY 1, 2 ORDER BY 1, 2",
                          list(ids))
        assert rows == [("sent", False, 30), ("sent", True, 50)], rows
        print("# 80 messages through 50 refusals in %.1f s" % took,
              flush=True)
    finally:
        if w is not None:
            w.send_signal(signal.SIGTERM)
            w.wait(30)
        sink.stop()


@case
def retry_settings_are_checked(inst):
    bad = inst.conf + ".badretry"
    with open(bad, "w") as f:
        f.write(open(inst.conf).read() + "[mail]\nretry_base_seconds = 60\n"
                "retry_max_seconds = 30\n")
    r = subprocess.run([SUMMITCTL, "--config", bad, "mail-worker", "--once"],
                       env=inst.env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0
    assert "retry_max_seconds" in r.stderr, r.stderr


if __name__ == "__main__":
    run(setup, teardown)
