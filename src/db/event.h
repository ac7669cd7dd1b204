/*
 * event.h -- the event family's queries for setting an event up (included
 * by db.h; event.c): the event's settings, slots, sessions, sectors and
 * invitation codes.
 *
 * Instants go in and come out as Unix seconds: showing them in the
 * event's time zone is app's business.
 */
#ifndef SUMMIT_DB_EVENT_H
#define SUMMIT_DB_EVENT_H

/* The event's editable settings, checked by app. */
struct db_event_fields {
	const char *name_nb, *name_en, *description_nb, *description_en;
	const char *venue, *timezone;
	gint64 starts_at, ends_at;
	gint64 registration_opens, registration_closes;
	gint64 capacity;
	const char *invitation_mode, *mailbox;
	bool refill_automatically; /* summitd fills freed seats itself */
	const char *sender_name;   /* "" or NULL: [mail] from_name */
};
struct db_session_fields {
	gint64 slot_id;
	const char *code; /* NULL: a made-up one (insert only) */
	const char *title_nb, *title_en, *description_nb, *description_en;
	const char *room;
	gint64 capacity, tables, seats_per_table;
	gint64 sector_share_pct, org_limit;
};
struct db_sector_fields {
	const char *code, *name_nb, *name_en;
	gint64 position;
	const char *colour; /* #rrggbb; NULL: a new sector takes the
			       palette's next, an edit keeps its own */
};

/* The newest event's settings plus "held" (places held), locked FOR
 * UPDATE when lock; starts_at, ends_at, registration_opens and
 * registration_closes in Unix seconds. */
JsonObject *db_event_settings(DbConn *conn, gint64 event_id, bool lock,
    GError **error);
gboolean db_event_update(DbConn *conn, gint64 event_id,
    const struct db_event_fields *e, GError **error);
/* Whether PostgreSQL knows the time zone name (pg_timezone_names). */
gboolean db_timezone_known(DbConn *conn, const char *name, bool *known,
    GError **error);
/* SELECT summit_sync_places(event_id). */
gboolean db_places_sync(DbConn *conn, gint64 event_id, GError **error);

/* Slots (id, starts_at, ends_at in Unix seconds) with "sessions" (how
 * many use each), in time order. */
JsonArray *db_slots(DbConn *conn, gint64 event_id, GError **error);
/* One slot, locked FOR UPDATE. */
JsonObject *db_slot_get(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
/* A slot that overlaps another of the event is DB_ECONFLICT (constraint
 * slot_event_id_starts_at_ends_at_excl). */
gboolean db_slot_insert(DbConn *conn, gint64 event_id, gint64 starts_at,
    gint64 ends_at, gint64 *id, GError **error);
gboolean db_slot_update(DbConn *conn, gint64 event_id, gint64 id,
    gint64 starts_at, gint64 ends_at, GError **error);
gboolean db_slot_delete(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);

/* All sessions of the event, by slot; "used" says whether anything
 * (preferences, placements, invitations) refers to a session. */
JsonArray *db_sessions(DbConn *conn, gint64 event_id, GError **error);
JsonObject *db_session_get(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
gboolean db_session_insert(DbConn *conn, gint64 event_id,
    const struct db_session_fields *s, gint64 *id, GError **error);
gboolean db_session_update(DbConn *conn, gint64 event_id, gint64 id,
    const struct db_session_fields *s, GError **error);
gboolean db_session_set_status(DbConn *conn, gint64 event_id, gint64 id,
    const char *status, GError **error);

/* Sectors with "used" (by a participant or an invitation code). */
JsonArray *db_sectors_used(DbConn *conn, gint64 event_id, GError **error);
JsonObject *db_sector_get(DbConn *conn, gint64 event_id, const char *code,
    GError **error);
gboolean db_sector_insert(DbConn *conn, gint64 event_id,
    const struct db_sector_fields *s, GError **error);
gboolean db_sector_update(DbConn *conn, gint64 event_id,
    const struct db_sector_fields *s, GError **error);
gboolean db_sector_delete(DbConn *conn, gint64 event_id, const char *code,
    GError **error);

/* Inserts the codes in codes_array ('{A,B}' text); *inserted counts the
 * new ones (a code that exists already is skipped). */
gboolean db_codes_insert(DbConn *conn, gint64 event_id, const char *codes_array,
    gint64 max_uses, const char *email, const char *sector, gint64 *inserted,
    GError **error);
/* Codes, newest first (code, max_uses, used, email, sector, created_at
 * in Unix seconds). */
JsonArray *db_codes(DbConn *conn, gint64 event_id, gint64 limit,
    GError **error);
gint64 db_codes_count(DbConn *conn, gint64 event_id, GError **error);
/* "open" or "invitation"; NULL with DB_ENOTFOUND. */
char *db_event_invitation_mode(DbConn *conn, gint64 event_id, GError **error);
/* Uses the code once for email: the row (id, sector) or DB_ENOTFOUND
 * when the code is unknown, used up or bound to another address.  The
 * row stays locked until the transaction ends. */
JsonObject *db_code_consume(DbConn *conn, gint64 event_id, const char *code,
    const char *email, GError **error);
/* The code if it exists for this event and email, used up or not. */
JsonObject *db_code_check(DbConn *conn, gint64 event_id, const char *code,
    const char *email, GError **error);
gboolean db_participant_set_code(DbConn *conn, gint64 participant_id,
    gint64 code_id, GError **error);

/* The API's event (event_id): id, slug, name_nb, name_en, venue,
 * timezone, starts_at, ends_at, registration_opens, registration_closes
 * (Unix seconds), capacity, invitation_mode, places_taken; DB_ENOTFOUND. */
JsonObject *db_api_event(DbConn *conn, gint64 event_id, GError **error);
/* The API's sessions of event_id by time: id, code, title_nb, title_en,
 * room, capacity, status, starts_at, ends_at, placed. */
JsonArray *db_api_sessions(DbConn *conn, gint64 event_id, GError **error);

#endif
