#!/usr/bin/env python3
"""run_e2e.py -- runs one end-to-end test file (tests/e2e/NAME.mjs) in a
real headless Chromium against a real summitd and PostgreSQL, as TAP.

Makes a fresh database with the demo event (tests/lib/harness.py), adds an
admin and a staff organiser and some confirmed participants with ranked
preferences, starts summitd, then runs `node --test --test-reporter=tap`
on the file with the addresses in the environment.  node's top-level
results are re-emitted numbered (subtests and YAML details become
comments) so meson and scripts/test.sh count every case; skips stay skips.

Missing prerequisites (node, Chromium, tests/e2e/node_modules) are a
failure, not a skip: scripts/test.sh installs them.
"""
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from harness import SUMMITCTL, Instance  # noqa: E402

CHROMIUM = os.environ.get("SUMMIT_E2E_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"
N_PARTICIPANTS = 60

TEST_LINE = re.compile(r"^(ok|not ok)\s+\d+\s*(?:-\s*)?(.*)$")


def emit(line):
    print(line, flush=True)


def fail_early(name, why):
    emit("1..1")
    emit("not ok 1 - %s" % name)
    for line in why.splitlines():
        emit("# " + line)
    sys.exit(1)


def prerequisites():
    missing = []
    if not shutil.which("node"):
        missing.append("node (Debian package nodejs)")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append("%s (Debian package chromium)" % CHROMIUM)
    for mod in ("playwright-core", "axe-core"):
        if not os.path.isdir(os.path.join(HERE, "node_modules", mod)):
            missing.append("tests/e2e/node_modules/%s (npm ci in tests/e2e;"
                           " scripts/test.sh does it)" % mod)
    if not shutil.which("psql"):
        missing.append("psql (Debian package postgresql-client-15)")
    return missing


def seed(inst):
    """Organisers, and confirmed participants who ranked sessions."""
    inst.ctl("organiser", "add", "admin@example.org", "--role", "admin",
             "--password-stdin", input=PASSWORD + "\n")
    inst.ctl("organiser", "add", "staff@example.org", "--role", "staff",
             "--password-stdin", input=PASSWORD + "\n")
    ev = inst.scalar("SELECT id FROM event")
    sessions = [r[0] for r in inst.query("SELECT id FROM session ORDER BY id")]
    sectors = ["business", "academia", "union", "government", "other"]
    rnd = random.Random(5)
    for i in range(N_PARTICIPANTS):
        pid = inst.scalar(
            "INSERT INTO participant (event_id, name, email, organisation,"
            " sector, status, consent_at, email_confirmed_at, language)"
            " VALUES (%s, %s, %s, %s, %s, 'confirmed', now(), now(), 'nb')"
            " RETURNING id", ev, "Deltaker %d" % i, "p%d@example.no" % i,
            "Org %d" % (i % 12), sectors[i % 5])
        for rank, sid in enumerate(rnd.sample(sessions, 3), 1):
            inst.query("INSERT INTO preference (event_id, participant_id,"
                       " session_id, rank) VALUES (%s, %s, %s, %s)",
                       ev, pid, sid, rank)


def relay(proc):
    """Re-emits node's TAP; returns (cases, failures)."""
    n = failed = 0
    for raw in proc.stdout:
        line = raw.rstrip("\n")
        if line.strip() == "" or line.startswith("TAP version"):
            continue
        if re.match(r"^1\.\.\d+", line):
            continue  # our own plan comes at the end
        m = TEST_LINE.match(line)
        if m:
            n += 1
            if m.group(1) == "not ok":
                failed += 1
            emit("%s %d - %s" % (m.group(1), n, m.group(2)))
            continue
        if line.startswith("# "):
            emit(line)
            continue
        # Subtests, YAML blocks and stray output: comments.
        emit("# " + line)
    return n, failed


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: run_e2e.py FILE.mjs")
    test_file = os.path.abspath(sys.argv[1])
    name = os.path.splitext(os.path.basename(test_file))[0]
    missing = prerequisites()
    if missing:
        fail_early("e2e prerequisites", "missing:\n" + "\n".join(missing))
    if not os.environ.get("SUMMIT_TEST_PGURL"):
        emit("1..0 # SKIP SUMMIT_TEST_PGURL is not set (scripts/test.sh sets it)")
        return 0
    inst = None
    status = 1
    try:
        try:
            inst = Instance("summit_e2e_" + name)
            seed(inst)
            server = inst.start()
        except Exception:  # any set-up failure is a failed case
            import traceback
            fail_early("set up %s (database, organisers, summitd)" % name,
                       traceback.format_exc())
        env = dict(os.environ,
                   BASE_URL="http://127.0.0.1:%d" % inst.port,
                   SUMMIT_E2E_DB_URL=inst.url,
                   SUMMIT_E2E_MAILDIR=inst.maildir,
                   SUMMIT_E2E_ADMIN="admin@example.org",
                   SUMMIT_E2E_STAFF="staff@example.org",
                   SUMMIT_E2E_PASSWORD=PASSWORD,
                   SUMMIT_E2E_CHROMIUM=CHROMIUM,
                   # summitctl on this instance (answers.mjs publishes).
                   SUMMIT_E2E_CTL=SUMMITCTL,
                   SUMMIT_E2E_CONF=inst.conf,
                   SUMMIT_DATABASE_URL=inst.url,
                   NODE_PATH=os.path.join(HERE, "node_modules"))
        # A file's tests may take up to 540 s, under meson's 600: a11y's
        # 32 pages take 2-3 minutes alone but over 5 on a loaded machine.
        proc = subprocess.Popen(
            ["node", "--test", "--test-reporter=tap",
             "--test-timeout=540000", test_file],
            cwd=HERE, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        n, failed = relay(proc)
        rc = proc.wait()
        if rc != 0 and failed == 0:
            n += 1
            failed += 1
            emit("not ok %d - node --test exited with %d" % (n, rc))
        if n == 0:
            n += 1
            failed += 1
            emit("not ok %d - %s.mjs reported no test" % (n, name))
        if server.proc.poll() is not None:
            n += 1
            failed += 1
            emit("not ok %d - summitd died during the tests" % n)
            for line in server.log_tail().splitlines():
                emit("# " + line)
        emit("1..%d" % n)
        status = 1 if failed else 0
    finally:
        if inst:
            try:
                inst.close()
            except AssertionError as e:
                emit("# " + str(e).replace("\n", "\n# "))
                emit("Bail out! summitd did not stop cleanly")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
