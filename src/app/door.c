/*
 * door.c -- use cases of the door: check-in codes and their QR codes.
 *
 * A code is made the first time one is asked for (the participant's
 * page, a mail, a badge), with OpenSSL's CSPRNG (token_code_new), and
 * stored; a confirmed participant has exactly one live code.  Only
 * confirmed participants get one: a pending, waitlisted or cancelled
 * registration has nothing to show at the door.
 */
#include "app/internal.h"
#include "base/base.h"
#include "qr/qr.h"

#include <string.h>

/* Tries before giving up on fresh codes that all collide: with 80 bits
 * (50 in the short form), even one collision is a rare event. */
#define CODE_TRIES 8

static void
code_fill(struct app_checkin_code *out, const char *code)
{
	g_strlcpy(out->code, code, sizeof(out->code));
	memcpy(out->short_code, code, 5);
	out->short_code[5] = '-';
	memcpy(out->short_code + 6, code + 5, 5);
	out->short_code[11] = '\0';
}

gboolean
app_checkin_code_in(DbConn *conn, gint64 participant_id,
    struct app_checkin_code *out, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	unsigned tries;

	for (tries = 0; tries < CODE_TRIES; tries++) {
		g_autoptr(JsonObject) row = db_checkin_code_of(conn,
		    participant_id, &dberr);
		char code[TOKEN_CODE_LEN + 1];
		bool stored = false;

		if (row == NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		if (g_strcmp0(db_str(row, "status"), "confirmed") != 0) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
			    "registration is %s", db_str(row, "status"));
			return FALSE;
		}
		if (db_str(row, "code") != NULL) {
			code_fill(out, db_str(row, "code"));
			return TRUE;
		}
		token_code_new(code);
		if (!db_checkin_code_insert(conn, participant_id, code, &stored,
		        &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		if (stored) {
			code_fill(out, code);
			return TRUE;
		}
		/* Someone issued theirs meanwhile, or the code collided:
		 * read again. */
	}
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
	    "no free check-in code after %u tries", CODE_TRIES);
	return FALSE;
}

JsonObject *
app_checkin_code_json(const struct app_checkin_code *c)
{
	JsonObject *o = json_object_new();
	int size = 0;
	g_autofree char *path = qr_svg_path(c->code, &size);

	json_object_set_string_member(o, "code", c->code);
	json_object_set_string_member(o, "short_code", c->short_code);
	json_object_set_int_member(o, "qr_size", size);
	json_object_set_string_member(o, "qr_path", path != NULL ? path : "");
	return o;
}

struct code_unit {
	gint64 participant_id;
	struct app_checkin_code *out;
	gint64 issued;
	gint64 event_id; /* codes_ensure's */
};

static gboolean
code_get(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct code_unit *u = user;

	(void)app;
	return app_checkin_code_in(conn, u->participant_id, u->out, error);
}

gboolean
app_checkin_code(const struct app *app, gint64 participant_id,
    struct app_checkin_code *out, GError **error)
{
	struct code_unit u = { participant_id, out, 0, 0 };

	return app_tx(app, code_get, &u, error);
}

JsonObject *
app_checkin_code_view(const struct app *app, gint64 participant_id,
    GError **error)
{
	struct app_checkin_code c;

	if (!app_checkin_code(app, participant_id, &c, error))
		return NULL;
	return app_checkin_code_json(&c);
}

GBytes *
app_checkin_qr_png(const char *code, int scale)
{
	return qr_png(code, scale);
}

static JsonObject *
code_state(gint64 participant_id, const char *short_code)
{
	JsonObject *o = json_object_new();

	json_object_set_int_member(o, "participant_id", participant_id);
	/* The short form only: enough to tell codes apart in the log,
	 * not enough to forge the QR code. */
	json_object_set_string_member(o, "short_code", short_code);
	return o;
}

static gboolean
code_reissue(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct code_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	struct app_checkin_code old;
	bool revoked = false;

	(void)app;
	/* The old one first: it also tells a participant who is not
	 * confirmed (APP_ESTATE) before anything changes. */
	if (!app_checkin_code_in(conn, u->participant_id, &old, error))
		return FALSE;
	if (!db_checkin_code_revoke(conn, u->participant_id, &revoked, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!app_checkin_code_in(conn, u->participant_id, u->out, error))
		return FALSE;
	ch->subject_id = u->participant_id;
	ch->before = code_state(u->participant_id, old.short_code);
	ch->after = code_state(u->participant_id, u->out->short_code);
	return TRUE;
}

gboolean
app_checkin_code_reissue(const struct app *app, const struct app_actor *actor,
    gint64 participant_id, struct app_checkin_code *out, GError **error)
{
	struct code_unit u = { participant_id, out, 0, 0 };

	return app_tx_audited(app, actor, "staff", "door.code_reissue",
	    "participant", code_reissue, &u, error);
}

static gboolean
codes_ensure(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct code_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) ids = NULL;
	guint i, n;

	(void)app;
	u->issued = 0;
	ids = db_checkin_code_missing(conn, u->event_id, &dberr);
	if (ids == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	n = json_array_get_length(ids);
	for (i = 0; i < n; i++) {
		struct app_checkin_code c;

		if (!app_checkin_code_in(conn,
		        db_int(json_array_get_object_element(ids, i), "id"), &c,
		        error))
			return FALSE;
		u->issued++;
	}
	return TRUE;
}

gboolean
app_checkin_codes_ensure(const struct app *app, gint64 event_id, gint64 *issued,
    GError **error)
{
	struct code_unit u = { 0, NULL, 0, event_id };
	gboolean ok = app_tx(app, codes_ensure, &u, error);

	*issued = ok ? u.issued : 0;
	return ok;
}

/* The desk's answer before anything is known. */
static JsonObject *
scan_answer(const char *outcome, const char *reason)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "outcome", outcome);
	json_object_set_string_member(o, "reason", reason);
	json_object_set_null_member(o, "person");
	json_object_set_string_member(o, "at", "");
	json_object_set_string_member(o, "door", "");
	json_object_set_null_member(o, "session");
	return o;
}

static void
scan_red(JsonObject *o, const char *reason)
{
	json_object_set_string_member(o, "outcome", "red");
	json_object_set_string_member(o, "reason", reason);
}

/* The desk's view of person p: who, and the sessions of today (in tz)
 * with a seat; *placed says whether session_id is one of their sessions
 * of any day. */
static JsonObject *
scan_person(JsonObject *p, JsonArray *sessions, GTimeZone *tz,
    const char *today, gint64 session_id, bool *placed)
{
	static const char *const cols[] = { "id", "name", "organisation",
		"sector_nb", "sector_en", "status", NULL };
	JsonObject *o = json_object_new();
	JsonArray *day = json_array_new();
	const char *const *c;
	guint i;

	for (c = cols; *c != NULL; c++)
		json_object_set_member(o, *c,
		    json_node_copy(json_object_get_member(p, *c)));
	*placed = false;
	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);
		g_autofree char *d = app_time_text(tz, db_int(s, "starts_at"),
		    "%Y-%m-%d");

		if (db_int(s, "session_id") == session_id)
			*placed = true;
		if (strcmp(d, today) != 0)
			continue;
		s = json_object_ref(s);
		app_local_time(s, "starts_at", tz, "%H:%M", "");
		app_local_time(s, "ends_at", tz, "%H:%M", "");
		json_array_add_object_element(day, s);
	}
	json_object_set_array_member(o, "today", day);
	return o;
}

/* Why a registration of p cannot come in, or NULL. */
static const char *
scan_refusal(JsonObject *p)
{
	const char *st = db_str(p, "status");

	if (!json_object_get_boolean_member(p, "current"))
		return "not_registered";
	if (strcmp(st, "cancelled") == 0)
		return "cancelled";
	if (strcmp(st, "waitlisted") == 0)
		return "waitlisted";
	if (strcmp(st, "confirmed") != 0)
		return "not_registered";
	return NULL;
}

struct scan_unit {
	const struct app_door_scan *in;
	char code[TOKEN_CODE_LEN + 1];
	bool have_code;
	JsonObject *out;
};

/* The participant the scan names, or 0 with u->out red. */
static gint64
scan_who(DbConn *conn, struct scan_unit *u, bool *revoked, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) found = NULL;

	*revoked = false;
	if (u->in->participant_id > 0)
		return u->in->participant_id;
	if (u->have_code)
		found = db_door_code_find(conn, u->code, &dberr);
	if (found == NULL) {
		if (dberr != NULL &&
		    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND)) {
			app_fail_db(error, g_steal_pointer(&dberr));
			return -1;
		}
		scan_red(u->out, "code_invalid");
		return 0;
	}
	*revoked = json_object_get_boolean_member(found, "revoked");
	return db_int(found, "participant_id");
}

static gboolean
scan_do(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct scan_unit *u = user;
	const struct app_door_scan *in = u->in;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) session = NULL, p = NULL, standing = NULL;
	g_autoptr(JsonArray) sessions = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree char *today = NULL, *first_day = NULL, *last_day = NULL;
	const char *why;
	bool revoked, placed, first = false;
	gint64 pid;

	(void)app;
	ch->action = NULL; /* audited only when someone comes in */
	g_clear_pointer(&u->out, json_object_unref);
	u->out = scan_answer("red", "");
	if (in->session_id > 0 &&
	    (session = db_door_session(conn, ch->event_id, in->session_id,
	         &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if ((pid = scan_who(conn, u, &revoked, error)) <= 0)
		return pid == 0;
	if ((p = db_door_person(conn, ch->event_id, pid, &dberr)) == NULL) {
		if (!g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return app_fail_db(error, g_steal_pointer(&dberr));
		scan_red(u->out, "not_registered");
		return TRUE;
	}
	if ((sessions = db_door_sessions_of(conn, pid, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	tz = app_zone(db_str(p, "timezone"));
	today = app_time_text(tz, g_get_real_time() / G_USEC_PER_SEC,
	    "%Y-%m-%d");
	json_object_set_object_member(u->out, "person",
	    scan_person(p, sessions, tz, today, in->session_id, &placed));
	/* Its day: the session's, or the event's first to last. */
	first_day = app_time_text(tz,
	    session != NULL ? db_int(session, "starts_at") :
	                      db_int(p, "event_starts"),
	    "%Y-%m-%d");
	last_day = app_time_text(tz,
	    session != NULL ? db_int(session, "starts_at") :
	                      db_int(p, "event_ends") - 1,
	    "%Y-%m-%d");
	if (session != NULL) {
		json_object_remove_member(session, "starts_at");
		json_object_remove_member(session, "ends_at");
		json_object_set_object_member(u->out, "session",
		    json_object_ref(session));
	}
	if (revoked)
		why = "code_revoked";
	else if ((why = scan_refusal(p)) != NULL)
		;
	else if (strcmp(today, first_day) < 0 || strcmp(today, last_day) > 0)
		why = "wrong_day";
	else if (session != NULL && !placed)
		why = "not_in_session";
	if (why != NULL) {
		scan_red(u->out, why);
		return TRUE;
	}
	/* At a session's door, coming in counts as arriving at the event
	 * too (whoever was first there keeps their time). */
	if (session != NULL &&
	    !db_door_check_in(conn, pid, 0, in->door, &first, &standing,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_pointer(&standing, json_object_unref);
	if (!db_door_check_in(conn, pid, in->session_id, in->door, &first,
	        &standing, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_set_string_member(u->out, "outcome",
	    first ? "green" : "amber");
	app_local_time(standing, "at", tz, "%H:%M", "");
	json_object_set_string_member(u->out, "at", db_str(standing, "at"));
	json_object_set_string_member(u->out, "door", db_str(standing, "door"));
	if (first) {
		ch->action = "door.check_in";
		ch->subject_id = pid;
		ch->after = json_object_new();
		json_object_set_int_member(ch->after, "session_id",
		    in->session_id);
		json_object_set_string_member(ch->after, "door", in->door);
	}
	return TRUE;
}

static bool
door_name_ok(const char *door)
{
	/* "" is a desk without a name. */
	return door != NULL &&
	    (*door == '\0' ||
	        text_check_line(door, APP_DOOR_NAME_MAX) == TEXT_OK);
}

JsonObject *
app_door_scan(const struct app *app, const struct app_actor *actor,
    const struct app_door_scan *in, GError **error)
{
	struct scan_unit u = { .in = in };

	if (!app_require(actor, "door", error))
		return NULL;
	if (!door_name_ok(in->door) || in->session_id < 0 ||
	    in->participant_id < 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "door");
		return NULL;
	}
	u.have_code = in->participant_id == 0 &&
	    token_code_normalise(in->code, u.code);
	if (!app_tx_audited(app, actor, "door", "door.check_in", "participant",
	        scan_do, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	if (g_strcmp0(app_view_str(u.out, "outcome"), "green") == 0 &&
	    in->session_id == 0)
		app_count(APP_COUNT_CHECK_INS, 1);
	return u.out;
}

struct undo_unit {
	gint64 participant_id, session_id;
};

static gboolean
undo_do(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct undo_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	bool undone = false;

	(void)app;
	if (!db_door_undo(conn, u->participant_id, u->session_id, &undone,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!undone) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "not checked in");
		return FALSE;
	}
	ch->subject_id = u->participant_id;
	ch->before = json_object_new();
	json_object_set_int_member(ch->before, "session_id", u->session_id);
	json_object_set_boolean_member(ch->before, "checked_in", true);
	return TRUE;
}

gboolean
app_door_undo(const struct app *app, const struct app_actor *actor,
    gint64 participant_id, gint64 session_id, GError **error)
{
	struct undo_unit u = { participant_id, session_id };

	if (participant_id <= 0 || session_id < 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such participant");
		return FALSE;
	}
	return app_tx_audited(app, actor, "staff", "door.undo", "participant",
	    undo_do, &u, error);
}

struct read_unit {
	gint64 event_id; /* the actor's */
	const char *q;
	gint64 session_id;
	JsonArray *rows;
	JsonObject *view;
};

static gboolean
search_do(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct read_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&u->rows, json_array_unref);
	if ((u->rows = db_door_search(conn, u->event_id, u->q, 30, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

JsonArray *
app_door_search(const struct app *app, const struct app_actor *actor,
    const char *q, GError **error)
{
	struct read_unit u = { .q = q };

	if (!app_require(actor, "door", error))
		return NULL;
	u.event_id = actor->event_id;
	if (q == NULL || *q == '\0' || text_check_line(q, 200) != TEXT_OK) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "q");
		return NULL;
	}
	if (!app_db_run(app, search_do, &u, error))
		return NULL;
	return u.rows;
}

static gboolean
counts_do(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct read_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) ev = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *sessions;

	(void)app;
	g_clear_pointer(&u->view, json_object_unref);
	if ((ev = db_door_event_counts(conn, u->event_id, &dberr)) == NULL ||
	    (sessions = db_door_session_counts(conn, u->event_id, &dberr)) ==
	        NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	tz = app_zone(db_str(ev, "timezone"));
	app_local_times(sessions, "starts_at", tz, "%Y-%m-%d %H:%M", "");
	app_local_times(sessions, "ends_at", tz, "%H:%M", "");
	json_object_remove_member(ev, "timezone");
	app_local_time(ev, "starts_at", tz, "%Y-%m-%d %H:%M", "");
	u->view = json_object_new();
	json_object_set_object_member(u->view, "event", g_steal_pointer(&ev));
	json_object_set_array_member(u->view, "sessions", sessions);
	return TRUE;
}

JsonObject *
app_door_counts(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	struct read_unit u = { 0 };

	if (!app_require(actor, "door", error))
		return NULL;
	u.event_id = actor->event_id;
	if (!app_db_run(app, counts_do, &u, error))
		return NULL;
	return u.view;
}

static gboolean
no_shows_do(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct read_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) ev = NULL, s = NULL;
	bool started;

	(void)app;
	g_clear_pointer(&u->rows, json_array_unref);
	if (u->session_id > 0) {
		if ((s = db_door_session(conn, u->event_id, u->session_id,
		         &dberr)) == NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		started = db_int(s, "starts_at") <=
		    g_get_real_time() / G_USEC_PER_SEC;
	} else {
		if ((ev = db_door_event_counts(conn, u->event_id, &dberr)) ==
		    NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		started = json_object_get_boolean_member(ev, "started");
	}
	if (!started) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "not started yet");
		return FALSE;
	}
	if ((u->rows = db_door_no_shows(conn, u->event_id, u->session_id,
	         &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

JsonArray *
app_door_no_shows(const struct app *app, const struct app_actor *actor,
    gint64 session_id, GError **error)
{
	struct read_unit u = { .session_id = session_id };

	if (!app_require(actor, "staff", error))
		return NULL;
	u.event_id = actor->event_id;
	if (session_id < 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such session");
		return NULL;
	}
	if (!app_db_run(app, no_shows_do, &u, error))
		return NULL;
	return u.rows;
}

struct walk_in_unit {
	const struct app_walk_in *w;
	struct app_refusal *refusal;
	JsonObject *out;
};

static gboolean
walk_in_refuse(struct walk_in_unit *u, const char *field,
    enum app_reason reason, GError **error)
{
	if (u->refusal != NULL)
		*u->refusal = (struct app_refusal){ field, reason };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
	return FALSE;
}

static gboolean
walk_in_do(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct walk_in_unit *u = user;
	const struct app_walk_in *w = u->w;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) ev = NULL;
	struct app_door_scan in = { .door = w->door };
	struct scan_unit scan = { .in = &in };
	struct app_change inner = { .event_id = ch->event_id };
	gint64 id = 0;
	bool got = false;

	g_clear_pointer(&u->out, json_object_unref);
	if ((ev = db_door_walk_ins(conn, ch->event_id, true, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!json_object_get_boolean_member(ev, "walk_ins")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "the event takes no walk-ins");
		return FALSE;
	}
	if (!db_door_walk_in(conn, db_int(ev, "id"), w->name, w->email,
	        w->organisation, w->sector, w->language, w->door, &id,
	        &dberr)) {
		if (u->refusal != NULL)
			(void)app_refusal_from_db(dberr, u->refusal);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	/* A place like anyone confirmed, or no walk-in: the event is full. */
	if (!db_place_claim(conn, db_int(ev, "id"), id, false, &got, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!got)
		return walk_in_refuse(u, "email", APP_REASON_FULL, error);
	/* The desk's answer for them: the scan's, which finds them in. */
	in.participant_id = id;
	if (!scan_do(app, conn, &inner, &scan, error))
		return FALSE;
	g_clear_pointer(&inner.after, json_object_unref);
	if (strcmp(app_view_str(scan.out, "outcome"), "red") == 0) {
		/* Not today: nobody walks in (and nothing is kept). */
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "%s",
		    app_view_str(scan.out, "reason"));
		json_object_unref(scan.out);
		return FALSE;
	}
	json_object_set_string_member(scan.out, "outcome", "green");
	u->out = scan.out;
	ch->subject_id = id;
	ch->after = json_object_new();
	json_object_set_string_member(ch->after, "door", w->door);
	json_object_set_string_member(ch->after, "status", "confirmed");
	return TRUE;
}

JsonObject *
app_door_walk_in(const struct app *app, const struct app_actor *actor,
    const struct app_walk_in *w, struct app_refusal *refusal, GError **error)
{
	struct walk_in_unit u = { w, refusal, NULL };
	static const char *const fields[] = { "name", "organisation" };
	const char *values[] = { w->name, w->organisation };
	size_t i;

	if (!app_require(actor, "door", error))
		return NULL;
	for (i = 0; i < G_N_ELEMENTS(fields); i++)
		if (values[i] == NULL ||
		    text_check_name(values[i], 200) != TEXT_OK) {
			walk_in_refuse(&u, fields[i], APP_REASON_LENGTH, error);
			return NULL;
		}
	if (w->email == NULL || text_check_email(w->email) != TEXT_OK) {
		walk_in_refuse(&u, "email", APP_REASON_INVALID, error);
		return NULL;
	}
	if (w->sector == NULL || !app_setup_sector_code_ok(w->sector)) {
		walk_in_refuse(&u, "sector", APP_REASON_INVALID, error);
		return NULL;
	}
	if (g_strcmp0(w->language, "nb") != 0 &&
	    g_strcmp0(w->language, "en") != 0) {
		walk_in_refuse(&u, "language", APP_REASON_INVALID, error);
		return NULL;
	}
	if (!door_name_ok(w->door)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "door");
		return NULL;
	}
	if (!app_tx_audited(app, actor, "door", "door.walk_in", "participant",
	        walk_in_do, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	app_count(APP_COUNT_CHECK_INS, 1);
	return u.out;
}

static gboolean
walk_ins_set_do(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	bool on = *(bool *)user, was = false;

	(void)app;
	if (!db_door_walk_ins_set(conn, ch->event_id, on, &was, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->before = json_object_new();
	json_object_set_boolean_member(ch->before, "walk_ins", was);
	ch->after = json_object_new();
	json_object_set_boolean_member(ch->after, "walk_ins", on);
	return TRUE;
}

gboolean
app_door_walk_ins_set(const struct app *app, const struct app_actor *actor,
    bool on, GError **error)
{
	return app_tx_audited(app, actor, "admin", "door.walk_ins", "event",
	    walk_ins_set_do, &on, error);
}
