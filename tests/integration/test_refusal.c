/*
 * test_refusal.c -- checked contracts between db/ and its callers: row
 * accessors that catch unknown columns, and constraint errors mapped to
 * form fields (app/refusal.c) from real violations in PostgreSQL.
 *
 * The row cases need no database.  The rest make a throwaway database on
 * the cluster of SUMMIT_TEST_PGURL (scripts/test.sh), migrate it from
 * sql/ with the demo event, break one rule per statement and look at what
 * comes back; they are skipped without SUMMIT_TEST_PGURL.  refusal.c is
 * included, not linked, to reach its table.
 */
#include "../../src/app/refusal.c"

#include "db/internal.h"

#include <libpq-fe.h>

static DbPool *pool;
static char *dburl;

/* ---- row accessors ---- */

static JsonObject *
row_new(void)
{
	JsonObject *row = json_object_new();

	json_object_set_int_member(row, "id", 7);
	json_object_set_string_member(row, "name", "Kari");
	json_object_set_null_member(row, "hold_until");
	json_object_set_boolean_member(row, "pinned", TRUE);
	return row;
}

/* Known columns read as ever, a NULL value included, strict or not:
 * GTest makes any critical fatal, so none was raised. */
static void
test_rows_known(void)
{
	g_autoptr(JsonObject) row = row_new();

	db_set_strict_rows(true);
	g_assert_cmpint(db_int(row, "id"), ==, 7);
	g_assert_cmpstr(db_str(row, "name"), ==, "Kari");
	g_assert_null(db_str(row, "hold_until"));
	g_assert_cmpint(db_int(row, "hold_until"), ==, 0);
	g_assert_cmpint(db_int(row, "pinned"), ==, 1);
}

static void
test_rows_unknown_strict(void)
{
	if (g_test_subprocess()) {
		g_autoptr(JsonObject) row = row_new();

		db_set_strict_rows(true);
		(void)db_int(row, "nmae");
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*row has no column \"nmae\"*it has: *id*");
}

static void
test_rows_unknown_str_strict(void)
{
	if (g_test_subprocess()) {
		g_autoptr(JsonObject) row = row_new();

		db_set_strict_rows(true);
		(void)db_str(row, "emial");
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*row has no column \"emial\"*");
}

/* A number read as a string would be NULL: reported too. */
static void
test_rows_wrong_kind_strict(void)
{
	if (g_test_subprocess()) {
		g_autoptr(JsonObject) row = row_new();

		db_set_strict_rows(true);
		(void)db_str(row, "id");
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*column \"id\" is not a string*");
}

/* Not strict: the old defaults, silently. */
static void
test_rows_lenient(void)
{
	g_autoptr(JsonObject) row = row_new();

	db_set_strict_rows(false);
	g_assert_cmpint(db_int(row, "nmae"), ==, 0);
	g_assert_null(db_str(row, "emial"));
	g_assert_null(db_str(row, "id"));
	db_set_strict_rows(true);
}

/* ---- reasons ---- */

static void
test_reason_names(void)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	int r;

	g_assert_null(app_reason_name(0));
	g_assert_null(app_reason_name(APP_REASON__MAX));
	for (r = 1; r < APP_REASON__MAX; r++) {
		const char *name = app_reason_name(r);

		g_assert_nonnull(name);
		g_assert_false(g_hash_table_contains(seen, name));
		g_hash_table_add(seen, (gpointer)(guintptr)name);
	}
	g_assert_cmpstr(app_reason_name(APP_REASON_TAKEN), ==, "taken");
	g_assert_cmpstr(app_reason_name(APP_REASON_OVERLAP), ==, "overlap");
}

/* ---- against PostgreSQL ---- */

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

static gboolean
db_setup(void)
{
	const char *base = g_getenv("SUMMIT_TEST_PGURL");
	const char *src = g_getenv("SUMMIT_SOURCE_DIR");
	g_autoptr(DbPool) admin = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *sql = NULL, *demo = NULL;
	DbConn *conn;
	unsigned applied;

	if (base == NULL || src == NULL)
		return FALSE;
	admin = db_pool_new(base, 1, 5000);
	conn = db_acquire(admin, &error);
	g_assert_no_error(error);
	g_assert_true(db_exec_simple(conn,
	    "DROP DATABASE IF EXISTS"
	    " summit_it_refusal WITH (FORCE)",
	    &error));
	g_assert_true(
	    db_exec_simple(conn, "CREATE DATABASE summit_it_refusal", &error));
	db_release(admin, conn);

	dburl = url_with_db(base, "summit_it_refusal");
	pool = db_pool_new(dburl, 1, 5000);
	conn = db_acquire(pool, &error);
	g_assert_no_error(error);
	sql = g_build_filename(src, "sql", NULL);
	demo = g_build_filename(src, "sql", "demo", "ki-toppmote.sql", NULL);
	g_assert_true(db_migrate(conn, sql, &applied, &error));
	g_assert_no_error(error);
	g_assert_true(db_run_script(conn, demo, &error));
	g_assert_no_error(error);
	/* A second event, for rows that must not mix events. */
	g_assert_true(db_exec_simple(conn,
	    "INSERT INTO event (slug, name_nb, name_en, starts_at, ends_at,"
	    " registration_opens, registration_closes, capacity, mailbox)"
	    " VALUES ('other', 'Annet', 'Other', now(), now() + interval"
	    " '1 day', now() - interval '1 day', now(), 3, 'x@example.no');"
	    "SELECT summit_sync_places(id) FROM event;"
	    "INSERT INTO sector (event_id, code, name_nb, name_en)"
	    " SELECT id, 'business', 'N', 'B' FROM event WHERE slug = 'other';"
	    "INSERT INTO participant (event_id, name, email, organisation,"
	    " sector, status, consent_at) SELECT id, 'Kari', 'kari@example.no',"
	    " 'Org', 'business', 'confirmed', now() FROM event"
	    " WHERE slug = 'ki-toppmote'",
	    &error));
	g_assert_no_error(error);
	db_release(pool, conn);
	return TRUE;
}

static void
db_teardown(void)
{
	g_autoptr(DbPool) admin = NULL;
	g_autoptr(GError) error = NULL;
	DbConn *conn;

	if (pool == NULL)
		return;
	db_pool_free(pool);
	pool = NULL;
	admin = db_pool_new(g_getenv("SUMMIT_TEST_PGURL"), 1, 5000);
	if ((conn = db_acquire(admin, &error)) != NULL) {
		(void)db_exec_simple(conn,
		    "DROP DATABASE IF EXISTS"
		    " summit_it_refusal WITH (FORCE)",
		    &error);
		db_release(admin, conn);
	}
	g_free(dburl);
}

/* Each statement breaks one rule of the demo event (id 1). */
struct violation {
	const char *sql;
	const char *param;
	int code;
	const char *constraint; /* NULL: none (NOT NULL) */
	const char *field;
	enum app_reason reason;
};

static const struct violation violations[] = {
	{ "INSERT INTO slot (event_id, starts_at, ends_at) VALUES (1,"
	  " '2027-03-11 10:00 Europe/Oslo', '2027-03-11 11:00 Europe/Oslo')",
	    NULL, DB_ECONFLICT, "slot_event_id_starts_at_ends_at_excl",
	    "starts_at", APP_REASON_OVERLAP },
	{ "UPDATE slot SET ends_at = '2027-03-11 11:30 Europe/Oslo'"
	  " WHERE id = (SELECT min(id) FROM slot WHERE event_id = 1)",
	    NULL, DB_ECONFLICT, "slot_event_id_starts_at_ends_at_excl",
	    "starts_at", APP_REASON_OVERLAP },
	{ "INSERT INTO slot (event_id, starts_at, ends_at) VALUES (1,"
	  " '2027-03-11 16:00 Europe/Oslo', '2027-03-11 15:00 Europe/Oslo')",
	    NULL, DB_EINVALID, "slot_ends_at_check", "ends_at",
	    APP_REASON_ORDER },
	{ "INSERT INTO session (event_id, slot_id, code, title_nb, title_en,"
	  " capacity) SELECT 1, min(id), $1, 'T', 'T', 5 FROM slot"
	  " WHERE event_id = 1",
	    "arbeidsliv", DB_ECONFLICT, "session_event_id_code_key", "code",
	    APP_REASON_TAKEN },
	{ "UPDATE session SET capacity = $1::int WHERE event_id = 1", "-1",
	    DB_EINVALID, "session_capacity_check", "capacity",
	    APP_REASON_RANGE },
	{ "UPDATE session SET slot_id = (SELECT max(id) FROM slot) + $1::int"
	  " WHERE event_id = 1",
	    "1000", DB_EINVALID, "session_slot_id_event_id_fkey", "slot_id",
	    APP_REASON_INVALID },
	{ "INSERT INTO participant (event_id, name, email, organisation,"
	  " sector, status, consent_at) VALUES (1, 'Kari', $1, 'Org',"
	  " 'business', 'confirmed', now())",
	    "KARI@example.no", DB_ECONFLICT, "participant_event_id_email_key",
	    "email", APP_REASON_TAKEN },
	{ "INSERT INTO participant (event_id, name, email, organisation,"
	  " sector, status, consent_at) VALUES (1, 'Ola', 'ola@example.no',"
	  " 'Org', $1, 'confirmed', now())",
	    "pirates", DB_EINVALID, "participant_event_id_sector_fkey",
	    "sector", APP_REASON_INVALID },
	{ "INSERT INTO participant (event_id, name, email, organisation,"
	  " sector, status, consent_at) VALUES (1, $1, 'ola@example.no',"
	  " 'Org', 'business', 'confirmed', now())",
	    "", DB_EINVALID, "participant_name_check", "name",
	    APP_REASON_LENGTH },
	{ "INSERT INTO participant (event_id, name, email, organisation,"
	  " sector, status, consent_at) VALUES (1, $1, 'ola@example.no',"
	  " 'Org', 'business', 'confirmed', now())",
	    NULL, DB_EINVALID, NULL, "name", APP_REASON_MISSING },
	{ "UPDATE event SET registration_closes = registration_opens"
	  " - $1::interval WHERE id = 1",
	    "1 day", DB_EINVALID, "event_registration_closes_check",
	    "registration_closes", APP_REASON_ORDER },
	{ "UPDATE event SET capacity = $1::int WHERE id = 1", "-5", DB_EINVALID,
	    "event_capacity_check", "capacity", APP_REASON_RANGE },
	{ "INSERT INTO sector (event_id, code, name_nb, name_en)"
	  " VALUES (1, $1, 'N', 'B')",
	    "union", DB_ECONFLICT, "sector_pkey", "code", APP_REASON_TAKEN },
	{ "UPDATE sector SET colour = $1 WHERE event_id = 1", "red",
	    DB_EINVALID, "sector_colour_check", "colour", APP_REASON_INVALID },
	{ "INSERT INTO invitation_code (event_id, code, max_uses, used)"
	  " VALUES (1, $1, 1, 2)",
	    "ABCDEF23", DB_EINVALID, "invitation_code_used_check",
	    "invitation_code", APP_REASON_FULL },
	{ "INSERT INTO organiser (email, role) VALUES ($1, 'boss')",
	    "a@example.no", DB_EINVALID, "organiser_role_check", "role",
	    APP_REASON_INVALID },
};

static GError *
violate(const char *sql, const char *param)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) rows = NULL;
	const char *p[1] = { param };
	DbConn *conn = db_acquire(pool, &error);

	g_assert_nonnull(conn);
	rows = db_exec(conn, sql, strstr(sql, "$1") ? 1 : 0, p, &error);
	g_assert_null(rows);
	db_release(pool, conn);
	return g_steal_pointer(&error);
}

static void
test_violations(void)
{
	size_t i;

	if (pool == NULL) {
		g_test_skip("SUMMIT_TEST_PGURL is not set");
		return;
	}
	for (i = 0; i < G_N_ELEMENTS(violations); i++) {
		const struct violation *v = &violations[i];
		g_autoptr(GError) e = violate(v->sql, v->param);
		g_autoptr(GError) copy = NULL;
		struct app_refusal r = { 0 };

		g_test_message("%s", v->sql);
		g_assert_error(e, SUMMIT_DB_ERROR, v->code);
		g_assert_cmpstr(db_error_constraint(e), ==, v->constraint);
		g_assert_true(app_refusal_from_db(e, &r));
		g_assert_cmpstr(r.field, ==, v->field);
		g_assert_cmpint(r.reason, ==, v->reason);
		/* The name travels with copies of the error. */
		copy = g_error_copy(e);
		g_assert_cmpstr(db_error_constraint(copy), ==, v->constraint);
	}
}

/* A constraint no user input trips is named, but is no refusal. */
static void
test_unmapped(void)
{
	g_autoptr(GError) e = NULL;
	struct app_refusal r = { "untouched", APP_REASON_FULL };

	if (pool == NULL) {
		g_test_skip("SUMMIT_TEST_PGURL is not set");
		return;
	}
	/* A place of the other event given to a demo participant. */
	e = violate(
	    "UPDATE place SET participant_id = (SELECT id FROM"
	    " participant WHERE email = $1) WHERE event_id = (SELECT id FROM"
	    " event WHERE slug = 'other') AND place_no = 1",
	    "kari@example.no");
	g_assert_error(e, SUMMIT_DB_ERROR, DB_EINVALID);
	g_assert_cmpstr(db_error_constraint(e), ==,
	    "place_participant_id_event_id_fkey");
	g_assert_cmpstr(db_error_table(e), ==, "place");
	g_assert_false(app_refusal_from_db(e, &r));
	g_assert_cmpstr(r.field, ==, "untouched");
	g_clear_error(&e);

	/* Not a constraint at all. */
	e = violate("SELECT 1 / $1::int", "0");
	g_assert_error(e, SUMMIT_DB_ERROR, DB_EINTERNAL);
	g_assert_null(db_error_constraint(e));
	g_assert_false(app_refusal_from_db(e, &r));
	g_assert_false(app_refusal_from_db(NULL, &r));
}

/* Every name in the table is a constraint (or unique index) of the
 * migrated schema: a renamed constraint cannot silently stop mapping. */
static void
test_table_names_exist(void)
{
	static const char *const sql =
	    "SELECT conname AS name FROM pg_constraint"
	    " WHERE connamespace = 'public'::regnamespace"
	    " UNION SELECT c.relname FROM pg_index i JOIN pg_class c"
	    " ON c.oid = i.indexrelid WHERE i.indisunique"
	    " AND c.relnamespace = 'public'::regnamespace";
	static const char *const notnull =
	    "SELECT DISTINCT attname::text AS name FROM pg_attribute a"
	    " JOIN pg_class c ON c.oid = a.attrelid"
	    " WHERE c.relnamespace = 'public'::regnamespace"
	    " AND c.relkind = 'r' AND a.attnotnull AND a.attnum > 0";
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) rows = NULL, cols = NULL;
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	DbConn *conn;
	size_t i;
	guint j;

	if (pool == NULL) {
		g_test_skip("SUMMIT_TEST_PGURL is not set");
		return;
	}
	conn = db_acquire(pool, &error);
	g_assert_no_error(error);
	rows = db_exec(conn, sql, 0, NULL, &error);
	g_assert_no_error(error);
	cols = db_exec(conn, notnull, 0, NULL, &error);
	g_assert_no_error(error);
	db_release(pool, conn);
	for (j = 0; j < json_array_get_length(rows); j++)
		g_hash_table_add(names,
		    (gpointer)(guintptr)db_str(
		        json_array_get_object_element(rows, j), "name"));
	for (i = 0; i < G_N_ELEMENTS(refusal_rules); i++) {
		g_test_message("%s", refusal_rules[i].constraint);
		g_assert_true(
		    g_hash_table_contains(names, refusal_rules[i].constraint));
		if (i > 0)
			g_assert_cmpstr(refusal_rules[i - 1].constraint, <,
			    refusal_rules[i].constraint);
	}
	g_hash_table_remove_all(names);
	for (j = 0; j < json_array_get_length(cols); j++)
		g_hash_table_add(names,
		    (gpointer)(guintptr)db_str(
		        json_array_get_object_element(cols, j), "name"));
	for (i = 0; i < G_N_ELEMENTS(refusal_required); i++) {
		g_test_message("%s", refusal_required[i]);
		g_assert_true(
		    g_hash_table_contains(names, refusal_required[i]));
	}
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	db_set_strict_rows(true);
	g_test_add_func("/rows/known", test_rows_known);
	g_test_add_func("/rows/unknown-int-strict", test_rows_unknown_strict);
	g_test_add_func("/rows/unknown-str-strict",
	    test_rows_unknown_str_strict);
	g_test_add_func("/rows/wrong-kind-strict", test_rows_wrong_kind_strict);
	g_test_add_func("/rows/lenient", test_rows_lenient);
	g_test_add_func("/refusal/reason-names", test_reason_names);
	g_test_add_func("/refusal/violations", test_violations);
	g_test_add_func("/refusal/unmapped", test_unmapped);
	g_test_add_func("/refusal/table-names-exist", test_table_names_exist);
	/* Subprocesses run one case each and need no database. */
	if (!g_test_subprocess())
		db_setup();
	rc = g_test_run();
	if (!g_test_subprocess())
		db_teardown();
	return rc;
}
