/*
 * invitation.c -- publishing placements as invitations, and the sessions
 * behind calendar feeds and downloads.
 *
 * Publishing is set-based: two statements compare every placement with
 * the invitation last sent for it and queue exactly the messages needed,
 * so 30,000 invitations cost two round trips, not 30,000.
 */
#include "db/internal.h"

/* Cancellations: what a participant was invited to and no longer
 * holds (placement removed, registration or session cancelled); all of
 * the event's, or only participant $2's in session $3 (every session
 * with $3 NULL: a place handed over). */
static const char *const SQL_PUBLISH_CANCELS =
    "WITH gone AS (UPDATE invitation i SET sequence = i.sequence + 1,"
    " state = 'cancelled', sent_at = now()"
    " WHERE i.event_id = $1 AND i.state = 'invited'"
    " AND ($2::bigint IS NULL OR (i.participant_id = $2"
    "  AND ($3::bigint IS NULL OR i.session_id = $3))) AND NOT EXISTS ("
    "  SELECT 1 FROM assignment a"
    "  JOIN participant p ON p.id = a.participant_id"
    "  JOIN session s ON s.id = a.session_id"
    "  WHERE a.participant_id = i.participant_id"
    "  AND a.session_id = i.session_id AND p.status = 'confirmed'"
    "  AND s.status = 'active') AND NOT EXISTS ("
    "  SELECT 1 FROM session_person sp"
    "  JOIN participant p ON p.id = sp.participant_id"
    "  JOIN session s ON s.id = sp.session_id"
    "  WHERE sp.participant_id = i.participant_id"
    "  AND sp.session_id = i.session_id AND p.status = 'confirmed'"
    "  AND s.status = 'active')"
    " RETURNING i.participant_id, i.session_id, i.sequence)"
    " INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload)"
    " SELECT $1, g.participant_id, 'invite_cancel', p.email, p.name,"
    " p.language, summit_invitation_payload(g.session_id, g.sequence,"
    " 'CANCEL') FROM gone g JOIN participant p ON p.id = g.participant_id"
    " ORDER BY g.participant_id, g.session_id RETURNING id";
/* Invitations and updates: placements and people on stage
 * (session_person, who hold no placement) never sent, sent and since
 * cancelled, or whose session changed since it was sent; all of the
 * event's, or only participant $2's published ones (a place handed
 * over: what the organisers published, and nothing they have not). */
static const char *const SQL_PUBLISH_REQUESTS =
    "WITH held AS (SELECT participant_id, session_id, published"
    " FROM assignment WHERE event_id = $1 UNION SELECT participant_id,"
    " session_id, true FROM session_person WHERE event_id = $1),"
    " cur AS (SELECT a.participant_id, a.session_id,"
    " summit_session_fingerprint(s, sl) AS fp FROM held a"
    " JOIN participant p ON p.id = a.participant_id"
    " JOIN session s ON s.id = a.session_id"
    " JOIN slot sl ON sl.id = s.slot_id"
    " WHERE p.status = 'confirmed' AND s.status = 'active'"
    " AND ($2::bigint IS NULL OR (a.participant_id = $2"
    "  AND a.published))),"
    " up AS (INSERT INTO invitation AS i (event_id, participant_id,"
    " session_id, sequence, state, fingerprint)"
    " SELECT $1, participant_id, session_id, 0, 'invited', fp FROM cur"
    " ON CONFLICT (participant_id, session_id) DO UPDATE SET"
    " sequence = i.sequence + 1, state = 'invited',"
    " fingerprint = excluded.fingerprint, sent_at = now()"
    " WHERE i.state <> 'invited' OR i.fingerprint <> excluded.fingerprint"
    " RETURNING i.participant_id, i.session_id, i.sequence,"
    " i.xmax::text = '0' AS fresh)"
    " INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload, link_nonce)"
    " SELECT $1, up.participant_id,"
    " CASE WHEN up.fresh THEN 'invite' ELSE 'invite_update' END,"
    " p.email, p.name, p.language,"
    " summit_invitation_payload(up.session_id, up.sequence, 'REQUEST')"
    " || coalesce((SELECT jsonb_build_object('stage_role', sp.role)"
    "  FROM session_person sp WHERE sp.session_id = up.session_id"
    "  AND sp.participant_id = up.participant_id), '{}'),"
    " replace(gen_random_uuid()::text, '-', '')"
    " FROM up JOIN participant p ON p.id = up.participant_id"
    " ORDER BY up.participant_id, up.session_id"
    " RETURNING kind";
static const char *const SQL_PUBLISH_MARK =
    "UPDATE assignment SET published = true WHERE event_id = $1"
    " AND NOT published";
static const char *const SQL_PARTICIPANT_BY_EMAIL_ANY =
    "SELECT id, event_id, name, email, language, status FROM participant"
    " WHERE lower(email) = lower($1) ORDER BY id DESC LIMIT 1";
/*
 * A participant's feed and download: the sessions whose invitations stand
 * now (sent and not cancelled, the registration and the session not
 * cancelled since), with the SEQUENCE last sent for each.
 */
static const char *const SQL_FEED_SESSIONS =
    "SELECT s.id, s.uid, s.title_nb, s.title_en, s.description_nb,"
    " s.description_en, s.room, e.venue, e.timezone,"
    " summit_session_people(s.id)::text AS people, i.sequence,"
    " to_char(sl.starts_at AT TIME ZONE 'UTC',"
    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS starts_utc,"
    " to_char(sl.ends_at AT TIME ZONE 'UTC',"
    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS ends_utc"
    " FROM invitation i JOIN participant p ON p.id = i.participant_id"
    " JOIN session s ON s.id = i.session_id"
    " JOIN slot sl ON sl.id = s.slot_id JOIN event e ON e.id = s.event_id"
    " WHERE i.participant_id = $1 AND i.state = 'invited'"
    " AND p.status = 'confirmed' AND s.status = 'active'"
    " ORDER BY sl.starts_at, s.id";
/*
 * When that feed last changed, removals included: the registration, any
 * invitation sent (a cancellation too), any session invited to (one
 * cancelled too), whichever is newest.
 */
static const char *const SQL_FEED_CHANGED =
    "SELECT extract(epoch FROM greatest(p.updated_at, max(i.sent_at),"
    " max(s.updated_at)))::bigint AS changed"
    " FROM participant p LEFT JOIN invitation i ON i.participant_id = p.id"
    " LEFT JOIN session s ON s.id = i.session_id"
    " WHERE p.id = $1 GROUP BY p.id";
/* The public programme; SEQUENCE is the session's own change counter. */
static const char *const SQL_PROGRAMME_SESSIONS =
    "SELECT s.id, s.uid, s.title_nb, s.title_en, s.description_nb,"
    " s.description_en, s.room, e.venue, e.timezone,"
    " summit_session_people(s.id)::text AS people, s.sequence,"
    " to_char(sl.starts_at AT TIME ZONE 'UTC',"
    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS starts_utc,"
    " to_char(sl.ends_at AT TIME ZONE 'UTC',"
    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS ends_utc"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " JOIN event e ON e.id = s.event_id"
    " WHERE s.event_id = $1 AND s.status = 'active'"
    " ORDER BY sl.starts_at, s.id";
/* When the programme last changed: cancelled sessions count (removals). */
static const char *const SQL_PROGRAMME_CHANGED =
    "SELECT extract(epoch FROM coalesce(max(s.updated_at), now()))::bigint"
    " AS changed FROM session s WHERE s.event_id = $1";
/* One participant's placements with their invitation state, for
 * `summitctl ics`. */
static const char *const SQL_INVITATION_PREVIEW =
    "SELECT s.id AS session_id, coalesce(i.sequence, -1) AS sequence,"
    " coalesce(i.state, '') AS state, (a.session_id IS NOT NULL)"
    " AS placed FROM session s"
    " LEFT JOIN assignment a ON a.session_id = s.id"
    "  AND a.participant_id = $1"
    " LEFT JOIN invitation i ON i.session_id = s.id"
    "  AND i.participant_id = $1"
    " WHERE a.session_id IS NOT NULL OR i.session_id IS NOT NULL"
    " ORDER BY s.id";
static const char *const SQL_SESSION_PAYLOAD =
    "SELECT summit_invitation_payload($1, $2, $3)::text AS payload";

gboolean
db_publish_cancels(DbConn *conn, gint64 event_id, gint64 participant_id,
    gint64 session_id, gint64 *cancels, GError **error)
{
	char ev[24], pid[24], sid[24];
	const char *p[3] = { db_num(ev, event_id),
		participant_id > 0 ? db_num(pid, participant_id) : NULL,
		session_id > 0 ? db_num(sid, session_id) : NULL };
	g_autoptr(JsonArray) gone = db_exec(conn, SQL_PUBLISH_CANCELS, 3, p,
	    error);

	if (gone == NULL)
		return FALSE;
	*cancels = json_array_get_length(gone);
	return TRUE;
}

/* SQL_PUBLISH_REQUESTS for the event, or only participant_id's
 * published placements; counts new invitations and updates. */
static gboolean
publish_requests(DbConn *conn, gint64 event_id, gint64 participant_id,
    gint64 *invites, gint64 *updates, GError **error)
{
	char ev[24], pid[24];
	const char *p[2] = { db_num(ev, event_id),
		participant_id > 0 ? db_num(pid, participant_id) : NULL };
	g_autoptr(JsonArray) sent = db_exec(conn, SQL_PUBLISH_REQUESTS, 2, p,
	    error);
	guint i;

	if (sent == NULL)
		return FALSE;
	for (i = 0; i < json_array_get_length(sent); i++) {
		const char *kind = db_str(
		    json_array_get_object_element(sent, i), "kind");

		if (g_strcmp0(kind, "invite") == 0)
			(*invites)++;
		else
			(*updates)++;
	}
	return TRUE;
}

gboolean
db_publish(DbConn *conn, gint64 event_id, gint64 *invites, gint64 *updates,
    gint64 *cancels, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	*invites = *updates = *cancels = 0;
	return db_publish_cancels(conn, event_id, 0, 0, cancels, error) &&
	    publish_requests(conn, event_id, 0, invites, updates, error) &&
	    db_exec_noresult(conn, SQL_PUBLISH_MARK, 1, p, error);
}

gboolean
db_publish_handover(DbConn *conn, gint64 event_id, gint64 from_id, gint64 to_id,
    gint64 *invites, gint64 *cancels, GError **error)
{
	gint64 updates = 0;

	*invites = *cancels = 0;
	if (!db_publish_cancels(conn, event_id, from_id, 0, cancels, error) ||
	    !publish_requests(conn, event_id, to_id, invites, &updates, error))
		return FALSE;
	*invites += updates; /* a fresh registration: none are updates */
	return TRUE;
}

JsonArray *
db_feed_sessions(DbConn *conn, gint64 participant_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec(conn, SQL_FEED_SESSIONS, 1, p, error);
}

static gint64
changed(DbConn *conn, const char *sql, gint64 id, GError **error)
{
	char num[24];
	const char *p[1] = { db_num(num, id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, sql, 1, p, error);

	return row != NULL ? db_int(row, "changed") : -1;
}

gint64
db_feed_changed(DbConn *conn, gint64 participant_id, GError **error)
{
	return changed(conn, SQL_FEED_CHANGED, participant_id, error);
}

gint64
db_programme_changed(DbConn *conn, gint64 event_id, GError **error)
{
	return changed(conn, SQL_PROGRAMME_CHANGED, event_id, error);
}

JsonArray *
db_programme_sessions(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_PROGRAMME_SESSIONS, 1, p, error);
}

JsonObject *
db_participant_by_email_any(DbConn *conn, const char *email, GError **error)
{
	const char *p[1] = { email };

	return db_exec_one(conn, SQL_PARTICIPANT_BY_EMAIL_ANY, 1, p, error);
}

JsonArray *
db_invitation_preview(DbConn *conn, gint64 participant_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec(conn, SQL_INVITATION_PREVIEW, 1, p, error);
}

char *
db_session_payload(DbConn *conn, gint64 session_id, gint64 sequence,
    const char *method, GError **error)
{
	char sid[24], seq[24];
	const char *p[3] = { db_num(sid, session_id), db_num(seq, sequence),
		method };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_SESSION_PAYLOAD, 3, p,
	    error);

	if (row == NULL)
		return NULL;
	if (db_str(row, "payload") == NULL) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_ENOTFOUND,
		    "no such session");
		return NULL;
	}
	return g_strdup(db_str(row, "payload"));
}
