/*
 * message.c -- messages to groups and reminders: an admin's text with
 * placeholders, checked when written, the recipients chosen by a filter,
 * counted and sampled, a test to the admin, then every recipient queued
 * at once (db/message.c) and audited; and the reminders summitd queues
 * before the event, each claimed once in the database.
 *
 * The text a person gets is filled in by the mail worker when it sends
 * (app_message_mail_ctx), so their sessions, table and link are those of
 * that moment.  Mail is plain text (no HTML part): values are written as
 * they are, except in a subject, where line breaks become ", " so no
 * value can add a header.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/* The placeholders a text may name, in {braces}. */
static const char *const placeholders[] = { "name", "sessions", "table", "link",
	NULL };

#define MESSAGE_SUBJECT_MAX 200
#define MESSAGE_BODY_MAX 4000

/* Each "{word}" of text (word: [A-Za-z_][A-Za-z0-9_]*): copies the
 * rest to out (when not NULL) and calls fn with the word, until fn says
 * stop. */
typedef bool (*PlaceholderFn)(const char *word, size_t len, gpointer user);

static void
placeholders_each(const char *text, PlaceholderFn fn, GString *out,
    gpointer user)
{
	const char *p = text, *w;

	while (*p != '\0') {
		size_t n = 0;

		if (*p != '{') {
			if (out != NULL)
				g_string_append_c(out, *p);
			p++;
			continue;
		}
		w = p + 1;
		/* A word: a letter or '_', then letters, digits, '_'. */
		while (g_ascii_isalpha(w[n]) || w[n] == '_' ||
		    (n > 0 && g_ascii_isdigit(w[n])))
			n++;
		if (n > 0 && w[n] == '}') {
			if (!fn(w, n, user))
				return;
			p = w + n + 1;
			continue;
		}
		if (out != NULL)
			g_string_append_c(out, *p);
		p++;
	}
}

static int
placeholder_index(const char *word, size_t len)
{
	int i;

	for (i = 0; placeholders[i] != NULL; i++)
		if (strlen(placeholders[i]) == len &&
		    strncmp(placeholders[i], word, len) == 0)
			return i;
	return -1;
}

static bool
placeholder_known(const char *word, size_t len, gpointer user)
{
	bool *ok = user;

	*ok = placeholder_index(word, len) >= 0;
	return *ok;
}

bool
app_message_placeholders_ok(const char *text)
{
	bool ok = true;

	placeholders_each(text, placeholder_known, NULL, &ok);
	return ok;
}

struct fill {
	GString *out;
	const char *const *values; /* in the order of placeholders[] */
	bool one_line;
};

static bool
fill_one(const char *word, size_t len, gpointer user)
{
	struct fill *f = user;
	int i = placeholder_index(word, len);
	const char *v = i >= 0 && f->values[i] != NULL ? f->values[i] : "";

	for (; *v != '\0'; v++) {
		if (f->one_line && (*v == '\r' || *v == '\n')) {
			/* "a\nb\n" -> "a, b" */
			if (v[1] != '\0' && v[1] != '\n' && v[1] != '\r')
				g_string_append(f->out, ", ");
			continue;
		}
		g_string_append_c(f->out, *v);
	}
	return true;
}

char *
app_message_fill(const char *text, const char *const values[4], bool one_line)
{
	GString *out = g_string_new(NULL);
	struct fill f = { out, values, one_line };

	placeholders_each(text, fill_one, out, &f);
	return g_string_free(out, FALSE);
}

static gboolean
refuse(struct app_refusal *refusal, const char *field, enum app_reason why,
    GError **error)
{
	if (refusal != NULL)
		*refusal = (struct app_refusal){ field, why };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s: %s", field,
	    app_reason_name(why));
	return FALSE;
}

static gboolean
text_ok(const char *text, const char *field, bool line, size_t max,
    struct app_refusal *refusal, GError **error)
{
	enum text_err e;

	if (text == NULL || *text == '\0')
		return refuse(refusal, field, APP_REASON_MISSING, error);
	e = line ? text_check_line(text, max) : text_check_block(text, max);
	if (e == TEXT_TOOLONG)
		return refuse(refusal, field, APP_REASON_LENGTH, error);
	if (e != TEXT_OK || !app_message_placeholders_ok(text))
		return refuse(refusal, field, APP_REASON_INVALID, error);
	return TRUE;
}

static bool
one_of(const char *v, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (g_strcmp0(v, *allowed) == 0)
			return true;
	return false;
}

/* The filter as db takes it; a bad value is refused. */
static gboolean
filter_check(const struct app_message_filter *f, struct db_message_filter *d,
    struct app_refusal *refusal, GError **error)
{
	static const char *const statuses[] = { "", "pending", "confirmed",
		"waitlisted", "cancelled", "expired", NULL };
	static const char *const checked[] = { "", "yes", "no", NULL };
	static const char *const replies[] = { "", "accepted", "declined",
		"none", NULL };
	static const char *const answers[] = { "", "ACCEPTED", "DECLINED",
		"NEEDS-ACTION" };
	size_t i;

	if (!one_of(f->status ? f->status : "", statuses))
		return refuse(refusal, "status", APP_REASON_INVALID, error);
	if (f->sector != NULL && f->sector[0] != '\0' &&
	    !app_setup_sector_code_ok(f->sector))
		return refuse(refusal, "sector", APP_REASON_INVALID, error);
	if (f->organisation != NULL &&
	    text_check_line(f->organisation, 200) != TEXT_OK &&
	    f->organisation[0] != '\0')
		return refuse(refusal, "organisation", APP_REASON_INVALID,
		    error);
	if (f->session_id < 0)
		return refuse(refusal, "session", APP_REASON_INVALID, error);
	if (!one_of(f->checked ? f->checked : "", checked))
		return refuse(refusal, "checked", APP_REASON_INVALID, error);
	if (!one_of(f->reply ? f->reply : "", replies))
		return refuse(refusal, "reply", APP_REASON_INVALID, error);
	if (f->ids != NULL && (f->n_ids == 0 || f->n_ids > APP_REG_BULK_MAX))
		return refuse(refusal, "to", APP_REASON_RANGE, error);
	for (i = 0; replies[i] != NULL; i++)
		if (g_strcmp0(f->reply ? f->reply : "", replies[i]) == 0)
			break;
	*d = (struct db_message_filter){ f->status, f->sector, f->organisation,
		f->session_id, f->checked, answers[i], f->ids, f->n_ids, 0 };
	return TRUE;
}

static gboolean
message_check(const struct app_message *m, struct app_refusal *refusal,
    GError **error)
{
	return text_ok(m->subject_nb, "subject_nb", true, MESSAGE_SUBJECT_MAX,
	           refusal, error) &&
	    text_ok(m->subject_en, "subject_en", true, MESSAGE_SUBJECT_MAX,
	        refusal, error) &&
	    text_ok(m->body_nb, "body_nb", false, MESSAGE_BODY_MAX, refusal,
	        error) &&
	    text_ok(m->body_en, "body_en", false, MESSAGE_BODY_MAX, refusal,
	        error);
}

static JsonObject *
filter_json(const struct app_message_filter *f)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "status", f->status ? f->status : "");
	json_object_set_string_member(o, "sector", f->sector ? f->sector : "");
	json_object_set_string_member(o, "organisation",
	    f->organisation ? f->organisation : "");
	json_object_set_int_member(o, "session", f->session_id);
	json_object_set_string_member(o, "checked",
	    f->checked ? f->checked : "");
	json_object_set_string_member(o, "reply", f->reply ? f->reply : "");
	if (f->ids != NULL) {
		JsonArray *ids = json_array_new();
		size_t i;

		for (i = 0; i < f->n_ids; i++)
			json_array_add_int_element(ids, f->ids[i]);
		json_object_set_array_member(o, "ids", ids);
	}
	return o;
}

/* ---- What a person's values are ---- */

/* The text of {sessions} (mail/LANG/sessions.txt) and {table} of
 * participant pid, in lang, as they stand now. */
static gboolean
person_values(const struct app *app, DbConn *conn, gint64 pid, const char *lang,
    char **sessions, char **tables, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = db_answer_programme(conn, pid, &dberr);
	g_autoptr(JsonObject) ctx = json_object_new();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) tab = g_string_new(NULL);
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree char *name = g_strdup_printf("mail/%s/sessions.txt", lang);
	g_autofree char *title = g_strconcat("title_", lang, NULL);
	JsonArray *placed = json_array_new();
	guint i;

	json_object_set_array_member(ctx, "sessions", placed);
	if (rows == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		JsonObject *s;
		g_autofree char *d = NULL, *a = NULL, *b = NULL;

		if (g_strcmp0(db_str(r, "state"), "invited") != 0)
			continue;
		if (tz == NULL)
			tz = app_zone(db_str(r, "timezone"));
		d = app_time_text(tz, db_int(r, "starts_at"), "%Y-%m-%d");
		a = app_time_text(tz, db_int(r, "starts_at"), "%H:%M");
		b = app_time_text(tz, db_int(r, "ends_at"), "%H:%M");
		s = json_object_new();
		json_object_set_string_member(s, "date", d);
		json_object_set_string_member(s, "starts", a);
		json_object_set_string_member(s, "ends", b);
		json_object_set_string_member(s, "title", db_str(r, title));
		json_object_set_string_member(s, "room", db_str(r, "room"));
		json_object_set_boolean_member(s, "has_room",
		    db_str(r, "room")[0] != '\0');
		json_object_set_int_member(s, "table_no",
		    db_int(r, "table_no"));
		json_object_set_boolean_member(s, "has_table",
		    db_int(r, "table_no") > 0);
		json_array_add_object_element(placed, s);
		if (db_int(r, "table_no") > 0)
			g_string_append_printf(tab, "%s%" G_GINT64_FORMAT,
			    tab->len > 0 ? ", " : "", db_int(r, "table_no"));
	}
	if (!tmpl_render(app->tmpl, name, ctx, out, error))
		return FALSE;
	/* No trailing line break: the text around it has its own. */
	while (out->len > 0 && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	*sessions = g_strdup(out->str);
	*tables = g_strdup(tab->len > 0 ? tab->str : "–");
	return TRUE;
}

/* Subject and body of message m in lang, filled in for one person. */
static void
message_render(JsonObject *m, const char *lang, const char *const values[4],
    char **subject, char **body)
{
	g_autofree char *sk = g_strconcat("subject_", lang, NULL);
	g_autofree char *bk = g_strconcat("body_", lang, NULL);

	*subject = app_message_fill(db_str(m, sk), values, true);
	*body = app_message_fill(db_str(m, bk), values, false);
}

/* The message as db rows hold it, from what the admin typed. */
static JsonObject *
message_row(const struct app_message *m)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "subject_nb", m->subject_nb);
	json_object_set_string_member(o, "subject_en", m->subject_en);
	json_object_set_string_member(o, "body_nb", m->body_nb);
	json_object_set_string_member(o, "body_en", m->body_en);
	return o;
}

gboolean
app_message_mail_ctx(const struct app *app, DbConn *conn, JsonObject *row,
    const char *lang, const char *token, JsonObject *ctx, GError **error)
{
	const char *kind = db_str(row, "kind");
	gint64 pid = db_int(row, "participant_id");
	JsonObject *pl = json_object_has_member(ctx, "payload") ?
	    json_object_get_object_member(ctx, "payload") :
	    NULL;
	g_autofree char *sessions = NULL, *tables = NULL, *page = NULL;
	g_autofree char *feed = NULL;
	g_autoptr(GError) dberr = NULL;

	if (pl == NULL || token == NULL) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "%s without payload or link", kind);
		return FALSE;
	}
	if (!person_values(app, conn, pid, lang, &sessions, &tables, error))
		return FALSE;
	page = g_strconcat(app->conf->public_url, "/me/", token, NULL);
	if (strcmp(kind, "message") == 0) {
		const char *values[4] = { db_str(row, "recipient_name"),
			sessions, tables, page };
		g_autoptr(JsonObject) m = db_message_get(conn,
		    json_object_get_int_member_with_default(pl, "message_id",
		        0),
		    &dberr);
		g_autofree char *subject = NULL, *body = NULL;

		if (m == NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		message_render(m, lang, values, &subject, &body);
		json_object_set_string_member(ctx, "subject", subject);
		json_object_set_string_member(ctx, "body", body);
		return TRUE;
	}
	/* A reminder: the programme, the calendar and the page. */
	{
		g_autofree char *ft = app_feed_derive(app, token);
		gint64 days = json_object_get_int_member_with_default(pl,
		    "days_before", 0);

		feed = g_strconcat(app->conf->public_url, "/feed/", ft, ".ics",
		    NULL);
		json_object_set_int_member(ctx, "days", days);
		json_object_set_boolean_member(ctx, "one_day", days == 1);
		json_object_set_string_member(ctx, "sessions", sessions);
		json_object_set_string_member(ctx, "feed_url", feed);
	}
	return TRUE;
}

/* ---- The admin's use cases ---- */

struct message_unit {
	const struct app_message *m;
	const struct app_message_filter *f;
	struct db_message_filter d;
	const struct app_actor *actor;
	JsonObject *out;
};

/* Count and samples: read only. */
static gboolean
preview_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	static const char *const langs[] = { "nb", "en" };
	struct message_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) count = db_message_count(conn, &u->d, &dberr);
	g_autoptr(JsonObject) sample = NULL;
	g_autoptr(JsonObject) m = message_row(u->m);
	JsonArray *samples = json_array_new();
	size_t i;

	g_clear_pointer(&u->out, json_object_unref);
	u->out = json_object_new();
	json_object_set_array_member(u->out, "samples", samples);
	if (count == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_set_int_member(u->out, "recipients",
	    db_int(count, "recipients"));
	json_object_set_int_member(u->out, "skipped", db_int(count, "skipped"));
	sample = db_message_sample(conn, &u->d, &dberr);
	if (sample == NULL) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return TRUE;
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	json_object_set_string_member(u->out, "sample_name",
	    db_str(sample, "name"));
	for (i = 0; i < G_N_ELEMENTS(langs); i++) {
		g_autofree char *sessions = NULL, *tables = NULL;
		g_autofree char *subject = NULL, *body = NULL;
		g_autofree char *link = g_strconcat(app->conf->public_url,
		    "/me/…", NULL);
		const char *values[4] = { db_str(sample, "name"), NULL, NULL,
			link };
		JsonObject *s;

		if (!person_values(app, conn, db_int(sample, "id"), langs[i],
		        &sessions, &tables, error))
			return FALSE;
		values[1] = sessions;
		values[2] = tables;
		message_render(m, langs[i], values, &subject, &body);
		s = json_object_new();
		json_object_set_string_member(s, "lang", langs[i]);
		json_object_set_string_member(s, "subject", subject);
		json_object_set_string_member(s, "body", body);
		json_array_add_object_element(samples, s);
	}
	return TRUE;
}

static gboolean
message_start(const struct app_actor *actor, struct message_unit *u,
    struct app_refusal *refusal, GError **error)
{
	if (!app_require(actor, "admin", error) ||
	    !message_check(u->m, refusal, error) ||
	    !filter_check(u->f, &u->d, refusal, error))
		return FALSE;
	u->d.event_id = actor->event_id; /* the actor's event, only */
	return TRUE;
}

JsonObject *
app_message_preview(const struct app *app, const struct app_actor *actor,
    const struct app_message *m, const struct app_message_filter *f,
    struct app_refusal *refusal, GError **error)
{
	struct message_unit u = { .m = m, .f = f, .actor = actor };

	if (!message_start(actor, &u, refusal, error))
		return NULL;
	if (!app_db_run(app, preview_read, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	return u.out;
}

/* The test: the nb and en samples to the admin's own address, in one
 * outbox row each, filled in now (kind message_test). */
static gboolean
test_queue(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct message_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	JsonArray *samples;
	guint i;

	if (!preview_read(app, conn, u, error))
		return FALSE;
	samples = json_object_get_array_member(u->out, "samples");
	if (json_array_get_length(samples) == 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no recipient to take the sample from");
		return FALSE;
	}
	for (i = 0; i < json_array_get_length(samples); i++) {
		JsonObject *s = json_array_get_object_element(samples, i);
		g_autoptr(JsonObject) pl = json_object_new();
		g_autoptr(JsonNode) n = json_node_new(JSON_NODE_OBJECT);
		g_autofree char *text = NULL;
		struct db_outbox_new o;

		json_object_set_string_member(pl, "subject",
		    json_object_get_string_member(s, "subject"));
		json_object_set_string_member(pl, "body",
		    json_object_get_string_member(s, "body"));
		json_node_set_object(n, pl);
		text = json_to_string(n, FALSE);
		o = (struct db_outbox_new){ .event_id = 0,
			.kind = "message_test",
			.recipient = u->actor->email,
			.recipient_name = "",
			.language = json_object_get_string_member(s, "lang"),
			.payload_json = text };
		if (!db_outbox_insert(conn, &o, NULL, &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
	}
	return TRUE;
}

gboolean
app_message_test(const struct app *app, const struct app_actor *actor,
    const struct app_message *m, const struct app_message_filter *f,
    struct app_refusal *refusal, GError **error)
{
	struct message_unit u = { .m = m, .f = f, .actor = actor };
	gboolean ok;

	if (!message_start(actor, &u, refusal, error))
		return FALSE;
	ok = app_tx(app, test_queue, &u, error);
	g_clear_pointer(&u.out, json_object_unref);
	return ok;
}

static gboolean
send_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct message_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) fj = filter_json(u->f);
	g_autoptr(JsonNode) n = json_node_new(JSON_NODE_OBJECT);
	g_autofree char *ftext = NULL;
	struct db_message_new dm;
	JsonObject *row;

	(void)app;
	json_node_set_object(n, fj);
	ftext = json_to_string(n, FALSE);
	dm = (struct db_message_new){ u->m->subject_nb, u->m->subject_en,
		u->m->body_nb, u->m->body_en, ftext, u->actor->id };
	if ((row = db_message_queue(conn, &dm, &u->d, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_pointer(&u->out, json_object_unref);
	u->out = row;
	/* One entry: the message, the filter, the count. */
	ch->subject_id = db_int(row, "id");
	ch->after = message_row(u->m);
	json_object_set_object_member(ch->after, "filter", json_object_ref(fj));
	json_object_set_int_member(ch->after, "recipients",
	    db_int(row, "recipients"));
	json_object_set_int_member(ch->after, "skipped",
	    db_int(row, "skipped"));
	return TRUE;
}

JsonObject *
app_message_send(const struct app *app, const struct app_actor *actor,
    const struct app_message *m, const struct app_message_filter *f,
    struct app_refusal *refusal, GError **error)
{
	struct message_unit u = { .m = m, .f = f, .actor = actor };

	if (!message_start(actor, &u, refusal, error))
		return NULL;
	if (!app_tx_audited(app, actor, "admin", "message.send", "message",
	        send_run, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	log_info("message %" G_GINT64_FORMAT " queued to %" G_GINT64_FORMAT
	         " people, %" G_GINT64_FORMAT " bounced skipped",
	    db_int(u.out, "id"), db_int(u.out, "recipients"),
	    db_int(u.out, "skipped"));
	return u.out;
}

JsonArray *
app_message_list(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *rows = NULL;
	DbConn *conn;

	if (!app_require(actor, "admin", error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((tz = app_event_zone(conn, actor->event_id, error)) != NULL &&
	    (rows = db_message_list(conn, actor->event_id, 100, &dberr)) ==
	        NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	if (rows != NULL)
		app_local_times(rows, "created_at", tz, "%Y-%m-%d %H:%M", "");
	return rows;
}

JsonArray *
app_message_of_participant(const struct app *app, DbConn *conn, gint64 pid,
    const char *lang, GTimeZone *tz, GError **error)
{
	static const char *const subject[] = { "subject", NULL };
	g_autoptr(GError) dberr = NULL;
	JsonArray *rows = db_message_of_participant(conn, pid, &dberr);
	guint i;

	(void)app;
	if (rows == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	app_local_times(rows, "queued_at", tz, "%Y-%m-%d %H:%M", "");
	for (i = 0; i < json_array_get_length(rows); i++)
		app_localise(json_array_get_object_element(rows, i), lang,
		    subject);
	return rows;
}

/* ---- Reminders ---- */

JsonObject *
app_reminder_settings(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonObject *row;
	DbConn *conn;

	if (!app_require(actor, "admin", error) ||
	    (conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((row = db_reminder_settings(conn, actor->event_id, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return row;
}

/* "7, 1" or "7 1" -> "{7,1}"; NULL for anything else (1..365, at most
 * 10). */
char *
app_reminder_days_parse(const char *text)
{
	g_auto(GStrv) parts = g_strsplit_set(text ? text : "", ", ", -1);
	GString *out = g_string_new("{");
	guint i, n = 0;

	for (i = 0; parts[i] != NULL; i++) {
		guint64 d;

		if (parts[i][0] == '\0')
			continue;
		if (!g_ascii_string_to_unsigned(parts[i], 10, 1, 365, &d,
		        NULL) ||
		    ++n > 10) {
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append_printf(out, "%s%" G_GUINT64_FORMAT,
		    n > 1 ? "," : "", d);
	}
	g_string_append_c(out, '}');
	return g_string_free(out, FALSE);
}

struct reminder_set {
	bool on;
	const char *days; /* an array literal */
};

static gboolean
reminder_set_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct reminder_set *r = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = ch->event_id;
	ch->before = db_reminder_settings(conn, ch->event_id, &dberr);
	if (ch->before == NULL ||
	    !db_reminder_set(conn, ch->event_id, r->on, r->days, &dberr) ||
	    (ch->after = db_reminder_settings(conn, ch->event_id, &dberr)) ==
	        NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	/* The settings, not what has gone out. */
	json_object_remove_member(ch->before, "reminders_sent");
	json_object_remove_member(ch->after, "reminders_sent");
	return TRUE;
}

gboolean
app_reminder_set(const struct app *app, const struct app_actor *actor, bool on,
    const char *days, struct app_refusal *refusal, GError **error)
{
	g_autofree char *lit = app_reminder_days_parse(days);
	struct reminder_set r = { on, lit };

	if (lit == NULL)
		return refuse(refusal, "days", APP_REASON_INVALID, error);
	return app_tx_audited(app, actor, "admin", "event.reminders", "event",
	    reminder_set_run, &r, error);
}

static gboolean
reminders_run(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;

	(void)app;
	if (!db_reminder_queue(conn, user, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_reminders_queue(const struct app *app, unsigned *n, GError **error)
{
	*n = 0;
	if (!app_tx(app, reminders_run, n, error))
		return FALSE;
	if (*n > 0)
		log_info("%u reminders queued", *n);
	return TRUE;
}
