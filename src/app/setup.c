/*
 * setup.c -- use cases for the console area "setup": the event's settings,
 * slots, sessions, sectors and invitation codes.
 *
 * Each change is one app_tx_audited unit: the role is checked, then the
 * unit locks and reads the object, changes it and reads it again, and the
 * audit entry with both is written in the same transaction.  The database's checks are the last word on every value; a
 * refused value comes back as APP_EINVALID naming the field.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/* Readable code characters: no 0/O, 1/I/l.  32 of them: 5 bits each. */
static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/* Maps a database error to an app error; field names what was refused. */
static void
setup_fail(GError **error, GError *dberr, const char *field)
{
	if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_EINVALID) ||
	    g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ECONFLICT)) {
		log_info("setup: %s refused: %s", field, dberr->message);
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
		g_error_free(dberr);
		return;
	}
	app_fail_db(error, dberr);
}

/* Role check, connection and the event's id for reading; NULL on
 * failure.  Changes run through app_tx_audited instead. */
static DbConn *
read_begin(const struct app *app, const struct app_actor *actor,
    gint64 *event_id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	DbConn *conn;

	if (!app_require(actor, "staff", error))
		return NULL;
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if (!db_event_id(conn, event_id, &dberr)) {
		app_fail_db(error, g_steal_pointer(&dberr));
		db_release(app->db, conn);
		return NULL;
	}
	return conn;
}

/*
 * The inputs of one change (it may run twice: app_tx_audited).  Each
 * change is admin only, audited with the object's states before and
 * after, and finds the event's id first.
 */
struct setup_unit {
	const struct db_setup_event	*event;
	const struct db_setup_session	*session;
	const struct db_setup_sector	*sector;
	gint64				 id;
	gint64				*new_id;
	const char			*starts_at, *ends_at;
	const char			*status;
	const char			*code;	/* a sector's */
	const char			*email;
	gint64				 n, max_uses;
};

static gboolean
setup_change(const struct app *app, const struct app_actor *actor,
    const char *action, const char *subject_type, AppChangeFunc fn,
    struct setup_unit *u, GError **error)
{
	return app_tx_audited(app, actor, "admin", action, subject_type, fn,
	    u, error);
}

/* The event's id in fn's transaction. */
static gboolean
setup_event_id(DbConn *conn, gint64 *event_id, GError **error)
{
	g_autoptr(GError) dberr = NULL;

	if (db_event_id(conn, event_id, &dberr))
		return TRUE;
	return app_fail_db(error, g_steal_pointer(&dberr));
}

JsonObject *
app_setup_event(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonObject *ev;
	DbConn *conn;

	if (!app_require(actor, "staff", error))
		return NULL;
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((ev = db_event_settings(conn, false, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return ev;
}

static gboolean
event_update(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	const struct db_setup_event *e = ((struct setup_unit *)user)->event;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id, capacity;
	bool known = false;

	(void)app;
	if ((ch->before = db_event_settings(conn, true, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	event_id = ch->subject_id = db_int(ch->before, "id");
	if (!g_ascii_string_to_signed(e->capacity, 10, 0, 1000000, &capacity,
	    NULL)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "capacity");
		return FALSE;
	}
	/* GLib knew the zone (web/); the database must know it too. */
	if (!db_timezone_known(conn, e->timezone, &known, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!known) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "timezone");
		return FALSE;
	}
	/* Nobody loses a place they hold. */
	if (capacity < db_int(ch->before, "held")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "capacity_held");
		return FALSE;
	}
	if (!db_event_update(conn, event_id, e, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "event");
		return FALSE;
	}
	if (capacity != db_int(ch->before, "capacity") &&
	    !db_places_sync(conn, event_id, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if ((ch->after = db_event_settings(conn, false, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_remove_member(ch->before, "held");
	json_object_remove_member(ch->after, "held");
	return TRUE;
}

gboolean
app_setup_event_update(const struct app *app, const struct app_actor *actor,
    const struct db_setup_event *e, GError **error)
{
	struct setup_unit u = { .event = e };

	return setup_change(app, actor, "setup.event", "event", event_update,
	    &u, error);
}

JsonObject *
app_setup_programme(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) slots = NULL, sessions = NULL, sectors = NULL;
	JsonObject *out = NULL;
	gint64 event_id;
	DbConn *conn;
	guint i, j;

	if ((conn = read_begin(app, actor, &event_id, error)) == NULL)
		return NULL;
	if ((slots = db_slots(conn, event_id, &dberr)) == NULL ||
	    (sessions = db_sessions(conn, event_id, &dberr)) == NULL ||
	    (sectors = db_sectors_used(conn, event_id, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	for (i = 0; i < json_array_get_length(slots); i++)
		json_object_set_array_member(json_array_get_object_element(
		    slots, i), "sessions_list", json_array_new());
	/* Few slots: a nested loop is clearer than an index. */
	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);

		json_object_set_boolean_member(s, "cancelled",
		    g_strcmp0(db_str(s, "status"), "cancelled") == 0);
		for (j = 0; j < json_array_get_length(slots); j++) {
			JsonObject *sl = json_array_get_object_element(slots,
			    j);

			if (db_int(sl, "id") == db_int(s, "slot_id")) {
				json_array_add_object_element(
				    json_object_get_array_member(sl,
				    "sessions_list"), json_object_ref(s));
				break;
			}
		}
	}
	out = json_object_new();
	json_object_set_array_member(out, "slots", g_steal_pointer(&slots));
	json_object_set_array_member(out, "sectors", g_steal_pointer(&sectors));
out:
	db_release(app->db, conn);
	return out;
}

static void
not_found(GError **error, GError *dberr, const char *what)
{
	if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such %s", what);
		g_error_free(dberr);
		return;
	}
	app_fail_db(error, dberr);
}

static gboolean
slot_add(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	if (!db_slot_insert(conn, event_id, u->starts_at, u->ends_at,
	    u->new_id, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "ends_at");
		return FALSE;
	}
	ch->subject_id = *u->new_id;
	if ((ch->after = db_slot_get(conn, event_id, *u->new_id,
	    &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_setup_slot_add(const struct app *app, const struct app_actor *actor,
    const char *starts_at, const char *ends_at, gint64 *id, GError **error)
{
	struct setup_unit u = { .starts_at = starts_at, .ends_at = ends_at,
	    .new_id = id };

	return setup_change(app, actor, "setup.slot_add", "slot", slot_add,
	    &u, error);
}

static gboolean
slot_update(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	ch->subject_id = u->id;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	if ((ch->before = db_slot_get(conn, event_id, u->id, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "slot");
		return FALSE;
	}
	if (!db_slot_update(conn, event_id, u->id, u->starts_at,
	    u->ends_at, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "ends_at");
		return FALSE;
	}
	if ((ch->after = db_slot_get(conn, event_id, u->id, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_setup_slot_update(const struct app *app, const struct app_actor *actor,
    gint64 id, const char *starts_at, const char *ends_at, GError **error)
{
	struct setup_unit u = { .id = id, .starts_at = starts_at,
	    .ends_at = ends_at };

	return setup_change(app, actor, "setup.slot_edit", "slot",
	    slot_update, &u, error);
}

static gboolean
slot_delete(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	ch->subject_id = u->id;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	if ((ch->before = db_slot_get(conn, event_id, u->id, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "slot");
		return FALSE;
	}
	if (db_int(ch->before, "sessions") > 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "slot_in_use");
		return FALSE;
	}
	if (!db_slot_delete(conn, event_id, u->id, &dberr)) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
			    "slot_in_use");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		return FALSE;
	}
	return TRUE;
}

gboolean
app_setup_slot_delete(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error)
{
	struct setup_unit u = { .id = id };

	return setup_change(app, actor, "setup.slot_delete", "slot",
	    slot_delete, &u, error);
}

JsonObject *
app_setup_session(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonObject *s;
	gint64 event_id;
	DbConn *conn;

	if ((conn = read_begin(app, actor, &event_id, error)) == NULL)
		return NULL;
	if ((s = db_session_get(conn, event_id, id, &dberr)) == NULL)
		not_found(error, g_steal_pointer(&dberr), "session");
	db_release(app->db, conn);
	return s;
}

static gboolean
session_add(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	if (!db_session_insert(conn, event_id, u->session, u->new_id,
	    &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr),
		    g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ECONFLICT) ?
		    "code" : "slot_id");
		return FALSE;
	}
	ch->subject_id = *u->new_id;
	if ((ch->after = db_session_get(conn, event_id, *u->new_id,
	    &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_setup_session_add(const struct app *app, const struct app_actor *actor,
    const struct db_setup_session *s, gint64 *id, GError **error)
{
	struct setup_unit u = { .session = s, .new_id = id };

	return setup_change(app, actor, "setup.session_add", "session",
	    session_add, &u, error);
}

/* A session's update or status change: both read it before and after. */
static gboolean
session_change(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	ch->subject_id = u->id;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	if ((ch->before = db_session_get(conn, event_id, u->id,
	    &dberr)) == NULL) {
		not_found(error, g_steal_pointer(&dberr), "session");
		return FALSE;
	}
	if (u->status != NULL) {
		if (!db_session_set_status(conn, event_id, u->id,
		    u->status, &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
	} else if (!db_session_update(conn, event_id, u->id, u->session,
	    &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "slot_id");
		return FALSE;
	}
	if ((ch->after = db_session_get(conn, event_id, u->id,
	    &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_setup_session_update(const struct app *app, const struct app_actor *actor,
    gint64 id, const struct db_setup_session *s, GError **error)
{
	struct setup_unit u = { .id = id, .session = s };

	return setup_change(app, actor, "setup.session_edit", "session",
	    session_change, &u, error);
}

gboolean
app_setup_session_status(const struct app *app, const struct app_actor *actor,
    gint64 id, const char *status, GError **error)
{
	struct setup_unit u = { .id = id, .status = status };

	if (strcmp(status, "active") != 0 && strcmp(status, "cancelled") != 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "status");
		return FALSE;
	}
	return setup_change(app, actor, strcmp(status, "cancelled") == 0 ?
	    "setup.session_cancel" : "setup.session_reinstate", "session",
	    session_change, &u, error);
}

JsonArray *
app_setup_sectors(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonArray *rows;
	gint64 event_id;
	DbConn *conn;

	if ((conn = read_begin(app, actor, &event_id, error)) == NULL)
		return NULL;
	if ((rows = db_sectors_used(conn, event_id, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return rows;
}

/* A sector's entry is under the event's id: sectors are known by code. */
static gboolean
sector_add(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	ch->subject_id = event_id;
	if (!db_sector_insert(conn, event_id, u->sector, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "code");
		return FALSE;
	}
	if ((ch->after = db_sector_get(conn, event_id, u->sector->code,
	    &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_remove_member(ch->after, "used");
	return TRUE;
}

gboolean
app_setup_sector_add(const struct app *app, const struct app_actor *actor,
    const struct db_setup_sector *s, GError **error)
{
	struct setup_unit u = { .sector = s };

	return setup_change(app, actor, "setup.sector_add", "sector",
	    sector_add, &u, error);
}

static gboolean
sector_update(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	ch->subject_id = event_id;
	if ((ch->before = db_sector_get(conn, event_id, u->sector->code,
	    &dberr)) == NULL) {
		not_found(error, g_steal_pointer(&dberr), "sector");
		return FALSE;
	}
	if (!db_sector_update(conn, event_id, u->sector, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "name_nb");
		return FALSE;
	}
	if ((ch->after = db_sector_get(conn, event_id, u->sector->code,
	    &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_remove_member(ch->before, "used");
	json_object_remove_member(ch->after, "used");
	return TRUE;
}

gboolean
app_setup_sector_update(const struct app *app, const struct app_actor *actor,
    const struct db_setup_sector *s, GError **error)
{
	struct setup_unit u = { .sector = s };

	return setup_change(app, actor, "setup.sector_edit", "sector",
	    sector_update, &u, error);
}

static gboolean
sector_delete(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	ch->subject_id = event_id;
	if ((ch->before = db_sector_get(conn, event_id, u->code,
	    &dberr)) == NULL) {
		not_found(error, g_steal_pointer(&dberr), "sector");
		return FALSE;
	}
	if (json_object_get_boolean_member(ch->before, "used") ||
	    !db_sector_delete(conn, event_id, u->code, &dberr)) {
		if (dberr == NULL || g_error_matches(dberr, SUMMIT_DB_ERROR,
		    DB_ENOTFOUND) || g_error_matches(dberr, SUMMIT_DB_ERROR,
		    DB_EINVALID))
			g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
			    "sector_in_use");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		return FALSE;
	}
	json_object_remove_member(ch->before, "used");
	return TRUE;
}

gboolean
app_setup_sector_delete(const struct app *app, const struct app_actor *actor,
    const char *code, GError **error)
{
	struct setup_unit u = { .code = code };

	return setup_change(app, actor, "setup.sector_delete", "sector",
	    sector_delete, &u, error);
}

/* One random readable code of APP_CODE_LENGTH characters. */
static void
code_new(char out[APP_CODE_LENGTH + 1])
{
	g_autofree char *hex = token_new();	/* 16 random bytes */
	size_t i;

	for (i = 0; i < APP_CODE_LENGTH; i++) {
		unsigned byte = (unsigned)(g_ascii_xdigit_value(hex[2 * i]) *
		    16 + g_ascii_xdigit_value(hex[2 * i + 1]));

		out[i] = CODE_ALPHABET[byte & 31];	/* 256 % 32 == 0 */
	}
	out[APP_CODE_LENGTH] = '\0';
}

static gboolean
codes_generate(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id, made = 0, got;
	int tries;

	(void)app;
	if (!setup_event_id(conn, &event_id, error))
		return FALSE;
	ch->subject_id = event_id;
	/* A clash with an existing code (50 random bits) is skipped and
	 * made up for in the next round. */
	for (tries = 0; made < u->n && tries < 5; tries++) {
		g_autoptr(GString) arr = g_string_new("{");
		char code[APP_CODE_LENGTH + 1];
		gint64 i;

		for (i = made; i < u->n; i++) {
			code_new(code);
			g_string_append_printf(arr, "%s%s", i > made ? "," : "",
			    code);
		}
		g_string_append_c(arr, '}');
		if (!db_codes_insert(conn, event_id, arr->str,
		    u->max_uses, u->email, u->code, &got, &dberr)) {
			setup_fail(error, g_steal_pointer(&dberr), "sector");
			return FALSE;
		}
		made += got;
	}
	if (made < u->n) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "could not make unique codes");
		return FALSE;
	}
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "count", u->n);
	json_object_set_int_member(ch->after, "max_uses", u->max_uses);
	json_object_set_string_member(ch->after, "email", u->email ?
	    u->email : "");
	json_object_set_string_member(ch->after, "sector", u->code ?
	    u->code : "");
	return TRUE;
}

gboolean
app_setup_codes_generate(const struct app *app, const struct app_actor *actor,
    gint64 n, gint64 max_uses, const char *email, const char *sector,
    GError **error)
{
	/* code: the sector a code binds its users to. */
	struct setup_unit u = { .n = n, .max_uses = max_uses, .email = email,
	    .code = sector };

	if (n < 1 || n > APP_CODES_MAX) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "count");
		return FALSE;
	}
	if (max_uses < 1 || max_uses > 1000000) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "max_uses");
		return FALSE;
	}
	return setup_change(app, actor, "setup.codes_generate", "event",
	    codes_generate, &u, error);
}

JsonArray *
app_setup_codes(const struct app *app, const struct app_actor *actor,
    gint64 limit, gint64 *total, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonArray *rows = NULL;
	gint64 event_id;
	DbConn *conn;

	if ((conn = read_begin(app, actor, &event_id, error)) == NULL)
		return NULL;
	if ((*total = db_codes_count(conn, event_id, &dberr)) < 0 ||
	    (rows = db_codes(conn, event_id, limit, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return rows;
}

char *
app_setup_codes_csv(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(JsonArray) rows = NULL;
	GString *out;
	gint64 total;
	guint i;

	rows = app_setup_codes(app, actor, 1000000, &total, error);
	if (rows == NULL)
		return NULL;
	out = g_string_new("code,max_uses,used,email,sector\r\n");
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		text_csv_cell(out, db_str(r, "code"));
		g_string_append_printf(out, ",%" G_GINT64_FORMAT ",%"
		    G_GINT64_FORMAT ",", db_int(r, "max_uses"),
		    db_int(r, "used"));
		text_csv_cell(out, db_str(r, "email"));
		g_string_append_c(out, ',');
		text_csv_cell(out, db_str(r, "sector"));
		g_string_append(out, "\r\n");
	}
	return g_string_free(out, FALSE);
}

gboolean
app_setup_code_take(DbConn *conn, gint64 event_id, const char *code,
    const char *email, bool consume, gint64 *code_id, char **sector_out,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = NULL;

	if (code == NULL || *code == '\0') {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "invitation_code");
		return FALSE;
	}
	row = consume ? db_code_consume(conn, event_id, code, email,
	    &dberr) : db_code_check(conn, event_id, code, email, &dberr);
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
