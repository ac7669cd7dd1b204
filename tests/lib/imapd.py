"""imapd.py -- a real IMAP server (Debian's dovecot-imapd) for one test.

Dovecot runs as the current user from a temp folder with its own
dovecot.conf: no system service, a free loopback port, one passwd-file
user, mail in a maildir inside the folder.  Plain IMAP offers STARTTLS
with a self-signed certificate made here; a second listener speaks
implicit TLS (imaps).  Messages are put in with APPEND (imaplib), as a
mail server would deliver them; tests read flags back the same way.
"""
import atexit
import grp
import imaplib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DOVECOT = "/usr/sbin/dovecot"
USER = "summit"
PASSWORD = "imap-test-password"


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


CONF = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class Imapd:
    """dovecot on 127.0.0.1:port (STARTTLS) and :tls_port (imaps)."""

    def __init__(self):
        if not os.access(DOVECOT, os.X_OK):
            raise SystemExit("1..0 # SKIP dovecot-imapd is not installed")
        self.dir = tempfile.mkdtemp(prefix="summit-imapd-")
        os.chmod(self.dir, 0o755)
        self.port = _free_port()
        self.tls_port = _free_port()
        # A password of this instance's own: ports are picked free but not
        # held, so another test's dovecot may take one first; logging in
        # there with a shared password would read and write its mailbox.
        self.user, self.password = USER, "%s-%s" % (PASSWORD,
                                                     secrets.token_hex(8))
        self.cert = os.path.join(self.dir, "cert.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", os.path.join(self.dir, "key.pem"),
             "-out", self.cert], check=True, capture_output=True)
        # Dovecot will not run its processes as root: as root (the CI
        # container) they run as the users Debian's package made.
        if os.getuid() == 0:
            user, login_user = "dovecot", "dovenull"
        else:
            user = login_user = pwd.getpwuid(os.getuid()).pw_name
        me = pwd.getpwnam(user)
        for sub in ("mail", "home", "state"):
            os.mkdir(os.path.join(self.dir, sub))
            os.chown(os.path.join(self.dir, sub), me.pw_uid, me.pw_gid)
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.write("%s:{PLAIN}%s\n" % (USER, self.password))
        self.conf = os.path.join(self.dir, "dovecot.conf")
        with open(self.conf, "w") as f:
            f.write(CONF.format(dir=self.dir, user=user,
                                login_user=login_user,
                                group=grp.getgrgid(me.pw_gid).gr_name,
                                uid=me.pw_uid, gid=me.pw_gid,
                                port=self.port, tls_port=self.tls_port))
        atexit.register(self.close)
        subprocess.run([DOVECOT, "-c", self.conf], check=True)
        deadline = time.time() + 20
        while True:
            try:
                self.client().logout()
                break
            except (OSError, imaplib.IMAP4.error):
                if time.time() > deadline:
                    raise AssertionError("dovecot did not start: " +
                                         self.log())
                time.sleep(0.1)

    def log(self):
        try:
            with open(os.path.join(self.dir, "dovecot.log")) as f:
                return f.read()
        except OSError:
            return ""

    def client(self):
        """A logged-in imaplib client (plain, on the STARTTLS port)."""
        c = imaplib.IMAP4("127.0.0.1", self.port)
        c.login(USER, self.password)
        return c

    def url(self, tls="starttls"):
        """The mailbox URL Summit's [mailbox] url takes."""
        if tls == "imaps":
            return "imaps://127.0.0.1:%d/INBOX" % self.tls_port
        return "imap://127.0.0.1:%d/INBOX" % self.port

    def append(self, message, folder="INBOX"):
        """Delivers message (bytes or str) into folder -> its UID."""
        if isinstance(message, str):
            message = message.encode()
        message = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        c = self.client()
        try:
            typ, data = c.append(folder, None, None, message)
            assert typ == "OK", data
            # [APPENDUID <uidvalidity> <uid>]
            code = data[0].decode()
            return int(code.split("APPENDUID", 1)[1].split()[1].rstrip("]"))
        finally:
            c.logout()

    def flags(self, uid, folder="INBOX"):
        """The flags and keywords of message uid, as a set of strings."""
        c = self.client()
        try:
            c.select(folder, readonly=True)
            typ, data = c.uid("FETCH", str(uid), "(FLAGS)")
            assert typ == "OK", data
            text = data[0].decode()
            inner = text.split("FLAGS (", 1)[1].split(")", 1)[0]
            return set(inner.split())
        finally:
            c.logout()

    def uidvalidity(self, folder="INBOX"):
        c = self.client()
        try:
            typ, data = c.status(folder, "(UIDVALIDITY)")
            return int(data[0].decode().split("UIDVALIDITY")[1]
                       .strip(" )"))
        finally:
            c.logout()

    def recreate(self, folder="INBOX"):
        """Empties folder by deleting its maildir, so the server gives it a
        new UIDVALIDITY (as after a restore from backup); the test appends
        messages again."""
        self.stop()
        shutil.rmtree(os.path.join(self.dir, "mail", USER),
                      ignore_errors=True)
        shutil.rmtree(os.path.join(self.dir, "home", USER),
                      ignore_errors=True)
        time.sleep(1.1)  # UIDVALIDITY is a time stamp in seconds
        subprocess.run([DOVECOT, "-c", self.conf], check=True)
        deadline = time.time() + 20
        while True:
            try:
                self.client().logout()
                return
            except (OSError, imaplib.IMAP4.error):
                if time.time() > deadline:
                    raise
                time.sleep(0.1)

    def password_file(self):
        """The user's password in a file of its own, as summit.conf's
        [mailbox] password_file wants it."""
        pw = os.path.join(self.dir, "summit-imap-password")
        with open(pw, "w") as f:
            f.write(self.password + "\n")
        os.chmod(pw, 0o600)
        return pw

    def summit_instance(self, name):
        """A test Instance (harness.py) whose [mailbox] is this dovecot.
        Its summitd neither sends nor reads: the test runs the mail worker
        and the reader with summitctl, so it knows when each has run."""
        from harness import Instance
        inst = Instance(name, extra_conf=(
            "[registration]\nexpiry_interval_seconds = 86400\n"
            "[mailbox]\nurl = %s\nuser = %s\npassword_file = %s\n"
            "ca_file = %s\nstarttls = true\n" % (
                self.url(), self.user, self.password_file(), self.cert)))
        with open(inst.conf) as f:
            text = f.read()
        assert "poll_seconds = 1\n" in text, text
        with open(inst.conf, "w") as f:
            f.write(text.replace(
                "poll_seconds = 1\n",
                "poll_seconds = 1\nworker_in_summitd = false\n"))
        return inst

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def stop(self):
        pidfile = os.path.join(self.dir, "run", "master.pid")
        try:
            with open(pidfile) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

