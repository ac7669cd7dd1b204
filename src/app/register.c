/*
 * register.c -- an attendee registers for the event.
 *
 * The story: the event must be open; the participant row, their ranking,
 * a place (or a waitlist entry) and the confirmation mail are written in
 * one transaction.  The place is claimed from the event's place rows with
 * SKIP LOCKED, so a rush of registrations never queues on one hot row.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/* Someone registers again with a known e-mail: send the link again. */
static gboolean
register_again(const struct app *app, DbConn *conn, gint64 event_id,
    const char *email, GError **error)
{
	g_autoptr(JsonObject) existing = NULL;

	existing = db_participant_by_email(conn, event_id, email, error);
	if (existing == NULL)
		return FALSE;
	return app_queue_mail(app, conn, existing, event_id, "link_again", true,
	    error);
}

/*
 * In invitation mode the code must be good for this e-mail.  A known
 * e-mail (who registers again and gets the link again) only has it
 * checked; anyone else takes one use of it, the row locked until the
 * registration commits.  *code_id stays 0 when no use was taken.
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
		return app_setup_code_take(conn, event_id, r->invitation_code,
		    r->email, false, &checked, sector, error);
	return app_setup_code_take(conn, event_id, r->invitation_code,
	    r->email, true, code_id, sector, error);
}

gboolean
app_register(const struct app *app, const struct app_registration *r,
    enum app_reg_outcome *outcome, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) event = NULL;
	g_autoptr(JsonObject) me = NULL;
	DbConn *conn;
	gboolean ok = FALSE;
	gint64 event_id, id = 0;
	bool got = false;
	struct db_participant_new pn;
	gint64 code_id = 0;
	g_autofree char *forced_sector = NULL;

	for (size_t i = 0; i < r->nsessions; i++)
		for (size_t j = 0; j < i; j++)
			if (r->sessions[i] == r->sessions[j]) {
				g_set_error(error, SUMMIT_APP_ERROR,
				    APP_EINVALID, "sessions");
				return FALSE;
			}
	conn = app_db_acquire(app, error);
	if (conn == NULL)
		return FALSE;
	event = db_event_for_register(conn, &dberr);
	if (event == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	event_id = db_int(event, "id");
	if (!json_object_get_boolean_member(event, "registration_open")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ECLOSED,
		    "registration is closed");
		goto out;
	}
	if (!db_begin(conn, &dberr))
		goto dbfail;
	if (!invitation_check(conn, event, r, &code_id, &forced_sector,
	    error))
		goto out;

	pn = (struct db_participant_new){ .event_id = event_id,
	    .name = r->name, .email = r->email,
	    .organisation = r->organisation,
	    .sector = forced_sector != NULL && *forced_sector != '\0' ?
	    forced_sector : r->sector,
	    .role = r->role ? r->role : "", .needs = r->needs ? r->needs : "",
	    .language = r->language, .hold_hours = app->conf->hold_hours };
	if (!db_participant_register(conn, &pn, r->sessions, r->nsessions,
	    &id, &got, &dberr)) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ECONFLICT)) {
			g_clear_error(&dberr);
			/* Registered meanwhile: give the code's use back. */
			if (code_id != 0) {
				db_rollback(conn);
				if (!db_begin(conn, &dberr))
					goto dbfail;
			}
			if (!register_again(app, conn, event_id, r->email,
			    &dberr) || !db_commit(conn, &dberr))
				goto dbfail;
			/* The answer a newcomer would get right now. */
			*outcome = json_object_get_boolean_member(event,
			    "has_places") ? APP_REG_HELD : APP_REG_WAITLISTED;
			ok = TRUE;
			goto out;
		}
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_EINVALID) &&
		    strstr(dberr->message, "ranked") != NULL) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "sessions");
			goto out;
		}
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_EINVALID)) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "sector");
			goto out;
		}
		goto dbfail;
	}

	if (code_id != 0 &&
	    !db_setup_participant_set_code(conn, id, code_id, &dberr))
		goto dbfail;
	me = json_object_new();
	json_object_set_int_member(me, "id", id);
	json_object_set_string_member(me, "name", r->name);
	json_object_set_string_member(me, "email", r->email);
	json_object_set_string_member(me, "language", r->language);
	if (!app_queue_mail(app, conn, me, event_id,
	    got ? "confirm" : "waitlisted", true, &dberr) ||
	    !db_commit(conn, &dberr))
		goto dbfail;
	*outcome = got ? APP_REG_HELD : APP_REG_WAITLISTED;
	log_info("participant %" G_GINT64_FORMAT " registered (%s)", id,
	    got ? "place held" : "waitlisted");
	ok = TRUE;
	goto out;
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
out:
	db_release(app->db, conn);	/* rolls back what was not committed */
	return ok;
}
