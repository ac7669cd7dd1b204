#!/usr/bin/env python3
"""test_console_lists.py -- the console's global search and its lists:
the header's search box finds people by part of their name, e-mail
address or organisation and by check-in code (either form, any case, with
or without the dash), treats LIKE's wildcards as text, escapes what it
shows, is staff's (the door role gets 403, nobody logged in the login
page) and refuses a text too long with 400; lists link a person's name to
their page; numbers are written in the reader's language (12 345 in nb
with a narrow no-break space, 12,345 in en) by one helper."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

S = {}
NNBSP = "\u202f"


def setup():
    inst = Instance("summit_http_console_lists")
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    S["door"] = organiser(inst, "door@example.no", "door")
    S["event"] = inst.scalar("SELECT id FROM event")
    S["ase"] = add(inst, "Åse Ørsta", "ase.orsta@example.no", "Fjordkraft AS")
    S["evil"] = add(inst, "<script>alert(1)</script> Evil", "evil@example.no",
                    "Bad & <b>Co</b>")
    S["pct"] = add(inst, "Per 100% Sand_berg", "per@example.no", "Org")
    S["other"] = add(inst, "Ola Normann", "ola@example.no", "Andre")
    # The database issues a confirmed person's check-in code.
    S["code"] = inst.scalar("SELECT code FROM checkin_code WHERE"
                            " participant_id = %s AND revoked_at IS NULL",
                            S["ase"])
    return inst


def teardown(inst):
    if inst:
        inst.close()


def add(inst, name, email, org):
    return inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, consent_at, email_confirmed_at) VALUES (%s, %s, %s, %s,"
        " 'business', 'confirmed', now(), now()) RETURNING id",
        S["event"], name, email, org)


def search(c, q):
    return c.get("/console/search?q=" + q)


def found(r):
    """The ids the results page links to."""
    return sorted(int(x) for x in re.findall(
        r'<a href="/console/registrations/(\d+)">', r.text))


@case
def finds_by_name_email_and_organisation(inst):
    for q in ("%C3%98rsta", "%C3%A5se", "ase.orsta%40example", "fjordKRAFT"):
        r = search(S["staff"], q)
        assert r.status == 200, (q, r.status, r.text[:300])
        assert found(r) == [S["ase"]], (q, found(r))
    r = search(S["staff"], "example.no")
    assert found(r) == sorted([S["ase"], S["evil"], S["pct"], S["other"]])
    assert 'id="list-count">' in r.text and "<strong>4</strong>" in r.text
    r = search(S["staff"], "nobody-like-this")
    assert r.status == 200 and found(r) == [], found(r)


@case
def finds_by_check_in_code(inst):
    code = S["code"]
    short = code[:10]
    for q in (code, short, short.lower(), short[:5] + "-" + short[5:],
              " " + short.lower() + " "):
        r = search(S["staff"], q.replace(" ", "+"))
        assert r.status == 200, (q, r.status)
        assert found(r) == [S["ase"]], (q, found(r))
        assert short in r.text, "the short form is shown"


@case
def wildcards_are_text(inst):
    r = search(S["staff"], "%25")
    assert found(r) == [S["pct"]], found(r)
    r = search(S["staff"], "_")
    assert found(r) == [S["pct"]], found(r)


@case
def escapes_what_it_shows(inst):
    r = search(S["staff"], "script")
    assert found(r) == [S["evil"]], found(r)
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil" in r.text
    assert "Bad &amp; &lt;b&gt;Co&lt;/b&gt;" in r.text
    r = search(S["staff"], "%3Cb%3E%22x")
    assert r.status == 200
    assert 'value="&lt;b&gt;&quot;x"' in r.text, "the text typed, escaped"
    assert "<b>\"x" not in r.text


@case
def staff_only(inst):
    assert search(S["admin"], "ola").status == 200
    r = search(S["door"], "ola")
    assert r.status == 403, r.status
    anon = Client(inst.port)
    r = anon.get("/console/search?q=ola")
    assert r.status == 303 and "/console/login" in r.getheader("Location")
    # The box is in the header of staff's pages, not the door role's.
    r = S["staff"].get("/console/registrations")
    assert 'action="/console/search"' in r.text
    assert 'role="search"' in r.text
    r = S["door"].get("/console/door")
    assert r.status == 200, r.status
    assert 'action="/console/search"' not in r.text


@case
def refuses_bad_text(inst):
    r = search(S["staff"], "x" * 201)
    assert r.status == 400, r.status
    assert 'aria-invalid="true"' in r.text
    r = search(S["staff"], "a%01b")
    assert r.status == 400, r.status
    r = search(S["staff"], "")
    assert r.status == 200 and found(r) == []
    r = search(S["staff"], "x" * 200)
    assert r.status == 200


@case
def names_link_to_the_person(inst):
    """The mail list and the audit log link a person to their page."""
    inst.query("INSERT INTO outbox (event_id, participant_id, kind, recipient,"
               " state, attempts, last_error) VALUES (%s, %s, 'confirm',"
               " 'ola@example.no', 'failed', 12345, 'no')",
               S["event"], S["other"])
    r = S["staff"].get("/console/mail?state=failed")
    assert r.status == 200
    assert ('<a href="/console/registrations/%d">ola@example.no</a>'
            % S["other"]) in r.text, r.text[-2000:]
    # A change to a person, audited, then their entry links to them.
    csrf = S["admin"].csrf("/console/registrations/%d" % S["other"])
    r = S["admin"].post("/console/registrations/%d/checkin" % S["other"],
                        {"_csrf": csrf, "in": "1"})
    assert r.status == 303, (r.status, r.text[:300])
    r = S["staff"].get("/console/audit")
    assert ('<a href="/console/registrations/%d">participant %d</a>'
            % (S["other"], S["other"])) in r.text


@case
def numbers_in_the_readers_language(inst):
    """12345 attempts (the row of the case before): nb groups with a narrow
    no-break space, en with a comma; the raw number appears in neither."""
    r = S["staff"].get("/console/mail?state=failed&lang=nb")
    assert r.status == 200
    assert ">12" + NNBSP + "345<" in r.text, "nb grouping"
    assert ">12345<" not in r.text
    r = S["staff"].get("/console/mail?state=failed&lang=en")
    assert ">12,345<" in r.text, "en grouping"
    r = S["staff"].get("/console/mail?state=failed&lang=nb")
    assert ">12" + NNBSP + "345<" in r.text, "nb again"


if __name__ == "__main__":
    run(setup, teardown)
