/*
 * privacy.c -- the privacy promises' pages: the statement made from the
 * event's settings (GET /privacy), a participant's data on their page and
 * as a JSON download, deleting their registration after a confirmation
 * page (no JavaScript), and the console's privacy settings.
 *
 * The participant's routes carry their token like the rest of /me/TOKEN
 * (participant.c): no-referrer and no-store (respond.c).
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

/* GET /privacy: the statement app made from the event's settings. */
void
web_privacy_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *st;

	st = app_privacy_statement(req->web->app, c->event_id, req->lang,
	    &error);
	if (st == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	json_object_set_object_member(ctx, "privacy", st);
	web_render(req, MHD_HTTP_OK, "privacy.html", ctx);
}

/* The catalogue's label for a field or section name, or the name. */
static void
label(JsonObject *t, JsonObject *row, const char *prefix)
{
	g_autofree char *key = g_strconcat(prefix, app_view_str(row, "name"),
	    NULL);

	json_object_set_string_member(row, "label",
	    json_object_has_member(t, key) ?
	        json_object_get_string_member(t, key) :
	        app_view_str(row, "name"));
}

gboolean
web_me_privacy_ctx(struct web_req *req, JsonObject *ctx, const char *token)
{
	g_autoptr(GError) error = NULL;
	JsonObject *data, *t = req->web->catalog[web_lang_index(req->lang)];
	JsonArray *a;
	guint i;

	data = app_participant_data(req->web->app, token, &error);
	if (data == NULL) {
		web_app_error(req, error);
		return FALSE;
	}
	a = app_view_array(data, "fields");
	for (i = 0; i < json_array_get_length(a); i++)
		label(t, json_array_get_object_element(a, i), "privacy_f_");
	a = app_view_array(data, "sections");
	for (i = 0; i < json_array_get_length(a); i++)
		label(t, json_array_get_object_element(a, i), "privacy_s_");
	json_object_set_object_member(ctx, "data", data);
	return TRUE;
}

/* GET /me/TOKEN/data.json: everything held about them, to keep. */
static void
me_data_json(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) doc = NULL;
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
	g_autofree char *text = NULL;

	doc = app_participant_export(req->web->app, c->arg, &error);
	if (doc == NULL) {
		web_app_error(req, error);
		return;
	}
	json_node_set_object(node, doc);
	text = json_to_string(node, TRUE);
	web_attachment(req, text, strlen(text),
	    "application/json; charset=utf-8", "summit-my-data.json");
}

/* GET /me/TOKEN/delete: what deleting means, and the one button that
 * does it.  Writes nothing. */
static void
me_delete_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *p;

	p = app_participant_view(req->web->app, c->arg, &error);
	if (p == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	json_object_set_string_member(ctx, "token", c->arg);
	json_object_set_object_member(ctx, "p", p);
	web_render(req, MHD_HTTP_OK, "me_delete.html", ctx);
}

/* POST /me/TOKEN/delete with confirm=yes: cancelled, CANCELs queued,
 * personal data erased.  200 with a page that no longer needs the link
 * (it stops working), 400 without the confirmation, 403, 404. */
static void
me_delete(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;

	if (g_strcmp0(g_hash_table_lookup(c->form, "confirm"), "yes") != 0) {
		web_error_page(req, MHD_HTTP_BAD_REQUEST,
		    "privacy_delete_unconfirmed");
		return;
	}
	if (!app_participant_delete(req->web->app, c->arg, &error)) {
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	web_render(req, MHD_HTTP_OK, "me_deleted.html", ctx);
}

enum priv_field { PF_MONTHS, PF_CONTROLLER, PF__MAX };
static const struct form_field priv_fields[PF__MAX] = {
	[PF_MONTHS] = { "retention_months", FORM_INT, 3, false, 1, 120 },
	[PF_CONTROLLER] = { "controller", FORM_LINE, 200, false, 0, 0 },
};

static void
settings_render(struct web_req *req, const struct web_call *c, unsigned status,
    JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *s;

	s = app_privacy_settings(req->web->app, c->actor, c->event_id, &error);
	if (s == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	if (g_strcmp0(web_query(req, "done"), "saved") == 0)
		json_object_set_boolean_member(ctx, "saved", true);
	if (errors != NULL && c->form != NULL) {
		/* The form as sent, with its errors. */
		const char *m = g_hash_table_lookup(c->form,
		    "retention_months");
		const char *ctl = g_hash_table_lookup(c->form, "controller");

		json_object_set_string_member(s, "months_text", m ? m : "");
		json_object_set_string_member(s, "controller", ctl ? ctl : "");
		json_object_set_object_member(ctx, "err",
		    json_object_ref(errors));
		json_object_set_boolean_member(ctx, "has_errors",
		    json_object_get_size(errors) > 0);
	} else {
		g_autofree char *m = app_view_int(s, "retention_months") > 0 ?
		    g_strdup_printf("%" G_GINT64_FORMAT,
		        app_view_int(s, "retention_months")) :
		    g_strdup("");

		json_object_set_string_member(s, "months_text", m);
		json_object_set_object_member(ctx, "err", json_object_new());
		json_object_set_boolean_member(ctx, "has_errors", false);
	}
	json_object_set_object_member(ctx, "privacy", s);
	web_render(req, status, "console/privacy.html", ctx);
}

/* GET /console/privacy (admin): the event's retention period and
 * controller, and the statement's current versions. */
static void
settings_page(struct web_req *req, const struct web_call *c)
{
	settings_render(req, c, MHD_HTTP_OK, NULL);
}

/* POST /console/privacy (admin): 303 back, or 400 with the errors. */
static void
settings_save(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_refusal why = { NULL, 0 };

	web_field_errors(req, c->fields, errors);
	if (json_object_get_size(errors) == 0 &&
	    app_privacy_settings_set(req->web->app, c->actor, c->event_id,
	        v[PF_MONTHS].present ? v[PF_MONTHS].num : 0,
	        v[PF_CONTROLLER].str ? v[PF_CONTROLLER].str : "", &why,
	        &error)) {
		web_redirect(req, "/console/privacy?done=saved");
		return;
	}
	if (error != NULL && why.field == NULL) {
		web_app_error(req, error);
		return;
	}
	if (error != NULL)
		web_refusal_error(req, errors, c->fields, &why, "controller",
		    NULL);
	settings_render(req, c, MHD_HTTP_BAD_REQUEST, errors);
}

const struct web_route web_privacy_routes[] = {
	{ "GET", "/me/*/data.json", me_data_json, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/me/*/delete", me_delete_page, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/me/*/delete", me_delete, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/console/privacy", settings_page, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/privacy", settings_save, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(priv_fields), 0 },
	WEB_ROUTES_END,
};
