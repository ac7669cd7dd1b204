/*
 * log.c -- one line per event on stderr, or a journal entry with fields.
 *
 * Lines start with a UTC timestamp and a level.  When stderr is the
 * journal's stream (JOURNAL_STREAM names it: a systemd unit), entries go
 * to the journal with sd_journal_send instead, with a priority and, for
 * requests, their fields (log_request).  Callers never pass secrets:
 * tokens are cut out of paths before they reach here (see web/server.c).
 */
#include "base/base.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

static bool log_verbose;

void
log_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

/* True when stderr is the stream systemd connected to the journal
 * (systemd.exec(5): JOURNAL_STREAM is "device:inode" of that stream; a
 * child whose stderr was redirected inherits the variable, not the
 * stream).  Decided once, with pthread_once: ThreadSanitizer sees its
 * ordering (not GLib's g_once_init_*, built without it), and the first
 * line may come from any thread. */
static bool journal;
static pthread_once_t journal_decided = PTHREAD_ONCE_INIT;

static void
log_decide_journal(void)
{
	const char *env = g_getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	journal = env != NULL && sscanf(env, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

static bool
log_to_journal(void)
{
	pthread_once(&journal_decided, log_decide_journal);
	return journal;
}

static int
log_priority(const char *level)
{
	if (strcmp(level, "debug") == 0)
		return LOG_DEBUG;
	if (strcmp(level, "info") == 0)
		return LOG_INFO;
	if (strcmp(level, "warning") == 0)
		return LOG_WARNING;
	return LOG_ERR;
}

static void G_GNUC_PRINTF(2, 0) log_vline(const char *level, const char *fmt,
    va_list ap, const char *suffix)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	/* The journal stamps entries itself. */
	if (log_to_journal()) {
		sd_journal_send("MESSAGE=%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "", "PRIORITY=%d", log_priority(level),
		    NULL);
		return;
	}
	/* One fprintf per line, so lines from threads do not interleave. */
	fprintf(stderr, "%s.%03dZ %s: %s%s%s\n", ts,
	    g_date_time_get_microsecond(now) / 1000, level, msg,
	    suffix ? ": " : "", suffix ? suffix : "");
}

void
log_request(const struct log_request *r, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	if (!log_to_journal()) {
		log_vline("info", fmt, ap, NULL);
		va_end(ap);
		return;
	}
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", LOG_INFO,
	    "REQUEST_ID=%s", r->id, "REQUEST_METHOD=%s", r->method,
	    "REQUEST_PATH=%s", r->path, "ROUTE=%s", r->route, "STATUS=%u",
	    r->status, "DURATION_MS=%.1f", r->ms, NULL);
}

#define LOG_FN(name, level) \
	void name(const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		log_vline(level, fmt, ap, NULL); \
		va_end(ap); \
	}

LOG_FN(log_info, "info")
LOG_FN(log_warnx, "warning")

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vline("debug", fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vline("warning", fmt, ap, g_strerror(saved));
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline("fatal", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
