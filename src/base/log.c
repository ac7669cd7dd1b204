/*
 * log.c -- one line per event on stderr.
 *
 * Lines start with a UTC timestamp and a level.  Callers never pass secrets:
 * tokens are cut out of paths before they reach here (see web/server.c).
 */
#include "base/base.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool log_verbose;

void
log_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

static void G_GNUC_PRINTF(2, 0) log_vline(const char *level, const char *fmt,
    va_list ap, const char *suffix)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	/* One fprintf per line, so lines from threads do not interleave. */
	fprintf(stderr, "%s.%03dZ %s: %s%s%s\n", ts,
	    g_date_time_get_microsecond(now) / 1000, level, msg,
	    suffix ? ": " : "", suffix ? suffix : "");
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
