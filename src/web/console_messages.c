/*
 * console_messages.c -- the console's messages to groups (admin): write
 * a message in nb and en, choose its recipients by a filter, see how many
 * and a sample, send a test to oneself, then queue it; the messages sent
 * so far; and the event's reminder settings.
 */
#include "web/internal.h"

#include <string.h>

enum msg_field {
	MF_SUBJECT_NB,
	MF_SUBJECT_EN,
	MF_BODY_NB,
	MF_BODY_EN,
	MF_STATUS,
	MF_SECTOR,
	MF_ORGANISATION,
	MF_SESSION,
	MF_CHECKED,
	MF_REPLY,
	MF_TO,
	MF__MAX
};
static const struct form_field msg_fields[MF__MAX] = {
	[MF_SUBJECT_NB] = { "subject_nb", FORM_LINE, 200, true, 0, 0 },
	[MF_SUBJECT_EN] = { "subject_en", FORM_LINE, 200, true, 0, 0 },
	[MF_BODY_NB] = { "body_nb", FORM_BLOCK, 4000, true, 0, 0 },
	[MF_BODY_EN] = { "body_en", FORM_BLOCK, 4000, true, 0, 0 },
	[MF_STATUS] = { "status", FORM_LINE, 16, false, 0, 0 },
	[MF_SECTOR] = { "sector", FORM_LINE, 32, false, 0, 0 },
	[MF_ORGANISATION] = { "organisation", FORM_LINE, 200, false, 0, 0 },
	[MF_SESSION] = { "session", FORM_INT, 19, false, 0, G_MAXINT64 },
	[MF_CHECKED] = { "checked", FORM_LINE, 3, false, 0, 0 },
	[MF_REPLY] = { "reply", FORM_LINE, 10, false, 0, 0 },
	/* The registrations list's selection (console_bulk.c): ids. */
	[MF_TO] = { "to", FORM_LINE, 8000, false, 0, 0 },
};

enum rem_field { RF_ON, RF_DAYS, RF__MAX };
static const struct form_field rem_fields[RF__MAX] = {
	[RF_ON] = { "on", FORM_BOOL, 0, false, 0, 0 },
	[RF_DAYS] = { "days", FORM_LINE, 60, false, 0, 0 },
};

/* A select's options: value and catalogue key, the chosen one marked. */
static JsonArray *
options(struct web_req *req, const char *const *values, const char *const *keys,
    const char *chosen)
{
	JsonArray *a = json_array_new();

	for (; *values != NULL; values++, keys++) {
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "value", *values);
		json_object_set_string_member(o, "label", web_text(req, *keys));
		json_object_set_boolean_member(o, "selected",
		    g_strcmp0(*values, chosen ? chosen : "") == 0);
		json_array_add_object_element(a, o);
	}
	return a;
}

/* The sectors and the sessions to choose from, the chosen one marked. */
static gboolean
choices(struct web_req *req, JsonObject *ctx, const char *sector,
    const char *session)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) prog = app_setup_programme(req->web->app,
	    &req->actor, &error);
	JsonArray *slots, *sectors, *sessions;
	guint i, j;

	if (prog == NULL) {
		web_app_error(req, error);
		return FALSE;
	}
	sectors = app_view_array(prog, "sectors");
	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);

		json_object_set_boolean_member(s, "selected",
		    g_strcmp0(app_view_str(s, "code"), sector) == 0);
	}
	json_object_set_array_member(ctx, "sectors", json_array_ref(sectors));
	sessions = json_array_new();
	slots = app_view_array(prog, "slots");
	for (i = 0; i < json_array_get_length(slots); i++) {
		JsonArray *l = app_view_array(
		    json_array_get_object_element(slots, i), "sessions_list");

		for (j = 0; j < json_array_get_length(l); j++) {
			JsonObject *s = json_array_get_object_element(l, j);
			char id[24];

			g_snprintf(id, sizeof(id), "%" G_GINT64_FORMAT,
			    app_view_int(s, "id"));
			json_object_set_boolean_member(s, "selected",
			    g_strcmp0(id, session) == 0);
			json_array_add_object_element(sessions,
			    json_object_ref(s));
		}
	}
	json_object_set_array_member(ctx, "sessions", sessions);
	return TRUE;
}

/* The page: the form (values as typed), its errors, the preview when
 * there is one, the messages so far and the reminder settings; extra's
 * members (a notice's values) are added to the context.  Takes values,
 * preview and extra. */
static void
messages_render(struct web_req *req, unsigned status, JsonObject *values,
    JsonObject *errors, JsonObject *preview, JsonObject *extra)
{
	static const char *const statuses[] = { "", "pending", "confirmed",
		"waitlisted", "cancelled", "expired", NULL };
	static const char *const status_keys[] = { "msg_any", "status_pending",
		"status_confirmed", "status_waitlisted", "status_cancelled",
		"status_expired" };
	static const char *const checked[] = { "", "yes", "no", NULL };
	static const char *const checked_keys[] = { "msg_any",
		"msg_checked_yes", "msg_checked_no" };
	static const char *const replies[] = { "", "accepted", "declined",
		"none", NULL };
	static const char *const reply_keys[] = { "msg_any",
		"msg_reply_accepted", "msg_reply_declined", "msg_reply_none" };
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = console_ctx(req);
	JsonArray *list;
	JsonObject *rem;
	size_t i;

	for (i = 0; i < MF__MAX; i++)
		if (!json_object_has_member(values, msg_fields[i].name))
			json_object_set_string_member(values,
			    msg_fields[i].name, "");
	if (!choices(req, ctx, json_object_get_string_member(values, "sector"),
	        json_object_get_string_member(values, "session"))) {
		json_object_unref(values);
		if (preview != NULL)
			json_object_unref(preview);
		if (extra != NULL)
			json_object_unref(extra);
		return;
	}
	json_object_set_array_member(ctx, "statuses",
	    options(req, statuses, status_keys,
	        json_object_get_string_member(values, "status")));
	json_object_set_array_member(ctx, "checks",
	    options(req, checked, checked_keys,
	        json_object_get_string_member(values, "checked")));
	json_object_set_array_member(ctx, "replies",
	    options(req, replies, reply_keys,
	        json_object_get_string_member(values, "reply")));
	{
		/* How many the selection names, for its notice. */
		const char *to = json_object_get_string_member(values, "to");
		gint64 n = 0;

		for (; to != NULL && *to != '\0'; to++)
			n += *to == ',';
		if (json_object_get_string_member(values, "to")[0] != '\0')
			json_object_set_int_member(ctx, "to_count", n + 1);
	}
	web_form_ctx_set(ctx, values, errors);
	if (preview != NULL) {
		json_object_set_boolean_member(ctx, "has_sample",
		    json_array_get_length(app_view_array(preview, "samples")) >
		        0);
		json_object_set_object_member(ctx, "preview", preview);
	}
	if (extra != NULL) {
		GList *names = json_object_get_members(extra), *l;

		for (l = names; l != NULL; l = l->next)
			json_object_set_member(ctx, l->data,
			    json_object_dup_member(extra, l->data));
		g_list_free(names);
		json_object_unref(extra);
	}
	if ((list = app_message_list(req->web->app, &req->actor, &error)) ==
	        NULL ||
	    (rem = app_reminder_settings(req->web->app, &req->actor, &error)) ==
	        NULL) {
		if (list != NULL)
			json_array_unref(list);
		web_app_error(req, error);
		return;
	}
	web_list_rows(ctx, list, 0);
	json_object_set_array_member(ctx, "messages", list);
	json_object_set_object_member(ctx, "reminders", rem);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "msg_title"));
	web_render(req, status, "console/messages.html", ctx);
}

/* GET /console/messages (admin); ?sent=N&skipped=M after queuing. */
static void
messages_page(struct web_req *req, const struct web_call *c)
{
	const char *sent = web_query(req, "sent");
	const char *skipped = web_query(req, "skipped");
	JsonObject *extra = json_object_new(), *values = json_object_new();
	g_autofree char *to = NULL;
	gint64 n;

	(void)c;
	/* Numbers only: anything else shows no notice. */
	if (sent != NULL &&
	    (g_strcmp0(sent, "0") == 0 || web_parse_id(sent, &n))) {
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "n", sent);
		json_object_set_string_member(o, "skipped",
		    skipped != NULL && web_parse_id(skipped, &n) ? skipped :
		                                                   "0");
		json_object_set_object_member(extra, "sent", o);
	}
	if (g_strcmp0(web_query(req, "done"), "reminders") == 0)
		json_object_set_boolean_member(extra, "reminders_saved", true);
	/* The registrations list's selection handed over (console_bulk.c). */
	if ((to = web_query_text(req, "to", 8000)) != NULL)
		json_object_set_string_member(values, "to", to);
	messages_render(req, MHD_HTTP_OK, values, NULL, NULL, extra);
}

/* What the form says, as app takes it (valid while c and ids live);
 * false for a "to" that is no list of ids. */
static bool
msg_read(const struct web_call *c, struct app_message *m,
    struct app_message_filter *f, GArray *ids)
{
	const struct form_value *v = c->fields->v;

	*m = (struct app_message){ v[MF_SUBJECT_NB].str, v[MF_SUBJECT_EN].str,
		v[MF_BODY_NB].str, v[MF_BODY_EN].str };
	*f = (struct app_message_filter){
		v[MF_STATUS].str ? v[MF_STATUS].str : "",
		v[MF_SECTOR].str ? v[MF_SECTOR].str : "",
		v[MF_ORGANISATION].str ? v[MF_ORGANISATION].str : "",
		v[MF_SESSION].present ? v[MF_SESSION].num : 0,
		v[MF_CHECKED].str ? v[MF_CHECKED].str : "",
		v[MF_REPLY].str ? v[MF_REPLY].str : "",
		NULL,
		0,
	};
	if (v[MF_TO].str == NULL || v[MF_TO].str[0] == '\0')
		return true;
	if (!web_ids_parse(v[MF_TO].str, ids, APP_REG_BULK_MAX + 1))
		return false;
	f->ids = (const gint64 *)(void *)ids->data;
	f->n_ids = ids->len;
	return true;
}

enum msg_step { STEP_PREVIEW, STEP_TEST, STEP_SEND };

/* The three POSTs share the form and its checks; each then does its
 * step: 400 with the form and its errors, or the page again (preview,
 * test) or 303 (sent). */
static void
messages_step(struct web_req *req, const struct web_call *c, enum msg_step step)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	struct app_refusal why = { NULL, 0 };
	struct app_message m;
	struct app_message_filter f;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	JsonObject *preview = NULL, *sent = NULL, *extra = NULL;

	web_field_errors(req, c->fields, errors);
	if (json_object_get_size(errors) == 0 && !msg_read(c, &m, &f, ids))
		web_field_error(req, errors, "to", "bulk_err_selection");
	if (json_object_get_size(errors) == 0) {
		/* A test shows the preview again beside its notice. */
		if (step == STEP_SEND)
			sent = app_message_send(req->web->app, c->actor, &m, &f,
			    &why, &error);
		else if (step == STEP_PREVIEW ||
		    app_message_test(req->web->app, c->actor, &m, &f, &why,
		        &error))
			preview = app_message_preview(req->web->app, c->actor,
			    &m, &f, &why, &error);
		if (sent != NULL) {
			g_autofree char *to = g_strdup_printf(
			    "/console/messages?sent=%" G_GINT64_FORMAT
			    "&skipped=%" G_GINT64_FORMAT,
			    app_view_int(sent, "recipients"),
			    app_view_int(sent, "skipped"));

			json_object_unref(sent);
			web_redirect(req, to);
			return;
		}
		if (error != NULL && why.field == NULL &&
		    !g_error_matches(error, SUMMIT_APP_ERROR, APP_ENOTFOUND)) {
			web_app_error(req, error);
			return;
		}
		/* Form fields have passed web's checks: what app still
		 * refuses in a text is an unknown placeholder. */
		if (error != NULL && why.field != NULL &&
		    why.reason == APP_REASON_INVALID &&
		    (g_str_has_prefix(why.field, "subject_") ||
		        g_str_has_prefix(why.field, "body_")))
			web_field_error(req, errors, why.field,
			    "msg_err_placeholder");
		else if (error != NULL && why.field != NULL)
			web_refusal_error(req, errors, c->fields, &why,
			    "status", "err_invalid");
		else if (error != NULL)
			web_field_error(req, errors, "status",
			    "msg_err_nobody");
		else if (step == STEP_TEST) {
			extra = json_object_new();
			json_object_set_string_member(extra, "test_to",
			    c->actor->email);
		}
	}
	messages_render(req,
	    json_object_get_size(errors) > 0 ? MHD_HTTP_BAD_REQUEST :
	                                       MHD_HTTP_OK,
	    web_form_typed(c->form), errors, preview, extra);
}

/* POST /console/messages/preview (admin): the count and the samples. */
static void
messages_preview(struct web_req *req, const struct web_call *c)
{
	messages_step(req, c, STEP_PREVIEW);
}

/* POST /console/messages/test (admin): the samples to oneself. */
static void
messages_test(struct web_req *req, const struct web_call *c)
{
	messages_step(req, c, STEP_TEST);
}

/* POST /console/messages/send (admin): queued to everyone, 303. */
static void
messages_send(struct web_req *req, const struct web_call *c)
{
	messages_step(req, c, STEP_SEND);
}

/* POST /console/reminders (admin): on/off and the days before. */
static void
reminders_save(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_refusal why = { NULL, 0 };

	web_field_errors(req, c->fields, errors);
	if (json_object_get_size(errors) == 0 &&
	    app_reminder_set(req->web->app, c->actor, v[RF_ON].present,
	        v[RF_DAYS].str ? v[RF_DAYS].str : "", &why, &error)) {
		web_redirect(req, "/console/messages?done=reminders");
		return;
	}
	if (error != NULL && why.field == NULL) {
		web_app_error(req, error);
		return;
	}
	if (error != NULL)
		web_field_error(req, errors, "days", "msg_err_days");
	messages_render(req, MHD_HTTP_BAD_REQUEST, json_object_new(), errors,
	    NULL, NULL);
}

const struct web_route console_messages_routes[] = {
	{ "GET", "/console/messages", messages_page, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/messages/preview", messages_preview, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_FIELDS(msg_fields), 0 },
	{ "POST", "/console/messages/test", messages_test, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_FIELDS(msg_fields), 0 },
	{ "POST", "/console/messages/send", messages_send, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_FIELDS(msg_fields), 0 },
	{ "POST", "/console/reminders", reminders_save, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(rem_fields), 0 },
	WEB_ROUTES_END,
};
