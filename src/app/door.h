/*
 * door.h -- use cases of the door (included by app.h; door.c): check-in
 * codes and their QR codes, the check-in desk, per-session check-in,
 * walk-ins and the live counts.
 */
#ifndef SUMMIT_APP_DOOR_H
#define SUMMIT_APP_DOOR_H

/*
 * A check-in code: 80 random bits as 16 characters of Crockford's base
 * 32 (what the QR code holds), and its short form, the first 10 grouped
 * by five ("ABCDE-FGHJK"), for people to type.  The desk takes either,
 * in any case, with or without the dash.  It names the registration and
 * nothing else.
 */
struct app_checkin_code {
	char code[16 + 1];
	char short_code[10 + 1 + 1];
};

/*
 * The participant's live check-in code, issued now if they have none.
 * Only a confirmed participant has one: APP_ESTATE otherwise,
 * APP_ENOTFOUND for no such participant.
 */
gboolean app_checkin_code(const struct app *app, gint64 participant_id,
    struct app_checkin_code *out, GError **error);
/*
 * The same as a view for a page: code, short_code, qr_size and qr_path,
 * the QR code as one SVG path in a square of qr_size units (qr_path needs
 * no escaping: <svg viewBox="0 0 qr_size qr_size"><path d="qr_path"/>).
 */
JsonObject *app_checkin_code_view(const struct app *app, gint64 participant_id,
    GError **error);
/* The QR code of a check-in code as a PNG, scale pixels a module (1..32);
 * NULL for an empty code or a bad scale (transfer full). */
GBytes *app_checkin_qr_png(const char *code, int scale);
/*
 * Staff: revokes the participant's live code (the desk then answers
 * "code not valid" to it) and issues a new one, into out; audited
 * ("door.code_reissue").  APP_ESTATE unless confirmed.
 */
gboolean app_checkin_code_reissue(const struct app *app,
    const struct app_actor *actor, gint64 participant_id,
    struct app_checkin_code *out, GError **error);
/* Issues a code to every confirmed participant of event_id who
 * has none (badges and door lists for everyone); *issued counts them. */
gboolean app_checkin_codes_ensure(const struct app *app, gint64 event_id,
    gint64 *issued, GError **error);

/* A scan at the desk: a code (as scanned or typed), or a participant
 * picked from the desk's search; at the event's door (session_id 0) or
 * a session's; door is the desk's name ("" for none). */
struct app_door_scan {
	const char *code;
	gint64 participant_id;
	gint64 session_id;
	const char *door;
};
/* Door names are at most this many characters. */
#define APP_DOOR_NAME_MAX 60
/*
 * The desk's answer to one scan (door role or above), a view of:
 *   outcome  "green" (checked in now), "amber" (already: at, door) or
 *            "red" (reason);
 *   reason   red: "code_invalid" (not a code, or unknown), "code_revoked",
 *            "not_registered" (pending, expired, another event),
 *            "cancelled", "waitlisted", "wrong_day", "not_in_session";
 *            "" otherwise;
 *   person   null for an unknown code, else id, name, organisation,
 *            sector_nb, sector_en, status and today (the sessions of the
 *            day with a seat: session_id, title_nb, title_en, room,
 *            table_no, has_table, starts_at and ends_at as "HH:MM");
 *   at, door the check-in that stands ("HH:MM" in the event's zone; ""
 *            when red);
 *   session  null, or the session's id, title_nb, title_en, room.
 * Two desks scanning one person at once: exactly one gets green (the
 * database decides, db_door_check_in).  A green one is audited
 * ("door.check_in").  APP_EINVALID for a door name too long,
 * APP_ENOTFOUND for a session that is not an active one of the event.
 */
JsonObject *app_door_scan(const struct app *app, const struct app_actor *actor,
    const struct app_door_scan *in, GError **error);
/* Staff: undoes a check-in at the event (session_id 0) or at a session;
 * audited ("door.undo").  APP_ESTATE when there was none. */
gboolean app_door_undo(const struct app *app, const struct app_actor *actor,
    gint64 participant_id, gint64 session_id, GError **error);
/* The desk's search by name, e-mail or organisation (1 to 200
 * characters, else APP_EINVALID): up to 30 of id, name, organisation,
 * status, checked_in. */
JsonArray *app_door_search(const struct app *app, const struct app_actor *actor,
    const char *q, GError **error);
/*
 * The live counts (door role or above: the desk lists the sessions from
 * it, the console's counts page is staff's): a view of event (expected, arrived, started, walk_ins) and
 * sessions (id, code, title_nb, title_en, room, starts_at "YYYY-MM-DD
 * HH:MM" and ends_at "HH:MM" in the event's zone, started, expected,
 * arrived).  APP_ENOTFOUND before there is an event.
 */
JsonObject *app_door_counts(const struct app *app,
    const struct app_actor *actor, GError **error);
/* Staff: who has not come (session_id 0: to the event): id, name,
 * organisation, sector, table_no (null for the event).  APP_ESTATE before
 * it started, APP_ENOTFOUND for no such session. */
JsonArray *app_door_no_shows(const struct app *app,
    const struct app_actor *actor, gint64 session_id, GError **error);

/* A person registered at the desk on the day. */
struct app_walk_in {
	const char *name, *email, *organisation, *sector;
	const char *language; /* "nb" or "en" */
	const char *door;     /* the desk's name, "" for none */
};
/*
 * Registers w for the current event, confirmed, with a place, and checks
 * them in at once (door role or above; audited "door.walk_in"); the answer
 * is app_door_scan's view, green.  APP_ESTATE when the event takes no
 * walk-ins; APP_EINVALID with *refusal (may be NULL) naming the field
 * (name, email, organisation, sector, with APP_REASON_TAKEN for an
 * e-mail registered already, APP_REASON_FULL on "email" when no place is
 * left).
 */
struct app_refusal;
JsonObject *app_door_walk_in(const struct app *app,
    const struct app_actor *actor, const struct app_walk_in *w,
    struct app_refusal *refusal, GError **error);
/* Admin: whether the current event takes walk-ins at the desk; audited
 * ("door.walk_ins"). */
gboolean app_door_walk_ins_set(const struct app *app,
    const struct app_actor *actor, bool on, GError **error);

#endif
