/*
 * door.c -- the door's table family: check-in codes, arrivals at the
 * event and at sessions, and the counts of the door's pages.  Every
 * statement of the family is a constant at the top of this file.
 *
 * Two doors scanning one person at once are decided here, by one
 * conditional statement each (an UPDATE ... WHERE checked_in_at IS NULL,
 * an INSERT ... ON CONFLICT DO NOTHING): never a read, then a write.
 */
#include "db/internal.h"

static const char *const SQL_CHECKIN_CODE_OF =
    "SELECT p.status, c.code, c.short_code FROM participant p"
    " LEFT JOIN checkin_code c ON c.participant_id = p.id"
    " AND c.revoked_at IS NULL WHERE p.id = $1";
/* Any unique index may refuse: the person's live code (someone issued
 * it meanwhile), the code or the short form (a collision). */
static const char *const SQL_CHECKIN_CODE_INSERT =
    "INSERT INTO checkin_code (code, participant_id) VALUES ($2, $1)"
    " ON CONFLICT DO NOTHING RETURNING code";
static const char *const SQL_CHECKIN_CODE_REVOKE =
    "UPDATE checkin_code SET revoked_at = now()"
    " WHERE participant_id = $1 AND revoked_at IS NULL RETURNING code";
static const char *const SQL_CHECKIN_CODE_MISSING =
    "SELECT p.id FROM participant p WHERE p.event_id = $1"
    " AND p.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM checkin_code c"
    " WHERE c.participant_id = p.id AND c.revoked_at IS NULL) ORDER BY p.id";
/* A full code is 16 characters, a short form 10: one matches at most
 * one column, and short forms are unique over revoked codes too. */
static const char *const SQL_DOOR_CODE_FIND =
    "SELECT participant_id, revoked_at IS NOT NULL AS revoked"
    " FROM checkin_code WHERE code = $1 OR short_code = $1";
static const char *const SQL_DOOR_PERSON =
    "SELECT p.id, p.event_id, p.name, p.organisation, p.status,"
    " coalesce(s.name_nb, p.sector) AS sector_nb,"
    " coalesce(s.name_en, p.sector) AS sector_en,"
    " p.event_id = $2::bigint AS current,"
    " " DB_EPOCH(
        "p.checked_in_at") " AS checked_in_at,"
                           " coalesce(p.checked_in_door, '') AS checked_in_door, e.timezone,"
                           " " DB_EPOCH(
                               "e.starts_at") " AS event_starts,"
                                              " " DB_EPOCH(
                                                  "e.ends_at") " AS event_ends"
                                                               " FROM participant p JOIN event e ON e.id = p.event_id"
                                                               " LEFT JOIN sector s ON s.event_id = p.event_id AND s.code = p.sector"
                                                               " WHERE p.id = $1";
static const char *const SQL_DOOR_SESSIONS_OF =
    "SELECT s.id AS session_id, s.title_nb, s.title_en, s.room, a.table_no,"
    " s.tables > 1 AS has_table,"
    " " DB_EPOCH(
        "sl.starts_at") " AS starts_at,"
                        " " DB_EPOCH(
                            "sl.ends_at") " AS ends_at"
                                          " FROM assignment a JOIN session s ON s.id = a.session_id"
                                          " JOIN slot sl ON sl.id = s.slot_id"
                                          " WHERE a.participant_id = $1 AND s.status = 'active'"
                                          " ORDER BY sl.starts_at, s.id";
static const char *const SQL_DOOR_SESSION =
    "SELECT s.id, s.title_nb, s.title_en, s.room,"
    " " DB_EPOCH(
        "sl.starts_at") " AS starts_at,"
                        " " DB_EPOCH(
                            "sl.ends_at") " AS ends_at"
                                          " FROM session s JOIN slot sl ON sl.id = s.slot_id"
                                          " WHERE s.id = $1 AND s.status = 'active'"
                                          " AND s.event_id = $2";
/* The race between doors is decided by these two: a second UPDATE waits
 * for the first's row lock, then finds checked_in_at set and matches
 * nothing; a second INSERT waits on the key, then does nothing. */
static const char *const SQL_DOOR_CHECK_IN =
    "UPDATE participant SET checked_in_at = now(), checked_in_door = $2"
    " WHERE id = $1 AND checked_in_at IS NULL"
    " RETURNING " DB_EPOCH("checked_in_at") " AS at, checked_in_door AS door";
static const char *const SQL_DOOR_CHECKED_IN = "SELECT " DB_EPOCH(
    "checked_in_at") " AS at,"
                     " coalesce(checked_in_door, '') AS door FROM participant WHERE id = $1";
static const char *const SQL_DOOR_ATTEND =
    "INSERT INTO session_attendance (session_id, participant_id, door)"
    " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    " RETURNING " DB_EPOCH("at") " AS at, door";
static const char *const SQL_DOOR_ATTENDED = "SELECT " DB_EPOCH(
    "at") " AS at, door FROM session_attendance"
          " WHERE session_id = $1 AND participant_id = $2";
static const char *const SQL_DOOR_UNDO =
    "UPDATE participant SET checked_in_at = NULL, checked_in_door = NULL"
    " WHERE id = $1 AND checked_in_at IS NOT NULL RETURNING id";
static const char *const SQL_DOOR_UNATTEND =
    "DELETE FROM session_attendance WHERE session_id = $1"
    " AND participant_id = $2 RETURNING participant_id";
static const char *const SQL_DOOR_SEARCH =
    "SELECT p.id, p.name, p.organisation, p.status,"
    " p.checked_in_at IS NOT NULL AS checked_in FROM participant p"
    " WHERE p.event_id = $3 AND p.search LIKE"
    " '%' || lower(replace(replace(replace($1::text, '\\', '\\\\'),"
    " '%', '\\%'), '_', '\\_')) || '%'"
    " ORDER BY lower(p.name), p.id LIMIT $2";
static const char *const SQL_DOOR_EVENT_COUNTS =
    "SELECT e.id, e.timezone, " DB_EPOCH(
        "e.starts_at") " AS starts_at,"
                       " e.starts_at <= now() AS started, e.walk_ins,"
                       " (SELECT count(*) FROM participant p WHERE p.event_id = e.id"
                       "  AND p.status = 'confirmed') AS expected,"
                       " (SELECT count(*) FROM participant p WHERE p.event_id = e.id"
                       "  AND p.checked_in_at IS NOT NULL) AS arrived"
                       " FROM event e WHERE e.id = $1";
static const char *const SQL_DOOR_SESSION_COUNTS =
    "SELECT s.id, s.code, s.title_nb, s.title_en, s.room,"
    " " DB_EPOCH(
        "sl.starts_at") " AS starts_at,"
                        " " DB_EPOCH(
                            "sl.ends_at") " AS ends_at, sl.starts_at <= now() AS started,"
                                          " (SELECT count(*) FROM assignment a JOIN participant p"
                                          "  ON p.id = a.participant_id WHERE a.session_id = s.id"
                                          "  AND p.status = 'confirmed') AS expected,"
                                          " (SELECT count(*) FROM session_attendance t"
                                          "  WHERE t.session_id = s.id) AS arrived"
                                          " FROM session s JOIN slot sl ON sl.id = s.slot_id"
                                          " WHERE s.event_id = $1 AND s.status = 'active'"
                                          " ORDER BY sl.starts_at, s.code";
static const char *const SQL_DOOR_WALK_INS =
    "SELECT id, walk_ins FROM event WHERE id = $1";
static const char *const SQL_DOOR_WALK_INS_LOCK =
    "SELECT id, walk_ins FROM event WHERE id = $1 FOR SHARE";
static const char *const SQL_DOOR_WALK_INS_SET =
    "UPDATE event e SET walk_ins = $1 FROM (SELECT id, walk_ins FROM event"
    " WHERE id = $2 FOR UPDATE) old WHERE e.id = old.id"
    " RETURNING old.walk_ins AS was";
/* Consent is given at the desk, in person. */
static const char *const SQL_DOOR_WALK_IN =
    "INSERT INTO participant (event_id, name, email, organisation, sector,"
    " language, status, consent_at, checked_in_at, checked_in_door)"
    " VALUES ($1, $2, $3, $4, $5, $6, 'confirmed', now(), now(), $7)"
    " RETURNING id";
static const char *const SQL_DOOR_NO_SHOWS_EVENT =
    "SELECT p.id, p.name, p.organisation, p.sector, NULL::int AS table_no"
    " FROM participant p WHERE p.event_id = $1"
    " AND p.status = 'confirmed' AND p.checked_in_at IS NULL"
    " ORDER BY lower(p.name), p.id";
static const char *const SQL_DOOR_NO_SHOWS_SESSION =
    "SELECT p.id, p.name, p.organisation, p.sector, a.table_no"
    " FROM assignment a JOIN participant p ON p.id = a.participant_id"
    " WHERE a.session_id = $1 AND p.status = 'confirmed'"
    " AND NOT EXISTS (SELECT 1 FROM session_attendance t"
    "  WHERE t.session_id = a.session_id"
    "  AND t.participant_id = a.participant_id)"
    " ORDER BY lower(p.name), p.id";

JsonObject *
db_checkin_code_of(DbConn *conn, gint64 participant_id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, participant_id) };

	return db_exec_one(conn, SQL_CHECKIN_CODE_OF, 1, p, error);
}

gboolean
db_checkin_code_insert(DbConn *conn, gint64 participant_id, const char *code,
    bool *stored, GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, participant_id), code };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_CHECKIN_CODE_INSERT, 2, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*stored = json_array_get_length(rows) > 0;
	return TRUE;
}

gboolean
db_checkin_code_revoke(DbConn *conn, gint64 participant_id, bool *revoked,
    GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, participant_id) };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_CHECKIN_CODE_REVOKE, 1, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*revoked = json_array_get_length(rows) > 0;
	return TRUE;
}

JsonArray *
db_checkin_code_missing(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_CHECKIN_CODE_MISSING, 1, p, error);
}

JsonObject *
db_door_code_find(DbConn *conn, const char *code, GError **error)
{
	const char *p[1] = { code };

	return db_exec_one(conn, SQL_DOOR_CODE_FIND, 1, p, error);
}

JsonObject *
db_door_person(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error)
{
	char i[24], ev[24];
	const char *p[2] = { db_num(i, participant_id), db_num(ev, event_id) };

	return db_exec_one(conn, SQL_DOOR_PERSON, 2, p, error);
}

JsonArray *
db_door_sessions_of(DbConn *conn, gint64 participant_id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, participant_id) };

	return db_exec(conn, SQL_DOOR_SESSIONS_OF, 1, p, error);
}

JsonObject *
db_door_session(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error)
{
	char i[24], ev[24];
	const char *p[2] = { db_num(i, session_id), db_num(ev, event_id) };

	return db_exec_one(conn, SQL_DOOR_SESSION, 2, p, error);
}

gboolean
db_door_check_in(DbConn *conn, gint64 participant_id, gint64 session_id,
    const char *door, bool *first, JsonObject **out, GError **error)
{
	char pi[24], si[24];
	g_autoptr(JsonArray) rows = NULL;

	*out = NULL;
	if (session_id > 0) {
		const char *p[3] = { db_num(si, session_id),
			db_num(pi, participant_id), door };

		rows = db_exec(conn, SQL_DOOR_ATTEND, 3, p, error);
	} else {
		const char *p[2] = { db_num(pi, participant_id), door };

		rows = db_exec(conn, SQL_DOOR_CHECK_IN, 2, p, error);
	}
	if (rows == NULL)
		return FALSE;
	*first = json_array_get_length(rows) > 0;
	if (*first) {
		*out = json_object_ref(json_array_get_object_element(rows, 0));
		return TRUE;
	}
	/* The other door's check-in, committed before ours matched
	 * nothing. */
	if (session_id > 0) {
		const char *p[2] = { si, pi };

		*out = db_exec_one(conn, SQL_DOOR_ATTENDED, 2, p, error);
	} else {
		const char *p[1] = { pi };

		*out = db_exec_one(conn, SQL_DOOR_CHECKED_IN, 1, p, error);
	}
	return *out != NULL;
}

gboolean
db_door_undo(DbConn *conn, gint64 participant_id, gint64 session_id,
    bool *undone, GError **error)
{
	char pi[24], si[24];
	g_autoptr(JsonArray) rows = NULL;

	if (session_id > 0) {
		const char *p[2] = { db_num(si, session_id),
			db_num(pi, participant_id) };

		rows = db_exec(conn, SQL_DOOR_UNATTEND, 2, p, error);
	} else {
		const char *p[1] = { db_num(pi, participant_id) };

		rows = db_exec(conn, SQL_DOOR_UNDO, 1, p, error);
	}
	if (rows == NULL)
		return FALSE;
	*undone = json_array_get_length(rows) > 0;
	return TRUE;
}

JsonArray *
db_door_search(DbConn *conn, gint64 event_id, const char *q, gint64 limit,
    GError **error)
{
	char l[24], ev[24];
	const char *p[3] = { q, db_num(l, limit), db_num(ev, event_id) };

	return db_exec(conn, SQL_DOOR_SEARCH, 3, p, error);
}

JsonObject *
db_door_event_counts(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_DOOR_EVENT_COUNTS, 1, p, error);
}

JsonArray *
db_door_session_counts(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_DOOR_SESSION_COUNTS, 1, p, error);
}

JsonArray *
db_door_no_shows(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error)
{
	char s[24], ev[24];
	const char *p[1] = { db_num(s, session_id) };
	const char *pe[1] = { db_num(ev, event_id) };

	if (session_id <= 0)
		return db_exec(conn, SQL_DOOR_NO_SHOWS_EVENT, 1, pe, error);
	return db_exec(conn, SQL_DOOR_NO_SHOWS_SESSION, 1, p, error);
}

JsonObject *
db_door_walk_ins(DbConn *conn, gint64 event_id, bool lock, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn,
	    lock ? SQL_DOOR_WALK_INS_LOCK : SQL_DOOR_WALK_INS, 1, p, error);
}

gboolean
db_door_walk_ins_set(DbConn *conn, gint64 event_id, bool on, bool *was,
    GError **error)
{
	char ev[24];
	const char *p[2] = { on ? "true" : "false", db_num(ev, event_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_DOOR_WALK_INS_SET, 2,
	    p, error);

	if (row == NULL)
		return FALSE;
	*was = json_object_get_boolean_member(row, "was");
	return TRUE;
}

gboolean
db_door_walk_in(DbConn *conn, gint64 event_id, const char *name,
    const char *email, const char *organisation, const char *sector,
    const char *language, const char *door, gint64 *id, GError **error)
{
	char e[24];
	const char *p[7] = { db_num(e, event_id), name, email, organisation,
		sector, language, door };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_DOOR_WALK_IN, 7, p,
	    error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}
