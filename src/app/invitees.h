/*
 * invitees.h -- use cases of the console area "invitees" and of the
 * invitee's own pages (included by app.h): people Summit invites by mail
 * with a personal code and link, added one by one or imported from CSV,
 * their states (sent, visited, registered, declined), the "remind by"
 * date and the reminder summitd sends once.
 *
 * Organisers' changes check the role (admin) and are audited; the
 * invitee's decline is audited with the actor "invitee".
 */
#ifndef SUMMIT_APP_INVITEES_H
#define SUMMIT_APP_INVITEES_H

struct app_actor;
struct app_refusal;

/* Rows an import may hold. */
#define APP_INVITEE_IMPORT_MAX 2000
/* Rows the console list shows, at most. */
#define APP_INVITEE_PAGE_MAX 500

/* One invitee; organisation, sector and language may be "" (language ""
 * is the event's default for invitations). */
struct app_invitee {
	const char *name, *email, *organisation, *sector, *language;
};

/* What the list and the export show; "" or NULL does not filter. */
struct app_invitee_filter {
	const char *state;  /* one of app_invitee_states */
	const char *sector; /* a sector code */
	const char *q;      /* substring of name, e-mail or organisation */
};

/* The states, in the order the console shows them. */
extern const char *const app_invitee_states[];
/* state is "" or one of app_invitee_states. */
bool app_invitee_state_ok(const char *state);

/*
 * Adds one invitee and queues their invitation mail (admin, audited as
 * "invitees.add").  APP_EINVALID with refusal's field: name, email
 * (invalid, or already invited or registered: APP_REASON_TAKEN),
 * organisation, sector, language; APP_EFORBIDDEN, APP_EUNAVAILABLE.
 */
gboolean app_invitee_add(const struct app *app, const struct app_actor *actor,
    const struct app_invitee *in, struct app_refusal *refusal, GError **error);
/*
 * Checks a CSV of invitees (name, e-mail[, organisation[, sector[,
 * language]]], an optional header line) and, with apply, adds them all
 * and queues their mails -- only when every row is good: one bad row and
 * nothing is stored.  The view: rows (line, name, email, organisation,
 * sector, language, ok, errors: catalogue keys), good, bad, imported,
 * refused (apply asked with bad rows).  Audited as "invitees.import" when
 * it stored some.  APP_EINVALID: not CSV, or more than
 * APP_INVITEE_IMPORT_MAX rows.
 */
JsonObject *app_invitee_import(const struct app *app,
    const struct app_actor *actor, const char *csv, bool apply, GError **error);
/*
 * The console's list (staff): rows (id, participant_id (their
 * registration, or null), name, email, organisation,
 * sector, language, state, visited_at, declined_at, reminded_at,
 * created_at as local text, "" for none), counts (one member per state
 * and total), settings (language, remind_at as "YYYY-MM-DDTHH:MM" in the
 * event's zone or "", remind_passed), timezone.  APP_EINVALID for a
 * filter the rules refuse.
 */
JsonObject *app_invitee_list(const struct app *app,
    const struct app_actor *actor, const struct app_invitee_filter *f,
    GError **error);
/* The same rows in fmt (staff), *len its length (transfer full); in
 * .xlsx the times are date-time cells in the event's zone. */
char *app_invitee_export(const struct app *app, const struct app_actor *actor,
    const struct app_invitee_filter *f, enum sheet_format fmt, gsize *len,
    GError **error);
/*
 * Sets the language of invitations to invitees without one and the
 * "remind by" time (a local "YYYY-MM-DDTHH:MM" in the event's zone, or ""
 * for none): admin, audited as "invitees.settings".  APP_EINVALID with
 * refusal's field "language" or "remind_at".
 */
gboolean app_invitee_settings_set(const struct app *app,
    const struct app_actor *actor, const char *language, const char *remind_at,
    struct app_refusal *refusal, GError **error);

/*
 * The invitee's own pages, by the token of their link: name, email,
 * organisation, sector, language, code, registered, declined, visited.
 * app_invitation_visit records the first visit too (a POST: see
 * web/invitation.c).  APP_ENOTFOUND, APP_EUNAVAILABLE.
 */
JsonObject *app_invitation_view(const struct app *app, const char *token,
    GError **error);
JsonObject *app_invitation_visit(const struct app *app, const char *token,
    GError **error);
/* Records that the invitee cannot come; *declined false when they have
 * registered already (nothing changed).  APP_ENOTFOUND. */
gboolean app_invitation_decline(const struct app *app, const char *token,
    bool *declined, GError **error);
/* summitd's job: one reminder to each invitee who has not answered once
 * their event's remind-by time has passed; *queued gets how many.  Safe
 * to run in several processes at once (db_invitee_remind_claim). */
gboolean app_invitee_remind(const struct app *app, gint64 *queued,
    GError **error);

#endif
