/*
 * list.c -- the context of the bar above every console list
 * (templates/console/list_bar.html): how many rows, whether that is
 * capped, and the page with its neighbours' addresses; and the status
 * of each person a list shows, in the reader's words.
 */
#include "web/internal.h"

JsonObject *
web_list_ctx(JsonObject *ctx, gint64 total, bool capped)
{
	JsonObject *list = json_object_new();

	json_object_set_int_member(list, "total", total);
	json_object_set_boolean_member(list, "capped", capped);
	json_object_set_boolean_member(list, "paged", false);
	json_object_set_object_member(ctx, "list", list);
	return list;
}

void
web_list_paging(JsonObject *list, gint64 page, gint64 pages,
    const char *prev_href, const char *next_href)
{
	json_object_set_boolean_member(list, "paged", true);
	json_object_set_int_member(list, "page", page);
	json_object_set_int_member(list, "pages", MAX(pages, 1));
	if (prev_href != NULL)
		json_object_set_string_member(list, "prev_href", prev_href);
	if (next_href != NULL)
		json_object_set_string_member(list, "next_href", next_href);
}

void
web_list_status_texts(struct web_req *req, JsonArray *rows)
{
	guint i;

	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		g_autofree char *k = g_strconcat("status_",
		    app_view_str(r, "status"), NULL);

		json_object_set_string_member(r, "status_text",
		    web_text(req, k));
	}
}

void
web_list_rows(JsonObject *ctx, JsonArray *rows, guint cap)
{
	guint n = json_array_get_length(rows);

	web_list_ctx(ctx, n, cap > 0 && n >= cap);
}
