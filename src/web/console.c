/*
 * console.c -- the organiser console's door: login, logout, the
 * activation link (where a new organiser sets a password), and the check
 * every console page starts with.
 *
 * The login cookie is HttpOnly, SameSite=Strict, scoped to /console and
 * Secure when the public URL is https; a login always makes a new one
 * and ends the one the browser brought, so a planted cookie is worthless.
 * Roles are checked here, on the server, for every request: route.c calls
 * console_auth with the role of the route's row before any console
 * handler runs, and hiding a button is never the protection.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

#define LOGIN_COOKIE "summit_session"
/* Known-device cookie (app/organiser.c): sent to the login form only. */
#define DEVICE_COOKIE "summit_device"

static const char *
console_cookie(struct web_req *req)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
	    LOGIN_COOKIE);
}

static void
console_set_cookie(struct web_req *req, const char *token, int max_age)
{
	g_autofree char *c = g_strdup_printf("%s=%s; Path=/; HttpOnly; "
	                                     "SameSite=Strict; Max-Age=%d%s",
	    LOGIN_COOKIE, token, max_age, req->web->https ? "; Secure" : "");

	web_add_header(req, MHD_HTTP_HEADER_SET_COOKIE, c);
}

bool
console_auth(struct web_req *req, const char *role)
{
	g_autoptr(GError) error = NULL;
	const char *token = console_cookie(req);
	JsonObject *o = NULL;

	if (token != NULL)
		o = app_login_check(req->web->app, token, req->event.id,
		    &error);
	if (o == NULL) {
		if (error != NULL &&
		    g_error_matches(error, SUMMIT_APP_ERROR,
		        APP_EUNAVAILABLE)) {
			web_app_error(req, error);
			return false;
		}
		web_redirect(req, "/console/login");
		return false;
	}
	req->organiser = o;
	req->actor = (struct app_actor){ app_view_int(o, "id"),
		app_view_str(o, "email"), app_view_str(o, "role"), req->address,
		req->event.id };
	/* role NULL: any organiser logged in (the list of events). */
	if (role != NULL && !app_actor_may(&req->actor, role)) {
		log_warnx("request %s: organiser %" G_GINT64_FORMAT " (%s) may "
		          "not %s %s",
		    req->id, req->actor.id, req->actor.role, req->method,
		    req->log_path);
		web_error_page(req, MHD_HTTP_FORBIDDEN, "error_forbidden");
		return false;
	}
	return true;
}

JsonObject *
console_ctx(struct web_req *req)
{
	JsonObject *ctx = web_page_ctx(req);

	if (req->organiser != NULL)
		json_object_set_object_member(ctx, "me",
		    json_object_ref(req->organiser));
	json_object_set_boolean_member(ctx, "is_admin",
	    app_actor_may(&req->actor, "admin"));
	json_object_set_boolean_member(ctx, "console", true);
	/* The header's global search is staff's, not the door role's. */
	json_object_set_boolean_member(ctx, "is_staff",
	    app_actor_may(&req->actor, "staff"));
	return ctx;
}

static void
login_render(struct web_req *req, unsigned status, const char *error_key,
    const char *email)
{
	g_autoptr(JsonObject) ctx = web_page_ctx(req);
	JsonObject *t = req->web->catalog[web_lang_index(req->lang)];

	if (error_key != NULL)
		json_object_set_string_member(ctx, "error",
		    json_object_get_string_member(t, error_key));
	if (g_strcmp0(web_query(req, "done"), "password") == 0)
		json_object_set_string_member(ctx, "notice",
		    json_object_get_string_member(t, "c_password_set"));
	json_object_set_string_member(ctx, "email", email ? email : "");
	web_render(req, status, "console/login.html", ctx);
}

static void
console_login_form(struct web_req *req, const struct web_call *c)
{
	(void)c;
	login_render(req, MHD_HTTP_OK, NULL, NULL);
}

static void
console_set_device(struct web_req *req, const char *device)
{
	g_autofree char *c = g_strdup_printf(
	    "%s=%s; Path=/console/login; "
	    "HttpOnly; SameSite=Strict; Max-Age=%" G_GINT64_FORMAT "%s",
	    DEVICE_COOKIE, device, app_login_device_seconds(req->web->app),
	    req->web->https ? "; Secure" : "");

	web_add_header(req, MHD_HTTP_HEADER_SET_COOKIE, c);
}

/*
 * POST /console/login: 303 to /console with a new session (and a new
 * known-device cookie); 400 for a malformed form, 401 for a wrong e-mail
 * or password, 429 with Retry-After at once while guessing is throttled,
 * 403 without the CSRF token, 503 without the database.
 */
static void
console_login_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *token = NULL, *device = NULL;
	struct app_login_attempt at = { 0 };
	const char *email, *password, *old;

	email = g_hash_table_lookup(c->form, "email");
	password = g_hash_table_lookup(c->form, "password");
	if (email == NULL || password == NULL ||
	    text_check_email(email) != TEXT_OK || strlen(password) > 1024) {
		login_render(req, MHD_HTTP_BAD_REQUEST, "c_login_wrong",
		    email && g_utf8_validate(email, -1, NULL) ? email : NULL);
		return;
	}
	at = (struct app_login_attempt){ email, password, req->address,
		MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
		    DEVICE_COOKIE) };
	if (!app_login(req->web->app, &at, &token, &device, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ELOCKED)) {
			web_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER,
			    error->message);
			login_render(req, MHD_HTTP_TOO_MANY_REQUESTS,
			    "c_login_locked", email);
		} else if (g_error_matches(error, SUMMIT_APP_ERROR,
		               APP_EDENIED))
			login_render(req, MHD_HTTP_UNAUTHORIZED,
			    "c_login_wrong", email);
		else
			web_app_error(req, error);
		return;
	}
	/* End whatever login the browser brought: never adopt it. */
	old = console_cookie(req);
	if (old != NULL)
		app_logout(req->web->app, old, NULL);
	console_set_cookie(req, token, APP_LOGIN_SECONDS);
	if (device != NULL)
		console_set_device(req, device);
	web_redirect(req, "/console");
}

static void
console_logout(struct web_req *req, const struct web_call *c)
{
	const char *token = console_cookie(req);

	(void)c;
	if (token != NULL)
		app_logout(req->web->app, token, NULL);
	console_set_cookie(req, "", 0);
	web_redirect(req, "/console/login");
}

/* The activation page (its template is still named console/setup). */
static void
activation_render(struct web_req *req, unsigned status, const char *token,
    JsonObject *o, const char *error_key)
{
	g_autoptr(JsonObject) ctx = web_page_ctx(req);
	JsonObject *t = req->web->catalog[web_lang_index(req->lang)];

	json_object_set_string_member(ctx, "token", token);
	json_object_set_string_member(ctx, "email", app_view_str(o, "email"));
	if (error_key != NULL)
		json_object_set_string_member(ctx, "error",
		    json_object_get_string_member(t, error_key));
	web_render(req, status, "console/setup.html", ctx);
}

static void
console_activation_form(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) o = app_organiser_activation_lookup(req->web->app,
	    token, &error);

	if (o == NULL) {
		web_app_error(req, error);
		return;
	}
	activation_render(req, MHD_HTTP_OK, token, o, NULL);
}

static void
console_activation_post(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) o = NULL;
	struct app_refusal refused = { 0 };
	const char *pw, *again, *key;

	if ((o = app_organiser_activation_lookup(req->web->app, token,
	         &error)) == NULL) {
		web_app_error(req, error);
		return;
	}
	pw = g_hash_table_lookup(c->form, "password");
	again = g_hash_table_lookup(c->form, "password2");
	if (pw == NULL || again == NULL || strcmp(pw, again) != 0) {
		activation_render(req, MHD_HTTP_BAD_REQUEST, token, o,
		    "c_password_mismatch");
		return;
	}
	if (!app_organiser_activate(req->web->app, token, pw, &refused,
	        &error)) {
		if ((key = web_refusal_key(&refused, NULL)) != NULL)
			activation_render(req, MHD_HTTP_BAD_REQUEST, token, o,
			    key);
		else
			web_app_error(req, error);
		return;
	}
	web_redirect(req, "/console/login?done=password");
}

static void
console_dashboard(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;

	/* The door role has the desk and nothing else: its home. */
	if (!app_actor_may(c->actor, "staff")) {
		web_redirect(req, "/console/door");
		return;
	}
	ctx = console_ctx(req);
	/* The event's view comes with the dashboard's figures, read at the
	 * same time (app/dashboard.c). */
	if (!web_dashboard_ctx(req, c, ctx, &error)) {
		web_app_error(req, error);
		return;
	}
	web_render(req, MHD_HTTP_OK, "console/dashboard.html", ctx);
}

static void
console_audit(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonArray *rows;
	guint i;

	(void)c;
	rows = app_audit_list(req->web->app, c->event_id, NULL, 0, 500, &error);
	if (rows == NULL) {
		web_app_error(req, error);
		return;
	}
	/* A person's entry links to their page. */
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		if (g_strcmp0(app_view_str(r, "subject_type"), "participant") ==
		    0)
			json_object_set_int_member(r, "person",
			    app_view_int(r, "subject_id"));
	}
	ctx = console_ctx(req);
	web_list_rows(ctx, rows, 500);
	json_object_set_array_member(ctx, "entries", rows);
	web_render(req, MHD_HTTP_OK, "console/audit.html", ctx);
}

const struct web_route console_routes[] = {
	{ "GET", "/console/login", console_login_form, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/console/login", console_login_post, WEB_PUBLIC,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/console/logout", console_logout, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/console/setup/*", console_activation_form, WEB_PUBLIC,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_GLOBAL },
	{ "POST", "/console/setup/*", console_activation_post, WEB_PUBLIC,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/console", console_dashboard, WEB_DOOR, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/audit", console_audit, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
