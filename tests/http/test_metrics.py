#!/usr/bin/env python3
"""test_metrics.py -- /health/live, /health/ready and /metrics against a real
summitd and PostgreSQL: readiness follows the database and the migrations,
the numbers move with real traffic (a registration, its mail, a check-in),
series carry route patterns and never paths, the output passes
`promtool check metrics`, and only [server] metrics_allow may read it."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (SOURCE, SUMMITD, Client, Instance, Summitd,  # noqa: E402
                     free_port, link_from_mail, organiser, registration_form,
                     wait_for)
from tap import case, run  # noqa: E402

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


def parse(text):
    """The samples of a scrape: {(name, ((label, value), ...)): float}.
    Strict: every line is a comment or a sample, every sample's family has
    # TYPE, and the text ends with a newline."""
    assert text.endswith("\n"), "no final newline"
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert name not in types, "TYPE twice: " + name
            types[name] = kind
            continue
        if line.startswith("# HELP "):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample: %r" % line
        name, labels, value = m.groups()
        pairs = tuple(LABEL.findall(labels or ""))
        assert "".join('%s="%s",' % p for p in pairs).rstrip(",") == \
            (labels or "").rstrip(","), "bad labels: %r" % line
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in types or base in types, "no TYPE for " + name
        key = (name, pairs)
        assert key not in samples, "sample twice: " + line
        samples[key] = float(value)
    return samples


def value(samples, name, **labels):
    want = tuple(sorted(labels.items()))
    for (n, pairs), v in samples.items():
        if n == name and tuple(sorted(p for p in pairs if p[0] != "le"
                                      or "le" in labels)) == want:
            return v
    return 0.0


def scrape(port, headers=None):
    r = Client(port).get("/metrics", headers=headers)
    assert r.status == 200, (r.status, r.text[:300])
    assert r.getheader("Content-Type").startswith("text/plain; version=0.0.4")
    return r.text


def promtool(text):
    tool = shutil.which("promtool")
    assert tool, "promtool is missing (Debian package prometheus, " \
                 "TEST_PACKAGES in scripts/lib.sh)"
    p = subprocess.run([tool, "check", "metrics"], input=text.encode(),
                       capture_output=True, timeout=60)
    assert p.returncode == 0, (p.stdout + p.stderr).decode()


def setup():
    inst = Instance("summit_http_metrics")
    inst.server = inst.start()
    return inst


def teardown(inst):
    if inst:
        inst.close()


@case
def health_live_and_ready_answer(inst):
    c = Client(inst.port)
    for path in ("/health", "/health/live"):
        r = c.get(path)
        assert r.status == 200 and r.text == "ok\n", (path, r.status, r.text)
    r = c.get("/health/ready")
    assert r.status == 200 and r.text == "ready\n", (r.status, r.text)


@case
def ready_is_503_while_a_migration_file_is_not_applied(inst):
    files = sorted(f[:-4] for f in os.listdir(os.path.join(SOURCE, "sql"))
                   if re.match(r"^\d{3}_.*\.sql$", f))
    newest = files[-1]
    # The database one migration behind the files: as after installing a
    # new summitd before `summitctl migrate`.
    inst.query("DELETE FROM schema_migrations WHERE version = %s", newest)
    try:
        r = Client(inst.port).get("/health/ready")
        assert r.status == 503, (r.status, r.text)
        assert r.text == "not ready: migration %s not applied\n" % newest, \
            r.text
        # Liveness does not care.
        assert Client(inst.port).get("/health/live").status == 200
    finally:
        inst.query("INSERT INTO schema_migrations (version) VALUES (%s)",
                   newest)
    assert Client(inst.port).get("/health/ready").status == 200


@case
def ready_is_503_and_live_200_when_the_database_is_away(inst):
    port = free_port()
    path = inst.conf + ".away"
    with open(path, "w") as f:
        f.write(re.sub(r"(?m)^port = .*$", "port = %d" % port,
                       open(inst.conf).read()))
    env = dict(inst.env, SUMMIT_DATABASE_URL="postgresql:///nowhere"
               "?host=/nonexistent&port=1&connect_timeout=2")
    away = Summitd(path, env, port)
    try:
        c = Client(port)
        r = c.get("/health/ready")
        assert r.status == 503, (r.status, r.text)
        assert r.text == "not ready: database unreachable\n", r.text
        assert c.get("/health/live").status == 200
        # /metrics still answers, and says the database is down.
        text = scrape(port)
        s = parse(text)
        assert value(s, "summit_database_up") == 0, text
        assert not any(n == "summit_outbox_messages" for n, _ in s)
        promtool(text)
    finally:
        assert away.stop() == 0, away.log_tail()


@case
def numbers_move_with_traffic(inst):
    before = parse(scrape(inst.port))
    c = Client(inst.port)
    r = c.post("/register", registration_form(c.csrf(), rank3="9",
               email="metrikk@example.no", name="Metrikk Mona"))
    assert r.status == 303, (r.status, r.text[:300])
    # The confirmation mail goes out through summitd's own worker.
    mails = []

    def mailed():
        mails[:] = [b for m, b in inst.mails()
                    if "metrikk@example.no" in str(m["To"])]
        return mails
    wait_for(mailed, what="the confirmation mail")
    link = link_from_mail(mails[0])
    token = link.rsplit("/", 1)[1]
    assert Client(inst.port).get("/confirm/" + token).status == 200
    pid = inst.scalar("SELECT id FROM participant WHERE email = %s",
                      "metrikk@example.no")
    staff = organiser(inst, "metrics-staff@example.no", "staff")
    r = staff.post("/console/registrations/%d/checkin" % pid,
                   {"_csrf": staff.csrf("/console/registrations"), "in": "1"})
    assert r.status == 303, (r.status, r.text[:300])
    # Checked in twice is one check-in.
    r = staff.post("/console/registrations/%d/checkin" % pid,
                   {"_csrf": staff.csrf("/console/registrations"), "in": "1"})
    assert r.status == 303, (r.status, r.text[:300])

    def after():
        return parse(scrape(inst.port))
    wait_for(lambda: value(after(), "summit_mails_sent_total") >
             value(before, "summit_mails_sent_total"), what="mails sent")
    text = scrape(inst.port)
    s = parse(text)

    def moved(name, **labels):
        return value(s, name, **labels) - value(before, name, **labels)
    assert moved("summit_registrations_total") == 1, text
    assert moved("summit_check_ins_total") == 1, text
    assert moved("summit_http_request_duration_seconds_count",
                 method="POST", route="/register", status="3xx") == 1, text
    assert moved("summit_http_request_duration_seconds_bucket",
                 method="POST", route="/register", status="3xx",
                 le="+Inf") == 1, text
    assert moved("summit_http_request_duration_seconds_count",
                 method="POST", route="/console/registrations/*/checkin",
                 status="3xx") == 2, text
    assert value(s, "summit_http_request_duration_seconds_count",
                 method="GET", route="/confirm/*", status="2xx") >= 1, text
    assert value(s, "summit_http_request_duration_seconds_sum",
                 method="POST", route="/register", status="3xx") > 0, text
    # Patterns, never paths: the link's token is nowhere.
    assert token not in text
    routes = {dict(p).get("route") for n, p in s} - {None}
    assert all(re.fullmatch(r"[a-z0-9/*._-]+|\(none\)", r) for r in routes), \
        routes
    # Queue, pool and outbox.
    assert value(s, "summit_http_queue_wait_seconds_count") >= 3, text
    conf = open(inst.conf).read()
    threads = int(re.search(r"(?m)^threads = (\d+)$", conf).group(1))
    assert value(s, "summit_http_workers") == threads, text
    pool = re.search(r"(?m)^pool_size = (\d+)$", conf)
    assert value(s, "summit_db_pool_size") == \
        (int(pool.group(1)) if pool else 16), text
    assert 1 <= value(s, "summit_db_pool_open") <= \
        value(s, "summit_db_pool_size"), text
    assert value(s, "summit_db_pool_in_use") <= \
        value(s, "summit_db_pool_open"), text
    assert value(s, "summit_db_pool_waiting") == 0, text
    assert value(s, "summit_database_up") == 1, text
    sent = inst.scalar("SELECT count(*) FROM outbox WHERE state = 'sent'")
    assert value(s, "summit_outbox_messages", state="sent") == sent, text
    for state in ("queued", "failed", "held"):
        assert ("summit_outbox_messages", (("state", state),)) in s, state
    promtool(text)


@case
def allocation_runs_are_counted(inst):
    before = parse(scrape(inst.port))
    runs = inst.scalar("SELECT count(*) FROM allocation_run")
    admin = organiser(inst, "metrics-admin@example.no", "admin")
    r = admin.post("/console/allocation/apply",
                   {"_csrf": admin.csrf("/console/allocation")})
    assert r.status == 303, (r.status, r.text[:300])
    recorded = inst.scalar("SELECT count(*) FROM allocation_run") - runs
    assert recorded >= 1
    s = parse(scrape(inst.port))
    assert value(s, "summit_allocation_runs_total") - \
        value(before, "summit_allocation_runs_total") == recorded


@case
def an_unknown_path_counts_under_none(inst):
    before = parse(scrape(inst.port))
    assert Client(inst.port).get("/no/such/secret-ish-path").status == 404
    text = scrape(inst.port)
    s = parse(text)
    assert "secret-ish" not in text
    assert value(s, "summit_http_request_duration_seconds_count",
                 method="other", route="(none)", status="4xx") - \
        value(before, "summit_http_request_duration_seconds_count",
              method="other", route="(none)", status="4xx") == 1, text


@case
def only_metrics_allow_may_read(inst):
    # Behind a proxy on this machine: the client is X-Forwarded-For's.
    port = free_port()
    s = inst.start(port=port, extra_conf="[server]\n"
                   "trusted_proxies = 127.0.0.1\n"
                   "metrics_allow = 127.0.0.1/32, 192.0.2.0/24\n"
                   "[mail]\nworker_in_summitd = false\n")
    try:
        c = Client(port)
        assert c.get("/metrics").status == 200
        assert c.get("/metrics", headers={
            "X-Forwarded-For": "192.0.2.7"}).status == 200
        r = c.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert r.status == 404, r.status
        assert "summit_" not in r.text
        assert "/metrics from 203.0.113.9, not in [server] metrics_allow" \
            in s.log()
    finally:
        assert s.stop() == 0, s.log_tail()
    # An allow list without loopback: 404 straight away.
    port = free_port()
    s = inst.start(port=port, extra_conf="[server]\n"
                   "metrics_allow = 10.0.0.0/8\n"
                   "[mail]\nworker_in_summitd = false\n")
    try:
        assert Client(port).get("/metrics").status == 404
        assert Client(port).get("/health/ready").status == 200
    finally:
        assert s.stop() == 0, s.log_tail()


@case
def a_bad_metrics_allow_stops_summitd_at_start(inst):
    path = inst.conf + ".bad"
    with open(path, "w") as f:
        f.write(open(inst.conf).read() +
                "[server]\nmetrics_allow = 127.0.0.1/8\n")
    p = subprocess.run([SUMMITD, "--config", path], env=inst.env,
                       capture_output=True, timeout=30)
    assert p.returncode != 0
    assert b'[server] metrics_allow: "127.0.0.1/8" is not an IP address' \
        in p.stderr + p.stdout, p.stderr



@case
def mail_retries_and_failures_are_counted(inst):
    # Last: the instance's own summitd stops, so that only this one's
    # worker, whose SMTP server is not there, takes the mail.
    inst.server.stop()
    port = free_port()
    s = inst.start(port=port, extra_conf="[mail]\ntransport = smtp\n"
                   "smtp_url = smtp://127.0.0.1:%d\nmax_age_hours = 1\n"
                   "retry_base_seconds = 1\nretry_max_seconds = 1\n"
                   % free_port())
    try:
        c = Client(port)
        r = c.post("/register", registration_form(
            c.csrf(), rank3="9", email="borte@example.no", name="Borte Bo"))
        assert r.status == 303, (r.status, r.text[:300])

        def counters():
            m = parse(scrape(port))
            return (value(m, "summit_mails_sent_total"),
                    value(m, "summit_mails_retried_total"),
                    value(m, "summit_mails_failed_total"))
        wait_for(lambda: counters()[1] >= 1, what="a retry counted")
        # Older than max_age_hours: the next failure is for good.
        inst.query("UPDATE outbox SET created_at = now() - interval '2 hours'"
                   " WHERE recipient = 'borte@example.no'")
        wait_for(lambda: counters()[2] == 1, what="a failure counted")
        assert counters()[0] == 0
        assert inst.scalar("SELECT state FROM outbox WHERE recipient ="
                           " 'borte@example.no'") == "failed"
        m = parse(scrape(port))
        assert value(m, "summit_outbox_messages", state="failed") >= 1
    finally:
        assert s.stop() == 0, s.log_tail()


if __name__ == "__main__":
    run(setup, teardown)
