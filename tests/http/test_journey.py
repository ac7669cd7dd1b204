#!/usr/bin/env python3
"""test_journey.py -- the attendee journey against a real summitd and a real
PostgreSQL: event page, registration, confirmation, own page, re-ranking,
cancelling, duplicates, languages, keep-alive and the database going away."""
import os
import re
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import subprocess  # noqa: E402

from harness import (SUMMITD, Client, Instance, confirm, link_from_mail,  # noqa: E402
                     registration_form, wait_for)
from tap import case, run  # noqa: E402


def setup():
    inst = Instance("summit_http_journey")
    inst.server = inst.start()
    return inst


def teardown(inst):
    if inst:
        inst.close()


def form(csrf, **over):
    return registration_form(csrf, **dict({"rank3": "9"}, **over))


def count(inst):
    return inst.scalar("SELECT count(*) FROM participant")


def mails_to(inst, addr):
    return [(m, b) for m, b in inst.mails() if addr in str(m["To"])]


@case
def event_page_shows_programme_and_places(inst):
    c = Client(inst.port)
    r = c.get("/")
    assert r.status == 200, r.status
    assert "Digitalt toppmøte om KI" in r.text
    assert r.text.count('class="session"') == 12, r.text.count('class="session"')
    assert "<strong>150</strong> plasser igjen" in r.text
    assert "09:30–10:45" in r.text and "13:30–14:45" in r.text
    h = {k.lower(): v for k, v in r.getheaders()}
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert "unsafe-inline" not in h["content-security-policy"]
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"


@case
def event_page_from_its_cache_answers_as_when_rendered(inst):
    # The copy from the cache is one response built once and sent to
    # every visitor (src/web/respond.c, web_shared_new): the same page and
    # headers as any answer, and a cookie still set when one is asked for.
    c = Client(inst.port)
    answers = [c.get("/") for i in range(3)]
    heads = []
    for r in answers:
        assert r.status == 200, r.status
        assert r.text == answers[0].text
        h = {k.lower(): v for k, v in r.getheaders() if k.lower() != "date"}
        assert h["content-type"] == "text/html; charset=utf-8", h
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"
        assert h["cache-control"] == "no-store"
        assert "set-cookie" not in h, h
        heads.append(h)
    assert heads[0] == heads[1] == heads[2], heads
    r = c.request("HEAD", "/")
    assert r.status == 200 and r.text == "", (r.status, r.text[:80])
    sw = Client(inst.port)
    r = sw.get("/?lang=en")
    assert 'lang="en"' in r.text and sw.cookies.get("summit_lang") == "en"
    assert 'lang="en"' in sw.get("/").text
    assert 'lang="nb"' in Client(inst.port).get("/").text


@case
def language_by_header_and_switch(inst):
    en = Client(inst.port, lang="en-GB,en;q=0.9,nb;q=0.5")
    r = en.get("/")
    assert 'lang="en"' in r.text and "Digital summit on AI" in r.text
    nb = Client(inst.port, lang="nb-NO,nb;q=0.9,en;q=0.5")
    assert 'lang="nb"' in nb.get("/").text
    # The visible switch sets a cookie that later pages follow.
    sw = Client(inst.port)
    r = sw.get("/register?lang=en")
    assert 'lang="en"' in r.text and sw.cookies.get("summit_lang") == "en"
    assert 'lang="en"' in sw.get("/privacy").text
    assert 'href="/?lang=nb"' in sw.get("/").text


@case
def keep_alive_two_requests_share_one_connection(inst):
    s = socket.create_connection(("127.0.0.1", inst.port))
    req = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    s.sendall(req + req)
    data = b""
    s.settimeout(5)
    while data.count(b"HTTP/1.1 200") < 2:
        chunk = s.recv(65536)
        assert chunk, "connection closed after %r" % data
        data += chunk
    assert b"Connection: close" not in data, data
    s.close()


@case
def registration_journey(inst):
    c = Client(inst.port)
    csrf = c.csrf()
    assert c.cookies.get("summit_csrf")
    before = count(inst)
    r = c.post("/register", form(csrf))
    assert r.status == 303, (r.status, r.text[:2000])
    assert r.getheader("Location") == "/registered"
    r = c.get("/registered")
    assert "Sjekk e-posten din" in r.text
    # The answer says truthfully that no place is reserved yet.
    assert "Plassen din er ikke reservert ennå" in r.text, r.text
    assert count(inst) == before + 1
    row = inst.query("SELECT status, hold_until > now() + interval '23 hours',"
                     " language, sector FROM participant WHERE email = %s",
                     "kari@example.no")[0]
    assert row == ("pending", True, "nb", "union"), row
    ranks = inst.query("SELECT rank, session_id FROM preference p JOIN"
                       " participant x ON x.id = p.participant_id WHERE"
                       " x.email = %s ORDER BY rank", "kari@example.no")
    assert ranks == [(1, 1), (2, 5), (3, 9)], ranks
    # An unconfirmed registration holds no place.
    taken = inst.scalar("SELECT count(*) FROM place WHERE participant_id IS"
                        " NOT NULL")
    assert inst.scalar("SELECT count(*) FROM place p JOIN participant x ON"
                       " x.id = p.participant_id WHERE x.email = %s",
                       "kari@example.no") == 0
    # The mail arrives, with a link whose token the database never stored.
    got = wait_for(lambda: mails_to(inst, "kari@example.no"), what="mail")
    msg, body = got[0]
    assert "Bekreft" in str(msg["Subject"])
    # Nothing the registrant typed is greeted or quoted.
    assert "Kari" not in body and "Kari" not in str(msg["To"]), (msg["To"], body)
    assert re.search(r"ikke\s+reservert", body), body
    link = link_from_mail(body)
    token = link.rsplit("/", 1)[1]
    dump = inst.scalar("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM"
                       " participant_token) t") + inst.scalar(
        "SELECT string_agg(o::text, ' ') FROM outbox o")
    assert token not in dump
    # Opening the link (GET or HEAD, as a mail scanner does) only shows a
    # page with a button: nothing changes.
    r = c.get(link)
    assert r.status == 200, r.status
    assert 'method="post" action="/confirm/%s"' % token in r.text
    assert 'name="_csrf"' in r.text
    r2 = c.request("HEAD", link)
    assert r2.status == 200, r2.status
    assert inst.scalar("SELECT status FROM participant WHERE email = %s",
                       "kari@example.no") == "pending"
    assert inst.scalar("SELECT email_confirmed_at FROM participant WHERE"
                       " email = %s", "kari@example.no") is None
    # The participant's page offers the same button while pending.
    r = c.get("/me/" + token)
    assert r.status == 200 and 'action="/confirm/%s"' % token in r.text
    assert "ingen plass er reservert" in r.text, r.text
    # A POST without the CSRF token confirms nothing either.
    assert c.post(link, {}).status == 403
    # Pressing the button confirms, claims a place and leads to the
    # participant's page.
    r = confirm(c, link)
    assert r.status == 303, r.status
    assert r.getheader("Location") == "/me/%s?done=confirmed" % token
    assert inst.scalar("SELECT status FROM participant WHERE email = %s",
                       "kari@example.no") == "confirmed"
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id IS"
                       " NOT NULL") == taken + 1
    r = c.get(r.getheader("Location"))
    assert r.status == 200 and "E-postadressen din er bekreftet" in r.text
    assert "Kari Nordmann" in r.text and "Bekreftet" in r.text
    # Rank again.
    csrf = c.csrf("/me/" + token)
    r = c.post("/me/%s/preferences" % token,
               {"_csrf": csrf, "rank1": "2", "rank2": "", "rank3": "12"})
    assert r.status == 303, (r.status, r.text[:500])
    ranks = inst.query("SELECT rank, session_id FROM preference p JOIN"
                       " participant x ON x.id = p.participant_id WHERE"
                       " x.email = %s ORDER BY rank", "kari@example.no")
    assert ranks == [(1, 2), (2, 12)], ranks
    # Cancelling needs the box ticked, then frees the place.
    r = c.post("/me/%s/cancel" % token, {"_csrf": csrf})
    assert r.status == 400
    assert inst.scalar("SELECT status FROM participant WHERE email = %s",
                       "kari@example.no") == "confirmed"
    r = c.post("/me/%s/cancel" % token, {"_csrf": csrf, "confirm": "yes"})
    assert r.status == 303
    assert inst.scalar("SELECT status FROM participant WHERE email = %s",
                       "kari@example.no") == "cancelled"
    assert inst.scalar("SELECT count(*) FROM place p JOIN participant x ON"
                       " x.id = p.participant_id WHERE x.email = %s",
                       "kari@example.no") == 0
    r = c.get("/me/" + token)
    assert "Avmeldt" in r.text and "/cancel" not in r.text
    wait_for(lambda: any("meldt av" in str(m["Subject"])
                         for m, _ in mails_to(inst, "kari@example.no")),
             what="cancellation mail")


@case
def registering_twice_creates_nothing_and_resends_link(inst):
    c = Client(inst.port)
    r = c.post("/register", form(c.csrf(), email="ola@example.no", name="Ola"))
    assert r.status == 303
    wait_for(lambda: mails_to(inst, "ola@example.no"), what="first mail")
    before = count(inst)
    d = Client(inst.port)
    r2 = d.post("/register", form(d.csrf(), email="OLA@Example.NO",
                                  name="Someone Else", sector="business"))
    # The same answer as a first registration: nothing revealed.
    assert r2.status == r.status and r2.getheader("Location") == r.getheader("Location")
    assert count(inst) == before
    row = inst.query("SELECT name, sector FROM participant WHERE lower(email)"
                     " = 'ola@example.no'")
    assert row == [("Ola", "union")], row
    mails = wait_for(lambda: len(mails_to(inst, "ola@example.no")) >= 2 and
                     mails_to(inst, "ola@example.no"), what="second mail")
    link2 = link_from_mail(mails[-1][1])
    # Neither mail greets or quotes a typed name.
    for m, body in mails:
        assert "Ola" not in body and "Someone" not in body, body
    r = Client(inst.port).get(link2)
    assert r.status == 200 and "Ola" in r.text
    assert confirm(Client(inst.port), link2).status == 303


@case
def mail_is_in_the_participants_language(inst):
    c = Client(inst.port)
    r = c.post("/register", form(c.csrf(), email="emma@example.org",
                                 name="Emma", language="en"))
    assert r.status == 303
    got = wait_for(lambda: mails_to(inst, "emma@example.org"), what="mail")
    subject = str(got[0][0]["Subject"])
    assert subject == "Confirm your registration for Digital summit on AI", subject


@case
def wrong_form_comes_back_with_input_and_messages(inst):
    c = Client(inst.port)
    before = count(inst)
    r = c.post("/register", form(c.csrf(), name="", email="not-an-address",
                                 organisation="Fagforbundet <b>x</b>",
                                 consent=None, rank1="", rank2="", rank3=""))
    assert r.status == 400, r.status
    assert count(inst) == before
    assert 'value="not-an-address"' in r.text
    # Kept input is escaped, not interpreted.
    assert 'value="Fagforbundet &lt;b&gt;x&lt;/b&gt;"' in r.text
    for field in ("name", "email", "consent"):
        assert 'id="%s-err"' % field in r.text, field
    assert 'id="sessions-err"' in r.text
    assert "Du må samtykke" in r.text
    assert 'aria-invalid="true"' in r.text


@case
def refused_values_show_at_their_field(inst):
    # The form accepts these; app refuses them (struct app_refusal) and
    # the page puts the message next to the field app named.
    c = Client(inst.port)
    before = count(inst)
    for field, f in (
            ("sector", form(c.csrf(), email="f1@example.no", sector="pirates")),
            ("sessions", form(c.csrf(), email="f2@example.no", rank1="99999"))):
        r = c.post("/register", f)
        assert r.status == 400, (field, r.status)
        assert 'id="%s-err"' % field in r.text, field
        assert 'id="name-err"' not in r.text, field
    assert count(inst) == before


@case
def csrf_is_required(inst):
    c = Client(inst.port)
    c.csrf()
    before = count(inst)
    r = c.post("/register", form(None, email="csrf1@example.no"))
    assert r.status == 403, r.status
    r = c.post("/register", form("0" * 64, email="csrf2@example.no"))
    assert r.status == 403, r.status
    # A token from another browser's cookie does not fit ours.
    other = Client(inst.port)
    r = c.post("/register", form(other.csrf(), email="csrf3@example.no"))
    assert r.status == 403, r.status
    assert count(inst) == before


@case
def bad_input_is_refused_and_stores_nothing(inst):
    c = Client(inst.port)
    csrf = c.csrf()
    before = count(inst)
    bad = [
        ("invalid UTF-8", form(csrf, email="u1@example.no"), b"&name=%FF%FE", 400),
        ("control char", form(csrf, email="u2@example.no", name="a\x01b"), b"", 400),
        ("newline in name", form(csrf, email="u3@example.no", name="a\r\nBcc: x@y.no"), b"", 400),
        ("too long", form(csrf, email="u4@example.no", name="x" * 201), b"", 400),
        ("unknown field", form(csrf, email="u5@example.no", admin="1"), b"", 400),
        ("unknown session", form(csrf, email="u6@example.no", rank1="99999"), b"", 400),
        ("duplicate rank", form(csrf, email="u7@example.no", rank2="1"), b"", 400),
        ("unknown sector", form(csrf, email="u8@example.no", sector="pirates"), b"", 400),
        ("bad language", form(csrf, email="u9@example.no", language="de"), b"", 400),
    ]
    import urllib.parse
    for what, f, extra, want in bad:
        if extra:
            f = dict(f)
            f.pop("name")
        body = urllib.parse.urlencode(f).encode() + extra
        r = c.request("POST", "/register", raw_body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == want, (what, r.status)
    r = c.request("POST", "/register", raw_body=b"name=%zz&_csrf=" + csrf.encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400, ("malformed", r.status)
    r = c.request("POST", "/register", raw_body=b"x" * 70000,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 413, ("too big", r.status)
    r = c.request("POST", "/register", raw_body=b"{}",
                  headers={"Content-Type": "application/json"})
    assert r.status == 415, ("content type", r.status)
    assert count(inst) == before
    for path, want in (("/a/../register", 400), ("/%2e%2e/x", 400),
                       ("/me/nothex", 404), ("/me/" + "0" * 32, 404),
                       ("/confirm/" + "f" * 32, 404), ("/nowhere", 404)):
        r = c.get(path)
        assert r.status == want, (path, r.status)
    r = c.request("DELETE", "/register")
    assert r.status in (405, 501), r.status
    assert inst.server.proc.poll() is None


@case
def tokens_and_secrets_are_not_logged(inst):
    mails = mails_to(inst, "kari@example.no")
    token = link_from_mail(mails[0][1]).rsplit("/", 1)[1]
    log = inst.server.log()
    assert "request " in log and "/me/[token]" in log
    assert token not in log
    assert "_csrf" not in log


@case
def every_request_has_one_access_log_line(inst):
    # The line is put together by hand (src/web/respond.c): its form,
    # for a page, a cached event page and a 404.
    c = Client(inst.port)
    paths = (("/privacy", 200), ("/", 200), ("/", 200), ("/nowhere", 404))
    for path, status in paths:
        assert c.get(path).status == status
    lines = []
    for i, (path, status) in enumerate(paths):
        pat = re.compile(
            r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: request"
            r" [0-9a-f]{8}: GET %s %d (\d+) bytes \d+\.\d ms from 127\.0\.0\.1$"
            % (re.escape(path), status), re.M)
        wait_for(lambda: len(pat.findall(inst.server.log())) > 0,
                 what="the access line of %s" % path)
        lines.append(pat.findall(inst.server.log())[-1])
    assert int(lines[1]) == int(lines[2]) > 1000, lines


@case
def database_outage_gives_503_then_recovers(inst):
    c = Client(inst.port)
    assert c.get("/register").status == 200
    # Cut every connection summitd holds, as a database restart would.
    inst.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
               " datname = current_database() AND pid <> pg_backend_pid()")
    statuses = [c.get("/register").status for _ in range(20)]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[-1] == 200, statuses
    assert inst.server.proc.poll() is None
    # A summitd whose database is away answers 503, never crashes.
    from harness import Summitd, free_port
    port = free_port()
    path = inst.conf + ".away"
    with open(path, "w") as f:
        f.write(re.sub(r"(?m)^port = .*$", "port = %d" % port,
                       open(inst.conf).read()))
    env = dict(inst.env, SUMMIT_DATABASE_URL="postgresql:///nowhere"
               "?host=/nonexistent&port=1&connect_timeout=2")
    away = Summitd(path, env, port)
    try:
        for p in ("/", "/register", "/me/" + "a" * 32):
            r = Client(port).get(p)
            assert r.status == 503, (p, r.status)
            assert r.getheader("Retry-After") == "5"
            assert "midlertidig utilgjengelig" in r.text
        assert away.proc.poll() is None
    finally:
        assert away.stop() == 0, away.log_tail()

@case
def summitd_started_as_root_serves_as_its_user(inst):
    if os.geteuid() != 0:
        return
    from harness import Summitd, free_port
    port = free_port()
    path = inst.conf + ".user"
    with open(path, "w") as f:
        f.write(re.sub(r"(?m)^port = .*$", "port = %d" % port,
                       open(inst.conf).read()) +
                "[server]\nuser = nobody\n[mail]\nworker_in_summitd = false\n")
    s = Summitd(path, inst.env, port)
    try:
        with open("/proc/%d/status" % s.proc.pid) as f:
            uids = [l for l in f if l.startswith("Uid:")][0].split()[1:]
        assert all(u != "0" for u in uids), uids
        assert Client(port).get("/").status == 200
        assert "running as user" in s.log()
    finally:
        assert s.stop() == 0, s.log_tail()
    # A user that does not exist stops summitd rather than run as root.
    with open(path, "a") as f:
        f.write("[server]\nuser = no-such-user-here\n")
    r = subprocess.run([SUMMITD, "--config", path], env=inst.env,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "no-such-user-here" in r.stderr


if __name__ == "__main__":
    run(setup, teardown)
