/*
 * answer.c -- the answer family: participants' answers to their
 * invitations (sql/011_answers.sql), read back for their page, the
 * console's counts and history.
 *
 * Which answer counts is one SQL function, summit_invitation_answer, so
 * the page, the counts and the export never disagree.
 */
#include "db/internal.h"

static const char *const SQL_INVITATION_LOCK =
    "SELECT i.event_id, i.sequence, i.state, p.status AS participant_status,"
    " s.status AS session_status FROM invitation i"
    " JOIN participant p ON p.id = i.participant_id"
    " JOIN session s ON s.id = i.session_id"
    " WHERE i.participant_id = $1 AND i.session_id = $2 FOR UPDATE OF i";
static const char *const SQL_ANSWER_INSERT =
    "INSERT INTO answer (participant_id, session_id, partstat, source,"
    " sequence, answered_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6))";
static const char *const SQL_ANSWER_PROGRAMME =
    "SELECT s.id, s.title_nb, s.title_en, s.room,"
    " " DB_EPOCH(
        "sl.starts_at") " AS starts_at,"
                        " " DB_EPOCH(
                            "sl.ends_at") " AS ends_at, e.timezone,"
                                          " coalesce(i.state, '') AS state, coalesce(i.sequence, 0) AS sequence,"
                                          " coalesce(a.table_no, 0) AS table_no,"
                                          " coalesce(summit_invitation_answer(i), '') AS answer,"
                                          " EXISTS (SELECT 1 FROM invitation x WHERE x.event_id = e.id)"
                                          " AS published"
                                          " FROM participant p JOIN event e ON e.id = p.event_id"
                                          " JOIN session s ON s.event_id = e.id AND s.status = 'active'"
                                          " JOIN slot sl ON sl.id = s.slot_id"
                                          " LEFT JOIN invitation i ON i.participant_id = p.id"
                                          "  AND i.session_id = s.id"
                                          " LEFT JOIN assignment a ON a.participant_id = p.id"
                                          "  AND a.session_id = s.id"
                                          " WHERE p.id = $1 ORDER BY sl.starts_at, s.id";
/* clang-format off */
static const char *const SQL_ANSWER_HISTORY =
    "SELECT an.session_id, s.title_nb, s.title_en, an.partstat, an.source,"
    " an.sequence, " DB_EPOCH("an.answered_at") " AS answered_at,"
    " e.timezone FROM answer an JOIN session s ON s.id = an.session_id"
    " JOIN event e ON e.id = s.event_id WHERE an.participant_id = $1"
    " ORDER BY an.answered_at DESC, an.id DESC";
/* clang-format on */
/* bounced: invited people whose address bounces now (mail_bounce not
 * cleared), whatever they answered. */
static const char *const SQL_ANSWER_COUNTS =
    "SELECT count(x.a) AS invited,"
    " count(*) FILTER (WHERE x.a = 'ACCEPTED') AS accepted,"
    " count(*) FILTER (WHERE x.a = 'TENTATIVE') AS tentative,"
    " count(*) FILTER (WHERE x.a = 'DECLINED') AS declined,"
    " count(*) FILTER (WHERE x.a = 'NEEDS-ACTION') AS no_answer,"
    " count(*) FILTER (WHERE x.a IS NOT NULL AND x.bounced) AS bounced"
    " FROM (SELECT summit_invitation_answer(i) AS a, EXISTS (SELECT 1"
    "  FROM mail_bounce b WHERE b.participant_id = i.participant_id"
    "  AND b.cleared_at IS NULL) AS bounced FROM invitation i"
    " WHERE i.session_id = $1) x";

JsonObject *
db_invitation_lock(DbConn *conn, gint64 participant_id, gint64 session_id,
    GError **error)
{
	char pid[24], sid[24];
	const char *p[2] = { db_num(pid, participant_id),
		db_num(sid, session_id) };

	return db_exec_one(conn, SQL_INVITATION_LOCK, 2, p, error);
}

gboolean
db_answer_insert(DbConn *conn, gint64 participant_id, gint64 session_id,
    const char *partstat, const char *source, gint64 sequence,
    gint64 answered_at, GError **error)
{
	char pid[24], sid[24], seq[24], at[24];
	const char *p[6] = { db_num(pid, participant_id),
		db_num(sid, session_id), partstat, source,
		db_num(seq, sequence), db_num(at, answered_at) };

	return db_exec_noresult(conn, SQL_ANSWER_INSERT, 6, p, error);
}

JsonArray *
db_answer_programme(DbConn *conn, gint64 participant_id, GError **error)
{
	char pid[24];
	const char *p[1] = { db_num(pid, participant_id) };

	return db_exec(conn, SQL_ANSWER_PROGRAMME, 1, p, error);
}

JsonArray *
db_answer_history(DbConn *conn, gint64 participant_id, GError **error)
{
	char pid[24];
	const char *p[1] = { db_num(pid, participant_id) };

	return db_exec(conn, SQL_ANSWER_HISTORY, 1, p, error);
}

JsonObject *
db_answer_counts(DbConn *conn, gint64 session_id, GError **error)
{
	char sid[24];
	const char *p[1] = { db_num(sid, session_id) };

	return db_exec_one(conn, SQL_ANSWER_COUNTS, 1, p, error);
}

/* The API's replies: every invitation with the answer that counts,
 * keyset-paged by (session, participant). */
/* clang-format off */
static const char *const SQL_API_REPLIES =
    "SELECT x.session_id, x.participant_id, x.state, x.sequence, x.answer,"
    " " DB_EPOCH("(SELECT max(an.answered_at) FROM answer an"
    "  WHERE an.participant_id = x.participant_id"
    "  AND an.session_id = x.session_id AND an.partstat = x.answer"
    "  AND an.sequence IN (x.sequence, x.sequence - 1))") " AS answered_at"
    " FROM (SELECT i.session_id, i.participant_id, i.state, i.sequence,"
    "  coalesce(summit_invitation_answer(i), '') AS answer"
    "  FROM invitation i WHERE i.event_id = $1"
    "  AND (i.session_id, i.participant_id) > ($2::bigint, $3::bigint)"
    "  AND ($5::bigint IS NULL OR i.session_id = $5)"
    "  ORDER BY i.session_id, i.participant_id LIMIT $4) x"
    " ORDER BY x.session_id, x.participant_id";
/* clang-format on */

JsonArray *
db_api_replies(DbConn *conn, const struct db_api_page *pg, GError **error)
{
	char e[24], a0[24], a1[24], l[24], s[24];
	const char *p[5] = { db_num(e, pg->event_id), db_num(a0, pg->after[0]),
		db_num(a1, pg->after[1]), db_num(l, pg->limit),
		pg->session_id > 0 ? db_num(s, pg->session_id) : NULL };

	return db_exec(conn, SQL_API_REPLIES, 5, p, error);
}
