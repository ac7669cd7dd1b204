/*
 * throttle.c -- the registration rate limits, and the console page that
 * shows what they turned away.
 *
 * Two token buckets (base/limit.c), counted in this process's memory so a
 * registration never waits on a shared row: one per client address (an
 * IPv6 address as its /64), one per e-mail domain, the second skipped for
 * the large free-mail domains in [registration] domain_exempt, where a
 * limit would throttle everyone.  With N summitd processes behind a
 * balancer a client gets up to N times the allowance.  Refusals are
 * drained by summitd's periodic job (web_drain_refusals) into the
 * database for the console.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

/* Keys each limit remembers; beyond that idle ones are dropped. */
#define THROTTLE_MAX_KEYS 100000

void
web_throttle_init(struct web *web)
{
	const struct conf *c = web->conf;

	web->reg_by_address = limit_bucket_new((double)c->per_address_burst,
	    (double)c->per_address_per_hour, THROTTLE_MAX_KEYS);
	web->reg_by_domain = limit_bucket_new((double)c->per_domain_burst,
	    (double)c->per_domain_per_hour, THROTTLE_MAX_KEYS);
	web->domain_exempt = g_strsplit(c->domain_exempt, ",", -1);
	web->api_by_token = limit_bucket_new((double)c->api_per_token_burst,
	    (double)c->api_per_token_per_hour, THROTTLE_MAX_KEYS);
}

void
web_throttle_free(struct web *web)
{
	g_clear_pointer(&web->reg_by_address, limit_free);
	g_clear_pointer(&web->reg_by_domain, limit_free);
	g_clear_pointer(&web->domain_exempt, g_strfreev);
	g_clear_pointer(&web->api_by_token, limit_free);
}

void
web_drain_refusals(Web *web, GHashTable *by_address, GHashTable *by_domain)
{
	if (web->reg_by_address != NULL)
		limit_drain_refusals(web->reg_by_address, by_address);
	if (web->reg_by_domain != NULL)
		limit_drain_refusals(web->reg_by_domain, by_domain);
}

/* 429 with Retry-After and a page that says what happened. */
static void
throttle_refuse(struct web_req *req, gint64 retry_after_s)
{
	char ra[24];

	web_error_page(req, MHD_HTTP_TOO_MANY_REQUESTS, "reg_throttled");
	g_snprintf(ra, sizeof(ra), "%" G_GINT64_FORMAT, MAX(retry_after_s, 1));
	web_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, ra);
}

bool
web_throttle_address(struct web_req *req)
{
	char key[64];
	gint64 retry = 1;

	limit_address_key(req->address, key, sizeof(key));
	if (limit_take(req->web->reg_by_address, key, g_get_monotonic_time(),
	        &retry))
		return true;
	log_info("request %s: registration refused: too many from %s", req->id,
	    key);
	throttle_refuse(req, retry);
	return false;
}

bool
web_throttle_domain(struct web_req *req, const char *email)
{
	const char *at = email != NULL ? strrchr(email, '@') : NULL;
	g_autofree char *domain = NULL;
	gint64 retry = 1;
	char **d;

	if (at == NULL)
		return true;
	domain = g_ascii_strdown(at + 1, -1);
	for (d = req->web->domain_exempt; d != NULL && *d != NULL; d++)
		if (strcmp(*d, domain) == 0)
			return true;
	if (limit_take(req->web->reg_by_domain, domain, g_get_monotonic_time(),
	        &retry))
		return true;
	log_info("request %s: registration refused: too many for domain "
	         "\"%s\"",
	    req->id, domain);
	throttle_refuse(req, retry);
	return false;
}

/*
 * GET /console/throttled: refused registration attempts of the last 24
 * hours per client address and per e-mail domain.  200, 303 (login),
 * 403, 503.  Staff.
 */
static void
throttle_page(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL, res = NULL;

	res = app_throttle_recent(req->web->app, c->actor, &error);
	if (res == NULL) {
		web_app_error(req, error);
		return;
	}
	ctx = console_ctx(req);
	json_object_set_array_member(ctx, "by_address",
	    json_array_ref(app_view_array(res, "address")));
	json_object_set_array_member(ctx, "by_domain",
	    json_array_ref(app_view_array(res, "domain")));
	web_render(req, MHD_HTTP_OK, "console/throttled.html", ctx);
}

const struct web_route console_throttle_routes[] = {
	{ "GET", "/console/throttled", throttle_page, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
