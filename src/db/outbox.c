/*
 * outbox.c -- the mail outbox: queue, claim, and record the outcome.
 *
 * Workers claim due rows with FOR UPDATE SKIP LOCKED inside a transaction
 * and mark each before committing, so two workers never hold one row.
 */
#include "db/internal.h"

gboolean
db_outbox_insert(DbConn *conn, const struct db_outbox_new *m, gint64 *id,
    GError **error)
{
	char ev[24], pid[24];
	const char *p[10] = { m->event_id ? db_num(ev, m->event_id) : NULL,
	    m->participant_id ? db_num(pid, m->participant_id) : NULL,
	    m->kind, m->recipient, m->recipient_name ? m->recipient_name : "",
	    m->language, m->payload_json ? m->payload_json : "{}",
	    m->link_nonce, m->link_hash, m->feed_hash };
	g_autoptr(JsonObject) row = db_exec_one(conn, STMT_OUTBOX_INSERT, 10,
	    p, error);

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

	return db_exec(conn, STMT_OUTBOX_CLAIM, 1, p, error);
}

gboolean
db_outbox_mark_sent(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec_noresult(conn, STMT_OUTBOX_SENT, 1, p, error);
}

gboolean
db_outbox_mark_retry(DbConn *conn, gint64 id, const char *why,
    unsigned delay_seconds, GError **error)
{
	char i[24], d[24];
	const char *p[3] = { db_num(i, id), why, db_num(d, delay_seconds) };

	return db_exec_noresult(conn, STMT_OUTBOX_RETRY, 3, p, error);
}

gboolean
db_outbox_mark_failed(DbConn *conn, gint64 id, const char *why,
    GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, id), why };

	return db_exec_noresult(conn, STMT_OUTBOX_FAILED, 2, p, error);
}

JsonArray *
db_outbox_list(DbConn *conn, const char *state, unsigned limit,
    GError **error)
{
	char lim[24];
	const char *p[2] = { state, db_num(lim, limit) };

	return db_exec(conn, STMT_OUTBOX_LIST, 2, p, error);
}

gboolean
db_outbox_resend(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, STMT_OUTBOX_RESEND, 1, p,
	    error);

	return row != NULL;
}
