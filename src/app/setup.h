/*
 * setup.h -- use cases for the console area "setup" (included by app.h):
 * the event's settings, its slots, sessions and sectors, and invitation
 * codes.  Reading needs "staff"; every change needs "admin" and is written
 * to the audit log with the object before and after.
 *
 * The inputs are app's own types below; app checks every value itself
 * (lengths, ranges, formats, time order), whatever the caller checked.
 * Date-times are local "YYYY-MM-DDTHH:MM" in the event's time zone, both
 * ways; app converts them to instants with the zone.
 *
 * Errors: APP_EFORBIDDEN (role), APP_ENOTFOUND (no such object),
 * APP_EINVALID (a value refused: *why, when not NULL, gets the field and
 * the reason), APP_ESTATE (the object is in use and cannot go: a slot a
 * session uses, a sector a participant or a code has), APP_EUNAVAILABLE,
 * APP_EINTERNAL.
 */
#ifndef SUMMIT_APP_SETUP_H
#define SUMMIT_APP_SETUP_H

/* Longest invitation-code batch. */
#define APP_CODES_MAX 10000
#define APP_CODE_LENGTH 10

/* The event's settings as a form edits them.  Texts are required but for
 * the descriptions and the venue (NULL: empty). */
struct app_setup_event {
	const char *name_nb, *name_en;               /* 1..200 characters */
	const char *description_nb, *description_en; /* ..5000 */
	const char *venue;                           /* ..200 */
	const char *timezone; /* an IANA name, e.g. "Europe/Oslo" */
	/* Local date-times in timezone; ends after starts, closes after
	 * opens. */
	const char *starts_at, *ends_at;
	const char *registration_opens, *registration_closes;
	gint64 capacity;             /* 0..1000000 */
	const char *invitation_mode; /* "open" or "invitation" */
	const char *mailbox;         /* an e-mail address */
	/* Freed seats are filled by summitd within one expiry interval
	 * (app/refill.c); otherwise by an organiser in the console. */
	bool refill_automatically;
	/* The name its mail is sent in; NULL or "": [mail] from_name. */
	const char *sender_name; /* ..100, one line */
};

struct app_setup_session {
	gint64 slot_id; /* one of the event's slots */
	/* Only when added: [a-z0-9][a-z0-9-]{0,63}, or NULL for a made-up
	 * one. */
	const char *code;
	const char *title_nb, *title_en;             /* 1..200 characters */
	const char *description_nb, *description_en; /* ..5000, or NULL */
	const char *room;                            /* ..200, or NULL */
	gint64 capacity;                             /* 0..100000 */
	gint64 tables;                               /* 1..10000 */
	gint64 seats_per_table;                      /* 1..1000 */
	gint64 sector_share_pct;                     /* 1..100 */
	gint64 org_limit;                            /* 1..100000 */
};

struct app_setup_sector {
	const char *code;              /* [a-z][a-z0-9_]{0,31} */
	const char *name_nb, *name_en; /* 1..100 characters */
	gint64 position;               /* -100000..100000 */
	const char *colour;            /* #rrggbb (any case), for badges;
					  NULL or "": a new sector takes the
					  default palette's next, an edit
					  keeps its colour */
};

/* The event's settings (the date-times local) and "held", the places
 * registrations hold. */
JsonObject *app_setup_event(const struct app *app,
    const struct app_actor *actor, GError **error);
/* Changes the settings; a new capacity syncs the place rows in the same
 * transaction.  Refusals include "timezone" APP_REASON_INVALID (a zone
 * GLib or PostgreSQL does not know) and "capacity" APP_REASON_IN_USE
 * (below the places held: nobody loses a place). */
gboolean app_setup_event_update(const struct app *app,
    const struct app_actor *actor, const struct app_setup_event *e,
    struct app_refusal *why, GError **error);
/* Whether app_setup_event_update takes name as a zone as far as it can
 * tell without the database (an IANA name the tz database has), for a
 * form that shows every wrong field at once. */
bool app_setup_timezone_ok(const char *name);
/* Whether app_setup_event_update takes mode ("open", "invitation"). */
bool app_setup_invitation_mode_ok(const char *mode);
/* The shape of codes: a session's [a-z0-9][a-z0-9-]{0,63}, a sector's
 * [a-z][a-z0-9_]{0,31} (also what a sector in a path must be). */
bool app_setup_session_code_ok(const char *code);
bool app_setup_sector_code_ok(const char *code);
/* A colour as the set-up takes it: #rrggbb, hexadecimal of any case. */
bool app_setup_colour_ok(const char *colour);

/* "slots" (each with "id", "starts_at", "ends_at", "sessions" (how many)
 * and its "sessions_list", cancelled ones too) and "sectors". */
JsonObject *app_setup_programme(const struct app *app,
    const struct app_actor *actor, GError **error);
/* A slot ends after it starts and overlaps no other slot of the event
 * ("starts_at" APP_REASON_OVERLAP; touching is allowed). */
gboolean app_setup_slot_add(const struct app *app,
    const struct app_actor *actor, const char *starts_at, const char *ends_at,
    gint64 *id, struct app_refusal *why, GError **error);
gboolean app_setup_slot_update(const struct app *app,
    const struct app_actor *actor, gint64 id, const char *starts_at,
    const char *ends_at, struct app_refusal *why, GError **error);
/* APP_ESTATE while a session uses it. */
gboolean app_setup_slot_delete(const struct app *app,
    const struct app_actor *actor, gint64 id, GError **error);

/* The session's columns; "cancelled" says whether its status is. */
JsonObject *app_setup_session(const struct app *app,
    const struct app_actor *actor, gint64 id, GError **error);
/* "code" APP_REASON_TAKEN when another session of the event has it. */
gboolean app_setup_session_add(const struct app *app,
    const struct app_actor *actor, const struct app_setup_session *s,
    gint64 *id, struct app_refusal *why, GError **error);
/* s->code is not used: a session keeps its code. */
gboolean app_setup_session_update(const struct app *app,
    const struct app_actor *actor, gint64 id, const struct app_setup_session *s,
    struct app_refusal *why, GError **error);
/* cancelled true or false; sessions are never deleted. */
gboolean app_setup_session_status(const struct app *app,
    const struct app_actor *actor, gint64 id, bool cancelled, GError **error);

/* Sectors (code, name_nb, name_en, position, used). */
JsonArray *app_setup_sectors(const struct app *app,
    const struct app_actor *actor, GError **error);
/* "code" APP_REASON_TAKEN when the event has the code already. */
gboolean app_setup_sector_add(const struct app *app,
    const struct app_actor *actor, const struct app_setup_sector *s,
    struct app_refusal *why, GError **error);
gboolean app_setup_sector_update(const struct app *app,
    const struct app_actor *actor, const struct app_setup_sector *s,
    struct app_refusal *why, GError **error);
/* APP_ESTATE while a participant or a code has it. */
gboolean app_setup_sector_delete(const struct app *app,
    const struct app_actor *actor, const char *code, GError **error);

/* Makes n (1..APP_CODES_MAX) random codes of APP_CODE_LENGTH characters
 * from an alphabet without 0, O, 1, I or l, each usable max_uses
 * (1..1000000) times, bound to email and sector when not NULL. */
gboolean app_setup_codes_generate(const struct app *app,
    const struct app_actor *actor, gint64 n, gint64 max_uses, const char *email,
    const char *sector, struct app_refusal *why, GError **error);
/* Codes, newest first (at most limit), plus "total" in *total. */
JsonArray *app_setup_codes(const struct app *app, const struct app_actor *actor,
    gint64 limit, gint64 *total, GError **error);
/* All codes in fmt (code, max uses, used, email, sector), *len its
 * length; in CSV a cell that a spreadsheet would take for a formula gets a
 * leading apostrophe, in .xlsx every text is a string cell. */
char *app_setup_codes_export(const struct app *app,
    const struct app_actor *actor, enum sheet_format fmt, gsize *len,
    GError **error);

#endif
