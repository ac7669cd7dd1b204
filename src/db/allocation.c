/*
 * allocation.c -- the allocation table family: allocation runs,
 * placements (assignment) and placement rules (pins and bans), for the
 * allocator and for an organiser's seating alike.  Every statement of the
 * family is a constant at the top of this file (db_exec keys the prepared
 * statement by its address).
 *
 * Bulk reads stream rows to a callback instead of building objects: an
 * event of 50,000 participants is read in one pass with no copies.
 * Placements are written with array parameters (unnest), one statement
 * for any number of rows -- one row for a manual move.
 *
 * Organisations are compared on the normalised name the allocator uses
 * (SQL_ALLOC_PARTICIPANTS), so a manual move is checked against the same
 * organisation limit the allocator keeps.  The counts of a check leave
 * the person being moved out, so a move within a session (another table)
 * is not counted against itself.
 */
#include "db/internal.h"

static const char *const SQL_ALLOC_SLOTS =
    "SELECT id FROM slot WHERE event_id = $1 ORDER BY starts_at, id";
/* A session's seats leave out those of the people on stage who take one
 * (session_person.counts_seat); the others sit on no seat. */
static const char *const SQL_ALLOC_SESSIONS =
    "SELECT id, slot_id, cap, cap * sector_share_pct / 100,"
    " org_limit, tables, seats_per_table FROM (SELECT s.*,"
    " greatest(s.capacity - (SELECT count(*) FROM session_person sp"
    "  WHERE sp.session_id = s.id AND sp.counts_seat), 0) AS cap"
    " FROM session s WHERE s.event_id = $1 AND s.status = 'active') x"
    " ORDER BY id";
/* Organisations are matched on a normalised name: "LO " and "lo"
 * are one organisation. */
static const char *const SQL_ALLOC_PARTICIPANTS =
    "SELECT id, sector,"
    " lower(regexp_replace(btrim(organisation), '\\s+', ' ', 'g')),"
    " sessions_wanted FROM participant"
    " WHERE event_id = $1 AND status = 'confirmed' AND NOT speaker_only"
    " ORDER BY created_at, id";
static const char *const SQL_ALLOC_PREFERENCES =
    "SELECT pr.participant_id, pr.session_id, pr.rank"
    " FROM preference pr JOIN participant p ON p.id = pr.participant_id"
    " JOIN session s ON s.id = pr.session_id"
    " WHERE pr.event_id = $1 AND p.status = 'confirmed'"
    " AND s.status = 'active' ORDER BY pr.participant_id, pr.rank";
/* Beside the organisers' rules, someone on stage is placed in no session
 * of that slot (theirs included: they are there already), where they
 * have no rule and no placement of their own. */
static const char *const SQL_ALLOC_RULES =
    "SELECT participant_id, session_id, kind FROM placement_rule"
    " WHERE event_id = $1 UNION SELECT sp.participant_id, o.id, 'ban'"
    " FROM session_person sp JOIN session s ON s.id = sp.session_id"
    " JOIN session o ON o.slot_id = s.slot_id"
    " WHERE sp.event_id = $1 AND NOT EXISTS (SELECT 1 FROM placement_rule r"
    "  WHERE r.participant_id = sp.participant_id AND r.session_id = o.id)"
    " AND NOT EXISTS (SELECT 1 FROM assignment a"
    "  WHERE a.participant_id = sp.participant_id AND a.session_id = o.id)"
    " ORDER BY 1, 2";
static const char *const SQL_ALLOC_ASSIGNMENTS =
    "SELECT participant_id, session_id, table_no, published"
    " FROM assignment WHERE event_id = $1"
    " ORDER BY participant_id, session_id";
/* Refill (app/refill.c): the other sessions of each slot in which a
 * participant declined an invitation -- a decline says "not then", so a
 * refill places nobody anew in a slot they declined. */
static const char *const SQL_REFILL_DECLINED =
    "SELECT DISTINCT i.participant_id, o.id FROM invitation i"
    " JOIN session d ON d.id = i.session_id"
    " JOIN session o ON o.slot_id = d.slot_id AND o.id <> d.id"
    " WHERE i.event_id = $1 AND summit_invitation_answer(i) = 'DECLINED'"
    " ORDER BY 1, 2";
/* Refill's cheap check: the free seats of active sessions (counting
 * confirmed participants' placements, as the allocator does) that a
 * confirmed participant ranked, who has nothing in that slot, is not
 * banned from it, declined nothing in it and wants more sessions. */
static const char *const SQL_REFILL_STATE =
    "WITH placed AS (SELECT a.session_id, count(*) AS n FROM assignment a"
    " JOIN participant p ON p.id = a.participant_id"
    " WHERE a.event_id = $1 AND p.status = 'confirmed'"
    " GROUP BY a.session_id),"
    " stage AS (SELECT session_id, count(*) AS n FROM session_person"
    " WHERE event_id = $1 AND counts_seat GROUP BY session_id),"
    " open AS (SELECT s.id, s.slot_id,"
    " s.capacity - coalesce(pl.n, 0) - coalesce(st.n, 0)"
    " AS free FROM session s LEFT JOIN placed pl ON pl.session_id = s.id"
    " LEFT JOIN stage st ON st.session_id = s.id"
    " WHERE s.event_id = $1 AND s.status = 'active'"
    " AND s.capacity > coalesce(pl.n, 0) + coalesce(st.n, 0)),"
    " want AS (SELECT pr.participant_id, o.id AS session_id"
    " FROM preference pr JOIN open o ON o.id = pr.session_id"
    " JOIN participant p ON p.id = pr.participant_id"
    " WHERE pr.event_id = $1 AND p.status = 'confirmed'"
    " AND NOT EXISTS (SELECT 1 FROM assignment a JOIN session x"
    "   ON x.id = a.session_id WHERE a.participant_id = p.id"
    "   AND x.slot_id = o.slot_id)"
    " AND NOT EXISTS (SELECT 1 FROM placement_rule r"
    "   WHERE r.participant_id = p.id AND r.session_id = o.id"
    "   AND r.kind = 'ban')"
    " AND NOT EXISTS (SELECT 1 FROM invitation i JOIN session d"
    "   ON d.id = i.session_id WHERE i.participant_id = p.id"
    "   AND d.slot_id = o.slot_id"
    "   AND summit_invitation_answer(i) = 'DECLINED')"
    " AND (p.sessions_wanted IS NULL OR p.sessions_wanted >"
    "   (SELECT count(*) FROM assignment a WHERE a.participant_id = p.id)))"
    " SELECT e.refill_automatically AS automatic,"
    " EXISTS (SELECT 1 FROM assignment a WHERE a.event_id = e.id"
    "   AND a.published) AS published,"
    " (SELECT coalesce(sum(free), 0) FROM open"
    "   WHERE id IN (SELECT session_id FROM want))::bigint AS free_seats,"
    " (SELECT count(DISTINCT participant_id) FROM want) AS waiting"
    " FROM event e WHERE e.id = $1";
/* Whether summitd should look at all: the event's setting and whether
 * anything is published. */
static const char *const SQL_REFILL_FLAGS =
    "SELECT e.refill_automatically AS automatic,"
    " EXISTS (SELECT 1 FROM assignment a WHERE a.event_id = e.id"
    "   AND a.published) AS published"
    " FROM event e WHERE e.id = $1";
/* Refill's preview: who the new seats go to. */
static const char *const SQL_REFILL_PEOPLE =
    "SELECT id, name, coalesce(organisation, '') AS organisation"
    " FROM participant"
    " WHERE event_id = $1 AND id = ANY ($2::bigint[]) ORDER BY id";
static const char *const SQL_ALLOC_LOCK =
    "SELECT pg_advisory_xact_lock(4242011, $1::int)";
/* Every live event's, in id order (the order every taker keeps). */
static const char *const SQL_ALLOC_LOCK_ALL =
    "SELECT count(pg_advisory_xact_lock(4242011, id::int)) FROM"
    " (SELECT id FROM event WHERE archived_at IS NULL ORDER BY id) e";
static const char *const SQL_ALLOC_RUN_INSERT =
    "INSERT INTO allocation_run (event_id, solve_ms, inputs_sha256,"
    " params, figures, applied, added, removed, kept)"
    " VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9)"
    " RETURNING id";
static const char *const SQL_ASSIGNMENT_DELETE =
    "DELETE FROM assignment a USING unnest($2::bigint[], $3::bigint[])"
    " AS d(p, s) WHERE a.event_id = $1 AND a.participant_id = d.p"
    " AND a.session_id = d.s";
static const char *const SQL_ASSIGNMENT_UPSERT =
    "INSERT INTO assignment (event_id, participant_id, session_id,"
    " table_no, pinned, run_id)"
    " SELECT $1, p, s, t, pin, $2 FROM unnest($3::bigint[],"
    " $4::bigint[], $5::int[], $6::boolean[]) AS u(p, s, t, pin)"
    " ON CONFLICT (participant_id, session_id) DO UPDATE SET"
    " table_no = excluded.table_no, pinned = excluded.pinned,"
    " run_id = coalesce(excluded.run_id, assignment.run_id)"
    " RETURNING participant_id, session_id, table_no, pinned,"
    " published";
static const char *const SQL_ASSIGNMENT_PUBLISH =
    "UPDATE assignment SET published = true WHERE event_id = $1"
    " AND NOT published";

#define ORG_NORM(x) "lower(regexp_replace(btrim(" x "), '\\s+', ' ', 'g'))"

/* SQL spliced with DB_EPOCH, laid out by hand (clang-format cannot). */
/* clang-format off */
static const char *const SQL_SESSIONS =
    "SELECT s.id, s.slot_id, s.code, s.title_nb, s.title_en, s.room,"
    " s.capacity, s.tables, s.seats_per_table, s.sector_share_pct,"
    " s.org_limit, s.capacity * s.sector_share_pct / 100 AS sector_limit,"
    " s.status, " DB_EPOCH("sl.starts_at") " AS starts,"
    " " DB_EPOCH("sl.ends_at") " AS ends"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " WHERE s.event_id = $1 AND ($2::bigint IS NULL OR s.id = $2)"
    " ORDER BY sl.starts_at, s.id";
/* clang-format on */
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
    "   AND " ORG_NORM("q.organisation") " = " ORG_NORM(
        "p.organisation") "   ) AS same_org,"
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

gboolean
db_alloc_read(DbConn *conn, gint64 event_id, enum db_alloc_part part,
    DbRowFunc fn, gpointer user, GError **error)
{
	/* The sectors are the event's one sector list (event.c). */
	const char *const stmts[DB_ALLOC__MAX] = {
		[DB_ALLOC_SLOTS] = SQL_ALLOC_SLOTS,
		[DB_ALLOC_SESSIONS] = SQL_ALLOC_SESSIONS,
		[DB_ALLOC_PARTICIPANTS] = SQL_ALLOC_PARTICIPANTS,
		[DB_ALLOC_PREFERENCES] = SQL_ALLOC_PREFERENCES,
		[DB_ALLOC_RULES] = SQL_ALLOC_RULES,
		[DB_ALLOC_ASSIGNMENTS] = SQL_ALLOC_ASSIGNMENTS,
	};
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	if (part == DB_ALLOC_SECTORS)
		return db_event_sectors_each(conn, event_id, fn, user, error);
	return db_exec_each(conn, stmts[part], 1, p, fn, user, error);
}

gboolean
db_alloc_lock(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_noresult(conn, SQL_ALLOC_LOCK, 1, p, error);
}

gboolean
db_alloc_lock_all(DbConn *conn, GError **error)
{
	return db_exec_noresult(conn, SQL_ALLOC_LOCK_ALL, 0, NULL, error);
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
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_ALLOC_RUN_INSERT, 9,
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
		g_string_append_printf(s, "%s%c", i ? "," : "",
		    v[i] ? 't' : 'f');
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

	return n == 0 ||
	    db_exec_noresult(conn, SQL_ASSIGNMENT_DELETE, 3, p, error);
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
	const char *p[6] = { db_num(ev, event_id),
		run_id != 0 ? db_num(run, run_id) : NULL, ps, ss, ts, pins };

	if (rows == NULL)
		return n == 0 ||
		    db_exec_noresult(conn, SQL_ASSIGNMENT_UPSERT, 6, p, error);
	*rows = db_exec(conn, SQL_ASSIGNMENT_UPSERT, 6, p, error);
	return *rows != NULL;
}

gboolean
db_assignment_mark_published(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_noresult(conn, SQL_ASSIGNMENT_PUBLISH, 1, p, error);
}

JsonArray *
db_seating_sessions(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error)
{
	char ev[24], id[24];
	const char *p[2] = { db_num(ev, event_id),
		session_id > 0 ? db_num(id, session_id) : NULL };

	return db_exec(conn, SQL_SESSIONS, 2, p, error);
}

JsonArray *
db_seating_people(DbConn *conn, gint64 session_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, session_id) };

	return db_exec(conn, SQL_PEOPLE, 1, p, error);
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

	return db_exec_one(conn, SQL_CHECK, 5, p, error);
}

gint64
db_seating_free_table(DbConn *conn, gint64 session_id, gint64 tables,
    GError **error)
{
	char sid[24], n[24];
	const char *p[2] = { db_num(sid, session_id), db_num(n, tables) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_FREE_TABLE, 2, p,
	    error);

	return row != NULL ? db_int(row, "t") : 0;
}

JsonObject *
db_seating_assignment_lock(DbConn *conn, gint64 event_id, gint64 participant_id,
    gint64 session_id, GError **error)
{
	char ev[24], pid[24], sid[24];
	const char *p[3] = { db_num(ev, event_id), db_num(pid, participant_id),
		db_num(sid, session_id) };

	return db_exec_one(conn, SQL_ASSIGNMENT_LOCK, 3, p, error);
}

gboolean
db_seating_assignment_pin(DbConn *conn, gint64 participant_id,
    gint64 session_id, bool pinned, GError **error)
{
	char pid[24], sid[24];
	const char *p[3] = { db_num(pid, participant_id),
		db_num(sid, session_id), pinned ? "true" : "false" };

	return db_exec_noresult(conn, SQL_ASSIGNMENT_PIN, 3, p, error);
}

gboolean
db_seating_rule_put(DbConn *conn, gint64 event_id, gint64 participant_id,
    gint64 session_id, const char *kind, GError **error)
{
	char ev[24], pid[24], sid[24];
	const char *p[4] = { db_num(ev, event_id), db_num(pid, participant_id),
		db_num(sid, session_id), kind };

	return db_exec_noresult(conn, SQL_RULE_PUT, 4, p, error);
}

gboolean
db_seating_rule_delete(DbConn *conn, gint64 participant_id, gint64 session_id,
    const char *kind, GError **error)
{
	char pid[24], sid[24];
	const char *p[3] = { db_num(pid, participant_id),
		db_num(sid, session_id), kind };

	return db_exec_noresult(conn, SQL_RULE_DELETE, 3, p, error);
}

JsonObject *
db_seating_confirmed(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_CONFIRMED, 1, p, error);
}

JsonArray *
db_seating_nowhere(DbConn *conn, gint64 event_id, const char *unplaced,
    gint64 limit, GError **error)
{
	char ev[24], n[24];
	const char *p[3] = { db_num(ev, event_id), unplaced, db_num(n, limit) };

	return db_exec(conn, SQL_NOWHERE, 3, p, error);
}

JsonObject *
db_seating_current(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_CURRENT, 1, p, error);
}

gboolean
db_refill_declined(DbConn *conn, gint64 event_id, DbRowFunc fn, gpointer user,
    GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_each(conn, SQL_REFILL_DECLINED, 1, p, fn, user, error);
}

JsonObject *
db_refill_state(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_REFILL_STATE, 1, p, error);
}

JsonObject *
db_refill_flags(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_REFILL_FLAGS, 1, p, error);
}

JsonArray *
db_refill_people(DbConn *conn, gint64 event_id, const char *ids, GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id), ids };

	return db_exec(conn, SQL_REFILL_PEOPLE, 2, p, error);
}

/* The API's placements, keyset-paged by (session, participant). */
static const char *const SQL_API_PLACEMENTS =
    "SELECT a.session_id, a.participant_id, a.table_no, a.published"
    " FROM assignment a WHERE a.event_id = $1"
    " AND (a.session_id, a.participant_id) > ($2::bigint, $3::bigint)"
    " AND ($5::bigint IS NULL OR a.session_id = $5)"
    " ORDER BY a.session_id, a.participant_id LIMIT $4";

JsonArray *
db_api_placements(DbConn *conn, const struct db_api_page *pg, GError **error)
{
	char e[24], a0[24], a1[24], l[24], s[24];
	const char *p[5] = { db_num(e, pg->event_id), db_num(a0, pg->after[0]),
		db_num(a1, pg->after[1]), db_num(l, pg->limit),
		pg->session_id > 0 ? db_num(s, pg->session_id) : NULL };

	return db_exec(conn, SQL_API_PLACEMENTS, 5, p, error);
}
