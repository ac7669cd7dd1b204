/*
 * console_seating.c -- allocation and seating in the console: the
 * allocation preview with its diff, applying it, a session's seating with
 * move, pin, unpin and ban, printable seating plans and name cards,
 * publishing, and filling seats freed after publishing (a preview of who
 * gets each, then one POST).
 *
 * Reading pages need "staff"; every change needs "admin" (the route
 * table's rows, and again in the use case).  A move the rules refuse is
 * answered 400 with the seating page again and, above it, each broken
 * rule in words ("the session would have 6 of 10 seats from Business;
 * the limit is 5"); an admin may tick "override" for the sector and
 * organisation limits only.  The allocation page runs a dry run on every view and
 * writes nothing (GET never writes); applying it (a POST) records the
 * run with the placements.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

static gint64
parse_id(const char *s, gint64 min)
{
	guint64 v = 0;

	if (s == NULL || *s == '\0' ||
	    !g_ascii_string_to_unsigned(s, 10, (guint64)min, G_MAXINT32, &v,
	        NULL))
		return -1;
	return (gint64)v;
}

/* The catalog text key, with {name} replaced by each member of b. */
static char *
rule_message(struct web_req *req, JsonObject *b)
{
	g_autofree char *key = g_strconcat("seating_rule_",
	    app_view_str(b, "rule"), NULL);
	GString *s = g_string_new(web_text(req, key));
	g_autoptr(GList) members = json_object_get_members(b);
	bool en = strcmp(req->lang, "en") == 0;
	GList *l;

	for (l = members; l != NULL; l = l->next) {
		const char *name = l->data;
		JsonNode *n = json_object_get_member(b, name);
		g_autofree char *pat = NULL, *val = NULL;

		/* sector_nb/sector_en and clash_nb/clash_en become {sector}
		 * and {clash} in the page's language. */
		if (g_str_has_suffix(name, en ? "_nb" : "_en"))
			continue;
		if (g_str_has_suffix(name, "_nb") ||
		    g_str_has_suffix(name, "_en"))
			pat = g_strdup_printf("{%.*s}", (int)strlen(name) - 3,
			    name);
		else
			pat = g_strdup_printf("{%s}", name);
		if (json_node_get_value_type(n) == G_TYPE_STRING)
			val = g_strdup(json_node_get_string(n));
		else if (json_node_get_value_type(n) == G_TYPE_INT64)
			val = g_strdup_printf("%" G_GINT64_FORMAT,
			    json_node_get_int(n));
		else
			continue;
		g_string_replace(s, pat, val, 0);
	}
	return g_string_free(s, FALSE);
}

static void
allocation_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *preview;
	const char *done = web_query(req, "done");

	(void)c;
	preview = app_allocation_preview(req->web->app, c->event_id, req->lang,
	    &error);
	if (preview == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "seating_allocation"));
	json_object_set_object_member(ctx, "preview", preview);
	if (g_strcmp0(done, "applied") == 0)
		json_object_set_string_member(ctx, "notice",
		    web_text(req, "seating_applied"));
	web_render(req, MHD_HTTP_OK, "console/seating_allocation.html", ctx);
}

static void
allocation_apply(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_alloc_report rep = { 0 };

	if (!app_allocation_apply(req->web->app, c->actor, &rep, &error)) {
		web_app_error(req, error);
		return;
	}
	app_alloc_report_clear(&rep);
	web_redirect(req, "/console/allocation?done=applied");
}

/* The seating of session id in template name, with status. */
/*
 * The seating page shows TABLES_PER_PAGE tables from ?from=N on (a
 * session of 10,000 seats has a thousand tables), with links to the
 * others; the print pages show them all.
 */
#define TABLES_PER_PAGE 25

static void
seating_page_tables(struct web_req *req, JsonObject *view)
{
	JsonArray *all = app_view_array(view, "tables");
	JsonArray *shown = json_array_new(), *pages = json_array_new();
	guint n = json_array_get_length(all), i;
	gint64 from = parse_id(web_query(req, "from"), 1);

	if (from < 1 || (guint64)from > n)
		from = 1;
	for (i = 0; i < n; i++) {
		if (i + 1 >= (guint)from &&
		    i + 1 < (guint)from + TABLES_PER_PAGE)
			json_array_add_object_element(shown,
			    json_object_ref(
			        json_array_get_object_element(all, i)));
		if (n > TABLES_PER_PAGE && i % TABLES_PER_PAGE == 0) {
			JsonObject *p = json_object_new();

			json_object_set_int_member(p, "from", i + 1);
			json_object_set_int_member(p, "to",
			    MIN(i + TABLES_PER_PAGE, n));
			json_object_set_boolean_member(p, "current",
			    i + 1 == (guint)from);
			json_array_add_object_element(pages, p);
		}
	}
	json_object_set_array_member(view, "tables", shown);
	json_object_set_array_member(view, "pages", pages);
	json_object_set_boolean_member(view, "paged", n > TABLES_PER_PAGE);
}

static void
seating_render(struct web_req *req, gint64 id, const char *name,
    unsigned status, JsonObject *refused, const char *done)
{
	bool paged = strcmp(name, "console/seating_session.html") == 0;

	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *view;

	view = app_seating_view(req->web->app, req->event.id, id, req->lang,
	    &error);
	if (view == NULL) {
		web_app_error(req, error);
		return;
	}
	if (paged)
		seating_page_tables(req, view);
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    app_view_str(app_view_object(view, "session"), "title"));
	json_object_set_object_member(ctx, "view", view);
	if (done != NULL) {
		g_autofree char *key = g_strconcat("seating_done_", done, NULL);

		if (json_object_has_member(web_catalog(req), key))
			json_object_set_string_member(ctx, "notice",
			    web_text(req, key));
	}
	if (refused != NULL)
		json_object_set_object_member(ctx, "refused",
		    json_object_ref(refused));
	web_render(req, status, name, ctx);
}

static void
seating_page(struct web_req *req, const struct web_call *c)
{
	seating_render(req, c->id, "console/seating_session.html", MHD_HTTP_OK,
	    NULL, web_query(req, "done"));
}

static void
seating_plan(struct web_req *req, const struct web_call *c)
{
	seating_render(req, c->id, "console/seating_plan.html", MHD_HTTP_OK,
	    NULL, NULL);
}

static void
seating_cards(struct web_req *req, const struct web_call *c)
{
	seating_render(req, c->id, "console/seating_cards.html", MHD_HTTP_OK,
	    NULL, NULL);
}

static const char *const action_words[APP_SEATING__MAX] = {
	[APP_SEATING_MOVE] = "move",
	[APP_SEATING_PIN] = "pin",
	[APP_SEATING_UNPIN] = "unpin",
	[APP_SEATING_BAN] = "ban",
};

/* A 400 answer: the page again with one message of its own. */
static void
seating_refuse(struct web_req *req, gint64 id, const char *message,
    gint64 participant_id)
{
	g_autoptr(JsonObject) refused = json_object_new();
	JsonArray *msgs = json_array_new();
	JsonObject *m = json_object_new();

	json_object_set_string_member(m, "message", message);
	json_array_add_object_element(msgs, m);
	json_object_set_array_member(refused, "messages", msgs);
	json_object_set_int_member(refused, "participant_id", participant_id);
	seating_render(req, id, "console/seating_session.html",
	    MHD_HTTP_BAD_REQUEST, refused, NULL);
}

static void
seating_post(struct web_req *req, const struct web_call *call)
{
	GHashTable *form = call->form;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) refused = NULL;
	g_autofree char *to = NULL;
	struct app_seating_change c = { 0 };
	const char *action, *table;
	gint64 id = call->id;
	guint i;

	action = g_hash_table_lookup(form, "action");
	for (i = 0; i < APP_SEATING__MAX; i++)
		if (g_strcmp0(action, action_words[i]) == 0)
			break;
	c.action = i;
	c.session_id = id;
	c.participant_id = parse_id(g_hash_table_lookup(form, "participant"),
	    1);
	if (i == APP_SEATING__MAX || c.participant_id < 0) {
		seating_refuse(req, id, web_text(req, "seating_bad_form"), 0);
		return;
	}
	if (c.action == APP_SEATING_MOVE) {
		const char *s = g_hash_table_lookup(form, "to_session");

		c.to_session = s == NULL || *s == '\0' ? id : parse_id(s, 1);
		table = g_hash_table_lookup(form, "table");
		c.table_no = table == NULL || *table == '\0' ?
		    0 :
		    parse_id(table, 1);
		if (c.to_session < 0 || c.table_no < 0) {
			seating_refuse(req, id,
			    web_text(req, "seating_bad_table"),
			    c.participant_id);
			return;
		}
		if (c.to_session == id && c.table_no == 0) {
			seating_refuse(req, id,
			    web_text(req, "seating_no_change"),
			    c.participant_id);
			return;
		}
		c.override = g_hash_table_lookup(form, "override") != NULL;
	}
	if (!app_seating_change(req->web->app, call->actor, &c, &refused,
	        &error)) {
		if (refused != NULL) {
			JsonArray *broken = app_view_array(refused, "broken");
			JsonArray *msgs = json_array_new();
			bool may_override = true;

			for (i = 0; i < json_array_get_length(broken); i++) {
				JsonObject *b = json_array_get_object_element(
				               broken, i),
				           *m = json_object_new();
				g_autofree char *msg = rule_message(req, b);

				json_object_set_string_member(m, "message",
				    msg);
				json_object_set_string_member(m, "rule",
				    app_view_str(b, "rule"));
				json_array_add_object_element(msgs, m);
				if (!app_view_bool(b, "overridable"))
					may_override = false;
			}
			json_object_set_array_member(refused, "messages", msgs);
			json_object_set_boolean_member(refused, "may_override",
			    may_override);
			json_object_set_int_member(refused, "participant_id",
			    c.participant_id);
			json_object_set_int_member(refused, "to_session",
			    c.to_session);
			json_object_set_int_member(refused, "table_no",
			    c.table_no);
			seating_render(req, id, "console/seating_session.html",
			    MHD_HTTP_BAD_REQUEST, refused, NULL);
		} else if (g_error_matches(error, SUMMIT_APP_ERROR,
		               APP_EINVALID))
			seating_refuse(req, id,
			    web_text(req, "seating_bad_table"),
			    c.participant_id);
		else
			web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/console/sessions/%" G_GINT64_FORMAT
	                     "/seating?done=%s",
	    id, action_words[c.action]);
	web_redirect(req, to);
}

static void
publish_set(JsonObject *ctx, const struct app_publish_counts *n)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "invites", n->invites);
	json_object_set_int_member(o, "updates", n->updates);
	json_object_set_int_member(o, "cancels", n->cancels);
	json_object_set_boolean_member(o, "any",
	    n->invites + n->updates + n->cancels > 0);
	json_object_set_object_member(ctx, "counts", o);
}

/* The freed seats: "refill" {published, automatic, free_seats, waiting,
 * any (a seat someone waits for)}. */
static bool
refill_set(struct web_req *req, JsonObject *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) st = app_refill_state(req->web->app,
	    req->event.id, &error);
	JsonObject *o;

	if (st == NULL) {
		web_app_error(req, error);
		return false;
	}
	o = json_object_new();
	json_object_set_boolean_member(o, "published",
	    app_view_bool(st, "published"));
	json_object_set_boolean_member(o, "automatic",
	    app_view_bool(st, "automatic"));
	json_object_set_int_member(o, "free_seats",
	    app_view_int(st, "free_seats"));
	json_object_set_int_member(o, "waiting", app_view_int(st, "waiting"));
	json_object_set_boolean_member(o, "any",
	    app_view_int(st, "free_seats") > 0 &&
	        app_view_int(st, "waiting") > 0);
	json_object_set_object_member(ctx, "refill", o);
	return true;
}

static void
publish_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	struct app_publish_counts n;

	(void)c;
	if (!app_publish_preview(req->web->app, c->event_id, &n, &error)) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "seating_publish"));
	publish_set(ctx, &n);
	if (!refill_set(req, ctx))
		return;
	if (g_strcmp0(web_query(req, "done"), "published") == 0)
		json_object_set_string_member(ctx, "notice",
		    web_text(req, "seating_published"));
	web_render(req, MHD_HTTP_OK, "console/seating_publish.html", ctx);
}

static void
publish_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_publish_counts n;

	if (!app_publish_confirm(req->web->app, c->actor, &n, &error)) {
		web_app_error(req, error);
		return;
	}
	web_redirect(req, "/console/publish?done=published");
}

/* Who would get each freed seat: a dry run, written nowhere. */
static void
refill_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *preview;

	preview = app_refill_preview(req->web->app, c->actor, req->lang,
	    &error);
	/* Before the first publish the page says so (it is not an error:
	 * there is just nothing to fill yet). */
	if (preview == NULL &&
	    !g_error_matches(error, SUMMIT_APP_ERROR, APP_ESTATE)) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_boolean_member(ctx, "unpublished", preview == NULL);
	if (preview == NULL)
		preview = json_object_new();
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "seating_refill"));
	json_object_set_object_member(ctx, "preview", preview);
	if (g_strcmp0(web_query(req, "done"), "filled") == 0)
		json_object_set_string_member(ctx, "notice",
		    web_text(req, "seating_refilled"));
	web_render(req, MHD_HTTP_OK, "console/seating_refill.html", ctx);
}

static void
refill_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_refill_result r;

	if (!app_refill(req->web->app, c->actor, &r, &error)) {
		web_app_error(req, error);
		return;
	}
	web_redirect(req, "/console/refill?done=filled");
}

const struct web_route console_seating_routes[] = {
	{ "GET", "/console/allocation", allocation_page, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/allocation/apply", allocation_apply, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/sessions/*/seating", seating_page, WEB_STAFF,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/sessions/*/seating", seating_post, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/sessions/*/plan", seating_plan, WEB_STAFF,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/sessions/*/cards", seating_cards, WEB_STAFF,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/publish", publish_page, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/publish", publish_post, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/refill", refill_page, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/refill", refill_post, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
