/*
 * door.h -- the door's table family (included by db.h; door.c):
 * check-in codes (checkin_code), arrivals at the event
 * (participant.checked_in_at and checked_in_door) and at sessions
 * (session_attendance), and the counts the door's pages show.
 */
#ifndef SUMMIT_DB_DOOR_H
#define SUMMIT_DB_DOOR_H

/* A participant's status and live check-in code: status, code and
 * short_code (both null when they have no live code).  DB_ENOTFOUND
 * for no such participant. */
JsonObject *db_checkin_code_of(DbConn *conn, gint64 participant_id,
    GError **error);
/* Stores code as the participant's live code.  *stored is false, and
 * nothing changed, when they already have one or the code or its short
 * form is taken (a new random code is the answer to that). */
gboolean db_checkin_code_insert(DbConn *conn, gint64 participant_id,
    const char *code, bool *stored, GError **error);
/* Revokes the participant's live code; *revoked says whether there was
 * one. */
gboolean db_checkin_code_revoke(DbConn *conn, gint64 participant_id,
    bool *revoked, GError **error);
/* Ids (id) of the confirmed participants of event_id without a live
 * code. */
JsonArray *db_checkin_code_missing(DbConn *conn, gint64 event_id,
    GError **error);

/* The check-in code's participant (participant_id) and whether the code
 * is revoked (revoked); code is a full code or a short form, normalised.
 * DB_ENOTFOUND for an unknown code. */
JsonObject *db_door_code_find(DbConn *conn, const char *code, GError **error);
/* What the desk shows of a participant: id, event_id, name,
 * organisation, sector_nb, sector_en, status, current (of the current
 * event), checked_in_at (seconds or null), checked_in_door, timezone,
 * event_starts, event_ends (seconds).  DB_ENOTFOUND if none. */
JsonObject *db_door_person(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error);
/* The participant's active sessions with a seat: session_id, title_nb,
 * title_en, room, table_no, has_table, starts_at, ends_at (seconds), in
 * time order. */
JsonArray *db_door_sessions_of(DbConn *conn, gint64 participant_id,
    GError **error);
/* One active session of event event_id: id, title_nb, title_en,
 * room, starts_at, ends_at (seconds).  DB_ENOTFOUND if none. */
JsonObject *db_door_session(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error);
/*
 * Checks the participant in at door, if not in yet: *first is true for
 * the one statement that did it.  Either way out gets at (seconds) and
 * door of the check-in that stands (transfer full).  session_id > 0 does
 * the same for that session's attendance.
 */
gboolean db_door_check_in(DbConn *conn, gint64 participant_id,
    gint64 session_id, const char *door, bool *first, JsonObject **out,
    GError **error);
/* Undoes a check-in (session_id 0: at the event); *undone: there was
 * one. */
gboolean db_door_undo(DbConn *conn, gint64 participant_id, gint64 session_id,
    bool *undone, GError **error);
/* Up to limit participants of event event_id whose name, e-mail or
 * organisation holds q (any case): id, name, organisation, status,
 * checked_in; by name. */
JsonArray *db_door_search(DbConn *conn, gint64 event_id, const char *q,
    gint64 limit, GError **error);
/* Event event_id's figures: id, timezone, starts_at (seconds),
 * started, walk_ins, expected (confirmed), arrived (checked in). */
JsonObject *db_door_event_counts(DbConn *conn, gint64 event_id, GError **error);
/* Its active sessions: id, code, title_nb, title_en, room, starts_at,
 * ends_at (seconds), started, expected (confirmed people placed), arrived
 * (attendance); in time order. */
JsonArray *db_door_session_counts(DbConn *conn, gint64 event_id,
    GError **error);
/* Who was expected and has not come: confirmed people of the current
 * event not checked in (session_id 0), or placed in the session and not
 * in its attendance: id, name, organisation, sector, table_no (null for
 * the event); by name. */
JsonArray *db_door_no_shows(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error);
/* Whether event event_id takes walk-ins (walk_ins), its id;
 * lock takes the event row FOR SHARE (a walk-in against a change of the
 * setting).  DB_ENOTFOUND before there is an event. */
JsonObject *db_door_walk_ins(DbConn *conn, gint64 event_id, bool lock,
    GError **error);
/* Sets event event_id's walk_ins; *was gets the old value. */
gboolean db_door_walk_ins_set(DbConn *conn, gint64 event_id, bool on, bool *was,
    GError **error);
/* A walk-in: a confirmed participant of event_id, checked in now at
 * door; *id gets them.  The e-mail's unique index may refuse
 * (participant_event_id_email_key). */
gboolean db_door_walk_in(DbConn *conn, gint64 event_id, const char *name,
    const char *email, const char *organisation, const char *sector,
    const char *language, const char *door, gint64 *id, GError **error);

#endif
