/*
 * publish.c -- tell participants about their placements: the one publish
 * path, for summitctl publish (app_publish), the console's count of what
 * would go out (app_publish_preview), an organiser's publish
 * (app_publish_confirm, audited) and a refill of freed seats (refill.c,
 * through app_publish_unit).
 *
 * The story: under the event's allocation lock, compare every placement
 * and its session's details with what each participant was last sent, and
 * queue exactly the REQUESTs (new, re-placed or changed) and CANCELs
 * (placement gone, registration or session cancelled) that follow, each
 * with its SEQUENCE.  The mail worker turns the queued rows into iMIP
 * messages.  One transaction: a failure queues nothing.  The preview runs
 * the very same statements and rolls them back, so its counts are exact.
 */
#include "app/internal.h"
#include "base/base.h"

struct publish_unit {
	struct app_publish_counts *out;
	gint64 event_id; /* the preview's (a change has its own) */
};

/* Publishes in conn's transaction; ch's action NULL: no audit entry. */
static gboolean
publish_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct app_publish_counts *out = ((struct publish_unit *)user)->out;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id = ch->event_id;

	(void)app;
	*out = (struct app_publish_counts){ 0 };
	if (!db_alloc_lock(conn, event_id, &dberr) ||
	    !db_publish(conn, event_id, &out->invites, &out->updates,
	        &out->cancels, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = event_id;
	if (ch->action != NULL) {
		ch->after = json_object_new();
		json_object_set_int_member(ch->after, "invites", out->invites);
		json_object_set_int_member(ch->after, "updates", out->updates);
		json_object_set_int_member(ch->after, "cancels", out->cancels);
	}
	return TRUE;
}

gboolean
app_publish_unit(const struct app *app, DbConn *conn, struct app_change *ch,
    struct app_publish_counts *out, GError **error)
{
	struct publish_unit u = { out, ch->event_id };

	return publish_run(app, conn, ch, &u, error);
}

/* The preview's unit: publish_run in a transaction that is rolled back,
 * so nothing is queued or marked. */
static gboolean
publish_dry(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	struct app_change ch = {
		.event_id = ((struct publish_unit *)user)->event_id
	};
	gboolean ok;

	if (!db_begin(conn, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ok = publish_run(app, conn, &ch, user, error);
	db_rollback(conn);
	return ok;
}

gboolean
app_publish(const struct app *app, gint64 event_id,
    struct app_publish_counts *out, GError **error)
{
	/* The command line: no audit entry (action NULL), only the event. */
	const struct app_actor cli = { .email = "summitctl",
		.event_id = event_id };
	struct publish_unit u = { out, event_id };

	*out = (struct app_publish_counts){ 0 };
	if (!app_tx_audited(app, &cli, NULL, NULL, "event", publish_run, &u,
	        error))
		return FALSE;
	log_info("published: %" G_GINT64_FORMAT
	         " invitations, %" G_GINT64_FORMAT " updates, %" G_GINT64_FORMAT
	         " cancellations",
	    out->invites, out->updates, out->cancels);
	return TRUE;
}

gboolean
app_publish_preview(const struct app *app, gint64 event_id,
    struct app_publish_counts *out, GError **error)
{
	struct publish_unit u = { out, event_id };

	*out = (struct app_publish_counts){ 0 };
	return app_db_run(app, publish_dry, &u, error);
}

gboolean
app_publish_confirm(const struct app *app, const struct app_actor *actor,
    struct app_publish_counts *out, GError **error)
{
	struct publish_unit u = { out, actor->event_id };

	*out = (struct app_publish_counts){ 0 };
	if (!app_tx_audited(app, actor, "admin", "allocation.publish", "event",
	        publish_run, &u, error))
		return FALSE;
	log_info("published by %s: %" G_GINT64_FORMAT
	         " invitations, %" G_GINT64_FORMAT " updates, %" G_GINT64_FORMAT
	         " cancellations",
	    actor->email, out->invites, out->updates, out->cancels);
	return TRUE;
}
