#!/usr/bin/env python3
"""test_bulk.py -- bulk actions on the console's registrations list (issue
14 item 2): rows selected by checkbox, "all on this page" or "all matching
the filter" lead to a confirmation page that names everyone and changes
nothing; its POST changes them all in one transaction, audited as one
entry listing them, with the mails a single change queues and a report of
each person who could not be changed; CSRF and role refused; bad or too
many ids refused with nothing changed; the selection's export holds
exactly its rows."""
import csv
import io
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

S = {}
LIST = "/console/registrations"


def setup():
    # No periodic fill from the waitlist while the tests arrange it.
    inst = Instance("summit_http_bulk", extra_conf=(
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    # The pages' texts are asserted in English.
    S["admin"].lang = S["staff"].lang = "en"
    S["event"] = inst.scalar("SELECT id FROM event")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def add(inst, name, org="Org", sector="business", status="confirmed"):
    """A participant inserted directly, with a place unless waitlisted."""
    email = re.sub(r"[^a-z0-9]", "", name.lower()) + "@example.no"
    pid = inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, email_confirmed_at, consent_at) VALUES (%s, %s, %s, %s, %s,"
        " %s, now(), now()) RETURNING id",
        S["event"], name, email, org, sector, status)
    if status in ("confirmed", "pending"):
        inst.query("UPDATE place SET participant_id = %s WHERE (event_id,"
                   " place_no) = (SELECT event_id, min(place_no) FROM place"
                   " WHERE event_id = %s AND participant_id IS NULL"
                   " GROUP BY event_id)", pid, S["event"])
    return pid


def status(inst, pid):
    return inst.scalar("SELECT status FROM participant WHERE id = %s", pid)


def state(inst):
    """Everything a bulk action could change."""
    return (inst.query("SELECT id, status FROM participant ORDER BY id"),
            inst.query("SELECT place_no, participant_id FROM place"
                       " ORDER BY place_no"),
            inst.scalar("SELECT count(*) FROM outbox"),
            inst.scalar("SELECT count(*) FROM audit_log"))


def bulk(c, data, token=True):
    body = dict(data)
    if token:
        body["_csrf"] = c.csrf(LIST)
    return c.post(LIST + "/bulk", body)


def confirm_form(html):
    """The confirmation page's action and ids."""
    a = re.search(r'name="action" value="([a-z_]+)"', html)
    i = re.search(r'name="ids" value="([0-9,]*)"', html)
    assert a and i, html
    return a.group(1), i.group(1)


def apply(c, html, token=True):
    action, ids = confirm_form(html)
    body = {"action": action, "ids": ids}
    if token:
        body["_csrf"] = c.csrf(LIST)
    return c.post(LIST + "/bulk/apply", body)


def listed(html):
    m = re.search(r'<ol class="bulk-people" id="bulk-people">(.*?)</ol>',
                  html, re.S)
    assert m, html
    return re.findall(r'/console/registrations/(\d+)">([^<]*)</a>', m.group(1))


def bulk_entries(inst, since):
    return inst.query("SELECT action, subject_id, before, after, actor"
                      " FROM audit_log WHERE id > %s AND action LIKE"
                      " 'registrations.bulk%%' ORDER BY id", since)


def last_audit(inst):
    return inst.scalar("SELECT coalesce(max(id), 0) FROM audit_log")


def as_json(v):
    return v if isinstance(v, (dict, list)) else json.loads(v)


@case
def list_has_a_checkbox_per_row_and_the_bar(inst):
    p = add(inst, "Boksperson Rad")
    r = S["admin"].get(LIST + "?q=Boksperson")
    assert r.status == 200, r.status
    assert 'name="sel_%d" value="1"' % p in r.text, r.text
    assert 'form="bulk"' in r.text
    assert '<form id="bulk" method="post"' in r.text
    assert 'name="page_ids" value="%d"' % p in r.text, r.text
    # The filter rides along in hidden fields, for "all matching".
    assert '<input type="hidden" name="q" value="Boksperson">' in r.text
    assert 'value="cancelled"' in r.text and 'value="export_csv"' in r.text
    # Staff see the exports only.
    r = S["staff"].get(LIST + "?q=Boksperson")
    m = re.search(r'<select id="bulk-action" name="action">(.*?)</select>',
                  r.text, re.S)
    assert m, r.text
    assert re.findall(r'value="([a-z_]+)"', m.group(1)) == \
        ["export_csv", "export_xlsx"], m.group(1)


@case
def two_selected_confirmed_then_cancelled_in_one_entry(inst):
    a = add(inst, "Bulk Anna")
    b = add(inst, "Bulk Bjørn")
    c = add(inst, "Bulk Carl")
    before = state(inst)
    r = bulk(S["admin"], {"scope": "selected", "action": "cancelled",
                          "sel_%d" % a: "1", "sel_%d" % b: "1"})
    assert r.status == 200, (r.status, r.text)
    assert listed(r.text) == [(str(a), "Bulk Anna"), (str(b), "Bulk Bjørn")]
    assert '<strong id="bulk-count">2</strong>' in r.text, r.text
    # The confirmation page changed nothing.
    assert state(inst) == before
    since = last_audit(inst)
    mails = inst.scalar("SELECT count(*) FROM outbox WHERE kind = 'cancelled'"
                        " AND participant_id IN (%s, %s)", a, b)
    r = apply(S["admin"], r.text)
    assert r.status == 200, (r.status, r.text)
    assert '<strong id="bulk-changed">2</strong>' in r.text, r.text
    assert status(inst, a) == "cancelled" and status(inst, b) == "cancelled"
    assert status(inst, c) == "confirmed"
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id IN"
                       " (%s, %s)", a, b) == 0
    # The cancellation mail each, as one cancellation queues it.
    assert inst.scalar("SELECT count(*) FROM outbox WHERE kind = 'cancelled'"
                       " AND participant_id IN (%s, %s)", a, b) == mails + 2
    entries = bulk_entries(inst, since)
    assert len(entries) == 1, entries
    action, subject, before_j, after_j, actor = entries[0]
    assert action == "registrations.bulk_status" and subject is None
    after_j, before_j = as_json(after_j), as_json(before_j)
    assert after_j["status"] == "cancelled"
    assert after_j["changed"] == [a, b], after_j
    assert [p["id"] for p in before_j["people"]] == [a, b]
    assert [p["status"] for p in after_j["people"]] == ["cancelled"] * 2
    assert actor == "admin@example.no", actor
    # Reinstated together: confirmed with a place again.
    r = bulk(S["admin"], {"scope": "selected", "action": "confirmed",
                          "sel_%d" % a: "1", "sel_%d" % b: "1"})
    r = apply(S["admin"], r.text)
    assert r.status == 200, r.status
    assert status(inst, a) == "confirmed" and status(inst, b) == "confirmed"
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id IN"
                       " (%s, %s)", a, b) == 2


@case
def promote_reports_who_could_not_be(inst):
    w = add(inst, "Bulk Venter", status="waitlisted")
    x = add(inst, "Bulk Allerede")
    since = last_audit(inst)
    r = bulk(S["admin"], {"scope": "selected", "action": "promote",
                          "sel_%d" % w: "1", "sel_%d" % x: "1"})
    assert r.status == 200, r.status
    r = apply(S["admin"], r.text)
    assert r.status == 200, r.status
    assert status(inst, w) == "confirmed"
    assert status(inst, x) == "confirmed"
    m = re.search(r'<ul id="bulk-done-refused">(.*?)</ul>', r.text, re.S)
    assert m and "Bulk Allerede" in m.group(1) and \
        "not on the waiting list" in m.group(1), r.text
    # The promotion's mail, as the single promotion queues it.
    assert inst.scalar("SELECT count(*) FROM outbox WHERE participant_id = %s"
                       " AND kind = 'promoted'", w) == 1
    entries = bulk_entries(inst, since)
    assert len(entries) == 1 and \
        entries[0][0] == "registrations.bulk_promote", entries
    after = as_json(entries[0][3])
    assert after["changed"] == [w], after
    assert after["refused"] == [{"id": x, "reason": "not_waitlisted"}], after


@case
def all_matching_the_filter_is_exactly_its_set(inst):
    ins = [add(inst, "Filter Inne %d" % i, org="Filterfirma",
               sector="academia") for i in range(3)]
    out = [add(inst, "Filter Ute", org="Filterfirma", sector="union"),
           add(inst, "Annen Inne", org="Annet", sector="academia")]
    # The list's hidden fields carry the filter: q and sector.
    r = S["admin"].get(LIST + "?q=Filterfirma&sector=academia")
    assert '<input type="hidden" name="sector" value="academia">' in r.text
    r = bulk(S["admin"], {"scope": "filter", "action": "waitlisted",
                          "q": "Filterfirma", "sector": "academia",
                          # Checked rows do not count for the filter.
                          "sel_%d" % out[0]: "1"})
    assert r.status == 200, r.text
    assert [int(i) for i, _ in listed(r.text)] == ins, listed(r.text)
    r = apply(S["admin"], r.text)
    assert r.status == 200, r.status
    # All three wait: none took another's freed place.
    assert [status(inst, p) for p in ins] == ["waitlisted"] * 3
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                       " = ANY(%s)", ins) == 0
    assert [status(inst, p) for p in out] == ["confirmed"] * 2
    # Back from the waitlist together, in the filter's set only.
    r = bulk(S["admin"], {"scope": "filter", "action": "promote",
                          "q": "Filterfirma", "waitlisted": "1"})
    assert [int(i) for i, _ in listed(r.text)] == ins, listed(r.text)
    r = apply(S["admin"], r.text)
    assert [status(inst, p) for p in ins] == ["confirmed"] * 3


@case
def all_on_this_page(inst):
    p = [add(inst, "Sideperson %d" % i) for i in range(2)]
    r = bulk(S["admin"], {"scope": "page", "action": "pending",
                          "page_ids": "%d,%d" % tuple(p)})
    assert [int(i) for i, _ in listed(r.text)] == p


@case
def csrf_role_and_bad_ids_change_nothing(inst):
    a = add(inst, "Vern Anna")
    b = add(inst, "Vern Bo")
    before = state(inst)
    sel = {"scope": "selected", "action": "cancelled", "sel_%d" % a: "1"}
    # No token, staff for a change, staff on the apply: 403.
    assert bulk(S["admin"], sel, token=False).status == 403
    assert bulk(S["staff"], sel).status == 403
    r = S["staff"].post(LIST + "/bulk/apply", {
        "_csrf": S["staff"].csrf(LIST), "action": "cancelled",
        "ids": str(a)})
    assert r.status == 403, r.status
    r = S["admin"].post(LIST + "/bulk/apply", {"action": "cancelled",
                                               "ids": str(a)})
    assert r.status == 403, r.status
    # An id of nobody in the event, beside a good one: all refused.
    for ids in ("%d,999999" % a, "%d,abc" % a, "", "%d,-1" % b):
        r = S["admin"].post(LIST + "/bulk/apply", {
            "_csrf": S["admin"].csrf(LIST), "action": "cancelled",
            "ids": ids})
        assert r.status == 400, (ids, r.status)
        assert "Nothing was changed" in r.text
    r = bulk(S["admin"], {"scope": "selected", "action": "cancelled",
                          "sel_%d" % a: "1", "sel_999999": "1"})
    assert r.status == 400, r.status
    # Nobody, an unknown action, more than the bound.
    assert bulk(S["admin"], {"scope": "selected",
                             "action": "cancelled"}).status == 400
    assert bulk(S["admin"], {"scope": "selected", "action": "erase",
                             "sel_%d" % a: "1"}).status == 400
    many = ",".join(str(i) for i in range(1, 502))
    r = bulk(S["admin"], {"scope": "page", "action": "cancelled",
                          "page_ids": many})
    assert r.status == 400 and "Too many" in r.text, (r.status, r.text)
    r = S["admin"].post(LIST + "/bulk/apply", {
        "_csrf": S["admin"].csrf(LIST), "action": "cancelled",
        "ids": many})
    assert r.status == 400, r.status
    assert state(inst) == before


@case
def export_of_the_selection_has_exactly_its_rows(inst):
    a = add(inst, "Eksport Anna")
    add(inst, "Eksport Ikke")
    b = add(inst, "Eksport Bo")
    for who in (S["staff"], S["admin"]):
        r = bulk(who, {"scope": "selected", "action": "export_csv",
                       "sel_%d" % a: "1", "sel_%d" % b: "1"})
        assert r.status == 200, r.status
        assert r.getheader("Content-Type").startswith("text/csv")
        assert "registrations-selected.csv" in \
            r.getheader("Content-Disposition")
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0][0] == "id", rows[0]
        assert [int(x[0]) for x in rows[1:]] == [a, b], rows
        assert [x[1] for x in rows[1:]] == ["Eksport Anna", "Eksport Bo"]
    r = bulk(S["staff"], {"scope": "selected", "action": "export_xlsx",
                          "sel_%d" % a: "1", "sel_%d" % b: "1"})
    assert r.status == 200, r.status
    assert r.body[:2] == b"PK", r.body[:8]
    import openpyxl
    ws = openpyxl.load_workbook(io.BytesIO(r.body), read_only=True).active
    ids = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ids == [a, b], ids


@case
def a_message_to_the_selection_reaches_exactly_it(inst):
    m = [add(inst, "Melding %d" % i, org="Meldingsfirma") for i in range(3)]
    a = S["admin"]
    r = bulk(a, {"scope": "selected", "action": "message",
                 "sel_%d" % m[0]: "1", "sel_%d" % m[2]: "1"})
    assert r.status == 303, (r.status, r.text)
    to = r.getheader("Location")
    assert to == "/console/messages?to=%d%%2C%d" % (m[0], m[2]) or \
        to == "/console/messages?to=%d,%d" % (m[0], m[2]), to
    r = a.get(to)
    assert r.status == 200, r.status
    assert re.search(r'id="to-notice">[^<]*<strong>2</strong>', r.text), \
        r.text
    hidden = 'name="to" value="%d,%d"' % (m[0], m[2])
    assert hidden in r.text, r.text
    msg = {"_csrf": a.csrf(LIST), "subject_nb": "Hei {name}",
           "subject_en": "Hello {name}", "body_nb": "Tekst",
           "body_en": "Text", "to": "%d,%d" % (m[0], m[2])}
    r = a.post("/console/messages/preview", msg)
    assert r.status == 200, r.status
    assert re.search(r'<p id="count">[^<]*<strong>2</strong>', r.text), \
        r.text
    assert hidden in r.text  # the send form carries it on
    # A "to" that is no list of ids: refused, nothing queued.
    queued = inst.scalar("SELECT count(*) FROM outbox")
    r = a.post("/console/messages/send", dict(msg, to="1,x"))
    assert r.status == 400, r.status
    assert inst.scalar("SELECT count(*) FROM outbox") == queued
    r = a.post("/console/messages/send", msg)
    assert r.status == 303, r.status
    got = [x[0] for x in inst.query(
        "SELECT participant_id FROM outbox WHERE kind = 'message'"
        " AND participant_id = ANY(%s) ORDER BY participant_id", m)]
    assert got == [m[0], m[2]], got
    f = as_json(inst.scalar("SELECT filter FROM message ORDER BY id DESC"
                            " LIMIT 1"))
    assert f["ids"] == [m[0], m[2]], f


@case
def who_finds_no_place_is_reported_and_left_as_they_were(inst):
    x = add(inst, "Plass Xavier", status="cancelled")
    y = add(inst, "Plass Yngve", status="cancelled")
    # Every free place but one taken.
    free = inst.scalar("SELECT count(*) FROM place WHERE event_id = %s AND"
                       " participant_id IS NULL", S["event"])
    for i in range(free - 1):
        add(inst, "Fyll %d" % i)
    since = last_audit(inst)
    r = bulk(S["admin"], {"scope": "selected", "action": "confirmed",
                          "sel_%d" % x: "1", "sel_%d" % y: "1"})
    r = apply(S["admin"], r.text)
    assert r.status == 200, r.status
    assert status(inst, x) == "confirmed" and status(inst, y) == "cancelled"
    m = re.search(r'<ul id="bulk-done-refused">(.*?)</ul>', r.text, re.S)
    assert m and "Plass Yngve" in m.group(1) and \
        "no place is free" in m.group(1), r.text
    after = as_json(bulk_entries(inst, since)[0][3])
    assert after["changed"] == [x], after
    assert after["refused"] == [{"id": y, "reason": "full"}], after
    # The place is y's nowhere: nothing of the refused change is left.
    assert inst.scalar("SELECT count(*) FROM place WHERE participant_id"
                       " = %s", y) == 0


if __name__ == "__main__":
    run(setup, teardown)
