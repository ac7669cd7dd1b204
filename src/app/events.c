/*
 * events.c -- the installation's events: the list every address and
 * command chooses from, and which event a command without --event means.
 */
#include "app/internal.h"
#include "base/base.h"

#include <stdio.h>
#include <string.h>

static gboolean
events_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	JsonArray **out = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(out, json_array_unref);
	if ((*out = db_events(conn, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

JsonArray *
app_events(const struct app *app, GError **error)
{
	JsonArray *rows = NULL;

	if (!app_db_run(app, events_read, &rows, error))
		g_clear_pointer(&rows, json_array_unref);
	return rows;
}

gboolean
app_event_pick(const struct app *app, const char *slug, bool to_change,
    gint64 *id, GError **error)
{
	g_autoptr(JsonArray) rows = app_events(app, error);
	g_autoptr(GString) names = g_string_new("");
	guint i, live = 0;

	if (rows == NULL)
		return FALSE;
	*id = 0;
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *e = json_array_get_object_element(rows, i);
		bool archived = json_object_get_boolean_member(e, "archived");

		if (slug != NULL && strcmp(slug, db_str(e, "slug")) == 0) {
			if (archived && to_change) {
				g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
				    "event \"%s\" is archived: it can be "
				    "read, not changed (unarchive it at "
				    "/console/events first)",
				    slug);
				return FALSE;
			}
			*id = db_int(e, "id");
			return TRUE;
		}
		if (slug == NULL && !archived && live++ == 0)
			*id = db_int(e, "id");
		g_string_append_printf(names, "%s%s%s", names->len ? ", " : "",
		    db_str(e, "slug"), archived ? " (archived)" : "");
	}
	if (slug == NULL && live == 1)
		return TRUE;
	*id = 0;
	if (slug != NULL)
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no event \"%s\"; the events are: %s", slug,
		    names->len ? names->str : "none");
	else if (live == 0)
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "there is no event yet (load-demo, or make one in the "
		    "console)");
	else
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "there are several events: say which with --event SLUG "
		    "(%s)",
		    names->str);
	return FALSE;
}

JsonArray *
app_events_of(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	JsonArray *rows;
	DbConn *conn;

	if (actor == NULL || (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((rows = db_events_of(conn, actor->id, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	if (rows != NULL)
		app_local_times(rows, "starts_at", utc, "%Y-%m-%d", "");
	return rows;
}

struct copy_unit {
	const struct app_event_copy *in;
	gint64 id;
	struct app_refusal refusal; /* the slug, as the database refused it */
};

static gboolean
copy_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct copy_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	/* The slug's rules (its letters, the words the installation's own
	 * addresses begin with, one event each) are sql/022's constraints
	 * alone; their refusals map to the field (refusal.c). */
	if (!db_event_copy(conn, u->in->from_id, u->in->slug, u->in->name_nb,
	        u->in->name_en, u->in->day, &u->id, &dberr)) {
		if (app_refusal_from_db(dberr, &u->refusal)) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s",
			    u->refusal.field);
			return FALSE;
		}
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	ch->subject_id = u->id;
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "copied_from", u->in->from_id);
	json_object_set_string_member(ch->after, "slug", u->in->slug);
	json_object_set_string_member(ch->after, "day", u->in->day);
	return TRUE;
}

gboolean
app_event_copy(const struct app *app, const struct app_actor *actor,
    const struct app_event_copy *in, struct app_refusal *refusal, gint64 *id,
    GError **error)
{
	struct copy_unit u = { in, 0, { NULL, 0 } };
	const char *field = NULL;
	int y, m, d;
	char end;

	if (!app_require(actor, "admin", error))
		return FALSE;
	if (in->slug == NULL || *in->slug == '\0')
		field = "slug";
	else if (text_check_line(in->name_nb, 200) != TEXT_OK ||
	    *in->name_nb == '\0')
		field = "name_nb";
	else if (text_check_line(in->name_en, 200) != TEXT_OK ||
	    *in->name_en == '\0')
		field = "name_en";
	else if (in->day == NULL ||
	    sscanf(in->day, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		field = "day";
	if (field != NULL) {
		if (refusal != NULL)
			*refusal = (struct app_refusal){ field,
				APP_REASON_INVALID };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
		return FALSE;
	}
	if (!app_tx_audited(app, actor, "admin", "event.copy", "event",
	        copy_run, &u, error)) {
		log_warnx("a copy of event %" G_GINT64_FORMAT " as \"%s\" "
		          "failed: %s",
		    in->from_id, in->slug, (*error)->message);
		if (refusal != NULL && u.refusal.field != NULL)
			*refusal = u.refusal;
		return FALSE;
	}
	*id = u.id;
	return TRUE;
}

static gboolean
archive_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	const bool *archived = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = ch->event_id;
	if (!db_event_archive(conn, ch->event_id, *archived, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = json_object_new();
	json_object_set_boolean_member(ch->after, "archived", *archived);
	return TRUE;
}

gboolean
app_event_archive(const struct app *app, const struct app_actor *actor,
    bool archived, GError **error)
{
	return app_tx_audited(app, actor, "admin",
	    archived ? "event.archive" : "event.unarchive", "event",
	    archive_run, &archived, error);
}

JsonArray *
app_events_upcoming(const struct app *app, const char *lang, GError **error)
{
	g_autoptr(JsonArray) rows = app_events(app, error);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	JsonArray *out;
	guint i;

	if (rows == NULL)
		return NULL;
	out = json_array_new();
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *e = json_array_get_object_element(rows, i);
		g_autoptr(GTimeZone) tz = NULL;

		if (json_object_get_boolean_member(e, "archived") ||
		    db_int(e, "ends_at") < now)
			continue;
		tz = app_zone(db_str(e, "timezone"));
		app_localise(e, lang, (const char *const[]){ "name", NULL });
		app_local_time(e, "starts_at", tz, "%Y-%m-%d", "");
		json_array_add_object_element(out, json_object_ref(e));
	}
	return out;
}
