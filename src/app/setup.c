/*
 * setup.c -- use cases for the console area "setup": the event's settings,
 * slots, sessions, sectors and invitation codes.
 *
 * Each change is one transaction: check the role, lock and read the
 * object, change it, read it again, write the audit entry with both, and
 * commit.  The database's checks are the last word on every value; a
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

/* Role check, connection (and, for a change, a transaction) and the
 * event's id; NULL on failure. */
static DbConn *
setup_begin(const struct app *app, const struct app_actor *actor,
    const char *role, bool tx, gint64 *event_id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) ev = NULL;
	DbConn *conn;

	if (!app_require(actor, role, error))
		return NULL;
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((tx && !db_begin(conn, &dberr)) ||
	    (ev = db_setup_event_get(conn, false, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		db_release(app->db, conn);
		return NULL;
	}
	*event_id = db_int(ev, "id");
	return conn;
}

/* A change: admin only, in a transaction. */
static DbConn *
change_begin(const struct app *app, const struct app_actor *actor,
    gint64 *event_id, GError **error)
{
	return setup_begin(app, actor, "admin", true, event_id, error);
}

/* Commits (when ok) and gives the connection back. */
static gboolean
change_end(const struct app *app, DbConn *conn, gboolean ok,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;

	if (ok && !db_commit(conn, &dberr)) {
		app_fail_db(error, g_steal_pointer(&dberr));
		ok = FALSE;
	}
	db_release(app->db, conn);	/* rolls back what was not committed */
	return ok;
}

/* Reading: staff may. */
static DbConn *
read_begin(const struct app *app, const struct app_actor *actor,
    gint64 *event_id, GError **error)
{
	return setup_begin(app, actor, "staff", false, event_id, error);
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
	if ((ev = db_setup_event_get(conn, false, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return ev;
}

gboolean
app_setup_event_update(const struct app *app, const struct app_actor *actor,
    const struct db_setup_event *e, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) before = NULL, after = NULL;
	gint64 event_id, capacity;
	DbConn *conn;
	gboolean ok = FALSE;
	bool known = false;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if ((before = db_setup_event_get(conn, true, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	if (!g_ascii_string_to_signed(e->capacity, 10, 0, 1000000, &capacity,
	    NULL)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "capacity");
		goto out;
	}
	/* GLib knew the zone (web/); the database must know it too. */
	if (!db_setup_timezone_known(conn, e->timezone, &known, &dberr)) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	if (!known) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "timezone");
		goto out;
	}
	/* Nobody loses a place they hold. */
	if (capacity < db_int(before, "held")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "capacity_held");
		goto out;
	}
	if (!db_setup_event_update(conn, event_id, e, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "event");
		goto out;
	}
	if (capacity != db_int(before, "capacity") &&
	    !db_setup_sync_places(conn, event_id, &dberr)) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	if ((after = db_setup_event_get(conn, false, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	json_object_remove_member(before, "held");
	json_object_remove_member(after, "held");
	if (!app_audit(conn, actor, "setup.event", "event", event_id, before,
	    after, &dberr)) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = TRUE;
out:
	return change_end(app, conn, ok, error);
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
	if ((slots = db_setup_slots(conn, event_id, &dberr)) == NULL ||
	    (sessions = db_setup_sessions(conn, event_id, &dberr)) == NULL ||
	    (sectors = db_setup_sectors(conn, event_id, &dberr)) == NULL) {
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

/* Writes the audit entry of a change (before or after may be NULL). */
static gboolean
audit(DbConn *conn, const struct app_actor *actor, const char *action,
    const char *type, gint64 id, JsonObject *before, JsonObject *after,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;

	if (app_audit(conn, actor, action, type, id, before, after, &dberr))
		return TRUE;
	app_fail_db(error, g_steal_pointer(&dberr));
	return FALSE;
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

gboolean
app_setup_slot_add(const struct app *app, const struct app_actor *actor,
    const char *starts_at, const char *ends_at, gint64 *id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) after = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if (!db_setup_slot_insert(conn, event_id, starts_at, ends_at, id,
	    &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "ends_at");
		goto out;
	}
	if ((after = db_setup_slot_get(conn, event_id, *id, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = audit(conn, actor, "setup.slot_add", "slot", *id, NULL, after,
	    error);
out:
	return change_end(app, conn, ok, error);
}

gboolean
app_setup_slot_update(const struct app *app, const struct app_actor *actor,
    gint64 id, const char *starts_at, const char *ends_at, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) before = NULL, after = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if ((before = db_setup_slot_get(conn, event_id, id, &dberr)) == NULL) {
		not_found(error, g_steal_pointer(&dberr), "slot");
		goto out;
	}
	if (!db_setup_slot_update(conn, event_id, id, starts_at, ends_at,
	    &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "ends_at");
		goto out;
	}
	if ((after = db_setup_slot_get(conn, event_id, id, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = audit(conn, actor, "setup.slot_edit", "slot", id, before, after,
	    error);
out:
	return change_end(app, conn, ok, error);
}

gboolean
app_setup_slot_delete(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) before = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if ((before = db_setup_slot_get(conn, event_id, id, &dberr)) == NULL) {
		not_found(error, g_steal_pointer(&dberr), "slot");
		goto out;
	}
	if (db_int(before, "sessions") > 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "slot_in_use");
		goto out;
	}
	if (!db_setup_slot_delete(conn, event_id, id, &dberr)) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
			    "slot_in_use");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = audit(conn, actor, "setup.slot_delete", "slot", id, before, NULL,
	    error);
out:
	return change_end(app, conn, ok, error);
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
	if ((s = db_setup_session_get(conn, event_id, id, &dberr)) == NULL)
		not_found(error, g_steal_pointer(&dberr), "session");
	db_release(app->db, conn);
	return s;
}

gboolean
app_setup_session_add(const struct app *app, const struct app_actor *actor,
    const struct db_setup_session *s, gint64 *id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) after = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if (!db_setup_session_insert(conn, event_id, s, id, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr),
		    g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ECONFLICT) ?
		    "code" : "slot_id");
		goto out;
	}
	if ((after = db_setup_session_get(conn, event_id, *id, &dberr)) ==
	    NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = audit(conn, actor, "setup.session_add", "session", *id, NULL,
	    after, error);
out:
	return change_end(app, conn, ok, error);
}

gboolean
app_setup_session_update(const struct app *app, const struct app_actor *actor,
    gint64 id, const struct db_setup_session *s, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) before = NULL, after = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if ((before = db_setup_session_get(conn, event_id, id, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "session");
		goto out;
	}
	if (!db_setup_session_update(conn, event_id, id, s, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "slot_id");
		goto out;
	}
	if ((after = db_setup_session_get(conn, event_id, id, &dberr)) ==
	    NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = audit(conn, actor, "setup.session_edit", "session", id, before,
	    after, error);
out:
	return change_end(app, conn, ok, error);
}

gboolean
app_setup_session_status(const struct app *app, const struct app_actor *actor,
    gint64 id, const char *status, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) before = NULL, after = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if (strcmp(status, "active") != 0 && strcmp(status, "cancelled") != 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "status");
		return FALSE;
	}
	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if ((before = db_setup_session_get(conn, event_id, id, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "session");
		goto out;
	}
	if (!db_setup_session_set_status(conn, event_id, id, status, &dberr) ||
	    (after = db_setup_session_get(conn, event_id, id, &dberr)) ==
	    NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = audit(conn, actor, strcmp(status, "cancelled") == 0 ?
	    "setup.session_cancel" : "setup.session_reinstate", "session", id,
	    before, after, error);
out:
	return change_end(app, conn, ok, error);
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
	if ((rows = db_setup_sectors(conn, event_id, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return rows;
}

gboolean
app_setup_sector_add(const struct app *app, const struct app_actor *actor,
    const struct db_setup_sector *s, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) after = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if (!db_setup_sector_insert(conn, event_id, s, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "code");
		goto out;
	}
	if ((after = db_setup_sector_get(conn, event_id, s->code, &dberr)) ==
	    NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	json_object_remove_member(after, "used");
	ok = audit(conn, actor, "setup.sector_add", "sector", event_id, NULL,
	    after, error);
out:
	return change_end(app, conn, ok, error);
}

gboolean
app_setup_sector_update(const struct app *app, const struct app_actor *actor,
    const struct db_setup_sector *s, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) before = NULL, after = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if ((before = db_setup_sector_get(conn, event_id, s->code, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "sector");
		goto out;
	}
	if (!db_setup_sector_update(conn, event_id, s, &dberr)) {
		setup_fail(error, g_steal_pointer(&dberr), "name_nb");
		goto out;
	}
	if ((after = db_setup_sector_get(conn, event_id, s->code, &dberr)) ==
	    NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	json_object_remove_member(before, "used");
	json_object_remove_member(after, "used");
	ok = audit(conn, actor, "setup.sector_edit", "sector", event_id,
	    before, after, error);
out:
	return change_end(app, conn, ok, error);
}

gboolean
app_setup_sector_delete(const struct app *app, const struct app_actor *actor,
    const char *code, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) before = NULL;
	gint64 event_id;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	if ((before = db_setup_sector_get(conn, event_id, code, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "sector");
		goto out;
	}
	if (json_object_get_boolean_member(before, "used") ||
	    !db_setup_sector_delete(conn, event_id, code, &dberr)) {
		if (dberr == NULL || g_error_matches(dberr, SUMMIT_DB_ERROR,
		    DB_ENOTFOUND) || g_error_matches(dberr, SUMMIT_DB_ERROR,
		    DB_EINVALID))
			g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
			    "sector_in_use");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	json_object_remove_member(before, "used");
	ok = audit(conn, actor, "setup.sector_delete", "sector", event_id,
	    before, NULL, error);
out:
	return change_end(app, conn, ok, error);
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

gboolean
app_setup_codes_generate(const struct app *app, const struct app_actor *actor,
    gint64 n, gint64 max_uses, const char *email, const char *sector,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) after = NULL;
	gint64 event_id, made = 0, got;
	DbConn *conn;
	gboolean ok = FALSE;
	int tries;

	if (n < 1 || n > APP_CODES_MAX) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "count");
		return FALSE;
	}
	if (max_uses < 1 || max_uses > 1000000) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "max_uses");
		return FALSE;
	}
	if ((conn = change_begin(app, actor, &event_id, error)) == NULL)
		return FALSE;
	/* A clash with an existing code (50 random bits) is skipped and
	 * made up for in the next round. */
	for (tries = 0; made < n && tries < 5; tries++) {
		g_autoptr(GString) arr = g_string_new("{");
		char code[APP_CODE_LENGTH + 1];
		gint64 i;

		for (i = made; i < n; i++) {
			code_new(code);
			g_string_append_printf(arr, "%s%s", i > made ? "," : "",
			    code);
		}
		g_string_append_c(arr, '}');
		if (!db_setup_codes_insert(conn, event_id, arr->str, max_uses,
		    email, sector, &got, &dberr)) {
			setup_fail(error, g_steal_pointer(&dberr), "sector");
			goto out;
		}
		made += got;
	}
	if (made < n) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "could not make unique codes");
		goto out;
	}
	after = json_object_new();
	json_object_set_int_member(after, "count", n);
	json_object_set_int_member(after, "max_uses", max_uses);
	json_object_set_string_member(after, "email", email ? email : "");
	json_object_set_string_member(after, "sector", sector ? sector : "");
	ok = audit(conn, actor, "setup.codes_generate", "event", event_id,
	    NULL, after, error);
out:
	return change_end(app, conn, ok, error);
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
	if ((*total = db_setup_codes_count(conn, event_id, &dberr)) < 0 ||
	    (rows = db_setup_codes(conn, event_id, limit, &dberr)) == NULL)
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
	row = consume ? db_setup_code_consume(conn, event_id, code, email,
	    &dberr) : db_setup_code_check(conn, event_id, code, email, &dberr);
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
