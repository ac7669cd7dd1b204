/*
 * console_invitees.c -- the console's invitees: people Summit invites by
 * mail.  The list with its counts per state, filters and CSV export
 * (staff); adding one, the CSV import with its preview, and the settings
 * -- the default language of invitations and the "remind by" time --
 * (admin).  Each POST answers 303 on success, or 400 with the form again.
 */
#include "web/internal.h"

#include <string.h>

enum inv_field { IV_NAME, IV_EMAIL, IV_ORG, IV_SECTOR, IV_LANG, IV__MAX };
static const struct form_field inv_fields[IV__MAX] = {
	[IV_NAME] = { "name", FORM_NAME, 200, true, 0, 0 },
	[IV_EMAIL] = { "email", FORM_EMAIL, 254, true, 0, 0 },
	[IV_ORG] = { "organisation", FORM_NAME, 200, false, 0, 0 },
	[IV_SECTOR] = { "sector", FORM_LINE, 32, false, 0, 0 },
	[IV_LANG] = { "language", FORM_LINE, 2, false, 0, 0 },
};

enum set_field { ST_LANG, ST_REMIND, ST__MAX };
static const struct form_field set_fields[ST__MAX] = {
	[ST_LANG] = { "default_language", FORM_LINE, 2, true, 0, 0 },
	[ST_REMIND] = { "remind_at", FORM_LINE, 19, false, 0, 0 },
};

/* The list's filters from the query string; "" for none. */
static struct app_invitee_filter
inv_filter(struct web_req *req)
{
	const char *state = web_query(req, "state");
	const char *sector = web_query(req, "sector");
	const char *q = web_query(req, "q");

	return (struct app_invitee_filter){ state ? state : "",
		sector ? sector : "", q ? q : "" };
}

/* The sectors for a select: code, name, selected (code == chosen). */
static JsonArray *
inv_sectors(JsonObject *event, const char *chosen)
{
	JsonArray *out = json_array_new();
	JsonArray *sectors;
	guint i;

	if (event == NULL || !json_object_has_member(event, "sectors"))
		return out;
	sectors = app_view_array(event, "sectors");
	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "code",
		    app_view_str(s, "code"));
		json_object_set_string_member(o, "name",
		    app_view_str(s, "name"));
		json_object_set_boolean_member(o, "selected",
		    g_strcmp0(app_view_str(s, "code"), chosen) == 0);
		json_array_add_object_element(out, o);
	}
	return out;
}

/* The state's words from the catalogue. */
static const char *
inv_state_text(struct web_req *req, const char *state)
{
	g_autofree char *key = g_strconcat("invitees_state_", state, NULL);

	return web_text(req, key);
}

/* The list page; values and errors are the add form's (or the settings
 * form's, whose fields have their own names). */
static void
inv_render(struct web_req *req, unsigned status, JsonObject *values,
    JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL, res = NULL, event = NULL;
	g_autofree char *qs = NULL, *qe = NULL;
	struct app_invitee_filter f = inv_filter(req);
	JsonObject *counts, *settings;
	JsonArray *rows, *states = json_array_new();
	const char *const *s;
	const char *lang;
	guint i;

	res = app_invitee_list(req->web->app, &req->actor, &f, &error);
	if (res == NULL) {
		json_array_unref(states);
		json_object_unref(values);
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID))
			web_error_page(req, MHD_HTTP_BAD_REQUEST,
			    "error_bad_request");
		else
			web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	event = app_event_view(req->web->app, req->event.id, req->lang, NULL);
	counts = app_view_object(res, "counts");
	for (s = app_invitee_states; *s != NULL; s++) {
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "state", *s);
		json_object_set_string_member(o, "label",
		    inv_state_text(req, *s));
		json_object_set_int_member(o, "n", app_view_int(counts, *s));
		json_object_set_boolean_member(o, "selected",
		    strcmp(f.state, *s) == 0);
		json_array_add_object_element(states, o);
	}
	json_object_set_array_member(ctx, "states", states);
	json_object_set_int_member(ctx, "total", app_view_int(counts, "total"));
	rows = app_view_array(res, "rows");
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		json_object_set_string_member(r, "label",
		    inv_state_text(req, app_view_str(r, "state")));
	}
	web_list_rows(ctx, rows, APP_INVITEE_PAGE_MAX);
	json_object_set_array_member(ctx, "rows", json_array_ref(rows));
	json_object_set_boolean_member(ctx, "none",
	    json_array_get_length(rows) == 0);
	json_object_set_array_member(ctx, "filter_sectors",
	    inv_sectors(event, f.sector));
	if (!json_object_has_member(values, "sector"))
		json_object_set_string_member(values, "sector", "");
	json_object_set_array_member(ctx, "add_sectors",
	    inv_sectors(event,
	        json_object_get_string_member(values, "sector")));
	json_object_set_string_member(ctx, "q", f.q);
	qs = g_uri_escape_string(f.q, NULL, FALSE);
	qe = g_strdup_printf("state=%s&sector=%s&q=%s", f.state, f.sector, qs);
	json_object_set_string_member(ctx, "export_query", qe);
	settings = app_view_object(res, "settings");
	json_object_set_object_member(ctx, "settings",
	    json_object_ref(settings));
	lang = app_view_str(settings, "language");
	json_object_set_boolean_member(ctx, "default_en",
	    strcmp(lang, "en") == 0);
	json_object_set_string_member(ctx, "timezone",
	    app_view_str(res, "timezone"));
	for (i = 0; i < IV__MAX; i++)
		if (!json_object_has_member(values, inv_fields[i].name))
			json_object_set_string_member(values,
			    inv_fields[i].name, "");
	lang = json_object_get_string_member(values, "language");
	json_object_set_boolean_member(ctx, "add_nb", strcmp(lang, "nb") == 0);
	json_object_set_boolean_member(ctx, "add_en", strcmp(lang, "en") == 0);
	web_form_ctx_set(ctx, values, errors);
	if (web_query(req, "done") != NULL)
		json_object_set_string_member(ctx, "notice",
		    web_text(req, "invitees_saved"));
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "invitees_title"));
	web_render(req, status, "console/invitees.html", ctx);
}

/* GET /console/invitees (staff): ?state=&sector=&q= filter.  200, 400. */
static void
inv_list(struct web_req *req, const struct web_call *c)
{
	(void)c;
	inv_render(req, MHD_HTTP_OK, json_object_new(), NULL);
}

/* GET /console/invitees/export.csv and export.xlsx (staff): the list's
 * rows, filters included, all of them. */
static void
inv_export_as(struct web_req *req, enum sheet_format fmt)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *data = NULL;
	struct app_invitee_filter f = inv_filter(req);
	gsize len = 0;

	data = app_invitee_export(req->web->app, &req->actor, &f, fmt, &len,
	    &error);
	if (data == NULL &&
	    g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID))
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
	else
		web_export(req, data, len, fmt, "invitees", error);
}

static void
inv_export(struct web_req *req, const struct web_call *c)
{
	(void)c;
	inv_export_as(req, SHEET_CSV);
}

static void
inv_export_xlsx(struct web_req *req, const struct web_call *c)
{
	(void)c;
	inv_export_as(req, SHEET_XLSX);
}

/* POST /console/invitees (admin): adds one invitee and queues their
 * invitation.  303, 400 with the form again. */
static void
inv_add(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_refusal why = { NULL, 0 };
	struct app_invitee in;

	web_field_errors(req, c->fields, errors);
	if (json_object_get_size(errors) == 0) {
		in = (struct app_invitee){ v[IV_NAME].str, v[IV_EMAIL].str,
			v[IV_ORG].str ? v[IV_ORG].str : "",
			v[IV_SECTOR].str ? v[IV_SECTOR].str : "",
			v[IV_LANG].str ? v[IV_LANG].str : "" };
		if (app_invitee_add(req->web->app, &req->actor, &in, &why,
		        &error)) {
			web_redirect(req, "/console/invitees?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		if (why.field != NULL && strcmp(why.field, "email") == 0 &&
		    why.reason == APP_REASON_TAKEN)
			web_field_error(req, errors, "email",
			    "invitees_err_taken");
		else
			web_refusal_error(req, errors, c->fields, &why, "name",
			    "err_invalid");
	}
	inv_render(req, MHD_HTTP_BAD_REQUEST, web_form_typed(c->form), errors);
}

/* POST /console/invitees/settings (admin): default language and remind
 * by.  303, 400 with the page and the message. */
static void
inv_settings(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_refusal why = { NULL, 0 };

	web_field_errors(req, c->fields, errors);
	if (json_object_get_size(errors) == 0) {
		if (app_invitee_settings_set(req->web->app, &req->actor,
		        v[ST_LANG].str,
		        v[ST_REMIND].str ? v[ST_REMIND].str : "", &why,
		        &error)) {
			web_redirect(req, "/console/invitees?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_field_error(req, errors,
		    g_strcmp0(why.field, "remind_at") == 0 ? "remind_at" :
		                                             "default_language",
		    "invitees_err_settings");
	}
	inv_render(req, MHD_HTTP_BAD_REQUEST, json_object_new(), errors);
}

static void
inv_import_render(struct web_req *req, unsigned status, const char *csv,
    JsonObject *res, const char *error_key)
{
	g_autoptr(JsonObject) ctx = console_ctx(req);
	g_autoptr(JsonObject) event = app_event_view(req->web->app,
	    req->event.id, req->lang, NULL);

	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "invitees_import"));
	json_object_set_array_member(ctx, "sectors", inv_sectors(event, ""));
	json_object_set_string_member(ctx, "csv", csv ? csv : "");
	if (res != NULL) {
		JsonArray *rows = app_view_array(res, "rows");
		guint i, k;

		for (i = 0; i < json_array_get_length(rows); i++) {
			JsonObject *r = json_array_get_object_element(rows, i);
			JsonArray *e = app_view_array(r, "errors");
			JsonArray *texts = json_array_new();

			for (k = 0; k < json_array_get_length(e); k++)
				json_array_add_string_element(texts,
				    web_text(req,
				        json_array_get_string_element(e, k)));
			json_object_set_array_member(r, "error_texts", texts);
		}
		json_object_set_object_member(ctx, "result",
		    json_object_ref(res));
	}
	if (error_key != NULL)
		json_object_set_string_member(ctx, "error",
		    web_text(req, error_key));
	web_render(req, status, "console/invitees_import.html", ctx);
}

/* GET /console/invitees/import (admin). */
static void
inv_import_form(struct web_req *req, const struct web_call *c)
{
	(void)c;
	inv_import_render(req, MHD_HTTP_OK, NULL, NULL, NULL);
}

/*
 * POST /console/invitees/import (admin): csv=... shows the preview and
 * stores nothing; with confirm=1 the same CSV is checked again and, only
 * if every row is good, stored and the mails queued.  200 (preview,
 * result), 400 (not CSV, or a bad row when storing: nothing stored).
 */
static void
inv_import_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL;
	const char *csv = g_hash_table_lookup(c->form, "csv");
	bool apply = g_strcmp0(g_hash_table_lookup(c->form, "confirm"), "1") ==
	    0;

	if (csv == NULL || csv[0] == '\0') {
		inv_import_render(req, MHD_HTTP_BAD_REQUEST, csv, NULL,
		    "registrations_err_empty");
		return;
	}
	res = app_invitee_import(req->web->app, c->actor, csv, apply, &error);
	if (res == NULL) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			inv_import_render(req, MHD_HTTP_BAD_REQUEST, csv, NULL,
			    "invitees_err_csv");
			return;
		}
		web_app_error(req, error);
		return;
	}
	json_object_set_boolean_member(res, "applied",
	    apply && app_view_int(res, "imported") > 0);
	json_object_set_boolean_member(res, "can_apply",
	    !apply && app_view_int(res, "bad") == 0 &&
	        app_view_int(res, "good") > 0);
	if (app_view_bool(res, "refused")) {
		inv_import_render(req, MHD_HTTP_BAD_REQUEST, csv, res,
		    "invitees_err_refused");
		return;
	}
	inv_import_render(req, MHD_HTTP_OK, csv, res, NULL);
}

const struct web_route console_invitees_routes[] = {
	{ "GET", "/console/invitees", inv_list, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/invitees", inv_add, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(inv_fields), 0 },
	{ "GET", "/console/invitees/export.csv", inv_export, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/invitees/export.xlsx", inv_export_xlsx, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/invitees/settings", inv_settings, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_FIELDS(set_fields), 0 },
	{ "GET", "/console/invitees/import", inv_import_form, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/invitees/import", inv_import_post, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_BIG_BODY },
	WEB_ROUTES_END,
};
