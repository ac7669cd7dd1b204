/*
 * env.c -- what summitctl's subcommands share: the configuration, the
 * secret key, a one-connection database pool and the templates.
 */
#include "ctl/ctl.h"
#include "base/base.h"

#include <stdio.h>
#include <string.h>

void
ctl_env_close(struct ctl_env *env)
{
	if (env->app.db != NULL)
		db_pool_free(env->app.db);
	if (env->app.tmpl != NULL)
		tmpl_set_free(env->app.tmpl);
	conf_free(env->conf);
}

bool
ctl_env_open(struct ctl_env *env, const char *config_path, bool need_key,
    bool need_templates)
{
	g_autoptr(GError) error = NULL;

	memset(env, 0, sizeof(*env));
	env->conf = conf_load(config_path, &error);
	if (env->conf == NULL) {
		fprintf(stderr, "summitctl: %s\n", error->message);
		return false;
	}
	if (need_key) {
		if (!conf_load_secret(env->conf, &error)) {
			fprintf(stderr, "summitctl: %s\n", error->message);
			return false;
		}
		env->app.key = g_bytes_get_data(env->conf->secret_key,
		    &env->app.keylen);
	}
	if (need_templates) {
		env->app.tmpl = tmpl_set_load(env->conf->templates_dir, &error);
		if (env->app.tmpl == NULL) {
			fprintf(stderr, "summitctl: %s\n", error->message);
			return false;
		}
	}
	env->app.conf = env->conf;
	env->app.db = db_pool_new(env->conf->database_url, 1, 10000);
	db_set_link_days((unsigned)env->conf->retention_days);
	return true;
}

