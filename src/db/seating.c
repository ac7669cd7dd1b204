/*
 * seating.c -- queries for the console area "seating", kept in this file's
 * own statement table (db_exec_sql).
 *
 * Organisations are compared on the normalised name the allocator uses
 * (db/stmt.c, STMT_ALLOC_PARTICIPANTS), so a manual move is checked
 * against the same organisation limit the allocator keeps.  The counts of
 * a check leave the person being moved out, so a move within a session
 * (another table) is not counted against itself.
 */
#include "db/internal.h"

#define ORG_NORM(x) \
	"lower(regexp_replace(btrim(" x "), '\\s+', ' ', 'g'))"

static const char *const SQL_SESSIONS =
    "SELECT s.id, s.slot_id, s.code, s.title_nb, s.title_en, s.room,"
    " s.capacity, s.tables, s.seats_per_table, s.sector_share_pct,"
    " s.org_limit, s.capacity * s.sector_share_pct / 100 AS sector_limit,"
    " s.status, to_char(sl.starts_at AT TIME ZONE e.timezone,"
    " 'YYYY-MM-DD HH24:MI') AS starts,"
    " to_char(sl.ends_at AT TIME ZONE e.timezone, 'HH24:MI') AS ends"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " JOIN event e ON e.id = s.event_id"
    " WHERE s.event_id = $1 AND ($2::bigint IS NULL OR s.id = $2)"
    " ORDER BY sl.starts_at, s.id";
static const char *const SQL_PEOPLE =
    "SELECT p.id, p.name, p.organisation, p.sector, a.table_no, a.pinned,"
    " a.published, coalesce(sc.name_nb, p.sector) AS sector_name_nb,"
    " coalesce(sc.name_en, p.sector) AS sector_name_en"
    " FROM assignment a JOIN participant p ON p.id = a.participant_id"
    " LEFT JOIN sector sc ON sc.event_id = p.event_id AND sc.code = p.sector"
    " WHERE a.session_id = $1 ORDER BY a.table_no, p.name, p.id";
static const char *const SQL_CHECK =
    "SELECT p.id, p.name, p.sector, p.organisation, p.status,"
    " coalesce(sc.name_nb, p.sector) AS sector_name_nb,"
    " coalesce(sc.name_en, p.sector) AS sector_name_en,"
    " (SELECT count(*) FROM assignment a WHERE a.session_id = $2"
    "   AND a.participant_id <> p.id) AS placed,"
    " (SELECT count(*) FROM assignment a JOIN participant q"
    "   ON q.id = a.participant_id WHERE a.session_id = $2"
    "   AND a.participant_id <> p.id AND q.sector = p.sector) AS same_sector,"
    " (SELECT count(*) FROM assignment a JOIN participant q"
    "   ON q.id = a.participant_id WHERE a.session_id = $2"
    "   AND a.participant_id <> p.id"
    "   AND " ORG_NORM("q.organisation") " = " ORG_NORM("p.organisation")
    "   ) AS same_org,"
    " (SELECT count(*) FROM assignment a WHERE a.session_id = $2"
    "   AND a.participant_id <> p.id AND a.table_no = $4) AS at_table,"
    " EXISTS (SELECT 1 FROM assignment a WHERE a.participant_id = p.id"
    "   AND a.session_id = $2) AS already,"
    " EXISTS (SELECT 1 FROM placement_rule r WHERE r.participant_id = p.id"
    "   AND r.session_id = $2 AND r.kind = 'ban') AS banned,"
    " coalesce(c.id, 0) AS clash_id, coalesce(c.title_nb, '') AS clash_nb,"
    " coalesce(c.title_en, '') AS clash_en"
    " FROM participant p"
    " LEFT JOIN sector sc ON sc.event_id = p.event_id AND sc.code = p.sector"
    " LEFT JOIN LATERAL (SELECT o.id, o.title_nb, o.title_en"
    "   FROM assignment a JOIN session o ON o.id = a.session_id"
    "   WHERE a.participant_id = p.id AND a.session_id <> $2"
    "   AND a.session_id IS DISTINCT FROM $3::bigint"
    "   AND o.slot_id = (SELECT slot_id FROM session WHERE id = $2)"
    "   ORDER BY o.id LIMIT 1) c ON true"
    " WHERE p.id = $1 AND p.event_id = $5";
static const char *const SQL_FREE_TABLE =
    "SELECT t FROM generate_series(1, $2::int) AS t"
    " LEFT JOIN assignment a ON a.session_id = $1 AND a.table_no = t"
    " GROUP BY t ORDER BY count(a.participant_id), t LIMIT 1";
static const char *const SQL_ASSIGNMENT_LOCK =
    "SELECT participant_id, session_id, table_no, pinned, published"
    " FROM assignment WHERE participant_id = $2 AND session_id = $3"
    " AND event_id = $1 FOR UPDATE";
static const char *const SQL_ASSIGNMENT_PIN =
    "UPDATE assignment SET pinned = $3 WHERE participant_id = $1"
    " AND session_id = $2";
static const char *const SQL_RULE_PUT =
    "INSERT INTO placement_rule (event_id, participant_id, session_id, kind)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (participant_id, session_id)"
    " DO UPDATE SET kind = excluded.kind, created_at = now()";
static const char *const SQL_RULE_DELETE =
    "DELETE FROM placement_rule WHERE participant_id = $1"
    " AND session_id = $2 AND kind = $3";
/* Two parallel array texts: sector codes never need quoting. */
static const char *const SQL_CONFIRMED =
    "SELECT coalesce(array_agg(id ORDER BY id)::text, '{}') AS ids,"
    " coalesce(array_agg(sector ORDER BY id)::text, '{}') AS sectors"
    " FROM participant WHERE event_id = $1 AND status = 'confirmed'";
static const char *const SQL_NOWHERE =
    "SELECT p.id, p.name, p.organisation, p.sector,"
    " count(*) OVER () AS total"
    " FROM participant p"
    " WHERE p.id = ANY($2::bigint[]) AND p.event_id = $1"
    " AND p.status = 'confirmed'"
    " AND (EXISTS (SELECT 1 FROM preference pr"
    "   JOIN session s ON s.id = pr.session_id AND s.status = 'active'"
    "   WHERE pr.participant_id = p.id AND NOT EXISTS (SELECT 1"
    "   FROM placement_rule b WHERE b.participant_id = p.id"
    "   AND b.session_id = pr.session_id AND b.kind = 'ban'))"
    "  OR EXISTS (SELECT 1 FROM placement_rule r"
    "   WHERE r.participant_id = p.id AND r.kind = 'pin'))"
    " ORDER BY p.name, p.id LIMIT $3";
static const char *const SQL_CURRENT =
    "SELECT count(*) AS placed, count(*) FILTER (WHERE published)"
    " AS published, count(*) FILTER (WHERE pinned) AS pinned"
    " FROM assignment WHERE event_id = $1";

JsonArray *
db_seating_sessions(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error)
{
	char ev[24], id[24];
	const char *p[2] = { db_num(ev, event_id),
	    session_id > 0 ? db_num(id, session_id) : NULL };

	return db_exec_sql(conn, SQL_SESSIONS, 2, p, error);
}

JsonArray *
db_seating_people(DbConn *conn, gint64 session_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, session_id) };

	return db_exec_sql(conn, SQL_PEOPLE, 1, p, error);
}

JsonObject *
db_seating_check(DbConn *conn, gint64 event_id, gint64 participant_id,
    gint64 session_id, gint64 from_session, gint64 table_no, GError **error)
{
	char pid[24], sid[24], from[24], t[24], ev[24];
	const char *p[5] = { db_num(pid, participant_id),
	    db_num(sid, session_id),
	    from_session > 0 ? db_num(from, from_session) : NULL,
	    db_num(t, table_no), db_num(ev, event_id) };

	return db_exec_sql_one(conn, SQL_CHECK, 5, p, error);
}

gint64
db_seating_free_table(DbConn *conn, gint64 session_id, gint64 tables,
    GError **error)
{
	char sid[24], n[24];
	const char *p[2] = { db_num(sid, session_id), db_num(n, tables) };
	g_autoptr(JsonObject) row = db_exec_sql_one(conn, SQL_FREE_TABLE, 2, p,
	    error);

	return row != NULL ? db_int(row, "t") : 0;
}

JsonObject *
db_seating_assignment_lock(DbConn *conn, gint64 event_id,
    gint64 participant_id, gint64 session_id, GError **error)
{
	char ev[24], pid[24], sid[24];
	const char *p[3] = { db_num(ev, event_id), db_num(pid, participant_id),
	    db_num(sid, session_id) };

	return db_exec_sql_one(conn, SQL_ASSIGNMENT_LOCK, 3, p, error);
}

gboolean
db_seating_assignment_pin(DbConn *conn, gint64 participant_id,
    gint64 session_id, bool pinned, GError **error)
{
	char pid[24], sid[24];
	const char *p[3] = { db_num(pid, participant_id),
	    db_num(sid, session_id), pinned ? "true" : "false" };

	return db_exec_sql_noresult(conn, SQL_ASSIGNMENT_PIN, 3, p, error);
}

gboolean
db_seating_rule_put(DbConn *conn, gint64 event_id, gint64 participant_id,
    gint64 session_id, const char *kind, GError **error)
{
	char ev[24], pid[24], sid[24];
	const char *p[4] = { db_num(ev, event_id), db_num(pid, participant_id),
	    db_num(sid, session_id), kind };

	return db_exec_sql_noresult(conn, SQL_RULE_PUT, 4, p, error);
}

gboolean
db_seating_rule_delete(DbConn *conn, gint64 participant_id,
    gint64 session_id, const char *kind, GError **error)
{
	char pid[24], sid[24];
	const char *p[3] = { db_num(pid, participant_id),
	    db_num(sid, session_id), kind };

	return db_exec_sql_noresult(conn, SQL_RULE_DELETE, 3, p, error);
}

JsonObject *
db_seating_confirmed(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_sql_one(conn, SQL_CONFIRMED, 1, p, error);
}

JsonArray *
db_seating_nowhere(DbConn *conn, gint64 event_id, const char *unplaced,
    gint64 limit, GError **error)
{
	char ev[24], n[24];
	const char *p[3] = { db_num(ev, event_id), unplaced,
	    db_num(n, limit) };

	return db_exec_sql(conn, SQL_NOWHERE, 3, p, error);
}

JsonObject *
db_seating_current(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_sql_one(conn, SQL_CURRENT, 1, p, error);
}
