/*
 * speaker.c -- the session_person table family: who is on stage in which
 * session, in which role and order, and whether they take a seat; and the
 * participant row made for a speaker who did not register.  Every
 * statement is a constant here and filters by the event.
 */
#include "db/internal.h"

/* clang-format off */
static const char *const SQL_SPEAKERS_OF_SESSION =
    "SELECT p.id AS participant_id, p.name, p.email, p.organisation,"
    " p.status, p.speaker_only, sp.role, sp.counts_seat"
    " FROM session_person sp JOIN participant p ON p.id = sp.participant_id"
    " WHERE sp.event_id = $1 AND sp.session_id = $2"
    " ORDER BY sp.position, p.name, p.id";
static const char *const SQL_SPEAKERS_OF_EVENT =
    "SELECT sp.session_id, sp.role, p.name, p.organisation,"
    " sp.counts_seat, p.status = 'confirmed' AS shown"
    " FROM session_person sp JOIN participant p ON p.id = sp.participant_id"
    " JOIN session s ON s.id = sp.session_id"
    " WHERE sp.event_id = $1 AND s.status = 'active'"
    " ORDER BY sp.session_id, sp.position, p.name, p.id";
static const char *const SQL_SPEAKER_SESSIONS =
    "SELECT s.id AS session_id, s.title_nb, s.title_en, s.room, sp.role,"
    " " DB_EPOCH("sl.starts_at") " AS starts_at,"
    " " DB_EPOCH("sl.ends_at") " AS ends_at"
    " FROM session_person sp JOIN session s ON s.id = sp.session_id"
    " JOIN slot sl ON sl.id = s.slot_id"
    " WHERE sp.event_id = $1 AND sp.participant_id = $2"
    " AND s.status = 'active' ORDER BY sl.starts_at, s.id";
/* clang-format on */
/* A new row holds no place and takes the event's first sector (a
 * participant has one); consent_at is when the organisers added them. */
static const char *const SQL_SPEAKER_PARTICIPANT =
    "WITH sec AS (SELECT code FROM sector WHERE event_id = $1"
    "  ORDER BY position, code LIMIT 1),"
    " ins AS (INSERT INTO participant (event_id, name, email, organisation,"
    "  sector, language, status, email_confirmed_at, consent_at,"
    "  speaker_only)"
    "  SELECT $1, $2, $3, $4, sec.code, $5, 'confirmed', NULL, now(), true"
    "  FROM sec WHERE NOT EXISTS (SELECT 1 FROM participant"
    "   WHERE event_id = $1 AND lower(email) = lower($3))"
    "  ON CONFLICT DO NOTHING RETURNING id)"
    " SELECT id, true AS made FROM ins UNION ALL"
    " SELECT id, false AS made FROM participant"
    " WHERE event_id = $1 AND lower(email) = lower($3)"
    " UNION ALL SELECT 0, false WHERE NOT EXISTS (SELECT 1 FROM sec)"
    " LIMIT 1";
static const char *const SQL_SPEAKER_ATTACH =
    "INSERT INTO session_person (event_id, session_id, participant_id,"
    " role, counts_seat, position)"
    " SELECT $1, $2, $3, $4, $5, coalesce(max(position) + 1, 0)"
    " FROM session_person WHERE event_id = $1 AND session_id = $2"
    " ON CONFLICT (session_id, participant_id) DO UPDATE SET"
    " role = excluded.role, counts_seat = excluded.counts_seat"
    " WHERE session_person.event_id = $1"
    " RETURNING role, counts_seat, position";
static const char *const SQL_SPEAKER_DETACH =
    "DELETE FROM session_person WHERE event_id = $1 AND session_id = $2"
    " AND participant_id = $3 RETURNING role, counts_seat";
/* Numbers the session's people 1..n in their order, then swaps the one
 * moved with its neighbour. */
static const char *const SQL_SPEAKER_MOVE =
    "WITH o AS (SELECT participant_id, row_number() OVER"
    "  (ORDER BY position, participant_id) AS n FROM session_person"
    "  WHERE event_id = $1 AND session_id = $2),"
    " me AS (SELECT n FROM o WHERE participant_id = $3),"
    " t AS (SELECT o.participant_id, CASE"
    "  WHEN o.participant_id = $3 THEN me.n + $4::int"
    "  WHEN o.n = me.n + $4::int THEN me.n ELSE o.n END AS pos"
    "  FROM o, me)"
    " UPDATE session_person sp SET position = greatest(t.pos, 0)"
    " FROM t WHERE sp.event_id = $1 AND sp.session_id = $2"
    " AND sp.participant_id = t.participant_id"
    " RETURNING sp.participant_id";

JsonArray *
db_speakers_of_session(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error)
{
	char ev[24], sid[24];
	const char *p[2] = { db_num(ev, event_id), db_num(sid, session_id) };

	return db_exec(conn, SQL_SPEAKERS_OF_SESSION, 2, p, error);
}

JsonArray *
db_speakers_of_event(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_SPEAKERS_OF_EVENT, 1, p, error);
}

JsonArray *
db_speaker_sessions(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error)
{
	char ev[24], pid[24];
	const char *p[2] = { db_num(ev, event_id),
		db_num(pid, participant_id) };

	return db_exec(conn, SQL_SPEAKER_SESSIONS, 2, p, error);
}

gboolean
db_speaker_participant(DbConn *conn, gint64 event_id, const char *name,
    const char *email, const char *organisation, const char *language,
    gint64 *id, bool *made, GError **error)
{
	char ev[24];
	const char *p[5] = { db_num(ev, event_id), name, email, organisation,
		language };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_SPEAKER_PARTICIPANT,
	    5, p, error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	*made = json_object_get_boolean_member(row, "made");
	return TRUE;
}

JsonObject *
db_speaker_attach(DbConn *conn, gint64 event_id, gint64 session_id,
    gint64 participant_id, const char *role, bool counts_seat, GError **error)
{
	char ev[24], sid[24], pid[24];
	const char *p[5] = { db_num(ev, event_id), db_num(sid, session_id),
		db_num(pid, participant_id), role, counts_seat ? "t" : "f" };

	return db_exec_one(conn, SQL_SPEAKER_ATTACH, 5, p, error);
}

JsonObject *
db_speaker_detach(DbConn *conn, gint64 event_id, gint64 session_id,
    gint64 participant_id, GError **error)
{
	char ev[24], sid[24], pid[24];
	const char *p[3] = { db_num(ev, event_id), db_num(sid, session_id),
		db_num(pid, participant_id) };

	return db_exec_one(conn, SQL_SPEAKER_DETACH, 3, p, error);
}

gboolean
db_speaker_move(DbConn *conn, gint64 event_id, gint64 session_id,
    gint64 participant_id, int step, GError **error)
{
	char ev[24], sid[24], pid[24], st[24];
	const char *p[4] = { db_num(ev, event_id), db_num(sid, session_id),
		db_num(pid, participant_id), db_num(st, step) };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_SPEAKER_MOVE, 4, p,
	    error);

	if (rows == NULL)
		return FALSE;
	if (json_array_get_length(rows) == 0) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_ENOTFOUND,
		    "no such person in the session");
		return FALSE;
	}
	return TRUE;
}
