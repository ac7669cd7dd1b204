/*
 * console_mail.c -- the console's view of the mail outbox: what is
 * queued, what failed and why, what is held for an address that bounced,
 * sending a failed message again, and the list of bounced addresses.
 */
#include "web/internal.h"

#include <string.h>

static void
mail_page(struct web_req *req, const struct web_call *c)
{
	static const char *const states[] = { "failed", "queued", "sent",
		"held" };
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	const char *state = web_query(req, "state");
	JsonArray *rows;
	size_t i;
	bool known = false;

	(void)c;
	for (i = 0; i < G_N_ELEMENTS(states); i++)
		if (g_strcmp0(state, states[i]) == 0)
			known = true;
	if (!known)
		state = "failed";
	rows = app_outbox_list(req->web->app, c->event_id, state, 500, &error);
	if (rows == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	web_list_rows(ctx, rows, 500);
	json_object_set_array_member(ctx, "rows", rows);
	json_object_set_string_member(ctx, "state", state);
	json_object_set_boolean_member(ctx, "is_failed",
	    strcmp(state, "failed") == 0);
	if (g_strcmp0(web_query(req, "done"), "resent") == 0)
		json_object_set_boolean_member(ctx, "resent", true);
	web_render(req, MHD_HTTP_OK, "console/mail.html", ctx);
}

/* POST /console/mail/ID/resend (admin): 303, 404, 409, 503. */
static void
mail_resend(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;

	if (!app_outbox_resend(req->web->app, c->event_id, c->id, c->actor,
	        &error)) {
		web_app_error(req, error);
		return;
	}
	web_redirect(req, "/console/mail?state=queued&done=resent");
}

/* GET /console/mail/bounces (staff): the addresses that bounce, each
 * linked to its person, where an admin corrects it. */
static void
mail_bounces(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonArray *rows;
	guint i;

	rows = app_bounce_list(req->web->app, c->actor, &error);
	if (rows == NULL) {
		web_app_error(req, error);
		return;
	}
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		json_object_set_boolean_member(r, "has_person",
		    app_view_int(r, "participant_id") > 0);
	}
	ctx = console_ctx(req);
	web_list_rows(ctx, rows, APP_BOUNCE_LIST_MAX);
	json_object_set_array_member(ctx, "rows", rows);
	web_render(req, MHD_HTTP_OK, "console/bounces.html", ctx);
}

const struct web_route console_mail_routes[] = {
	{ "GET", "/console/mail/bounces", mail_bounces, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/mail", mail_page, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/mail/*/resend", mail_resend, WEB_ADMIN, WEB_ARG_ID,
	    WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
