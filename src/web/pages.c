/*
 * pages.c -- the public pages: the event, registration, privacy, and
 * their route table.
 */
#include "web/internal.h"
#include "base/base.h"
#include "form/form.h"

#include <string.h>

/* The event page changes only when someone registers: render it at most
 * once a second per language, so a rush of visitors costs no queries.
 * The first request that finds the copy older than that renders it again
 * (on a worker); requests that come while it does get the copy they would
 * have got a moment before, on their I/O thread, instead of all queuing
 * to render the same page (at tens of thousands of requests a second,
 * dozens did, each with its query, every second).  A render that never
 * ends its turn (it cannot, but a bug might) is given up after
 * EVENT_PAGE_RENEW_US, so the page never stays old.
 * The cached copy is only touched under cache_lock, copied out included:
 * handing out references and reading after the unlock would leave its
 * lifetime to GBytes' atomic count, which ThreadSanitizer cannot see (the
 * copy of a few kilobytes costs well under a microsecond). */
#define EVENT_PAGE_TTL_US G_USEC_PER_SEC
#define EVENT_PAGE_RENEW_US (10 * G_USEC_PER_SEC)

/* One event's cached page. */
struct web_event_page {
	gint64 event_id; /* the key: the event's id, negative at / */
	GBytes *page[2];
	gint64 at[2];
	gint64 renewing[2];         /* when one began rendering; 0: none */
	struct web_shared *resp[2]; /* page[i] as a response */
};

void
web_event_page_free(gpointer p)
{
	struct web_event_page *e = p;
	int i;

	for (i = 0; i < 2; i++) {
		if (e->page[i] != NULL)
			g_bytes_unref(e->page[i]);
		web_shared_unref(e->resp[i]);
	}
	g_free(e);
}

/* req's event's entry, made on first use; under cache_lock.  The page at
 * /SLUG/ and the page at / (the only event) differ in their links, so
 * each has its own entry: the latter's key is minus the event's id. */
static struct web_event_page *
event_page_of(struct web_req *req)
{
	struct web *web = req->web;
	gint64 key = req->event_implied ? -req->event.id : req->event.id;
	struct web_event_page *e = g_hash_table_lookup(web->event_pages, &key);

	if (e == NULL) {
		e = g_new0(struct web_event_page, 1);
		e->event_id = key;
		g_hash_table_insert(web->event_pages, &e->event_id, e);
	}
	return e;
}

bool
web_event_page_cached(struct web_req *req)
{
	struct web *web = req->web;
	struct web_event_page *e;
	int li = web_lang_index(req->lang);
	gint64 now = g_get_monotonic_time();
	bool hit = false;

	if (req->renews_page || req->event.id == 0)
		return false; /* this one renders it */
	lock_acquire(&web->cache_lock);
	e = event_page_of(req);
	if (e->page[li] != NULL) {
		hit = now - e->at[li] < EVENT_PAGE_TTL_US ||
		    (e->renewing[li] != 0 &&
		        now - e->renewing[li] < EVENT_PAGE_RENEW_US);
		if (!hit) {
			e->renewing[li] = now;
			req->renews_page = true;
		}
	}
	/* The response built once, unless this answer sets a cookie. */
	if (hit && !req->set_lang_cookie && e->resp[li] != NULL)
		req->shared = web_shared_ref(e->resp[li]);
	else if (hit) {
		gsize len;
		const char *data = g_bytes_get_data(e->page[li], &len);

		g_string_truncate(req->out, 0);
		g_string_append_len(req->out, data, (gssize)len);
	}
	lock_release(&web->cache_lock);
	if (hit) {
		req->status = MHD_HTTP_OK;
		req->content_type = "text/html; charset=utf-8";
	}
	return hit;
}

static void
page_event(struct web_req *req, const struct web_call *c)
{
	struct web *web = req->web;
	struct web_event_page *e;
	int li = web_lang_index(req->lang);
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *event;
	GBytes *page = NULL;
	struct web_shared *resp = NULL, *old = NULL;
	gint64 now = g_get_monotonic_time();

	if (web_event_page_cached(req))
		return;
	g_string_truncate(req->out, 0);
	event = app_event_view(web->app, c->event_id, req->lang, &error);
	if (event == NULL)
		web_app_error(req, error);
	else {
		ctx = web_page_ctx(req);
		web_deadlines_ctx(req, ctx, c->event_id, 0);
		json_object_set_object_member(ctx, "event", event);
		web_render(req, MHD_HTTP_OK, "event.html", ctx);
	}
	if (req->status == MHD_HTTP_OK) {
		page = g_bytes_new(req->out->str, req->out->len);
		resp = web_shared_new(req->out->str, req->out->len,
		    req->content_type);
	}
	lock_acquire(&web->cache_lock);
	e = event_page_of(req);
	if (page != NULL) {
		if (e->page[li] != NULL)
			g_bytes_unref(e->page[li]);
		e->page[li] = page;
		old = e->resp[li];
		e->resp[li] = resp;
		e->at[li] = now;
	}
	/* Failed or not, the turn ends: the next request tries again. */
	if (req->renews_page)
		e->renewing[li] = 0;
	lock_release(&web->cache_lock);
	web_shared_unref(old);
}

enum reg_field {
	RF_NAME,
	RF_EMAIL,
	RF_ORGANISATION,
	RF_SECTOR,
	RF_ROLE,
	RF_NEEDS,
	RF_LANGUAGE,
	RF_CONSENT,
	RF_INVITATION_CODE,
	RF__MAX
};

static const struct form_field reg_fields[RF__MAX] = {
	[RF_NAME] = { "name", FORM_NAME, 200, true, 0, 0 },
	[RF_EMAIL] = { "email", FORM_EMAIL, 254, true, 0, 0 },
	[RF_ORGANISATION] = { "organisation", FORM_NAME, 200, true, 0, 0 },
	[RF_SECTOR] = { "sector", FORM_LINE, 32, true, 0, 0 },
	[RF_ROLE] = { "role", FORM_NAME, 200, false, 0, 0 },
	[RF_NEEDS] = { "needs", FORM_BLOCK, 2000, false, 0, 0 },
	[RF_LANGUAGE] = { "language", FORM_LINE, 2, true, 0, 0 },
	[RF_CONSENT] = { "consent", FORM_BOOL, 0, true, 0, 0 },
	/* Required in invitation mode: the use case checks it. */
	[RF_INVITATION_CODE] = { "invitation_code", FORM_LINE, 32, false, 0,
	    0 },
};

/* Fields a form may carry besides reg_fields. */
static bool
reg_known_field(const char *name)
{
	size_t i;

	if (strcmp(name, "_csrf") == 0 || web_answer_field(name) ||
	    (g_str_has_prefix(name, "rank") && strlen(name) == 5 &&
	        name[4] >= '1' && name[4] <= '5'))
		return true;
	for (i = 0; i < RF__MAX; i++)
		if (strcmp(name, reg_fields[i].name) == 0)
			return true;
	return false;
}

/* The fields register.html shows as typed text. */
static const char *const reg_texts[] = { "name", "email", "organisation",
	"role", "needs", "invitation_code" };

/* The form page, with what was typed and a message per wrong field. */
static void
reg_render_form(struct web_req *req, unsigned status, GHashTable *form,
    JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *event, *values;
	struct web_ranking r = { 0 };
	JsonArray *sectors;
	const char *lang_value;
	guint i;

	event = app_event_view(req->web->app, req->event.id, req->lang, &error);
	if (event == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = web_page_ctx(req);
	values = web_form_typed(form);
	/* Every text the form shows back, empty on first display. */
	for (i = 0; i < G_N_ELEMENTS(reg_texts); i++)
		if (!json_object_has_member(values, reg_texts[i]))
			json_object_set_string_member(values, reg_texts[i], "");
	if (form != NULL)
		web_ranking_parse(form, &r);
	lang_value = json_object_has_member(values, "language") ?
	    json_object_get_string_member(values, "language") :
	    req->lang;
	json_object_set_boolean_member(values, "language_en",
	    strcmp(lang_value, "en") == 0);
	json_object_set_boolean_member(values, "language_nb",
	    strcmp(lang_value, "en") != 0);
	sectors = json_object_get_array_member(event, "sectors");
	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);

		json_object_set_boolean_member(s, "selected",
		    json_object_has_member(values, "sector") &&
		        g_strcmp0(app_view_str(s, "code"),
		            json_object_get_string_member(values, "sector")) ==
		            0);
	}
	web_ranking_ctx(ctx, event, r.sessions, r.n);
	json_object_set_boolean_member(ctx, "invitation_only",
	    g_strcmp0(app_view_str(event, "invitation_mode"), "invitation") ==
	        0);
	if (!web_register_questions_ctx(req, ctx, app_view_int(event, "id"),
	        form, errors)) {
		json_object_unref(event);
		return;
	}
	json_object_set_object_member(ctx, "event", event);
	web_form_ctx_set(ctx, values, errors);
	web_render(req, status, "register.html", ctx);
}

void
web_register_form(struct web_req *req, GHashTable *values)
{
	reg_render_form(req, MHD_HTTP_OK, values, NULL);
}

static void
page_register_form(struct web_req *req, const struct web_call *c)
{
	(void)c;
	reg_render_form(req, MHD_HTTP_OK, NULL, NULL);
}

/* The refused answers into errors; false if the check could not be made
 * (answered). */
static bool
reg_answer_errors(struct web_req *req, const struct web_call *c,
    GHashTable *answers, JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) refused = app_answers_check(req->web->app,
	    c->event_id, c->fields->v[RF_SECTOR].str, answers, &error);

	if (refused == NULL) {
		web_app_error(req, error);
		return false;
	}
	web_answers_errors(req, refused, errors);
	return true;
}

/*
 * POST /register: 303 to /registered (new or known e-mail alike), 400
 * with the form and a message per field, 403 (CSRF), 409 (closed), 429
 * (rate limit, with Retry-After; nothing stored), 503.
 */
static void
page_register_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(JsonObject) errors = json_object_new();
	g_autoptr(GError) error = NULL;
	const struct form_value *v = c->fields->v;
	struct web_ranking r;
	struct app_registration reg;
	struct app_refusal refusal = { NULL, 0 };
	g_autoptr(GHashTable) answers = NULL;
	GHashTableIter it;
	gpointer k;

	/* Every attempt counts against the client address, valid or not. */
	if (!web_throttle_address(req))
		return;
	g_hash_table_iter_init(&it, c->form);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (!reg_known_field(k)) {
			log_warnx("request %s: unknown form field", req->id);
			web_error_page(req, MHD_HTTP_BAD_REQUEST,
			    "error_bad_request");
			return;
		}

	if (v[RF_CONSENT].err != FORM_FIELD_OK)
		web_field_error(req, errors, "consent", "err_consent");
	web_field_errors(req, c->fields, errors);
	web_ranking_parse(c->form, &r);
	if (r.error != NULL)
		web_field_error(req, errors, "sessions", r.error);

	answers = web_answers_of(c->form);
	/* A form refused anyway shows every refused answer with the rest
	 * (app_register checks them too, and a valid form costs no more
	 * than that). */
	if (json_object_get_size(errors) > 0 &&
	    !reg_answer_errors(req, c, answers, errors))
		return;
	if (json_object_get_size(errors) == 0 &&
	    !web_throttle_domain(req, v[RF_EMAIL].str))
		return;
	if (json_object_get_size(errors) == 0) {
		reg = (struct app_registration){
			.name = v[RF_NAME].str,
			.email = v[RF_EMAIL].str,
			.organisation = v[RF_ORGANISATION].str,
			.sector = v[RF_SECTOR].str,
			.role = v[RF_ROLE].str,
			.needs = v[RF_NEEDS].str,
			.language = v[RF_LANGUAGE].str,
			.nsessions = r.n,
			.invitation_code = v[RF_INVITATION_CODE].str,
			.event_id = c->event_id,
			.answers = answers,
		};
		memcpy(reg.sessions, r.sessions, sizeof(reg.sessions));
		if (app_register(req->web->app, &reg, &refusal, &error)) {
			web_redirect(req, "/registered");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID) ||
		    refusal.field == NULL) {
			web_app_error(req, error);
			return;
		}
		if (web_answer_field(refusal.field)) {
			/* Every refused answer, not only the first. */
			if (!reg_answer_errors(req, c, answers, errors))
				return;
			if (json_object_get_size(errors) == 0)
				web_answer_refusal(req, &refusal, errors);
		} else
			web_field_error(req, errors, refusal.field,
			    web_refusal_key(&refusal, "err_invalid"));
	}
	reg_render_form(req, MHD_HTTP_BAD_REQUEST, c->form, errors);
}

static void
page_registered(struct web_req *req, const struct web_call *c)
{
	g_autoptr(JsonObject) ctx = web_page_ctx(req);

	(void)c;
	json_object_set_int_member(ctx, "confirm_hours",
	    req->web->conf->confirm_hours);
	web_render(req, MHD_HTTP_OK, "registered.html", ctx);
}

bool
web_health_live(struct web_req *req)
{
	if (strcmp(req->path, "/health") != 0 &&
	    strcmp(req->path, "/health/live") != 0)
		return false;
	g_string_assign(req->out, "ok\n");
	req->status = MHD_HTTP_OK;
	req->content_type = "text/plain; charset=utf-8";
	return true;
}

/* The rows for the dispatcher's sake: an I/O thread answers these paths
 * before any worker would (web_answer_inline). */
static void
page_health(struct web_req *req, const struct web_call *c)
{
	(void)c;
	g_string_assign(req->out, "ok\n");
	req->status = MHD_HTTP_OK;
	req->content_type = "text/plain; charset=utf-8";
}

/* /health/ready: 200 when the database answers and every migration file
 * is applied, else 503 with the reason (for a balancer: send no traffic
 * here yet). */
static void
page_health_ready(struct web_req *req, const struct web_call *c)
{
	g_autofree char *reason = NULL;

	(void)c;
	req->content_type = "text/plain; charset=utf-8";
	if (app_ready(req->web->app, &reason)) {
		g_string_assign(req->out, "ready\n");
		req->status = MHD_HTTP_OK;
		return;
	}
	g_string_printf(req->out, "not ready: %s\n", reason);
	req->status = MHD_HTTP_SERVICE_UNAVAILABLE;
}

const struct web_route web_pages_routes[] = {
	{ "GET", "/", page_event, WEB_PUBLIC, WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/register", page_register_form, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/register", page_register_post, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_FIELDS(reg_fields), 0 },
	{ "GET", "/registered", page_registered, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/privacy", web_privacy_page, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/health", page_health, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/health/live", page_health, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/health/ready", page_health_ready, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	WEB_ROUTES_END,
};
