/*
 * needs.c -- the catering and accessibility summary: for each allergen,
 * diet and need of the event's standard questions (questions.c), how
 * many confirmed participants ticked it and who they are, and the other
 * needs they wrote; as a console page and as a list for the venue.
 * Only confirmed participants count: they are the ones who come.
 */
#include "app/internal.h"

#include <string.h>

struct needs_unit {
	gint64 event_id;
	JsonArray *rows; /* db_needs_summary's */
};

static gboolean
needs_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct needs_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&u->rows, json_array_unref);
	if ((u->rows = db_needs_summary(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

/* The summary's rows, read for actor (staff). */
static JsonArray *
needs_rows(const struct app *app, const struct app_actor *actor,
    gint64 event_id, GError **error)
{
	struct needs_unit u = { event_id, NULL };

	if (!app_require(actor, "staff", error))
		return NULL;
	if (!app_db_run(app, needs_run, &u, error)) {
		g_clear_pointer(&u.rows, json_array_unref);
		return NULL;
	}
	return u.rows;
}

/* A row's people (a JSON text member) parsed (transfer full). */
static JsonArray *
needs_people(JsonObject *row)
{
	g_autoptr(JsonParser) p = json_parser_new();
	JsonNode *root;

	if (!json_parser_load_from_data(p, db_str(row, "people"), -1, NULL) ||
	    (root = json_parser_get_root(p)) == NULL ||
	    !JSON_NODE_HOLDS_ARRAY(root))
		return json_array_new();
	return json_array_ref(json_node_get_array(root));
}

JsonObject *
app_needs_summary(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *lang, GError **error)
{
	g_autoptr(JsonArray) rows = needs_rows(app, actor, event_id, error);
	JsonObject *out;
	JsonArray *needs;
	bool en = g_strcmp0(lang, "en") == 0;
	guint i;

	if (rows == NULL)
		return NULL;
	out = json_object_new();
	needs = json_array_new();
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		JsonObject *o = json_object_new();
		JsonArray *people = needs_people(r);

		json_object_set_string_member(o, "label",
		    db_str(r, en ? "label_en" : "label_nb"));
		json_object_set_string_member(o, "code",
		    json_object_get_null_member(r, "code") ?
		        db_str(r, "standard") :
		        db_str(r, "code"));
		json_object_set_int_member(o, "count",
		    json_array_get_length(people));
		json_object_set_boolean_member(o, "is_other",
		    json_object_get_null_member(r, "choice_id"));
		json_object_set_array_member(o, "people", people);
		json_array_add_object_element(needs, o);
	}
	json_object_set_boolean_member(out, "has_needs",
	    json_array_get_length(needs) > 0);
	json_object_set_array_member(out, "needs", needs);
	return out;
}

char *
app_needs_export(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *lang, enum sheet_format fmt, gsize *len,
    GError **error)
{
	static const char *const heads[] = { "need", "name", "organisation",
		"email", "text" };
	g_autoptr(JsonArray) rows = needs_rows(app, actor, event_id, error);
	bool en = g_strcmp0(lang, "en") == 0;
	SheetBook *b;
	guint i, j;

	if (rows == NULL || (b = sheet_book_new(fmt, error)) == NULL)
		return NULL;
	sheet_list(b, "needs", heads, G_N_ELEMENTS(heads));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		g_autoptr(JsonArray) people = needs_people(r);

		for (j = 0; j < json_array_get_length(people); j++) {
			JsonObject *p = json_array_get_object_element(people,
			    j);

			sheet_text(b, db_str(r, en ? "label_en" : "label_nb"));
			sheet_text(b, json_object_get_string_member(p, "name"));
			sheet_text(b,
			    json_object_get_string_member(p, "organisation"));
			sheet_text(b,
			    json_object_get_string_member(p, "email"));
			sheet_text(b, json_object_get_string_member(p, "text"));
			sheet_row_end(b);
		}
	}
	return sheet_book_finish(b, len, error);
}
