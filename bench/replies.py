#!/usr/bin/env python3
"""bench/replies.py -- the half of bench/replies.sh that needs dovecot
(tests/lib/imapd.py): appends one REPLY per invitation listed in
BENCH/invitations (email|session uid|sequence), then times one
`summitctl mailbox-read` (bench/replies.sh counts what was recorded)."""
import os
import string
import subprocess
import sys
import time

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
from imapd import Imapd  # noqa: E402

PARTSTATS = ("ACCEPTED", "TENTATIVE", "DECLINED")


def main(bench, ctl):
    imapd = Imapd()
    with open(os.path.join(TOP, "tests", "fixtures", "replies",
                           "gmail.eml")) as f:
        shape = string.Template(f.read())
    with open(os.path.join(bench, "invitations")) as f:
        rows = [line.rstrip("\n").split("|") for line in f if line.strip()]
    pw = os.path.join(imapd.dir, "password")
    with open(pw, "w") as f:
        f.write(imapd.password + "\n")
    os.chmod(pw, 0o600)
    conf = os.path.join(bench, "summit.conf")
    with open(conf, "a") as f:
        f.write("[mailbox]\nurl = %s\nuser = %s\npassword_file = %s\n"
                "ca_file = %s\nstarttls = true\nbatch = 500\n" % (
                    imapd.url(), imapd.user, pw, imapd.cert))
    c = imapd.client()
    t0 = time.time()
    for i, (email, uid, seq) in enumerate(rows):
        text = shape.substitute(
            attendee=email, ATTENDEE=email.upper(),
            uid=uid + "@example.org", seq=seq,
            partstat=PARTSTATS[i % 3], stamp="20261203T080000",
            id="bench%06d" % i)
        typ, data = c.append(
            "INBOX", None, None,
            text.replace("\r\n", "\n").replace("\n", "\r\n").encode())
        assert typ == "OK", data
    typ, data = c.status("INBOX", "(MESSAGES)")
    c.logout()
    assert ("MESSAGES %d)" % len(rows)) in data[0].decode(), data
    print("replies appended           %d in %.1f s (not measured)"
          % (len(rows), time.time() - t0))
    t0 = time.time()
    r = subprocess.run([ctl, "--config", conf, "mailbox-read"],
                       capture_output=True, text=True)
    took = time.time() - t0
    if r.returncode != 0:
        sys.exit("mailbox-read failed: " + r.stderr[-2000:])
    print(r.stdout.strip())
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"]
    print("read, parsed and recorded  %.2f s for %d replies (%.0f/s)"
          % (took, len(rows), len(rows) / took))
    print("load average (1/5/15 min)  %s" % " ".join(load))
    # What the IMAP side alone costs: the same messages fetched one by one
    # over one connection, as the reader does.
    c = imapd.client()
    c.select("INBOX", readonly=True)
    t0 = time.time()
    for i in range(1, len(rows) + 1):
        c.uid("FETCH", str(i), "(BODY.PEEK[])")
    c.logout()
    print("of which IMAP, about       %.2f s (%d fetches alone, imaplib)"
          % (time.time() - t0, len(rows)))
    imapd.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
