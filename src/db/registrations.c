/*
 * registrations.c -- queries for the console area "registrations", kept in
 * this file's own statement table (db_exec_sql).
 *
 * The list is one statement per sort order (a sort key cannot be a
 * parameter, and SQL is never built from input), all sharing one WHERE
 * clause whose filters switch off when their parameter is NULL.
 * Connections use custom plans, so a switched-off filter folds away and
 * the search pattern is a constant the pg_trgm index of 005 can serve
 * (on participant.search: name, e-mail and organisation, lower-cased).
 * The session filter is an uncorrelated IN, which PostgreSQL hashes once
 * (an EXISTS inside the OR would run once per row).  The count is capped:
 * counting 50,000 rows to print "10,000+" is waste.
 */
#include "db/internal.h"

/* $1 event, $2 search text, $3 status, $4 sector, $5 session,
 * $6 'placed' or 'ranked'. */
#define REG_PATTERN \
    "'%' || lower(replace(replace(replace($2::text, '\\', '\\\\'),"	\
    " '%', '\\%'), '_', '\\_')) || '%'"
#define REG_WHERE \
    " FROM participant p WHERE p.event_id = $1"				\
    " AND ($2::text IS NULL OR p.search LIKE " REG_PATTERN ")"	\
    " AND ($3::text IS NULL OR p.status = $3)"				\
    " AND ($4::text IS NULL OR p.sector = $4)"				\
    " AND ($5::bigint IS NULL OR p.id IN (SELECT pr.participant_id"	\
    "  FROM preference pr WHERE pr.session_id = $5"			\
    "  AND $6::text <> 'placed' UNION ALL SELECT a.participant_id"	\
    "  FROM assignment a WHERE a.session_id = $5"			\
    "  AND $6::text = 'placed'))"
#define REG_LIST(order) \
    "SELECT p.id, p.name, p.email, p.organisation, p.sector, p.status,"	\
    " to_char(p.created_at AT TIME ZONE 'Europe/Oslo',"		\
    "  'YYYY-MM-DD HH24:MI') AS registered_at,"			\
    " p.checked_in_at IS NOT NULL AS checked_in"			\
    REG_WHERE " ORDER BY " order " LIMIT $7 OFFSET $8"

/* [sort][desc] */
static const char *const SQL_REG_LIST[DB_REG_SORT__MAX][2] = {
	/* DB_REG_SORT_REGISTERED */
	{ REG_LIST("p.created_at, p.id"),
	  REG_LIST("p.created_at DESC, p.id DESC") },
	/* DB_REG_SORT_NAME */
	{ REG_LIST("lower(p.name), p.id"),
	  REG_LIST("lower(p.name) DESC, p.id DESC") },
	/* DB_REG_SORT_ORG */
	{ REG_LIST("lower(p.organisation), p.id"),
	  REG_LIST("lower(p.organisation) DESC, p.id DESC") },
	/* DB_REG_SORT_STATUS */
	{ REG_LIST("p.status, p.created_at, p.id"),
	  REG_LIST("p.status DESC, p.created_at DESC, p.id DESC") },
};
static const char *const SQL_REG_COUNT =
    "SELECT count(*) AS n FROM (SELECT 1" REG_WHERE " LIMIT $7) c";
static const char *const SQL_REG_SESSIONS =
    "SELECT s.id, s.title_nb, s.title_en FROM session s"
    " JOIN slot sl ON sl.id = s.slot_id WHERE s.event_id = $1"
    " ORDER BY sl.starts_at, s.id";

#define REG_TIME(col) \
    "coalesce(to_char(" col " AT TIME ZONE e.timezone,"		\
    " 'YYYY-MM-DD HH24:MI'), '')"
#define REG_GET \
    "SELECT p.id, p.event_id, p.name, p.email, p.organisation, p.sector,"	\
    " p.role, p.needs, p.language, p.status, p.sessions_wanted,"	\
    " " REG_TIME("p.created_at") " AS registered_at,"			\
    " " REG_TIME("p.email_confirmed_at") " AS email_confirmed_at,"	\
    " p.email_confirmed_at IS NOT NULL AS email_confirmed,"		\
    " " REG_TIME("p.hold_until") " AS hold_until,"			\
    " " REG_TIME("p.cancelled_at") " AS cancelled_at,"			\
    " " REG_TIME("p.checked_in_at") " AS checked_in_at,"		\
    " p.checked_in_at IS NOT NULL AS checked_in,"			\
    " (SELECT pl.place_no FROM place pl WHERE pl.participant_id = p.id)"\
    "  AS place_no"							\
    " FROM participant p JOIN event e ON e.id = p.event_id WHERE p.id = $1"
static const char *const SQL_REG_GET = REG_GET;
static const char *const SQL_REG_GET_LOCK = REG_GET " FOR UPDATE OF p";
static const char *const SQL_REG_ASSIGNMENTS =
    "SELECT a.session_id, s.title_nb, s.title_en, a.table_no, a.pinned,"
    " a.published FROM assignment a JOIN session s ON s.id = a.session_id"
    " JOIN slot sl ON sl.id = s.slot_id WHERE a.participant_id = $1"
    " ORDER BY sl.starts_at, s.id";
static const char *const SQL_REG_INVITATIONS =
    "SELECT i.session_id, s.title_nb, s.title_en, i.sequence, i.state,"
    " to_char(i.sent_at AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD HH24:MI')"
    "  AS sent_at"
    " FROM invitation i JOIN session s ON s.id = i.session_id"
    " WHERE i.participant_id = $1 ORDER BY i.session_id";
static const char *const SQL_REG_OUTBOX =
    "SELECT id, kind, state, attempts, coalesce(last_error, '')"
    " AS last_error, to_char(created_at AT TIME ZONE 'Europe/Oslo',"
    " 'YYYY-MM-DD HH24:MI:SS') AS created_at,"
    " coalesce(to_char(sent_at AT TIME ZONE 'Europe/Oslo',"
    " 'YYYY-MM-DD HH24:MI:SS'), '') AS sent_at"
    " FROM outbox WHERE participant_id = $1 ORDER BY id DESC LIMIT 500";
static const char *const SQL_REG_CHECK_IN =
    "UPDATE participant SET checked_in_at = CASE WHEN $2::bool"
    " THEN coalesce(checked_in_at, now()) END, updated_at = now()"
    " WHERE id = $1 RETURNING id";
static const char *const SQL_REG_ERASE =
    "UPDATE participant SET name = '(erased)',"
    " email = 'erased-' || id || '@invalid.invalid',"
    " organisation = '(erased)', role = '', needs = '',"
    " updated_at = now() WHERE id = $1 RETURNING id";
static const char *const SQL_REG_ERASE_TOKENS =
    "DELETE FROM participant_token WHERE participant_id = $1";
static const char *const SQL_REG_ERASE_OUTBOX =
    "UPDATE outbox SET recipient = 'erased-' || participant_id"
    " || '@invalid.invalid', recipient_name = '(erased)',"
    " state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END,"
    " last_error = CASE WHEN state = 'queued' THEN 'erased'"
    "  ELSE last_error END"
    " WHERE participant_id = $1";
/* Not yet erased, of an event over for more than $1 days; one batch,
 * skipping rows another process is erasing right now. */
static const char *const SQL_REG_PAST_RETENTION =
    "SELECT p.id FROM participant p JOIN event e ON e.id = p.event_id"
    " WHERE e.ends_at + make_interval(days => $1::int) < now()"
    " AND p.email <> 'erased-' || p.id || '@invalid.invalid'"
    " ORDER BY p.id LIMIT $2 FOR UPDATE OF p SKIP LOCKED";
static const char *const SQL_REG_ERASE_AUDIT =
    "UPDATE audit_log SET"
    " before = before - 'name' - 'email' - 'organisation' - 'role'"
    "  - 'needs',"
    " after = after - 'name' - 'email' - 'organisation' - 'role' - 'needs'"
    " WHERE subject_type = 'participant' AND subject_id = $1";
/* As STMT_PUBLISH_REQUESTS queues them, with the sequence unchanged. */
static const char *const SQL_REG_REQUEUE =
    "INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload, link_nonce)"
    " SELECT i.event_id, i.participant_id, 'invite', p.email, p.name,"
    " p.language,"
    " summit_invitation_payload(i.session_id, i.sequence, 'REQUEST'),"
    " replace(gen_random_uuid()::text, '-', '')"
    " FROM invitation i JOIN participant p ON p.id = i.participant_id"
    " WHERE i.participant_id = $1 AND i.state = 'invited'"
    " ORDER BY i.session_id RETURNING id";
#define REG_TITLE(s) \
    "CASE WHEN $2::text = 'en' THEN " s ".title_en ELSE " s ".title_nb END"
static const char *const SQL_REG_EXPORT =
    "SELECT p.id, p.name, p.email, p.organisation, p.sector, p.role,"
    " p.needs, p.language, p.status,"
    " " REG_TIME("p.created_at") " AS registered_at,"
    " " REG_TIME("p.email_confirmed_at") " AS confirmed_at,"
    " " REG_TIME("p.checked_in_at") " AS checked_in_at,"
    " coalesce(r.r1, '') AS rank1, coalesce(r.r2, '') AS rank2,"
    " coalesce(r.r3, '') AS rank3, coalesce(r.r4, '') AS rank4,"
    " coalesce(r.r5, '') AS rank5, coalesce(a.placed, '') AS placements"
    " FROM participant p JOIN event e ON e.id = p.event_id"
    " LEFT JOIN LATERAL (SELECT"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 1) AS r1,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 2) AS r2,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 3) AS r3,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 4) AS r4,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 5) AS r5"
    "  FROM preference pr JOIN session s ON s.id = pr.session_id"
    "  WHERE pr.participant_id = p.id) r ON true"
    " LEFT JOIN LATERAL (SELECT string_agg(" REG_TITLE("s")
    "  || ' (' || a.table_no || ')', '; ' ORDER BY sl.starts_at, s.id)"
    "  AS placed FROM assignment a JOIN session s ON s.id = a.session_id"
    "  JOIN slot sl ON sl.id = s.slot_id"
    "  WHERE a.participant_id = p.id) a ON true"
    " WHERE p.event_id = $1 AND p.id > $3 ORDER BY p.id LIMIT $4";
static const char *const SQL_REG_EMAILS_TAKEN =
    "SELECT lower(p.email) AS email FROM participant p"
    " WHERE p.event_id = $1 AND lower(p.email) IN"
    " (SELECT lower(x) FROM jsonb_array_elements_text($2::jsonb) x)";
/* As STMT_PARTICIPANT_REGISTER, for an invitee: confirmed, no hold. */
static const char *const SQL_REG_INSERT_INVITEE =
    "WITH f AS (SELECT event_id, place_no FROM place"
    "  WHERE event_id = $1 AND participant_id IS NULL"
    "  ORDER BY place_no LIMIT 1 FOR UPDATE SKIP LOCKED),"
    " p AS (INSERT INTO participant (event_id, name, email, organisation,"
    "  sector, role, language, status, waitlisted_at, consent_at)"
    "  SELECT $1, $2, $3, $4, $5, $6, $7,"
    "  CASE WHEN EXISTS (SELECT 1 FROM f) THEN 'confirmed'"
    "   ELSE 'waitlisted' END,"
    "  CASE WHEN NOT EXISTS (SELECT 1 FROM f) THEN now() END, now()"
    "  ON CONFLICT DO NOTHING RETURNING id, status),"
    " pl AS (UPDATE place SET participant_id = p.id FROM p, f"
    "  WHERE place.event_id = f.event_id AND place.place_no = f.place_no"
    "  RETURNING place.place_no)"
    " SELECT p.id, p.status, (SELECT count(*) FROM pl) AS placed FROM p";

/* The eight filter parameters; bufs hold the numbers. */
static void
reg_params(gint64 event_id, const struct db_reg_filter *f,
    char bufs[4][24], const char *p[8])
{
	p[0] = db_num(bufs[0], event_id);
	p[1] = f->q != NULL && f->q[0] != '\0' ? f->q : NULL;
	p[2] = f->status;
	p[3] = f->sector;
	p[4] = f->session_id > 0 ? db_num(bufs[1], f->session_id) : NULL;
	p[5] = f->placed ? "placed" : "ranked";
	p[6] = db_num(bufs[2], f->limit);
	p[7] = db_num(bufs[3], f->offset);
}

JsonArray *
db_reg_list(DbConn *conn, gint64 event_id, const struct db_reg_filter *f,
    GError **error)
{
	char bufs[4][24];
	const char *p[8];
	unsigned sort = f->sort < DB_REG_SORT__MAX ? f->sort : 0;

	reg_params(event_id, f, bufs, p);
	return db_exec_sql(conn, SQL_REG_LIST[sort][f->desc ? 1 : 0], 8, p,
	    error);
}

gboolean
db_reg_count(DbConn *conn, gint64 event_id, const struct db_reg_filter *f,
    gint64 cap, gint64 *count, GError **error)
{
	char bufs[4][24];
	const char *p[8];
	g_autoptr(JsonObject) row = NULL;

	reg_params(event_id, f, bufs, p);
	p[6] = db_num(bufs[2], cap);
	if ((row = db_exec_sql_one(conn, SQL_REG_COUNT, 7, p, error)) == NULL)
		return FALSE;
	*count = db_int(row, "n");
	return TRUE;
}

JsonArray *
db_reg_sessions(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec_sql(conn, SQL_REG_SESSIONS, 1, p, error);
}

JsonObject *
db_reg_get(DbConn *conn, gint64 id, bool lock, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec_sql_one(conn, lock ? SQL_REG_GET_LOCK : SQL_REG_GET, 1,
	    p, error);
}

JsonArray *
db_reg_assignments(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec_sql(conn, SQL_REG_ASSIGNMENTS, 1, p, error);
}

JsonArray *
db_reg_invitations(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec_sql(conn, SQL_REG_INVITATIONS, 1, p, error);
}

JsonArray *
db_reg_outbox(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec_sql(conn, SQL_REG_OUTBOX, 1, p, error);
}

gboolean
db_reg_set_checked_in(DbConn *conn, gint64 id, bool in, GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, id), in ? "true" : "false" };
	g_autoptr(JsonObject) row = db_exec_sql_one(conn, SQL_REG_CHECK_IN, 2,
	    p, error);

	return row != NULL;
}

static gboolean
reg_erase(DbConn *conn, gint64 id, bool links, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };
	g_autoptr(JsonObject) row = db_exec_sql_one(conn, SQL_REG_ERASE, 1, p,
	    error);

	/* The outbox first: it waits for a worker sending one of their mails
	 * right now, whose link token is then committed and deleted next. */
	return row != NULL &&
	    db_exec_sql_noresult(conn, SQL_REG_ERASE_OUTBOX, 1, p, error) &&
	    (!links || db_exec_sql_noresult(conn, SQL_REG_ERASE_TOKENS, 1, p,
	    error)) &&
	    db_exec_sql_noresult(conn, SQL_REG_ERASE_AUDIT, 1, p, error);
}

gboolean
db_reg_erase(DbConn *conn, gint64 id, GError **error)
{
	return reg_erase(conn, id, true, error);
}

gboolean
db_reg_erase_keep_links(DbConn *conn, gint64 id, GError **error)
{
	return reg_erase(conn, id, false, error);
}

JsonArray *
db_reg_past_retention(DbConn *conn, gint64 days, unsigned limit,
    GError **error)
{
	char d[24], l[24];
	const char *p[2] = { db_num(d, days), db_num(l, limit) };

	return db_exec_sql(conn, SQL_REG_PAST_RETENTION, 2, p, error);
}

gboolean
db_reg_requeue_invitations(DbConn *conn, gint64 id, gint64 *queued,
    GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };
	g_autoptr(JsonArray) rows = db_exec_sql(conn, SQL_REG_REQUEUE, 1, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*queued = json_array_get_length(rows);
	return TRUE;
}

JsonArray *
db_reg_export(DbConn *conn, gint64 event_id, const char *lang,
    gint64 after_id, gint64 limit, GError **error)
{
	char e[24], a[24], l[24];
	const char *p[4] = { db_num(e, event_id), lang, db_num(a, after_id),
	    db_num(l, limit) };

	return db_exec_sql(conn, SQL_REG_EXPORT, 4, p, error);
}

JsonArray *
db_reg_emails_taken(DbConn *conn, gint64 event_id, const char *emails_json,
    GError **error)
{
	char e[24];
	const char *p[2] = { db_num(e, event_id), emails_json };

	return db_exec_sql(conn, SQL_REG_EMAILS_TAKEN, 2, p, error);
}

gboolean
db_reg_insert_invitee(DbConn *conn, gint64 event_id,
    const struct db_reg_invitee *v, gint64 *id, bool *placed, GError **error)
{
	char e[24];
	const char *p[7] = { db_num(e, event_id), v->name, v->email,
	    v->organisation, v->sector, v->role ? v->role : "",
	    v->language ? v->language : "nb" };
	g_autoptr(JsonArray) rows = db_exec_sql(conn, SQL_REG_INSERT_INVITEE,
	    7, p, error);
	JsonObject *row;

	if (rows == NULL)
		return FALSE;
	if (json_array_get_length(rows) == 0) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_ECONFLICT,
		    "e-mail registered already");
		return FALSE;
	}
	row = json_array_get_object_element(rows, 0);
	*id = db_int(row, "id");
	*placed = db_int(row, "placed") > 0;
	return TRUE;
}
