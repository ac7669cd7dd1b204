/*
 * badges.c -- the console area "badges": who gets a name badge and what
 * it shows (sector colour and a text colour readable on it, the check-in
 * code), the door list printed for a door without network, and the ticks
 * made on it imported afterwards.
 *
 * Check-in codes are the door's (app/door.c); this file only reads them.
 */
#include "app/internal.h"
#include "base/base.h"
#include "qr/qr.h"

#include <math.h>
#include <string.h>

/* The door recorded for arrivals ticked on the door list
 * (participant.checked_in_door). */
#define APP_DOOR_LIST_DOOR "door list"

const char *
app_badge_ink(const char *colour)
{
	double lum = 0;
	size_t i;

	if (colour == NULL || strlen(colour) != 7)
		return "#000000";
	for (i = 0; i < 3; i++) {
		static const double w[3] = { 0.2126, 0.7152, 0.0722 };
		char hex[3] = { colour[1 + 2 * i], colour[2 + 2 * i], '\0' };
		double c = g_ascii_strtoull(hex, NULL, 16) / 255.0;

		c = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
		lum += w[i] * c;
	}
	/* Where black and white have the same contrast. */
	return lum > 0.179 ? "#000000" : "#ffffff";
}

char *
app_listed_name(const char *name)
{
	g_autofree char *t = g_strstrip(g_strdup(name));
	char *sp = NULL, *p, *last;

	for (p = t; *p != '\0'; p = g_utf8_next_char(p))
		if (g_unichar_isspace(g_utf8_get_char(p)))
			sp = p;
	if (sp == NULL)
		return g_steal_pointer(&t);
	/* The last word starts after the space, whatever its length. */
	last = g_utf8_next_char(sp);
	*sp = '\0';
	return g_strdup_printf("%s, %s", last, g_strchomp(t));
}

/* The filter checked into db's; FALSE naming the member. */
static gboolean
badge_filter_db(const struct app_badge_filter *f, struct db_badge_filter *out,
    GError **error)
{
	const char *field = NULL;
	size_t i;

	*out = (struct db_badge_filter){ .session_id = f->session_id,
		.id = f->id };
	if (f->id > 0) {
		out->session_id = 0;
		return TRUE;
	}
	if (f->status != NULL) {
		for (i = 0; i < APP_REG_STATUSES; i++)
			if (strcmp(f->status, app_reg_statuses[i]) == 0)
				out->status = app_reg_statuses[i];
		if (out->status == NULL)
			field = "status";
	}
	if (f->sector != NULL) {
		if (!app_setup_sector_code_ok(f->sector))
			field = "sector";
		out->sector = f->sector;
	}
	if (f->session_id < 0 || f->id < 0)
		field = "session";
	if (field == NULL)
		return TRUE;
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
	return FALSE;
}

/* The short form as people read it, grouped by five ("ABCDE-FGHJK", as
 * app/door.c shows it); "" without a code (transfer full). */
static char *
short_grouped(JsonObject *r)
{
	const char *s = json_object_get_null_member(r, "short_code") ?
	    NULL :
	    db_str(r, "short_code");

	if (s == NULL || strlen(s) != TOKEN_CODE_SHORT_LEN)
		return g_strdup("");
	return g_strdup_printf("%.5s-%s", s, s + 5);
}

/* Sets each row's code_short (grouped) and, with qr, ink and the QR code
 * of the live code (qr_size, qr_path), or code null without one. */
static void
badge_rows(JsonArray *people, bool qr)
{
	guint i;

	for (i = 0; i < json_array_get_length(people); i++) {
		JsonObject *r = json_array_get_object_element(people, i);
		g_autofree char *grouped = short_grouped(r);
		g_autofree char *path = NULL;
		int size = 0;

		json_object_set_string_member(r, "code_short", grouped);
		json_object_remove_member(r, "short_code");
		if (!qr)
			continue;
		json_object_set_string_member(r, "ink",
		    app_badge_ink(db_str(r, "colour")));
		if (grouped[0] == '\0' ||
		    (path = qr_svg_path(db_str(r, "code"), &size)) == NULL) {
			json_object_set_null_member(r, "code");
			continue;
		}
		json_object_set_int_member(r, "qr_size", size);
		json_object_set_string_member(r, "qr_path", path);
	}
}

JsonObject *
app_badges(const struct app *app, const struct app_actor *actor,
    const struct app_badge_filter *af, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) out = json_object_new();
	struct db_badge_filter f;
	JsonArray *a;
	DbConn *conn;
	gint64 event_id;

	if (!app_require(actor, "staff", error) ||
	    !badge_filter_db(af, &f, error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	event_id = actor->event_id;
	if ((a = db_badge_people(conn, event_id, &f, &dberr)) == NULL)
		goto dbfail;
	json_object_set_array_member(out, "people", a);
	if (f.id > 0 && json_array_get_length(a) == 0) {
		db_release(app->db, conn);
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "participant");
		return NULL;
	}
	badge_rows(a, !af->lists_only);
	if ((a = db_event_sectors(conn, event_id, &dberr)) == NULL)
		goto dbfail;
	json_object_set_array_member(out, "sectors", a);
	if ((a = db_reg_sessions(conn, event_id, &dberr)) == NULL)
		goto dbfail;
	json_object_set_array_member(out, "sessions", a);
	db_release(app->db, conn);
	return g_steal_pointer(&out);
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return NULL;
}

JsonObject *
app_door_list(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) out = json_object_new(), event = NULL;
	struct db_badge_filter f = { .status = "confirmed" };
	JsonArray *a;
	DbConn *conn;
	guint i;

	/* Everyone confirmed has a code: the database issues it at
	 * confirmation (sql/021), so printing only reads. */
	if (!app_require(actor, "staff", error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((event = db_event_head(conn, actor->event_id, &dberr)) == NULL ||
	    (a = db_badge_people(conn, db_int(event, "id"), &f, &dberr)) ==
	        NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		db_release(app->db, conn);
		return NULL;
	}
	db_release(app->db, conn);
	badge_rows(a, false);
	for (i = 0; i < json_array_get_length(a); i++) {
		JsonObject *r = json_array_get_object_element(a, i);
		g_autofree char *ln = app_listed_name(db_str(r, "name"));

		json_object_set_string_member(r, "listed_name", ln);
	}
	json_object_set_array_member(out, "people", a);
	json_object_set_string_member(out, "name_nb", db_str(event, "name_nb"));
	json_object_set_string_member(out, "name_en", db_str(event, "name_en"));
	return g_steal_pointer(&out);
}

char *
app_door_list_export(const struct app *app, const struct app_actor *actor,
    enum sheet_format fmt, gsize *len, GError **error)
{
	static const char *const heads[] = { "code", "name", "organisation",
		"arrived" };
	g_autoptr(JsonObject) list = app_door_list(app, actor, error);
	g_autoptr(SheetBook) book = NULL;
	JsonArray *a;
	guint i;

	if (list == NULL || (book = sheet_book_new(fmt, error)) == NULL)
		return NULL;
	sheet_list(book, "door list", heads, G_N_ELEMENTS(heads));
	a = json_object_get_array_member(list, "people");
	for (i = 0; i < json_array_get_length(a); i++) {
		JsonObject *r = json_array_get_object_element(a, i);

		sheet_text(book, db_str(r, "code_short"));
		sheet_text(book, db_str(r, "listed_name"));
		sheet_text(book, db_str(r, "organisation"));
		sheet_bool(book,
		    json_object_get_boolean_member(r, "checked_in"));
		sheet_row_end(book);
	}
	return sheet_book_finish(g_steal_pointer(&book), len, error);
}

bool
app_door_tick(const char *cell, bool *bad)
{
	static const char *const yes[] = { "x", "1", "y", "yes", "j", "ja",
		"true", "\u2713", "\u2714", "\u2717", "\u2718" };
	g_autofree char *v = g_utf8_strdown(cell != NULL ? cell : "", -1);
	size_t i;

	*bad = false;
	g_strstrip(v);
	if (v[0] == '\0')
		return false;
	for (i = 0; i < G_N_ELEMENTS(yes); i++)
		if (strcmp(v, yes[i]) == 0)
			return true;
	*bad = true;
	return false;
}

/* The inputs and answer of one tick import (it may run twice). */
struct ticks_unit {
	GPtrArray *parsed;
	guint first; /* 1 after a header line */
	bool apply;
	JsonObject *out; /* made anew by each run */
};

/* Sets row's outcome; a refusal counts. */
static void
tick_outcome(JsonObject *row, const char *outcome, gint64 *refused)
{
	json_object_set_string_member(row, "outcome", outcome);
	if (refused != NULL)
		(*refused)++;
}

static gboolean
ticks_rows(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct ticks_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) found = NULL, done = NULL;
	g_autoptr(GHashTable) by_code = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_int64_hash,
	    g_int64_equal, g_free, NULL);
	g_autoptr(JsonBuilder) codes = json_builder_new();
	g_autoptr(JsonBuilder) ids = json_builder_new();
	g_autoptr(JsonNode) cn = NULL, in = NULL;
	g_autofree char *cjson = NULL, *ijson = NULL;
	JsonArray *rows = json_array_new();
	gint64 event_id, arrive = 0, already = 0, refused = 0, skipped = 0;
	guint i;

	(void)app;
	g_clear_pointer(&u->out, json_object_unref);
	u->out = json_object_new();
	json_object_set_array_member(u->out, "rows", rows);
	ch->action = NULL; /* audited only when someone arrives */
	event_id = ch->event_id;

	/* Each ticked row's code, normalised; asked of the database once. */
	json_builder_begin_array(codes);
	for (i = u->first; i < u->parsed->len; i++) {
		char **f = g_ptr_array_index(u->parsed, i);
		char code[TOKEN_CODE_LEN + 1];
		JsonObject *row;
		guint n;
		bool bad = false, ticked;

		if (f == NULL)
			continue; /* a blank line */
		n = g_strv_length(f);
		row = json_object_new();
		json_object_set_int_member(row, "line", i + 1);
		json_object_set_string_member(row, "given",
		    g_utf8_validate(f[0], -1, NULL) ? f[0] : "");
		json_object_set_string_member(row, "code", "");
		json_array_add_object_element(rows, row);
		ticked = n >= 2 && app_door_tick(f[n - 1], &bad);
		if (n < 2 || bad) {
			tick_outcome(row, "bad_tick", &refused);
			continue;
		}
		if (!ticked) {
			tick_outcome(row, "skip", NULL);
			skipped++;
			continue;
		}
		if (!token_code_normalise(f[0], code)) {
			tick_outcome(row, "bad", &refused);
			continue;
		}
		json_object_set_string_member(row, "code", code);
		json_builder_add_string_value(codes, code);
	}
	json_builder_end_array(codes);
	cn = json_builder_get_root(codes);
	cjson = json_to_string(cn, FALSE);
	if ((found = db_door_codes(conn, event_id, cjson, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(found); i++) {
		JsonObject *r = json_array_get_object_element(found, i);

		g_hash_table_insert(by_code, g_strdup(db_str(r, "given")), r);
	}

	json_builder_begin_array(ids);
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		const char *code = db_str(row, "code");
		JsonObject *p;
		gint64 id;

		if (json_object_has_member(row, "outcome"))
			continue;
		if ((p = g_hash_table_lookup(by_code, code)) == NULL) {
			tick_outcome(row, "unknown", &refused);
			continue;
		}
		id = db_int(p, "id");
		json_object_set_int_member(row, "id", id);
		json_object_set_string_member(row, "name", db_str(p, "name"));
		json_object_set_string_member(row, "organisation",
		    db_str(p, "organisation"));
		if (json_object_get_boolean_member(p, "revoked"))
			tick_outcome(row, "revoked", &refused);
		else if (g_strcmp0(db_str(p, "status"), "confirmed") != 0)
			tick_outcome(row, "not_confirmed", &refused);
		else if (json_object_get_boolean_member(p, "checked_in") ||
		    g_hash_table_contains(seen, &id)) {
			/* In before, or twice in the file: left as it is. */
			tick_outcome(row, "already", NULL);
			already++;
		} else {
			g_hash_table_add(seen, g_memdup2(&id, sizeof(id)));
			json_builder_add_int_value(ids, id);
			tick_outcome(row, "arrive", NULL);
			arrive++;
		}
	}
	json_builder_end_array(ids);
	json_object_set_int_member(u->out, "arrive", arrive);
	json_object_set_int_member(u->out, "already", already);
	json_object_set_int_member(u->out, "skipped", skipped);
	json_object_set_int_member(u->out, "refused", refused);
	json_object_set_int_member(u->out, "arrived", 0);
	json_object_set_boolean_member(u->out, "applied", false);
	if (!u->apply || arrive == 0 || refused > 0)
		return TRUE;
	in = json_builder_get_root(ids);
	ijson = json_to_string(in, FALSE);
	if ((done = db_door_arrive(conn, event_id, ijson, APP_DOOR_LIST_DOOR,
	         &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->action = "door.ticks_import";
	ch->subject_id = event_id;
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "arrived",
	    json_array_get_length(done));
	json_object_set_int_member(ch->after, "already", already);
	json_object_set_array_member(ch->after, "participant_ids",
	    json_array_ref(json_node_get_array(in)));
	json_object_set_int_member(u->out, "arrived",
	    json_array_get_length(done));
	json_object_set_boolean_member(u->out, "applied", true);
	return TRUE;
}

JsonObject *
app_door_ticks_import(const struct app *app, const struct app_actor *actor,
    const char *csv, bool apply, GError **error)
{
	g_autoptr(GPtrArray) parsed = NULL;
	struct ticks_unit u = { .apply = apply };

	if ((parsed = app_import_csv(actor, csv, APP_DOOR_IMPORT_MAX, "code",
	         "kode", &u.first, error)) == NULL)
		return NULL;
	u.parsed = parsed;
	if (!app_tx_audited(app, actor, NULL, "door.ticks_import", "event",
	        ticks_rows, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	return u.out;
}
