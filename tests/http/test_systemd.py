"""test_systemd.py -- summitd under systemd's protocols, without systemd.

sd_notify: summitd runs with NOTIFY_SOCKET naming a unix datagram socket
this test reads, as systemd's would be: READY=1 arrives once the port
answers, STOPPING=1 when SIGTERM stops it.

The journal: summitd runs in a mount namespace of its own (unshare) whose
/run/systemd/journal/socket is a datagram socket this test reads, with
JOURNAL_STREAM naming its stderr, as a unit's would be: its log lines
arrive as journal entries in the native protocol, a request's with the
fields REQUEST_ID, ROUTE, STATUS and DURATION_MS.
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, SUMMITD  # noqa: E402
from tap import Skip, case, run  # noqa: E402


def setup():
    inst = Instance("summit_http_systemd")
    inst.sockdir = tempfile.mkdtemp(prefix="summit-notify-")
    return inst


def teardown(inst):
    if inst:
        inst.close()
        shutil.rmtree(inst.sockdir, ignore_errors=True)


def listen(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(30)
    return s


def answers(port):
    try:
        return Client(port).get("/health").status == 200
    except OSError:
        return False


@case
def notify_ready_once_answering_and_stopping(inst):
    path = os.path.join(inst.sockdir, "notify")
    sock = listen(path)
    log = open(os.path.join(inst.dir, "notify.log"), "w")
    p = subprocess.Popen([SUMMITD, "--config", inst.conf],
                         env=dict(inst.env, NOTIFY_SOCKET=path),
                         stdout=log, stderr=subprocess.STDOUT)
    try:
        got = []
        while not any("READY=1" in g.split("\n") for g in got):
            assert p.poll() is None, open(log.name).read()
            got.append(sock.recv(4096).decode())
        # READY=1 is sent after the port is bound and answering.
        assert answers(inst.port), "READY=1 before the port answers"
        p.send_signal(signal.SIGTERM)
        msg = sock.recv(4096).decode()
        assert "STOPPING=1" in msg.split("\n"), msg
        assert p.wait(timeout=30) == 0, open(log.name).read()[-2000:]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        sock.close()


def journal_entry(data):
    """The native journal protocol: KEY=VALUE lines, or KEY, newline,
    64-bit little-endian length, the value, newline."""
    fields, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, _, v = line.partition(b"=")
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            v = data[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        fields[k.decode()] = v.decode("utf-8", "replace")
    return fields


@case
def journal_entries_with_request_fields(inst):
    if shutil.which("unshare") is None:
        raise Skip("unshare (util-linux) is not installed")
    jdir = os.path.join(inst.sockdir, "journal")
    os.mkdir(jdir)
    sock = listen(os.path.join(jdir, "socket"))
    sock.settimeout(1)
    err = open(os.path.join(inst.dir, "journal.log"), "w")
    st = os.fstat(err.fileno())
    # A private /run in which the journal's socket is ours; the rest of
    # the system is untouched.
    script = ('mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal &&'
              ' mount --bind "$0" /run/systemd/journal && exec "$@"')
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", script, jdir,
                            "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise Skip("no mount namespace here (unshare --mount: %s)"
                   % probe.stderr.strip())
    env = dict(inst.env, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
    p = subprocess.Popen(["unshare", "--mount", "sh", "-c", script, jdir,
                          SUMMITD, "--config", inst.conf],
                         env=env, stdout=err, stderr=err)
    entries = []
    try:
        deadline = time.time() + 30
        while not answers(inst.port):
            assert p.poll() is None and time.time() < deadline, \
                open(err.name).read()
            time.sleep(0.1)
        assert Client(inst.port).get("/").status == 200
        deadline = time.time() + 10
        while time.time() < deadline and not any(
                e.get("ROUTE") == "/" for e in entries):
            try:
                entries.append(journal_entry(sock.recv(65536)))
            except socket.timeout:
                pass
    finally:
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=30)
        sock.close()
    assert rc == 0, open(err.name).read()[-2000:]
    # Nothing went to stderr: it all went to the journal.
    assert open(err.name).read() == "", open(err.name).read()[-2000:]
    start = [e for e in entries if "listening on" in e.get("MESSAGE", "")]
    assert start and start[0]["PRIORITY"] == "6", entries[:3]
    req = [e for e in entries if e.get("ROUTE") == "/"][0]
    assert req["STATUS"] == "200" and req["REQUEST_METHOD"] == "GET", req
    assert req["REQUEST_PATH"] == "/" and len(req["REQUEST_ID"]) == 8, req
    assert float(req["DURATION_MS"]) >= 0, req
    assert req["MESSAGE"].startswith("request %s: GET / 200" %
                                     req["REQUEST_ID"]), req


if __name__ == "__main__":
    run(setup, teardown)
