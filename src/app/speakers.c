/*
 * speakers.c -- the people on stage: speakers, moderators, panellists and
 * hosts attached to sessions by the organisers (the console's session
 * page), and what the programme and a speaker's own page show of them.
 *
 * A person on stage is a participant of the event, so their page, link
 * and invitations are everyone's: publish (db/invitation.c) invites them
 * to the sessions they are attached to as it invites people to their
 * placements.  Someone who did not register gets a speaker-only row: no
 * place at the event, never given to the allocator.  They take a seat in
 * the session only when the organisers tick counts_seat.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

static const char *const roles[] = { "speaker", "moderator", "panellist",
	"host", NULL };

const char *const *
app_speaker_roles(void)
{
	return roles;
}

bool
app_speaker_role_ok(const char *role)
{
	return role != NULL && g_strv_contains(roles, role);
}

/* One flag per role (role_speaker, ...), so a template words the role
 * from its catalogue without naming a key by value. */
void
app_speaker_role_flags(JsonObject *row)
{
	const char *role = db_str(row, "role");
	size_t i;

	for (i = 0; roles[i] != NULL; i++) {
		g_autofree char *key = g_strconcat("role_", roles[i], NULL);

		json_object_set_boolean_member(row, key,
		    g_strcmp0(role, roles[i]) == 0);
	}
}

static gboolean
refuse(GError **error, struct app_refusal *why, const char *field,
    enum app_reason reason)
{
	if (why != NULL)
		*why = (struct app_refusal){ field, reason };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s: %s", field,
	    app_reason_name(reason));
	return FALSE;
}

/* The session must be event_id's; APP_ENOTFOUND otherwise. */
static gboolean
session_of_event(DbConn *conn, gint64 event_id, gint64 session_id,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) s = db_session_get(conn, event_id, session_id,
	    &dberr);

	if (s != NULL)
		return TRUE;
	if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such session");
		return FALSE;
	}
	return app_fail_db(error, g_steal_pointer(&dberr));
}

struct speaker_read {
	gint64 event_id, session_id;
	JsonArray *rows;
};

static gboolean
speakers_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct speaker_read *r = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&r->rows, json_array_unref);
	if (!session_of_event(conn, r->event_id, r->session_id, error))
		return FALSE;
	if ((r->rows = db_speakers_of_session(conn, r->event_id, r->session_id,
	         &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

JsonArray *
app_speakers_session(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 session_id, GError **error)
{
	struct speaker_read r = { event_id, session_id, NULL };
	guint i, n;

	if (!app_require(actor, "staff", error) ||
	    !app_db_run(app, speakers_read, &r, error))
		return NULL;
	n = json_array_get_length(r.rows);
	for (i = 0; i < n; i++) {
		JsonObject *row = json_array_get_object_element(r.rows, i);

		app_speaker_role_flags(row);
		json_object_set_boolean_member(row, "not_confirmed",
		    g_strcmp0(db_str(row, "status"), "confirmed") != 0);
		json_object_set_boolean_member(row, "first", i == 0);
		json_object_set_boolean_member(row, "last", i + 1 == n);
	}
	return r.rows;
}

struct speaker_unit {
	gint64 event_id, session_id, participant_id;
	const struct app_speaker *in;
	struct app_refusal *why;
	int step;
};

static gboolean
speaker_add(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct speaker_unit *u = user;
	const struct app_speaker *s = u->in;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) known = NULL;
	JsonObject *after;
	bool made = false;
	gint64 pid = 0;

	(void)app;
	if (!session_of_event(conn, u->event_id, s->session_id, error))
		return FALSE;
	known = db_participant_by_email(conn, u->event_id, s->email, &dberr);
	if (known == NULL &&
	    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_error(&dberr);
	/* Someone new needs a name and an organisation. */
	if (known == NULL && (s->name == NULL || *s->name == '\0'))
		return refuse(error, u->why, "name", APP_REASON_MISSING);
	if (known == NULL &&
	    (s->organisation == NULL || *s->organisation == '\0'))
		return refuse(error, u->why, "organisation",
		    APP_REASON_MISSING);
	if (!db_speaker_participant(conn, u->event_id, s->name ? s->name : "",
	        s->email, s->organisation ? s->organisation : "", s->language,
	        &pid, &made, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (pid == 0)
		return refuse(error, u->why, "email", APP_REASON_INVALID);
	if ((after = db_speaker_attach(conn, u->event_id, s->session_id, pid,
	         s->role, s->counts_seat, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_set_int_member(after, "session_id", s->session_id);
	json_object_set_int_member(after, "participant_id", pid);
	json_object_set_boolean_member(after, "participant_made", made);
	ch->subject_id = s->session_id;
	ch->after = after;
	return TRUE;
}

gboolean
app_speaker_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_speaker *s, struct app_refusal *why,
    GError **error)
{
	struct speaker_unit u = { .event_id = event_id, .in = s, .why = why };

	if (!app_require(actor, "admin", error))
		return FALSE;
	if (s->email == NULL || *s->email == '\0')
		return refuse(error, why, "email", APP_REASON_MISSING);
	if (text_check_email(s->email) != TEXT_OK)
		return refuse(error, why, "email", APP_REASON_INVALID);
	if (s->name != NULL && *s->name != '\0' &&
	    text_check_line(s->name, 200) != TEXT_OK)
		return refuse(error, why, "name", APP_REASON_LENGTH);
	if (s->organisation != NULL && *s->organisation != '\0' &&
	    text_check_line(s->organisation, 200) != TEXT_OK)
		return refuse(error, why, "organisation", APP_REASON_LENGTH);
	if (!app_speaker_role_ok(s->role))
		return refuse(error, why, "role",
		    s->role == NULL || *s->role == '\0' ? APP_REASON_MISSING :
		                                          APP_REASON_INVALID);
	if (g_strcmp0(s->language, "nb") != 0 &&
	    g_strcmp0(s->language, "en") != 0)
		return refuse(error, why, "language", APP_REASON_INVALID);
	if (s->session_id <= 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such session");
		return FALSE;
	}
	return app_tx_audited(app, actor, "admin", "speaker.add", "session",
	    speaker_add, &u, error);
}

static gboolean
speaker_remove(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct speaker_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = u->session_id;
	if ((ch->before = db_speaker_detach(conn, u->event_id, u->session_id,
	         u->participant_id, &dberr)) == NULL) {
		if (!g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return app_fail_db(error, g_steal_pointer(&dberr));
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "not on stage in that session");
		return FALSE;
	}
	json_object_set_int_member(ch->before, "participant_id",
	    u->participant_id);
	return TRUE;
}

gboolean
app_speaker_remove(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 session_id, gint64 participant_id, GError **error)
{
	struct speaker_unit u = { .event_id = event_id,
		.session_id = session_id,
		.participant_id = participant_id };

	return app_tx_audited(app, actor, "admin", "speaker.remove", "session",
	    speaker_remove, &u, error);
}

static gboolean
speaker_move(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct speaker_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = u->session_id;
	if (!db_speaker_move(conn, u->event_id, u->session_id,
	        u->participant_id, u->step, &dberr)) {
		if (!g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return app_fail_db(error, g_steal_pointer(&dberr));
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "not on stage in that session");
		return FALSE;
	}
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "participant_id",
	    u->participant_id);
	json_object_set_int_member(ch->after, "step", u->step);
	return TRUE;
}

gboolean
app_speaker_move(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 session_id, gint64 participant_id, int step,
    GError **error)
{
	struct speaker_unit u = { .event_id = event_id,
		.session_id = session_id,
		.participant_id = participant_id,
		.step = step < 0 ? -1 : 1 };

	return app_tx_audited(app, actor, "admin", "speaker.move", "session",
	    speaker_move, &u, error);
}

gboolean
app_speakers_programme(DbConn *conn, gint64 event_id, JsonArray *sessions,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = db_speakers_of_event(conn, event_id,
	    &dberr);
	g_autoptr(GHashTable) by_session = NULL;
	guint i;

	if (rows == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	by_session = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    (GDestroyNotify)json_object_unref);
	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);
		gint64 *key = g_new(gint64, 1);

		*key = db_int(s, "id");
		json_object_set_array_member(s, "people", json_array_new());
		g_hash_table_insert(by_session, key, json_object_ref(s));
	}
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		gint64 sid = db_int(r, "session_id");
		JsonObject *s = g_hash_table_lookup(by_session, &sid);

		if (s == NULL)
			continue;
		/* A seat someone on stage takes is not free to anyone. */
		if (json_object_get_boolean_member(r, "counts_seat") &&
		    json_object_has_member(s, "capacity"))
			json_object_set_int_member(s, "capacity",
			    MAX(0, db_int(s, "capacity") - 1));
		if (!json_object_get_boolean_member(r, "shown"))
			continue;
		app_speaker_role_flags(r);
		json_array_add_object_element(
		    json_object_get_array_member(s, "people"),
		    json_object_ref(r));
	}
	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);

		json_object_set_boolean_member(s, "has_people",
		    json_array_get_length(
		        json_object_get_array_member(s, "people")) > 0);
	}
	return TRUE;
}

JsonArray *
app_speaker_stage(DbConn *conn, gint64 event_id, gint64 participant_id,
    GTimeZone *tz, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonArray *rows = db_speaker_sessions(conn, event_id, participant_id,
	    &dberr);
	guint i;

	if (rows == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		g_autofree char *day = app_time_text(tz, db_int(r, "starts_at"),
		    "%Y-%m-%d");

		app_speaker_role_flags(r);
		json_object_set_string_member(r, "date", day);
		app_local_time(r, "starts_at", tz, "%H:%M", "");
		app_local_time(r, "ends_at", tz, "%H:%M", "");
	}
	return rows;
}
