/*
 * privacy.c -- `summitctl purge`: erase the personal data of every event
 * past its retention period now (what summitd does every expiry
 * interval), or with --dry-run list what that would erase and change
 * nothing.
 */
#include "app/app.h"
#include "base/base.h"
#include "ctl/ctl.h"

#include <stdio.h>

int
ctl_purge(int argc, char **argv, const char *config_path)
{
	gboolean dry = FALSE;
	GOptionEntry entries[] = {
		{ "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry,
		    "list what would be erased; change nothing", NULL },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "- erase personal data past each event's retention period");
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) due = NULL;
	struct ctl_env env;
	unsigned n = 0;
	guint i;
	int rc = 1;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
		fprintf(stderr, "summitctl purge: %s\n",
		    error ? error->message : "unexpected arguments");
		return 1;
	}
	if (!ctl_env_open(&env, config_path, false, false))
		goto out;
	if (!dry) {
		if (!app_privacy_purge(env.app, &n, &error))
			goto fail;
		printf("%u participant%s erased\n", n, n == 1 ? "" : "s");
		rc = 0;
		goto out;
	}
	if ((due = app_privacy_due(env.app, &error)) == NULL)
		goto fail;
	for (i = 0; i < json_array_get_length(due); i++) {
		JsonObject *r = json_array_get_object_element(due, i);

		if (g_strcmp0(app_view_str(r, "what"), "participant") == 0)
			n++;
		printf("%s %" G_GINT64_FORMAT " of %s (retention ended %s "
		       "UTC)\n",
		    app_view_str(r, "what"), app_view_int(r, "id"),
		    app_view_str(r, "event"), app_view_str(r, "due"));
	}
	printf("dry run: %u participant%s and %u invitee%s would be erased; "
	       "nothing changed\n",
	    n, n == 1 ? "" : "s", json_array_get_length(due) - n,
	    json_array_get_length(due) - n == 1 ? "" : "s");
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "summitctl purge: %s\n", error->message);
out:
	ctl_env_close(&env);
	return rc;
}
