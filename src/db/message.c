/*
 * message.c -- the message family: messages to a group of participants
 * chosen by a filter, and the reminders before the event.
 *
 * Both queue their mail set-based, one INSERT ... SELECT for however many
 * people, and leave the per-person text to the mail worker.  A reminder is
 * claimed by a reminder_sent row in the statement that queues it: its
 * unique key makes concurrent runs queue each reminder once.
 */
#include "db/internal.h"


/* An address with a bounce nobody has cleared. */
#define MESSAGE_BOUNCED \
	"EXISTS (SELECT 1 FROM mail_bounce b WHERE b.cleared_at IS NULL" \
	" AND lower(b.address) = lower(p.email))"
/* The filter, $1..$8 (struct db_message_filter, in that order). */
#define MESSAGE_WHERE \
	" FROM participant p WHERE p.event_id = $8::bigint" \
	" AND ($1::text = '' OR p.status = $1::text)" \
	" AND ($2::text = '' OR p.sector = $2::text)" \
	" AND ($3::text = '' OR lower(p.organisation) = lower($3::text))" \
	" AND ($4::bigint = 0 OR EXISTS (SELECT 1 FROM assignment a" \
	" WHERE a.participant_id = p.id AND a.session_id = $4::bigint)" \
	" OR EXISTS (SELECT 1 FROM invitation i WHERE i.participant_id = p.id" \
	" AND i.session_id = $4::bigint))" \
	" AND ($5::text = '' OR ($5::text = 'yes') =" \
	" (p.checked_in_at IS NOT NULL))" \
	" AND ($6::text = '' OR EXISTS (SELECT 1 FROM invitation i" \
	" WHERE i.participant_id = p.id AND ($4::bigint = 0" \
	" OR i.session_id = $4::bigint)" \
	" AND summit_invitation_answer(i) = $6::text))" \
	" AND ($7::bigint[] IS NULL OR p.id = ANY($7::bigint[]))"

static const char *const SQL_MESSAGE_COUNT =
    "SELECT count(*) FILTER (WHERE NOT bounced) AS recipients,"
    " count(*) FILTER (WHERE bounced) AS skipped"
    " FROM (SELECT " MESSAGE_BOUNCED " AS bounced" MESSAGE_WHERE ") r";
static const char *const SQL_MESSAGE_SAMPLE =
    "SELECT p.id, p.name, p.language" MESSAGE_WHERE " AND NOT " MESSAGE_BOUNCED
    " ORDER BY p.id LIMIT 1";
/* The message, its counts and every recipient's outbox row: one
 * statement, one snapshot, whatever the number of people. */
static const char *const SQL_MESSAGE_QUEUE =
    "WITH r AS (SELECT p.id, p.event_id, p.email, p.name, p.language,"
    " " MESSAGE_BOUNCED " AS bounced" MESSAGE_WHERE "),"
    " m AS (INSERT INTO message (event_id, subject_nb, subject_en,"
    " body_nb, body_en, filter, organiser_id, recipients, skipped)"
    " SELECT $8::bigint, $9, $10, $11, $12, $13::jsonb,"
    " nullif($14::bigint, 0), count(*) FILTER (WHERE NOT bounced),"
    " count(*) FILTER (WHERE bounced) FROM r"
    " RETURNING id, recipients, skipped),"
    " q AS (INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload, link_nonce)"
    " SELECT r.event_id, r.id, 'message', r.email, r.name, r.language,"
    " jsonb_build_object('message_id', m.id),"
    " replace(gen_random_uuid()::text, '-', '')"
    " FROM r CROSS JOIN m WHERE NOT r.bounced ORDER BY r.id)"
    " SELECT id, recipients, skipped FROM m";
static const char *const SQL_MESSAGE_GET =
    "SELECT subject_nb, subject_en, body_nb, body_en FROM message"
    " WHERE id = $1";
/* SQL spliced with DB_EPOCH, laid out by hand (clang-format cannot). */
/* clang-format off */
static const char *const SQL_MESSAGE_LIST =
    "SELECT m.id, m.subject_nb, m.subject_en, m.recipients, m.skipped,"
    " " DB_EPOCH("m.created_at") " AS created_at,"
    " coalesce(o.email, '') AS author FROM message m"
    " LEFT JOIN organiser o ON o.id = m.organiser_id"
    " WHERE m.event_id = $2 ORDER BY m.id DESC LIMIT $1";
static const char *const SQL_MESSAGE_OF_PARTICIPANT =
    "SELECT m.id, m.subject_nb, m.subject_en, o.state,"
    " " DB_EPOCH("o.created_at") " AS queued_at FROM outbox o"
    " JOIN message m ON m.id = (o.payload->>'message_id')::bigint"
    " WHERE o.participant_id = $1 AND o.kind = 'message'"
    " ORDER BY o.id DESC";
/* clang-format on */

static const char *const SQL_REMINDER_SETTINGS =
    "SELECT e.reminders_on, array_to_string(ARRAY(SELECT DISTINCT d"
    " FROM unnest(e.reminder_days) AS d ORDER BY d DESC), ', ')"
    " AS reminder_days, coalesce((SELECT string_agg(days_before || ': '"
    " || n, ', ' ORDER BY days_before DESC) FROM (SELECT days_before,"
    " count(*) AS n FROM reminder_sent WHERE event_id = e.id"
    " GROUP BY days_before) x), '') AS reminders_sent"
    " FROM event e WHERE e.id = $1";
static const char *const SQL_REMINDER_SET =
    "UPDATE event SET reminders_on = $1::boolean,"
    " reminder_days = $2::integer[] WHERE id = $3"
    " RETURNING id";
/*
 * The reminders due now in every event not archived, claimed and queued.  A
 * reminder d days before is due from then until the next smaller one is
 * due, so one missed while summitd was down is not sent late beside the
 * next.  Only confirmed people (no one cancelled, waiting or pending), not
 * those who declined every session they were invited to, nor bounced
 * addresses (they get it once the address is corrected, if still due).
 * A claim another transaction holds makes the insert wait for it and
 * then do nothing.
 */
static const char *const SQL_REMINDER_QUEUE =
    "WITH ev AS (SELECT e.id, e.reminder_days, (SELECT min(sl.starts_at)"
    " FROM slot sl WHERE sl.event_id = e.id) AS first FROM event e"
    " WHERE e.reminders_on AND e.archived_at IS NULL),"
    " d AS (SELECT ev.id AS event_id, ev.first, x.days,"
    " coalesce(lead(x.days) OVER (PARTITION BY ev.id ORDER BY x.days DESC),"
    " 0) AS next"
    " FROM ev CROSS JOIN LATERAL (SELECT DISTINCT unnest(ev.reminder_days)"
    " AS days) x),"
    " due AS (SELECT event_id, days FROM d"
    " WHERE now() >= first - make_interval(days => days)"
    " AND now() < first - make_interval(days => next)),"
    " c AS (INSERT INTO reminder_sent (event_id, participant_id,"
    " days_before) SELECT due.event_id, p.id, due.days FROM due"
    " JOIN participant p ON p.event_id = due.event_id"
    " WHERE p.status = 'confirmed' AND NOT " MESSAGE_BOUNCED
    " AND (NOT EXISTS (SELECT 1 FROM invitation i"
    " WHERE i.participant_id = p.id) OR EXISTS (SELECT 1 FROM invitation i"
    " WHERE i.participant_id = p.id"
    " AND summit_invitation_answer(i) IS DISTINCT FROM 'DECLINED'))"
    " ORDER BY p.id, due.days ON CONFLICT DO NOTHING"
    " RETURNING participant_id, days_before),"
    " q AS (INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload, link_nonce)"
    " SELECT p.event_id, p.id, 'reminder', p.email, p.name, p.language,"
    " jsonb_build_object('days_before', c.days_before),"
    " replace(gen_random_uuid()::text, '-', '')"
    " FROM c JOIN participant p ON p.id = c.participant_id RETURNING id)"
    " SELECT count(*) AS n FROM q";

/* The filter's seven parameters; *ids holds the array's text (the
 * caller frees it). */
static void
filter_params(const struct db_message_filter *f, char *sid, char *ev,
    const char **p, char **ids)
{
	p[0] = f->status ? f->status : "";
	p[1] = f->sector ? f->sector : "";
	p[2] = f->organisation ? f->organisation : "";
	p[3] = db_num(sid, f->session_id);
	p[4] = f->checked ? f->checked : "";
	p[5] = f->reply ? f->reply : "";
	*ids = f->ids != NULL ? db_int_array(f->ids, f->n_ids) : NULL;
	p[6] = *ids;
	p[7] = db_num(ev, f->event_id);
}

JsonObject *
db_message_count(DbConn *conn, const struct db_message_filter *f,
    GError **error)
{
	char sid[24], ev[24];
	g_autofree char *ids = NULL;
	const char *p[8];

	filter_params(f, sid, ev, p, &ids);
	return db_exec_one(conn, SQL_MESSAGE_COUNT, 8, p, error);
}

JsonObject *
db_message_sample(DbConn *conn, const struct db_message_filter *f,
    GError **error)
{
	char sid[24], ev[24];
	g_autofree char *ids = NULL;
	const char *p[8];

	filter_params(f, sid, ev, p, &ids);
	return db_exec_one(conn, SQL_MESSAGE_SAMPLE, 8, p, error);
}

JsonObject *
db_message_queue(DbConn *conn, const struct db_message_new *m,
    const struct db_message_filter *f, GError **error)
{
	char sid[24], ev[24], org[24];
	g_autofree char *ids = NULL;
	const char *p[14];

	filter_params(f, sid, ev, p, &ids);
	p[8] = m->subject_nb;
	p[9] = m->subject_en;
	p[10] = m->body_nb;
	p[11] = m->body_en;
	p[12] = m->filter_json ? m->filter_json : "{}";
	p[13] = db_num(org, m->organiser_id);
	return db_exec_one(conn, SQL_MESSAGE_QUEUE, 14, p, error);
}

JsonObject *
db_message_get(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec_one(conn, SQL_MESSAGE_GET, 1, p, error);
}

JsonArray *
db_message_list(DbConn *conn, gint64 event_id, unsigned limit, GError **error)
{
	char lim[24], ev[24];
	const char *p[2] = { db_num(lim, limit), db_num(ev, event_id) };

	return db_exec(conn, SQL_MESSAGE_LIST, 2, p, error);
}

JsonArray *
db_message_of_participant(DbConn *conn, gint64 participant_id, GError **error)
{
	char pid[24];
	const char *p[1] = { db_num(pid, participant_id) };

	return db_exec(conn, SQL_MESSAGE_OF_PARTICIPANT, 1, p, error);
}

JsonObject *
db_reminder_settings(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_REMINDER_SETTINGS, 1, p, error);
}

gboolean
db_reminder_set(DbConn *conn, gint64 event_id, bool on, const char *days,
    GError **error)
{
	char ev[24];
	const char *p[3] = { on ? "true" : "false", days,
		db_num(ev, event_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_REMINDER_SET, 3, p,
	    error);

	return row != NULL;
}

gboolean
db_reminder_queue(DbConn *conn, unsigned *n, GError **error)
{
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_REMINDER_QUEUE, 0,
	    NULL, error);

	if (row == NULL)
		return FALSE;
	*n = (unsigned)db_int(row, "n");
	return TRUE;
}
