/*
 * api.c -- the JSON API's set-up: `summitctl api-token add --organiser EMAIL --scope
 * read[,checkin] [--expires WHEN]`: a bearer token of the JSON API for
 * the current event, printed once (only its hash is kept).
 */
#include "ctl/ctl.h"
#include "base/base.h"

#include <stdio.h>
#include <string.h>

/* WHEN as Unix seconds: an ISO 8601 time with its offset, or a date
 * (its start in UTC); 0 when it is neither. */
static gint64
expires_parse(const char *when)
{
	g_autoptr(GDateTime) d = NULL;
	g_autofree char *full = NULL;

	if (strchr(when, 'T') == NULL)
		when = full = g_strconcat(when, "T00:00:00Z", NULL);
	d = g_date_time_new_from_iso8601(when, NULL);
	return d != NULL ? g_date_time_to_unix(d) : 0;
}

int
ctl_api_token(int argc, char **argv, const char *config_path)
{
	g_autofree char *email = NULL, *scope = NULL, *expires = NULL;
	GOptionEntry entries[] = {
		{ "organiser", 0, 0, G_OPTION_ARG_STRING, &email,
		    "the organiser the token acts for", "EMAIL" },
		{ "scope", 0, 0, G_OPTION_ARG_STRING, &scope,
		    "read, checkin or read,checkin", "SCOPES" },
		{ "expires", 0, 0, G_OPTION_ARG_STRING, &expires,
		    "when the token stops working: a date (YYYY-MM-DD, UTC) "
		    "or an ISO 8601 time; default never",
		    "WHEN" },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "add - add a JSON API token");
	g_autoptr(GError) error = NULL;
	g_autofree char *token = NULL;
	gint64 at = 0, id = 0, event_id = 0;
	struct ctl_env env;
	int rc = 1;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 ||
	    strcmp(argv[1], "add") != 0 || email == NULL || scope == NULL) {
		fprintf(stderr,
		    "usage: summitctl api-token add --organiser EMAIL "
		    "--scope read[,checkin] [--expires WHEN]\n");
		return 1;
	}
	if (expires != NULL && (at = expires_parse(expires)) <= 0) {
		fprintf(stderr,
		    "summitctl api-token: --expires takes YYYY-MM-DD or an "
		    "ISO 8601 time\n");
		return 1;
	}
	if (!ctl_env_open(&env, config_path, false, false) ||
	    !ctl_env_event(&env, true, &event_id))
		goto out;
	if (!app_api_token_add(env.app, NULL, event_id, email, scope, at,
	        &token, &id, &error)) {
		fprintf(stderr, "summitctl api-token: %s\n",
		    g_error_matches(error, SUMMIT_APP_ERROR, APP_ENOTFOUND) ?
		        "no such enabled organiser, or no event yet" :
		        error->message);
		goto out;
	}
	/* The token on a line of its own, for scripts; said once. */
	fprintf(stderr,
	    "api token %" G_GINT64_FORMAT
	    " added for %s (%s); it is shown only now:\n",
	    id, email, scope);
	printf("%s\n", token);
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}

/* The secret from standard input, one line (transfer full), or NULL. */
static char *
secret_from_stdin(void)
{
	char buf[512];

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return g_strdup(buf);
}

/*
 * `summitctl webhook add --url URL --events KIND[,KIND...]
 * [--secret-stdin]`: an endpoint for the current event; without
 * --secret-stdin a secret is made and printed once.
 */
int
ctl_webhook(int argc, char **argv, const char *config_path)
{
	g_autofree char *url = NULL, *events = NULL, *given = NULL;
	g_autofree char *secret = NULL;
	gboolean from_stdin = FALSE;
	GOptionEntry entries[] = {
		{ "url", 0, 0, G_OPTION_ARG_STRING, &url,
		    "where deliveries are POSTed (http:// or https://)",
		    "URL" },
		{ "events", 0, 0, G_OPTION_ARG_STRING, &events,
		    "registration.created, registration.cancelled, "
		    "placement.published, placement.changed, checkin.recorded "
		    "(comma-separated)",
		    "KINDS" },
		{ "secret-stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin,
		    "read the signing secret from standard input", NULL },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "add - add a webhook endpoint");
	g_autoptr(GError) error = NULL;
	gint64 id = 0, event_id = 0;
	struct ctl_env env;
	int rc = 1;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 ||
	    strcmp(argv[1], "add") != 0 || url == NULL || events == NULL) {
		fprintf(stderr,
		    "usage: summitctl webhook add --url URL --events "
		    "KIND[,KIND...] [--secret-stdin]\n");
		return 1;
	}
	if (from_stdin && (given = secret_from_stdin()) == NULL) {
		fprintf(stderr, "summitctl webhook: no secret on stdin\n");
		return 1;
	}
	if (!ctl_env_open(&env, config_path, false, false) ||
	    !ctl_env_event(&env, true, &event_id))
		goto out;
	if (!app_webhook_add(env.app, NULL, event_id, url, events, given,
	        &secret, &id, &error)) {
		fprintf(stderr, "summitctl webhook: %s\n", error->message);
		goto out;
	}
	fprintf(stderr, "webhook %" G_GINT64_FORMAT " added for %s\n", id, url);
	if (given == NULL) {
		fprintf(stderr, "its signing secret, shown only now:\n");
		printf("%s\n", secret);
	}
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}
