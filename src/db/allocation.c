/*
 * allocation.c -- what the allocator reads and writes: the event's slots,
 * sessions, confirmed participants, rankings, pins and bans, and the
 * placements; plus the record of each run.
 *
 * Bulk reads stream rows to a callback instead of building objects: an
 * event of 50,000 participants is read in one pass with no copies.
 * Placements are written with array parameters (unnest), one statement
 * for any number of rows.
 */
#include "db/internal.h"

gboolean
db_alloc_read(DbConn *conn, gint64 event_id, enum db_alloc_part part,
    DbRowFunc fn, gpointer user, GError **error)
{
	static const enum db_stmt stmts[DB_ALLOC__MAX] = {
		[DB_ALLOC_SECTORS] = STMT_ALLOC_SECTORS,
		[DB_ALLOC_SLOTS] = STMT_ALLOC_SLOTS,
		[DB_ALLOC_SESSIONS] = STMT_ALLOC_SESSIONS,
		[DB_ALLOC_PARTICIPANTS] = STMT_ALLOC_PARTICIPANTS,
		[DB_ALLOC_PREFERENCES] = STMT_ALLOC_PREFERENCES,
		[DB_ALLOC_RULES] = STMT_ALLOC_RULES,
		[DB_ALLOC_ASSIGNMENTS] = STMT_ALLOC_ASSIGNMENTS,
	};
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_each(conn, stmts[part], 1, p, fn, user, error);
}

gboolean
db_alloc_lock(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_noresult(conn, STMT_ALLOC_LOCK, 1, p, error);
}

gboolean
db_alloc_run_insert(DbConn *conn, gint64 event_id, gint64 solve_ms,
    const char *inputs_sha256, const char *params_json,
    const char *figures_json, bool applied, gint64 added, gint64 removed,
    gint64 kept, gint64 *run_id, GError **error)
{
	char ev[24], ms[24], a[24], r[24], k[24];
	const char *p[9] = { db_num(ev, event_id), db_num(ms, solve_ms),
	    inputs_sha256, params_json, figures_json, applied ? "t" : "f",
	    db_num(a, added), db_num(r, removed), db_num(k, kept) };
	g_autoptr(JsonObject) row = db_exec_one(conn, STMT_ALLOC_RUN_INSERT, 9,
	    p, error);

	if (row == NULL)
		return FALSE;
	*run_id = db_int(row, "id");
	return TRUE;
}

static char *
bool_array(const bool *v, size_t n)
{
	GString *s = g_string_sized_new(n * 2 + 2);
	size_t i;

	g_string_append_c(s, '{');
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s%c", i ? "," : "", v[i] ? 't' : 'f');
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

gboolean
db_bulk_writes(DbConn *conn, GError **error)
{
	/* Connections plan each statement for its values (pool.c); for
	 * thousands of rows in one statement, the foreign-key checks are
	 * better off with one plan reused for every row. */
	return db_exec_simple(conn, "SET LOCAL plan_cache_mode = auto", error);
}

gboolean
db_assignment_delete(DbConn *conn, gint64 event_id,
    const gint64 *participant_ids, const gint64 *session_ids, size_t n,
    GError **error)
{
	char ev[24];
	g_autofree char *ps = db_int_array(participant_ids, n);
	g_autofree char *ss = db_int_array(session_ids, n);
	const char *p[3] = { db_num(ev, event_id), ps, ss };

	return n == 0 || db_exec_noresult(conn, STMT_ASSIGNMENT_DELETE, 3, p,
	    error);
}

gboolean
db_assignment_upsert(DbConn *conn, gint64 event_id, gint64 run_id,
    const gint64 *participant_ids, const gint64 *session_ids,
    const gint64 *tables, const bool *pinned, size_t n, JsonArray **rows,
    GError **error)
{
	char ev[24], run[24];
	g_autofree char *ps = db_int_array(participant_ids, n);
	g_autofree char *ss = db_int_array(session_ids, n);
	g_autofree char *ts = db_int_array(tables, n);
	g_autofree char *pins = bool_array(pinned, n);
	const char *p[6] = { db_num(ev, event_id), run_id != 0 ?
	    db_num(run, run_id) : NULL, ps, ss, ts, pins };

	if (rows == NULL)
		return n == 0 || db_exec_noresult(conn, STMT_ASSIGNMENT_UPSERT,
		    6, p, error);
	*rows = db_exec(conn, STMT_ASSIGNMENT_UPSERT, 6, p, error);
	return *rows != NULL;
}

gboolean
db_assignment_mark_published(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_noresult(conn, STMT_ASSIGNMENT_PUBLISH, 1, p, error);
}
