/*
 * questions.c -- the event's own questions on the public pages: their
 * answers read from a form, the questions put into the registration
 * form's and the participant page's context with a message per refused
 * answer, and the participant's POST /me/TOKEN/answers.
 * docs/questions.md; the use cases are app/questions.c's.
 */
#include "web/internal.h"

#include <string.h>

bool
web_answer_field(const char *name)
{
	const char *s = name;
	bool choice = false;

	if (*s++ != 'q' || !g_ascii_isdigit(*s))
		return false;
	for (; *s != '\0'; s++) {
		if (*s == '_' && !choice && g_ascii_isdigit(s[1]))
			choice = true;
		else if (!g_ascii_isdigit(*s))
			return false;
	}
	return s - name <= 41;
}

GHashTable *
web_answers_of(GHashTable *form)
{
	GHashTable *a = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter it;
	gpointer k, v;

	if (form == NULL)
		return a;
	g_hash_table_iter_init(&it, form);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (web_answer_field(k))
			g_hash_table_insert(a, k, v);
	return a;
}

/* How a refused answer is worded: by reason, and for a value that is not
 * one the question takes, by its kind. */
static const char *
answer_error_key(enum app_reason why, const char *kind)
{
	switch (why) {
	case APP_REASON_MISSING:
		return "q_err_missing";
	case APP_REASON_RANGE:
		return "q_err_range";
	case APP_REASON_LENGTH:
		return "q_err_length";
	default:
		break;
	}
	if (g_strcmp0(kind, "number") == 0)
		return "q_err_number";
	if (g_strcmp0(kind, "date") == 0)
		return "q_err_date";
	if (g_strcmp0(kind, "text") == 0 || g_strcmp0(kind, "longtext") == 0)
		return "q_err_text";
	return "q_err_choice";
}

void
web_answers_errors(struct web_req *req, JsonObject *refused, JsonObject *errors)
{
	GList *names = refused ? json_object_get_members(refused) : NULL;
	GList *l;

	for (l = names; l != NULL; l = l->next) {
		JsonObject *r = app_view_object(refused, l->data);

		web_field_error(req, errors, l->data,
		    answer_error_key((enum app_reason)app_view_int(r, "reason"),
		        app_view_str(r, "kind")));
	}
	g_list_free(names);
}

void
web_answer_refusal(struct web_req *req, const struct app_refusal *why,
    JsonObject *errors)
{
	web_field_error(req, errors, why->field,
	    answer_error_key(why->reason, NULL));
}

void
web_questions_ctx(JsonObject *ctx, JsonArray *questions, JsonObject *errors)
{
	guint i;

	for (i = 0; i < json_array_get_length(questions); i++) {
		JsonObject *q = json_array_get_object_element(questions, i);
		const char *field = app_view_str(q, "field");
		bool has = errors != NULL &&
		    json_object_has_member(errors, field);

		json_object_set_boolean_member(q, "has_error", has);
		json_object_set_string_member(q, "error",
		    has ? json_object_get_string_member(errors, field) : "");
	}
	json_object_set_boolean_member(ctx, "has_questions",
	    json_array_get_length(questions) > 0);
	json_object_set_array_member(ctx, "questions", questions);
}

bool
web_register_questions_ctx(struct web_req *req, JsonObject *ctx,
    gint64 event_id, GHashTable *form, JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) answers = web_answers_of(form);
	JsonArray *qs = app_questions_form(req->web->app, event_id, req->lang,
	    answers, &error);

	if (qs == NULL) {
		web_app_error(req, error);
		return false;
	}
	web_questions_ctx(ctx, qs, errors);
	return true;
}

bool
web_me_answers_ctx(struct web_req *req, JsonObject *ctx, const char *token)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) me = app_me_answers(req->web->app, token,
	    req->lang, req->q_typed, &error);

	if (me == NULL) {
		web_app_error(req, error);
		return false;
	}
	web_questions_ctx(ctx, json_array_ref(app_view_array(me, "questions")),
	    req->q_errors);
	json_object_set_boolean_member(ctx, "answers_may_change",
	    app_view_bool(me, "may_change"));
	json_object_set_boolean_member(ctx, "answers_errors",
	    req->q_errors != NULL && json_object_get_size(req->q_errors) > 0);
	return true;
}

/* POST /me/TOKEN/answers: 303 to the page with a notice, 400 with the
 * page and a message per refused answer (nothing changed), 409 when
 * answers may no longer change, 404. */
static void
page_me_answers(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) answers = web_answers_of(c->form);
	g_autoptr(JsonObject) refused = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	g_autofree char *to = NULL;

	if (app_me_answers_set(req->web->app, c->arg, answers, &refused,
	        &error)) {
		to = g_strdup_printf("/me/%s?done=answers#answers", c->arg);
		web_redirect(req, to);
		return;
	}
	if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
		web_app_error(req, error);
		return;
	}
	web_answers_errors(req, refused, errors);
	req->q_typed = answers;
	req->q_errors = errors;
	web_me_render(req, c->arg, MHD_HTTP_BAD_REQUEST);
	req->q_typed = NULL;
	req->q_errors = NULL;
}

const struct web_route web_questions_routes[] = {
	{ "POST", "/me/*/answers", page_me_answers, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
