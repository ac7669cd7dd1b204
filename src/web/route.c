/*
 * route.c -- routing: every route table, matching a request to its row,
 * and the row's policy carried out before its handler runs.
 *
 * A row declares who may use the route, how its "*" argument is parsed
 * and which form fields it takes (struct web_route, internal.h); the
 * dispatcher authenticates, authorises, decodes the body, checks the CSRF
 * token, parses the argument and checks the fields once, in that order,
 * and hands the handler a struct web_call.  So a handler holds only its
 * own logic, and a new route gets the policy by writing its row.
 * Matching itself (web_match) is pure and lives in parse.c.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

#define WEB_MAX_FORM_FIELDS 32
#define WEB_MAX_FORM_VALUE 8192
/* WEB_BIG_BODY: few fields, one of which may be the whole body. */
#define WEB_BIG_BODY_FIELDS 8

/* Every route table; each ends with WEB_ROUTES_END.  The first row that
 * matches path and method wins, so a fixed path ("export.csv") comes
 * before a "*" that would match it too. */
static const struct web_route *const web_route_tables[] = {
	web_pages_routes,
	web_participant_routes,
	web_calendar_routes,
	console_routes,
	console_registrations_routes,
	console_setup_routes,
	console_seating_routes,
	console_mail_routes,
	console_messages_routes,
	console_throttle_routes,
	console_door_routes,
	web_metrics_routes,
	web_invitation_routes,
	console_invitees_routes,
	web_api_routes,
	console_api_routes,
	console_badges_routes,
	console_speakers_routes,
};

size_t
web_route_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < G_N_ELEMENTS(web_route_tables); i++) {
		const struct web_route *r;

		for (r = web_route_tables[i]; r->method != NULL; r++)
			n++;
	}
	return n;
}

const struct web_route *
web_route_nth(size_t k)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(web_route_tables); i++) {
		const struct web_route *r;

		for (r = web_route_tables[i]; r->method != NULL; r++)
			if (k-- == 0)
				return r;
	}
	return NULL;
}

int
web_route_index(const char *method, const char *pattern)
{
	size_t i;
	int k = 0;

	for (i = 0; i < G_N_ELEMENTS(web_route_tables); i++) {
		const struct web_route *r;

		for (r = web_route_tables[i]; r->method != NULL; r++, k++)
			if (strcmp(r->method, method) == 0 &&
			    strcmp(r->pattern, pattern) == 0)
				return k;
	}
	return -1;
}

/* True if the form carries the CSRF token matching the cookie (the
 * HMAC of the summit_csrf cookie); else answers 403. */
static bool
web_csrf_ok(struct web_req *req, GHashTable *form)
{
	const char *sent = g_hash_table_lookup(form, "_csrf");
	const char *cookie = MHD_lookup_connection_value(req->conn,
	    MHD_COOKIE_KIND, "summit_csrf");

	if (sent != NULL && cookie != NULL && token_is_wellformed(cookie)) {
		g_autofree char *msg = g_strconcat("csrf:", cookie, NULL);
		size_t keylen;
		const guint8 *key = app_secret_key(req->web->app, &keylen);
		g_autofree char *want = token_hmac(key, keylen, msg);

		if (token_equal(sent, want))
			return true;
	}
	log_warnx("request %s: CSRF token missing or wrong", req->id);
	web_error_page(req, MHD_HTTP_FORBIDDEN, "error_csrf");
	return false;
}

/* The body, decoded within these limits; NULL when answered. */
static GHashTable *
web_form_sized(struct web_req *req, size_t max_fields, size_t max_value)
{
	const char *ctype = web_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	g_autoptr(GError) error = NULL;
	GHashTable *form = NULL;

	if (req->body_too_big) {
		web_error_page(req, MHD_HTTP_CONTENT_TOO_LARGE,
		    "error_too_big");
		return NULL;
	}
	if (ctype == NULL ||
	    g_ascii_strncasecmp(ctype, "application/x-www-form-urlencoded",
	        33) != 0) {
		web_error_page(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "error_bad_request");
		return NULL;
	}
	if (!form_decode_urlencoded(req->body->str, req->body->len, max_fields,
	        max_value, &form, &error)) {
		log_warnx("request %s: bad form: %s", req->id, error->message);
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		return NULL;
	}
	return form;
}

/* Decodes the urlencoded body with web_form's limits; on failure answers
 * 400, 413 or 415 and returns NULL. */
static GHashTable *
web_form(struct web_req *req)
{
	return web_form_sized(req, WEB_MAX_FORM_FIELDS, WEB_MAX_FORM_VALUE);
}

/* The route's policy, in the order most handlers used to write it: who
 * (303, 403, 503), the body (413, 415, 400), its CSRF token (403), the
 * path's argument (404); then the form's fields, which the handler
 * answers itself (400 with its form).  The argument comes last so that a
 * request with neither a good token nor a good id is refused for the
 * token, whatever the id. */
static void
web_call_route(struct web_req *req, const struct web_route *r, char *arg)
{
	g_autoptr(GHashTable) form = NULL;
	g_autoptr(FormValues) fields = NULL;
	struct web_call c = { .arg = arg };

	if (r->role == WEB_API) {
		/* Bearer tokens and JSON, no cookies: its own policy. */
		web_api_call(req, r, arg);
		return;
	}
	if (r->role != WEB_PUBLIC) {
		if (!console_auth(req,
		        r->role == WEB_ADMIN    ? "admin" :
		            r->role == WEB_DOOR ? "door" :
		                                  "staff"))
			return;
		c.actor = &req->actor;
	}
	if (strcmp(r->method, "POST") == 0) {
		form = r->flags & WEB_BIG_BODY ?
		    web_form_sized(req, WEB_BIG_BODY_FIELDS,
		        (size_t)req->web->conf->max_body_bytes) :
		    web_form(req);
		if (form == NULL || !web_csrf_ok(req, form))
			return;
		c.form = form;
	}
	switch (r->arg) {
	case WEB_ARG_TEXT:
		break;
	case WEB_ARG_ID:
		if (!web_parse_id(arg, &c.id)) {
			web_error_page(req, MHD_HTTP_NOT_FOUND,
			    "error_not_found");
			return;
		}
		break;
	case WEB_ARG_SECTOR:
		if (!app_setup_sector_code_ok(arg)) {
			web_error_page(req, MHD_HTTP_NOT_FOUND,
			    "error_not_found");
			return;
		}
		break;
	}
	if (!app_event_sole(req->web->app, &c.event_id, NULL))
		c.event_id = 0;
	if (r->fields != NULL)
		c.fields = fields = form_values_check(form, r->fields,
		    r->nfields);
	r->handler(req, &c);
}

bool
web_answer_inline(struct web_req *req)
{
	bool get = strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0;

	if (req->path == NULL) {
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		return true;
	}
	if (!get)
		return false;
	if (g_str_has_prefix(req->path, "/static/")) {
		req->slot = web_metrics_slot_static(req->web->metrics);
		req->route = "/static/";
		web_static(req, req->path + 8);
		return true;
	}
	/* The rows for these paths in pages.c have no policy to check:
	 * public. */
	if (strcmp(req->path, "/") == 0 && web_event_page_cached(req)) {
		req->slot = req->web->root_slot;
		req->route = "/";
		return true;
	}
	if (web_health_live(req)) {
		bool plain = strcmp(req->path, "/health") == 0;

		req->slot = plain ? req->web->health_slot : req->web->live_slot;
		req->route = plain ? "/health" : "/health/live";
		return true;
	}
	return false;
}

void
web_dispatch(struct web_req *req)
{
	bool path_known = false;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" :
	                                                        req->method;
	size_t i;
	int slot = 0; /* the row's number, for /metrics */

	if (web_answer_inline(req))
		return;
	for (i = 0; i < G_N_ELEMENTS(web_route_tables); i++) {
		const struct web_route *r;

		for (r = web_route_tables[i]; r->method != NULL; r++, slot++) {
			g_autofree char *arg = NULL;

			if (!web_match(r->pattern, req->path, &arg))
				continue;
			path_known = true;
			if (strcmp(r->method, method) == 0) {
				req->slot = slot;
				req->route = r->pattern;
				web_call_route(req, r, arg);
				return;
			}
		}
	}
	if (web_api_path(req->path)) {
		if (path_known)
			web_api_error(req, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method_not_allowed",
			    "this path does not take that method");
		else
			web_api_error(req, MHD_HTTP_NOT_FOUND, "not_found",
			    "no such path in the API");
		return;
	}
	if (path_known) {
		web_error_page(req, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "error_bad_request");
		return;
	}
	web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
}
