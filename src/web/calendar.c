/*
 * calendar.c -- .ics downloads and subscription feeds over HTTP.
 *
 * Calendars carry an ETag (a hash of the object) and Last-Modified (the
 * newest change behind it), so clients that poll a feed get 304 Not
 * Modified until something changes.  Downloads come as attachments;
 * feeds do not (CALENDAR.md D1).
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

static void
calendar_respond(struct web_req *req, char *body, gint64 modified,
    const char *filename)
{
	g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
	    body, -1);
	g_autofree char *etag = g_strdup_printf("\"%.32s\"", sum);
	g_autoptr(GDateTime) mt = g_date_time_new_from_unix_utc(modified);
	g_autofree char *lm = g_date_time_format(mt,
	    "%a, %d %b %Y %H:%M:%S GMT");
	const char *inm = MHD_lookup_connection_value(req->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = MHD_lookup_connection_value(req->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	bool fresh;

	/* If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2). */
	if (inm != NULL)
		fresh = strstr(inm, etag) != NULL || strcmp(inm, "*") == 0;
	else
		fresh = ims != NULL && strcmp(ims, lm) == 0;
	web_add_header(req, MHD_HTTP_HEADER_ETAG, etag);
	web_add_header(req, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
	web_add_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-cache");
	req->content_type = "text/calendar; charset=utf-8";
	g_string_truncate(req->out, 0);
	if (fresh) {
		req->status = MHD_HTTP_NOT_MODIFIED;
		g_free(body);
		return;
	}
	if (filename != NULL) {
		g_autofree char *cd = g_strdup_printf("attachment; "
		                                      "filename=\"%s\"",
		    filename);

		web_add_header(req, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
	}
	g_string_append(req->out, body);
	g_free(body);
	req->status = MHD_HTTP_OK;
}

static void
page_programme_ics(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	gint64 modified = 0;
	char *body;

	(void)c;
	body = app_programme_ics(req->web->app, c->event_id, req->lang,
	    &modified, &error);
	if (body == NULL) {
		web_app_error(req, error);
		return;
	}
	calendar_respond(req, body, modified, "program.ics");
}

static void
page_me_ics(struct web_req *req, const struct web_call *c)
{
	const char *token = c->arg;
	g_autoptr(GError) error = NULL;
	gint64 modified = 0;
	char *body;

	body = app_participant_ics(req->web->app, token, false, &modified,
	    &error);
	if (body == NULL) {
		web_app_error(req, error);
		return;
	}
	calendar_respond(req, body, modified, "mitt-program.ics");
}

static void
page_feed(struct web_req *req, const struct web_call *c)
{
	const char *file = c->arg;
	g_autoptr(GError) error = NULL;
	g_autofree char *token = NULL;
	gint64 modified = 0;
	char *body;

	if (!g_str_has_suffix(file, ".ics")) {
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return;
	}
	token = g_strndup(file, strlen(file) - 4);
	body = app_participant_ics(req->web->app, token, true, &modified,
	    &error);
	if (body == NULL) {
		web_app_error(req, error);
		return;
	}
	calendar_respond(req, body, modified, NULL);
}

const struct web_route web_calendar_routes[] = {
	{ "GET", "/me/*/calendar.ics", page_me_ics, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	{ "GET", "/programme.ics", page_programme_ics, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/feed/*", page_feed, WEB_PUBLIC, WEB_ARG_TEXT, WEB_NO_FIELDS,
	    WEB_GLOBAL },
	WEB_ROUTES_END,
};
