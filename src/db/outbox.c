/*
 * outbox.c -- the mail outbox: queue, claim, and record the outcome.
 *
 * Workers claim due rows with FOR UPDATE SKIP LOCKED inside a transaction
 * and mark each before committing, so two workers never hold one row.
 */
#include "db/internal.h"

/* The mail and, when it carries a link, the hashes of the link and
 * of the feed link its page shows: one round trip. */
static const char *const SQL_OUTBOX_INSERT =
    "WITH t AS (INSERT INTO participant_token (hash, participant_id,"
    " purpose) SELECT h, $2, k FROM (VALUES ($9::text, 'manage'),"
    " ($10::text, 'feed')) AS v (h, k) WHERE h IS NOT NULL"
    " ON CONFLICT (hash) DO NOTHING)"
    " INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload, link_nonce)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id";
static const char *const SQL_OUTBOX_CLAIM =
    "SELECT id, event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload::text AS payload, link_nonce,"
    " attempts, extract(epoch FROM now() - created_at)::bigint AS age"
    " FROM outbox WHERE state = 'queued'"
    " AND next_attempt_at <= now() ORDER BY next_attempt_at, id"
    " LIMIT $1 FOR UPDATE SKIP LOCKED";
static const char *const SQL_OUTBOX_SENT =
    "UPDATE outbox SET state = 'sent', sent_at = now(),"
    " attempts = attempts + 1, last_error = NULL WHERE id = $1";
static const char *const SQL_OUTBOX_RETRY =
    "UPDATE outbox SET attempts = attempts + 1, last_error = $2,"
    " next_attempt_at = now() + make_interval(secs => $3::int)"
    " WHERE id = $1";
static const char *const SQL_OUTBOX_FAILED =
    "UPDATE outbox SET state = 'failed', attempts = attempts + 1,"
    " last_error = $2 WHERE id = $1";
/* SQL spliced with DB_EPOCH, laid out by hand (clang-format cannot). */
/* clang-format off */
static const char *const SQL_OUTBOX_LIST =
    "SELECT id, kind, recipient, state, attempts,"
    " coalesce(last_error, '') AS last_error,"
    " " DB_EPOCH("created_at") " AS created,"
    " " DB_EPOCH("next_attempt_at") " AS next_attempt"
    " FROM outbox WHERE state = $1 ORDER BY id DESC LIMIT $2";
/* clang-format on */
static const char *const SQL_OUTBOX_RESEND =
    "UPDATE outbox SET state = 'queued', attempts = 0,"
    " next_attempt_at = now(), created_at = now(), last_error = NULL"
    " WHERE id = $1 AND state IN ('failed', 'sent') RETURNING id";

gboolean
db_outbox_insert(DbConn *conn, const struct db_outbox_new *m, gint64 *id,
    GError **error)
{
	char ev[24], pid[24];
	const char *p[10] = { m->event_id ? db_num(ev, m->event_id) : NULL,
		m->participant_id ? db_num(pid, m->participant_id) : NULL,
		m->kind, m->recipient,
		m->recipient_name ? m->recipient_name : "", m->language,
		m->payload_json ? m->payload_json : "{}", m->link_nonce,
		m->link_hash, m->feed_hash };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_OUTBOX_INSERT, 10, p,
	    error);

	if (row == NULL)
		return FALSE;
	if (id != NULL)
		*id = db_int(row, "id");
	return TRUE;
}

JsonArray *
db_outbox_claim(DbConn *conn, unsigned limit, GError **error)
{
	char lim[24];
	const char *p[1] = { db_num(lim, limit) };

	return db_exec(conn, SQL_OUTBOX_CLAIM, 1, p, error);
}

gboolean
db_outbox_mark_sent(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec_noresult(conn, SQL_OUTBOX_SENT, 1, p, error);
}

gboolean
db_outbox_mark_retry(DbConn *conn, gint64 id, const char *why,
    unsigned delay_seconds, GError **error)
{
	char i[24], d[24];
	const char *p[3] = { db_num(i, id), why, db_num(d, delay_seconds) };

	return db_exec_noresult(conn, SQL_OUTBOX_RETRY, 3, p, error);
}

gboolean
db_outbox_mark_failed(DbConn *conn, gint64 id, const char *why, GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, id), why };

	return db_exec_noresult(conn, SQL_OUTBOX_FAILED, 2, p, error);
}

JsonArray *
db_outbox_list(DbConn *conn, const char *state, unsigned limit, GError **error)
{
	char lim[24];
	const char *p[2] = { state, db_num(lim, limit) };

	return db_exec(conn, SQL_OUTBOX_LIST, 2, p, error);
}

gboolean
db_outbox_resend(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_OUTBOX_RESEND, 1, p,
	    error);

	return row != NULL;
}
