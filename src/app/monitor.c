/*
 * monitor.c -- readiness, the process's counters, the pool and the
 * outbox as /health/ready and /metrics see them (app/monitor.h).
 *
 * The counters are in process, not read from the database: registrations
 * and check-ins can be erased or undone in the database, so a count of
 * rows is no counter; and a count kept where the event happens costs one
 * atomic add.  So they say what this process did since it started.
 */
#include "app/app.h"
#include "app/internal.h"
#include "base/base.h"

#include <stdatomic.h>

static atomic_uint_fast64_t app_counters[APP_COUNT__MAX];

void
app_count(enum app_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(&app_counters[c], n, memory_order_relaxed);
}

uint64_t
app_counter_value(enum app_counter c)
{
	return atomic_load_explicit(&app_counters[c], memory_order_relaxed);
}

void
app_pool_stats(const struct app *app, struct app_pool_stats *out)
{
	struct db_pool_stats s;

	db_pool_stats(app->db, &s);
	*out = (struct app_pool_stats){ s.size, s.open, s.in_use, s.waiting };
}

static const char *const outbox_states[] = { "queued", "sent", "failed",
	"held" };

struct depth_unit {
	JsonArray *rows;
};

static gboolean
depth_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct depth_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&u->rows, json_array_unref);
	if ((u->rows = db_outbox_depth(conn, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

JsonObject *
app_outbox_depth(const struct app *app, GError **error)
{
	struct depth_unit u = { NULL };
	JsonObject *view;
	size_t i;
	guint k;

	if (!app_db_run(app, depth_run, &u, error))
		return NULL;
	view = json_object_new();
	for (i = 0; i < G_N_ELEMENTS(outbox_states); i++)
		json_object_set_int_member(view, outbox_states[i], 0);
	for (k = 0; k < json_array_get_length(u.rows); k++) {
		JsonObject *row = json_array_get_object_element(u.rows, k);

		json_object_set_int_member(view, db_str(row, "state"),
		    db_int(row, "n"));
	}
	json_array_unref(u.rows);
	return view;
}

struct ready_unit {
	GPtrArray *files;
	char *missing; /* the first file not applied */
};

static gboolean
ready_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct ready_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = db_migrations_applied(conn, &dberr);
	g_autoptr(GHashTable) applied = NULL;
	guint i;

	(void)app;
	g_clear_pointer(&u->missing, g_free);
	if (rows == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	applied = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < json_array_get_length(rows); i++)
		g_hash_table_add(applied,
		    g_strdup(db_str(json_array_get_object_element(rows, i),
		        "version")));
	for (i = 0; i < u->files->len && u->missing == NULL; i++)
		if (!g_hash_table_contains(applied,
		        g_ptr_array_index(u->files, i)))
			u->missing = g_strdup(g_ptr_array_index(u->files, i));
	return TRUE;
}

gboolean
app_ready(const struct app *app, char **reason)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) files = NULL;
	struct ready_unit u = { NULL, NULL };

	*reason = NULL;
	files = db_migration_files(app->conf->migrations_dir, &error);
	if (files == NULL) {
		*reason = g_strdup_printf("migrations: %s", error->message);
		return FALSE;
	}
	u.files = files;
	if (!app_db_run(app, ready_run, &u, &error)) {
		*reason = g_strdup(error->code == APP_EUNAVAILABLE ?
		        "database unreachable" :
		        "database error");
		return FALSE;
	}
	if (u.missing != NULL) {
		*reason = g_strdup_printf("migration %s not applied",
		    u.missing);
		g_free(u.missing);
		return FALSE;
	}
	return TRUE;
}
