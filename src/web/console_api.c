/*
 * console_api.c -- the console's page of the JSON API (admin): the
 * event's API tokens, making one (shown once, never again) and revoking
 * one, and the webhook endpoints with their queued and failed
 * deliveries.  docs/api.md.
 */
#include "web/internal.h"

#include <string.h>

enum tok_field { TK_ORGANISER, TK_READ, TK_CHECKIN, TK_EXPIRES, TK__MAX };
static const struct form_field tok_fields[TK__MAX] = {
	[TK_ORGANISER] = { "organiser", FORM_EMAIL, 254, true, 0, 0 },
	[TK_READ] = { "scope_read", FORM_LINE, 3, false, 0, 0 },
	[TK_CHECKIN] = { "scope_checkin", FORM_LINE, 3, false, 0, 0 },
	[TK_EXPIRES] = { "expires", FORM_LINE, 10, false, 0, 0 },
};

/* The form's values again: what was typed in form (NULL: nothing). */
static JsonObject *
api_form_values(GHashTable *form)
{
	JsonObject *v = json_object_new();
	const char *org = form ? g_hash_table_lookup(form, "organiser") : NULL;
	const char *exp = form ? g_hash_table_lookup(form, "expires") : NULL;

	json_object_set_string_member(v, "organiser", org ? org : "");
	json_object_set_string_member(v, "expires", exp ? exp : "");
	json_object_set_boolean_member(v, "scope_read",
	    form != NULL && g_hash_table_contains(form, "scope_read"));
	json_object_set_boolean_member(v, "scope_checkin",
	    form != NULL && g_hash_table_contains(form, "scope_checkin"));
	return v;
}

/* The page, with what the form needs: a new token to show once, the
 * values typed and a message (a catalogue key) when one was refused. */
static void
api_page_render(struct web_req *req, const struct web_call *c, unsigned status,
    const char *token, GHashTable *form, const char *err)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *res = app_api_overview(req->web->app, c->actor, &error);

	if (res == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_array_member(ctx, "tokens",
	    json_array_ref(app_view_array(res, "tokens")));
	json_object_set_array_member(ctx, "webhooks",
	    json_array_ref(app_view_array(res, "webhooks")));
	json_object_unref(res);
	json_object_set_string_member(ctx, "new_token", token ? token : "");
	json_object_set_boolean_member(ctx, "has_new_token", token != NULL);
	json_object_set_string_member(ctx, "form_error",
	    err != NULL ? web_text(req, err) : "");
	json_object_set_boolean_member(ctx, "has_form_error", err != NULL);
	json_object_set_boolean_member(ctx, "revoked",
	    g_strcmp0(web_query(req, "done"), "revoked") == 0);
	json_object_set_object_member(ctx, "v", api_form_values(form));
	web_render(req, status, "console/api.html", ctx);
}

/* GET /console/api (admin). */
static void
api_page(struct web_req *req, const struct web_call *c)
{
	api_page_render(req, c, MHD_HTTP_OK, NULL, NULL, NULL);
}

/* "YYYY-MM-DD" as the start of that day in UTC; 0 when not a date. */
static gint64
api_date(const char *s)
{
	g_autofree char *full = NULL;
	g_autoptr(GDateTime) d = NULL;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	full = g_strconcat(s, "T00:00:00Z", NULL);
	d = g_date_time_new_from_iso8601(full, NULL);
	return d != NULL ? g_date_time_to_unix(d) : 0;
}

/* POST /console/api/tokens (admin): 200 with the token shown once, or
 * 400 with the form and why. */
static void
api_token_post(struct web_req *req, const struct web_call *c)
{
	const struct form_value *v = c->fields->v;
	g_autoptr(GError) error = NULL;
	g_autofree char *token = NULL;
	const char *scopes, *err = NULL;
	bool rd = v[TK_READ].present, ci = v[TK_CHECKIN].present;
	gint64 at = 0, id = 0;

	scopes = rd && ci ? "read,checkin" :
	    rd            ? "read" :
	    ci            ? "checkin" :
	                    NULL;
	if (c->fields->nerrors > 0)
		err = "c_api_err_organiser";
	else if (scopes == NULL)
		err = "c_api_err_scope";
	else if (v[TK_EXPIRES].present && v[TK_EXPIRES].str[0] != '\0' &&
	    (at = api_date(v[TK_EXPIRES].str)) == 0)
		err = "c_api_err_expires";
	else if (!app_api_token_add(req->web->app, c->actor, c->event_id,
	             v[TK_ORGANISER].str, scopes, at, &token, &id, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ENOTFOUND))
			err = "c_api_err_organiser";
		else if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID))
			err = "c_api_err_expires";
		else {
			web_app_error(req, error);
			return;
		}
	}
	if (err != NULL) {
		api_page_render(req, c, MHD_HTTP_BAD_REQUEST, NULL, c->form,
		    err);
		return;
	}
	api_page_render(req, c, MHD_HTTP_OK, token, NULL, NULL);
}

/* POST /console/api/tokens/ID/revoke (admin): 303, 404. */
static void
api_token_revoke(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;

	if (!app_api_token_revoke(req->web->app, c->actor, c->id, &error)) {
		web_app_error(req, error);
		return;
	}
	web_redirect(req, "/console/api?done=revoked");
}

const struct web_route console_api_routes[] = {
	{ "GET", "/console/api", api_page, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/api/tokens", api_token_post, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_FIELDS(tok_fields), 0 },
	{ "POST", "/console/api/tokens/*/revoke", api_token_revoke, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
