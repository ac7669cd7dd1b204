/*
 * calendar.c -- the public programme as one .ics, and each participant's
 * own programme as a download and as a private subscription feed.
 *
 * These are plain RFC 5545 objects: no METHOD, ORGANIZER or ATTENDEE, so
 * importing one never mails the organiser a reply (CALENDAR.md B3, D1).
 * Their UIDs carry "-feed" so they never merge with the invitations of the
 * same sessions.  DTSTAMP is the time of the newest change, not the time
 * of the request, so an unchanged calendar is byte-identical and a client
 * polling with If-None-Match gets 304.  That time counts removals too (a
 * cancelled registration, invitation or session), so Last-Modified moves
 * on when an event goes away and If-Modified-Since gets the new calendar.
 * SEQUENCE is the last one sent to the participant for the session (the
 * programme: the session's own change counter).
 */
#include "app/internal.h"
#include "base/base.h"
#include "ical/ical.h"

#include <string.h>

/*
 * Builds the calendar from rows of db_feed_sessions/db_programme_sessions,
 * in zone tz (the event's), dated changed.  No rows is a valid calendar
 * with no VEVENT.
 */
static char *
calendar_from_rows(const struct app *app, JsonArray *rows, const char *tz,
    const char *lang, const char *calname, gint64 changed, GError **error)
{
	guint n = json_array_get_length(rows), i;
	g_autofree struct ical_event *evs = g_new0(struct ical_event, n + 1);
	g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) times = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_date_time_unref);
	g_autoptr(GDateTime) stamp = NULL;
	g_autofree char *title = g_strconcat("title_", lang, NULL);
	g_autofree char *desc = g_strconcat("description_", lang, NULL);
	const char *at = strrchr(app->conf->mail_from, '@');

	for (i = 0; i < n; i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		const char *room = db_str(r, "room"),
		           *venue = db_str(r, "venue");
		char *uid = g_strdup_printf("%s-feed@%s", db_str(r, "uid"),
		    at ? at + 1 : "summit.invalid");
		char *loc = g_strdup_printf("%s%s%s", room ? room : "",
		    room && *room && venue && *venue ? ", " : "",
		    venue ? venue : "");
		GDateTime *start = g_date_time_new_from_iso8601(
		    db_str(r, "starts_utc"), NULL);
		GDateTime *end = g_date_time_new_from_iso8601(
		    db_str(r, "ends_utc"), NULL);
		g_autoptr(JsonNode) people = json_from_string(
		    db_str(r, "people"), NULL);
		char *text = app_session_description(app,
		    people != NULL && JSON_NODE_HOLDS_ARRAY(people) ?
		        json_node_get_array(people) :
		        NULL,
		    lang, db_str(r, desc) ? db_str(r, desc) : "", error);

		if (text == NULL) {
			g_free(uid);
			g_free(loc);
			g_clear_pointer(&start, g_date_time_unref);
			g_clear_pointer(&end, g_date_time_unref);
			return NULL;
		}
		g_ptr_array_add(keep, text);
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
			.summary = db_str(r, title),
			.description = text,
			.location = *loc ? loc : NULL,
			.start = start,
			.end = end,
			.sequence = db_int(r, "sequence") };
	}
	stamp = g_date_time_new_from_unix_utc(changed);
	return ical_feed(evs, n, tz, calname, NULL, stamp, error);
}

/* What a calendar download reads, in one unit (it may run twice). */
struct calendar_read {
	gint64 event_id;  /* the programme's (a participant has theirs) */
	const char *hash; /* participant's token hash; NULL: none */
	bool is_feed;
	JsonObject *p, *event;
	JsonArray *rows;
	gint64 changed; /* when the calendar last changed, Unix seconds */
};

static void
calendar_read_clear(struct calendar_read *r)
{
	g_clear_pointer(&r->p, json_object_unref);
	g_clear_pointer(&r->event, json_object_unref);
	g_clear_pointer(&r->rows, json_array_unref);
}

static gboolean
calendar_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct calendar_read *r = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	calendar_read_clear(r);
	if (r->hash != NULL) {
		r->p = r->is_feed ?
		    db_participant_by_feed(conn, r->hash, &dberr) :
		    db_participant_by_token(conn, r->hash, false, &dberr);
		if (r->p != NULL &&
		    (r->event = db_event_head(conn, db_int(r->p, "event_id"),
		         &dberr)) != NULL &&
		    (r->changed = db_feed_changed(conn, db_int(r->p, "id"),
		         &dberr)) >= 0)
			r->rows = db_feed_sessions(conn, db_int(r->p, "id"),
			    &dberr);
	} else if ((r->event = db_event_head(conn, r->event_id, &dberr)) !=
	        NULL &&
	    (r->changed = db_programme_changed(conn, db_int(r->event, "id"),
	         &dberr)) >= 0)
		r->rows = db_programme_sessions(conn, db_int(r->event, "id"),
		    &dberr);
	if (r->rows == NULL) {
		calendar_read_clear(r);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	return TRUE;
}

char *
app_programme_ics(const struct app *app, gint64 event_id, const char *lang,
    gint64 *modified, GError **error)
{
	struct calendar_read r = { .event_id = event_id };
	g_autofree char *name = g_strconcat("name_", lang, NULL);
	char *ics;

	if (!app_db_run(app, calendar_read, &r, error))
		return NULL;
	*modified = r.changed;
	ics = calendar_from_rows(app, r.rows, db_str(r.event, "timezone"), lang,
	    db_str(r.event, name), r.changed, error);
	calendar_read_clear(&r);
	return ics;
}

char *
app_participant_ics(const struct app *app, const char *token, bool is_feed,
    gint64 *modified, GError **error)
{
	g_autofree char *hash = NULL, *name = NULL;
	struct calendar_read r = { 0 };
	const char *lang;
	char *ics;

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	hash = token_hash(token);
	r.hash = hash;
	r.is_feed = is_feed;
	if (!app_db_run(app, calendar_read, &r, error))
		return NULL;
	lang = g_strcmp0(db_str(r.p, "language"), "en") == 0 ? "en" : "nb";
	name = g_strdup_printf("%s – %s",
	    db_str(r.event, lang[0] == 'e' ? "name_en" : "name_nb"),
	    db_str(r.p, "name"));
	/* Nothing published yet (or any more): an empty calendar, as of
	 * the participant's last change. */
	*modified = r.changed;
	ics = calendar_from_rows(app, r.rows, db_str(r.event, "timezone"), lang,
	    name, r.changed, error);
	calendar_read_clear(&r);
	return ics;
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

/*
 * The mailer registers the feed token with the page token, so this only
 * reads.  Links mailed before it did are the exception: their feed token
 * is registered on the first view, once (one statement: safe to run twice).
 */
struct feed_register {
	const char *page_hash, *feed_hash;
};

static gboolean
feed_register(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct feed_register *f = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, feed = NULL;

	(void)app;
	if ((p = db_participant_by_token(conn, f->page_hash, false, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	feed = db_participant_by_feed(conn, f->feed_hash, &dberr);
	if (feed != NULL)
		return TRUE;
	if (!g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_error(&dberr);
	if (!db_token_insert(conn, db_int(p, "id"), f->feed_hash, "feed",
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

char *
app_feed_token(const struct app *app, const char *page_token, GError **error)
{
	g_autofree char *feed = NULL, *page_hash = NULL, *feed_hash = NULL;
	struct feed_register f;

	if (!token_is_wellformed(page_token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	/* Derived, so the page can show it again without storing it. */
	feed = app_feed_derive(app, page_token);
	page_hash = token_hash(page_token);
	feed_hash = token_hash(feed);
	f = (struct feed_register){ page_hash, feed_hash };
	if (!app_db_run(app, feed_register, &f, error))
		return NULL;
	return g_steal_pointer(&feed);
}
