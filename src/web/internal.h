/*
 * internal.h -- what the files of web/ share: the request object, the
 * response helpers and the handlers' signature.
 */
#ifndef SUMMIT_WEB_INTERNAL_H
#define SUMMIT_WEB_INTERNAL_H

#include "web/web.h"

#include <pthread.h>
#include <stdbool.h>
#include <microhttpd.h>
#include <json-glib/json-glib.h>

struct web {
	const struct app	*app;
	const struct conf	*conf;
	struct MHD_Daemon	*daemon;
	/* Built before the threads start and only read after: nothing may
	 * take a reference to these per request (docs/threads.md). */
	JsonObject		*catalog[2];	/* nb, en */
	JsonObject		*globals[2];	/* { "t": catalog[i] } */
	GHashTable		*statics;	/* path -> GBytes */
	bool			 https;
	/* The event page, rendered at most once a second per language. */
	pthread_mutex_t		 cache_lock;
	GBytes			*event_page[2];
	gint64			 event_page_at[2];
	/* Connection caps and deadlines (limits.c). */
	struct web_limits	*limits;
	/* Registration rate limits (throttle.c). */
	struct limit		*reg_by_address;
	struct limit		*reg_by_domain;
	char			**domain_exempt;
};

/* One request object per request, freed when libmicrohttpd completes it. */
struct web_req {
	struct web		*web;
	struct MHD_Connection	*conn;
	char			 id[9];
	gint64			 started;
	const char		*method;
	char			*path;		/* canonical, decoded */
	char			*log_path;	/* path with secrets cut out */
	GString			*body;
	bool			 body_too_big;
	bool			 chunked;	/* Transfer-Encoding: chunked */
	bool			 dispatched;
	const char		*lang;		/* "nb" or "en" */
	char			*csrf_cookie;	/* NULL: make one */
	bool			 set_lang_cookie;
	/* The response being built. */
	unsigned		 status;
	GString			*out;
	const char		*content_type;
	char			*location;
	GPtrArray		*headers;	/* "Name", "value", ... */
	size_t			 bytes_out;
	/* The client's IP address: the peer's, or from X-Forwarded-For
	 * when the peer is in [server] trusted_proxies. */
	char			 address[64];
	char			 peer[64];	/* the TCP peer's address */
	/* Set by console_auth for console pages. */
	JsonObject		*organiser;
	struct app_actor	 actor;
};

typedef void (*web_handler)(struct web_req *req, const char *arg);

/* A route: method, pattern ("*" matches one path segment, passed to the
 * handler as arg), handler.  Each console area keeps its own table,
 * ended by a row of NULLs; server.c looks through all of them. */
struct web_route {
	const char	*method;
	const char	*pattern;
	web_handler	 handler;
};
extern const struct web_route console_registrations_routes[];
extern const struct web_route console_setup_routes[];
extern const struct web_route console_seating_routes[];
extern const struct web_route console_mail_routes[];
extern const struct web_route console_throttle_routes[];

/* server.c */
int web_lang_index(const char *lang);
/* The request's language catalog (transfer none): shared by every thread,
 * so only read it; never ref it or put it into a context. */
JsonObject *web_catalog(struct web_req *req);
/* The template context every page starts from: lang, other_lang, csrf,
 * path (transfer full).  The catalog is not in it: web_render lets the
 * templates find it as "t". */
JsonObject *web_page_ctx(struct web_req *req);
/* Renders template name into the response with status; templates see the
 * catalog as {{t.key}} (tmpl_render_with's globals). */
void web_render(struct web_req *req, unsigned status, const char *name,
    JsonObject *ctx);
/* A small error page from the error.html template. */
void web_error_page(struct web_req *req, unsigned status, const char *key);
/* 303 See Other to a path of ours. */
void web_redirect(struct web_req *req, const char *path);
void web_add_header(struct web_req *req, const char *name, const char *value);
/* Maps an app error to a page: 404, 409, 503 or 500. */
void web_app_error(struct web_req *req, const GError *error);
/* Decodes the urlencoded body; on failure answers 400 and returns NULL. */
GHashTable *web_form(struct web_req *req);
/* True if the form carries the CSRF token matching the cookie; else
 * answers 403. */
bool web_csrf_ok(struct web_req *req, GHashTable *form);
/* The value of query parameter name, or NULL. */
const char *web_query(struct web_req *req, const char *name);

/* limits.c: per-address caps and request deadlines; see its comment. */
enum web_limits_event {
	WL_HEADERS_DONE,	/* first call: the body's clock starts */
	WL_BODY_BYTES,		/* some body arrived */
	WL_REQUEST_READ,	/* all of it: no deadline while we answer */
	WL_REQUEST_DONE,	/* answered: the next headers' clock starts */
};
struct web_limits *web_limits_new(const struct conf *conf);
gboolean web_limits_start(struct web_limits *l, GError **error);
/* Stops the reaper thread; call before MHD_stop_daemon. */
void web_limits_stop(struct web_limits *l);
/* Call after MHD_stop_daemon. */
void web_limits_free(struct web_limits *l);
enum MHD_Result web_limits_accept(void *cls, const struct sockaddr *addr,
    socklen_t addrlen);
void web_limits_notify(void *cls, struct MHD_Connection *conn,
    void **socket_context, enum MHD_ConnectionNotificationCode toe);
void web_limits_mark(struct web_limits *l, struct MHD_Connection *conn,
    enum web_limits_event ev, size_t bytes);
/*
 * Writes a bare "HTTP/1.1 status reason" with Connection: close straight
 * to the socket and ends our side of it: for refusing a body in the
 * middle, when libmicrohttpd 0.9.75 no longer takes a response.  The
 * access handler then returns MHD_NO, which closes the connection.
 */
void web_limits_refuse_now(struct MHD_Connection *conn, unsigned status,
    const char *reason);
/* A socket address as text ("?" if neither IPv4 nor IPv6). */
void web_sockaddr_text(const struct sockaddr *sa, char *out, size_t len);

/* strict.c: the request's framing, checked on the first call.  0 if
 * fine, else the status to refuse it with and *why for the log. */
unsigned web_strict_check(struct web *web, struct MHD_Connection *conn,
    const char *method, const char *version, const char **why,
    bool *chunked);
/* throttle.c: the registration rate limits. */
void web_throttle_init(struct web *web);
void web_throttle_free(struct web *web);
/* True if the client address may register once more; else answers 429
 * with Retry-After and returns false. */
bool web_throttle_address(struct web_req *req);
/* The same for the domain of email (exempt domains always may). */
bool web_throttle_domain(struct web_req *req, const char *email);

/* pages.c */
void page_event(struct web_req *req, const char *arg);
void page_register_form(struct web_req *req, const char *arg);
void page_register_post(struct web_req *req, const char *arg);
void page_registered(struct web_req *req, const char *arg);
void page_privacy(struct web_req *req, const char *arg);
void page_health(struct web_req *req, const char *arg);
/* me.c */
void page_confirm(struct web_req *req, const char *arg);
void page_confirm_post(struct web_req *req, const char *arg);
void page_me(struct web_req *req, const char *arg);
void page_me_preferences(struct web_req *req, const char *arg);
void page_me_cancel(struct web_req *req, const char *arg);
/* calendar.c */
void page_programme_ics(struct web_req *req, const char *arg);
void page_me_ics(struct web_req *req, const char *arg);
void page_feed(struct web_req *req, const char *arg);
/* console.c: the organiser console's access and its own pages. */
/* True if the session cookie belongs to an organiser whose role allows
 * role ("staff" or "admin"); fills req->organiser and req->actor.
 * Otherwise answers -- 303 to the login page, or 403 -- and returns
 * false.  Every console handler starts with it. */
bool console_auth(struct web_req *req, const char *role);
/* web_page_ctx plus "me" (the organiser) and "is_admin". */
JsonObject *console_ctx(struct web_req *req);
void console_login_form(struct web_req *req, const char *arg);
void console_login_post(struct web_req *req, const char *arg);
void console_logout(struct web_req *req, const char *arg);
void console_setup_form(struct web_req *req, const char *arg);
void console_setup_post(struct web_req *req, const char *arg);
void console_dashboard(struct web_req *req, const char *arg);
void console_audit(struct web_req *req, const char *arg);
/* ranking.c: rank1..rank5 fields <-> session ids */
struct web_ranking {
	gint64	sessions[APP_MAX_RANKS];
	size_t	n;
	const char *error;	/* catalog key of the problem, or NULL */
};
void web_ranking_parse(GHashTable *form, struct web_ranking *r);
/* Adds "options" to each session in event's slots with the chosen rank
 * marked, and "ranks" (1..5, each with its options) to ctx. */
void web_ranking_ctx(JsonObject *ctx, JsonObject *event, const gint64 *chosen,
    size_t n);

#endif
