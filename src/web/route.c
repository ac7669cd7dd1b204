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

/* A registration form carries the event's own questions too, one field
 * per ticked choice (the standard dietary and accessibility questions
 * alone have 19). */
#define WEB_MAX_FORM_FIELDS 256
#define WEB_MAX_FORM_VALUE 8192
/* WEB_BIG_BODY: few fields, one of which may be the whole body. */
#define WEB_BIG_BODY_FIELDS 8
/* WEB_SELECTION_BODY: a page of checkboxes and the form's own fields. */
#define WEB_SELECTION_FIELDS 256

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
	console_events_routes,
	console_deadlines_routes,
	web_privacy_routes,
	console_search_routes,
	console_bulk_routes,
	web_questions_routes,
	console_questions_routes,
	web_substitute_routes,
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

GHashTable *
web_route_words(void)
{
	GHashTable *words = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	size_t i;

	g_hash_table_add(words, g_strdup("static"));
	for (i = 0; i < G_N_ELEMENTS(web_route_tables); i++) {
		const struct web_route *r;

		for (r = web_route_tables[i]; r->method != NULL; r++) {
			const char *w = r->pattern + 1, *end = strchr(w, '/');

			g_hash_table_add(words,
			    end ? g_strndup(w, (gsize)(end - w)) : g_strdup(w));
		}
	}
	return words;
}

/*
 * Splits the /SLUG prefix off req->path: req->event and req->route_path.
 * A first segment that a route begins with ("console", "me", ...) is no
 * slug; any other must be an event's.  WEB_NOT_FOUND: answered 404;
 * WEB_FOUND_UNSURE: may_load is false and the directory cannot tell.
 */
static enum web_found
web_prefix(struct web_req *req, bool may_load)
{
	const char *w = req->path + 1, *end;
	char word[65];
	size_t len;
	enum web_found f;

	if (req->route_path != NULL)
		return WEB_FOUND;
	end = strchr(w, '/');
	len = end != NULL ? (size_t)(end - w) : strlen(w);
	if (len < sizeof(word)) {
		memcpy(word, w, len);
		word[len] = '\0';
	}
	if (len == 0 ||
	    (len < sizeof(word) &&
	        g_hash_table_contains(req->web->route_words, word))) {
		req->route_path = req->path;
		return WEB_FOUND;
	}
	f = len < sizeof(word) ?
	    web_events_find(req->web, w, len, may_load, &req->event) :
	    WEB_NOT_FOUND;
	if (f == WEB_FOUND)
		req->route_path = end != NULL ? end : "/";
	else if (f == WEB_NOT_FOUND)
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
	else if (f == WEB_UNAVAILABLE) {
		web_error_page(req, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "error_unavailable");
		f = WEB_NOT_FOUND; /* answered */
	}
	return f;
}

/* Whether the address carried an event's prefix. */
static bool
web_prefixed(const struct web_req *req)
{
	return req->route_path != NULL && req->route_path != req->path;
}

/*
 * An event's route at an address without a prefix: the installation's
 * only event, if there is one.  Else the root lists the events, the
 * console's addresses lead to its list of events, and the rest is 404.
 */
static bool
web_sole_event(struct web_req *req)
{
	enum web_found f = web_events_sole(req->web, true, &req->event);

	if (f == WEB_FOUND) {
		req->event_implied = true;
		return true;
	}
	req->event = (struct web_event){ 0 };
	if (f == WEB_UNAVAILABLE) {
		web_error_page(req, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "error_unavailable");
		return false;
	}
	if (strcmp(req->route_path, "/") == 0)
		web_events_page(req);
	else if (g_str_has_prefix(req->route_path, "/console"))
		web_redirect(req, "/console/events");
	else
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
	return false;
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
	const char *body;
	size_t len;

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
	body = web_body(req, &len);
	if (!form_decode_urlencoded(body, len, max_fields, max_value, &form,
	        &error)) {
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
	if (!(r->flags & WEB_GLOBAL) && req->event.id == 0 &&
	    !web_sole_event(req))
		return;
	c.event_id = req->event.id;
	if (r->role != WEB_PUBLIC) {
		if (!console_auth(req,
		        r->role == WEB_ADMIN     ? "admin" :
		            r->role == WEB_DOOR  ? "door" :
		            r->role == WEB_LOGIN ? NULL :
		                                   "staff"))
			return;
		c.actor = &req->actor;
	}
	if (strcmp(r->method, "POST") == 0) {
		form = r->flags & WEB_BIG_BODY ?
		    web_form_sized(req, WEB_BIG_BODY_FIELDS,
		        (size_t)req->web->conf->max_body_bytes) :
		    r->flags & WEB_SELECTION_BODY ?
		    web_form_sized(req, WEB_SELECTION_FIELDS,
		        WEB_MAX_FORM_VALUE) :
		    web_form(req);
		if (form == NULL || !web_csrf_ok(req, form))
			return;
		/* An archived event is kept to be read, not changed. */
		if (req->event.archived && !(r->flags & WEB_GLOBAL)) {
			web_error_page(req, MHD_HTTP_FORBIDDEN,
			    "error_archived");
			return;
		}
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
	/* No database on an I/O thread: a prefix the directory cannot tell
	 * now goes to the workers. */
	switch (web_prefix(req, false)) {
	case WEB_FOUND_UNSURE:
		return false;
	case WEB_NOT_FOUND:
	case WEB_UNAVAILABLE: /* answered */
		return true;
	case WEB_FOUND:
		break;
	}
	/* The rows for these paths in pages.c have no policy to check:
	 * public. */
	if (strcmp(req->route_path, "/") == 0 &&
	    (web_prefixed(req) ||
	        (req->event_implied = web_events_sole(req->web, false,
	                                  &req->event) == WEB_FOUND)) &&
	    web_event_page_cached(req)) {
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

	if (web_answer_inline(req) || web_prefix(req, true) != WEB_FOUND)
		return;
	for (i = 0; i < G_N_ELEMENTS(web_route_tables); i++) {
		const struct web_route *r;

		for (r = web_route_tables[i]; r->method != NULL; r++, slot++) {
			g_autofree char *arg = NULL;

			/* The installation's routes have no event prefix. */
			if (web_prefixed(req) &&
			    ((r->flags & WEB_GLOBAL) || r->role == WEB_API))
				continue;
			if (!web_match(r->pattern, req->route_path, &arg))
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
