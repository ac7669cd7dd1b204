#!/usr/bin/env python3
"""test_badges.py -- the console area "badges" against a real summitd and
PostgreSQL: sector colours in the set-up (defaults from the palette, a
chosen colour kept, a bad one refused with nothing changed); badge pages
for everyone, a filter (sector, session, status) and one person, pages
of the layout's size, names escaped; the door list (confirmed people by
surname with their short check-in code) and its CSV; ticks imported from
it with a preview that changes nothing, refusals by line that stop the
whole import, people already in left as they were, and an audit entry;
staff may read but not import."""
import csv
import html
import io
import math
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

S = {}


def setup():
    inst = Instance("summit_http_badges", extra_conf=(
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    S["event"] = inst.scalar("SELECT id FROM event")
    S["session"] = inst.scalar("SELECT min(id) FROM session")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def add(inst, name, org="Org", sector="business", status="confirmed"):
    n = inst.scalar("SELECT count(*) FROM participant")
    return inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, hold_until, consent_at) VALUES (%s, %s, %s, %s, %s, %s,"
        " now() + interval '1 day', now()) RETURNING id", S["event"], name,
        "p%d-%d@example.no" % (n, S["event"]), org, sector, status)


def post(c, path, data, csrf_from="/console/badges"):
    body = dict(data)
    body["_csrf"] = c.csrf(csrf_from)
    return c.post(path, body)


def labels(html):
    """(person id, inner html) of each label, in order."""
    return re.findall(r'<article class="label" data-person="(\d+)">(.*?)'
                      r'</article>', html, re.S)


def sheets(html):
    return html.count('<section class="sheet"')


@case
def sector_colours_default_chosen_and_refused(inst):
    a = S["admin"]
    got = dict(inst.query("SELECT code, colour FROM sector"))
    # The demo's five sectors: the palette's first five, in order.
    assert got == {"business": "#0072b2", "academia": "#e69f00",
                   "union": "#009e73", "government": "#cc79a7",
                   "other": "#56b4e9"}, got
    r = a.get("/console/sectors")
    assert 'fill="#0072b2"' in r.text and "#e69f00" in r.text
    r = post(a, "/console/sectors", {"code": "press", "name_nb": "Presse",
                                     "name_en": "Press", "position": "6",
                                     "colour": ""}, "/console/sectors")
    assert r.status == 303, (r.status, r.text[:400])
    assert inst.scalar("SELECT colour FROM sector WHERE code = 'press'") == \
        "#d55e00"
    r = post(a, "/console/sectors", {"code": "guests", "name_nb": "Gjester",
                                     "name_en": "Guests", "position": "7",
                                     "colour": "#AB12cd"}, "/console/sectors")
    assert r.status == 303
    assert inst.scalar("SELECT colour FROM sector WHERE code = 'guests'") == \
        "#ab12cd"
    before = inst.query("SELECT * FROM sector ORDER BY code")
    for bad in ("red", "#12345", "#1234567", "#12345g"):
        r = post(a, "/console/sectors/press", {
            "name_nb": "Presse", "name_en": "Press", "position": "6",
            "colour": bad}, "/console/sectors/press")
        assert r.status == 400, (bad, r.status)
        assert 'id="colour-err"' in r.text, bad
    assert inst.query("SELECT * FROM sector ORDER BY code") == before
    # An edit without a colour keeps the sector's.
    r = post(a, "/console/sectors/guests", {
        "name_nb": "Gjester", "name_en": "Guests", "position": "8",
        "colour": ""}, "/console/sectors/guests")
    assert r.status == 303
    assert inst.query("SELECT colour, position FROM sector WHERE"
                      " code = 'guests'") == [("#ab12cd", 8)]
    entry = inst.query("SELECT after FROM audit_log WHERE action ="
                       " 'setup.sector_add' ORDER BY id DESC LIMIT 1")[0][0]
    assert entry["colour"] == "#ab12cd", entry


@case
def badges_everyone_filter_and_one_person(inst):
    a, st = S["admin"], S["staff"]
    ids = [add(inst, "Badge Person %02d" % i, "Org %d" % i,
               ["business", "union"][i % 2]) for i in range(19)]
    evil = add(inst, '<script>alert(1)</script> "Ola" & Sønn', "<b>Org</b>",
               "academia")
    add(inst, "Waiting Wendy", "W", "business", "waitlisted")
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id)"
               " SELECT %s, unnest(%s::bigint[]), %s", S["event"], ids[:3],
               S["session"])
    confirmed = inst.scalar("SELECT count(*) FROM participant WHERE"
                            " status = 'confirmed'")
    for layout, per in (("a4-2x4", 8), ("a4-2x5", 10), ("single", 1)):
        r = st.get("/console/badges/print?layout=" + layout)
        assert r.status == 200, (layout, r.status, r.text[:300])
        assert 'href="/static/badges-%s.css"' % layout in r.text
        assert len(labels(r.text)) == confirmed, layout
        assert sheets(r.text) == math.ceil(confirmed / per), layout
    r = st.get("/console/badges/print")
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "&lt;b&gt;Org&lt;/b&gt;" in r.text
    one = dict(labels(r.text))[str(evil)]
    assert 'fill="#e69f00"' in one          # academia's colour
    assert "Waiting Wendy" not in r.text     # not confirmed
    # Every confirmed badge carries its live code and a QR path.
    code = inst.scalar("SELECT short_code FROM checkin_code WHERE"
                       " participant_id = %s AND revoked_at IS NULL", evil)
    assert code and (code[:5] + "-" + code[5:]) in one, (code, one)
    assert re.search(r'<path fill="#000" d="M[0-9hvzM -]+"', one), one
    # A filter: a sector, a session, a status.
    r = st.get("/console/badges/print?sector=union")
    got = [int(p) for p, _ in labels(r.text)]
    assert got and set(got) == set(inst.scalar(
        "SELECT array_agg(id) FROM participant WHERE sector = 'union' AND"
        " status = 'confirmed'")), got
    r = st.get("/console/badges/print?session=%d" % S["session"])
    assert sorted(int(p) for p, _ in labels(r.text)) == sorted(ids[:3])
    r = st.get("/console/badges/print?status=waitlisted")
    assert "Waiting Wendy" in r.text and len(labels(r.text)) == 1
    assert '<div class="qr">' not in r.text  # no code when not confirmed
    r = st.get("/console/badges/print?status=any")
    assert len(labels(r.text)) == inst.scalar(
        "SELECT count(*) FROM participant")
    # By surname: "Person 00" ... in order.
    r = st.get("/console/badges/print?sector=business")
    names = re.findall(r'<p class="name fit-\d">([^<]*)</p>', r.text)
    assert names == sorted(names, key=lambda n: (n.split()[-1].lower(),
                                                 n.lower())), names
    # One person, from their page.
    r = st.get("/console/registrations/%d" % ids[4])
    assert "/console/badges/print?person=%d&amp;layout=single" % ids[4] \
        in r.text
    r = st.get("/console/badges/print?person=%d&layout=single" % ids[4])
    assert [p for p, _ in labels(r.text)] == [str(ids[4])]
    assert sheets(r.text) == 1
    # Refused: an unknown person, a bad number, an unknown status.
    assert st.get("/console/badges/print?person=999999").status == 404
    assert st.get("/console/badges/print?session=x").status == 400
    assert st.get("/console/badges/print?status=nope").status == 400
    assert st.get("/console/badges/print?sector=NOPE").status == 400
    # Long names get a smaller type.
    long_id = add(inst, "Maximiliane " * 15 + "Long", "O" * 150, "union")
    r = st.get("/console/badges/print?person=%d" % long_id)
    assert '<p class="name fit-5">' in r.text and 'org fit-5' in r.text
    # The form page lists filters and layouts.
    r = st.get("/console/badges")
    assert r.status == 200 and 'value="a4-2x5"' in r.text
    assert 'href="/console/door-list/import"' not in r.text  # staff
    assert 'href="/console/door-list/import"' in a.get("/console/badges").text


def door_rows(inst):
    return inst.query(
        "SELECT p.id, p.name, c.short_code FROM participant p JOIN"
        " checkin_code c ON c.participant_id = p.id AND c.revoked_at IS NULL"
        " WHERE p.status = 'confirmed' ORDER BY p.id")


@case
def door_list_and_csv(inst):
    st = S["staff"]
    add(inst, "Åse Zeta", "Z Org", "union")
    add(inst, "Bjørn Alfa", "A Org", "union")
    add(inst, "Cancelled Carl", "C", "union", "cancelled")
    r = st.get("/console/door-list")
    assert r.status == 200, r.status
    assert "Cancelled Carl" not in r.text and "Carl" not in r.text
    listed = [html.unescape(n) for n in
              re.findall(r'<td class="who">([^<]*)</td>', r.text)]
    assert "Alfa, Bjørn" in listed and "Zeta, Åse" in listed
    assert listed.index("Alfa, Bjørn") < listed.index("Zeta, Åse")
    assert len(listed) == inst.scalar("SELECT count(*) FROM participant"
                                      " WHERE status = 'confirmed'")
    for pid, name, short in door_rows(inst):
        assert short[:5] + "-" + short[5:] in r.text, name
    assert r.text.count('<span class="box"></span>') == len(listed)
    assert '<thead>' in r.text and 'href="/static/doorlist.css"' in r.text
    r = st.get("/console/door-list.csv")
    assert r.status == 200 and "text/csv" in r.getheader("Content-Type")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["code", "name", "organisation", "arrived"], rows[0]
    assert len(rows) - 1 == len(listed)
    assert [row[1] for row in rows[1:]] == listed
    shorts = {s[:5] + "-" + s[5:] for _, _, s in door_rows(inst)}
    assert {row[0] for row in rows[1:]} == shorts


def audit_count(inst):
    return inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'door.ticks_import'")


@case
def ticks_import_preview_refusal_and_apply(inst):
    a, st = S["admin"], S["staff"]
    people = door_rows(inst)
    (p1, _, c1), (p2, _, c2), (p3, _, c3), (p4, _, c4) = people[:4]
    inst.query("UPDATE participant SET checked_in_at = '2027-03-11 08:00Z'"
               " WHERE id = %s", p3)
    state = "SELECT id, checked_in_at FROM participant ORDER BY id"
    before = inst.query(state)
    text = ("code,name,organisation,arrived\r\n"
            "%s,x,y,x\r\n" % c1 +
            "%s-%s,x,y,X\r\n" % (c2[:5], c2[5:].lower()) +
            "%s,x,y,x\r\n" % c3 +
            "%s,x,y,\r\n" % c4 +
            "ZZZZZ-ZZZZZ,nobody,n,x\r\n"
            "not a code,n,n,x\r\n"
            "%s,x,y,maybe\r\n" % c4)
    r = post(a, "/console/door-list/import", {"csv": text})
    assert r.status == 200, (r.status, r.text[:400])
    rows = re.findall(r'<tr class="([a-z_]+)"><td class="num">(\d+)</td>',
                      r.text)
    assert rows == [("arrive", "2"), ("arrive", "3"), ("already", "4"),
                    ("skip", "5"), ("unknown", "6"), ("bad", "7"),
                    ("bad_tick", "8")], rows
    assert 'name="confirm"' not in r.text  # refused rows: no button
    assert inst.query(state) == before and audit_count(inst) == 0
    # Confirming anyway changes nothing either: 409.
    r = post(a, "/console/door-list/import", {"csv": text, "confirm": "1"})
    assert r.status == 409, r.status
    assert inst.query(state) == before and audit_count(inst) == 0
    # Staff may not import.
    r = post(st, "/console/door-list/import", {"csv": text},
             "/console/badges")
    assert r.status == 403, r.status
    # Without the refused lines: preview, then apply.
    good = "\r\n".join(text.split("\r\n")[:5]) + "\r\n"
    r = post(a, "/console/door-list/import", {"csv": good})
    assert r.status == 200 and 'name="confirm" value="1"' in r.text
    assert inst.query(state) == before
    r = post(a, "/console/door-list/import", {"csv": good, "confirm": "1"})
    assert r.status == 200, r.status
    after = dict(inst.query(state))
    was = dict(before)
    assert after[p1] is not None and after[p2] is not None
    assert after[p3] == was[p3]            # already in: as it was
    assert after[p4] is None               # no tick
    assert {k for k in after if after[k] != was[k]} == {p1, p2}
    assert inst.query("SELECT checked_in_door FROM participant WHERE"
                      " id IN (%s, %s)", p1, p2) == [("door list",)] * 2
    entry = inst.query("SELECT after, actor FROM audit_log WHERE action ="
                       " 'door.ticks_import'")
    assert len(entry) == 1 and entry[0][0]["arrived"] == 2, entry
    assert sorted(entry[0][0]["participant_ids"]) == sorted([p1, p2])
    # The same file again: everyone already in, nothing changes.
    r = post(a, "/console/door-list/import", {"csv": good, "confirm": "1"})
    assert r.status == 200 and dict(inst.query(state)) == after
    # Not CSV: 400.
    r = post(a, "/console/door-list/import", {"csv": '"open,x'})
    assert r.status == 400 and 'role="alert"' in r.text


if __name__ == "__main__":
    run(setup, teardown)
