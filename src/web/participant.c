/*
 * participant.c -- the participant's own page, reached from the link in
 * their e-mail: confirm, see the registration and the programme, accept or
 * decline each placed session, rank again, cancel.
 *
 * The token is the only key to these pages, so every answer carries
 * Referrer-Policy: no-referrer and Cache-Control: no-store (respond.c).
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

/*
 * GET (and HEAD) /confirm/TOKEN: only shows the registration and a
 * "Confirm" button, a form that POSTs back here -- a link-prefetching mail
 * scanner that opens the link confirms nothing.  200, 404, 503.
 */
static void
page_confirm(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *p;
	const char *st;

	p = app_participant_view(req->web->app, token, &error);
	if (p == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	st = app_view_str(p, "status");
	json_object_set_boolean_member(ctx, "can_confirm",
	    strcmp(st, "pending") == 0 || strcmp(st, "expired") == 0);
	json_object_set_string_member(ctx, "token", token);
	json_object_set_object_member(ctx, "p", p);
	if (!web_substitute_ctx(req, ctx, token))
		return;
	web_render(req, MHD_HTTP_OK, "confirm.html", ctx);
}

/*
 * POST /confirm/TOKEN: confirms the e-mail; a pending registration claims
 * a place now, or joins the waiting list.  303 to the participant's page,
 * 403 (CSRF), 404, 503.
 */
static void
page_confirm_post(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;
	g_autoptr(GError) error = NULL;
	g_autofree char *status = NULL, *to = NULL;

	if (!app_confirm(req->web->app, token, &status, &error)) {
		web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/me/%s?done=%s", token,
	    strcmp(status, "waitlisted") == 0   ? "confirmed_waitlisted" :
	        strcmp(status, "approval") == 0 ? "substitute_approval" :
	                                          "confirmed");
	web_redirect(req, to);
}

/* The catalogue's text for key, or key itself. */
static const char *
me_text(JsonObject *t, const char *key)
{
	return json_object_has_member(t, key) ?
	    json_object_get_string_member(t, key) :
	    key;
}

/* Puts the programme (app_participant_programme) in ctx as "programme",
 * each placed session with its answer in words.  FALSE: answered with
 * the error page. */
static gboolean
me_programme_ctx(struct web_req *req, JsonObject *ctx, const char *token,
    JsonObject *t)
{
	g_autoptr(GError) error = NULL;
	JsonObject *prog;
	JsonArray *days;
	guint i, j;

	prog = app_participant_programme(req->web->app, token, req->lang,
	    &error);
	if (prog == NULL) {
		web_app_error(req, error);
		return FALSE;
	}
	days = app_view_array(prog, "days");
	for (i = 0; i < json_array_get_length(days); i++) {
		JsonArray *placed = app_view_array(
		    json_array_get_object_element(days, i), "placed");

		for (j = 0; j < json_array_get_length(placed); j++) {
			JsonObject *s = json_array_get_object_element(placed,
			    j);
			g_autofree char *key = g_strconcat("answer_",
			    app_view_str(s, "answer"), NULL);

			json_object_set_string_member(s, "answer_text",
			    me_text(t, key));
			json_object_set_boolean_member(s, "has_table",
			    app_view_int(s, "table_no") > 0);
		}
	}
	json_object_set_boolean_member(ctx, "has_programme",
	    json_array_get_length(days) > 0);
	json_object_set_object_member(ctx, "programme", prog);
	return TRUE;
}

static void
me_render(struct web_req *req, const char *token, unsigned status,
    const char *error_key)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *p, *event, *t;
	JsonArray *prefs, *msgs;
	gint64 chosen[APP_MAX_RANKS];
	size_t n = 0;
	const char *st, *done = web_query(req, "done");
	guint i;

	p = app_participant_view(req->web->app, token, &error);
	if (p == NULL) {
		web_app_error(req, error);
		return;
	}
	/* The token names the event: its links carry the event's prefix. */
	web_req_set_event(req, app_view_int(p, "event_id"));
	event = app_event_view(req->web->app, req->event.id, req->lang, &error);
	if (event == NULL) {
		json_object_unref(p);
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	prefs = json_object_get_array_member(p, "preferences");
	for (i = 0; i < json_array_get_length(prefs) && n < APP_MAX_RANKS;
	     i++) {
		JsonObject *pr = json_array_get_object_element(prefs, i);

		app_localise(pr, req->lang,
		    (const char *const[]){ "title", NULL });
		chosen[n++] = app_view_int(pr, "session_id");
	}
	msgs = app_view_array(p, "messages");
	for (i = 0; i < json_array_get_length(msgs); i++)
		app_localise(json_array_get_object_element(msgs, i), req->lang,
		    (const char *const[]){ "subject", NULL });
	json_object_set_boolean_member(ctx, "has_messages",
	    json_array_get_length(msgs) > 0);
	/* The sessions they are on stage in (app/speakers.c). */
	msgs = app_view_array(p, "stage");
	for (i = 0; i < json_array_get_length(msgs); i++)
		app_localise(json_array_get_object_element(msgs, i), req->lang,
		    (const char *const[]){ "title", NULL });
	json_object_set_boolean_member(ctx, "speaker_only",
	    app_view_bool(p, "speaker_only"));
	st = app_view_str(p, "status");
	t = req->web->catalog[web_lang_index(req->lang)];
	{
		g_autofree char *key = g_strconcat("status_", st, NULL);

		json_object_set_string_member(ctx, "status_text",
		    json_object_has_member(t, key) ? me_text(t, key) : st);
	}
	json_object_set_boolean_member(ctx, "active",
	    strcmp(st, "cancelled") != 0 && strcmp(st, "expired") != 0);
	json_object_set_boolean_member(ctx, "is_pending",
	    strcmp(st, "pending") == 0);
	json_object_set_boolean_member(ctx, "is_waitlisted",
	    strcmp(st, "waitlisted") == 0);
	if (done != NULL) {
		g_autofree char *key = g_strconcat("done_", done, NULL);

		if (json_object_has_member(t, key))
			json_object_set_string_member(ctx, "notice",
			    json_object_get_string_member(t, key));
	}
	if (error_key != NULL)
		json_object_set_string_member(ctx, "form_error",
		    me_text(t, error_key));
	json_object_set_string_member(ctx, "token", token);
	{
		g_autoptr(GError) ferr = NULL;
		g_autofree char *feed = app_feed_token(req->web->app, token,
		    &ferr);
		const char *url = req->web->conf->public_url;
		const char *rest = strstr(url, "://");

		if (feed != NULL && rest != NULL) {
			g_autofree char *webcal = g_strdup_printf(
			    "webcal%s/feed/%s.ics", rest, feed);
			g_autofree char *https = g_strdup_printf(
			    "%s/feed/%s.ics", url, feed);

			json_object_set_string_member(ctx, "feed_webcal",
			    webcal);
			json_object_set_string_member(ctx, "feed_url", https);
		}
	}
	if (!me_programme_ctx(req, ctx, token, t)) {
		json_object_unref(p);
		json_object_unref(event);
		return;
	}
	/* Everything held about them (privacy.c), and their answers to the
	 * event's questions (questions). */
	if (!web_me_privacy_ctx(req, ctx, token) ||
	    !web_me_answers_ctx(req, ctx, token)) {
		json_object_unref(p);
		json_object_unref(event);
		return;
	}
	web_ranking_ctx(ctx, event, chosen, n);
	/* The participant's own event (the token names it). */
	web_deadlines_ctx(req, ctx, app_view_int(p, "event_id"),
	    app_view_int(p, "id"));
	json_object_set_object_member(ctx, "event", event);
	json_object_set_object_member(ctx, "p", p);
	if (!web_substitute_ctx(req, ctx, token))
		return;
	web_render(req, status, "me.html", ctx);
}

void
web_me_render(struct web_req *req, const char *token, unsigned status)
{
	me_render(req, token, status, NULL);
}

static void
page_me(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;

	me_render(req, token, MHD_HTTP_OK, NULL);
}

static void
page_me_preferences(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;
	g_autoptr(GError) error = NULL;
	g_autofree char *to = NULL;
	struct web_ranking r;
	bool requested = false;

	web_ranking_parse(c->form, &r);
	if (r.error != NULL) {
		me_render(req, token, MHD_HTTP_BAD_REQUEST, r.error);
		return;
	}
	if (!app_participant_rerank(req->web->app, token, r.sessions, r.n,
	        &requested, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID))
			me_render(req, token, MHD_HTTP_BAD_REQUEST,
			    "err_invalid");
		else if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ECLOSED))
			me_render(req, token, MHD_HTTP_CONFLICT,
			    "dl_err_change_closed");
		else
			web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/me/%s?done=%s", token,
	    requested ? "dl_requested" : "saved");
	web_redirect(req, to);
}

static void
page_me_cancel(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;
	g_autoptr(GError) error = NULL;
	g_autofree char *to = NULL;

	if (g_strcmp0(g_hash_table_lookup(c->form, "confirm"), "yes") != 0) {
		me_render(req, token, MHD_HTTP_BAD_REQUEST,
		    "err_cancel_confirm");
		return;
	}
	if (!app_participant_cancel(req->web->app, token, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ECLOSED))
			me_render(req, token, MHD_HTTP_CONFLICT,
			    "dl_err_cancel_closed");
		else
			web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/me/%s?done=cancelled", token);
	web_redirect(req, to);
}

enum answer_field {
	ANSWER_SESSION,
	ANSWER_SEQUENCE,
	ANSWER_ANSWER,
	ANSWER__MAX
};
static const struct form_field answer_fields[ANSWER__MAX] = {
	[ANSWER_SESSION] = { "session", FORM_INT, 20, true, 1, G_MAXINT64 },
	[ANSWER_SEQUENCE] = { "sequence", FORM_INT, 10, true, 0, G_MAXINT32 },
	[ANSWER_ANSWER] = { "answer", FORM_LINE, 16, true, 0, 0 },
};

/*
 * POST /me/TOKEN/answer: accepts or declines one placed session (the
 * sequence is the one the page showed: a page older than the last update
 * answers nothing).  303 back to the page with what happened, 400 for a
 * bad form, 403 (CSRF), 404, 503.
 */
static void
page_me_answer(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg, *word, *done;
	g_autoptr(GError) error = NULL;
	g_autofree char *to = NULL;
	struct app_answer_result r;
	enum app_partstat ps;

	word = c->fields->v[ANSWER_ANSWER].str;
	if (c->fields->nerrors > 0 ||
	    (g_strcmp0(word, "accept") != 0 &&
	        g_strcmp0(word, "decline") != 0)) {
		me_render(req, token, MHD_HTTP_BAD_REQUEST, "err_invalid");
		return;
	}
	ps = strcmp(word, "accept") == 0 ? APP_PARTSTAT_ACCEPTED :
	                                   APP_PARTSTAT_DECLINED;
	if (!app_participant_answer(req->web->app, token,
	        c->fields->v[ANSWER_SESSION].num, ps,
	        c->fields->v[ANSWER_SEQUENCE].num, &r, NULL, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID))
			me_render(req, token, MHD_HTTP_BAD_REQUEST,
			    "err_invalid");
		else
			web_app_error(req, error);
		return;
	}
	done = r.outcome == APP_ANSWER_STALE ? "answer_stale" :
	    r.outcome == APP_ANSWER_CLOSED   ? "answer_closed" :
	    ps == APP_PARTSTAT_ACCEPTED      ? "accepted" :
	                                       "declined";
	to = g_strdup_printf("/me/%s?done=%s#programme", token, done);
	web_redirect(req, to);
}

const struct web_route web_participant_routes[] = {
	{ "GET", "/confirm/*", page_confirm, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/confirm/*", page_confirm_post, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/me/*", page_me, WEB_PUBLIC, WEB_ARG_TEXT, WEB_NO_FIELDS,
	    WEB_GLOBAL },
	{ "POST", "/me/*/preferences", page_me_preferences, WEB_PUBLIC,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/me/*/cancel", page_me_cancel, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/me/*/answer", page_me_answer, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_FIELDS(answer_fields), WEB_GLOBAL },
	WEB_ROUTES_END,
};
