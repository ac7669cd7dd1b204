/*
 * summitctl.c -- the command line: check the configuration, migrate, load
 * the demo, run the mail worker, read the organiser's mailbox, expire
 * lapsed registrations, purge old personal data, allocate, publish,
 * inspect mail (ics, outbox, dkim-record), add organisers.
 *
 * Subcommands come from one table of {name, function, help}.  Global
 * options (--config) come before the subcommand's name.
 */
#include "summit-config.h"
#include "app/app.h"
#include "base/base.h"
#include "conf/conf.h"
#include "ctl/ctl.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *opt_config;
static gboolean opt_verbose;

static int
ctl_migrate(int argc, char **argv, const char *config)
{
	struct ctl_env env;
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL;
	unsigned applied = 0;
	int rc = 1;

	(void)config;
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: summitctl migrate [DIR]\n");
		return 1;
	}
	if (!ctl_env_open(&env, opt_config, false, false))
		goto out;
	dir = g_strdup(argc == 2 ? argv[1] : env.conf->migrations_dir);
	if (app_migrate(env.app, dir, &applied, &error)) {
		printf("%u migration%s applied; the schema is up to date\n",
		    applied, applied == 1 ? "" : "s");
		rc = 0;
	} else
		fprintf(stderr, "summitctl: %s\n", error->message);
out:
	ctl_env_close(&env);
	return rc;
}

/* What an installed tree needs before summitd starts: the file, the key,
 * the templates, the static files and the migrations, all readable. */
static int
ctl_check_config(int argc, char **argv, const char *config)
{
	struct ctl_env env;
	g_autofree char *sql = g_build_filename(conf_data_dir(), "sql", NULL);
	int rc = 1;

	(void)argv;
	(void)config;
	if (argc != 1) {
		fprintf(stderr, "usage: summitctl check-config\n");
		return 1;
	}
	if (!ctl_env_open(&env, opt_config, true, true))
		goto out;
	if (!g_file_test(env.conf->static_dir, G_FILE_TEST_IS_DIR))
		fprintf(stderr,
		    "summitctl: [server] static_dir: no folder "
		    "\"%s\"\n",
		    env.conf->static_dir);
	else if (!g_file_test(sql, G_FILE_TEST_IS_DIR))
		fprintf(stderr, "summitctl: no migrations in \"%s\"\n", sql);
	else {
		printf("configuration OK\n");
		rc = 0;
	}
out:
	ctl_env_close(&env);
	return rc;
}

static int
ctl_load_demo(int argc, char **argv, const char *config)
{
	struct ctl_env env;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = g_build_filename(conf_data_dir(), "sql", "demo",
	    "ki-toppmote.sql", NULL);
	int rc = 1;

	(void)argv;
	(void)config;
	if (argc != 1) {
		fprintf(stderr, "usage: summitctl load-demo\n");
		return 1;
	}
	if (!ctl_env_open(&env, opt_config, false, false))
		goto out;
	if (app_load_demo(env.app, path, &error)) {
		printf("demo event \"Digitalt toppmøte om KI\" is loaded\n");
		rc = 0;
	} else
		fprintf(stderr, "summitctl: could not load the demo: %s\n",
		    error->message);
out:
	ctl_env_close(&env);
	return rc;
}

static volatile sig_atomic_t ctl_stop;

static void
ctl_on_signal(int sig)
{
	(void)sig;
	ctl_stop = 1;
}

static int
ctl_mail_worker(int argc, char **argv, const char *config)
{
	gboolean once = FALSE;
	GOptionEntry entries[] = { { "once", 0, 0, G_OPTION_ARG_NONE, &once,
		                       "deliver what is due, then exit", NULL },
		G_OPTION_ENTRY_NULL };
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "- deliver the mail outbox");
	g_autoptr(GError) error = NULL;
	g_autoptr(AppMailer) mailer = NULL;
	g_autoptr(AppMailbox) mailbox = NULL;
	gint64 next_mailbox = 0;
	struct ctl_env env;
	int rc = 1;

	(void)config;
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "summitctl mail-worker: %s\n", error->message);
		return 1;
	}
	if (!ctl_env_open(&env, opt_config, true, true))
		goto out;
	if ((mailer = app_mailer_new(env.app, &error)) == NULL) {
		fprintf(stderr, "summitctl mail-worker: %s\n", error->message);
		goto out;
	}
	if (env.conf->mailbox_url[0] != '\0' &&
	    (mailbox = app_mailbox_new(env.app, &error)) == NULL) {
		fprintf(stderr, "summitctl mail-worker: %s\n", error->message);
		goto out;
	}
	signal(SIGINT, ctl_on_signal);
	signal(SIGTERM, ctl_on_signal);
	while (!ctl_stop) {
		unsigned sent = 0, hooks = 0,
		         batch = (unsigned)env.conf->mail_batch;

		/* The mailbox on its own interval ([mailbox] poll_seconds). */
		if (mailbox != NULL && g_get_monotonic_time() >= next_mailbox) {
			struct app_mailbox_counts got;

			if (!ctl_mailbox_read_once(env.app, mailbox, &got))
				got.more = false;
			if (once)
				g_clear_pointer(&mailbox, app_mailbox_free);
			next_mailbox = g_get_monotonic_time() +
			    (got.more ? 0 :
			                env.conf->mailbox_poll_seconds *
			                G_USEC_PER_SEC);
		}

		if (!app_mail_deliver(env.app, mailer, batch, &sent, &error)) {
			fprintf(stderr, "summitctl: %s\n", error->message);
			g_clear_error(&error);
			if (once)
				goto out;
		} else if (sent > 0)
			log_info("delivered %u message%s", sent,
			    sent == 1 ? "" : "s");
		/* Webhooks go with the mail (app/webhook.c). */
		if (!app_webhook_deliver(env.app, batch, &hooks, &error)) {
			fprintf(stderr, "summitctl: %s\n", error->message);
			g_clear_error(&error);
		}
		if (hooks == batch)
			continue;
		if (sent == batch)
			continue;
		if (once)
			break;
		sleep((unsigned)env.conf->mail_poll_seconds);
	}
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}

/* A periodic job run once by hand: no arguments, one count printed. */
typedef gboolean (
    *ctl_job_fn)(const struct app *app, unsigned *count, GError **error);

static int
ctl_run_job(int argc, const char *name, bool need_key, ctl_job_fn job,
    const char *what, const char *done)
{
	struct ctl_env env;
	g_autoptr(GError) error = NULL;
	unsigned n = 0;
	int rc = 1;

	if (argc != 1) {
		fprintf(stderr, "usage: summitctl %s\n", name);
		return 1;
	}
	if (!ctl_env_open(&env, opt_config, need_key, false))
		goto out;
	if (job(env.app, &n, &error)) {
		printf("%u %s%s %s\n", n, what, n == 1 ? "" : "s", done);
		rc = 0;
	} else
		fprintf(stderr, "summitctl: %s\n", error->message);
out:
	ctl_env_close(&env);
	return rc;
}

static int
ctl_expire(int argc, char **argv, const char *config)
{
	(void)argv;
	(void)config;
	return ctl_run_job(argc, "expire", true, app_expire_and_fill,
	    "registration", "changed status");
}

static int
ctl_remind(int argc, char **argv, const char *config)
{
	(void)argv;
	(void)config;
	return ctl_run_job(argc, "remind", true, app_reminders_queue,
	    "reminder", "queued");
}

static const struct {
	const char *name;
	int (*run)(int, char **, const char *);
	const char *help;
} ctl_commands[] = {
	{ "check-config", ctl_check_config,
	    "check the configuration, key, templates, static files and "
	    "migrations" },
	{ "migrate", ctl_migrate, "apply the database migrations in sql/" },
	{ "load-demo", ctl_load_demo, "load the demo event (once)" },
	{ "mail-worker", ctl_mail_worker,
	    "deliver the mail outbox and read the mailbox" },
	{ "mailbox-read", ctl_mailbox_read,
	    "read the organiser's mailbox once: record bounces and "
	    "calendar replies" },
	{ "expire", ctl_expire,
	    "delete lapsed unconfirmed registrations, expire holds, promote "
	    "from the waitlist" },
	{ "remind", ctl_remind,
	    "queue the reminders due now (summitd does it every "
	    "expiry interval)" },
	{ "purge", ctl_purge,
	    "erase the personal data of participants past their event's "
	    "retention period ([privacy] retention_days when it sets none); "
	    "--dry-run lists them" },
	{ "allocate", ctl_allocate, "place participants in sessions" },
	{ "publish", ctl_publish,
	    "queue the invitations, updates and cancellations due" },
	{ "ics", ctl_ics, "print what a participant would be sent" },
	{ "outbox", ctl_outbox, "list failed messages, or send one again" },
	{ "dkim-record", ctl_dkim_record, "print the DKIM key's DNS record" },
	{ "organiser", ctl_organiser, "add an organiser account" },
	{ "api-token", ctl_api_token,
	    "add a JSON API token for an organiser (docs/api.md)" },
	{ "webhook", ctl_webhook,
	    "add a webhook endpoint for the event (docs/api.md)" },
};

static char *
ctl_summary(void)
{
	GString *s = g_string_new("Commands:\n");
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(ctl_commands); i++)
		g_string_append_printf(s, "  %-12s %s\n", ctl_commands[i].name,
		    ctl_commands[i].help);
	return g_string_free(s, FALSE);
}

int
main(int argc, char **argv)
{
	GOptionEntry entries[] = { { "config", 'c', 0, G_OPTION_ARG_FILENAME,
		                       &opt_config, "configuration file",
		                       "FILE" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
		    "log debug messages", NULL },
		{ "event", 'e', 0, G_OPTION_ARG_STRING, &ctl_opt_event,
		    "the event to work on (its address name); needed when "
		    "the installation has several",
		    "SLUG" },
		G_OPTION_ENTRY_NULL };
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "COMMAND [ARGS...] - manage a Summit event");
	g_autoptr(GError) error = NULL;
	g_autofree char *summary = ctl_summary();
	size_t i;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx, summary);
	/* Options after the command's name belong to the command. */
	g_option_context_set_strict_posix(ctx, TRUE);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "summitctl: %s\n", error->message);
		return 1;
	}
	log_set_verbose(opt_verbose);
	if (argc < 2) {
		fprintf(stderr, "summitctl: a command is needed\n\n%s",
		    summary);
		return 1;
	}
	for (i = 0; i < G_N_ELEMENTS(ctl_commands); i++)
		if (strcmp(argv[1], ctl_commands[i].name) == 0)
			return ctl_commands[i].run(argc - 1, argv + 1,
			    opt_config);
	fprintf(stderr, "summitctl: unknown command \"%s\"\n\n%s", argv[1],
	    summary);
	return 1;
}
