/*
 * console_badges.c -- the console area "badges": name badges to print
 * (A4 label sheets or one a page for badge printers, for everyone the
 * filter takes or one person) and the door list for a door without
 * network (printed, or as CSV), whose ticks are imported afterwards.
 *
 * The print pages carry no console chrome: their layout is the static
 * style sheets badges.css, badges-LAYOUT.css and doorlist.css (CSP
 * allows no inline style), which place each label in exact millimetres.
 * A name's type size is chosen here by its length, so a long name wraps
 * in a smaller size rather than leaving its label.
 */
#include "web/internal.h"
#include "base/base.h"
#include "form/form.h"

#include <string.h>

/* The layouts of badges-LAYOUT.css: labels per page. */
static const struct {
	const char *name, *text; /* text: its catalogue key */
	unsigned per_page;
} badge_layouts[] = {
	{ "a4-2x4", "badges_layout_a4_2x4", 8 },
	{ "a4-2x5", "badges_layout_a4_2x5", 10 },
	{ "single", "badges_layout_single", 1 },
};

/* The layout named by ?layout= (the first when absent or unknown). */
static size_t
badge_layout(struct web_req *req)
{
	const char *v = web_query(req, "layout");
	size_t i;

	for (i = 0; v != NULL && i < G_N_ELEMENTS(badge_layouts); i++)
		if (strcmp(v, badge_layouts[i].name) == 0)
			return i;
	return 0;
}

/* A type size class for text of n characters: fit-1 (largest) to fit-5,
 * steps where the label's box holds the text in at most two, three,
 * four, five and seven lines (badges.css). */
static const char *
badge_fit(const char *text, const glong steps[4])
{
	static const char *const fit[5] = { "fit-1", "fit-2", "fit-3", "fit-4",
		"fit-5" };
	glong n = g_utf8_strlen(text, -1);
	size_t i;

	for (i = 0; i < 4 && n > steps[i]; i++)
		;
	return fit[i];
}

/* The filter of the query: status (default confirmed; "any"), sector,
 * session, person.  FALSE when a value is not even of its kind. */
static gboolean
badge_query(struct web_req *req, struct app_badge_filter *f)
{
	const char *v;
	guint64 u;

	*f = (struct app_badge_filter){ .status = "confirmed" };
	if ((v = web_query(req, "status")) != NULL)
		f->status = strcmp(v, "any") == 0 ? NULL : v;
	if ((v = web_query(req, "sector")) != NULL && v[0] != '\0')
		f->sector = v;
	if ((v = web_query(req, "session")) != NULL && v[0] != '\0') {
		if (!g_ascii_string_to_unsigned(v, 10, 1, G_MAXINT64, &u, NULL))
			return FALSE;
		f->session_id = (gint64)u;
	}
	if ((v = web_query(req, "person")) != NULL && v[0] != '\0') {
		if (!g_ascii_string_to_unsigned(v, 10, 1, G_MAXINT64, &u, NULL))
			return FALSE;
		f->id = (gint64)u;
	}
	return TRUE;
}

/* Adds an option (value, label, selected). */
static void
badge_option(JsonArray *a, const char *value, const char *label, bool sel)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "value", value);
	json_object_set_string_member(o, "label", label);
	json_object_set_boolean_member(o, "selected", sel);
	json_array_add_object_element(a, o);
}

/*
 * GET /console/badges (staff): the filter and layout, submitted as GET
 * to the print page.  200, 303, 403.
 */
static void
badges_form(struct web_req *req, const struct web_call *c)
{
	static const struct app_badge_filter none = { .status = "confirmed",
		.lists_only = true };
	static const char *const any = "";
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL, ctx = NULL;
	g_autofree char *sec_col = g_strconcat("name_", req->lang, NULL);
	g_autofree char *ses_col = g_strconcat("title_", req->lang, NULL);
	JsonArray *opts, *a;
	size_t i;

	(void)c;
	/* The filters' lists come with the people: no codes made for it. */
	res = app_badges(req->web->app, c->actor, &none, &error);
	if (res == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "badges_title"));
	json_object_set_int_member(ctx, "confirmed",
	    json_array_get_length(app_view_array(res, "people")));
	opts = json_array_new();
	badge_option(opts, "confirmed", web_text(req, "status_confirmed"),
	    true);
	badge_option(opts, "any", web_text(req, "registrations_any"), false);
	for (i = 0; i < APP_REG_STATUSES; i++) {
		g_autofree char *k = g_strconcat("status_", app_reg_statuses[i],
		    NULL);

		if (strcmp(app_reg_statuses[i], "confirmed") != 0)
			badge_option(opts, app_reg_statuses[i],
			    web_text(req, k), false);
	}
	json_object_set_array_member(ctx, "status_options", opts);
	opts = json_array_new();
	badge_option(opts, any, web_text(req, "registrations_any"), true);
	a = app_view_array(res, "sectors");
	for (i = 0; i < json_array_get_length(a); i++) {
		JsonObject *s = json_array_get_object_element(a, i);

		badge_option(opts, app_view_str(s, "code"),
		    app_view_str(s, sec_col), false);
	}
	json_object_set_array_member(ctx, "sector_options", opts);
	opts = json_array_new();
	badge_option(opts, any, web_text(req, "registrations_any"), true);
	a = app_view_array(res, "sessions");
	for (i = 0; i < json_array_get_length(a); i++) {
		JsonObject *s = json_array_get_object_element(a, i);
		char num[24];

		g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT,
		    app_view_int(s, "id"));
		badge_option(opts, num, app_view_str(s, ses_col), false);
	}
	json_object_set_array_member(ctx, "session_options", opts);
	opts = json_array_new();
	for (i = 0; i < G_N_ELEMENTS(badge_layouts); i++)
		badge_option(opts, badge_layouts[i].name,
		    web_text(req, badge_layouts[i].text), i == 0);
	json_object_set_array_member(ctx, "layout_options", opts);
	web_render(req, MHD_HTTP_OK, "console/badges.html", ctx);
}

/*
 * GET /console/badges/print?layout=&status=&sector=&session=&person=
 * (staff): the badges on pages of the layout.  200, 303, 400 (a filter
 * value out of bounds), 403, 404 (person unknown).
 */
static void
badges_print(struct web_req *req, const struct web_call *c)
{
	static const glong name_steps[4] = { 20, 32, 48, 80 };
	static const glong org_steps[4] = { 34, 56, 90, 140 };
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL, ctx = NULL;
	struct app_badge_filter f;
	size_t layout = badge_layout(req);
	unsigned per = badge_layouts[layout].per_page;
	JsonArray *people, *sheets = json_array_new(), *labels = NULL;
	guint i;

	if (!badge_query(req, &f)) {
		json_array_unref(sheets);
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		return;
	}
	res = app_badges(req->web->app, c->actor, &f, &error);
	if (res == NULL) {
		json_array_unref(sheets);
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_error_page(req, MHD_HTTP_BAD_REQUEST,
			    "error_bad_request");
			return;
		}
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "badges_title"));
	json_object_set_string_member(ctx, "layout",
	    badge_layouts[layout].name);
	people = app_view_array(res, "people");
	json_object_set_int_member(ctx, "count", json_array_get_length(people));
	for (i = 0; i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);
		g_autofree char *sk = g_strconcat("sector_", req->lang, NULL);

		if (i % per == 0) {
			JsonObject *sheet = json_object_new();

			labels = json_array_new();
			json_object_set_array_member(sheet, "labels", labels);
			json_object_set_int_member(sheet, "no", i / per + 1);
			json_array_add_object_element(sheets, sheet);
		}
		json_object_set_string_member(p, "name_fit",
		    badge_fit(app_view_str(p, "name"), name_steps));
		json_object_set_string_member(p, "org_fit",
		    badge_fit(app_view_str(p, "organisation"), org_steps));
		json_object_set_string_member(p, "sector_name",
		    app_view_str(p, sk));
		json_object_set_string_member(p, "ink_class",
		    strcmp(app_view_str(p, "ink"), "#ffffff") == 0 ?
		        "ink-light" :
		        "ink-dark");
		json_array_add_object_element(labels, json_object_ref(p));
	}
	json_object_set_array_member(ctx, "sheets", sheets);
	json_object_set_boolean_member(ctx, "none",
	    json_array_get_length(people) == 0);
	web_render(req, MHD_HTTP_OK, "console/badges_print.html", ctx);
}

/*
 * GET /console/door-list (staff): the printable list.  200, 303, 403.
 */
static void
door_list(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL, ctx = NULL;
	g_autofree char *name_col = g_strconcat("name_", req->lang, NULL);

	res = app_door_list(req->web->app, c->actor, &error);
	if (res == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "door_list_title"));
	json_object_set_string_member(ctx, "event_name",
	    app_view_str(res, name_col));
	json_object_set_array_member(ctx, "people",
	    json_array_ref(app_view_array(res, "people")));
	json_object_set_int_member(ctx, "count",
	    json_array_get_length(app_view_array(res, "people")));
	web_render(req, MHD_HTTP_OK, "console/door_list.html", ctx);
}

/* The door list in fmt (staff). */
static void
door_list_export(struct web_req *req, const struct web_call *c,
    enum sheet_format fmt)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	data = app_door_list_export(req->web->app, c->actor, fmt, &len, &error);
	web_export(req, data, len, fmt, "door-list", error);
}

/* GET /console/door-list.csv (staff). */
static void
door_list_csv(struct web_req *req, const struct web_call *c)
{
	door_list_export(req, c, SHEET_CSV);
}

/* GET /console/door-list.xlsx (staff). */
static void
door_list_xlsx(struct web_req *req, const struct web_call *c)
{
	door_list_export(req, c, SHEET_XLSX);
}

static void
door_import_render(struct web_req *req, unsigned status, const char *csv,
    JsonObject *res, const char *error_key)
{
	g_autoptr(JsonObject) ctx = console_ctx(req);

	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "door_import_title"));
	json_object_set_string_member(ctx, "csv", csv ? csv : "");
	if (res != NULL) {
		JsonArray *rows = app_view_array(res, "rows");
		guint i;

		for (i = 0; i < json_array_get_length(rows); i++) {
			JsonObject *r = json_array_get_object_element(rows, i);
			const char *o = app_view_str(r, "outcome");
			g_autofree char *k = g_strconcat("door_import_o_", o,
			    NULL);

			json_object_set_string_member(r, "outcome_text",
			    web_text(req, k));
			json_object_set_boolean_member(r, "refused",
			    strcmp(o, "arrive") != 0 &&
			        strcmp(o, "already") != 0 &&
			        strcmp(o, "skip") != 0);
			if (!json_object_has_member(r, "name"))
				json_object_set_string_member(r, "name", "");
			if (!json_object_has_member(r, "organisation"))
				json_object_set_string_member(r, "organisation",
				    "");
		}
		json_object_set_object_member(ctx, "result",
		    json_object_ref(res));
	}
	if (error_key != NULL)
		json_object_set_string_member(ctx, "error",
		    web_text(req, error_key));
	web_render(req, status, "console/door_import.html", ctx);
}

/* GET /console/door-list/import (admin). */
static void
door_import_form(struct web_req *req, const struct web_call *c)
{
	(void)c;
	door_import_render(req, MHD_HTTP_OK, NULL, NULL, NULL);
}

/*
 * POST /console/door-list/import (admin): csv=... previews and changes
 * nothing; with confirm=1 the same CSV is read again and, when no row is
 * refused, the ticked people are checked in.  200 (preview, done), 400
 * (empty, not CSV), 403, 409 (confirmed with refused rows: nothing
 * changed), 413, 415.
 */
static void
door_import_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL;
	const char *csv = g_hash_table_lookup(c->form, "csv");
	bool apply = g_strcmp0(g_hash_table_lookup(c->form, "confirm"), "1") ==
	    0;
	gint64 refused;

	if (csv == NULL || csv[0] == '\0') {
		door_import_render(req, MHD_HTTP_BAD_REQUEST, csv, NULL,
		    "registrations_err_empty");
		return;
	}
	res = app_door_ticks_import(req->web->app, c->actor, csv, apply,
	    &error);
	if (res == NULL) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			door_import_render(req, MHD_HTTP_BAD_REQUEST, csv, NULL,
			    "door_import_err_csv");
			return;
		}
		web_app_error(req, error);
		return;
	}
	refused = app_view_int(res, "refused");
	json_object_set_boolean_member(res, "can_apply",
	    !apply && refused == 0 && app_view_int(res, "arrive") > 0);
	door_import_render(req,
	    apply && refused > 0 ? MHD_HTTP_CONFLICT : MHD_HTTP_OK, csv, res,
	    apply && refused > 0 ? "door_import_err_refused" : NULL);
}

const struct web_route console_badges_routes[] = {
	{ "GET", "/console/badges", badges_form, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/badges/print", badges_print, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door-list", door_list, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door-list.csv", door_list_csv, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door-list.xlsx", door_list_xlsx, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/door-list/import", door_import_form, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/door-list/import", door_import_post, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_BIG_BODY },
	WEB_ROUTES_END,
};
