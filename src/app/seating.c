/*
 * seating.c -- use cases for the console area "seating": the allocation
 * preview and its application, a session's seating, manual moves, pins
 * and bans (publishing is publish.c's).
 *
 * The preview is a dry run of the exact allocator (allocate.c) that
 * writes nothing, not even an allocation_run record: it is a page view.
 * Runs are recorded when applied.  Its placements are then summed per
 * session and sector in one statement, and the people it places nowhere
 * are found with one anti-join, so the page costs one solve and three
 * queries whatever the size of the event.
 *
 * A manual move takes the event's allocation lock (so it cannot race an
 * allocation run or another move), re-checks the rules the allocator
 * keeps, and pins the new placement: assignment.pinned is set and a "pin"
 * placement rule written, because the allocator honours rules, not the
 * flag.  An override of the sector share or organisation limit is an
 * organiser's deliberate choice and is written to the audit log with the
 * rules it overrode; the allocator then keeps the pin and takes the
 * remaining seats from the limits that pins leave.  Capacity, a full
 * table, a slot clash and a ban are never overridden.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

#define NOWHERE_LIMIT 500

static const char *const action_names[APP_SEATING__MAX] = {
	[APP_SEATING_MOVE] = "seating.move",
	[APP_SEATING_PIN] = "seating.pin",
	[APP_SEATING_UNPIN] = "seating.unpin",
	[APP_SEATING_BAN] = "seating.ban",
};

static gint64
pct(gint64 part, gint64 whole)
{
	if (whole <= 0)
		return 0;
	return CLAMP((part * 100 + whole / 2) / whole, 0, 100);
}

/* The elements of an array text "{a,b,c}" (transfer full). */
static char **
array_split(const char *text)
{
	size_t n = text != NULL ? strlen(text) : 0;
	g_autofree char *inner = NULL;

	if (n < 2)
		return g_new0(char *, 1);
	inner = g_strndup(text + 1, n - 2);
	return g_strsplit(inner, ",", -1);
}

/*
 * The sector mix rows {session_id, sector, n} of seats, with confirmed
 * (ids and sectors of the confirmed participants) telling each one's
 * sector; *unplaced gets the array text of the confirmed participants
 * with no seat.  Sums in C: see db/seating.c on why not in SQL.
 */
static JsonArray *
preview_mix(JsonObject *confirmed, GArray *seats, char **unplaced)
{
	g_auto(GStrv) ids = array_split(db_str(confirmed, "ids"));
	g_auto(GStrv) sectors = array_split(db_str(confirmed, "sectors"));
	g_autoptr(GHashTable) sector_of = g_hash_table_new(g_int64_hash,
	    g_int64_equal);
	g_autoptr(GHashTable) placed = g_hash_table_new(g_int64_hash,
	    g_int64_equal);
	g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autofree gint64 *keys = NULL;
	GString *rest = g_string_new("{");
	JsonArray *rows = json_array_new();
	GHashTableIter it;
	gpointer k, v;
	size_t i, n = g_strv_length(ids);

	keys = g_new(gint64, n + 1);
	for (i = 0; i < n && sectors[i] != NULL; i++) {
		keys[i] = g_ascii_strtoll(ids[i], NULL, 10);
		g_hash_table_insert(sector_of, &keys[i], sectors[i]);
	}
	for (i = 0; i < seats->len; i++) {
		struct app_alloc_seat *x = &g_array_index(seats,
		    struct app_alloc_seat, i);
		const char *sec = g_hash_table_lookup(sector_of,
		    &x->participant_id);
		char *key;

		g_hash_table_add(placed, &x->participant_id);
		if (sec == NULL)
			continue;
		key = g_strdup_printf("%" G_GINT64_FORMAT "\t%s", x->session_id,
		    sec);
		v = g_hash_table_lookup(counts, key);
		g_hash_table_replace(counts, key,
		    GSIZE_TO_POINTER(GPOINTER_TO_SIZE(v) + 1));
	}
	for (i = 0; i < n && sectors[i] != NULL; i++)
		if (!g_hash_table_contains(placed, &keys[i]))
			g_string_append_printf(rest, "%s%s",
			    rest->len > 1 ? "," : "", ids[i]);
	g_string_append_c(rest, '}');
	*unplaced = g_string_free(rest, FALSE);
	g_hash_table_iter_init(&it, counts);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		JsonObject *row = json_object_new();
		const char *tab = strchr(k, '\t');

		json_object_set_int_member(row, "session_id",
		    g_ascii_strtoll(k, NULL, 10));
		json_object_set_string_member(row, "sector", tab + 1);
		json_object_set_int_member(row, "n",
		    (gint64)GPOINTER_TO_SIZE(v));
		json_array_add_object_element(rows, row);
	}
	return rows;
}

static JsonObject *
preview_figures(const char *figures_json, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *in, *out = json_object_new();
	JsonArray *hist, *rows = json_array_new();
	g_autofree char *first = NULL;
	gint64 placed;
	guint r;

	if (!json_parser_load_from_data(parser, figures_json, -1, error)) {
		json_object_unref(out);
		json_array_unref(rows);
		return NULL;
	}
	in = json_node_get_object(json_parser_get_root(parser));
	placed = json_object_get_int_member(in, "placed");
	json_object_set_int_member(out, "participants",
	    json_object_get_int_member(in, "participants"));
	json_object_set_int_member(out, "placed", placed);
	json_object_set_int_member(out, "nowhere",
	    json_object_get_int_member(in, "nowhere"));
	first = g_strdup_printf("%.1f",
	    json_object_get_double_member(in, "first_choice_pct"));
	json_object_set_string_member(out, "first_choice_pct", first);
	json_object_set_string_member(out, "objective",
	    json_object_get_string_member(in, "objective"));
	hist = json_object_get_array_member(in, "rank_hist");
	for (r = 0; hist != NULL && r < json_array_get_length(hist); r++) {
		JsonObject *row = json_object_new();
		gint64 n = json_array_get_int_element(hist, r);

		json_object_set_int_member(row, "rank", r + 1);
		json_object_set_int_member(row, "seats", n);
		json_object_set_int_member(row, "pct", pct(n, placed));
		json_array_add_object_element(rows, row);
	}
	json_object_set_array_member(out, "rank_hist", rows);
	return out;
}

/* The sessions' slot times as text in the event's zone. */
static void
seating_times(JsonArray *sessions, JsonObject *event)
{
	g_autoptr(GTimeZone) tz = app_zone(db_str(event, "timezone"));

	app_local_times(sessions, "starts", tz, "%Y-%m-%d %H:%M", "");
	app_local_times(sessions, "ends", tz, "%H:%M", "");
}

static const char *const session_bases[] = { "title", NULL };
static const char *const sector_bases[] = { "name", NULL };

/* Adds placed, fill_pct and mix to each session from the mix rows. */
static void
preview_sessions(JsonArray *sessions, JsonArray *mix, JsonArray *sectors,
    const char *lang)
{
	guint i, j, k;

	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);
		JsonArray *bars = json_array_new();
		gint64 id = db_int(s, "id"), placed = 0;

		app_localise(s, lang, session_bases);
		for (j = 0; j < json_array_get_length(mix); j++) {
			JsonObject *m = json_array_get_object_element(mix, j);

			if (db_int(m, "session_id") == id)
				placed += db_int(m, "n");
		}
		for (k = 0; k < json_array_get_length(sectors); k++) {
			JsonObject *sec = json_array_get_object_element(sectors,
			    k);
			const char *code = db_str(sec, "code");

			for (j = 0; j < json_array_get_length(mix); j++) {
				JsonObject *m = json_array_get_object_element(
				               mix, j),
				           *bar;

				if (db_int(m, "session_id") != id ||
				    g_strcmp0(db_str(m, "sector"), code) != 0)
					continue;
				bar = json_object_new();
				json_object_set_string_member(bar, "sector",
				    code);
				json_object_set_string_member(bar, "name",
				    db_str(sec, "name"));
				json_object_set_int_member(bar, "n",
				    db_int(m, "n"));
				json_object_set_int_member(bar, "pct",
				    pct(db_int(m, "n"), placed));
				json_array_add_object_element(bars, bar);
			}
		}
		json_object_set_int_member(s, "placed", placed);
		json_object_set_int_member(s, "fill_pct",
		    pct(placed, db_int(s, "capacity")));
		json_object_set_array_member(s, "mix", bars);
	}
}

JsonObject *
app_allocation_preview(const struct app *app, gint64 event_id, const char *lang,
    GError **error)
{
	struct app_alloc_options opt = { .apply = false,
		.preview = true,
		.keep_bonus = 1,
		.event_id = event_id };
	struct app_alloc_report rep = { 0 };
	g_autoptr(GArray) seats = g_array_new(FALSE, FALSE,
	    sizeof(struct app_alloc_seat));
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = NULL;
	g_autofree char *unplaced = NULL;
	g_autoptr(JsonObject) confirmed = NULL;
	JsonArray *sessions = NULL, *mix = NULL, *sectors = NULL;
	JsonArray *nowhere = NULL;
	JsonObject *out = NULL, *figures, *diff, *current;
	DbConn *conn;
	gint64 t0;
	guint i;

	if (!app_allocate_seats(app, &opt, &rep, seats, error))
		return NULL;
	t0 = g_get_monotonic_time();
	figures = preview_figures(rep.figures_json, error);
	if (figures == NULL) {
		app_alloc_report_clear(&rep);
		return NULL;
	}
	if ((conn = app_db_acquire(app, error)) == NULL) {
		json_object_unref(figures);
		app_alloc_report_clear(&rep);
		return NULL;
	}
	if ((event = db_event_head(conn, event_id, &dberr)) == NULL)
		goto dbfail;
	if ((sessions = db_seating_sessions(conn, event_id, 0, &dberr)) ==
	        NULL ||
	    (confirmed = db_seating_confirmed(conn, event_id, &dberr)) ==
	        NULL ||
	    (sectors = db_event_sectors(conn, event_id, &dberr)) == NULL ||
	    (mix = preview_mix(confirmed, seats, &unplaced)) == NULL ||
	    (nowhere = db_seating_nowhere(conn, event_id, unplaced,
	         NOWHERE_LIMIT, &dberr)) == NULL ||
	    (current = db_seating_current(conn, event_id, &dberr)) == NULL)
		goto dbfail;
	for (i = 0; i < json_array_get_length(sectors); i++)
		app_localise(json_array_get_object_element(sectors, i), lang,
		    sector_bases);
	seating_times(sessions, event);
	preview_sessions(sessions, mix, sectors, lang);
	out = json_object_new();
	json_object_set_object_member(out, "figures", figures);
	figures = NULL;
	json_object_set_int_member(out, "run_id", rep.run_id);
	json_object_set_int_member(out, "solve_ms", rep.solve_ms);
	json_object_set_array_member(out, "sessions",
	    g_steal_pointer(&sessions));
	json_object_set_array_member(out, "sectors", g_steal_pointer(&sectors));
	json_object_set_int_member(out, "nowhere_total",
	    json_array_get_length(nowhere) > 0 ?
	        db_int(json_array_get_object_element(nowhere, 0), "total") :
	        0);
	json_object_set_array_member(out, "nowhere", g_steal_pointer(&nowhere));
	diff = json_object_new();
	json_object_set_int_member(diff, "added", (gint64)rep.added);
	json_object_set_int_member(diff, "removed", (gint64)rep.removed);
	json_object_set_int_member(diff, "kept", (gint64)rep.kept);
	json_object_set_int_member(diff, "moved_tables",
	    (gint64)rep.moved_tables);
	json_object_set_int_member(diff, "published_moved",
	    (gint64)rep.published_moved);
	json_object_set_boolean_member(diff, "changes",
	    rep.added > 0 || rep.removed > 0 || rep.moved_tables > 0);
	json_object_set_object_member(out, "diff", diff);
	json_object_set_object_member(out, "current", current);
	json_object_set_int_member(out, "page_ms",
	    (g_get_monotonic_time() - t0) / 1000);
	goto out;
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
out:
	db_release(app->db, conn);
	g_clear_pointer(&figures, json_object_unref);
	g_clear_pointer(&sessions, json_array_unref);
	g_clear_pointer(&mix, json_array_unref);
	g_clear_pointer(&sectors, json_array_unref);
	g_clear_pointer(&nowhere, json_array_unref);
	app_alloc_report_clear(&rep);
	return out;
}

gboolean
app_allocation_apply(const struct app *app, const struct app_actor *actor,
    struct app_alloc_report *report, GError **error)
{
	/* The audit entry is written in the transaction that applies. */
	struct app_alloc_options opt = { .apply = true,
		.keep_bonus = 1,
		.actor = actor };

	if (!app_require(actor, "admin", error))
		return FALSE;
	return app_allocate(app, &opt, report, error);
}

static const char *const people_bases[] = { "sector_name", NULL };

JsonObject *
app_seating_view(const struct app *app, gint64 event_id, gint64 session_id,
    const char *lang, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = NULL;
	g_autoptr(JsonArray) one = NULL, people = NULL;
	JsonArray *sessions = NULL, *tables, *counters = NULL;
	JsonObject *out = NULL, *session, *answers = NULL;
	DbConn *conn;
	gint64 t, ntables, maxt = 0;
	guint i;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((event = db_event_head(conn, event_id, &dberr)) == NULL ||
	    (one = db_seating_sessions(conn, event_id, session_id, &dberr)) ==
	        NULL ||
	    (sessions = db_seating_sessions(conn, event_id, 0, &dberr)) ==
	        NULL ||
	    (people = db_seating_people(conn, session_id, &dberr)) == NULL ||
	    (answers = db_answer_counts(conn, session_id, &dberr)) == NULL ||
	    (counters = app_reply_counters(conn, 0, session_id, &dberr)) ==
	        NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	if (json_array_get_length(one) == 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no session %" G_GINT64_FORMAT " in the event", session_id);
		goto out;
	}
	seating_times(one, event);
	seating_times(sessions, event);
	session = json_object_ref(json_array_get_object_element(one, 0));
	app_localise(session, lang, session_bases);
	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);

		app_localise(s, lang, session_bases);
		json_object_set_boolean_member(s, "current",
		    db_int(s, "id") == session_id);
	}
	ntables = db_int(session, "tables");
	for (i = 0; i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);

		app_localise(p, lang, people_bases);
		maxt = MAX(maxt, db_int(p, "table_no"));
	}
	tables = json_array_new();
	for (t = 1; t <= MAX(ntables, maxt); t++) {
		JsonObject *table = json_object_new();
		JsonArray *list = json_array_new();

		for (i = 0; i < json_array_get_length(people); i++) {
			JsonObject *p = json_array_get_object_element(people,
			    i);

			if (db_int(p, "table_no") == t)
				json_array_add_object_element(list,
				    json_object_ref(p));
		}
		json_object_set_int_member(table, "table_no", t);
		json_object_set_int_member(table, "count",
		    json_array_get_length(list));
		json_object_set_array_member(table, "people", list);
		json_array_add_object_element(tables, table);
	}
	out = json_object_new();
	json_object_set_object_member(out, "session", session);
	json_object_set_array_member(out, "tables", tables);
	json_object_set_array_member(out, "sessions",
	    g_steal_pointer(&sessions));
	json_object_set_int_member(out, "placed",
	    json_array_get_length(people));
	json_object_set_object_member(out, "answers",
	    g_steal_pointer(&answers));
	json_object_set_boolean_member(out, "has_counters",
	    json_array_get_length(counters) > 0);
	json_object_set_array_member(out, "counters",
	    g_steal_pointer(&counters));
out:
	db_release(app->db, conn);
	g_clear_pointer(&sessions, json_array_unref);
	g_clear_pointer(&counters, json_array_unref);
	g_clear_pointer(&answers, json_object_unref);
	return out;
}

/* One broken rule for the refusal. */
static JsonObject *
broken(JsonArray *list, const char *rule, bool overridable)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "rule", rule);
	json_object_set_boolean_member(o, "overridable", overridable);
	json_array_add_object_element(list, o);
	return o;
}

/*
 * Checks placing the participant in session s at table (from_session:
 * where they sit now, left out of the counts).  Adds each broken rule to
 * list; returns FALSE only on a database error.
 */
static gboolean
check_rules(DbConn *conn, gint64 event_id, gint64 participant_id, JsonObject *s,
    gint64 from_session, gint64 table_no, JsonArray *list, GError **error)
{
	g_autoptr(JsonObject) c = NULL;
	gint64 cap = db_int(s, "capacity"),
	       same = db_int(s, "id") == from_session;
	JsonObject *b;

	c = db_seating_check(conn, event_id, participant_id, db_int(s, "id"),
	    from_session, table_no, error);
	if (c == NULL)
		return FALSE;
	if (!same &&
	    json_object_get_boolean_member_with_default(c, "already", false))
		broken(list, "already", false);
	if (!same && db_int(c, "placed") + 1 > cap) {
		b = broken(list, "capacity", false);
		json_object_set_int_member(b, "have", db_int(c, "placed") + 1);
		json_object_set_int_member(b, "seats", cap);
	}
	if (db_int(c, "at_table") + 1 > db_int(s, "seats_per_table")) {
		b = broken(list, "table", false);
		json_object_set_int_member(b, "table_no", table_no);
		json_object_set_int_member(b, "have",
		    db_int(c, "at_table") + 1);
		json_object_set_int_member(b, "seats",
		    db_int(s, "seats_per_table"));
	}
	if (db_int(c, "clash_id") != 0) {
		b = broken(list, "slot", false);
		json_object_set_string_member(b, "clash_nb",
		    db_str(c, "clash_nb"));
		json_object_set_string_member(b, "clash_en",
		    db_str(c, "clash_en"));
	}
	if (json_object_get_boolean_member_with_default(c, "banned", false))
		broken(list, "ban", false);
	if (!same && db_int(c, "same_sector") + 1 > db_int(s, "sector_limit")) {
		b = broken(list, "sector", true);
		json_object_set_int_member(b, "have",
		    db_int(c, "same_sector") + 1);
		json_object_set_int_member(b, "seats", cap);
		json_object_set_int_member(b, "limit",
		    db_int(s, "sector_limit"));
		json_object_set_string_member(b, "sector_nb",
		    db_str(c, "sector_name_nb"));
		json_object_set_string_member(b, "sector_en",
		    db_str(c, "sector_name_en"));
	}
	if (!same && db_int(c, "same_org") + 1 > db_int(s, "org_limit")) {
		b = broken(list, "org", true);
		json_object_set_int_member(b, "have",
		    db_int(c, "same_org") + 1);
		json_object_set_int_member(b, "limit", db_int(s, "org_limit"));
		json_object_set_string_member(b, "organisation",
		    db_str(c, "organisation"));
	}
	return TRUE;
}

static JsonObject *
placement_json(JsonObject *row)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "session_id", db_int(row, "session_id"));
	json_object_set_int_member(o, "table_no", db_int(row, "table_no"));
	json_object_set_boolean_member(o, "pinned",
	    json_object_get_boolean_member_with_default(row, "pinned", false));
	json_object_set_boolean_member(o, "published",
	    json_object_get_boolean_member_with_default(row, "published",
	        false));
	return o;
}

struct seating_unit {
	const struct app_seating_change *c;
	JsonObject **refused;
};

static gboolean
seating_change(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct seating_unit *u = user;
	const struct app_seating_change *c = u->c;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) cur = NULL;
	g_autoptr(JsonArray) target = NULL, rows = NULL;
	g_autoptr(JsonArray) list = json_array_new();
	g_autoptr(JsonArray) overridden = json_array_new();
	JsonObject *before, *after;
	gint64 event_id, to, table;
	const bool pin = true; /* a moved person stays where they are put */
	guint i;

	(void)app;
	g_clear_pointer(u->refused, json_object_unref);
	ch->subject_id = c->participant_id;
	event_id = ch->event_id;
	if (!db_alloc_lock(conn, event_id, &dberr))
		goto dbfail;
	cur = db_seating_assignment_lock(conn, event_id, c->participant_id,
	    c->session_id, &dberr);
	if (cur == NULL) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND)) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
			    "participant %" G_GINT64_FORMAT " is not placed in "
			    "session %" G_GINT64_FORMAT,
			    c->participant_id, c->session_id);
			return FALSE;
		}
		goto dbfail;
	}
	before = ch->before = placement_json(cur);
	switch (c->action) {
	case APP_SEATING_MOVE:
		to = c->to_session > 0 ? c->to_session : c->session_id;
		target = db_seating_sessions(conn, event_id, to, &dberr);
		if (target == NULL)
			goto dbfail;
		if (json_array_get_length(target) == 0 ||
		    g_strcmp0(db_str(json_array_get_object_element(target, 0),
		                  "status"),
		        "active") != 0) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "no active session %" G_GINT64_FORMAT, to);
			return FALSE;
		}
		table = c->table_no;
		if (table == 0 && to == c->session_id)
			table = db_int(cur, "table_no");
		else if (table == 0) {
			table = db_seating_free_table(conn, to,
			    db_int(json_array_get_object_element(target, 0),
			        "tables"),
			    &dberr);
			if (table == 0)
				goto dbfail;
		}
		if (table < 1 ||
		    table > db_int(json_array_get_object_element(target, 0),
		                "tables")) {
			JsonObject *b = broken(list, "table_range", false);

			json_object_set_int_member(b, "table_no", table);
			json_object_set_int_member(b, "limit",
			    db_int(json_array_get_object_element(target, 0),
			        "tables"));
		} else if (!check_rules(conn, event_id, c->participant_id,
		               json_array_get_object_element(target, 0),
		               c->session_id, table, list, &dberr))
			goto dbfail;
		for (i = 0; i < json_array_get_length(list); i++) {
			JsonObject *b = json_array_get_object_element(list, i);

			if (!json_object_get_boolean_member(b, "overridable") ||
			    !c->override) {
				g_set_error(error, SUMMIT_APP_ERROR,
				    APP_EINVALID, "the move breaks a rule");
				*u->refused = json_object_new();
				json_object_set_array_member(*u->refused,
				    "broken", json_array_ref(list));
				return FALSE;
			}
			json_array_add_string_element(overridden,
			    json_object_get_string_member(b, "rule"));
		}
		if (to != c->session_id &&
		    (!db_assignment_delete(conn, event_id, &c->participant_id,
		         &c->session_id, 1, &dberr) ||
		        !db_seating_rule_delete(conn, c->participant_id,
		            c->session_id, "pin", &dberr)))
			goto dbfail;
		if (!db_assignment_upsert(conn, event_id, 0, &c->participant_id,
		        &to, &table, &pin, 1, &rows, &dberr) ||
		    !db_seating_rule_put(conn, event_id, c->participant_id, to,
		        "pin", &dberr))
			goto dbfail;
		after = ch->after = placement_json(
		    json_array_get_object_element(rows, 0));
		if (json_array_get_length(overridden) > 0)
			json_object_set_array_member(after, "overridden",
			    json_array_ref(overridden));
		break;
	case APP_SEATING_PIN:
	case APP_SEATING_UNPIN:
		if (!db_seating_assignment_pin(conn, c->participant_id,
		        c->session_id, c->action == APP_SEATING_PIN, &dberr) ||
		    !(c->action == APP_SEATING_PIN ?
		            db_seating_rule_put(conn, event_id,
		                c->participant_id, c->session_id, "pin",
		                &dberr) :
		            db_seating_rule_delete(conn, c->participant_id,
		                c->session_id, "pin", &dberr)))
			goto dbfail;
		after = ch->after = placement_json(cur);
		json_object_set_boolean_member(after, "pinned",
		    c->action == APP_SEATING_PIN);
		break;
	case APP_SEATING_BAN:
		if (!db_assignment_delete(conn, event_id, &c->participant_id,
		        &c->session_id, 1, &dberr) ||
		    !db_seating_rule_put(conn, event_id, c->participant_id,
		        c->session_id, "ban", &dberr))
			goto dbfail;
		after = ch->after = json_object_new();
		json_object_set_int_member(after, "session_id", c->session_id);
		json_object_set_string_member(after, "rule", "ban");
		break;
	default:
		g_assert_not_reached();
	}
	json_object_set_int_member(before, "participant_id", c->participant_id);
	return TRUE;
dbfail:
	return app_fail_db(error, g_steal_pointer(&dberr));
}

gboolean
app_seating_change(const struct app *app, const struct app_actor *actor,
    const struct app_seating_change *c, JsonObject **refused, GError **error)
{
	struct seating_unit u = { c, refused };

	*refused = NULL;
	if (!app_require(actor, "admin", error))
		return FALSE;
	if (c->action >= APP_SEATING__MAX) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "unknown seating action");
		return FALSE;
	}
	/* The form checks these too; app never relies on that. */
	if (c->participant_id <= 0 || c->session_id <= 0 || c->to_session < 0 ||
	    c->table_no < 0 || c->to_session > G_MAXINT32 ||
	    c->table_no > G_MAXINT32) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "participant, session or table out of range");
		return FALSE;
	}
	if (!app_tx_audited(app, actor, NULL, action_names[c->action],
	        "participant", seating_change, &u, error))
		return FALSE;
	app_seats_changed(app);
	return TRUE;
}
