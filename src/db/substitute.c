/*
 * substitute.c -- hand-overs of a place to a colleague: the participant
 * rows of the colleague and of the person handing over (sql/025), their
 * place, placements and rules moved in one statement, and the event's
 * substitute_approval setting.  A statement of the participant family
 * that only the hand-over runs lives here, so the area stays in one
 * file; every statement filters by the event it is given.
 */
#include "db/internal.h"

/* The colleague, pending with a hold, only while $2 is confirmed; the
 * ranking of $2 comes along (the allocator may need it later). */
static const char *const SQL_SUBSTITUTE_OFFER =
    "WITH o AS (SELECT id, sessions_wanted FROM participant"
    " WHERE id = $2 AND event_id = $1 AND status = 'confirmed'"
    " FOR UPDATE),"
    " p AS (INSERT INTO participant (event_id, name, email, organisation,"
    "  sector, language, status, hold_until, consent_at, substitute_for,"
    "  sessions_wanted) SELECT $1, $3, $4, $5, $6, $7, 'pending',"
    "  now() + make_interval(hours => $8::int), now(), o.id,"
    "  o.sessions_wanted FROM o RETURNING id, event_id, name, email,"
    "  language),"
    " pr AS (INSERT INTO preference (event_id, participant_id, session_id,"
    "  rank) SELECT $1, p.id, x.session_id, x.rank FROM p"
    "  CROSS JOIN preference x WHERE x.participant_id = $2"
    "  AND x.event_id = $1 RETURNING 1)"
    " SELECT id, event_id, name, email, language,"
    " (SELECT count(*) FROM pr) AS ranked FROM p";
static const char *const SQL_SUBSTITUTE_OPEN =
    "SELECT id, name, email, organisation,"
    " email_confirmed_at IS NOT NULL AS email_confirmed FROM participant"
    " WHERE event_id = $1 AND substitute_for = $2 AND status = 'pending'";
#define SUBSTITUTE_OF \
	"SELECT n.id, n.name, n.email, n.language, n.substitute_for," \
	" n.email_confirmed_at IS NOT NULL AS email_confirmed," \
	" o.status AS from_status, o.name AS from_name, o.email AS from_email," \
	" o.language AS from_language, e.substitute_approval AS approval" \
	" FROM participant n JOIN participant o ON o.id = n.substitute_for" \
	" AND o.event_id = n.event_id JOIN event e ON e.id = n.event_id" \
	" WHERE n.id = $2 AND n.event_id = $1 AND n.status = 'pending'"
static const char *const SQL_SUBSTITUTE_OF = SUBSTITUTE_OF;
static const char *const SQL_SUBSTITUTE_LOCK = SUBSTITUTE_OF
    " FOR UPDATE OF n, o";
static const char *const SQL_SUBSTITUTE_AWAIT =
    "UPDATE participant p SET"
    " email_confirmed_at = coalesce(p.email_confirmed_at, now()),"
    " hold_until = greatest(p.hold_until, e.ends_at) FROM event e"
    " WHERE e.id = p.event_id AND p.id = $2 AND p.event_id = $1"
    " AND p.status = 'pending' AND p.substitute_for IS NOT NULL"
    " RETURNING p.id";
/* The hand-over in one statement: $3's place, placements (with their
 * tables and published marks) and rules go to $2. */
static const char *const SQL_SUBSTITUTE_COMPLETE =
    "WITH pl AS (UPDATE place SET participant_id = $2"
    "  WHERE event_id = $1 AND participant_id = $3 RETURNING place_no),"
    " a AS (UPDATE assignment SET participant_id = $2"
    "  WHERE event_id = $1 AND participant_id = $3 RETURNING session_id),"
    " r AS (UPDATE placement_rule SET participant_id = $2"
    "  WHERE event_id = $1 AND participant_id = $3 RETURNING session_id),"
    " c AS (UPDATE checkin_code SET revoked_at = now()"
    "  WHERE participant_id = $3 AND revoked_at IS NULL"
    "  AND EXISTS (SELECT 1 FROM participant WHERE id = $3"
    "  AND event_id = $1) RETURNING code),"
    " o AS (UPDATE participant SET status = 'substituted'"
    "  WHERE id = $3 AND event_id = $1 AND status = 'confirmed'"
    "  RETURNING id),"
    " n AS (UPDATE participant SET status = 'confirmed', hold_until = NULL,"
    "  email_confirmed_at = coalesce(email_confirmed_at, now()),"
    "  consent_at = now() WHERE id = $2 AND event_id = $1"
    "  AND status = 'pending' AND substitute_for = $3 RETURNING id)"
    " SELECT (SELECT count(*) FROM a) AS placements,"
    " (SELECT count(*) FROM pl) AS places, (SELECT count(*) FROM o) AS old,"
    " (SELECT count(*) FROM n) AS new";
/* An open hand-over taken back or refused: the colleague's row goes
 * (tokens and ranking with it), and so does any mail to them not sent
 * yet -- its link would lead nowhere. */
static const char *const SQL_SUBSTITUTE_DROP =
    "WITH d AS (DELETE FROM participant WHERE event_id = $1"
    " AND status = 'pending' AND substitute_for IS NOT NULL"
    " AND ($2::bigint IS NULL OR substitute_for = $2)"
    " AND ($3::bigint IS NULL OR id = $3)"
    " RETURNING id, name, email, language, substitute_for),"
    " m AS (DELETE FROM outbox x USING d WHERE x.participant_id = d.id"
    " AND x.state = 'queued')"
    " SELECT id, name, email, language, substitute_for FROM d";
static const char *const SQL_SUBSTITUTE_LIST =
    "SELECT n.id, n.name, n.email, n.organisation, n.status,"
    " n.email_confirmed_at IS NOT NULL AS email_confirmed,"
    " o.id AS from_id, o.name AS from_name, o.email AS from_email,"
    " " DB_EPOCH(
        "n.created_at") " AS created, e.timezone"
                        " FROM participant n JOIN participant o ON o.id = n.substitute_for"
                        " AND o.event_id = n.event_id JOIN event e ON e.id = n.event_id"
                        " WHERE n.event_id = $1"
                        " ORDER BY n.created_at DESC, n.id DESC LIMIT 500";
static const char *const SQL_SUBSTITUTE_SETTINGS =
    "SELECT substitute_approval AS approval FROM event WHERE id = $1";
static const char *const SQL_SUBSTITUTE_SETTINGS_SET =
    "UPDATE event SET substitute_approval = $2 WHERE id = $1 RETURNING id";

JsonObject *
db_substitute_offer(DbConn *conn, const struct db_substitute_new *n,
    GError **error)
{
	char ev[24], from[24], hours[24];
	const char *p[8] = { db_num(ev, n->event_id), db_num(from, n->from_id),
		n->name, n->email, n->organisation, n->sector, n->language,
		db_num(hours, n->hold_hours) };

	return db_exec_one(conn, SQL_SUBSTITUTE_OFFER, 8, p, error);
}

/* Runs sql with the event and one id: the first row, or DB_ENOTFOUND. */
static JsonObject *
event_and_id(DbConn *conn, const char *sql, gint64 event_id, gint64 id,
    GError **error)
{
	char ev[24], num[24];
	const char *p[2] = { db_num(ev, event_id), db_num(num, id) };

	return db_exec_one(conn, sql, 2, p, error);
}

JsonObject *
db_substitute_open(DbConn *conn, gint64 event_id, gint64 from_id,
    GError **error)
{
	return event_and_id(conn, SQL_SUBSTITUTE_OPEN, event_id, from_id,
	    error);
}

JsonObject *
db_substitute_of(DbConn *conn, gint64 event_id, gint64 id, bool lock,
    GError **error)
{
	return event_and_id(conn,
	    lock ? SQL_SUBSTITUTE_LOCK : SQL_SUBSTITUTE_OF, event_id, id,
	    error);
}

gboolean
db_substitute_await(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	g_autoptr(JsonObject) row = event_and_id(conn, SQL_SUBSTITUTE_AWAIT,
	    event_id, id, error);

	return row != NULL;
}

gboolean
db_substitute_complete(DbConn *conn, gint64 event_id, gint64 id, gint64 from_id,
    gint64 *placements, GError **error)
{
	char ev[24], nid[24], oid[24];
	const char *p[3] = { db_num(ev, event_id), db_num(nid, id),
		db_num(oid, from_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_SUBSTITUTE_COMPLETE,
	    3, p, error);

	if (row == NULL)
		return FALSE;
	if (db_int(row, "old") != 1 || db_int(row, "new") != 1) {
		/* The caller locked both rows first: this is a bug. */
		g_set_error(error, SUMMIT_DB_ERROR, DB_ENOTFOUND,
		    "hand-over %" G_GINT64_FORMAT " from %" G_GINT64_FORMAT
		    " found neither side in its state",
		    id, from_id);
		return FALSE;
	}
	*placements = db_int(row, "placements");
	return TRUE;
}

JsonObject *
db_substitute_drop(DbConn *conn, gint64 event_id, gint64 from_id, gint64 id,
    GError **error)
{
	char ev[24], from[24], nid[24];
	const char *p[3] = { db_num(ev, event_id),
		from_id > 0 ? db_num(from, from_id) : NULL,
		id > 0 ? db_num(nid, id) : NULL };

	/* Both NULL would be every open hand-over of the event. */
	g_return_val_if_fail((from_id > 0) != (id > 0), NULL);
	return db_exec_one(conn, SQL_SUBSTITUTE_DROP, 3, p, error);
}

JsonArray *
db_substitute_list(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_SUBSTITUTE_LIST, 1, p, error);
}

JsonObject *
db_substitute_settings(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_SUBSTITUTE_SETTINGS, 1, p, error);
}

gboolean
db_substitute_settings_set(DbConn *conn, gint64 event_id, bool approval,
    GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id),
		approval ? "true" : "false" };
	g_autoptr(JsonObject) row = db_exec_one(conn,
	    SQL_SUBSTITUTE_SETTINGS_SET, 2, p, error);

	return row != NULL;
}
