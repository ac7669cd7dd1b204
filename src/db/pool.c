/*
 * pool.c -- a fixed-size pool of libpq connections and the statement runner.
 *
 * Connections open lazily.  An idle connection whose server went away (a
 * restart, a crash, pg_terminate_backend) does not know it until it is
 * used, so every acquire checks first: libpq's status, then a zero-timeout
 * poll() on the socket.  An idle connection has nothing to read; if the
 * socket is readable the server has said goodbye (a FATAL "terminating
 * connection" message, then EOF), and PQconsumeInput turns that into a bad
 * status.  A dead one is replaced before anyone uses it, so a database
 * restart costs only the requests that were in flight, and those are
 * retried once by whoever runs the unit (app_db_run; docs/faults.md).  A
 * BEGIN that finds the link dead is sent again on a new link, since
 * nothing was open on the old one.
 *
 * Threads wait on a condition variable for a free connection, bounded in
 * time, so a stuck database cannot pile up every server thread forever.
 */
#include "db/internal.h"
#include "base/base.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

/*
 * SUMMIT_DB_ERROR is an extended GError domain: an error of a violated
 * constraint carries the constraint's name (and the table and column the
 * server reported) beside its code, so callers never parse the message.
 * GLib copies and frees them with the error.
 */
typedef struct {
	char *constraint;
	char *table;
	char *column;
} DbErrorPrivate;

static void
db_error_private_init(DbErrorPrivate *priv)
{
	priv->constraint = priv->table = priv->column = NULL;
}

static void
db_error_private_copy(const DbErrorPrivate *src, DbErrorPrivate *dest)
{
	dest->constraint = g_strdup(src->constraint);
	dest->table = g_strdup(src->table);
	dest->column = g_strdup(src->column);
}

static void
db_error_private_clear(DbErrorPrivate *priv)
{
	g_clear_pointer(&priv->constraint, g_free);
	g_clear_pointer(&priv->table, g_free);
	g_clear_pointer(&priv->column, g_free);
}

/* GLib's macro casts the const of its GError argument away. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
G_DEFINE_EXTENDED_ERROR(DbError, db_error)
#pragma GCC diagnostic pop

/* e's private part if it is a SUMMIT_DB_ERROR, else NULL. */
static const DbErrorPrivate *
db_error_private(const GError *e)
{
	if (e == NULL || e->domain != SUMMIT_DB_ERROR)
		return NULL;
	return db_error_get_private(e);
}

const char *
db_error_constraint(const GError *e)
{
	const DbErrorPrivate *priv = db_error_private(e);

	return priv != NULL ? priv->constraint : NULL;
}

const char *
db_error_table(const GError *e)
{
	const DbErrorPrivate *priv = db_error_private(e);

	return priv != NULL ? priv->table : NULL;
}

const char *
db_error_column(const GError *e)
{
	const DbErrorPrivate *priv = db_error_private(e);

	return priv != NULL ? priv->column : NULL;
}

struct db_pool {
	char *url;
	unsigned size;
	unsigned wait_ms;
	pthread_mutex_t lock; /* lock.c: TSan must see it */
	pthread_cond_t freed;
	DbConn **idle; /* stack of idle connections */
	unsigned nidle;
	unsigned nopen;    /* connections handed out or idle */
	unsigned nwaiting; /* threads in db_acquire's wait */
};

DbPool *
db_pool_new(const char *url, unsigned size, unsigned wait_ms)
{
	DbPool *pool = g_new0(DbPool, 1);

	/* The error domain is registered here, before any thread runs:
	 * G_DEFINE_EXTENDED_ERROR's lazy registration is a once-guard inside
	 * GLib that ThreadSanitizer cannot see, so two workers meeting their
	 * first database error together looked like a race on its quark. */
	(void)db_error_quark();
	pool->url = g_strdup(url);
	pool->size = size ? size : 1;
	pool->wait_ms = wait_ms;
	pool->idle = g_new0(DbConn *, pool->size);
	lock_init(&pool->lock);
	lock_cond_init(&pool->freed);
	return pool;
}

static void
db_conn_close(DbConn *conn)
{
	if (conn == NULL)
		return;
	if (conn->pg != NULL)
		PQfinish(conn->pg);
	if (conn->named != NULL)
		g_hash_table_unref(conn->named);
	g_free(conn);
}

void
db_pool_free(DbPool *pool)
{
	unsigned i;

	if (pool == NULL)
		return;
	for (i = 0; i < pool->nidle; i++)
		db_conn_close(pool->idle[i]);
	lock_clear(&pool->lock);
	lock_cond_clear(&pool->freed);
	g_free(pool->idle);
	g_free(pool->url);
	g_free(pool);
}

/*
 * Notices and warnings go to stderr as libpq's default does; a FATAL that
 * arrives while the connection is idle (the server shutting down or
 * terminating us) marks the connection broken, even before its EOF.
 */
static void
db_notice(void *arg, const PGresult *res)
{
	DbConn *conn = arg;
	const char *sev = PQresultErrorField(res,
	    PG_DIAG_SEVERITY_NONLOCALIZED);

	if (sev != NULL &&
	    (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0)) {
		g_autofree char *why = text_one_line(PQresultErrorMessage(res));

		conn->broken = true;
		log_warnx("database connection closed by the server: %s", why);
		return;
	}
	fputs(PQresultErrorMessage(res), stderr);
}

/*
 * True if conn's link is usable as far as we can tell without a round
 * trip.  An idle link has nothing to read; anything readable is consumed
 * (a notice, or the server's goodbye and EOF, which makes the status
 * bad).  A few rounds at most: data still coming after that is not an
 * idle link's, and a new link is cheaper than guessing.
 */
static bool
db_conn_alive(DbConn *conn)
{
	int round;

	if (conn->pg == NULL || conn->broken ||
	    PQstatus(conn->pg) != CONNECTION_OK ||
	    PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
		return false;
	for (round = 0; round < 4; round++) {
		struct pollfd pfd = { .fd = PQsocket(conn->pg),
			.events = POLLIN };
		int n;

		if (pfd.fd < 0)
			return false;
		do
			n = poll(&pfd, 1, 0);
		while (n < 0 && errno == EINTR);
		if (n == 0)
			return true;
		if (n < 0 || (pfd.revents & POLLNVAL))
			return false;
		if (!PQconsumeInput(conn->pg) || conn->broken ||
		    PQstatus(conn->pg) != CONNECTION_OK)
			return false;
	}
	return false;
}

/* Opens or re-opens conn's link; false with DB_ECONN if the server is away. */
static gboolean
db_conn_connect(DbPool *pool, DbConn *conn, GError **error)
{
	if (conn->pg != NULL)
		PQfinish(conn->pg);
	if (conn->named != NULL)
		g_hash_table_remove_all(conn->named);
	else
		conn->named = g_hash_table_new_full(g_direct_hash,
		    g_direct_equal, NULL, g_free);
	conn->in_tx = false;
	conn->broken = false;
	conn->pg = PQconnectdb(pool->url);
	if (PQstatus(conn->pg) != CONNECTION_OK) {
		g_autofree char *why = text_one_line(PQerrorMessage(conn->pg));

		log_warnx("could not connect to the database: %s", why);
		g_set_error(error, SUMMIT_DB_ERROR, DB_ECONN,
		    "could not connect to the database");
		PQfinish(conn->pg);
		conn->pg = NULL;
		conn->broken = true;
		return FALSE;
	}
	PQsetNoticeReceiver(conn->pg, db_notice, conn);
	/* Generic plans cached while tables are nearly empty (at the opening
	 * of registration) would keep scanning them whole, the foreign-key
	 * checks' plans included: plan each execution for its values. */
	if (!db_exec_simple(conn, "SET plan_cache_mode = force_custom_plan",
	        error)) {
		conn->broken = true;
		return FALSE;
	}
	return TRUE;
}

DbConn *
db_acquire(DbPool *pool, GError **error)
{
	DbConn *conn = NULL;
	gint64 deadline = g_get_monotonic_time() +
	    (gint64)pool->wait_ms * G_TIME_SPAN_MILLISECOND;

	lock_acquire(&pool->lock);
	while (pool->nidle == 0 && pool->nopen >= pool->size) {
		bool woken;

		pool->nwaiting++;
		woken = lock_cond_wait_until(&pool->freed, &pool->lock,
		    deadline);
		pool->nwaiting--;
		if (!woken && pool->nidle == 0 && pool->nopen >= pool->size) {
			lock_release(&pool->lock);
			log_warnx("no database connection free after %u ms",
			    pool->wait_ms);
			g_set_error(error, SUMMIT_DB_ERROR, DB_ECONN,
			    "database connection pool exhausted");
			return NULL;
		}
	}
	if (pool->nidle > 0)
		conn = pool->idle[--pool->nidle];
	else {
		conn = g_new0(DbConn, 1);
		pool->nopen++;
	}
	lock_release(&pool->lock);

	conn->last_err = DB_OK;
	conn->commit_sent = false;
	if (!db_conn_alive(conn)) {
		if (conn->pg != NULL)
			log_info("database connection found dead; "
			         "opening a new one");
		if (!db_conn_connect(pool, conn, error)) {
			db_release(pool, conn);
			return NULL;
		}
	}
	conn->pool = pool;
	return conn;
}

void
db_pool_stats(DbPool *pool, struct db_pool_stats *out)
{
	lock_acquire(&pool->lock);
	out->size = pool->size;
	out->open = pool->nopen;
	out->in_use = pool->nopen - pool->nidle;
	out->waiting = pool->nwaiting;
	lock_release(&pool->lock);
}

bool
db_conn_retryable(const DbConn *conn)
{
	if (conn == NULL || conn->in_tx)
		return false;
	if (conn->last_err == DB_ERETRY)
		return true;
	/* A COMMIT whose answer was lost may have happened. */
	return conn->last_err == DB_ECONN && !conn->commit_sent;
}

void
db_release(DbPool *pool, DbConn *conn)
{
	if (conn == NULL)
		return;
	if (conn->in_tx)
		db_rollback(conn);
	lock_acquire(&pool->lock);
	if (conn->broken) {
		/* Drop it; the next acquire opens a fresh one. */
		db_conn_close(conn);
		pool->nopen--;
	} else
		pool->idle[pool->nidle++] = conn;
	lock_cond_signal(&pool->freed);
	lock_release(&pool->lock);
}

/* Maps a failed result to our error codes; logs the server's words. */
static void
db_set_error(DbConn *conn, const PGresult *res, const char *what,
    GError **error)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	                          NULL;
	g_autofree char *msg = text_one_line(
	    res && PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) :
	                                          PQerrorMessage(conn->pg));
	int code = DB_EINTERNAL;

	if (PQstatus(conn->pg) != CONNECTION_OK) {
		conn->broken = true;
		code = DB_ECONN;
	} else if (state == NULL)
		code = DB_EINTERNAL;
	else if (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0)
		code = DB_ECONFLICT;
	else if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0 ||
	    strcmp(state, "23502") == 0 || strcmp(state, "22P02") == 0 ||
	    strcmp(state, "22001") == 0)
		code = DB_EINVALID;
	else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		code = DB_ERETRY;
	else if (g_str_has_prefix(state, "08") ||
	    g_str_has_prefix(state, "57P"))
		code = DB_ECONN;
	if (code == DB_ECONN)
		conn->broken = true;
	conn->last_err = code;
	if (code == DB_EINTERNAL || code == DB_ECONN)
		log_warnx("database: %s failed (SQLSTATE %s): %s", what,
		    state ? state : "none", msg);
	else
		log_debug("database: %s: SQLSTATE %s: %s", what, state, msg);
	g_set_error(error, SUMMIT_DB_ERROR, code, "%s failed (SQLSTATE %s)",
	    what, state ? state : "none");
	/* What was refused, for app/refusal.c to name the field. */
	if ((code == DB_ECONFLICT || code == DB_EINVALID) && error != NULL &&
	    g_error_matches(*error, SUMMIT_DB_ERROR, code)) {
		DbErrorPrivate *priv = db_error_get_private(*error);

		priv->constraint = g_strdup(
		    PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
		priv->table = g_strdup(
		    PQresultErrorField(res, PG_DIAG_TABLE_NAME));
		priv->column = g_strdup(
		    PQresultErrorField(res, PG_DIAG_COLUMN_NAME));
	}
}

gboolean
db_exec_simple(DbConn *conn, const char *sql, GError **error)
{
	g_autoptr(PGresult) res = PQexec(conn->pg, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		db_set_error(conn, res, "SQL script", error);
		return FALSE;
	}
	return TRUE;
}

/* Turns one result row into an object, typed by column type. */
static JsonObject *
db_row_object(const PGresult *res, int row)
{
	JsonObject *obj = json_object_new();
	int col, ncol = PQnfields(res);

	for (col = 0; col < ncol; col++) {
		const char *name = PQfname(res, col);
		const char *v = PQgetvalue(res, row, col);
		Oid type = PQftype(res, col);

		if (PQgetisnull(res, row, col)) {
			json_object_set_null_member(obj, name);
			continue;
		}
		switch (type) {
		case 20: /* int8 */
		case 21: /* int2 */
		case 23: /* int4 */
			json_object_set_int_member(obj, name,
			    g_ascii_strtoll(v, NULL, 10));
			break;
		case 16: /* bool */
			json_object_set_boolean_member(obj, name, v[0] == 't');
			break;
		default:
			json_object_set_string_member(obj, name, v);
		}
	}
	return obj;
}

/*
 * Prepares sql on conn once, keyed by the address of the text (each is a
 * constant of its family's file); *name gets its name ("qN").
 */
static gboolean
db_prepare(DbConn *conn, const char *sql, const char **name, GError **error)
{
	char *fresh;
	g_autoptr(PGresult) prep = NULL;

	if ((*name = g_hash_table_lookup(conn->named, sql)) != NULL)
		return TRUE;
	fresh = g_strdup_printf("q%u", g_hash_table_size(conn->named));
	prep = PQprepare(conn->pg, fresh, sql, 0, NULL);
	if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
		db_set_error(conn, prep, "prepare", error);
		g_free(fresh);
		return FALSE;
	}
	g_hash_table_insert(conn->named, (gpointer)(guintptr)sql, fresh);
	*name = fresh;
	return TRUE;
}

/* The first of rows (a new reference), or NULL: DB_ENOTFOUND when there
 * are none; rows NULL means the query failed and error is set. */
static JsonObject *
db_first_row(JsonArray *rows, GError **error)
{
	if (rows == NULL)
		return NULL;
	if (json_array_get_length(rows) == 0) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_ENOTFOUND, "no row");
		return NULL;
	}
	return json_object_ref(json_array_get_object_element(rows, 0));
}

/* Runs the prepared statement name; returns its rows as objects. */
static JsonArray *
db_run(DbConn *conn, const char *name, int n, const char *const *params,
    GError **error)
{
	g_autoptr(PGresult) res = NULL;
	JsonArray *rows;
	ExecStatusType st;
	int i, nrows;

	res = PQexecPrepared(conn->pg, name, n, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		db_set_error(conn, res, name, error);
		return NULL;
	}
	rows = json_array_new();
	nrows = PQntuples(res);
	for (i = 0; i < nrows; i++)
		json_array_add_object_element(rows, db_row_object(res, i));
	return rows;
}

JsonArray *
db_exec(DbConn *conn, const char *sql, int n, const char *const *params,
    GError **error)
{
	const char *name;

	if (!db_prepare(conn, sql, &name, error))
		return NULL;
	return db_run(conn, name, n, params, error);
}

JsonObject *
db_exec_one(DbConn *conn, const char *sql, int n, const char *const *params,
    GError **error)
{
	g_autoptr(JsonArray) rows = db_exec(conn, sql, n, params, error);

	return db_first_row(rows, error);
}

gboolean
db_exec_noresult(DbConn *conn, const char *sql, int n,
    const char *const *params, GError **error)
{
	g_autoptr(JsonArray) rows = db_exec(conn, sql, n, params, error);

	return rows != NULL;
}

gboolean
db_exec_each(DbConn *conn, const char *sql, int n, const char *const *params,
    DbRowFunc fn, gpointer user, GError **error)
{
	g_autoptr(PGresult) res = NULL;
	g_autofree const char **vals = NULL;
	const char *name;
	int i, col, nrows, ncol;

	if (!db_prepare(conn, sql, &name, error))
		return FALSE;
	res = PQexecPrepared(conn->pg, name, n, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_set_error(conn, res, name, error);
		return FALSE;
	}
	nrows = PQntuples(res);
	ncol = PQnfields(res);
	vals = g_new0(const char *, (size_t)ncol + 1);
	for (i = 0; i < nrows; i++) {
		for (col = 0; col < ncol; col++)
			vals[col] = PQgetisnull(res, i, col) ?
			    NULL :
			    PQgetvalue(res, i, col);
		fn(user, ncol, vals);
	}
	return TRUE;
}

gboolean
db_begin(DbConn *conn, GError **error)
{
	g_autoptr(GError) first = NULL;

	if (!db_exec_simple(conn, "BEGIN", &first)) {
		/* Nothing was open on a link that died before BEGIN: a new
		 * one can take it, once. */
		if (conn->in_tx || conn->pool == NULL ||
		    !g_error_matches(first, SUMMIT_DB_ERROR, DB_ECONN)) {
			g_propagate_error(error, g_steal_pointer(&first));
			return FALSE;
		}
		log_info("database link lost before BEGIN; reconnecting");
		if (!db_conn_connect(conn->pool, conn, error) ||
		    !db_exec_simple(conn, "BEGIN", error))
			return FALSE;
		conn->last_err = DB_OK;
	}
	conn->in_tx = true;
	return TRUE;
}

gboolean
db_commit(DbConn *conn, GError **error)
{
	conn->in_tx = false;
	conn->commit_sent = true;
	return db_exec_simple(conn, "COMMIT", error);
}

void
db_rollback(DbConn *conn)
{
	g_autoptr(GError) ignored = NULL;

	if (conn == NULL || !conn->in_tx)
		return;
	conn->in_tx = false;
	if (!db_exec_simple(conn, "ROLLBACK", &ignored))
		conn->broken = true;
}

/*
 * Strict rows: reading a column a row does not have is a typo in the
 * caller (or a query that lost a column), which a default of 0 or NULL
 * would hide.  When strict, db_int and db_str report it with g_critical,
 * which the tests make fatal (G_DEBUG=fatal-criticals), and still return
 * the default, so a production server that meets one keeps serving.  A
 * value of the wrong kind (a string read as a number, a number as a
 * string) is reported the same way: it would read as 0 or NULL too.  A
 * NULL value of a column the row has is fine.  Set from
 * SUMMIT_STRICT_ROWS=1 at the first read, or by db_set_strict_rows.
 */
static gint db_strict = -1; /* -1: not read from the environment yet */

void
db_set_strict_rows(bool on)
{
	g_atomic_int_set(&db_strict, on ? 1 : 0);
}

bool
db_rows_strict(void)
{
	gint v = g_atomic_int_get(&db_strict);

	if (v < 0) {
		v = g_strcmp0(g_getenv("SUMMIT_STRICT_ROWS"), "1") == 0;
		g_atomic_int_set(&db_strict, v);
	}
	return v == 1;
}

JsonNode *
db_strict_member(JsonObject *obj, const char *name, const char *want,
    const char *obj_word, const char *member_word)
{
	JsonNode *n = obj != NULL ? json_object_get_member(obj, name) : NULL;

	if (n == NULL && db_rows_strict()) {
		g_autoptr(GString) have = g_string_new(NULL);
		g_autoptr(GList) names = obj != NULL ?
		    json_object_get_members(obj) :
		    NULL;
		GList *l;

		for (l = names; l != NULL; l = l->next)
			g_string_append_printf(have, "%s%s",
			    l == names ? "" : ", ", (const char *)l->data);
		if (obj == NULL)
			g_string_printf(have, "no %s", obj_word);
		g_critical("%s has no %s \"%s\" (read as %s; it has: %s)",
		    obj_word, member_word, name, want, have->str);
	}
	return n;
}

/* The member col of row, or NULL if row has none (a bug when strict). */
static JsonNode *
db_member(JsonObject *row, const char *col, const char *want)
{
	return db_strict_member(row, col, want, "row", "column");
}

gint64
db_int(JsonObject *row, const char *col)
{
	JsonNode *n = db_member(row, col, "an integer");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return 0;
	if (db_rows_strict() &&
	    (!JSON_NODE_HOLDS_VALUE(n) ||
	        json_node_get_value_type(n) == G_TYPE_STRING))
		g_critical("column \"%s\" is not an integer", col);
	return json_node_get_int(n);
}

const char *
db_str(JsonObject *row, const char *col)
{
	JsonNode *n = db_member(row, col, "a string");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (!JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_STRING) {
		if (db_rows_strict())
			g_critical("column \"%s\" is not a string", col);
		return NULL;
	}
	return json_node_get_string(n);
}
