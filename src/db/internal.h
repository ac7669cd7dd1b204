/*
 * internal.h -- what the files of db/ share: the statement table and the
 * one function that runs a statement.  Not for use outside db/.
 */
#ifndef SUMMIT_DB_INTERNAL_H
#define SUMMIT_DB_INTERNAL_H

#include "db/db.h"

#include <libpq-fe.h>

enum db_stmt {
	STMT_EVENT_ID,
	STMT_EVENT_CURRENT,
	STMT_EVENT_HEAD,
	STMT_EVENT_PROGRAMME,
	STMT_EVENT_SECTORS,
	STMT_PARTICIPANT_BY_EMAIL,
	STMT_PARTICIPANT_BY_TOKEN,
	STMT_PARTICIPANT_BY_TOKEN_LOCK,
	STMT_PARTICIPANT_PREFERENCES,
	STMT_PREFERENCE_DELETE,
	STMT_PREFERENCE_INSERT,
	STMT_PARTICIPANT_SET_STATUS,
	STMT_PARTICIPANT_EMAIL_CONFIRMED,
	STMT_TOKEN_INSERT,
	STMT_PLACE_CLAIM,
	STMT_PLACE_RELEASE,
	STMT_WAITLIST_NEXT,
	STMT_HOLDS_EXPIRED,
	STMT_EVENTS_TO_FILL,
	STMT_OUTBOX_INSERT,
	STMT_OUTBOX_CLAIM,
	STMT_OUTBOX_SENT,
	STMT_OUTBOX_RETRY,
	STMT_OUTBOX_FAILED,
	STMT_MIGRATION_APPLIED,
	STMT_MIGRATION_RECORD,
	STMT_ALLOC_SECTORS,
	STMT_ALLOC_SLOTS,
	STMT_ALLOC_SESSIONS,
	STMT_ALLOC_PARTICIPANTS,
	STMT_ALLOC_PREFERENCES,
	STMT_ALLOC_RULES,
	STMT_ALLOC_ASSIGNMENTS,
	STMT_ALLOC_LOCK,
	STMT_ALLOC_RUN_INSERT,
	STMT_ASSIGNMENT_DELETE,
	STMT_ASSIGNMENT_UPSERT,
	STMT_ASSIGNMENT_PUBLISH,
	STMT_PUBLISH_CANCELS,
	STMT_PUBLISH_REQUESTS,
	STMT_PUBLISH_MARK,
	STMT_PARTICIPANT_BY_EMAIL_ANY,
	STMT_FEED_SESSIONS,
	STMT_PROGRAMME_SESSIONS,
	STMT_INVITATION_PREVIEW,
	STMT_SESSION_PAYLOAD,
	STMT_OUTBOX_LIST,
	STMT_OUTBOX_RESEND,
	STMT_EVENT_FOR_REGISTER,
	STMT_PARTICIPANT_REGISTER,
	STMT_PENDING_DELETE,
	STMT_THROTTLE_RECORD,
	STMT_THROTTLE_RECENT,
	STMT__MAX
};

struct db_conn {
	PGconn	*pg;
	bool	 prepared[STMT__MAX];
	GHashTable *named;	/* SQL text pointer -> statement name */
	bool	 in_tx;
	bool	 broken;
	DbPool	*pool;		/* the pool it came from, for reconnecting */
	int	 last_err;	/* enum db_err of the last failure since acquire */
	bool	 commit_sent;	/* a COMMIT was sent since acquire */
};

extern const char *const db_stmt_sql[STMT__MAX];

/*
 * The id of the event every statement means, as SQL: the newest.  The
 * one place to change when there are several events (issue 11); every
 * statement that picks "the" event uses it, none writes its own.
 */
#define DB_CURRENT_EVENT "(SELECT max(id) FROM event)"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PGresult, PQclear)

/*
 * Runs statement s with n text parameters (NULL is SQL NULL).  On success
 * returns the rows as objects (transfer full; an empty array for none).
 * On failure returns NULL and sets a SUMMIT_DB_ERROR code from the
 * SQLSTATE; the server's message goes to the log only.
 */
JsonArray *db_exec(DbConn *conn, enum db_stmt s, int n,
    const char *const *params, GError **error);
/* db_exec for statements whose rows are not needed. */
gboolean db_exec_noresult(DbConn *conn, enum db_stmt s, int n,
    const char *const *params, GError **error);
/* The first row of db_exec as a new reference, or NULL with DB_ENOTFOUND. */
JsonObject *db_exec_one(DbConn *conn, enum db_stmt s, int n,
    const char *const *params, GError **error);
/*
 * The same for a statement kept in a table of its own file (a table
 * family's file, e.g. organiser.c): sql must be a string constant, which
 * is prepared once per connection, keyed by its address.
 */
JsonArray *db_exec_sql(DbConn *conn, const char *sql, int n,
    const char *const *params, GError **error);
JsonObject *db_exec_sql_one(DbConn *conn, const char *sql, int n,
    const char *const *params, GError **error);
gboolean db_exec_sql_noresult(DbConn *conn, const char *sql, int n,
    const char *const *params, GError **error);
/* Runs s and calls fn once per row with its text values; no copies. */
gboolean db_exec_each(DbConn *conn, enum db_stmt s, int n,
    const char *const *params, DbRowFunc fn, gpointer user, GError **error);
/* Runs SQL text without parameters (BEGIN, trusted scripts). */
gboolean db_exec_simple(DbConn *conn, const char *sql, GError **error);

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
