/*
 * invitation.c -- the invitee's own pages, from the personal link in the
 * invitation mail: the invitation with a "Register" and a "Can't come"
 * button, the registration form filled in with their code and details,
 * and the decline page.
 *
 * GET writes nothing here, like every link page of Summit: mail scanners
 * and link previews open links nobody clicked, so a visit counted on GET
 * would say people looked who never did.  The visit is recorded when the
 * invitee presses "Register" (POST /invite/TOKEN), which answers with the
 * registration form itself -- so "visited" in the console means "opened
 * the registration form from the invitation", and the page says only
 * that.  The form then posts to /register like anyone's; the
 * registration marks the invitee registered (app/register.c).
 */
#include "web/internal.h"

/* The invitation's page context, or NULL after answering the error. */
static JsonObject *
invitation_ctx(struct web_req *req, const char *token, JsonObject **inv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) event = NULL;
	JsonObject *ctx;

	if ((*inv = app_invitation_view(req->web->app, token, &error)) ==
	    NULL) {
		web_app_error(req, error);
		return NULL;
	}
	/* The token names the event: its links carry the event's prefix. */
	web_req_set_event(req, app_view_int(*inv, "event_id"));
	ctx = web_page_ctx(req);
	event = app_event_view(req->web->app, req->event.id, req->lang, NULL);
	json_object_set_string_member(ctx, "event_name",
	    event != NULL ? app_view_str(event, "name") : "");
	json_object_set_string_member(ctx, "token", token);
	json_object_set_object_member(ctx, "inv", json_object_ref(*inv));
	return ctx;
}

/* GET /invite/TOKEN: the invitation, two buttons; writes nothing.  200,
 * 404, 503. */
static void
page_invitation(struct web_req *req, const struct web_call *c)
{
	g_autoptr(JsonObject) inv = NULL;
	g_autoptr(JsonObject) ctx = invitation_ctx(req, c->arg, &inv);

	if (ctx != NULL)
		web_render(req, MHD_HTTP_OK, "invitation.html", ctx);
}

/*
 * POST /invite/TOKEN: records the first visit and answers with the
 * registration form, filled in with the invitee's code, name, e-mail,
 * organisation, sector and language.  200, 403 (CSRF), 404, 503.
 */
static void
page_invitation_open(struct web_req *req, const struct web_call *c)
{
	static const char *const fields[][2] = { { "invitation_code", "code" },
		{ "name", "name" }, { "email", "email" },
		{ "organisation", "organisation" }, { "sector", "sector" },
		{ "language", "language" } };
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) inv = NULL;
	g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, g_free);
	size_t i;

	if ((inv = app_invitation_visit(req->web->app, c->arg, &error)) ==
	    NULL) {
		web_app_error(req, error);
		return;
	}
	for (i = 0; i < G_N_ELEMENTS(fields); i++)
		g_hash_table_insert(values, g_strdup(fields[i][0]),
		    g_strdup(app_view_str(inv, fields[i][1])));
	/* The form of the invitee's event, posting to its address. */
	web_req_set_event(req, app_view_int(inv, "event_id"));
	web_register_form(req, values);
}

/* GET /invite/TOKEN/decline: the page with the "I can't come" button;
 * writes nothing.  200, 404, 503. */
static void
page_invitation_decline(struct web_req *req, const struct web_call *c)
{
	g_autoptr(JsonObject) inv = NULL;
	g_autoptr(JsonObject) ctx = invitation_ctx(req, c->arg, &inv);

	if (ctx != NULL)
		web_render(req, MHD_HTTP_OK, "invitation_decline.html", ctx);
}

/* POST /invite/TOKEN/decline: records that the invitee cannot come (not
 * when registered already: the page says so).  303 back to the decline
 * page, 403 (CSRF), 404, 503. */
static void
page_invitation_decline_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *to = NULL;
	bool declined = false;

	if (!app_invitation_decline(req->web->app, c->arg, &declined, &error)) {
		web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/invite/%s/decline", c->arg);
	web_redirect(req, to);
}

const struct web_route web_invitation_routes[] = {
	{ "GET", "/invite/*", page_invitation, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/invite/*", page_invitation_open, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/invite/*/decline", page_invitation_decline, WEB_PUBLIC,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/invite/*/decline", page_invitation_decline_post, WEB_PUBLIC,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_GLOBAL },
	WEB_ROUTES_END,
};
