/*
 * substitute.h -- hand-overs of a place to a colleague (included by
 * db.h; substitute.c): the colleague's pending registration that names
 * the place it would take (participant.substitute_for, sql/025), the
 * hand-over itself, and the event's setting substitute_approval.  Every
 * function takes the event and every statement checks it.
 */
#ifndef SUMMIT_DB_SUBSTITUTE_H
#define SUMMIT_DB_SUBSTITUTE_H

/* What the offer stores for the colleague. */
struct db_substitute_new {
	gint64 event_id;
	gint64 from_id; /* the confirmed participant handing over */
	const char *name, *email, *organisation, *sector, *language;
	int hold_hours; /* until the colleague's confirmation lapses */
};

/*
 * Stores the colleague pending, with from_id's ranking, when from_id is
 * a confirmed participant of the event: the new row's id, event_id,
 * name, email and language.  DB_ENOTFOUND when from_id is not
 * confirmed; DB_ECONFLICT (participant_event_id_email_key) for an
 * e-mail the event already has, (participant_substitute_for_status_key) for a
 * second open hand-over.
 */
JsonObject *db_substitute_offer(DbConn *conn, const struct db_substitute_new *n,
    GError **error);
/* The open (pending) hand-over of from_id's place: id, name, email,
 * organisation, email_confirmed; DB_ENOTFOUND when there is none. */
JsonObject *db_substitute_open(DbConn *conn, gint64 event_id, gint64 from_id,
    GError **error);
/*
 * The pending colleague id (with lock, locked with the person whose
 * place it would take): id, name, email, language, substitute_for,
 * email_confirmed, from_status, from_name, from_email, from_language,
 * approval (the event's setting).  DB_ENOTFOUND when id is no open
 * hand-over of the event.
 */
JsonObject *db_substitute_of(DbConn *conn, gint64 event_id, gint64 id,
    bool lock, GError **error);
/* The colleague confirmed their address and waits for an organiser:
 * the hold lasts until the event's end. */
gboolean db_substitute_await(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
/*
 * The hand-over: from_id's place, placements (tables kept) and pins or
 * bans pass to id, id becomes confirmed (its check-in code is issued by
 * the database), from_id becomes substituted and its live check-in code
 * is revoked.  *placements: how many placements moved.
 */
gboolean db_substitute_complete(DbConn *conn, gint64 event_id, gint64 id,
    gint64 from_id, gint64 *placements, GError **error);
/* Deletes the open hand-over of from_id (id 0) or the open hand-over
 * id (from_id 0) with its tokens: the deleted row's id, name, email,
 * language, substitute_for; DB_ENOTFOUND when there was none. */
JsonObject *db_substitute_drop(DbConn *conn, gint64 event_id, gint64 from_id,
    gint64 id, GError **error);
/* The event's hand-overs, newest first: id, name, email, organisation,
 * status, email_confirmed, from_id, from_name, from_email, created
 * (seconds). */
JsonArray *db_substitute_list(DbConn *conn, gint64 event_id, GError **error);
/* The event's setting substitute_approval (a JSON row: approval). */
JsonObject *db_substitute_settings(DbConn *conn, gint64 event_id,
    GError **error);
gboolean db_substitute_settings_set(DbConn *conn, gint64 event_id,
    bool approval, GError **error);

#endif
