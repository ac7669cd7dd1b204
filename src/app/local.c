/*
 * local.c -- what people read, in their language and the event's zone:
 * texts chosen by language (a row's title_nb or title_en as title), and
 * times, which db gives as Unix seconds, written in the event's own time
 * zone (event.timezone), the zone looked up once per answer, not per row.
 */
#include "app/internal.h"
#include "ical/ical.h"

GTimeZone *
app_zone(const char *tzid)
{
	GTimeZone *tz;

	/* The zone passed db_timezone_known when it was stored: PostgreSQL
	 * and GLib read the same system tz database.  ical_tz_zone, not
	 * GLib's cache: see ical.h. */
	if (tzid == NULL || (tz = ical_tz_zone(tzid)) == NULL)
		tz = g_time_zone_new_utc();
	return tz;
}

GTimeZone *
app_event_zone(DbConn *conn, gint64 event_id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = db_event_head(conn, event_id, &dberr);

	if (event == NULL &&
	    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND)) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	return app_zone(event != NULL ? db_str(event, "timezone") : NULL);
}

char *
app_time_text(GTimeZone *tz, gint64 t, const char *fmt)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) local = NULL;
	char *text = NULL;

	if (utc != NULL && (local = g_date_time_to_timezone(utc, tz)) != NULL)
		text = g_date_time_format(local, fmt);
	return text != NULL ? text : g_strdup("");
}

void
app_local_time(JsonObject *row, const char *col, GTimeZone *tz, const char *fmt,
    const char *null_text)
{
	JsonNode *n = json_object_get_member(row, col);
	g_autofree char *text = NULL;

	if (n == NULL)
		return;
	if (JSON_NODE_HOLDS_NULL(n)) {
		if (null_text != NULL)
			json_object_set_string_member(row, col, null_text);
		return;
	}
	text = app_time_text(tz, json_node_get_int(n), fmt);
	json_object_set_string_member(row, col, text);
}

void
app_local_times(JsonArray *rows, const char *col, GTimeZone *tz,
    const char *fmt, const char *null_text)
{
	guint i;

	for (i = 0; i < json_array_get_length(rows); i++)
		app_local_time(json_array_get_object_element(rows, i), col, tz,
		    fmt, null_text);
}

void
app_local_cols(JsonObject *row, const char *const *cols, GTimeZone *tz,
    const char *fmt)
{
	for (; *cols != NULL; cols++)
		app_local_time(row, *cols, tz, fmt, "");
}

void
app_localise(JsonObject *row, const char *lang, const char *const *bases)
{
	for (; *bases != NULL; bases++) {
		g_autofree char *key = g_strconcat(*bases, "_", lang, NULL);
		const char *v = db_str(row, key);

		json_object_set_string_member(row, *bases, v ? v : "");
	}
}
