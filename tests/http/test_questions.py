#!/usr/bin/env python3
"""test_questions.py -- the organisers' own questions (issue 11, item 2)
against a real summitd and PostgreSQL: an admin builds questions of every
kind in the console (staff may not), orders them and adds the standard
dietary and accessibility questions in one action; the registration form
shows them and stores the answers typed, in Norwegian and in English; a
wrong or missing answer comes back with a message beside its field in the
person's language and nothing stored; a question for one sector is not
required of another; the participant changes their answers on their page
(a wrong one changes nothing); removing an answered question or choice
hides it and keeps the answers; the registrations export has a column per
question (numbers as numbers and dates as dates in the .xlsx); the
catering and accessibility summary counts confirmed participants and its
CSV lists them; migration 023 applies to a database holding data."""
import csv
import datetime
import io
import os
import re
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (Client, Instance, confirm, link_from_mail,  # noqa: E402
                     organiser, registration_form, wait_for)
from tap import case, run  # noqa: E402

S = {}


def setup():
    inst = Instance("summit_http_questions")
    inst.server = inst.start()
    S["admin"] = organiser(inst, "admin@example.no", "admin")
    S["staff"] = organiser(inst, "staff@example.no", "staff")
    return inst


def teardown(inst):
    if inst:
        inst.close()


def count(inst, table):
    return inst.scalar("SELECT count(*) FROM %s" % table)


def add_question(c, **f):
    form = {"_csrf": c.csrf("/console/questions"), "kind": "text",
            "label_nb": "Spørsmål", "label_en": "Question"}
    form.update(f)
    return c.post("/console/questions", form)


def qid(inst, label_en):
    return inst.scalar("SELECT id FROM question WHERE label_en = %s",
                       label_en)


def cid(inst, q, label_en):
    return inst.scalar("SELECT id FROM question_choice WHERE question_id"
                       " = %s AND label_en = %s", q, label_en)


def add_choice(c, q, nb, en):
    r = c.post("/console/questions/%d/choices" % q, {
        "_csrf": c.csrf("/console/questions/%d" % q),
        "label_nb": nb, "label_en": en})
    assert r.status == 303, (r.status, r.text[:500])


@case
def admin_builds_questions(inst):
    a = S["admin"]
    r = add_question(a, kind="text", label_nb="Stilling", label_en="Title",
                     help_nb="Slik den står", help_en="As written",
                     required="on")
    assert r.status == 303, (r.status, r.text[:800])
    assert re.match(r"/console/questions/\d+\?done=added$",
                    r.getheader("Location")), r.getheader("Location")
    for f in [dict(kind="number", label_nb="Antall år", label_en="Years",
                   min="1", max="40"),
              dict(kind="date", label_nb="Ankomst", label_en="Arrival"),
              dict(kind="country", label_nb="Land", label_en="Country"),
              dict(kind="choice", label_nb="Overnatting",
                   label_en="Lodging"),
              dict(kind="multi", label_nb="Aktiviteter",
                   label_en="Activities"),
              dict(kind="longtext", label_nb="Kommentar",
                   label_en="Comment"),
              dict(kind="yesno", label_nb="Styremedlem", label_en="Board",
                   required="on", sector_business="on")]:
        r = add_question(a, **f)
        assert r.status == 303, (f, r.status, r.text[:800])
    lodging, act = qid(inst, "Lodging"), qid(inst, "Activities")
    add_choice(a, lodging, "Hotell", "Hotel")
    add_choice(a, lodging, "Eget", "Own")
    add_choice(a, act, "Tur", "Walk")
    add_choice(a, act, "Middag", "Dinner")
    assert inst.scalar("SELECT required FROM question WHERE label_en ="
                       " 'Title'") is True
    assert inst.scalar("SELECT array_to_string(sectors, ',') FROM question"
                       " WHERE label_en = 'Board'") == "business"
    assert inst.scalar("SELECT min_value::text || '-' || max_value FROM"
                       " question WHERE label_en = 'Years'") == "1-40"
    # The standard questions in one action, once.
    r = a.post("/console/questions/standard",
               {"_csrf": a.csrf("/console/questions")})
    assert r.status == 303, (r.status, r.text[:500])
    codes = [row[0] for row in inst.query(
        "SELECT c.code FROM question_choice c JOIN question q ON q.id ="
        " c.question_id WHERE q.standard = 'diet' ORDER BY c.position")]
    assert codes == ["gluten", "crustaceans", "eggs", "fish", "peanuts",
                     "soy", "milk", "nuts", "celery", "mustard", "sesame",
                     "sulphites", "lupin", "molluscs", "vegetarian",
                     "vegan"], codes
    assert inst.scalar("SELECT count(*) FROM question_choice c JOIN"
                       " question q ON q.id = c.question_id WHERE"
                       " q.standard = 'access'") == 3
    assert inst.scalar("SELECT kind FROM question WHERE standard ="
                       " 'other'") == "longtext"
    n = count(inst, "question")
    r = a.post("/console/questions/standard",
               {"_csrf": a.csrf("/console/questions")})
    assert r.status == 400 and 'id="standard-err"' in r.text, r.status
    assert count(inst, "question") == n
    page = a.get("/console/questions").text
    for label in ("Stilling", "Antall år", "Allergier og kosthold"):
        assert label in page, label
    # Audited.
    assert inst.scalar("SELECT count(*) FROM audit_log WHERE action ="
                       " 'question.add'") >= 8


@case
def bad_questions_change_nothing(inst):
    a = S["admin"]
    n = count(inst, "question")
    for f, field in [(dict(label_nb=""), "label_nb"),
                     (dict(kind="slider"), "kind"),
                     (dict(kind="number", min="10", max="2"), "max"),
                     (dict(kind="number", min="ten"), "min"),
                     (dict(sector_Bad="on"), "sectors"),
                     (dict(sector_nosuch="on"), "sectors")]:
        r = add_question(a, **f)
        assert r.status == 400, (f, r.status)
        assert 'id="%s-err"' % field in r.text, (f, r.text[:3000])
        assert count(inst, "question") == n
    # Staff read, but do not build.
    s = S["staff"]
    r = s.post("/console/questions", {"_csrf": s.csrf("/console/needs"),
                                      "kind": "text", "label_nb": "x",
                                      "label_en": "x"})
    assert r.status == 403, r.status
    assert s.get("/console/questions").status == 403
    assert count(inst, "question") == n


@case
def order_moves(inst):
    a = S["admin"]
    ids = [r[0] for r in inst.query("SELECT id FROM question ORDER BY"
                                    " position, id")]
    r = a.post("/console/questions/%d/up" % ids[1],
               {"_csrf": a.csrf("/console/questions")})
    assert r.status == 303, r.status
    now = [r[0] for r in inst.query("SELECT id FROM question ORDER BY"
                                    " position, id")]
    assert now[:2] == [ids[1], ids[0]] and now[2:] == ids[2:], (ids, now)
    r = a.post("/console/questions/%d/down" % ids[1],
               {"_csrf": a.csrf("/console/questions")})
    now = [r[0] for r in inst.query("SELECT id FROM question ORDER BY"
                                    " position, id")]
    assert now == ids, (ids, now)
    assert a.post("/console/questions/999999/up", {
        "_csrf": a.csrf("/console/questions")}).status == 404


def answers_form(inst, lang="nb", **over):
    """A registration with every question answered."""
    c = Client(inst.port, lang=lang)
    f = registration_form(c.csrf(), language=lang)
    diet = qid(inst, "Allergies and diet")
    f.update({
        "q%d" % qid(inst, "Title"): "Rådgiver",
        "q%d" % qid(inst, "Years"): "12",
        "q%d" % qid(inst, "Arrival"): "2027-03-14",
        "q%d" % qid(inst, "Country"): "NO",
        "q%d" % qid(inst, "Lodging"):
            str(cid(inst, qid(inst, "Lodging"), "Hotel")),
        "q%d_%d" % (qid(inst, "Activities"),
                    cid(inst, qid(inst, "Activities"), "Walk")): "on",
        "q%d_%d" % (qid(inst, "Activities"),
                    cid(inst, qid(inst, "Activities"), "Dinner")): "on",
        "q%d_%d" % (diet, cid(inst, diet, "Gluten")): "on",
        "q%d_%d" % (diet, cid(inst, diet, "Vegan")): "on",
        "q%d" % qid(inst, "Other needs"): "No garlic",
    })
    f.update(over)
    return c, {k: v for k, v in f.items() if v is not None}


def answer(inst, email, label_en, col):
    return inst.query(
        "SELECT a.%s FROM question_answer a JOIN participant p ON p.id ="
        " a.participant_id JOIN question q ON q.id = a.question_id WHERE"
        " p.email = %%s AND q.label_en = %%s ORDER BY a.id" % col,
        email, label_en)


@case
def register_form_shows_questions(inst):
    nb = Client(inst.port, lang="nb").get("/register").text
    en = Client(inst.port, lang="en").get("/register").text
    assert "Stilling" in nb and "Antall år" in nb and "Norge" in nb
    assert "Title" in en and "Years" in en and "Norway" in en
    assert "Gluten" in en and "Hearing loop" in en and "Teleslynge" in nb
    assert 'name="q%d"' % qid(inst, "Title") in nb


@case
def register_with_answers_nb_and_en(inst):
    c, f = answers_form(inst, "nb", email="ola@example.no")
    r = c.post("/register", f)
    assert r.status == 303, (r.status, r.text[:3000])
    e = "ola@example.no"
    assert answer(inst, e, "Title", "text_value") == [("Rådgiver",)]
    assert answer(inst, e, "Years", "number_value") == [(12,)]
    assert answer(inst, e, "Arrival", "date_value") == \
        [(datetime.date(2027, 3, 14),)]
    assert answer(inst, e, "Country", "country") == [("NO",)]
    assert len(answer(inst, e, "Activities", "choice_id")) == 2
    assert len(answer(inst, e, "Allergies and diet", "choice_id")) == 2
    assert answer(inst, e, "Other needs", "text_value") == [("No garlic",)]
    # A union member is not asked the business question: not required.
    assert answer(inst, e, "Board", "bool_value") == []
    # In English, a business member, who must answer "Board".
    c, f = answers_form(inst, "en", email="ann@example.no",
                        sector="business",
                        **{"q%d" % qid(inst, "Board"): "yes",
                           "q%d" % qid(inst, "Years"): "3"})
    r = c.post("/register", f)
    assert r.status == 303, (r.status, r.text[:3000])
    assert answer(inst, "ann@example.no", "Board", "bool_value") == \
        [(True,)]
    assert answer(inst, "ann@example.no", "Years", "number_value") == [(3,)]


@case
def wrong_answers_store_nothing(inst):
    n = count(inst, "participant")
    a = count(inst, "question_answer")
    years, arrival = qid(inst, "Years"), qid(inst, "Arrival")
    country, title = qid(inst, "Country"), qid(inst, "Title")
    lodging, board = qid(inst, "Lodging"), qid(inst, "Board")
    bad = {"q%d" % years: "41", "q%d" % arrival: "2027-02-30",
           "q%d" % country: "XX", "q%d" % title: None,
           "q%d" % lodging: "999999"}
    c, f = answers_form(inst, "nb", email="feil@example.no",
                        sector="business", **bad)
    r = c.post("/register", f)
    assert r.status == 400, r.status
    for q, text in [(years, "Tallet er utenfor"), (arrival, "ÅÅÅÅ-MM-DD"),
                    (country, "Velg et av svarene"),
                    (title, "Svar på dette spørsmålet"),
                    (lodging, "Velg et av svarene"),
                    (board, "Svar på dette spørsmålet")]:
        m = re.search(r'id="q%d-err">([^<]*)<' % q, r.text)
        assert m and text in m.group(1), (q, text, m and m.group(1))
    # What was typed comes back.
    assert 'value="41"' in r.text
    c, f = answers_form(inst, "en", email="wrong@example.no",
                        **{"q%d" % years: "many"})
    r = c.post("/register", f)
    assert r.status == 400
    m = re.search(r'id="q%d-err">([^<]*)<' % years, r.text)
    assert m and "whole number" in m.group(1), r.text[:2000]
    assert count(inst, "participant") == n
    assert count(inst, "question_answer") == a


def me_token(inst, email):
    c, f = answers_form(inst, "en", email=email)
    r = c.post("/register", f)
    assert r.status == 303, (r.status, r.text[:2000])
    body = wait_for(lambda: [b for m, b in inst.mails()
                             if email in str(m["To"])],
                    what="the mail to " + email)[-1]
    r = confirm(c, link_from_mail(body))
    return r.getheader("Location").split("/")[2].split("?")[0]


@case
def participant_changes_answers(inst):
    token = me_token(inst, "me@example.no")
    S["me_token"] = token
    c = Client(inst.port, lang="en")
    page = c.get("/me/" + token).text
    years = qid(inst, "Years")
    assert 'action="/me/%s/answers"' % token in page
    assert re.search(r'name="q%d"[^>]*value="12"' % years, page), page
    before = inst.query("SELECT question_id, kind, text_value,"
                        " number_value, date_value, choice_id, country FROM"
                        " question_answer a JOIN participant p ON p.id ="
                        " a.participant_id WHERE p.email = 'me@example.no'"
                        " ORDER BY a.id")
    # A wrong answer: 400 with the message, nothing changed.
    _, f = answers_form(inst, "en", **{"q%d" % years: "0"})
    f = {k: v for k, v in f.items() if k.startswith("q")}
    f["_csrf"] = c.csrf("/me/" + token)
    r = c.post("/me/%s/answers" % token, f)
    assert r.status == 400, r.status
    assert re.search(r'id="q%d-err">[^<]*outside' % years, r.text)
    after = inst.query("SELECT question_id, kind, text_value,"
                       " number_value, date_value, choice_id, country FROM"
                       " question_answer a JOIN participant p ON p.id ="
                       " a.participant_id WHERE p.email = 'me@example.no'"
                       " ORDER BY a.id")
    assert after == before
    # A good change: the number and one activity less.
    f["q%d" % years] = "7"
    act = qid(inst, "Activities")
    del f["q%d_%d" % (act, cid(inst, act, "Dinner"))]
    r = c.post("/me/%s/answers" % token, f)
    assert r.status == 303, (r.status, r.text[:2000])
    assert r.getheader("Location").startswith("/me/%s?done=answers" % token)
    assert answer(inst, "me@example.no", "Years", "number_value") == [(7,)]
    assert len(answer(inst, "me@example.no", "Activities",
                      "choice_id")) == 1
    page = c.get("/me/%s?done=answers" % token).text
    assert "Your answers are saved." in page
    # An answer to a hidden question is not lost by a change on /me.
    inst.query("UPDATE question SET hidden = true WHERE label_en ="
               " 'Country' RETURNING id")
    f["q%d" % years] = "8"
    r = c.post("/me/%s/answers" % token, f)
    assert r.status == 303, (r.status, r.text[:2000])
    assert answer(inst, "me@example.no", "Years", "number_value") == [(8,)]
    assert answer(inst, "me@example.no", "Country", "country") == [("NO",)]
    inst.query("UPDATE question SET hidden = false WHERE label_en ="
               " 'Country' RETURNING id")
    # A CSRF token is required, as on every POST.
    del f["_csrf"]
    assert c.post("/me/%s/answers" % token, f).status == 403


@case
def exports_have_question_columns(inst):
    s = S["staff"]
    r = s.get("/console/registrations/export.csv")
    assert r.status == 200
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    head = rows[0]
    for label in ("Stilling", "Antall år", "Ankomst", "Land",
                  "Allergier og kosthold"):
        assert label in head, (label, head)
    ola = [x for x in rows if "ola@example.no" in x][0]
    assert ola[head.index("Antall år")] == "12", (head, ola)
    assert ola[head.index("Ankomst")] == "2027-03-14"
    assert ola[head.index("Land")] == "Norge"
    assert ola[head.index("Aktiviteter")] == "Tur; Middag"
    assert ola[head.index("Allergier og kosthold")] == "Gluten; Vegan"
    ann = [x for x in rows if "ann@example.no" in x][0]
    assert ann[head.index("Styremedlem")] == "ja"
    r = Client.get(s, "/console/registrations/export.xlsx")
    assert r.status == 200, r.status
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    ws = wb[wb.sheetnames[0]]
    head = [c.value for c in ws[1]]
    line = [row for row in ws.iter_rows(min_row=2, values_only=True)
            if "ola@example.no" in row][0]
    assert line[head.index("Antall år")] == 12
    assert line[head.index("Ankomst")] == datetime.datetime(2027, 3, 14)
    assert ws.cell(row=2, column=head.index("Ankomst") + 1).number_format \
        == "yyyy-mm-dd"


@case
def removing_answered_hides(inst):
    a = S["admin"]
    act = qid(inst, "Activities")
    walk = cid(inst, act, "Walk")
    r = a.post("/console/questions/%d/choice-remove" % act, {
        "_csrf": a.csrf("/console/questions/%d" % act), "choice": str(walk)})
    assert r.status == 303 and "choice_hidden" in r.getheader("Location")
    assert inst.scalar("SELECT hidden FROM question_choice WHERE id = %s",
                       walk) is True
    assert 'name="q%d_%d"' % (act, walk) not in \
        Client(inst.port).get("/register").text
    # A new choice nobody ticked is deleted.
    add_choice(a, act, "Ny", "New")
    new = cid(inst, act, "New")
    r = a.post("/console/questions/%d/choice-remove" % act, {
        "_csrf": a.csrf("/console/questions/%d" % act), "choice": str(new)})
    assert "choice_deleted" in r.getheader("Location")
    assert inst.scalar("SELECT count(*) FROM question_choice WHERE id = %s",
                       new) == 0
    # An answered question is hidden, its answers kept.
    title = qid(inst, "Title")
    n = inst.scalar("SELECT count(*) FROM question_answer WHERE"
                    " question_id = %s", title)
    r = a.post("/console/questions/%d/remove" % title,
               {"_csrf": a.csrf("/console/questions")})
    assert r.status == 303 and "hidden" in r.getheader("Location")
    assert inst.scalar("SELECT count(*) FROM question_answer WHERE"
                       " question_id = %s", title) == n > 0
    assert 'name="q%d"' % title not in Client(inst.port).get(
        "/register").text
    assert "Stilling" in Client.get(
        S["staff"], "/console/registrations/export.csv").text
    r = a.post("/console/questions/%d/restore" % title,
               {"_csrf": a.csrf("/console/questions")})
    assert inst.scalar("SELECT hidden FROM question WHERE id = %s",
                       title) is False
    # An unanswered question is deleted.
    add_question(a, kind="text", label_nb="Tom", label_en="Empty")
    r = a.post("/console/questions/%d/remove" % qid(inst, "Empty"),
               {"_csrf": a.csrf("/console/questions")})
    assert "deleted" in r.getheader("Location")
    assert inst.scalar("SELECT count(*) FROM question WHERE label_en ="
                       " 'Empty'") == 0
    # Editing keeps the kind and the answers.
    years = qid(inst, "Years")
    r = a.post("/console/questions/%d" % years, {
        "_csrf": a.csrf("/console/questions/%d" % years),
        "label_nb": "År i yrket", "label_en": "Years", "max": "99"})
    assert r.status == 303, (r.status, r.text[:1000])
    assert inst.scalar("SELECT kind || max_value FROM question WHERE id ="
                       " %s", years) == "number99"
    assert answer(inst, "ola@example.no", "Years", "number_value") == \
        [(12,)]


@case
def needs_summary_and_export(inst):
    inst.query("UPDATE participant SET status = 'confirmed' WHERE email"
               " IN ('ola@example.no', 'ann@example.no')")
    s = S["staff"]
    r = s.get("/console/needs")
    assert r.status == 200, r.status
    m = re.search(r'id="need-gluten"><td>.*?</td><td class="num">(\d+)<',
                  r.text)
    assert m and m.group(1) == "3", r.text[:3000]  # ola, ann, me
    assert "Kari Nordmann" in r.text and "No garlic" in r.text
    m = re.search(r'id="need-wheelchair"><td>.*?</td><td class="num">(\d+)<',
                  r.text)
    assert m and m.group(1) == "0"
    r = s.get("/console/needs/export.csv")
    assert r.status == 200
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0] == ["need", "name", "organisation", "email", "text"]
    assert ["Gluten", "Kari Nordmann", "LO", "ola@example.no", ""] in rows
    assert any(x[0] == "Andre behov" and x[4] == "No garlic" for x in rows)
    # A pending registration is not counted.
    inst.query("UPDATE participant SET status = 'pending' WHERE email ="
               " 'ann@example.no'")
    r = s.get("/console/needs")
    m = re.search(r'id="need-gluten"><td>.*?</td><td class="num">(\d+)<',
                  r.text)
    assert m and m.group(1) == "2"


@case
def erasure_deletes_answers(inst):
    """Answers may say anything about a person (their needs): GDPR
    erasure deletes them with the rest."""
    pid = inst.scalar("SELECT id FROM participant WHERE email ="
                      " 'ann@example.no'")
    assert inst.scalar("SELECT count(*) FROM question_answer WHERE"
                       " participant_id = %s", pid) > 0
    a = S["admin"]
    r = a.post("/console/registrations/%d/erase" % pid, {
        "_csrf": a.csrf("/console/registrations/%d" % pid),
        "confirm": "yes"})
    assert r.status == 303, (r.status, r.text[:500])
    assert inst.scalar("SELECT count(*) FROM question_answer WHERE"
                       " participant_id = %s", pid) == 0


@case
def typed_columns_hold(inst):
    """The database itself refuses an answer with two values."""
    ok = True
    try:
        inst.query("INSERT INTO question_answer (event_id, participant_id,"
                   " question_id, kind, text_value, number_value) SELECT"
                   " q.event_id, p.id, q.id, q.kind, 'x', 1 FROM question q,"
                   " participant p WHERE q.kind = 'number' LIMIT 1")
    except Exception:
        ok = False
    assert not ok, "two values in one answer accepted"


@case
def migration_on_a_database_with_data(inst):
    """023 applied again to this database, which holds the demo event,
    registrations and everything else (its tables dropped and its row in
    schema_migrations gone first): it applies, and nothing else moves.
    Last, as it drops the answers."""
    before = [inst.scalar("SELECT count(*) FROM %s" % t)
              for t in ("participant", "event", "session", "outbox")]
    inst.query("DROP TABLE question_answer, question_choice, question")
    inst.query("DELETE FROM schema_migrations WHERE version LIKE '023%%'"
               " RETURNING version")
    inst.ctl("migrate")
    after = [inst.scalar("SELECT count(*) FROM %s" % t)
             for t in ("participant", "event", "session", "outbox")]
    assert after == before, (before, after)
    assert inst.scalar("SELECT count(*) FROM schema_migrations WHERE"
                       " version LIKE '023%%'") == 1
    assert inst.scalar("SELECT count(*) FROM question") == 0


if __name__ == "__main__":
    run(setup, teardown)
