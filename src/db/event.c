/*
 * event.c -- the event, its programme and its sectors.
 */
#include "db/internal.h"

gboolean
db_event_id(DbConn *conn, gint64 *id, GError **error)
{
	g_autoptr(JsonObject) e = db_exec_one(conn, STMT_EVENT_ID, 0, NULL,
	    error);

	if (e == NULL)
		return FALSE;
	*id = db_int(e, "id");
	return TRUE;
}

JsonObject *
db_event_current(DbConn *conn, GError **error)
{
	return db_exec_one(conn, STMT_EVENT_CURRENT, 0, NULL, error);
}

JsonObject *
db_event_head(DbConn *conn, GError **error)
{
	return db_exec_one(conn, STMT_EVENT_HEAD, 0, NULL, error);
}

JsonObject *
db_event_for_register(DbConn *conn, GError **error)
{
	return db_exec_one(conn, STMT_EVENT_FOR_REGISTER, 0, NULL, error);
}

JsonArray *
db_event_programme(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { ev };

	g_snprintf(ev, sizeof(ev), "%" G_GINT64_FORMAT, event_id);
	return db_exec(conn, STMT_EVENT_PROGRAMME, 1, p, error);
}

JsonArray *
db_event_sectors(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { ev };

	g_snprintf(ev, sizeof(ev), "%" G_GINT64_FORMAT, event_id);
	return db_exec(conn, STMT_EVENT_SECTORS, 1, p, error);
}

JsonArray *
db_events_to_fill(DbConn *conn, GError **error)
{
	return db_exec(conn, STMT_EVENTS_TO_FILL, 0, NULL, error);
}
