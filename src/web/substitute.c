/*
 * substitute.c -- handing a place to a colleague: the block of the
 * participant's page (/me/TOKEN), the form with its confirmation step
 * (POST /me/TOKEN/substitute: first the values are checked and shown,
 * then "confirm=yes" makes the offer; no JavaScript), the withdrawal,
 * and the console's list with approve and refuse and the event's
 * approval setting.  The colleague confirms through /confirm/TOKEN
 * (participant.c), like any registration.
 */
#include "web/internal.h"
#include "base/base.h"
#include "form/form.h"

#include <string.h>

enum sub_field {
	SF_NAME,
	SF_EMAIL,
	SF_ORGANISATION,
	SF_SECTOR,
	SF_LANGUAGE,
	SF_CONFIRM,
	SF_EDIT,
	SF__MAX
};
static const struct form_field sub_fields[SF__MAX] = {
	[SF_NAME] = { "name", FORM_NAME, 200, true, 0, 0 },
	[SF_EMAIL] = { "email", FORM_EMAIL, 254, true, 0, 0 },
	[SF_ORGANISATION] = { "organisation", FORM_NAME, 200, true, 0, 0 },
	[SF_SECTOR] = { "sector", FORM_LINE, 32, true, 0, 0 },
	[SF_LANGUAGE] = { "language", FORM_LINE, 2, true, 0, 0 },
	[SF_CONFIRM] = { "confirm", FORM_LINE, 3, false, 0, 0 },
	[SF_EDIT] = { "edit", FORM_LINE, 3, false, 0, 0 },
};

/*
 * The form's context "sf" from the view: values (typed, or the defaults:
 * the same organisation and sector), errors, and the event's sectors in
 * the page's language with the chosen one selected (and its name, for
 * the confirmation step).
 */
static JsonObject *
sub_form_ctx(struct web_req *req, JsonObject *view, JsonObject *values,
    JsonObject *errors)
{
	JsonObject *sf = json_object_new();
	JsonArray *sectors = app_view_array(view, "sectors");
	JsonArray *list = json_array_new();
	const char *sector, *lang;
	guint i;

	if (values == NULL) {
		values = json_object_new();
		json_object_set_string_member(values, "name", "");
		json_object_set_string_member(values, "email", "");
		json_object_set_string_member(values, "organisation",
		    app_view_str(view, "organisation"));
		json_object_set_string_member(values, "sector",
		    app_view_str(view, "sector"));
		json_object_set_string_member(values, "language",
		    app_view_str(view, "language"));
	}
	for (i = 0; i < SF_CONFIRM; i++) /* what the page shows, typed or not */
		if (!json_object_has_member(values, sub_fields[i].name))
			json_object_set_string_member(values,
			    sub_fields[i].name, "");
	sector = json_object_has_member(values, "sector") ?
	    json_object_get_string_member(values, "sector") :
	    "";
	lang = json_object_has_member(values, "language") ?
	    json_object_get_string_member(values, "language") :
	    "";
	json_object_set_boolean_member(values, "language_nb",
	    g_strcmp0(lang, "nb") == 0);
	json_object_set_boolean_member(values, "language_en",
	    g_strcmp0(lang, "en") == 0);
	json_object_set_string_member(values, "sector_name", sector);
	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);
		JsonObject *o = json_object_new();
		g_autofree char *key = g_strconcat("name_", req->lang, NULL);
		const char *code = app_view_str(s, "code");

		json_object_set_string_member(o, "code", code);
		json_object_set_string_member(o, "name", app_view_str(s, key));
		json_object_set_boolean_member(o, "selected",
		    g_strcmp0(code, sector) == 0);
		if (g_strcmp0(code, sector) == 0)
			json_object_set_string_member(values, "sector_name",
			    app_view_str(s, key));
		json_array_add_object_element(list, o);
	}
	json_object_set_array_member(sf, "sectors", list);
	json_object_set_object_member(sf, "v", values);
	json_object_set_object_member(sf, "err",
	    errors != NULL ? json_object_ref(errors) : json_object_new());
	json_object_set_boolean_member(sf, "has_errors",
	    errors != NULL && json_object_get_size(errors) > 0);
	return sf;
}

gboolean
web_substitute_ctx(struct web_req *req, JsonObject *ctx, const char *token)
{
	g_autoptr(GError) error = NULL;
	JsonObject *view = app_substitute_view(req->web->app, token, &error);

	if (view == NULL) {
		web_app_error(req, error);
		return FALSE;
	}
	json_object_set_object_member(ctx, "sf",
	    sub_form_ctx(req, view, NULL, NULL));
	json_object_set_object_member(ctx, "sub", view);
	return TRUE;
}

/* The form page: again with its errors (status 400), or (check) the
 * values to confirm. */
static void
sub_render(struct web_req *req, unsigned status, const char *token,
    JsonObject *values, JsonObject *errors, bool check, const char *error_key)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(JsonObject) view = app_substitute_view(req->web->app, token,
	    &error);

	if (view == NULL) {
		json_object_unref(values);
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	json_object_set_object_member(ctx, "sf",
	    sub_form_ctx(req, view, values, errors));
	json_object_set_boolean_member(ctx, "check", check);
	json_object_set_string_member(ctx, "token", token);
	if (error_key != NULL)
		json_object_set_string_member(ctx, "form_error",
		    web_text(req, error_key));
	web_render(req, status, "substitute.html", ctx);
}

/*
 * POST /me/TOKEN/substitute: the colleague's values.  Without
 * confirm=yes (or with edit=yes) nothing is stored: the values come back
 * to be confirmed (200) or corrected (400).  With it, the offer is made
 * and the colleague mailed: 303 to the page.  400 for a value refused
 * (an e-mail the event already has among them), 409 when no place can be
 * handed over now, 403 (CSRF), 404, 410.
 */
static void
page_substitute_post(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg, *field;
	const struct form_value *v = c->fields->v;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	g_autofree char *to = NULL;
	struct app_refusal why = { NULL, 0 };
	struct app_substitute s = {
		.name = v[SF_NAME].str,
		.email = v[SF_EMAIL].str,
		.organisation = v[SF_ORGANISATION].str,
		.sector = v[SF_SECTOR].str,
		.language = v[SF_LANGUAGE].str,
	};

	web_field_errors(req, c->fields, errors);
	if (json_object_get_size(errors) == 0 &&
	    (field = app_substitute_refused(&s)) != NULL)
		web_field_error(req, errors, field, "err_invalid");
	if (json_object_get_size(errors) > 0) {
		sub_render(req, MHD_HTTP_BAD_REQUEST, token,
		    web_form_typed(c->form), errors, false, NULL);
		return;
	}
	if (g_strcmp0(v[SF_EDIT].str, "yes") == 0 ||
	    g_strcmp0(v[SF_CONFIRM].str, "yes") != 0) {
		sub_render(req, MHD_HTTP_OK, token, web_form_typed(c->form),
		    NULL, g_strcmp0(v[SF_EDIT].str, "yes") != 0, NULL);
		return;
	}
	if (!app_substitute_offer(req->web->app, token, &s, &why, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			if (g_strcmp0(why.field, "email") == 0 &&
			    why.reason == APP_REASON_TAKEN)
				web_field_error(req, errors, "email",
				    "sub_err_email_taken");
			else
				web_refusal_error(req, errors, c->fields, &why,
				    "name", "err_invalid");
			sub_render(req, MHD_HTTP_BAD_REQUEST, token,
			    web_form_typed(c->form), errors, false, NULL);
		} else if (g_error_matches(error, SUMMIT_APP_ERROR,
		               APP_ESTATE)) {
			sub_render(req, MHD_HTTP_CONFLICT, token,
			    web_form_typed(c->form), NULL, false,
			    "sub_err_state");
		} else {
			web_app_error(req, error);
		}
		return;
	}
	to = g_strdup_printf("/me/%s?done=substitute_offered#substitute",
	    token);
	web_redirect(req, to);
}

/* POST /me/TOKEN/substitute/withdraw: the open hand-over taken back.
 * 303 to the page, 409 when none is open, 403, 404, 410. */
static void
page_substitute_withdraw(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *to = NULL;

	if (!app_substitute_withdraw(req->web->app, c->arg, &error)) {
		web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/me/%s?done=substitute_withdrawn#substitute",
	    c->arg);
	web_redirect(req, to);
}

/* GET /console/substitutes (staff): the event's hand-overs, the ones
 * waiting for an organiser with approve and refuse (admin), and the
 * approval setting. */
static void
console_substitutes(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonArray *rows;
	const char *done = web_query(req, "done");
	bool approval = false;
	guint i;

	if (!app_substitute_approval(req->web->app, c->actor, c->event_id,
	        &approval, &error) ||
	    (rows = app_substitute_list(req->web->app, c->actor, c->event_id,
	         &error)) == NULL) {
		web_app_error(req, error);
		return;
	}
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		g_autofree char *key = g_strconcat("sub_state_",
		    app_view_str(r, "state"), NULL);

		json_object_set_string_member(r, "state_text",
		    web_text(req, key));
	}
	ctx = console_ctx(req);
	json_object_set_boolean_member(ctx, "approval", approval);
	json_object_set_boolean_member(ctx, "has_rows",
	    json_array_get_length(rows) > 0);
	json_object_set_array_member(ctx, "rows", rows);
	if (done != NULL &&
	    (strcmp(done, "approved") == 0 || strcmp(done, "refused") == 0 ||
	        strcmp(done, "saved") == 0)) {
		g_autofree char *key = g_strconcat("sub_done_", done, NULL);

		json_object_set_string_member(ctx, "notice",
		    web_text(req, key));
	}
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "sub_console_title"));
	web_render(req, MHD_HTTP_OK, "console/substitutes.html", ctx);
}

/* POST /console/substitutes/ID/approve and .../refuse (admin): 303 to
 * the list; 404 for no open hand-over of this event, 409 when it does
 * not wait for an organiser (or the place is no longer the original's). */
static void
console_substitute_decide(struct web_req *req, const struct web_call *c,
    bool approve)
{
	g_autoptr(GError) error = NULL;
	gboolean ok = approve ? app_substitute_approve(req->web->app, c->actor,
	                            c->event_id, c->id, &error) :
	                        app_substitute_refuse(req->web->app, c->actor,
	                            c->event_id, c->id, &error);

	if (!ok) {
		web_app_error(req, error);
		return;
	}
	web_redirect(req,
	    approve ? "/console/substitutes?done=approved" :
	              "/console/substitutes?done=refused");
}

static void
console_substitute_approve(struct web_req *req, const struct web_call *c)
{
	console_substitute_decide(req, c, true);
}

static void
console_substitute_refuse(struct web_req *req, const struct web_call *c)
{
	console_substitute_decide(req, c, false);
}

enum set_field { SET_APPROVAL, SET__MAX };
static const struct form_field set_fields[SET__MAX] = {
	[SET_APPROVAL] = { "approval", FORM_BOOL, 0, false, 0, 0 },
};

/* POST /console/substitutes/settings (admin): whether an organiser
 * approves each hand-over.  303 to the list. */
static void
console_substitute_settings(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;

	if (!app_substitute_approval_set(req->web->app, c->actor, c->event_id,
	        c->fields->v[SET_APPROVAL].num != 0, &error)) {
		web_app_error(req, error);
		return;
	}
	web_redirect(req, "/console/substitutes?done=saved");
}

const struct web_route web_substitute_routes[] = {
	{ "POST", "/me/*/substitute", page_substitute_post, WEB_PUBLIC,
	    WEB_ARG_TEXT, WEB_FIELDS(sub_fields), 0 },
	{ "POST", "/me/*/substitute/withdraw", page_substitute_withdraw,
	    WEB_PUBLIC, WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/substitutes", console_substitutes, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/substitutes/settings", console_substitute_settings,
	    WEB_ADMIN, WEB_ARG_TEXT, WEB_FIELDS(set_fields), 0 },
	{ "POST", "/console/substitutes/*/approve", console_substitute_approve,
	    WEB_ADMIN, WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/substitutes/*/refuse", console_substitute_refuse,
	    WEB_ADMIN, WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
