/*
 * invitees.c -- invitations sent by Summit: organisers add or import
 * invitees, each gets a one-use invitation code bound to their e-mail and
 * a personal link by mail; the link's page records a visit, a decline, or
 * leads to the registration form that marks them registered (register.c);
 * summitd reminds those who have not answered once the remind-by time has
 * passed.
 *
 * The link's token derives from a nonce with the secret key, as a
 * participant's does, and only its hash is stored: the outbox row names
 * the invitee, never the token, and the mailer derives the link again.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

const char *const app_invitee_states[] = { "queued", "sent", "failed",
	"visited", "registered", "declined", NULL };

#define INVITEE_TIME_FORMAT "%Y-%m-%d %H:%M"
#define INVITEE_INPUT_FORMAT "%Y-%m-%dT%H:%M"
/* Reminders queued per claim: one statement, one transaction. */
#define INVITEE_REMIND_BATCH 500

bool
app_invitee_state_ok(const char *state)
{
	const char *const *s;

	if (state == NULL || *state == '\0')
		return true;
	for (s = app_invitee_states; *s != NULL; s++)
		if (strcmp(*s, state) == 0)
			return true;
	return false;
}

static gboolean
refuse(GError **error, struct app_refusal *why, const char *field,
    enum app_reason reason)
{
	if (why != NULL)
		*why = (struct app_refusal){ field, reason };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
	return FALSE;
}

/* The field of in the rules refuse first, or NULL. */
static const char *
invitee_refused(const struct app_invitee *in)
{
	if (text_check_name(in->name, 200) != TEXT_OK)
		return "name";
	if (in->email == NULL || text_check_line(in->email, 254) != TEXT_OK ||
	    text_check_email(in->email) != TEXT_OK)
		return "email";
	if (in->organisation == NULL ||
	    (in->organisation[0] != '\0' &&
	        text_check_name(in->organisation, 200) != TEXT_OK))
		return "organisation";
	if (in->sector == NULL ||
	    (in->sector[0] != '\0' && !app_setup_sector_code_ok(in->sector)))
		return "sector";
	if (in->language == NULL ||
	    (in->language[0] != '\0' && strcmp(in->language, "nb") != 0 &&
	        strcmp(in->language, "en") != 0))
		return "language";
	return NULL;
}

/* Stores one checked invitee with a fresh code and link nonce, and queues
 * their mail. */
static gboolean
invitee_insert(const struct app *app, DbConn *conn, gint64 event_id,
    const struct app_invitee *in, gint64 *id, GError **dberr)
{
	g_autofree char *nonce = token_new(), *token = NULL, *hash = NULL;
	char code[APP_CODE_LENGTH + 1];
	struct db_invitee_new n;

	token = app_link_token(app, nonce);
	hash = token_hash(token);
	app_code_new(code);
	n = (struct db_invitee_new){ .event_id = event_id,
		.name = in->name,
		.email = in->email,
		.organisation = in->organisation,
		.sector = in->sector,
		.language = in->language,
		.code = code,
		.link_nonce = nonce,
		.link_hash = hash };
	return db_invitee_add(conn, &n, id, dberr);
}

/* The invitee as the audit log keeps them. */
static JsonObject *
invitee_audit(const struct app_invitee *in)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", in->name);
	json_object_set_string_member(o, "email", in->email);
	json_object_set_string_member(o, "organisation", in->organisation);
	json_object_set_string_member(o, "sector", in->sector);
	json_object_set_string_member(o, "language", in->language);
	return o;
}

/* The lower-cased e-mails as a JSON array, for db_invitee_emails_taken. */
static char *
emails_json(const char *const *emails, guint n)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	guint i;

	json_builder_begin_array(b);
	for (i = 0; i < n; i++) {
		g_autofree char *low = g_ascii_strdown(emails[i], -1);

		json_builder_add_string_value(b, low);
	}
	json_builder_end_array(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

struct add_unit {
	const struct app_invitee *in;
	struct app_refusal *refusal;
};

static gboolean
add_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct add_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) taken = NULL;
	g_autofree char *ej = NULL;
	gint64 event_id = ch->event_id, id;

	ej = emails_json(&u->in->email, 1);
	if ((taken = db_invitee_emails_taken(conn, event_id, ej, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (json_array_get_length(taken) > 0)
		return refuse(error, u->refusal, "email", APP_REASON_TAKEN);
	if (!invitee_insert(app, conn, event_id, u->in, &id, &dberr)) {
		if (u->refusal != NULL &&
		    app_refusal_from_db(dberr, u->refusal))
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s",
			    u->refusal->field);
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		return FALSE;
	}
	ch->subject_id = id;
	ch->after = invitee_audit(u->in);
	return TRUE;
}

gboolean
app_invitee_add(const struct app *app, const struct app_actor *actor,
    const struct app_invitee *in, struct app_refusal *refusal, GError **error)
{
	struct add_unit u = { in, refusal };
	const char *field;

	if (!app_require(actor, "admin", error))
		return FALSE;
	if ((field = invitee_refused(in)) != NULL)
		return refuse(error, refusal, field, APP_REASON_INVALID);
	return app_tx_audited(app, actor, "admin", "invitees.add", "invitee",
	    add_run, &u, error);
}

/* The inputs and answer of one import (it may run twice). */
struct import_unit {
	GPtrArray *parsed;
	guint first; /* 1 after a header line */
	bool apply;
	JsonObject *out; /* made anew by each run */
};

/* Checks line i of the CSV into a new row of rows; its e-mail, when good
 * and new in the file, into emails. */
static void
import_check(JsonArray *rows, char **f, guint line, JsonArray *sectors,
    GHashTable *seen, GPtrArray *emails)
{
	JsonObject *row = json_object_new();
	guint n = g_strv_length(f), k;
	const char *sector, *email, *lang;
	bool known = false;

	json_object_set_int_member(row, "line", line);
	json_object_set_array_member(row, "errors", json_array_new());
	json_array_add_object_element(rows, row);
	if (n < 2 || n > 5)
		app_import_row_error(row, "invitees_err_columns");
	app_import_check_field(row, "name", f[0], 200, true);
	app_import_check_field(row, "email", n > 1 ? f[1] : "", 254, true);
	app_import_check_field(row, "organisation", n > 2 ? f[2] : "", 200,
	    false);
	app_import_check_field(row, "sector", n > 3 ? f[3] : "", 32, false);
	app_import_check_field(row, "language", n > 4 ? f[4] : "", 2, false);
	email = json_object_get_string_member(row, "email");
	if (email[0] != '\0') {
		g_autofree char *low = g_ascii_strdown(email, -1);

		if (text_check_email(email) != TEXT_OK)
			app_import_row_error(row, "registrations_err_email");
		else if (g_hash_table_contains(seen, low))
			app_import_row_error(row, "registrations_err_dup_file");
		else {
			g_ptr_array_add(emails, g_strdup(email));
			g_hash_table_add(seen, g_steal_pointer(&low));
		}
	}
	sector = json_object_get_string_member(row, "sector");
	for (k = 0; k < json_array_get_length(sectors); k++)
		if (g_strcmp0(db_str(json_array_get_object_element(sectors, k),
		                  "code"),
		        sector) == 0)
			known = true;
	if (!known && sector[0] != '\0')
		app_import_row_error(row, "registrations_err_sector");
	lang = json_object_get_string_member(row, "language");
	if (lang[0] != '\0' && strcmp(lang, "nb") != 0 &&
	    strcmp(lang, "en") != 0)
		app_import_row_error(row, "registrations_err_language");
}

static gboolean
import_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct import_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) sectors = NULL, taken = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) taken_set = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, g_free);
	g_autoptr(GPtrArray) emails = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *ej = NULL;
	JsonArray *rows = json_array_new(), *ids;
	gint64 event_id, good = 0, bad = 0;
	guint i;

	g_clear_pointer(&u->out, json_object_unref);
	u->out = json_object_new();
	json_object_set_array_member(u->out, "rows", rows);
	ch->action = NULL; /* audited only when it stored someone */
	event_id = ch->event_id;
	if ((sectors = db_event_sectors(conn, event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = u->first; i < u->parsed->len; i++) {
		char **f = g_ptr_array_index(u->parsed, i);

		if (f != NULL) /* NULL: a blank line */
			import_check(rows, f, i + 1, sectors, seen, emails);
	}
	ej = emails_json((const char *const *)emails->pdata, emails->len);
	if ((taken = db_invitee_emails_taken(conn, event_id, ej, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(taken); i++) {
		JsonObject *t = json_array_get_object_element(taken, i);

		g_hash_table_replace(taken_set, g_strdup(db_str(t, "email")),
		    g_strdup(db_str(t, "why")));
	}
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		g_autofree char *low = g_ascii_strdown(
		    json_object_get_string_member(row, "email"), -1);
		const char *why = g_hash_table_lookup(taken_set, low);
		JsonArray *errs = json_object_get_array_member(row, "errors");

		if (why != NULL)
			app_import_row_error(row,
			    strcmp(why, "invited") == 0 ?
			        "invitees_err_invited" :
			        "registrations_err_registered");
		json_object_set_boolean_member(row, "ok",
		    json_array_get_length(errs) == 0);
		if (json_array_get_length(errs) == 0)
			good++;
		else
			bad++;
	}
	json_object_set_int_member(u->out, "good", good);
	json_object_set_int_member(u->out, "bad", bad);
	json_object_set_int_member(u->out, "imported", 0);
	/* Nothing is stored from a file with a bad row. */
	json_object_set_boolean_member(u->out, "refused", u->apply && bad > 0);
	if (!u->apply || bad > 0 || good == 0)
		return TRUE;
	ids = json_array_new();
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		struct app_invitee in = {
			json_object_get_string_member(row, "name"),
			json_object_get_string_member(row, "email"),
			json_object_get_string_member(row, "organisation"),
			json_object_get_string_member(row, "sector"),
			json_object_get_string_member(row, "language"),
		};
		gint64 id;

		if (!invitee_insert(app, conn, event_id, &in, &id, &dberr)) {
			json_array_unref(ids);
			return app_fail_db(error, g_steal_pointer(&dberr));
		}
		json_array_add_int_element(ids, id);
	}
	json_object_set_int_member(u->out, "imported", good);
	ch->action = "invitees.import";
	ch->subject_id = event_id;
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "imported", good);
	json_object_set_array_member(ch->after, "invitee_ids", ids);
	return TRUE;
}

JsonObject *
app_invitee_import(const struct app *app, const struct app_actor *actor,
    const char *csv, bool apply, GError **error)
{
	g_autoptr(GPtrArray) parsed = NULL;
	struct import_unit u = { .apply = apply };

	if ((parsed = app_import_csv(actor, csv, APP_INVITEE_IMPORT_MAX, "name",
	         "navn", &u.first, error)) == NULL)
		return NULL;
	u.parsed = parsed;
	/* A dry run writes nothing, so committing it changes nothing. */
	if (!app_tx_audited(app, actor, "admin", "invitees.import", "event",
	        import_run, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	return u.out;
}

/* The filter's members checked, "" for NULL. */
static gboolean
filter_check(const struct app_invitee_filter *f, struct app_invitee_filter *out,
    GError **error)
{
	*out = (struct app_invitee_filter){ f && f->state ? f->state : "",
		f && f->sector ? f->sector : "", f && f->q ? f->q : "" };
	if (!app_invitee_state_ok(out->state))
		return refuse(error, NULL, "state", APP_REASON_INVALID);
	if (out->sector[0] != '\0' && !app_setup_sector_code_ok(out->sector))
		return refuse(error, NULL, "sector", APP_REASON_INVALID);
	if (out->q[0] != '\0' && text_check_line(out->q, 200) != TEXT_OK)
		return refuse(error, NULL, "q", APP_REASON_INVALID);
	return TRUE;
}

static const char *const INVITEE_TIMES[] = { "visited_at", "declined_at",
	"reminded_at", "created_at", NULL };

struct list_unit {
	gint64 event_id;
	struct app_invitee_filter f;
	gint64 limit;
	bool raw; /* times left as Unix times (the export formats them) */
	JsonObject *out; /* made anew by each run */
};

static gboolean
list_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct list_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) head = NULL;
	g_autoptr(JsonArray) counts = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *rows;
	JsonObject *c, *settings;
	gint64 total = 0, remind_at;
	const char *const *s;
	guint i;

	(void)app;
	g_clear_pointer(&u->out, json_object_unref);
	u->out = json_object_new();
	if ((head = db_event_head(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	tz = app_zone(db_str(head, "timezone"));
	rows = db_invitee_list(conn, db_int(head, "id"), u->f.state,
	    u->f.sector, u->f.q, u->limit, &dberr);
	if (rows == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; !u->raw && i < json_array_get_length(rows); i++)
		app_local_cols(json_array_get_object_element(rows, i),
		    INVITEE_TIMES, tz, INVITEE_TIME_FORMAT);
	json_object_set_array_member(u->out, "rows", rows);
	if ((counts = db_invitee_counts(conn, db_int(head, "id"), &dberr)) ==
	        NULL ||
	    (settings = db_invitee_settings(conn, db_int(head, "id"),
	         &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	c = json_object_new();
	for (s = app_invitee_states; *s != NULL; s++)
		json_object_set_int_member(c, *s, 0);
	for (i = 0; i < json_array_get_length(counts); i++) {
		JsonObject *r = json_array_get_object_element(counts, i);

		json_object_set_int_member(c, db_str(r, "state"),
		    db_int(r, "n"));
		total += db_int(r, "n");
	}
	json_object_set_int_member(c, "total", total);
	json_object_set_object_member(u->out, "counts", c);
	remind_at = json_object_get_null_member(settings, "remind_at") ?
	    -1 :
	    db_int(settings, "remind_at");
	json_object_set_boolean_member(settings, "remind_passed",
	    remind_at >= 0 && remind_at <= g_get_real_time() / G_USEC_PER_SEC);
	app_local_time(settings, "remind_at", tz, INVITEE_INPUT_FORMAT, "");
	json_object_set_object_member(u->out, "settings", settings);
	json_object_set_string_member(u->out, "timezone",
	    db_str(head, "timezone"));
	return TRUE;
}

static JsonObject *
invitee_rows(const struct app *app, const struct app_actor *actor,
    const struct app_invitee_filter *f, gint64 limit, bool raw, GError **error)
{
	struct list_unit u = { .limit = limit, .raw = raw };

	if (actor != NULL)
		u.event_id = actor->event_id;
	if (!app_require(actor, "staff", error) ||
	    !filter_check(f, &u.f, error))
		return NULL;
	if (!app_db_run(app, list_run, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	return u.out;
}

JsonObject *
app_invitee_list(const struct app *app, const struct app_actor *actor,
    const struct app_invitee_filter *f, GError **error)
{
	return invitee_rows(app, actor, f, APP_INVITEE_PAGE_MAX, false, error);
}

char *
app_invitee_export(const struct app *app, const struct app_actor *actor,
    const struct app_invitee_filter *f, enum sheet_format fmt, gsize *len,
    GError **error)
{
	static const char *const cols[] = { "name", "email", "organisation",
		"sector", "language", "state", "visited_at", "declined_at",
		"reminded_at", "created_at" };
	g_autoptr(JsonObject) v = invitee_rows(app, actor, f, G_MAXINT32, true,
	    error);
	g_autoptr(SheetBook) book = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *rows;
	guint i, c;

	if (v == NULL || (book = sheet_book_new(fmt, error)) == NULL)
		return NULL;
	tz = app_zone(json_object_get_string_member(v, "timezone"));
	rows = json_object_get_array_member(v, "rows");
	sheet_list(book, "invitees", cols, G_N_ELEMENTS(cols));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		for (c = 0; c < G_N_ELEMENTS(cols); c++) {
			if (g_str_has_suffix(cols[c], "_at"))
				sheet_time(book,
				    json_object_get_null_member(r, cols[c]) ?
				        -1 :
				        json_object_get_int_member(r, cols[c]),
				    tz, INVITEE_TIME_FORMAT);
			else
				sheet_text(book,
				    json_object_get_string_member(r, cols[c]));
		}
		sheet_row_end(book);
	}
	return sheet_book_finish(g_steal_pointer(&book), len, error);
}

struct settings_unit {
	const char *language, *remind_at;
	struct app_refusal *refusal;
};

static gboolean
settings_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct settings_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) head = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	gint64 at = -1, event_id;

	(void)app;
	event_id = ch->event_id;
	if ((head = db_event_head(conn, event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	tz = app_zone(db_str(head, "timezone"));
	if (u->remind_at[0] != '\0' && !app_local_parse(u->remind_at, tz, &at))
		return refuse(error, u->refusal, "remind_at",
		    APP_REASON_INVALID);
	if ((ch->before = db_invitee_settings(conn, event_id, &dberr)) ==
	        NULL ||
	    !db_invitee_settings_set(conn, event_id, u->language, at, &dberr) ||
	    (ch->after = db_invitee_settings(conn, event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = event_id;
	return TRUE;
}

gboolean
app_invitee_settings_set(const struct app *app, const struct app_actor *actor,
    const char *language, const char *remind_at, struct app_refusal *refusal,
    GError **error)
{
	struct settings_unit u = { language, remind_at ? remind_at : "",
		refusal };

	if (!app_require(actor, "admin", error))
		return FALSE;
	if (g_strcmp0(language, "nb") != 0 && g_strcmp0(language, "en") != 0)
		return refuse(error, refusal, "language", APP_REASON_INVALID);
	return app_tx_audited(app, actor, "admin", "invitees.settings", "event",
	    settings_run, &u, error);
}

/* The invitee of token, or with visit their first visit recorded. */
static JsonObject *
invitation_get(const struct app *app, const char *token, bool visit,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = NULL;
	JsonObject *row;
	DbConn *conn;

	if (token == NULL || strlen(token) != 32) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such invitation");
		return NULL;
	}
	hash = token_hash(token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	row = visit ? db_invitee_visit(conn, hash, &dberr) :
	              db_invitee_by_hash(conn, hash, &dberr);
	db_release(app->db, conn);
	if (row == NULL) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
			    "no such invitation");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
	}
	return row;
}

JsonObject *
app_invitation_view(const struct app *app, const char *token, GError **error)
{
	return invitation_get(app, token, false, error);
}

JsonObject *
app_invitation_visit(const struct app *app, const char *token, GError **error)
{
	return invitation_get(app, token, true, error);
}

struct decline_unit {
	const char *hash;
	bool declined;
};

static gboolean
decline_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct decline_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = db_invitee_decline(conn, u->hash, &dberr);

	(void)app;
	if (row == NULL) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND)) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
			    "no such invitation");
			return FALSE;
		}
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	u->declined = json_object_get_boolean_member(row, "declined");
	if (!u->declined)
		ch->action = NULL; /* registered: nothing changed */
	ch->subject_id = db_int(row, "id");
	ch->after = json_object_new();
	json_object_set_boolean_member(ch->after, "declined", true);
	return TRUE;
}

gboolean
app_invitation_decline(const struct app *app, const char *token, bool *declined,
    GError **error)
{
	static const struct app_actor invitee = { .email = "invitee" };
	g_autofree char *hash = NULL;
	struct decline_unit u = { NULL, false };

	if (token == NULL || strlen(token) != 32) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such invitation");
		return FALSE;
	}
	u.hash = hash = token_hash(token);
	if (!app_tx_audited(app, &invitee, NULL, "invitees.decline", "invitee",
	        decline_run, &u, error))
		return FALSE;
	*declined = u.declined;
	return TRUE;
}

struct remind_unit {
	gint64 claimed;
};

static gboolean
remind_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct remind_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	if (!db_invitee_remind_claim(conn, INVITEE_REMIND_BATCH, &u->claimed,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_invitee_remind(const struct app *app, gint64 *queued, GError **error)
{
	struct remind_unit u;

	*queued = 0;
	do {
		u.claimed = 0;
		if (!app_tx(app, remind_run, &u, error))
			return FALSE;
		*queued += u.claimed;
	} while (u.claimed == INVITEE_REMIND_BATCH);
	if (*queued > 0)
		log_info("%" G_GINT64_FORMAT " invitation reminders queued",
		    *queued);
	return TRUE;
}

gboolean
app_invitee_mail_ctx(const struct app *app, DbConn *conn, JsonObject *payload,
    JsonObject *ctx, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = NULL;
	g_autofree char *token = NULL, *url = NULL, *decline = NULL;

	if (payload == NULL || !json_object_has_member(payload, "invitee_id")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "invitee mail without invitee_id");
		return FALSE;
	}
	row = db_invitee_mail(conn,
	    json_object_get_int_member(payload, "invitee_id"), &dberr);
	if (row == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	token = app_link_token(app, db_str(row, "link_nonce"));
	url = g_strconcat(app->conf->public_url, "/invite/", token, NULL);
	decline = g_strconcat(url, "/decline", NULL);
	json_object_set_string_member(ctx, "invite_url", url);
	json_object_set_string_member(ctx, "decline_url", decline);
	json_object_set_string_member(ctx, "code", db_str(row, "code"));
	json_object_set_boolean_member(ctx, "code_needed",
	    json_object_get_boolean_member(row, "code_needed"));
	return TRUE;
}

static gboolean
purge_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;

	if (!db_invitee_purge(conn, app->conf->retention_days, user, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_invitee_purge(const struct app *app, GError **error)
{
	gint64 n = 0;

	if (!app_tx(app, purge_run, &n, error))
		return FALSE;
	if (n > 0)
		log_info("erased %" G_GINT64_FORMAT " invitee%s past the "
		         "retention period",
		    n, n == 1 ? "" : "s");
	return TRUE;
}
