#!/usr/bin/python3
"""check_ical.py -- src/ical output read by an independent parser.

Runs "test-ical --dump DIR" (path given as the only argument), then reads
each object with Debian's python3-icalendar and checks what a client would
see: METHOD present or absent, summary and location exactly as written,
ORGANIZER/ATTENDEE only in invitations, and every event's start as a UTC
instant.  The start is computed twice: through the library's own zone
lookup (pytz), and through a tzinfo built from our VTIMEZONE alone
(Timezone.to_tz), which is what proves the VTIMEZONE.  Prints TAP.
"""

import datetime
import subprocess
import sys
import tempfile

from icalendar import Calendar

UTC = datetime.timezone.utc

SUMMARY = ("Workshop: Ødegård, Bjørn; \"sitater\" og \\ skråstrek\n"
           "linje to 🎉 € æøå ÆØÅ, med en lang nok tittel til at linjen "
           "må brettes")
LOCATION = "Rom 3, Bygg B; 2. etg. 🏢 Grünerløkka"
ATTENDEE_CN = "Ødegård, Bjørn Bear"

# file -> (METHOD or None, [(uid, summary, location, start UTC, status)])
EXPECT = {
    "request.ics": ("REQUEST", [
        ("session-42@summit.example.no", SUMMARY, LOCATION,
         datetime.datetime(2027, 6, 10, 7, 0, tzinfo=UTC), "CONFIRMED")]),
    "cancel.ics": ("CANCEL", [
        ("session-42@summit.example.no", SUMMARY, LOCATION,
         datetime.datetime(2027, 6, 10, 7, 0, tzinfo=UTC), "CANCELLED")]),
    "dst-march.ics": ("REQUEST", [
        ("session-42@summit.example.no", SUMMARY, LOCATION,
         datetime.datetime(2027, 3, 28, 8, 0, tzinfo=UTC), "CONFIRMED")]),
    "dst-october.ics": ("REQUEST", [
        ("session-42@summit.example.no", SUMMARY, LOCATION,
         datetime.datetime(2027, 10, 31, 9, 0, tzinfo=UTC), "CONFIRMED")]),
    "feed.ics": (None, [
        ("session-42@summit.example.no-feed", SUMMARY, LOCATION,
         datetime.datetime(2027, 6, 10, 7, 0, tzinfo=UTC), "CONFIRMED"),
        ("session-43@summit.example.no-feed", "Vår, sommer; høst", None,
         datetime.datetime(2027, 3, 28, 8, 0, tzinfo=UTC), "CONFIRMED"),
        ("session-44@summit.example.no-feed", "Avlyst økt", LOCATION,
         datetime.datetime(2027, 10, 31, 9, 0, tzinfo=UTC), "CANCELLED")]),
}

results = []


def check(name, ok, detail=""):
    results.append((bool(ok), name, detail))


def check_file(path, fname):
    method, events = EXPECT[fname]
    raw = open(path, "rb").read()
    check(f"{fname}: UTF-8 without BOM, CRLF only",
          not raw.startswith(b"\xef\xbb\xbf") and
          raw.count(b"\n") == raw.count(b"\r\n") and
          raw.endswith(b"END:VCALENDAR\r\n"))
    cal = Calendar.from_ical(raw)
    got = cal.get("METHOD")
    check(f"{fname}: METHOD is {method}",
          (got is None and method is None) or str(got) == method, repr(got))
    tzs = cal.walk("VTIMEZONE")
    check(f"{fname}: one VTIMEZONE Europe/Oslo",
          len(tzs) == 1 and str(tzs[0]["TZID"]) == "Europe/Oslo")
    ours = tzs[0].to_tz() if tzs else None
    vevents = cal.walk("VEVENT")
    check(f"{fname}: {len(events)} VEVENT(s)", len(vevents) == len(events))
    for ev, (uid, summary, location, start, status) in zip(vevents, events):
        tag = f"{fname} {uid}"
        check(f"{tag}: UID", str(ev["UID"]) == uid, str(ev["UID"]))
        check(f"{tag}: SUMMARY round-trips",
              str(ev["SUMMARY"]) == summary, repr(str(ev["SUMMARY"])))
        got_loc = ev.get("LOCATION")
        check(f"{tag}: LOCATION round-trips",
              (got_loc is None and location is None) or
              str(got_loc) == location, repr(got_loc))
        check(f"{tag}: STATUS {status}", str(ev["STATUS"]) == status)
        check(f"{tag}: DTSTAMP in UTC",
              ev["DTSTAMP"].dt.utcoffset() == datetime.timedelta(0))
        dt = ev["DTSTART"].dt
        check(f"{tag}: DTSTART has TZID Europe/Oslo",
              ev["DTSTART"].params.get("TZID") == "Europe/Oslo")
        check(f"{tag}: start via pytz is {start:%Y-%m-%dT%H:%MZ}",
              dt.astimezone(UTC) == start, str(dt))
        if ours is not None:
            local = ours.localize(dt.replace(tzinfo=None))
            check(f"{tag}: start via our VTIMEZONE is "
                  f"{start:%Y-%m-%dT%H:%MZ}",
                  local.astimezone(UTC) == start, str(local))
        org = ev.get("ORGANIZER")
        att = ev.get("ATTENDEE")
        if method is None:
            check(f"{tag}: no ORGANIZER or ATTENDEE in a feed",
                  org is None and att is None)
        else:
            check(f"{tag}: ORGANIZER mailto",
                  str(org) == "mailto:invite@summit.example.no" and
                  org.params.get("CN") == "Digital Summit", repr(org))
            check(f"{tag}: one ATTENDEE, the recipient, RSVP=TRUE",
                  not isinstance(att, list) and
                  str(att) == "mailto:bjorn.odegard@example.com" and
                  att.params.get("CN") == ATTENDEE_CN and
                  att.params.get("RSVP") == "TRUE", repr(att))


def main():
    if len(sys.argv) != 2:
        print("usage: check_ical.py TEST-ICAL-PROGRAM", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.argv[1], "--dump", tmp], check=True)
        for fname in EXPECT:
            try:
                check_file(f"{tmp}/{fname}", fname)
            except Exception as e:  # a parse error fails, not crashes
                check(f"{fname}: parses", False, repr(e))
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {name}")
        if not ok and detail:
            print(f"# got {detail}")
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
