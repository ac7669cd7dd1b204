/*
 * test_door.c -- check-in codes (app/door.c) against a real PostgreSQL:
 * a confirmed participant gets one code, the same on every call, and a
 * pending one none; re-issuing revokes the old code (kept, marked) and
 * audits the change; the database issues a code at confirmation (sql/021)
 * and app_checkin_codes_ensure any still missing.
 *
 * A throwaway database on the cluster of SUMMIT_TEST_PGURL, migrated from
 * sql/ with the demo event; skipped without it.
 */
#include "app/app.h"
#include "db/internal.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <string.h>

#define DBNAME "summit_it_door"

static DbPool *pool;
static App *app;
static char *dburl, *tmpdir;
static gint64 kari, per, event_id; /* the demo event */

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

/* The text of column "v" of the first row ("" for none or null); the
 * query must be a constant (db_exec keys by it). */
static char *
value(const char *query, gint64 a)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) rows = NULL;
	char x[24];
	const char *p[1] = { db_num(x, a) };
	JsonNode *n;
	DbConn *conn = db_acquire(pool, &error);

	g_assert_no_error(error);
	rows = db_exec(conn, query, 1, p, &error);
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

#define assert_value(q, a, want) \
	do { \
		g_autofree char *got_ = value((q), (a)); \
		g_assert_cmpstr(got_, ==, (want)); \
	} while (0)

static const char *const Q_ID =
    "SELECT id AS v FROM participant WHERE name = 'Kari' AND $1::bigint = 0"
    " UNION ALL SELECT id FROM participant WHERE name = 'Per' AND $1 = 1";
static const char *const Q_CODES =
    "SELECT count(*) || '/' || count(*) FILTER (WHERE revoked_at IS NULL)"
    " AS v FROM checkin_code WHERE participant_id = $1";
static const char *const Q_AUDIT =
    "SELECT actor || '/' || (before->>'short_code') || '/'"
    " || (after->>'short_code') AS v FROM audit_log"
    " WHERE action = 'door.code_reissue' AND subject_id = $1"
    " ORDER BY id DESC LIMIT 1";
static const char *const Q_MISSING =
    "SELECT count(*) AS v FROM participant p WHERE status = 'confirmed'"
    " AND $1::bigint = 0 AND NOT EXISTS (SELECT 1 FROM checkin_code c"
    " WHERE c.participant_id = p.id AND c.revoked_at IS NULL)";

static const char *const Q_CONFIRM =
    "UPDATE participant SET status = 'confirmed' WHERE id = $1"
    " RETURNING 1 AS v";
static const char *const Q_DROP_OLA =
    "DELETE FROM checkin_code c USING participant p WHERE p.id ="
    " c.participant_id AND p.name = 'Ola' AND $1::bigint = 0 RETURNING 1 AS v";

/* One code, the same each time; the short form is its first ten,
 * grouped by five. */
static void
test_code(void)
{
	g_autoptr(GError) error = NULL;
	struct app_checkin_code a, b;
	g_autoptr(JsonObject) view = NULL;

	g_assert_true(app_checkin_code(app, kari, &a, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(strlen(a.code), ==, 16);
	g_assert_cmpuint(strlen(a.short_code), ==, 11);
	g_assert_cmpmem(a.short_code, 5, a.code, 5);
	g_assert_cmpint(a.short_code[5], ==, '-');
	g_assert_cmpmem(a.short_code + 6, 5, a.code + 5, 5);
	g_assert_true(app_checkin_code(app, kari, &b, &error));
	g_assert_cmpstr(a.code, ==, b.code);
	assert_value(Q_CODES, kari, "1/1");

	view = app_checkin_code_view(app, kari, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(app_view_str(view, "code"), ==, a.code);
	g_assert_cmpstr(app_view_str(view, "short_code"), ==, a.short_code);
	g_assert_cmpint(app_view_int(view, "qr_size"), ==, 29);
	g_assert_true(g_str_has_prefix(app_view_str(view, "qr_path"), "M4 4"));
}

/* Not confirmed: no code, nothing stored. */
static void
test_pending(void)
{
	g_autoptr(GError) error = NULL;
	struct app_checkin_code c;

	g_assert_false(app_checkin_code(app, per, &c, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_ESTATE);
	assert_value(Q_CODES, per, "0/0");
	g_clear_error(&error);
	g_assert_false(app_checkin_code(app, 999999, &c, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND);
}

/* Re-issued: a new code, the old one kept revoked, the change audited
 * with the short forms only. */
static void
test_reissue(void)
{
	g_autoptr(GError) error = NULL;
	struct app_checkin_code old, fresh, now;
	struct app_actor staff = { 0, "staff@example.no", "staff", "::1",
		event_id };
	struct app_actor door = { 0, "door@example.no", "door", "::1",
		event_id };
	g_autofree char *want = NULL;

	g_assert_true(app_checkin_code(app, kari, &old, &error));
	g_assert_false(
	    app_checkin_code_reissue(app, &door, kari, &fresh, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
	g_clear_error(&error);
	g_assert_true(
	    app_checkin_code_reissue(app, &staff, kari, &fresh, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(fresh.code, !=, old.code);
	g_assert_true(app_checkin_code(app, kari, &now, &error));
	g_assert_cmpstr(now.code, ==, fresh.code);
	assert_value(Q_CODES, kari, "2/1");
	want = g_strdup_printf("staff@example.no/%s/%s", old.short_code,
	    fresh.short_code);
	assert_value(Q_AUDIT, kari, want);
}

static void
test_ensure(void)
{
	g_autoptr(GError) error = NULL;
	gint64 issued = -1;

	/* The database issued everyone confirmed a code (sql/021), and
	 * issues one in the transaction that confirms someone. */
	assert_value(Q_MISSING, 0, "0");
	assert_value(Q_CONFIRM, per, "1");
	assert_value(Q_CODES, per, "1/1");
	/* A confirmed person without one (a code deleted by hand) gets one
	 * from the badge run's check. */
	assert_value(Q_DROP_OLA, 0, "1");
	assert_value(Q_MISSING, 0, "1");
	g_assert_true(app_checkin_codes_ensure(app, event_id, &issued, &error));
	g_assert_no_error(error);
	g_assert_cmpint(issued, ==, 1); /* Ola */
	assert_value(Q_MISSING, 0, "0");
	g_assert_true(app_checkin_codes_ensure(app, event_id, &issued, &error));
	g_assert_cmpint(issued, ==, 0);
}

static void
setup(void)
{
	const char *base = g_getenv("SUMMIT_TEST_PGURL");
	const char *src = g_getenv("SUMMIT_SOURCE_DIR");
	g_autoptr(DbPool) admin = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL, *demo = NULL, *conf = NULL, *text = NULL;
	g_autofree char *k = NULL, *p = NULL;
	struct app_open_options opt = { .pool_size = 2, .wait_ms = 5000 };
	unsigned applied;
	DbConn *conn;

	admin = db_pool_new(base, 1, 5000);
	conn = db_acquire(admin, &error);
	g_assert_no_error(error);
	g_assert_true(db_exec_simple(conn,
	    "DROP DATABASE IF EXISTS " DBNAME " WITH (FORCE)", &error));
	g_assert_true(db_exec_simple(conn, "CREATE DATABASE " DBNAME, &error));
	db_release(admin, conn);
	dburl = url_with_db(base, DBNAME);

	tmpdir = g_dir_make_tmp("summit-door-XXXXXX", &error);
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
	g_assert_true(app_event_pick(app, NULL, false, &event_id, &error));
	g_assert_no_error(error);

	pool = db_pool_new(dburl, 1, 5000);
	conn = db_acquire(pool, &error);
	g_assert_no_error(error);
	g_assert_true(db_exec_simple(conn,
	    "INSERT INTO participant (event_id, name, email, organisation,"
	    " sector, status, hold_until, consent_at) SELECT id, n, e, 'LO',"
	    " 'union', s, now() + interval '1 day', now() FROM event,"
	    " (VALUES ('Kari', 'kari@example.no', 'confirmed'),"
	    " ('Ola', 'ola@example.no', 'confirmed'),"
	    " ('Per', 'per@example.no', 'pending')) AS v(n, e, s)",
	    &error));
	g_assert_no_error(error);
	db_release(pool, conn);
	k = value(Q_ID, 0);
	p = value(Q_ID, 1);
	kari = g_ascii_strtoll(k, NULL, 10);
	per = g_ascii_strtoll(p, NULL, 10);
	g_assert_cmpint(kari, >, 0);
	g_assert_cmpint(per, >, 0);
}

static void
teardown(void)
{
	g_autoptr(DbPool) admin = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *conf = NULL;
	DbConn *conn;

	g_clear_pointer(&app, app_free);
	g_clear_pointer(&pool, db_pool_free);
	admin = db_pool_new(g_getenv("SUMMIT_TEST_PGURL"), 1, 5000);
	if ((conn = db_acquire(admin, &error)) != NULL) {
		(void)db_exec_simple(conn,
		    "DROP DATABASE IF EXISTS " DBNAME " WITH (FORCE)", &error);
		db_release(admin, conn);
	}
	conf = g_build_filename(tmpdir, "summit.conf", NULL);
	(void)g_unlink(conf);
	(void)g_rmdir(tmpdir);
	g_free(tmpdir);
	g_free(dburl);
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	if (g_getenv("SUMMIT_TEST_PGURL") == NULL ||
	    g_getenv("SUMMIT_SOURCE_DIR") == NULL) {
		g_test_skip("no SUMMIT_TEST_PGURL");
		return g_test_run();
	}
	g_test_add_func("/door/code", test_code);
	g_test_add_func("/door/pending", test_pending);
	g_test_add_func("/door/reissue", test_reissue);
	g_test_add_func("/door/ensure", test_ensure);
	setup();
	rc = g_test_run();
	teardown();
	return rc;
}
