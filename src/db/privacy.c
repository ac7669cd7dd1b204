/*
 * privacy.c -- what the privacy promises read and write: one person's
 * data from every table that holds some (their page and its JSON
 * download), what the retention job would erase (its dry run), the
 * addresses of their last mails erased once sent, and the event's
 * privacy settings (retention_months, controller: sql/027).
 *
 * The erasure itself is db_reg_erase (participant.c), whichever path
 * asks for it.
 */
#include "db/internal.h"

#define PRIV_DUE \
	"summit_erase_after(e.ends_at, e.retention_months, $1::int) < now()"

/*
 * Everything held about participant $1, as one JSON document: the
 * registration row with every column (but search, a lower-case copy of
 * name, e-mail and organisation for the console's search), then each
 * table that points to them.  Times are ISO 8601 as PostgreSQL writes
 * them; app formats them for the page.
 */
/* clang-format off */
static const char *const SQL_PRIV_EXPORT =
    "SELECT jsonb_build_object("
    " 'registration', to_jsonb(p) - 'search',"
    " 'event', jsonb_build_object('slug', e.slug, 'name_nb', e.name_nb,"
    "  'name_en', e.name_en),"
    " 'preferences', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'rank', pr.rank, 'session', s.code, 'title_nb', s.title_nb,"
    "  'title_en', s.title_en) ORDER BY pr.rank) FROM preference pr"
    "  JOIN session s ON s.id = pr.session_id"
    "  WHERE pr.participant_id = p.id), '[]'),"
    " 'placements', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'session', s.code, 'title_nb', s.title_nb, 'title_en', s.title_en,"
    "  'table_no', a.table_no, 'pinned', a.pinned,"
    "  'published', a.published) ORDER BY sl.starts_at, s.id)"
    "  FROM assignment a JOIN session s ON s.id = a.session_id"
    "  JOIN slot sl ON sl.id = s.slot_id"
    "  WHERE a.participant_id = p.id), '[]'),"
    " 'invitations', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'session', s.code, 'sequence', i.sequence, 'state', i.state,"
    "  'sent_at', i.sent_at) ORDER BY i.session_id) FROM invitation i"
    "  JOIN session s ON s.id = i.session_id"
    "  WHERE i.participant_id = p.id), '[]'),"
    " 'answers', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'session', s.code, 'answer', an.partstat, 'source', an.source,"
    "  'sequence', an.sequence, 'answered_at', an.answered_at)"
    "  ORDER BY an.id) FROM answer an JOIN session s ON s.id = an.session_id"
    "  WHERE an.participant_id = p.id), '[]'),"
    " 'mails', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'kind', o.kind, 'recipient', o.recipient, 'state', o.state,"
    "  'created_at', o.created_at, 'sent_at', o.sent_at) ORDER BY o.id)"
    "  FROM outbox o WHERE o.participant_id = p.id), '[]'),"
    " 'check_ins', coalesce((SELECT jsonb_agg(c ORDER BY c->>'at') FROM ("
    "  SELECT jsonb_build_object('where', 'event', 'at', p.checked_in_at,"
    "   'door', coalesce(p.checked_in_door, '')) AS c"
    "   WHERE p.checked_in_at IS NOT NULL"
    "  UNION ALL SELECT jsonb_build_object('where', s.code, 'at', sa.at,"
    "   'door', sa.door) FROM session_attendance sa"
    "   JOIN session s ON s.id = sa.session_id"
    "   WHERE sa.participant_id = p.id) x), '[]'),"
    " 'checkin_codes', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'code', k.code, 'short_code', k.short_code,"
    "  'issued_at', k.issued_at, 'revoked_at', k.revoked_at)"
    "  ORDER BY k.issued_at) FROM checkin_code k"
    "  WHERE k.participant_id = p.id), '[]'),"
    " 'reminders', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'days_before', r.days_before, 'at', r.claimed_at)"
    "  ORDER BY r.days_before DESC) FROM reminder_sent r"
    "  WHERE r.participant_id = p.id), '[]'),"
    " 'bounces', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'address', b.address, 'status', b.status,"
    "  'diagnostic', b.diagnostic, 'at', b.bounced_at) ORDER BY b.id)"
    "  FROM mail_bounce b WHERE b.participant_id = p.id), '[]'),"
    " 'calendar_replies', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'method', m.method, 'answer', m.partstat, 'sequence', m.sequence,"
    "  'outcome', m.outcome) ORDER BY m.id) FROM mail_reply m"
    "  WHERE m.participant_id = p.id), '[]'),"
    " 'invitation', (SELECT jsonb_build_object('name', iv.name,"
    "  'email', iv.email, 'organisation', iv.organisation,"
    "  'invited_at', iv.created_at, 'visited_at', iv.visited_at)"
    "  FROM invitee iv WHERE iv.participant_id = p.id LIMIT 1)"
    ")::text AS doc, e.timezone"
    " FROM participant p JOIN event e ON e.id = p.event_id"
    " WHERE p.id = $1 AND p.event_id = $2";
/* The dry run: who the retention job would erase now, and when each
 * event's period ended. */
static const char *const SQL_PRIV_DUE =
    "SELECT p.id, e.slug, 'participant' AS what,"
    " " DB_EPOCH("summit_erase_after(e.ends_at, e.retention_months,"
    "  $1::int)") " AS due_at"
    " FROM participant p JOIN event e ON e.id = p.event_id"
    " WHERE " PRIV_DUE " AND p.erased_at IS NULL"
    " UNION ALL SELECT i.id, e.slug, 'invitee',"
    " " DB_EPOCH("summit_erase_after(e.ends_at, e.retention_months,"
    "  $1::int)")
    " FROM invitee i JOIN event e ON e.id = i.event_id WHERE " PRIV_DUE
    " ORDER BY 2, 3 DESC, 1";
/* The event's privacy settings and what the statement says from the
 * rest of its set-up. */
static const char *const SQL_PRIV_SETTINGS =
    "SELECT e.id, e.slug, e.name_nb, e.name_en, e.mailbox, e.controller,"
    " coalesce(e.retention_months, 0) AS retention_months, e.timezone,"
    " " DB_EPOCH("e.ends_at") " AS ends_at,"
    " " DB_EPOCH("summit_erase_after(e.ends_at, e.retention_months,"
    "  $2::int)") " AS erase_at,"
    " e.reminders_on, coalesce(array_to_string(ARRAY(SELECT d FROM"
    "  unnest(e.reminder_days) AS d ORDER BY d DESC), ', '), '')"
    "  AS reminder_days, e.invitation_mode"
    " FROM event e WHERE e.id = $1";
/* clang-format on */
static const char *const SQL_PRIV_SETTINGS_SET =
    "UPDATE event SET retention_months = $2::int, controller = $3"
    " WHERE id = $1 RETURNING id";
/* The mails a person deleting themselves was still owed keep the address
 * until sent (db_reg_erase_self); then it goes like the rest.  Those
 * mails are sent or failed for good within [mail] max_age_hours ($1), so
 * people erased since then (and a day) are all there is to look at. */
static const char *const SQL_PRIV_SCRUB_SENT =
    "UPDATE outbox o SET recipient = 'erased-' || o.participant_id"
    " || '@invalid.invalid', recipient_name = '(erased)'"
    " FROM participant p WHERE p.id = o.participant_id"
    " AND p.erased_at > now() - make_interval(hours => $1::int + 24)"
    " AND o.state <> 'queued'"
    " AND o.recipient <> 'erased-' || o.participant_id || '@invalid.invalid'"
    " RETURNING o.id";

JsonObject *
db_privacy_export(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error)
{
	char pid[24], ev[24];
	const char *p[2] = { db_num(pid, participant_id),
		db_num(ev, event_id) };

	return db_exec_one(conn, SQL_PRIV_EXPORT, 2, p, error);
}

JsonArray *
db_privacy_due(DbConn *conn, gint64 default_days, GError **error)
{
	char d[24];
	const char *p[1] = { db_num(d, default_days) };

	return db_exec(conn, SQL_PRIV_DUE, 1, p, error);
}

JsonObject *
db_privacy_settings(DbConn *conn, gint64 event_id, gint64 default_days,
    GError **error)
{
	char ev[24], d[24];
	const char *p[2] = { db_num(ev, event_id), db_num(d, default_days) };

	return db_exec_one(conn, SQL_PRIV_SETTINGS, 2, p, error);
}

gboolean
db_privacy_settings_set(DbConn *conn, gint64 event_id, gint64 months,
    const char *controller, GError **error)
{
	char ev[24], m[24];
	const char *p[3] = { db_num(ev, event_id),
		months > 0 ? db_num(m, months) : NULL, controller };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_PRIV_SETTINGS_SET, 3,
	    p, error);

	return row != NULL;
}

gboolean
db_privacy_scrub_sent(DbConn *conn, gint64 max_age_hours, gint64 *scrubbed,
    GError **error)
{
	char h[24];
	const char *p[1] = { db_num(h, max_age_hours) };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_PRIV_SCRUB_SENT, 1, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*scrubbed = json_array_get_length(rows);
	return TRUE;
}
