/*
 * webhook.c -- the webhook family (sql/020_api.sql): endpoints and the
 * webhook outbox, which the triggers of 020 fill in the transaction of
 * each change and the delivery worker (app/webhook.c) drains.
 */
#include "db/internal.h"

static const char *const SQL_WEBHOOK_INSERT =
    "INSERT INTO webhook_endpoint (event_id, url, secret, kinds)"
    " VALUES ($4::bigint, $1, $2, string_to_array($3, ','))"
    " RETURNING id";
/* clang-format off */
static const char *const SQL_WEBHOOK_CLAIM =
    "SELECT o.id, o.delivery_id::text AS delivery_id, o.kind,"
    " o.payload::text AS payload, o.attempts,"
    " " DB_EPOCH("o.created_at") " AS created_at, w.url, w.secret"
    " FROM webhook_outbox o JOIN webhook_endpoint w ON w.id = o.endpoint_id"
    " WHERE o.state = 'queued' AND o.next_attempt_at <= now()"
    " ORDER BY o.next_attempt_at, o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED";
/* clang-format on */
static const char *const SQL_WEBHOOK_SENT =
    "UPDATE webhook_outbox SET state = 'sent', sent_at = now(),"
    " attempts = attempts + 1, last_status = $2::int, last_error = NULL"
    " WHERE id = $1";
/* $4: seconds until the next try; NULL: no more tries. */
static const char *const SQL_WEBHOOK_NOT_SENT =
    "UPDATE webhook_outbox SET attempts = attempts + 1,"
    " last_status = $2::int, last_error = $3,"
    " state = CASE WHEN $4::int IS NULL THEN 'failed' ELSE 'queued' END,"
    " next_attempt_at = now() + make_interval(secs => coalesce($4::int, 0))"
    " WHERE id = $1";
static const char *const SQL_WEBHOOK_LIST =
    "SELECT w.id, w.url, array_to_string(w.kinds, ', ') AS kinds, w.active,"
    " (SELECT count(*) FROM webhook_outbox o WHERE o.endpoint_id = w.id"
    "  AND o.state = 'queued') AS queued,"
    " (SELECT count(*) FROM webhook_outbox o WHERE o.endpoint_id = w.id"
    "  AND o.state = 'failed') AS failed"
    " FROM webhook_endpoint w WHERE w.event_id = $1"
    " ORDER BY w.id";

gboolean
db_webhook_insert(DbConn *conn, gint64 event_id, const char *url,
    const char *secret, const char *kinds, gint64 *id, GError **error)
{
	char ev[24];
	const char *p[4] = { url, secret, kinds, db_num(ev, event_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_WEBHOOK_INSERT, 4, p,
	    error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}

JsonArray *
db_webhook_claim(DbConn *conn, unsigned limit, GError **error)
{
	char l[24];
	const char *p[1] = { db_num(l, limit) };

	return db_exec(conn, SQL_WEBHOOK_CLAIM, 1, p, error);
}

gboolean
db_webhook_mark(DbConn *conn, gint64 id, long status, const char *why,
    gint64 retry_s, GError **error)
{
	char i[24], s[24], r[24];
	const char *p[4] = { db_num(i, id),
		status > 0 ? db_num(s, status) : NULL, why,
		retry_s >= 0 ? db_num(r, retry_s) : NULL };

	if (why == NULL)
		return db_exec_noresult(conn, SQL_WEBHOOK_SENT, 2, p, error);
	return db_exec_noresult(conn, SQL_WEBHOOK_NOT_SENT, 4, p, error);
}

JsonArray *
db_webhook_list(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_WEBHOOK_LIST, 1, p, error);
}
