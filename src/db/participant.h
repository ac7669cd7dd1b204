/*
 * participant.h -- the participant family's queries for the console
 * (included by db.h; participant.c): the list with search, filters, sorting and paging; one person's
 * detail; check-in, erasure, invitations sent again; exports and the
 * import of invitees.
 */
#ifndef SUMMIT_DB_PARTICIPANT_H
#define SUMMIT_DB_PARTICIPANT_H

/* Sort orders of the list (each with an index of its own). */
enum db_reg_sort {
	DB_REG_SORT_REGISTERED, /* created_at, id */
	DB_REG_SORT_NAME,       /* lower(name), id */
	DB_REG_SORT_ORG,        /* lower(organisation), id */
	DB_REG_SORT_STATUS,     /* status, created_at, id */
	DB_REG_SORT__MAX
};

/* What the list shows; NULL or 0 members do not filter. */
struct db_reg_filter {
	const char *q; /* substring of name, e-mail or
					   organisation, any case */
	const char *status;
	const char *sector;
	gint64 session_id;
	bool placed; /* session: placed in (else ranked) */
	enum db_reg_sort sort;
	bool desc;
	gint64 limit, offset;
};

/* A page of participants (id, name, email, organisation, sector, status,
 * registered_at in seconds since 1970, checked_in) in the filter's
 * order. */
JsonArray *db_reg_list(DbConn *conn, gint64 event_id,
    const struct db_reg_filter *f, GError **error);
/* How many match, counted up to cap (a result of cap means "cap or more"). */
gboolean db_reg_count(DbConn *conn, gint64 event_id,
    const struct db_reg_filter *f, gint64 cap, gint64 *count, GError **error);
/* The event's sessions (id, title_nb, title_en), programme order. */
JsonArray *db_reg_sessions(DbConn *conn, gint64 event_id, GError **error);

/* One participant with everything the detail page shows about them
 * directly (id, event_id, name, email, ..., status, place_no or null,
 * checked_in, the times as seconds since 1970 or null, and the event's
 * timezone for showing them); lock takes the row FOR UPDATE.
 * DB_ENOTFOUND if there is none. */
/* Participant id of event event_id (DB_ENOTFOUND if of another). */
JsonObject *db_reg_get(DbConn *conn, gint64 event_id, gint64 id, bool lock,
    GError **error);
/* Placements (session_id, title_nb, title_en, table_no, pinned,
 * published), invitations (session_id, title_nb, title_en, sequence,
 * state, sent_at) and mails (id, kind, state, attempts, last_error,
 * created_at, sent_at, newest first) of one participant; times in seconds
 * since 1970 or null. */
JsonArray *db_reg_assignments(DbConn *conn, gint64 id, GError **error);
JsonArray *db_reg_invitations(DbConn *conn, gint64 id, GError **error);
JsonArray *db_reg_outbox(DbConn *conn, gint64 id, GError **error);
/* Sets or clears the check-in time. */
gboolean db_reg_set_checked_in(DbConn *conn, gint64 id, bool in,
    GError **error);
/*
 * Erases the person: name, e-mail, organisation, role and needs become an
 * anonymised trace (erased_at set), their link tokens and check-in codes
 * go, their mails' recipient is anonymised (queued ones fail), the
 * invitation Summit sent them and the code they registered with name no
 * one, and personal fields are cut from their audit entries.  Preferences, placements and invitations stay for the
 * counts.  The caller sets the status and releases the place.
 */
gboolean db_reg_erase(DbConn *conn, gint64 id, GError **error);
/* db_reg_erase, but the link tokens' hashes stay (they say nothing about
 * the person), so an old link answers "expired" rather than "unknown". */
gboolean db_reg_erase_keep_links(DbConn *conn, gint64 id, GError **error);
/* db_reg_erase for a person deleting their own registration: the
 * cancellation mails queued for them (kinds cancelled, invite_cancel) keep
 * their address until sent; db_privacy_scrub_sent erases it then. */
gboolean db_reg_erase_self(DbConn *conn, gint64 id, GError **error);
/* Up to limit participants (id) not yet erased whose event's retention
 * period is over (its retention_months, or days when it has none),
 * locked (others' locked rows skipped): run in a transaction. */
JsonArray *db_reg_past_retention(DbConn *conn, gint64 days, unsigned limit,
    GError **error);
/* Queues every current invitation ('invited') of the participant again
 * with the same sequence; *queued counts them. */
gboolean db_reg_requeue_invitations(DbConn *conn, gint64 id, gint64 *queued,
    GError **error);
/* Up to limit participants of the event with id > after_id (and among
 * ids[n] unless ids is NULL), id order,
 * with everything the export needs (ranks 1-5 and placements as session
 * titles in lang; times in seconds since 1970 or null, and the event's
 * timezone). */
JsonArray *db_reg_export(DbConn *conn, gint64 event_id, const char *lang,
    gint64 after_id, gint64 limit, const gint64 *ids, size_t n, GError **error);
/* A selection of the console's list: of ids[n], those of the event (id,
 * name, status), in id order; lock takes them FOR UPDATE in that order. */
JsonArray *db_reg_people(DbConn *conn, gint64 event_id, const gint64 *ids,
    size_t n, bool lock, GError **error);
/* The ids (rows: id) of the event's participants the filter matches (its
 * limit, offset and sort unused), in id order, at most limit. */
JsonArray *db_reg_filter_ids(DbConn *conn, gint64 event_id,
    const struct db_reg_filter *f, gint64 limit, GError **error);
/* Which of emails (a JSON array of strings, as text) are registered for
 * the event already: rows (email) in lower case. */
JsonArray *db_reg_emails_taken(DbConn *conn, gint64 event_id,
    const char *emails_json, GError **error);

/* The API's registrations (struct db_api_page in db.h: status, sector,
 * session_id -- placed in it), by id after after[0]: id, name, email,
 * organisation, sector, status, language, registered_at, checked_in_at
 * (Unix seconds, null when not in). */
JsonArray *db_api_registrations(DbConn *conn, const struct db_api_page *pg,
    GError **error);
/* The API's check-ins: the same rows, of those checked in only. */
JsonArray *db_api_checkins(DbConn *conn, const struct db_api_page *pg,
    GError **error);
/* Who a badge run or the door list takes; NULL or 0 does not filter. */
struct db_badge_filter {
	const char *status, *sector;
	gint64 session_id; /* placed in it */
	gint64 id;         /* one person */
};
/* The people of the event the filter takes, by surname (the name's last
 * word), then name: id, name, organisation, sector, sector_nb, sector_en,
 * colour, status, checked_in, and code and short_code, a confirmed
 * person's live check-in code (null without one). */
JsonArray *db_badge_people(DbConn *conn, gint64 event_id,
    const struct db_badge_filter *f, GError **error);
/* For each of codes (a JSON array of normalised check-in codes or short
 * forms, as text) that belongs to one of the event's participants, live
 * or revoked: given (the code as asked), id, name, organisation, status,
 * revoked, checked_in. */
JsonArray *db_door_codes(DbConn *conn, gint64 event_id, const char *codes_json,
    GError **error);
/* Checks in those of ids (a JSON array) of the event not in yet, at door;
 * rows (id) of those it checked in. */
JsonArray *db_door_arrive(DbConn *conn, gint64 event_id, const char *ids_json,
    const char *door, GError **error);

/* search.c, the console's global search: up to limit of the event's
 * participants whose name, e-mail or organisation holds q (any case), or
 * whose check-in code, live or revoked, is code (normalised; NULL: none),
 * by name: id, name, email, organisation, status, short_code (the live
 * code's short form, or null). */
JsonArray *db_search_people(DbConn *conn, gint64 event_id, const char *q,
    const char *code, gint64 limit, GError **error);
/* The participant's sector (sector), of event_id; DB_ENOTFOUND.  For
 * which of the event's questions they are asked (app/questions.c). */
JsonObject *db_participant_sector(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);

#endif
