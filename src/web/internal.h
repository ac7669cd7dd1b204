/*
 * internal.h -- what the files of web/ share: the request object, the
 * response helpers and the handlers' signature.
 */
#ifndef SUMMIT_WEB_INTERNAL_H
#define SUMMIT_WEB_INTERNAL_H

#include "web/web.h"

#include <stdbool.h>
#include <microhttpd.h>
#include <json-glib/json-glib.h>

struct web {
	const struct app	*app;
	const struct conf	*conf;
	struct MHD_Daemon	*daemon;
	JsonObject		*catalog[2];	/* nb, en */
	GHashTable		*statics;	/* path -> GBytes */
	bool			 https;
	/* The event page, rendered at most once a second per language. */
	GMutex			 cache_lock;
	GBytes			*event_page[2];
	gint64			 event_page_at[2];
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
	char			 address[64];	/* the client's IP address */
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
/* The template context every page starts from: t, lang, other_lang, csrf,
 * path (transfer full). */
JsonObject *web_page_ctx(struct web_req *req);
/* Renders template name into the response with status. */
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
