/*
 * deadline.h -- the deadlines' table family (included by db.h;
 * deadline.c): an event's deadlines and promotion cut-off (columns of
 * event, sql/024), a late cancellation's mark (participant.cancelled_late)
 * and the change requests a participant makes after publishing
 * (change_request).  Every statement is filtered by the event.
 */
#ifndef SUMMIT_DB_DEADLINE_H
#define SUMMIT_DB_DEADLINE_H

/* Event event_id's deadlines: id, timezone, mailbox, now, starts_at,
 * registration_opens, registration_closes, change_deadline,
 * cancel_deadline (Unix seconds; the two last null when none),
 * cancel_late_allowed, promotion_stop_hours and published (an allocation
 * of the event is published).  DB_ENOTFOUND for no such event. */
JsonObject *db_deadlines(DbConn *conn, gint64 event_id, GError **error);
/* The settings of sql/024 for event_id; a deadline of 0 is none. */
struct db_deadline_fields {
	gint64 change_deadline, cancel_deadline;
	bool cancel_late_allowed;
	gint64 promotion_stop_hours;
};
gboolean db_deadlines_set(DbConn *conn, gint64 event_id,
    const struct db_deadline_fields *f, GError **error);
/* Marks participant_id of event_id, cancelled, as cancelled late. */
gboolean db_participant_mark_late(DbConn *conn, gint64 event_id,
    gint64 participant_id, GError **error);

/* Stores the ranking sessions (n in rank order) as participant_id's open
 * change request, replacing an open one.  DB_EINVALID, nothing stored,
 * when a session is not an active one of event_id or comes twice. */
gboolean db_change_request_put(DbConn *conn, gint64 event_id,
    gint64 participant_id, const gint64 *sessions, size_t n, GError **error);
/* participant_id's open request: id, requested_at (seconds) and its
 * sessions' titles in order (titles_nb, titles_en: text, "; " between).
 * DB_ENOTFOUND when none. */
JsonObject *db_change_request_open_of(DbConn *conn, gint64 event_id,
    gint64 participant_id, GError **error);
/* The event's open requests, oldest first: id, participant_id, name,
 * email, organisation, requested_at (seconds), requested_nb,
 * requested_en (the asked-for titles), current_nb, current_en (the
 * ranking now). */
JsonArray *db_change_requests_open(DbConn *conn, gint64 event_id,
    GError **error);
/* Closes open request id of event_id as state ("accepted" or
 * "dismissed"); accepted, its sessions become the participant's
 * ranking.  The closed request: id, participant_id, sessions (text).
 * DB_ENOTFOUND when no open request has that id in the event;
 * DB_EINVALID when a session asked for is no longer offered. */
JsonObject *db_change_request_close(DbConn *conn, gint64 event_id, gint64 id,
    const char *state, GError **error);

#endif
