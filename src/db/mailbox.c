/*
 * mailbox.c -- what the mailbox reader remembers (mailbox_cursor) and the
 * bounces it found (mail_bounce).
 *
 * A bounce names the address Summit mailed: the outbox row whose
 * Message-ID the bounce quotes, else a participant of the current event
 * with the failed address.  One that matches neither is not Summit's and
 * is not stored.  A report once stored is not applied again
 * (db_bounce_seen; (report_id, address) is unique besides), so a bounce
 * read twice is stored once, and an address an admin has corrected since
 * -- the outbox row now names the new one -- is not marked by an old
 * bounce.  Two readers of one mailbox may handle
 * the same message; the cursor only moves forward within a UIDVALIDITY.
 */
#include "db/internal.h"

static const char *const SQL_CURSOR_GET =
    "SELECT uidvalidity, last_uid FROM mailbox_cursor WHERE mailbox = $1";
static const char *const SQL_CURSOR_SET =
    "INSERT INTO mailbox_cursor (mailbox, uidvalidity, last_uid)"
    " VALUES ($1, $2, $3) ON CONFLICT (mailbox) DO UPDATE"
    " SET uidvalidity = $2, last_uid = CASE WHEN"
    " mailbox_cursor.uidvalidity = $2 THEN greatest(mailbox_cursor.last_uid,"
    " $3) ELSE $3 END, read_at = now()";
static const char *const SQL_BOUNCE_RECORD =
    "WITH o AS (SELECT id, participant_id, recipient FROM outbox"
    " WHERE id = $5::bigint), m AS (SELECT"
    " coalesce((SELECT recipient FROM o), $2) AS address,"
    /* A bounce that quotes no message of ours: the newest registration
     * at that address, in whichever event. */
    " coalesce((SELECT participant_id FROM o), (SELECT p.id FROM"
    " participant p WHERE lower(p.email) = lower($2)"
    " AND NOT EXISTS (SELECT FROM o) ORDER BY p.id DESC LIMIT 1))"
    " AS participant_id, (SELECT id FROM o) AS outbox_id)"
    ", ins AS (INSERT INTO mail_bounce (address, participant_id, outbox_id,"
    " status, diagnostic, report_id) SELECT lower(address), participant_id,"
    " outbox_id, $3, $4, $1 FROM m"
    " WHERE participant_id IS NOT NULL OR outbox_id IS NOT NULL"
    " ON CONFLICT (report_id, address) DO NOTHING RETURNING id)"
    " SELECT EXISTS (SELECT FROM ins) AS stored, EXISTS (SELECT FROM m"
    " WHERE participant_id IS NOT NULL OR outbox_id IS NOT NULL) AS matched";
static const char *const SQL_BOUNCE_SEEN =
    "SELECT EXISTS (SELECT FROM mail_bounce WHERE report_id = $1) AS seen";
/* Active bounces, newest first; $1 NULL for all, else one person's. */
static const char *const SQL_BOUNCE_LIST =
    "SELECT b.id, b.address, b.status, b.diagnostic,"
    " " DB_EPOCH(
        "b.bounced_at") " AS bounced_at,"
                        " coalesce(b.participant_id, 0) AS participant_id,"
                        " coalesce(p.name, '') AS name, (SELECT count(*) FROM outbox o"
                        " WHERE o.state = 'held' AND lower(o.recipient) = b.address) AS held"
                        " FROM mail_bounce b LEFT JOIN participant p ON p.id = b.participant_id"
                        " WHERE b.cleared_at IS NULL AND ($1::bigint IS NULL"
                        " OR b.participant_id = $1::bigint)"
                        /* A bounce matched to nobody is every event's to see. */
                        " AND (p.event_id = $3 OR b.participant_id IS NULL)"
                        " ORDER BY b.bounced_at DESC, b.id DESC LIMIT $2";
static const char *const SQL_BOUNCE_CLEAR =
    "UPDATE mail_bounce SET cleared_at = now() WHERE cleared_at IS NULL"
    " AND (participant_id = $1 OR address = lower($2)) RETURNING id";

gboolean
db_mailbox_cursor_get(DbConn *conn, const char *mailbox, gint64 *uidvalidity,
    gint64 *last_uid, GError **error)
{
	const char *p[1] = { mailbox };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_CURSOR_GET, 1, p, error);
	JsonObject *row;

	if (rows == NULL)
		return FALSE;
	*uidvalidity = *last_uid = 0;
	if (json_array_get_length(rows) == 0)
		return TRUE;
	row = json_array_get_object_element(rows, 0);
	*uidvalidity = db_int(row, "uidvalidity");
	*last_uid = db_int(row, "last_uid");
	return TRUE;
}

gboolean
db_mailbox_cursor_set(DbConn *conn, const char *mailbox, gint64 uidvalidity,
    gint64 last_uid, GError **error)
{
	char v[24], u[24];
	const char *p[3] = { mailbox, db_num(v, uidvalidity),
		db_num(u, last_uid) };

	return db_exec_noresult(conn, SQL_CURSOR_SET, 3, p, error);
}

gboolean
db_bounce_record(DbConn *conn, const struct db_bounce_new *b, bool *matched,
    bool *stored, GError **error)
{
	char o[24];
	const char *p[5] = { b->report_id, b->address, b->status, b->diagnostic,
		b->outbox_id > 0 ? db_num(o, b->outbox_id) : NULL };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_BOUNCE_RECORD, 5, p,
	    error);

	if (row == NULL)
		return FALSE;
	*matched = json_object_get_boolean_member(row, "matched");
	*stored = json_object_get_boolean_member(row, "stored");
	return TRUE;
}

gboolean
db_bounce_seen(DbConn *conn, const char *report_id, bool *seen, GError **error)
{
	const char *p[1] = { report_id };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_BOUNCE_SEEN, 1, p,
	    error);

	if (row == NULL)
		return FALSE;
	*seen = json_object_get_boolean_member(row, "seen");
	return TRUE;
}

JsonArray *
db_bounce_list(DbConn *conn, gint64 event_id, gint64 participant_id,
    unsigned limit, GError **error)
{
	char i[24], l[24], ev[24];
	const char *p[3] = { participant_id > 0 ? db_num(i, participant_id) :
		                                  NULL,
		db_num(l, limit), db_num(ev, event_id) };

	return db_exec(conn, SQL_BOUNCE_LIST, 3, p, error);
}

gboolean
db_bounce_clear(DbConn *conn, gint64 participant_id, const char *address,
    GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, participant_id), address };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_BOUNCE_CLEAR, 2, p,
	    error);

	return rows != NULL;
}
