/*
 * event.h -- the event family's queries for setting an event up (included
 * by db.h; event.c): the event's settings, slots, sessions, sectors and
 * invitation codes.
 *
 * Date-times go in and come out as local "YYYY-MM-DDTHH:MM" in the
 * event's time zone; numbers go in as decimal text.
 */
#ifndef SUMMIT_DB_EVENT_H
#define SUMMIT_DB_EVENT_H

/* The event's editable settings (all text, already checked). */
struct db_setup_event {
	const char	*name_nb, *name_en, *description_nb, *description_en;
	const char	*venue, *timezone, *starts_at, *ends_at;
	const char	*registration_opens, *registration_closes;
	const char	*capacity, *invitation_mode, *mailbox;
};
struct db_setup_session {
	const char	*slot_id, *code, *title_nb, *title_en;
	const char	*description_nb, *description_en, *room;
	const char	*capacity, *tables, *seats_per_table;
	const char	*sector_share_pct, *org_limit;
};
struct db_setup_sector {
	const char	*code, *name_nb, *name_en, *position;
};

/* The newest event's settings plus "held" (places held), locked FOR
 * UPDATE when lock. */
JsonObject *db_event_settings(DbConn *conn, bool lock, GError **error);
gboolean db_event_update(DbConn *conn, gint64 event_id,
    const struct db_setup_event *e, GError **error);
/* Whether PostgreSQL knows the time zone name (pg_timezone_names). */
gboolean db_timezone_known(DbConn *conn, const char *name, bool *known,
    GError **error);
/* SELECT summit_sync_places(event_id). */
gboolean db_places_sync(DbConn *conn, gint64 event_id, GError **error);

/* Slots with "sessions" (how many use each), in time order. */
JsonArray *db_slots(DbConn *conn, gint64 event_id, GError **error);
JsonObject *db_slot_get(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
gboolean db_slot_insert(DbConn *conn, gint64 event_id,
    const char *starts_at, const char *ends_at, gint64 *id, GError **error);
gboolean db_slot_update(DbConn *conn, gint64 event_id, gint64 id,
    const char *starts_at, const char *ends_at, GError **error);
gboolean db_slot_delete(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);

/* All sessions of the event, by slot; "used" says whether anything
 * (preferences, placements, invitations) refers to a session. */
JsonArray *db_sessions(DbConn *conn, gint64 event_id, GError **error);
JsonObject *db_session_get(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
gboolean db_session_insert(DbConn *conn, gint64 event_id,
    const struct db_setup_session *s, gint64 *id, GError **error);
gboolean db_session_update(DbConn *conn, gint64 event_id, gint64 id,
    const struct db_setup_session *s, GError **error);
gboolean db_session_set_status(DbConn *conn, gint64 event_id,
    gint64 id, const char *status, GError **error);

/* Sectors with "used" (by a participant or an invitation code). */
JsonArray *db_sectors_used(DbConn *conn, gint64 event_id, GError **error);
JsonObject *db_sector_get(DbConn *conn, gint64 event_id,
    const char *code, GError **error);
gboolean db_sector_insert(DbConn *conn, gint64 event_id,
    const struct db_setup_sector *s, GError **error);
gboolean db_sector_update(DbConn *conn, gint64 event_id,
    const struct db_setup_sector *s, GError **error);
gboolean db_sector_delete(DbConn *conn, gint64 event_id,
    const char *code, GError **error);

/* Inserts the codes in codes_array ('{A,B}' text); *inserted counts the
 * new ones (a code that exists already is skipped). */
gboolean db_codes_insert(DbConn *conn, gint64 event_id,
    const char *codes_array, gint64 max_uses, const char *email,
    const char *sector, gint64 *inserted, GError **error);
/* Codes, newest first (code, max_uses, used, email, sector, created). */
JsonArray *db_codes(DbConn *conn, gint64 event_id, gint64 limit,
    GError **error);
gint64 db_codes_count(DbConn *conn, gint64 event_id, GError **error);
/* "open" or "invitation"; NULL with DB_ENOTFOUND. */
char *db_event_invitation_mode(DbConn *conn, gint64 event_id,
    GError **error);
/* Uses the code once for email: the row (id, sector) or DB_ENOTFOUND
 * when the code is unknown, used up or bound to another address.  The
 * row stays locked until the transaction ends. */
JsonObject *db_code_consume(DbConn *conn, gint64 event_id,
    const char *code, const char *email, GError **error);
/* The code if it exists for this event and email, used up or not. */
JsonObject *db_code_check(DbConn *conn, gint64 event_id,
    const char *code, const char *email, GError **error);
gboolean db_participant_set_code(DbConn *conn, gint64 participant_id,
    gint64 code_id, GError **error);

#endif
