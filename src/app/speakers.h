/*
 * speakers.h -- the people on stage (included by app.h; speakers.c):
 * speakers, moderators, panellists and hosts attached to a session in the
 * console, shown in the programme, the calendar and their own page.
 */
#ifndef SUMMIT_APP_SPEAKERS_H
#define SUMMIT_APP_SPEAKERS_H

/* One attachment as the console's form gives it.  email names the
 * person: a participant of the event with that address is attached as
 * they are; otherwise name and organisation are required and a
 * speaker-only participant is made (confirmed, no place at the event,
 * the event's first sector, language nb or en). */
struct app_speaker {
	gint64 session_id;
	const char *name, *email, *organisation, *language;
	const char *role; /* "speaker", "moderator", "panellist", "host" */
	bool counts_seat; /* takes one of the session's seats */
};

/* Whether role is one of the four roles. */
bool app_speaker_role_ok(const char *role);
/* The four roles in the order forms offer them, NULL-terminated. */
const char *const *app_speaker_roles(void);
/*
 * The people of session_id of event_id (staff): participant_id, name,
 * email, organisation, status, speaker_only, role, counts_seat, first
 * and last (bool: the ends of the order), in order.  APP_ENOTFOUND for
 * a session of no such event.
 */
JsonArray *app_speakers_session(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 session_id,
    GError **error);
/* Attaches (or changes the role and seat of) a person (admin), audited
 * as speaker.add.  A refused value says which field in *why. */
gboolean app_speaker_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_speaker *s, struct app_refusal *why,
    GError **error);
/* Removes participant_id from session_id (admin), audited as
 * speaker.remove; the speaker-only participant stays (their page
 * shows the cancellation the next publish sends).  APP_ENOTFOUND when
 * they are not attached. */
gboolean app_speaker_remove(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 session_id,
    gint64 participant_id, GError **error);
/* Moves participant_id one place earlier (step -1) or later (+1) in
 * session_id's order (admin), audited as speaker.move. */
gboolean app_speaker_move(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 session_id, gint64 participant_id, int step,
    GError **error);

#endif
