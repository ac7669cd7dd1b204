#!/usr/bin/env python3
"""test_dashboard.py -- the console dashboard's charts (issue 14, item 3):
for a known set of registrations, sessions and mails, each chart is an SVG
named by its title with its table beside it; the tables' numbers are the
database's (registrations per day, running totals, sectors, organisations,
places and the waiting list per day, sessions, mail); every number that
links to a list leads to a list of that many; the figures are read again
after ten seconds; staff may look, the door role is sent to its desk."""
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

S = {}

# name, organisation, sector, status, created, e-mail confirmed,
# waitlisted, cancelled (times in Oslo, the demo event's zone).
PEOPLE = [
    ("Kari", "Equinor", "business", "confirmed", "03-02 10:00", "03-02 10:05",
     None, None),
    ("Ola", "equinor", "business", "confirmed", "03-02 11:00", "03-02 11:01",
     None, None),
    ("Per", "NTNU", "academia", "confirmed", "03-02 12:00", "03-02 12:30",
     None, None),
    ("Åse", "Equinor", "business", "pending", "03-02 23:30", None, None, None),
    ("Nils", "NTNU", "academia", "confirmed", "03-04 09:00", "03-05 08:00",
     None, None),
    ("Sofie", "Sintef", "academia", "confirmed", "03-04 09:30", "03-05 09:00",
     None, None),
    ("Jonas", "UiO", "academia", "waitlisted", "03-04 10:00", "03-04 10:10",
     "03-04 10:10", None),
    ("Marte", "LO", "union", "cancelled", "03-04 11:00", "03-04 11:05", None,
     "03-06 12:00"),
]


def at(t):
    return None if t is None else "2026-%s Europe/Oslo" % t


def setup():
    inst = Instance("summit_http_dashboard", extra_conf=(
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["admin"].lang = "en"
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    S["door"] = organiser(inst, "door@example.no", "door")
    ev = S["event"] = inst.scalar("SELECT id FROM event")
    S["capacity"] = inst.scalar("SELECT capacity FROM event")
    S["sessions"] = [r[0] for r in inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " WHERE s.status = 'active' ORDER BY sl.starts_at, s.id")]
    ids = {}
    for i, (name, org, sector, status, created, conf, wait, gone) in \
            enumerate(PEOPLE):
        ids[name] = inst.scalar(
            "INSERT INTO participant (event_id, name, email, organisation,"
            " sector, status, hold_until, consent_at, created_at,"
            " email_confirmed_at, waitlisted_at, cancelled_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, CASE WHEN %s = 'pending'"
            " THEN now() + interval '1 day' END, now(), %s::timestamptz,"
            " %s::timestamptz, %s::timestamptz, %s::timestamptz) RETURNING id",
            ev, name, "p%d@example.no" % i, org, sector, status, status,
            at(created), at(conf), at(wait), at(gone))
        if status == "confirmed":
            inst.query("UPDATE place SET participant_id = %s WHERE (event_id,"
                       " place_no) = (SELECT event_id, min(place_no) FROM"
                       " place WHERE event_id = %s AND participant_id IS NULL"
                       " GROUP BY event_id)", ids[name], ev)
    a, b = S["sessions"][0], S["sessions"][1]
    for name, sid, rank in [("Kari", a, 1), ("Ola", a, 1), ("Per", a, 2),
                            ("Marte", a, 1), ("Per", b, 1), ("Jonas", b, 1)]:
        inst.query("INSERT INTO preference (event_id, participant_id,"
                   " session_id, rank) VALUES (%s, %s, %s, %s)",
                   ev, ids[name], sid, rank)
    for name, sid in [("Kari", a), ("Ola", a), ("Per", a), ("Per", b)]:
        inst.query("INSERT INTO assignment (event_id, participant_id,"
                   " session_id) VALUES (%s, %s, %s)", ev, ids[name], sid)
    # Mail in every state; the queued one not due, so the worker leaves it.
    for state, n in [("sent", 2), ("queued", 1), ("failed", 1), ("held", 1)]:
        for _ in range(n):
            inst.query("INSERT INTO outbox (event_id, kind, recipient, state,"
                       " next_attempt_at) VALUES (%s, 'message', 'x@example.no',"
                       " %s, now() + interval '1 day')", ev, state)
    S["ids"] = ids
    r = S["admin"].get("/console")
    assert r.status == 200, (r.status, r.text[:2000])
    S["page"] = r.text
    return inst


def teardown(inst):
    if inst:
        inst.close()


def table(page, tid):
    """The rows of table tid: each a list of cells as text, and the links
    of the row."""
    m = re.search(r'<table[^>]*id="%s".*?<tbody>(.*?)</tbody>' % tid, page,
                  re.S)
    assert m, "no table %s" % tid
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in
                 re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        links = re.findall(r'<a href="([^"]+)">([^<]*)</a>', tr)
        rows.append((cells, links))
    return rows


def by_first(rows):
    return {cells[0]: (cells, links) for cells, links in rows}


@case
def each_chart_is_an_svg_with_its_title_and_a_table(inst):
    page = S["page"]
    charts = [("chart-days", "Registrations per day", "table-days"),
              ("chart-sums", "Registrations so far", "table-days"),
              ("chart-sectors", "Sectors", "table-sectors"),
              ("chart-orgs", "The largest organisations", "table-orgs"),
              ("chart-places", "Places and the waiting list", "table-places"),
              ("chart-sessions", "Demand per session", "table-sessions"),
              ("chart-mail", "Mail", "table-mail")]
    svgs = re.findall(r"<svg [^>]*class=\"chart\".*?</svg>", page, re.S)
    assert len(svgs) == len(charts), len(svgs)
    for cid, title, tid in charts:
        svg = [s for s in svgs if 'aria-labelledby="%s-t %s-d"' % (cid, cid)
               in s]
        assert len(svg) == 1, cid
        assert 'role="img"' in svg[0], cid
        assert '<title id="%s-t">%s</title>' % (cid, title) in svg[0], cid
        assert re.search(r'<desc id="%s-d">[^<]+</desc>' % cid, svg[0]), cid
        # The table equivalent is in a <details> of the chart's section.
        sec = re.search(r'<section class="dash-chart"[^>]*>(?:(?!</section>)'
                        r'.)*aria-labelledby="%s-t.*?</section>' % cid, page,
                        re.S)
        assert sec and "<details>" in sec.group(0) and \
            'id="%s"' % tid in sec.group(0), cid
    # Drawn to scale: a bar per sector with people, a column per day.
    days = [s for s in svgs if "chart-days-t" in s][0]
    assert days.count("<rect") >= 4 + 5, "legend and columns"


@case
def days_match_the_database(inst):
    rows = by_first(table(S["page"], "table-days"))
    # day: new confirmed, pending, waitlisted, gone; total, confirmed so far
    want = {"2026-03-02": ["3", "1", "0", "0", "4", "3"],
            "2026-03-03": ["0", "0", "0", "0", "4", "3"],
            "2026-03-04": ["2", "0", "1", "1", "8", "5"],
            "2026-03-05": ["0", "0", "0", "0", "8", "5"],
            "2026-03-06": ["0", "0", "0", "0", "8", "5"]}
    assert sorted(rows) == sorted(want), sorted(rows)
    for day, nums in want.items():
        assert rows[day][0][1:] == nums, (day, rows[day][0])
    # The same from the database, for the day a registration came in Oslo.
    n = inst.scalar("SELECT count(*) FROM participant WHERE event_id = %s"
                    " AND (created_at AT TIME ZONE 'Europe/Oslo')::date"
                    " = '2026-03-02'", S["event"])
    assert n == 4


@case
def places_and_waiting_list_per_day(inst):
    rows = by_first(table(S["page"], "table-places"))
    cap = S["capacity"]
    # Taken from e-mail confirmation; Marte's place until she cancelled.
    want = {"2026-03-02": 3, "2026-03-03": 3, "2026-03-04": 4,
            "2026-03-05": 6, "2026-03-06": 5}
    for day, taken in want.items():
        cells = rows[day][0]
        assert cells[1:] == [str(taken), str(cap - taken),
                             "0" if day < "2026-03-04" else "1"], \
            (day, cells)
    now = [cells for cells, _ in table(S["page"], "table-places")][-1]
    free = inst.scalar("SELECT count(*) FROM place WHERE event_id = %s"
                       " AND participant_id IS NULL", S["event"])
    assert now[2] == str(free) and now[3] == "1", now


@case
def sectors_match_the_database(inst):
    rows = by_first(table(S["page"], "table-sectors"))
    names = dict(inst.query("SELECT code, name_en FROM sector WHERE"
                            " event_id = %s", S["event"]))
    for code, name in names.items():
        counts = [inst.scalar(
            "SELECT count(*) FROM participant WHERE event_id = %s AND"
            " sector = %s AND status = %s", S["event"], code, st)
            for st in ("confirmed", "pending", "waitlisted")]
        assert rows[name][0][1:4] == [str(c) for c in counts], (name, rows)
    assert rows[names["business"]][0][1:] == ["2", "1", "0", "3", "43%"]
    assert rows[names["academia"]][0][1:] == ["3", "0", "1", "4", "57%"]
    assert rows[names["union"]][0][1:] == ["0", "0", "0", "0", "0%"]
    assert rows["All sectors"][0][1:] == ["5", "1", "1", "7", "100%"]
    assert "lowest limit of a session is 50%" in S["page"]


@case
def organisations_in_any_case(inst):
    rows = table(S["page"], "table-orgs")
    got = [(cells[0], cells[1]) for cells, _ in rows]
    # Equinor and equinor are one; LO's only person cancelled.
    assert got[:2] == [("Equinor", "3"), ("NTNU", "2")], got
    assert sorted(got[2:4]) == [("Sintef", "1"), ("UiO", "1")], got
    assert got[4] == ("The other organisations", "0"), got
    assert "Organisations registered: 4." in S["page"]


@case
def sessions_match_the_database(inst):
    rows = table(S["page"], "table-sessions")
    a, b = S["sessions"][0], S["sessions"][1]
    byid = {}
    for cells, links in rows:
        for href, _ in links:
            m = re.search(r"session=(\d+)", href)
            byid[int(m.group(1))] = cells
    cap_a = inst.scalar("SELECT capacity FROM session WHERE id = %s", a)
    # seats, first choices (Marte cancelled: not counted), fill, ranked
    # (everyone), placed, largest sector of placed / limit, largest
    # organisation / limit.
    assert byid[a][2:] == [str(cap_a), "2", "%d%%" % round(200 / cap_a),
                           "4", "3", "67% / 50% over the limit",
                           "2 / 2"], byid[a]
    assert byid[b][3] == "2" and byid[b][5] == "2" and byid[b][6] == "1", \
        byid[b]
    assert len(byid) == len(S["sessions"])


@case
def mail_by_state(inst):
    rows = by_first(table(S["page"], "table-mail"))
    assert [rows[k][0][1] for k in ("Sent", "Queued", "Failed",
                                    "Held (address bounced)", "All")] == \
        ["2", "1", "1", "1", "5"], rows


def list_count(c, href):
    """How many people the registrations list at href shows (every row
    links to its person; fewer than a page here)."""
    r = c.get(href)
    assert r.status == 200, (href, r.status)
    return len(set(re.findall(r'href="/console/registrations/(\d+)"',
                              r.text)))


@case
def numbers_link_to_lists_of_that_many(inst):
    c = S["admin"]
    checked = 0
    for tid in ("table-sectors", "table-orgs", "table-sessions",
                "table-places"):
        for cells, links in table(S["page"], tid):
            for href, text in links:
                href = href.replace("&amp;", "&")
                assert href.startswith("/console/registrations?"), href
                if tid == "table-orgs":
                    # The organisation's name is the link; its count is
                    # the next cell.
                    q = urllib.parse.parse_qs(href.split("?", 1)[1])["q"][0]
                    assert q == cells[0], (q, cells)
                    want = int(cells[1])
                else:
                    want = int(text)
                assert list_count(c, href) == want, (href, want)
                checked += 1
    assert checked >= 3 * 3 + 3 + 2 * len(S["sessions"]) + 1, checked
    totals = re.search(r'<p class="dash-totals">(.*?)</p>', S["page"]).group(1)
    for href, text in re.findall(r'<a href="([^"]+)">(\d+) ', totals):
        assert list_count(c, href) == int(text), href
    for cells, links in table(S["page"], "table-mail"):
        for href, text in links:
            r = c.get(href)
            body = re.search(r"<tbody>(.*?)</tbody>", r.text, re.S).group(1)
            assert body.count("<tr>") == int(text), (href, text)


@case
def staff_see_it_and_the_door_goes_to_its_desk(inst):
    r = S["staff"].get("/console")
    assert r.status == 200 and 'id="chart-mail-t"' in r.text
    # Norwegian by default.
    assert "Påmeldinger per dag" in r.text
    r = S["door"].get("/console")
    assert r.status == 303 and r.getheader("Location") == "/console/door"


@case
def read_again_after_ten_seconds_and_empty_charts(inst):
    assert re.search(r"The figures on this page are as of \d\d:\d\d:\d\d; read again at most"
                     r" every 10 seconds", S["page"])
    # A read now (the last is surely older than ten seconds by then)...
    time.sleep(10.5)
    r = S["admin"].get("/console")
    assert by_first(table(r.text, "table-mail"))["All"][0][1] == "5"
    # ... then everything gone: for ten seconds the figures read before...
    inst.query("DELETE FROM outbox")
    inst.query("UPDATE place SET participant_id = NULL")
    inst.query("DELETE FROM participant")
    r = S["admin"].get("/console")
    rows = by_first(table(r.text, "table-mail"))
    assert rows["All"][0][1] == "5", rows
    # ... then the new ones: the page still whole, the charts empty.
    time.sleep(10.5)
    r = S["admin"].get("/console")
    assert r.status == 200, r.text[:2000]
    rows = by_first(table(r.text, "table-mail"))
    assert rows["All"][0][1] == "0", rows
    assert r.text.count('class="chart"') == 7
    assert "NaN" not in r.text and "nan\"" not in r.text
    assert table(r.text, "table-days") == []


run(setup, teardown)
