/*
 * waitlist.c -- holds that expire and places that go to the waitlist.
 *
 * A pending registration holds a place for hold_hours.  When a hold
 * expires or someone cancels, the longest-waiting person is promoted.
 * Several summitd processes may run this at once: rows are claimed with
 * SKIP LOCKED, so each expiry and each promotion happens once.
 */
#include "app/internal.h"
#include "base/base.h"

gboolean
app_promote(const struct app *app, DbConn *conn, gint64 event_id,
    unsigned *promoted, GError **error)
{
	*promoted = 0;
	for (;;) {
		g_autoptr(GError) local = NULL;
		g_autoptr(JsonObject) next = NULL;
		bool got = false, confirmed;
		gint64 id;

		next = db_waitlist_next(conn, event_id, &local);
		if (next == NULL) {
			if (g_error_matches(local, SUMMIT_DB_ERROR,
			    DB_ENOTFOUND))
				return TRUE;
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		id = db_int(next, "id");
		if (!db_place_claim(conn, event_id, id, &got, error))
			return FALSE;
		if (!got)
			return TRUE;
		/* Someone who confirmed their e-mail is in; others must
		 * confirm within a new hold. */
		confirmed = json_object_get_boolean_member(next,
		    "email_confirmed");
		if (!db_participant_set_status(conn, id,
		    confirmed ? "confirmed" : "pending", app->conf->hold_hours,
		    error) ||
		    !app_queue_mail(app, conn, next, event_id,
		    confirmed ? "promoted" : "promoted_confirm", !confirmed,
		    error))
			return FALSE;
		(*promoted)++;
	}
}

gboolean
app_expire_and_fill(const struct app *app, unsigned *changed, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) expired = NULL, events = NULL;
	DbConn *conn;
	gboolean ok = FALSE;
	guint i;

	*changed = 0;
	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	if (!db_begin(conn, &dberr))
		goto dbfail;
	expired = db_holds_expired(conn, 500, &dberr);
	if (expired == NULL)
		goto dbfail;
	for (i = 0; i < json_array_get_length(expired); i++) {
		JsonObject *p = json_array_get_object_element(expired, i);
		gint64 id = db_int(p, "id");

		if (!db_participant_set_status(conn, id, "expired", 0, &dberr) ||
		    !db_place_release(conn, id, &dberr) ||
		    !app_queue_mail(app, conn, p, db_int(p, "event_id"),
		    "expired", false, &dberr))
			goto dbfail;
		(*changed)++;
	}
	events = db_events_to_fill(conn, &dberr);
	if (events == NULL)
		goto dbfail;
	for (i = 0; i < json_array_get_length(events); i++) {
		JsonObject *e = json_array_get_object_element(events, i);
		unsigned promoted = 0;

		if (!app_promote(app, conn, db_int(e, "id"), &promoted, &dberr))
			goto dbfail;
		*changed += promoted;
	}
	if (!db_commit(conn, &dberr))
		goto dbfail;
	if (*changed > 0)
		log_info("expired %u holds; %u status changes in all",
		    json_array_get_length(expired), *changed);
	ok = TRUE;
	goto out;
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
out:
	db_release(app->db, conn);
	return ok;
}
