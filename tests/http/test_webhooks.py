#!/usr/bin/env python3
"""test_webhooks.py -- webhooks (docs/api.md) to a real HTTP receiver (a
small http.server in this process): endpoints added by summitctl, a
delivery per change queued in the change's transaction by sql/020's
triggers (registration, cancellation, placement, check-in), signed with
HMAC-SHA256 over timestamp and body, retried with backoff after 500s under
the same delivery id, and nothing sent for a change rolled back."""
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, connect, free_port, register, \
    wait_for  # noqa: E402
from tap import case, run  # noqa: E402

SECRET = "a-webhook-secret-of-some-length"
KINDS = ("registration.created,registration.cancelled,placement.published,"
         "placement.changed,checkin.recorded")


class Receiver(http.server.BaseHTTPRequestHandler):
    got = []          # (headers, body bytes, status answered)
    fail_next = 0     # answer 500 to this many more deliveries
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with Receiver.lock:
            status = 500 if Receiver.fail_next > 0 else 200
            Receiver.fail_next = max(0, Receiver.fail_next - 1)
            Receiver.got.append((dict(self.headers), body, status))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def delivered(kind):
    """Bodies of kind answered 200, parsed."""
    with Receiver.lock:
        return [json.loads(b) for h, b, s in Receiver.got
                if s == 200 and h.get("Summit-Event") == kind]


def setup():
    port = free_port()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    inst = Instance("summit_http_webhooks", extra_conf=(
        "[webhooks]\nretry_base_seconds = 1\n"
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    inst.receiver = srv
    inst.hook_url = "http://127.0.0.1:%d/hook" % port
    inst.ctl("webhook", "add", "--url", inst.hook_url, "--events", KINDS,
             "--secret-stdin", input=SECRET + "\n")
    inst.ctl("organiser", "add", "door@example.no", "--role", "staff",
             "--password-stdin", input="correct horse battery\n")
    inst.token = inst.ctl("api-token", "add", "--organiser",
                          "door@example.no", "--scope", "read,checkin"
                          ).stdout.strip()
    inst.server = inst.start()
    return inst


def teardown(inst):
    if inst:
        inst.close()
        inst.receiver.shutdown()


@case
def endpoints_are_checked(inst):
    for args in (("--url", "ftp://x.example/", "--events", "checkin.recorded"),
                 ("--url", "http://x.example/", "--events", "everything"),
                 ("--url", "http://x.example/", "--events",
                  "checkin.recorded,checkin.recorded")):
        r = inst.ctl("webhook", "add", *args, check=False)
        assert r.returncode != 0, args
    r = inst.ctl("webhook", "add", "--url", "http://x.example/", "--events",
                 "checkin.recorded", "--secret-stdin", check=False,
                 input="short\n")
    assert r.returncode != 0
    assert inst.scalar("SELECT count(*) FROM webhook_endpoint") == 1
    # The audit log names the endpoint, never its secret.
    after = inst.scalar("SELECT after::text FROM audit_log WHERE action ="
                        " 'webhook.add'")
    assert inst.hook_url in after and SECRET not in after


@case
def a_registration_is_delivered_signed(inst):
    register(inst, "Kari Nordmann", "kari@example.no")
    got = wait_for(lambda: delivered("registration.created"),
                   what="registration.created")
    pid = inst.scalar("SELECT id FROM participant WHERE email ="
                      " 'kari@example.no'")
    inst.pid = pid
    assert got[0]["data"]["registration_id"] == pid
    assert got[0]["type"] == "registration.created"
    with Receiver.lock:
        h, body, _ = [g for g in Receiver.got
                      if g[0].get("Summit-Event") == "registration.created"][0]
    ts = h["Summit-Timestamp"]
    want = hmac.new(SECRET.encode(), ts.encode() + b"." + body,
                    hashlib.sha256).hexdigest()
    assert h["Summit-Signature"] == "v1=" + want, h
    assert abs(int(ts) - time.time()) < 60
    assert h["Summit-Delivery"] == got[0]["id"]
    assert h["Content-Type"] == "application/json"
    # A signature over another body, or with another secret, differs.
    assert hmac.new(b"other", ts.encode() + b"." + body,
                    hashlib.sha256).hexdigest() != want


@case
def failed_deliveries_are_retried_under_one_id(inst):
    with Receiver.lock:
        Receiver.fail_next = 2
        start = len(Receiver.got)
    inst.query("INSERT INTO invitation (event_id, participant_id, session_id,"
               " sequence, state, fingerprint) SELECT event_id, %s, id, 0,"
               " 'invited', 'x' FROM session ORDER BY id LIMIT 1", inst.pid)
    got = wait_for(lambda: delivered("placement.published"), timeout=30,
                   what="placement.published after two 500s")
    with Receiver.lock:
        tries = [(h["Summit-Delivery"], s) for h, b, s in Receiver.got[start:]
                 if h.get("Summit-Event") == "placement.published"]
    assert [s for _, s in tries] == [500, 500, 200], tries
    assert {d for d, _ in tries} == {got[0]["id"]}
    # The receiver has answered 200 before summitd writes the outcome down:
    # wait for the row rather than reading it at once.
    def outcome():
        row = inst.query("SELECT state, attempts, last_status"
                         " FROM webhook_outbox WHERE delivery_id = %s",
                         got[0]["id"])
        return row if row and row[0][0] != "queued" else None
    row = wait_for(outcome, what="the delivery's outcome in webhook_outbox")
    assert row == [("sent", 3, 200)], row
    assert got[0]["data"]["sequence"] == 0
    inst.query("UPDATE invitation SET sequence = 1 WHERE participant_id = %s",
               inst.pid)
    wait_for(lambda: delivered("placement.changed"), what="placement.changed")


@case
def nothing_is_sent_for_a_change_rolled_back(inst):
    before = inst.scalar("SELECT count(*) FROM webhook_outbox")
    conn = connect(inst.url)
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("UPDATE participant SET status = 'cancelled' WHERE id = %s",
                    (inst.pid,))
        cur.execute("SELECT count(*) FROM webhook_outbox")
        assert cur.fetchone()[0] == before + 1  # queued inside it
    conn.rollback()
    conn.close()
    # A refused check-in (pending, not confirmed) queues nothing either.
    c = Client(inst.port)
    r = c.request("POST", "/api/v1/checkins", headers={
        "Authorization": "Bearer " + inst.token,
        "Content-Type": "application/json"},
        raw_body=json.dumps({"registration_id": inst.pid}).encode())
    assert r.status == 409, (r.status, r.text)
    time.sleep(3)
    assert inst.scalar("SELECT count(*) FROM webhook_outbox") == before
    assert delivered("registration.cancelled") == []
    assert delivered("checkin.recorded") == []


@case
def checkin_and_cancellation_are_delivered(inst):
    inst.query("UPDATE participant SET status = 'confirmed', hold_until ="
               " NULL WHERE id = %s", inst.pid)
    c = Client(inst.port)
    r = c.request("POST", "/api/v1/checkins", headers={
        "Authorization": "Bearer " + inst.token,
        "Content-Type": "application/json"},
        raw_body=json.dumps({"registration_id": inst.pid}).encode())
    assert r.status == 201, (r.status, r.text)
    got = wait_for(lambda: delivered("checkin.recorded"), what="check-in")
    assert got[0]["data"]["registration_id"] == inst.pid
    assert got[0]["data"]["checked_in_at"] == json.loads(r.text)[
        "checked_in_at"]
    inst.query("UPDATE participant SET status = 'cancelled' WHERE id = %s",
               inst.pid)
    wait_for(lambda: delivered("registration.cancelled"), what="cancelled")
    # Each change once (at least once; here exactly, nothing crashed).
    ids = [d["id"] for k in KINDS.split(",") for d in delivered(k)]
    assert len(ids) == len(set(ids)), ids


run(setup, teardown)
