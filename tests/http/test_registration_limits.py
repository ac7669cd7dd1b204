#!/usr/bin/env python3
"""test_registration_limits.py -- registration faced with the public: a
flood from one address takes no place and is throttled (429), a limit per
e-mail domain with exempt free-mail domains, at most a few re-sent links,
the same answer for known and unknown e-mails, names with bidi controls or
nothing visible refused at every entry, and organisers seeing throttled
attempts in the console.  A real summitd and PostgreSQL; clients come from
different loopback addresses (127.0.0.N) to stand for different people."""
import http.client
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, confirm, link_from_mail,  # noqa: E402
                     organiser, registration_form, wait_for)
from tap import case, run  # noqa: E402

PLACES = 20
BURST = 30          # the default [registration] per_address_burst
DOMAIN_BURST = 5    # set low below, to test the domain limit quickly


class From(Client):
    """A client whose connections come from another loopback address."""

    def __init__(self, port, source, lang=None):
        super().__init__(port, lang=lang)
        self.source = source
        self.conn = self._connect()

    def _connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(self.source, 0))

    def request(self, method, path, body=None, headers=None, raw_body=None):
        # Always a fresh connection from our address (the base class would
        # reconnect from 127.0.0.1 after a close).
        self.conn.close()
        self.conn = self._connect()
        return super().request(method, path, body=body, headers=headers,
                               raw_body=raw_body)


def setup():
    inst = Instance("summit_http_registration_limits", extra_conf=(
        "[registration]\nexpiry_interval_seconds = 1\n"
        "per_domain_burst = %d\nper_domain_per_hour = 10\n" % DOMAIN_BURST))
    ev = inst.scalar("SELECT id FROM event")
    inst.query("UPDATE event SET capacity = %s WHERE id = %s", PLACES, ev)
    inst.query("SELECT summit_sync_places(%s)", ev)
    inst.server = inst.start()
    return inst


def teardown(inst):
    if inst:
        inst.close()


form = registration_form


def participants(inst):
    return inst.scalar("SELECT count(*) FROM participant")


def places_taken(inst):
    return inst.scalar("SELECT count(*) FROM place WHERE participant_id IS"
                       " NOT NULL")


def mails_queued_to(inst, addr):
    return inst.scalar("SELECT count(*) FROM outbox WHERE lower(recipient) ="
                       " lower(%s)", addr)


@case
def a_flood_from_one_address_takes_no_place_and_is_throttled(inst):
    c = From(inst.port, "127.0.0.2")
    csrf = c.csrf()
    before, taken = participants(inst), places_taken(inst)
    statuses = []
    for i in range(300):
        # Every registration with its own domain: only the address limit
        # applies.
        r = c.post("/register", form(csrf, name="Bot %d" % i,
                                     email="bot%d@d%d.example" % (i, i)))
        statuses.append(r.status)
        if r.status == 429:
            assert int(r.getheader("Retry-After")) >= 1, r.getheaders()
            assert "For mange påmeldinger" in r.text, r.text[:500]
    ok = statuses.count(303)
    # The burst, plus at most a token or two refilled meanwhile.
    assert BURST <= ok <= BURST + 2, statuses
    assert statuses.count(429) == 300 - ok, statuses
    assert all(s == 303 for s in statuses[:BURST]), statuses[:BURST]
    # Refused POSTs stored nothing; the accepted ones hold no place.
    assert participants(inst) == before + ok
    assert places_taken(inst) == taken
    assert inst.scalar("SELECT count(*) FROM participant WHERE status <>"
                       " 'pending'") == 0
    # The next genuine registrant, from another address, confirms and gets
    # a place although the flood registered more people than there are
    # places.
    assert ok > PLACES
    g = From(inst.port, "127.0.0.3")
    r = g.post("/register", form(g.csrf(), name="Genuine Gina",
                                 email="gina@example.org"))
    assert r.status == 303, (r.status, r.text[:500])
    body = wait_for(lambda: [b for m, b in inst.mails()
                             if "gina@example.org" in str(m["To"])],
                    what="Gina's mail")[0]
    r = confirm(g, link_from_mail(body))
    assert r.status == 303, r.status
    assert inst.scalar("SELECT status FROM participant WHERE email ="
                       " 'gina@example.org'") == "confirmed"
    assert places_taken(inst) == taken + 1


@case
def a_domain_is_limited_but_free_mail_domains_are_exempt(inst):
    before = participants(inst)
    statuses = []
    for i in range(DOMAIN_BURST + 3):
        # A new address each time: only the domain limit applies.
        c = From(inst.port, "127.0.1.%d" % (i + 1))
        statuses.append(c.post("/register", form(
            c.csrf(), email="staff%d@bigcorp.example" % i)).status)
    assert statuses == [303] * DOMAIN_BURST + [429] * 3, statuses
    assert participants(inst) == before + DOMAIN_BURST
    # gmail.com is in the default domain_exempt: many people register
    # with it, and a limit would throttle them all.
    for i in range(DOMAIN_BURST + 3):
        c = From(inst.port, "127.0.2.%d" % (i + 1))
        r = c.post("/register", form(c.csrf(), email="p%d@gmail.com" % i))
        assert r.status == 303, (i, r.status)


@case
def registering_a_known_address_again_sends_at_most_a_few_links(inst):
    c = From(inst.port, "127.0.0.4")
    csrf = c.csrf()
    # gmail.com: exempt from the domain limit, so only the per-person
    # count of re-sent links applies.
    r = c.post("/register", form(csrf, email="victim@gmail.com",
                                 name="Victim"))
    assert r.status == 303
    for i in range(20):
        r = c.post("/register", form(csrf, email="Victim@GMail.com" if i % 2
                                     else "victim@gmail.com",
                                     name="Attacker %d" % i))
        assert r.status == 303, (i, r.status)
        assert r.getheader("Location") == "/registered"
    # The confirmation and three re-sent links, not twenty.
    assert mails_queued_to(inst, "victim@gmail.com") == 4
    assert inst.scalar("SELECT count(*) FROM outbox WHERE recipient ="
                       " 'victim@gmail.com' AND kind = 'link_again'") == 3
    assert inst.scalar("SELECT name FROM participant WHERE email ="
                       " 'victim@gmail.com'") == "Victim"
    mails = wait_for(lambda: len([1 for m, _ in inst.mails()
                                  if "victim@gmail.com" in str(m["To"])])
                     >= 4 and inst.mails(), what="four mails")
    for m, body in mails:
        if "victim@gmail.com" in str(m["To"]):
            assert "Attacker" not in body and "Victim" not in body, body
            assert "Victim" not in str(m["To"]), m["To"]


def same_answer(inst, c, csrf, known, unknown, **over):
    """Posts the same form with a known and an unknown e-mail; the answers
    must not differ but for the e-mail typed."""
    n = participants(inst)
    a = c.post("/register", form(csrf, email=known, **over))
    b = c.post("/register", form(csrf, email=unknown, **over))
    assert a.status == b.status, (over, a.status, b.status)
    assert a.getheader("Location") == b.getheader("Location"), over
    ta = a.text.replace(known, "EMAIL")
    tb = b.text.replace(unknown, "EMAIL")
    assert ta == tb, (over, ta[:3000], tb[:3000])
    return a, participants(inst) - n


@case
def known_and_unknown_emails_get_the_same_answer(inst):
    c = From(inst.port, "127.0.0.5")
    csrf = c.csrf()
    r = c.post("/register", form(csrf, email="known@gmail.com"))
    assert r.status == 303
    for over in ({"sector": "pirates"}, {"rank1": "99999"},
                 {"rank2": "424242"}, {"language": "de"},
                 {"name": "\u200b\u200c"}, {"name": "a\u202eb"},
                 {"consent": None}):
        r, added = same_answer(inst, c, csrf, "known@gmail.com",
                               "unknown%d@gmail.com" % len(over), **over)
        assert r.status == 400, (over, r.status)
        assert added == 0, over
    # A valid form: the same 303 to the same page, known or not.
    r, added = same_answer(inst, c, csrf, "known@gmail.com",
                           "newcomer@gmail.com")
    assert r.status == 303 and r.getheader("Location") == "/registered"
    assert added == 1


@case
def names_with_bidi_controls_or_nothing_visible_are_refused(inst):
    c = From(inst.port, "127.0.0.6")
    csrf = c.csrf()
    before = participants(inst)
    bad = ["Kari \u202egpj.exe", "\u2066x\u2069", "a\u200fb", "a\u061cb",
           "\u200b", "\u200b\u200d\ufeff", "\u3164", " \u00a0\u2800 "]
    for i, name in enumerate(bad):
        for field in ("name", "organisation", "role"):
            r = c.post("/register", form(csrf, email="bidi%d%s@example.no"
                                         % (i, field), **{field: name}))
            assert r.status == 400, (name, field, r.status)
            assert 'id="%s-err"' % field in r.text, (name, field)
    assert participants(inst) == before
    # Right-to-left letters are a name like any other.
    r = c.post("/register", form(csrf, email="rtl@example.no",
                                 name="\u0645\u062d\u0645\u062f"))
    assert r.status == 303, r.status
    # The console's import checks names the same way.
    a = organiser(inst, "admin@example.no", "admin")
    m = re.search(r'name="_csrf" value="([0-9a-f]+)"',
                  a.get("/console/registrations/import").text)
    text = ("Good Name,good.import@example.no,Org,business\n"
            "Evil \u202egpj.exe,evil.import@example.no,Org,business\n"
            "\u200b\u200b,zero.import@example.no,Org,business\n"
            "Z,org.import@example.no,\u2067Org,business\n")
    n = participants(inst)
    r = a.post("/console/registrations/import", {"_csrf": m.group(1),
                                                  "csv": text, "confirm": "1"})
    assert r.status == 200, r.status
    rows = r.text.split('id="import-rows"')[1].split("</table>")[0]
    trs = re.findall(r'<tr class="(ok|bad)">(.*?)</tr>', rows, re.S)
    assert [t[0] for t in trs] == ["ok", "bad", "bad", "bad"], trs
    assert participants(inst) == n + 1
    assert inst.scalar("SELECT count(*) FROM participant WHERE email LIKE"
                       " '%%.import@example.no'") == 1
    # summitctl organiser add checks the e-mail as registration does.
    r = inst.ctl("organiser", "add", "ev\u202eil@example.no", "--role",
                 "staff", "--link", check=False)
    assert r.returncode != 0, r.stdout
    assert inst.scalar("SELECT count(*) FROM organiser WHERE email LIKE"
                       " 'ev%%'") == 0


@case
def organisers_see_throttled_attempts_by_address_and_domain(inst):
    # The flood above was refused from 127.0.0.2 and for bigcorp.example;
    # summitd writes its counts every second here (expiry_interval_seconds).
    wait_for(lambda: inst.scalar("SELECT count(*) FROM registration_throttle"
                                 " WHERE kind = 'domain'") > 0,
             what="refusals recorded")
    got = dict(((k, key), n) for k, key, n in inst.query(
        "SELECT kind, key, sum(refusals) FROM registration_throttle"
        " GROUP BY kind, key"))
    assert got[("address", "127.0.0.2")] >= 300 - BURST - 2, got
    assert got[("domain", "bigcorp.example")] == 3, got
    s = organiser(inst, "staff@example.no", "staff")
    r = s.get("/console/throttled")
    assert r.status == 200, r.status
    addr = r.text.split('id="throttled-address"')[1].split("</table>")[0]
    dom = r.text.split('id="throttled-domain"')[1].split("</table>")[0]
    assert "127.0.0.2" in addr and "bigcorp.example" in dom, r.text
    assert "bigcorp.example" not in addr and "127.0.0.2" not in dom
    assert "/console/throttled" in s.get("/console").text
    # Not for strangers.
    r = Client(inst.port).get("/console/throttled")
    assert r.status == 303 and "/console/login" in r.getheader("Location")
    # Nothing refused since: no new rows however long summitd runs.
    n = inst.scalar("SELECT count(*) FROM registration_throttle")
    time.sleep(2.5)
    assert inst.scalar("SELECT count(*) FROM registration_throttle") == n


@case
def unconfirmed_registrations_are_deleted_after_confirm_hours(inst):
    c = From(inst.port, "127.0.0.7")
    r = c.post("/register", form(c.csrf(), email="late@example.no"))
    assert r.status == 303
    pid = inst.scalar("SELECT id FROM participant WHERE email ="
                      " 'late@example.no'")
    inst.query("UPDATE participant SET hold_until = now() - interval"
               " '1 minute' WHERE id = %s", pid)
    wait_for(lambda: inst.scalar("SELECT count(*) FROM participant WHERE"
                                 " id = %s", pid) == 0,
             what="the lapsed registration deleted")
    assert inst.scalar("SELECT count(*) FROM preference WHERE"
                       " participant_id = %s", pid) == 0
    # The address may register again, as new.
    r = c.post("/register", form(c.csrf(), email="late@example.no"))
    assert r.status == 303
    assert inst.scalar("SELECT count(*) FROM participant WHERE email ="
                       " 'late@example.no' AND status = 'pending'") == 1


if __name__ == "__main__":
    run(setup, teardown)
