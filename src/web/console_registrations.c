/*
 * console_registrations.c -- Registrations in the console: the list with
 * search, filters, sorting and paging; one person's detail and what an
 * organiser may do to them (status, promotion, mails again, check-in,
 * erasure, their data as JSON); exports as CSV; the import of invitees.
 *
 * The route table says who may do what: staff may read, export and check
 * people in; everything else needs admin, checked by the dispatcher and
 * again in app/.  Every POST carries the CSRF token and answers 303 on
 * success (POST, redirect, GET).  The list's query parameters are plain
 * words except the search text, which is decoded here (UTF-8, spaces).
 * The import's row is WEB_BIG_BODY, so the CSV may use the whole
 * max_body_bytes (64 KiB by default; more is 413), not only web_form's
 * 8 KiB per value.
 */
#include "web/internal.h"
#include "base/base.h"
#include "form/form.h"

#include <string.h>

#define REG_PER_PAGE 50

/* The search text: decoded, trimmed, one line of at most 200 characters;
 * NULL when absent or unusable. */
static char *
reg_search_text(struct web_req *req)
{
	return web_query_text(req, "q", 200);
}

/* Adds options (value, label, selected) for a <select>. */
static void
reg_option(JsonArray *a, const char *value, const char *label, bool sel)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "value", value);
	json_object_set_string_member(o, "label", label);
	json_object_set_boolean_member(o, "selected", sel);
	json_array_add_object_element(a, o);
}

/* The list's query string for page with the current filters (transfer
 * full): every value percent-encoded. */
static char *
reg_query(struct web_req *req, const char *q, const char *status,
    const char *sector, gint64 session, bool placed, const char *sort,
    bool desc, gint64 page)
{
	GString *s = g_string_new(web_base(req));

	g_string_append(s, "/console/registrations?");

	if (q != NULL && q[0] != '\0') {
		g_autofree char *e = g_uri_escape_string(q, NULL, FALSE);

		g_string_append_printf(s, "q=%s&", e);
	}
	if (status != NULL)
		g_string_append_printf(s, "status=%s&", status);
	if (sector != NULL)
		g_string_append_printf(s, "sector=%s&", sector);
	if (session > 0)
		g_string_append_printf(s, "session=%" G_GINT64_FORMAT "&in=%s&",
		    session, placed ? "placed" : "ranked");
	g_string_append_printf(s, "sort=%s&dir=%s&page=%" G_GINT64_FORMAT, sort,
	    desc ? "desc" : "asc", page);
	return g_string_free(s, FALSE);
}

/* Sets ctx[name] to s and frees s. */
static void
reg_set_owned(JsonObject *o, const char *name, char *s)
{
	json_object_set_string_member(o, name, s);
	g_free(s);
}

/* web_reg_filter_read's reader of the list's query. */
static const char *
reg_query_get(gpointer req, const char *name)
{
	return web_query(req, name);
}

/*
 * GET /console/registrations: 200, 303 (login), 403, 503.
 */
static void
reg_list(struct web_req *req, const struct web_call *call)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL, res = NULL;
	g_autofree char *q = NULL;
	struct app_reg_filter f = { 0 };
	const char *v, *sort_name;
	JsonArray *opts, *cols;
	guint64 u;
	gint64 page = 1, total, pages;
	size_t i;

	q = reg_search_text(req);
	f.q = q;
	web_reg_filter_read(&f, reg_query_get, req);
	f.sort = APP_REG_SORT_REGISTERED;
	if ((v = web_query(req, "sort")) != NULL)
		for (i = 0; i < APP_REG_SORT__MAX; i++)
			if (strcmp(v, app_reg_sort_name(i)) == 0)
				f.sort = (enum app_reg_sort)i;
	sort_name = app_reg_sort_name(f.sort);
	f.desc = g_strcmp0(web_query(req, "dir"), "desc") == 0;
	if ((v = web_query(req, "page")) != NULL &&
	    g_ascii_string_to_unsigned(v, 10, 1,
	        APP_REG_COUNT_CAP / REG_PER_PAGE, &u, NULL))
		page = (gint64)u;
	f.page = page;
	f.per_page = REG_PER_PAGE;

	res = app_reg_list(req->web->app, call->actor, &f, NULL, &error);
	if (res == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "c_registrations"));
	json_object_set_array_member(ctx, "rows",
	    json_array_ref(json_object_get_array_member(res, "rows")));
	web_list_status_texts(req, json_object_get_array_member(ctx, "rows"));
	total = json_object_get_int_member(res, "total");
	json_object_set_int_member(ctx, "total", total);
	json_object_set_boolean_member(ctx, "total_capped",
	    json_object_get_boolean_member(res, "total_capped"));
	json_object_set_string_member(ctx, "q", q ? q : "");

	opts = json_array_new();
	reg_option(opts, "", web_text(req, "registrations_any"),
	    f.status == NULL);
	for (i = 0; i < APP_REG_STATUSES; i++) {
		g_autofree char *k = g_strconcat("status_", app_reg_statuses[i],
		    NULL);

		reg_option(opts, app_reg_statuses[i], web_text(req, k),
		    g_strcmp0(f.status, app_reg_statuses[i]) == 0);
	}
	json_object_set_array_member(ctx, "status_options", opts);

	opts = json_array_new();
	reg_option(opts, "", web_text(req, "registrations_any"),
	    f.sector == NULL);
	{
		JsonArray *sec = json_object_get_array_member(res, "sectors");

		for (i = 0; i < json_array_get_length(sec); i++) {
			JsonObject *s = json_array_get_object_element(sec, i);
			g_autofree char *col = g_strconcat("name_", req->lang,
			    NULL);

			reg_option(opts, app_view_str(s, "code"),
			    app_view_str(s, col),
			    g_strcmp0(f.sector, app_view_str(s, "code")) == 0);
		}
	}
	json_object_set_array_member(ctx, "sector_options", opts);

	opts = json_array_new();
	reg_option(opts, "", web_text(req, "registrations_any"),
	    f.session_id == 0);
	{
		JsonArray *ses = json_object_get_array_member(res, "sessions");
		g_autofree char *col = g_strconcat("title_", req->lang, NULL);

		for (i = 0; i < json_array_get_length(ses); i++) {
			JsonObject *s = json_array_get_object_element(ses, i);
			char num[24];

			g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT,
			    app_view_int(s, "id"));
			reg_option(opts, num, app_view_str(s, col),
			    f.session_id == app_view_int(s, "id"));
		}
	}
	json_object_set_array_member(ctx, "session_options", opts);
	opts = json_array_new();
	reg_option(opts, "ranked", web_text(req, "registrations_in_ranked"),
	    !f.placed);
	reg_option(opts, "placed", web_text(req, "registrations_in_placed"),
	    f.placed);
	json_object_set_array_member(ctx, "in_options", opts);
	opts = json_array_new();
	for (i = 0; i < APP_REG_SORT__MAX; i++) {
		g_autofree char *k = g_strconcat("registrations_sort_",
		    app_reg_sort_name(i), NULL);

		reg_option(opts, app_reg_sort_name(i), web_text(req, k),
		    f.sort == i);
	}
	json_object_set_array_member(ctx, "sort_options", opts);
	opts = json_array_new();
	reg_option(opts, "asc", web_text(req, "registrations_asc"), !f.desc);
	reg_option(opts, "desc", web_text(req, "registrations_desc"), f.desc);
	json_object_set_array_member(ctx, "dir_options", opts);
	json_object_set_boolean_member(ctx, "waitlisted",
	    g_strcmp0(web_query(req, "waitlisted"), "1") == 0);

	/* Column headers sort; clicking the current one flips it. */
	cols = json_array_new();
	for (i = 0; i < APP_REG_SORT__MAX; i++) {
		JsonObject *c = json_object_new();
		const char *sort = app_reg_sort_name(i);
		g_autofree char *k = g_strconcat("registrations_sort_", sort,
		    NULL);
		bool cur = f.sort == i;

		json_object_set_string_member(c, "label", web_text(req, k));
		reg_set_owned(c, "href",
		    reg_query(req, q, f.status, f.sector, f.session_id,
		        f.placed, sort, cur && !f.desc, 1));
		if (cur)
			json_object_set_string_member(c, "aria_sort",
			    f.desc ? "descending" : "ascending");
		json_object_set_string_member(c, "key", sort);
		json_array_add_object_element(cols, c);
	}
	json_object_set_array_member(ctx, "sort_cols", cols);

	pages = (total + REG_PER_PAGE - 1) / REG_PER_PAGE;
	json_object_set_int_member(ctx, "page", page);
	json_object_set_int_member(ctx, "pages", MAX(pages, 1));
	if (page > 1)
		reg_set_owned(ctx, "prev_href",
		    reg_query(req, q, f.status, f.sector, f.session_id,
		        f.placed, sort_name, f.desc, page - 1));
	if (page < pages && page < APP_REG_COUNT_CAP / REG_PER_PAGE)
		reg_set_owned(ctx, "next_href",
		    reg_query(req, q, f.status, f.sector, f.session_id,
		        f.placed, sort_name, f.desc, page + 1));
	web_list_paging(
	    web_list_ctx(ctx, total,
	        json_object_get_boolean_member(ctx, "total_capped")),
	    page, pages,
	    json_object_get_string_member_with_default(ctx, "prev_href", NULL),
	    json_object_get_string_member_with_default(ctx, "next_href", NULL));
	web_bulk_list_ctx(req, ctx, &f, q,
	    g_strcmp0(web_query(req, "waitlisted"), "1") == 0);
	web_render(req, MHD_HTTP_OK, "console/registrations_list.html", ctx);
}

/* Copies title_LANG of each row of a's member name to "title". */
static void
reg_localise_titles(JsonObject *p, const char *name, const char *lang)
{
	static const char *const bases[] = { "title", NULL };
	JsonArray *a = json_object_get_array_member(p, name);
	guint i;

	for (i = 0; a != NULL && i < json_array_get_length(a); i++)
		app_localise(json_array_get_object_element(a, i), lang, bases);
}

/* The detail page with status and an optional error (catalog key). */
static void
reg_detail_render(struct web_req *req, gint64 id, unsigned status,
    const char *error_key)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autofree char *sk = NULL;
	JsonObject *p;
	JsonArray *opts;
	const char *done;
	size_t i;

	p = app_reg_detail(req->web->app, &req->actor, id, &error);
	if (p == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    app_view_str(p, "name"));
	reg_localise_titles(p, "preferences", req->lang);
	reg_localise_titles(p, "assignments", req->lang);
	reg_localise_titles(p, "invitations", req->lang);
	reg_localise_titles(p, "answers", req->lang);
	reg_localise_titles(p, "counters", req->lang);
	sk = g_strconcat("status_", app_view_str(p, "status"), NULL);
	json_object_set_string_member(p, "status_text", web_text(req, sk));
	json_object_set_boolean_member(p, "bounced",
	    json_array_get_length(app_view_array(p, "bounces")) > 0);
	json_object_set_boolean_member(p, "is_waitlisted",
	    g_strcmp0(app_view_str(p, "status"), "waitlisted") == 0);
	opts = json_array_new();
	for (i = 0; i < APP_REG_SETTABLE; i++) {
		g_autofree char *k = g_strconcat("status_", app_reg_statuses[i],
		    NULL);

		reg_option(opts, app_reg_statuses[i], web_text(req, k),
		    g_strcmp0(app_view_str(p, "status"), app_reg_statuses[i]) ==
		        0);
	}
	json_object_set_array_member(ctx, "status_options", opts);
	json_object_set_object_member(ctx, "p", p);
	if ((done = web_query(req, "done")) != NULL) {
		g_autofree char *k = g_strconcat("registrations_done_", done,
		    NULL);

		if (json_object_has_member(web_catalog(req), k))
			json_object_set_string_member(ctx, "notice",
			    web_text(req, k));
	}
	if (error_key != NULL)
		json_object_set_string_member(ctx, "error",
		    web_text(req, error_key));
	web_render(req, status, "console/registrations_detail.html", ctx);
}

/*
 * GET /console/registrations/ID: 200, 303, 403, 404, 503.
 */
static void
reg_detail(struct web_req *req, const struct web_call *c)
{
	reg_detail_render(req, c->id, MHD_HTTP_OK, NULL);
}

/* Answers the outcome of an action: 303 back to the detail with done, or
 * the detail with the error (409 for a state the action does not fit). */
static void
reg_action_end(struct web_req *req, gint64 id, bool ok, const GError *error,
    const struct app_refusal *refusal, const char *done)
{
	g_autofree char *to = NULL;

	if (!ok) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_ESTATE)) {
			reg_detail_render(req, id, MHD_HTTP_CONFLICT,
			    web_refusal_key(refusal,
			        "registrations_err_state"));
			return;
		}
		web_app_error(req, error);
		return;
	}
	to = g_strdup_printf(
	    "/console/registrations/%" G_GINT64_FORMAT "?done=%s", id, done);
	web_redirect(req, to);
}

/* POST /console/registrations/ID/status (admin): 303, 400, 403, 404,
 * 409 (full). */
static void
reg_post_status(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal refusal = { NULL, 0 };
	gint64 id = c->id;
	bool ok;

	ok = app_reg_set_status(req->web->app, c->actor, id,
	    g_hash_table_lookup(c->form, "status"), &refusal, &error);
	if (!ok && g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
		reg_detail_render(req, id, MHD_HTTP_BAD_REQUEST,
		    "registrations_err_status");
		return;
	}
	reg_action_end(req, id, ok, error, &refusal, "status");
}

/* POST /console/registrations/ID/promote (admin): 303, 403, 404, 409. */
static void
reg_post_promote(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal refusal = { NULL, 0 };
	gint64 id = c->id;
	bool ok;

	ok = app_reg_promote(req->web->app, c->actor, id, &refusal, &error);
	reg_action_end(req, id, ok, error, &refusal, "promote");
}

/* POST /console/registrations/ID/resend-confirmation (admin). */
static void
reg_post_resend_confirmation(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	gint64 id = c->id;
	bool ok;

	ok = app_reg_resend_confirmation(req->web->app, c->actor, id, &error);
	reg_action_end(req, id, ok, error, NULL, "confirmation");
}

/* POST /console/registrations/ID/resend-invitations (admin). */
static void
reg_post_resend_invitations(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	gint64 id = c->id, queued = 0;
	bool ok;

	ok = app_reg_resend_invitations(req->web->app, c->actor, id, &queued,
	    &error);
	reg_action_end(req, id, ok, error, NULL,
	    queued > 0 ? "invitations" : "no_invitations");
}

/* POST /console/registrations/ID/email (admin): the corrected address
 * after a bounce.  303, 400 (invalid or taken), 403, 404, 409 (erased). */
static void
reg_post_email(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal refusal = { NULL, 0 };
	gint64 id = c->id, queued = 0;
	bool ok;

	ok = app_reg_correct_email(req->web->app, c->actor, id,
	    g_hash_table_lookup(c->form, "email"), &queued, &refusal, &error);
	if (!ok && refusal.field != NULL) {
		reg_detail_render(req, id, MHD_HTTP_BAD_REQUEST,
		    refusal.reason == APP_REASON_TAKEN ?
		        "registrations_err_email_taken" :
		        "registrations_err_email_form");
		return;
	}
	reg_action_end(req, id, ok, error, NULL, "email");
}

/* POST /console/registrations/ID/checkin (staff): in=1 checks in, in=0
 * out again. */
static void
reg_post_checkin(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	gint64 id = c->id;
	bool ok, in;

	in = g_strcmp0(g_hash_table_lookup(c->form, "in"), "0") != 0;
	ok = app_reg_check_in(req->web->app, c->actor, id, in, &error);
	reg_action_end(req, id, ok, error, NULL, in ? "checkin" : "checkout");
}

/* POST /console/registrations/ID/erase (admin): needs confirm=yes. */
static void
reg_post_erase(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	gint64 id = c->id;
	bool ok;

	if (g_strcmp0(g_hash_table_lookup(c->form, "confirm"), "yes") != 0) {
		reg_detail_render(req, id, MHD_HTTP_BAD_REQUEST,
		    "registrations_err_confirm");
		return;
	}
	ok = app_reg_erase(req->web->app, c->actor, id, &error);
	reg_action_end(req, id, ok, error, NULL, "erase");
}

/* GET /console/registrations/ID/export.json (staff): a download. */
static void
reg_person_json(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL, *body = NULL, *name = NULL;
	gint64 id = c->id;

	if ((json = app_reg_person_json(req->web->app, c->actor, id, &error)) ==
	    NULL) {
		web_app_error(req, error);
		return;
	}
	body = g_strconcat(json, "\n", NULL);
	name = g_strdup_printf("participant-%" G_GINT64_FORMAT ".json", id);
	web_attachment(req, body, strlen(body),
	    "application/json; charset=utf-8", name);
}

static void
reg_export(struct web_req *req, enum sheet_format fmt, const char *base)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	data = app_reg_export(req->web->app, &req->actor, req->lang, fmt, &len,
	    &error);
	web_export(req, data, len, fmt, base, error);
}

/* GET /console/registrations/export.csv (staff). */
static void
reg_export_csv(struct web_req *req, const struct web_call *c)
{
	(void)c;
	reg_export(req, SHEET_CSV, "registrations");
}

/* GET /console/registrations/export-excel.csv (staff). */
static void
reg_export_excel(struct web_req *req, const struct web_call *c)
{
	(void)c;
	reg_export(req, SHEET_CSV_EXCEL, "registrations-excel");
}

/* GET /console/registrations/export.xlsx (staff). */
static void
reg_export_xlsx(struct web_req *req, const struct web_call *c)
{
	(void)c;
	reg_export(req, SHEET_XLSX, "registrations");
}

static void
reg_import_render(struct web_req *req, unsigned status, const char *csv,
    JsonObject *res, const char *error_key)
{
	g_autoptr(JsonObject) ctx = console_ctx(req);
	g_autoptr(JsonObject) event = app_event_view(req->web->app,
	    req->event.id, req->lang, NULL);

	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "registrations_import"));
	if (event != NULL && json_object_has_member(event, "sectors"))
		json_object_set_array_member(ctx, "sectors",
		    json_array_ref(
		        json_object_get_array_member(event, "sectors")));
	json_object_set_string_member(ctx, "csv", csv ? csv : "");
	json_object_set_int_member(ctx, "max_bytes",
	    req->web->conf->max_body_bytes);
	if (res != NULL) {
		JsonArray *rows = json_object_get_array_member(res, "rows");
		guint i, k;

		/* Error keys to texts. */
		for (i = 0; i < json_array_get_length(rows); i++) {
			JsonObject *r = json_array_get_object_element(rows, i);
			JsonArray *e = json_object_get_array_member(r,
			    "errors");
			JsonArray *texts = json_array_new();

			for (k = 0; k < json_array_get_length(e); k++)
				json_array_add_string_element(texts,
				    web_text(req,
				        json_array_get_string_element(e, k)));
			json_object_set_array_member(r, "error_texts", texts);
		}
		json_object_set_object_member(ctx, "result",
		    json_object_ref(res));
	}
	if (error_key != NULL)
		json_object_set_string_member(ctx, "error",
		    web_text(req, error_key));
	web_render(req, status, "console/registrations_import.html", ctx);
}

/* GET /console/registrations/import (admin). */
static void
reg_import_form(struct web_req *req, const struct web_call *c)
{
	(void)c;
	reg_import_render(req, MHD_HTTP_OK, NULL, NULL, NULL);
}

/*
 * POST /console/registrations/import (admin): csv=... shows the preview
 * and stores nothing; with confirm=1 the same CSV is checked again and
 * its good rows stored.  200 (preview, result), 400, 403, 413, 415.
 */
static void
reg_import_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) res = NULL;
	const char *csv;
	bool apply;

	csv = g_hash_table_lookup(c->form, "csv");
	apply = g_strcmp0(g_hash_table_lookup(c->form, "confirm"), "1") == 0;
	if (csv == NULL || csv[0] == '\0') {
		reg_import_render(req, MHD_HTTP_BAD_REQUEST, csv, NULL,
		    "registrations_err_empty");
		return;
	}
	res = app_reg_import(req->web->app, c->actor, csv, apply, &error);
	if (res == NULL) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			reg_import_render(req, MHD_HTTP_BAD_REQUEST, csv, NULL,
			    "registrations_err_csv");
			return;
		}
		web_app_error(req, error);
		return;
	}
	json_object_set_boolean_member(res, "applied", apply);
	json_object_set_boolean_member(res, "can_apply",
	    !apply && json_object_get_int_member(res, "good") > 0);
	reg_import_render(req, MHD_HTTP_OK, csv, res, NULL);
}

const struct web_route console_registrations_routes[] = {
	{ "GET", "/console/registrations", reg_list, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/registrations/export.csv", reg_export_csv, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/registrations/export-excel.csv", reg_export_excel,
	    WEB_STAFF, WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/registrations/export.xlsx", reg_export_xlsx,
	    WEB_STAFF, WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/registrations/import", reg_import_form, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/registrations/import", reg_import_post, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_BIG_BODY },
	{ "GET", "/console/registrations/*", reg_detail, WEB_STAFF, WEB_ARG_ID,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/registrations/*/export.json", reg_person_json,
	    WEB_STAFF, WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/registrations/*/status", reg_post_status, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/registrations/*/promote", reg_post_promote,
	    WEB_ADMIN, WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/registrations/*/resend-confirmation",
	    reg_post_resend_confirmation, WEB_ADMIN, WEB_ARG_ID, WEB_NO_FIELDS,
	    0 },
	{ "POST", "/console/registrations/*/resend-invitations",
	    reg_post_resend_invitations, WEB_ADMIN, WEB_ARG_ID, WEB_NO_FIELDS,
	    0 },
	{ "POST", "/console/registrations/*/email", reg_post_email, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/registrations/*/checkin", reg_post_checkin,
	    WEB_STAFF, WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/registrations/*/erase", reg_post_erase, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
