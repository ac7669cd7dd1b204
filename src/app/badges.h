/*
 * badges.h -- use cases for the console area "badges" (included by
 * app.h): printable name badges, and the door list with the ticks made
 * on it offline, imported afterwards.
 *
 * Staff may read both; importing ticks, a change to many people at once,
 * is an admin's, audited.
 */
#ifndef SUMMIT_APP_BADGES_H
#define SUMMIT_APP_BADGES_H

struct app_actor;

/* Rows a tick import may hold. */
#define APP_DOOR_IMPORT_MAX 5000

/* Who gets a badge; NULL or 0 members do not filter.  With id, the one
 * person, whatever the other members say. */
struct app_badge_filter {
	const char *status; /* one of app_reg_statuses */
	const char *sector; /* a sector code */
	gint64 session_id;  /* placed in it */
	gint64 id;          /* one participant */
	bool lists_only;    /* the people without codes or QR codes:
			       the filter form's count */
};

/*
 * The badges the filter takes, by surname: "people" (id, name,
 * organisation, sector, sector_nb, sector_en, colour (#rrggbb), ink (the
 * text colour readable on it, #000000 or #ffffff), status, and for a
 * confirmed person code and code_short, their check-in code), "sectors"
 * (code, name_nb, name_en, colour) and "sessions" (id, title_nb,
 * title_en) for the filters (transfer full).  Staff may.  APP_EINVALID
 * naming the filter's member out of bounds; APP_ENOTFOUND when id names
 * no one of the event.
 */
JsonObject *app_badges(const struct app *app, const struct app_actor *actor,
    const struct app_badge_filter *f, GError **error);

/*
 * The door list: the event's confirmed people by surname, each with id,
 * name, listed_name ("Surname, Given names"), organisation, code_short
 * and checked_in; "event" (name_nb, name_en) (transfer full).  Staff.
 */
JsonObject *app_door_list(const struct app *app, const struct app_actor *actor,
    GError **error);
/*
 * The door list in fmt (transfer full; *len its length), as the
 * registrations export writes it: code,name,organisation,arrived, arrived
 * "x" in CSV (a boolean in .xlsx) for those checked in when it was made.
 * The same CSV, ticked, is what app_door_ticks_import reads.  Staff.
 */
char *app_door_list_export(const struct app *app, const struct app_actor *actor,
    enum sheet_format fmt, gsize *len, GError **error);
/*
 * Reads a ticked door list (CSV: the check-in code or its short form
 * first, the tick last; an optional header line starting "code"): "rows"
 * (line, given (the first cell), code (normalised, or ""), and for a code
 * of the event id, name, organisation; "outcome": "arrive", "already"
 * (checked in before, or twice in the file: left as it is), "skip" (no
 * tick), or a refusal: "unknown" (no code of the event), "bad" (not a
 * code), "bad_tick" (a tick cell that is no mark, or one column),
 * "revoked" (the code was re-issued), "not_confirmed"); the counts
 * "arrive", "already", "skipped", "refused", "arrived"; and "applied"
 * (transfer full).  With apply, and only when no row is refused, checks
 * the "arrive" people in at door "door list", at the time of the import,
 * in one transaction, audited as "door.ticks_import" ("applied" true);
 * with a refused row nothing changes.  Admin.  APP_EINVALID: not CSV, or
 * more than APP_DOOR_IMPORT_MAX rows.
 */
JsonObject *app_door_ticks_import(const struct app *app,
    const struct app_actor *actor, const char *csv, bool apply, GError **error);

/* Pure helpers, exported for tests/unit/app. */
/* The text colour readable on colour (#rrggbb): "#000000" on light
 * colours, "#ffffff" on dark ones, by WCAG's relative luminance. */
const char *app_badge_ink(const char *colour);
/* "Surname, Given names" of a name (its last word first); the name
 * trimmed when it has one word (transfer full). */
char *app_listed_name(const char *name);
/* Whether a door list's tick cell says "arrived": empty is no; x, 1, yes,
 * ja, a check mark and the like (any case, spaces around) are yes;
 * anything else is no with *bad set. */
bool app_door_tick(const char *cell, bool *bad);

#endif
