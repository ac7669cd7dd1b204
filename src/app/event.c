/*
 * event.c -- the event as attendees see it: programme by slot, seats, how
 * many ranked each session first, places left, its times in its own zone.
 */
#include "app/internal.h"

/* What app_event_view reads, in one unit (it may run twice). */
struct event_read {
	gint64 event_id;
	JsonObject *event;
	JsonArray *programme, *sectors;
};

static void
event_read_clear(struct event_read *r)
{
	g_clear_pointer(&r->event, json_object_unref);
	g_clear_pointer(&r->programme, json_array_unref);
	g_clear_pointer(&r->sectors, json_array_unref);
}

static gboolean
event_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct event_read *r = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	event_read_clear(r);
	if ((r->event = db_event_current(conn, r->event_id, &dberr)) == NULL ||
	    (r->programme = db_event_programme(conn, db_int(r->event, "id"),
	         &dberr)) == NULL ||
	    (r->sectors = db_event_sectors(conn, db_int(r->event, "id"),
	         &dberr)) == NULL) {
		event_read_clear(r);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	/* Who is on stage in each session (speakers.c). */
	if (!app_speakers_programme(conn, db_int(r->event, "id"), r->programme,
	        error)) {
		event_read_clear(r);
		return FALSE;
	}
	return TRUE;
}

/* The clock times of row's starts_at and ends_at in tz, as "starts" and
 * "ends" ("HH:MM"). */
static void
event_times(JsonObject *row, GTimeZone *tz)
{
	g_autofree char *starts = app_time_text(tz, db_int(row, "starts_at"),
	    "%H:%M");
	g_autofree char *ends = app_time_text(tz, db_int(row, "ends_at"),
	    "%H:%M");

	json_object_set_string_member(row, "starts", starts);
	json_object_set_string_member(row, "ends", ends);
}

JsonObject *
app_event_view(const struct app *app, gint64 event_id, const char *lang,
    GError **error)
{
	static const char *const event_texts[] = { "name", "description",
		NULL };
	static const char *const session_texts[] = { "title", "description",
		NULL };
	struct event_read r = { .event_id = event_id };
	g_autoptr(JsonArray) programme = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree char *date = NULL;
	JsonObject *event = NULL, *slot = NULL;
	JsonArray *slots, *sectors;
	gint64 last_slot = -1;
	guint i;

	if (!app_db_run(app, event_read, &r, error))
		return NULL;
	event = r.event;
	programme = r.programme;
	sectors = r.sectors;

	app_localise(event, lang, event_texts);
	tz = app_zone(db_str(event, "timezone"));
	date = app_time_text(tz, db_int(event, "starts_at"), "%Y-%m-%d");
	json_object_set_string_member(event, "date", date);
	event_times(event, tz);
	app_local_time(event, "registration_closes", tz, "%Y-%m-%d %H:%M", "");
	for (i = 0; i < json_array_get_length(sectors); i++)
		app_localise(json_array_get_object_element(sectors, i), lang,
		    (const char *const[]){ "name", NULL });
	json_object_set_array_member(event, "sectors", sectors);

	slots = json_array_new();
	for (i = 0; i < json_array_get_length(programme); i++) {
		JsonObject *s = json_array_get_object_element(programme, i);

		app_localise(s, lang, session_texts);
		event_times(s, tz);
		if (db_int(s, "slot_id") != last_slot) {
			slot = json_object_new();
			json_object_set_int_member(slot, "id",
			    db_int(s, "slot_id"));
			json_object_set_string_member(slot, "starts",
			    db_str(s, "starts"));
			json_object_set_string_member(slot, "ends",
			    db_str(s, "ends"));
			json_object_set_array_member(slot, "sessions",
			    json_array_new());
			json_array_add_object_element(slots, slot);
			last_slot = db_int(s, "slot_id");
		}
		json_array_add_object_element(
		    json_object_get_array_member(slot, "sessions"),
		    json_object_ref(s));
	}
	json_object_set_array_member(event, "slots", slots);
	json_object_set_boolean_member(event, "full",
	    db_int(event, "places_left") <= 0);
	return event;
}
