/*
 * env.c -- what summitctl's subcommands share: the application opened
 * with one database connection, and the key and templates when asked.
 */
#include "ctl/ctl.h"
#include "base/base.h"

#include <stdio.h>
#include <string.h>

const char *ctl_opt_event;

bool
ctl_env_event(struct ctl_env *env, bool to_change, gint64 *event_id)
{
	g_autoptr(GError) error = NULL;

	if (!app_event_pick(env->app, ctl_opt_event, to_change, event_id,
	        &error)) {
		fprintf(stderr, "summitctl: %s\n", error->message);
		return false;
	}
	return true;
}

void
ctl_env_close(struct ctl_env *env)
{
	g_clear_pointer(&env->app, app_free);
	env->conf = NULL;
}

bool
ctl_env_open(struct ctl_env *env, const char *config_path, bool need_key,
    bool need_templates)
{
	const struct app_open_options opt = {
		.pool_size = 1,
		.wait_ms = 10000,
		.key = need_key,
		.templates = need_templates,
	};
	g_autoptr(GError) error = NULL;

	memset(env, 0, sizeof(*env));
	if ((env->app = app_open(config_path, &opt, &error)) == NULL) {
		fprintf(stderr, "summitctl: %s\n", error->message);
		return false;
	}
	env->conf = app_conf(env->app);
	return true;
}
