/*
 * metrics.c -- GET /metrics in Prometheus' text exposition format
 * (version 0.0.4), and the counters behind it that web keeps: requests
 * and their latency by route and status class, and the request queue's
 * wait (workers.c).  docs/monitoring.md lists every metric.
 *
 * A request is counted under its route row's pattern (the confirmation
 * link's is "/confirm/" and a star), never its path: paths carry link tokens, and one series per path would
 * grow without bound.  Each row has one histogram per status class, made
 * before the threads start; counting a request is a bucket's and the
 * sum's atomic add (web_metrics_observe, from web_completed), no lock.
 *
 * Only [server] metrics_allow may read it; anyone else gets 404, as if
 * there were no such page.
 */
#include "web/internal.h"
#include "base/base.h"

#include <stdatomic.h>
#include <string.h>

/* Upper bounds of the latency buckets, in microseconds; +Inf follows. */
static const gint64 web_le_us[] = { 1000, 2500, 5000, 10000, 25000, 50000,
	100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000 };
#define WEB_NBUCKETS G_N_ELEMENTS(web_le_us)
#define WEB_NCLASSES 5 /* 1xx .. 5xx */

/* Not cumulative: n[i] counts observations in (le[i-1], le[i]], the last
 * those above every bound; the scrape adds them up. */
struct web_histogram {
	atomic_uint_fast64_t n[WEB_NBUCKETS + 1];
	atomic_uint_fast64_t sum_us;
};

struct web_metrics {
	/* slot -> route row; the last two are static files and the rest
	 * (no route: 404, 405, refused framing, 501). */
	const struct web_route **rows;
	size_t nslots;
	struct web_histogram (*latency)[WEB_NCLASSES];
	struct web_histogram queue_wait;
};

struct web_metrics *
web_metrics_new(void)
{
	struct web_metrics *m = g_new0(struct web_metrics, 1);
	size_t i, nroutes = web_route_count();

	m->nslots = nroutes + 2;
	m->rows = g_new0(const struct web_route *, m->nslots);
	for (i = 0; i < nroutes; i++)
		m->rows[i] = web_route_nth(i);
	m->latency = g_malloc0(m->nslots * sizeof(*m->latency));
	return m;
}

void
web_metrics_free(struct web_metrics *m)
{
	if (m == NULL)
		return;
	g_free(m->rows);
	g_free(m->latency);
	g_free(m);
}

int
web_metrics_slot_static(const struct web_metrics *m)
{
	return (int)m->nslots - 2;
}

int
web_metrics_slot_other(const struct web_metrics *m)
{
	return (int)m->nslots - 1;
}

static void
web_histogram_observe(struct web_histogram *h, gint64 us)
{
	size_t i = 0;

	while (i < WEB_NBUCKETS && us > web_le_us[i])
		i++;
	atomic_fetch_add_explicit(&h->n[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (uint64_t)MAX(us, 0),
	    memory_order_relaxed);
}

void
web_metrics_observe(struct web_metrics *m, int slot, unsigned status, gint64 us)
{
	if (slot < 0 || (size_t)slot >= m->nslots || status < 100 ||
	    status >= 600)
		return;
	web_histogram_observe(&m->latency[slot][status / 100 - 1], us);
}

void
web_metrics_queue_wait(struct web_metrics *m, gint64 us)
{
	web_histogram_observe(&m->queue_wait, us);
}

/* A label value as the format wants it: backslash, quote and newline
 * escaped. */
static void
web_label(GString *out, const char *name, const char *value)
{
	const char *p;

	g_string_append_printf(out, "%s=\"", name);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			g_string_append_c(out, '\\');
		if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

static void
web_family(GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static void
web_sample(GString *out, const char *name, const char *labels, uint64_t v)
{
	g_string_append_printf(out, "%s%s%s%s %" G_GUINT64_FORMAT "\n", name,
	    labels[0] ? "{" : "", labels, labels[0] ? "}" : "", v);
}

/* The _bucket, _sum and _count lines of h under labels ("" or
 * "a=\"b\",..."); nothing when hide_empty and it counted nothing. */
static void
web_histogram_write(GString *out, const char *name, const char *labels,
    struct web_histogram *h, bool hide_empty)
{
	uint64_t n[WEB_NBUCKETS + 1], total = 0;
	const char *open = labels[0] ? "{" : "", *close = labels[0] ? "}" : "";
	char v[G_ASCII_DTOSTR_BUF_SIZE];
	size_t i;

	for (i = 0; i <= WEB_NBUCKETS; i++)
		total += n[i] = atomic_load_explicit(&h->n[i],
		    memory_order_relaxed);
	if (total == 0 && hide_empty)
		return;
	total = 0;
	for (i = 0; i <= WEB_NBUCKETS; i++) {
		total += n[i];
		if (i < WEB_NBUCKETS)
			g_ascii_formatd(v, sizeof(v), "%g",
			    (double)web_le_us[i] / 1e6);
		else
			g_strlcpy(v, "+Inf", sizeof(v));
		g_string_append_printf(out,
		    "%s_bucket{%s%sle=\"%s\"} %" G_GUINT64_FORMAT "\n", name,
		    labels, labels[0] ? "," : "", v, total);
	}
	g_ascii_formatd(v, sizeof(v), "%.6f",
	    (double)atomic_load_explicit(&h->sum_us, memory_order_relaxed) /
	        1e6);
	g_string_append_printf(out, "%s_sum%s%s%s %s\n", name, open, labels,
	    close, v);
	g_string_append_printf(out, "%s_count%s%s%s %" G_GUINT64_FORMAT "\n",
	    name, open, labels, close, total);
}

/* Requests: a latency histogram (its _count counts them) per route and
 * status class, only for the pairs that have seen a request. */
static void
web_metrics_write_requests(GString *out, struct web_metrics *m)
{
	static const char *const classes[WEB_NCLASSES] = { "1xx", "2xx", "3xx",
		"4xx", "5xx" };
	g_autoptr(GString) labels = g_string_new(NULL);
	size_t slot;
	int c;

	web_family(out, "summit_http_request_duration_seconds", "histogram",
	    "Time from a request's headers read to its answer sent, by "
	    "route pattern and status class.");
	for (slot = 0; slot < m->nslots; slot++)
		for (c = 0; c < WEB_NCLASSES; c++) {
			const struct web_route *r = m->rows[slot];

			g_string_truncate(labels, 0);
			web_label(labels, "method",
			    r != NULL ? r->method :
			        slot == (size_t)web_metrics_slot_static(m) ?
			                "GET" :
			                "other");
			g_string_append_c(labels, ',');
			web_label(labels, "route",
			    r != NULL ? r->pattern :
			        slot == (size_t)web_metrics_slot_static(m) ?
			                "/static/*" :
			                "(none)");
			g_string_append_c(labels, ',');
			web_label(labels, "status", classes[c]);
			web_histogram_write(out,
			    "summit_http_request_duration_seconds", labels->str,
			    &m->latency[slot][c], true);
		}
}

/* The counters app keeps for this process (app/monitor.h). */
static void
web_metrics_write_counters(GString *out)
{
	static const struct {
		enum app_counter c;
		const char *name, *help;
	} counters[] = {
		{ APP_COUNT_REGISTRATIONS, "summit_registrations_total",
		    "New participants registered by this process." },
		{ APP_COUNT_CHECK_INS, "summit_check_ins_total",
		    "Participants checked in by this process." },
		{ APP_COUNT_ALLOCATION_RUNS, "summit_allocation_runs_total",
		    "Allocation runs recorded by this process." },
		{ APP_COUNT_MAILS_SENT, "summit_mails_sent_total",
		    "Mails this process's outbox worker handed over." },
		{ APP_COUNT_MAILS_RETRIED, "summit_mails_retried_total",
		    "Mails that failed for now and wait to be tried again." },
		{ APP_COUNT_MAILS_FAILED, "summit_mails_failed_total",
		    "Mails that failed for good." },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(counters); i++) {
		web_family(out, counters[i].name, "counter", counters[i].help);
		web_sample(out, counters[i].name, "",
		    app_counter_value(counters[i].c));
	}
}

static void
web_gauge(GString *out, const char *name, const char *help, uint64_t v)
{
	web_family(out, name, "gauge", help);
	web_sample(out, name, "", v);
}

/* The outbox by state (one query); summit_database_up says whether the
 * database answered it. */
static void
web_metrics_write_outbox(GString *out, struct web_req *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) depth = app_outbox_depth(req->web->app, &error);
	static const char *const states[] = { "queued", "sent", "failed",
		"held" };
	size_t i;

	web_gauge(out, "summit_database_up",
	    "1 if the database answered this scrape's outbox query.",
	    depth != NULL);
	if (depth == NULL)
		return;
	web_family(out, "summit_outbox_messages", "gauge",
	    "Messages in the outbox by state (all processes).");
	for (i = 0; i < G_N_ELEMENTS(states); i++) {
		g_autoptr(GString) l = g_string_new(NULL);

		web_label(l, "state", states[i]);
		web_sample(out, "summit_outbox_messages", l->str,
		    (uint64_t)app_view_int(depth, states[i]));
	}
}

static bool
web_metrics_allowed(struct web_req *req)
{
	const struct conf *c = req->web->conf;
	struct addr a;

	return addr_parse(req->address, &a) &&
	    addr_in_nets(&a, c->metrics_nets, c->n_metrics_nets);
}

static void
page_metrics(struct web_req *req, const struct web_call *c)
{
	struct web *web = req->web;
	struct app_pool_stats pool;
	GString *out = req->out;
	guint inflight;

	(void)c;
	if (!web_metrics_allowed(req)) {
		log_warnx("request %s: /metrics from %s, not in [server] "
		          "metrics_allow",
		    req->id, req->address);
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return;
	}
	g_string_truncate(out, 0);
	web_metrics_write_requests(out, web->metrics);
	web_family(out, "summit_http_queue_wait_seconds", "histogram",
	    "Time a request waited in the queue for a request worker.");
	web_histogram_write(out, "summit_http_queue_wait_seconds", "",
	    &web->metrics->queue_wait, false);
	web_gauge(out, "summit_http_queue_depth",
	    "Requests waiting for a request worker now.",
	    web_workers_depth(web->workers));
	web_gauge(out, "summit_http_workers",
	    "Request workers ([server] "
	    "threads).",
	    (uint64_t)web->conf->threads);
	inflight = atomic_load_explicit(&web->inflight, memory_order_relaxed);
	web_gauge(out, "summit_http_requests_in_flight",
	    "Requests begun and not yet answered, this one included.",
	    inflight);
	app_pool_stats(web->app, &pool);
	web_gauge(out, "summit_db_pool_size",
	    "Database connections at most ([database] pool_size).", pool.size);
	web_gauge(out, "summit_db_pool_open",
	    "Database connections open (in use or idle).", pool.open);
	web_gauge(out, "summit_db_pool_in_use",
	    "Database connections handed out now.", pool.in_use);
	web_gauge(out, "summit_db_pool_waiting",
	    "Threads waiting for a free database connection.", pool.waiting);
	web_metrics_write_outbox(out, req);
	web_metrics_write_counters(out);
	req->status = MHD_HTTP_OK;
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

const struct web_route web_metrics_routes[] = {
	{ "GET", "/metrics", page_metrics, WEB_PUBLIC, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, WEB_GLOBAL },
	WEB_ROUTES_END,
};
