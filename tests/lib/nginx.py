"""nginx.py -- Debian's nginx running Summit's own nginx configuration
(config/nginx/summit.conf) in a folder of its own, for the tests and
bench/scale.sh.

The configuration is used as it is shipped; only what differs on a test
machine is replaced, each replacement checked to have happened (so a
changed file fails here, not silently): the listening ports (loopback,
free ports), the upstream's summitd lines (one per port given), the
certificate (a self-signed one made with openssl), the static folder
(the checkout's).  Around it goes a minimal main configuration: pid, logs
and temporary files in the folder, nginx in the foreground.

As a command (bench/scale.sh):
  nginx.py DIR TLS_PORT HTTP_PORT STATIC_DIR SUMMITD_PORT...
writes DIR/nginx.conf (and the certificate) and prints nothing; then
  nginx -p DIR -c DIR/nginx.conf -e DIR/error.log
"""
import atexit
import os
import re
import socket
import shutil
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("SUMMIT_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
SUMMIT_CONF = os.path.join(SOURCE, "config", "nginx", "summit.conf")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 -> (cert, key) paths."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def _sub(pattern, repl, text, count=0):
    out, n = re.subn(pattern, repl, text, count=count, flags=re.M)
    if n == 0 or (count and n != count):
        raise AssertionError("%s: no line matches %r" % (SUMMIT_CONF,
                                                         pattern))
    return out


def render_site(tls_port, http_port, upstream_ports, cert, key, static_dir):
    """summit.conf with the test machine's ports, certificate and static
    folder."""
    text = open(SUMMIT_CONF).read()
    text = _sub(r"^\s*listen \[::\]:\d+.*\n", "", text, 2)
    text = _sub(r"^(\s*)listen 443 ", r"\g<1>listen 127.0.0.1:%d " % tls_port,
                text, 1)
    text = _sub(r"^(\s*)listen 80;", r"\g<1>listen 127.0.0.1:%d;" % http_port,
                text, 1)
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+(.*);$", text, re.M)
    if not servers:
        raise AssertionError("%s: no upstream server lines" % SUMMIT_CONF)
    lines = "".join("\tserver 127.0.0.1:%d%s;\n" % (p, servers[0])
                    for p in upstream_ports)
    text = _sub(r"^\s*server 127\.0\.0\.1:\d+.*;\n", "", text)
    text = _sub(r"^(upstream summitd \{\n(?:\s*#.*\n)*)", r"\g<1>" +
                lines.replace("\\", "\\\\"), text, 1)
    text = _sub(r"^(\s*ssl_certificate) .*;", r"\g<1> %s;" % cert, text, 1)
    text = _sub(r"^(\s*ssl_certificate_key) .*;", r"\g<1> %s;" % key, text, 1)
    text = _sub(r"@datadir@/static/", static_dir.rstrip("/") + "/", text, 1)
    return text


MAIN = """daemon off;
worker_processes 2;
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 1024; }}
http {{
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log {dir}/access.log;
	client_body_temp_path {dir}/tmp/body;
	proxy_temp_path {dir}/tmp/proxy;
	fastcgi_temp_path {dir}/tmp/fastcgi;
	uwsgi_temp_path {dir}/tmp/uwsgi;
	scgi_temp_path {dir}/tmp/scgi;
	include {dir}/summit.conf;
}}
"""


def write_config(directory, tls_port, http_port, static_dir,
                 upstream_ports):
    """nginx.conf and summit.conf (and a certificate) in directory ->
    (nginx.conf path, certificate path)."""
    os.makedirs(os.path.join(directory, "tmp"), exist_ok=True)
    cert, key = make_certificate(directory)
    with open(os.path.join(directory, "summit.conf"), "w") as f:
        f.write(render_site(tls_port, http_port, upstream_ports, cert, key,
                            static_dir))
    conf = os.path.join(directory, "nginx.conf")
    # As root nginx's workers would become "nobody", who may not read a
    # checkout under /root; a test has no one to protect itself from.
    user = "user root;" if os.geteuid() == 0 else ""
    with open(conf, "w") as f:
        f.write(MAIN.format(dir=directory, user=user))
    return conf, cert


# Every nginx started here; one a test left running is stopped at exit.
_STARTED = []


@atexit.register
def _stop_leftovers():
    for n in _STARTED:
        n.stop()


class Nginx:
    """nginx in front of summitd processes on upstream_ports, answering
    HTTPS on self.port (and plain HTTP, which redirects, on
    self.http_port)."""

    def __init__(self, static_dir, upstream_ports):
        from harness import free_port
        self.dir = tempfile.mkdtemp(prefix="summit-nginx-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.http_port = free_port()
        self.conf, self.cert = write_config(
            self.dir, self.port, self.http_port, static_dir, upstream_ports)
        r = subprocess.run([NGINX, "-t", "-p", self.dir, "-c", self.conf,
                            "-e", self.error_log()],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("nginx -t: " + r.stderr)
        self.proc = subprocess.Popen(
            [NGINX, "-p", self.dir, "-c", self.conf, "-e", self.error_log()],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _STARTED.append(self)
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise AssertionError("nginx did not start:\n" +
                                         self.log_tail())
                time.sleep(0.05)

    def error_log(self):
        return os.path.join(self.dir, "error.log")

    def log_tail(self, n=30):
        try:
            with open(self.error_log(), errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def access_log(self):
        with open(os.path.join(self.dir, "access.log"),
                  errors="replace") as f:
            return f.read()

    def stop(self):
        # SIGTERM: the master stops its workers (a master killed with -9
        # would leave them serving).
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 6:
        raise SystemExit(__doc__)
    write_config(os.path.abspath(sys.argv[1]), int(sys.argv[2]),
                 int(sys.argv[3]), sys.argv[4],
                 [int(p) for p in sys.argv[5:]])
