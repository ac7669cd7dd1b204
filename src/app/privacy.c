/*
 * privacy.c -- the privacy promises kept (issue 11, item 6).
 *
 * The statement is made from the event's settings (retention period,
 * controller, the mails its set-up sends) by templates/privacy/LANG.html,
 * so it says what this code does; its SHA-256 is the version stored with
 * each registration.  A participant sees and downloads everything held
 * about them and can delete their registration; the retention job
 * (app_privacy_purge, registrations.c) erases the rest on time.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

/* The statement's values from db_privacy_settings' row s. */
static JsonObject *
statement_ctx(const struct app *app, JsonObject *s, const char *lang)
{
	JsonObject *ctx = json_object_new();
	g_autoptr(GTimeZone) tz = app_zone(db_str(s, "timezone"));
	g_autofree char *name_key = g_strconcat("name_", lang, NULL);
	g_autofree char *erase = app_time_text(tz, db_int(s, "erase_at"),
	    "%Y-%m-%d");
	g_autofree char *period = NULL;
	gint64 months = db_int(s, "retention_months");
	gint64 days = app->conf->retention_days;
	bool en = strcmp(lang, "en") == 0;

	if (months > 0)
		period = g_strdup_printf("%" G_GINT64_FORMAT " %s", months,
		    en ? (months == 1 ? "month" : "months") :
		         (months == 1 ? "måned" : "måneder"));
	else
		period = g_strdup_printf("%" G_GINT64_FORMAT " %s", days,
		    en ? (days == 1 ? "day" : "days") :
		         (days == 1 ? "dag" : "dager"));
	json_object_set_string_member(ctx, "event_name", db_str(s, name_key));
	json_object_set_string_member(ctx, "controller",
	    db_str(s, "controller"));
	json_object_set_string_member(ctx, "mailbox", db_str(s, "mailbox"));
	json_object_set_string_member(ctx, "period", period);
	json_object_set_string_member(ctx, "erase_date", erase);
	json_object_set_int_member(ctx, "confirm_hours",
	    app->conf->confirm_hours);
	json_object_set_boolean_member(ctx, "reminders_on",
	    json_object_get_boolean_member(s, "reminders_on") &&
	        *db_str(s, "reminder_days") != '\0');
	json_object_set_string_member(ctx, "reminder_days",
	    db_str(s, "reminder_days"));
	json_object_set_boolean_member(ctx, "invitation_mode",
	    g_strcmp0(db_str(s, "invitation_mode"), "invitation") == 0);
	return ctx;
}

/* The statement of the event in lang on conn: *html and *version
 * (transfer full); *settings the db row when not NULL. */
static gboolean
statement_in(const struct app *app, DbConn *conn, gint64 event_id,
    const char *lang, char **html, char **version, JsonObject **settings,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) s = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *name = NULL, *sum = NULL;

	lang = g_strcmp0(lang, "en") == 0 ? "en" : "nb";
	s = db_privacy_settings(conn, event_id, app->conf->retention_days,
	    &dberr);
	if (s == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ctx = statement_ctx(app, s, lang);
	name = g_strdup_printf("privacy/%s.html", lang);
	if (!tmpl_render(app->tmpl, name, ctx, out, error))
		return FALSE;
	sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, out->str,
	    (gssize)out->len);
	*version = g_strndup(sum, 16);
	*html = g_string_free(g_steal_pointer(&out), FALSE);
	if (settings != NULL)
		*settings = g_steal_pointer(&s);
	return TRUE;
}

/* The statement's version per event and language, kept a few seconds:
 * a registration records the text its form showed, which was rendered
 * when the form was opened, often minutes before; reading and rendering
 * it again for every registration of a rush costs a query and a render
 * for nothing. */
#define PRIVACY_VERSION_TTL_US (10 * G_USEC_PER_SEC)
static pthread_mutex_t version_lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *version_cache; /* "ID/lang" -> struct version_entry */

struct version_entry {
	char version[17];
	gint64 at;
};

gboolean
app_privacy_version_in(const struct app *app, DbConn *conn, gint64 event_id,
    const char *lang, char **version, GError **error)
{
	g_autofree char *html = NULL;
	g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT "/%s",
	    event_id, g_strcmp0(lang, "en") == 0 ? "en" : "nb");
	gint64 now = g_get_monotonic_time();
	struct version_entry *e;

	*version = NULL;
	lock_acquire(&version_lock);
	if (version_cache == NULL)
		version_cache = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, g_free);
	e = g_hash_table_lookup(version_cache, key);
	if (e != NULL && now - e->at < PRIVACY_VERSION_TTL_US)
		*version = g_strdup(e->version);
	lock_release(&version_lock);
	if (*version != NULL)
		return TRUE;
	if (!statement_in(app, conn, event_id, lang, &html, version, NULL,
	        error))
		return FALSE;
	e = g_new0(struct version_entry, 1);
	g_strlcpy(e->version, *version, sizeof(e->version));
	e->at = now;
	lock_acquire(&version_lock);
	g_hash_table_replace(version_cache, g_steal_pointer(&key), e);
	lock_release(&version_lock);
	return TRUE;
}

struct statement_unit {
	gint64 event_id;
	const char *lang;
	JsonObject *view;
};

static gboolean
statement_run(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct statement_unit *u = user;
	g_autofree char *html = NULL, *version = NULL;
	g_autoptr(JsonObject) s = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree char *erase = NULL;

	if (!statement_in(app, conn, u->event_id, u->lang, &html, &version, &s,
	        error))
		return FALSE;
	tz = app_zone(db_str(s, "timezone"));
	erase = app_time_text(tz, db_int(s, "erase_at"), "%Y-%m-%d");
	g_clear_pointer(&u->view, json_object_unref);
	u->view = json_object_new();
	json_object_set_string_member(u->view, "statement", html);
	json_object_set_string_member(u->view, "version", version);
	json_object_set_int_member(u->view, "retention_months",
	    db_int(s, "retention_months"));
	json_object_set_int_member(u->view, "retention_days",
	    app->conf->retention_days);
	json_object_set_string_member(u->view, "erase_date", erase);
	return TRUE;
}

JsonObject *
app_privacy_statement(const struct app *app, gint64 event_id, const char *lang,
    GError **error)
{
	struct statement_unit u = { event_id, lang, NULL };

	if (!app_db_run(app, statement_run, &u, error))
		return NULL;
	return u.view;
}

/* The participant's document on conn (db_privacy_export), parsed; *tzid
 * the event's zone when not NULL (transfer full). */
static JsonObject *
export_in(DbConn *conn, const char *token, char **tzid, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, row = NULL;
	g_autofree char *hash = NULL;
	g_autoptr(JsonNode) doc = NULL;

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	hash = token_hash(token);
	if ((p = db_participant_by_token(conn, hash, false, &dberr)) == NULL ||
	    (row = db_privacy_export(conn, db_int(p, "event_id"),
	         db_int(p, "id"), &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	doc = json_from_string(db_str(row, "doc"), NULL);
	if (doc == NULL || !JSON_NODE_HOLDS_OBJECT(doc)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "the export is not a JSON object");
		return NULL;
	}
	if (tzid != NULL)
		*tzid = g_strdup(db_str(row, "timezone"));
	return json_object_ref(json_node_get_object(doc));
}

struct export_unit {
	const char *token;
	JsonObject *doc;
	char *tzid;
};

static gboolean
export_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct export_unit *u = user;

	(void)app;
	g_clear_pointer(&u->doc, json_object_unref);
	g_clear_pointer(&u->tzid, g_free);
	u->doc = export_in(conn, u->token, &u->tzid, error);
	return u->doc != NULL;
}

JsonObject *
app_participant_export(const struct app *app, const char *token, GError **error)
{
	struct export_unit u = { token, NULL, NULL };

	if (!app_db_run(app, export_run, &u, error))
		return NULL;
	g_free(u.tzid);
	return u.doc;
}

/* A time member: what PostgreSQL writes for timestamptz in JSON. */
static bool
is_time_key(const char *key)
{
	return g_str_has_suffix(key, "_at") || strcmp(key, "at") == 0 ||
	    strcmp(key, "hold_until") == 0;
}

/* One value as the page shows it: times in tz, null as "". */
static char *
value_text(const char *key, JsonNode *n, GTimeZone *tz)
{
	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return g_strdup("");
	if (JSON_NODE_HOLDS_VALUE(n)) {
		GType t = json_node_get_value_type(n);

		if (t == G_TYPE_STRING) {
			const char *s = json_node_get_string(n);
			g_autoptr(GDateTime) d = NULL, local = NULL;

			if (is_time_key(key) &&
			    (d = g_date_time_new_from_iso8601(s, NULL)) !=
			        NULL &&
			    (local = g_date_time_to_timezone(d, tz)) != NULL)
				return g_date_time_format(local,
				    "%Y-%m-%d %H:%M");
			return g_strdup(s);
		}
		if (t == G_TYPE_BOOLEAN)
			return g_strdup(
			    json_node_get_boolean(n) ? "true" : "false");
		if (t == G_TYPE_INT64)
			return g_strdup_printf("%" G_GINT64_FORMAT,
			    json_node_get_int(n));
		return g_strdup_printf("%g", json_node_get_double(n));
	}
	return json_to_string(n, FALSE);
}

/* "key: value, key: value" of one object. */
static char *
object_line(JsonObject *o, GTimeZone *tz)
{
	GString *line = g_string_new(NULL);
	g_autoptr(GList) keys = json_object_get_members(o);
	GList *k;

	for (k = keys; k != NULL; k = k->next) {
		g_autofree char *v = value_text(k->data,
		    json_object_get_member(o, k->data), tz);

		g_string_append_printf(line, "%s%s: %s", line->len ? ", " : "",
		    (const char *)k->data, v);
	}
	return g_string_free(line, FALSE);
}

/* The page's view of doc: fields, then the sections with rows. */
static JsonObject *
data_view(JsonObject *doc, GTimeZone *tz)
{
	JsonObject *view = json_object_new();
	JsonArray *fields = json_array_new(), *sections = json_array_new();
	JsonObject *reg = json_object_get_object_member(doc, "registration");
	g_autoptr(GList) keys = json_object_get_members(reg);
	g_autoptr(GList) parts = json_object_get_members(doc);
	GList *k;

	for (k = keys; k != NULL; k = k->next) {
		JsonObject *f = json_object_new();
		g_autofree char *v = value_text(k->data,
		    json_object_get_member(reg, k->data), tz);

		json_object_set_string_member(f, "name", k->data);
		json_object_set_string_member(f, "value", v);
		json_array_add_object_element(fields, f);
	}
	for (k = parts; k != NULL; k = k->next) {
		JsonNode *n = json_object_get_member(doc, k->data);
		JsonArray *rows = json_array_new();
		JsonObject *sec;
		guint i;

		if (strcmp(k->data, "registration") == 0 ||
		    strcmp(k->data, "event") == 0) {
			json_array_unref(rows);
			continue;
		}
		if (JSON_NODE_HOLDS_OBJECT(n)) {
			JsonObject *r = json_object_new();
			g_autofree char *line = object_line(
			    json_node_get_object(n), tz);

			json_object_set_string_member(r, "text", line);
			json_array_add_object_element(rows, r);
		} else if (JSON_NODE_HOLDS_ARRAY(n)) {
			JsonArray *a = json_node_get_array(n);

			for (i = 0; i < json_array_get_length(a); i++) {
				JsonObject *r = json_object_new();
				g_autofree char *line = object_line(
				    json_array_get_object_element(a, i), tz);

				json_object_set_string_member(r, "text", line);
				json_array_add_object_element(rows, r);
			}
		}
		if (json_array_get_length(rows) == 0) {
			json_array_unref(rows);
			continue;
		}
		sec = json_object_new();
		json_object_set_string_member(sec, "name", k->data);
		json_object_set_array_member(sec, "rows", rows);
		json_array_add_object_element(sections, sec);
	}
	json_object_set_array_member(view, "fields", fields);
	json_object_set_array_member(view, "sections", sections);
	return view;
}

JsonObject *
app_participant_data(const struct app *app, const char *token, GError **error)
{
	struct export_unit u = { token, NULL, NULL };
	g_autoptr(GTimeZone) tz = NULL;
	JsonObject *view;

	if (!app_db_run(app, export_run, &u, error))
		return NULL;
	tz = app_zone(u.tzid);
	view = data_view(u.doc, tz);
	json_object_unref(u.doc);
	g_free(u.tzid);
	return view;
}

/* A participant acting on their own registration, in the audit log. */
static const struct app_actor participant_actor = { 0, "participant", NULL,
	NULL, 0 };

struct delete_unit {
	const char *token;
	gint64 id;
	unsigned promoted;
};

static gboolean
delete_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct delete_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL;
	gint64 cancels = 0;
	const char *status;

	u->id = 0;
	u->promoted = 0;
	if ((p = app_participant_lock(conn, u->token, error)) == NULL)
		return FALSE;
	u->id = db_int(p, "id");
	status = db_str(p, "status");
	ch->subject_id = u->id;
	ch->event_id = db_int(p, "event_id");
	ch->before = json_object_new();
	json_object_set_string_member(ch->before, "status", status);
	/* Cancelled first, by the path the page's "Cancel" takes; then the
	 * calendar cancellations of what they were invited to; the address
	 * goes last, once those mails are queued with it. */
	if ((g_strcmp0(status, "cancelled") != 0 &&
	        !app_participant_cancel_in(app, conn, p, &u->promoted,
	            &dberr)) ||
	    !db_publish_cancels(conn, db_int(p, "event_id"), u->id, 0, &cancels,
	        &dberr) ||
	    !db_reg_erase_self(conn, u->id, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = json_object_new();
	json_object_set_string_member(ch->after, "status", "cancelled");
	json_object_set_boolean_member(ch->after, "erased", true);
	json_object_set_int_member(ch->after, "calendar_cancels", cancels);
	return TRUE;
}

gboolean
app_participant_delete(const struct app *app, const char *token, GError **error)
{
	struct delete_unit u = { token, 0, 0 };

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return FALSE;
	}
	if (!app_tx_audited(app, &participant_actor, NULL, "participant.delete",
	        "participant", delete_run, &u, error))
		return FALSE;
	log_info("participant %" G_GINT64_FORMAT " deleted their "
	         "registration; %u promoted",
	    u.id, u.promoted);
	app_seats_changed(app);
	return TRUE;
}

struct due_unit {
	JsonArray *rows;
};

static gboolean
due_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct due_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	JsonArray *rows;
	guint i;

	g_clear_pointer(&u->rows, json_array_unref);
	if ((rows = db_privacy_due(conn, app->conf->retention_days, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->rows = json_array_new();
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		JsonObject *v = json_object_new();
		g_autofree char *due = app_time_text(utc, db_int(r, "due_at"),
		    "%Y-%m-%d %H:%M");

		json_object_set_string_member(v, "what", db_str(r, "what"));
		json_object_set_int_member(v, "id", db_int(r, "id"));
		json_object_set_string_member(v, "event", db_str(r, "slug"));
		json_object_set_string_member(v, "due", due);
		json_array_add_object_element(u->rows, v);
	}
	json_array_unref(rows);
	return TRUE;
}

JsonArray *
app_privacy_due(const struct app *app, GError **error)
{
	struct due_unit u = { NULL };

	if (!app_db_run(app, due_run, &u, error))
		return NULL;
	return u.rows;
}

struct settings_unit {
	gint64 event_id, months;
	const char *controller;
	JsonObject *view;
};

static gboolean
settings_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct settings_unit *u = user;
	g_autofree char *html = NULL, *v_nb = NULL, *v_en = NULL;
	g_autoptr(JsonObject) s = NULL;

	if (!statement_in(app, conn, u->event_id, "nb", &html, &v_nb, &s,
	        error) ||
	    !app_privacy_version_in(app, conn, u->event_id, "en", &v_en, error))
		return FALSE;
	g_clear_pointer(&u->view, json_object_unref);
	u->view = json_object_new();
	json_object_set_int_member(u->view, "retention_months",
	    db_int(s, "retention_months"));
	json_object_set_int_member(u->view, "retention_days",
	    app->conf->retention_days);
	json_object_set_string_member(u->view, "controller",
	    db_str(s, "controller"));
	json_object_set_string_member(u->view, "mailbox", db_str(s, "mailbox"));
	json_object_set_string_member(u->view, "version_nb", v_nb);
	json_object_set_string_member(u->view, "version_en", v_en);
	return TRUE;
}

JsonObject *
app_privacy_settings(const struct app *app, const struct app_actor *actor,
    gint64 event_id, GError **error)
{
	struct settings_unit u = { .event_id = event_id };

	if (!app_require(actor, "admin", error))
		return NULL;
	if (!app_db_run(app, settings_run, &u, error))
		return NULL;
	return u.view;
}

static gboolean
settings_set_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct settings_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) s = NULL;

	s = db_privacy_settings(conn, u->event_id, app->conf->retention_days,
	    &dberr);
	if (s == NULL ||
	    !db_privacy_settings_set(conn, u->event_id, u->months,
	        u->controller, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = u->event_id;
	ch->before = json_object_new();
	json_object_set_int_member(ch->before, "retention_months",
	    db_int(s, "retention_months"));
	json_object_set_string_member(ch->before, "controller",
	    db_str(s, "controller"));
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "retention_months", u->months);
	json_object_set_string_member(ch->after, "controller", u->controller);
	return TRUE;
}

gboolean
app_privacy_settings_set(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 months, const char *controller,
    struct app_refusal *refusal, GError **error)
{
	struct settings_unit u = { event_id, months, controller, NULL };
	const char *field = NULL;
	enum app_reason why = APP_REASON_INVALID;
	enum text_err te;

	/* Role first: staff learn nothing from the validation. */
	if (!app_require(actor, "admin", error))
		return FALSE;
	if (months < 0 || months > 120) {
		field = "retention_months";
		why = APP_REASON_RANGE;
	} else if (controller == NULL) {
		field = "controller";
	} else if ((te = text_check_line(controller, 200)) != TEXT_OK &&
	    te != TEXT_EMPTY) {
		field = "controller";
		why = te == TEXT_TOOLONG ? APP_REASON_LENGTH :
		                           APP_REASON_INVALID;
	}
	if (field != NULL) {
		if (refusal != NULL)
			*refusal = (struct app_refusal){ field, why };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
		return FALSE;
	}
	if (!app_tx_audited(app, actor, "admin", "privacy.settings", "event",
	        settings_set_run, &u, error))
		return FALSE;
	/* This process's next registration records the new text at once;
	 * another summitd's within PRIVACY_VERSION_TTL_US. */
	lock_acquire(&version_lock);
	if (version_cache != NULL)
		g_hash_table_remove_all(version_cache);
	lock_release(&version_lock);
	return TRUE;
}
