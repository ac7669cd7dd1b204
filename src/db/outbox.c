/*
 * outbox.c -- the mail outbox: queue, claim, and record the outcome.
 *
 * Workers claim due rows with FOR UPDATE SKIP LOCKED inside a transaction
 * and mark each before committing, so two workers never hold one row.
 */
#include "db/internal.h"

/* Queued rows to an address that bounced are held, with the reason,
 * instead of sent; rows other workers hold are left to them. */
#define OUTBOX_HOLD_BOUNCED \
	"UPDATE outbox o SET state = 'held', last_error = 'the address" \
	" bounced: ' || b.status || coalesce(' ' || nullif(b.diagnostic, '')," \
	" '') FROM (SELECT DISTINCT ON (address) address, status, diagnostic" \
	" FROM mail_bounce WHERE cleared_at IS NULL" \
	" ORDER BY address, bounced_at DESC, id DESC) b" \
	" WHERE o.id IN (SELECT q.id FROM outbox q WHERE q.state = 'queued'" \
	" AND lower(q.recipient) IN (SELECT address FROM mail_bounce" \
	" WHERE cleared_at IS NULL) FOR UPDATE OF q SKIP LOCKED)" \
	" AND lower(o.recipient) = b.address RETURNING o.id"

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
/* Holds what goes to a bounced address (in the same statement, so a claim
 * is still one round trip), then claims the rest that is due. */
static const char *const SQL_OUTBOX_CLAIM =
    "WITH held AS (" OUTBOX_HOLD_BOUNCED ")"
    " SELECT id, event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload::text AS payload, link_nonce,"
    " attempts, extract(epoch FROM now() - created_at)::bigint AS age"
    " FROM outbox WHERE state = 'queued'"
    " AND next_attempt_at <= now() AND id NOT IN (SELECT id FROM held)"
    " ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED";
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
    "SELECT id, participant_id, kind, recipient, state, attempts,"
    " coalesce(last_error, '') AS last_error,"
    " " DB_EPOCH("created_at") " AS created,"
    " " DB_EPOCH("next_attempt_at") " AS next_attempt"
    /* Mail of no event (an organiser's) is every event's to see. */
    " FROM outbox WHERE state = $1 AND (event_id = $3 OR event_id IS NULL)"
    " ORDER BY id DESC LIMIT $2";
/* clang-format on */
/* An index-only scan of outbox_state_idx on a vacuumed table. */
static const char *const SQL_OUTBOX_DEPTH =
    "SELECT state, count(*) AS n FROM outbox GROUP BY state";
static const char *const SQL_OUTBOX_HOLD_BOUNCED = OUTBOX_HOLD_BOUNCED;
/* What a person missed while their address bounced -- the held rows and
 * those that bounced -- queued again to their corrected address. */
static const char *const SQL_OUTBOX_RELEASE =
    "UPDATE outbox SET state = 'queued', recipient = $2, attempts = 0,"
    " next_attempt_at = now(), created_at = now(), last_error = NULL"
    " WHERE participant_id = $1 AND (state = 'held' OR id IN (SELECT"
    " outbox_id FROM mail_bounce WHERE cleared_at IS NULL"
    " AND participant_id = $1)) RETURNING id";
static const char *const SQL_OUTBOX_RESEND =
    "UPDATE outbox SET state = 'queued', attempts = 0,"
    " next_attempt_at = now(), created_at = now(), last_error = NULL"
    " WHERE id = $1 AND (event_id = $2 OR event_id IS NULL)"
    " AND state IN ('failed', 'sent')"
    " RETURNING id";

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
db_outbox_list(DbConn *conn, gint64 event_id, const char *state, unsigned limit,
    GError **error)
{
	char lim[24], ev[24];
	const char *p[3] = { state, db_num(lim, limit), db_num(ev, event_id) };

	return db_exec(conn, SQL_OUTBOX_LIST, 3, p, error);
}

JsonArray *
db_outbox_depth(DbConn *conn, GError **error)
{
	return db_exec(conn, SQL_OUTBOX_DEPTH, 0, NULL, error);
}

gboolean
db_outbox_resend(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	char i[24], ev[24];
	const char *p[2] = { db_num(i, id), db_num(ev, event_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_OUTBOX_RESEND, 2, p,
	    error);

	return row != NULL;
}

gboolean
db_outbox_hold_bounced(DbConn *conn, gint64 *held, GError **error)
{
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_OUTBOX_HOLD_BOUNCED, 0,
	    NULL, error);

	if (rows == NULL)
		return FALSE;
	*held = json_array_get_length(rows);
	return TRUE;
}

gboolean
db_outbox_release(DbConn *conn, gint64 participant_id, const char *recipient,
    gint64 *queued, GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, participant_id), recipient };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_OUTBOX_RELEASE, 2, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*queued = json_array_get_length(rows);
	return TRUE;
}
