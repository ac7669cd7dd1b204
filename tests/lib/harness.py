"""harness.py -- a throwaway database and a real summitd for one test file.

The test command (scripts/test.sh) starts a private PostgreSQL cluster and
exports SUMMIT_TEST_PGURL; each test file makes its own database from sql/
(as pg_regress does), runs summitd on a free loopback port against it, and
drops both at the end.  Nothing here is mocked.
"""
import atexit
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import psycopg2

SOURCE = os.environ.get("SUMMIT_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SUMMIT_BUILD_DIR") or os.path.join(SOURCE, "build")
SUMMITD = os.path.join(BUILD, "src", "summitd")
SUMMITCTL = os.path.join(BUILD, "src", "summitctl")


def pg_url(dbname):
    """SUMMIT_TEST_PGURL with another database name."""
    base = os.environ.get("SUMMIT_TEST_PGURL")
    if not base:
        raise SystemExit("1..0 # SKIP SUMMIT_TEST_PGURL is not set")
    u = urllib.parse.urlsplit(base)
    return "%s://%s/%s%s" % (u.scheme, u.netloc, dbname,
                             "?" + u.query if u.query else "")


def connect(url):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def fresh_database(name):
    """Creates an empty database NAME (dropping an old one) -> its URL."""
    admin = connect(pg_url("postgres"))
    with admin.cursor() as cur:
        cur.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        cur.execute('CREATE DATABASE "%s"' % name)
    admin.close()
    return pg_url(name)


def drop_database(name):
    admin = connect(pg_url("postgres"))
    with admin.cursor() as cur:
        cur.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    admin.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Instance:
    """A migrated database with the demo event and a config for it."""

    def __init__(self, name, extra_conf=""):
        self.name = name
        self.url = fresh_database(name)
        self.dir = tempfile.mkdtemp(prefix="summit-%s-" % name)
        self.maildir = os.path.join(self.dir, "maildir")
        self.port = free_port()
        key = os.path.join(self.dir, "secret.key")
        with open(key, "w") as f:
            f.write(os.urandom(32).hex())
        os.chmod(key, 0o600)
        self.conf = os.path.join(self.dir, "summit.conf")
        with open(self.conf, "w") as f:
            f.write(CONF_TEMPLATE.format(
                port=self.port, templates=os.path.join(SOURCE, "templates"),
                static=os.path.join(SOURCE, "static"),
                maildir=self.maildir, key=key) + extra_conf)
        # Strict templates (src/tmpl): a page that names a value its
        # context lacks fails to render, so no test passes over one.
        self.env = dict(os.environ, SUMMIT_DATABASE_URL=self.url,
                        SUMMIT_STRICT_TEMPLATES="1")
        self.ctl("migrate")
        self.ctl("load-demo")
        self.db = connect(self.url)
        self.servers = []

    def add_conf(self, text):
        """Appends settings to the instance's config file."""
        with open(self.conf, "a") as f:
            f.write(text)

    def ctl(self, *args, check=True, input=None):
        r = subprocess.run([SUMMITCTL, "--config", self.conf] + list(args),
                           env=self.env, capture_output=True, timeout=120,
                           input=input.encode() if input else None)
        # Decoded by hand: text=True would turn CRLF into LF.
        r.stdout = r.stdout.decode("utf-8", "replace")
        r.stderr = r.stderr.decode("utf-8", "replace")
        if check and r.returncode != 0:
            raise AssertionError("summitctl %s failed: %s%s" % (
                " ".join(args), r.stdout, r.stderr))
        return r

    def query(self, sql, *params):
        with self.db.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else None

    def scalar(self, sql, *params):
        return self.query(sql, *params)[0][0]

    def start(self, port=None, extra_conf=None):
        """Starts a summitd; several may share the database."""
        conf = self.conf
        if port is not None or extra_conf:
            conf = os.path.join(self.dir, "summit-%d.conf" % (port or 0))
            text = open(self.conf).read()
            if port is not None:
                text = re.sub(r"(?m)^port = .*$", "port = %d" % port, text)
            open(conf, "w").write(text + (extra_conf or ""))
        s = Summitd(conf, self.env, port or self.port)
        self.servers.append(s)
        return s

    def mails(self):
        """The messages delivered so far, as (headers, text body)."""
        import email
        import email.policy
        out = []
        new = os.path.join(self.maildir, "new")
        if not os.path.isdir(new):
            return out
        for fn in sorted(os.listdir(new)):
            with open(os.path.join(new, fn), "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",))
            out.append((msg, body.get_content() if body else ""))
        return out

    def close(self):
        errors = []
        for s in self.servers:
            rc = s.stop()
            if rc != 0:
                errors.append("summitd exited with %d:\n%s" % (rc, s.report()))
        self.db.close()
        drop_database(self.name)
        shutil.rmtree(self.dir, ignore_errors=True)
        if errors:
            raise AssertionError("\n".join(errors))


# Tests drive summitd from one address (127.0.0.1) with many clients at
# once, so the per-address connection cap is raised here; test_hardening
# sets it back to the default and tests it from several addresses.
# For tests that send many registrations from one test address on purpose:
# the registration rate limits are tested in test_registration_limits.py.
NO_REGISTRATION_LIMITS = ("[registration]\nper_address_burst = 100000\n"
                          "per_domain_burst = 100000\n")

CONF_TEMPLATE = """[server]
listen_address = 127.0.0.1
port = {port}
public_url = http://127.0.0.1:{port}
threads = 8
max_connections_per_ip = 256
templates_dir = {templates}
static_dir = {static}
[database]
pool_size = 8
[mail]
transport = maildir
maildir = {maildir}
poll_seconds = 1
[security]
secret_key_file = {key}
"""


# Every summitd a test file started; those still running when the file
# ends (its setup failed before teardown could know them, say) are stopped,
# so no test leaves a server behind.
_STARTED = []


@atexit.register
def _stop_leftovers():
    for s in _STARTED:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


class Summitd:
    def __init__(self, conf, env, port):
        self.port = port
        self.logf = tempfile.NamedTemporaryFile(prefix="summitd-", suffix=".log",
                                                delete=False)
        self.proc = subprocess.Popen([SUMMITD, "--config", conf], env=env,
                                     stdout=self.logf, stderr=subprocess.STDOUT)
        _STARTED.append(self)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("summitd died at start:\n" + self.log_tail())
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/health")
                # Up once it answers and has finished starting (dropped
                # privileges): slow builds (TSan) answer well before that.
                if c.getresponse().status == 200 and \
                        " listening on " in self.log():
                    c.close()
                    return
                c.close()
                time.sleep(0.05)
            except OSError:
                time.sleep(0.1)
        raise AssertionError("summitd did not answer:\n" + self.log_tail())

    def log_tail(self, n=40):
        with open(self.logf.name, errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def log(self):
        with open(self.logf.name, errors="replace") as f:
            return f.read()

    def report(self):
        """A sanitizer's report from the log if there is one (a TSan race
        report is longer than any tail), else the log's last lines."""
        text = self.log()
        for mark in ("WARNING: ThreadSanitizer", "ERROR: AddressSanitizer",
                     "runtime error:", "-CRITICAL **"):
            at = text.find(mark)
            if at >= 0:
                return text[text.rfind("\n", 0, at) + 1:][:12000]
        return self.log_tail()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -9
        return self.proc.returncode


class Client:
    """An HTTP/1.1 client with one keep-alive connection and a cookie jar."""

    def __init__(self, port, lang=None):
        self.port = port
        self.cookies = {}
        self.lang = lang
        self.conn = self.connect()

    def connect(self):
        """A new connection to the server (a subclass may speak TLS)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method, path, body=None, headers=None, raw_body=None):
        h = {"Connection": "keep-alive"}
        if self.lang:
            h["Accept-Language"] = self.lang
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if body is not None:
            raw_body = urllib.parse.urlencode(body).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=raw_body, headers=h)
            r = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed a kept-alive connection: one new try.
            self.conn.close()
            self.conn = self.connect()
            self.conn.request(method, path, body=raw_body, headers=h)
            r = self.conn.getresponse()
        body = r.read()
        data = body.decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        r.text = data
        r.body = body  # the bytes, for a binary download (.xlsx)
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def csrf(self, path="/register"):
        r = self.get(path)
        m = re.search(r'name="_csrf" value="([0-9a-f]+)"', r.text)
        assert m, "no CSRF token on %s" % path
        return m.group(1)


def organiser(inst, email, role, password="correct horse battery"):
    """Adds an organiser and returns a Client logged in as them."""
    inst.ctl("organiser", "add", email, "--role", role, "--password-stdin",
             input=password + "\n")
    c = Client(inst.port)
    csrf = c.csrf("/console/login")
    r = c.post("/console/login", {"_csrf": csrf, "email": email,
                                  "password": password})
    assert r.status == 303 and r.getheader("Location") == "/console", \
        (r.status, r.text[:500])
    return c


def console_read_pages(participant, slot, session, sector):
    """The console's GET pages that read one thing each (a participant, a
    slot, a session, a sector of the demo event)."""
    return ["/console", "/console/audit", "/console/registrations",
            "/console/registrations/export.csv",
            "/console/registrations/export-excel.csv",
            "/console/registrations/import",
            "/console/registrations/%d" % participant,
            "/console/registrations/%d/export.json" % participant,
            "/console/allocation", "/console/sessions/%d/seating" % session,
            "/console/sessions/%d/plan" % session,
            "/console/sessions/%d/cards" % session, "/console/publish",
            "/console/event", "/console/programme", "/console/slots",
            "/console/slots/%d" % slot, "/console/sessions",
            "/console/sessions/%d" % session, "/console/sectors",
            "/console/sectors/%s" % sector, "/console/codes",
            "/console/codes.csv",
            "/console/invitees", "/console/invitees/export.csv",
            "/console/invitees/import", "/console/badges",
            "/console/badges/print", "/console/door-list",
            "/console/door-list.csv", "/console/door-list/import",
            "/console/door/counts", "/console/messages", "/console/api"]


def registration_form(csrf, **over):
    """A valid registration form; a field given as None is left out."""
    f = {"_csrf": csrf, "name": "Kari Nordmann", "email": "kari@example.no",
         "organisation": "LO", "sector": "union", "role": "Rådgiver",
         "needs": "", "language": "nb", "consent": "yes",
         "rank1": "1", "rank2": "5"}
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def register(inst, name, email):
    """A registration by the public form; its page token from the mail."""
    before = len(inst.mails())
    c = Client(inst.port)
    r = c.post("/register", {
        "_csrf": c.csrf(), "name": name, "email": email,
        "organisation": "LO", "sector": "union", "language": "nb",
        "consent": "yes", "rank1": "1", "rank2": "5", "rank3": "9"})
    assert r.status == 303, (r.status, r.text[:300])
    mails = wait_for(lambda: len(inst.mails()) > before and inst.mails(),
                     what="the mail to " + email)
    body = [b for m, b in mails if m["To"] and email in str(m["To"])][-1]
    m = re.search(r"/(?:confirm|me)/([0-9a-f]{32})", body)
    assert m, body
    return m.group(1)


def link_from_mail(body):
    m = re.search(r"http://127\.0\.0\.1:\d+(/confirm/[0-9a-f]{32})", body)
    assert m, "no confirmation link in:\n" + body
    return m.group(1)


def confirm(client, link):
    """Confirms as a person does: opens the link (GET only shows a page),
    then presses the page's button (a POST with the CSRF token).  Returns
    the POST's response."""
    csrf = client.csrf(link)
    return client.post(link, {"_csrf": csrf})


def wait_for(pred, timeout=15, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


SMTP_SINK = os.path.join(SOURCE, "tests", "unit", "mail", "smtp_sink.py")


class SmtpSink:
    """A real SMTP server (python3-aiosmtpd) that stores what it receives."""

    def __init__(self, *args):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="summit-sink-")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", SMTP_SINK, "--port", str(self.port),
             "--maildir", self.dir] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        if "ready" not in line:
            raise AssertionError("smtp sink did not start: " + line +
                                 self.proc.stdout.read())

    def files(self):
        new = os.path.join(self.dir, "new")
        return sorted(os.listdir(new)) if os.path.isdir(new) else []

    def messages(self):
        """Parsed messages, with .raw holding the bytes as received."""
        import email
        import email.policy
        out = []
        for fn in self.files():
            with open(os.path.join(self.dir, "new", fn), "rb") as f:
                raw = f.read()
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            msg.raw = raw
            out.append(msg)
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def smtp_conf(sink, dkim_key=None, extra=""):
    """Config lines that send mail to sink (and sign with dkim_key)."""
    text = ("[mail]\ntransport = smtp\nsmtp_url = smtp://127.0.0.1:%d\n"
            "worker_in_summitd = false\n" % sink.port)
    if dkim_key:
        text += ("dkim_domain = example.org\ndkim_selector = summit\n"
                 "dkim_key_file = %s\n" % dkim_key)
    return text + extra


def make_dkim_key(directory):
    path = os.path.join(directory, "dkim.pem")
    subprocess.run(["openssl", "genrsa", "-out", path, "2048"], check=True,
                   capture_output=True)
    os.chmod(path, 0o600)
    return path
