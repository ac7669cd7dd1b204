/*
 * app/questions.h -- the organisers' own questions (included by app.h;
 * questions.c, needs.c): building them in the console, the registration
 * form's and the participant page's questions, the answers checked and
 * stored typed, and the catering and accessibility summary.
 * docs/questions.md.
 *
 * Answers come in as the form sends them: a table of field name to text,
 * "qID" for a question's one value (text, number, "YYYY-MM-DD", "yes" or
 * "no", a country's code, a single choice's id) and "qID_CHOICE" for each
 * ticked choice of a multiple choice question.  app checks every value
 * against the question's kind itself.
 */
#ifndef SUMMIT_APP_QUESTIONS_H
#define SUMMIT_APP_QUESTIONS_H

/* What an organiser types for a question (kind only when adding). */
struct app_question {
	const char *kind; /* text longtext choice multi yesno number date
	                     country */
	const char *label_nb, *label_en, *help_nb, *help_en;
	bool required;
	const char *min, *max;      /* a number's bounds as typed; "" or NULL */
	const char *const *sectors; /* only these sectors; NULL: everyone */
	size_t nsectors;
};

/* True for a kind a question may have. */
bool app_question_kind_ok(const char *kind);

/* The console's page (admin): {questions: [{id, kind, label_nb,
 * label_en, help_nb, help_en, required, min_value, max_value (text, ""
 * when none), sectors ("a,b"), hidden, standard ("" or diet, access,
 * other), answers, first, last, has_choices, choices: [{id, label_nb,
 * label_en, hidden, answers}]}], sectors: [{code, name}], has_standard}.
 * With id > 0 only that question (APP_ENOTFOUND). */
JsonObject *app_questions_console(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 id, const char *lang,
    GError **error);
/* Adds q at the end of the form; *id its id.  APP_EINVALID with
 * *refusal: the field (kind, label_nb, label_en, help_nb, help_en, min,
 * max, sectors) and why. */
gboolean app_question_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_question *q, gint64 *id,
    struct app_refusal *refusal, GError **error);
/* Changes labels, help, required, bounds and sectors; never the kind
 * (answers hold it).  Answers given before stay as they were. */
gboolean app_question_edit(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, const struct app_question *q,
    struct app_refusal *refusal, GError **error);
/* Moves question id one place up (dir < 0) or down in the form. */
gboolean app_question_move(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, int dir, GError **error);
/* Removes question id: deleted when nobody answered it, else hidden (off
 * the form, its answers kept for the exports); *hidden says which.
 * show: puts a hidden question back. */
gboolean app_question_remove(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 id, bool *hidden,
    GError **error);
gboolean app_question_show(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, GError **error);
/* A new choice of choice question qid (APP_EINVALID "label_nb" or
 * "label_en"; APP_ENOTFOUND when qid is no choice question). */
gboolean app_choice_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 qid, const char *label_nb, const char *label_en,
    struct app_refusal *refusal, GError **error);
/* Removes choice cid as a question is removed: deleted, or hidden when
 * someone ticked it; show puts it back. */
gboolean app_choice_remove(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 qid, gint64 cid, bool *hidden, GError **error);
gboolean app_choice_show(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 qid, gint64 cid, GError **error);
/* Adds the standard dietary and accessibility questions (the 14
 * allergens, vegetarian, vegan; wheelchair access, hearing loop,
 * sign-language interpreter; other needs) at the end of the form;
 * APP_EINVALID with refusal (standard, APP_REASON_TAKEN) when the event
 * has them already. */
gboolean app_questions_standard_add(const struct app *app,
    const struct app_actor *actor, gint64 event_id, struct app_refusal *refusal,
    GError **error);

/* The questions of event_id's form in lang, filled with answers (may be
 * NULL): [{id, field, kind, is_KIND (one true), label, help, has_help,
 * required, sectors (names, "" for everyone), has_sectors, has_min, min,
 * has_max, max, value, yes, no, choices: [{id, field, qfield (the question's), label, checked}],
 * countries: [{code, name, selected}] (country questions only)}]. */
JsonArray *app_questions_form(const struct app *app, gint64 event_id,
    const char *lang, GHashTable *answers, GError **error);
/* Every mistake in answers for a person of sector: field -> {reason
 * (enum app_reason), kind}, empty when none (transfer full).  Questions of other
 * sectors are not required of them (and their answers not kept). */
JsonObject *app_answers_check(const struct app *app, gint64 event_id,
    const char *sector, GHashTable *answers, GError **error);
/* Whether a participant may change their answers now: the one place the
 * change deadline (issue 11 item 3) will be checked; TRUE today. */
bool app_answers_may_change(const struct app *app, gint64 event_id,
    gint64 participant_id);
/* The participant behind token's questions with their answers, as
 * app_questions_form, and may_change: {questions, may_change}. */
JsonObject *app_me_answers(const struct app *app, const char *token,
    const char *lang, GHashTable *typed, GError **error);
/* Replaces their answers.  APP_EINVALID with *refused (as
 * app_answers_check's, transfer full) when a value is wrong: nothing changed; APP_ECLOSED
 * when they may not change them (cancelled, or past the deadline). */
gboolean app_me_answers_set(const struct app *app, const char *token,
    GHashTable *answers, JsonObject **refused, GError **error);

/* needs.c: the catering and accessibility summary (staff), confirmed
 * participants only: {needs: [{label, count, people: [{name,
 * organisation, email, text}]}], has_needs}. */
JsonObject *app_needs_summary(const struct app *app,
    const struct app_actor *actor, gint64 event_id, const char *lang,
    GError **error);
/* The same as one list for the venue: need, name, organisation, email,
 * text; one row per person and need. */
char *app_needs_export(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *lang, enum sheet_format fmt, gsize *len,
    GError **error);

#endif
