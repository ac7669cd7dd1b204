/*
 * privacy.h -- a person's data across tables, the retention job's dry run,
 * the event's privacy settings (privacy.c).  Included by db.h.
 */
#ifndef SUMMIT_DB_PRIVACY_H
#define SUMMIT_DB_PRIVACY_H

/* {doc: everything held about the participant as JSON text, timezone}
 * (the participant of event_id only); DB_ENOTFOUND if none. */
JsonObject *db_privacy_export(DbConn *conn, gint64 event_id,
    gint64 participant_id, GError **error);
/* What the retention job would erase now: rows {id, slug, what
 * ("participant" or "invitee"), due_at (Unix seconds)}; default_days for
 * events without their own retention_months. */
JsonArray *db_privacy_due(DbConn *conn, gint64 default_days, GError **error);
/* The event's {id, slug, name_nb, name_en, mailbox, controller,
 * retention_months (0: the default), timezone, ends_at, erase_at (Unix
 * seconds), reminders_on, reminder_days (text), invitation_mode}. */
JsonObject *db_privacy_settings(DbConn *conn, gint64 event_id,
    gint64 default_days, GError **error);
/* Sets retention_months (0: the installation's default) and controller. */
gboolean db_privacy_settings_set(DbConn *conn, gint64 event_id, gint64 months,
    const char *controller, GError **error);
/* The address of every mail to a person erased within the last
 * max_age_hours (and a day) that is no longer queued erased; *scrubbed
 * counts them. */
gboolean db_privacy_scrub_sent(DbConn *conn, gint64 max_age_hours,
    gint64 *scrubbed, GError **error);

#endif
