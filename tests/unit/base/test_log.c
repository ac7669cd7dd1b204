/*
 * test_log.c -- the lines log.c writes to stderr: the UTC stamp to the
 * millisecond, the level, the message and errno's text; lines longer than
 * the stack buffer whole; and lines from many threads at once each whole,
 * none lost (the access log writes one per request); batched lines held
 * until a flush, a full buffer or an unbatched line, then all written, in
 * the order they were made.
 */
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THREADS 4
#define PER_THREAD 2000

static char *log_file;

/* Runs fn with stderr sent to a fresh file; returns what it wrote. */
static char *
captured(void (*fn)(void))
{
	int saved = dup(STDERR_FILENO), fd;
	char *text = NULL;

	fd = g_open(log_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(dup2(fd, STDERR_FILENO), ==, STDERR_FILENO);
	close(fd);
	fn();
	g_assert_cmpint(dup2(saved, STDERR_FILENO), ==, STDERR_FILENO);
	close(saved);
	g_assert_true(g_file_get_contents(log_file, &text, NULL, NULL));
	return text;
}

static void
write_some(void)
{
	const struct log_request r = { "abc", "GET", "/", "/", 200, 0.5 };
	char *big = g_strnfill(3000, 'x');

	log_info("hello %d", 42);
	errno = ENOENT;
	log_warn("could not open %s", "f");
	log_request(&r, "request %s: %s %s %u", r.id, r.method, r.path,
	    r.status);
	log_warnx("long %s end", big);
	log_request_text(&r, "request abc: made already");
	g_free(big);
}

static void
test_lines(void)
{
	g_autofree char *text = captured(write_some);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autoptr(GRegex) stamp = g_regex_new(
	    "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ", 0, 0,
	    NULL);
	g_autofree char *big = g_strnfill(3000, 'x');
	g_autofree char *want_big = g_strdup_printf(" warning: long %s end",
	    big);
	int i;

	g_assert_cmpuint(g_strv_length(lines), ==, 6); /* and "" */
	g_assert_cmpstr(lines[5], ==, "");
	for (i = 0; i < 5; i++)
		g_assert_true(g_regex_match(stamp, lines[i], 0, NULL));
	g_assert_cmpstr(lines[0] + 24, ==, " info: hello 42");
	g_assert_cmpstr(lines[1] + 24, ==,
	    " warning: could not open f: "
	    "No such file or directory");
	g_assert_cmpstr(lines[2] + 24, ==, " info: request abc: GET / 200");
	g_assert_cmpstr(lines[3] + 24, ==, want_big);
	g_assert_cmpstr(lines[4] + 24, ==, " info: request abc: made already");
}

static gpointer
write_many(gpointer data)
{
	int t = GPOINTER_TO_INT(data), i;

	for (i = 0; i < PER_THREAD; i++)
		log_info("thread %d line %d %s", t, i,
		    "padding padding padding padding padding padding padding");
	return NULL;
}

static void
from_threads(void)
{
	GThread *th[THREADS];
	int t;

	for (t = 0; t < THREADS; t++)
		th[t] = g_thread_new("log", write_many, GINT_TO_POINTER(t));
	for (t = 0; t < THREADS; t++)
		g_thread_join(th[t]);
}

static void
test_threads(void)
{
	g_autofree char *text = captured(from_threads);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	int next[THREADS] = { 0 };
	guint i;

	g_assert_cmpuint(g_strv_length(lines), ==, THREADS * PER_THREAD + 1);
	for (i = 0; lines[i][0] != '\0'; i++) {
		int t, n;
		char pad[128];

		/* Whole, and each thread's lines in the order written. */
		g_assert_cmpint(sscanf(lines[i] + 24,
		                    " info: thread %d line %d %127[a-z ]", &t,
		                    &n, pad),
		    ==, 3);
		g_assert_cmpint(t, >=, 0);
		g_assert_cmpint(t, <, THREADS);
		g_assert_cmpint(n, ==, next[t]);
		next[t]++;
		g_assert_cmpstr(pad, ==,
		    "padding padding padding padding padding padding padding");
	}
}

/* Batched access lines from THREADS threads, PER_THREAD each. */
static gpointer
write_batched(gpointer data)
{
	const struct log_request r = { "abc", "GET", "/", "/", 200, 0.5 };
	int t = GPOINTER_TO_INT(data), i;

	for (i = 0; i < PER_THREAD; i++) {
		g_autofree char *msg = g_strdup_printf("batched %d line %d", t,
		    i);

		log_request_batched(&r, msg);
	}
	return NULL;
}

static void
batched(void)
{
	const struct log_request r = { "abc", "GET", "/", "/", 200, 0.5 };
	GThread *th[THREADS];
	struct stat st;
	int t;

	log_batch_enable(true);
	log_request_batched(&r, "first");
	/* Held: nothing written yet. */
	g_assert_cmpint(fstat(STDERR_FILENO, &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, 0);
	/* An unbatched line writes the batch out first. */
	log_info("unbatched");
	g_assert_cmpint(fstat(STDERR_FILENO, &st), ==, 0);
	g_assert_cmpint(st.st_size, >, 0);
	/* Many more than the buffer holds, from several threads. */
	for (t = 0; t < THREADS; t++)
		th[t] = g_thread_new("log", write_batched, GINT_TO_POINTER(t));
	for (t = 0; t < THREADS; t++)
		g_thread_join(th[t]);
	log_request_batched(&r, "last");
	log_batch_enable(false); /* writes what waits */
	log_request_batched(&r, "after");
}

static void
test_batched(void)
{
	g_autofree char *text = captured(batched);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	int next[THREADS] = { 0 };
	guint i, n = g_strv_length(lines);

	/* first, unbatched, THREADS * PER_THREAD, last, after and "". */
	g_assert_cmpuint(n, ==, THREADS * PER_THREAD + 5);
	g_assert_cmpstr(lines[0] + 24, ==, " info: first");
	g_assert_cmpstr(lines[1] + 24, ==, " info: unbatched");
	for (i = 2; i < n - 3; i++) {
		int t, k;

		g_assert_cmpint(
		    sscanf(lines[i] + 24, " info: batched %d line %d", &t, &k),
		    ==, 2);
		g_assert_cmpint(t, >=, 0);
		g_assert_cmpint(t, <, THREADS);
		g_assert_cmpint(k, ==, next[t]);
		next[t]++;
	}
	g_assert_cmpstr(lines[n - 3] + 24, ==, " info: last");
	g_assert_cmpstr(lines[n - 2] + 24, ==, " info: after");
}

int
main(int argc, char **argv)
{
	g_autofree char *dir = g_dir_make_tmp("summit-log-XXXXXX", NULL);
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_unsetenv("JOURNAL_STREAM");
	log_file = g_build_filename(dir, "stderr", NULL);
	g_test_add_func("/log/lines", test_lines);
	g_test_add_func("/log/threads", test_threads);
	g_test_add_func("/log/batched", test_batched);
	rc = g_test_run();
	g_unlink(log_file);
	g_rmdir(dir);
	g_free(log_file);
	return rc;
}
