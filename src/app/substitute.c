/*
 * substitute.c -- a participant hands their place to a colleague.
 *
 * The story: from their page a confirmed participant names a colleague;
 * the colleague is stored as a pending registration that names the place
 * it would take (participant.substitute_for, sql/025) and gets a mail with
 * the confirmation link, the same /confirm link and token rules as any
 * registration (app_confirm comes here).  Until the colleague confirms
 * nothing moves; the original may withdraw the offer; an unconfirmed
 * offer lapses with the hold, as any unconfirmed registration does
 * (waitlist.c deletes it).  On confirmation -- or, where the event asks
 * for it, on an organiser's approval -- place, placements (tables kept)
 * and pins or bans pass over in one transaction, the old registration
 * becomes substituted, and the publish machinery queues CANCELs to the
 * old address and REQUESTs to the new one under each session's UID.
 * Every step is audited.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/* Who the audit log names for a participant's own steps. */
static const struct app_actor participant_actor = { .email = "participant" };

static gboolean
state_error(GError **error, const char *why)
{
	g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "%s", why);
	return FALSE;
}

const char *
app_substitute_refused(const struct app_substitute *s)
{
	if (text_check_name(s->name, 200) != TEXT_OK)
		return "name";
	if (s->email == NULL || text_check_line(s->email, 254) != TEXT_OK ||
	    text_check_email(s->email) != TEXT_OK)
		return "email";
	if (text_check_name(s->organisation, 200) != TEXT_OK)
		return "organisation";
	if (s->sector == NULL || !app_setup_sector_code_ok(s->sector))
		return "sector";
	if (g_strcmp0(s->language, "nb") != 0 &&
	    g_strcmp0(s->language, "en") != 0)
		return "language";
	return NULL;
}

/* A JSON object's text (transfer full). */
static char *
json_text_of(JsonObject *o)
{
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

	json_node_set_object(node, o);
	return json_to_string(node, FALSE);
}

/* A mail row for app_queue_mail_with: id (0: no participant), name,
 * email, language. */
static JsonObject *
mail_row(gint64 id, const char *name, const char *email, const char *lang)
{
	JsonObject *r = json_object_new();

	json_object_set_int_member(r, "id", id);
	json_object_set_string_member(r, "name", name);
	json_object_set_string_member(r, "email", email);
	json_object_set_string_member(r, "language", lang);
	return r;
}

/* What the audit entry says of the colleague in sub. */
static JsonObject *
audit_of(JsonObject *sub)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "substitute_id", db_int(sub, "id"));
	json_object_set_string_member(o, "name", db_str(sub, "name"));
	json_object_set_string_member(o, "email", db_str(sub, "email"));
	return o;
}

struct offer_unit {
	const char *token;
	const struct app_substitute *s;
	struct app_refusal *refusal;
	gint64 id;
};

/* Inside app_tx_audited: the colleague stored pending, and their mail. */
static gboolean
offer_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct offer_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, open = NULL, row = NULL;
	g_autoptr(JsonObject) payload = json_object_new();
	g_autofree char *payload_text = NULL;
	struct db_substitute_new n;
	struct app_refusal r;
	gint64 event_id;

	u->id = 0;
	if ((p = app_participant_lock(conn, u->token, error)) == NULL)
		return FALSE;
	if (g_strcmp0(db_str(p, "status"), "confirmed") != 0)
		return state_error(error,
		    "only a confirmed place is handed over");
	event_id = db_int(p, "event_id");
	open = db_substitute_open(conn, event_id, db_int(p, "id"), &dberr);
	if (open != NULL)
		return state_error(error, "a hand-over is open already");
	if (!g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_error(&dberr);
	n = (struct db_substitute_new){ .event_id = event_id,
		.from_id = db_int(p, "id"),
		.name = u->s->name,
		.email = u->s->email,
		.organisation = u->s->organisation,
		.sector = u->s->sector,
		.language = u->s->language,
		.hold_hours = (int)app->conf->confirm_hours };
	if ((row = db_substitute_offer(conn, &n, &dberr)) == NULL) {
		if (app_refusal_from_db(dberr, &r)) {
			if (u->refusal != NULL)
				*u->refusal = r;
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s",
			    r.field != NULL ? r.field : "form");
			return FALSE;
		}
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return state_error(error, "the place is not confirmed");
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	json_object_set_string_member(payload, "from_name", db_str(p, "name"));
	payload_text = json_text_of(payload);
	if (!app_queue_mail_with(app, conn, row, event_id, "substitute_confirm",
	        true, payload_text, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->id = db_int(row, "id");
	ch->subject_id = db_int(p, "id");
	ch->after = audit_of(row);
	json_object_set_string_member(ch->after, "organisation",
	    u->s->organisation);
	json_object_set_string_member(ch->after, "sector", u->s->sector);
	return TRUE;
}

gboolean
app_substitute_offer(const struct app *app, const char *token,
    const struct app_substitute *s, struct app_refusal *refusal, GError **error)
{
	struct offer_unit u = { token, s, refusal, 0 };
	const char *field;

	if ((field = app_substitute_refused(s)) != NULL) {
		if (refusal != NULL)
			*refusal = (struct app_refusal){ field,
				APP_REASON_INVALID };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
		return FALSE;
	}
	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return FALSE;
	}
	if (!app_tx_audited(app, &participant_actor, NULL,
	        "participant.substitute_offer", "participant", offer_run, &u,
	        error))
		return FALSE;
	log_info("hand-over offered to participant %" G_GINT64_FORMAT, u.id);
	return TRUE;
}

/* Inside app_tx_audited: the open hand-over of the token's participant
 * goes. */
static gboolean
withdraw_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, gone = NULL;
	const char *const *token = user;

	(void)app;
	if ((p = app_participant_lock(conn, *token, error)) == NULL)
		return FALSE;
	gone = db_substitute_drop(conn, db_int(p, "event_id"), db_int(p, "id"),
	    0, &dberr);
	if (gone == NULL) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return state_error(error, "no hand-over is open");
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	ch->subject_id = db_int(p, "id");
	ch->before = audit_of(gone);
	return TRUE;
}

gboolean
app_substitute_drop_open(DbConn *conn, gint64 event_id, gint64 from_id,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) gone = db_substitute_drop(conn, event_id, from_id,
	    0, &dberr);

	if (gone != NULL ||
	    g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return TRUE;
	g_propagate_error(error, g_steal_pointer(&dberr));
	return FALSE;
}

gboolean
app_substitute_withdraw(const struct app *app, const char *token,
    GError **error)
{
	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return FALSE;
	}
	return app_tx_audited(app, &participant_actor, NULL,
	    "participant.substitute_withdraw", "participant", withdraw_run,
	    &token, error);
}

struct view_unit {
	const char *token;
	JsonObject *view;
};

/* The page's view: what may be offered, what is open either way. */
static gboolean
view_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct view_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = token_hash(u->token);
	g_autoptr(JsonObject) p = NULL, open = NULL, sub = NULL;
	g_autoptr(JsonObject) v = json_object_new();
	JsonArray *sectors;
	const char *status;
	gint64 event_id, id;

	(void)app;
	if ((p = db_participant_by_token(conn, hash, false, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	status = db_str(p, "status");
	event_id = db_int(p, "event_id");
	id = db_int(p, "id");
	if (strcmp(status, "confirmed") == 0 &&
	    (open = db_substitute_open(conn, event_id, id, &dberr)) == NULL &&
	    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_error(&dberr);
	if (strcmp(status, "pending") == 0 && db_int(p, "substitute_for") > 0 &&
	    (sub = db_substitute_of(conn, event_id, id, false, &dberr)) ==
	        NULL &&
	    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_error(&dberr);
	json_object_set_boolean_member(v, "can_offer",
	    strcmp(status, "confirmed") == 0 && open == NULL);
	if (open != NULL)
		json_object_set_object_member(v, "outgoing",
		    g_steal_pointer(&open));
	else
		json_object_set_null_member(v, "outgoing");
	if (sub != NULL) {
		JsonObject *in = json_object_new();

		json_object_set_string_member(in, "from_name",
		    db_str(sub, "from_name"));
		json_object_set_boolean_member(in, "email_confirmed",
		    json_object_get_boolean_member(sub, "email_confirmed"));
		json_object_set_boolean_member(in, "approval",
		    json_object_get_boolean_member(sub, "approval"));
		json_object_set_object_member(v, "incoming", in);
	} else {
		json_object_set_null_member(v, "incoming");
	}
	/* The form's defaults: the same organisation and sector. */
	json_object_set_string_member(v, "organisation",
	    db_str(p, "organisation"));
	json_object_set_string_member(v, "sector", db_str(p, "sector"));
	json_object_set_string_member(v, "language", db_str(p, "language"));
	if ((sectors = db_event_sectors(conn, event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_set_array_member(v, "sectors", sectors);
	g_clear_pointer(&u->view, json_object_unref);
	u->view = g_steal_pointer(&v);
	return TRUE;
}

JsonObject *
app_substitute_view(const struct app *app, const char *token, GError **error)
{
	struct view_unit u = { token, NULL };

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	if (!app_db_run(app, view_read, &u, error))
		return NULL;
	return u.view;
}

/*
 * The hand-over itself, in conn's transaction, for sub (locked by
 * db_substitute_of): everything moves, the calendars follow, both are
 * told.  ch gets the audit entry's subject (the original) and after.
 */
static gboolean
handover(const struct app *app, DbConn *conn, gint64 event_id, JsonObject *sub,
    struct app_change *ch, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) old = NULL, fresh = NULL;
	g_autoptr(JsonObject) payload = json_object_new();
	g_autofree char *payload_text = NULL;
	gint64 id = db_int(sub, "id"), from = db_int(sub, "substitute_for");
	gint64 placements = 0, invites = 0, cancels = 0;

	if (g_strcmp0(db_str(sub, "from_status"), "confirmed") != 0)
		return state_error(error, "the place is no longer confirmed");
	if (!db_substitute_complete(conn, event_id, id, from, &placements,
	        &dberr) ||
	    !db_publish_handover(conn, event_id, from, id, &invites, &cancels,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	old = mail_row(from, db_str(sub, "from_name"),
	    db_str(sub, "from_email"), db_str(sub, "from_language"));
	fresh = mail_row(id, db_str(sub, "name"), db_str(sub, "email"),
	    db_str(sub, "language"));
	json_object_set_string_member(payload, "to_name", db_str(sub, "name"));
	payload_text = json_text_of(payload);
	/* The colleague's mail is the one every confirmed person gets: the
	 * page link and the check-in code. */
	if (!app_queue_mail_with(app, conn, old, event_id, "substituted", false,
	        payload_text, &dberr) ||
	    !app_queue_mail(app, conn, fresh, event_id, "confirmed", true,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = from;
	ch->after = audit_of(sub);
	json_object_set_int_member(ch->after, "placements", placements);
	json_object_set_int_member(ch->after, "invitations", invites);
	json_object_set_int_member(ch->after, "cancellations", cancels);
	log_info("participant %" G_GINT64_FORMAT
	         " handed their place to %" G_GINT64_FORMAT
	         ": %" G_GINT64_FORMAT " placements",
	    from, id, placements);
	return TRUE;
}

gboolean
app_substitute_confirm_in(const struct app *app, DbConn *conn, JsonObject *p,
    const char **status, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) sub = NULL;
	struct app_change ch = { .action = "participant.substitute_confirm" };
	gint64 event_id = db_int(p, "event_id");
	gboolean ok;

	sub = db_substitute_of(conn, event_id, db_int(p, "id"), true, &dberr);
	if (sub == NULL) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return state_error(error, "no open hand-over");
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	if (g_strcmp0(db_str(sub, "from_status"), "confirmed") != 0)
		return state_error(error, "the place is no longer confirmed");
	if (json_object_get_boolean_member(sub, "approval")) {
		/* An organiser decides; the hold lasts meanwhile. */
		if (!db_substitute_await(conn, event_id, db_int(sub, "id"),
		        &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		ch.action = "participant.substitute_await";
		ch.subject_id = db_int(sub, "substitute_for");
		ch.after = audit_of(sub);
		*status = "approval";
	} else {
		if (!handover(app, conn, event_id, sub, &ch, error))
			return FALSE;
		*status = "confirmed";
	}
	ok = app_audit(conn, &participant_actor, ch.action, "participant",
	    ch.subject_id, NULL, ch.after, &dberr);
	g_clear_pointer(&ch.after, json_object_unref);
	return ok || app_fail_db(error, g_steal_pointer(&dberr));
}

struct decide_unit {
	gint64 event_id;
	gint64 id;
};

/* Locks the open hand-over u->id of the event that waits for an
 * organiser; NULL with APP_ENOTFOUND or APP_ESTATE. */
static JsonObject *
decide_lock(DbConn *conn, const struct decide_unit *u, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonObject *sub = db_substitute_of(conn, u->event_id, u->id, true,
	    &dberr);

	if (sub == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	if (!json_object_get_boolean_member(sub, "email_confirmed")) {
		json_object_unref(sub);
		state_error(error, "the colleague has not confirmed yet");
		return NULL;
	}
	return sub;
}

static gboolean
approve_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct decide_unit *u = user;
	g_autoptr(JsonObject) sub = decide_lock(conn, u, error);

	return sub != NULL && handover(app, conn, u->event_id, sub, ch, error);
}

gboolean
app_substitute_approve(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, GError **error)
{
	struct decide_unit u = { event_id, id };

	return app_tx_audited(app, actor, "admin", "substitute.approve",
	    "participant", approve_run, &u, error);
}

static gboolean
refuse_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct decide_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) sub = NULL, gone = NULL, to = NULL, from = NULL;
	g_autoptr(JsonObject) pl_to = json_object_new();
	g_autoptr(JsonObject) pl_from = json_object_new();
	g_autofree char *t_to = NULL, *t_from = NULL;

	if ((sub = decide_lock(conn, u, error)) == NULL)
		return FALSE;
	gone = db_substitute_drop(conn, u->event_id, 0, u->id, &dberr);
	if (gone == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	/* One text for both, told which of the two they are. */
	json_object_set_boolean_member(pl_to, "to_you", true);
	json_object_set_boolean_member(pl_from, "to_you", false);
	json_object_set_string_member(pl_to, "from_name",
	    db_str(sub, "from_name"));
	json_object_set_string_member(pl_from, "from_name",
	    db_str(sub, "from_name"));
	json_object_set_string_member(pl_to, "to_name", db_str(sub, "name"));
	json_object_set_string_member(pl_from, "to_name", db_str(sub, "name"));
	t_to = json_text_of(pl_to);
	t_from = json_text_of(pl_from);
	to = mail_row(0, db_str(sub, "name"), db_str(sub, "email"),
	    db_str(sub, "language"));
	from = mail_row(db_int(sub, "substitute_for"), db_str(sub, "from_name"),
	    db_str(sub, "from_email"), db_str(sub, "from_language"));
	if (!app_queue_mail_with(app, conn, to, u->event_id,
	        "substitute_refused", false, t_to, &dberr) ||
	    !app_queue_mail_with(app, conn, from, u->event_id,
	        "substitute_refused", false, t_from, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = db_int(sub, "substitute_for");
	ch->before = audit_of(sub);
	return TRUE;
}

gboolean
app_substitute_refuse(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, GError **error)
{
	struct decide_unit u = { event_id, id };

	return app_tx_audited(app, actor, "admin", "substitute.refuse",
	    "participant", refuse_run, &u, error);
}

struct list_unit {
	gint64 event_id;
	JsonArray *rows;
};

static gboolean
list_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct list_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	guint i;

	(void)app;
	if ((rows = db_substitute_list(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		const char *st = db_str(r, "status");
		const char *state = strcmp(st, "pending") != 0 ?
		    (strcmp(st, "cancelled") == 0 ||
		                strcmp(st, "expired") == 0 ?
		            "cancelled" :
		            "done") :
		    json_object_get_boolean_member(r, "email_confirmed") ?
		    "approval" :
		    "email";

		if (tz == NULL)
			tz = app_zone(db_str(r, "timezone"));
		app_local_time(r, "created", tz, "%Y-%m-%d %H:%M", "");
		json_object_set_string_member(r, "state", state);
		json_object_set_boolean_member(r, "waiting",
		    strcmp(state, "approval") == 0);
	}
	if (u->rows != NULL)
		json_array_unref(u->rows);
	u->rows = g_steal_pointer(&rows);
	return TRUE;
}

JsonArray *
app_substitute_list(const struct app *app, const struct app_actor *actor,
    gint64 event_id, GError **error)
{
	struct list_unit u = { event_id, NULL };

	if (!app_require(actor, "staff", error) ||
	    !app_db_run(app, list_read, &u, error))
		return NULL;
	return u.rows;
}

struct approval_unit {
	gint64 event_id;
	bool approval;
};

static gboolean
approval_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct approval_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = db_substitute_settings(conn, u->event_id,
	    &dberr);

	(void)app;
	if (row == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->approval = json_object_get_boolean_member(row, "approval");
	return TRUE;
}

gboolean
app_substitute_approval(const struct app *app, const struct app_actor *actor,
    gint64 event_id, bool *approval, GError **error)
{
	struct approval_unit u = { event_id, false };

	if (!app_require(actor, "staff", error) ||
	    !app_db_run(app, approval_read, &u, error))
		return FALSE;
	*approval = u.approval;
	return TRUE;
}

static gboolean
approval_write(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct approval_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	if (!db_substitute_settings_set(conn, u->event_id, u->approval, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = u->event_id;
	ch->after = json_object_new();
	json_object_set_boolean_member(ch->after, "substitute_approval",
	    u->approval);
	return TRUE;
}

gboolean
app_substitute_approval_set(const struct app *app,
    const struct app_actor *actor, gint64 event_id, bool approval,
    GError **error)
{
	struct approval_unit u = { event_id, approval };

	return app_tx_audited(app, actor, "admin", "substitute.settings",
	    "event", approval_write, &u, error);
}
