#!/usr/bin/python3
"""test_dkim.py -- our DKIM signatures checked by an independent verifier.

mail-sample signs a composed iMIP message with a key made here by
openssl(1); Debian's dkimpy verifies it, with the public key served by a
fake DNS lookup.  Changing the body or the Subject must break it; a key
file that others can read must be refused.
"""
import email
import email.policy
import os
import shutil
import subprocess
import sys
import tempfile

import dkim

sys.path.insert(0, os.path.join(os.environ["SUMMIT_SOURCE_DIR"], "tests", "lib"))
from tap import case, run  # noqa: E402

SAMPLE = os.environ["MAIL_SAMPLE"]
TMP = tempfile.mkdtemp(prefix="summit-dkim-")
KEY = os.path.join(TMP, "dkim.pem")


def sign(key=KEY, extra=()):
    out = tempfile.mkdtemp(dir=TMP)
    r = subprocess.run([SAMPLE, "sign", "--key", key, "--domain",
                        "summit.example.no", "--selector", "s2026", *extra,
                        out], capture_output=True, text=True, timeout=60)
    return r, out


def signed():
    r, out = sign()
    assert r.returncode == 0, r.stdout + r.stderr
    with open(os.path.join(out, "signed.eml"), "rb") as f:
        msg = f.read()
    with open(os.path.join(out, "dns.txt"), "rb") as f:
        record = f.read()
    return msg, record


def verify(msg, record):
    def dnsfunc(name, timeout=5):
        assert name == b"s2026._domainkey.summit.example.no.", name
        return record
    return dkim.verify(msg, dnsfunc=dnsfunc)


@case
def signature_verifies_with_dkimpy():
    msg, record = signed()
    assert msg.startswith(b"DKIM-Signature: v=1; a=rsa-sha256;"
                          b" c=relaxed/relaxed; d=summit.example.no;"), msg[:200]
    assert verify(msg, record)


@case
def signature_covers_the_required_headers():
    msg, _ = signed()
    sig = dkim.util.parse_tag_value(
        email.message_from_bytes(msg)["DKIM-Signature"].encode())
    h = sig[b"h"].replace(b" ", b"").replace(b"\t", b"").replace(b"\r\n", b"")
    assert h == b"from:to:subject:date:message-id:mime-version:content-type", h
    assert sig[b"a"] == b"rsa-sha256" and sig[b"c"] == b"relaxed/relaxed"


@case
def every_line_is_crlf_and_short():
    msg, _ = signed()
    assert msg.endswith(b"\r\n")
    lines = msg.split(b"\r\n")
    assert all(b"\n" not in l and b"\r" not in l for l in lines)
    assert max(len(l) for l in lines) <= 78, max(len(l) for l in lines)


@case
def tampered_body_fails():
    msg, record = signed()
    head, _, body = msg.partition(b"\r\n\r\n")
    # One base64 character of the first body line changed.
    i = body.index(b"\r\n", body.index(b"base64\r\n\r\n") + 10) - 5
    body = body[:i] + (b"A" if body[i:i + 1] != b"A" else b"B") + body[i + 1:]
    assert not verify(head + b"\r\n\r\n" + body, record)


@case
def tampered_subject_fails():
    msg, record = signed()
    assert b"\r\nSubject: =?UTF-8?B?SW52" in msg
    assert not verify(msg.replace(b"\r\nSubject: =?UTF-8?B?SW52",
                                  b"\r\nSubject: =?UTF-8?B?SW51", 1), record)


@case
def relaxed_survives_whitespace_changes():
    # What relaxed/relaxed is for: a relay that refolds headers or pads
    # line ends must not break the signature.
    msg, record = signed()
    head, _, body = msg.partition(b"\r\n\r\n")
    head = head.replace(b"MIME-Version: 1.0", b"MIME-Version:   1.0  ")
    body = body.replace(b"\r\n", b"  \r\n", 3) + b"\r\n\r\n"
    assert verify(head + b"\r\n\r\n" + body, record)


@case
def readable_key_file_is_refused():
    loose = os.path.join(TMP, "loose.pem")
    with open(KEY, "rb") as src, open(loose, "wb") as dst:
        dst.write(src.read())
    os.chmod(loose, 0o640)
    r, _ = sign(key=loose)
    assert r.returncode == 2 and "error ECONFIG" in r.stdout, r.stdout
    assert "not a private file" in r.stdout, r.stdout


@case
def missing_key_file_is_a_config_error():
    r, _ = sign(key=os.path.join(TMP, "nope.pem"))
    assert r.returncode == 2 and "error ECONFIG" in r.stdout, r.stdout


def main():
    old = os.umask(0o077)
    subprocess.run(["openssl", "genrsa", "-out", KEY, "2048"], check=True,
                   capture_output=True, timeout=60)
    os.umask(old)
    try:
        run(needs_db=False)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
