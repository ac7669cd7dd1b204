/*
 * answer.h -- the answer family (answer.c, included by db.h): what
 * participants answered to their invitations, the invitation an answer
 * is checked against, a participant's programme with their answers, and
 * the counts organisers see.
 *
 * Rows come back as JsonObjects (transfer full); times as Unix seconds.
 */
#ifndef SUMMIT_DB_ANSWER_H
#define SUMMIT_DB_ANSWER_H

/* The invitation of participant to session, locked for the rest of the
 * transaction: event_id, sequence, state, participant_status,
 * session_status.  DB_ENOTFOUND when none was ever sent. */
JsonObject *db_invitation_lock(DbConn *conn, gint64 participant_id,
    gint64 session_id, GError **error);
/* Adds one answer (partstat and source as the schema spells them,
 * answered_at in Unix seconds). */
gboolean db_answer_insert(DbConn *conn, gint64 participant_id,
    gint64 session_id, const char *partstat, const char *source,
    gint64 sequence, gint64 answered_at, GError **error);
/* The event's active sessions in slot order for one participant: id,
 * title_nb, title_en, room, starts_at, ends_at, timezone, state ("" when
 * never invited), sequence, table_no (0 when not placed), answer
 * (summit_invitation_answer, "" for none) and published (has the event
 * published anything yet). */
JsonArray *db_answer_programme(DbConn *conn, gint64 participant_id,
    GError **error);
/* Every answer of a participant, newest first: session_id, title_nb,
 * title_en, partstat, source, sequence, answered_at, timezone. */
JsonArray *db_answer_history(DbConn *conn, gint64 participant_id,
    GError **error);
/* A session's invitations by their answer now: invited, accepted,
 * tentative, declined, no_answer. */
JsonObject *db_answer_counts(DbConn *conn, gint64 session_id, GError **error);

/* The API's replies: every invitation sent (struct db_api_page:
 * session_id), by (session, participant) after after[]: session_id,
 * participant_id, state, sequence, answer (summit_invitation_answer, ""
 * for none), answered_at (Unix seconds of the answer that counts, or
 * null). */
JsonArray *db_api_replies(DbConn *conn, const struct db_api_page *pg,
    GError **error);

#endif
