/*
 * dashboard.c -- the pictures on the console's dashboard: app's figures
 * (app_dashboard_view) drawn as SVG by chart/, one chart per question an
 * organiser asks of the overview.  The numbers of every chart are also
 * in a table beside it (templates/console/dashboard_charts.html), where
 * each links to the list behind it.
 */
#include "web/internal.h"
#include "app/dashboard.h"
#include "chart/chart.h"

/* Colours of the statuses, dark enough for white around them. */
#define C_CONFIRMED "#2b7a3d"
#define C_PENDING "#a86200"
#define C_WAITLISTED "#2f5f9e"
#define C_GONE "#767676"
#define C_WAITING "#b3261e"

/* A column of numbers, one per row of rows, read as member name. */
static double *
column(JsonArray *rows, const char *name)
{
	guint i, n = json_array_get_length(rows);
	double *v = g_new0(double, MAX(n, 1));

	for (i = 0; i < n; i++)
		v[i] = (double)app_view_int(
		    json_array_get_object_element(rows, i), name);
	return v;
}

/* The same as a share, in percent, of all. */
static double *
share(JsonArray *rows, const char *name, gint64 all)
{
	double *v = column(rows, name);
	guint i;

	for (i = 0; i < json_array_get_length(rows); i++)
		v[i] = all > 0 ? 100.0 * v[i] / (double)all : 0;
	return v;
}

/* The rows' member name as labels (transfer container). */
static const char **
labels(JsonArray *rows, const char *name)
{
	guint i, n = json_array_get_length(rows);
	const char **l = g_new0(const char *, MAX(n, 1));

	for (i = 0; i < n; i++)
		l[i] = app_view_str(json_array_get_object_element(rows, i),
		    name);
	return l;
}

static void
put_svg(JsonObject *dash, const char *member, char *svg)
{
	json_object_set_string_member(dash, member, svg);
	g_free(svg);
}

static void
dash_days(struct web_req *req, JsonObject *dash)
{
	JsonArray *days = app_view_array(dash, "days");
	g_autofree const char **l = labels(days, "day");
	g_autofree double *c = column(days, "new_confirmed");
	g_autofree double *p = column(days, "new_pending");
	g_autofree double *w = column(days, "new_waitlisted");
	g_autofree double *g = column(days, "new_gone");
	g_autofree double *total = column(days, "total");
	g_autofree double *conf = column(days, "confirmed");
	g_autofree double *left = column(days, "places_left");
	g_autofree double *wait = column(days, "waiting");
	const struct chart_series news[] = {
		{ web_text(req, "dash_l_confirmed"), C_CONFIRMED, c },
		{ web_text(req, "dash_l_pending"), C_PENDING, p },
		{ web_text(req, "dash_l_waitlisted"), C_WAITLISTED, w },
		{ web_text(req, "dash_gone"), C_GONE, g },
	};
	const struct chart_series sums[] = {
		{ web_text(req, "dash_all"), C_WAITLISTED, total },
		{ web_text(req, "dash_l_confirmed"), C_CONFIRMED, conf },
	};
	const struct chart_series places[] = {
		{ web_text(req, "places_left"), C_CONFIRMED, left },
		{ web_text(req, "dash_waiting"), C_WAITING, wait },
	};
	size_t n = json_array_get_length(days);

	put_svg(dash, "days_svg",
	    chart_columns(&(struct chart){ .id = "chart-days",
	        .title = web_text(req, "dash_days_title"),
	        .desc = web_text(req, "dash_days_desc"),
	        .labels = l,
	        .n = n,
	        .series = news,
	        .nseries = G_N_ELEMENTS(news),
	        .target = -1 }));
	put_svg(dash, "sums_svg",
	    chart_lines(&(struct chart){ .id = "chart-sums",
	        .title = web_text(req, "dash_sums_title"),
	        .desc = web_text(req, "dash_sums_desc"),
	        .labels = l,
	        .n = n,
	        .series = sums,
	        .nseries = G_N_ELEMENTS(sums),
	        .target = -1 }));
	put_svg(dash, "places_svg",
	    chart_lines(&(struct chart){ .id = "chart-places",
	        .title = web_text(req, "dash_places_title"),
	        .desc = web_text(req, "dash_places_desc"),
	        .labels = l,
	        .n = n,
	        .series = places,
	        .nseries = G_N_ELEMENTS(places),
	        .target = -1 }));
}

static void
dash_mix(struct web_req *req, JsonObject *dash)
{
	JsonArray *sectors = app_view_array(dash, "sectors");
	JsonArray *orgs = app_view_array(dash, "orgs");
	gint64 all = app_view_int(dash, "sector_people");
	gint64 cap = app_view_int(dash, "sector_cap_min");
	g_autofree const char **sl = labels(sectors, "name");
	g_autofree const char **ol = labels(orgs, "organisation");
	g_autofree double *c = share(sectors, "confirmed", all);
	g_autofree double *p = share(sectors, "pending", all);
	g_autofree double *w = share(sectors, "waitlisted", all);
	g_autofree double *n = column(orgs, "n");
	g_autofree char *cap_label = g_strdup_printf("%s: %" G_GINT64_FORMAT
	                                             "%%",
	    web_text(req, "dash_sector_cap"), cap);
	const struct chart_series mix[] = {
		{ web_text(req, "dash_l_confirmed"), C_CONFIRMED, c },
		{ web_text(req, "dash_l_pending"), C_PENDING, p },
		{ web_text(req, "dash_l_waitlisted"), C_WAITLISTED, w },
	};
	const struct chart_series people[] = {
		{ web_text(req, "dash_registrations"), C_WAITLISTED, n },
	};
	guint i;

	put_svg(dash, "sectors_svg",
	    chart_hbars(&(struct chart){ .id = "chart-sectors",
	        .title = web_text(req, "dash_sectors_title"),
	        .desc = web_text(req, "dash_sectors_desc"),
	        .labels = sl,
	        .n = json_array_get_length(sectors),
	        .series = mix,
	        .nseries = G_N_ELEMENTS(mix),
	        .unit = "%",
	        .target = cap > 0 ? (double)cap : -1,
	        .target_label = cap_label }));
	put_svg(dash, "orgs_svg",
	    chart_hbars(&(struct chart){ .id = "chart-orgs",
	        .title = web_text(req, "dash_orgs_title"),
	        .desc = web_text(req, "dash_orgs_desc"),
	        .labels = ol,
	        .n = json_array_get_length(orgs),
	        .series = people,
	        .nseries = G_N_ELEMENTS(people),
	        .target = -1 }));
	/* The list's search finds the organisation: its name as a query. */
	for (i = 0; i < json_array_get_length(orgs); i++) {
		JsonObject *o = json_array_get_object_element(orgs, i);
		g_autofree char *q = g_uri_escape_string(
		    app_view_str(o, "organisation"), NULL, FALSE);

		json_object_set_string_member(o, "q", q);
	}
}

static void
dash_sessions(struct web_req *req, JsonObject *dash)
{
	JsonArray *sessions = app_view_array(dash, "sessions");
	JsonObject *mail = app_view_object(dash, "mail");
	g_autofree const char **l = labels(sessions, "title");
	g_autofree double *fill = column(sessions, "fill_pct");
	g_autofree char *seats = g_strdup_printf("%s: 100%%",
	    web_text(req, "seats"));
	const char *states[] = { web_text(req, "c_mail_sent"),
		web_text(req, "c_mail_queued"), web_text(req, "c_mail_failed"),
		web_text(req, "c_mail_held") };
	double counts[] = { (double)app_view_int(mail, "sent"),
		(double)app_view_int(mail, "queued"),
		(double)app_view_int(mail, "failed"),
		(double)app_view_int(mail, "held") };
	const struct chart_series first[] = {
		{ web_text(req, "ranked_first"), C_WAITLISTED, fill },
	};
	const struct chart_series mails[] = {
		{ web_text(req, "c_mail"), C_WAITLISTED, counts },
	};

	put_svg(dash, "sessions_svg",
	    chart_hbars(&(struct chart){ .id = "chart-sessions",
	        .title = web_text(req, "dash_sessions_title"),
	        .desc = web_text(req, "dash_sessions_desc"),
	        .labels = l,
	        .n = json_array_get_length(sessions),
	        .series = first,
	        .nseries = G_N_ELEMENTS(first),
	        .unit = "%",
	        .target = 100,
	        .target_label = seats }));
	put_svg(dash, "mail_svg",
	    chart_hbars(&(struct chart){ .id = "chart-mail",
	        .title = web_text(req, "dash_mail_title"),
	        .desc = web_text(req, "dash_mail_desc"),
	        .labels = states,
	        .n = G_N_ELEMENTS(states),
	        .series = mails,
	        .nseries = G_N_ELEMENTS(mails),
	        .target = -1 }));
}

gboolean
web_dashboard_ctx(struct web_req *req, const struct web_call *c,
    JsonObject *ctx, GError **error)
{
	JsonObject *dash = app_dashboard_view(req->web->app, c->actor,
	    c->event_id, req->lang, error);

	if (dash == NULL)
		return FALSE;
	json_object_set_object_member(ctx, "event",
	    json_object_ref(app_view_object(dash, "event")));
	json_object_remove_member(dash, "event");
	dash_days(req, dash);
	dash_mix(req, dash);
	dash_sessions(req, dash);
	json_object_set_object_member(ctx, "dash", dash);
	return TRUE;
}
