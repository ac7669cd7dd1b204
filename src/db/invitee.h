/*
 * invitee.h -- the invitee family (invitee.c, included by db.h): people
 * Summit invites by mail, their personal codes and links, the states the
 * console counts (sent, visited, registered, declined) and the reminder
 * claim.
 *
 * Rows come back as JsonObjects (transfer full); times as Unix seconds.
 */
#ifndef SUMMIT_DB_INVITEE_H
#define SUMMIT_DB_INVITEE_H

/* One invitee to add; sector and language "" for none. */
struct db_invitee_new {
	gint64 event_id;
	const char *name, *email, *organisation, *sector, *language;
	const char *code;       /* the personal invitation code */
	const char *link_nonce; /* the link derives from it */
	const char *link_hash;  /* token_hash of that link's token */
};

/* Adds the invitee, their one-use code bound to their e-mail and sector,
 * and the invitation mail (outbox kind "invitation_code"), in one
 * statement; *id gets the invitee's id.  A taken e-mail is the conflict
 * "invitee_event_id_email_key". */
gboolean db_invitee_add(DbConn *conn, const struct db_invitee_new *n,
    gint64 *id, GError **error);
/* Which of the lower-cased e-mails (a JSON array) are already invited or
 * registered for event_id: rows of email, "invited" or "registered". */
JsonArray *db_invitee_emails_taken(DbConn *conn, gint64 event_id,
    const char *emails_json, GError **error);
/* The event's invitees, newest first: id, participant_id (their
 * registration, or null), name, email, organisation,
 * sector, language, state (queued, sent, failed, visited, registered,
 * declined), visited_at, declined_at, reminded_at, created_at (null when
 * none); state, sector and query ("" for any; query in name, e-mail or
 * organisation) filter; at most limit rows. */
JsonArray *db_invitee_list(DbConn *conn, gint64 event_id, const char *state,
    const char *sector, const char *query, gint64 limit, GError **error);
/* The event's invitees per state: rows of state and n. */
JsonArray *db_invitee_counts(DbConn *conn, gint64 event_id, GError **error);
/* The invitee whose link hashes to hash: id, event_id, name, email,
 * organisation, sector, language, code, registered, declined, visited.
 * DB_ENOTFOUND if none. */
JsonObject *db_invitee_by_hash(DbConn *conn, const char *hash, GError **error);
/* Stamps the first visit of that invitee (later ones change nothing) and
 * returns them as db_invitee_by_hash does. */
JsonObject *db_invitee_visit(DbConn *conn, const char *hash, GError **error);
/* Records that the invitee of hash cannot come, unless registered:
 * returns id and declined (false when registered); DB_ENOTFOUND. */
JsonObject *db_invitee_decline(DbConn *conn, const char *hash, GError **error);
/* A registration of event_id made participant_id: the invitee with that
 * e-mail or code is registered now. */
gboolean db_invitee_registered(DbConn *conn, gint64 event_id, const char *email,
    gint64 code_id, gint64 participant_id, GError **error);
/* What a mail to an invitee shows: name, link_nonce, code, code_needed
 * (the event is in invitation mode). */
JsonObject *db_invitee_mail(DbConn *conn, gint64 invitee_id, GError **error);
/* The event's invitation settings: language, remind_at (null when
 * none); defaults when never set. */
JsonObject *db_invitee_settings(DbConn *conn, gint64 event_id, GError **error);
/* Sets them; remind_at < 0 for none. */
gboolean db_invitee_settings_set(DbConn *conn, gint64 event_id,
    const char *language, gint64 remind_at, GError **error);
/* Claims up to limit invitees whose event's remind-by time has passed,
 * whose invitation was sent and who have not answered (not registered,
 * not declined) nor been reminded, and queues one reminder to each, in
 * one statement: a row another process holds is skipped, a row reminded
 * is never claimed again.  *claimed gets how many. */
gboolean db_invitee_remind_claim(DbConn *conn, gint64 limit, gint64 *claimed,
    GError **error);
/* Erases the invitees of events that ended more than retention_days
 * ago, with their codes, the address in their mails and their data in
 * the audit log; *erased gets how many. */
gboolean db_invitee_purge(DbConn *conn, gint64 retention_days, gint64 *erased,
    GError **error);

#endif
