/*
 * deadlines.c -- the event's deadlines on the pages, and their console
 * pages: the deadlines form (admin; staff read it) beside the event's
 * settings, and the change requests participants made after publishing
 * (staff see them, admins accept or dismiss them).
 *
 * app gives each deadline as a local time and a weekday number; the
 * weekday is worded here from the reader's catalogue, so a page in
 * Norwegian says "torsdag" and one in English "Thursday".
 */
#include "web/internal.h"
#include "base/base.h"

/* The deadlines of deadlines.html, each with its weekday in words. */
static const char *const deadline_names[] = { "registration_opens",
	"registration_closes", "change_deadline", "cancel_deadline",
	"promotion_stop" };

void
web_deadlines_ctx(struct web_req *req, JsonObject *ctx, gint64 event_id,
    gint64 participant_id)
{
	g_autoptr(GError) error = NULL;
	JsonObject *dl, *rq;
	size_t i;

	dl = app_deadlines_view(req->web->app, event_id, participant_id,
	    &error);
	if (dl == NULL) {
		/* The page is still worth showing without them. */
		log_warnx("request %s: deadlines: %s", req->id, error->message);
		json_object_set_null_member(ctx, "dl");
		return;
	}
	for (i = 0; i < G_N_ELEMENTS(deadline_names); i++) {
		JsonObject *d = app_view_object(dl, deadline_names[i]);
		g_autofree char *key = NULL;

		if (d == NULL)
			continue;
		key = g_strdup_printf("dl_wday_%" G_GINT64_FORMAT,
		    app_view_int(d, "wday"));
		json_object_set_string_member(d, "weekday", web_text(req, key));
	}
	if (participant_id > 0 && (rq = app_view_object(dl, "request")) != NULL)
		app_localise(rq, req->lang,
		    (const char *const[]){ "titles", NULL });
	json_object_set_boolean_member(dl, "cancel_late",
	    g_strcmp0(app_view_str(dl, "cancel"), "late") == 0);
	json_object_set_boolean_member(dl, "cancel_no",
	    g_strcmp0(app_view_str(dl, "cancel"), "no") == 0);
	json_object_set_object_member(ctx, "dl", dl);
}

/* ---- The deadlines form ---- */

enum dl_field { DL_CHANGE, DL_CANCEL, DL_LATE, DL_STOP, DL__MAX };
static const struct form_field dl_fields[DL__MAX] = {
	[DL_CHANGE] = { "change_deadline", FORM_LINE, 19, false, 0, 0 },
	[DL_CANCEL] = { "cancel_deadline", FORM_LINE, 19, false, 0, 0 },
	[DL_LATE] = { "cancel_late_allowed", FORM_BOOL, 0, false, 0, 0 },
	[DL_STOP] = { "promotion_stop_hours", FORM_INT, 5, true, 0, 8760 },
};

/* The form; values NULL: the event's settings as they are. */
static void
dl_render(struct web_req *req, const struct web_call *c, unsigned status,
    JsonObject *values, JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(JsonObject) cur = NULL;
	size_t i;

	cur = app_deadlines_settings(req->web->app, c->actor, c->event_id,
	    &error);
	if (cur == NULL) {
		if (values != NULL)
			json_object_unref(values);
		web_app_error(req, error);
		return;
	}
	if (values == NULL)
		values = json_object_ref(cur);
	for (i = 0; i < DL__MAX; i++)
		if (!json_object_has_member(values, dl_fields[i].name))
			json_object_set_string_member(values, dl_fields[i].name,
			    "");
	ctx = console_ctx(req);
	web_form_ctx_set(ctx, values, errors);
	json_object_set_string_member(ctx, "timezone",
	    app_view_str(cur, "timezone"));
	if (web_query(req, "done") != NULL)
		json_object_set_string_member(ctx, "notice",
		    web_text(req, "setup_saved"));
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "dl_title"));
	web_render(req, status, "console/setup_deadlines.html", ctx);
}

/* GET /console/deadlines (staff). */
static void
dl_get(struct web_req *req, const struct web_call *c)
{
	dl_render(req, c, MHD_HTTP_OK, NULL, NULL);
}

/* POST /console/deadlines (admin): 303 back, or 400 with the form. */
static void
dl_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	g_autofree char *change = NULL, *cancel = NULL;
	const struct form_value *v = c->fields->v;
	struct app_refusal why = { NULL, 0 };
	struct app_deadline_input in;

	web_field_errors(req, c->fields, errors);
	/* A datetime-local field, or empty for no deadline. */
	if (v[DL_CHANGE].str != NULL && v[DL_CHANGE].str[0] != '\0' &&
	    (change = web_local_time(v[DL_CHANGE].str)) == NULL)
		web_field_error(req, errors, "change_deadline",
		    "setup_err_datetime");
	if (v[DL_CANCEL].str != NULL && v[DL_CANCEL].str[0] != '\0' &&
	    (cancel = web_local_time(v[DL_CANCEL].str)) == NULL)
		web_field_error(req, errors, "cancel_deadline",
		    "setup_err_datetime");
	if (json_object_get_size(errors) == 0) {
		in = (struct app_deadline_input){
			.change_deadline = change != NULL ? change : "",
			.cancel_deadline = cancel != NULL ? cancel : "",
			.cancel_late_allowed = v[DL_LATE].num != 0,
			.promotion_stop_hours = v[DL_STOP].num,
		};
		if (app_deadlines_update(req->web->app, c->actor, c->event_id,
		        &in, &why, &error)) {
			/* The event page shows them again within a second
			 * (pages.c). */
			web_redirect(req, "/console/deadlines?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		if (why.reason == APP_REASON_ORDER && why.field != NULL)
			web_field_error(req, errors, why.field,
			    "dl_err_after_start");
		else
			web_refusal_error(req, errors, c->fields, &why,
			    "change_deadline", "setup_err_refused");
	}
	dl_render(req, c, MHD_HTTP_BAD_REQUEST, web_form_typed(c->form),
	    errors);
}

/* ---- Change requests ---- */

/* GET /console/requests (staff). */
static void
rq_get(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *res;
	const char *done = web_query(req, "done");

	res = app_change_requests(req->web->app, c->actor, c->event_id,
	    req->lang, &error);
	if (res == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_array_member(ctx, "requests",
	    json_array_ref(app_view_array(res, "requests")));
	json_object_set_boolean_member(ctx, "has_requests",
	    json_array_get_length(app_view_array(res, "requests")) > 0);
	json_object_unref(res);
	json_object_set_string_member(ctx, "notice",
	    g_strcmp0(done, "accepted") == 0 ? web_text(req, "dl_rq_accepted") :
	        g_strcmp0(done, "dismissed") == 0 ? web_text(req,
	                                                "dl_rq_dismissed") :
	                                            "");
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "dl_rq_title"));
	web_render(req, MHD_HTTP_OK, "console/change_requests.html", ctx);
}

/* POST /console/requests/ID/accept and .../dismiss (admin): 303 back;
 * 404 for no open request of the event with that id; 409 when a session
 * asked for is no longer offered (dismiss it instead). */
static void
rq_decide(struct web_req *req, const struct web_call *c, bool accept)
{
	g_autoptr(GError) error = NULL;

	if (!app_change_request_decide(req->web->app, c->actor, c->event_id,
	        c->id, accept, &error)) {
		if (g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID))
			web_error_page(req, MHD_HTTP_CONFLICT,
			    "dl_rq_err_gone");
		else
			web_app_error(req, error);
		return;
	}
	web_redirect(req,
	    accept ? "/console/requests?done=accepted" :
	             "/console/requests?done=dismissed");
}

static void
rq_accept(struct web_req *req, const struct web_call *c)
{
	rq_decide(req, c, true);
}

static void
rq_dismiss(struct web_req *req, const struct web_call *c)
{
	rq_decide(req, c, false);
}

const struct web_route console_deadlines_routes[] = {
	{ "GET", "/console/deadlines", dl_get, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/deadlines", dl_post, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(dl_fields), 0 },
	{ "GET", "/console/requests", rq_get, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/requests/*/accept", rq_accept, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/requests/*/dismiss", rq_dismiss, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
