/*
 * bounce.c -- bounces: recorded from the mailbox, listed for organisers.
 *
 * A bounce marks the address Summit mailed (the outbox row the bounce
 * quotes by Message-ID, else a participant with the failed address) with
 * the status code and the server's answer.  From then on the outbox
 * worker holds mail to that address (state 'held', with the reason) until
 * an admin corrects it (app_reg_correct_email), which re-sends what was
 * held and what bounced.
 */
#include "app/internal.h"
#include "base/base.h"
#include "mail/mail.h"

#include <stdlib.h>
#include <string.h>

char *
app_outbox_message_id(const struct app *app, gint64 id)
{
	const char *domain = strrchr(app->conf->mail_from, '@');

	return g_strdup_printf("<outbox-%" G_GINT64_FORMAT "@%s>", id,
	    domain ? domain + 1 : "summit.invalid");
}

gint64
app_outbox_id_of(const struct app *app, const char *message_id)
{
	g_autofree char *mine = NULL;
	const char *p;
	char *end;
	gint64 id;

	if (message_id == NULL || !g_str_has_prefix(message_id, "<outbox-"))
		return 0;
	p = message_id + 8;
	id = g_ascii_strtoll(p, &end, 10);
	if (end == p || id <= 0 || *end != '@')
		return 0;
	/* Only our own: the same domain as app_outbox_message_id's. */
	mine = app_outbox_message_id(app, id);
	return g_ascii_strcasecmp(mine, message_id) == 0 ? id : 0;
}

gboolean
app_bounce_handle(const struct app *app, DbConn *conn, const MailInbound *in,
    const char *report_id, bool *handled, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	gint64 outbox_id = app_outbox_id_of(app, in->original_message_id);
	gint64 held = 0;
	bool any_stored = false, seen;
	guint i;

	*handled = false;
	/* Once only, even when the address it names has been corrected
	 * since. */
	if (!db_bounce_seen(conn, report_id, &seen, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (seen) {
		*handled = true;
		return TRUE;
	}
	for (i = 0; i < in->bounced->len; i++) {
		const struct mail_bounce_rcpt *r = in->bounced->pdata[i];
		struct db_bounce_new b = { report_id, r->address, r->status,
			r->diagnostic, outbox_id };
		bool matched, stored;

		if (!db_bounce_record(conn, &b, &matched, &stored, &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		*handled = *handled || matched;
		any_stored = any_stored || stored;
	}
	if (any_stored && !db_outbox_hold_bounced(conn, &held, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (any_stored)
		log_info("bounce %s: %s; %" G_GINT64_FORMAT " queued message%s "
		         "held",
		    outbox_id ? "of an outbox message" : "by address",
		    ((struct mail_bounce_rcpt *)in->bounced->pdata[0])->status,
		    held, held == 1 ? "" : "s");
	return TRUE;
}

/* bounced_at as local text in event_id's zone. */
static void
bounce_times(DbConn *conn, gint64 event_id, JsonArray *rows)
{
	g_autoptr(GTimeZone) tz = app_event_zone(conn, event_id, NULL);

	if (tz == NULL) /* the event could not be read: UTC */
		tz = app_zone(NULL);
	app_local_times(rows, "bounced_at", tz, "%Y-%m-%d %H:%M", "");
}

JsonArray *
app_bounce_of(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error)
{
	JsonArray *rows = db_bounce_list(conn, event_id, participant_id,
	    APP_BOUNCE_LIST_MAX, error);

	if (rows != NULL)
		bounce_times(conn, event_id, rows);
	return rows;
}

JsonArray *
app_bounce_list(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonArray *rows;
	DbConn *conn;

	if (!app_require(actor, "staff", error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((rows = app_bounce_of(conn, actor->event_id, 0, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return rows;
}
