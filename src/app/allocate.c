/*
 * allocate.c -- place the confirmed participants of the event in sessions.
 *
 * The story: lock the event's allocation, read slots, sessions,
 * participants, rankings, pins, bans and the current placements from one
 * snapshot, solve exactly (src/alloc), compare with what is placed now,
 * record the run with a checksum of its inputs, and -- when asked -- write
 * the difference.  A preview (the console's allocation page, a GET)
 * records nothing at all.  Everything happens in one transaction, so a failure
 * leaves the old placements as they were.
 *
 * Database ids are mapped to the allocator's dense indices here; sectors
 * by the event's sector list, organisations by their normalised name.
 */
#include "app/internal.h"
#include "alloc/alloc.h"
#include "base/base.h"

#include <string.h>

struct alloc_load {
	AllocProblem *prob;
	GChecksum *sum;          /* over every row read, in order */
	GHashTable *sector;      /* code -> index+1 */
	GHashTable *slot;        /* db id -> index+1 */
	GHashTable *session;     /* db id -> index+1 */
	GHashTable *participant; /* db id -> index+1 */
	GHashTable *org;         /* normalised name -> index+1 */
	GArray *session_ids;     /* index -> db id */
	GArray *participant_ids;
	GHashTable *current; /* "p:s" -> table_no (current placements) */
	size_t published;
	bool refill; /* every current placement pinned (refill.c) */
	bool bad_row;
};

static void
load_sum(struct alloc_load *l, int ncols, const char *const *vals)
{
	int i;

	for (i = 0; i < ncols; i++) {
		g_checksum_update(l->sum,
		    (const guchar *)(vals[i] ? vals[i] : "\\N"), -1);
		g_checksum_update(l->sum, (const guchar *)"\t", 1);
	}
	g_checksum_update(l->sum, (const guchar *)"\n", 1);
}

static gint64
num(const char *s)
{
	gint64 v = 0;

	if (s != NULL &&
	    !g_ascii_string_to_signed(s, 10, G_MININT64, G_MAXINT64, &v, NULL))
		return -1;
	return v;
}

static guint
lookup(GHashTable *h, gint64 id)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(h, &id));
}

static void
put(GHashTable *h, gint64 id, guint index)
{
	gint64 *key = g_new(gint64, 1);

	*key = id;
	g_hash_table_insert(h, key, GUINT_TO_POINTER(index + 1));
}

static void
on_sector(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;

	/* Only the code is an input: a renamed sector changes no run's
	 * checksum. */
	(void)n;
	load_sum(l, 1, v);
	g_hash_table_insert(l->sector, g_strdup(v[0]),
	    GUINT_TO_POINTER(g_hash_table_size(l->sector) + 1));
}

static void
on_slot(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;

	load_sum(l, n, v);
	put(l->slot, num(v[0]), alloc_problem_add_slot(l->prob));
}

static void
on_session(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;
	guint slot = lookup(l->slot, num(v[1]));
	gint64 id = num(v[0]);
	guint s;

	load_sum(l, n, v);
	if (slot == 0) {
		l->bad_row = true;
		return;
	}
	s = alloc_problem_add_session(l->prob, slot - 1, (guint)num(v[2]),
	    (guint)num(v[3]), (guint)num(v[4]));
	alloc_problem_set_tables(l->prob, s, (guint)num(v[5]),
	    (guint)num(v[6]));
	put(l->session, id, s);
	g_array_append_val(l->session_ids, id);
}

static void
on_participant(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;
	guint sector = GPOINTER_TO_UINT(g_hash_table_lookup(l->sector, v[1]));
	/* The flow network needs organisations nested in sectors, so an
	 * organisation whose people chose different sectors counts as one
	 * organisation per sector. */
	g_autofree char *org_key = g_strconcat(v[1], "\t", v[2], NULL);
	guint org = GPOINTER_TO_UINT(g_hash_table_lookup(l->org, org_key));
	guint slots = alloc_problem_n_slots(l->prob);
	gint64 id = num(v[0]), wanted = v[3] ? num(v[3]) : slots;
	guint p;

	load_sum(l, n, v);
	if (sector == 0) {
		l->bad_row = true;
		return;
	}
	if (org == 0) {
		org = g_hash_table_size(l->org) + 1;
		g_hash_table_insert(l->org, g_steal_pointer(&org_key),
		    GUINT_TO_POINTER(org));
	}
	p = alloc_problem_add_participant(l->prob, sector - 1, org - 1,
	    (guint)CLAMP(wanted, 1, (gint64)MAX(slots, 1)));
	put(l->participant, id, p);
	g_array_append_val(l->participant_ids, id);
}

static void
on_preference(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;
	guint p = lookup(l->participant, num(v[0]));
	guint s = lookup(l->session, num(v[1]));

	load_sum(l, n, v);
	if (p != 0 && s != 0)
		alloc_problem_add_preference(l->prob, p - 1, s - 1,
		    (guint)num(v[2]));
}

static void
on_rule(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;
	guint p = lookup(l->participant, num(v[0]));
	guint s = lookup(l->session, num(v[1]));

	load_sum(l, n, v);
	if (p == 0 || s == 0)
		return; /* a rule for someone not confirmed: not now */
	if (strcmp(v[2], "pin") == 0)
		alloc_problem_add_pin(l->prob, p - 1, s - 1);
	else
		alloc_problem_add_ban(l->prob, p - 1, s - 1);
}

static char *
pair_key(gint64 p, gint64 s)
{
	return g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, p, s);
}

static void
on_assignment(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;
	guint p = lookup(l->participant, num(v[0]));
	guint s = lookup(l->session, num(v[1]));
	bool published = v[3] != NULL && v[3][0] == 't';

	load_sum(l, n, v);
	g_hash_table_insert(l->current, pair_key(num(v[0]), num(v[1])),
	    GINT_TO_POINTER((int)num(v[2]) | (published ? 1 << 30 : 0)));
	if (published) {
		l->published++;
		if (p != 0 && s != 0)
			alloc_problem_add_previous(l->prob, p - 1, s - 1);
	}
	/* A refill only adds: whoever sits somewhere stays there. */
	if (l->refill && p != 0 && s != 0)
		alloc_problem_add_pin(l->prob, p - 1, s - 1);
}

/* Refill: a slot someone declined is closed to them (a ban on its other
 * sessions), unless they sit in one of those now. */
static void
on_declined(gpointer u, int n, const char *const *v)
{
	struct alloc_load *l = u;
	guint p = lookup(l->participant, num(v[0]));
	guint s = lookup(l->session, num(v[1]));
	g_autofree char *k = pair_key(num(v[0]), num(v[1]));

	load_sum(l, n, v);
	if (p != 0 && s != 0 && !g_hash_table_contains(l->current, k))
		alloc_problem_add_ban(l->prob, p - 1, s - 1);
}

static void
alloc_load_clear(struct alloc_load *l)
{
	g_clear_pointer(&l->prob, alloc_problem_free);
	g_clear_pointer(&l->sum, g_checksum_free);
	g_clear_pointer(&l->sector, g_hash_table_unref);
	g_clear_pointer(&l->slot, g_hash_table_unref);
	g_clear_pointer(&l->session, g_hash_table_unref);
	g_clear_pointer(&l->participant, g_hash_table_unref);
	g_clear_pointer(&l->org, g_hash_table_unref);
	g_clear_pointer(&l->session_ids, g_array_unref);
	g_clear_pointer(&l->participant_ids, g_array_unref);
	g_clear_pointer(&l->current, g_hash_table_unref);
}

void
app_alloc_report_clear(struct app_alloc_report *r)
{
	g_clear_pointer(&r->figures, g_free);
	g_clear_pointer(&r->figures_json, g_free);
	g_clear_pointer(&r->objective, g_free);
}

/* Reads everything the allocator needs, in a fixed order. */
static gboolean
alloc_read(DbConn *conn, gint64 event_id, struct alloc_load *l, GError **error)
{
	static const DbRowFunc fns[DB_ALLOC__MAX] = {
		[DB_ALLOC_SECTORS] = on_sector,
		[DB_ALLOC_SLOTS] = on_slot,
		[DB_ALLOC_SESSIONS] = on_session,
		[DB_ALLOC_PARTICIPANTS] = on_participant,
		[DB_ALLOC_PREFERENCES] = on_preference,
		[DB_ALLOC_RULES] = on_rule,
		[DB_ALLOC_ASSIGNMENTS] = on_assignment,
	};
	int part;

	l->prob = alloc_problem_new();
	l->sum = g_checksum_new(G_CHECKSUM_SHA256);
	l->sector = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	l->org = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	l->slot = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    NULL);
	l->session = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    NULL);
	l->participant = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, NULL);
	l->current = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	l->session_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	l->participant_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	for (part = 0; part < DB_ALLOC__MAX; part++)
		if (!db_alloc_read(conn, event_id, part, fns[part], l, error))
			return FALSE;
	if (l->refill &&
	    !db_refill_declined(conn, event_id, on_declined, l, error))
		return FALSE;
	if (l->bad_row) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINTERNAL,
		    "inconsistent event data (a session without its slot or a "
		    "participant without a sector)");
		return FALSE;
	}
	return TRUE;
}

/* One allocation in one transaction; an applied run by an organiser is
 * audited (ch), any other not (ch->action NULL). */
gboolean
app_alloc_unit(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct alloc_unit *u = user;
	const struct app_alloc_options *opt = u->opt;
	struct app_alloc_report *report = u->report;
	GArray *seats = u->seats;
	struct alloc_load l = { 0 };
	g_autoptr(GError) dberr = NULL;
	g_autoptr(AllocResult) res = NULL;
	g_autoptr(GArray) add_p = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) add_s = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) add_t = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) add_pin = g_array_new(FALSE, FALSE, sizeof(bool));
	g_autoptr(GArray) del_p = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) del_s = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autofree char *params = NULL;
	const AllocPlacement *pl;
	const AllocStats *st;
	GHashTableIter it;
	gpointer key, val;
	gboolean ok = FALSE;
	gint64 event_id, t0;
	size_t i, n, moved = 0;

	(void)app;
	l.refill = u->refill;
	/* A second run starts from nothing the first one left. */
	app_alloc_report_clear(report);
	memset(report, 0, sizeof(*report));
	if (seats != NULL)
		g_array_set_size(seats, 0);
	event_id = ch->event_id;
	if (!db_alloc_lock(conn, event_id, &dberr) ||
	    !alloc_read(conn, event_id, &l, &dberr))
		goto dbfail;
	alloc_problem_set_keep_bonus(l.prob, opt->keep_bonus);

	t0 = g_get_monotonic_time();
	res = alloc_solve(l.prob, NULL, NULL, error);
	if (res == NULL) {
		/* Impossible pins and the like: the organiser must act. */
		g_prefix_error(error, "cannot allocate: ");
		if (*error != NULL && (*error)->domain == SUMMIT_ALLOC_ERROR) {
			(*error)->domain = SUMMIT_APP_ERROR;
			(*error)->code = APP_EINVALID;
		}
		goto out;
	}
	report->solve_ms = (g_get_monotonic_time() - t0) / 1000;
	st = alloc_result_stats(res);
	pl = alloc_result_placements(res, &n);
	report->participants = alloc_problem_n_participants(l.prob);
	report->placements = n;

	/* The difference with the current placements. */
	for (i = 0; i < n; i++) {
		gint64 p = g_array_index(l.participant_ids, gint64,
		    pl[i].participant);
		gint64 s = g_array_index(l.session_ids, gint64, pl[i].session);
		gint64 t = pl[i].table;
		bool pin = pl[i].pinned;
		g_autofree char *k = pair_key(p, s);
		gpointer was;

		if (g_hash_table_lookup_extended(l.current, k, NULL, &was)) {
			if ((GPOINTER_TO_INT(was) & ~(1 << 30)) != t)
				report->moved_tables++;
			report->kept++;
			g_hash_table_remove(l.current, k);
			/* A refill's pins are not the organiser's: what
			 * stays is not written again. */
			if (u->refill)
				continue;
		} else
			report->added++;
		g_array_append_val(add_p, p);
		g_array_append_val(add_s, s);
		g_array_append_val(add_t, t);
		g_array_append_val(add_pin, pin);
		if (seats != NULL)
			g_array_append_val(seats,
			    ((struct app_alloc_seat){ p, s, t, pl[i].rank,
			        pin }));
	}
	g_hash_table_iter_init(&it, l.current);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		char *end = NULL;
		gint64 p = g_ascii_strtoll(key, &end, 10);
		gint64 s = g_ascii_strtoll(end + 1, NULL, 10);

		g_array_append_val(del_p, p);
		g_array_append_val(del_s, s);
		report->removed++;
		if (GPOINTER_TO_INT(val) & (1 << 30))
			report->published_moved++;
		/* Gone though confirmed and in an active session: moved. */
		if (lookup(l.participant, p) != 0 && lookup(l.session, s) != 0)
			moved++;
	}
	/* The promise of a refill, checked rather than trusted: the pins
	 * above keep every placement of a confirmed participant in an
	 * active session, so this never happens; if it did, nothing is
	 * written. */
	if (u->refill && moved > 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "refill would move %zu placements: not written", moved);
		goto out;
	}

	/* A refill with nothing to do leaves no trace: summitd may try one
	 * every interval while a limit keeps a seat free. */
	if (u->refill && report->added == 0 && report->removed == 0) {
		ok = TRUE;
		goto out;
	}
	report->figures = alloc_stats_format(st, false,
	    (double)report->solve_ms / 1000.0);
	report->figures_json = alloc_stats_format(st, true,
	    (double)report->solve_ms / 1000.0);
	report->objective = alloc_stats_objective(st);
	params = g_strdup_printf("{\"keep_bonus\": %u, \"rank_costs\": "
	                         "[0, 1, 3, 6, 10], \"apply\": %s, "
	                         "\"refill\": %s}",
	    opt->keep_bonus, opt->apply ? "true" : "false",
	    u->refill ? "true" : "false");
	if (!(opt->preview && !opt->apply) &&
	    !db_alloc_run_insert(conn, event_id, report->solve_ms,
	        g_checksum_get_string(l.sum), params, report->figures_json,
	        opt->apply, (gint64)report->added, (gint64)report->removed,
	        (gint64)report->kept, &report->run_id, &dberr))
		goto dbfail;
	if (opt->apply &&
	    (!db_bulk_writes(conn, &dberr) ||
	        !db_assignment_delete(conn, event_id,
	            (gint64 *)(void *)del_p->data,
	            (gint64 *)(void *)del_s->data, del_p->len, &dberr) ||
	        !db_assignment_upsert(conn, event_id, report->run_id,
	            (gint64 *)(void *)add_p->data,
	            (gint64 *)(void *)add_s->data,
	            (gint64 *)(void *)add_t->data,
	            (bool *)(void *)add_pin->data, add_p->len, NULL, &dberr)))
		goto dbfail;
	if (ch->action != NULL) {
		JsonObject *after = ch->after = json_object_new();

		ch->subject_id = report->run_id;
		json_object_set_string_member(after, "objective",
		    report->objective);
		json_object_set_int_member(after, "added",
		    (gint64)report->added);
		json_object_set_int_member(after, "removed",
		    (gint64)report->removed);
		json_object_set_int_member(after, "kept", (gint64)report->kept);
		json_object_set_int_member(after, "moved_tables",
		    (gint64)report->moved_tables);
		json_object_set_int_member(after, "published_moved",
		    (gint64)report->published_moved);
	}
	ok = TRUE;
	goto out;
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
out:
	alloc_load_clear(&l);
	return ok;
}

/* app_allocate, and with seats not NULL the placements of the result as
 * struct app_alloc_seat (for the console's preview, app/seating.c). */
static gboolean
alloc_run(const struct app *app, const struct app_alloc_options *opt,
    struct app_alloc_report *report, GArray *seats, GError **error)
{
	struct alloc_unit u = { opt, report, seats, false };
	/* The command line is not audited, but works in one event too. */
	const struct app_actor cli = { .email = "summitctl",
		.event_id = opt->event_id };

	memset(report, 0, sizeof(*report));
	if (!app_tx_audited(app, opt->actor != NULL ? opt->actor : &cli, NULL,
	        opt->apply && opt->actor != NULL ? "allocation.apply" : NULL,
	        "allocation_run", app_alloc_unit, &u, error)) {
		app_alloc_report_clear(report);
		return FALSE;
	}
	if (report->run_id != 0) {
		log_info("allocation run %" G_GINT64_FORMAT ": %s, +%zu -%zu "
		         "=%zu%s",
		    report->run_id, report->objective, report->added,
		    report->removed, report->kept,
		    opt->apply ? " (applied)" : " (dry run)");
		app_count(APP_COUNT_ALLOCATION_RUNS, 1);
	}
	return TRUE;
}

gboolean
app_allocate(const struct app *app, const struct app_alloc_options *opt,
    struct app_alloc_report *report, GError **error)
{
	return alloc_run(app, opt, report, NULL, error);
}

gboolean
app_allocate_seats(const struct app *app, const struct app_alloc_options *opt,
    struct app_alloc_report *report, GArray *seats, GError **error)
{
	return alloc_run(app, opt, report, seats, error);
}
