/*
 * api.c -- the JSON API's use cases (app/api.h, docs/api.md): tokens,
 * the reads, and a door app's check-in.
 *
 * A token acts for its organiser on its event only; every use case
 * checks the token's scope itself, whatever web checked.  The answers are
 * built here in the shape docs/openapi.json gives them, times as ISO 8601
 * in UTC (an integration wants instants, not the event's local text).
 * Lists are paged by key, not offset: a page stays right while rows are
 * added, and a late page costs what an early one does.
 */
#include "app/internal.h"
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

/* Members of db rows that are Unix seconds, written as ISO 8601. */
static const char *const api_time_members[] = { "starts_at", "ends_at",
	"registration_opens", "registration_closes", "registered_at",
	"checked_in_at", "answered_at" };

/* Unix seconds as "2026-05-04T09:00:00Z" (transfer full). */
static char *
api_iso(gint64 t)
{
	g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc(t);

	return d != NULL ? g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

/* Rewrites row's time members in place: seconds to text, null stays. */
static void
api_times(JsonObject *row)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(api_time_members); i++) {
		const char *m = api_time_members[i];
		g_autofree char *iso = NULL;

		if (!json_object_has_member(row, m) ||
		    json_object_get_null_member(row, m))
			continue;
		iso = api_iso(json_object_get_int_member(row, m));
		json_object_set_string_member(row, m, iso);
	}
}

static void
api_times_all(JsonArray *rows)
{
	guint i;

	for (i = 0; i < json_array_get_length(rows); i++)
		api_times(json_array_get_object_element(rows, i));
}

static gboolean
api_scope(const struct app_api_client *c, unsigned scope, GError **error)
{
	if (c != NULL && (c->scopes & scope) != 0)
		return TRUE;
	g_set_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN,
	    "the token lacks the scope %s",
	    scope == APP_API_READ ? "read" : "checkin");
	return FALSE;
}

/* "read", "checkin", "read,checkin" (either order, no repeats) as bits;
 * 0 for anything else. */
static unsigned
api_scopes_parse(const char *text)
{
	g_auto(GStrv) parts = NULL;
	unsigned bits = 0;
	char **p;

	if (text == NULL || *text == '\0' || strlen(text) > 32)
		return 0;
	parts = g_strsplit(text, ",", -1);
	for (p = parts; *p != NULL; p++) {
		unsigned b = strcmp(*p, "read") == 0 ? APP_API_READ :
		    strcmp(*p, "checkin") == 0       ? APP_API_CHECKIN :
		                                       0;

		if (b == 0 || (bits & b) != 0)
			return 0;
		bits |= b;
	}
	return bits;
}

struct api_token_unit {
	const char *email, *hash, *scopes;
	gint64 expires_at;
	gint64 id;
};

static gboolean
api_token_insert(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct api_token_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = NULL;

	(void)app;
	row = db_api_token_insert(conn, ch->event_id, u->email, u->hash,
	    u->scopes, u->expires_at, &dberr);
	if (row == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->id = db_int(row, "id");
	ch->subject_id = u->id;
	ch->after = json_object_new();
	json_object_set_string_member(ch->after, "organiser", u->email);
	json_object_set_int_member(ch->after, "event_id",
	    db_int(row, "event_id"));
	json_object_set_string_member(ch->after, "scopes", u->scopes);
	if (u->expires_at > 0)
		json_object_set_int_member(ch->after, "expires_at",
		    u->expires_at);
	return TRUE;
}

gboolean
app_api_token_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *email, const char *scopes, gint64 expires_at,
    char **token, gint64 *id, GError **error)
{
	struct app_actor system = { 0, "summitctl", "admin", "", event_id };
	g_autofree char *secret = NULL, *hash = NULL;
	struct api_token_unit u;

	if (actor != NULL && !app_require(actor, "admin", error))
		return FALSE;
	if (email == NULL || text_check_email(email) != TEXT_OK) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "an organiser's e-mail address is needed");
		return FALSE;
	}
	if (api_scopes_parse(scopes) == 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "scopes are read, checkin or read,checkin");
		return FALSE;
	}
	if (expires_at != 0 &&
	    expires_at <= g_get_real_time() / G_USEC_PER_SEC) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "the expiry time has passed");
		return FALSE;
	}
	secret = token_new();
	hash = token_hash(secret);
	u = (struct api_token_unit){ email, hash, scopes, expires_at, 0 };
	if (!app_tx_audited(app, actor != NULL ? actor : &system, NULL,
	        "api_token.add", "api_token", api_token_insert, &u, error))
		return FALSE;
	*token = g_steal_pointer(&secret);
	*id = u.id;
	return TRUE;
}

gboolean
app_api_auth(const struct app *app, const char *token, const char *address,
    struct app_api_client *c, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) row = NULL;
	g_autofree char *hash = NULL;
	DbConn *conn;

	memset(c, 0, sizeof(*c));
	if (token == NULL || !token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND, "no token");
		return FALSE;
	}
	hash = token_hash(token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	row = db_api_token_lookup(conn, hash, &dberr);
	db_release(app->db, conn);
	if (row == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!json_object_get_boolean_member(row, "current")) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN,
		    "the token's event is archived");
		return FALSE;
	}
	c->token_id = db_int(row, "id");
	c->event_id = db_int(row, "event_id");
	c->scopes = api_scopes_parse(db_str(row, "scopes"));
	g_strlcpy(c->email, db_str(row, "email"), sizeof(c->email));
	g_strlcpy(c->role, db_str(row, "role"), sizeof(c->role));
	c->actor = (struct app_actor){ db_int(row, "organiser_id"), c->email,
		c->role, address != NULL ? address : "", c->event_id };
	return TRUE;
}

/* One read on a pooled connection: fn's rows under key. */
struct api_read {
	const struct app_api_client *c;
	enum app_api_list list;
	struct db_api_page page;
	bool is_event;
	JsonObject *out;
};

static gboolean
api_read_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct api_read *r = user;
	g_autoptr(GError) dberr = NULL;
	JsonObject *o = NULL;
	JsonArray *rows = NULL;

	(void)app;
	g_clear_pointer(&r->out, json_object_unref);
	if (r->is_event) {
		if ((o = db_api_event(conn, r->c->event_id, &dberr)) == NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		api_times(o);
		r->out = json_object_new();
		json_object_set_object_member(r->out, "event", o);
		return TRUE;
	}
	switch (r->list) {
	case APP_API_REGISTRATIONS:
		rows = db_api_registrations(conn, &r->page, &dberr);
		break;
	case APP_API_CHECKINS:
		rows = db_api_checkins(conn, &r->page, &dberr);
		break;
	case APP_API_PLACEMENTS:
		rows = db_api_placements(conn, &r->page, &dberr);
		break;
	case APP_API_REPLIES:
		rows = db_api_replies(conn, &r->page, &dberr);
		break;
	}
	if (rows == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	api_times_all(rows);
	r->out = json_object_new();
	json_object_set_array_member(r->out, "data", rows);
	return TRUE;
}

JsonObject *
app_api_event(const struct app *app, const struct app_api_client *c,
    GError **error)
{
	struct api_read r = { .c = c, .is_event = true };

	if (!api_scope(c, APP_API_READ, error) ||
	    !app_db_run(app, api_read_run, &r, error)) {
		g_clear_pointer(&r.out, json_object_unref);
		return NULL;
	}
	return r.out;
}

static gboolean
api_sessions_run(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct api_read *r = user;
	g_autoptr(GError) dberr = NULL;
	JsonArray *rows;

	(void)app;
	g_clear_pointer(&r->out, json_object_unref);
	if ((rows = db_api_sessions(conn, r->c->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	api_times_all(rows);
	r->out = json_object_new();
	json_object_set_array_member(r->out, "sessions", rows);
	return TRUE;
}

JsonObject *
app_api_sessions(const struct app *app, const struct app_api_client *c,
    GError **error)
{
	struct api_read r = { .c = c };

	if (!api_scope(c, APP_API_READ, error) ||
	    !app_db_run(app, api_sessions_run, &r, error)) {
		g_clear_pointer(&r.out, json_object_unref);
		return NULL;
	}
	return r.out;
}

/* A positive decimal id of at most 18 digits; false otherwise. */
static bool
api_id(const char *s, size_t len, gint64 *out)
{
	size_t i;

	if (len == 0 || len > 18)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	*out = g_ascii_strtoll(s, NULL, 10);
	return *out > 0;
}

/* A cursor: "ID" for registrations and check-ins, "SESSION.PARTICIPANT"
 * for placements and replies, as next_cursor wrote it. */
static bool
api_cursor_parse(const char *text, bool pair, gint64 after[2])
{
	const char *dot;

	if (text == NULL)
		return true;
	dot = strchr(text, '.');
	if (!pair)
		return dot == NULL && api_id(text, strlen(text), &after[0]);
	return dot != NULL && api_id(text, (size_t)(dot - text), &after[0]) &&
	    api_id(dot + 1, strlen(dot + 1), &after[1]);
}

/* Checks q into page; the first bad member's name, or NULL. */
static const char *
api_query_check(enum app_api_list list, const struct app_api_query *q,
    struct db_api_page *page)
{
	bool pair = list == APP_API_PLACEMENTS || list == APP_API_REPLIES;
	size_t i;

	page->limit = q->limit == 0 ? APP_API_PAGE_DEFAULT : q->limit;
	if (page->limit < 1 || page->limit > APP_API_PAGE_MAX)
		return "limit";
	if (!api_cursor_parse(q->cursor, pair, page->after))
		return "cursor";
	if (q->session_id < 0)
		return "session";
	page->session_id = q->session_id;
	if (q->status != NULL) {
		if (list != APP_API_REGISTRATIONS)
			return "status";
		for (i = 0; i < APP_REG_STATUSES; i++)
			if (strcmp(q->status, app_reg_statuses[i]) == 0)
				page->status = app_reg_statuses[i];
		if (page->status == NULL)
			return "status";
	}
	if (q->sector != NULL) {
		if (list != APP_API_REGISTRATIONS ||
		    !app_setup_sector_code_ok(q->sector))
			return "sector";
		page->sector = q->sector;
	}
	return NULL;
}

/* next_cursor: the last row's key when the page is full, else null. */
static void
api_next_cursor(JsonObject *out, enum app_api_list list, gint64 limit)
{
	JsonArray *rows = json_object_get_array_member(out, "data");
	guint n = json_array_get_length(rows);
	JsonObject *last;
	g_autofree char *cur = NULL;

	if (n == 0 || (gint64)n < limit) {
		json_object_set_null_member(out, "next_cursor");
		return;
	}
	last = json_array_get_object_element(rows, n - 1);
	if (list == APP_API_PLACEMENTS || list == APP_API_REPLIES)
		cur = g_strdup_printf("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT,
		    json_object_get_int_member(last, "session_id"),
		    json_object_get_int_member(last, "participant_id"));
	else
		cur = g_strdup_printf("%" G_GINT64_FORMAT,
		    json_object_get_int_member(last, "id"));
	json_object_set_string_member(out, "next_cursor", cur);
}

JsonObject *
app_api_list(const struct app *app, const struct app_api_client *c,
    enum app_api_list list, const struct app_api_query *q,
    struct app_refusal *refusal, GError **error)
{
	struct api_read r = { .c = c, .list = list };
	const char *bad;

	if (!api_scope(c, APP_API_READ, error))
		return NULL;
	if ((bad = api_query_check(list, q, &r.page)) != NULL) {
		if (refusal != NULL)
			*refusal = (struct app_refusal){ bad,
				APP_REASON_INVALID };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", bad);
		return NULL;
	}
	r.page.event_id = c->event_id;
	if (!app_db_run(app, api_read_run, &r, error)) {
		g_clear_pointer(&r.out, json_object_unref);
		return NULL;
	}
	api_next_cursor(r.out, list, r.page.limit);
	return r.out;
}

struct api_checkin_unit {
	gint64 event_id, id;
	bool already;
	gint64 at;
};

/* The audited state of a check-in: when, or null. */
static JsonObject *
api_checkin_state(JsonObject *p)
{
	JsonObject *o = json_object_new();

	if (json_object_get_null_member(p, "checked_in_at"))
		json_object_set_null_member(o, "checked_in_at");
	else
		json_object_set_int_member(o, "checked_in_at",
		    db_int(p, "checked_in_at"));
	return o;
}

static gboolean
api_checkin_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct api_checkin_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, now = NULL;

	(void)app;
	ch->subject_id = u->id;
	if ((p = db_reg_get(conn, u->event_id, u->id, true, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->already = json_object_get_boolean_member(p, "checked_in");
	if (u->already) {
		/* Nothing changes: no audit entry, the first time stands. */
		ch->action = NULL;
		u->at = db_int(p, "checked_in_at");
		return TRUE;
	}
	if (strcmp(db_str(p, "status"), "confirmed") != 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
		    "the registration is %s, not confirmed",
		    db_str(p, "status"));
		return FALSE;
	}
	ch->before = api_checkin_state(p);
	if (!db_reg_set_checked_in(conn, u->id, true, &dberr) ||
	    (now = db_reg_get(conn, u->event_id, u->id, false, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = api_checkin_state(now);
	u->at = db_int(now, "checked_in_at");
	return TRUE;
}

JsonObject *
app_api_checkin(const struct app *app, const struct app_api_client *c,
    gint64 registration_id, GError **error)
{
	struct api_checkin_unit u = { 0 };
	g_autofree char *at = NULL;
	JsonObject *out;

	if (!api_scope(c, APP_API_CHECKIN, error))
		return NULL;
	if (registration_id <= 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such registration");
		return NULL;
	}
	u.event_id = c->event_id;
	u.id = registration_id;
	if (!app_tx_audited(app, &c->actor, "staff", "registrations.check_in",
	        "participant", api_checkin_run, &u, error))
		return NULL;
	if (!u.already)
		app_count(APP_COUNT_CHECK_INS, 1);
	out = json_object_new();
	json_object_set_int_member(out, "registration_id", registration_id);
	at = api_iso(u.at);
	json_object_set_string_member(out, "checked_in_at", at);
	json_object_set_boolean_member(out, "already", u.already);
	return out;
}

struct api_overview {
	JsonObject *out;
	gint64 event_id;
};

static gboolean
api_overview_run(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct api_overview *o = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *tokens, *hooks;
	static const char *const cols[] = { "created", "expires", "revoked" };
	size_t i;

	(void)app;
	g_clear_pointer(&o->out, json_object_unref);
	if ((tz = app_event_zone(conn, o->event_id, error)) == NULL)
		return FALSE;
	if ((tokens = db_api_token_list(conn, o->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < G_N_ELEMENTS(cols); i++)
		app_local_times(tokens, cols[i], tz, "%Y-%m-%d %H:%M", "");
	o->out = json_object_new();
	json_object_set_array_member(o->out, "tokens", tokens);
	if ((hooks = db_webhook_list(conn, o->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	json_object_set_array_member(o->out, "webhooks", hooks);
	return TRUE;
}

JsonObject *
app_api_overview(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	struct api_overview o = { NULL, 0 };

	if (!app_require(actor, "admin", error))
		return NULL;
	o.event_id = actor->event_id;
	if (!app_db_run(app, api_overview_run, &o, error)) {
		g_clear_pointer(&o.out, json_object_unref);
		return NULL;
	}
	return o.out;
}

static gboolean
api_token_revoke_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = *(const gint64 *)user;
	if (!db_api_token_revoke(conn, ch->event_id, ch->subject_id, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = json_object_new();
	json_object_set_boolean_member(ch->after, "revoked", TRUE);
	return TRUE;
}

gboolean
app_api_token_revoke(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error)
{
	return app_tx_audited(app, actor, "admin", "api_token.revoke",
	    "api_token", api_token_revoke_run, &id, error);
}
