/*
 * respond.c -- everything that builds the answer: the page context, the
 * catalog's texts, templates rendered, error pages, redirects, the common
 * headers and cookies, and the access-log line.
 *
 * A handler only fills the request's response (status, body, content
 * type, extra headers); web_respond turns it into a libmicrohttpd
 * response once, at the end, so the security headers (CSP, nosniff,
 * frame denial, no referrer) and the cookie flags are set in one place
 * for every answer (STYLE.md 6).
 */
#include "web/internal.h"
#include "base/base.h"

#include <stdatomic.h>
#include <string.h>

#define CSP \
	"default-src 'self'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'; object-src 'none'"

JsonObject *
web_catalog(struct web_req *req)
{
	return req->web->catalog[web_lang_index(req->lang)];
}

const char *
web_text(struct web_req *req, const char *key)
{
	JsonObject *t = web_catalog(req);

	return json_object_has_member(t, key) ?
	    json_object_get_string_member(t, key) :
	    key;
}

JsonObject *
web_page_ctx(struct web_req *req)
{
	JsonObject *ctx = json_object_new();
	const struct app *app = req->web->app;
	g_autofree char *csrf = NULL, *msg = NULL;
	int li = web_lang_index(req->lang);
	const guint8 *key;
	size_t keylen;

	/* No "t" here: the catalog is shared by every thread, and taking a
	 * reference to it per request is a data race (json-glib's counts are
	 * not atomic).  web_render passes it as the template's globals. */
	json_object_set_string_member(ctx, "lang", req->lang);
	json_object_set_string_member(ctx, "other_lang", li ? "nb" : "en");
	/* The event's address prefix ("/SLUG"), before every event link. */
	json_object_set_string_member(ctx, "base", web_base(req));
	/* Links to "this page" must stay on this site: see
	 * form_path_is_local. */
	json_object_set_string_member(ctx, "path",
	    form_path_is_local(req->path) ? req->path : "/");
	if (req->csrf_cookie == NULL)
		req->csrf_cookie = token_new(); /* sent as a cookie */
	msg = g_strconcat("csrf:", req->csrf_cookie, NULL);
	key = app_secret_key(app, &keylen);
	csrf = token_hmac(key, keylen, msg);
	json_object_set_string_member(ctx, "csrf", csrf);
	return ctx;
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
	if (!tmpl_render_with(app_templates(req->web->app), name, ctx,
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
	        json_object_get_string_member(t, key) :
	        key);
	json_object_set_int_member(ctx, "status", status);
	web_render(req, status, "error.html", ctx);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		web_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, "5");
}

const char *
web_base(struct web_req *req)
{
	if (req->event.id == 0 || req->event_implied)
		return "";
	g_snprintf(req->base, sizeof(req->base), "/%s", req->event.slug);
	return req->base;
}

/* Whether path is one of an event's pages (the console's but for the
 * installation's own, the registration's), which live under its prefix. */
static bool
path_in_event(const char *path)
{
	static const char *const own[] = { "/console/login", "/console/logout",
		"/console/setup/", "/console/events", NULL };
	size_t i;

	if (g_str_has_prefix(path, "/registered"))
		return true;
	if (!g_str_has_prefix(path, "/console"))
		return false;
	for (i = 0; own[i] != NULL; i++)
		if (g_str_has_prefix(path, own[i]))
			return false;
	return true;
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
	req->location = path_in_event(path) ?
	    g_strconcat(web_base(req), path, NULL) :
	    g_strdup(path);
	req->status = MHD_HTTP_SEE_OTHER;
	g_string_truncate(req->out, 0);
	req->content_type = "text/plain; charset=utf-8";
}

void
web_attachment(struct web_req *req, const char *data, size_t len,
    const char *content_type, const char *filename)
{
	g_autofree char *disp = g_strdup_printf("attachment; filename=\"%s\"",
	    filename);

	g_string_truncate(req->out, 0);
	g_string_append_len(req->out, data, (gssize)len);
	req->content_type = content_type;
	web_add_header(req, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
	web_add_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	req->status = MHD_HTTP_OK;
}

void
web_export(struct web_req *req, const char *data, size_t len,
    enum sheet_format fmt, const char *base, const GError *error)
{
	g_autofree char *name = g_strconcat(base,
	    fmt == SHEET_XLSX ? ".xlsx" : ".csv", NULL);

	if (data == NULL)
		web_app_error(req, error);
	else
		web_attachment(req, data, len, sheet_content_type(fmt), name);
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

void
web_add_header(struct web_req *req, const char *name, const char *value)
{
	if (req->headers == NULL)
		req->headers = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(req->headers, g_strdup(name));
	g_ptr_array_add(req->headers, g_strdup(value));
}

/* The headers of every answer that depend on nothing in the request. */
static void
web_set_fixed_headers(struct MHD_Response *resp, const char *content_type)
{
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    content_type ? content_type : "text/plain");
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* Our links carry secrets: never leak them in a Referer. */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

static void
web_set_common_headers(struct web_req *req, struct MHD_Response *resp)
{
	const char *secure = req->web->https ? "; Secure" : "";
	guint i;

	web_set_fixed_headers(resp, req->content_type);
	if (req->location != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
		    req->location);
	if (req->csrf_cookie != NULL &&
	    MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
	        "summit_csrf") == NULL) {
		g_autofree char *c = g_strdup_printf("summit_csrf=%s; Path=/; "
		                                     "HttpOnly; SameSite=Lax%s",
		    req->csrf_cookie, secure);

		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, c);
	}
	if (req->set_lang_cookie) {
		g_autofree char *c = g_strdup_printf(
		    "summit_lang=%s; Path=/; "
		    "Max-Age=31536000; HttpOnly; SameSite=Lax%s",
		    req->lang, secure);

		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, c);
	}
	for (i = 0; req->headers != NULL && i + 1 < req->headers->len; i += 2)
		MHD_add_response_header(resp,
		    g_ptr_array_index(req->headers, i),
		    g_ptr_array_index(req->headers, i + 1));
	if (MHD_get_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL) ==
	    NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
}

struct web_shared {
	atomic_uint refs;
	struct MHD_Response *resp;
	size_t len;
};

struct web_shared *
web_shared_new(const char *data, size_t len, const char *content_type)
{
	struct web_shared *s = g_new0(struct web_shared, 1);

	atomic_init(&s->refs, 1);
	s->len = len;
	/* Our own copy: the response frees it when the last sender is done. */
	s->resp = MHD_create_response_from_buffer_with_free_callback(len,
	    g_memdup2(data, len), g_free);
	/* What web_set_common_headers gives an answer with no cookie, no
	 * Location and no header of its own. */
	web_set_fixed_headers(s->resp, content_type);
	MHD_add_response_header(s->resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	return s;
}

struct web_shared *
web_shared_ref(struct web_shared *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void
web_shared_unref(struct web_shared *s)
{
	if (s == NULL ||
	    atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	/* libmicrohttpd keeps it while a connection still sends it. */
	MHD_destroy_response(s->resp);
	g_free(s);
}

enum MHD_Result
web_respond(struct web_req *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *data;

	if (req->shared != NULL) {
		req->bytes_out = req->shared->len;
		ret = MHD_queue_response(req->conn,
		    req->status ? req->status : 500, req->shared->resp);
		g_clear_pointer(&req->shared, web_shared_unref);
		return ret;
	}
	len = req->out->len;
	data = g_string_free(g_steal_pointer(&req->out), FALSE);
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

/* Appends s at *p, if it fits before end; false if it did not.  (end is
 * not const: gcc would take it for a buffer read before it is written.) */
static bool
web_put(char **p, char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *p) < n)
		return false;
	memcpy(*p, s, n);
	*p += n;
	return true;
}

static bool
web_put_u64(char **p, char *end, guint64 v)
{
	char digits[21], *d = digits + sizeof(digits) - 1;

	*d = '\0';
	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	return web_put(p, end, d);
}

void
web_access_log(struct web_req *req, bool completed, gint64 us)
{
	const struct log_request fields = {
		.id = req->id,
		.method = req->method,
		.path = req->log_path,
		.route = req->route != NULL ? req->route : "-",
		.status = req->status,
		.ms = (double)us / 1000.0,
	};
	/* Milliseconds to a tenth, as "%.1f" would round them. */
	guint64 tenths = us > 0 ? ((guint64)us + 50) / 100 : 0;
	bool via = strcmp(req->address, req->peer) != 0;
	char line[1024], *p = line, *end = line + sizeof(line) - 1;
	bool fits;

	/*
	 * One access-log line; the path has its secrets cut out.  The peer
	 * shows only when the client address came from a proxy's header:
	 * "request ID: METHOD PATH STATUS N bytes MS ms from ADDRESS[ via
	 * PEER][ (aborted)]".  Put together by hand, not by printf: this is
	 * the one line written per request, and its formatting showed in
	 * profiles.
	 */
	fits = web_put(&p, end, "request ") && web_put(&p, end, req->id) &&
	    web_put(&p, end, ": ") && web_put(&p, end, req->method) &&
	    web_put(&p, end, " ") && web_put(&p, end, req->log_path) &&
	    web_put(&p, end, " ") && web_put_u64(&p, end, req->status) &&
	    web_put(&p, end, " ") && web_put_u64(&p, end, req->bytes_out) &&
	    web_put(&p, end, " bytes ") && web_put_u64(&p, end, tenths / 10) &&
	    web_put(&p, end, ".") && web_put_u64(&p, end, tenths % 10) &&
	    web_put(&p, end, " ms from ") && web_put(&p, end, req->address) &&
	    (!via ||
	        (web_put(&p, end, " via ") && web_put(&p, end, req->peer))) &&
	    (completed || web_put(&p, end, " (aborted)"));
	if (fits) {
		*p = '\0';
		if (req->inline_answer)
			log_request_batched(&fields, line);
		else
			log_request_text(&fields, line);
		return;
	}
	/* A path too long for the line on the stack. */
	log_request(&fields,
	    "request %s: %s %s %u %zu bytes %" G_GUINT64_FORMAT
	    ".%u ms from %s%s%s%s",
	    req->id, req->method, req->log_path, req->status, req->bytes_out,
	    tenths / 10, (unsigned)(tenths % 10), req->address,
	    via ? " via " : "", via ? req->peer : "",
	    completed ? "" : " (aborted)");
}
