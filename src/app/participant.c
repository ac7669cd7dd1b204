/*
 * participant.c -- what a participant does from the link in their e-mail:
 * confirm, look at their registration, rank again, cancel.
 *
 * The link's token is checked for shape before any lookup, and only its
 * hash is compared with the database.
 */
#include "app/internal.h"
#include "base/base.h"

/* Locks the participant behind token inside conn's open transaction. */
JsonObject *
app_participant_lock(DbConn *conn, const char *token, GError **error)
{
	g_autofree char *hash = NULL;
	g_autoptr(GError) dberr = NULL;
	JsonObject *p;

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	hash = token_hash(token);
	p = db_participant_by_token(conn, hash, true, &dberr);
	if (p == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	return p;
}

struct confirm_unit {
	const char *token;
	char *now; /* the status after */
	gint64 id;
	bool claimed; /* a place or the waitlist */
	bool got;
};

/* Inside app_tx: marks the e-mail confirmed and, for a pending person,
 * claims a place or joins the waitlist. */
static gboolean
confirm_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct confirm_unit *u = user;
	const char *token = u->token;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL;
	const char *now;
	gint64 id;

	u->claimed = false;
	if ((p = app_participant_lock(conn, token, error)) == NULL)
		return FALSE;
	id = db_int(p, "id");
	now = db_str(p, "status");
	if (!db_participant_mark_email_confirmed(conn, id, &dberr))
		goto dbfail;
	if (g_strcmp0(now, "pending") == 0 && db_int(p, "substitute_for") > 0) {
		/* A colleague taking over a place: no place of their own
		 * is claimed (substitute.c). */
		const char *st;

		if (!app_substitute_confirm_in(app, conn, p, &st, error))
			return FALSE;
		g_free(u->now);
		u->now = g_strdup(st);
		return TRUE;
	}
	if (g_strcmp0(now, "pending") == 0 || g_strcmp0(now, "expired") == 0) {
		/* The place is claimed now, not at registration: a free one
		 * if nobody is waiting for it, else the end of the waiting
		 * list -- and a place free while people wait goes to the
		 * first of them at once.  (An organiser's pending with a
		 * place keeps it.) */
		gint64 event_id = db_int(p, "event_id");
		unsigned promoted = 0;
		bool got = false;

		if (!db_place_claim(conn, event_id, id, true, &got, &dberr) ||
		    !db_participant_set_status(conn, id,
		        got ? "confirmed" : "waitlisted", 0, &dberr) ||
		    (!got &&
		        !app_promote(app, conn, event_id, &promoted, &dberr)))
			goto dbfail;
		/* The place is theirs: a mail that says so, with the page
		 * link and the check-in code (someone promoted instead gets
		 * the promoted mail from app_promote). */
		if (got &&
		    !app_queue_mail(app, conn, p, event_id, "confirmed", true,
		        &dberr))
			goto dbfail;
		if (promoted > 0) {
			/* This person may have been the one promoted. */
			g_autoptr(JsonObject) again = app_participant_lock(conn,
			    token, error);

			if (again == NULL)
				return FALSE;
			got = g_strcmp0(db_str(again, "status"), "confirmed") ==
			    0;
		}
		u->claimed = true;
		u->got = got;
		u->id = id;
	}
	g_free(u->now);
	u->now = g_strdup(!u->claimed ? now :
	        u->got                ? "confirmed" :
	                                "waitlisted");
	return TRUE;
dbfail:
	return app_fail_db(error, g_steal_pointer(&dberr));
}

gboolean
app_confirm(const struct app *app, const char *token, char **status,
    GError **error)
{
	struct confirm_unit u = { .token = token };

	if (!app_tx(app, confirm_run, &u, error)) {
		g_free(u.now);
		return FALSE;
	}
	if (u.claimed)
		log_info("participant %" G_GINT64_FORMAT " confirmed (%s)",
		    u.id, u.got ? "place claimed" : "waitlisted");
	*status = u.now;
	return TRUE;
}

/* The inputs and output of one participant unit (it may run twice). */
struct participant_unit {
	const char *token;
	const gint64 *sessions;
	size_t n;
	JsonObject *p;     /* app_participant_view's answer */
	gint64 cancelled;  /* app_participant_cancel: who */
	unsigned promoted; /* and how many took a place */
	bool late;         /* cancelled after the deadline */
	bool requested;    /* the ranking became a change request */
};

/* p's member checkin: their check-in code (app_checkin_code_json) when
 * confirmed, issued now if they have none yet; else null. */
static gboolean
participant_checkin(DbConn *conn, JsonObject *p, GError **error)
{
	struct app_checkin_code code;

	if (g_strcmp0(db_str(p, "status"), "confirmed") != 0) {
		json_object_set_null_member(p, "checkin");
		return TRUE;
	}
	if (!app_checkin_code_in(conn, db_int(p, "id"), &code, error))
		return FALSE;
	json_object_set_object_member(p, "checkin",
	    app_checkin_code_json(&code));
	return TRUE;
}

static gboolean
participant_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct participant_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = token_hash(u->token);
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *prefs, *msgs;
	guint i;

	(void)app;
	g_clear_pointer(&u->p, json_object_unref);
	if ((u->p = db_participant_by_token(conn, hash, false, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	prefs = db_participant_preferences(conn, db_int(u->p, "id"), &dberr);
	if (prefs == NULL) {
		g_clear_pointer(&u->p, json_object_unref);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	json_object_set_array_member(u->p, "preferences", prefs);
	if (!participant_checkin(conn, u->p, error)) {
		g_clear_pointer(&u->p, json_object_unref);
		return FALSE;
	}
	tz = app_zone(db_str(u->p, "timezone"));
	app_local_time(u->p, "hold_until", tz, "%Y-%m-%d %H:%M", NULL);
	/* The messages to groups they got (message.c). */
	msgs = db_message_of_participant(conn, db_int(u->p, "id"), &dberr);
	if (msgs == NULL) {
		g_clear_pointer(&u->p, json_object_unref);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	app_local_times(msgs, "queued_at", tz, "%Y-%m-%d %H:%M", "");
	/* The subjects with their name, as the mails had them. */
	for (i = 0; i < json_array_get_length(msgs); i++) {
		JsonObject *m = json_array_get_object_element(msgs, i);
		const char *values[4] = { db_str(u->p, "name"), "", "", "" };
		const char *const keys[] = { "subject_nb", "subject_en" };
		size_t k;

		for (k = 0; k < G_N_ELEMENTS(keys); k++) {
			g_autofree char *s = app_message_fill(
			    db_str(m, keys[k]), values, true);

			json_object_set_string_member(m, keys[k], s);
		}
	}
	json_object_set_array_member(u->p, "messages", msgs);
	/* The sessions they are on stage in (speakers.c). */
	if ((msgs = app_speaker_stage(conn, db_int(u->p, "event_id"),
	         db_int(u->p, "id"), tz, error)) == NULL) {
		g_clear_pointer(&u->p, json_object_unref);
		return FALSE;
	}
	json_object_set_boolean_member(u->p, "on_stage",
	    json_array_get_length(msgs) > 0);
	json_object_set_array_member(u->p, "stage", msgs);
	return TRUE;
}

JsonObject *
app_participant_view(const struct app *app, const char *token, GError **error)
{
	struct participant_unit u = { .token = token };

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	if (!app_db_run(app, participant_read, &u, error))
		return NULL;
	return u.p;
}

/* Inside app_tx: replaces the ranking of the participant behind token. */
static gboolean
participant_rerank(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct participant_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL;
	struct app_deadlines d;
	const char *status;

	(void)app;
	u->requested = false;
	if ((p = app_participant_lock(conn, u->token, error)) == NULL)
		return FALSE;
	status = db_str(p, "status");
	if (g_strcmp0(status, "cancelled") == 0 ||
	    g_strcmp0(status, "expired") == 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "registration is %s", status);
		return FALSE;
	}
	/* Someone only on stage is given no seats: a ranking would be
	 * kept and never used (speakers.c). */
	if (json_object_get_boolean_member(p, "speaker_only")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "on stage only: no ranking");
		return FALSE;
	}
	if (!app_deadlines_in(conn, db_int(p, "event_id"), &d, error))
		return FALSE;
	if (!app_event_may_change(&d, d.now)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ECLOSED,
		    "the change deadline has passed");
		return FALSE;
	}
	/* Once an allocation is published, a new ranking changes nothing
	 * by itself: the organisers decide (deadline.c). */
	u->requested = d.published;
	if (!(d.published ?
	            db_change_request_put(conn, db_int(p, "event_id"),
	                db_int(p, "id"), u->sessions, u->n, &dberr) :
	            db_participant_set_preferences(conn, db_int(p, "event_id"),
	                db_int(p, "id"), u->sessions, u->n, true, &dberr))) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_EINVALID) ||
		    g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ECONFLICT)) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "sessions");
			return FALSE;
		}
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	return TRUE;
}

gboolean
app_participant_rerank(const struct app *app, const char *token,
    const gint64 *sessions, size_t n, bool *requested, GError **error)
{
	struct participant_unit u = { .token = token,
		.sessions = sessions,
		.n = n };

	*requested = false;
	if (!app_tx(app, participant_rerank, &u, error))
		return FALSE;
	*requested = u.requested;
	return TRUE;
}

gboolean
app_participant_cancel_in(const struct app *app, DbConn *conn, JsonObject *p,
    unsigned *promoted, GError **dberr)
{
	gint64 event_id = db_int(p, "event_id");

	*promoted = 0;
	/* A hand-over they offered goes with the place. */
	return app_substitute_drop_open(conn, event_id, db_int(p, "id"),
	           dberr) &&
	    db_participant_set_status(conn, db_int(p, "id"), "cancelled", 0,
	        dberr) &&
	    db_place_release(conn, db_int(p, "id"), dberr) &&
	    app_queue_mail(app, conn, p, event_id, "cancelled", false, dberr) &&
	    app_promote(app, conn, event_id, promoted, dberr);
}

/* Inside app_tx: cancels, frees the place, promotes the next in line. */
static gboolean
participant_cancel(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct participant_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL;
	unsigned promoted = 0;
	struct app_deadlines d;
	enum app_cancel_rule rule = APP_CANCEL_YES;
	gint64 event_id;

	u->cancelled = 0;
	u->late = false;
	if ((p = app_participant_lock(conn, u->token, error)) == NULL)
		return FALSE;
	if (g_strcmp0(db_str(p, "status"), "cancelled") == 0)
		return TRUE; /* cancelling twice changes nothing */
	event_id = db_int(p, "event_id");
	/* The deadline guards places the organisers plan with: someone
	 * waiting or unconfirmed may always withdraw. */
	if (g_strcmp0(db_str(p, "status"), "confirmed") == 0) {
		if (!app_deadlines_in(conn, event_id, &d, error))
			return FALSE;
		rule = app_event_may_cancel(&d, d.now);
	}
	if (rule == APP_CANCEL_NO) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ECLOSED,
		    "the cancellation deadline has passed");
		return FALSE;
	}
	/* Cancelled first: the late mark is a cancellation's. */
	if (!app_participant_cancel_in(app, conn, p, &promoted, &dberr) ||
	    (rule == APP_CANCEL_LATE &&
	        !db_participant_mark_late(conn, event_id, db_int(p, "id"),
	            &dberr)))
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->cancelled = db_int(p, "id");
	u->promoted = promoted;
	u->late = rule == APP_CANCEL_LATE;
	return TRUE;
}

gboolean
app_participant_cancel(const struct app *app, const char *token, GError **error)
{
	struct participant_unit u = { .token = token };

	if (!app_tx(app, participant_cancel, &u, error))
		return FALSE;
	if (u.cancelled != 0) { /* logged once it is committed */
		log_info("participant %" G_GINT64_FORMAT " cancelled%s; %u "
		         "promoted",
		    u.cancelled, u.late ? " late" : "", u.promoted);
		app_seats_changed(app);
	}
	return TRUE;
}
