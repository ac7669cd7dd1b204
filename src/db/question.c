/*
 * question.c -- the question family (sql/023_questions.sql): an event's
 * own questions and their choices, the participants' typed answers, and
 * the catering and accessibility counts.  Every statement filters by the
 * event: an id from a URL never reaches another event's rows.
 */
#include "db/internal.h"

/* clang-format off */
/* answers and choice_answers: how many answered (the console's), or 0
 * where nobody reads it (the form, on the registration path). */
#define QUESTION_SELECT(answers, choice_answers) \
	"SELECT q.id, q.kind, q.label_nb, q.label_en, q.help_nb, q.help_en," \
	" q.required, q.min_value, q.max_value," \
	" array_to_string(q.sectors, ',') AS sectors, q.position, q.hidden," \
	" q.standard, " answers " AS answers," \
	" coalesce((SELECT jsonb_agg(jsonb_build_object('id', c.id," \
	"  'code', coalesce(c.code, ''), 'label_nb', c.label_nb," \
	"  'label_en', c.label_en, 'hidden', c.hidden," \
	"  'answers', " choice_answers ") ORDER BY c.position, c.id)" \
	"  FROM question_choice c WHERE c.question_id = q.id" \
	"  AND c.event_id = q.event_id), '[]')::text AS choices" \
	" FROM question q WHERE q.event_id = $1"
#define QUESTION_COUNTED \
	QUESTION_SELECT("(SELECT count(DISTINCT a.participant_id)" \
	    " FROM question_answer a WHERE a.question_id = q.id)", \
	    "(SELECT count(*) FROM question_answer a WHERE a.choice_id = c.id)")
static const char *const SQL_QUESTION_LIST =
    QUESTION_SELECT("0::bigint", "0")
    " AND ($2 OR NOT q.hidden) ORDER BY q.position, q.id";
static const char *const SQL_QUESTION_LIST_COUNTED =
    QUESTION_COUNTED " ORDER BY q.position, q.id";
static const char *const SQL_QUESTION_GET =
    QUESTION_COUNTED " AND q.id = $2";
static const char *const SQL_QUESTION_INSERT =
    "INSERT INTO question (event_id, kind, label_nb, label_en, help_nb,"
    " help_en, required, min_value, max_value, sectors, standard, position)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[], $11,"
    " (SELECT coalesce(max(position), 0) + 1 FROM question"
    "  WHERE event_id = $1)) RETURNING id";
static const char *const SQL_QUESTION_UPDATE =
    "UPDATE question SET label_nb = $3, label_en = $4, help_nb = $5,"
    " help_en = $6, required = $7, min_value = $8, max_value = $9,"
    " sectors = $10::text[] WHERE id = $2 AND event_id = $1 RETURNING id";
static const char *const SQL_QUESTION_HIDE =
    "UPDATE question SET hidden = $3 WHERE id = $2 AND event_id = $1"
    " RETURNING id";
static const char *const SQL_QUESTION_DELETE =
    "DELETE FROM question q WHERE q.id = $2 AND q.event_id = $1"
    " AND NOT EXISTS (SELECT 1 FROM question_answer a"
    "  WHERE a.question_id = q.id) RETURNING id";
static const char *const SQL_QUESTION_REORDER =
    "UPDATE question q SET position = o.ord"
    " FROM unnest($2::bigint[]) WITH ORDINALITY AS o(id, ord)"
    " WHERE q.id = o.id AND q.event_id = $1";
static const char *const SQL_CHOICE_INSERT =
    "INSERT INTO question_choice (event_id, question_id, code, label_nb,"
    " label_en, position) SELECT q.event_id, q.id, $3, $4, $5,"
    " (SELECT coalesce(max(c.position), 0) + 1 FROM question_choice c"
    "  WHERE c.question_id = q.id)"
    " FROM question q WHERE q.id = $2 AND q.event_id = $1"
    " AND q.kind IN ('choice', 'multi') RETURNING id";
static const char *const SQL_CHOICE_HIDE =
    "UPDATE question_choice SET hidden = $4 WHERE id = $3"
    " AND question_id = $2 AND event_id = $1 RETURNING id";
static const char *const SQL_CHOICE_DELETE =
    "DELETE FROM question_choice c WHERE c.id = $3 AND c.question_id = $2"
    " AND c.event_id = $1 AND NOT EXISTS (SELECT 1 FROM question_answer a"
    "  WHERE a.choice_id = c.id) RETURNING id";
static const char *const SQL_ANSWERS_OF =
    "SELECT a.question_id, a.kind, a.text_value, a.number_value,"
    " to_char(a.date_value, 'YYYY-MM-DD') AS date_value, a.bool_value,"
    " a.choice_id, a.country FROM question_answer a"
    " WHERE a.event_id = $1 AND a.participant_id = $2"
    " ORDER BY a.question_id, a.id";
/* Only the answers to the questions the form asks them now: those to a
 * hidden question or another sector's stay as they were. */
static const char *const SQL_ANSWERS_DELETE =
    "DELETE FROM question_answer a USING question q, participant p"
    " WHERE q.id = a.question_id AND q.event_id = $1 AND a.event_id = $1"
    " AND a.participant_id = $2 AND p.id = $2 AND p.event_id = $1"
    " AND NOT q.hidden"
    " AND (cardinality(q.sectors) = 0 OR p.sector = ANY(q.sectors))";
static const char *const SQL_ANSWERS_INSERT =
    "INSERT INTO question_answer (event_id, participant_id, question_id,"
    " kind, text_value, number_value, date_value, bool_value, choice_id,"
    " country) SELECT $1, $2, x.question_id, x.kind, x.text_value,"
    " x.number_value, x.date_value, x.bool_value, x.choice_id, x.country"
    " FROM jsonb_to_recordset($3::jsonb) AS x(question_id bigint, kind text,"
    " text_value text, number_value bigint, date_value date,"
    " bool_value boolean, choice_id bigint, country text)";
/* Erasure: answers may say anything about a person (their needs). */
static const char *const SQL_ANSWERS_ERASE =
    "DELETE FROM question_answer WHERE participant_id = $1";
static const char *const SQL_ANSWERS_EXPORT =
    "SELECT a.participant_id, a.question_id, max(a.text_value) AS text_value,"
    " max(a.number_value) AS number_value,"
    " to_char(max(a.date_value), 'YYYY-MM-DD') AS date_value,"
    " bool_or(a.bool_value) AS bool_value, max(a.country) AS country,"
    " string_agg(CASE WHEN $2 = 'en' THEN c.label_en ELSE c.label_nb END,"
    "  '; ' ORDER BY c.position, c.id) AS choices"
    " FROM question_answer a LEFT JOIN question_choice c ON c.id = a.choice_id"
    " WHERE a.event_id = $1 AND a.participant_id > $3"
    " AND a.participant_id <= $4"
    " GROUP BY a.participant_id, a.question_id ORDER BY 1, 2";
#define NEEDS_PEOPLE(text) \
	"coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id," \
	" 'name', p.name, 'organisation', p.organisation, 'email', p.email," \
	" 'text', " text ") ORDER BY p.name, p.id)" \
	" FROM question_answer a JOIN participant p ON p.id = a.participant_id" \
	" AND p.event_id = a.event_id"
static const char *const SQL_NEEDS_SUMMARY =
    "SELECT standard, choice_id, code, label_nb, label_en, people FROM ("
    " SELECT q.position AS qp, c.position AS cp, q.standard,"
    " c.id AS choice_id, c.code, c.label_nb, c.label_en,"
    " " NEEDS_PEOPLE("''") " WHERE a.choice_id = c.id"
    "  AND p.status = 'confirmed'), '[]')::text AS people"
    " FROM question q JOIN question_choice c ON c.question_id = q.id"
    " WHERE q.event_id = $1 AND q.standard IN ('diet', 'access')"
    " UNION ALL"
    " SELECT q.position, 0, q.standard, NULL::bigint, NULL::text,"
    " q.label_nb, q.label_en,"
    " " NEEDS_PEOPLE("a.text_value") " WHERE a.question_id = q.id"
    "  AND p.status = 'confirmed'), '[]')::text"
    " FROM question q WHERE q.event_id = $1 AND q.standard = 'other'"
    ") s ORDER BY qp, cp, choice_id";
/* clang-format on */

JsonArray *
db_question_list(DbConn *conn, gint64 event_id, bool with_hidden,
    GError **error)
{
	char e[24];
	const char *p[2] = { db_num(e, event_id), with_hidden ? "t" : "f" };

	return db_exec(conn, SQL_QUESTION_LIST, 2, p, error);
}

JsonArray *
db_question_list_counted(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_QUESTION_LIST_COUNTED, 1, p, error);
}

JsonObject *
db_question_get(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	char e[24], i[24];
	const char *p[2] = { db_num(e, event_id), db_num(i, id) };

	return db_exec_one(conn, SQL_QUESTION_GET, 2, p, error);
}

gboolean
db_question_insert(DbConn *conn, gint64 event_id, const struct db_question *q,
    gint64 *id, GError **error)
{
	char e[24];
	const char *p[11] = { db_num(e, event_id), q->kind, q->label_nb,
		q->label_en, q->help_nb, q->help_en, q->required ? "t" : "f",
		q->min_value, q->max_value, q->sectors, q->standard };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_QUESTION_INSERT, 11,
	    p, error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}

gboolean
db_question_update(DbConn *conn, gint64 event_id, gint64 id,
    const struct db_question *q, GError **error)
{
	char e[24], i[24];
	const char *p[10] = { db_num(e, event_id), db_num(i, id), q->label_nb,
		q->label_en, q->help_nb, q->help_en, q->required ? "t" : "f",
		q->min_value, q->max_value, q->sectors };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_QUESTION_UPDATE, 10,
	    p, error);

	return row != NULL;
}

gboolean
db_question_set_hidden(DbConn *conn, gint64 event_id, gint64 id, bool hidden,
    GError **error)
{
	char e[24], i[24];
	const char *p[3] = { db_num(e, event_id), db_num(i, id),
		hidden ? "t" : "f" };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_QUESTION_HIDE, 3, p,
	    error);

	return row != NULL;
}

/* Runs a conditional DELETE ... RETURNING; *deleted: whether a row went. */
static gboolean
delete_if(DbConn *conn, const char *sql, int n, const char *const *p,
    bool *deleted, GError **error)
{
	g_autoptr(JsonArray) rows = db_exec(conn, sql, n, p, error);

	if (rows == NULL)
		return FALSE;
	*deleted = json_array_get_length(rows) > 0;
	return TRUE;
}

gboolean
db_question_delete(DbConn *conn, gint64 event_id, gint64 id, bool *deleted,
    GError **error)
{
	char e[24], i[24];
	const char *p[2] = { db_num(e, event_id), db_num(i, id) };

	return delete_if(conn, SQL_QUESTION_DELETE, 2, p, deleted, error);
}

gboolean
db_question_reorder(DbConn *conn, gint64 event_id, const char *ids,
    GError **error)
{
	char e[24];
	const char *p[2] = { db_num(e, event_id), ids };

	return db_exec_noresult(conn, SQL_QUESTION_REORDER, 2, p, error);
}

gboolean
db_choice_insert(DbConn *conn, gint64 event_id, gint64 question_id,
    const char *code, const char *label_nb, const char *label_en,
    GError **error)
{
	char e[24], q[24];
	const char *p[5] = { db_num(e, event_id), db_num(q, question_id), code,
		label_nb, label_en };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_CHOICE_INSERT, 5, p,
	    error);

	return row != NULL;
}

gboolean
db_choice_set_hidden(DbConn *conn, gint64 event_id, gint64 question_id,
    gint64 id, bool hidden, GError **error)
{
	char e[24], q[24], i[24];
	const char *p[4] = { db_num(e, event_id), db_num(q, question_id),
		db_num(i, id), hidden ? "t" : "f" };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_CHOICE_HIDE, 4, p,
	    error);

	return row != NULL;
}

gboolean
db_choice_delete(DbConn *conn, gint64 event_id, gint64 question_id, gint64 id,
    bool *deleted, GError **error)
{
	char e[24], q[24], i[24];
	const char *p[3] = { db_num(e, event_id), db_num(q, question_id),
		db_num(i, id) };

	return delete_if(conn, SQL_CHOICE_DELETE, 3, p, deleted, error);
}

JsonArray *
db_answers_of(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error)
{
	char e[24], i[24];
	const char *p[2] = { db_num(e, event_id), db_num(i, participant_id) };

	return db_exec(conn, SQL_ANSWERS_OF, 2, p, error);
}

gboolean
db_answers_replace(DbConn *conn, gint64 event_id, gint64 participant_id,
    const char *rows, GError **error)
{
	char e[24], i[24];
	const char *p[3] = { db_num(e, event_id), db_num(i, participant_id),
		rows };

	return db_exec_noresult(conn, SQL_ANSWERS_DELETE, 2, p, error) &&
	    db_exec_noresult(conn, SQL_ANSWERS_INSERT, 3, p, error);
}

gboolean
db_answers_erase(DbConn *conn, gint64 participant_id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, participant_id) };

	return db_exec_noresult(conn, SQL_ANSWERS_ERASE, 1, p, error);
}

JsonArray *
db_answers_export(DbConn *conn, gint64 event_id, const char *lang, gint64 after,
    gint64 upto, GError **error)
{
	char e[24], a[24], u[24];
	const char *p[4] = { db_num(e, event_id), lang, db_num(a, after),
		db_num(u, upto) };

	return db_exec(conn, SQL_ANSWERS_EXPORT, 4, p, error);
}

JsonArray *
db_needs_summary(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_NEEDS_SUMMARY, 1, p, error);
}
