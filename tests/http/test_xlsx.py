#!/usr/bin/env python3
"""test_xlsx.py -- the console's exports as real spreadsheets (issue 11,
item 7) against a real summitd and PostgreSQL, read back with an
independent reader (openpyxl): every list that the console exports as CSV
is also an .xlsx of one named sheet, its header row bold, frozen and
filtered, the same header and as many rows as the CSV, numbers as
numbers, times as dates in the event's zone, booleans as booleans, and a
name or organisation that looks like a formula ("=HYPERLINK(...)",
"+1+1", "@SUM(A1)") read back as that exact string, never a formula.
The same roles get the .xlsx as get the CSV."""
import csv
import datetime
import io
import os
import re
import sys
import zipfile

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL = ['=HYPERLINK("http://evil")', "+1+1", "@SUM(A1)", "-2+3"]
S = {}


def setup():
    inst = Instance("summit_http_xlsx", extra_conf=(
        "[registration]\nexpiry_interval_seconds = 86400\n"))
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    S["door"] = organiser(inst, "door@example.no", "door")
    S["event"] = inst.scalar("SELECT id FROM event")
    S["tz"] = inst.scalar("SELECT timezone FROM event")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def add(inst, name, org, status="confirmed"):
    n = inst.scalar("SELECT count(*) FROM participant")
    return inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation,"
        " sector, status, hold_until, consent_at) VALUES (%s, %s, %s, %s,"
        " 'business', %s, now() + interval '1 day', now()) RETURNING id",
        S["event"], name, "x%d@example.no" % n, org, status)


def csv_rows(c, path):
    r = c.get(path)
    assert r.status == 200, (path, r.status)
    text = r.text.lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def book(c, path, filename):
    r = c.get(path)
    assert r.status == 200, (path, r.status, r.text[:300])
    assert r.getheader("Content-Type") == XLSX, r.getheader("Content-Type")
    assert r.getheader("Content-Disposition") == \
        'attachment; filename="%s"' % filename
    assert zipfile.is_zipfile(io.BytesIO(r.body))
    return openpyxl.load_workbook(io.BytesIO(r.body))


def check_sheet(wb, name, rows):
    """One sheet called name: header as the CSV's (bold, frozen,
    filtered) and as many rows; returns it with its header's columns."""
    assert wb.sheetnames == [name], wb.sheetnames
    ws = wb[name]
    head = [c.value for c in ws[1]]
    assert head == rows[0], (head, rows[0])
    assert all(c.font.b for c in ws[1])
    assert all(c.data_type == "s" for c in ws[1])
    assert ws.freeze_panes == "A2", ws.freeze_panes
    assert ws.max_row == len(rows), (ws.max_row, len(rows))
    last = openpyxl.utils.get_column_letter(len(head))
    assert ws.auto_filter.ref == "A1:%s%d" % (last, max(len(rows), 1)), \
        ws.auto_filter.ref
    return ws, {h: i for i, h in enumerate(head)}


def no_formulas(ws):
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", (c.coordinate, c.value)


def undefused(text):
    """A CSV cell without the apostrophe that defuses a formula."""
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text


def near(cell, text):
    """A date cell within a minute of the CSV's local text."""
    assert cell.is_date and isinstance(cell.value, datetime.datetime), \
        (cell.coordinate, cell.value, cell.number_format)
    want = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M")
    assert abs((cell.value - want).total_seconds()) < 60, (cell.value, text)


@case
def registrations_typed_and_never_formulas(inst):
    st = S["staff"]
    ids = [add(inst, EVIL[0], EVIL[1]), add(inst, "Ola Vanlig", EVIL[2]),
           add(inst, EVIL[3], "Org", "waitlisted")]
    inst.query("UPDATE participant SET created_at = now() - interval"
               " '3 days' WHERE id = %s", ids[1])
    rows = csv_rows(st, "/console/registrations/export.csv")
    wb = book(st, "/console/registrations/export.xlsx", "registrations.xlsx")
    ws, col = check_sheet(wb, "registrations", rows)
    no_formulas(ws)
    by_id = {}
    for r in ws.iter_rows(min_row=2):
        cell = r[col["id"]]
        assert cell.data_type == "n" and isinstance(cell.value, int), \
            cell.value
        by_id[cell.value] = r
    assert sorted(by_id) == sorted(int(r[0]) for r in rows[1:])
    csv_by_id = {int(r[0]): r for r in rows[1:]}
    for pid in ids:
        x, c = by_id[pid], csv_by_id[pid]
        near(x[col["registered_at"]], c[col["registered_at"]])
        assert x[col["status"]].value == c[col["status"]]
    for pid, name, org in ((ids[0], EVIL[0], EVIL[1]),
                           (ids[1], "Ola Vanlig", EVIL[2]),
                           (ids[2], EVIL[3], "Org")):
        for cell, want in ((by_id[pid][col["name"]], name),
                           (by_id[pid][col["organisation"]], org)):
            assert cell.value == want and cell.data_type == "s", \
                (cell.value, cell.data_type)
    # The CSV still defuses them with an apostrophe.
    assert csv_by_id[ids[0]][col["name"]] == "'" + EVIL[0]
    # The registered time is the event's local time, not UTC.
    local = inst.scalar("SELECT to_char(created_at AT TIME ZONE %s,"
                        " 'YYYY-MM-DD HH24:MI') FROM participant"
                        " WHERE id = %s", S["tz"], ids[1])
    near(by_id[ids[1]][col["registered_at"]], local)
    # The Excel-flavoured CSV lists the same rows.
    r = st.get("/console/registrations/export-excel.csv")
    assert r.status == 200 and r.text.startswith("\ufeff")
    assert len(r.text.strip().split("\r\n")) == len(rows)


@case
def invitees_codes_door_list_and_no_shows(inst):
    a, st = S["admin"], S["staff"]
    csrf = a.csrf("/console/invitees")
    r = a.post("/console/invitees", {
        "_csrf": csrf, "name": "Eva Evil", "email": "eva@example.no",
        "organisation": EVIL[1], "sector": "business", "language": ""})
    assert r.status == 303, (r.status, r.text[:500])
    rows = csv_rows(st, "/console/invitees/export.csv")
    wb = book(st, "/console/invitees/export.xlsx", "invitees.xlsx")
    ws, col = check_sheet(wb, "invitees", rows)
    no_formulas(ws)
    eva = [r for r in ws.iter_rows(min_row=2)
           if r[col["email"]].value == "eva@example.no"][0]
    assert eva[col["organisation"]].value == EVIL[1]
    assert eva[col["organisation"]].data_type == "s"
    csv_eva = [r for r in rows if r[col["email"]] == "eva@example.no"][0]
    near(eva[col["created_at"]], csv_eva[col["created_at"]])
    # A filter applies to the .xlsx as to the CSV.
    q = "?q=eva%40example.no"
    assert len(csv_rows(st, "/console/invitees/export.csv" + q)) == 2
    assert book(st, "/console/invitees/export.xlsx" + q,
                "invitees.xlsx")["invitees"].max_row == 2
    assert st.get("/console/invitees/export.xlsx?state=nosuch").status \
        == 400

    inst.query("INSERT INTO invitation_code (event_id, code, max_uses,"
               " email) VALUES (%s, 'XLSXTEST01', 3, '=1+2@example.no')",
               S["event"])
    rows = csv_rows(st, "/console/codes.csv")
    ws, col = check_sheet(book(st, "/console/codes.xlsx",
                               "invitation-codes.xlsx"), "codes", rows)
    no_formulas(ws)
    x = [r for r in ws.iter_rows(min_row=2)
         if r[col["code"]].value == "XLSXTEST01"][0]
    assert x[col["max_uses"]].value == 3 and \
        x[col["max_uses"]].data_type == "n"
    assert x[col["used"]].value == 0
    assert x[col["email"]].value == "=1+2@example.no" and \
        x[col["email"]].data_type == "s"

    arrived = add(inst, "Arne Ankommet", EVIL[2])
    inst.query("UPDATE participant SET checked_in_at = now() WHERE id = %s",
               arrived)
    rows = csv_rows(st, "/console/door-list.csv")
    ws, col = check_sheet(book(st, "/console/door-list.xlsx",
                               "door-list.xlsx"), "door list", rows)
    no_formulas(ws)
    ticks = {r[col["name"]].value: r[col["arrived"]] for r in
             ws.iter_rows(min_row=2)}
    assert ticks["Ankommet, Arne"].value is True
    assert ticks["Ankommet, Arne"].data_type == "b"
    assert any(c.value is False for c in ticks.values())
    assert [undefused(r[col["name"]]) for r in rows[1:]] == \
        [r[col["name"]].value for r in ws.iter_rows(min_row=2)]

    # No-shows: once the event has started; table a number.
    sid = inst.scalar("SELECT min(id) FROM session")
    mia = add(inst, "Mia Missing", EVIL[1])
    inst.query("INSERT INTO assignment (event_id, participant_id,"
               " session_id, table_no) VALUES (%s, %s, %s, 2)",
               S["event"], mia, sid)
    assert st.get("/console/door/no-shows.xlsx").status == 409
    inst.query("UPDATE event SET starts_at = now() - interval '1 hour'"
               " WHERE id = %s", S["event"])
    inst.query("UPDATE slot SET starts_at = now() - interval '1 hour'"
               " WHERE id = (SELECT slot_id FROM session WHERE id = %s)",
               sid)
    for path in ("/console/door/no-shows", "/console/door/no-shows"
                 "?session=%d" % sid):
        rows = csv_rows(st, path.replace("no-shows", "no-shows.csv"))
        ws, col = check_sheet(book(st, path.replace("no-shows",
                                                    "no-shows.xlsx"),
                                   "no-shows.xlsx"), "no-shows", rows)
        no_formulas(ws)
        m = [r for r in ws.iter_rows(min_row=2)
             if r[col["id"]].value == mia][0]
        assert m[col["id"]].data_type == "n"
        assert m[col["organisation"]].value == EVIL[1]
        if "session" in path:
            assert m[col["table"]].value == 2 and \
                m[col["table"]].data_type == "n"


@case
def links_beside_each_csv(inst):
    st = S["staff"]
    for page, href in (
            ("/console/registrations", "/console/registrations/export.xlsx"),
            ("/console/invitees", "/console/invitees/export.xlsx?"),
            ("/console/codes", "/console/codes.xlsx"),
            ("/console/badges", "/console/door-list.xlsx"),
            ("/console/door-list", "/console/door-list.xlsx"),
            ("/console/door/counts", "/console/door/no-shows.xlsx")):
        r = st.get(page)
        assert r.status == 200, (page, r.status)
        assert 'href="%s' % href in r.text, (page, href)
        assert "Excel (.xlsx)" in r.text


@case
def same_roles_as_the_csv(inst):
    anon = Client(inst.port)
    pairs = [("/console/registrations/export.csv",
              "/console/registrations/export.xlsx"),
             ("/console/invitees/export.csv", "/console/invitees/export.xlsx"),
             ("/console/codes.csv", "/console/codes.xlsx"),
             ("/console/door-list.csv", "/console/door-list.xlsx"),
             ("/console/door/no-shows.csv", "/console/door/no-shows.xlsx")]
    for who, c in (("admin", S["admin"]), ("staff", S["staff"]),
                   ("door", S["door"]), ("anonymous", anon)):
        for p_csv, p_xlsx in pairs:
            a, b = c.get(p_csv), c.get(p_xlsx)
            assert a.status == b.status, (who, p_xlsx, a.status, b.status)
            if who in ("admin", "staff"):
                assert b.status == 200, (who, p_xlsx)
            else:
                assert b.status in (303, 403), (who, p_xlsx, b.status)
                assert not zipfile.is_zipfile(io.BytesIO(b.body))
            assert a.getheader("Location") == b.getheader("Location")


@case
def no_temp_files_left(inst):
    """Each .xlsx is written to a temp file that is gone once sent."""
    tmp = os.environ.get("TMPDIR", "/tmp")
    before = {f for f in os.listdir(tmp) if re.match(r"summit-.*\.xlsx$", f)}
    for _ in range(3):
        assert S["staff"].get("/console/registrations/export.xlsx").status \
            == 200
    after = {f for f in os.listdir(tmp) if re.match(r"summit-.*\.xlsx$", f)}
    assert after <= before, after - before


if __name__ == "__main__":
    run(setup, teardown)
