/*
 * allocation.h -- the allocation family's queries for the console's
 * seating (included by db.h; allocation.c): sessions with their limits, who sits where, the counts a manual move
 * is checked against, placements and placement rules (pin, ban), and the
 * figures of an allocation preview.
 *
 * Rows come back as JsonObjects (transfer full); ids are bigint.  Arrays
 * of ids are passed as PostgreSQL array text ("{1,2,3}").
 */
#ifndef SUMMIT_DB_ALLOCATION_H
#define SUMMIT_DB_ALLOCATION_H

/* The event's sessions (session_id 0) or one session, in slot order,
 * with slot times ("starts", "ends": Unix seconds), limits and
 * "sector_limit" (capacity * share / 100);
 * titles in both languages. */
JsonArray *db_seating_sessions(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error);
/* The people placed in a session, by table and name. */
JsonArray *db_seating_people(DbConn *conn, gint64 session_id, GError **error);
/* The counts a placement of participant in session (at table) is
 * checked against, leaving the participant out: placed, same_sector,
 * same_org, at_table, already (placed there now), banned, and the
 * clashing session of the same slot other than from_session (clash_id 0
 * if none).  DB_ENOTFOUND if the
 * participant is not in the event. */
JsonObject *db_seating_check(DbConn *conn, gint64 event_id,
    gint64 participant_id, gint64 session_id, gint64 from_session,
    gint64 table_no, GError **error);
/* The least filled table of a session (1..tables). */
gint64 db_seating_free_table(DbConn *conn, gint64 session_id, gint64 tables,
    GError **error);
/* One placement, locked; DB_ENOTFOUND if there is none. */
JsonObject *db_seating_assignment_lock(DbConn *conn, gint64 event_id,
    gint64 participant_id, gint64 session_id, GError **error);
gboolean db_seating_assignment_pin(DbConn *conn, gint64 participant_id,
    gint64 session_id, bool pinned, GError **error);
/* Sets the rule (kind "pin" or "ban") for participant and session,
 * replacing any other; rule_delete removes it if it is of kind. */
gboolean db_seating_rule_put(DbConn *conn, gint64 event_id,
    gint64 participant_id, gint64 session_id, const char *kind, GError **error);
gboolean db_seating_rule_delete(DbConn *conn, gint64 participant_id,
    gint64 session_id, const char *kind, GError **error);
/* Preview: the event's confirmed participants as two parallel array
 * texts, "ids" ("{1,2}") and "sectors" ("{business,union}"), by id. */
JsonObject *db_seating_confirmed(DbConn *conn, gint64 event_id, GError **error);
/* Preview: of the participants in unplaced (an id array text), those
 * confirmed with a ranked, non-banned session (or a pin), by name, at
 * most limit, each with "total" (how many there are in all). */
JsonArray *db_seating_nowhere(DbConn *conn, gint64 event_id,
    const char *unplaced, gint64 limit, GError **error);
/* The current placements: "placed", "published", "pinned". */
JsonObject *db_seating_current(DbConn *conn, gint64 event_id, GError **error);

/* Refill (app/refill.c): streams (participant_id, session_id) for the
 * other sessions of every slot in which a participant declined. */
gboolean db_refill_declined(DbConn *conn, gint64 event_id, DbRowFunc fn,
    gpointer user, GError **error);
/* Whether freed seats wait to be filled: "automatic" (the event's
 * refill_automatically), "published" (any placement published),
 * "free_seats" (free seats that someone eligible ranked) and "waiting"
 * (the people who could take one). */
JsonObject *db_refill_state(DbConn *conn, gint64 event_id, GError **error);
/* Only "automatic" and "published": one row, no counting. */
JsonObject *db_refill_flags(DbConn *conn, gint64 event_id, GError **error);
/* id, name, organisation of the participants in ids ("{1,2}"), by id. */
JsonArray *db_refill_people(DbConn *conn, gint64 event_id, const char *ids,
    GError **error);

/* The API's placements (struct db_api_page: session_id), by (session,
 * participant) after after[]: session_id, participant_id, table_no,
 * published. */
JsonArray *db_api_placements(DbConn *conn, const struct db_api_page *pg,
    GError **error);

#endif
