"""faultlib.py -- what the fault tests share: a private PostgreSQL cluster
that a test may stop, restart or kill, a participant made for the link
pages, a walk over every public page, and registering clients.

The shared test cluster (SUMMIT_TEST_PGURL) serves every test file at once,
so a test that restarts or kills PostgreSQL gets a cluster of its own:
initdb into a temporary folder (as the "postgres" user when we are root,
since initdb refuses root), listening only on a Unix socket in that folder.
"""
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import psycopg2  # noqa: E402
from harness import Client  # noqa: E402

PGBIN = "/usr/lib/postgresql/15/bin"


def _as_postgres(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


class PrivatePg:
    """A PostgreSQL 15 cluster of our own; url names its "postgres" db.

    The postmaster is this process's own child (not started through
    pg_ctl, whose postmaster is adopted by whatever reaps orphans -- in a
    container often nothing, and a dead postmaster left a zombie keeps its
    postmaster.pid looking alive), so a kill -9 is reaped at once."""

    PORT = 5432	# the socket lives in our own folder: no clash

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="summit-fault-pg-")
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self.run = os.path.join(self.dir, "run")
        self.log = os.path.join(self.dir, "server.log")
        self.proc = None
        subprocess.run(_as_postgres([
            os.path.join(PGBIN, "initdb"), "-D", self.data, "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            "--no-sync"]), check=True, capture_output=True, timeout=120)
        subprocess.run(_as_postgres(["mkdir", "-p", self.run]), check=True)
        self.start()

    def url(self, dbname="postgres"):
        return "postgresql:///%s?host=%s&port=%d&user=postgres" % (
            dbname, self.run, self.PORT)

    def start(self):
        """Starts the postmaster; returns once it accepts connections."""
        kw = dict(user="postgres", group="postgres",
                  extra_groups=[]) if self.root else {}
        logf = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(PGBIN, "postgres"), "-D", self.data,
             "-c", "listen_addresses=", "-k", self.run, "-p", str(self.PORT),
             "-c", "max_connections=100", "-c", "shared_buffers=32MB"],
            stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            **kw)
        logf.close()
        return self.wait_accepting()

    def accepting(self):
        try:
            psycopg2.connect(self.url(), connect_timeout=2).close()
            return True
        except psycopg2.OperationalError:
            return False

    def wait_accepting(self, timeout=60):
        """-> the monotonic time at which it was seen accepting."""
        deadline = time.time() + timeout
        while not self.accepting():
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError("PostgreSQL exited:\n" +
                                     self.log_tail())
            if time.time() > deadline:
                raise AssertionError("PostgreSQL does not accept "
                                     "connections:\n" + self.log_tail())
            time.sleep(0.02)
        return time.monotonic()

    def shutdown(self):
        """Fast shutdown (sessions are terminated), waited for."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self):
        """A clean restart -> when it accepts connections again."""
        self.shutdown()
        return self.start()

    def kill9(self):
        """kill -9 of the postmaster; returns once every process it had
        started is gone too (they notice their parent's death), so that a
        new postmaster may use the data folder."""
        pm = self.proc.pid
        children = [pid for pid in _pids() if _ppid(pid) == pm]
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        deadline = time.time() + 30
        while any(_alive(p) for p in children):
            if time.time() > deadline:
                raise AssertionError("PostgreSQL's processes outlive the "
                                     "postmaster")
            time.sleep(0.02)

    def log_tail(self, n=30):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)	# immediate
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def _pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def _ppid(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def new_token():
    """A link token as summitd makes them (128 bits, lower-case hex)."""
    return secrets.token_hex(16)


def make_participant(inst, email):
    """A confirmed participant with a place, a published placement and a
    page token -> the token (the pages behind links need one)."""
    token = new_token()
    ev = inst.scalar("SELECT id FROM event")
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, consent_at, email_confirmed_at, language) VALUES"
        " (%s, 'Fault Tester', %s, 'LO', 'union', 'confirmed', now(), now(),"
        " 'nb') RETURNING id", ev, email)
    inst.query("UPDATE place SET participant_id = %s WHERE (event_id,"
               " place_no) = (SELECT event_id, place_no FROM place WHERE"
               " event_id = %s AND participant_id IS NULL ORDER BY place_no"
               " LIMIT 1)", pid, ev)
    inst.query("INSERT INTO preference (event_id, participant_id, session_id,"
               " rank) VALUES (%s, %s, 1, 1)", ev, pid)
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id,"
               " published) VALUES (%s, %s, 1, true)", ev, pid)
    inst.query("INSERT INTO participant_token (hash, participant_id) VALUES"
               " (%s, %s)", hashlib.sha256(token.encode()).hexdigest(), pid)
    return token


def reg_form(csrf, email, name="Fault Tester"):
    return {"_csrf": csrf, "name": name, "email": email,
            "organisation": "LO", "sector": "union", "role": "",
            "needs": "", "language": "nb", "consent": "yes",
            "rank1": "1", "rank2": "5", "rank3": "9"}


_seq = iter(range(1, 1 << 30))
_seq_lock = threading.Lock()


def unique_email(tag):
    with _seq_lock:
        n = next(_seq)
    return "%s-%d-%s@fault%d.example.no" % (tag, n, secrets.token_hex(3),
                                            n % 97)


def walk_public_pages(port, token):
    """Requests every public page once (a participant's pages with token)
    -> [(what, status)].  Read-only except one new registration and one
    ranking."""
    out = []
    c = Client(port)

    def note(what, r):
        out.append((what, r.status))
        return r

    note("GET /", c.get("/"))
    r = note("GET /register", c.get("/register"))
    m = re.search(r'name="_csrf" value="([0-9a-f]+)"', r.text)
    csrf = m.group(1) if m else ""
    note("POST /register", c.post("/register",
                                  reg_form(csrf, unique_email("walk"))))
    note("GET /registered", c.get("/registered"))
    note("GET /privacy", c.get("/privacy"))
    note("GET /health", c.get("/health"))
    note("GET /programme.ics", c.get("/programme.ics"))
    r = note("GET /me/T", c.get("/me/" + token))
    m = re.search(r'name="_csrf" value="([0-9a-f]+)"', r.text)
    csrf = m.group(1) if m else csrf
    feed = re.search(r"/feed/([0-9a-f]{32})", r.text)
    note("GET /me/T/calendar.ics", c.get("/me/%s/calendar.ics" % token))
    if feed:
        note("GET /feed/F", c.get("/feed/" + feed.group(1)))
    note("POST /me/T/preferences", c.post(
        "/me/%s/preferences" % token, {"_csrf": csrf, "rank1": "1",
                                       "rank2": "5"}))
    note("GET /confirm/T", c.get("/confirm/" + token))
    # A cancel without the box ticked changes nothing but runs the path.
    note("POST /me/T/cancel", c.post("/me/%s/cancel" % token,
                                     {"_csrf": csrf}))
    return out


class Registrants:
    """n threads, each with its own client (a harness.Client, or the
    class given), registering new e-mails as fast as answers come; answers[email] is the status (or None when the
    connection failed), each with its start time (monotonic)."""

    def __init__(self, port, n=8, tag="reg", pause=0.0, client=Client):
        self.port = port
        self.client = client
        self.tag = tag
        self.pause = pause
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.answers = []	# (started, email, status or None)
        self.threads = [threading.Thread(target=self._run, daemon=True)
                        for _ in range(n)]
        for t in self.threads:
            t.start()

    def _run(self):
        c = None
        csrf = None
        while not self.stop_flag.is_set():
            started = time.monotonic()
            email = None
            try:
                if c is None:
                    c = self.client(self.port)
                    c.conn.timeout = 10
                    csrf = c.csrf()
                email = unique_email(self.tag)
                r = c.post("/register", reg_form(csrf, email))
                status = r.status
            except Exception:  # the server died or went away
                status = None
                c = None
                time.sleep(0.05)
            if email is not None:
                with self.lock:
                    self.answers.append((started, email, status))
            if self.pause:
                time.sleep(self.pause)

    def count(self, status=303):
        with self.lock:
            return sum(1 for _, _, s in self.answers if s == status)

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(30)
        with self.lock:
            return list(self.answers)


def check_registrations(inst, answers):
    """Every registration answered 303 is in the database; no place row
    is held by two participants; participants holding places <= capacity.
    (Holds whether a place is claimed at registration or at
    confirmation.)"""
    acked = [e for _, e, s in answers if s == 303]
    have = set(e for (e,) in inst.query(
        "SELECT lower(email) FROM participant WHERE lower(email) ="
        " ANY(%s)", [e.lower() for e in acked]))
    lost = [e for e in acked if e.lower() not in have]
    assert not lost, "%d acknowledged registrations lost, e.g. %s" % (
        len(lost), lost[:3])
    twice = inst.query("SELECT participant_id FROM place WHERE participant_id"
                       " IS NOT NULL GROUP BY participant_id HAVING"
                       " count(*) > 1")
    assert not twice, "places held twice: %r" % twice
    for ev, cap, held in inst.query(
            "SELECT e.id, e.capacity, (SELECT count(DISTINCT participant_id)"
            " FROM place p WHERE p.event_id = e.id AND participant_id IS NOT"
            " NULL) FROM event e"):
        assert held <= cap, "event %d: %d places held, capacity %d" % (
            ev, held, cap)
    return len(acked)
