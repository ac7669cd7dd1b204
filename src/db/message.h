/*
 * message.h -- the message family (message.c, included by db.h): messages
 * to a group of participants chosen by a filter, queued set-based, and the
 * reminders before the event with their claims.
 *
 * Rows come back as JsonObjects (transfer full); times as Unix seconds.
 */
#ifndef SUMMIT_DB_MESSAGE_H
#define SUMMIT_DB_MESSAGE_H

/* Who a message goes to, of one event.  Empty strings and a
 * session_id of 0 match everyone.  status as the schema spells it;
 * checked "yes" or "no"; reply an answer as summit_invitation_answer
 * gives it (ACCEPTED, DECLINED, NEEDS-ACTION), of the session when one
 * is named, else of any invitation. */
struct db_message_filter {
	const char *status;
	const char *sector;
	const char *organisation;
	gint64 session_id;
	const char *checked;
	const char *reply;
	const gint64 *ids; /* only these people (n_ids); NULL: anyone */
	size_t n_ids;
	gint64 event_id;
};
/* The message as stored: one language's subject and body. */
struct db_message_new {
	const char *subject_nb, *subject_en;
	const char *body_nb, *body_en;
	const char *filter_json;
	gint64 organiser_id;
};

/* How many the filter matches: recipients (address not bounced) and
 * skipped (bounced). */
JsonObject *db_message_count(DbConn *conn, const struct db_message_filter *f,
    GError **error);
/* The first recipient the filter matches (lowest id): id, name, language;
 * DB_ENOTFOUND when none. */
JsonObject *db_message_sample(DbConn *conn, const struct db_message_filter *f,
    GError **error);
/* Stores the message and queues one outbox row per recipient in one
 * statement: id, recipients, skipped. */
JsonObject *db_message_queue(DbConn *conn, const struct db_message_new *m,
    const struct db_message_filter *f, GError **error);
/* One message: subject_nb, subject_en, body_nb, body_en. */
JsonObject *db_message_get(DbConn *conn, gint64 id, GError **error);
/* The event's messages, newest first: id, subject_nb, subject_en,
 * recipients, skipped, created_at, author. */
JsonArray *db_message_list(DbConn *conn, gint64 event_id, unsigned limit,
    GError **error);
/* The messages a participant got, newest first: id, subject_nb,
 * subject_en, state (the outbox row's), queued_at. */
JsonArray *db_message_of_participant(DbConn *conn, gint64 participant_id,
    GError **error);

/* An event's reminder settings: reminders_on, reminder_days
 * (text, comma-separated, largest first) and reminders_sent (how many
 * people each has been queued to, "7: 120, 1: 3"; "" for none). */
JsonObject *db_reminder_settings(DbConn *conn, gint64 event_id, GError **error);
/* Sets them; days as a PostgreSQL array literal ("{7,1}"). */
gboolean db_reminder_set(DbConn *conn, gint64 event_id, bool on,
    const char *days, GError **error);
/* Claims and queues every reminder due now, in one statement: *n gets
 * how many were queued.  A reminder d days before is due from d days
 * before the first slot until the next smaller one is (or the first slot
 * starts); one claimed by another transaction is left to it. */
gboolean db_reminder_queue(DbConn *conn, unsigned *n, GError **error);

#endif
