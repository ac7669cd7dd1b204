/*
 * bulk.c -- bulk actions on the console's registrations list: a selection
 * (ids, or everyone a filter matches) checked against the event, the
 * people it names for the confirmation page, a status change or promotion
 * for all of them in one audited transaction, and the selection's export.
 *
 * Each person goes through the single use case's own change
 * (app_reg_status_in, app_reg_promote_in), so places, the waitlist and
 * mails follow exactly as for one person; only a move to the waitlist
 * frees everyone's place first (bulk_waitlist_places), so that the
 * selected do not take each other's freed places.  The selected rows are locked
 * in id order first: two bulk actions at once wait, never deadlock.  A
 * person the single action would refuse is left unchanged and reported;
 * the refusal comes before that person's first write, so nothing of it
 * is left half done.
 */
#include "app/internal.h"

#include <string.h>

static const char *const bulk_names[APP_REG_BULK__MAX] = {
	[APP_REG_BULK_CONFIRM] = "confirmed",
	[APP_REG_BULK_PENDING] = "pending",
	[APP_REG_BULK_WAITLIST] = "waitlisted",
	[APP_REG_BULK_CANCEL] = "cancelled",
	[APP_REG_BULK_PROMOTE] = "promote",
};

const char *
app_reg_bulk_name(enum app_reg_bulk a)
{
	return (unsigned)a < APP_REG_BULK__MAX ? bulk_names[a] : NULL;
}

bool
app_reg_bulk_parse(const char *name, enum app_reg_bulk *out)
{
	unsigned i;

	for (i = 0; name != NULL && i < APP_REG_BULK__MAX; i++)
		if (strcmp(name, bulk_names[i]) == 0) {
			*out = (enum app_reg_bulk)i;
			return true;
		}
	return false;
}

/* Refuses the selection: APP_EINVALID, refusal "selection". */
static gboolean
bulk_refuse(struct app_refusal *refusal, enum app_reason why, GError **error)
{
	if (refusal != NULL)
		*refusal = (struct app_refusal){ "selection", why };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "selection: %s",
	    app_reason_name(why));
	return FALSE;
}

static int
bulk_id_cmp(const void *a, const void *b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return x < y ? -1 : x > y;
}

/* ids[n] sorted, duplicates dropped (transfer full); *m their number. */
static gint64 *
bulk_ids_unique(const gint64 *ids, size_t n, size_t *m)
{
	gint64 *v = g_new(gint64, n > 0 ? n : 1);
	size_t i, k = 0;

	if (n > 0) {
		memcpy(v, ids, n * sizeof(*v));
		qsort(v, n, sizeof(*v), bulk_id_cmp);
	}
	for (i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	*m = k;
	return v;
}

/*
 * The selection's people (id, name, status) on conn, locked when lock;
 * NULL with error (a refusal, or the database's, already translated).
 * Every id must be of the event: one that is not refuses all of them,
 * so an edited form changes nothing.
 */
static JsonArray *
bulk_people(DbConn *conn, gint64 event_id, const struct app_reg_selection *sel,
    bool lock, struct app_refusal *refusal, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	g_autofree gint64 *ids = NULL;
	size_t n = 0, i;

	if (sel->filter != NULL) {
		struct db_reg_filter f;

		if (!app_reg_filter_check(sel->filter, &f, refusal, error))
			return NULL;
		/* One past the bound says "too many" without reading on. */
		if ((rows = db_reg_filter_ids(conn, event_id, &f,
		         APP_REG_BULK_MAX + 1, &dberr)) == NULL) {
			app_fail_db(error, g_steal_pointer(&dberr));
			return NULL;
		}
		n = json_array_get_length(rows);
		ids = g_new(gint64, n > 0 ? n : 1);
		for (i = 0; i < n; i++)
			ids[i] = db_int(json_array_get_object_element(rows, i),
			    "id");
		g_clear_pointer(&rows, json_array_unref);
	} else
		ids = bulk_ids_unique(sel->ids, sel->n, &n);
	if (n == 0) {
		bulk_refuse(refusal, APP_REASON_MISSING, error);
		return NULL;
	}
	if (n > APP_REG_BULK_MAX) {
		bulk_refuse(refusal, APP_REASON_RANGE, error);
		return NULL;
	}
	if ((rows = db_reg_people(conn, event_id, ids, n, lock, &dberr)) ==
	    NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	if (json_array_get_length(rows) != n) {
		bulk_refuse(refusal, APP_REASON_INVALID, error);
		return NULL;
	}
	return g_steal_pointer(&rows);
}

struct preview_unit {
	gint64 event_id;
	const struct app_reg_selection *sel;
	struct app_refusal *refusal;
	JsonArray *people; /* out */
};

static gboolean
preview_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct preview_unit *u = user;

	(void)app;
	g_clear_pointer(&u->people, json_array_unref);
	u->people = bulk_people(conn, u->event_id, u->sel, false, u->refusal,
	    error);
	return u->people != NULL;
}

/* The selection's people in one snapshot; NULL with error. */
static JsonArray *
bulk_read(const struct app *app, gint64 event_id,
    const struct app_reg_selection *sel, struct app_refusal *refusal,
    GError **error)
{
	struct preview_unit u = { event_id, sel, refusal, NULL };

	if (!app_db_run(app, preview_run, &u, error)) {
		g_clear_pointer(&u.people, json_array_unref);
		return NULL;
	}
	return u.people;
}

JsonObject *
app_reg_bulk_preview(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_reg_selection *sel, bool for_export,
    struct app_refusal *refusal, GError **error)
{
	JsonObject *out;
	JsonArray *people;

	if (!app_require(actor, for_export ? "staff" : "admin", error) ||
	    (people = bulk_read(app, event_id, sel, refusal, error)) == NULL)
		return NULL;
	out = json_object_new();
	json_object_set_int_member(out, "count", json_array_get_length(people));
	json_object_set_array_member(out, "people", people);
	return out;
}

char *
app_reg_bulk_export(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_reg_selection *sel, const char *lang,
    enum sheet_format fmt, gsize *len, struct app_refusal *refusal,
    GError **error)
{
	g_autoptr(JsonArray) people = NULL;
	g_autofree gint64 *ids = NULL;
	guint i, n;

	if (!app_require(actor, "staff", error) ||
	    (people = bulk_read(app, event_id, sel, refusal, error)) == NULL)
		return NULL;
	n = json_array_get_length(people);
	ids = g_new(gint64, n);
	for (i = 0; i < n; i++)
		ids[i] = db_int(json_array_get_object_element(people, i), "id");
	return app_reg_export_of(app, event_id, ids, n, lang, fmt, len, error);
}

/* The apply's unit: every person in turn, their outcome in out. */
struct apply_unit {
	gint64 event_id;
	enum app_reg_bulk action;
	struct app_reg_selection sel;
	struct app_refusal *refusal;
	JsonObject *out; /* made anew by each run */
};

/* Adds {id, name} of p (and reason, unless NULL) to out's member list,
 * and the id to ids. */
static void
bulk_note(JsonObject *out, const char *list, JsonObject *p, const char *reason,
    JsonArray *ids)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "id", db_int(p, "id"));
	json_object_set_string_member(o, "name", db_str(p, "name"));
	if (reason != NULL)
		json_object_set_string_member(o, "reason", reason);
	json_array_add_object_element(json_object_get_array_member(out, list),
	    o);
	if (reason != NULL) {
		JsonObject *r = json_object_new();

		json_object_set_int_member(r, "id", db_int(p, "id"));
		json_object_set_string_member(r, "reason", reason);
		json_array_add_object_element(ids, r);
	} else
		json_array_add_int_element(ids, db_int(p, "id"));
}

/* One person: changed (true in *changed), unchanged, or refused with a
 * reason (*reason); FALSE only for the database's failure. */
static gboolean
apply_one(const struct app *app, DbConn *conn, struct apply_unit *u,
    JsonObject *p, bool *changed, const char **reason, GError **error)
{
	g_autoptr(GError) dberr = NULL, refused = NULL;
	const char *status = app_reg_bulk_name(u->action);
	gboolean ok;

	*changed = false;
	*reason = NULL;
	if (u->action == APP_REG_BULK_PROMOTE) {
		if (g_strcmp0(db_str(p, "status"), "waitlisted") != 0) {
			*reason = "not_waitlisted";
			return TRUE;
		}
		ok = app_reg_promote_in(app, conn, p, NULL, &dberr, &refused);
	} else if (g_strcmp0(db_str(p, "status"), status) == 0)
		return TRUE;
	else if (u->action == APP_REG_BULK_WAITLIST)
		/* Their place is gone already (bulk_waitlist_places). */
		ok = db_participant_set_status(conn, db_int(p, "id"),
		    "waitlisted", 0, &dberr);
	else
		ok = app_reg_status_in(app, conn, p, status, NULL, &dberr,
		    &refused);
	if (ok) {
		*changed = true;
		return TRUE;
	}
	if (dberr != NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (g_error_matches(refused, SUMMIT_APP_ERROR, APP_ESTATE)) {
		/* Refused before this person's first write. */
		*reason = "full";
		return TRUE;
	}
	g_propagate_error(error, g_steal_pointer(&refused));
	return FALSE;
}

/*
 * The waitlist's move for everyone at once: all their places released,
 * then given to those waiting before them, and only then do they join
 * the waitlist (apply_one).  One by one, as a single change does it, the
 * second's freed place would go straight back to the first.
 */
static gboolean
bulk_waitlist_places(const struct app *app, DbConn *conn, gint64 event_id,
    JsonArray *people, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	unsigned promoted = 0;
	guint i;

	for (i = 0; i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);

		if (g_strcmp0(db_str(p, "status"), "waitlisted") != 0 &&
		    !db_place_release(conn, db_int(p, "id"), &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
	}
	if (!app_promote(app, conn, event_id, &promoted, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

static gboolean
apply_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct apply_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) people = NULL;
	JsonArray *before, *after, *changed, *unchanged, *refused;
	guint i;

	g_clear_pointer(&u->out, json_object_unref);
	u->out = json_object_new();
	json_object_set_array_member(u->out, "changed", json_array_new());
	json_object_set_array_member(u->out, "unchanged", json_array_new());
	json_object_set_array_member(u->out, "refused", json_array_new());
	if ((people = bulk_people(conn, u->event_id, &u->sel, true, u->refusal,
	         error)) == NULL)
		return FALSE;
	before = json_array_new();
	after = json_array_new();
	changed = json_array_new();
	unchanged = json_array_new();
	refused = json_array_new();
	ch->before = json_object_new();
	ch->after = json_object_new();
	json_object_set_array_member(ch->before, "people", before);
	if (u->action != APP_REG_BULK_PROMOTE)
		json_object_set_string_member(ch->after, "status",
		    app_reg_bulk_name(u->action));
	json_object_set_array_member(ch->after, "changed", changed);
	json_object_set_array_member(ch->after, "unchanged", unchanged);
	json_object_set_array_member(ch->after, "refused", refused);
	json_object_set_array_member(ch->after, "people", after);
	/* Everyone's state before the first change. */
	for (i = 0; i < json_array_get_length(people); i++) {
		g_autoptr(JsonObject) p = db_reg_get(conn, u->event_id,
		    db_int(json_array_get_object_element(people, i), "id"),
		    false, &dberr);

		if (p == NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		json_array_add_object_element(before, app_reg_state(p));
	}
	if (u->action == APP_REG_BULK_WAITLIST &&
	    !bulk_waitlist_places(app, conn, u->event_id, people, error))
		return FALSE;
	for (i = 0; i < json_array_get_length(people); i++) {
		gint64 id = db_int(json_array_get_object_element(people, i),
		    "id");
		g_autoptr(JsonObject) p = NULL, now = NULL;
		const char *reason;
		bool did;

		/* Read again: a change before may have moved this person
		 * (a cancellation promotes those waiting). */
		if ((p = db_reg_get(conn, u->event_id, id, true, &dberr)) ==
		    NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		if (!apply_one(app, conn, u, p, &did, &reason, error))
			return FALSE;
		if (did)
			bulk_note(u->out, "changed", p, NULL, changed);
		else
			bulk_note(u->out, reason ? "refused" : "unchanged", p,
			    reason, reason ? refused : unchanged);
		if ((now = db_reg_get(conn, u->event_id, id, false, &dberr)) ==
		    NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		json_array_add_object_element(after, app_reg_state(now));
	}
	return TRUE;
}

JsonObject *
app_reg_bulk_apply(const struct app *app, const struct app_actor *actor,
    gint64 event_id, enum app_reg_bulk action, const gint64 *ids, size_t n,
    struct app_refusal *refusal, GError **error)
{
	struct apply_unit u = { event_id, action, { ids, n, NULL }, refusal,
		NULL };

	if (!app_require(actor, "admin", error))
		return NULL;
	if ((unsigned)action >= APP_REG_BULK__MAX) {
		if (refusal != NULL)
			*refusal = (struct app_refusal){ "action",
				APP_REASON_INVALID };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "action");
		return NULL;
	}
	if (!app_tx_audited(app, actor, "admin",
	        action == APP_REG_BULK_PROMOTE ? "registrations.bulk_promote" :
	                                         "registrations.bulk_status",
	        "participant", apply_run, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	if (json_array_get_length(
	        json_object_get_array_member(u.out, "changed")) > 0)
		app_seats_changed(app);
	return u.out;
}
