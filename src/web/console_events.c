/*
 * console_events.c -- the installation's pages: the list of events an
 * organiser may work in (the console's home when there are several), and
 * for installation admins a new event as a copy of an earlier one and
 * archiving; the public list of upcoming events at the root.
 */
#include "web/internal.h"

#include <string.h>

enum copy_field { CF_FROM, CF_SLUG, CF_NAME_NB, CF_NAME_EN, CF_DAY, CF__MAX };

static const struct form_field copy_fields[CF__MAX] = {
	[CF_FROM] = { "from", FORM_INT, 19, true, 1, G_MAXINT64 },
	[CF_SLUG] = { "slug", FORM_LINE, 64, true, 0, 0 },
	[CF_NAME_NB] = { "name_nb", FORM_LINE, 200, true, 0, 0 },
	[CF_NAME_EN] = { "name_en", FORM_LINE, 200, true, 0, 0 },
	[CF_DAY] = { "day", FORM_LINE, 10, true, 0, 0 },
};

static void
events_render(struct web_req *req, const struct web_call *c, unsigned status,
    const char *error_key, GHashTable *form)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *v;
	JsonArray *rows;
	guint i;

	rows = app_events_of(req->web->app, c->actor, &error);
	if (rows == NULL) {
		web_app_error(req, error);
		return;
	}
	for (i = 0; i < json_array_get_length(rows); i++)
		app_localise(json_array_get_object_element(rows, i), req->lang,
		    (const char *const[]){ "name", NULL });
	ctx = console_ctx(req);
	json_object_set_array_member(ctx, "events", rows);
	json_object_set_boolean_member(ctx, "installation_admin",
	    app_view_bool(req->organiser, "installation_admin"));
	if (g_strcmp0(web_query(req, "done"), "copied") == 0)
		json_object_set_boolean_member(ctx, "copied", true);
	if (error_key != NULL)
		json_object_set_string_member(ctx, "form_error",
		    web_text(req, error_key));
	v = json_object_new();
	for (i = 0; i < CF__MAX; i++) {
		const char *s = form ?
		    g_hash_table_lookup(form, copy_fields[i].name) :
		    NULL;

		json_object_set_string_member(v, copy_fields[i].name,
		    s ? s : "");
	}
	json_object_set_object_member(ctx, "v", v);
	web_render(req, status, "console/events.html", ctx);
}

static void
console_events(struct web_req *req, const struct web_call *c)
{
	events_render(req, c, MHD_HTTP_OK, NULL, NULL);
}

static void
console_events_copy(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal why = { 0 };
	struct app_event_copy in;
	gint64 id = 0;

	if (c->fields->nerrors > 0) {
		events_render(req, c, MHD_HTTP_BAD_REQUEST, "events_err_form",
		    c->form);
		return;
	}
	in = (struct app_event_copy){ c->fields->v[CF_FROM].num,
		c->fields->v[CF_SLUG].str, c->fields->v[CF_NAME_NB].str,
		c->fields->v[CF_NAME_EN].str, c->fields->v[CF_DAY].str };
	if (!app_event_copy(req->web->app, c->actor, &in, &why, &id, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID))
			events_render(req, c, MHD_HTTP_BAD_REQUEST,
			    why.field != NULL &&
			            strcmp(why.field, "slug") == 0 ?
			        (why.reason == APP_REASON_TAKEN ?
			                "events_err_slug_taken" :
			                "events_err_slug") :
			        "events_err_form",
			    c->form);
		else
			web_app_error(req, error);
		return;
	}
	web_events_forget(req->web);
	web_redirect(req, "/console/events?done=copied");
}

static void
console_events_archive(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_actor in_event = *c->actor;
	const char *want = g_hash_table_lookup(c->form, "archived");

	/* An installation admin's page: the event is the one in the path. */
	in_event.event_id = c->id;
	if (!app_event_archive(req->web->app, &in_event,
	        g_strcmp0(want, "1") == 0, &error)) {
		web_app_error(req, error);
		return;
	}
	web_events_forget(req->web);
	web_redirect(req, "/console/events");
}

void
web_events_page(struct web_req *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonArray *rows;

	if ((rows = app_events_upcoming(req->web->app, req->lang, &error)) ==
	    NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	json_object_set_array_member(ctx, "events", rows);
	web_render(req, MHD_HTTP_OK, "events.html", ctx);
}

const struct web_route console_events_routes[] = {
	{ "GET", "/console/events", console_events, WEB_LOGIN, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/console/events/copy", console_events_copy, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_FIELDS(copy_fields), WEB_GLOBAL },
	{ "POST", "/console/events/*/archive", console_events_archive,
	    WEB_ADMIN, WEB_ARG_ID, WEB_NO_FIELDS, WEB_GLOBAL },
	WEB_ROUTES_END,
};
