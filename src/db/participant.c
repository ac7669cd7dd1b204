/*
 * participant.c -- participants, their preferences, tokens and places.
 */
#include "db/internal.h"

gboolean
db_participant_register(DbConn *conn, const struct db_participant_new *pn,
    const gint64 *session_ids, size_t n, gint64 *id, GError **error)
{
	char ev[24], hours[24], resends[24];
	g_autofree char *arr = db_int_array(session_ids, n);
	g_autoptr(JsonObject) row = NULL;
	const char *p[13] = { db_num(ev, pn->event_id), pn->name, pn->email,
	    pn->organisation, pn->sector, pn->role, pn->needs, pn->language,
	    db_num(hours, pn->confirm_hours), NULL,
	    db_num(resends, pn->resends_per_hour), pn->link_nonce,
	    pn->link_hash };

	p[9] = arr;
	row = db_exec_one(conn, STMT_PARTICIPANT_REGISTER, 13, p, error);
	if (row == NULL)
		return FALSE;
	if (!json_object_get_boolean_member(row, "sector_ok")) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINVALID, "sector");
		return FALSE;
	}
	if (!json_object_get_boolean_member(row, "sessions_ok")) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINVALID, "sessions");
		return FALSE;
	}
	*id = json_object_get_null_member(row, "id") ? 0 : db_int(row, "id");
	return TRUE;
}

JsonObject *
db_participant_by_email(DbConn *conn, gint64 event_id, const char *email,
    GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id), email };

	return db_exec_one(conn, STMT_PARTICIPANT_BY_EMAIL, 2, p, error);
}

/* Set once at start (db_set_link_days), read by every thread after. */
static gint link_days = 180;

void
db_set_link_days(unsigned days)
{
	g_atomic_int_set(&link_days, (gint)MIN(days, 100000u));
}

/* A token row, or NULL with DB_EEXPIRED once its event has ended more than
 * link_days ago: the row is found first, so the answer can say "expired"
 * rather than "unknown". */
static JsonObject *
token_row(DbConn *conn, enum db_stmt s, int n, const char *const *p,
    GError **error)
{
	JsonObject *row = db_exec_one(conn, s, n, p, error);

	if (row != NULL && json_object_get_boolean_member(row,
	    "link_expired")) {
		json_object_unref(row);
		g_set_error(error, SUMMIT_DB_ERROR, DB_EEXPIRED,
		    "the link has expired");
		return NULL;
	}
	return row;
}

JsonObject *
db_participant_by_token(DbConn *conn, const char *hash, bool lock,
    GError **error)
{
	char days[24];
	const char *p[3] = { hash, "manage", NULL };

	db_num(days, g_atomic_int_get(&link_days));
	if (lock) {
		p[1] = days;
		return token_row(conn, STMT_PARTICIPANT_BY_TOKEN_LOCK, 2, p,
		    error);
	}
	p[2] = days;
	return token_row(conn, STMT_PARTICIPANT_BY_TOKEN, 3, p, error);
}

JsonObject *
db_participant_by_feed(DbConn *conn, const char *hash, GError **error)
{
	char days[24];
	const char *p[3] = { hash, "feed", db_num(days,
	    g_atomic_int_get(&link_days)) };

	return token_row(conn, STMT_PARTICIPANT_BY_TOKEN, 3, p, error);
}

JsonArray *
db_participant_preferences(DbConn *conn, gint64 participant_id,
    GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec(conn, STMT_PARTICIPANT_PREFERENCES, 1, p, error);
}

gboolean
db_participant_set_preferences(DbConn *conn, gint64 event_id,
    gint64 participant_id, const gint64 *session_ids, size_t n, bool replace,
    GError **error)
{
	char ev[24], id[24];
	g_autofree char *arr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	const char *del[1] = { db_num(id, participant_id) };
	const char *p[3] = { db_num(ev, event_id), id, NULL };

	if (replace && !db_exec_noresult(conn, STMT_PREFERENCE_DELETE, 1, del,
	    error))
		return FALSE;
	if (n == 0)
		return TRUE;
	arr = db_int_array(session_ids, n);
	p[2] = arr;
	rows = db_exec(conn, STMT_PREFERENCE_INSERT, 3, p, error);
	if (rows == NULL)
		return FALSE;
	if (json_array_get_length(rows) != n) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINVALID,
		    "a ranked session is not in this event");
		return FALSE;
	}
	return TRUE;
}

gboolean
db_participant_set_status(DbConn *conn, gint64 participant_id,
    const char *status, gint64 hold_hours, GError **error)
{
	char id[24], hours[24];
	const char *p[3] = { db_num(id, participant_id), status,
	    db_num(hours, hold_hours) };
	g_autoptr(JsonObject) row = db_exec_one(conn,
	    STMT_PARTICIPANT_SET_STATUS, 3, p, error);

	return row != NULL;
}

gboolean
db_participant_mark_email_confirmed(DbConn *conn, gint64 participant_id,
    GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn,
	    STMT_PARTICIPANT_EMAIL_CONFIRMED, 1, p, error);

	return row != NULL;
}

gboolean
db_token_insert(DbConn *conn, gint64 participant_id, const char *hash,
    const char *purpose, GError **error)
{
	char id[24];
	const char *p[3] = { db_num(id, participant_id), hash, purpose };

	return db_exec_noresult(conn, STMT_TOKEN_INSERT, 3, p, error);
}

gboolean
db_place_claim(DbConn *conn, gint64 event_id, gint64 participant_id,
    bool unless_waiting, bool *got, GError **error)
{
	char ev[24], id[24];
	const char *p[3] = { db_num(ev, event_id), db_num(id, participant_id),
	    unless_waiting ? "true" : "false" };
	g_autoptr(JsonArray) rows = db_exec(conn, STMT_PLACE_CLAIM, 3, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*got = json_array_get_length(rows) > 0;
	return TRUE;
}

gboolean
db_place_release(DbConn *conn, gint64 participant_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec_noresult(conn, STMT_PLACE_RELEASE, 1, p, error);
}

JsonObject *
db_waitlist_next(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, STMT_WAITLIST_NEXT, 1, p, error);
}

JsonArray *
db_holds_expired(DbConn *conn, unsigned limit, GError **error)
{
	char lim[24];
	const char *p[1] = { db_num(lim, limit) };

	return db_exec(conn, STMT_HOLDS_EXPIRED, 1, p, error);
}

gboolean
db_pending_delete(DbConn *conn, unsigned limit, unsigned *n, GError **error)
{
	char lim[24];
	const char *p[1] = { db_num(lim, limit) };
	g_autoptr(JsonArray) rows = db_exec(conn, STMT_PENDING_DELETE, 1, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*n = json_array_get_length(rows);
	return TRUE;
}

char *
db_int_array(const gint64 *v, size_t n)
{
	GString *s = g_string_sized_new(n * 8 + 2);
	size_t i;

	g_string_append_c(s, '{');
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "",
		    v[i]);
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

/* A PostgreSQL array literal of quoted text elements (transfer full). */
static char *
db_text_array(const char *const *v, size_t n)
{
	GString *s = g_string_new("{");
	size_t i;
	const char *c;

	for (i = 0; i < n; i++) {
		g_string_append(s, i ? ",\"" : "\"");
		for (c = v[i]; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				g_string_append_c(s, '\\');
			g_string_append_c(s, *c);
		}
		g_string_append_c(s, '"');
	}
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

gboolean
db_throttle_record(DbConn *conn, const char *const *kinds,
    const char *const *keys, const gint64 *counts, size_t n, GError **error)
{
	g_autofree char *k = db_text_array(kinds, n);
	g_autofree char *y = db_text_array(keys, n);
	g_autofree char *c = db_int_array(counts, n);
	const char *p[3] = { k, y, c };

	return db_exec_noresult(conn, STMT_THROTTLE_RECORD, 3, p, error);
}

JsonArray *
db_throttle_recent(DbConn *conn, unsigned hours, unsigned limit,
    GError **error)
{
	char h[24], lim[24];
	const char *p[2] = { db_num(h, hours), db_num(lim, limit) };

	return db_exec(conn, STMT_THROTTLE_RECENT, 2, p, error);
}
