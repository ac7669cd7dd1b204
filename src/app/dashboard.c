/*
 * dashboard.c -- the console dashboard's figures (dashboard.h): the
 * counts db/dashboard.c aggregates, read in one unit on one connection,
 * then what the charts need and the database does not say: shares in
 * percent, places left per day, texts in the reader's language, times in
 * the event's zone.
 */
#include "app/internal.h"
#include "app/dashboard.h"
#include "base/base.h"
#include "db/dashboard.h"

#include <math.h>
#include <pthread.h>

/*
 * The figures are read from the database at most once every
 * APP_DASH_CACHE_SECONDS per event and language (the event's view is in
 * one language): each statement reads every registration, and an
 * organiser's reload need not repeat that.  The cache holds JSON text,
 * not objects (no JSON object is shared between threads:
 * docs/threads.md); each reader parses its own copy.
 */
struct dash_entry {
	gint64 at; /* g_get_real_time() of the read */
	char *text;
};
static pthread_mutex_t dash_lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *dash_cache; /* "ID/LANG" -> struct dash_entry */

/* What one read brings back; the unit may run twice, so it starts by
 * dropping what a first run left. */
struct dash_read {
	gint64 event_id;
	JsonObject *view; /* app_event_view's */
	JsonObject *event, *mail;
	JsonArray *days, *sectors, *orgs, *sessions;
};

static void
dash_read_clear(struct dash_read *r)
{
	g_clear_pointer(&r->view, json_object_unref);
	g_clear_pointer(&r->event, json_object_unref);
	g_clear_pointer(&r->mail, json_object_unref);
	g_clear_pointer(&r->days, json_array_unref);
	g_clear_pointer(&r->sectors, json_array_unref);
	g_clear_pointer(&r->orgs, json_array_unref);
	g_clear_pointer(&r->sessions, json_array_unref);
}

static gboolean
dash_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct dash_read *r = user;
	g_autoptr(GError) dberr = NULL;
	gint64 id = r->event_id;

	(void)app;
	dash_read_clear(r);
	if ((r->event = db_dash_event(conn, id, &dberr)) == NULL ||
	    (r->days = db_dash_days(conn, id, &dberr)) == NULL ||
	    (r->sectors = db_dash_sectors(conn, id, &dberr)) == NULL ||
	    (r->orgs = db_dash_orgs(conn, id, APP_DASH_ORGS, &dberr)) == NULL ||
	    (r->sessions = db_dash_sessions(conn, id, &dberr)) == NULL ||
	    (r->mail = db_dash_mail(conn, id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

static void
dash_entry_free(gpointer p)
{
	struct dash_entry *e = p;

	g_free(e->text);
	g_free(e);
}

/* The read as one JSON text (transfer full). */
static char *
dash_read_text(const struct dash_read *r)
{
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
	JsonObject *o = json_object_new();

	json_object_set_object_member(o, "view", json_object_ref(r->view));
	json_object_set_object_member(o, "event", json_object_ref(r->event));
	json_object_set_object_member(o, "mail", json_object_ref(r->mail));
	json_object_set_array_member(o, "days", json_array_ref(r->days));
	json_object_set_array_member(o, "sectors", json_array_ref(r->sectors));
	json_object_set_array_member(o, "orgs", json_array_ref(r->orgs));
	json_object_set_array_member(o, "sessions",
	    json_array_ref(r->sessions));
	json_node_take_object(node, o);
	return json_to_string(node, FALSE);
}

/* r from a cached text; FALSE if it does not parse (it always should). */
static gboolean
dash_read_parse(struct dash_read *r, const char *text)
{
	g_autoptr(JsonNode) node = json_from_string(text, NULL);
	JsonObject *o;

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
		return FALSE;
	o = json_node_get_object(node);
	r->view = json_object_ref(json_object_get_object_member(o, "view"));
	r->event = json_object_ref(json_object_get_object_member(o, "event"));
	r->mail = json_object_ref(json_object_get_object_member(o, "mail"));
	r->days = json_array_ref(json_object_get_array_member(o, "days"));
	r->sectors = json_array_ref(json_object_get_array_member(o, "sectors"));
	r->orgs = json_array_ref(json_object_get_array_member(o, "orgs"));
	r->sessions = json_array_ref(
	    json_object_get_array_member(o, "sessions"));
	return TRUE;
}

/* Fills r from the cache when its entry is fresh, else from the
 * database, keeping what it read; *at gets when it was read. */
static gboolean
dash_load(const struct app *app, struct dash_read *r, const char *lang,
    gint64 *at, GError **error)
{
	g_autofree char *text = NULL;
	g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT "/%s",
	    r->event_id, lang);
	gint64 now = g_get_real_time();
	struct dash_entry *e;

	lock_acquire(&dash_lock);
	if (dash_cache == NULL)
		dash_cache = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, dash_entry_free);
	e = g_hash_table_lookup(dash_cache, key);
	if (e != NULL &&
	    now - e->at < APP_DASH_CACHE_SECONDS * G_USEC_PER_SEC) {
		text = g_strdup(e->text);
		*at = e->at;
	}
	lock_release(&dash_lock);
	if (text != NULL && dash_read_parse(r, text))
		return TRUE;
	if (!app_db_run(app, dash_read, r, error) ||
	    (r->view = app_event_view(app, r->event_id, lang, error)) == NULL)
		return FALSE;
	*at = now;
	e = g_new0(struct dash_entry, 1);
	e->at = now;
	e->text = dash_read_text(r);
	lock_acquire(&dash_lock);
	g_hash_table_replace(dash_cache, g_steal_pointer(&key), e);
	lock_release(&dash_lock);
	return TRUE;
}

/* n of all, in whole percent; 0 of nothing is 0. */
static gint64
pct(gint64 n, gint64 all)
{
	return all > 0 ? (gint64)llround(100.0 * (double)n / (double)all) : 0;
}

/* The latest APP_DASH_DAYS days, each with its places left. */
static JsonArray *
dash_days(JsonArray *rows, gint64 capacity, bool *cut)
{
	JsonArray *out = json_array_new();
	guint i, n = json_array_get_length(rows);
	guint from = n > APP_DASH_DAYS ? n - APP_DASH_DAYS : 0;

	*cut = from > 0;
	for (i = from; i < n; i++) {
		JsonObject *d = json_array_get_object_element(rows, i);

		json_object_set_int_member(d, "places_left",
		    MAX(capacity - db_int(d, "taken"), 0));
		json_array_add_object_element(out, json_object_ref(d));
	}
	return out;
}

static void
dash_sectors(JsonObject *out, JsonArray *sectors, const char *lang)
{
	static const char *const statuses[] = { "confirmed", "pending",
		"waitlisted" };
	gint64 all = 0, by[G_N_ELEMENTS(statuses)] = { 0 };
	guint i, k;

	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);
		gint64 t = 0;

		for (k = 0; k < G_N_ELEMENTS(statuses); k++) {
			by[k] += db_int(s, statuses[k]);
			t += db_int(s, statuses[k]);
		}
		json_object_set_int_member(s, "total", t);
		app_localise(s, lang, (const char *const[]){ "name", NULL });
		all += t;
	}
	for (k = 0; k < G_N_ELEMENTS(statuses); k++) {
		g_autofree char *name = g_strconcat("all_", statuses[k], NULL);

		json_object_set_int_member(out, name, by[k]);
	}
	json_object_set_int_member(out, "sector_people", all);
	json_object_set_array_member(out, "sectors", json_array_ref(sectors));
	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);

		json_object_set_int_member(s, "share_pct",
		    pct(db_int(s, "total"), all));
	}
}

static void
dash_orgs(JsonObject *out, JsonArray *orgs)
{
	gint64 people = 0, count = 0, shown = 0;
	guint i;

	for (i = 0; i < json_array_get_length(orgs); i++) {
		JsonObject *o = json_array_get_object_element(orgs, i);

		people = db_int(o, "people");
		count = db_int(o, "orgs");
		shown += db_int(o, "n");
	}
	for (i = 0; i < json_array_get_length(orgs); i++) {
		JsonObject *o = json_array_get_object_element(orgs, i);

		json_object_set_int_member(o, "share_pct",
		    pct(db_int(o, "n"), people));
		json_object_remove_member(o, "people");
		json_object_remove_member(o, "orgs");
	}
	json_object_set_array_member(out, "orgs", json_array_ref(orgs));
	json_object_set_int_member(out, "orgs_count", count);
	json_object_set_int_member(out, "orgs_people", people);
	json_object_set_int_member(out, "orgs_rest", people - shown);
}

static void
dash_sessions(JsonObject *out, JsonArray *sessions, const char *lang,
    GTimeZone *tz)
{
	gint64 cap_min = 0, cap_max = 0;
	guint i;

	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);
		gint64 placed = db_int(s, "placed");
		gint64 share = db_int(s, "sector_share_pct");
		gint64 top_pct = pct(db_int(s, "top_sector"), placed);

		app_localise(s, lang, (const char *const[]){ "title", NULL });
		app_local_time(s, "starts_at", tz, "%Y-%m-%d %H:%M", "");
		json_object_set_string_member(s, "starts",
		    db_str(s, "starts_at"));
		json_object_set_int_member(s, "fill_pct",
		    pct(db_int(s, "first_choices"), db_int(s, "capacity")));
		json_object_set_int_member(s, "placed_pct",
		    pct(placed, db_int(s, "capacity")));
		json_object_set_int_member(s, "top_sector_pct", top_pct);
		json_object_set_boolean_member(s, "sector_over",
		    top_pct > share);
		json_object_set_boolean_member(s, "org_over",
		    db_int(s, "top_org") > db_int(s, "org_limit"));
		cap_min = i == 0 ? share : MIN(cap_min, share);
		cap_max = MAX(cap_max, share);
	}
	json_object_set_array_member(out, "sessions", json_array_ref(sessions));
	json_object_set_int_member(out, "sector_cap_min", cap_min);
	json_object_set_int_member(out, "sector_cap_max", cap_max);
}

JsonObject *
app_dashboard_view(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *lang, GError **error)
{
	struct dash_read r = { .event_id = event_id };
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree char *as_of = NULL;
	JsonObject *out = NULL, *mail;
	gint64 capacity, at = 0;
	bool cut;

	if (!app_require(actor, "staff", error) ||
	    !dash_load(app, &r, lang, &at, error))
		goto done;
	out = json_object_new();
	capacity = db_int(r.event, "capacity");
	tz = app_zone(db_str(r.event, "timezone"));
	as_of = app_time_text(tz, at / G_USEC_PER_SEC, "%H:%M:%S");
	json_object_set_string_member(out, "as_of", as_of);
	json_object_set_int_member(out, "cache_seconds",
	    APP_DASH_CACHE_SECONDS);
	json_object_set_object_member(out, "event", json_object_ref(r.view));
	json_object_set_int_member(out, "capacity", capacity);
	json_object_set_int_member(out, "places_left",
	    db_int(r.event, "places_left"));
	json_object_set_int_member(out, "waitlisted",
	    db_int(r.event, "waitlisted"));
	json_object_set_array_member(out, "days",
	    dash_days(r.days, capacity, &cut));
	json_object_set_boolean_member(out, "days_cut", cut);
	dash_sectors(out, r.sectors, lang);
	dash_orgs(out, r.orgs);
	dash_sessions(out, r.sessions, lang, tz);
	mail = json_object_ref(r.mail);
	json_object_set_int_member(mail, "total",
	    db_int(mail, "sent") + db_int(mail, "queued") +
	        db_int(mail, "failed") + db_int(mail, "held"));
	json_object_set_object_member(out, "mail", mail);
done:
	dash_read_clear(&r);
	return out;
}
