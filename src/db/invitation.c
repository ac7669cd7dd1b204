/*
 * invitation.c -- publishing placements as invitations, and the sessions
 * behind calendar feeds and downloads.
 *
 * Publishing is set-based: two statements compare every placement with
 * the invitation last sent for it and queue exactly the messages needed,
 * so 30,000 invitations cost two round trips, not 30,000.
 */
#include "db/internal.h"

gboolean
db_publish(DbConn *conn, gint64 event_id, gint64 *invites, gint64 *updates,
    gint64 *cancels, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };
	g_autoptr(JsonArray) gone = NULL, sent = NULL;
	guint i;

	*invites = *updates = *cancels = 0;
	gone = db_exec(conn, STMT_PUBLISH_CANCELS, 1, p, error);
	if (gone == NULL)
		return FALSE;
	*cancels = json_array_get_length(gone);
	sent = db_exec(conn, STMT_PUBLISH_REQUESTS, 1, p, error);
	if (sent == NULL)
		return FALSE;
	for (i = 0; i < json_array_get_length(sent); i++) {
		const char *kind = db_str(json_array_get_object_element(sent, i),
		    "kind");

		if (g_strcmp0(kind, "invite") == 0)
			(*invites)++;
		else
			(*updates)++;
	}
	return db_exec_noresult(conn, STMT_PUBLISH_MARK, 1, p, error);
}

JsonArray *
db_feed_sessions(DbConn *conn, gint64 participant_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec(conn, STMT_FEED_SESSIONS, 1, p, error);
}

JsonArray *
db_programme_sessions(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, STMT_PROGRAMME_SESSIONS, 1, p, error);
}

JsonObject *
db_participant_by_email_any(DbConn *conn, const char *email, GError **error)
{
	const char *p[1] = { email };

	return db_exec_one(conn, STMT_PARTICIPANT_BY_EMAIL_ANY, 1, p, error);
}

JsonArray *
db_invitation_preview(DbConn *conn, gint64 participant_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec(conn, STMT_INVITATION_PREVIEW, 1, p, error);
}

char *
db_session_payload(DbConn *conn, gint64 session_id, gint64 sequence,
    const char *method, GError **error)
{
	char sid[24], seq[24];
	const char *p[3] = { db_num(sid, session_id), db_num(seq, sequence),
	    method };
	g_autoptr(JsonObject) row = db_exec_one(conn, STMT_SESSION_PAYLOAD, 3,
	    p, error);

	if (row == NULL)
		return NULL;
	if (db_str(row, "payload") == NULL) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_ENOTFOUND,
		    "no such session");
		return NULL;
	}
	return g_strdup(db_str(row, "payload"));
}
