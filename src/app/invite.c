/*
 * invite.c -- the calendar object of one invitation, update or
 * cancellation, from the payload taken when it was queued.
 *
 * UIDs are the session's permanent uuid at the mail domain, so every
 * message about one session -- invitation, updates, cancellation -- names
 * the same event in the participant's calendar.
 */
#include "app/internal.h"
#include "ical/ical.h"

#include <string.h>

char *
app_session_uid(const struct app *app, const char *session_uid)
{
	const char *at = strrchr(app->conf->mail_from, '@');

	return g_strdup_printf("%s@%s", session_uid,
	    at ? at + 1 : "summit.invalid");
}

static const char *
member(JsonObject *o, const char *name)
{
	return json_object_has_member(o, name) ?
	    json_object_get_string_member(o, name) :
	    NULL;
}

char *
app_session_description(const struct app *app, JsonArray *people,
    const char *lang, const char *description, GError **error)
{
	g_autofree char *name = g_strdup_printf("mail/%s/session_people.txt",
	    lang);
	g_autoptr(JsonObject) ctx = json_object_new();
	g_autoptr(GString) out = g_string_new(description);
	JsonArray *rows = json_array_new();
	guint i;

	json_object_set_array_member(ctx, "people", rows);
	for (i = 0; people != NULL && i < json_array_get_length(people); i++) {
		JsonObject *r = json_object_new();
		JsonObject *p = json_array_get_object_element(people, i);

		if (p == NULL)
			continue;
		json_object_set_string_member(r, "role",
		    json_object_get_string_member_with_default(p, "role", ""));
		json_object_set_string_member(r, "name",
		    json_object_get_string_member_with_default(p, "name", ""));
		json_object_set_string_member(r, "organisation",
		    json_object_get_string_member_with_default(p,
		        "organisation", ""));
		app_speaker_role_flags(r);
		json_array_add_object_element(rows, r);
	}
	if (json_array_get_length(rows) == 0)
		return g_strdup(description);
	/* A blank line between the text and the people. */
	if (out->len > 0)
		g_string_append(out, "\n\n");
	if (!tmpl_render(app->tmpl, name, ctx, out, error))
		return NULL;
	while (out->len > 0 && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

char *
app_invitation_calendar(const struct app *app, JsonObject *payload,
    const char *lang, const char *recipient, const char *recipient_name,
    const char *page_url, GError **error)
{
	g_autofree char *title_key = g_strconcat("title_", lang, NULL);
	g_autofree char *desc_key = g_strconcat("description_", lang, NULL);
	g_autofree char *uid = NULL, *location = NULL, *description = NULL;
	g_autoptr(GDateTime) start = NULL, end = NULL, now = NULL;
	const char *room = member(payload, "room");
	const char *venue = member(payload, "venue");
	const char *method = member(payload, "method");
	struct ical_party organizer = { app->conf->mail_from,
		app->conf->mail_from_name };
	struct ical_party attendee = { recipient, recipient_name };
	struct ical_event ev = { 0 };

	start = g_date_time_new_from_iso8601(
	    member(payload, "starts_utc") ? member(payload, "starts_utc") : "",
	    NULL);
	end = g_date_time_new_from_iso8601(
	    member(payload, "ends_utc") ? member(payload, "ends_utc") : "",
	    NULL);
	if (start == NULL || end == NULL || member(payload, "uid") == NULL ||
	    method == NULL) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "invitation payload lacks times, uid or method");
		return NULL;
	}
	uid = app_session_uid(app, member(payload, "uid"));
	description = app_session_description(app,
	    json_object_has_member(payload, "people") ?
	        json_object_get_array_member(payload, "people") :
	        NULL,
	    lang, member(payload, desc_key) ? member(payload, desc_key) : "",
	    error);
	if (description == NULL)
		return NULL;
	if (room != NULL && *room != '\0' && venue != NULL && *venue != '\0')
		location = g_strdup_printf("%s, %s", room, venue);
	else
		location = g_strdup(room && *room ? room : venue);
	ev = (struct ical_event){
		.uid = uid,
		.summary = member(payload, title_key),
		.description = description,
		.location = location,
		.url = page_url,
		.start = start,
		.end = end,
		.sequence = json_object_get_int_member(payload, "sequence"),
	};
	now = g_date_time_new_now_utc();
	return ical_itip(strcmp(method, "CANCEL") == 0 ? ICAL_METHOD_CANCEL :
	                                                 ICAL_METHOD_REQUEST,
	    &ev, member(payload, "timezone"), &organizer, &attendee, now,
	    error);
}

char *
app_ics_preview(const struct app *app, const char *email, gint64 session_id,
    const char *method, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL;
	g_autoptr(JsonArray) rows = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	DbConn *conn;
	guint i;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	p = db_participant_by_email_any(conn, email, &dberr);
	if (p == NULL ||
	    (rows = db_invitation_preview(conn, db_int(p, "id"), &dberr)) ==
	        NULL)
		goto dbfail;
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		g_autofree char *payload_text = NULL, *ics = NULL;
		g_autoptr(JsonNode) payload = NULL;
		bool placed = json_object_get_boolean_member(r, "placed");
		bool invited = g_strcmp0(db_str(r, "state"), "invited") == 0;
		gint64 seq = db_int(r, "sequence");
		const char *m;

		if (session_id != 0 && db_int(r, "session_id") != session_id)
			continue;
		if (method != NULL)
			m = g_ascii_strcasecmp(method, "cancel") == 0 ?
			    "CANCEL" :
			    "REQUEST";
		else
			m = placed ? "REQUEST" : "CANCEL";
		/* The next message: a first invitation is 0; anything after
		 * a message already sent is one higher. */
		seq = seq < 0                                        ? 0 :
		    (strcmp(m, "REQUEST") == 0 && invited && placed) ? seq :
		                                                       seq + 1;
		payload_text = db_session_payload(conn, db_int(r, "session_id"),
		    seq, m, &dberr);
		if (payload_text == NULL)
			goto dbfail;
		payload = json_from_string(payload_text, error);
		if (payload == NULL)
			goto fail;
		ics = app_invitation_calendar(app,
		    json_node_get_object(payload), db_str(p, "language"),
		    db_str(p, "email"), db_str(p, "name"), NULL, error);
		if (ics == NULL)
			goto fail;
		if (out->len > 0)
			g_string_append(out, "\r\n");
		g_string_append(out, ics);
	}
	if (out->len == 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "%s has no placements or invitations%s", email,
		    session_id ? " for that session" : "");
		goto fail;
	}
	db_release(app->db, conn);
	return g_string_free(g_steal_pointer(&out), FALSE);
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
fail:
	db_release(app->db, conn);
	return NULL;
}
