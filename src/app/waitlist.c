/*
 * waitlist.c -- unconfirmed registrations that lapse, and places that go
 * to the waiting list.
 *
 * A registration holds no place until its e-mail is confirmed; one nobody
 * confirms within confirm_hours is deleted (it holds personal data nobody
 * vouched for, and the address may register again).  People join the
 * waiting list by confirming, and are promoted in the order they joined it
 * (waitlisted_at), with no new confirmation.  When a place frees up the person
 * waiting longest gets it.  Several summitd processes may run this at
 * once: rows are claimed with SKIP LOCKED, so each change happens once.
 */
#include "app/internal.h"
#include "base/base.h"

gboolean
app_promote(const struct app *app, DbConn *conn, gint64 event_id,
    unsigned *promoted, GError **error)
{
	struct app_deadlines d;

	*promoted = 0;
	/* Nobody is promoted in the last hours before the event (its
	 * setting) nor once it has started: the place stays free. */
	if (!app_deadlines_in(conn, event_id, &d, error))
		return FALSE;
	if (!app_event_may_promote(&d, d.now))
		return TRUE;
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
		if (!db_place_claim(conn, event_id, id, false, &got, error))
			return FALSE;
		if (!got)
			return TRUE;
		/* People join the waiting list when they confirm, so they
		 * are in at once.  Someone an organiser put there unconfirmed
		 * (an import, a status change) must confirm within a hold. */
		confirmed = json_object_get_boolean_member(next,
		    "email_confirmed");
		if (!db_participant_set_status(conn, id,
		        confirmed ? "confirmed" : "pending",
		        app->conf->confirm_hours, error) ||
		    !app_queue_mail(app, conn, next, event_id,
		        confirmed ? "promoted" : "promoted_confirm", !confirmed,
		        error))
			return FALSE;
		(*promoted)++;
	}
}

struct expire_unit {
	unsigned changed, deleted, expired;
};

/* Inside app_tx: unconfirmed registrations past their time go, holds
 * past theirs expire, and the places free go to the waitlists. */
static gboolean
expire_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct expire_unit *u = user;
	unsigned *changed = &u->changed;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) expired = NULL, events = NULL;
	guint i;

	*u = (struct expire_unit){ 0 };
	if (!db_pending_delete(conn, 500, &u->deleted, &dberr))
		goto dbfail;
	*changed += u->deleted;
	expired = db_holds_expired(conn, 500, &dberr);
	if (expired == NULL)
		goto dbfail;
	for (i = 0; i < json_array_get_length(expired); i++) {
		JsonObject *p = json_array_get_object_element(expired, i);
		gint64 id = db_int(p, "id");

		if (!db_participant_set_status(conn, id, "expired", 0,
		        &dberr) ||
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
	u->expired = json_array_get_length(expired);
	return TRUE;
dbfail:
	return app_fail_db(error, g_steal_pointer(&dberr));
}

gboolean
app_expire_and_fill(const struct app *app, unsigned *changed, GError **error)
{
	struct expire_unit u;

	*changed = 0;
	if (!app_tx(app, expire_run, &u, error))
		return FALSE;
	*changed = u.changed;
	if (*changed > 0)
		log_info("deleted %u unconfirmed registrations, expired %u "
		         "holds; %u changes in all",
		    u.deleted, u.expired, *changed);
	return TRUE;
}
