/*
 * test_answer.c -- app_answer_record (app/answer.c) against a real
 * PostgreSQL: an answer from a calendar or the page is kept with its
 * PARTSTAT, source, SEQUENCE and time; one to an older SEQUENCE or to an
 * invitation that no longer stands is ignored and writes nothing; one to
 * a SEQUENCE never sent is refused; a decline frees the seat (a pin
 * becomes a ban), queues the session's cancellation and is audited.
 *
 * A throwaway database on the cluster of SUMMIT_TEST_PGURL, migrated from
 * sql/ with the demo event; skipped without it.  The rows are set up and
 * checked with SQL, the answers go through app as the page and the IMAP
 * reader call it.
 */
#include "app/app.h"
#include "db/internal.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <string.h>

static DbPool *pool;
static App *app;
static char *dburl, *tmpdir;
static gint64 kari, ola;

/* conninfo of url with another database name (transfer full). */
static char *
url_with_db(const char *url, const char *db)
{
	PQconninfoOption *opts, *o;
	GString *s = g_string_new(NULL);
	char *err = NULL;

	opts = PQconninfoParse(url, &err);
	g_assert_nonnull(opts);
	for (o = opts; o->keyword != NULL; o++) {
		const char *v = strcmp(o->keyword, "dbname") == 0 ? db : o->val;
		const char *c;

		if (v == NULL)
			continue;
		g_string_append_printf(s, "%s='", o->keyword);
		for (c = v; *c != '\0'; c++) {
			if (*c == '\'' || *c == '\\')
				g_string_append_c(s, '\\');
			g_string_append_c(s, *c);
		}
		g_string_append(s, "' ");
	}
	PQconninfoFree(opts);
	return g_string_free(s, FALSE);
}

static void
sql(const char *text)
{
	g_autoptr(GError) error = NULL;
	DbConn *conn = db_acquire(pool, &error);

	g_assert_no_error(error);
	g_assert_true(db_exec_simple(conn, text, &error));
	g_assert_no_error(error);
	db_release(pool, conn);
}

/* The text of the first column "v" of the first row ("" for none or
 * null); the query's text must be a constant (db_exec keys by it). */
static char *
value(const char *query, gint64 a, gint64 b)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) rows = NULL;
	char x[24], y[24];
	const char *p[2] = { db_num(x, a), db_num(y, b) };
	JsonNode *n;
	DbConn *conn = db_acquire(pool, &error);

	g_assert_no_error(error);
	rows = db_exec(conn, query, 2, p, &error);
	g_assert_no_error(error);
	db_release(pool, conn);
	if (json_array_get_length(rows) == 0)
		return g_strdup("");
	n = json_object_get_member(json_array_get_object_element(rows, 0), "v");
	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return g_strdup("");
	if (json_node_get_value_type(n) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(n));
	return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n));
}

static const char *const Q_ANSWERS =
    "SELECT count(*) AS v FROM answer WHERE participant_id = $1"
    " AND session_id = $2";
static const char *const Q_LAST =
    "SELECT partstat || '/' || source || '/' || sequence || '/'"
    " || floor(extract(epoch FROM answered_at))::bigint AS v FROM answer"
    " WHERE participant_id = $1 AND session_id = $2 ORDER BY id DESC"
    " LIMIT 1";
static const char *const Q_NOW =
    "SELECT coalesce(summit_invitation_answer(i), 'null') AS v"
    " FROM invitation i WHERE participant_id = $1 AND session_id = $2";
static const char *const Q_INVITATION =
    "SELECT state || '/' || sequence AS v FROM invitation"
    " WHERE participant_id = $1 AND session_id = $2";
static const char *const Q_PLACED =
    "SELECT count(*) AS v FROM assignment WHERE participant_id = $1"
    " AND session_id = $2";
static const char *const Q_RULE =
    "SELECT kind AS v FROM placement_rule WHERE participant_id = $1"
    " AND session_id = $2";
static const char *const Q_CANCELS =
    "SELECT count(*) AS v FROM outbox WHERE participant_id = $1"
    " AND kind = 'invite_cancel' AND (payload->>'session_id')::bigint = $2";
static const char *const Q_AUDIT =
    "SELECT actor || '/' || (after->>'session_id') AS v FROM audit_log"
    " WHERE action = 'answer.decline' AND subject_id = $1"
    " AND $2::bigint > 0 ORDER BY id DESC LIMIT 1";

#define assert_value(q, a, b, want) \
	do { \
		g_autofree char *got_ = value((q), (a), (b)); \
		g_assert_cmpstr(got_, ==, (want)); \
	} while (0)

static gboolean
record(gint64 pid, gint64 sid, enum app_partstat ps, enum app_answer_source src,
    gint64 seq, gint64 at, struct app_answer_result *r,
    struct app_refusal *refusal, GError **error)
{
	struct app_answer a = { pid, sid, ps, src, seq, at };

	return app_answer_record(app, &a, r, refusal, error);
}

/* Answers are kept, each a row; the newest to the SEQUENCE sent counts. */
static void
test_history(void)
{
	g_autoptr(GError) error = NULL;
	struct app_answer_result r;
	struct app_refusal refusal = { 0 };

	if (app == NULL) {
		g_test_skip("SUMMIT_TEST_PGURL is not set");
		return;
	}
	assert_value(Q_NOW, kari, 1, "NEEDS-ACTION");
	g_assert_true(record(kari, 1, APP_PARTSTAT_ACCEPTED,
	    APP_ANSWER_CALENDAR, 0, 1780000000, &r, &refusal, &error));
	g_assert_no_error(error);
	g_assert_cmpint(r.outcome, ==, APP_ANSWER_RECORDED);
	g_assert_false(r.seat_freed);
	assert_value(Q_LAST, kari, 1, "ACCEPTED/calendar/0/1780000000");
	assert_value(Q_NOW, kari, 1, "ACCEPTED");
	g_assert_true(record(kari, 1, APP_PARTSTAT_TENTATIVE, APP_ANSWER_PAGE,
	    0, 0, &r, &refusal, &error));
	assert_value(Q_NOW, kari, 1, "TENTATIVE");
	/* A calendar's "no answer" is an answer too, and counts as none. */
	g_assert_true(record(kari, 1, APP_PARTSTAT_NEEDS_ACTION,
	    APP_ANSWER_CALENDAR, 0, 0, &r, &refusal, &error));
	g_assert_no_error(error);
	assert_value(Q_ANSWERS, kari, 1, "3");
	assert_value(Q_NOW, kari, 1, "NEEDS-ACTION");
	assert_value(Q_PLACED, kari, 1, "1");
}

/* A SEQUENCE never sent is refused; an older one, and anything for an
 * invitation that does not stand, is ignored: nothing is written. */
static void
test_stale_and_refused(void)
{
	g_autoptr(GError) error = NULL;
	struct app_answer_result r;
	struct app_refusal refusal = { 0 };

	if (app == NULL) {
		g_test_skip("SUMMIT_TEST_PGURL is not set");
		return;
	}
	g_assert_false(record(kari, 5, APP_PARTSTAT_ACCEPTED,
	    APP_ANSWER_CALENDAR, 3, 0, &r, &refusal, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
	g_assert_cmpstr(refusal.field, ==, "sequence");
	g_assert_cmpint(refusal.reason, ==, APP_REASON_RANGE);
	g_clear_error(&error);
	/* An update went out: SEQUENCE 1.  An answer to 0 is stale. */
	sql("UPDATE invitation SET sequence = 1 WHERE session_id = 5");
	g_assert_true(record(kari, 5, APP_PARTSTAT_DECLINED,
	    APP_ANSWER_CALENDAR, 0, 0, &r, &refusal, &error));
	g_assert_no_error(error);
	g_assert_cmpint(r.outcome, ==, APP_ANSWER_STALE);
	g_assert_false(r.seat_freed);
	assert_value(Q_ANSWERS, kari, 5, "0");
	assert_value(Q_PLACED, kari, 5, "1");
	assert_value(Q_INVITATION, kari, 5, "invited/1");
	/* Nothing was ever sent for this pair. */
	g_assert_false(record(kari, 2, APP_PARTSTAT_ACCEPTED, APP_ANSWER_PAGE,
	    0, 0, &r, &refusal, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND);
	g_clear_error(&error);
	/* Values app refuses before any database work. */
	g_assert_false(record(kari, 5, APP_PARTSTAT__MAX, APP_ANSWER_PAGE, 1, 0,
	    &r, &refusal, &error));
	g_assert_cmpstr(refusal.field, ==, "partstat");
	g_clear_error(&error);
	g_assert_false(record(kari, 5, APP_PARTSTAT_ACCEPTED, APP_ANSWER__MAX,
	    1, 0, &r, &refusal, &error));
	g_assert_cmpstr(refusal.field, ==, "source");
	g_clear_error(&error);
	g_assert_false(record(kari, 5, APP_PARTSTAT_ACCEPTED, APP_ANSWER_PAGE,
	    -1, 0, &r, &refusal, &error));
	g_assert_cmpstr(refusal.field, ==, "sequence");
	g_clear_error(&error);
	g_assert_false(record(0, 5, APP_PARTSTAT_ACCEPTED, APP_ANSWER_PAGE, 1,
	    0, &r, &refusal, &error));
	g_assert_cmpstr(refusal.field, ==, "participant");
	g_clear_error(&error);
	assert_value(Q_ANSWERS, kari, 5, "0");
	/* A cancelled registration's invitation does not stand, even
	 * before publishing has cancelled it. */
	sql("UPDATE participant SET status = 'cancelled' WHERE email ="
	    " 'ola@example.no'");
	g_assert_true(record(ola, 1, APP_PARTSTAT_ACCEPTED, APP_ANSWER_CALENDAR,
	    0, 0, &r, &refusal, &error));
	g_assert_no_error(error);
	g_assert_cmpint(r.outcome, ==, APP_ANSWER_CLOSED);
	assert_value(Q_ANSWERS, ola, 1, "0");
}

/* A decline frees the seat as an organiser's ban does, a pin included,
 * queues the cancellation with the next SEQUENCE, and is audited. */
static void
test_decline(void)
{
	g_autoptr(GError) error = NULL;
	struct app_answer_result r;
	struct app_refusal refusal = { 0 };

	if (app == NULL) {
		g_test_skip("SUMMIT_TEST_PGURL is not set");
		return;
	}
	assert_value(Q_RULE, kari, 9, "pin");
	g_assert_true(record(kari, 9, APP_PARTSTAT_DECLINED,
	    APP_ANSWER_CALENDAR, 0, 1780000100, &r, &refusal, &error));
	g_assert_no_error(error);
	g_assert_cmpint(r.outcome, ==, APP_ANSWER_RECORDED);
	g_assert_true(r.seat_freed);
	g_assert_cmpint(r.cancels, ==, 1);
	assert_value(Q_LAST, kari, 9, "DECLINED/calendar/0/1780000100");
	assert_value(Q_PLACED, kari, 9, "0");
	assert_value(Q_RULE, kari, 9, "ban");
	assert_value(Q_INVITATION, kari, 9, "cancelled/1");
	assert_value(Q_CANCELS, kari, 9, "1");
	assert_value(Q_NOW, kari, 9, "DECLINED");
	assert_value(Q_AUDIT, kari, 1, "calendar/9");
	/* Kari's other placements are untouched. */
	assert_value(Q_PLACED, kari, 1, "1");
	assert_value(Q_PLACED, kari, 5, "1");
	/* The invitation no longer stands: more answers change nothing. */
	g_assert_true(record(kari, 9, APP_PARTSTAT_ACCEPTED,
	    APP_ANSWER_CALENDAR, 1, 0, &r, &refusal, &error));
	g_assert_no_error(error);
	g_assert_cmpint(r.outcome, ==, APP_ANSWER_CLOSED);
	g_assert_true(record(kari, 9, APP_PARTSTAT_DECLINED,
	    APP_ANSWER_CALENDAR, 1, 0, &r, &refusal, &error));
	g_assert_cmpint(r.outcome, ==, APP_ANSWER_CLOSED);
	assert_value(Q_ANSWERS, kari, 9, "1");
	assert_value(Q_CANCELS, kari, 9, "1");
}

static void
setup(void)
{
	const char *base = g_getenv("SUMMIT_TEST_PGURL");
	const char *src = g_getenv("SUMMIT_SOURCE_DIR");
	g_autoptr(DbPool) admin = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL, *demo = NULL, *conf = NULL, *text = NULL;
	g_autofree char *k = NULL, *o = NULL;
	struct app_open_options opt = { .pool_size = 2, .wait_ms = 5000 };
	unsigned applied;
	DbConn *conn;

	if (base == NULL || src == NULL)
		return;
	admin = db_pool_new(base, 1, 5000);
	conn = db_acquire(admin, &error);
	g_assert_no_error(error);
	g_assert_true(db_exec_simple(conn,
	    "DROP DATABASE IF EXISTS summit_it_answer WITH (FORCE)", &error));
	g_assert_true(
	    db_exec_simple(conn, "CREATE DATABASE summit_it_answer", &error));
	db_release(admin, conn);
	dburl = url_with_db(base, "summit_it_answer");

	tmpdir = g_dir_make_tmp("summit-answer-XXXXXX", &error);
	g_assert_no_error(error);
	conf = g_build_filename(tmpdir, "summit.conf", NULL);
	text = g_strdup_printf("[database]\nurl = %s\n", dburl);
	g_assert_true(g_file_set_contents(conf, text, -1, &error));
	app = app_open(conf, &opt, &error);
	g_assert_no_error(error);
	dir = g_build_filename(src, "sql", NULL);
	demo = g_build_filename(src, "sql", "demo", "ki-toppmote.sql", NULL);
	g_assert_true(app_migrate(app, dir, &applied, &error));
	g_assert_no_error(error);
	g_assert_true(app_load_demo(app, demo, &error));
	g_assert_no_error(error);

	pool = db_pool_new(dburl, 1, 5000);
	/* Kari is invited to sessions 1, 5 and 9 (pinned in 9), Ola to 1. */
	sql("INSERT INTO participant (event_id, name, email, organisation,"
	    " sector, status, consent_at) SELECT id, n, e, 'LO', 'union',"
	    " 'confirmed', now() FROM event, (VALUES ('Kari',"
	    " 'kari@example.no'), ('Ola', 'ola@example.no')) AS v(n, e);"
	    "INSERT INTO assignment (event_id, participant_id, session_id,"
	    " pinned, published) SELECT p.event_id, p.id, s, s = 9, true"
	    " FROM participant p, unnest('{1,5,9}'::bigint[]) s"
	    " WHERE p.email = 'kari@example.no' OR s = 1;"
	    "INSERT INTO placement_rule (event_id, participant_id, session_id,"
	    " kind) SELECT event_id, participant_id, 9, 'pin' FROM assignment"
	    " WHERE session_id = 9;"
	    "INSERT INTO invitation (event_id, participant_id, session_id,"
	    " sequence, state, fingerprint) SELECT event_id, participant_id,"
	    " session_id, 0, 'invited', 'x' FROM assignment");
	k = value("SELECT id AS v FROM participant WHERE email ="
	          " 'kari@example.no' AND $1::bigint = $2::bigint",
	    0, 0);
	o = value("SELECT id AS v FROM participant WHERE email ="
	          " 'ola@example.no' AND $1::bigint = $2::bigint",
	    0, 0);
	kari = g_ascii_strtoll(k, NULL, 10);
	ola = g_ascii_strtoll(o, NULL, 10);
	g_assert_cmpint(kari, >, 0);
}

static void
teardown(void)
{
	g_autoptr(DbPool) admin = NULL;
	g_autoptr(GError) error = NULL;
	DbConn *conn;

	if (app == NULL)
		return;
	g_clear_pointer(&app, app_free);
	g_clear_pointer(&pool, db_pool_free);
	admin = db_pool_new(g_getenv("SUMMIT_TEST_PGURL"), 1, 5000);
	if ((conn = db_acquire(admin, &error)) != NULL) {
		(void)db_exec_simple(conn,
		    "DROP DATABASE IF EXISTS summit_it_answer WITH (FORCE)",
		    &error);
		db_release(admin, conn);
	}
	if (tmpdir != NULL) {
		g_autofree char *conf = g_build_filename(tmpdir, "summit.conf",
		    NULL);

		(void)g_unlink(conf);
		(void)g_rmdir(tmpdir);
	}
	g_free(tmpdir);
	g_free(dburl);
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/answer/history", test_history);
	g_test_add_func("/answer/stale-and-refused", test_stale_and_refused);
	g_test_add_func("/answer/decline", test_decline);
	setup();
	rc = g_test_run();
	teardown();
	return rc;
}
