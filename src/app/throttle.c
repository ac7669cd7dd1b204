/*
 * throttle.c -- what the registration rate limits turned away, for
 * organisers.
 *
 * The limits themselves count in each summitd's memory (base/limit.c),
 * so a registration never waits on a shared row.  summitd's periodic job
 * drains their refusal counters here now and then: one INSERT per flush,
 * only when something was refused, never on the registration path.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/* The longest key stored: an address key or a domain. */
#define THROTTLE_KEY_MAX 255

/* The kinds as the table spells them (not const: GPtrArray holds them). */
static char throttle_kind_address[] = "address";
static char throttle_kind_domain[] = "domain";

static void
throttle_collect(GHashTable *counts, char *kind, GPtrArray *kinds,
    GPtrArray *keys, GArray *ns)
{
	GHashTableIter it;
	gpointer k, v;

	if (counts == NULL)
		return;
	g_hash_table_iter_init(&it, counts);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		gint64 n = GPOINTER_TO_INT(v);

		if (n <= 0 || *(const char *)k == '\0' ||
		    strlen(k) > THROTTLE_KEY_MAX)
			continue;
		g_ptr_array_add(kinds, kind);
		g_ptr_array_add(keys, k);
		g_array_append_val(ns, n);
	}
}

struct throttle_unit {
	const char *const *kinds, *const *keys;
	const gint64 *ns;
	guint n;
};

/* One statement, committed on its own (app_db_run retries it). */
static gboolean
throttle_write(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct throttle_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	if (!db_throttle_record(conn, u->kinds, u->keys, u->ns, u->n, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_throttle_record(const struct app *app, GHashTable *by_address,
    GHashTable *by_domain, GError **error)
{
	struct throttle_unit u;
	g_autoptr(GPtrArray) kinds = g_ptr_array_new();
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	g_autoptr(GArray) ns = g_array_new(FALSE, FALSE, sizeof(gint64));

	throttle_collect(by_address, throttle_kind_address, kinds, keys, ns);
	throttle_collect(by_domain, throttle_kind_domain, kinds, keys, ns);
	if (keys->len == 0)
		return TRUE;
	u = (struct throttle_unit){ (const char *const *)kinds->pdata,
		(const char *const *)keys->pdata,
		(const gint64 *)(void *)ns->data, keys->len };
	return app_db_run(app, throttle_write, &u, error);
}

JsonObject *
app_throttle_recent(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonObject *out;
	JsonArray *addr, *dom;
	DbConn *conn;
	guint i;

	if (!app_require(actor, "staff", error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((tz = app_event_zone(conn, actor->event_id, error)) == NULL) {
		db_release(app->db, conn);
		return NULL;
	}
	rows = db_throttle_recent(conn, 24, 400, &dberr);
	db_release(app->db, conn);
	if (rows == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	app_local_times(rows, "last", tz, "%Y-%m-%d %H:%M", "");
	out = json_object_new();
	addr = json_array_new();
	dom = json_array_new();
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		json_array_add_object_element(
		    g_strcmp0(db_str(r, "kind"), "address") == 0 ? addr : dom,
		    json_object_ref(r));
	}
	json_object_set_array_member(out, "address", addr);
	json_object_set_array_member(out, "domain", dom);
	return out;
}
