#!/usr/bin/env python3
"""test_api.py -- the JSON API under /api/v1/ (docs/api.md): tokens from
summitctl, stored hashed, per organiser and event, with scopes; every
answer checked against its schema in docs/openapi.json (python3-jsonschema);
lists paged by cursor and filtered, with bounded pages; check-in for door
apps, idempotent and audited; JSON errors with stable codes for 400, 401,
403, 404, 405, 409, 413, 415 and 429."""
import hashlib
import json
import os
import sys

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import SOURCE, Client, Instance, free_port, \
    organiser  # noqa: E402
from tap import case, run  # noqa: E402

SPEC = json.load(open(os.path.join(SOURCE, "docs", "openapi.json")))
S = {}


def schema_of(path, method, status):
    """The response schema the description gives, with its components."""
    op = SPEC["paths"][path][method]
    resp = op["responses"][str(status)]
    sch = dict(resp["content"]["application/json"]["schema"])
    sch["$defs"] = SPEC["components"]["schemas"]
    return json.loads(json.dumps(sch).replace("#/components/schemas/",
                                              "#/$defs/"))


def check(r, path, method, status):
    """Asserts the status and validates the body against the description;
    returns the body."""
    assert r.status == status, (r.status, r.text[:400])
    assert r.getheader("Content-Type", "").startswith("application/json"), \
        r.getheader("Content-Type")
    body = json.loads(r.text)
    jsonschema.validate(body, schema_of(path, method, status),
                        cls=jsonschema.Draft202012Validator)
    return body


def api(client, method, path, token, body=None, raw=None, ctype=None):
    h = {}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        raw = json.dumps(body).encode()
    if raw is not None:
        h["Content-Type"] = ctype or "application/json"
    return client.request(method, path, headers=h, raw_body=raw)


def add_token(inst, email, scope, *extra):
    r = inst.ctl("api-token", "add", "--organiser", email, "--scope", scope,
                 *extra)
    return r.stdout.strip()


def add_person(inst, name, email, sector, status, checked_in=False):
    return inst.scalar(
        "INSERT INTO participant (event_id, name, email, organisation, sector,"
        " status, hold_until, consent_at, checked_in_at) SELECT id, %s, %s,"
        " 'Org', %s, %s, CASE WHEN %s = 'pending' THEN now() + interval"
        " '1 day' END, now(), CASE WHEN %s THEN now() END FROM event"
        " RETURNING id", name, email, sector, status, status, checked_in)


def setup():
    inst = Instance("summit_http_api")
    inst.ctl("organiser", "add", "admin@example.no", "--role", "admin",
             "--password-stdin", input="correct horse battery\n")
    inst.ctl("organiser", "add", "door@example.no", "--role", "staff",
             "--password-stdin", input="correct horse battery\n")
    S["event"] = inst.scalar("SELECT id FROM event")
    S["sessions"] = [r[0] for r in inst.query(
        "SELECT s.id FROM session s JOIN slot sl ON sl.id = s.slot_id"
        " ORDER BY sl.starts_at, s.id")]
    people = []
    for i in range(7):
        sector = "union" if i % 2 else "business"
        status = ["confirmed", "confirmed", "pending", "waitlisted",
                  "confirmed", "cancelled", "confirmed"][i]
        people.append(add_person(inst, "Person %d" % i, "p%d@example.no" % i,
                                 sector, status, checked_in=(i == 6)))
    S["people"] = people
    s0, s1 = S["sessions"][0], S["sessions"][1]
    for pid in people[:3]:
        inst.query("INSERT INTO assignment (event_id, participant_id,"
                   " session_id, table_no, published) VALUES (%s, %s, %s, 1,"
                   " true)", S["event"], pid, s0)
        inst.query("INSERT INTO invitation (event_id, participant_id,"
                   " session_id, sequence, state, fingerprint) VALUES"
                   " (%s, %s, %s, 0, 'invited', 'x')", S["event"], pid, s0)
    inst.query("INSERT INTO assignment (event_id, participant_id, session_id)"
               " VALUES (%s, %s, %s)", S["event"], people[4], s1)
    inst.query("INSERT INTO answer (participant_id, session_id, partstat,"
               " source, sequence, answered_at) VALUES (%s, %s, 'ACCEPTED',"
               " 'page', 0, '2026-01-02T03:04:05Z')", people[0], s0)
    S["read"] = add_token(inst, "admin@example.no", "read")
    S["door"] = add_token(inst, "door@example.no", "checkin")
    S["both"] = add_token(inst, "door@example.no", "read,checkin",
                          "--expires", "2099-01-01")
    inst.server = inst.start()
    S["c"] = Client(inst.port)
    return inst


def teardown(inst):
    if inst:
        inst.close()


@case
def tokens_are_stored_hashed_per_organiser_and_event(inst):
    rows = inst.query("SELECT hash, scopes, event_id, o.email FROM api_token t"
                      " JOIN organiser o ON o.id = t.organiser_id ORDER BY"
                      " t.id")
    assert len(rows) == 3, rows
    assert rows[0][0] == hashlib.sha256(S["read"].encode()).hexdigest()
    assert all(S[k] not in str(rows) for k in ("read", "door", "both"))
    assert rows[0][1] == ["read"] and rows[2][1] == ["read", "checkin"]
    assert {r[2] for r in rows} == {S["event"]}
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'api_token.add'") == 3
    # Bad scopes, an unknown organiser, a time past: refused, none added.
    for args in (("--scope", "write"), ("--scope", "read,read"),
                 ("--scope", ""), ("--scope", "read", "--expires", "2001-01-01"),
                 ("--scope", "read", "--expires", "soon")):
        r = inst.ctl("api-token", "add", "--organiser", "admin@example.no",
                     *args, check=False)
        assert r.returncode != 0 and r.stdout == "", (args, r.stdout)
    r = inst.ctl("api-token", "add", "--organiser", "nobody@example.no",
                 "--scope", "read", check=False)
    assert r.returncode != 0 and "no such" in r.stderr, r.stderr
    assert inst.scalar("SELECT count(*) FROM api_token") == 3


@case
def every_read_matches_the_description(inst):
    c = S["c"]
    for path in ("/api/v1/event", "/api/v1/sessions", "/api/v1/registrations",
                 "/api/v1/placements", "/api/v1/replies", "/api/v1/checkins"):
        body = check(api(c, "GET", path, S["read"]), path, "get", 200)
        assert body, path
    ev = check(api(c, "GET", "/api/v1/event", S["read"]), "/api/v1/event",
               "get", 200)["event"]
    assert ev["id"] == S["event"] and ev["timezone"] == "Europe/Oslo"
    assert ev["starts_at"] == inst.scalar(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC',"
        " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM event")
    ss = check(api(c, "GET", "/api/v1/sessions", S["read"]),
               "/api/v1/sessions", "get", 200)["sessions"]
    assert [s["id"] for s in ss] == S["sessions"]
    assert ss[0]["placed"] == 3 and ss[1]["placed"] == 1
    regs = check(api(c, "GET", "/api/v1/registrations", S["read"]),
                 "/api/v1/registrations", "get", 200)
    assert [r["id"] for r in regs["data"]] == S["people"]
    assert regs["next_cursor"] is None
    assert regs["data"][6]["checked_in_at"] is not None
    assert regs["data"][0]["checked_in_at"] is None
    pl = check(api(c, "GET", "/api/v1/placements", S["read"]),
               "/api/v1/placements", "get", 200)["data"]
    assert len(pl) == 4 and [p["published"] for p in pl] == [True] * 3 + [False]
    rep = check(api(c, "GET", "/api/v1/replies", S["read"]),
                "/api/v1/replies", "get", 200)["data"]
    answers = {r["participant_id"]: (r["answer"], r["answered_at"])
               for r in rep}
    assert answers == {S["people"][0]: ("ACCEPTED", "2026-01-02T03:04:05Z"),
                       S["people"][1]: ("NEEDS-ACTION", None),
                       S["people"][2]: ("NEEDS-ACTION", None)}, answers
    ci = check(api(c, "GET", "/api/v1/checkins", S["read"]),
               "/api/v1/checkins", "get", 200)["data"]
    assert [r["id"] for r in ci] == [S["people"][6]]


@case
def lists_are_filtered_and_paged_by_cursor(inst):
    c, path = S["c"], "/api/v1/registrations"

    def ids(query):
        b = check(api(c, "GET", path + query, S["read"]), path, "get", 200)
        return [r["id"] for r in b["data"]], b["next_cursor"]

    p = S["people"]
    assert ids("?status=confirmed")[0] == [p[0], p[1], p[4], p[6]]
    assert ids("?sector=union")[0] == [p[1], p[3], p[5]]
    assert ids("?sector=union&status=confirmed")[0] == [p[1]]
    assert ids("?session=%d" % S["sessions"][0])[0] == p[:3]
    # Pages of 3 cover every row once, in order; the last says no more.
    seen, cursor, pages = [], None, 0
    while True:
        got, cursor = ids("?limit=3" + ("&cursor=" + cursor if cursor else ""))
        seen += got
        pages += 1
        if cursor is None:
            break
    assert seen == p and pages == 3, (seen, pages)
    # Placements page by (session, participant).
    pp = "/api/v1/placements"
    b = check(api(c, "GET", pp + "?limit=2", S["read"]), pp, "get", 200)
    b2 = check(api(c, "GET", pp + "?limit=2&cursor=" + b["next_cursor"],
                   S["read"]), pp, "get", 200)
    keys = [(x["session_id"], x["participant_id"]) for x in
            b["data"] + b2["data"]]
    assert keys == sorted(keys) and len(set(keys)) == 4, keys
    # Bounded pages and checked values: 400 with a stable code.
    for q in ("?limit=0", "?limit=201", "?limit=abc", "?cursor=x",
              "?cursor=1.2", "?status=gone", "?sector=NO!", "?session=-3"):
        r = api(c, "GET", path + q, S["read"])
        assert check(r, path, "get", 400)["error"]["code"] == \
            "invalid_parameter", q
    r = api(c, "GET", pp + "?status=confirmed", S["read"])
    assert check(r, pp, "get", 400)["error"]["code"] == "invalid_parameter"


@case
def tokens_and_scopes_are_enforced(inst):
    c = S["c"]
    r = api(c, "GET", "/api/v1/event", None)
    assert check(r, "/api/v1/event", "get", 401)["error"]["code"] == \
        "unauthorized"
    assert r.getheader("WWW-Authenticate", "").startswith("Bearer")
    for bad in ("0" * 32, "nonsense", S["read"] + "0"):
        r = api(c, "GET", "/api/v1/event", bad)
        assert check(r, "/api/v1/event", "get", 401)["error"]["code"] == \
            "invalid_token", bad
    # The console's cookie is not a token.
    r = c.request("GET", "/api/v1/event", headers={"Authorization": "Basic x"})
    assert r.status == 401
    # checkin alone may not read; read alone may not check in.
    r = api(c, "GET", "/api/v1/registrations", S["door"])
    assert check(r, "/api/v1/registrations", "get", 403)["error"]["code"] == \
        "insufficient_scope"
    before = inst.scalar("SELECT count(*) FROM participant WHERE"
                         " checked_in_at IS NOT NULL")
    r = api(c, "POST", "/api/v1/checkins", S["read"],
            {"registration_id": S["people"][0]})
    assert check(r, "/api/v1/checkins", "post", 403)["error"]["code"] == \
        "insufficient_scope"
    assert inst.scalar("SELECT count(*) FROM participant WHERE"
                       " checked_in_at IS NOT NULL") == before
    # Expired, revoked, or the organiser disabled: 401.
    exp = add_token(inst, "admin@example.no", "read", "--expires", "2099-01-01")
    assert api(c, "GET", "/api/v1/event", exp).status == 200
    inst.query("UPDATE api_token SET expires_at = now() - interval '1 s'"
               " WHERE hash = %s", hashlib.sha256(exp.encode()).hexdigest())
    assert api(c, "GET", "/api/v1/event", exp).status == 401
    rev = add_token(inst, "admin@example.no", "read")
    inst.query("UPDATE api_token SET revoked_at = now() WHERE hash = %s",
               hashlib.sha256(rev.encode()).hexdigest())
    assert api(c, "GET", "/api/v1/event", rev).status == 401
    tmp = add_token(inst, "door@example.no", "read")
    inst.query("UPDATE organiser SET disabled = true WHERE email ="
               " 'door@example.no'")
    try:
        assert api(c, "GET", "/api/v1/event", tmp).status == 401
    finally:
        inst.query("UPDATE organiser SET disabled = false WHERE email ="
                   " 'door@example.no'")
    assert api(c, "GET", "/api/v1/event", tmp).status == 200


@case
def checkin_is_idempotent_and_audited(inst):
    c, path, pid = S["c"], "/api/v1/checkins", S["people"][1]
    r = api(c, "POST", path, S["door"], {"registration_id": pid})
    first = check(r, path, "post", 201)
    assert first["already"] is False and first["registration_id"] == pid
    assert inst.scalar("SELECT checked_in_at IS NOT NULL FROM participant"
                       " WHERE id = %s", pid)
    r = api(c, "POST", path, S["both"], {"registration_id": pid})
    again = check(r, path, "post", 200)
    assert again["already"] is True
    assert again["checked_in_at"] == first["checked_in_at"]
    audit = inst.query("SELECT actor, action, subject_id FROM audit_log"
                       " WHERE action = 'registrations.check_in'")
    assert audit == [("door@example.no", "registrations.check_in", pid)], \
        audit
    # It shows in the reads.
    ci = check(api(c, "GET", path, S["both"]), path, "get", 200)["data"]
    assert pid in [x["id"] for x in ci]
    # Not confirmed (pending), unknown, another shape: nothing changes.
    r = api(c, "POST", path, S["door"], {"registration_id": S["people"][2]})
    assert check(r, path, "post", 409)["error"]["code"] == "not_confirmed"
    r = api(c, "POST", path, S["door"], {"registration_id": 999999})
    assert check(r, path, "post", 404)["error"]["code"] == "not_found"
    for raw in (b"{}", b'{"registration_id": "1"}', b"[1]", b"{",
                b'{"registration_id": -1}', b'{"registration_id": 1.5}'):
        r = api(c, "POST", path, S["door"], raw=raw)
        assert check(r, path, "post", 400)["error"]["code"] == \
            "invalid_body", raw
    r = api(c, "POST", path, S["door"], raw=b"registration_id=1",
            ctype="application/x-www-form-urlencoded")
    assert check(r, path, "post", 415)["error"]["code"] == \
        "unsupported_media_type"
    r = api(c, "POST", path, S["door"],
            raw=json.dumps({"registration_id": pid, "pad": "x" * 8000})
            .encode())
    assert check(r, path, "post", 413)["error"]["code"] == "body_too_large"
    assert inst.scalar("SELECT count(*) FROM participant WHERE checked_in_at"
                       " IS NOT NULL") == 2
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'registrations.check_in'") == 1


@case
def unknown_paths_and_methods_answer_json(inst):
    c = S["c"]
    r = api(c, "GET", "/api/v1/nothing", S["read"])
    assert r.status == 404 and json.loads(r.text)["error"]["code"] == \
        "not_found"
    r = api(c, "POST", "/api/v1/event", S["read"], {})
    assert check(r, "/api/v1/event", "get", 405)["error"]["code"] == \
        "method_not_allowed"
    # A method summitd takes nowhere is refused before routing, in JSON.
    r = api(c, "DELETE", "/api/v1/event", S["read"])
    assert check(r, "/api/v1/event", "get", 501)["error"]["code"] == \
        "not_implemented"


@case
def requests_are_rate_limited_per_token(inst):
    port = free_port()
    inst.start(port=port, extra_conf="[api]\nper_token_burst = 3\n"
               "per_token_per_hour = 1\n")
    c = Client(port)
    for _ in range(3):
        assert api(c, "GET", "/api/v1/event", S["read"]).status == 200
    r = api(c, "GET", "/api/v1/event", S["read"])
    assert check(r, "/api/v1/event", "get", 429)["error"]["code"] == \
        "rate_limited"
    assert int(r.getheader("Retry-After")) >= 1
    # Another token has its own allowance.
    assert api(c, "GET", "/api/v1/event", S["both"]).status == 200


@case
def a_token_answers_for_its_event_only(inst):
    """A token belongs to one event: another event in the installation
    changes nothing of what it answers, and once its own event is archived
    it is refused."""
    c = S["c"]
    new = inst.scalar(
        "INSERT INTO event (slug, name_nb, name_en, starts_at, ends_at,"
        " registration_opens, registration_closes, capacity, mailbox)"
        " VALUES ('next', 'Neste', 'Next', now() + interval '30 days',"
        " now() + interval '31 days', now(), now() + interval '20 days', 10,"
        " 'x@example.no') RETURNING id")
    try:
        r = api(c, "GET", "/api/v1/event", S["read"])
        assert check(r, "/api/v1/event", "get", 200)["event"]["slug"] == \
            "ki-toppmote"
        inst.query("UPDATE event SET archived_at = now() WHERE slug ="
                   " 'ki-toppmote'")
        r = api(c, "GET", "/api/v1/event", S["read"])
        assert check(r, "/api/v1/event", "get", 403)["error"]["code"] == \
            "wrong_event"
    finally:
        inst.query("UPDATE event SET archived_at = NULL WHERE slug ="
                   " 'ki-toppmote'")
        inst.query("DELETE FROM event WHERE id = %s", new)
    assert api(c, "GET", "/api/v1/event", S["read"]).status == 200


@case
def admins_make_and_revoke_tokens_in_the_console(inst):
    import re
    admin = organiser(inst, "boss@example.no", "admin")
    staff = organiser(inst, "clerk@example.no", "staff")
    assert staff.get("/console/api").status == 403
    r = admin.get("/console/api")
    assert r.status == 200 and 'href="/console/api"' in r.text
    assert 'href="/console/api"' not in staff.get("/console").text
    csrf = admin.csrf("/console/api")
    n = inst.scalar("SELECT count(*) FROM api_token")
    for form, why in (
            ({"organiser": "nobody@example.no", "scope_read": "on"},
             "No enabled organiser"),
            ({"organiser": "clerk@example.no"}, "at least one scope"),
            ({"organiser": "clerk@example.no", "scope_read": "on",
              "expires": "2001-01-01"}, "after today"),
            ({"organiser": "clerk@example.no", "scope_read": "on",
              "expires": "soon"}, "after today")):
        r = admin.post("/console/api/tokens", dict(form, _csrf=csrf),
                       headers={"Accept-Language": "en"})
        assert r.status == 400 and why in r.text, (form, r.status)
    assert inst.scalar("SELECT count(*) FROM api_token") == n
    # Without the CSRF token: refused, nothing made.
    r = admin.post("/console/api/tokens", {"organiser": "clerk@example.no",
                                           "scope_checkin": "on"})
    assert r.status == 403
    r = admin.post("/console/api/tokens", {
        "_csrf": csrf, "organiser": "clerk@example.no",
        "scope_checkin": "on", "expires": "2099-12-31"})
    assert r.status == 200, r.status
    token = re.search(r'<code id="new-token">([0-9a-f]{32})</code>',
                      r.text).group(1)
    assert inst.scalar("SELECT count(*) FROM api_token") == n + 1
    # Shown once: the list holds no secret.
    assert token not in admin.get("/console/api").text
    c = S["c"]
    r = api(c, "POST", "/api/v1/checkins", token,
            {"registration_id": S["people"][4]})
    assert r.status == 201, (r.status, r.text)
    tid = inst.scalar("SELECT id FROM api_token WHERE hash = %s",
                      hashlib.sha256(token.encode()).hexdigest())
    r = admin.post("/console/api/tokens/%d/revoke" % tid, {"_csrf": csrf})
    assert r.status == 303, r.status
    r = api(c, "GET", "/api/v1/checkins", token)
    assert check(r, "/api/v1/checkins", "get", 401)["error"]["code"] == \
        "invalid_token"
    r = admin.post("/console/api/tokens/%d/revoke" % tid, {"_csrf": csrf})
    assert r.status == 404
    assert inst.query("SELECT action, actor FROM audit_log WHERE"
                      " subject_type = 'api_token' AND subject_id = %s"
                      " ORDER BY id", tid) == [
        ("api_token.add", "boss@example.no"),
        ("api_token.revoke", "boss@example.no")]


run(setup, teardown)
