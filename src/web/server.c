/*
 * server.c -- the server's life cycle: web_new (catalogs, statics,
 * limits), web_start (libmicrohttpd and its options), web_free, and the
 * request object from its first call to its completion.
 *
 * One request object per request (STYLE.md 4): made on the access
 * handler's first call, kept in *req_cls, freed in the completion
 * callback, after the access-log line (respond.c).  The first call only
 * makes the object and returns MHD_YES: with libmicrohttpd 0.9.75 a
 * response queued on the first call is always sent with "Connection:
 * close", which would cost every client a new connection per request.
 *
 * Paths reach us undecoded (a no-op unescape callback) so that we decode
 * and canonicalise them once, ourselves, before routing (route.c).
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
#include <unistd.h>

/* How long stopping waits for requests already begun. */
#define WEB_DRAIN_S 10

GQuark
web_error_quark(void)
{
	return g_quark_from_static_string("summit-web-error-quark");
}

int
web_lang_index(const char *lang)
{
	return g_strcmp0(lang, "en") == 0 ? 1 : 0;
}

const char *
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

char *
web_query_text(struct web_req *req, const char *name, size_t max_chars)
{
	const char *raw = MHD_lookup_connection_value(req->conn,
	    MHD_GET_ARGUMENT_KIND, name);
	g_autoptr(GHashTable) t = NULL;
	g_autofree char *qs = NULL;
	char *v;

	if (raw == NULL || strlen(raw) > max_chars * 4 + 224)
		return NULL;
	qs = g_strconcat("q=", raw, NULL);
	if (!form_decode_query(qs, 1, max_chars * 4, &t, NULL))
		return NULL;
	v = g_strdup(g_hash_table_lookup(t, "q"));
	if (v == NULL)
		return NULL;
	text_trim(v);
	if (text_check_line(v, max_chars) != TEXT_OK) {
		g_free(v);
		return NULL;
	}
	return v;
}

/* nb or en: ?lang=, then the cookie, then Accept-Language, then config. */
static const char *
web_choose_lang(struct web_req *req)
{
	const char *q = web_query(req, "lang");
	const char *c = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
	    "summit_lang");
	const char *best;

	if (q != NULL && (strcmp(q, "nb") == 0 || strcmp(q, "en") == 0)) {
		req->set_lang_cookie = true;
		return strcmp(q, "en") == 0 ? "en" : "nb";
	}
	if (c != NULL && (strcmp(c, "nb") == 0 || strcmp(c, "en") == 0))
		return strcmp(c, "en") == 0 ? "en" : "nb";
	best = form_accept_language(
	    web_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	if (best != NULL)
		return best;
	return strcmp(req->web->conf->language, "en") == 0 ? "en" : "nb";
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
	g_autoptr(GString) xff = NULL;

	if (!web_limits_peer(req->conn, req->peer, sizeof(req->peer))) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		    req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		web_sockaddr_text(ci ? ci->client_addr : NULL, req->peer,
		    sizeof(req->peer));
	}
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

/* Eight random hex digits and a NUL, without printf's machinery (once
 * per request). */
static void
web_request_id(char *id)
{
	static const char hex[] = "0123456789abcdef";
	guint32 v = g_random_int();
	int i;

	for (i = 7; i >= 0; i--, v >>= 4)
		id[i] = hex[v & 0xf];
	id[8] = '\0';
}

const char *
web_body(const struct web_req *req, size_t *len)
{
	*len = req->body != NULL ? req->body->len : 0;
	return req->body != NULL ? req->body->str : "";
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
	req->slot = web_metrics_slot_other(web->metrics);
	web_request_id(req->id);
	req->method = method;
	req->out = g_string_new(NULL);
	req->path = form_canonical_path(url, &error);
	web_client_address(req);
	req->log_path = req->path ? web_log_path(req->path) :
	                            g_strdup("[malformed path]");
	cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND,
	    "summit_csrf");
	if (cookie != NULL && token_is_wellformed(cookie))
		req->csrf_cookie = g_strdup(cookie);
	req->lang = web_choose_lang(req);
	atomic_fetch_add_explicit(&web->inflight, 1, memory_order_relaxed);
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
		req->state = WEB_REQ_SENT;
		web_limits_mark(web->limits, conn, WL_REQUEST_READ, 0);
		if (web_api_path(req->path))
			web_api_refuse(req, refuse, why);
		else
			web_error_page(req, refuse,
			    refuse == MHD_HTTP_CONTENT_TOO_LARGE ?
			        "error_too_big" :
			        "error_bad_request");
		return web_respond(req);
	}
	if (*upload_data_size > 0) {
		web_limits_mark(web->limits, conn, WL_BODY_BYTES,
		    *upload_data_size);
		if (req->body == NULL)
			req->body = g_string_new(NULL);
		if (req->body->len + *upload_data_size >
		    (size_t)web->conf->max_body_bytes) {
			/* Only a chunked body gets here (a longer
			 * Content-Length was refused on the first call). */
			req->body_too_big = true;
			req->status = MHD_HTTP_CONTENT_TOO_LARGE;
			log_warnx("request %s: from %s: body over "
			          "max_body_bytes, connection closed",
			    req->id, req->address);
			web_limits_refuse_now(conn, MHD_HTTP_CONTENT_TOO_LARGE,
			    "Content Too Large");
			return MHD_NO;
		}
		g_string_append_len(req->body, upload_data,
		    (gssize)*upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	switch (req->state) {
	case WEB_REQ_READING:
		break;
	case WEB_REQ_ANSWERED: /* a worker resumed the connection */
		req->state = WEB_REQ_SENT;
		return web_respond(req);
	case WEB_REQ_QUEUED:
	case WEB_REQ_SENT:
		return MHD_YES;
	}
	req->state = WEB_REQ_SENT;
	web_limits_mark(web->limits, conn, WL_REQUEST_READ, 0);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0) {
		if (web_api_path(req->path))
			web_api_refuse(req, MHD_HTTP_NOT_IMPLEMENTED,
			    "only GET, HEAD and POST are taken");
		else
			web_error_page(req, MHD_HTTP_NOT_IMPLEMENTED,
			    "error_bad_request");
	} else if (web_answer_inline(req))
		req->inline_answer = true;
	else {
		req->state = WEB_REQ_QUEUED;
		if (web_workers_push(web->workers, req))
			return MHD_YES;
		/* Shutting down: no workers left to wait for. */
		req->state = WEB_REQ_SENT;
		web_dispatch(req);
	}
	return web_respond(req);
}

/* A worker's turn (workers.c): the handler runs here, and the answer
 * waits in req until libmicrohttpd calls web_access again. */
static void
web_run_queued(struct web_req *req)
{
	web_dispatch(req);
	req->state = WEB_REQ_ANSWERED;
	MHD_resume_connection(req->conn);
}

static void
web_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct web_req *req = *req_cls;
	struct web *web = cls;
	gint64 us;

	if (req == NULL)
		return;
	us = g_get_monotonic_time() - req->started;
	web_limits_mark(web->limits, conn, WL_REQUEST_DONE, 0);
	web_metrics_observe(web->metrics, req->slot, req->status, us);
	web_access_log(req, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK, us);
	if (req->body != NULL)
		g_string_free(req->body, TRUE);
	if (req->out != NULL)
		g_string_free(req->out, TRUE);
	if (req->headers != NULL)
		g_ptr_array_unref(req->headers);
	g_free(req->path);
	g_free(req->log_path);
	g_free(req->csrf_cookie);
	g_free(req->location);
	web_shared_unref(req->shared); /* not sent: aborted */
	if (req->organiser != NULL)
		json_object_unref(req->organiser);
	g_free(req);
	*req_cls = NULL;
	/* The last one wakes web_drain, under its lock: a drain that saw
	 * requests left is then already waiting, or sees none. */
	if (atomic_fetch_sub_explicit(&web->inflight, 1,
	        memory_order_acq_rel) == 1) {
		lock_acquire(&web->inflight_lock);
		lock_cond_signal(&web->inflight_done);
		lock_release(&web->inflight_lock);
	}
}

/* Leaves %XX alone: paths are decoded by form_canonical_path. */
static size_t
web_unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* libmicrohttpd's format strings, checked as printf formats. */
static void G_GNUC_PRINTF(2, 0)
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
			g_ptr_array_add(extra,
			    g_build_filename(dir, name, NULL));
	g_ptr_array_sort(extra, web_cmp_paths);
	for (k = 0; k < extra->len; k++)
		if (!web_load_catalog_file(web->catalog[i],
		        g_ptr_array_index(extra, k), error))
			return FALSE;
	return TRUE;
}

Web *
web_new(const struct app *app, GError **error)
{
	g_autoptr(Web) web = g_new0(struct web, 1);
	int i;

	web->app = app;
	web->conf = app_conf(app);
	web->https = g_str_has_prefix(web->conf->public_url, "https://");
	web->statics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_bytes_unref);
	lock_init(&web->cache_lock);
	web->event_pages = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    NULL, web_event_page_free);
	lock_init(&web->inflight_lock);
	lock_cond_init(&web->inflight_done);
	web->limits = web_limits_new(web->conf);
	web->metrics = web_metrics_new();
	web->root_slot = web_route_index("GET", "/");
	web->health_slot = web_route_index("GET", "/health");
	web->live_slot = web_route_index("GET", "/health/live");
	web_throttle_init(web);
	web->events = web_events_new();
	web->route_words = web_route_words();
	if (!web_load_catalog(web, 0, "nb", error) ||
	    !web_load_catalog(web, 1, "en", error) ||
	    !web_statics_load(web, error))
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
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, web->conf->listen_address, &sin->sin_addr) ==
	    1) {
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
	web->workers = web_workers_new((guint)web->conf->threads,
	    web_run_queued, web->metrics);
	/*
	 * No MHD_OPTION_PER_IP_CONNECTION_LIMIT: it counts exact addresses
	 * and knows no proxies; limits.c counts an IPv6 /64 as one client
	 * and leaves [server] trusted_proxies uncapped.
	 */
	web->daemon = MHD_start_daemon(flags, (uint16_t)web->conf->port,
	    web_limits_accept, web->limits, web_access, web,
	    MHD_OPTION_EXTERNAL_LOGGER, web_mhd_log, web, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	    /* 0: one polling thread; 1 would be ignored with a warning. */
	    (unsigned int)(web->conf->io_threads > 1 ? web->conf->io_threads :
	                                               0),
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)web->conf->max_connections,
	    MHD_OPTION_NOTIFY_CONNECTION, web_limits_notify, web->limits,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)web->conf->timeout_seconds,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)web->conf->max_header_bytes, MHD_OPTION_NOTIFY_COMPLETED,
	    web_completed, web, MHD_OPTION_UNESCAPE_CALLBACK, web_unescape_none,
	    web, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
	    MHD_OPTION_END);
	if (web->daemon == NULL) {
		g_set_error(error, SUMMIT_WEB_ERROR, WEB_ESTART,
		    "could not listen on %s port %" G_GINT64_FORMAT
		    " (in use, or not allowed)",
		    web->conf->listen_address, web->conf->port);
		return FALSE;
	}
	return TRUE;
}

/* Stops taking connections and gives the requests begun up to
 * WEB_DRAIN_S seconds to be answered; keep-alive connections idle
 * between requests are not waited for.  Returns the listening socket,
 * which is ours to close once the daemon has stopped. */
static MHD_socket
web_drain(struct web *web)
{
	MHD_socket listener = MHD_quiesce_daemon(web->daemon);
	gint64 deadline = g_get_monotonic_time() + WEB_DRAIN_S * G_USEC_PER_SEC;
	guint left;

	/* libmicrohttpd no longer accepts, but the kernel would still
	 * complete handshakes into the backlog: stop listening, so a client
	 * (or a proxy) is refused at once and tries elsewhere.  The socket
	 * may only be closed after MHD_stop_daemon. */
	if (listener != MHD_INVALID_SOCKET)
		shutdown(listener, SHUT_RDWR);

	lock_acquire(&web->inflight_lock);
	while (atomic_load(&web->inflight) > 0 &&
	    lock_cond_wait_until(&web->inflight_done, &web->inflight_lock,
	        deadline))
		;
	left = atomic_load(&web->inflight);
	lock_release(&web->inflight_lock);
	if (left > 0)
		log_warnx("stopping with %u requests unanswered after %d s",
		    left, WEB_DRAIN_S);
	return listener;
}

void
web_stop(Web *web)
{
	MHD_socket listener;

	if (web == NULL || web->daemon == NULL)
		return;
	listener = web_drain(web);
	web_limits_stop(web->limits);
	/* Before the daemon: libmicrohttpd must not be stopped while a
	 * queued connection is still suspended. */
	web_workers_stop(web->workers);
	MHD_stop_daemon(web->daemon);
	web->daemon = NULL;
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
}

void
web_free(Web *web)
{
	int i;

	if (web == NULL)
		return;
	web_stop(web);
	web_workers_free(web->workers);
	web_limits_free(web->limits);
	web_metrics_free(web->metrics);
	for (i = 0; i < 2; i++) {
		if (web->globals[i] != NULL)
			json_object_unref(web->globals[i]);
		if (web->catalog[i] != NULL)
			json_object_unref(web->catalog[i]);
	}
	if (web->statics != NULL)
		g_hash_table_unref(web->statics);
	if (web->event_pages != NULL)
		g_hash_table_unref(web->event_pages);
	web_throttle_free(web);
	web_events_free(web->events);
	if (web->route_words != NULL)
		g_hash_table_unref(web->route_words);
	lock_clear(&web->cache_lock);
	lock_clear(&web->inflight_lock);
	lock_cond_clear(&web->inflight_done);
	g_free(web);
}
