/*
 * speaker.h -- the people on stage (included by db.h; speaker.c):
 * speakers, moderators, panellists and hosts attached to sessions
 * (session_person), and the participant rows made for those who did not
 * register (participant.speaker_only).  Every function takes the event
 * and every statement filters by it.
 */
#ifndef SUMMIT_DB_SPEAKER_H
#define SUMMIT_DB_SPEAKER_H

/* The people of session_id: participant_id, name, email, organisation,
 * status, speaker_only, role, counts_seat, in their order. */
JsonArray *db_speakers_of_session(DbConn *conn, gint64 event_id,
    gint64 session_id, GError **error);
/* Everyone on stage in the event's active sessions, for the programme:
 * session_id, role, name, organisation, counts_seat, shown (confirmed:
 * only they are named), ordered by session and position. */
JsonArray *db_speakers_of_event(DbConn *conn, gint64 event_id, GError **error);
/* The active sessions participant_id is on stage in: session_id,
 * title_nb, title_en, room, role, starts_at, ends_at (seconds), in time
 * order. */
JsonArray *db_speaker_sessions(DbConn *conn, gint64 event_id,
    gint64 participant_id, GError **error);
/* The participant of event_id with that e-mail (any case), or a new
 * speaker-only one (confirmed, no place, the event's first sector) with
 * name, organisation and language: its id in *id and, in *made, whether
 * it is new.  *id 0 when the event has no sector. */
gboolean db_speaker_participant(DbConn *conn, gint64 event_id, const char *name,
    const char *email, const char *organisation, const char *language,
    gint64 *id, bool *made, GError **error);
/* Attaches participant_id to session_id with role and counts_seat, last
 * in the order; an attachment already there gets the new role and flag.
 * Returns the row (role, counts_seat, position). */
JsonObject *db_speaker_attach(DbConn *conn, gint64 event_id, gint64 session_id,
    gint64 participant_id, const char *role, bool counts_seat, GError **error);
/* Removes the attachment; returns the removed row (role, counts_seat),
 * or NULL with DB_ENOTFOUND. */
JsonObject *db_speaker_detach(DbConn *conn, gint64 event_id, gint64 session_id,
    gint64 participant_id, GError **error);
/* Moves the attachment one place earlier (step -1) or later (+1) in the
 * session's order; DB_ENOTFOUND when it is not there. */
gboolean db_speaker_move(DbConn *conn, gint64 event_id, gint64 session_id,
    gint64 participant_id, int step, GError **error);
#endif
