/*
 * internal.h -- what the files of db/ share: the connection and the
 * functions that run a statement.  Not for use outside db/.
 */
#ifndef SUMMIT_DB_INTERNAL_H
#define SUMMIT_DB_INTERNAL_H

#include "db/db.h"

#include <libpq-fe.h>


struct db_conn {
	PGconn *pg;
	GHashTable *named; /* SQL text pointer -> prepared statement name */
	bool in_tx;
	bool broken;
	DbPool *pool;     /* the pool it came from, for reconnecting */
	int last_err;     /* enum db_err of the last failure since acquire */
	bool commit_sent; /* a COMMIT was sent since acquire */
};


/* Times leave db as whole seconds since 1970 (null stays null): app
 * formats them in the event's zone for display (app/local.c). */
#define DB_EPOCH(col) "floor(extract(epoch FROM " col "))::bigint"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PGresult, PQclear)

/*
 * Runs statement sql with n text parameters (NULL is SQL NULL).  sql must
 * be a string constant of its table family's file: it is prepared once
 * per connection, keyed by its address.  On success returns the rows as
 * objects (transfer full; an empty array for none).  On failure returns
 * NULL and sets a SUMMIT_DB_ERROR code from the SQLSTATE; the server's
 * message goes to the log only.
 */
JsonArray *db_exec(DbConn *conn, const char *sql, int n,
    const char *const *params, GError **error);
/* db_exec for statements whose rows are not needed. */
gboolean db_exec_noresult(DbConn *conn, const char *sql, int n,
    const char *const *params, GError **error);
/* The first row of db_exec as a new reference, or NULL with DB_ENOTFOUND. */
JsonObject *db_exec_one(DbConn *conn, const char *sql, int n,
    const char *const *params, GError **error);
/* Runs sql and calls fn once per row with its text values; no copies. */
gboolean db_exec_each(DbConn *conn, const char *sql, int n,
    const char *const *params, DbRowFunc fn, gpointer user, GError **error);
/* Runs SQL text without parameters (BEGIN, trusted scripts). */
gboolean db_exec_simple(DbConn *conn, const char *sql, GError **error);

/* event.c: the event's sector list of db_event_sectors (code, name_nb,
 * name_en, in the event's order), streamed for the allocator. */
gboolean db_event_sectors_each(DbConn *conn, gint64 event_id, DbRowFunc fn,
    gpointer user, GError **error);

/* Formats v into buf (at least 24 bytes) for use as a text parameter. */
static inline const char *
db_num(char *buf, gint64 v)
{
	g_snprintf(buf, 24, "%" G_GINT64_FORMAT, v);
	return buf;
}

/* "{1,2,3}": an array literal for a bigint[] or int[] parameter
 * (transfer full). */
char *db_int_array(const gint64 *v, size_t n);

#endif
