/*
 * migrate.c -- numbered schema changes from sql/, applied in order.
 *
 * Each file runs in its own transaction together with its row in
 * schema_migrations, so a failing file leaves the database as it was and
 * is tried again next time.  An advisory lock keeps two migrators (two
 * summitctl runs, or several machines) from applying the same file twice.
 */
#include "db/internal.h"
#include "base/base.h"

#include <string.h>

static const char *const SQL_MIGRATION_APPLIED =
    "SELECT 1 FROM schema_migrations WHERE version = $1";
static const char *const SQL_MIGRATION_RECORD =
    "INSERT INTO schema_migrations (version) VALUES ($1)";
static const char *const SQL_MIGRATIONS_APPLIED =
    "SELECT version FROM schema_migrations";

#define MIGRATE_LOCK_KEY "4242010"

static gint
migrate_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "001_core.sql" -> "001_core"; NULL for files that are not migrations. */
static char *
migrate_version(const char *file)
{
	if (!g_ascii_isdigit(file[0]) || !g_ascii_isdigit(file[1]) ||
	    !g_ascii_isdigit(file[2]) || file[3] != '_' ||
	    !g_str_has_suffix(file, ".sql"))
		return NULL;
	return g_strndup(file, strlen(file) - 4);
}

static gboolean
migrate_one(DbConn *conn, const char *dir, const char *file,
    const char *version, bool *applied, GError **error)
{
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autofree char *sql = NULL;
	g_autoptr(JsonArray) done = NULL;
	g_autoptr(GError) local = NULL;
	const char *p[1] = { version };

	*applied = false;
	if (!g_file_get_contents(path, &sql, NULL, &local)) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINTERNAL,
		    "could not read migration \"%s\": %s", path,
		    local->message);
		return FALSE;
	}
	if (!db_begin(conn, error))
		return FALSE;
	if (!db_exec_simple(conn,
	        "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", error))
		goto fail;
	done = db_exec(conn, SQL_MIGRATION_APPLIED, 1, p, error);
	if (done == NULL)
		goto fail;
	if (json_array_get_length(done) > 0) {
		db_rollback(conn);
		return TRUE;
	}
	if (!db_exec_simple(conn, sql, &local)) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINTERNAL,
		    "migration \"%s\" failed and was rolled back: %s", file,
		    local->message);
		goto fail;
	}
	if (!db_exec_noresult(conn, SQL_MIGRATION_RECORD, 1, p, error) ||
	    !db_commit(conn, error))
		goto fail;
	*applied = true;
	return TRUE;
fail:
	db_rollback(conn);
	return FALSE;
}

GPtrArray *
db_migration_files(const char *dir, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (d == NULL)
		return NULL;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *version;

		if (!g_str_has_suffix(name, ".sql"))
			continue;
		if ((version = migrate_version(name)) == NULL) {
			g_set_error(error, SUMMIT_DB_ERROR, DB_EINTERNAL,
			    "\"%s\" in %s is not named NNN_name.sql", name,
			    dir);
			return NULL;
		}
		g_ptr_array_add(files, version);
	}
	g_ptr_array_sort(files, migrate_cmp);
	return g_steal_pointer(&files);
}

JsonArray *
db_migrations_applied(DbConn *conn, GError **error)
{
	return db_exec(conn, SQL_MIGRATIONS_APPLIED, 0, NULL, error);
}

gboolean
db_migrate(DbConn *conn, const char *dir, unsigned *applied, GError **error)
{
	g_autoptr(GPtrArray) versions = NULL;
	guint i;

	*applied = 0;
	if (!db_exec_simple(conn,
	        "CREATE TABLE IF NOT EXISTS schema_migrations ("
	        " version text PRIMARY KEY,"
	        " applied_at timestamptz NOT NULL DEFAULT now())",
	        error))
		return FALSE;
	if ((versions = db_migration_files(dir, error)) == NULL)
		return FALSE;
	for (i = 0; i < versions->len; i++) {
		const char *version = g_ptr_array_index(versions, i);
		g_autofree char *file = g_strconcat(version, ".sql", NULL);
		bool did;

		if (!migrate_one(conn, dir, file, version, &did, error))
			return FALSE;
		if (did) {
			log_info("applied migration %s", version);
			(*applied)++;
		}
	}
	return TRUE;
}

gboolean
db_run_script(DbConn *conn, const char *path, GError **error)
{
	g_autofree char *sql = NULL;

	if (!g_file_get_contents(path, &sql, NULL, error))
		return FALSE;
	if (!db_begin(conn, error))
		return FALSE;
	if (!db_exec_simple(conn, sql, error) || !db_commit(conn, error)) {
		db_rollback(conn);
		return FALSE;
	}
	return TRUE;
}
