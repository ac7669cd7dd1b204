/*
 * view_temp.h -- TEMPORARY: file-local copies of app_view_int,
 * app_view_str and app_view_bool for the registration pages until
 * helper seal-rest's src/app/view.c and its block in app/app.h are
 * merged.  The integrator deletes this file and its #include lines then.
 *
 * Strict as db_int/db_str: with SUMMIT_STRICT_ROWS=1 a member that is
 * missing or of the wrong kind is a g_critical (a typo in web, or a view
 * app changed without its readers).
 */
#ifndef SUMMIT_WEB_VIEW_TEMP_H
#define SUMMIT_WEB_VIEW_TEMP_H

#include <json-glib/json-glib.h>

static inline JsonNode *
app_view_member(JsonObject *row, const char *name, const char *kind)
{
	JsonNode *n = row != NULL ? json_object_get_member(row, name) : NULL;

	if (n == NULL && g_strcmp0(g_getenv("SUMMIT_STRICT_ROWS"), "1") == 0)
		g_critical("view has no member \"%s\" (%s)", name, kind);
	return n;
}

static inline G_GNUC_UNUSED gint64
app_view_int(JsonObject *row, const char *name)
{
	JsonNode *n = app_view_member(row, name, "an integer");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return 0;
	if (!JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) == G_TYPE_STRING) {
		if (g_strcmp0(g_getenv("SUMMIT_STRICT_ROWS"), "1") == 0)
			g_critical("member \"%s\" is not an integer", name);
		return 0;
	}
	return json_node_get_int(n);
}

static inline G_GNUC_UNUSED const char *
app_view_str(JsonObject *row, const char *name)
{
	JsonNode *n = app_view_member(row, name, "a string");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (!JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_STRING) {
		if (g_strcmp0(g_getenv("SUMMIT_STRICT_ROWS"), "1") == 0)
			g_critical("member \"%s\" is not a string", name);
		return NULL;
	}
	return json_node_get_string(n);
}

static inline G_GNUC_UNUSED gboolean
app_view_bool(JsonObject *row, const char *name)
{
	JsonNode *n = app_view_member(row, name, "a boolean");

	if (n == NULL || JSON_NODE_HOLDS_NULL(n))
		return FALSE;
	if (!JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
		if (g_strcmp0(g_getenv("SUMMIT_STRICT_ROWS"), "1") == 0)
			g_critical("member \"%s\" is not a boolean", name);
		return FALSE;
	}
	return json_node_get_boolean(n);
}

#endif
