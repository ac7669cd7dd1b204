/*
 * console_door.c -- the console area "door": the check-in desk, made for
 * keyboard-wedge scanners (the scanner types the code and Enter into an
 * autofocused field; the answer comes back as a page with the field
 * focused again, no JavaScript), its search by name or organisation,
 * check-in at a session's door, undo, the live counts with the no-show
 * lists and their CSV, and re-issuing a participant's check-in code.
 *
 * The desk is the only page the "door" role may use (WEB_DOOR); its
 * name ("door 2") is a cookie the desk sets once, so every answer says
 * where an earlier check-in happened.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

#define DOOR_COOKIE "summit_door"

/* The desk's name from its cookie, "" when unset or unusable
 * (transfer full). */
static char *
door_name(struct web_req *req)
{
	const char *c = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
	    DOOR_COOKIE);
	char *name = c != NULL ? g_uri_unescape_string(c, NULL) : NULL;

	if (name == NULL || !g_utf8_validate(name, -1, NULL) ||
	    (*name != '\0' &&
	        text_check_line(name, APP_DOOR_NAME_MAX) != TEXT_OK)) {
		g_free(name);
		return g_strdup("");
	}
	return name;
}

/* A session id from a form or query value; 0 for none, -1 for junk. */
static gint64
door_id(const char *v)
{
	gint64 id = 0;

	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		return 0;
	return web_parse_id(v, &id) ? id : -1;
}

/* Localises the titles and sectors of an answer or a list in place. */
static void
door_localise_rows(JsonArray *rows, const char *lang)
{
	guint i;

	for (i = 0; rows != NULL && i < json_array_get_length(rows); i++)
		app_localise(json_array_get_object_element(rows, i), lang,
		    (const char *const[]){ "title", NULL });
}

/* The desk's text for an answer: what the colour means. */
static void
door_answer_ctx(struct web_req *req, JsonObject *res)
{
	const char *outcome = app_view_str(res, "outcome");
	JsonObject *person = app_view_object(res, "person");
	JsonObject *session = app_view_object(res, "session");
	g_autofree char *key = NULL;

	if (strcmp(outcome, "red") == 0) {
		key = g_strconcat("door_red_", app_view_str(res, "reason"),
		    NULL);
		json_object_set_string_member(res, "verdict",
		    web_text(req, key));
	} else
		json_object_set_string_member(res, "verdict",
		    web_text(req,
		        strcmp(outcome, "green") == 0 ? "door_green" :
		                                        "door_amber"));
	json_object_set_boolean_member(res, "is_amber",
	    strcmp(outcome, "amber") == 0);
	json_object_set_boolean_member(res, "can_undo",
	    strcmp(outcome, "red") != 0 && app_actor_may(&req->actor, "staff"));
	if (person != NULL) {
		JsonArray *today = app_view_array(person, "today");

		app_localise(person, req->lang,
		    (const char *const[]){ "sector", NULL });
		door_localise_rows(today, req->lang);
		json_object_set_boolean_member(person, "has_today",
		    json_array_get_length(today) > 0);
	}
	if (session != NULL)
		app_localise(session, req->lang,
		    (const char *const[]){ "title", NULL });
}

/* The walk-in form when the event takes walk-ins: walk_ins, the sectors
 * to choose from, the error of the last try; false if the page failed. */
static bool
door_walk_in_ctx(struct web_req *req, JsonObject *ctx, JsonObject *counts,
    const char *error_key)
{
	g_autoptr(GError) error = NULL;
	JsonObject *ev = app_view_object(counts, "event");
	bool on = app_view_bool(ev, "walk_ins");
	JsonObject *view;

	json_object_set_boolean_member(ctx, "walk_ins", on);
	json_object_set_string_member(ctx, "walk_in_error",
	    error_key != NULL ? web_text(req, error_key) : "");
	json_object_set_array_member(ctx, "walk_in_sectors", json_array_new());
	if (!on)
		return true;
	if ((view = app_event_view(req->web->app, req->event.id, req->lang,
	         &error)) == NULL) {
		web_app_error(req, error);
		return false;
	}
	json_object_set_array_member(ctx, "walk_in_sectors",
	    json_array_ref(app_view_array(view, "sectors")));
	json_object_unref(view);
	return true;
}

/*
 * Renders the desk: its door, the session whose door it is (0: the
 * event's), the answer to a scan (or NULL) and a search's results (q
 * NULL: none).
 */
static void
door_render(struct web_req *req, unsigned status, gint64 session_id,
    JsonObject *result, const char *q, const char *walk_in_error)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(JsonObject) counts = NULL;
	g_autofree char *door = door_name(req);
	JsonArray *sessions, *found = NULL;
	guint i;

	counts = app_door_counts(req->web->app, &req->actor, &error);
	if (counts == NULL) {
		web_app_error(req, error);
		return;
	}
	if (q != NULL && *q != '\0' &&
	    (found = app_door_search(req->web->app, &req->actor, q, &error)) ==
	        NULL &&
	    !g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	sessions = app_view_array(counts, "sessions");
	door_localise_rows(sessions, req->lang);
	json_object_set_null_member(ctx, "session");
	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);
		bool here = app_view_int(s, "id") == session_id;

		json_object_set_boolean_member(s, "selected", here);
		if (here)
			json_object_set_object_member(ctx, "session",
			    json_object_ref(s));
	}
	json_object_set_array_member(ctx, "sessions", json_array_ref(sessions));
	json_object_set_int_member(ctx, "session_id", session_id);
	json_object_set_string_member(ctx, "door", door);
	json_object_set_string_member(ctx, "q", q != NULL ? q : "");
	json_object_set_boolean_member(ctx, "searched", q != NULL && *q);
	json_object_set_array_member(ctx, "found",
	    found != NULL ? found : json_array_new());
	json_object_set_boolean_member(ctx, "is_staff",
	    app_actor_may(&req->actor, "staff"));
	json_object_set_boolean_member(ctx, "undone",
	    g_strcmp0(web_query(req, "done"), "undone") == 0);
	if (result != NULL) {
		door_answer_ctx(req, result);
		json_object_set_object_member(ctx, "result",
		    json_object_ref(result));
	} else
		json_object_set_null_member(ctx, "result");
	if (!door_walk_in_ctx(req, ctx, counts, walk_in_error))
		return;
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "door_title"));
	web_render(req, status, "console/door.html", ctx);
}

/* GET /console/door[?session=ID][&q=TEXT] (door): the desk. */
static void
door_page(struct web_req *req, const struct web_call *c)
{
	gint64 session_id = door_id(web_query(req, "session"));
	g_autofree char *q = web_query_text(req, "q", 200);

	(void)c;
	if (session_id < 0) {
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return;
	}
	door_render(req, MHD_HTTP_OK, session_id, NULL, q, NULL);
}

/*
 * POST /console/door (door): one scan -- code (as the scanner or a
 * person typed it) or participant (from the search), and session (0 or
 * empty: the event's door).  200 with the answer and the field ready for
 * the next scan, whatever the colour; 404 for a session that is not one.
 */
static void
door_scan(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL;
	g_autofree char *door = door_name(req);
	struct app_door_scan in = { 0 };
	gint64 pid = door_id(g_hash_table_lookup(c->form, "participant"));

	in.code = g_hash_table_lookup(c->form, "code");
	in.participant_id = pid > 0 ? pid : 0;
	in.session_id = door_id(g_hash_table_lookup(c->form, "session"));
	in.door = door;
	if (in.session_id < 0 || pid < 0) {
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return;
	}
	res = app_door_scan(req->web->app, c->actor, &in, &error);
	if (res == NULL) {
		web_app_error(req, error);
		return;
	}
	door_render(req, MHD_HTTP_OK, in.session_id, res, NULL, NULL);
}

/*
 * POST /console/door/walk-in (door): name, email, organisation, sector,
 * language; registers them, confirmed, and checks them in: the desk with
 * the green answer; 400 with the form's error, 409 when the event takes no
 * walk-ins (or it is not its day).
 */
static void
door_walk_in(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL;
	g_autofree char *door = door_name(req);
	struct app_refusal refusal = { NULL, 0 };
	struct app_walk_in w = {
		g_hash_table_lookup(c->form, "name"),
		g_hash_table_lookup(c->form, "email"),
		g_hash_table_lookup(c->form, "organisation"),
		g_hash_table_lookup(c->form, "sector"),
		g_hash_table_lookup(c->form, "language"),
		door,
	};

	if (w.language == NULL)
		w.language = req->lang;
	res = app_door_walk_in(req->web->app, c->actor, &w, &refusal, &error);
	if (res != NULL) {
		door_render(req, MHD_HTTP_OK, 0, res, NULL, NULL);
		return;
	}
	if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
		door_render(req, MHD_HTTP_BAD_REQUEST, 0, NULL, NULL,
		    refusal.reason == APP_REASON_TAKEN ?
		        "door_err_walk_in_taken" :
		        refusal.reason == APP_REASON_FULL ?
		        "door_err_walk_in_full" :
		        "door_err_walk_in");
		return;
	}
	if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ESTATE)) {
		web_error_page(req, MHD_HTTP_CONFLICT, "door_err_no_walk_ins");
		return;
	}
	web_app_error(req, error);
}

/* POST /console/door/walk-ins (admin): on=1 lets the desk register
 * walk-ins, on=0 not; 303 to the counts. */
static void
door_walk_ins(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	bool on = g_strcmp0(g_hash_table_lookup(c->form, "on"), "1") == 0;

	if (!app_door_walk_ins_set(req->web->app, c->actor, on, &error)) {
		web_app_error(req, error);
		return;
	}
	web_redirect(req, "/console/door/counts");
}

/* POST /console/door/name (door): sets the desk's name (a cookie for a
 * year), then 303 back to the desk; 400 for a name that is not one line
 * of at most APP_DOOR_NAME_MAX characters. */
static void
door_set_name(struct web_req *req, const struct web_call *c)
{
	const char *name = g_hash_table_lookup(c->form, "door");
	gint64 session_id = door_id(g_hash_table_lookup(c->form, "session"));
	g_autofree char *trim = NULL, *esc = NULL, *cookie = NULL, *to = NULL;

	/* An empty name takes the desk's away. */
	if (name == NULL ||
	    (*name != '\0' &&
	        text_check_line(name, APP_DOOR_NAME_MAX) != TEXT_OK)) {
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "door_err_name");
		return;
	}
	trim = g_strstrip(g_strdup(name));
	esc = g_uri_escape_string(trim, NULL, FALSE);
	cookie = g_strdup_printf("%s=%s; Path=/; HttpOnly; "
	                         "SameSite=Strict; Max-Age=31536000%s",
	    DOOR_COOKIE, esc, req->web->https ? "; Secure" : "");
	web_add_header(req, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	to = g_strdup_printf("/console/door?session=%" G_GINT64_FORMAT,
	    MAX(session_id, 0));
	web_redirect(req, to);
}

/* POST /console/door/undo (staff): participant, session; 303 to the desk,
 * 409 when there was no such check-in. */
static void
door_undo(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	gint64 pid = door_id(g_hash_table_lookup(c->form, "participant"));
	gint64 sid = door_id(g_hash_table_lookup(c->form, "session"));
	g_autofree char *to = NULL;

	if (!app_door_undo(req->web->app, c->actor, pid, MAX(sid, 0), &error)) {
		web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/console/door?session=%" G_GINT64_FORMAT
	                     "&done=undone",
	    MAX(sid, 0));
	web_redirect(req, to);
}

/* GET /console/door/counts[?auto=1] (staff): arrived / expected; with
 * auto=1 the page reloads itself every 15 seconds (a reload nobody asked
 * for would take the page from under a screen reader: WCAG 2.2.1). */
static void
door_counts(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *counts;
	bool auto_refresh;

	counts = app_door_counts(req->web->app, c->actor, &error);
	if (counts == NULL) {
		web_app_error(req, error);
		return;
	}
	door_localise_rows(app_view_array(counts, "sessions"), req->lang);
	ctx = console_ctx(req);
	json_object_set_object_member(ctx, "counts", counts);
	auto_refresh = g_strcmp0(web_query(req, "auto"), "1") == 0;
	if (auto_refresh)
		json_object_set_int_member(ctx, "refresh", 15);
	json_object_set_boolean_member(ctx, "auto", auto_refresh);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "door_counts_title"));
	web_render(req, MHD_HTTP_OK, "console/door_counts.html", ctx);
}

/* The no-shows of ?session=ID (none: the event) or an error page;
 * *sid gets the session (transfer full). */
static JsonArray *
door_no_shows_of(struct web_req *req, const struct web_call *c, gint64 *sid)
{
	g_autoptr(GError) error = NULL;
	JsonArray *rows;

	*sid = door_id(web_query(req, "session"));
	if (*sid < 0) {
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return NULL;
	}
	rows = app_door_no_shows(req->web->app, c->actor, *sid, &error);
	if (rows == NULL) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ESTATE))
			web_error_page(req, MHD_HTTP_CONFLICT,
			    "door_err_not_started");
		else
			web_app_error(req, error);
	}
	return rows;
}

/* GET /console/door/no-shows[?session=ID] (staff): who is expected and
 * has not come, once the event or the session has started (else 409). */
static void
door_no_shows(struct web_req *req, const struct web_call *c)
{
	g_autoptr(JsonObject) ctx = NULL;
	JsonArray *rows;
	gint64 sid;

	if ((rows = door_no_shows_of(req, c, &sid)) == NULL)
		return;
	ctx = console_ctx(req);
	web_list_rows(ctx, rows, 0);
	json_object_set_array_member(ctx, "rows", rows);
	json_object_set_int_member(ctx, "session_id", sid);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "door_no_shows_title"));
	web_render(req, MHD_HTTP_OK, "console/door_no_shows.html", ctx);
}

/* The no-shows in fmt: id and table as numbers (an empty cell for no
 * table), the rest as text. */
static void
door_no_shows_export(struct web_req *req, const struct web_call *c,
    enum sheet_format fmt)
{
	static const char *const cols[] = { "id", "name", "organisation",
		"sector", "table_no" };
	static const char *const heads[] = { "id", "name", "organisation",
		"sector", "table" };
	g_autoptr(JsonArray) rows = NULL;
	g_autoptr(SheetBook) book = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;
	gint64 sid;
	guint i;
	size_t k;

	if ((rows = door_no_shows_of(req, c, &sid)) == NULL)
		return;
	if ((book = sheet_book_new(fmt, &error)) == NULL) {
		web_app_error(req, error);
		return;
	}
	sheet_list(book, "no-shows", heads, G_N_ELEMENTS(heads));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		for (k = 0; k < G_N_ELEMENTS(cols); k++) {
			JsonNode *n = json_object_get_member(r, cols[k]);

			if (n == NULL || !JSON_NODE_HOLDS_VALUE(n))
				sheet_empty(book);
			else if (json_node_get_value_type(n) == G_TYPE_STRING)
				sheet_text(book, json_node_get_string(n));
			else
				sheet_int(book, json_node_get_int(n));
		}
		sheet_row_end(book);
	}
	data = sheet_book_finish(g_steal_pointer(&book), &len, &error);
	web_export(req, data, len, fmt, "no-shows", error);
}

/* GET /console/door/no-shows.csv[?session=ID] (staff): the same as CSV. */
static void
door_no_shows_csv(struct web_req *req, const struct web_call *c)
{
	door_no_shows_export(req, c, SHEET_CSV);
}

/* GET /console/door/no-shows.xlsx[?session=ID] (staff): as .xlsx. */
static void
door_no_shows_xlsx(struct web_req *req, const struct web_call *c)
{
	door_no_shows_export(req, c, SHEET_XLSX);
}

/* POST /console/registrations/ID/checkin-code (staff): revokes the
 * person's check-in code and issues a new one; 303 to their page, 409
 * unless they are confirmed. */
static void
door_reissue(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_checkin_code code;
	g_autofree char *to = NULL;

	if (!app_checkin_code_reissue(req->web->app, c->actor, c->id, &code,
	        &error)) {
		web_app_error(req, error);
		return;
	}
	to = g_strdup_printf("/console/registrations/%" G_GINT64_FORMAT
	                     "?done=checkin_code",
	    c->id);
	web_redirect(req, to);
}

const struct web_route console_door_routes[] = {
	{ "GET", "/console/door", door_page, WEB_DOOR, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/door", door_scan, WEB_DOOR, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/door/name", door_set_name, WEB_DOOR, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/door/undo", door_undo, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/door/walk-in", door_walk_in, WEB_DOOR, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/door/walk-ins", door_walk_ins, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door/counts", door_counts, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door/no-shows", door_no_shows, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door/no-shows.csv", door_no_shows_csv, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door/no-shows.xlsx", door_no_shows_xlsx, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/registrations/*/checkin-code", door_reissue,
	    WEB_STAFF, WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
