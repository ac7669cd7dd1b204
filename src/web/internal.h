/*
 * internal.h -- what the files of web/ share: the request object, the
 * route table and the typed call its handlers get, the response helpers
 * and the form toolkit.
 */
#ifndef SUMMIT_WEB_INTERNAL_H
#define SUMMIT_WEB_INTERNAL_H

#include "web/web.h"
#include "web/parse.h"
#include "form/form.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <microhttpd.h>
#include <json-glib/json-glib.h>

/* An event as addresses name it (events.c). */
struct web_event {
	gint64 id; /* 0: none */
	char slug[65];
	bool archived;
};

struct web {
	const struct app *app;
	const struct conf *conf;
	struct MHD_Daemon *daemon;
	/* Built before the threads start and only read after: nothing may
	 * take a reference to these per request (docs/threads.md). */
	JsonObject *catalog[2]; /* nb, en */
	JsonObject *globals[2]; /* { "t": catalog[i] } */
	GHashTable *statics;    /* path -> GBytes */
	bool https;
	/* Each event's page, rendered at most once a second per language,
	 * by one request at a time (pages.c): event id -> struct
	 * web_event_page, entries kept for the process's life (one per event
	 * asked for, and only events that exist are asked for). */
	pthread_mutex_t cache_lock;
	GHashTable *event_pages;
	/* Connection caps and deadlines (limits.c). */
	struct web_limits *limits;
	/* The threads that run handlers (workers.c). */
	struct web_workers *workers;
	/* Request counts and latencies for /metrics (metrics.c). */
	struct web_metrics *metrics;
	/* The metrics slots of rows the I/O threads answer themselves. */
	int root_slot, health_slot, live_slot;
	/* Requests begun and not yet completed, so stopping can let them
	 * finish (web_free).  An atomic count, so a request takes no lock for
	 * it; the lock and condition are for the last one's signal. */
	pthread_mutex_t inflight_lock;
	pthread_cond_t inflight_done;
	atomic_uint inflight;
	/* Registration rate limits (throttle.c). */
	struct limit *reg_by_address;
	struct limit *reg_by_domain;
	/* JSON API requests per token (api.c). */
	struct limit *api_by_token;
	char **domain_exempt;
	/* Which event a /SLUG/ prefix names (events.c). */
	struct web_events *events;
	/* The first segments of the routes' paths ("console", "me", ...):
	 * never an event's slug.  Built before the threads, only read. */
	GHashTable *route_words;
};

/* Where a request is between its first call and its answer. */
enum web_req_state {
	WEB_REQ_READING = 0, /* headers and body still arriving */
	WEB_REQ_QUEUED,      /* suspended, with the workers (workers.c) */
	WEB_REQ_ANSWERED,    /* answer built, waiting to be sent */
	WEB_REQ_SENT,        /* handed to libmicrohttpd */
};

/* One request object per request, freed when libmicrohttpd completes it. */
struct web_req {
	struct web *web;
	struct MHD_Connection *conn;
	char id[9];
	gint64 started;
	gint64 queued; /* when given to the workers */
	int slot;      /* metrics slot: the route row, or static, or other */
	const char *method;
	char *path;        /* canonical, decoded */
	char *log_path;    /* path with secrets cut out */
	const char *route; /* the matched route's pattern (static), or NULL */
	GString *body;     /* made once a body comes; read with web_body */
	bool body_too_big;
	/* Answered by web_answer_inline, on the I/O thread (no database):
	 * its access-log line goes out in a batch (log_request_batched). */
	bool inline_answer;
	bool chunked; /* Transfer-Encoding: chunked */
	enum web_req_state state;
	const char *lang;  /* "nb" or "en" */
	bool renews_page;  /* this request renders the event page's cache */
	char *csrf_cookie; /* NULL: make one */
	bool set_lang_cookie;
	/* The response being built. */
	unsigned status;
	GString *out;
	const char *content_type;
	char *location;
	GPtrArray *headers; /* "Name", "value", ...; NULL: none added */
	/* Or the whole answer, built once for many requests (respond.c). */
	struct web_shared *shared;
	size_t bytes_out;
	/* The client's IP address: the peer's, or from X-Forwarded-For
	 * when the peer is in [server] trusted_proxies. */
	char address[64];
	char peer[64]; /* the TCP peer's address */
	/* Set by console_auth for console pages. */
	JsonObject *organiser;
	struct app_actor actor;
	/* The event the address names (its /SLUG/ prefix, or the only one
	 * for an address without a prefix, or a token's); id 0: none. */
	struct web_event event;
	const char *route_path; /* req->path without the /SLUG prefix */
	/* The event is the installation's only one, named by no prefix: the
	 * links of the answer go without one too (web_base). */
	bool event_implied;
	char base[67]; /* web_base's */
	/* questions.c: a refused POST /me/TOKEN/answers, for the page
	 * rendered again (borrowed from the handler, NULL otherwise). */
	GHashTable *q_typed;
	JsonObject *q_errors;
};

/* Who may use a route.  The dispatcher checks it with console_auth before
 * anything else, so a handler never asks. */
enum web_role {
	WEB_PUBLIC = 0, /* anyone, no login */
	WEB_STAFF,      /* an organiser of either role */
	WEB_ADMIN,      /* an organiser with the admin role */
	WEB_API,        /* a bearer token of the JSON API (api.c) */
	WEB_DOOR,       /* the check-in desk: any role, door included */
	WEB_LOGIN,      /* any organiser logged in, rights or not (the
	                   installation's list of events) */
};

/* How a route's "*" segment is parsed before its handler runs; one that
 * does not parse is 404. */
enum web_arg {
	WEB_ARG_TEXT = 0, /* as it came (a link token, "new"), or none */
	WEB_ARG_ID,       /* a positive id (web_parse_id) into call->id */
	WEB_ARG_SECTOR,   /* a sector code (app_setup_sector_code_ok) */
};

/* Route flags. */
/* One value may take the whole max_body_bytes (an uploaded CSV), in at
 * most 8 fields, instead of web_form's 8 KiB per value. */
#define WEB_BIG_BODY 0x1u
/* The installation's, not an event's: no /SLUG/ prefix (login, links
 * with a person's token, health, metrics, the API with its token). */
#define WEB_GLOBAL 0x2u
/* A list's selection: a checkbox per row, up to WEB_SELECTION_FIELDS
 * fields of web_form's size (console_bulk.c). */
#define WEB_SELECTION_BODY 0x4u

/*
 * What the dispatcher hands a handler once the route's policy holds: the
 * organiser is authorised, a POST's CSRF token is good, the "*" argument
 * parsed.  fields: the route's field table checked against the body (a
 * GET: against nothing), so fields->nerrors > 0 means the handler answers
 * 400 with its form again.  Everything here lives until the handler
 * returns.
 */
struct web_call {
	const char *arg;               /* the "*" segment, or NULL */
	gint64 id;                     /* WEB_ARG_ID: arg as a number */
	GHashTable *form;              /* POST: the decoded body; else NULL */
	FormValues *fields;            /* the route's fields, or NULL */
	const struct app_actor *actor; /* console routes: who; else NULL */
	gint64 event_id;               /* the event the address names */
	/* WEB_API routes: the token's client and a POST's JSON body. */
	const struct app_api_client *api;
	JsonNode *json;
};

typedef void (*web_handler)(struct web_req *req, const struct web_call *c);

/*
 * A route: method, pattern ("*" matches one path segment), handler, and
 * its policy -- who may use it, how "*" is parsed, the form's field
 * table (WEB_FIELDS(table), or WEB_NO_FIELDS) and flags.  Every POST is
 * decoded and its CSRF token checked, with no exception: each one
 * changes something, or (login) starts a session, and a page of another
 * site must not make a browser do that.  Each file of handlers keeps its
 * own table, ended by WEB_ROUTES_END; route.c looks through all of them
 * in web_route_tables[], the first match winning.
 */
struct web_route {
	const char *method;
	const char *pattern;
	web_handler handler;
	enum web_role role;
	enum web_arg arg;
	const struct form_field *fields;
	size_t nfields;
	unsigned flags;
};
#define WEB_FIELDS(t) (t), G_N_ELEMENTS(t)
#define WEB_NO_FIELDS NULL, 0
#define WEB_ROUTES_END \
	{ \
		.method = NULL \
	}

extern const struct web_route web_pages_routes[];
extern const struct web_route web_participant_routes[];
extern const struct web_route web_calendar_routes[];
extern const struct web_route console_routes[];
extern const struct web_route console_registrations_routes[];
extern const struct web_route console_setup_routes[];
extern const struct web_route console_seating_routes[];
extern const struct web_route console_mail_routes[];
extern const struct web_route console_messages_routes[];
extern const struct web_route console_throttle_routes[];
extern const struct web_route console_door_routes[];
extern const struct web_route web_metrics_routes[];
extern const struct web_route web_invitation_routes[];
extern const struct web_route console_invitees_routes[];
extern const struct web_route web_api_routes[];
extern const struct web_route console_api_routes[];
extern const struct web_route console_badges_routes[];
extern const struct web_route console_events_routes[];
/* console_events.c: the public list of upcoming events (the root when
 * the installation has several). */
void web_events_page(struct web_req *req);
extern const struct web_route console_deadlines_routes[];
extern const struct web_route web_privacy_routes[];
extern const struct web_route console_search_routes[];
extern const struct web_route console_bulk_routes[];

/* console_bulk.c: a value by name from src (a query, a form). */
typedef const char *(*WebValueGet)(gpointer src, const char *name);
/* The registrations list's filter but its search text q, read from src:
 * a value out of its bounds does not filter. */
void web_reg_filter_read(struct app_reg_filter *f, WebValueGet get,
    gpointer src);
/* "1,2,3" appended to ids; false for anything else or more than max. */
bool web_ids_parse(const char *text, GArray *ids, guint max);
/* The list page's ctx gets "bulk": the page's ids, the filter f (with q;
 * waitlisted: the list's "only the waitlist") as hidden fields, and the
 * actions the organiser may choose. */
void web_bulk_list_ctx(struct web_req *req, JsonObject *ctx,
    const struct app_reg_filter *f, const char *q, bool waitlisted);
extern const struct web_route web_questions_routes[];
extern const struct web_route console_questions_routes[];
extern const struct web_route web_substitute_routes[];
/* substitute.c: the participant page's hand-over block, "sub" (the
 * view) and "sf" (its form); FALSE: answered with the error page. */
gboolean web_substitute_ctx(struct web_req *req, JsonObject *ctx,
    const char *token);
extern const struct web_route console_speakers_routes[];

/* server.c: the server's life cycle and the request object. */
int web_lang_index(const char *lang);
/* The value of query parameter name, or NULL. */
const char *web_query(struct web_req *req, const char *name);
/* A query value that is user text (a search): decoded, trimmed, one line
 * of at most max_chars characters; NULL when absent or unusable
 * (transfer full). */
char *web_query_text(struct web_req *req, const char *name, size_t max_chars);
/* The value of request header name, or NULL. */
const char *web_header(struct web_req *req, const char *name);

/* route.c: matching and the policy of every route. */
/* Finds the route of req and answers it: 404, 405, or what the route's
 * policy and handler say. */
void web_dispatch(struct web_req *req);
/* Answers what needs no database (statics, the cached event page) in the
 * calling I/O thread; false when the request is for a worker. */
bool web_answer_inline(struct web_req *req);

/* The rows of every route table, numbered in matching order. */
size_t web_route_count(void);
const struct web_route *web_route_nth(size_t i);
/* The number of the row for method and pattern exactly; -1 if none. */
int web_route_index(const char *method, const char *pattern);

/* metrics.c: counts for /metrics; see its comment. */
struct web_metrics *web_metrics_new(void);
void web_metrics_free(struct web_metrics *m);
/* Slots besides the route rows (0 .. web_route_count() - 1). */
int web_metrics_slot_static(const struct web_metrics *m);
int web_metrics_slot_other(const struct web_metrics *m);
/* An answered request: a few relaxed atomic adds, no lock. */
void web_metrics_observe(struct web_metrics *m, int slot, unsigned status,
    gint64 us);
/* A request's time in the workers' queue. */
void web_metrics_queue_wait(struct web_metrics *m, gint64 us);

/* pages.c: the event page from its cache, if fresh (true: answered). */
bool web_event_page_cached(struct web_req *req);
/* Frees an entry of web->event_pages. */
void web_event_page_free(gpointer p);
/* GET /health and /health/live: "ok" from the I/O thread, which shows
 * the process is up without waiting for a worker or the database (true:
 * answered). */
bool web_health_live(struct web_req *req);

/* workers.c: the request workers and their queue. */
struct web_workers *web_workers_new(guint n, void (*run)(struct web_req *req),
    struct web_metrics *metrics);
/* Requests waiting for a worker now. */
guint web_workers_depth(struct web_workers *w);
/* Suspends req's connection and queues it; false once stopping (the
 * caller then answers it itself). */
bool web_workers_push(struct web_workers *w, struct web_req *req);
/* Runs what is queued, then joins the threads. */
void web_workers_stop(struct web_workers *w);
void web_workers_free(struct web_workers *w);

/* statics.c: the files of [server] static_dir, read once at start. */
gboolean web_statics_load(struct web *web, GError **error);
/* GET /static/NAME: 200 with a day's caching, or 404. */
void web_static(struct web_req *req, const char *name);

/* respond.c: everything that builds the answer. */
/* The request's language catalog (transfer none): shared by every thread,
 * so only read it; never ref it or put it into a context. */
JsonObject *web_catalog(struct web_req *req);
/* The catalog's text for key, or key itself when there is none. */
const char *web_text(struct web_req *req, const char *key);
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
/* 200 with data as a download named filename (one of ours, plain: no
 * quotes), never cached: the console's exports. */
void web_attachment(struct web_req *req, const char *data, size_t len,
    const char *content_type, const char *filename);
/* An export's bytes (sheet/sheet.h) as the attachment base.csv or
 * base.xlsx, with fmt's content type; data NULL: web_app_error(error). */
void web_export(struct web_req *req, const char *data, size_t len,
    enum sheet_format fmt, const char *base, const GError *error);
/* Maps an app error to a page: 404, 409, 503 or 500. */
void web_app_error(struct web_req *req, const GError *error);
/* Queues the response built in req (status, body, headers, cookies), or
 * req->shared. */
enum MHD_Result web_respond(struct web_req *req);
/*
 * A response with the common headers and no cookies, built once and
 * queued as it is for many requests (the cached event page): no copy, no
 * headers added per request.  libmicrohttpd counts the requests sending
 * it; these counts are ours, the holders' (the cache, a request between
 * its hit and web_respond), so it is freed only when both are done.
 */
struct web_shared *web_shared_new(const char *data, size_t len,
    const char *content_type);
struct web_shared *web_shared_ref(struct web_shared *s);
void web_shared_unref(struct web_shared *s);
/* server.c: the request's body as it came, "" (len 0) if none did. */
const char *web_body(const struct web_req *req, size_t *len);
/* The access-log line of a finished request, which took us microseconds. */
void web_access_log(struct web_req *req, bool completed, gint64 us);

/* privacy.c: the privacy page's handler (a row of pages.c's table), and
 * the participant's data for their page (me.html's "data"); FALSE:
 * answered with the error page. */
void web_privacy_page(struct web_req *req, const struct web_call *c);
gboolean web_me_privacy_ctx(struct web_req *req, JsonObject *ctx,
    const char *token);

/* fields.c: the form toolkit -- a form's errors as messages beside its
 * fields, what was typed, the context a form page is rendered with. */
/* Sets errors[field] to the text of key unless the field has a message
 * already (the first problem found is the one shown). */
void web_field_error(struct web_req *req, JsonObject *errors, const char *field,
    const char *key);
/* A message for every field of fv with an error. */
void web_field_errors(struct web_req *req, const FormValues *fv,
    JsonObject *errors);
/* The one mapping from a use case's refusal (field, reason) to a message
 * of the catalogue: the first row of fields.c's table that matches it,
 * else fallback (a form's own wording; may be NULL). */
const char *web_refusal_key(const struct app_refusal *why,
    const char *fallback);
/* Shows why on the form: beside its field when fv has that field, else
 * beside field (what the form blames when the rules name something it
 * does not show), worded by web_refusal_key. */
void web_refusal_error(struct web_req *req, JsonObject *errors,
    const FormValues *fv, const struct app_refusal *why, const char *field,
    const char *fallback);
/* What was typed, every field but the CSRF token, for the form again
 * (transfer full); form may be NULL. */
JsonObject *web_form_typed(GHashTable *form);
/* Sets "v" (values, transfer full), "err" (errors or none) and
 * "has_errors" in ctx. */
void web_form_ctx_set(JsonObject *ctx, JsonObject *values, JsonObject *errors);

/* console_setup.c: the public event page's cached copies dropped, so a
 * change shows at once. */
void console_public_cache_clear(struct web_req *req);
/* console_setup.c: session id's page again, its "on stage" form with
 * spk_values (transfer full) and spk_errors. */
void console_session_page(struct web_req *req, unsigned status, gint64 event_id,
    gint64 id, JsonObject *spk_values, JsonObject *spk_errors);
/* console_speakers.c: ctx's "spk", the session page's "on stage" block:
 * people (app_speakers_session), roles, and the add form's values
 * (transfer full, may be NULL) and errors (may be NULL). */
void console_speakers_ctx(struct web_req *req, JsonObject *ctx, gint64 event_id,
    gint64 session_id, JsonObject *values, JsonObject *errors);

/* limits.c: per-address caps and request deadlines; see its comment. */
enum web_limits_event {
	WL_HEADERS_DONE, /* first call: the body's clock starts */
	WL_BODY_BYTES,   /* some body arrived */
	WL_REQUEST_READ, /* all of it: no deadline while we answer */
	WL_REQUEST_DONE, /* answered: the next headers' clock starts */
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
/* The connection's peer address as text, kept from its start (a request
 * on a kept-alive connection need not format it again); false if the
 * connection has no row. */
bool web_limits_peer(struct MHD_Connection *conn, char *out, size_t len);
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
    const char *method, const char *version, const char **why, bool *chunked);
/* throttle.c: the registration rate limits. */
void web_throttle_init(struct web *web);
void web_throttle_free(struct web *web);
/* True if the client address may register once more; else answers 429
 * with Retry-After and returns false. */
bool web_throttle_address(struct web_req *req);
/* The same for the domain of email (exempt domains always may). */
bool web_throttle_domain(struct web_req *req, const char *email);

/* pages.c: the registration form (200) with values (field name to
 * text) filled in, as web/invitation.c shows it to an invitee. */
void web_register_form(struct web_req *req, GHashTable *values);
/* questions.c: the event's own questions on the public pages. */
/* True for a form field of an answer: "qID" or "qID_CHOICE". */
bool web_answer_field(const char *name);
/* form's answer fields (names and values borrowed from form). */
GHashTable *web_answers_of(GHashTable *form);
/* errors[field] set for each of app's refused answers
 * (app_answers_check's shape). */
void web_answers_errors(struct web_req *req, JsonObject *refused,
    JsonObject *errors);
/* errors[why->field] for app_register's refusal of an answer. */
void web_answer_refusal(struct web_req *req, const struct app_refusal *why,
    JsonObject *errors);
/* Sets ctx's "questions" (transfer full; each with error, has_error from
 * errors, which may be NULL) and "has_questions". */
void web_questions_ctx(JsonObject *ctx, JsonArray *questions,
    JsonObject *errors);
/* The registration form's questions for event_id, filled from form; false
 * (answered with an error page) when app failed. */
bool web_register_questions_ctx(struct web_req *req, JsonObject *ctx,
    gint64 event_id, GHashTable *form, JsonObject *errors);
/* The participant page's questions and answers (me_answers.html); false
 * as above. */
bool web_me_answers_ctx(struct web_req *req, JsonObject *ctx,
    const char *token);
/* participant.c: the participant's page with status. */
void web_me_render(struct web_req *req, const char *token, unsigned status);
/* api.c: the JSON API. */
/* True for a path of the API (/api/...): its errors are JSON. */
bool web_api_path(const char *path);
/* Answers status with {"error": {"code", "message"}}. */
void web_api_error(struct web_req *req, unsigned status, const char *code,
    const char *message);
/* The framing refusals of strict.c (400, 411, 413, 501, ...) in the
 * API's shape. */
void web_api_refuse(struct web_req *req, unsigned status, const char *why);
/* A WEB_API row's policy (token, rate limit, JSON body), then its
 * handler. */
void web_api_call(struct web_req *req, const struct web_route *r, char *arg);

/* console.c: the organiser console's door and its own pages. */
/* True if the session cookie belongs to an organiser whose role allows
 * role ("staff" or "admin"); fills req->organiser and req->actor.
 * Otherwise answers -- 303 to the login page, 403, or 503 without the
 * database -- and returns false.  The dispatcher calls it for every route
 * that is not WEB_PUBLIC. */
bool console_auth(struct web_req *req, const char *role);
/* web_page_ctx plus "me" (the organiser) and "is_admin". */
JsonObject *console_ctx(struct web_req *req);

/* list.c: the bar above every console list (console/list_bar.html).
 * Sets ctx's "list" to the count, capped meaning "at least"; returns it
 * (owned by ctx) for web_list_paging. */
JsonObject *web_list_ctx(JsonObject *ctx, gint64 total, bool capped);
/* The page of pages, and the neighbours' addresses (NULL: none). */
void web_list_paging(JsonObject *list, gint64 page, gint64 pages,
    const char *prev_href, const char *next_href);
/* web_list_ctx for a whole list read at once: its length, capped when it
 * reached cap rows (0: never). */
void web_list_rows(JsonObject *ctx, JsonArray *rows, guint cap);
/* Each row's status_text: its status ("confirmed", ...) in the reader's
 * words (status_confirmed, ...). */
void web_list_status_texts(struct web_req *req, JsonArray *rows);
/* dashboard.c: the event's view as "event" and the dashboard's figures
 * and charts (SVG, raw) as "dash" in ctx; FALSE with error when app
 * refused or failed. */
gboolean web_dashboard_ctx(struct web_req *req, const struct web_call *c,
    JsonObject *ctx, GError **error);
/* ranking.c */
/* Adds "options" to each session in event's slots with the chosen rank
 * marked, and "ranks" (1..5, each with its options) to ctx. */
void web_ranking_ctx(JsonObject *ctx, JsonObject *event, const gint64 *chosen,
    size_t n);

/* route.c: the first segment of every route's path, and "static"
 * (transfer full): words an event's slug may not be. */
GHashTable *web_route_words(void);
/* respond.c: the event's address prefix, "/SLUG", or "" without an
 * event: before every link to an event's page. */
const char *web_base(struct web_req *req);
/* events.c: the event directory. */
struct web_events *web_events_new(void);
void web_events_free(struct web_events *d);
enum web_found {
	WEB_NOT_FOUND = 0,
	WEB_FOUND,
	WEB_FOUND_UNSURE, /* not known without reading the database */
	WEB_UNAVAILABLE,  /* the database is away and nothing is known */
};
/* The event whose slug is slug[0..len); may_load: a stale or missing
 * entry may be read from the database (never on an I/O thread). */
enum web_found web_events_find(struct web *web, const char *slug, size_t len,
    bool may_load, struct web_event *out);
/* The only event not archived, if there is exactly one. */
enum web_found web_events_sole(struct web *web, bool may_load,
    struct web_event *out);
/* Event id, read again if it is not known (a new event). */
bool web_events_by_id(struct web *web, gint64 id, struct web_event *out);
/* Forgets the list, after this process changed it (a new event). */
void web_events_forget(struct web *web);
/* Sets req->event to event_id's, for a page a token found (its links
 * carry the event's prefix). */
void web_req_set_event(struct web_req *req, gint64 event_id);
/* deadlines.c: sets "dl" in ctx to the event's deadlines as the pages
 * show them (app_deadlines_view, each with its weekday in the reader's
 * language; with participant_id > 0 their open change request), or null
 * when they could not be read. */
void web_deadlines_ctx(struct web_req *req, JsonObject *ctx, gint64 event_id,
    gint64 participant_id);

#endif
