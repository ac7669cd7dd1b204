/*
 * organiser.c -- the organiser table family: accounts with their
 * activation (set-password) links, logins and the audit log.  The columns
 * keep their old names (setup_hash, login_session) until the schema moves.
 * (Login throttling lives in memory: app/organiser.c.)
 */
#include "db/internal.h"

static const char *const SQL_ORGANISER_INSERT =
    "INSERT INTO organiser (email, name, role, password_hash, setup_hash,"
    " setup_expires) VALUES ($1, $2, $3, $4, $5,"
    " CASE WHEN $5::text IS NULL THEN NULL ELSE now() + interval '24 hours'"
    " END) RETURNING id";
static const char *const SQL_ORGANISER_GRANT =
    "INSERT INTO event_organiser (event_id, organiser_id, role)"
    " SELECT $1, o.id, $3 FROM organiser o WHERE lower(o.email) = lower($2)"
    " ON CONFLICT (event_id, organiser_id) DO UPDATE SET role = $3"
    " RETURNING organiser_id";
static const char *const SQL_ORGANISER_BY_EMAIL =
    "SELECT id, email, name, role, password_hash, disabled FROM organiser"
    " WHERE lower(email) = lower($1)";
static const char *const SQL_ORGANISER_BY_ACTIVATION =
    "SELECT id, email, role FROM organiser WHERE setup_hash = $1"
    " AND setup_expires > now() AND NOT disabled";
static const char *const SQL_ORGANISER_SET_PASSWORD =
    "UPDATE organiser SET password_hash = $2, setup_hash = NULL,"
    " setup_expires = NULL WHERE id = $1 RETURNING id";
static const char *const SQL_LOGIN_INSERT =
    "INSERT INTO login_session (hash, organiser_id, expires_at, address)"
    " VALUES ($1, $2, now() + make_interval(secs => $3::int), $4)";
static const char *const SQL_LOGIN_LOOKUP =
    "SELECT o.id, o.email, o.name, o.role = 'admin' AS installation_admin,"
    /* The role in event $2 (0: none, the installation's pages): an
     * installation admin is admin everywhere; "" for no right. */
    " CASE WHEN o.role = 'admin' THEN 'admin' ELSE coalesce((SELECT eo.role"
    "  FROM event_organiser eo WHERE eo.organiser_id = o.id"
    "  AND eo.event_id = $2), '') END AS role"
    " FROM login_session s JOIN organiser o ON o.id = s.organiser_id"
    " WHERE s.hash = $1 AND s.expires_at > now() AND NOT o.disabled";
static const char *const SQL_LOGIN_DELETE =
    "DELETE FROM login_session WHERE hash = $1 OR expires_at < now()";
static const char *const SQL_AUDIT_INSERT =
    "INSERT INTO audit_log (organiser_id, actor, action, subject_type,"
    " subject_id, before, after, address, event_id)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8,"
    " nullif($9::bigint, 0))";
/* SQL spliced with DB_EPOCH, laid out by hand (clang-format cannot). */
/* clang-format off */
static const char *const SQL_AUDIT_LIST =
    "SELECT id, " DB_EPOCH("at") " AS at, actor, action, subject_type,"
    " subject_id, coalesce(before::text, '') AS before,"
    " coalesce(after::text, '') AS after, address FROM audit_log"
    " WHERE ($1::text IS NULL OR subject_type = $1)"
    " AND ($2::bigint IS NULL OR subject_id = $2)"
    /* The installation's own entries (accounts) belong to every
     * event's log, as they did before there were several. */
    " AND (event_id = $4 OR event_id IS NULL)"
    " ORDER BY id DESC LIMIT $3";
/* clang-format on */

gboolean
db_organiser_grant(DbConn *conn, gint64 event_id, const char *email,
    const char *role, gint64 *id, GError **error)
{
	char ev[24];
	const char *p[3] = { db_num(ev, event_id), email, role };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_ORGANISER_GRANT, 3, p,
	    error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "organiser_id");
	return TRUE;
}

gboolean
db_organiser_insert(DbConn *conn, const char *email, const char *name,
    const char *role, const char *password_hash, const char *activation_hash,
    gint64 *id, GError **error)
{
	const char *p[5] = { email, name ? name : "", role, password_hash,
		activation_hash };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_ORGANISER_INSERT, 5,
	    p, error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}

JsonObject *
db_organiser_by_email(DbConn *conn, const char *email, GError **error)
{
	const char *p[1] = { email };

	return db_exec_one(conn, SQL_ORGANISER_BY_EMAIL, 1, p, error);
}

JsonObject *
db_organiser_by_activation(DbConn *conn, const char *activation_hash,
    GError **error)
{
	const char *p[1] = { activation_hash };

	return db_exec_one(conn, SQL_ORGANISER_BY_ACTIVATION, 1, p, error);
}

gboolean
db_organiser_set_password(DbConn *conn, gint64 id, const char *hash,
    GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, id), hash };
	g_autoptr(JsonObject) row = db_exec_one(conn,
	    SQL_ORGANISER_SET_PASSWORD, 2, p, error);

	return row != NULL;
}

gboolean
db_login_insert(DbConn *conn, const char *hash, gint64 organiser_id,
    gint64 seconds, const char *address, GError **error)
{
	char id[24], secs[24];
	const char *p[4] = { hash, db_num(id, organiser_id),
		db_num(secs, seconds), address ? address : "" };

	return db_exec_noresult(conn, SQL_LOGIN_INSERT, 4, p, error);
}

JsonObject *
db_login_lookup(DbConn *conn, const char *hash, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[2] = { hash, db_num(ev, event_id) };

	return db_exec_one(conn, SQL_LOGIN_LOOKUP, 2, p, error);
}

gboolean
db_login_delete(DbConn *conn, const char *hash, GError **error)
{
	const char *p[1] = { hash };

	return db_exec_noresult(conn, SQL_LOGIN_DELETE, 1, p, error);
}

gboolean
db_audit_insert(DbConn *conn, const struct db_audit *a, GError **error)
{
	char oid[24], sid[24], ev[24];
	const char *p[9] = { a->organiser_id ? db_num(oid, a->organiser_id) :
		                               NULL,
		a->actor, a->action, a->subject_type ? a->subject_type : "",
		a->subject_id ? db_num(sid, a->subject_id) : NULL,
		a->before_json, a->after_json, a->address ? a->address : "",
		db_num(ev, a->event_id) };

	return db_exec_noresult(conn, SQL_AUDIT_INSERT, 9, p, error);
}

JsonArray *
db_audit_list(DbConn *conn, gint64 event_id, const char *subject_type,
    gint64 subject_id, unsigned limit, GError **error)
{
	char sid[24], lim[24], ev[24];
	const char *p[4] = { subject_type,
		subject_id ? db_num(sid, subject_id) : NULL, db_num(lim, limit),
		db_num(ev, event_id) };

	return db_exec(conn, SQL_AUDIT_LIST, 4, p, error);
}
