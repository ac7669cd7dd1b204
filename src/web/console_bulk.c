/*
 * console_bulk.c -- bulk actions on the console's registrations list: the
 * list's form of checkboxes (one per row, "all on this page", "all N
 * matching the filter") leads to a confirmation page naming everyone the
 * action will change; its POST does it (app_reg_bulk_apply: one
 * transaction, one audit entry) and shows each person's outcome.  The
 * export of the selection answers at once, as the list's exports do.
 *
 * Without JavaScript the whole path works: a row's checkbox is
 * sel_ID=1, the page's ids ride in page_ids, and the filter in hidden
 * fields of the same names as the list's query, so the confirmation page
 * recomputes the set the filter matches now and lists it.  Its form then
 * carries exactly those ids.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

/* The form's actions: the app's, then the exports. */
static const char *const bulk_exports[] = { "export_csv", "export_xlsx" };

/* Reads the list's filter (all but q, which the caller reads) from the
 * values get finds in src: a value out of bounds does not filter. */
void
web_reg_filter_read(struct app_reg_filter *f, WebValueGet get, gpointer src)
{
	const char *v;
	guint64 u;
	size_t i;

	if (g_strcmp0(get(src, "waitlisted"), "1") == 0)
		f->status = "waitlisted";
	else if ((v = get(src, "status")) != NULL)
		for (i = 0; i < APP_REG_STATUSES; i++)
			if (strcmp(v, app_reg_statuses[i]) == 0)
				f->status = app_reg_statuses[i];
	if ((v = get(src, "sector")) != NULL && v[0] != '\0' &&
	    text_check_line(v, 32) == TEXT_OK)
		f->sector = v;
	if ((v = get(src, "session")) != NULL &&
	    g_ascii_string_to_unsigned(v, 10, 1, G_MAXINT64, &u, NULL))
		f->session_id = (gint64)u;
	f->placed = g_strcmp0(get(src, "in"), "placed") == 0;
}

/* Adds a hidden field {name, value} to a. */
static void
bulk_hidden(JsonArray *a, const char *name, const char *value)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", name);
	json_object_set_string_member(o, "value", value);
	json_array_add_object_element(a, o);
}

/* The action's label (catalogue bulk_do_NAME). */
static const char *
bulk_action_text(struct web_req *req, const char *name)
{
	g_autofree char *k = g_strconcat("bulk_do_", name, NULL);

	return web_text(req, k);
}

/* Adds an option of the action select. */
static void
bulk_option(struct web_req *req, JsonArray *a, const char *name)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "value", name);
	json_object_set_string_member(o, "label", bulk_action_text(req, name));
	json_array_add_object_element(a, o);
}

void
web_bulk_list_ctx(struct web_req *req, JsonObject *ctx,
    const struct app_reg_filter *f, const char *q, bool waitlisted)
{
	JsonObject *b = json_object_new();
	JsonArray *hidden = json_array_new(), *acts = json_array_new();
	JsonArray *rows = json_object_get_array_member(ctx, "rows");
	GString *ids = g_string_new(NULL);
	char num[24];
	guint i;

	for (i = 0; rows != NULL && i < json_array_get_length(rows); i++)
		g_string_append_printf(ids, "%s%" G_GINT64_FORMAT,
		    i > 0 ? "," : "",
		    app_view_int(json_array_get_object_element(rows, i), "id"));
	json_object_set_string_member(b, "page_ids", ids->str);
	json_object_set_int_member(b, "on_page", i);
	g_string_free(ids, TRUE);
	if (q != NULL && q[0] != '\0')
		bulk_hidden(hidden, "q", q);
	if (waitlisted)
		bulk_hidden(hidden, "waitlisted", "1");
	else if (f->status != NULL)
		bulk_hidden(hidden, "status", f->status);
	if (f->sector != NULL)
		bulk_hidden(hidden, "sector", f->sector);
	if (f->session_id > 0) {
		g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT,
		    f->session_id);
		bulk_hidden(hidden, "session", num);
		bulk_hidden(hidden, "in", f->placed ? "placed" : "ranked");
	}
	json_object_set_array_member(b, "hidden", hidden);
	if (json_object_get_boolean_member(ctx, "is_admin")) {
		for (i = 0; i < APP_REG_BULK__MAX; i++)
			bulk_option(req, acts, app_reg_bulk_name(i));
		bulk_option(req, acts, "message");
	}
	for (i = 0; i < G_N_ELEMENTS(bulk_exports); i++)
		bulk_option(req, acts, bulk_exports[i]);
	json_object_set_array_member(b, "actions", acts);
	json_object_set_int_member(b, "max", APP_REG_BULK_MAX);
	json_object_set_object_member(ctx, "bulk", b);
}

/* The bulk page: what ctx holds (people to confirm, an outcome, or an
 * error: catalogue key) with status. */
static void
bulk_render(struct web_req *req, unsigned status, JsonObject *ctx,
    const char *error_key)
{
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "bulk_title"));
	json_object_set_int_member(ctx, "max", APP_REG_BULK_MAX);
	if (error_key != NULL)
		json_object_set_string_member(ctx, "error",
		    web_text(req, error_key));
	web_render(req, status, "console/registrations_bulk.html", ctx);
}

/* An app refusal of the selection as the bulk page's error; other errors
 * as their error page. */
static void
bulk_fail(struct web_req *req, const GError *error,
    const struct app_refusal *refusal)
{
	g_autoptr(JsonObject) ctx = NULL;
	const char *key = "bulk_err_selection";

	if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
		web_app_error(req, error);
		return;
	}
	if (g_strcmp0(refusal->field, "selection") == 0)
		key = refusal->reason == APP_REASON_MISSING ? "bulk_err_none" :
		    refusal->reason == APP_REASON_RANGE     ? "bulk_err_many" :
		                                          "bulk_err_selection";
	ctx = console_ctx(req);
	bulk_render(req, MHD_HTTP_BAD_REQUEST, ctx, key);
}

bool
web_ids_parse(const char *text, GArray *ids, guint max)
{
	g_auto(GStrv) parts = NULL;
	guint i;

	if (text == NULL || text[0] == '\0')
		return true;
	parts = g_strsplit(text, ",", -1);
	for (i = 0; parts[i] != NULL; i++) {
		gint64 id;

		if (ids->len >= max || !web_parse_id(parts[i], &id))
			return false;
		g_array_append_val(ids, id);
	}
	return true;
}

/* The checked rows: every sel_ID=1 of the form. */
static bool
bulk_ids_checked(GHashTable *form, GArray *ids)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, form);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		gint64 id;

		if (!g_str_has_prefix(k, "sel_"))
			continue;
		if (strcmp(v, "1") != 0 || !web_parse_id((char *)k + 4, &id))
			return false;
		g_array_append_val(ids, id);
	}
	return true;
}

static const char *
bulk_form_get(gpointer src, const char *name)
{
	return g_hash_table_lookup(src, name);
}

/* Lists people's names for the page: ids as "1,2,3" into *ids_text. */
static JsonArray *
bulk_people_ctx(struct web_req *req, JsonArray *people, char **ids_text)
{
	GString *ids = g_string_new(NULL);
	guint i;

	for (i = 0; i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);
		g_autofree char *k = g_strconcat("status_",
		    app_view_str(p, "status"), NULL);

		json_object_set_string_member(p, "status_text",
		    web_text(req, k));
		g_string_append_printf(ids, "%s%" G_GINT64_FORMAT,
		    i > 0 ? "," : "", app_view_int(p, "id"));
	}
	*ids_text = g_string_free(ids, FALSE);
	return json_array_ref(people);
}

/*
 * POST /console/registrations/bulk (staff; admin for a change): the
 * confirmation page (200), or the export's download; 400 for no, too
 * many or unknown people or an unknown action, 403.
 */
static void
bulk_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(JsonObject) ctx = NULL, res = NULL;
	g_autofree char *q = NULL, *ids_text = NULL;
	struct app_refusal refusal = { NULL, 0 };
	struct app_reg_filter f = { 0 };
	struct app_reg_selection sel = { NULL, 0, NULL };
	const char *action = g_hash_table_lookup(c->form, "action");
	const char *scope = g_hash_table_lookup(c->form, "scope");
	enum app_reg_bulk act;
	int export = -1;
	bool ok = true, message;
	guint i;

	for (i = 0; i < G_N_ELEMENTS(bulk_exports); i++)
		if (g_strcmp0(action, bulk_exports[i]) == 0)
			export = (int)i;
	message = g_strcmp0(action, "message") == 0;
	if (export < 0 && !message && !app_reg_bulk_parse(action, &act)) {
		ctx = console_ctx(req);
		bulk_render(req, MHD_HTTP_BAD_REQUEST, ctx, "bulk_err_action");
		return;
	}
	if (g_strcmp0(scope, "filter") == 0) {
		q = g_strdup(bulk_form_get(c->form, "q"));
		if (q != NULL)
			text_trim(q);
		f.q = q != NULL && q[0] != '\0' ? q : NULL;
		web_reg_filter_read(&f, bulk_form_get, c->form);
		sel.filter = &f;
	} else if (g_strcmp0(scope, "page") == 0)
		ok = web_ids_parse(g_hash_table_lookup(c->form, "page_ids"),
		    ids, APP_REG_BULK_MAX + 1);
	else
		ok = bulk_ids_checked(c->form, ids);
	if (!ok) {
		ctx = console_ctx(req);
		bulk_render(req, MHD_HTTP_BAD_REQUEST, ctx,
		    "bulk_err_selection");
		return;
	}
	sel.ids = (const gint64 *)(void *)ids->data;
	sel.n = ids->len;
	if (export >= 0) {
		enum sheet_format fmt = export == 0 ? SHEET_CSV : SHEET_XLSX;
		g_autofree char *data = NULL;
		gsize len = 0;

		data = app_reg_bulk_export(req->web->app, c->actor, c->event_id,
		    &sel, req->lang, fmt, &len, &refusal, &error);
		if (data == NULL)
			bulk_fail(req, error, &refusal);
		else
			web_export(req, data, len, fmt,
			    "registrations-selected", NULL);
		return;
	}
	res = app_reg_bulk_preview(req->web->app, c->actor, c->event_id, &sel,
	    false, &refusal, &error);
	if (res == NULL) {
		bulk_fail(req, error, &refusal);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_array_member(ctx, "people",
	    bulk_people_ctx(req, app_view_array(res, "people"), &ids_text));
	if (message) {
		/* The messages page takes it from here, its preview
		 * counting exactly these people. */
		g_autofree char *to = g_strconcat(
		    "/console/messages?to=", ids_text, NULL);

		web_redirect(req, to);
		return;
	}
	json_object_set_int_member(ctx, "count", app_view_int(res, "count"));
	json_object_set_string_member(ctx, "ids", ids_text);
	json_object_set_string_member(ctx, "action", action);
	json_object_set_string_member(ctx, "action_text",
	    bulk_action_text(req, action));
	bulk_render(req, MHD_HTTP_OK, ctx, NULL);
}

/* Words each person's reason of the outcome's list name. */
static void
bulk_reasons(struct web_req *req, JsonObject *res, const char *name)
{
	JsonArray *a = app_view_array(res, name);
	guint i;

	for (i = 0; i < json_array_get_length(a); i++) {
		JsonObject *p = json_array_get_object_element(a, i);

		if (json_object_has_member(p, "reason")) {
			g_autofree char *k = g_strconcat("bulk_reason_",
			    app_view_str(p, "reason"), NULL);

			json_object_set_string_member(p, "reason_text",
			    web_text(req, k));
		}
	}
}

/*
 * POST /console/registrations/bulk/apply (admin): action and ids as the
 * confirmation page listed them.  200 with each person's outcome; 400
 * (nothing changed) for a bad action or ids, 403.
 */
static void
bulk_apply(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(JsonObject) ctx = NULL, res = NULL;
	struct app_refusal refusal = { NULL, 0 };
	const char *action = g_hash_table_lookup(c->form, "action");
	enum app_reg_bulk act;

	if (!app_reg_bulk_parse(action, &act)) {
		ctx = console_ctx(req);
		bulk_render(req, MHD_HTTP_BAD_REQUEST, ctx, "bulk_err_action");
		return;
	}
	if (!web_ids_parse(g_hash_table_lookup(c->form, "ids"), ids,
	        APP_REG_BULK_MAX + 1)) {
		ctx = console_ctx(req);
		bulk_render(req, MHD_HTTP_BAD_REQUEST, ctx,
		    "bulk_err_selection");
		return;
	}
	res = app_reg_bulk_apply(req->web->app, c->actor, c->event_id, act,
	    (const gint64 *)(void *)ids->data, ids->len, &refusal, &error);
	if (res == NULL) {
		bulk_fail(req, error, &refusal);
		return;
	}
	bulk_reasons(req, res, "refused");
	ctx = console_ctx(req);
	json_object_set_object_member(ctx, "done", json_object_ref(res));
	json_object_set_int_member(ctx, "changed_count",
	    json_array_get_length(app_view_array(res, "changed")));
	json_object_set_string_member(ctx, "action_text",
	    bulk_action_text(req, action));
	bulk_render(req, MHD_HTTP_OK, ctx, NULL);
}

const struct web_route console_bulk_routes[] = {
	{ "POST", "/console/registrations/bulk", bulk_post, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, WEB_SELECTION_BODY },
	{ "POST", "/console/registrations/bulk/apply", bulk_apply, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
