/*
 * refill.c -- freed seats are filled: after publishing, a decline, a
 * cancellation or an organiser's removal frees a seat, and a promotion
 * from the event's waiting list brings someone with no seat at all.
 *
 * The story: under the event's allocation lock, the allocator runs again
 * (allocate.c, app_alloc_unit in refill mode) with every current
 * placement pinned and the keep-bonus on, so nobody who sits somewhere
 * moves, and the free seats go, by the same objective as the allocation,
 * to confirmed people who ranked the session and have nothing in that
 * slot (a slot someone declined stays closed to them).  The run is
 * checked: one that would move a placement writes nothing.  Then the one
 * publish path (publish.c) queues the new invitations, in the same
 * transaction.  The preview is the same run, written nowhere.
 *
 * summitd calls app_refill_auto on its expiry interval: cheap checks
 * first (one row: is the event set to refill automatically, is anything
 * published; then one count: a free seat someone eligible waits for),
 * the allocator only then.
 */
#include "app/internal.h"
#include "base/base.h"

struct refill_unit {
	bool apply;
	bool automatic;   /* summitd's: stops when promotion stops */
	const char *lang; /* the preview's titles */
	struct app_alloc_report report;
	GArray *seats; /* struct app_alloc_seat: the new ones */
	struct app_publish_counts sent;
	JsonObject *view; /* the preview (transfer full) */
};

/* The row of rows whose "id" is id, or NULL (a preview has few seats). */
static JsonObject *
row_by_id(JsonArray *rows, gint64 id)
{
	guint i;

	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		if (db_int(r, "id") == id)
			return r;
	}
	return NULL;
}

/* The preview's seats with names and titles, read in conn's snapshot. */
static gboolean
refill_view(struct refill_unit *u, DbConn *conn, gint64 event_id,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) people = NULL, sessions = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	g_autoptr(GString) ids = g_string_new("{");
	JsonArray *seats;
	const bool en = g_strcmp0(u->lang, "en") == 0;
	guint i;

	for (i = 0; i < u->seats->len; i++)
		g_string_append_printf(ids, "%s%" G_GINT64_FORMAT,
		    i > 0 ? "," : "",
		    g_array_index(u->seats, struct app_alloc_seat, i)
		        .participant_id);
	g_string_append_c(ids, '}');
	if ((people = db_refill_people(conn, event_id, ids->str, &dberr)) ==
	        NULL ||
	    (sessions = db_seating_sessions(conn, event_id, 0, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	/* db gives times as seconds: shown in the event's zone. */
	if ((tz = app_event_zone(conn, event_id, error)) == NULL)
		return FALSE;
	app_local_times(sessions, "starts", tz, "%Y-%m-%d %H:%M", "");
	seats = json_array_new();
	for (i = 0; i < u->seats->len; i++) {
		const struct app_alloc_seat *st = &g_array_index(u->seats,
		    struct app_alloc_seat, i);
		JsonObject *p = row_by_id(people, st->participant_id);
		JsonObject *s = row_by_id(sessions, st->session_id);
		JsonObject *o = json_object_new();

		json_object_set_int_member(o, "participant_id",
		    st->participant_id);
		json_object_set_string_member(o, "name",
		    p != NULL ? db_str(p, "name") : "");
		json_object_set_string_member(o, "organisation",
		    p != NULL ? db_str(p, "organisation") : "");
		json_object_set_int_member(o, "session_id", st->session_id);
		json_object_set_string_member(o, "title",
		    s != NULL ? db_str(s, en ? "title_en" : "title_nb") : "");
		json_object_set_string_member(o, "starts",
		    s != NULL ? db_str(s, "starts") : "");
		json_object_set_int_member(o, "rank", st->rank);
		json_object_set_int_member(o, "table_no", st->table_no);
		json_array_add_object_element(seats, o);
	}
	json_object_set_array_member(u->view, "seats", seats);
	json_object_set_boolean_member(u->view, "any", u->seats->len > 0);
	return TRUE;
}

/* Inside app_tx_audited: the story above. */
static gboolean
refill_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct refill_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) state = NULL;
	const struct app_alloc_options opt = {
		.apply = u->apply,
		.preview = !u->apply,
		.keep_bonus = 1, /* any positive bonus is the same */
	};
	struct alloc_unit au = { &opt, &u->report, u->seats, true };
	struct app_change ach = { NULL, 0, NULL, NULL, ch->event_id };
	struct app_change pch = { NULL, 0, NULL, NULL, ch->event_id };
	JsonArray *given;
	gint64 event_id = ch->event_id;
	guint i;

	u->sent = (struct app_publish_counts){ 0 };
	g_clear_pointer(&u->view, json_object_unref);
	if (!db_alloc_lock(conn, event_id, &dberr) ||
	    (state = db_refill_state(conn, event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	/* summitd fills no seat when the event stopped promoting people
	 * from its waiting list (deadline.c); an organiser still may. */
	if (u->automatic) {
		struct app_deadlines d;

		if (!app_deadlines_in(conn, event_id, &d, error))
			return FALSE;
		if (!app_event_may_promote(&d, d.now)) {
			ch->action = NULL;
			return TRUE;
		}
	}
	/* Before publishing, seats are the allocation's business. */
	if (!json_object_get_boolean_member(state, "published")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "nothing is published yet: allocate and publish first");
		return FALSE;
	}
	if (!app_alloc_unit(app, conn, &ach, &au, error))
		return FALSE;
	if (!u->apply) {
		u->view = json_object_new();
		json_object_set_int_member(u->view, "free_seats",
		    db_int(state, "free_seats"));
		json_object_set_int_member(u->view, "waiting",
		    db_int(state, "waiting"));
		return refill_view(u, conn, event_id, error);
	}
	if (u->report.added == 0 && u->report.removed == 0) {
		ch->action = NULL; /* nothing changed, nothing to tell */
		return TRUE;
	}
	if (!app_publish_unit(app, conn, &pch, &u->sent, error))
		return FALSE;
	ch->subject_id = u->report.run_id;
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "added", (gint64)u->report.added);
	json_object_set_int_member(ch->after, "removed",
	    (gint64)u->report.removed);
	json_object_set_int_member(ch->after, "invites", u->sent.invites);
	json_object_set_int_member(ch->after, "updates", u->sent.updates);
	json_object_set_int_member(ch->after, "cancels", u->sent.cancels);
	given = json_array_new();
	for (i = 0; i < u->seats->len; i++) {
		const struct app_alloc_seat *st = &g_array_index(u->seats,
		    struct app_alloc_seat, i);
		JsonObject *o = json_object_new();

		json_object_set_int_member(o, "participant_id",
		    st->participant_id);
		json_object_set_int_member(o, "session_id", st->session_id);
		json_array_add_object_element(given, o);
	}
	json_object_set_array_member(ch->after, "seats", given);
	return TRUE;
}

static void
refill_unit_clear(struct refill_unit *u)
{
	app_alloc_report_clear(&u->report);
	g_clear_pointer(&u->seats, g_array_unref);
	g_clear_pointer(&u->view, json_object_unref);
}

/* Runs the refill for actor (audited as "allocation.refill" when it
 * changed something). */
static gboolean
refill_apply(const struct app *app, const struct app_actor *actor,
    const char *role, struct app_refill_result *out, GError **error)
{
	struct refill_unit u = { .apply = true, .automatic = role == NULL };
	gboolean ok;

	*out = (struct app_refill_result){ 0 };
	u.seats = g_array_new(FALSE, FALSE, sizeof(struct app_alloc_seat));
	ok = app_tx_audited(app, actor, role, "allocation.refill",
	    "allocation_run", refill_run, &u, error);
	if (ok) {
		out->added = u.report.added;
		out->removed = u.report.removed;
		out->sent = u.sent;
		if (u.report.added + u.report.removed > 0)
			log_info("refill by %s: run %" G_GINT64_FORMAT
			         ", %zu seats given, %zu placements dropped; "
			         "%" G_GINT64_FORMAT " invitations queued",
			    actor->email, u.report.run_id, u.report.added,
			    u.report.removed, u.sent.invites);
	}
	refill_unit_clear(&u);
	return ok;
}

gboolean
app_refill(const struct app *app, const struct app_actor *actor,
    struct app_refill_result *out, GError **error)
{
	*out = (struct app_refill_result){ 0 };
	if (!app_require(actor, "admin", error))
		return FALSE;
	return refill_apply(app, actor, "admin", out, error);
}

JsonObject *
app_refill_preview(const struct app *app, const struct app_actor *actor,
    const char *lang, GError **error)
{
	struct refill_unit u = { .apply = false, .lang = lang };
	JsonObject *view = NULL;

	if (!app_require(actor, "staff", error))
		return NULL;
	u.seats = g_array_new(FALSE, FALSE, sizeof(struct app_alloc_seat));
	if (app_tx_audited(app, actor, NULL, NULL, "allocation_run", refill_run,
	        &u, error))
		view = g_steal_pointer(&u.view);
	refill_unit_clear(&u);
	return view;
}

struct state_unit {
	gint64 event_id;
	bool flags_only; /* "automatic" and "published" only */
	JsonObject *state;
};

static gboolean
state_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct state_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&u->state, json_object_unref);
	if ((u->state = u->flags_only ?
	            db_refill_flags(conn, u->event_id, &dberr) :
	            db_refill_state(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

static JsonObject *
refill_state(const struct app *app, gint64 event_id, bool flags_only,
    GError **error)
{
	struct state_unit u = { event_id, flags_only, NULL };

	if (!app_db_run(app, state_run, &u, error)) {
		g_clear_pointer(&u.state, json_object_unref);
		return NULL;
	}
	return u.state;
}

JsonObject *
app_refill_state(const struct app *app, gint64 event_id, GError **error)
{
	return refill_state(app, event_id, false, error);
}

/* app_refill_auto for one event. */
static gboolean
refill_auto_event(const struct app *app, gint64 event_id, size_t *added,
    GError **error)
{
	/* Not an organiser: the audit entry's actor names the server. */
	const struct app_actor summitd = { .email = "summitd",
		.event_id = event_id };
	g_autoptr(JsonObject) flags = NULL, state = NULL;
	struct app_refill_result r;

	/* The setting first: an event that does not refill by itself
	 * costs one row per interval, not the count. */
	if ((flags = refill_state(app, event_id, true, error)) == NULL)
		return FALSE;
	if (!json_object_get_boolean_member(flags, "automatic") ||
	    !json_object_get_boolean_member(flags, "published"))
		return TRUE;
	if ((state = refill_state(app, event_id, false, error)) == NULL)
		return FALSE;
	if (db_int(state, "free_seats") == 0 || db_int(state, "waiting") == 0)
		return TRUE;
	if (!refill_apply(app, &summitd, NULL, &r, error))
		return FALSE;
	*added += r.added;
	return TRUE;
}

gboolean
app_refill_auto(const struct app *app, size_t *added, GError **error)
{
	g_autoptr(JsonArray) events = app_events(app, error);
	guint i;

	*added = 0;
	if (events == NULL)
		return FALSE;
	for (i = 0; i < json_array_get_length(events); i++) {
		JsonObject *e = json_array_get_object_element(events, i);

		if (!json_object_get_boolean_member(e, "archived") &&
		    !refill_auto_event(app, db_int(e, "id"), added, error))
			return FALSE;
	}
	return TRUE;
}
