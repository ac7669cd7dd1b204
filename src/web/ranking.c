/*
 * ranking.c -- the five "rank N" choosers of the registration and
 * participant pages, from session ids back to the page's options (the
 * way in, web_ranking_parse, is pure and lives in parse.c).
 */
#include "web/internal.h"

G_STATIC_ASSERT(WEB_MAX_RANKS == APP_MAX_RANKS);

void
web_ranking_ctx(JsonObject *ctx, JsonObject *event, const gint64 *chosen,
    size_t n)
{
	JsonArray *slots = json_object_get_array_member(event, "slots");
	JsonArray *ranks = json_array_new();
	size_t rank;

	for (rank = 0; rank < APP_MAX_RANKS; rank++) {
		JsonObject *ro = json_object_new();
		JsonArray *groups = json_array_new();
		guint i, j;

		json_object_set_int_member(ro, "n", (gint64)rank + 1);
		for (i = 0; i < json_array_get_length(slots); i++) {
			JsonObject *slot = json_array_get_object_element(slots,
			    i);
			JsonArray *sessions = json_object_get_array_member(slot,
			    "sessions");
			JsonObject *g = json_object_new();
			JsonArray *opts = json_array_new();

			json_object_set_string_member(g, "starts",
			    app_view_str(slot, "starts"));
			json_object_set_string_member(g, "ends",
			    app_view_str(slot, "ends"));
			for (j = 0; j < json_array_get_length(sessions); j++) {
				JsonObject *s = json_array_get_object_element(
				    sessions, j);
				JsonObject *o = json_object_new();

				json_object_set_int_member(o, "id",
				    app_view_int(s, "id"));
				json_object_set_string_member(o, "title",
				    app_view_str(s, "title"));
				json_object_set_boolean_member(o, "selected",
				    rank < n &&
				        chosen[rank] == app_view_int(s, "id"));
				json_array_add_object_element(opts, o);
			}
			json_object_set_array_member(g, "options", opts);
			json_array_add_object_element(groups, g);
		}
		json_object_set_array_member(ro, "groups", groups);
		json_array_add_object_element(ranks, ro);
	}
	json_object_set_array_member(ctx, "ranks", ranks);
}
