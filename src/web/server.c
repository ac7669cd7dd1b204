/*
 * server.c -- libmicrohttpd set-up, the request lifecycle and routing.
 *
 * One request object per request (STYLE.md 4): made on the access
 * handler's first call, kept in *req_cls, freed in the completion
 * callback, which also writes the access-log line.  The first call only
 * makes the object and returns MHD_YES: with libmicrohttpd 0.9.75 a
 * response queued on the first call is always sent with "Connection:
 * close", which would cost every client a new connection per request.
 *
 * Paths reach us undecoded (a no-op unescape callback) so that we decode
 * and canonicalise them once, ourselves, before routing.
 *
 * Requests whose framing is wrong (strict.c) are the exception: they are
 * answered on the first call, and the "Connection: close" that costs is
 * what they should get.  Connection caps and deadlines are in limits.c;
 * docs/hardening-http.md explains each policy.
 */
#include "web/internal.h"
#include "base/base.h"
#include "form/form.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

GQuark
web_error_quark(void)
{
	return g_quark_from_static_string("summit-web-error-quark");
}

#define WEB_MAX_FORM_FIELDS 32
#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'; object-src 'none'"

static const struct web_route web_routes[] = {
	{ "GET", "/", page_event },
	{ "GET", "/register", page_register_form },
	{ "POST", "/register", page_register_post },
	{ "GET", "/registered", page_registered },
	{ "GET", "/privacy", page_privacy },
	{ "GET", "/health", page_health },
	{ "GET", "/confirm/*", page_confirm },
	{ "POST", "/confirm/*", page_confirm_post },
	{ "GET", "/me/*", page_me },
	{ "POST", "/me/*/preferences", page_me_preferences },
	{ "POST", "/me/*/cancel", page_me_cancel },
	{ "GET", "/me/*/calendar.ics", page_me_ics },
	{ "GET", "/programme.ics", page_programme_ics },
	{ "GET", "/feed/*", page_feed },
	{ "GET", "/console/login", console_login_form },
	{ "POST", "/console/login", console_login_post },
	{ "POST", "/console/logout", console_logout },
	{ "GET", "/console/setup/*", console_setup_form },
	{ "POST", "/console/setup/*", console_setup_post },
	{ "GET", "/console", console_dashboard },
	{ "GET", "/console/audit", console_audit },
	{ NULL, NULL, NULL },
};

/* Every route table; each ends with a row of NULLs. */
static const struct web_route *const web_route_tables[] = {
	web_routes,
	console_registrations_routes,
	console_setup_routes,
	console_seating_routes,
	console_mail_routes,
	console_throttle_routes,
};

int
web_lang_index(const char *lang)
{
	return g_strcmp0(lang, "en") == 0 ? 1 : 0;
}

static const char *
web_header(struct web_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
web_query(struct web_req *req, const char *name)
{
	const char *v = MHD_lookup_connection_value(req->conn,
	    MHD_GET_ARGUMENT_KIND, name);

	/* Values arrive undecoded; ours are plain words, so refuse others. */
	if (v == NULL || strpbrk(v, "%+") != NULL || strlen(v) > 64)
		return NULL;
	return v;
}

void
web_add_header(struct web_req *req, const char *name, const char *value)
{
	g_ptr_array_add(req->headers, g_strdup(name));
	g_ptr_array_add(req->headers, g_strdup(value));
}

/* nb or en: ?lang=, then the cookie, then Accept-Language, then config. */
static const char *
web_choose_lang(struct web_req *req)
{
	const char *q = web_query(req, "lang");
	const char *c = MHD_lookup_connection_value(req->conn,
	    MHD_COOKIE_KIND, "summit_lang");
	const char *best;

	if (q != NULL && (strcmp(q, "nb") == 0 || strcmp(q, "en") == 0)) {
		req->set_lang_cookie = true;
		return strcmp(q, "en") == 0 ? "en" : "nb";
	}
	if (c != NULL && (strcmp(c, "nb") == 0 || strcmp(c, "en") == 0))
		return strcmp(c, "en") == 0 ? "en" : "nb";
	best = form_accept_language(web_header(req,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	if (best != NULL)
		return best;
	return strcmp(req->web->conf->language, "en") == 0 ? "en" : "nb";
}

JsonObject *
web_catalog(struct web_req *req)
{
	return req->web->catalog[web_lang_index(req->lang)];
}

JsonObject *
web_page_ctx(struct web_req *req)
{
	JsonObject *ctx = json_object_new();
	const struct app *app = req->web->app;
	g_autofree char *csrf = NULL, *msg = NULL;
	int li = web_lang_index(req->lang);

	/* No "t" here: the catalog is shared by every thread, and taking a
	 * reference to it per request is a data race (json-glib's counts are
	 * not atomic).  web_render passes it as the template's globals. */
	json_object_set_string_member(ctx, "lang", req->lang);
	json_object_set_string_member(ctx, "other_lang", li ? "nb" : "en");
	/* Links to "this page" must stay on this site: see
	 * form_path_is_local. */
	json_object_set_string_member(ctx, "path",
	    form_path_is_local(req->path) ? req->path : "/");
	if (req->csrf_cookie == NULL)
		req->csrf_cookie = token_new();	/* sent as a cookie */
	msg = g_strconcat("csrf:", req->csrf_cookie, NULL);
	csrf = token_hmac(app->key, app->keylen, msg);
	json_object_set_string_member(ctx, "csrf", csrf);
	return ctx;
}

bool
web_csrf_ok(struct web_req *req, GHashTable *form)
{
	const char *sent = g_hash_table_lookup(form, "_csrf");
	const char *cookie = MHD_lookup_connection_value(req->conn,
	    MHD_COOKIE_KIND, "summit_csrf");

	if (sent != NULL && cookie != NULL && token_is_wellformed(cookie)) {
		g_autofree char *msg = g_strconcat("csrf:", cookie, NULL);
		g_autofree char *want = token_hmac(req->web->app->key,
		    req->web->app->keylen, msg);

		if (token_equal(sent, want))
			return true;
	}
	log_warnx("request %s: CSRF token missing or wrong", req->id);
	web_error_page(req, MHD_HTTP_FORBIDDEN, "error_csrf");
	return false;
}

GHashTable *
web_form(struct web_req *req)
{
	const char *ctype = web_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	g_autoptr(GError) error = NULL;
	GHashTable *form = NULL;

	if (req->body_too_big) {
		web_error_page(req, MHD_HTTP_CONTENT_TOO_LARGE, "error_too_big");
		return NULL;
	}
	if (ctype == NULL || g_ascii_strncasecmp(ctype,
	    "application/x-www-form-urlencoded", 33) != 0) {
		web_error_page(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "error_bad_request");
		return NULL;
	}
	if (!form_decode_urlencoded(req->body->str, req->body->len,
	    WEB_MAX_FORM_FIELDS, 8192, &form, &error)) {
		log_warnx("request %s: bad form: %s", req->id, error->message);
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		return NULL;
	}
	return form;
}

void
web_render(struct web_req *req, unsigned status, const char *name,
    JsonObject *ctx)
{
	g_autoptr(GError) error = NULL;
	int li = web_lang_index(req->lang);

	g_string_truncate(req->out, 0);
	if (!json_object_has_member(ctx, "page_title"))
		json_object_set_string_member(ctx, "page_title",
		    json_object_get_string_member(req->web->catalog[li],
		    "site_name"));
	if (!tmpl_render_with(req->web->app->tmpl, name, ctx,
	    req->web->globals[li], req->out, &error)) {
		log_warnx("request %s: could not render %s: %s", req->id, name,
		    error->message);
		g_string_assign(req->out, "Internal error\n");
		req->content_type = "text/plain; charset=utf-8";
		req->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return;
	}
	req->status = status;
	req->content_type = "text/html; charset=utf-8";
}

void
web_error_page(struct web_req *req, unsigned status, const char *key)
{
	g_autoptr(JsonObject) ctx = web_page_ctx(req);
	JsonObject *t = web_catalog(req);

	json_object_set_string_member(ctx, "message",
	    json_object_has_member(t, key) ?
	    json_object_get_string_member(t, key) : key);
	json_object_set_int_member(ctx, "status", status);
	web_render(req, status, "error.html", ctx);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		web_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, "5");
}

void
web_redirect(struct web_req *req, const char *path)
{
	g_free(req->location);
	if (!form_path_is_local(path)) {
		log_warnx("request %s: redirect to a path not ours refused",
		    req->id);
		path = "/";
	}
	req->location = g_strdup(path);
	req->status = MHD_HTTP_SEE_OTHER;
	g_string_truncate(req->out, 0);
	req->content_type = "text/plain; charset=utf-8";
}

void
web_app_error(struct web_req *req, const GError *error)
{
	if (error == NULL || error->domain != SUMMIT_APP_ERROR) {
		web_error_page(req, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "error_internal");
		return;
	}
	switch (error->code) {
	case APP_ENOTFOUND:
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		break;
	case APP_EUNAVAILABLE:
		web_error_page(req, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "error_unavailable");
		break;
	case APP_ECLOSED:
		web_error_page(req, MHD_HTTP_CONFLICT, "error_closed");
		break;
	case APP_ESTATE:
		web_error_page(req, MHD_HTTP_CONFLICT, "error_state");
		break;
	case APP_EINVALID:
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		break;
	case APP_EFORBIDDEN:
		web_error_page(req, MHD_HTTP_FORBIDDEN, "error_forbidden");
		break;
	case APP_EEXPIRED:
		/* Gone for good, and saying why beats a bare 404. */
		web_error_page(req, MHD_HTTP_GONE, "error_link_expired");
		break;
	default:
		log_warnx("request %s: %s", req->id, error->message);
		web_error_page(req, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "error_internal");
	}
}

/* The path for the log: link secrets become "[token]". */
static char *
web_log_path(const char *path)
{
	g_auto(GStrv) segs = g_strsplit(path, "/", 32);
	char **s;

	for (s = segs; *s != NULL; s++)
		if (token_is_wellformed(*s) || strlen(*s) > 64 ||
		    (strlen(*s) == TOKEN_BYTES * 2 + 4 &&
		    g_str_has_suffix(*s, ".ics"))) {
			g_free(*s);
			*s = g_strdup("[token]");
		}
	return g_strjoinv("/", segs);
}

static bool
web_match(const char *pattern, const char *path, char **arg)
{
	g_auto(GStrv) p = g_strsplit(pattern, "/", 16);
	g_auto(GStrv) q = g_strsplit(path, "/", 16);
	size_t i;

	*arg = NULL;
	for (i = 0; p[i] != NULL && q[i] != NULL; i++) {
		if (strcmp(p[i], "*") == 0 && q[i][0] != '\0') {
			g_free(*arg);
			*arg = g_strdup(q[i]);
		} else if (strcmp(p[i], q[i]) != 0)
			break;
	}
	if (p[i] == NULL && q[i] == NULL)
		return true;
	g_clear_pointer(arg, g_free);
	return false;
}

static void
web_static(struct web_req *req, const char *name)
{
	GBytes *b = g_hash_table_lookup(req->web->statics, name);
	gsize len;
	const char *data;

	if (b == NULL) {
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return;
	}
	data = g_bytes_get_data(b, &len);
	g_string_truncate(req->out, 0);
	g_string_append_len(req->out, data, (gssize)len);
	req->status = MHD_HTTP_OK;
	req->content_type = g_str_has_suffix(name, ".css") ?
	    "text/css; charset=utf-8" : g_str_has_suffix(name, ".js") ?
	    "text/javascript; charset=utf-8" : g_str_has_suffix(name, ".svg") ?
	    "image/svg+xml" : "application/octet-stream";
	web_add_header(req, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "public, max-age=3600");
}

static void
web_dispatch(struct web_req *req)
{
	bool path_known = false;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" :
	    req->method;
	size_t i;

	if (req->path == NULL) {
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		return;
	}
	if (g_str_has_prefix(req->path, "/static/") &&
	    strcmp(method, "GET") == 0) {
		web_static(req, req->path + 8);
		return;
	}
	for (i = 0; i < G_N_ELEMENTS(web_route_tables); i++) {
		const struct web_route *r;

		for (r = web_route_tables[i]; r->method != NULL; r++) {
			g_autofree char *arg = NULL;

			if (!web_match(r->pattern, req->path, &arg))
				continue;
			path_known = true;
			if (strcmp(r->method, method) == 0) {
				r->handler(req, arg);
				return;
			}
		}
	}
	if (path_known) {
		web_error_page(req, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "error_bad_request");
		return;
	}
	web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
}

static void
web_set_common_headers(struct web_req *req, struct MHD_Response *resp)
{
	const char *secure = req->web->https ? "; Secure" : "";
	guint i;

	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    req->content_type ? req->content_type : "text/plain");
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* Our links carry secrets: never leak them in a Referer. */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (req->location != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
		    req->location);
	if (req->csrf_cookie != NULL && MHD_lookup_connection_value(req->conn,
	    MHD_COOKIE_KIND, "summit_csrf") == NULL) {
		g_autofree char *c = g_strdup_printf("summit_csrf=%s; Path=/; "
		    "HttpOnly; SameSite=Lax%s", req->csrf_cookie, secure);

		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, c);
	}
	if (req->set_lang_cookie) {
		g_autofree char *c = g_strdup_printf("summit_lang=%s; Path=/; "
		    "Max-Age=31536000; HttpOnly; SameSite=Lax%s", req->lang,
		    secure);

		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, c);
	}
	for (i = 0; i + 1 < req->headers->len; i += 2)
		MHD_add_response_header(resp, g_ptr_array_index(req->headers, i),
		    g_ptr_array_index(req->headers, i + 1));
	if (MHD_get_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL) ==
	    NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
}

static enum MHD_Result
web_respond(struct web_req *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = req->out->len;
	char *data = g_string_free(g_steal_pointer(&req->out), FALSE);

	req->out = g_string_new(NULL);
	req->bytes_out = len;
	resp = MHD_create_response_from_buffer_with_free_callback(len, data,
	    g_free);
	web_set_common_headers(req, resp);
	ret = MHD_queue_response(req->conn, req->status ? req->status : 500,
	    resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
web_join_xff(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	GString *xff = cls;

	(void)kind;
	if (value != NULL && g_ascii_strcasecmp(key, "X-Forwarded-For") == 0) {
		if (xff->len > 0)
			g_string_append_c(xff, ',');
		g_string_append(xff, value);
	}
	return MHD_YES;
}

/* The peer's address, and the client's: from X-Forwarded-For only when
 * the peer is a trusted proxy (addr_forwarded_client has the rules). */
static void
web_client_address(struct web_req *req)
{
	const struct conf *c = req->web->conf;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	g_autoptr(GString) xff = NULL;

	web_sockaddr_text(ci ? ci->client_addr : NULL, req->peer,
	    sizeof(req->peer));
	g_strlcpy(req->address, req->peer, sizeof(req->address));
	if (c->n_proxy_nets == 0)
		return;
	xff = g_string_new(NULL);
	/* Several X-Forwarded-For fields are one list, in order. */
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, web_join_xff,
	    xff);
	addr_forwarded_client(req->peer, xff->len > 0 ? xff->str : NULL,
	    c->proxy_nets, c->n_proxy_nets, req->address, sizeof(req->address));
}

static struct web_req *
web_req_new(struct web *web, struct MHD_Connection *conn, const char *url,
    const char *method)
{
	struct web_req *req = g_new0(struct web_req, 1);
	g_autoptr(GError) error = NULL;
	const char *cookie;

	req->web = web;
	req->conn = conn;
	req->started = g_get_monotonic_time();
	g_snprintf(req->id, sizeof(req->id), "%08x", g_random_int());
	req->method = method;
	req->body = g_string_new(NULL);
	req->out = g_string_new(NULL);
	req->headers = g_ptr_array_new_with_free_func(g_free);
	req->path = form_canonical_path(url, &error);
	web_client_address(req);
	req->log_path = req->path ? web_log_path(req->path) :
	    g_strdup("[malformed path]");
	cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND,
	    "summit_csrf");
	if (cookie != NULL && token_is_wellformed(cookie))
		req->csrf_cookie = g_strdup(cookie);
	req->lang = web_choose_lang(req);
	return req;
}

static enum MHD_Result
web_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct web *web = cls;
	struct web_req *req = *req_cls;

	if (req == NULL) {
		const char *why;
		unsigned refuse;

		*req_cls = req = web_req_new(web, conn, url, method);
		web_limits_mark(web->limits, conn, WL_HEADERS_DONE, 0);
		refuse = web_strict_check(web, conn, method, version, &why,
		    &req->chunked);
		if (refuse == 0)
			return MHD_YES;
		/* Answered now, before any body: libmicrohttpd closes the
		 * connection after it and sends no "100 Continue". */
		log_warnx("request %s: from %s: refused with %u: %s", req->id,
		    req->address, refuse, why);
		req->dispatched = true;
		web_limits_mark(web->limits, conn, WL_REQUEST_READ, 0);
		web_error_page(req, refuse, refuse ==
		    MHD_HTTP_CONTENT_TOO_LARGE ? "error_too_big" :
		    "error_bad_request");
		return web_respond(req);
	}
	if (*upload_data_size > 0) {
		web_limits_mark(web->limits, conn, WL_BODY_BYTES,
		    *upload_data_size);
		if (req->body->len + *upload_data_size >
		    (size_t)web->conf->max_body_bytes) {
			/* Only a chunked body gets here (a longer
			 * Content-Length was refused on the first call). */
			req->body_too_big = true;
			req->status = MHD_HTTP_CONTENT_TOO_LARGE;
			log_warnx("request %s: from %s: body over "
			    "max_body_bytes, connection closed", req->id,
			    req->address);
			web_limits_refuse_now(conn, MHD_HTTP_CONTENT_TOO_LARGE,
			    "Content Too Large");
			return MHD_NO;
		}
		g_string_append_len(req->body, upload_data,
		    (gssize)*upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->dispatched)
		return MHD_YES;
	req->dispatched = true;
	web_limits_mark(web->limits, conn, WL_REQUEST_READ, 0);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0)
		web_error_page(req, MHD_HTTP_NOT_IMPLEMENTED,
		    "error_bad_request");
	else
		web_dispatch(req);
	return web_respond(req);
}

static void
web_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct web_req *req = *req_cls;
	gint64 us;

	struct web *web = cls;

	if (req == NULL)
		return;
	web_limits_mark(web->limits, conn, WL_REQUEST_DONE, 0);
	us = g_get_monotonic_time() - req->started;
	/* One access-log line; the path has its secrets cut out.  The peer
	 * shows only when the client address came from a proxy's header. */
	log_info("request %s: %s %s %u %zu bytes %.1f ms from %s%s%s%s",
	    req->id, req->method, req->log_path, req->status, req->bytes_out,
	    (double)us / 1000.0, req->address,
	    strcmp(req->address, req->peer) != 0 ? " via " : "",
	    strcmp(req->address, req->peer) != 0 ? req->peer : "",
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	g_string_free(req->body, TRUE);
	if (req->out != NULL)
		g_string_free(req->out, TRUE);
	g_ptr_array_unref(req->headers);
	g_free(req->path);
	g_free(req->log_path);
	g_free(req->csrf_cookie);
	g_free(req->location);
	if (req->organiser != NULL)
		json_object_unref(req->organiser);
	g_free(req);
	*req_cls = NULL;
}

/* Leaves %XX alone: paths are decoded by form_canonical_path. */
static size_t
web_unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void
web_mhd_log(void *cls, const char *fmt, va_list ap)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	(void)cls;
	log_warnx("http: %s", g_strchomp(msg));
}

/* Adds the [t] keys of one catalog file to obj. */
static gboolean
web_load_catalog_file(JsonObject *obj, const char *file, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_auto(GStrv) keys = NULL;
	gsize n, k;

	if (!g_key_file_load_from_file(kf, file, G_KEY_FILE_NONE, error))
		return FALSE;
	keys = g_key_file_get_keys(kf, "t", &n, error);
	if (keys == NULL)
		return FALSE;
	for (k = 0; k < n; k++) {
		g_autofree char *v = g_key_file_get_string(kf, "t", keys[k],
		    error);

		if (v == NULL)
			return FALSE;
		json_object_set_string_member(obj, keys[k], v);
	}
	return TRUE;
}

static gint
web_cmp_paths(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* i18n/LANG.ini, then every i18n/LANG-AREA.ini (an area's own texts). */
static gboolean
web_load_catalog(struct web *web, int i, const char *lang, GError **error)
{
	g_autofree char *dir = g_build_filename(web->conf->templates_dir,
	    "i18n", NULL);
	g_autofree char *main_file = g_strdup_printf("%s/%s.ini", dir, lang);
	g_autofree char *prefix = g_strconcat(lang, "-", NULL);
	g_autoptr(GDir) d = NULL;
	g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	guint k;

	web->catalog[i] = json_object_new();
	if (!web_load_catalog_file(web->catalog[i], main_file, error))
		return FALSE;
	if ((d = g_dir_open(dir, 0, error)) == NULL)
		return FALSE;
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_prefix(name, prefix) &&
		    g_str_has_suffix(name, ".ini"))
			g_ptr_array_add(extra, g_build_filename(dir, name, NULL));
	g_ptr_array_sort(extra, web_cmp_paths);
	for (k = 0; k < extra->len; k++)
		if (!web_load_catalog_file(web->catalog[i],
		    g_ptr_array_index(extra, k), error))
			return FALSE;
	return TRUE;
}

static gboolean
web_load_statics(struct web *web, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(web->conf->static_dir, 0, error);
	const char *name;

	if (d == NULL)
		return FALSE;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(web->conf->static_dir,
		    name, NULL);
		char *data;
		gsize len;

		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
			continue;
		if (!g_file_get_contents(path, &data, &len, error))
			return FALSE;
		g_hash_table_insert(web->statics, g_strdup(name),
		    g_bytes_new_take(data, len));
	}
	return TRUE;
}

Web *
web_new(const struct app *app, GError **error)
{
	g_autoptr(Web) web = g_new0(struct web, 1);
	int i;

	web->app = app;
	web->conf = app->conf;
	web->https = g_str_has_prefix(app->conf->public_url, "https://");
	web->statics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_bytes_unref);
	lock_init(&web->cache_lock);
	web->limits = web_limits_new(web->conf);
	web_throttle_init(web);
	if (!web_load_catalog(web, 0, "nb", error) ||
	    !web_load_catalog(web, 1, "en", error) ||
	    !web_load_statics(web, error))
		return NULL;
	/* Built here, before any thread runs, and only read after. */
	for (i = 0; i < 2; i++) {
		web->globals[i] = json_object_new();
		json_object_set_object_member(web->globals[i], "t",
		    json_object_ref(web->catalog[i]));
	}
	return g_steal_pointer(&web);
}

gboolean
web_start(Web *web, GError **error)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, web->conf->listen_address,
	    &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)web->conf->port);
	} else if (inet_pton(AF_INET6, web->conf->listen_address,
	    &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)web->conf->port);
		flags |= MHD_USE_IPv6;
	} else {
		g_set_error(error, SUMMIT_WEB_ERROR, WEB_ESTART,
		    "[server] listen_address: \"%s\" is not an IP address",
		    web->conf->listen_address);
		return FALSE;
	}
	if (!web_limits_start(web->limits, error))
		return FALSE;
	/*
	 * No MHD_OPTION_PER_IP_CONNECTION_LIMIT: it counts exact addresses
	 * and knows no proxies; limits.c counts an IPv6 /64 as one client
	 * and leaves [server] trusted_proxies uncapped.
	 */
	web->daemon = MHD_start_daemon(flags, (uint16_t)web->conf->port,
	    web_limits_accept, web->limits, web_access, web,
	    MHD_OPTION_EXTERNAL_LOGGER, web_mhd_log, web,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)web->conf->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)web->conf->max_connections,
	    MHD_OPTION_NOTIFY_CONNECTION, web_limits_notify, web->limits,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)web->conf->timeout_seconds,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)web->conf->max_header_bytes,
	    MHD_OPTION_NOTIFY_COMPLETED, web_completed, web,
	    MHD_OPTION_UNESCAPE_CALLBACK, web_unescape_none, web,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
	    MHD_OPTION_END);
	if (web->daemon == NULL) {
		g_set_error(error, SUMMIT_WEB_ERROR, WEB_ESTART,
		    "could not listen on %s port %" G_GINT64_FORMAT
		    " (in use, or not allowed)", web->conf->listen_address,
		    web->conf->port);
		return FALSE;
	}
	return TRUE;
}

void
web_free(Web *web)
{
	int i;

	if (web == NULL)
		return;
	web_limits_stop(web->limits);
	if (web->daemon != NULL)
		MHD_stop_daemon(web->daemon);
	web_limits_free(web->limits);
	for (i = 0; i < 2; i++) {
		if (web->globals[i] != NULL)
			json_object_unref(web->globals[i]);
		if (web->catalog[i] != NULL)
			json_object_unref(web->catalog[i]);
		if (web->event_page[i] != NULL)
			g_bytes_unref(web->event_page[i]);
	}
	if (web->statics != NULL)
		g_hash_table_unref(web->statics);
	web_throttle_free(web);
	lock_clear(&web->cache_lock);
	g_free(web);
}
