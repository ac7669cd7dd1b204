#!/usr/bin/python3
"""test_smtp.py -- SMTP delivery with libcurl against a real server.

Each case starts smtp_sink.py (Debian's python3-aiosmtpd) on a free port and
drives mail-sample, which composes an iMIP message and sends it with
mail_smtp_send.  Checks: the bytes delivered are the bytes composed and
parse as CALENDAR.md C1 says; 4xx is MAIL_ETEMP and 5xx MAIL_EPERM with the
server's reply in the message; a refused connection is temporary; STARTTLS
with AUTH works against a self-signed certificate; one MailSmtp uses one
connection for many sends.  The throughput of 2,000 sends of a ~6 KB
message is printed as a TAP diagnostic.
"""
import email
import email.policy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["SUMMIT_SOURCE_DIR"], "tests", "lib"))
from tap import case, run  # noqa: E402

SAMPLE = os.environ["MAIL_SAMPLE"]
SINK = os.environ["SMTP_SINK"]
TMP = tempfile.mkdtemp(prefix="summit-smtp-")
PY = "/usr/bin/python3"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    def __init__(self, *extra, stats=True):
        self.dir = tempfile.mkdtemp(dir=TMP)
        self.maildir = os.path.join(self.dir, "maildir")
        self.stats_path = os.path.join(self.dir, "stats.json")
        self.port = free_port()
        self.proc = subprocess.Popen(
            [PY, SINK, "--port", str(self.port), "--maildir", self.maildir,
             *(["--stats", self.stats_path] if stats else []), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", (line, self.proc.stderr.read())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def stats(self):
        with open(self.stats_path) as f:
            return json.load(f)

    def messages(self):
        new = os.path.join(self.maildir, "new")
        out = []
        for name in sorted(os.listdir(new)):
            with open(os.path.join(new, name), "rb") as f:
                out.append(f.read())
        return out

    def envelopes(self):
        with open(os.path.join(self.maildir, "envelopes.jsonl")) as f:
            return [json.loads(l) for l in f]


def send(url, *extra, timeout=120):
    return subprocess.run([SAMPLE, "send", "--url", url, *extra],
                          capture_output=True, text=True, timeout=timeout)


def sent_line(r):
    m = re.search(r"^sent (\d+) failed (\d+) connections (\d+) seconds "
                  r"([\d.]+) rate ([\d.]+) bytes (\d+)$", r.stdout, re.M)
    assert m, r.stdout + r.stderr
    return dict(sent=int(m[1]), failed=int(m[2]), connections=int(m[3]),
                seconds=float(m[4]), rate=float(m[5]), bytes=int(m[6]))


@case
def delivered_bytes_equal_composed_message():
    out = os.path.join(TMP, "composed.eml")
    with Sink() as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port, "--out", out)
        assert r.returncode == 0, r.stdout + r.stderr
        with open(out, "rb") as f:
            composed = f.read()
        (got,) = sink.messages()
        assert got == composed
        (env,) = sink.envelopes()
        assert env["mail_from"] == "invite@summit.example.no", env
        assert env["rcpt_tos"] == ["kari@example.no"], env
    # The structure as Python's own MIME parser sees it (CALENDAR.md C1).
    msg = email.message_from_bytes(got, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    alt, ics = msg.get_payload()
    assert alt.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in alt.get_payload()]
    assert kinds == ["text/plain", "text/html", "text/calendar"], kinds
    cal = alt.get_payload()[2]
    assert cal.get_param("method") == "REQUEST"
    assert cal.get_content_charset() == "utf-8"
    assert cal["Content-Disposition"] is None
    assert ics.get_content_type() == "application/ics"
    assert ics.get_filename() == "invite.ics"
    assert ics.get_content_disposition() == "attachment"
    assert cal.get_payload(decode=True) == ics.get_payload(decode=True)
    assert b"METHOD:REQUEST\r\n" in ics.get_payload(decode=True)
    assert str(msg["Subject"]).startswith("Invitasjon: Kunstig intelligens")
    assert msg["To"].addresses[0].display_name == "Ødegård, Kari"


@case
def reply_451_is_temporary_with_the_reply_text():
    with Sink("--fail-first", "1", "--fail-code", "451") as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "error ETEMP" in r.stdout and "451" in r.stdout, r.stdout
        assert "sink busy" in r.stdout, r.stdout
        # The server recovers: the next try goes through.
        r = send("smtp://127.0.0.1:%d" % sink.port)
        assert r.returncode == 0, r.stdout + r.stderr
        assert len(sink.messages()) == 1


@case
def rcpt_451_is_temporary():
    with Sink("--fail-first", "1", "--fail-stage", "rcpt") as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port)
        assert "error ETEMP" in r.stdout and "451" in r.stdout, r.stdout


@case
def failures_do_not_spoil_the_connection():
    # Two 451s at DATA, then three accepted, all on one MailSmtp.
    with Sink("--fail-first", "2") as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port, "--count", "5",
                 "--keep-going")
        s = sent_line(r)
        assert (s["sent"], s["failed"]) == (3, 2), r.stdout
        assert len(sink.messages()) == 3
        print("# connections after two 451s: %d (sink saw %d)"
              % (s["connections"], sink.stats()["connections"]))
        assert s["connections"] == sink.stats()["connections"]


@case
def reply_550_is_permanent():
    with Sink("--reject-rcpt-code", "550") as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "error EPERM" in r.stdout and "550" in r.stdout, r.stdout
        assert "recipient rejected" in r.stdout, r.stdout
        assert sink.messages() == []


@case
def data_554_is_permanent():
    with Sink("--fail-first", "1", "--fail-code", "554") as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port)
        assert "error EPERM" in r.stdout and "554" in r.stdout, r.stdout


@case
def connection_refused_is_temporary():
    r = send("smtp://127.0.0.1:%d" % free_port())
    assert r.returncode == 2, r.stdout + r.stderr
    assert "error ETEMP" in r.stdout, r.stdout


@case
def unresolvable_host_is_temporary():
    r = send("smtp://no-such-host.invalid:25", "--timeout", "10")
    assert "error ETEMP" in r.stdout, r.stdout


def make_cert():
    cert = os.path.join(TMP, "cert.pem")
    key = os.path.join(TMP, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=60)
    return cert, key


@case
def starttls_and_auth_plain_with_a_self_signed_cert():
    cert, key = make_cert()
    with Sink("--tls-cert", cert, "--tls-key", key, "--require-starttls",
              "--auth", "summit:s3cret pass") as sink:
        r = send("smtp://localhost:%d" % sink.port, "--starttls",
                 "--user", "summit", "--password", "s3cret pass",
                 "--ca-file", cert, "--count", "3")
        assert r.returncode == 0, r.stdout + r.stderr
        assert len(sink.messages()) == 3
        st = sink.stats()
        assert st["auth_ok"] == 1 and st["connections"] == 1, st


@case
def wrong_password_is_a_config_error_and_never_shown():
    cert, key = make_cert()
    with Sink("--tls-cert", cert, "--tls-key", key, "--require-starttls",
              "--auth", "summit:right") as sink:
        r = send("smtp://localhost:%d" % sink.port, "--starttls",
                 "--user", "summit", "--password", "wrong-secret",
                 "--ca-file", cert)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "error ECONFIG" in r.stdout and "535" in r.stdout, r.stdout
        assert "wrong-secret" not in r.stdout + r.stderr
        assert sink.messages() == []


@case
def auth_without_tls_only_to_loopback():
    # A relay on this machine may take the password in clear text; the
    # same URL with another host is refused before connecting (test_mail.c).
    with Sink("--auth", "summit:pw") as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port, "--user", "summit",
                 "--password", "pw")
        assert r.returncode == 0, r.stdout + r.stderr
        assert sink.stats()["auth_ok"] == 1


@case
def untrusted_certificate_is_a_config_error():
    cert, key = make_cert()
    with Sink("--tls-cert", cert, "--tls-key", key,
              "--require-starttls") as sink:
        r = send("smtp://localhost:%d" % sink.port, "--starttls",
                 "--ca-file", "/etc/ssl/certs/ca-certificates.crt")
        assert "error ECONFIG" in r.stdout, r.stdout
        assert sink.messages() == []


@case
def starttls_required_but_not_offered_is_a_config_error():
    with Sink() as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port, "--starttls")
        assert "error ECONFIG" in r.stdout, r.stdout
        assert sink.messages() == []


@case
def smtps_implicit_tls():
    cert, key = make_cert()
    with Sink("--tls-cert", cert, "--tls-key", key, "--smtps") as sink:
        r = send("smtps://localhost:%d" % sink.port, "--ca-file", cert)
        assert r.returncode == 0, r.stdout + r.stderr
        assert len(sink.messages()) == 1


@case
def fifty_sends_use_one_connection():
    with Sink() as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port, "--count", "50")
        s = sent_line(r)
        assert s["sent"] == 50 and s["connections"] == 1, r.stdout
        st = sink.stats()
        assert st["connections"] == 1 and st["messages"] == 50, st
        assert len(set(sink.messages())) == 1


@case
def throughput_of_2000_messages_of_6kb():
    # No --stats: rewriting that file per message would be what we measure.
    with Sink(stats=False) as sink:
        r = send("smtp://127.0.0.1:%d" % sink.port, "--count", "2000",
                 "--size", "2600", timeout=300)
        s = sent_line(r)
        assert s["sent"] == 2000 and s["connections"] == 1, r.stdout
        assert 5500 <= s["bytes"] <= 6800, s
        assert len(os.listdir(os.path.join(sink.maildir, "new"))) == 2000
        print("# throughput: %d messages of %d bytes in %.2f s = %.0f "
              "messages/s on one connection" % (s["sent"], s["bytes"],
                                                s["seconds"], s["rate"]))


def main():
    try:
        run(needs_db=False)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
