/*
 * calendar.c -- the public programme as one .ics, and each participant's
 * own programme as a download and as a private subscription feed.
 *
 * These are plain RFC 5545 objects: no METHOD, ORGANIZER or ATTENDEE, so
 * importing one never mails the organiser a reply (CALENDAR.md B3, D1).
 * Their UIDs carry "-feed" so they never merge with the invitations of the
 * same sessions.  DTSTAMP is the time of the newest change, not the time
 * of the request, so an unchanged calendar is byte-identical and a client
 * polling with If-None-Match gets 304.
 */
#include "app/internal.h"
#include "base/base.h"
#include "ical/ical.h"

#include <string.h>

/*
 * Builds the calendar from rows of db_feed_sessions/db_programme_sessions.
 * No rows is a valid calendar with no VEVENT; its time (Last-Modified, and
 * the years its VTIMEZONE covers) is then empty_time.
 */
static char *
calendar_from_rows(const struct app *app, JsonArray *rows, const char *lang,
    const char *calname, gint64 empty_time, gint64 *modified, GError **error)
{
	guint n = json_array_get_length(rows), i;
	g_autofree struct ical_event *evs = g_new0(struct ical_event, n + 1);
	g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) times = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_date_time_unref);
	g_autoptr(GDateTime) stamp = NULL;
	g_autofree char *title = g_strconcat("title_", lang, NULL);
	g_autofree char *desc = g_strconcat("description_", lang, NULL);
	const char *tz = "Europe/Oslo";
	const char *at = strrchr(app->conf->mail_from, '@');

	*modified = 0;
	for (i = 0; i < n; i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		const char *room = db_str(r, "room"), *venue = db_str(r, "venue");
		char *uid = g_strdup_printf("%s-feed@%s", db_str(r, "uid"),
		    at ? at + 1 : "summit.invalid");
		char *loc = g_strdup_printf("%s%s%s", room ? room : "",
		    room && *room && venue && *venue ? ", " : "",
		    venue ? venue : "");
		GDateTime *start = g_date_time_new_from_iso8601(
		    db_str(r, "starts_utc"), NULL);
		GDateTime *end = g_date_time_new_from_iso8601(
		    db_str(r, "ends_utc"), NULL);

		if (start == NULL || end == NULL) {
			g_free(uid);
			g_free(loc);
			g_clear_pointer(&start, g_date_time_unref);
			g_clear_pointer(&end, g_date_time_unref);
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
			    "session without valid times");
			return NULL;
		}
		g_ptr_array_add(keep, uid);
		g_ptr_array_add(keep, loc);
		g_ptr_array_add(times, start);
		g_ptr_array_add(times, end);
		evs[i] = (struct ical_event){ .uid = uid,
		    .summary = db_str(r, title), .description = db_str(r, desc),
		    .location = *loc ? loc : NULL, .start = start, .end = end };
		tz = db_str(r, "timezone");
		*modified = MAX(*modified, db_int(r, "modified"));
	}
	if (n == 0)
		*modified = empty_time;
	stamp = g_date_time_new_from_unix_utc(*modified);
	return ical_feed(evs, n, tz, calname, NULL, stamp, error);
}

char *
app_programme_ics(const struct app *app, const char *lang, gint64 *modified,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = NULL;
	g_autoptr(JsonArray) rows = NULL;
	g_autofree char *name = g_strconcat("name_", lang, NULL);
	DbConn *conn;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	event = db_event_head(conn, &dberr);
	if (event != NULL)
		rows = db_programme_sessions(conn, db_int(event, "id"), &dberr);
	db_release(app->db, conn);
	if (rows == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	return calendar_from_rows(app, rows, lang, db_str(event, name),
	    g_get_real_time() / G_USEC_PER_SEC, modified, error);
}

char *
app_participant_ics(const struct app *app, const char *token, bool is_feed,
    gint64 *modified, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, event = NULL;
	g_autoptr(JsonArray) rows = NULL;
	g_autofree char *hash = NULL, *name = NULL;
	const char *lang;
	DbConn *conn;

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	hash = token_hash(token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	p = is_feed ? db_participant_by_feed(conn, hash, &dberr) :
	    db_participant_by_token(conn, hash, false, &dberr);
	if (p != NULL && (event = db_event_head(conn, &dberr)) != NULL)
		rows = db_feed_sessions(conn, db_int(p, "id"), &dberr);
	db_release(app->db, conn);
	if (rows == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	lang = g_strcmp0(db_str(p, "language"), "en") == 0 ? "en" : "nb";
	name = g_strdup_printf("%s – %s", db_str(event, lang[0] == 'e' ?
	    "name_en" : "name_nb"), db_str(p, "name"));
	/* Nothing published yet (or any more): an empty calendar, as of
	 * the participant's last change. */
	return calendar_from_rows(app, rows, lang, name, db_int(p, "updated"),
	    modified, error);
}

char *
app_feed_derive(const struct app *app, const char *page_token)
{
	g_autofree char *msg = g_strconcat("participant-feed:", page_token,
	    NULL);
	char *feed = token_hmac(app->key, app->keylen, msg);

	feed[TOKEN_BYTES * 2] = '\0';
	return feed;
}

char *
app_feed_token(const struct app *app, const char *page_token, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, f = NULL;
	g_autofree char *feed = NULL, *page_hash = NULL, *feed_hash = NULL;
	DbConn *conn;
	gboolean ok = FALSE;

	if (!token_is_wellformed(page_token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	/* Derived, so the page can show it again without storing it. */
	feed = app_feed_derive(app, page_token);
	page_hash = token_hash(page_token);
	feed_hash = token_hash(feed);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((p = db_participant_by_token(conn, page_hash, false,
	    &dberr)) == NULL)
		goto out;
	/* The mailer registers the feed token with the page token, so this
	 * only reads.  Links mailed before it did are the exception: their
	 * feed token is registered on the first view, once. */
	f = db_participant_by_feed(conn, feed_hash, &dberr);
	if (f == NULL && g_error_matches(dberr, SUMMIT_DB_ERROR,
	    DB_ENOTFOUND)) {
		g_clear_error(&dberr);
		if (!db_token_insert(conn, db_int(p, "id"), feed_hash, "feed",
		    &dberr))
			goto out;
	} else if (f == NULL)
		goto out;
	ok = TRUE;
out:
	db_release(app->db, conn);
	if (!ok) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	return g_steal_pointer(&feed);
}
