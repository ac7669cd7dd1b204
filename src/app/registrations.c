/*
 * registrations.c -- use cases for the console area "registrations": the
 * list and one person's detail, status changes that keep places and the
 * waitlist consistent, mails sent again, check-in, GDPR erasure, exports
 * and the import of invitees.
 *
 * Places follow the rules of register.c and waitlist.c: a place is a row
 * of `place` claimed with SKIP LOCKED, and a freed place goes to the
 * longest-waiting person at once (app_promote).  Every change an organiser
 * makes is audited with before and after; erasure keeps personal data out
 * of its own entry and cuts it from the person's earlier ones.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/* The part of a participant an audit entry of a status change shows. */
static JsonObject *
reg_state(JsonObject *p)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "id", db_int(p, "id"));
	json_object_set_string_member(o, "status", db_str(p, "status"));
	if (json_object_get_null_member(p, "place_no"))
		json_object_set_null_member(o, "place_no");
	else
		json_object_set_int_member(o, "place_no",
		    db_int(p, "place_no"));
	json_object_set_boolean_member(o, "checked_in",
	    json_object_get_boolean_member(p, "checked_in"));
	return o;
}

/* The times the detail and the export show, in the event's zone, empty
 * when not set. */
static const char *const reg_detail_times[] = { "registered_at",
	"email_confirmed_at", "hold_until", "cancelled_at", "checked_in_at",
	NULL };
static const char *const reg_export_times[] = { "registered_at", "confirmed_at",
	"checked_in_at", NULL };

const char *const app_reg_statuses[APP_REG_STATUSES] = { "pending", "confirmed",
	"waitlisted", "cancelled", "expired" };

/* Sort names in enum app_reg_sort order, each db's sort of the same
 * place. */
static const struct {
	const char *name;
	enum db_reg_sort db;
} reg_sorts[APP_REG_SORT__MAX] = {
	[APP_REG_SORT_REGISTERED] = { "registered", DB_REG_SORT_REGISTERED },
	[APP_REG_SORT_NAME] = { "name", DB_REG_SORT_NAME },
	[APP_REG_SORT_ORG] = { "organisation", DB_REG_SORT_ORG },
	[APP_REG_SORT_STATUS] = { "status", DB_REG_SORT_STATUS },
};

const char *
app_reg_sort_name(enum app_reg_sort sort)
{
	return (unsigned)sort < APP_REG_SORT__MAX ? reg_sorts[sort].name : NULL;
}

/* The filter checked and turned into db's; FALSE naming the field. */
static gboolean
reg_filter_db(const struct app_reg_filter *f, struct db_reg_filter *out,
    struct app_refusal *refusal, GError **error)
{
	const char *field = NULL;
	size_t i;

	*out = (struct db_reg_filter){ .q = f->q,
		.sector = f->sector,
		.session_id = f->session_id,
		.placed = f->placed,
		.desc = f->desc };
	if (f->q != NULL && text_check_line(f->q, 200) != TEXT_OK)
		field = "q";
	if (f->status != NULL) {
		for (i = 0; i < APP_REG_STATUSES; i++)
			if (strcmp(f->status, app_reg_statuses[i]) == 0)
				out->status = app_reg_statuses[i];
		if (out->status == NULL)
			field = "status";
	}
	if (f->sector != NULL &&
	    (f->sector[0] == '\0' || text_check_line(f->sector, 32) != TEXT_OK))
		field = "sector";
	if (f->session_id < 0)
		field = "session";
	if ((unsigned)f->sort >= APP_REG_SORT__MAX)
		field = "sort";
	else
		out->sort = reg_sorts[f->sort].db;
	if (f->per_page < 1 || f->per_page > APP_REG_PAGE_MAX)
		field = "per_page";
	else if (f->page < 1 ||
	    f->page > (APP_REG_COUNT_CAP + f->per_page - 1) / f->per_page)
		field = "page";
	else {
		out->limit = f->per_page;
		out->offset = (f->page - 1) * f->per_page;
	}
	if (field == NULL)
		return TRUE;
	if (refusal != NULL)
		*refusal = (struct app_refusal){ field, APP_REASON_INVALID };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
	return FALSE;
}

gboolean
app_reg_filter_check(const struct app_reg_filter *f, struct db_reg_filter *out,
    struct app_refusal *refusal, GError **error)
{
	struct app_reg_filter all = *f;

	/* A selection is every match: no page of it. */
	all.page = 1;
	all.per_page = 1;
	return reg_filter_db(&all, out, refusal, error);
}

JsonObject *
app_reg_list(const struct app *app, const struct app_actor *actor,
    const struct app_reg_filter *af, struct app_refusal *refusal,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) out = json_object_new(), event = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	struct db_reg_filter f;
	JsonArray *rows, *sessions, *sectors;
	DbConn *conn;
	gint64 event_id, total = 0;

	if (!app_require(actor, "staff", error) ||
	    !reg_filter_db(af, &f, refusal, error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	event_id = actor->event_id;
	if ((event = db_event_head(conn, event_id, &dberr)) == NULL)
		goto dbfail;
	if ((rows = db_reg_list(conn, event_id, &f, &dberr)) == NULL)
		goto dbfail;
	tz = app_zone(db_str(event, "timezone"));
	app_local_times(rows, "registered_at", tz, "%Y-%m-%d %H:%M", NULL);
	json_object_set_array_member(out, "rows", rows);
	if (!db_reg_count(conn, event_id, &f, APP_REG_COUNT_CAP + 1, &total,
	        &dberr) ||
	    (sessions = db_reg_sessions(conn, event_id, &dberr)) == NULL)
		goto dbfail;
	json_object_set_array_member(out, "sessions", sessions);
	if ((sectors = db_event_sectors(conn, event_id, &dberr)) == NULL)
		goto dbfail;
	json_object_set_array_member(out, "sectors", sectors);
	json_object_set_int_member(out, "total", MIN(total, APP_REG_COUNT_CAP));
	json_object_set_boolean_member(out, "total_capped",
	    total > APP_REG_COUNT_CAP);
	db_release(app->db, conn);
	return g_steal_pointer(&out);
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return NULL;
}

/* The detail without the audit list, on conn. */
static JsonObject *
reg_detail(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	g_autoptr(JsonObject) p = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *a;

	if ((p = db_reg_get(conn, event_id, id, false, error)) == NULL)
		return NULL;
	tz = app_zone(db_str(p, "timezone"));
	app_local_cols(p, reg_detail_times, tz, "%Y-%m-%d %H:%M");
	json_object_remove_member(p, "timezone");
	if ((a = db_participant_preferences(conn, id, error)) == NULL)
		return NULL;
	json_object_set_array_member(p, "preferences", a);
	if ((a = db_reg_assignments(conn, id, error)) == NULL)
		return NULL;
	json_object_set_array_member(p, "assignments", a);
	if ((a = db_reg_invitations(conn, id, error)) == NULL)
		return NULL;
	app_local_times(a, "sent_at", tz, "%Y-%m-%d %H:%M", NULL);
	json_object_set_array_member(p, "invitations", a);
	if ((a = db_answer_history(conn, id, error)) == NULL)
		return NULL;
	app_local_times(a, "answered_at", tz, "%Y-%m-%d %H:%M:%S", NULL);
	json_object_set_array_member(p, "answers", a);
	if ((a = db_reg_outbox(conn, id, error)) == NULL)
		return NULL;
	app_local_times(a, "created_at", tz, "%Y-%m-%d %H:%M:%S", "");
	app_local_times(a, "sent_at", tz, "%Y-%m-%d %H:%M:%S", "");
	json_object_set_array_member(p, "mails", a);
	if ((a = db_message_of_participant(conn, id, error)) == NULL)
		return NULL;
	app_local_times(a, "queued_at", tz, "%Y-%m-%d %H:%M", "");
	json_object_set_array_member(p, "messages", a);
	if ((a = app_bounce_of(conn, event_id, id, error)) == NULL)
		return NULL;
	json_object_set_array_member(p, "bounces", a);
	if ((a = app_reply_counters(conn, id, 0, error)) == NULL)
		return NULL;
	json_object_set_array_member(p, "counters", a);
	if ((a = db_audit_list(conn, event_id, "participant", id, 100,
	         error)) == NULL)
		return NULL;
	app_local_times(a, "at", tz, "%Y-%m-%d %H:%M:%S", "");
	json_object_set_array_member(p, "audit", a);
	return g_steal_pointer(&p);
}

JsonObject *
app_reg_detail(const struct app *app, const struct app_actor *actor, gint64 id,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonObject *p;
	DbConn *conn;

	if (!app_require(actor, "staff", error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((p = reg_detail(conn, actor->event_id, id, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return p;
}

char *
app_reg_person_json(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error)
{
	g_autoptr(JsonObject) p = app_reg_detail(app, actor, id, error);
	g_autoptr(JsonNode) n = NULL;

	if (p == NULL)
		return NULL;
	n = json_node_new(JSON_NODE_OBJECT);
	json_node_set_object(n, p);
	return json_to_string(n, TRUE);
}

/*
 * One change to the locked participant id, audited (app_tx_audited) with
 * reg_state before and after: fn changes things, then the state is read
 * again.  fn sets dberr for a database failure, error for a refusal.
 */
struct reg_arg {
	const char *status;          /* set_status */
	const char *email;           /* correct_email */
	struct app_refusal *refusal; /* set_status, promote: "full" */
	bool in;                     /* check_in */
	bool arrived;                /* check_in: was not in, is now */
	gint64 queued;               /* resend_invitations, correct_email */
};
typedef gboolean (*RegChange)(const struct app *app, DbConn *conn,
    JsonObject *p, struct reg_arg *user, GError **dberr, GError **error);

struct reg_unit {
	gint64 id;
	RegChange fn;
	struct reg_arg *arg;
};

static gboolean
reg_unit_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct reg_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, now = NULL;

	ch->subject_id = u->id;
	if ((p = db_reg_get(conn, ch->event_id, u->id, true, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->before = reg_state(p);
	if (!u->fn(app, conn, p, u->arg, &dberr, error)) {
		if (dberr != NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		return FALSE;
	}
	if ((now = db_reg_get(conn, ch->event_id, u->id, false, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = reg_state(now);
	return TRUE;
}

static gboolean
reg_change(const struct app *app, const struct app_actor *actor,
    const char *role, gint64 id, const char *action, RegChange fn,
    struct reg_arg *arg, GError **error)
{
	struct reg_unit u = { id, fn, arg };

	return app_tx_audited(app, actor, role, action, "participant",
	    reg_unit_run, &u, error);
}

static bool
reg_holds_place(JsonObject *p)
{
	return !json_object_get_null_member(p, "place_no");
}

/* No place is free: APP_ESTATE with the reason. */
static gboolean
reg_full(struct reg_arg *arg, GError **error)
{
	if (arg->refusal != NULL)
		*arg->refusal = (struct app_refusal){ NULL, APP_REASON_FULL };
	g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "full");
	return FALSE;
}

static gboolean
reg_do_status(const struct app *app, DbConn *conn, JsonObject *p,
    struct reg_arg *user, GError **dberr, GError **error)
{
	const char *to = user->status, *from = db_str(p, "status");
	gint64 id = db_int(p, "id"), event_id = db_int(p, "event_id");
	unsigned promoted = 0;

	if (strcmp(to, from) == 0)
		return TRUE;
	if (strcmp(to, "confirmed") == 0 || strcmp(to, "pending") == 0) {
		bool got = reg_holds_place(p);

		if (!got &&
		    !db_place_claim(conn, event_id, id, false, &got, dberr))
			return FALSE;
		if (!got)
			return reg_full(user, error);
		return db_participant_set_status(conn, id, to,
		    app->conf->confirm_hours, dberr);
	}
	/* waitlisted or cancelled: the place goes to the waitlist, before
	 * this person joins it (else they would get it straight back). */
	if (!db_place_release(conn, id, dberr) ||
	    !app_promote(app, conn, event_id, &promoted, dberr) ||
	    !db_participant_set_status(conn, id, to, 0, dberr))
		return FALSE;
	return strcmp(to, "cancelled") != 0 ||
	    app_queue_mail(app, conn, p, event_id, "cancelled", false, dberr);
}

gboolean
app_reg_set_status(const struct app *app, const struct app_actor *actor,
    gint64 id, const char *status, struct app_refusal *refusal, GError **error)
{
	size_t i;

	for (i = 0; i < APP_REG_SETTABLE; i++)
		if (g_strcmp0(status, app_reg_statuses[i]) == 0)
			break;
	if (i == APP_REG_SETTABLE) {
		/* Role first: staff learn nothing from the validation. */
		if (!app_require(actor, "admin", error))
			return FALSE;
		if (refusal != NULL)
			*refusal = (struct app_refusal){ "status",
				APP_REASON_INVALID };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "status");
		return FALSE;
	}
	struct reg_arg arg = { .status = app_reg_statuses[i],
		.refusal = refusal };

	if (!reg_change(app, actor, "admin", id, "registrations.status",
	        reg_do_status, &arg, error))
		return FALSE;
	app_seats_changed(app);
	return TRUE;
}

static gboolean
reg_do_promote(const struct app *app, DbConn *conn, JsonObject *p,
    struct reg_arg *user, GError **dberr, GError **error)
{
	gint64 id = db_int(p, "id"), event_id = db_int(p, "event_id");
	bool got = false, confirmed;

	(void)user;
	if (g_strcmp0(db_str(p, "status"), "waitlisted") != 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "not waitlisted");
		return FALSE;
	}
	if (!db_place_claim(conn, event_id, id, false, &got, dberr))
		return FALSE;
	if (!got)
		return reg_full(user, error);
	confirmed = json_object_get_boolean_member(p, "email_confirmed");
	return db_participant_set_status(conn, id,
	           confirmed ? "confirmed" : "pending",
	           app->conf->confirm_hours, dberr) &&
	    app_queue_mail(app, conn, p, event_id,
	        confirmed ? "promoted" : "promoted_confirm", !confirmed, dberr);
}

gboolean
app_reg_status_in(const struct app *app, DbConn *conn, JsonObject *p,
    const char *status, struct app_refusal *refusal, GError **dberr,
    GError **error)
{
	struct reg_arg arg = { .status = status, .refusal = refusal };

	return reg_do_status(app, conn, p, &arg, dberr, error);
}

gboolean
app_reg_promote_in(const struct app *app, DbConn *conn, JsonObject *p,
    struct app_refusal *refusal, GError **dberr, GError **error)
{
	struct reg_arg arg = { .refusal = refusal };

	return reg_do_promote(app, conn, p, &arg, dberr, error);
}

JsonObject *
app_reg_state(JsonObject *p)
{
	return reg_state(p);
}

gboolean
app_reg_promote(const struct app *app, const struct app_actor *actor, gint64 id,
    struct app_refusal *refusal, GError **error)
{
	struct reg_arg arg = { .refusal = refusal };

	if (!reg_change(app, actor, "admin", id, "registrations.promote",
	        reg_do_promote, &arg, error))
		return FALSE;
	app_seats_changed(app);
	return TRUE;
}

static gboolean
reg_do_resend_confirmation(const struct app *app, DbConn *conn, JsonObject *p,
    struct reg_arg *user, GError **dberr, GError **error)
{
	(void)user;
	if (g_str_has_suffix(db_str(p, "email"), "@invalid.invalid")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "erased");
		return FALSE;
	}
	return app_queue_mail(app, conn, p, db_int(p, "event_id"), "link_again",
	    true, dberr);
}

gboolean
app_reg_resend_confirmation(const struct app *app,
    const struct app_actor *actor, gint64 id, GError **error)
{
	return reg_change(app, actor, "admin", id,
	    "registrations.resend_confirmation", reg_do_resend_confirmation,
	    NULL, error);
}

static gboolean
reg_do_resend_invitations(const struct app *app, DbConn *conn, JsonObject *p,
    struct reg_arg *user, GError **dberr, GError **error)
{
	(void)app;
	if (g_str_has_suffix(db_str(p, "email"), "@invalid.invalid")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "erased");
		return FALSE;
	}
	return db_reg_requeue_invitations(conn, db_int(p, "id"), &user->queued,
	    dberr);
}

gboolean
app_reg_resend_invitations(const struct app *app, const struct app_actor *actor,
    gint64 id, gint64 *queued, GError **error)
{
	struct reg_arg arg = { 0 };
	gboolean ok = reg_change(app, actor, "admin", id,
	    "registrations.resend_invitations", reg_do_resend_invitations, &arg,
	    error);

	*queued = arg.queued;
	return ok;
}

static gboolean
reg_do_correct_email(const struct app *app, DbConn *conn, JsonObject *p,
    struct reg_arg *user, GError **dberr, GError **error)
{
	const char *old = db_str(p, "email");
	gint64 id = db_int(p, "id");

	(void)app;
	if (g_str_has_suffix(old, "@invalid.invalid")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "erased");
		return FALSE;
	}
	if (strcmp(old, user->email) != 0 &&
	    !db_participant_set_email(conn, id, user->email, dberr)) {
		if (user->refusal != NULL)
			(void)app_refusal_from_db(*dberr, user->refusal);
		return FALSE;
	}
	/* Release first: it finds what bounced through the active bounces
	 * that the clear then ends. */
	return db_outbox_release(conn, id, user->email, &user->queued, dberr) &&
	    db_bounce_clear(conn, id, old, dberr);
}

gboolean
app_reg_correct_email(const struct app *app, const struct app_actor *actor,
    gint64 id, const char *email, gint64 *queued, struct app_refusal *refusal,
    GError **error)
{
	struct reg_arg arg = { .email = email, .refusal = refusal };
	gboolean ok;

	/* Role first: staff learn nothing from the validation. */
	if (!app_require(actor, "admin", error))
		return FALSE;
	if (email == NULL || text_check_email(email) != TEXT_OK) {
		if (refusal != NULL)
			*refusal = (struct app_refusal){ "email",
				APP_REASON_INVALID };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "email");
		return FALSE;
	}
	ok = reg_change(app, actor, "admin", id, "registrations.correct_email",
	    reg_do_correct_email, &arg, error);
	*queued = ok ? arg.queued : 0;
	return ok;
}

static gboolean
reg_do_check_in(const struct app *app, DbConn *conn, JsonObject *p,
    struct reg_arg *user, GError **dberr, GError **error)
{
	(void)app;
	(void)error;
	/* Checking in someone already in changes nothing and counts not. */
	user->arrived = user->in &&
	    !json_object_get_boolean_member(p, "checked_in");
	return db_reg_set_checked_in(conn, db_int(p, "id"), user->in, dberr);
}

gboolean
app_reg_check_in(const struct app *app, const struct app_actor *actor,
    gint64 id, bool in, GError **error)
{
	struct reg_arg arg = { .in = in };

	if (!reg_change(app, actor, "staff", id, "registrations.check_in",
	        reg_do_check_in, &arg, error))
		return FALSE;
	if (arg.arrived)
		app_count(APP_COUNT_CHECK_INS, 1);
	return TRUE;
}

static gboolean
reg_do_erase(const struct app *app, DbConn *conn, JsonObject *p,
    struct reg_arg *user, GError **dberr, GError **error)
{
	gint64 id = db_int(p, "id");
	unsigned promoted = 0;
	bool had_place = reg_holds_place(p);

	(void)user;
	(void)error;
	if (!db_reg_erase(conn, id, dberr))
		return FALSE;
	if (g_strcmp0(db_str(p, "status"), "cancelled") != 0 &&
	    !db_participant_set_status(conn, id, "cancelled", 0, dberr))
		return FALSE;
	if (!db_place_release(conn, id, dberr))
		return FALSE;
	return !had_place ||
	    app_promote(app, conn, db_int(p, "event_id"), &promoted, dberr);
}

gboolean
app_reg_erase(const struct app *app, const struct app_actor *actor, gint64 id,
    GError **error)
{
	/* reg_state holds no personal data: the entry is safe to keep. */
	return reg_change(app, actor, "admin", id, "registrations.erase",
	    reg_do_erase, NULL, error);
}


#define PURGE_BATCH 200

/* One batch of the purge (one unit each: a long purge holds no long
 * transaction). */
struct purge_unit {
	guint n;
};

static gboolean
purge_batch(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct purge_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	guint i;

	u->n = 0;
	if ((rows = db_reg_past_retention(conn, app->conf->retention_days,
	         PURGE_BATCH, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(rows); i++)
		if (!db_reg_erase_keep_links(conn,
		        db_int(json_array_get_object_element(rows, i), "id"),
		        &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
	u->n = json_array_get_length(rows);
	return TRUE;
}

/* The last mails of people who deleted themselves lose the address once
 * sent (app_participant_delete, privacy.c). */
static gboolean
purge_scrub(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	gint64 n = 0;

	(void)user;
	if (!db_privacy_scrub_sent(conn, app->conf->mail_max_age_hours, &n,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_privacy_purge(const struct app *app, unsigned *erased, GError **error)
{
	struct purge_unit u;

	*erased = 0;
	do {
		if (!app_tx(app, purge_batch, &u, error))
			return FALSE;
		*erased += u.n;
	} while (u.n == PURGE_BATCH);
	if (!app_invitee_purge(app, error) ||
	    !app_tx(app, purge_scrub, NULL, error))
		return FALSE;
	if (*erased > 0)
		log_info("erased the personal data of %u participant%s past "
		         "the retention period",
		    *erased, *erased == 1 ? "" : "s");
	return TRUE;
}

/* The columns of the export, in order: member of the row, header. */
static const char *const reg_columns[][2] = {
	{ "id", "id" },
	{ "name", "name" },
	{ "email", "email" },
	{ "organisation", "organisation" },
	{ "sector", "sector" },
	{ "role", "role" },
	{ "needs", "needs" },
	{ "language", "language" },
	{ "status", "status" },
	{ "registered_at", "registered_at" },
	{ "confirmed_at", "confirmed_at" },
	{ "checked_in_at", "checked_in_at" },
	{ "rank1", "rank_1" },
	{ "rank2", "rank_2" },
	{ "rank3", "rank_3" },
	{ "rank4", "rank_4" },
	{ "rank5", "rank_5" },
	{ "placements", "placements" },
	{ "answers", "answers" },
};

struct export_unit {
	const char *lang;
	enum sheet_format fmt;
	SheetBook *book; /* made anew by each run */
	gint64 event_id;
	const gint64 *ids; /* a selection (bulk.c), or NULL: everyone */
	size_t n;
};

/* True when column col is one of reg_export_times. */
static bool
export_is_time(const char *col)
{
	const char *const *t;

	for (t = reg_export_times; *t != NULL; t++)
		if (strcmp(*t, col) == 0)
			return true;
	return false;
}

/* The rows of the export, read in one transaction: one consistent
 * snapshot, read in chunks so memory stays bounded by the text, not by
 * 50,000 row objects. */
static gboolean
export_rows(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct export_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree const char **heads = NULL;
	struct app_qcols *qc;
	gint64 after = 0;
	size_t c;
	guint k;

	(void)app;
	g_clear_pointer(&u->book,
	    sheet_book_free); /* a second run starts again */
	if ((u->book = sheet_book_new(u->fmt, error)) == NULL)
		return FALSE;
	if ((event = db_event_head(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	/* The event's own questions, a column each after the fixed ones. */
	if ((qc = app_qcols_new(conn, db_int(event, "id"), u->lang, error)) ==
	    NULL)
		return FALSE;
	heads = g_new(const char *,
	    G_N_ELEMENTS(reg_columns) + app_qcols_n(qc));
	for (c = 0; c < G_N_ELEMENTS(reg_columns); c++)
		heads[c] = reg_columns[c][1];
	for (k = 0; k < app_qcols_n(qc); k++)
		heads[c + k] = app_qcols_head(qc, k);
	sheet_list(u->book, "registrations", heads, (guint)c + k);
	tz = app_zone(db_str(event, "timezone"));
	for (;;) {
		g_autoptr(JsonArray) rows = db_reg_export(conn,
		    db_int(event, "id"), u->lang, after, 2000, u->ids, u->n,
		    &dberr);
		guint i, n;

		if (rows == NULL) {
			app_qcols_free(qc);
			return app_fail_db(error, g_steal_pointer(&dberr));
		}
		n = json_array_get_length(rows);
		if (n > 0 &&
		    !app_qcols_load(qc, conn, db_int(event, "id"), after,
		        db_int(json_array_get_object_element(rows, n - 1),
		            "id"),
		        error)) {
			app_qcols_free(qc);
			return FALSE;
		}
		for (i = 0; i < n; i++) {
			JsonObject *r = json_array_get_object_element(rows, i);

			for (c = 0; c < G_N_ELEMENTS(reg_columns); c++) {
				const char *col = reg_columns[c][0];

				if (strcmp(col, "id") == 0)
					sheet_int(u->book, db_int(r, "id"));
				else if (export_is_time(col))
					sheet_time(u->book,
					    json_object_get_null_member(r,
					        col) ?
					        -1 :
					        db_int(r, col),
					    tz, "%Y-%m-%d %H:%M");
				else
					sheet_text(u->book, db_str(r, col));
			}
			app_qcols_write(qc, u->book, db_int(r, "id"));
			sheet_row_end(u->book);
			after = db_int(r, "id");
		}
		if (n < 2000) {
			app_qcols_free(qc);
			return TRUE;
		}
	}
}

char *
app_reg_export(const struct app *app, const struct app_actor *actor,
    const char *lang, enum sheet_format fmt, gsize *len, GError **error)
{
	if (!app_require(actor, "staff", error))
		return NULL;
	return app_reg_export_of(app, actor->event_id, NULL, 0, lang, fmt, len,
	    error);
}

char *
app_reg_export_of(const struct app *app, gint64 event_id, const gint64 *ids,
    size_t n, const char *lang, enum sheet_format fmt, gsize *len,
    GError **error)
{
	struct export_unit u = { g_strcmp0(lang, "en") == 0 ? "en" : "nb", fmt,
		NULL, event_id, ids, n };

	if (!app_tx(app, export_rows, &u, error)) {
		sheet_book_free(u.book);
		return NULL;
	}
	return sheet_book_finish(u.book, len, error);
}

GPtrArray *
app_reg_csv_parse(const char *text, gsize *error_line)
{
	/* The header line and one row past the cap: enough for
	 * app_reg_import to say "too many" without reading the rest. */
	return csv_parse(text, APP_REG_IMPORT_MAX + 1, error_line);
}

GPtrArray *
app_import_csv(const struct app_actor *actor, const char *csv, guint max_rows,
    const char *header_a, const char *header_b, guint *first, GError **error)
{
	g_autoptr(GPtrArray) parsed = NULL;
	gsize errline = 0;

	*first = 0;
	if (!app_require(actor, "admin", error))
		return NULL;
	/* The header and one row past the cap: enough to say "too many"
	 * without reading the rest. */
	if (csv == NULL || !g_utf8_validate(csv, -1, NULL) ||
	    (parsed = csv_parse(csv, max_rows + 1, &errline)) == NULL) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "csv: open quote at line %" G_GSIZE_FORMAT, errline);
		return NULL;
	}
	if (parsed->len > max_rows + 1) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "csv: more than %u rows", max_rows);
		return NULL;
	}
	if (parsed->len > 0 && g_ptr_array_index(parsed, 0) != NULL) {
		char **h = g_ptr_array_index(parsed, 0);
		g_autofree char *h0 = g_strdup(h[0]);

		text_trim(h0);
		if (g_ascii_strcasecmp(h0, header_a) == 0 ||
		    g_ascii_strcasecmp(h0, header_b) == 0)
			*first = 1; /* a header line */
	}
	return g_steal_pointer(&parsed);
}

/* Adds catalog key err to the row's errors. */
void
app_import_row_error(JsonObject *row, const char *err)
{
	json_array_add_string_element(
	    json_object_get_array_member(row, "errors"), err);
}

/* Checks one text field: trimmed copy into row[name]; errors keyed
 * registrations_err_<kind>.  A person's name, organisation or role is
 * checked as the registration form checks it (text_check_name). */
void
app_import_check_field(JsonObject *row, const char *name, const char *value,
    size_t max, bool required)
{
	g_autofree char *v = g_strdup(value ? value : "");
	bool is_name = strcmp(name, "name") == 0 ||
	    strcmp(name, "organisation") == 0 || strcmp(name, "role") == 0;
	enum text_err e;

	text_trim(v);
	e = is_name ? text_check_name(v, max) : text_check_line(v, max);
	if (e == TEXT_EMPTY && !required)
		e = TEXT_OK;
	switch (e) {
	case TEXT_OK:
		break;
	case TEXT_EMPTY:
		app_import_row_error(row, "registrations_err_missing");
		break;
	case TEXT_TOOLONG:
		app_import_row_error(row, "registrations_err_too_long");
		break;
	case TEXT_BIDI:
	case TEXT_INVISIBLE:
		app_import_row_error(row, "reg_err_name");
		break;
	case TEXT_BADUTF8:
	case TEXT_CONTROL:
	default:
		app_import_row_error(row, "registrations_err_control");
		break;
	}
	json_object_set_string_member(row, name, e == TEXT_BADUTF8 ? "" : v);
}

/* The inputs and answer of one import (it may run twice). */
struct import_unit {
	GPtrArray *parsed;
	guint first; /* 1 after a header line */
	bool apply;
	JsonObject *out; /* made anew by each run */
};

static gboolean
import_rows(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct import_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) sectors = NULL, taken = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) taken_set = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(JsonBuilder) emails = json_builder_new();
	g_autoptr(JsonNode) enode = NULL;
	g_autofree char *ejson = NULL;
	GPtrArray *parsed = u->parsed;
	JsonArray *rows = json_array_new();
	gint64 event_id, good = 0, bad = 0, imported = 0, waitlisted = 0;
	guint i;

	g_clear_pointer(&u->out, json_object_unref);
	u->out = json_object_new();
	json_object_set_array_member(u->out, "rows", rows);
	/* Only an applied import that wrote someone is audited. */
	ch->action = NULL;
	event_id = ch->event_id;
	if ((sectors = db_event_sectors(conn, event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));

	/* Check every row; collect the e-mails to ask the database once. */
	json_builder_begin_array(emails);
	for (i = u->first; i < parsed->len; i++) {
		char **f = g_ptr_array_index(parsed, i);
		JsonObject *row;
		guint n, k;
		const char *sector;
		bool known = false;

		if (f == NULL)
			continue; /* a blank line */
		n = g_strv_length(f);
		row = json_object_new();
		json_object_set_int_member(row, "line", i + 1);
		json_object_set_array_member(row, "errors", json_array_new());
		json_array_add_object_element(rows, row);
		if (n < 4 || n > 6)
			app_import_row_error(row, "registrations_err_columns");
		app_import_check_field(row, "name", n > 0 ? f[0] : "", 200,
		    true);
		app_import_check_field(row, "email", n > 1 ? f[1] : "", 254,
		    true);
		app_import_check_field(row, "organisation", n > 2 ? f[2] : "",
		    200, true);
		app_import_check_field(row, "sector", n > 3 ? f[3] : "", 32,
		    true);
		app_import_check_field(row, "role", n > 4 ? f[4] : "", 200,
		    false);
		app_import_check_field(row, "language", n > 5 ? f[5] : "", 2,
		    false);
		if (db_str(row, "email")[0] != '\0') {
			g_autofree char *low = g_ascii_strdown(
			    db_str(row, "email"), -1);

			if (text_check_email(db_str(row, "email")) != TEXT_OK)
				app_import_row_error(row,
				    "registrations_err_email");
			else if (g_hash_table_contains(seen, low))
				app_import_row_error(row,
				    "registrations_err_dup_file");
			else {
				json_builder_add_string_value(emails, low);
				g_hash_table_add(seen, g_steal_pointer(&low));
			}
		}
		sector = db_str(row, "sector");
		for (k = 0; k < json_array_get_length(sectors); k++)
			if (g_strcmp0(db_str(json_array_get_object_element(
			                         sectors, k),
			                  "code"),
			        sector) == 0)
				known = true;
		if (!known && sector[0] != '\0')
			app_import_row_error(row, "registrations_err_sector");
		if (db_str(row, "language")[0] == '\0')
			json_object_set_string_member(row, "language", "nb");
		else if (g_strcmp0(db_str(row, "language"), "nb") != 0 &&
		    g_strcmp0(db_str(row, "language"), "en") != 0)
			app_import_row_error(row, "registrations_err_language");
	}
	json_builder_end_array(emails);
	enode = json_builder_get_root(emails);
	ejson = json_to_string(enode, FALSE);
	if ((taken = db_reg_emails_taken(conn, event_id, ejson, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(taken); i++)
		g_hash_table_add(taken_set,
		    g_strdup(db_str(json_array_get_object_element(taken, i),
		        "email")));

	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		g_autofree char *low = g_ascii_strdown(db_str(row, "email"),
		    -1);
		JsonArray *errs = json_object_get_array_member(row, "errors");
		struct db_participant_new v;
		const char *refused = NULL;
		gint64 id = 0;
		bool placed = false;

		if (json_array_get_length(errs) == 0 &&
		    g_hash_table_contains(taken_set, low))
			app_import_row_error(row,
			    "registrations_err_registered");
		if (json_array_get_length(errs) > 0) {
			json_object_set_boolean_member(row, "ok", false);
			bad++;
			continue;
		}
		json_object_set_boolean_member(row, "ok", true);
		good++;
		if (!u->apply)
			continue;
		v = (struct db_participant_new){ .event_id = event_id,
			.name = db_str(row, "name"),
			.email = db_str(row, "email"),
			.organisation = db_str(row, "organisation"),
			.sector = db_str(row, "sector"),
			.role = db_str(row, "role"),
			.language = db_str(row, "language"),
			.invitee = true };
		if (!db_participant_register(conn, &v, NULL, 0, &id, &refused,
		        &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		if (refused != NULL || id == 0) {
			/* Checked above; another change came between. */
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s",
			    refused != NULL ? refused : "email");
			return FALSE;
		}
		/* A place as a confirmation claims one; none free: waiting,
		 * from now. */
		if (!db_place_claim(conn, event_id, id, false, &placed,
		        &dberr) ||
		    (!placed &&
		        !db_participant_set_status(conn, id, "waitlisted", 0,
		            &dberr)))
			return app_fail_db(error, g_steal_pointer(&dberr));
		json_object_set_int_member(row, "id", id);
		json_object_set_string_member(row, "status",
		    placed ? "confirmed" : "waitlisted");
		json_object_set_int_member(row, "event_id", event_id);
		if (!app_queue_mail(app, conn, row, event_id, "invited", true,
		        &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		imported++;
		if (!placed)
			waitlisted++;
	}
	if (u->apply && imported > 0) {
		JsonObject *after = ch->after = json_object_new();
		JsonArray *ids = json_array_new();

		for (i = 0; i < json_array_get_length(rows); i++) {
			JsonObject *row = json_array_get_object_element(rows,
			    i);

			if (json_object_has_member(row, "id"))
				json_array_add_int_element(ids,
				    db_int(row, "id"));
		}
		json_object_set_int_member(after, "imported", imported);
		json_object_set_int_member(after, "waitlisted", waitlisted);
		json_object_set_int_member(after, "skipped", bad);
		json_object_set_array_member(after, "participant_ids", ids);
		ch->action = "registrations.import";
		ch->subject_id = event_id;
	}
	json_object_set_int_member(u->out, "good", good);
	json_object_set_int_member(u->out, "bad", bad);
	json_object_set_int_member(u->out, "imported", imported);
	json_object_set_int_member(u->out, "waitlisted", waitlisted);
	return TRUE;
}

JsonObject *
app_reg_import(const struct app *app, const struct app_actor *actor,
    const char *csv, bool apply, GError **error)
{
	g_autoptr(GPtrArray) parsed = NULL;
	struct import_unit u = { .apply = apply };

	if ((parsed = app_import_csv(actor, csv, APP_REG_IMPORT_MAX, "name",
	         "navn", &u.first, error)) == NULL)
		return NULL;
	u.parsed = parsed;
	/* A dry run writes nothing, so committing it changes nothing. */
	if (!app_tx_audited(app, actor, NULL, "registrations.import", "event",
	        import_rows, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	return u.out;
}
