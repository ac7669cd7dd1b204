/*
 * reply.c -- the reply family (sql/014_replies.sql): iTIP messages from
 * participants' calendars, matched to the invitation they answer, the
 * note of what became of each, a REFRESH's resent invitation, and the
 * times proposed by COUNTERs for the console.
 */
#include "db/internal.h"

static const char *const SQL_REPLY_SEEN =
    "SELECT EXISTS (SELECT FROM mail_reply WHERE report_id = $1) AS seen";
/* The invitation of session uid $1 (the uuid part of our UID) to the
 * participant with address $2 (any case); the newest registration if an
 * address registered twice. */
static const char *const SQL_REPLY_MATCH =
    "SELECT i.participant_id, i.session_id, i.sequence FROM session s"
    " JOIN invitation i ON i.session_id = s.id"
    " JOIN participant p ON p.id = i.participant_id"
    " WHERE s.uid = $1 AND lower(p.email) = lower($2)"
    " ORDER BY p.id DESC LIMIT 1";
static const char *const SQL_REPLY_INSERT =
    "INSERT INTO mail_reply (report_id, participant_id, session_id, method,"
    " partstat, sequence, outcome, proposed_starts_at, proposed_ends_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8::bigint),"
    " to_timestamp($9::bigint))"
    " ON CONFLICT (report_id, participant_id, session_id) DO NOTHING";
/* REFRESH: the invitation as it stands, with the SEQUENCE last sent, as
 * publishing queues it; nothing for one no longer standing. */
static const char *const SQL_REPLY_RESEND =
    "INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload, link_nonce)"
    " SELECT i.event_id, i.participant_id, 'invite', p.email, p.name,"
    " p.language, summit_invitation_payload(i.session_id, i.sequence,"
    " 'REQUEST'), replace(gen_random_uuid()::text, '-', '')"
    " FROM invitation i JOIN participant p ON p.id = i.participant_id"
    " JOIN session s ON s.id = i.session_id"
    " WHERE i.participant_id = $1 AND i.session_id = $2"
    " AND i.state = 'invited' AND p.status = 'confirmed'"
    " AND s.status = 'active' RETURNING id";
/* Times proposed by COUNTERs, newest first: of one participant ($1) or
 * one session ($2). */
static const char *const SQL_REPLY_COUNTERS =
    "SELECT r.participant_id, p.name, r.session_id, s.title_nb,"
    " s.title_en, e.timezone, r.sequence,"
    " " DB_EPOCH(
        "r.proposed_starts_at") " AS proposed_starts_at,"
                                " " DB_EPOCH(
                                    "r.proposed_ends_at") " AS proposed_ends_at,"
                                                          " " DB_EPOCH(
                                                              "r.received_at") " AS received_at"
                                                                               " FROM mail_reply r JOIN participant p ON p.id = r.participant_id"
                                                                               " JOIN session s ON s.id = r.session_id"
                                                                               " JOIN event e ON e.id = s.event_id WHERE r.method = 'COUNTER'"
                                                                               " AND ($1::bigint IS NULL OR r.participant_id = $1::bigint)"
                                                                               " AND ($2::bigint IS NULL OR r.session_id = $2::bigint)"
                                                                               " ORDER BY r.received_at DESC, r.id DESC LIMIT 100";

gboolean
db_reply_seen(DbConn *conn, const char *report_id, bool *seen, GError **error)
{
	const char *p[1] = { report_id };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_REPLY_SEEN, 1, p,
	    error);

	if (row == NULL)
		return FALSE;
	*seen = json_object_get_boolean_member(row, "seen");
	return TRUE;
}

JsonArray *
db_reply_match(DbConn *conn, const char *session_uid, const char *address,
    GError **error)
{
	const char *p[2] = { session_uid, address };

	return db_exec(conn, SQL_REPLY_MATCH, 2, p, error);
}

gboolean
db_reply_insert(DbConn *conn, const struct db_reply_new *r, GError **error)
{
	char pid[24], sid[24], seq[24], s[24], e[24];
	const char *p[9] = { r->report_id, db_num(pid, r->participant_id),
		db_num(sid, r->session_id), r->method, r->partstat,
		db_num(seq, r->sequence), r->outcome,
		r->starts > 0 ? db_num(s, r->starts) : NULL,
		r->ends > 0 ? db_num(e, r->ends) : NULL };

	return db_exec_noresult(conn, SQL_REPLY_INSERT, 9, p, error);
}

gboolean
db_reply_resend(DbConn *conn, gint64 participant_id, gint64 session_id,
    gint64 *queued, GError **error)
{
	char pid[24], sid[24];
	const char *p[2] = { db_num(pid, participant_id),
		db_num(sid, session_id) };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_REPLY_RESEND, 2, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*queued = json_array_get_length(rows);
	return TRUE;
}

JsonArray *
db_reply_counters(DbConn *conn, gint64 participant_id, gint64 session_id,
    GError **error)
{
	char pid[24], sid[24];
	const char *p[2] = { participant_id > 0 ? db_num(pid, participant_id) :
		                                  NULL,
		session_id > 0 ? db_num(sid, session_id) : NULL };

	return db_exec(conn, SQL_REPLY_COUNTERS, 2, p, error);
}
