/*
 * console_search.c -- the console's global search: the box in every
 * console page's header (templates/console/head.html) sends
 * GET /console/search?q=...; the answer lists the people found, each
 * linking to their page.  Staff only: the door role has its own search.
 */
#include "web/internal.h"

static void
search_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = console_ctx(req);
	const char *raw = MHD_lookup_connection_value(req->conn,
	    MHD_GET_ARGUMENT_KIND, "q");
	g_autofree char *q = web_query_text(req, "q", APP_SEARCH_TEXT_MAX);
	JsonArray *rows = NULL;

	json_object_set_string_member(ctx, "q", q != NULL ? q : "");
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "search_title"));
	/* Nothing to look for yet: the empty form. */
	if (q != NULL ? *q == '\0' : raw == NULL || *raw == '\0') {
		web_render(req, MHD_HTTP_OK, "console/search.html", ctx);
		return;
	}
	/* A text web_query_text could not use (too long, not one line) is
	 * refused as app would refuse it. */
	if (q != NULL)
		rows = app_search_people(req->web->app, &req->actor,
		    c->event_id, q, &error);
	else
		g_set_error(&error, SUMMIT_APP_ERROR, APP_EINVALID, "q");
	if (rows == NULL) {
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		json_object_set_string_member(ctx, "error",
		    web_text(req, "search_invalid"));
		web_render(req, MHD_HTTP_BAD_REQUEST, "console/search.html",
		    ctx);
		return;
	}
	web_list_status_texts(req, rows);
	json_object_set_boolean_member(ctx, "searched", true);
	json_object_set_boolean_member(ctx, "capped",
	    json_array_get_length(rows) >= APP_SEARCH_MAX);
	web_list_rows(ctx, rows, APP_SEARCH_MAX);
	json_object_set_array_member(ctx, "rows", rows);
	web_render(req, MHD_HTTP_OK, "console/search.html", ctx);
}

const struct web_route console_search_routes[] = {
	{ "GET", "/console/search", search_page, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
