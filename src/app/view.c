/*
 * view.c -- the one checked way web/ and ctl/ read the JSON views app
 * returns (app_view_int, app_view_str, ...), so that they never read
 * rows with db's accessors.
 *
 * A view is a JsonObject whose members each use case documents.  Reading
 * a member the view does not have, or a value of the wrong kind, is a
 * typo in the reader (or a view that lost a member), which a default of
 * 0 or NULL would hide.  So when rows are strict (SUMMIT_STRICT_ROWS=1,
 * db_rows_strict: one switch for rows and views) it is reported with
 * g_critical, which the tests make fatal; the default is still returned,
 * so a production server that meets one keeps serving.  A member that
 * is there with a JSON null reads as the default and is fine.
 */
#include "app/internal.h"

/* The member name of view, or NULL if it has none (a bug when strict). */
static JsonNode *
view_member(JsonObject *view, const char *name, const char *want)
{
	return db_strict_member(view, name, want, "view", "member");
}

/* True if n holds a value of type; else reports it when strict. */
static bool
view_kind(JsonNode *n, const char *name, GType type, const char *want)
{
	if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type)
		return true;
	if (db_rows_strict())
		g_critical("view member \"%s\" is not %s", name, want);
	return false;
}

gint64
app_view_int(JsonObject *view, const char *name)
{
	JsonNode *n = view_member(view, name, "an integer");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return 0;
	/* As db_int: any number reads, a string or a container does not. */
	if (!JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) == G_TYPE_STRING) {
		if (db_rows_strict())
			g_critical("view member \"%s\" is not an integer",
			    name);
		return 0;
	}
	return json_node_get_int(n);
}

const char *
app_view_str(JsonObject *view, const char *name)
{
	JsonNode *n = view_member(view, name, "a string");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (!view_kind(n, name, G_TYPE_STRING, "a string"))
		return NULL;
	return json_node_get_string(n);
}

gboolean
app_view_bool(JsonObject *view, const char *name)
{
	JsonNode *n = view_member(view, name, "a boolean");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return FALSE;
	if (!view_kind(n, name, G_TYPE_BOOLEAN, "a boolean") &&
	    !JSON_NODE_HOLDS_VALUE(n))
		return FALSE;
	return json_node_get_boolean(n);
}

JsonArray *
app_view_array(JsonObject *view, const char *name)
{
	JsonNode *n = view_member(view, name, "an array");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (!JSON_NODE_HOLDS_ARRAY(n)) {
		if (db_rows_strict())
			g_critical("view member \"%s\" is not an array", name);
		return NULL;
	}
	return json_node_get_array(n);
}

JsonObject *
app_view_object(JsonObject *view, const char *name)
{
	JsonNode *n = view_member(view, name, "an object");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (!JSON_NODE_HOLDS_OBJECT(n)) {
		if (db_rows_strict())
			g_critical("view member \"%s\" is not an object", name);
		return NULL;
	}
	return json_node_get_object(n);
}
