#!/usr/bin/env python3
"""test_events.py -- several events in one installation (issue 11): a new
event made in the console as a copy of the demo, each event at its own
/SLUG/ address, organiser rights per event, and two events whose
registrations, places, allocations, mails and console pages never mix;
archiving makes an event read-only."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, organiser, registration_form,  # noqa: E402
                     wait_for)
from tap import case, run  # noqa: E402

OLD, NEW = "ki-toppmote", "ki-2027"


def setup():
    inst = Instance("summit_http_events")
    inst.server = inst.start()
    # An installation admin (admin without --event), and staff of the
    # demo event only.
    inst.admin = organiser(inst, "admin@example.no", "admin")
    inst.staff = organiser(inst, "staff@example.no", "staff")
    inst.old = inst.scalar("SELECT id FROM event WHERE slug = %s", OLD)
    return inst


def teardown(inst):
    if inst:
        inst.close()


def csrf_of(text):
    m = re.search(r'name="_csrf" value="([0-9a-f]+)"', text)
    assert m, text[:500]
    return m.group(1)


def sessions_of(inst, ev):
    return [r[0] for r in inst.query(
        "SELECT id FROM session WHERE event_id = %s ORDER BY id", ev)]


def register_at(inst, slug, email, ev):
    c = Client(inst.port)
    page = c.get("/%s/register" % slug)
    assert page.status == 200, (page.status, page.text[:300])
    # The form posts to the event's own address.
    assert 'action="/%s/register"' % slug in page.text
    s = sessions_of(inst, ev)
    r = c.post("/%s/register" % slug, registration_form(
        csrf_of(page.text), email=email, rank1=str(s[0]), rank2=str(s[4]),
        rank3=str(s[8])))
    assert r.status == 303, (r.status, r.text[:500])
    assert r.getheader("Location") == "/%s/registered" % slug
    return inst.scalar("SELECT id FROM participant WHERE event_id = %s"
                       " AND email = %s", ev, email)


@case
def a_new_event_is_made_as_a_copy_without_people(inst):
    c = inst.admin
    page = c.get("/console/events")
    assert page.status == 200 and "/%s/console" % OLD in page.text
    # A bad address changes nothing.
    r = c.post("/console/events/copy", {
        "_csrf": csrf_of(page.text), "from": str(inst.old), "slug": "console",
        "name_nb": "KI 2027", "name_en": "AI 2027", "day": "2027-11-04"})
    assert r.status == 400 and 'id="events-error"' in r.text
    # The database's rule (sql/022), said as the word's refusal.
    assert re.search(r'id="events-error">[^<]*(ikke være et ord|may not be'
                     r' a word)', r.text), re.findall(
        r'id="events-error">([^<]*)', r.text)
    # An address another event has: said so, not as a bad word.
    r = c.post("/console/events/copy", {
        "_csrf": csrf_of(page.text), "from": str(inst.old), "slug": OLD,
        "name_nb": "KI 2027", "name_en": "AI 2027", "day": "2027-11-04"})
    assert r.status == 400 and re.search(
        r'id="events-error">[^<]*(allerede den adressen|has that address)',
        r.text), re.findall(r'id="events-error">([^<]*)', r.text)
    assert inst.scalar("SELECT count(*) FROM event") == 1
    r = c.post("/console/events/copy", {
        "_csrf": csrf_of(page.text), "from": str(inst.old), "slug": NEW,
        "name_nb": "KI-toppmøtet 2027", "name_en": "AI summit 2027",
        "day": "2027-11-04"})
    assert r.status == 303, (r.status, re.findall(
        r'id="events-error">([^<]*)', r.text), inst.server.log_tail(5))
    inst.new = inst.scalar("SELECT id FROM event WHERE slug = %s", NEW)
    # The copy's registration window moved with it, into next year: open
    # it now, for the cases below.
    inst.query("UPDATE event SET registration_opens = now() - interval"
               " '1 day' WHERE id = %s", inst.new)
    for table in ("sector", "slot", "session"):
        assert inst.scalar("SELECT count(*) FROM %s WHERE event_id = %%s"
                           % table, inst.new) == \
            inst.scalar("SELECT count(*) FROM %s WHERE event_id = %%s"
                        % table, inst.old), table
    assert inst.scalar("SELECT count(*) FROM participant WHERE event_id"
                       " = %s", inst.new) == 0
    # The programme moved to the new first day at the same local times.
    first = inst.query(
        "SELECT to_char(min(starts_at) AT TIME ZONE 'Europe/Oslo',"
        " 'YYYY-MM-DD HH24:MI') FROM slot WHERE event_id = %s", inst.new)
    old_first = inst.query(
        "SELECT to_char(min(starts_at) AT TIME ZONE 'Europe/Oslo',"
        " 'HH24:MI') FROM slot WHERE event_id = %s", inst.old)
    assert first[0][0] == "2027-11-04 " + old_first[0][0], first
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'event.copy' AND subject_id = %s", inst.new) == 1


@case
def each_event_has_its_address_and_the_root_lists_them(inst):
    c = Client(inst.port)
    root = c.get("/")
    assert root.status == 200
    assert 'href="/%s/"' % OLD in root.text and 'href="/%s/"' % NEW in root.text
    new = c.get("/%s/" % NEW)
    assert new.status == 200 and "KI-toppmøtet 2027" in new.text
    assert 'href="/%s/register"' % NEW in new.text
    old = c.get("/%s/" % OLD)
    assert old.status == 200 and "KI-toppmøtet 2027" not in old.text
    # With two events an address without one names none.
    assert c.get("/register").status == 404
    assert c.get("/nosuchevent/").status == 404
    r = inst.staff.get("/console")
    assert r.status == 303 and r.getheader("Location") == "/console/events"


@case
def registrations_places_and_mails_never_mix(inst):
    inst.query("UPDATE event SET capacity = 1 WHERE id = %s", inst.new)
    inst.query("SELECT summit_sync_places(%s)", inst.new)
    before_old = inst.scalar("SELECT count(*) FROM place WHERE event_id = %s"
                             " AND participant_id IS NULL", inst.old)
    # One address may register for both events: a person per event.
    a_old = register_at(inst, OLD, "kari@example.no", inst.old)
    a_new = register_at(inst, NEW, "kari@example.no", inst.new)
    b_new = register_at(inst, NEW, "ola@example.no", inst.new)
    assert a_old and a_new and b_new and a_old != a_new
    for pid in (a_new, b_new, a_old):
        inst.query("UPDATE participant SET email_confirmed_at = now(),"
                   " status = 'confirmed' WHERE id = %s AND status ="
                   " 'pending'", pid)
    # Every mail a registration queued carries its own event.
    rows = inst.query("SELECT participant_id, event_id FROM outbox"
                      " WHERE participant_id IN (%s, %s, %s)",
                      a_old, a_new, b_new)
    assert rows and all(ev == (inst.old if pid == a_old else inst.new)
                        for pid, ev in rows), rows
    # The new event's one place went to one of its people; the demo's
    # free places only to its own.
    assert inst.scalar("SELECT count(*) FROM place WHERE event_id = %s"
                       " AND participant_id IS NOT NULL", inst.new) <= 1
    assert inst.scalar("SELECT count(*) FROM place p JOIN participant q"
                       " ON q.id = p.participant_id WHERE p.event_id"
                       " <> q.event_id") == 0
    assert inst.scalar("SELECT count(*) FROM place WHERE event_id = %s"
                       " AND participant_id IS NULL", inst.old) >= \
        before_old - 1
    inst.a_old, inst.a_new = a_old, a_new


@case
def allocation_and_publishing_stay_in_their_event(inst):
    out = inst.ctl("allocate", "--apply", check=False)
    assert out.returncode != 0 and "several events" in out.stderr, out
    inst.ctl("--event", NEW, "allocate", "--apply")
    assert inst.scalar("SELECT count(*) FROM assignment WHERE event_id"
                       " = %s", inst.old) == 0
    assert inst.scalar("SELECT count(*) FROM assignment a JOIN participant p"
                       " ON p.id = a.participant_id WHERE p.event_id"
                       " <> a.event_id") == 0
    inst.ctl("--event", NEW, "publish")
    assert inst.scalar("SELECT count(*) FROM invitation i JOIN participant p"
                       " ON p.id = i.participant_id WHERE p.event_id"
                       " = %s", inst.old) == 0


@case
def rights_are_per_event(inst):
    s = inst.staff
    assert s.get("/%s/console/registrations" % OLD).status == 200
    lst = s.get("/%s/console/registrations" % OLD).text
    assert "ola@example.no" not in lst
    # Staff of the demo event have no right in the new one ...
    assert s.get("/%s/console/registrations" % NEW).status == 403
    # ... and cannot reach its people through their own event's pages.
    assert s.get("/%s/console/registrations/%d"
                 % (OLD, inst.a_new)).status == 404
    assert s.get("/%s/console/registrations/%d"
                 % (OLD, inst.a_old)).status == 200
    # A right in the new event, given by the command line, opens it.
    inst.ctl("--event", NEW, "organiser", "add", "staff@example.no",
             "--role", "staff")
    assert s.get("/%s/console/registrations" % NEW).status == 200
    assert s.get("/%s/console/registrations/%d"
                 % (NEW, inst.a_new)).status == 200
    page = s.get("/console/events")
    assert "/%s/console" % OLD in page.text and "/%s/console" % NEW in page.text


@case
def an_archived_event_is_read_only(inst):
    c = inst.admin
    page = c.get("/console/events")
    r = c.post("/console/events/%d/archive" % inst.new,
               {"_csrf": csrf_of(page.text), "archived": "1"})
    assert r.status == 303, (r.status, r.text[:300])
    wait_for(lambda: inst.scalar("SELECT archived_at IS NOT NULL FROM event"
                                 " WHERE id = %s", inst.new), what="archived")
    v = Client(inst.port)
    form = v.get("/%s/register" % NEW)
    n = inst.scalar("SELECT count(*) FROM participant")
    r = v.post("/%s/register" % NEW, registration_form(
        csrf_of(form.text), email="late@example.no"))
    assert r.status == 403, r.status
    assert inst.scalar("SELECT count(*) FROM participant") == n
    assert c.get("/%s/console/registrations" % NEW).status == 200
    # summitctl too: what would change the event is refused with the
    # reason, and changes nothing; reading it still works.
    mails = inst.scalar("SELECT count(*) FROM outbox")
    runs = inst.scalar("SELECT count(*) FROM allocation_run")
    for args in (("publish",), ("allocate", "--apply"),
                 ("api-token", "add", "--organiser", "admin@example.no",
                  "--scope", "read")):
        r = inst.ctl("--event", NEW, *args, check=False)
        assert r.returncode != 0, (args, r.stdout)
        assert 'event "%s" is archived' % NEW in r.stderr, (args, r.stderr)
    assert inst.scalar("SELECT count(*) FROM outbox") == mails
    assert inst.scalar("SELECT count(*) FROM allocation_run") == runs
    assert inst.ctl("--event", NEW, "outbox").returncode == 0
    assert inst.ctl("--event", NEW, "allocate").returncode == 0
    # Not listed to the public any more; the only open event is the
    # demo again, so the bare address names it.
    assert 'href="/%s/"' % NEW not in v.get("/").text
    assert v.get("/register").status == 200


if __name__ == "__main__":
    run(setup, teardown)
