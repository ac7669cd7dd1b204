/*
 * deadline.c -- the deadlines' table family (deadline.h): an event's
 * deadlines and promotion cut-off, the late mark of a cancellation, and
 * the change requests kept after publishing.  Every statement is a
 * constant here (db_exec keys the prepared statement by its address) and
 * names its event: a request's id alone reaches nothing.
 */
#include "db/internal.h"

/* clang-format off */
static const char *const SQL_DEADLINES =
    "SELECT e.id, e.timezone, e.mailbox,"
    " " DB_EPOCH("now()") " AS now,"
    " " DB_EPOCH("e.starts_at") " AS starts_at,"
    " " DB_EPOCH("e.registration_opens") " AS registration_opens,"
    " " DB_EPOCH("e.registration_closes") " AS registration_closes,"
    " " DB_EPOCH("e.change_deadline") " AS change_deadline,"
    " " DB_EPOCH("e.cancel_deadline") " AS cancel_deadline,"
    " e.cancel_late_allowed, e.promotion_stop_hours,"
    " EXISTS (SELECT 1 FROM assignment a WHERE a.event_id = e.id"
    "   AND a.published) AS published"
    " FROM event e WHERE e.id = $1";
static const char *const SQL_DEADLINES_SET =
    "UPDATE event SET"
    " change_deadline = to_timestamp(nullif($2::bigint, 0)),"
    " cancel_deadline = to_timestamp(nullif($3::bigint, 0)),"
    " cancel_late_allowed = $4::boolean,"
    " promotion_stop_hours = $5::int"
    " WHERE id = $1 RETURNING id";
static const char *const SQL_MARK_LATE =
    "UPDATE participant SET cancelled_late = true"
    " WHERE id = $2 AND event_id = $1 AND status = 'cancelled'"
    " RETURNING id";
static const char *const SQL_REQUEST_REPLACE =
    "UPDATE change_request SET state = 'replaced', decided_at = now()"
    " WHERE event_id = $1 AND participant_id = $2 AND state = 'open'";
/* Stored only when every session is a distinct active one of the
 * event. */
static const char *const SQL_REQUEST_INSERT =
    "INSERT INTO change_request (event_id, participant_id, sessions)"
    " SELECT $1, $2, $3::bigint[]"
    " WHERE (SELECT count(DISTINCT s.id) FROM session s"
    "   WHERE s.event_id = $1 AND s.status = 'active'"
    "   AND s.id = ANY ($3::bigint[])) = cardinality($3::bigint[])"
    " RETURNING id";
/* A request's sessions as titles in rank order, in language L. */
#define REQUEST_TITLES(L) \
	"(SELECT coalesce(string_agg(s.title_" L ", '; ' ORDER BY u.n), '')" \
	" FROM unnest(c.sessions) WITH ORDINALITY AS u(id, n)" \
	" JOIN session s ON s.id = u.id AND s.event_id = c.event_id)"
#define RANKING_TITLES(L) \
	"(SELECT coalesce(string_agg(s.title_" L ", '; ' ORDER BY pr.rank), '')" \
	" FROM preference pr JOIN session s ON s.id = pr.session_id" \
	" WHERE pr.participant_id = c.participant_id)"
static const char *const SQL_REQUEST_OPEN_OF =
    "SELECT c.id, " DB_EPOCH("c.requested_at") " AS requested_at,"
    " " REQUEST_TITLES("nb") " AS titles_nb,"
    " " REQUEST_TITLES("en") " AS titles_en"
    " FROM change_request c WHERE c.event_id = $1"
    " AND c.participant_id = $2 AND c.state = 'open'";
static const char *const SQL_REQUESTS_OPEN =
    "SELECT c.id, c.participant_id, p.name, p.email, p.organisation,"
    " " DB_EPOCH("c.requested_at") " AS requested_at,"
    " " REQUEST_TITLES("nb") " AS requested_nb,"
    " " REQUEST_TITLES("en") " AS requested_en,"
    " " RANKING_TITLES("nb") " AS current_nb,"
    " " RANKING_TITLES("en") " AS current_en"
    " FROM change_request c JOIN participant p"
    "   ON p.id = c.participant_id AND p.event_id = c.event_id"
    " WHERE c.event_id = $1 AND c.state = 'open'"
    " ORDER BY c.requested_at, c.id";
static const char *const SQL_REQUEST_CLOSE =
    "UPDATE change_request SET state = $3, decided_at = now()"
    " WHERE id = $2 AND event_id = $1 AND state = 'open'"
    " RETURNING id, participant_id, sessions::text AS sessions,"
    " cardinality(sessions) AS n";
static const char *const SQL_REQUEST_PREFS_DELETE =
    "DELETE FROM preference WHERE event_id = $1 AND participant_id = $2";
static const char *const SQL_REQUEST_PREFS_INSERT =
    "INSERT INTO preference (event_id, participant_id, session_id, rank)"
    " SELECT $1, c.participant_id, s.id, u.n FROM change_request c"
    " CROSS JOIN LATERAL unnest(c.sessions) WITH ORDINALITY AS u(id, n)"
    " JOIN session s ON s.id = u.id AND s.event_id = $1"
    "   AND s.status = 'active'"
    " WHERE c.id = $2 AND c.event_id = $1 RETURNING session_id";
/* clang-format on */

JsonObject *
db_deadlines(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_DEADLINES, 1, p, error);
}

gboolean
db_deadlines_set(DbConn *conn, gint64 event_id,
    const struct db_deadline_fields *f, GError **error)
{
	char ev[24], ch[24], ca[24], h[24];
	const char *p[5] = { db_num(ev, event_id),
		db_num(ch, f->change_deadline), db_num(ca, f->cancel_deadline),
		f->cancel_late_allowed ? "true" : "false",
		db_num(h, f->promotion_stop_hours) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_DEADLINES_SET, 5, p,
	    error);

	return row != NULL;
}

gboolean
db_participant_mark_late(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error)
{
	char ev[24], id[24];
	const char *p[2] = { db_num(ev, event_id), db_num(id, participant_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_MARK_LATE, 2, p,
	    error);

	return row != NULL;
}

gboolean
db_change_request_put(DbConn *conn, gint64 event_id, gint64 participant_id,
    const gint64 *sessions, size_t n, GError **error)
{
	char ev[24], id[24];
	g_autofree char *arr = db_int_array(sessions, n);
	const char *p[3] = { db_num(ev, event_id), db_num(id, participant_id),
		arr };
	g_autoptr(JsonArray) rows = NULL;

	if (!db_exec_noresult(conn, SQL_REQUEST_REPLACE, 2, p, error))
		return FALSE;
	if ((rows = db_exec(conn, SQL_REQUEST_INSERT, 3, p, error)) == NULL)
		return FALSE;
	if (json_array_get_length(rows) != 1) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINVALID,
		    "a requested session is not offered in this event");
		return FALSE;
	}
	return TRUE;
}

JsonObject *
db_change_request_open_of(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error)
{
	char ev[24], id[24];
	const char *p[2] = { db_num(ev, event_id), db_num(id, participant_id) };

	return db_exec_one(conn, SQL_REQUEST_OPEN_OF, 2, p, error);
}

JsonArray *
db_change_requests_open(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_REQUESTS_OPEN, 1, p, error);
}

JsonObject *
db_change_request_close(DbConn *conn, gint64 event_id, gint64 id,
    const char *state, GError **error)
{
	char ev[24], rid[24], pid[24];
	const char *p[3] = { db_num(ev, event_id), db_num(rid, id), state };
	g_autoptr(JsonObject) row = NULL;
	g_autoptr(JsonArray) added = NULL;
	const char *dp[2] = { ev, NULL };

	if ((row = db_exec_one(conn, SQL_REQUEST_CLOSE, 3, p, error)) == NULL)
		return NULL;
	if (g_strcmp0(state, "accepted") != 0)
		return g_steal_pointer(&row);
	dp[1] = db_num(pid, db_int(row, "participant_id"));
	if (!db_exec_noresult(conn, SQL_REQUEST_PREFS_DELETE, 2, dp, error) ||
	    (added = db_exec(conn, SQL_REQUEST_PREFS_INSERT, 2, p, error)) ==
	        NULL)
		return NULL;
	if ((gint64)json_array_get_length(added) != db_int(row, "n")) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINVALID,
		    "a requested session is no longer offered");
		return NULL;
	}
	return g_steal_pointer(&row);
}
