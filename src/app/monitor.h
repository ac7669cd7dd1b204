/*
 * monitor.h -- what summitd tells its monitoring: whether it is ready
 * (the database reachable, every migration file applied), the counters
 * of what this process has done, the pool, and the outbox's depth.
 * Included by app.h.
 */
#ifndef SUMMIT_APP_MONITOR_H
#define SUMMIT_APP_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <json-glib/json-glib.h>

struct app;

/*
 * Events counted in this process since it started (relaxed atomics: a
 * count costs one atomic add).  Several processes each count their own;
 * a monitoring system adds them up.
 */
enum app_counter {
	APP_COUNT_REGISTRATIONS = 0, /* new participants registered */
	APP_COUNT_CHECK_INS,         /* participants checked in */
	APP_COUNT_ALLOCATION_RUNS,   /* allocation runs recorded */
	APP_COUNT_MAILS_SENT,        /* handed to SMTP or the maildir */
	APP_COUNT_MAILS_RETRIED,     /* failed for now, to be tried again */
	APP_COUNT_MAILS_FAILED,      /* failed for good */
	APP_COUNT__MAX
};
void app_count(enum app_counter c, uint64_t n);
uint64_t app_counter_value(enum app_counter c);

/* The connection pool now. */
struct app_pool_stats {
	unsigned size, open, in_use, waiting;
};
void app_pool_stats(const struct app *app, struct app_pool_stats *out);

/* The view { "queued": n, "sent": n, "failed": n, "held": n }: outbox
 * rows by state, every state present (transfer full); one query. */
JsonObject *app_outbox_depth(const struct app *app, GError **error);

/*
 * Whether this summitd can serve: the database answers and every
 * migration in [database] migrations_dir is recorded as applied.  FALSE
 * with *reason (transfer full, one short line) when not.
 */
gboolean app_ready(const struct app *app, char **reason);

#endif
