#!/usr/bin/env python3
"""test_console_auth.py -- the organiser console's door: argon2id accounts,
login sessions that are never adopted from the browser (no fixation),
throttling and lock-out, the set-password link, CSRF on login, and the
audit log, and the policy every console route declares in its row of the
route table (role, CSRF, the path's id)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Client, Instance, organiser  # noqa: E402
from tap import case, run  # noqa: E402

PW = "correct horse battery"


def setup():
    # A first login delay of 10 s, not 1: slow builds (ThreadSanitizer)
    # take more than a second between two logins.
    inst = Instance("summit_http_console_auth",
                    extra_conf="login_delay_seconds = 10\n")
    inst.server = inst.start()
    return inst


def teardown(inst):
    if inst:
        inst.close()


def login(c, email, password):
    csrf = c.csrf("/console/login")
    return c.post("/console/login", {"_csrf": csrf, "email": email,
                                     "password": password})


@case
def console_needs_a_login(inst):
    c = Client(inst.port)
    for path in ("/console", "/console/audit"):
        r = c.get(path)
        assert r.status == 303 and r.getheader("Location") == "/console/login", path
    r = c.get("/console/login")
    assert r.status == 200 and 'name="password"' in r.text


@case
def passwords_are_argon2id_and_login_works(inst):
    c = organiser(inst, "admin@example.no", "admin", PW)
    h = inst.scalar("SELECT password_hash FROM organiser WHERE email ="
                    " 'admin@example.no'")
    assert h.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), h
    assert PW not in h
    r = c.get("/console")
    assert r.status == 200 and "Digitalt toppmøte om KI" in r.text
    # The session token is stored hashed only.
    tok = c.cookies["summit_session"]
    assert inst.scalar("SELECT count(*) FROM login_session WHERE hash = %s",
                       tok) == 0
    assert inst.scalar("SELECT count(*) FROM login_session") >= 1


@case
def session_cookie_flags(inst):
    c = Client(inst.port)
    csrf = c.csrf("/console/login")
    c.request("POST", "/console/login", body={"_csrf": csrf,
              "email": "admin@example.no", "password": PW})
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", inst.port)
    conn.request("POST", "/console/login", body="_csrf=%s&email=admin%%40example.no&password=%s" % (
        csrf, PW.replace(" ", "+")), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "summit_csrf=%s" % c.cookies["summit_csrf"]})
    r = conn.getresponse()
    sc = [v for k, v in r.getheaders() if k.lower() == "set-cookie" and
          v.startswith("summit_session=")][0]
    # Path=/: the console of each event lives under its own /SLUG/console.
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/;"):
        assert flag in sc, sc


@case
def a_planted_session_is_never_adopted(inst):
    attacker = organiser(inst, "staff1@example.no", "staff", PW)
    planted = attacker.cookies["summit_session"]
    victim = Client(inst.port)
    victim.cookies["summit_session"] = planted
    r = login(victim, "admin@example.no", PW)
    assert r.status == 303
    assert victim.cookies["summit_session"] != planted
    # The planted session is over, for the attacker too.
    assert attacker.get("/console").status == 303
    assert victim.get("/console").status == 200


@case
def logout_ends_the_session(inst):
    c = organiser(inst, "staff2@example.no", "staff", PW)
    tok = c.cookies["summit_session"]
    page = c.get("/console").text
    csrf = re.search(r'name="_csrf" value="([0-9a-f]+)"', page).group(1)
    r = c.post("/console/logout", {"_csrf": csrf})
    assert r.status == 303
    c.cookies["summit_session"] = tok
    assert c.get("/console").status == 303


@case
def login_needs_csrf(inst):
    c = Client(inst.port)
    c.csrf("/console/login")
    r = c.post("/console/login", {"email": "admin@example.no", "password": PW})
    assert r.status == 403
    assert "summit_session" not in c.cookies


@case
def wrong_passwords_slow_the_account_down(inst):
    # [security] login_free_failures = 5: five failures cost nothing, the
    # sixth sets a delay, and until it is over even the right password
    # is answered 429 at once, with Retry-After.
    inst.ctl("organiser", "add", "target@example.no", "--role", "admin",
             "--password-stdin", input=PW + "\n")
    c = Client(inst.port)
    statuses = [login(c, "target@example.no", "wrong password %d" % i).status
                for i in range(6)]
    assert statuses == [401] * 6, statuses
    r = login(c, "target@example.no", PW)
    assert r.status == 429 and int(r.getheader("Retry-After")) > 0, r.status
    assert "summit_session" not in c.cookies
    # Nothing of it is in the database any more.
    assert inst.scalar("SELECT to_regclass('login_failure')") is None
    # Once the delay is over, the right password works.
    time.sleep(int(r.getheader("Retry-After")))
    r = login(c, "target@example.no", PW)
    assert r.status == 303, r.status


@case
def one_address_guessing_many_accounts_is_slowed_down(inst):
    c = Client(inst.port)
    statuses = [login(c, "nobody%d@example.no" % i, "x" * 12).status
                for i in range(21)]
    assert statuses == [401] * 21, statuses
    r = login(c, "admin@example.no", PW)
    assert r.status == 429, r.status
    # The delay is short at first; a login after it clears the address.
    time.sleep(int(r.getheader("Retry-After")))
    assert login(c, "admin@example.no", PW).status == 303
    assert login(c, "nobody@example.no", "x" * 12).status == 401


@case
def set_password_link(inst):
    r = inst.ctl("organiser", "add", "newbie@example.no", "--role", "staff",
                 "--link")
    m = re.search(r"(/console/setup/[0-9a-f]{32})", r.stdout)
    assert m, r.stdout
    c = Client(inst.port)
    page = c.get(m.group(1))
    assert page.status == 200 and "newbie@example.no" in page.text
    csrf = re.search(r'name="_csrf" value="([0-9a-f]+)"', page.text).group(1)
    r = c.post(m.group(1), {"_csrf": csrf, "password": "short",
                            "password2": "short"})
    # app's typed refusal (field "password", reason length) is the
    # page's message, on the form, not an error page.
    assert r.status == 400
    assert ("minst 12 tegn" in r.text or "at least 12 characters" in r.text), r.text
    assert 'name="password2"' in r.text
    r = c.post(m.group(1), {"_csrf": csrf, "password": PW, "password2": PW + "x"})
    assert r.status == 400
    assert ("ikke like" in r.text or "passwords differ" in r.text), r.text
    r = c.post(m.group(1), {"_csrf": csrf, "password": PW, "password2": PW})
    assert r.status == 303
    assert login(Client(inst.port), "newbie@example.no", PW).status == 303
    # The link works once.
    assert c.get(m.group(1)).status == 404


@case
def audit_log_shows_account_changes(inst):
    c = organiser(inst, "auditor@example.no", "staff", PW)
    r = c.get("/console/audit")
    assert r.status == 200
    assert "organiser.add" in r.text and "auditor@example.no" in r.text
    assert "organiser.password" in r.text


@case
def failed_mail_is_visible_and_only_an_admin_resends_it(inst):
    oid = inst.scalar("INSERT INTO outbox (kind, recipient, state, attempts,"
                      " last_error) VALUES ('promoted', 'lost@example.no',"
                      " 'failed', 3, '550 5.1.1 no such user') RETURNING id")
    staff = organiser(inst, "mailstaff@example.no", "staff", PW)
    page = staff.get("/console/mail")
    assert page.status == 200
    assert "lost@example.no" in page.text and "550 5.1.1 no such user" in page.text
    assert "/resend" not in page.text          # no button for staff ...
    csrf = re.search(r'name="_csrf" value="([0-9a-f]+)"', page.text).group(1)
    r = staff.post("/console/mail/%d/resend" % oid, {"_csrf": csrf})
    assert r.status == 403                     # ... and the server refuses
    assert inst.scalar("SELECT state FROM outbox WHERE id = %s", oid) == "failed"
    admin = organiser(inst, "mailadmin@example.no", "admin", PW)
    page = admin.get("/console/mail")
    csrf = re.search(r'name="_csrf" value="([0-9a-f]+)"', page.text).group(1)
    r = admin.post("/console/mail/%d/resend" % oid, {"_csrf": csrf})
    assert r.status == 303, r.status
    assert inst.scalar("SELECT state FROM outbox WHERE id = %s", oid) == "queued"
    assert inst.scalar("SELECT actor FROM audit_log WHERE action ="
                       " 'outbox.resend' AND subject_id = %s", oid) == \
        "mailadmin@example.no"


# Every console POST and the role its row in the route table asks for;
# "{id}" is a positive id, "{code}" a sector code.  The dispatcher checks
# them all before any handler runs (src/web/route.c).
CONSOLE_POSTS = [
    ("/console/event", "admin"), ("/console/slots", "admin"),
    ("/console/slots/{id}", "admin"), ("/console/slots/{id}/delete", "admin"),
    ("/console/sessions", "admin"), ("/console/sessions/{id}", "admin"),
    ("/console/sessions/{id}/cancel", "admin"),
    ("/console/sessions/{id}/reinstate", "admin"),
    ("/console/sessions/{id}/seating", "admin"),
    ("/console/sectors", "admin"), ("/console/sectors/{code}", "admin"),
    ("/console/sectors/{code}/delete", "admin"), ("/console/codes", "admin"),
    ("/console/allocation/apply", "admin"), ("/console/publish", "admin"),
    ("/console/refill", "admin"),
    ("/console/registrations/import", "admin"),
    ("/console/registrations/{id}/status", "admin"),
    ("/console/registrations/{id}/promote", "admin"),
    ("/console/registrations/{id}/resend-confirmation", "admin"),
    ("/console/registrations/{id}/resend-invitations", "admin"),
    ("/console/registrations/{id}/erase", "admin"),
    ("/console/registrations/{id}/email", "admin"),
    ("/console/registrations/{id}/checkin", "staff"),
    ("/console/mail/{id}/resend", "admin"),
    ("/console/messages/preview", "admin"),
    ("/console/messages/test", "admin"),
    ("/console/messages/send", "admin"),
    ("/console/reminders", "admin"),
    ("/console/invitees", "admin"), ("/console/invitees/settings", "admin"),
    ("/console/invitees/import", "admin"),
    ("/console/door-list/import", "admin"),
    ("/console/door", "door"), ("/console/door/name", "door"),
    ("/console/door/undo", "staff"),
    ("/console/door/walk-in", "door"), ("/console/door/walk-ins", "admin"),
    ("/console/registrations/{id}/checkin-code", "staff"),
    ("/console/deadlines", "admin"),
    ("/console/requests/{id}/accept", "admin"),
    ("/console/requests/{id}/dismiss", "admin"),
    ("/console/privacy", "admin"),
    ("/console/registrations/bulk", "staff"),
    ("/console/registrations/bulk/apply", "admin"),
    ("/console/substitutes/settings", "admin"),
    ("/console/substitutes/{id}/approve", "admin"),
    ("/console/substitutes/{id}/refuse", "admin"),
]


@case
def every_console_route_keeps_its_policy(inst):
    staff = organiser(inst, "policystaff@example.no", "staff", PW)
    admin = organiser(inst, "policyadmin@example.no", "admin", PW)
    anon = Client(inst.port)
    anon_csrf = anon.csrf("/console/login")
    staff_csrf = staff.csrf("/console/login")
    admin_csrf = admin.csrf("/console/login")
    audit = inst.scalar("SELECT count(*) FROM audit_log")
    for pattern, role in CONSOLE_POSTS:
        path = pattern.format(id="999999", code="nosuch")
        # No session: to the login page, whatever else is wrong.
        r = anon.post(path, {"_csrf": anon_csrf})
        assert r.status == 303 and \
            r.getheader("Location") == "/console/login", (path, r.status)
        # The wrong role: 403, even with a good token.
        if role == "admin":
            r = staff.post(path, {"_csrf": staff_csrf})
            assert r.status == 403, (path, r.status)
        # The right role without the token, or with another's: 403.
        r = admin.post(path, {"status": "confirmed"})
        assert r.status == 403, (path, r.status)
        r = admin.post(path, {"_csrf": anon_csrf})
        assert r.status == 403, (path, r.status)
        # A path argument that is no id (or no code): 404.
        if "{" in pattern:
            bad = pattern.format(id="x1", code="No-Code")
            r = admin.post(bad, {"_csrf": admin_csrf})
            assert r.status == 404, (bad, r.status)
            r = admin.post(pattern.format(id="0", code="_"),
                           {"_csrf": admin_csrf})
            assert r.status == 404, (bad, r.status)
    # Admin-only pages are refused to staff on GET too.
    assert staff.get("/console/registrations/import").status == 403
    assert admin.get("/console/registrations/import").status == 200
    assert staff.get("/console/messages").status == 403
    assert admin.get("/console/messages").status == 200
    # Nothing of the above changed anything.
    assert inst.scalar("SELECT count(*) FROM audit_log") == audit


if __name__ == "__main__":
    run(setup, teardown)
