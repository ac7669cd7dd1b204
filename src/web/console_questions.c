/*
 * console_questions.c -- the console's questions (admin): the event's
 * own questions on the registration form built, edited, ordered and
 * removed, their choices, the standard dietary and accessibility
 * questions added in one action; and the catering and accessibility
 * summary with its export for the venue (staff).  docs/questions.md.
 */
#include "web/internal.h"

#include <string.h>

enum q_field {
	QF_KIND,
	QF_LABEL_NB,
	QF_LABEL_EN,
	QF_HELP_NB,
	QF_HELP_EN,
	QF_REQUIRED,
	QF_MIN,
	QF_MAX,
	QF__MAX
};

/* Adding; editing is the same without the kind (fixed once made). */
static const struct form_field q_fields[QF__MAX] = {
	[QF_KIND] = { "kind", FORM_LINE, 16, true, 0, 0 },
	[QF_LABEL_NB] = { "label_nb", FORM_LINE, 200, true, 0, 0 },
	[QF_LABEL_EN] = { "label_en", FORM_LINE, 200, true, 0, 0 },
	[QF_HELP_NB] = { "help_nb", FORM_BLOCK, 500, false, 0, 0 },
	[QF_HELP_EN] = { "help_en", FORM_BLOCK, 500, false, 0, 0 },
	[QF_REQUIRED] = { "required", FORM_BOOL, 0, false, 0, 0 },
	[QF_MIN] = { "min", FORM_LINE, 13, false, 0, 0 },
	[QF_MAX] = { "max", FORM_LINE, 13, false, 0, 0 },
};
static const struct form_field q_edit_fields[QF__MAX - 1] = {
	{ "label_nb", FORM_LINE, 200, true, 0, 0 },
	{ "label_en", FORM_LINE, 200, true, 0, 0 },
	{ "help_nb", FORM_BLOCK, 500, false, 0, 0 },
	{ "help_en", FORM_BLOCK, 500, false, 0, 0 },
	{ "required", FORM_BOOL, 0, false, 0, 0 },
	{ "min", FORM_LINE, 13, false, 0, 0 },
	{ "max", FORM_LINE, 13, false, 0, 0 },
};
static const struct form_field choice_fields[] = {
	{ "label_nb", FORM_LINE, 200, true, 0, 0 },
	{ "label_en", FORM_LINE, 200, true, 0, 0 },
};
static const struct form_field choice_id_fields[] = {
	{ "choice", FORM_INT, 19, true, 1, G_MAXINT64 },
};

/* The sectors ticked on the form ("sector_CODE" fields), borrowed from
 * form. */
static GPtrArray *
q_sectors(GHashTable *form)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, form);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (g_str_has_prefix(k, "sector_"))
			g_ptr_array_add(a, (char *)k + strlen("sector_"));
	return a;
}

/* The question the form describes; off is 0 when the table has the kind,
 * else 1 (the edit table). */
static struct app_question
q_from_form(const struct web_call *c, GPtrArray *sectors, int off)
{
	const struct form_value *v = c->fields->v;

	return (struct app_question){
		.kind = off == 0 ? v[QF_KIND].str : NULL,
		.label_nb = v[QF_LABEL_NB - off].str,
		.label_en = v[QF_LABEL_EN - off].str,
		.help_nb = v[QF_HELP_NB - off].str,
		.help_en = v[QF_HELP_EN - off].str,
		.required = v[QF_REQUIRED - off].present,
		.min = v[QF_MIN - off].str,
		.max = v[QF_MAX - off].str,
		.sectors = (const char *const *)sectors->pdata,
		.nsectors = sectors->len,
	};
}

/* The kinds for the add form's list, with their names in req's
 * language. */
static JsonArray *
q_kinds(struct web_req *req, const char *chosen)
{
	static const char *const kinds[] = { "text", "longtext", "choice",
		"multi", "yesno", "number", "date", "country" };
	JsonArray *a = json_array_new();
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
		JsonObject *o = json_object_new();
		g_autofree char *key = g_strconcat("q_kind_", kinds[i], NULL);

		json_object_set_string_member(o, "kind", kinds[i]);
		json_object_set_string_member(o, "name", web_text(req, key));
		json_object_set_boolean_member(o, "selected",
		    g_strcmp0(chosen, kinds[i]) == 0);
		json_array_add_object_element(a, o);
	}
	return a;
}

/* Each question's kind named, and each sector ticked or not for it (the
 * edit form) or from form (when typed). */
static void
q_decorate(struct web_req *req, JsonObject *view, GHashTable *form)
{
	JsonArray *qs = app_view_array(view, "questions");
	JsonArray *ss = app_view_array(view, "sectors");
	guint i, j;

	for (i = 0; i < json_array_get_length(qs); i++) {
		JsonObject *q = json_array_get_object_element(qs, i);
		g_autofree char *key = g_strconcat("q_kind_",
		    app_view_str(q, "kind"), NULL);
		g_auto(GStrv) mine = g_strsplit(app_view_str(q, "sectors"), ",",
		    -1);
		JsonArray *qsec = json_array_new();

		json_object_set_string_member(q, "kind_name",
		    web_text(req, key));
		for (j = 0; j < json_array_get_length(ss); j++) {
			JsonObject *s = json_array_get_object_element(ss, j);
			JsonObject *o = json_object_new();
			const char *code = app_view_str(s, "code");
			g_autofree char *f = g_strconcat("sector_", code, NULL);

			json_object_set_string_member(o, "code", code);
			json_object_set_string_member(o, "name",
			    app_view_str(s, "name"));
			json_object_set_boolean_member(o, "checked",
			    form != NULL ?
			        g_hash_table_contains(form, f) :
			        g_strv_contains((const char *const *)mine,
			            code));
			json_array_add_object_element(qsec, o);
		}
		json_object_set_array_member(q, "sector_list", qsec);
	}
	for (j = 0; j < json_array_get_length(ss); j++) {
		JsonObject *s = json_array_get_object_element(ss, j);
		g_autofree char *f = g_strconcat("sector_",
		    app_view_str(s, "code"), NULL);

		json_object_set_boolean_member(s, "checked",
		    form != NULL && g_hash_table_contains(form, f));
	}
}

/* The list page (id 0) or one question's page, with the form typed and
 * its errors when a change was refused. */
static void
q_render(struct web_req *req, const struct web_call *c, gint64 id,
    unsigned status, GHashTable *form, JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(JsonObject) values = web_form_typed(form);
	JsonObject *view = app_questions_console(req->web->app, c->actor,
	    c->event_id, id, req->lang, &error);
	static const char *const texts[] = { "label_nb", "label_en", "help_nb",
		"help_en", "min", "max", "kind" };
	const char *done = web_query(req, "done");
	size_t i;

	if (view == NULL) {
		web_app_error(req, error);
		return;
	}
	q_decorate(req, view, form);
	ctx = console_ctx(req);
	if (id != 0) {
		/* One question's page: its values, unless typed. */
		JsonObject *q = json_array_get_object_element(
		    app_view_array(view, "questions"), 0);

		for (i = 0; form == NULL && i < G_N_ELEMENTS(texts); i++)
			json_object_set_string_member(values, texts[i],
			    app_view_str(q,
			        i == 4     ? "min_value" :
			            i == 5 ? "max_value" :
			                     texts[i]));
		json_object_set_boolean_member(values, "required",
		    form != NULL ? g_hash_table_contains(form, "required") :
		                   app_view_bool(q, "required"));
		json_object_set_object_member(ctx, "q", json_object_ref(q));
		json_object_set_array_member(ctx, "sectors",
		    json_array_ref(app_view_array(q, "sector_list")));
	} else {
		json_object_set_boolean_member(values, "required",
		    form != NULL && g_hash_table_contains(form, "required"));
		json_object_set_array_member(ctx, "sectors",
		    json_array_ref(app_view_array(view, "sectors")));
	}
	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		if (!json_object_has_member(values, texts[i]))
			json_object_set_string_member(values, texts[i], "");
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "q_title"));
	json_object_set_array_member(ctx, "questions",
	    json_array_ref(app_view_array(view, "questions")));
	json_object_set_boolean_member(ctx, "has_standard",
	    app_view_bool(view, "has_standard"));
	json_object_set_array_member(ctx, "kinds",
	    q_kinds(req, app_view_str(values, "kind")));
	json_object_set_string_member(ctx, "notice", "");
	if (done != NULL) {
		g_autofree char *key = g_strconcat("q_done_", done, NULL);

		if (json_object_has_member(web_catalog(req), key))
			json_object_set_string_member(ctx, "notice",
			    web_text(req, key));
	}
	json_object_unref(view);
	web_form_ctx_set(ctx, g_steal_pointer(&values), errors);
	web_render(req, status,
	    id != 0 ? "console/question.html" : "console/questions.html", ctx);
}

/* GET /console/questions (admin). */
static void
q_list(struct web_req *req, const struct web_call *c)
{
	q_render(req, c, 0, MHD_HTTP_OK, NULL, NULL);
}

/* GET /console/questions/ID (admin): 404 for another event's. */
static void
q_page(struct web_req *req, const struct web_call *c)
{
	q_render(req, c, c->id, MHD_HTTP_OK, NULL, NULL);
}

/* A refused change shown on its form (400), or the error page. */
static void
q_refused(struct web_req *req, const struct web_call *c, gint64 id,
    const GError *error, const struct app_refusal *why)
{
	g_autoptr(JsonObject) errors = json_object_new();

	if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID) ||
	    why->field == NULL) {
		web_app_error(req, error);
		return;
	}
	/* Every field the app names has its place on these forms. */
	web_field_error(req, errors, why->field,
	    web_refusal_key(why, "err_invalid"));
	q_render(req, c, id, MHD_HTTP_BAD_REQUEST, c->form, errors);
}

/* Redirects to the list or question id's page with a notice. */
static void
q_done(struct web_req *req, gint64 id, const char *done)
{
	g_autofree char *to = id > 0 ?
	    g_strdup_printf("/console/questions/%" G_GINT64_FORMAT "?done=%s",
	        id, done) :
	    g_strdup_printf("/console/questions?done=%s", done);

	web_redirect(req, to);
}

/* POST /console/questions (admin): 303 to the new question's page, 400. */
static void
q_add(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) sectors = q_sectors(c->form);
	g_autoptr(JsonObject) errors = json_object_new();
	struct app_question q = q_from_form(c, sectors, 0);
	struct app_refusal why = { NULL, 0 };
	gint64 id = 0;

	if (c->fields->nerrors > 0) {
		web_field_errors(req, c->fields, errors);
		q_render(req, c, 0, MHD_HTTP_BAD_REQUEST, c->form, errors);
		return;
	}
	if (!app_question_add(req->web->app, c->actor, c->event_id, &q, &id,
	        &why, &error)) {
		q_refused(req, c, 0, error, &why);
		return;
	}
	q_done(req, id, "added");
}

/* POST /console/questions/ID (admin): 303, 400, 404. */
static void
q_edit(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) sectors = q_sectors(c->form);
	g_autoptr(JsonObject) errors = json_object_new();
	struct app_question q = q_from_form(c, sectors, 1);
	struct app_refusal why = { NULL, 0 };

	if (c->fields->nerrors > 0) {
		web_field_errors(req, c->fields, errors);
		q_render(req, c, c->id, MHD_HTTP_BAD_REQUEST, c->form, errors);
		return;
	}
	if (!app_question_edit(req->web->app, c->actor, c->event_id, c->id, &q,
	        &why, &error)) {
		q_refused(req, c, c->id, error, &why);
		return;
	}
	q_done(req, c->id, "saved");
}

/* POST /console/questions/standard (admin): 303; 400 when the event has
 * them already. */
static void
q_standard(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	struct app_refusal why = { NULL, 0 };

	if (app_questions_standard_add(req->web->app, c->actor, c->event_id,
	        &why, &error)) {
		q_done(req, 0, "standard");
		return;
	}
	if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
		web_app_error(req, error);
		return;
	}
	web_field_error(req, errors, "standard", "q_err_standard_taken");
	q_render(req, c, 0, MHD_HTTP_BAD_REQUEST, NULL, errors);
}

static void
q_move(struct web_req *req, const struct web_call *c, int dir)
{
	g_autoptr(GError) error = NULL;

	if (!app_question_move(req->web->app, c->actor, c->event_id, c->id, dir,
	        &error)) {
		web_app_error(req, error);
		return;
	}
	q_done(req, 0, "moved");
}

/* POST /console/questions/ID/up and /down (admin): 303, 404. */
static void
q_up(struct web_req *req, const struct web_call *c)
{
	q_move(req, c, -1);
}

static void
q_down(struct web_req *req, const struct web_call *c)
{
	q_move(req, c, 1);
}

/* POST /console/questions/ID/remove (admin): deleted, or hidden when
 * answered (the notice says which); 303, 404. */
static void
q_remove(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	bool hidden = false;

	if (!app_question_remove(req->web->app, c->actor, c->event_id, c->id,
	        &hidden, &error)) {
		web_app_error(req, error);
		return;
	}
	q_done(req, 0, hidden ? "hidden" : "deleted");
}

/* POST /console/questions/ID/restore (admin): 303, 404. */
static void
q_restore(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;

	if (!app_question_show(req->web->app, c->actor, c->event_id, c->id,
	        &error)) {
		web_app_error(req, error);
		return;
	}
	q_done(req, 0, "restored");
}

/* POST /console/questions/ID/choices (admin): 303, 400, 404. */
static void
q_choice_add(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	struct app_refusal why = { NULL, 0 };

	if (c->fields->nerrors > 0) {
		web_field_errors(req, c->fields, errors);
		q_render(req, c, c->id, MHD_HTTP_BAD_REQUEST, NULL, errors);
		return;
	}
	if (!app_choice_add(req->web->app, c->actor, c->event_id, c->id,
	        c->fields->v[0].str, c->fields->v[1].str, &why, &error)) {
		q_refused(req, c, c->id, error, &why);
		return;
	}
	q_done(req, c->id, "choice_added");
}

/* POST /console/questions/ID/choice-remove (admin): deleted, or hidden
 * when someone ticked it; 303, 404. */
static void
q_choice_remove(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	bool hidden = false;

	if (!app_choice_remove(req->web->app, c->actor, c->event_id, c->id,
	        c->fields->v[0].num, &hidden, &error)) {
		web_app_error(req, error);
		return;
	}
	q_done(req, c->id, hidden ? "choice_hidden" : "choice_deleted");
}

/* POST /console/questions/ID/choice-restore (admin): 303, 404. */
static void
q_choice_restore(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;

	if (!app_choice_show(req->web->app, c->actor, c->event_id, c->id,
	        c->fields->v[0].num, &error)) {
		web_app_error(req, error);
		return;
	}
	q_done(req, c->id, "choice_restored");
}

/* GET /console/needs (staff): the catering and accessibility summary. */
static void
needs_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *view = app_needs_summary(req->web->app, c->actor,
	    c->event_id, req->lang, &error);

	if (view == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "needs_title"));
	json_object_set_object_member(ctx, "summary", view);
	web_render(req, MHD_HTTP_OK, "console/needs.html", ctx);
}

/* GET /console/needs/export.csv (staff): the list for the venue. */
static void
needs_export(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	data = app_needs_export(req->web->app, c->actor, c->event_id, req->lang,
	    SHEET_CSV, &len, &error);
	web_export(req, data, len, SHEET_CSV, "needs", error);
}

const struct web_route console_questions_routes[] = {
	{ "GET", "/console/questions", q_list, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/questions", q_add, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(q_fields), 0 },
	{ "POST", "/console/questions/standard", q_standard, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/questions/*", q_page, WEB_ADMIN, WEB_ARG_ID,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/questions/*", q_edit, WEB_ADMIN, WEB_ARG_ID,
	    WEB_FIELDS(q_edit_fields), 0 },
	{ "POST", "/console/questions/*/up", q_up, WEB_ADMIN, WEB_ARG_ID,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/questions/*/down", q_down, WEB_ADMIN, WEB_ARG_ID,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/questions/*/remove", q_remove, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/questions/*/restore", q_restore, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/questions/*/choices", q_choice_add, WEB_ADMIN,
	    WEB_ARG_ID, WEB_FIELDS(choice_fields), 0 },
	{ "POST", "/console/questions/*/choice-remove", q_choice_remove,
	    WEB_ADMIN, WEB_ARG_ID, WEB_FIELDS(choice_id_fields), 0 },
	{ "POST", "/console/questions/*/choice-restore", q_choice_restore,
	    WEB_ADMIN, WEB_ARG_ID, WEB_FIELDS(choice_id_fields), 0 },
	{ "GET", "/console/needs", needs_page, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/needs/export.csv", needs_export, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
