/*
 * setup.h -- use cases for the console area "setup" (included by app.h):
 * the event's settings, its slots, sessions and sectors, and invitation
 * codes.  Reading needs "staff"; every change needs "admin" and is written
 * to the audit log with the object before and after.
 *
 * Errors: APP_EFORBIDDEN (role), APP_ENOTFOUND (no such object),
 * APP_EINVALID (message: the field at fault, e.g. "capacity"),
 * APP_ESTATE (message: why the object cannot go, e.g. "slot_in_use"),
 * APP_EUNAVAILABLE, APP_EINTERNAL.
 */
#ifndef SUMMIT_APP_SETUP_H
#define SUMMIT_APP_SETUP_H

/* Longest invitation-code batch. */
#define APP_CODES_MAX 10000
#define APP_CODE_LENGTH 10

/* The event's settings (local date-times as YYYY-MM-DDTHH:MM) and "held". */
JsonObject *app_setup_event(const struct app *app,
    const struct app_actor *actor, GError **error);
/* Changes the settings; a new capacity syncs the place rows in the same
 * transaction.  APP_EINVALID "capacity" when it is below the places held. */
gboolean app_setup_event_update(const struct app *app,
    const struct app_actor *actor, const struct db_setup_event *e,
    GError **error);

/* "slots" (each with its "sessions", cancelled ones too) and "sectors". */
JsonObject *app_setup_programme(const struct app *app,
    const struct app_actor *actor, GError **error);
gboolean app_setup_slot_add(const struct app *app,
    const struct app_actor *actor, const char *starts_at, const char *ends_at,
    gint64 *id, GError **error);
gboolean app_setup_slot_update(const struct app *app,
    const struct app_actor *actor, gint64 id, const char *starts_at,
    const char *ends_at, GError **error);
/* APP_ESTATE "slot_in_use" while a session uses it. */
gboolean app_setup_slot_delete(const struct app *app,
    const struct app_actor *actor, gint64 id, GError **error);

JsonObject *app_setup_session(const struct app *app,
    const struct app_actor *actor, gint64 id, GError **error);
gboolean app_setup_session_add(const struct app *app,
    const struct app_actor *actor, const struct db_setup_session *s,
    gint64 *id, GError **error);
gboolean app_setup_session_update(const struct app *app,
    const struct app_actor *actor, gint64 id,
    const struct db_setup_session *s, GError **error);
/* status "active" or "cancelled"; sessions are never deleted. */
gboolean app_setup_session_status(const struct app *app,
    const struct app_actor *actor, gint64 id, const char *status,
    GError **error);

JsonArray *app_setup_sectors(const struct app *app,
    const struct app_actor *actor, GError **error);
gboolean app_setup_sector_add(const struct app *app,
    const struct app_actor *actor, const struct db_setup_sector *s,
    GError **error);
gboolean app_setup_sector_update(const struct app *app,
    const struct app_actor *actor, const struct db_setup_sector *s,
    GError **error);
/* APP_ESTATE "sector_in_use" while a participant or a code has it. */
gboolean app_setup_sector_delete(const struct app *app,
    const struct app_actor *actor, const char *code, GError **error);

/* Makes n (1..APP_CODES_MAX) random codes of APP_CODE_LENGTH characters
 * from an alphabet without 0, O, 1, I or l, each usable max_uses times,
 * bound to email and sector when not NULL. */
gboolean app_setup_codes_generate(const struct app *app,
    const struct app_actor *actor, gint64 n, gint64 max_uses,
    const char *email, const char *sector, GError **error);
/* Codes, newest first (at most limit), plus "total" in *total. */
JsonArray *app_setup_codes(const struct app *app,
    const struct app_actor *actor, gint64 limit, gint64 *total,
    GError **error);
/* All codes as CSV (code, max uses, used, email, sector); a cell that a
 * spreadsheet would take for a formula gets a leading apostrophe. */
char *app_setup_codes_csv(const struct app *app,
    const struct app_actor *actor, GError **error);

/* register.c: in invitation mode, checks and uses r->invitation_code for
 * the registration in conn's open transaction; *sector_out gets the
 * sector the code forces ("" if none) and *code_id its id.  consume false
 * only checks it (a known e-mail registering again).  APP_EINVALID
 * "invitation_code" when the code is missing, unknown or used up. */
gboolean app_setup_code_take(DbConn *conn, gint64 event_id, const char *code,
    const char *email, bool consume, gint64 *code_id, char **sector_out,
    GError **error);

#endif
