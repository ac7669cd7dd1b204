#!/usr/bin/env python3
"""test_privacy.py -- the privacy promises kept (issue 11, item 6).

A real summitd, mail through a real SMTP server (aiosmtpd).  The privacy
page is made from the event's settings: it states the installation's
period until the console sets the event's own months and controller
(refused input changes nothing), and each version is stored with the
registrations made under it, shown on the console's person page.  A
participant sees everything held about them on their page and downloads
it as JSON with every column of their row; they delete their
registration after a confirmation page: cancelled, the CANCELs of their
invitations sent to them, their personal data erased, the audit entry
naming no one, the link dead.  The retention job's dry run lists and
changes nothing; the real run, by two processes at once, erases each
person of an event past its retention period once and keeps the figures
per sector and session.  And
sql/027 on a database that holds data."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
import tap  # noqa: E402
from harness import (SUMMITCTL, Client, Instance, SmtpSink,  # noqa: E402
                     drop_database, organiser, smtp_conf)
from tap import case, run  # noqa: E402

# The migration helpers of tests/integration/test_schema.py, without its
# cases (importing it registers them with tap).
_cases = list(tap._cases)
import test_schema as ts  # noqa: E402
tap._cases[:] = _cases

STATE = {}


def deliver(inst):
    inst.ctl("mail-worker", "--once")


def mails_to(sink, addr):
    return [m for m in sink.messages() if addr in str(m["To"])]


def join(inst, sink, name, email, lang):
    """Registers and confirms by the form and the mailed link -> token."""
    c = Client(inst.port, lang=lang)
    r = c.post("/register", {
        "_csrf": c.csrf(), "name": name, "email": email,
        "organisation": "LO", "sector": "union", "language": lang,
        "consent": "yes", "rank1": "1", "rank2": "5", "rank3": "9"})
    assert r.status == 303, (r.status, r.text[:300])
    deliver(inst)
    body = mails_to(sink, email)[-1].get_body(
        preferencelist=("plain",)).get_content()
    link = re.search(r"(/confirm/[0-9a-f]{32})", body).group(1)
    r = c.post(link, {"_csrf": c.csrf(link)})
    assert r.status == 303, r.status
    return r.getheader("Location").split("/")[2].split("?")[0]


def setup():
    sink = SmtpSink()
    inst = Instance("summit_http_privacy", extra_conf=smtp_conf(sink))
    inst.sink = sink
    inst.server = inst.start()
    inst.kari = join(inst, sink, "Kari Nordmann", "kari@example.no", "en")
    inst.ola = join(inst, sink, "Ola Nordmann", "ola@example.no", "nb")
    inst.admin = organiser(inst, "admin@example.no", "admin")
    return inst


def teardown(inst):
    if inst:
        try:
            inst.close()
        finally:
            inst.sink.stop()


def version_on_page(inst, lang):
    text = Client(inst.port, lang=lang).get("/privacy").text
    m = re.search(r'id="statement-version">[^<]*<code>([0-9a-f]{16})<',
                  text)
    assert m, text[-800:]
    return m.group(1), text


def pid(inst, email):
    return inst.scalar("SELECT id FROM participant WHERE email = %s", email)


@case
def privacy_page_states_the_configured_period(inst):
    en, text = version_on_page(inst, "en")
    assert "are erased 180 days after the event has ended" in text, text
    assert "The organisers of" in text and "mailto:" in text, text
    nb, text = version_on_page(inst, "nb")
    assert "slettes 180 dager etter" in text, text
    assert en != nb
    # Bad input: a clear error, nothing changed.
    c = inst.admin
    csrf = c.csrf("/console/privacy")
    r = c.post("/console/privacy", {"_csrf": csrf,
                                    "retention_months": "500",
                                    "controller": "X"})
    assert r.status == 400, r.status
    assert 'aria-invalid="true"' in r.text
    assert inst.scalar("SELECT retention_months IS NULL AND controller = ''"
                       " FROM event")
    assert version_on_page(inst, "en")[0] == en
    r = c.post("/console/privacy", {"_csrf": csrf, "retention_months": "18",
                                    "controller": "NHO & LO"})
    assert r.status == 303, (r.status, r.text[:400])
    assert inst.scalar("SELECT retention_months FROM event") == 18
    new, text = version_on_page(inst, "en")
    assert new != en
    assert "are erased 18 months after the event has ended" in text, text
    assert "NHO &amp; LO is the data controller" in text, text
    assert "slettes 18 måneder etter" in version_on_page(inst, "nb")[1]
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'privacy.settings'") == 1
    STATE["version_before"] = en


@case
def consent_version_stored_and_shown(inst):
    # Kari registered in English before the change, so under that version.
    got = inst.scalar("SELECT consent_version FROM participant WHERE"
                      " email = 'kari@example.no'")
    assert got == STATE["version_before"], got
    now_en = version_on_page(inst, "en")[0]
    join(inst, inst.sink, "Per Hansen", "per@example.no", "en")
    assert inst.scalar("SELECT consent_version FROM participant WHERE"
                       " email = 'per@example.no'") == now_en
    r = inst.admin.get("/console/registrations/%d"
                       % pid(inst, "kari@example.no"))
    assert r.status == 200, r.status
    m = re.search(r'id="consent-version">.*?<td>([^<]*)</td>', r.text)
    assert m and m.group(1) == got, r.text[:2000]


@case
def participant_sees_and_downloads_everything(inst):
    inst.ctl("allocate", "--apply")
    inst.ctl("publish")
    deliver(inst)
    kari = pid(inst, "kari@example.no")
    c = Client(inst.port, lang="en")
    text = c.get("/me/" + inst.kari).text
    assert 'id="my-data"' in text
    assert 'data-field="email">kari@example.no<' in text, text[-3000:]
    assert 'data-section="mails"' in text and "kind: invite" in text
    assert 'data-section="placements"' in text
    r = c.get("/me/%s/data.json" % inst.kari)
    assert r.status == 200, r.status
    assert r.getheader("Content-Type").startswith("application/json")
    assert "attachment" in r.getheader("Content-Disposition")
    assert r.getheader("Cache-Control") == "no-store"
    doc = json.loads(r.text)
    cols = [c for (c,) in inst.query(
        "SELECT column_name FROM information_schema.columns WHERE"
        " table_name = 'participant' AND column_name <> 'search'")]
    reg = doc["registration"]
    assert sorted(reg) == sorted(cols), (sorted(reg), sorted(cols))
    assert reg["email"] == "kari@example.no"
    assert reg["consent_version"] == STATE["version_before"]
    placed = inst.scalar("SELECT count(*) FROM assignment WHERE"
                         " participant_id = %s", kari)
    assert placed > 0 and len(doc["placements"]) == placed
    assert len(doc["invitations"]) == placed
    kinds = [m["kind"] for m in doc["mails"]]
    assert "confirm" in kinds and "invite" in kinds, kinds
    assert all(m["created_at"] for m in doc["mails"])
    assert [p["rank"] for p in doc["preferences"]] == [1, 2, 3]
    assert len(doc["checkin_codes"]) == 1
    for k in ("answers", "check_ins", "reminders", "bounces",
              "calendar_replies"):
        assert doc[k] == [], (k, doc[k])
    # Another person's token never shows Kari.
    assert "kari@" not in c.get("/me/%s/data.json" % inst.ola).text
    assert c.get("/me/%s/data.json" % ("0" * 32)).status == 404


@case
def participant_deletes_themselves(inst):
    kari = pid(inst, "kari@example.no")
    c = Client(inst.port, lang="en")
    placed = inst.scalar("SELECT count(*) FROM invitation WHERE"
                         " participant_id = %s AND state = 'invited'", kari)
    assert placed > 0
    before_sent = len(mails_to(inst.sink, "kari@example.no"))
    r = c.get("/me/%s/delete" % inst.kari)
    assert r.status == 200 and 'name="confirm" value="yes"' in r.text
    assert inst.scalar("SELECT status FROM participant WHERE id = %s",
                       kari) == "confirmed"
    csrf = c.csrf("/me/%s/delete" % inst.kari)
    # Without the confirmation (and without the CSRF token): nothing.
    r = c.post("/me/%s/delete" % inst.kari, {"_csrf": csrf})
    assert r.status == 400, r.status
    r = c.post("/me/%s/delete" % inst.kari, {"confirm": "yes"})
    assert r.status == 403, r.status
    assert inst.scalar("SELECT erased_at IS NULL FROM participant"
                       " WHERE id = %s", kari)
    r = c.post("/me/%s/delete" % inst.kari, {"_csrf": csrf,
                                             "confirm": "yes"})
    assert r.status == 200, (r.status, r.text[:400])
    assert "registration is deleted" in r.text
    row = inst.query("SELECT name, email, organisation, role, needs, status,"
                     " erased_at IS NOT NULL FROM participant WHERE id = %s",
                     kari)[0]
    assert row == ("(erased)", "erased-%d@invalid.invalid" % kari,
                   "(erased)", "", "", "cancelled", True), row
    assert inst.scalar("SELECT count(*) FROM participant_token WHERE"
                       " participant_id = %s", kari) == 0
    assert inst.scalar("SELECT count(*) FROM checkin_code WHERE"
                       " participant_id = %s", kari) == 0
    assert inst.scalar("SELECT count(*) FROM invitation WHERE"
                       " participant_id = %s AND state = 'cancelled'",
                       kari) == placed
    # The link is dead.
    assert c.get("/me/" + inst.kari).status == 404
    assert c.get("/me/%s/data.json" % inst.kari).status == 404
    # The CANCELs and the cancellation mail reach her.
    deliver(inst)
    got = mails_to(inst.sink, "kari@example.no")[before_sent:]
    cancels = [m for m in got if any(
        p.get_content_type() == "text/calendar"
        and "METHOD:CANCEL" in p.get_content() for p in m.walk())]
    assert len(cancels) == placed, [m["Subject"] for m in got]
    assert len(got) == placed + 1, [m["Subject"] for m in got]
    # Once sent, their address goes from the outbox too.
    inst.ctl("purge")
    assert inst.scalar("SELECT count(*) FROM outbox WHERE recipient ILIKE"
                       " '%%kari%%' OR recipient_name ILIKE '%%kari%%'") == 0
    # Audited, naming no one.
    audit = inst.query("SELECT actor, before::text, after::text FROM"
                       " audit_log WHERE action = 'participant.delete'"
                       " AND subject_id = %s", kari)
    assert len(audit) == 1, audit
    text = " ".join(audit[0]).lower()
    assert "kari" not in text and "nordmann" not in text, text
    assert '"erased": true' in audit[0][2], audit
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE"
                       " (coalesce(before::text, '') || coalesce(after::text,"
                       " '')) ILIKE '%%kari%%'") == 0


def figures(inst):
    return (inst.query("SELECT sector, status, count(*) FROM participant"
                       " GROUP BY 1, 2 ORDER BY 1, 2"),
            inst.query("SELECT session_id, rank, count(*) FROM preference"
                       " GROUP BY 1, 2 ORDER BY 1, 2"),
            inst.query("SELECT session_id, table_no, count(*) FROM assignment"
                       " GROUP BY 1, 2 ORDER BY 1, 2"),
            inst.query("SELECT session_id, state, count(*) FROM invitation"
                       " GROUP BY 1, 2 ORDER BY 1, 2"))


def people(inst):
    return inst.query("SELECT to_jsonb(p)::text FROM participant p"
                      " ORDER BY id")


@case
def retention_dry_run_then_real_run(inst):
    # 18 months (set above), the event over 70 days ago: nothing is due.
    inst.query("UPDATE event SET starts_at = now() - interval '71 days',"
               " ends_at = now() - interval '70 days'")
    r = inst.ctl("purge", "--dry-run")
    assert "0 participants and 0 invitees would be erased" in r.stdout, \
        r.stdout
    # Two months: everyone not yet erased is due.
    inst.query("UPDATE event SET retention_months = 2")
    due = inst.scalar("SELECT count(*) FROM participant WHERE"
                      " erased_at IS NULL")
    assert due >= 2
    # Ola came with a code bound to his address.
    ola = pid(inst, "ola@example.no")
    code = inst.scalar("INSERT INTO invitation_code (event_id, code, used,"
                       " email) SELECT id, 'OLACODE1', 1, 'ola@example.no'"
                       " FROM event RETURNING id")
    inst.query("UPDATE participant SET invitation_code_id = %s WHERE"
               " id = %s", code, ola)
    before, figs = people(inst), figures(inst)
    r = inst.ctl("purge", "--dry-run")
    listed = re.findall(r"(?m)^participant (\d+) of ki-toppmote", r.stdout)
    assert len(listed) == due, r.stdout
    assert "nothing changed" in r.stdout
    assert "@" not in r.stdout  # ids, never addresses
    assert people(inst) == before
    # The link still works until the real run... and the page says so.
    text = Client(inst.port, lang="en").get("/privacy").text
    assert "are erased 2 months after the event has ended" in text
    # Two processes at once (as two summitd would): each person once.
    procs = [subprocess.Popen([SUMMITCTL, "--config", inst.conf, "purge"],
                              env=inst.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    counts = [int(re.search(r"(\d+) participants? erased", o).group(1))
              for o, _ in outs]
    assert sum(counts) == due, outs
    assert inst.scalar("SELECT count(*) FROM participant WHERE"
                       " erased_at IS NULL OR name <> '(erased)'"
                       " OR email NOT LIKE 'erased-%%@invalid.invalid'") == 0
    assert inst.scalar("SELECT count(*) FROM outbox WHERE recipient"
                       " NOT LIKE 'erased-%%@invalid.invalid'") == 0
    assert figures(inst) == figs
    assert inst.scalar("SELECT email FROM invitation_code WHERE id = %s",
                       code) == "erased-code-%d@invalid.invalid" % code
    r = inst.ctl("purge", "--dry-run")
    assert "0 participants" in r.stdout, r.stdout
    # Past the period, links no longer work (the page's promise).
    assert Client(inst.port).get("/me/" + inst.ola).status in (404, 410)


@case
def migration_027_on_data(inst):
    name = "summit_http_privacy_schema"
    url, db = ts.at_008(name, "021")
    try:
        ev, other, people_, stranger = ts.load_more(db)
        ts.q(db, "UPDATE participant SET email = 'erased-' || id ||"
             " '@invalid.invalid', name = '(erased)' WHERE id = %s",
             people_[1])
        # Whatever comes between 021 and 027 first, so only 027 is seen.
        r = ts.migrate_through(url, "026")
        assert r.returncode == 0, r.stderr
        before = ts.checksums(db)
        part = ("SELECT md5(string_agg((to_jsonb(p) - 'consent_version'"
                " - 'erased_at')::text, '|' ORDER BY id)) FROM participant p")
        evs = ("SELECT md5(string_agg((to_jsonb(e) - 'retention_months'"
               " - 'controller')::text, '|' ORDER BY id)) FROM event e")
        p0, e0 = ts.one(db, part), ts.one(db, evs)
        r = ts.migrate_through(url, "027")
        assert r.returncode == 0, r.stderr
        assert "027_privacy" in r.stderr + r.stdout, r.stdout
        after = ts.checksums(db)
        for t in ("participant", "event"):
            before.pop(t)
        assert {t: after[t] for t in before} == before
        assert ts.one(db, part) == p0 and ts.one(db, evs) == e0
        assert ts.q(db, "SELECT id FROM participant WHERE erased_at IS NOT"
                    " NULL") == [(people_[1],)]
        assert ts.one(db, "SELECT count(*) FROM participant WHERE"
                      " consent_version IS NOT NULL") == 0
        assert ts.one(db, "SELECT count(*) FROM event WHERE"
                      " retention_months IS NOT NULL OR controller <> ''") \
            == 0
        e = ts.refused(db, "UPDATE event SET retention_months = 0")
        assert e.diag.constraint_name == "event_retention_months_check", e
        e = ts.refused(db, "UPDATE participant SET consent_version = 'x'")
        assert e.diag.constraint_name == \
            "participant_consent_version_check", e
        assert ts.scheme_breaches(db) == [], ts.scheme_breaches(db)
    finally:
        db.close()
        drop_database(name)


if __name__ == "__main__":
    run(setup, teardown)
