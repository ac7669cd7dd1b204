/*
 * api.c -- the api_token family (sql/020_api.sql): the JSON API's bearer
 * tokens, stored as their SHA-256 like every other secret, and looked up
 * with the organiser they act for.
 */
#include "db/internal.h"

static const char *const SQL_API_TOKEN_INSERT =
    "INSERT INTO api_token (organiser_id, event_id, hash, scopes,"
    " expires_at) SELECT o.id, $5::bigint, $2,"
    " string_to_array($3, ','),"
    " CASE WHEN $4::bigint IS NULL THEN NULL ELSE to_timestamp($4::bigint)"
    " END FROM organiser o WHERE lower(o.email) = lower($1)"
    " AND NOT o.disabled RETURNING id, event_id";
/* current: the token's event is the event the API answers for. */
static const char *const SQL_API_TOKEN_LOOKUP =
    "SELECT t.id, t.event_id, array_to_string(t.scopes, ',') AS scopes,"
    " o.id AS organiser_id, o.email,"
    /* The organiser's role in the token's event, as console_auth
     * reads it; a token of an archived event is no longer good. */
    " CASE WHEN o.role = 'admin' THEN 'admin' ELSE coalesce((SELECT"
    "   eo.role FROM event_organiser eo WHERE eo.event_id = t.event_id"
    "   AND eo.organiser_id = o.id), '') END AS role,"
    " (SELECT e.archived_at IS NULL FROM event e WHERE e.id = t.event_id)"
    "   AS current"
    " FROM api_token t JOIN organiser o ON o.id = t.organiser_id"
    " WHERE t.hash = $1 AND t.revoked_at IS NULL"
    " AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT o.disabled";
/* clang-format off */
static const char *const SQL_API_TOKEN_LIST =
    "SELECT t.id, o.email, array_to_string(t.scopes, ',') AS scopes,"
    " " DB_EPOCH("t.created_at") " AS created,"
    " " DB_EPOCH("t.expires_at") " AS expires,"
    " " DB_EPOCH("t.revoked_at") " AS revoked,"
    " t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())"
    "  AS live"
    " FROM api_token t JOIN organiser o ON o.id = t.organiser_id"
    " WHERE t.event_id = $1 ORDER BY t.id DESC LIMIT 500";
/* clang-format on */
static const char *const SQL_API_TOKEN_REVOKE =
    "UPDATE api_token SET revoked_at = now() WHERE id = $1 AND event_id = $2"
    " AND revoked_at IS NULL RETURNING id";

JsonObject *
db_api_token_insert(DbConn *conn, gint64 event_id, const char *email,
    const char *hash, const char *scopes, gint64 expires_at, GError **error)
{
	char e[24], ev[24];
	const char *p[5] = { email, hash, scopes,
		expires_at > 0 ? db_num(e, expires_at) : NULL,
		db_num(ev, event_id) };

	return db_exec_one(conn, SQL_API_TOKEN_INSERT, 5, p, error);
}

JsonObject *
db_api_token_lookup(DbConn *conn, const char *hash, GError **error)
{
	const char *p[1] = { hash };

	return db_exec_one(conn, SQL_API_TOKEN_LOOKUP, 1, p, error);
}

JsonArray *
db_api_token_list(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_API_TOKEN_LIST, 1, p, error);
}

gboolean
db_api_token_revoke(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	char i[24], ev[24];
	const char *p[2] = { db_num(i, id), db_num(ev, event_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_API_TOKEN_REVOKE, 2,
	    p, error);

	return row != NULL;
}
