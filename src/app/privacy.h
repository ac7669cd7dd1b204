/*
 * privacy.h -- the privacy promises (issue 11, item 6): the statement
 * made from the event's real settings, its version, what a participant
 * sees and downloads of their data, deleting a registration, the
 * retention job's dry run, the console's privacy settings (privacy.c).
 * Included by app.h.
 */
#ifndef SUMMIT_APP_PRIVACY_H
#define SUMMIT_APP_PRIVACY_H

struct app;
struct app_actor;
struct app_refusal;

/*
 * The privacy statement of event_id in lang ("nb" or "en"), rendered from
 * templates/privacy/LANG.html with the event's settings: {statement (HTML
 * our template made, values escaped: trusted), version (16 hex digits,
 * the SHA-256 of statement; stored with each registration as the consent
 * version), retention_months (0: the installation's days),
 * retention_days, erase_date (in the event's zone)}.  APP_ENOTFOUND.
 */
JsonObject *app_privacy_statement(const struct app *app, gint64 event_id,
    const char *lang, GError **error);

/*
 * Everything held about the participant behind token, as the JSON
 * download gives it (db_privacy_export's document: registration with
 * every column, preferences, placements, invitations, answers, mails,
 * check_ins, checkin_codes, reminders, bounces, calendar_replies,
 * invitation; times ISO 8601).  APP_ENOTFOUND, APP_EEXPIRED.
 */
JsonObject *app_participant_export(const struct app *app, const char *token,
    GError **error);
/*
 * The same for their page: {fields: [{name, value}] (the registration's
 * columns), sections: [{name, rows: [{text}]}] (the lists that are not
 * empty, one line per row)}, times in the event's zone.
 */
JsonObject *app_participant_data(const struct app *app, const char *token,
    GError **error);
/*
 * The participant behind token deletes their registration: cancelled as
 * by app_participant_cancel (place freed, the "cancelled" mail, the
 * waiting list promoted), the CANCELs of every invitation they hold
 * queued, then their personal data erased (db_reg_erase_self: the
 * address stays on those last mails until they are sent), in one
 * transaction, audited as "participant.delete" with their id and status
 * only.  APP_ENOTFOUND, APP_EEXPIRED.
 */
gboolean app_participant_delete(const struct app *app, const char *token,
    GError **error);

/*
 * The retention job's dry run: what app_privacy_purge would erase now,
 * rows {what ("participant" or "invitee"), id, event (slug), due (the end
 * of the event's retention period, UTC "YYYY-MM-DD HH:MM")}.  Changes
 * nothing.
 */
JsonArray *app_privacy_due(const struct app *app, GError **error);

/* The event's privacy settings for the console (admin): {retention_months
 * (0: the installation's default), retention_days (that default),
 * controller, mailbox, version_nb, version_en}. */
JsonObject *app_privacy_settings(const struct app *app,
    const struct app_actor *actor, gint64 event_id, GError **error);
/* Sets them (admin), audited as "privacy.settings": months 0 for the
 * installation's default, else 1-120; controller at most 200 characters,
 * no control characters.  APP_EINVALID with *refusal ("retention_months"
 * or "controller"). */
gboolean app_privacy_settings_set(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 months,
    const char *controller, struct app_refusal *refusal, GError **error);

#endif
