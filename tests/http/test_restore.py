"""test_restore.py -- the restore drill of docs/operations.md.

An event with a confirmed, placed participant whose invitation went out;
the database dumped with pg_dump and restored with pg_restore into a fresh
database; a summitd started on the copy with the same secret key.  The
same pages answer the same, the participant's link from the mail still
opens, and `summitctl publish` on the copy queues nothing (the copy knows
what was sent).  What the secret key adds to the dump is checked too.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import harness  # noqa: E402
from harness import (Client, Instance, Summitd, confirm,  # noqa: E402
                     free_port, register, wait_for)
from tap import case, run  # noqa: E402

PGBIN = "/usr/lib/postgresql/15/bin"
COPY = "summit_http_restore_copy"


def setup():
    inst = Instance("summit_http_restore")
    inst.server = inst.start()
    token = register(inst, "Kari Nordmann", "kari@example.no")
    assert confirm(Client(inst.port), "/confirm/" + token).status == 303
    inst.ctl("allocate", "--apply")
    out = inst.ctl("publish").stdout
    assert re.search(r"queued [1-9]\d* invitations", out), out
    wait_for(lambda: inst.scalar("SELECT count(*) FROM outbox WHERE"
                                 " state = 'queued'") == 0,
             what="the outbox to empty")
    # The link as the participant has it: from the last mail they got.
    body = [b for m, b in inst.mails() if "kari@example.no" in str(m["To"])][-1]
    m = re.search(r"http://127\.0\.0\.1:\d+(/me/[0-9a-f]{32})", body)
    assert m, body
    inst.link = m.group(1)
    return inst


def teardown(inst):
    if inst:
        inst.close()
        harness.drop_database(COPY)


def page(port, path):
    """Status and body, the per-visitor CSRF token taken out."""
    r = Client(port).get(path)
    return r.status, re.sub(r'name="_csrf" value="[0-9a-f]+"', "", r.text)


def start_on_copy(inst, url, key=None):
    """A summitd on the restored database, with the instance's key or
    another one."""
    port = free_port()
    text = open(inst.conf).read()
    text = re.sub(r"(?m)^port = .*$", "port = %d" % port, text)
    # The same public URL, as a restored site keeps its address.
    text = re.sub(r"(?m)^public_url = .*$",
                  "public_url = http://127.0.0.1:%d" % inst.port, text)
    if key:
        text = re.sub(r"(?m)^secret_key_file = .*$",
                      "secret_key_file = " + key, text)
    conf = os.path.join(inst.dir, "copy-%d.conf" % port)
    open(conf, "w").write(text)
    s = Summitd(conf, dict(inst.env, SUMMIT_DATABASE_URL=url), port)
    inst.servers.append(s)
    return s, conf


@case
def restored_copy_answers_the_same(inst):
    paths = ["/", inst.link, inst.link + "/calendar.ics", "/privacy"]
    before = {p: page(inst.port, p) for p in paths}
    assert before[inst.link][0] == 200 and "Kari" in before[inst.link][1]
    dump = os.path.join(inst.dir, "summit.dump")
    subprocess.run([PGBIN + "/pg_dump", "--format=custom", "--file", dump,
                    "--dbname", inst.url], check=True, capture_output=True)
    url = harness.fresh_database(COPY)
    subprocess.run([PGBIN + "/pg_restore", "--exit-on-error", "--no-owner",
                    "--dbname", url, dump], check=True, capture_output=True)
    inst.copy_url = url
    s, inst.copy_conf = start_on_copy(inst, url)
    inst.copy_server = s
    for p in paths:
        got = page(s.port, p)
        if p.endswith(".ics"):
            # DTSTAMP is the time of the request: the status must agree.
            assert got[0] == before[p][0] == 200, (p, got[0])
        else:
            assert got == before[p], (p, got[0], before[p][0])


@case
def publishing_on_the_copy_queues_nothing(inst):
    env = dict(inst.env, SUMMIT_DATABASE_URL=inst.copy_url)
    outbox = harness.connect(inst.copy_url)
    with outbox.cursor() as cur:
        cur.execute("SELECT count(*) FROM outbox")
        rows = cur.fetchone()[0]
    r = subprocess.run([harness.SUMMITCTL, "--config", inst.conf, "publish"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "queued 0 invitations, 0 updates and 0 cancellations" in r.stdout, \
        r.stdout
    with outbox.cursor() as cur:
        cur.execute("SELECT count(*) FROM outbox")
        assert cur.fetchone()[0] == rows
    outbox.close()


def resend(inst, conf):
    """`summitctl outbox --resend` of the participant's last message with
    a link, on the copy -> the link in the message sent again."""
    copy = harness.connect(inst.copy_url)
    with copy.cursor() as cur:
        cur.execute("SELECT max(id) FROM outbox WHERE recipient = %s"
                    " AND link_nonce IS NOT NULL", ("kari@example.no",))
        row = cur.fetchone()[0]
    copy.close()
    before = len(inst.mails())
    r = subprocess.run([harness.SUMMITCTL, "--config", conf, "outbox",
                        "--resend", str(row)], capture_output=True, text=True,
                       env=dict(inst.env, SUMMIT_DATABASE_URL=inst.copy_url),
                       timeout=60)
    assert r.returncode == 0, r.stderr
    mails = wait_for(lambda: len(inst.mails()) > before and inst.mails(),
                     what="the message sent again")
    m = re.search(r"http://127\.0\.0\.1:\d+(/me/[0-9a-f]{32})", mails[-1][1])
    assert m, mails[-1][1]
    return m.group(1)


@case
def what_the_key_keeps(inst):
    """Links already mailed open from the database alone (it holds their
    hashes).  The key derives a message's link from its stored nonce: with
    it a message sent again after the restore carries the same link, and
    the forms' CSRF tokens (and organisers' known-device cookies) issued
    before stay good; with another key the message carries a new link and
    every open form is refused once."""
    c = Client(inst.copy_server.port)
    csrf = c.csrf()
    assert resend(inst, inst.copy_conf) == inst.link
    inst.copy_server.stop()
    key = os.path.join(inst.dir, "other.key")
    with open(key, "w") as f:
        f.write(os.urandom(32).hex())
    os.chmod(key, 0o600)
    s, conf = start_on_copy(inst, inst.copy_url, key)
    new = resend(inst, conf)
    assert new != inst.link
    other = Client(s.port)
    assert other.get(inst.link).status == 200
    assert other.get(new).status == 200
    # The form fetched before the key changed, sent after.
    other.cookies = dict(c.cookies)
    r = other.post("/register", harness.registration_form(csrf))
    assert r.status == 403, r.status


if __name__ == "__main__":
    run(setup, teardown)
