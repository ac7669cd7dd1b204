/*
 * summitd.c -- the web server: configuration, wiring, background work,
 * signals.
 *
 * Besides serving HTTP, summitd runs periodic jobs in one background
 * thread: deleting unconfirmed registrations past their time (and filling
 * places from the waitlist), filling freed seats in sessions when the
 * event is set to (app/refill.c: at once when a request or the mailbox
 * frees one, app_on_seats_changed), recording what the registration rate limits
 * refused, and, unless the config hands mail to a separate
 * `summitctl mail-worker`, draining the outbox and reading the organiser's
 * mailbox for bounces and calendar replies ([mailbox]).  All are safe to
 * run in many processes at once.
 *
 * Under systemd (Type=notify, systemd/summitd.service) it says READY=1
 * once it answers on its port and STOPPING=1 when it begins to stop;
 * sd_notify does nothing without NOTIFY_SOCKET.
 */
#include "summit-config.h"
#include "app/app.h"
#include "base/base.h"
#include "conf/conf.h"
#include "web/web.h"

#include <errno.h>
#include <glib-unix.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

/* How often refusals of the rate limits are written for the console. */
#define SUMMITD_THROTTLE_FLUSH_S 30

struct summitd {
	App *app;
	pthread_mutex_t lock; /* lock.c: TSan must see it */
	pthread_cond_t wake;
	Web *web;
	bool stopping;
	bool refill_due; /* a seat may have been freed: fill it now */
};

/* app_on_seats_changed's hook: wakes the jobs, whichever thread freed
 * the seat, so it is filled within a second, not an interval. */
static void
summitd_seats_changed(gpointer data)
{
	struct summitd *d = data;

	lock_acquire(&d->lock);
	d->refill_due = true;
	lock_cond_signal(&d->wake);
	lock_release(&d->lock);
}

/* Drains the rate limits' refusal counters into the database, one
 * statement, only when something was refused.  Counts that could not be
 * written are lost (logged): they are a view for organisers, not a
 * record anyone relies on. */
static void
summitd_flush_refusals(struct summitd *d)
{
	g_autoptr(GHashTable) by_address = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) by_domain = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GError) error = NULL;

	web_drain_refusals(d->web, by_address, by_domain);
	if (!app_throttle_record(d->app, by_address, by_domain, &error))
		log_warnx("could not record refused registrations: %s",
		    error->message);
}

static gpointer
summitd_jobs(gpointer data)
{
	struct summitd *d = data;
	const struct conf *conf = app_conf(d->app);
	g_autoptr(AppMailer) mailer = NULL;
	g_autoptr(AppMailbox) mailbox = NULL;
	g_autoptr(GError) setup = NULL;
	gint64 next_expiry = 0, next_flush = 0, next_mailbox = 0;

	if (conf->mail_worker_in_summitd &&
	    (mailer = app_mailer_new(d->app, &setup)) == NULL)
		log_warnx("mail delivery is off: %s", setup->message);
	g_clear_error(&setup);
	if (conf->mail_worker_in_summitd && conf->mailbox_url[0] != '\0' &&
	    (mailbox = app_mailbox_new(d->app, &setup)) == NULL)
		log_warnx("the mailbox is not read: %s", setup->message);

	for (;;) {
		g_autoptr(GError) error = NULL;
		gint64 now = g_get_monotonic_time(), deadline;
		unsigned n = 0, hooks = 0;
		size_t filled = 0;
		gint64 reminded = 0;
		bool refill_due;

		lock_acquire(&d->lock);
		refill_due = d->refill_due;
		d->refill_due = false;
		lock_release(&d->lock);
		if (now >= next_expiry) {
			if (!app_expire_and_fill(d->app, &n, &error)) {
				log_warnx("could not expire holds: %s",
				    error->message);
				g_clear_error(&error);
			}
			refill_due = true; /* for those just promoted */
		}
		/* Freed seats and people just promoted: filled when the
		 * event says so (app/refill.c). */
		if (refill_due) {
			if (!app_refill_auto(d->app, &filled, &error)) {
				log_warnx("could not fill freed seats: %s",
				    error->message);
				g_clear_error(&error);
			}
		}
		if (now >= next_expiry) {
			/* Reminders due now: claimed in the database, so
			 * every summitd may run this and each goes once. */
			if (!app_reminders_queue(d->app, &n, &error)) {
				log_warnx("could not queue reminders: %s",
				    error->message);
				g_clear_error(&error);
			}
			/* Invitees who have not answered by the remind-by
			 * time: one reminder each, claimed in the database
			 * (app/invitees.c), so N processes send it once. */
			if (!app_invitee_remind(d->app, &reminded, &error)) {
				log_warnx("could not queue invitation "
				          "reminders: %s",
				    error->message);
				g_clear_error(&error);
			}
			/* The privacy page's promise, kept without cron. */
			if (!app_privacy_purge(d->app, &n, &error)) {
				log_warnx("could not erase data past the "
				          "retention period: %s",
				    error->message);
				g_clear_error(&error);
			}
			next_expiry = now +
			    conf->expiry_interval_seconds * G_USEC_PER_SEC;
		}
		if (now >= next_flush) {
			summitd_flush_refusals(d);
			next_flush = now +
			    MIN(conf->expiry_interval_seconds,
			        SUMMITD_THROTTLE_FLUSH_S) *
			        G_USEC_PER_SEC;
		}
		n = 0;
		if (mailer != NULL &&
		    !app_mail_deliver(d->app, mailer,
		        (unsigned)conf->mail_batch, &n, &error))
			log_warnx("could not deliver mail: %s", error->message);
		/* Webhooks go with the mail: the same worker delivers both. */
		if (conf->mail_worker_in_summitd &&
		    !app_webhook_deliver(d->app, (unsigned)conf->mail_batch,
		        &hooks, &error)) {
			log_warnx("could not deliver webhooks: %s",
			    error->message);
			g_clear_error(&error);
		}
		if (mailbox != NULL && g_get_monotonic_time() >= next_mailbox) {
			struct app_mailbox_counts got;

			if (!app_mailbox_read(d->app, mailbox, &got, &error)) {
				log_warnx("could not read the mailbox: %s",
				    error->message);
				g_clear_error(&error);
			}
			next_mailbox = g_get_monotonic_time() +
			    (got.more ? 0 :
			                conf->mailbox_poll_seconds *
			                G_USEC_PER_SEC);
		}
		deadline = g_get_monotonic_time() +
		    (n == conf->mail_batch || hooks == conf->mail_batch ?
		            0 :
		            conf->mail_poll_seconds * G_USEC_PER_SEC);
		if (mailbox != NULL)
			deadline = MIN(deadline, next_mailbox);
		lock_acquire(&d->lock);
		while (!d->stopping && !d->refill_due &&
		    g_get_monotonic_time() < deadline)
			lock_cond_wait_until(&d->wake, &d->lock, deadline);
		if (d->stopping) {
			lock_release(&d->lock);
			return NULL;
		}
		lock_release(&d->lock);
	}
}

/*
 * summitd never serves as root: started as root, it switches to
 * [server] user once the port is bound and the secret key, templates and
 * static files are read.  Refuses to go on as root without one.
 */
static bool
summitd_drop_privileges(const struct conf *conf)
{
	const struct passwd *pw;

	if (geteuid() != 0)
		return true;
	if (conf->user[0] == '\0') {
		log_warnx("running as root: set [server] user to an "
		          "unprivileged account");
		return false;
	}
	if ((pw = getpwnam(conf->user)) == NULL) {
		log_warnx("[server] user: no account \"%s\"", conf->user);
		return false;
	}
	if (pw->pw_uid == 0) {
		log_warnx("[server] user: \"%s\" is root", conf->user);
		return false;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		log_warn("could not switch to user \"%s\"", conf->user);
		return false;
	}
	if (setuid(0) == 0) {
		log_warnx("could switch back to root: refusing to go on");
		return false;
	}
	log_info("running as user \"%s\"", conf->user);
	return true;
}

static gboolean
summitd_on_signal(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

/* Every SUMMITD_LOG_FLUSH_MS: the batched access lines out (log.c). */
#define SUMMITD_LOG_FLUSH_MS 200
static gboolean
summitd_flush_log(gpointer data)
{
	(void)data;
	log_flush();
	return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
	g_autofree char *config = NULL;
	gboolean check = FALSE, verbose = FALSE;
	GOptionEntry entries[] = { { "config", 'c', 0, G_OPTION_ARG_FILENAME,
		                       &config, "configuration file", "FILE" },
		{ "check-config", 'n', 0, G_OPTION_ARG_NONE, &check,
		    "check the configuration, print \"configuration OK\" and "
		    "exit",
		    NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		    "log debug messages", NULL },
		G_OPTION_ENTRY_NULL };
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "- the Summit web server");
	/* The threads of the HTTP pool plus the background jobs share the
	 * pool; summitd throttles logins. */
	const struct app_open_options opt = {
		.pool_size = 0,
		.wait_ms = 5000,
		.key = true,
		.templates = true,
		.login_limits = true,
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(App) app = NULL;
	g_autoptr(Web) web = NULL;
	const struct conf *conf;
	g_autoptr(GMainLoop) loop = NULL;
	struct summitd d;
	GThread *jobs;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
		fprintf(stderr, "summitd: %s\n",
		    error ? error->message : "unexpected arguments");
		return 1;
	}
	log_set_verbose(verbose);
	if ((app = app_open(config, &opt, &error)) == NULL) {
		fprintf(stderr, "summitd: %s\n", error->message);
		return 1;
	}
	conf = app_conf(app);
	memset(&d, 0, sizeof(d));
	d.app = app;
	/* Before web_start: a request may free a seat at once. */
	lock_init(&d.lock);
	lock_cond_init(&d.wake);
	app_on_seats_changed(app, summitd_seats_changed, &d);
	web = web_new(app, &error);
	if (web == NULL) {
		fprintf(stderr, "summitd: %s\n", error->message);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		return 0;
	}
	/* Before the first request is served: a SIGTERM that comes as soon
	 * as summitd answers must stop it cleanly, not kill it. */
	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGINT, summitd_on_signal, loop);
	g_unix_signal_add(SIGTERM, summitd_on_signal, loop);
	if (!web_start(web, &error)) {
		fprintf(stderr, "summitd: %s\n", error->message);
		return 1;
	}
	if (!summitd_drop_privileges(conf) && conf->user[0] != '\0')
		return 1;
	/* The access lines of the I/O threads' own answers in batches,
	 * written out by this thread's loop at least every
	 * SUMMITD_LOG_FLUSH_MS. */
	log_batch_enable(true);
	g_timeout_add(SUMMITD_LOG_FLUSH_MS, summitd_flush_log, NULL);
	log_info("summitd %s listening on %s port %" G_GINT64_FORMAT
	         " (public URL %s)",
	    SUMMIT_VERSION, conf->listen_address, conf->port, conf->public_url);
	sd_notifyf(0, "READY=1\nSTATUS=listening on %s port %" G_GINT64_FORMAT,
	    conf->listen_address, conf->port);

	d.web = web;
	jobs = g_thread_new("jobs", summitd_jobs, &d);
	g_main_loop_run(loop);

	log_info("summitd stopping");
	sd_notify(0, "STOPPING=1");
	/* First: no new connection, the requests begun answered. */
	web_stop(web);
	log_batch_enable(false);
	lock_acquire(&d.lock);
	d.stopping = true;
	lock_cond_signal(&d.wake);
	lock_release(&d.lock);
	g_thread_join(jobs);
	summitd_flush_refusals(&d);
	g_clear_pointer(&web, web_free);
	lock_clear(&d.lock);
	lock_cond_clear(&d.wake);
	return 0;
}
