/*
 * publish.c -- tell participants about their placements.
 *
 * The story: under the event's allocation lock, compare every placement
 * and its session's details with what each participant was last sent, and
 * queue exactly the REQUESTs (new, re-placed or changed) and CANCELs
 * (placement gone, registration or session cancelled) that follow, each
 * with its SEQUENCE.  The mail worker turns the queued rows into iMIP
 * messages.  One transaction: a failure queues nothing.
 */
#include "app/internal.h"
#include "base/base.h"

gboolean
app_publish(const struct app *app, struct app_publish_counts *out,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = NULL;
	DbConn *conn;
	gboolean ok = FALSE;
	gint64 event_id;

	*out = (struct app_publish_counts){ 0 };
	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	if (!db_begin(conn, &dberr) ||
	    (event = db_event_head(conn, &dberr)) == NULL)
		goto dbfail;
	event_id = db_int(event, "id");
	if (!db_alloc_lock(conn, event_id, &dberr) ||
	    !db_publish(conn, event_id, &out->invites, &out->updates,
	    &out->cancels, &dberr) || !db_commit(conn, &dberr))
		goto dbfail;
	log_info("published: %" G_GINT64_FORMAT " invitations, %"
	    G_GINT64_FORMAT " updates, %" G_GINT64_FORMAT " cancellations",
	    out->invites, out->updates, out->cancels);
	ok = TRUE;
	goto out;
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
out:
	db_release(app->db, conn);
	return ok;
}
