/*
 * substitute.h -- a participant hands their place to a colleague
 * (included by app.h; substitute.c): the offer and its withdrawal from
 * the participant's page, the colleague's confirmation (through
 * app_confirm, from the mailed /confirm link), an organiser's approval
 * where the event asks for it, and the console's list.
 */
#ifndef SUMMIT_APP_SUBSTITUTE_H
#define SUMMIT_APP_SUBSTITUTE_H

/* The colleague: the same organisation and sector as the person handing
 * over unless changed; language: the mails' (nb or en). */
struct app_substitute {
	const char *name;
	const char *email;
	const char *organisation;
	const char *sector;
	const char *language;
};
/* The field of s refused first ("name", "email", "organisation",
 * "sector", "language"), or NULL; no database (the sector's existence
 * is the database's). */
const char *app_substitute_refused(const struct app_substitute *s);
/*
 * The participant behind token (confirmed) offers their place to s: the
 * colleague is stored pending with their ranking, a hold of
 * confirm_hours, and a mail with the confirmation link; nothing else
 * moves.  Audited (participant.substitute_offer).  APP_EINVALID with
 * refusal for a value (an e-mail the event already has: email,
 * APP_REASON_TAKEN); APP_ESTATE unless confirmed, or while a hand-over is
 * open; APP_ENOTFOUND, APP_EEXPIRED for the link.
 */
gboolean app_substitute_offer(const struct app *app, const char *token,
    const struct app_substitute *s, struct app_refusal *refusal,
    GError **error);
/* Takes back the open hand-over of the participant behind token (the
 * colleague's registration and link go).  Audited
 * (participant.substitute_withdraw).  APP_ESTATE when none is open. */
gboolean app_substitute_withdraw(const struct app *app, const char *token,
    GError **error);
/*
 * What the participant's page shows of hand-overs, a view: can_offer
 * (confirmed, nothing open), outgoing (the open hand-over: name, email,
 * organisation, email_confirmed; or null), incoming (for the colleague
 * while pending: from_name, email_confirmed, approval; or null), and the
 * form's defaults: organisation, sector, language, sectors (code,
 * name_nb, name_en) of the participant's event.
 */
JsonObject *app_substitute_view(const struct app *app, const char *token,
    GError **error);
/* The console's list of event_id's hand-overs (staff): id, name, email,
 * organisation, from_id, from_name, from_email, created (local text),
 * state ("email": waiting for the colleague, "approval": for an
 * organiser, "done", "cancelled"), waiting (state approval). */
JsonArray *app_substitute_list(const struct app *app,
    const struct app_actor *actor, gint64 event_id, GError **error);
/* An organiser (admin) approves the hand-over id waiting for approval:
 * it happens now.  Audited (substitute.approve).  APP_ENOTFOUND for no
 * such open hand-over of the event; APP_ESTATE when it does not wait for
 * approval or the place is no longer the original's. */
gboolean app_substitute_approve(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 id, GError **error);
/* Refuses the open hand-over id (admin): the colleague's registration
 * goes, both are told by mail, nothing else changes.  Audited
 * (substitute.refuse).  APP_ENOTFOUND as for approve. */
gboolean app_substitute_refuse(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 id, GError **error);
/* event_id's setting: whether an organiser approves each hand-over
 * (staff reads, admin sets; setting it is audited as
 * substitute.settings). */
gboolean app_substitute_approval(const struct app *app,
    const struct app_actor *actor, gint64 event_id, bool *approval,
    GError **error);
gboolean app_substitute_approval_set(const struct app *app,
    const struct app_actor *actor, gint64 event_id, bool approval,
    GError **error);

#endif
