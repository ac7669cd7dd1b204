/*
 * reply.c -- what participants' calendars send back to the organiser's
 * mailbox: iTIP REPLY, REFRESH and COUNTER (RFC 5546), handled by the
 * mailbox reader (mailbox.c) in the transaction that advances its cursor.
 *
 * The calendar part is read with libical (ical_reply_read).  Each VEVENT
 * is matched by its UID (ours: the session's uuid at the mail domain,
 * app_session_uid) and each ATTENDEE by address, in any case, to the
 * participant's invitation to that session.  Then:
 *   REPLY    the PARTSTAT (ACCEPTED, DECLINED, TENTATIVE) is recorded with
 *            its DTSTAMP through the answer record, source 'calendar', so
 *            a calendar's decline does what the page's Decline does; an
 *            older SEQUENCE than the last sent is ignored there.
 *   REFRESH  the invitation is queued again as it stands (REQUEST, the
 *            SEQUENCE last sent).
 *   COUNTER  the proposed time is kept for organisers and not applied.
 * What became of it is noted per invitation in mail_reply, keyed by the
 * message's report_id: a message read again changes nothing.  A message
 * that matches no invitation is logged and left unflagged in the mailbox
 * for a person to look at; nothing is stored about it.
 */
#include "app/internal.h"
#include "base/base.h"
#include "ical/ical.h"
#include "mail/mail.h"

#include <string.h>

char *
app_session_uuid_of(const struct app *app, const char *uid)
{
	const char *at = uid ? strrchr(uid, '@') : NULL;
	g_autofree char *uuid = NULL, *ours = NULL;

	if (at == NULL || at == uid)
		return NULL;
	uuid = g_ascii_strdown(uid, at - uid);
	ours = app_session_uid(app, uuid);
	if (g_ascii_strcasecmp(ours, uid) != 0)
		return NULL;
	return g_steal_pointer(&uuid);
}

/* A REPLY through the answer record; the outcome as mail_reply says it. */
static gboolean
reply_answer(const struct app *app, DbConn *conn, const struct ical_reply *r,
    gint64 pid, gint64 sid, const char **outcome, GError **error)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	/* When it was given: its DTSTAMP, but never later than now (a
	 * client's clock ahead would make it outrank every later answer). */
	struct app_answer a = { .participant_id = pid,
		.session_id = sid,
		.source = APP_ANSWER_CALENDAR,
		.sequence = r->sequence,
		.at = r->stamp > 0 ? MIN(r->stamp, now) : 0 };
	struct app_answer_result res;
	g_autoptr(GError) why = NULL;

	/* NEEDS-ACTION, DELEGATED, none: nothing Summit records. */
	if (!app_partstat_parse(r->partstat, &a.partstat) ||
	    a.partstat == APP_PARTSTAT_NEEDS_ACTION) {
		*outcome = "ignored";
		return TRUE;
	}
	if (!app_answer_in(app, conn, &a, &res, NULL, &why)) {
		/* A SEQUENCE never sent: refused before anything was written. */
		if (!g_error_matches(why, SUMMIT_APP_ERROR, APP_EINVALID)) {
			g_propagate_error(error, g_steal_pointer(&why));
			return FALSE;
		}
		*outcome = "ignored";
		return TRUE;
	}
	*outcome = res.outcome == APP_ANSWER_RECORDED ? "recorded" :
	    res.outcome == APP_ANSWER_STALE           ? "stale" :
	                                                "closed";
	return TRUE;
}

/* One attendee's answer about one VEVENT; *matched when it named one of
 * our invitations. */
static gboolean
reply_one(const struct app *app, DbConn *conn, const struct ical_reply *r,
    const char *report_id, bool *matched, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *uuid = app_session_uuid_of(app, r->uid);
	g_autoptr(JsonArray) rows = NULL;
	struct db_reply_new note = { .report_id = report_id,
		.method = r->method,
		.partstat = r->partstat,
		.sequence = r->sequence };
	JsonObject *inv;
	gint64 queued = 0;

	*matched = false;
	if (uuid == NULL || r->sequence < 0 || r->sequence > G_MAXINT32)
		return TRUE;
	if ((rows = db_reply_match(conn, uuid, r->attendee, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (json_array_get_length(rows) == 0)
		return TRUE;
	*matched = true;
	inv = json_array_get_object_element(rows, 0);
	note.participant_id = db_int(inv, "participant_id");
	note.session_id = db_int(inv, "session_id");
	if (strcmp(r->method, "REPLY") == 0) {
		if (!reply_answer(app, conn, r, note.participant_id,
		        note.session_id, &note.outcome, error))
			return FALSE;
	} else if (strcmp(r->method, "REFRESH") == 0) {
		if (!db_reply_resend(conn, note.participant_id, note.session_id,
		        &queued, &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		note.outcome = queued > 0 ? "resent" : "closed";
	} else {
		/* A COUNTER without a time proposes nothing to show. */
		if (r->starts <= 0 || r->ends <= r->starts)
			return TRUE;
		note.outcome = "proposed";
		note.starts = r->starts;
		note.ends = r->ends;
	}
	log_info("calendar %s from participant %" G_GINT64_FORMAT
	         " for session %" G_GINT64_FORMAT ": %s",
	    r->method, note.participant_id, note.session_id, note.outcome);
	if (!db_reply_insert(conn, &note, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_reply_handle(const struct app *app, DbConn *conn, const MailInbound *in,
    const char *report_id, bool *handled, GError **error)
{
	g_autoptr(GError) dberr = NULL, why = NULL;
	g_autoptr(GPtrArray) replies = NULL;
	bool seen;
	guint i;

	*handled = false;
	if (!db_reply_seen(conn, report_id, &seen, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (seen) {
		*handled = true;
		return TRUE;
	}
	replies = ical_reply_read(in->calendar, in->calendar_method, &why);
	if (replies == NULL) {
		log_warnx("mailbox: calendar reply %s left alone: %s",
		    report_id, why->message);
		return TRUE;
	}
	for (i = 0; i < replies->len; i++) {
		bool matched;

		if (!reply_one(app, conn, replies->pdata[i], report_id,
		        &matched, error))
			return FALSE;
		*handled = *handled || matched;
	}
	if (!*handled)
		log_info("mailbox: calendar reply %s matches no invitation, "
		         "left alone",
		    report_id);
	return TRUE;
}

JsonArray *
app_reply_counters(DbConn *conn, gint64 participant_id, gint64 session_id,
    GError **error)
{
	JsonArray *rows = db_reply_counters(conn, participant_id, session_id,
	    error);
	g_autoptr(GTimeZone) tz = NULL;
	guint i;

	for (i = 0; rows != NULL && i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		if (tz == NULL) /* every row is of the one event */
			tz = app_zone(db_str(r, "timezone"));
		app_local_time(r, "proposed_starts_at", tz, "%Y-%m-%d %H:%M",
		    "");
		app_local_time(r, "proposed_ends_at", tz, "%H:%M", "");
		app_local_time(r, "received_at", tz, "%Y-%m-%d %H:%M", "");
	}
	return rows;
}
