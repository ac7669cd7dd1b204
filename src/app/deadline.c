/*
 * deadline.c -- an event's deadlines and its freeze (deadline.h).
 *
 * The rules are pure functions of a struct app_deadlines and a time, so
 * every use case asks the same question the same way: the participant's
 * re-ranking and cancellation (participant.c), promotion from the waiting
 * list (waitlist.c) and the automatic refill (refill.c), and the answers
 * to the organisers' questions.  The time is the database's clock, read
 * with the deadlines, so a test sets an event's times in the database and
 * the server agrees.  The pages show each deadline in the event's zone
 * with its weekday (web words the weekday in the reader's language).
 */
#include "app/internal.h"

#include <string.h>

#define LOCAL_FORM "%Y-%m-%dT%H:%M"
#define LOCAL_TEXT "%Y-%m-%d %H:%M"
#define MAX_STOP_HOURS 8760

/* Fills d from db_deadlines' row. */
static void
deadlines_from_row(JsonObject *row, struct app_deadlines *d)
{
	*d = (struct app_deadlines){
		.event_id = db_int(row, "id"),
		.now = db_int(row, "now"),
		.starts_at = db_int(row, "starts_at"),
		.registration_opens = db_int(row, "registration_opens"),
		.registration_closes = db_int(row, "registration_closes"),
		.change_deadline = db_int(row, "change_deadline"),
		.cancel_deadline = db_int(row, "cancel_deadline"),
		.cancel_late_allowed = json_object_get_boolean_member(row,
		    "cancel_late_allowed"),
		.promotion_stop_hours = db_int(row, "promotion_stop_hours"),
		.published = json_object_get_boolean_member(row, "published"),
	};
}

gboolean
app_deadlines_in(DbConn *conn, gint64 event_id, struct app_deadlines *d,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = db_deadlines(conn, event_id, &dberr);

	if (row == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	deadlines_from_row(row, d);
	return TRUE;
}

static gboolean
deadlines_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct app_deadlines *d = user;

	(void)app;
	return app_deadlines_in(conn, d->event_id, d, error);
}

gboolean
app_deadlines_get(const struct app *app, gint64 event_id,
    struct app_deadlines *d, GError **error)
{
	*d = (struct app_deadlines){ .event_id = event_id };
	return app_db_run(app, deadlines_read, d, error);
}

bool
app_event_may_change(const struct app_deadlines *d, gint64 now)
{
	return d->change_deadline == 0 || now < d->change_deadline;
}

enum app_cancel_rule
app_event_may_cancel(const struct app_deadlines *d, gint64 now)
{
	if (d->cancel_deadline == 0 || now < d->cancel_deadline)
		return APP_CANCEL_YES;
	return d->cancel_late_allowed ? APP_CANCEL_LATE : APP_CANCEL_NO;
}

/* When promotion stops: promotion_stop_hours before the start. */
static gint64
promotion_stop(const struct app_deadlines *d)
{
	return d->starts_at - d->promotion_stop_hours * 3600;
}

bool
app_event_may_promote(const struct app_deadlines *d, gint64 now)
{
	/* The hours are never negative (sql/024), so this is also "not
	 * once the event has started". */
	return now < promotion_stop(d) && now < d->starts_at;
}

/* Sets member name of view to {at, wday, passed} for t, or null for 0. */
static void
deadline_member(JsonObject *view, const char *name, gint64 t, gint64 now,
    GTimeZone *tz)
{
	g_autoptr(GDateTime) dt = NULL;
	g_autofree char *at = NULL;
	JsonObject *o;

	if (t == 0 || (dt = g_date_time_new_from_unix_utc(t)) == NULL) {
		json_object_set_null_member(view, name);
		return;
	}
	{
		g_autoptr(GDateTime) local = g_date_time_to_timezone(dt, tz);

		at = app_time_text(tz, t, LOCAL_TEXT);
		o = json_object_new();
		json_object_set_string_member(o, "at", at);
		json_object_set_int_member(o, "wday",
		    local != NULL ? g_date_time_get_day_of_week(local) : 0);
		json_object_set_boolean_member(o, "passed", now >= t);
	}
	json_object_set_object_member(view, name, o);
}

struct view_unit {
	gint64 event_id, participant_id;
	JsonObject *row;     /* db_deadlines */
	JsonObject *request; /* the open request, or NULL */
};

static gboolean
view_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct view_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&u->row, json_object_unref);
	g_clear_pointer(&u->request, json_object_unref);
	if ((u->row = db_deadlines(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (u->participant_id <= 0)
		return TRUE;
	u->request = db_change_request_open_of(conn, u->event_id,
	    u->participant_id, &dberr);
	if (u->request == NULL &&
	    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

JsonObject *
app_deadlines_view(const struct app *app, gint64 event_id,
    gint64 participant_id, GError **error)
{
	static const char *const cancel_words[] = { [APP_CANCEL_YES] = "yes",
		[APP_CANCEL_LATE] = "late",
		[APP_CANCEL_NO] = "no" };
	struct view_unit u = { event_id, participant_id, NULL, NULL };
	g_autoptr(JsonObject) row = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	struct app_deadlines d;
	JsonObject *v;

	if (!app_db_run(app, view_read, &u, error)) {
		g_clear_pointer(&u.row, json_object_unref);
		g_clear_pointer(&u.request, json_object_unref);
		return NULL;
	}
	row = u.row;
	deadlines_from_row(row, &d);
	tz = app_zone(db_str(row, "timezone"));
	v = json_object_new();
	json_object_set_string_member(v, "timezone", db_str(row, "timezone"));
	json_object_set_string_member(v, "mailbox", db_str(row, "mailbox"));
	json_object_set_boolean_member(v, "frozen", d.published);
	json_object_set_boolean_member(v, "may_change",
	    app_event_may_change(&d, d.now));
	json_object_set_string_member(v, "cancel",
	    cancel_words[app_event_may_cancel(&d, d.now)]);
	json_object_set_boolean_member(v, "cancel_late_allowed",
	    d.cancel_late_allowed);
	json_object_set_boolean_member(v, "not_yet_open",
	    d.now < d.registration_opens);
	deadline_member(v, "registration_opens", d.registration_opens, d.now,
	    tz);
	deadline_member(v, "registration_closes", d.registration_closes, d.now,
	    tz);
	deadline_member(v, "change_deadline", d.change_deadline, d.now, tz);
	deadline_member(v, "cancel_deadline", d.cancel_deadline, d.now, tz);
	deadline_member(v, "promotion_stop", promotion_stop(&d), d.now, tz);
	if (u.request != NULL) {
		app_local_time(u.request, "requested_at", tz, LOCAL_TEXT, "");
		json_object_set_object_member(v, "request", u.request);
	} else if (participant_id > 0)
		json_object_set_null_member(v, "request");
	return v;
}

/* The settings row as the form shows it: deadlines local, "" for none. */
static JsonObject *
settings_view(JsonObject *row)
{
	static const char *const cols[] = { "change_deadline",
		"cancel_deadline", NULL };
	g_autoptr(GTimeZone) tz = app_zone(db_str(row, "timezone"));
	JsonObject *v = json_object_new();
	size_t i;

	for (i = 0; cols[i] != NULL; i++) {
		gint64 t = db_int(row, cols[i]);
		g_autofree char *s = t != 0 ? app_time_text(tz, t, LOCAL_FORM) :
		                              g_strdup("");

		json_object_set_string_member(v, cols[i], s);
	}
	json_object_set_boolean_member(v, "cancel_late_allowed",
	    json_object_get_boolean_member(row, "cancel_late_allowed"));
	json_object_set_int_member(v, "promotion_stop_hours",
	    db_int(row, "promotion_stop_hours"));
	json_object_set_string_member(v, "timezone", db_str(row, "timezone"));
	return v;
}

struct settings_unit {
	gint64 event_id;
	JsonObject *view;
};

static gboolean
settings_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct settings_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = NULL;

	(void)app;
	if ((row = db_deadlines(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_pointer(&u->view, json_object_unref);
	u->view = settings_view(row);
	return TRUE;
}

JsonObject *
app_deadlines_settings(const struct app *app, const struct app_actor *actor,
    gint64 event_id, GError **error)
{
	struct settings_unit u = { event_id, NULL };

	if (!app_require(actor, "staff", error))
		return NULL;
	if (!app_db_run(app, settings_read, &u, error)) {
		g_clear_pointer(&u.view, json_object_unref);
		return NULL;
	}
	return u.view;
}

struct update_unit {
	gint64 event_id;
	const struct app_deadline_input *in;
	struct app_refusal *why;
};

static gboolean
update_refuse(struct app_refusal *why, GError **error, const char *field,
    enum app_reason reason)
{
	if (why != NULL)
		*why = (struct app_refusal){ field, reason };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s: %s", field,
	    app_reason_name(reason));
	return FALSE;
}

/* A deadline field: "" is none (0); else a local date-time in tz, before
 * the event starts. */
static gboolean
deadline_parse(const char *s, const char *field, GTimeZone *tz,
    gint64 starts_at, gint64 *out, struct app_refusal *why, GError **error)
{
	*out = 0;
	if (s == NULL || *s == '\0')
		return TRUE;
	if (!app_local_parse(s, tz, out))
		return update_refuse(why, error, field, APP_REASON_INVALID);
	if (*out > starts_at)
		return update_refuse(why, error, field, APP_REASON_ORDER);
	return TRUE;
}

static gboolean
update_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct update_unit *u = user;
	const struct app_deadline_input *in = u->in;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	struct db_deadline_fields f = {
		.cancel_late_allowed = in->cancel_late_allowed,
		.promotion_stop_hours = in->promotion_stop_hours,
	};
	gint64 starts;

	(void)app;
	if ((row = db_deadlines(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	tz = app_zone(db_str(row, "timezone"));
	starts = db_int(row, "starts_at");
	if (!deadline_parse(in->change_deadline, "change_deadline", tz, starts,
	        &f.change_deadline, u->why, error) ||
	    !deadline_parse(in->cancel_deadline, "cancel_deadline", tz, starts,
	        &f.cancel_deadline, u->why, error))
		return FALSE;
	if (in->promotion_stop_hours < 0 ||
	    in->promotion_stop_hours > MAX_STOP_HOURS)
		return update_refuse(u->why, error, "promotion_stop_hours",
		    APP_REASON_RANGE);
	ch->subject_id = u->event_id;
	ch->before = settings_view(row);
	if (!db_deadlines_set(conn, u->event_id, &f, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_pointer(&row, json_object_unref);
	if ((row = db_deadlines(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = settings_view(row);
	return TRUE;
}

gboolean
app_deadlines_update(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_deadline_input *in,
    struct app_refusal *why, GError **error)
{
	struct update_unit u = { event_id, in, why };

	return app_tx_audited(app, actor, "admin", "event.deadlines", "event",
	    update_run, &u, error);
}

struct requests_unit {
	gint64 event_id;
	JsonArray *rows;
	char *timezone;
};

static gboolean
requests_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct requests_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) ev = NULL;

	(void)app;
	g_clear_pointer(&u->rows, json_array_unref);
	g_clear_pointer(&u->timezone, g_free);
	if ((ev = db_deadlines(conn, u->event_id, &dberr)) == NULL ||
	    (u->rows = db_change_requests_open(conn, u->event_id, &dberr)) ==
	        NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->timezone = g_strdup(db_str(ev, "timezone"));
	return TRUE;
}

JsonObject *
app_change_requests(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *lang, GError **error)
{
	struct requests_unit u = { event_id, NULL, NULL };
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree char *tzid = NULL;
	JsonObject *out;
	guint i;

	if (!app_require(actor, "staff", error))
		return NULL;
	if (!app_db_run(app, requests_read, &u, error)) {
		g_clear_pointer(&u.rows, json_array_unref);
		g_free(u.timezone);
		return NULL;
	}
	tzid = u.timezone;
	tz = app_zone(tzid);
	app_local_times(u.rows, "requested_at", tz, LOCAL_TEXT, "");
	for (i = 0; i < json_array_get_length(u.rows); i++)
		app_localise(json_array_get_object_element(u.rows, i), lang,
		    (const char *const[]){ "requested", "current", NULL });
	out = json_object_new();
	json_object_set_array_member(out, "requests", u.rows);
	return out;
}

struct decide_unit {
	gint64 event_id, id;
	bool accept;
};

static gboolean
decide_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct decide_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	JsonObject *row;

	(void)app;
	row = db_change_request_close(conn, u->event_id, u->id,
	    u->accept ? "accepted" : "dismissed", &dberr);
	if (row == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = u->id;
	json_object_remove_member(row, "n");
	json_object_set_string_member(row, "state",
	    u->accept ? "accepted" : "dismissed");
	ch->after = row;
	return TRUE;
}

gboolean
app_change_request_decide(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, bool accept, GError **error)
{
	struct decide_unit u = { event_id, id, accept };

	return app_tx_audited(app, actor, "admin",
	    accept ? "change_request.accept" : "change_request.dismiss",
	    "change_request", decide_run, &u, error);
}
