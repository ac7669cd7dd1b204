/*
 * api.c -- the JSON API under /api/v1/ (docs/api.md, docs/openapi.json):
 * its route table, its policy and its handlers.
 *
 * A WEB_API row's policy replaces the console's: a bearer token instead
 * of a cookie (so no CSRF token: a page of another site cannot make a
 * browser send the Authorization header), a token bucket per token in
 * this process's memory (base/limit.c; N summitd behind a balancer give
 * a token up to N times the allowance), a small JSON body for a POST.
 * Every refusal is JSON, {"error": {"code", "message"}}, with a code
 * that never changes meaning; the handlers call one use case each
 * (app/api.c) and serialise what it returns.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

/* A POST's JSON body, at most: a check-in is a few dozen bytes. */
#define API_BODY_MAX 4096

bool
web_api_path(const char *path)
{
	return path != NULL &&
	    (strcmp(path, "/api") == 0 || g_str_has_prefix(path, "/api/"));
}

/* Answers status with the JSON of o. */
static void
api_send(struct web_req *req, unsigned status, JsonObject *o)
{
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
	g_autofree char *text = NULL;

	json_node_set_object(node, o);
	text = json_to_string(node, FALSE);
	g_string_assign(req->out, text);
	g_string_append_c(req->out, '\n');
	req->content_type = "application/json";
	req->status = status;
	web_add_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

void
web_api_error(struct web_req *req, unsigned status, const char *code,
    const char *message)
{
	g_autoptr(JsonObject) o = json_object_new();
	JsonObject *e = json_object_new();

	json_object_set_string_member(e, "code", code);
	json_object_set_string_member(e, "message", message);
	json_object_set_object_member(o, "error", e);
	api_send(req, status, o);
}

void
web_api_refuse(struct web_req *req, unsigned status, const char *why)
{
	const char *code = status == MHD_HTTP_CONTENT_TOO_LARGE ?
	    "body_too_large" :
	    status == MHD_HTTP_NOT_IMPLEMENTED ? "not_implemented" :
	                                         "bad_request";

	web_api_error(req, status, code, why != NULL ? why : "refused");
}

/* An app error as the API words it. */
static void
api_app_error(struct web_req *req, const GError *error)
{
	int code = error != NULL && error->domain == SUMMIT_APP_ERROR ?
	    error->code :
	    APP_EINTERNAL;

	switch (code) {
	case APP_ENOTFOUND:
		web_api_error(req, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such registration");
		break;
	case APP_EFORBIDDEN:
		web_api_error(req, MHD_HTTP_FORBIDDEN, "insufficient_scope",
		    error->message);
		break;
	case APP_ESTATE:
		web_api_error(req, MHD_HTTP_CONFLICT, "not_confirmed",
		    error->message);
		break;
	case APP_EUNAVAILABLE:
		web_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, "5");
		web_api_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
		    "the database is not reachable; try again");
		break;
	default:
		log_warnx("request %s: %s", req->id,
		    error != NULL ? error->message : "?");
		web_api_error(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "an internal error; it is logged");
	}
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *
api_bearer(struct web_req *req)
{
	const char *h = web_header(req, MHD_HTTP_HEADER_AUTHORIZATION);

	if (h == NULL || g_ascii_strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

/* The token's client, or answers 401/403/503 and returns false. */
static bool
api_auth(struct web_req *req, struct app_api_client *client)
{
	g_autoptr(GError) error = NULL;
	const char *token = api_bearer(req);

	if (token == NULL) {
		web_add_header(req, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"summit\"");
		web_api_error(req, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		    "send Authorization: Bearer TOKEN");
		return false;
	}
	if (app_api_auth(req->web->app, token, req->address, client, &error))
		return true;
	if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ENOTFOUND)) {
		web_add_header(req, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"summit\", error=\"invalid_token\"");
		web_api_error(req, MHD_HTTP_UNAUTHORIZED, "invalid_token",
		    "the token is unknown, revoked or expired");
	} else if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN))
		web_api_error(req, MHD_HTTP_FORBIDDEN, "wrong_event",
		    "the token's event is archived");
	else
		api_app_error(req, error);
	return false;
}

/* One more request for the token, or 429 with Retry-After. */
static bool
api_rate(struct web_req *req, const struct app_api_client *client)
{
	char key[32], ra[24];
	gint64 retry = 1;

	g_snprintf(key, sizeof(key), "%" G_GINT64_FORMAT, client->token_id);
	if (limit_take(req->web->api_by_token, key, g_get_monotonic_time(),
	        &retry))
		return true;
	g_snprintf(ra, sizeof(ra), "%" G_GINT64_FORMAT, MAX(retry, 1));
	web_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	web_api_error(req, MHD_HTTP_TOO_MANY_REQUESTS, "rate_limited",
	    "too many requests for this token; see Retry-After");
	return false;
}

/* A POST's body as a JSON object (transfer full), or answers 413, 415 or
 * 400 and returns NULL. */
static JsonNode *
api_body(struct web_req *req)
{
	const char *ctype = web_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	g_autoptr(JsonParser) parser = NULL;
	JsonNode *root;
	size_t len;
	const char *body = web_body(req, &len);

	if (req->body_too_big || len > API_BODY_MAX) {
		web_api_error(req, MHD_HTTP_CONTENT_TOO_LARGE, "body_too_large",
		    "the body is larger than 4096 bytes");
		return NULL;
	}
	if (ctype == NULL ||
	    g_ascii_strncasecmp(ctype, "application/json", 16) != 0) {
		web_api_error(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "unsupported_media_type", "send application/json");
		return NULL;
	}
	parser = json_parser_new_immutable();
	if (!g_utf8_validate(body, (gssize)len, NULL) ||
	    !json_parser_load_from_data(parser, body, (gssize)len, NULL) ||
	    (root = json_parser_get_root(parser)) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(root)) {
		web_api_error(req, MHD_HTTP_BAD_REQUEST, "invalid_body",
		    "the body is not a JSON object");
		return NULL;
	}
	return json_node_ref(root);
}

void
web_api_call(struct web_req *req, const struct web_route *r, char *arg)
{
	struct app_api_client client;
	g_autoptr(JsonNode) json = NULL;
	struct web_call c = { .arg = arg, .api = &client };

	if (!api_auth(req, &client) || !api_rate(req, &client))
		return;
	c.actor = &client.actor;
	if (strcmp(r->method, "POST") == 0) {
		if ((json = api_body(req)) == NULL)
			return;
		c.json = json;
	}
	r->handler(req, &c);
}

/* Sends what a use case returned, or its error. */
static void
api_answer(struct web_req *req, unsigned status, JsonObject *res,
    const GError *error)
{
	if (res == NULL) {
		api_app_error(req, error);
		return;
	}
	api_send(req, status, res);
	json_object_unref(res);
}

/* GET /api/v1/event */
static void
api_event(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	JsonObject *res = app_api_event(req->web->app, c->api, &error);

	api_answer(req, MHD_HTTP_OK, res, error);
}

/* GET /api/v1/sessions */
static void
api_sessions(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	JsonObject *res = app_api_sessions(req->web->app, c->api, &error);

	api_answer(req, MHD_HTTP_OK, res, error);
}

/* A query parameter that must be a positive number: *out, 0 when
 * absent, -1 when present but not one. */
static void
api_query_id(struct web_req *req, const char *name, gint64 *out)
{
	const char *v = web_query(req, name);

	*out = 0;
	if (v != NULL && !web_parse_id(v, out))
		*out = -1;
}

/* The lists: ?limit=&cursor=, and for registrations status, sector,
 * session; a bad value is 400 naming it. */
static void
api_list(struct web_req *req, const struct web_call *c, enum app_api_list l)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal why = { 0 };
	struct app_api_query q = { 0 };
	JsonObject *res;

	api_query_id(req, "limit", &q.limit);
	api_query_id(req, "session", &q.session_id);
	q.cursor = web_query(req, "cursor");
	q.status = web_query(req, "status");
	q.sector = web_query(req, "sector");
	if (q.limit < 0) {
		web_api_error(req, MHD_HTTP_BAD_REQUEST, "invalid_parameter",
		    "limit: a number from 1 to 200");
		return;
	}
	res = app_api_list(req->web->app, c->api, l, &q, &why, &error);
	if (res == NULL &&
	    g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
		g_autofree char *msg = g_strdup_printf("%s: not a value this "
		                                       "list takes",
		    why.field != NULL ? why.field : "?");

		web_api_error(req, MHD_HTTP_BAD_REQUEST, "invalid_parameter",
		    msg);
		return;
	}
	api_answer(req, MHD_HTTP_OK, res, error);
}

static void
api_registrations(struct web_req *req, const struct web_call *c)
{
	api_list(req, c, APP_API_REGISTRATIONS);
}

static void
api_placements(struct web_req *req, const struct web_call *c)
{
	api_list(req, c, APP_API_PLACEMENTS);
}

static void
api_replies(struct web_req *req, const struct web_call *c)
{
	api_list(req, c, APP_API_REPLIES);
}

static void
api_checkins(struct web_req *req, const struct web_call *c)
{
	api_list(req, c, APP_API_CHECKINS);
}

/* POST /api/v1/checkins {"registration_id": N}: 201 checked in now, 200
 * already in (with the first time). */
static void
api_checkin_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	JsonObject *body = json_node_get_object(c->json), *res;
	JsonNode *id = json_object_get_member(body, "registration_id");

	if (id == NULL || json_node_get_value_type(id) != G_TYPE_INT64 ||
	    json_node_get_int(id) <= 0) {
		web_api_error(req, MHD_HTTP_BAD_REQUEST, "invalid_body",
		    "registration_id: a positive integer is needed");
		return;
	}
	res = app_api_checkin(req->web->app, c->api, json_node_get_int(id),
	    &error);
	api_answer(req,
	    res != NULL && app_view_bool(res, "already") ? MHD_HTTP_OK :
	                                                   MHD_HTTP_CREATED,
	    res, error);
}

const struct web_route web_api_routes[] = { { "GET", "/api/v1/event", api_event,
	                                        WEB_API, WEB_ARG_TEXT,
	                                        WEB_NO_FIELDS, 0 },
	{ "GET", "/api/v1/sessions", api_sessions, WEB_API, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/api/v1/registrations", api_registrations, WEB_API,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/api/v1/placements", api_placements, WEB_API, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/api/v1/replies", api_replies, WEB_API, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/api/v1/checkins", api_checkins, WEB_API, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/api/v1/checkins", api_checkin_post, WEB_API, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END };
