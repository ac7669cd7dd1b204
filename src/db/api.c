/*
 * api.c -- the api_token family (sql/020_api.sql): the JSON API's bearer
 * tokens, stored as their SHA-256 like every other secret, and looked up
 * with the organiser they act for.
 */
#include "db/internal.h"

static const char *const SQL_API_TOKEN_INSERT =
    "INSERT INTO api_token (organiser_id, event_id, hash, scopes,"
    " expires_at) SELECT o.id, " DB_CURRENT_EVENT ", $2,"
    " string_to_array($3, ','),"
    " CASE WHEN $4::bigint IS NULL THEN NULL ELSE to_timestamp($4::bigint)"
    " END FROM organiser o WHERE lower(o.email) = lower($1)"
    " AND NOT o.disabled RETURNING id, event_id";
/* current: the token's event is the event the API answers for. */
static const char *const SQL_API_TOKEN_LOOKUP =
    "SELECT t.id, t.event_id, array_to_string(t.scopes, ',') AS scopes,"
    " o.id AS organiser_id, o.email, o.role,"
    " t.event_id = " DB_CURRENT_EVENT " AS current"
    " FROM api_token t JOIN organiser o ON o.id = t.organiser_id"
    " WHERE t.hash = $1 AND t.revoked_at IS NULL"
    " AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT o.disabled";

JsonObject *
db_api_token_insert(DbConn *conn, const char *email, const char *hash,
    const char *scopes, gint64 expires_at, GError **error)
{
	char e[24];
	const char *p[4] = { email, hash, scopes,
		expires_at > 0 ? db_num(e, expires_at) : NULL };

	return db_exec_one(conn, SQL_API_TOKEN_INSERT, 4, p, error);
}

JsonObject *
db_api_token_lookup(DbConn *conn, const char *hash, GError **error)
{
	const char *p[1] = { hash };

	return db_exec_one(conn, SQL_API_TOKEN_LOOKUP, 1, p, error);
}
