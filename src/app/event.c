/*
 * event.c -- the event as attendees see it: programme by slot, seats, how
 * many ranked each session first, places left.
 */
#include "app/internal.h"

#include <string.h>

void
app_localise(JsonObject *row, const char *lang, const char *const *bases)
{
	for (; *bases != NULL; bases++) {
		g_autofree char *key = g_strconcat(*bases, "_", lang, NULL);
		const char *v = db_str(row, key);

		json_object_set_string_member(row, *bases, v ? v : "");
	}
}

JsonObject *
app_event_view(const struct app *app, const char *lang, GError **error)
{
	static const char *const event_texts[] = { "name", "description", NULL };
	static const char *const session_texts[] = { "title", "description",
	    NULL };
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) programme = NULL;
	JsonObject *event = NULL, *slot = NULL;
	JsonArray *slots, *sectors;
	DbConn *conn;
	gint64 last_slot = -1;
	guint i;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	event = db_event_current(conn, &dberr);
	if (event == NULL)
		goto dbfail;
	programme = db_event_programme(conn, db_int(event, "id"), &dberr);
	sectors = programme ? db_event_sectors(conn, db_int(event, "id"),
	    &dberr) : NULL;
	if (sectors == NULL) {
		g_clear_pointer(&event, json_object_unref);
		goto dbfail;
	}
	db_release(app->db, conn);

	app_localise(event, lang, event_texts);
	for (i = 0; i < json_array_get_length(sectors); i++)
		app_localise(json_array_get_object_element(sectors, i), lang,
		    (const char *const[]){ "name", NULL });
	json_object_set_array_member(event, "sectors", sectors);

	slots = json_array_new();
	for (i = 0; i < json_array_get_length(programme); i++) {
		JsonObject *s = json_array_get_object_element(programme, i);

		app_localise(s, lang, session_texts);
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
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return NULL;
}
