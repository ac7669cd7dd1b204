"""test_install.py -- `meson install` makes a Summit that runs on its own.

The tree is configured in a build folder of its own (a prefix inside it),
the two programs built, and `meson install --destdir` puts everything into
a temporary folder.  Then the prefix is made to point at the installed
copy, and the installed summitctl and summitd run with a configuration
that names no path at all (and none in the checkout) and no
SUMMIT_DATA_DIR: they find templates, static files, migrations, the demo
and the key where `meson install` put them.  The installed systemd units
are checked with `systemd-analyze verify`.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import harness  # noqa: E402
from harness import Client, SOURCE, BUILD, free_port  # noqa: E402
from tap import Skip, case, run  # noqa: E402

# Outside the checkout, so that no installed path can lead back into it;
# kept between runs (one per build folder), so a second run builds little.
WORK = os.path.join(tempfile.gettempdir(), "summit-install-" +
                    hashlib.sha256(BUILD.encode()).hexdigest()[:12])
BLD = os.path.join(WORK, "build")
PREFIX = os.path.join(WORK, "prefix")
# What an installed program must not be told: where the checkout is.
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if k not in ("SUMMIT_DATA_DIR", "SUMMIT_SOURCE_DIR")}


def sh(*args, env=None, timeout=600):
    r = subprocess.run(list(args), env=env or CLEAN_ENV, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, "%s failed (%d):\n%s%s" % (
        " ".join(args), r.returncode, r.stdout[-3000:], r.stderr[-3000:])
    return r


class Ctx:
    pass


def setup():
    ctx = Ctx()
    os.makedirs(WORK, exist_ok=True)
    if os.path.islink(PREFIX):
        os.unlink(PREFIX)
    if not os.path.isfile(os.path.join(BLD, "build.ninja")):
        sh("meson", "setup", BLD, SOURCE, "--prefix=" + PREFIX,
           "-Dbuildtype=plain")
    # Only what is installed: the programs (the data are copied as is).
    sh("ninja", "-C", BLD, "src/summitd", "src/summitctl")
    ctx.dest = tempfile.mkdtemp(prefix="summit-destdir-")
    sh("meson", "install", "-C", BLD, "--no-rebuild", "--quiet",
       "--destdir", ctx.dest)
    ctx.tree = ctx.dest + PREFIX
    ctx.dbname = "summit_install"
    ctx.url = harness.fresh_database(ctx.dbname)
    ctx.env = dict(CLEAN_ENV, SUMMIT_DATABASE_URL=ctx.url)
    ctx.tmp = tempfile.mkdtemp(prefix="summit-install-")
    ctx.procs = []
    return ctx


def teardown(ctx):
    if ctx is None:
        return
    for p in ctx.procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    if os.path.islink(PREFIX):
        os.unlink(PREFIX)
    harness.drop_database(ctx.dbname)
    shutil.rmtree(ctx.dest, ignore_errors=True)
    shutil.rmtree(ctx.tmp, ignore_errors=True)


@case
def destdir_holds_the_tree(ctx):
    # DESTDIR honoured: nothing went to the prefix itself.
    assert not os.path.exists(PREFIX), "meson install wrote outside DESTDIR"
    for rel in ["bin/summitd", "bin/summitctl",
                "share/summit/templates/event.html",
                "share/summit/static/style.css",
                "share/summit/sql/001_core.sql",
                "share/summit/sql/demo/ki-toppmote.sql",
                "etc/summit/summit.conf.example",
                "lib/systemd/system/summitd.service",
                "lib/systemd/system/summit-mail-worker@.service",
                "lib/sysusers.d/summit.conf", "lib/tmpfiles.d/summit.conf"]:
        assert os.path.isfile(os.path.join(ctx.tree, rel)), rel + " missing"
    assert os.path.isdir(os.path.join(ctx.tree, "var/lib/summit"))
    # Every file the source tree has in sql/, templates/ and static/.
    for top in ("sql", "templates", "static"):
        for d, _, files in os.walk(os.path.join(SOURCE, top)):
            for f in files:
                rel = os.path.relpath(os.path.join(d, f), SOURCE)
                assert os.path.isfile(os.path.join(
                    ctx.tree, "share", "summit", rel)), rel + " not installed"
    # The installed example names the installed places, not placeholders.
    text = open(os.path.join(ctx.tree, "etc/summit/summit.conf.example")).read()
    assert "@datadir@" not in text and "@statedir@" not in text
    assert "templates_dir = %s/share/summit/templates" % PREFIX in text
    assert "migrations_dir = %s/share/summit/sql" % PREFIX in text
    assert "secret_key_file = %s/var/lib/summit/secret.key" % PREFIX in text
    # The nginx configuration serves the installed static folder.
    text = open(os.path.join(ctx.tree, "etc/summit/nginx/summit.conf")).read()
    assert "alias %s/share/summit/static/;" % PREFIX in text, text
    assert "@datadir@" not in text and "@sysconfdir@" not in text
    assert os.path.isfile(os.path.join(
        ctx.tree, "lib/systemd/system/summitd@.service"))
    # The installed tree stands in for the prefix from here on.
    os.symlink(ctx.tree, PREFIX)


def ctl(ctx, conf, *args):
    return sh(os.path.join(PREFIX, "bin", "summitctl"), "--config", conf,
              *args, env=ctx.env)


@case
def installed_summitctl_checks_and_migrates(ctx):
    # The key where the installed defaults look for it.
    key = os.path.join(PREFIX, "var/lib/summit/secret.key")
    with open(key, "w") as f:
        f.write(os.urandom(32).hex())
    os.chmod(key, 0o600)
    ctx.port = free_port()
    # The installed example, as an administrator would copy it.
    example = open(os.path.join(PREFIX, "etc/summit/summit.conf.example")).read()
    ctx.conf = os.path.join(ctx.tmp, "summit.conf")
    with open(ctx.conf, "w") as f:
        f.write(example.replace("port = 8080", "port = %d" % ctx.port)
                .replace("http://127.0.0.1:8080",
                         "http://127.0.0.1:%d" % ctx.port))
    assert SOURCE not in open(ctx.conf).read(), "a path into the checkout"
    assert "configuration OK" in ctl(ctx, ctx.conf, "check-config").stdout
    r = ctl(ctx, ctx.conf, "migrate")
    assert "the schema is up to date" in r.stdout, r.stdout
    ctl(ctx, ctx.conf, "load-demo")
    # A file that is missing is named, not passed over.
    os.rename(key, key + ".away")
    try:
        r = subprocess.run([os.path.join(PREFIX, "bin", "summitctl"),
                            "--config", ctx.conf, "check-config"],
                           env=ctx.env, capture_output=True, text=True)
        assert r.returncode != 0 and "secret.key" in r.stderr, r.stderr
    finally:
        os.rename(key + ".away", key)


@case
def installed_summitd_serves_with_defaults(ctx):
    # A configuration naming no path at all: every one is a default.
    port = free_port()
    conf = os.path.join(ctx.tmp, "minimal.conf")
    with open(conf, "w") as f:
        f.write("[server]\nport = %d\npublic_url = http://127.0.0.1:%d\n"
                % (port, port))
    log = open(os.path.join(ctx.tmp, "summitd.log"), "w")
    p = subprocess.Popen([os.path.join(PREFIX, "bin", "summitd"), "--config",
                          conf], env=ctx.env, stdout=log,
                         stderr=subprocess.STDOUT)
    ctx.procs.append(p)
    c = harness.wait_for(lambda: _answers(port), timeout=30,
                         what="the installed summitd")
    r = c.get("/")
    assert r.status == 200 and "Digitalt toppmøte om KI" in r.text, r.status
    assert c.get("/static/style.css").status == 200
    p.terminate()
    assert p.wait(timeout=30) == 0, open(log.name).read()[-2000:]


def _answers(port):
    try:
        c = Client(port)
        return c if c.get("/health").status == 200 else None
    except OSError:
        return None


@case
def units_verify(ctx):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        raise Skip("systemd-analyze is not installed (Debian package systemd)")
    units = os.path.join(PREFIX, "lib", "systemd", "system")
    # verify loads the units as systemd would, checks every directive and
    # that ExecStart's program exists (the installed one, here).
    r = subprocess.run([analyze, "verify", "--man=no",
                        os.path.join(units, "summitd.service"),
                        os.path.join(units, "summit-mail-worker@1.service"),
                        os.path.join(units, "summitd@1.service")],
                       env=CLEAN_ENV, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stderr.strip() == "", r.stderr
    text = open(os.path.join(units, "summitd.service")).read()
    for line in ("Type=notify", "User=summit", "ProtectSystem=strict",
                 "PrivateTmp=yes", "NoNewPrivileges=yes",
                 "CapabilityBoundingSet=\n",
                 "ReadWritePaths=%s/var/lib/summit\n" % PREFIX,
                 "ExecStart=%s/bin/summitd --config %s/etc/summit/summit.conf"
                 % (PREFIX, PREFIX)):
        assert line in text, line
    text = open(os.path.join(units, "summitd@.service")).read()
    assert "ExecStart=%s/bin/summitd --config %s/etc/summit/summitd-%%i.conf" \
        % (PREFIX, PREFIX) in text, text
    assert "User=summit" in text and "CapabilityBoundingSet=\n" in text


if __name__ == "__main__":
    run(setup, teardown)
