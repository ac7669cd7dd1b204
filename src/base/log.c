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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
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

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of now into buf (LOG_STAMP_LEN + 1 bytes).
 * The access log writes a line per request, tens of thousands a second:
 * each thread keeps the text of the current second and only adds the
 * milliseconds (a GDateTime and its format per line cost more than the
 * rest of the request's own work). */
#define LOG_STAMP_LEN 24
static void
log_stamp(char *buf)
{
	static _Thread_local time_t sec = (time_t)-1;
	static _Thread_local char text[20]; /* to the second */
	struct timespec ts;
	int ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != sec) {
		struct tm tm;

		gmtime_r(&ts.tv_sec, &tm);
		strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
		sec = ts.tv_sec;
	}
	ms = (int)(ts.tv_nsec / 1000000);
	memcpy(buf, text, 19);
	buf[19] = '.';
	buf[20] = (char)('0' + ms / 100);
	buf[21] = (char)('0' + ms / 10 % 10);
	buf[22] = (char)('0' + ms % 10);
	buf[23] = 'Z';
	buf[24] = '\0';
}

/* All of s to stderr, however the kernel splits it. */
static void
log_write(const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/*
 * Batched lines (log_request_batched: summitd's answers from an I/O
 * thread, tens of thousands a second) wait in one buffer and go out in
 * one write(2) when it fills, before any other line (so the log keeps
 * the order lines were made in) and on log_flush (summitd's main loop,
 * several times a second).  One write per line was a tenth of the CPU
 * of an event page's GET.  Every line takes log_lock: the order again.
 */
#define LOG_BATCH_BYTES 32768
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_batch[LOG_BATCH_BYTES];
static size_t log_batch_len;
static atomic_bool log_batching;

/* The waiting lines out; under log_lock. */
static void
log_batch_write(void)
{
	if (log_batch_len > 0)
		log_write(log_batch, log_batch_len);
	log_batch_len = 0;
}

void
log_batch_enable(bool on)
{
	atomic_store(&log_batching, on);
	if (!on)
		log_flush();
}

void
log_flush(void)
{
	pthread_mutex_lock(&log_lock);
	log_batch_write();
	pthread_mutex_unlock(&log_lock);
}

/* line (len bytes, newline included) to stderr now, or into the batch. */
static void
log_emit(const char *line, size_t len, bool batched)
{
	pthread_mutex_lock(&log_lock);
	if (!batched || log_batch_len + len > sizeof(log_batch))
		log_batch_write();
	if (batched && len <= sizeof(log_batch)) {
		memcpy(log_batch + log_batch_len, line, len);
		log_batch_len += len;
	} else
		log_write(line, len);
	pthread_mutex_unlock(&log_lock);
}

/* "STAMP LEVEL: MSG[: SUFFIX]" and a newline to stderr in one write (or
 * into the batch), from the stack when it fits. */
static void
log_text(const char *level, const char *msg, const char *suffix, bool batched)
{
	char line[1024], *p = line;
	size_t nl = strlen(level), nm = strlen(msg);
	size_t ns = suffix != NULL ? strlen(suffix) : 0;
	g_autofree char *big = NULL;

	if (LOG_STAMP_LEN + nl + nm + ns + 6 > sizeof(line))
		p = big = g_malloc(LOG_STAMP_LEN + nl + nm + ns + 6);
	log_stamp(p);
	p += LOG_STAMP_LEN;
	*p++ = ' ';
	memcpy(p, level, nl);
	p += nl;
	*p++ = ':';
	*p++ = ' ';
	memcpy(p, msg, nm);
	p += nm;
	if (suffix != NULL) {
		*p++ = ':';
		*p++ = ' ';
		memcpy(p, suffix, ns);
		p += ns;
	}
	*p++ = '\n';
	log_emit(big != NULL ? big : line,
	    (size_t)(p - (big != NULL ? big : line)), batched);
}

static void G_GNUC_PRINTF(2, 0) log_vline(const char *level, const char *fmt,
    va_list ap, const char *suffix)
{
	char buf[1024];
	g_autofree char *msg = NULL;
	va_list again;
	int n;

	/* The journal stamps entries itself. */
	if (log_to_journal()) {
		msg = g_strdup_vprintf(fmt, ap);
		sd_journal_send("MESSAGE=%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "", "PRIORITY=%d", log_priority(level),
		    NULL);
		return;
	}
	/* The message on the stack, or on the heap when longer. */
	va_copy(again, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		msg = g_strdup_vprintf(fmt, again);
	va_end(again);
	log_text(level, msg != NULL ? msg : buf, suffix, false);
}

static void
log_request_journal(const struct log_request *r, const char *msg)
{
	sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", LOG_INFO,
	    "REQUEST_ID=%s", r->id, "REQUEST_METHOD=%s", r->method,
	    "REQUEST_PATH=%s", r->path, "ROUTE=%s", r->route, "STATUS=%u",
	    r->status, "DURATION_MS=%.1f", r->ms, NULL);
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
	log_request_journal(r, msg);
}

static void
log_request_line(const struct log_request *r, const char *msg, bool batched)
{
	if (log_to_journal())
		log_request_journal(r, msg);
	else
		log_text("info", msg, NULL,
		    batched && atomic_load(&log_batching));
}

void
log_request_text(const struct log_request *r, const char *msg)
{
	log_request_line(r, msg, false);
}

void
log_request_batched(const struct log_request *r, const char *msg)
{
	log_request_line(r, msg, true);
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
	exit(1); /* the fatal line has written the batch out */
}
