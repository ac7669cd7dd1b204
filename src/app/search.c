/*
 * search.c -- the console's global search: the text checked, read as a
 * check-in code too when it has a code's shape, and one statement
 * (db_search_people) answers both.
 */
#include "app/internal.h"

struct search_unit {
	gint64 event_id;
	const char *q;
	const char *code; /* normalised, or NULL */
	JsonArray *rows;
};

static gboolean
search_do(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct search_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&u->rows, json_array_unref);
	if ((u->rows = db_search_people(conn, u->event_id, u->q, u->code,
	         APP_SEARCH_MAX, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

JsonArray *
app_search_people(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *q, GError **error)
{
	char code[TOKEN_CODE_LEN + 1];
	struct search_unit u = { .event_id = event_id, .q = q };

	if (!app_require(actor, "staff", error))
		return NULL;
	if (q == NULL || *q == '\0' ||
	    text_check_line(q, APP_SEARCH_TEXT_MAX) != TEXT_OK) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "q");
		return NULL;
	}
	if (token_code_normalise(q, code))
		u.code = code;
	if (!app_db_run(app, search_do, &u, error))
		return NULL;
	return u.rows;
}
