/*
 * register.c -- an attendee registers for the event.
 *
 * The story: the event must be open; the participant is stored pending,
 * with their ranking and the confirmation mail, in one statement -- and
 * no place.  A place is claimed only when the e-mail is confirmed
 * (participant.c, app_confirm): a made-up address never confirms, so a
 * flood of fake registrations takes no place at all.  Registrations nobody
 * confirms are deleted after confirm_hours (waitlist.c).
 *
 * The answer never tells whether the e-mail was known: the sector and
 * sessions are checked before the e-mail matters, a known e-mail gets the
 * link again (a few times an hour, counted in its own row) and the same
 * success.  The rate limits per client address and per e-mail domain are
 * web/'s (they need the client address); throttle.c records what they
 * refused.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/*
 * In invitation mode: checks and uses code for email's registration in
 * conn's open transaction; *sector_out gets the sector the code forces
 * ("" if none) and *code_id its id.  consume false only checks it (a
 * known e-mail registering again).  APP_EINVALID "invitation_code" when
 * the code is missing, unknown or used up.
 */
static gboolean
code_take(DbConn *conn, gint64 event_id, const char *code, const char *email,
    bool consume, gint64 *code_id, char **sector_out, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = NULL;

	if (code == NULL || *code == '\0') {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "invitation_code");
		return FALSE;
	}
	row = consume ? db_code_consume(conn, event_id, code, email, &dberr) :
	                db_code_check(conn, event_id, code, email, &dberr);
	if (row == NULL) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "invitation_code");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		return FALSE;
	}
	*code_id = db_int(row, "id");
	*sector_out = g_strdup(db_str(row, "sector"));
	return TRUE;
}

/*
 * In invitation mode the code must be good for this e-mail, known or not
 * (uses left, bound e-mail and sector matching).  A new e-mail takes one
 * use of it, the row locked until the registration commits; a known
 * e-mail (who gets the link again) only has it checked.  *code_id stays 0
 * when no use was taken.
 */
static gboolean
invitation_check(DbConn *conn, JsonObject *event,
    const struct app_registration *r, gint64 *code_id, char **sector,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) known = NULL;
	gint64 event_id = db_int(event, "id");
	gint64 checked = 0;

	*code_id = 0;
	if (g_strcmp0(db_str(event, "invitation_mode"), "invitation") != 0)
		return TRUE;
	known = db_participant_by_email(conn, event_id, r->email, &dberr);
	if (known == NULL &&
	    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (known != NULL)
		return code_take(conn, event_id, r->invitation_code, r->email,
		    false, &checked, sector, error);
	return code_take(conn, event_id, r->invitation_code, r->email, true,
	    code_id, sector, error);
}

/* One registration's database work (it may run twice). */
struct register_unit {
	const struct app_registration *r;
	const char *nonce, *hash;
	struct app_refusal *refusal; /* may be NULL */
	gint64 id;
};

/* APP_EINVALID for field, told as a refusal too. */
static gboolean
register_refuse(const char *field, struct app_refusal *refusal, GError **error)
{
	if (refusal != NULL)
		*refusal = (struct app_refusal){ field, APP_REASON_INVALID };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
	return FALSE;
}

/*
 * Open registration is one statement, committed on its own; only an
 * invitation code or answers to the event's questions need a transaction
 * around it, which this unit begins itself (app_db_run).
 */
static gboolean
register_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct register_unit *u = user;
	const struct app_registration *r = u->r;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = NULL;
	g_autofree char *forced_sector = NULL, *consent = NULL;
	g_autofree char *rows = NULL;
	struct db_participant_new pn;
	const char *refused = NULL;
	gboolean invitation, tx;
	gint64 code_id = 0;

	u->id = 0;
	event = db_event_for_register(conn, r->event_id, &dberr);
	if (event == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!json_object_get_boolean_member(event, "registration_open")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ECLOSED,
		    "registration is closed");
		return FALSE;
	}
	/* The privacy statement they were shown, in their language. */
	if (!app_privacy_version_in(app, conn, db_int(event, "id"), r->language,
	        &consent, error))
		return FALSE;
	invitation = g_strcmp0(db_str(event, "invitation_mode"),
	                 "invitation") == 0;
	/* Answers to the event's questions are stored with the person, so
	 * they too need the transaction. */
	tx = invitation ||
	    (r->answers != NULL && g_hash_table_size(r->answers) > 0);
	if (tx && (!db_begin(conn, &dberr)))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!invitation_check(conn, event, r, &code_id, &forced_sector,
	        error)) {
		/* The code is the only value code_take refuses. */
		if (error != NULL &&
		    g_error_matches(*error, SUMMIT_APP_ERROR, APP_EINVALID) &&
		    u->refusal != NULL)
			*u->refusal = (struct app_refusal){ "invitation_code",
				APP_REASON_INVALID };
		return FALSE; /* the pool rolls back */
	}

	/* The answers checked before anything is stored; a refused one
	 * names its field ("qID"). */
	rows = !json_object_get_boolean_member(event, "has_questions") &&
	        (r->answers == NULL || g_hash_table_size(r->answers) == 0) ?
	    g_strdup("[]") :
	    app_answers_rows(conn, db_int(event, "id"),
	        forced_sector != NULL && *forced_sector != '\0' ?
	            forced_sector :
	            r->sector,
	        r->answers, u->refusal, error);
	if (rows == NULL)
		return FALSE; /* the pool rolls back */

	pn = (struct db_participant_new){ .event_id = db_int(event, "id"),
		.name = r->name,
		.email = r->email,
		.organisation = r->organisation,
		.sector = forced_sector != NULL && *forced_sector != '\0' ?
		    forced_sector :
		    r->sector,
		.role = r->role ? r->role : "",
		.needs = r->needs ? r->needs : "",
		.language = r->language,
		.confirm_hours = app->conf->confirm_hours,
		.resends_per_hour = app->conf->link_resends_per_hour,
		.link_nonce = u->nonce,
		.link_hash = u->hash,
		.consent_version = consent };
	if (!db_participant_register(conn, &pn, r->sessions, r->nsessions,
	        &u->id, &refused, &dberr)) {
		/* A constraint the checks above let through, by its field. */
		if (u->refusal != NULL)
			(void)app_refusal_from_db(dberr, u->refusal);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	if (refused != NULL)
		return register_refuse(refused, u->refusal, error);
	if (!invitation) {
		if (tx &&
		    ((u->id != 0 &&
		         !db_answers_replace(conn, pn.event_id, u->id, rows,
		             &dberr)) ||
		        !db_commit(conn, &dberr)))
			return app_fail_db(error, g_steal_pointer(&dberr));
		/* Committed already: a failure here must not run the
		 * registration again, and the invitee's state is only the
		 * console's count, so it is logged. */
		if (u->id != 0 &&
		    json_object_get_boolean_member(event, "has_invitees") &&
		    !db_invitee_registered(conn, pn.event_id, r->email, 0,
		        u->id, &dberr))
			log_warnx(
			    "participant %" G_GINT64_FORMAT
			    " not marked as an invitee who registered: %s",
			    u->id, dberr->message);
		return TRUE;
	}
	/* Known after all (registered meanwhile): the use taken is given
	 * back by rolling back; the answer stays the same. */
	if (u->id == 0 && code_id != 0) {
		db_rollback(conn);
		return TRUE;
	}
	/* The invitee this registration answers, by code or e-mail
	 * (invitees.c), in the registration's transaction. */
	if ((code_id != 0 &&
	        !db_participant_set_code(conn, u->id, code_id, &dberr)) ||
	    (u->id != 0 &&
	        !db_invitee_registered(conn, pn.event_id, r->email, code_id,
	            u->id, &dberr)) ||
	    (u->id != 0 &&
	        !db_answers_replace(conn, pn.event_id, u->id, rows, &dberr)) ||
	    !db_commit(conn, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

/*
 * The registration's values checked here too, not only by the form: the
 * field refused first, or NULL.  Lengths are the columns' (sql/).
 */
static const char *
register_refused(const struct app_registration *r)
{
	size_t i, j;

	if (text_check_name(r->name, 200) != TEXT_OK)
		return "name";
	if (r->email == NULL || text_check_line(r->email, 254) != TEXT_OK ||
	    text_check_email(r->email) != TEXT_OK)
		return "email";
	if (text_check_name(r->organisation, 200) != TEXT_OK)
		return "organisation";
	if (text_check_line(r->sector, 32) != TEXT_OK)
		return "sector";
	if (r->role != NULL && r->role[0] != '\0' &&
	    text_check_name(r->role, 200) != TEXT_OK)
		return "role";
	if (r->needs != NULL && r->needs[0] != '\0' &&
	    text_check_block(r->needs, 2000) != TEXT_OK)
		return "needs";
	if (g_strcmp0(r->language, "nb") != 0 &&
	    g_strcmp0(r->language, "en") != 0)
		return "language";
	if (r->nsessions > APP_MAX_RANKS)
		return "sessions";
	for (i = 0; i < r->nsessions; i++)
		for (j = 0; j < i; j++)
			if (r->sessions[i] == r->sessions[j])
				return "sessions";
	return NULL;
}

gboolean
app_register(const struct app *app, const struct app_registration *r,
    struct app_refusal *refusal, GError **error)
{
	g_autofree char *nonce = NULL, *token = NULL, *hash = NULL;
	struct register_unit u = { r, NULL, NULL, NULL, 0 };
	const char *field;

	if ((field = register_refused(r)) != NULL)
		return register_refuse(field, refusal, error);
	u.nonce = nonce = token_new();
	token = app_link_token(app, nonce);
	u.hash = hash = token_hash(token);
	u.refusal = refusal;
	if (!app_db_run(app, register_run, &u, error))
		return FALSE;
	if (u.id != 0) {
		log_info("participant %" G_GINT64_FORMAT " registered, "
		         "unconfirmed",
		    u.id);
		app_count(APP_COUNT_REGISTRATIONS, 1);
	}
	return TRUE;
}
