/*
 * registrations.h -- use cases for the console area "registrations"
 * (included by app.h): the list, one person's detail, what an organiser
 * may do to a registration, exports and the import of invitees.
 *
 * Every use case that changes something checks the actor's role first
 * (admin; check-in: staff) and writes an audit entry with the before and
 * after of what changed, in the transaction of the change.
 */
#ifndef SUMMIT_APP_REGISTRATIONS_H
#define SUMMIT_APP_REGISTRATIONS_H

struct app_actor;
struct app_refusal;

/* Counts above this are shown as "10000+". */
#define APP_REG_COUNT_CAP 10000
/* Rows per page, at most. */
#define APP_REG_PAGE_MAX 200
/* Rows an import may hold. */
#define APP_REG_IMPORT_MAX 2000

/* Sort orders of the list, as the console names them (app_reg_sort_name). */
enum app_reg_sort {
	APP_REG_SORT_REGISTERED, /* registration time */
	APP_REG_SORT_NAME,
	APP_REG_SORT_ORG, /* organisation */
	APP_REG_SORT_STATUS,
	APP_REG_SORT__MAX
};

/* What the list shows; NULL or 0 members do not filter.  app_reg_list
 * checks every member itself (APP_EINVALID naming it otherwise). */
struct app_reg_filter {
	const char *q;      /* substring of name, e-mail or
						   organisation, any case; one
						   line, at most 200 characters */
	const char *status; /* one of app_reg_statuses */
	const char *sector; /* a sector code */
	gint64 session_id;
	bool placed; /* session: placed in (else
						   ranked) */
	enum app_reg_sort sort;
	bool desc;
	gint64 page;     /* from 1 */
	gint64 per_page; /* 1 to APP_REG_PAGE_MAX; pages
						   end at APP_REG_COUNT_CAP */
};

/* The statuses a registration can have, in the console's order (the first
 * APP_REG_SETTABLE of them app_reg_set_status takes). */
#define APP_REG_STATUSES 5
#define APP_REG_SETTABLE 4
extern const char *const app_reg_statuses[APP_REG_STATUSES];
/* "registered", "name", "organisation", "status"; NULL out of range. */
const char *app_reg_sort_name(enum app_reg_sort sort);

/*
 * A page of the current event's registrations: "rows" (id, name, email,
 * organisation, sector, status, registered_at as local text, checked_in),
 * "total" (capped at APP_REG_COUNT_CAP) and "total_capped", "sessions"
 * (id, title_nb, title_en) and "sectors" (code, name_nb, name_en) for the
 * filters (transfer full).  Staff may.  APP_EINVALID, refusal set, for a
 * filter value out of its bounds.
 */
JsonObject *app_reg_list(const struct app *app, const struct app_actor *actor,
    const struct app_reg_filter *f, struct app_refusal *refusal,
    GError **error);
/*
 * One person: the participant's fields with "preferences", "assignments",
 * "invitations", "answers" (db_answer_history, newest first), "mails",
 * "bounces" (active ones, as app_bounce_list), "counters" (new times
 * their calendar proposed, iTIP COUNTER, never applied: session_id,
 * title_nb, title_en, proposed_starts_at, proposed_ends_at, received_at
 * as local text, sequence) and "audit" (transfer full).  APP_ENOTFOUND.
 */
JsonObject *app_reg_detail(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error);
/*
 * Sets the status (pending, confirmed, waitlisted or cancelled) keeping
 * places consistent: confirmed or pending claim a place unless they hold
 * one (APP_ESTATE with refusal APP_REASON_FULL when none is free);
 * waitlisted and cancelled release it, and the freed place goes to those
 * already waiting (app_promote) before this person joins the waitlist.
 * Admin only.  APP_EINVALID (refusal "status") for another status,
 * APP_ENOTFOUND.  refusal may be NULL.
 */
gboolean app_reg_set_status(const struct app *app,
    const struct app_actor *actor, gint64 id, const char *status,
    struct app_refusal *refusal, GError **error);
/* Takes a waitlisted person off the waitlist with a free place, as the
 * waitlist would (confirmed if their e-mail is, else pending with a
 * hold, and a mail).  APP_ESTATE: not waitlisted, or no place free
 * (refusal APP_REASON_FULL; refusal may be NULL).  Admin. */
gboolean app_reg_promote(const struct app *app, const struct app_actor *actor,
    gint64 id, struct app_refusal *refusal, GError **error);
/* Queues a "link_again" mail with a fresh link.  Admin. */
gboolean app_reg_resend_confirmation(const struct app *app,
    const struct app_actor *actor, gint64 id, GError **error);
/* Queues each current invitation again, same SEQUENCE; *queued counts
 * them.  Admin. */
gboolean app_reg_resend_invitations(const struct app *app,
    const struct app_actor *actor, gint64 id, gint64 *queued, GError **error);
/*
 * Corrects the person's e-mail address after it bounced (or confirms it
 * unchanged when the cause is gone): their active bounces are cleared and
 * what they missed -- held messages and those that bounced -- is queued
 * again to the address; *queued counts them.  Admin.  APP_EINVALID with
 * refusal "email" (invalid, or taken by another registration: the
 * database's refusal), APP_ESTATE for an erased person, APP_ENOTFOUND.
 * refusal may be NULL.
 */
gboolean app_reg_correct_email(const struct app *app,
    const struct app_actor *actor, gint64 id, const char *email, gint64 *queued,
    struct app_refusal *refusal, GError **error);
/* Checks the person in (in) or out again.  Staff may. */
gboolean app_reg_check_in(const struct app *app, const struct app_actor *actor,
    gint64 id, bool in, GError **error);
/* GDPR erasure (see db_reg_erase): cancelled, place released and given
 * to the waitlist, personal data replaced by an anonymised trace; the
 * audit entry holds no personal data.  Admin. */
gboolean app_reg_erase(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error);
/*
 * Keeps the privacy page's promise: erases, as app_reg_erase does (the
 * status, sector, ranking, placements, answers and check-in times stay,
 * for the counts), everyone whose event's retention period is over (its
 * retention_months after its end, or [privacy] retention_days for an
 * event that sets none), and the invitees of those events; then the
 * address of sent mails to people who deleted themselves.  *erased counts
 * the participants.  In batches of one transaction each, each claiming
 * its rows (SKIP LOCKED): several processes may run it at once.
 * app_privacy_due is its dry run.
 */
gboolean app_privacy_purge(const struct app *app, unsigned *erased,
    GError **error);
/* Everything stored about one person as pretty JSON text (transfer
 * full).  Staff may. */
char *app_reg_person_json(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error);
/*
 * All registrations of the current event (transfer full; *len its
 * length) in fmt: as CSV every cell quoted, quotes doubled, CRLF line
 * ends, and a cell starting with = + - @ tab or CR gets a leading
 * apostrophe so no spreadsheet runs it as a formula; SHEET_CSV_EXCEL adds
 * a UTF-8 BOM and uses ';' (what Excel expects in a Norwegian locale);
 * SHEET_XLSX is a workbook of typed cells, text never a formula.  Staff
 * may.
 */
char *app_reg_export(const struct app *app, const struct app_actor *actor,
    const char *lang, enum sheet_format fmt, gsize *len, GError **error);
/*
 * Parses CSV text with csv_parse (base/base.h) into an array of rows, each
 * a NULL-terminated string vector (transfer full), reading no further
 * than one row past APP_REG_IMPORT_MAX and a header line.  NULL and
 * *error_line set when a quote is left open.
 */
GPtrArray *app_reg_csv_parse(const char *text, gsize *error_line);
/*
 * Checks invitees in CSV (name,email,organisation,sector[,role,language],
 * an optional header line) and, with apply, stores the good rows as
 * confirmed participants (waitlisted if the event is full) with an
 * "invited" mail, in one transaction, audited.  Returns "rows" (line,
 * name, email, ..., "errors": catalog keys, "ok"), "good", "bad",
 * "imported", "waitlisted" (transfer full).  Nothing is stored without
 * apply.  Admin.  APP_EINVALID: not CSV, or too many rows.
 */
JsonObject *app_reg_import(const struct app *app, const struct app_actor *actor,
    const char *csv, bool apply, GError **error);

/*
 * Bulk actions on a selection of the list (bulk.c): a status change or a
 * promotion for many people at once, each person changed exactly as the
 * single use case changes them (places, the waitlist, mails), in one
 * transaction audited as one entry listing them; and the export of the
 * selection.  A selection holds at most APP_REG_BULK_MAX people.
 */
#define APP_REG_BULK_MAX 500
enum app_reg_bulk {
	APP_REG_BULK_CONFIRM, /* status confirmed (reinstates a cancelled) */
	APP_REG_BULK_PENDING,
	APP_REG_BULK_WAITLIST,
	APP_REG_BULK_CANCEL,
	APP_REG_BULK_PROMOTE, /* from the waitlist, as app_reg_promote */
	APP_REG_BULK__MAX
};
/* "confirmed", "pending", "waitlisted", "cancelled", "promote" (the
 * form's values); NULL out of range.  app_reg_bulk_parse: the inverse,
 * false for another name. */
const char *app_reg_bulk_name(enum app_reg_bulk a);
bool app_reg_bulk_parse(const char *name, enum app_reg_bulk *out);
/* Who: ids[n] of event_id, or, when filter is not NULL, everyone of the
 * event it matches (its page and sort ignored; ids unused). */
struct app_reg_selection {
	const gint64 *ids;
	size_t n;
	const struct app_reg_filter *filter;
};
/*
 * The people of a selection, as the confirmation page lists them:
 * "count" and "people" (id, name, status), id order (transfer full).
 * Admin (staff for_export).  APP_EINVALID with refusal "selection":
 * APP_REASON_MISSING (nobody), APP_REASON_RANGE (more than
 * APP_REG_BULK_MAX), APP_REASON_INVALID (an id not of the event); or the
 * filter's own field.  refusal may be NULL.
 */
JsonObject *app_reg_bulk_preview(const struct app *app,
    const struct app_actor *actor, gint64 event_id,
    const struct app_reg_selection *sel, bool for_export,
    struct app_refusal *refusal, GError **error);
/*
 * Does action to ids[n] (refused as app_reg_bulk_preview refuses them,
 * nothing changed) in one transaction, audited as one entry
 * "registrations.bulk_status" (after: status) or
 * "registrations.bulk_promote" whose before and after list every person's
 * id and state, and which were changed, unchanged or refused.  A person
 * the single action would refuse (no place free; promote: not on the
 * waitlist) is left as they were and reported.  The view: "changed",
 * "unchanged" (already so) and "refused" (reason "full" or
 * "not_waitlisted"), each of people (id, name).  Admin.
 */
JsonObject *app_reg_bulk_apply(const struct app *app,
    const struct app_actor *actor, gint64 event_id, enum app_reg_bulk action,
    const gint64 *ids, size_t n, struct app_refusal *refusal, GError **error);
/* The export (as app_reg_export) of the selection's people only, refused
 * as app_reg_bulk_preview refuses it.  Staff may. */
char *app_reg_bulk_export(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_reg_selection *sel, const char *lang,
    enum sheet_format fmt, gsize *len, struct app_refusal *refusal,
    GError **error);

#endif
