/*
 * lock.c -- POSIX mutexes and condition variables, checked.
 *
 * Summit's own shared data (the connection pool, the page cache, the time
 * zone cache, summitd's stop flag) is guarded with these rather than
 * GMutex and GCond: on Linux GLib builds those straight on futex(2), which
 * ThreadSanitizer cannot see, so under the TSan build (scripts/test.sh,
 * docs/threads.md) every guarded access would look like a race and a real
 * one would hide among them.  The cost is the same: glibc's mutexes are
 * futexes too.
 *
 * Condition variables wait on CLOCK_MONOTONIC, the clock of
 * g_get_monotonic_time(), so a deadline survives changes to the wall clock.
 */
#include "base/base.h"

#include <errno.h>
#include <time.h>

void
lock_init(pthread_mutex_t *m)
{
	int rc = pthread_mutex_init(m, NULL);

	if (rc != 0)
		fatalx("could not create a mutex: %s", g_strerror(rc));
}

void
lock_acquire(pthread_mutex_t *m)
{
	int rc = pthread_mutex_lock(m);

	if (rc != 0)
		fatalx("could not lock a mutex: %s", g_strerror(rc));
}

void
lock_release(pthread_mutex_t *m)
{
	int rc = pthread_mutex_unlock(m);

	if (rc != 0)
		fatalx("could not unlock a mutex: %s", g_strerror(rc));
}

void
lock_clear(pthread_mutex_t *m)
{
	int rc = pthread_mutex_destroy(m);

	if (rc != 0)
		fatalx("could not destroy a mutex: %s", g_strerror(rc));
}

void
lock_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t attr;
	int rc;

	if ((rc = pthread_condattr_init(&attr)) != 0 ||
	    (rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) != 0 ||
	    (rc = pthread_cond_init(c, &attr)) != 0)
		fatalx("could not create a condition variable: %s",
		    g_strerror(rc));
	pthread_condattr_destroy(&attr);
}

void
lock_cond_signal(pthread_cond_t *c)
{
	int rc = pthread_cond_signal(c);

	if (rc != 0)
		fatalx("could not signal a condition variable: %s",
		    g_strerror(rc));
}

void
lock_cond_broadcast(pthread_cond_t *c)
{
	int rc = pthread_cond_broadcast(c);

	if (rc != 0)
		fatalx("could not broadcast on a condition variable: %s",
		    g_strerror(rc));
}

void
lock_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	int rc = pthread_cond_wait(c, m);

	if (rc != 0)
		fatalx("could not wait on a condition variable: %s",
		    g_strerror(rc));
}

bool
lock_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, gint64 deadline)
{
	struct timespec ts;
	int rc;

	/* g_get_monotonic_time() is CLOCK_MONOTONIC in microseconds. */
	if (deadline < 0)
		deadline = 0;
	ts.tv_sec = (time_t)(deadline / G_USEC_PER_SEC);
	ts.tv_nsec = (long)(deadline % G_USEC_PER_SEC) * 1000;
	rc = pthread_cond_timedwait(c, m, &ts);
	if (rc == ETIMEDOUT)
		return false;
	if (rc != 0)
		fatalx("could not wait on a condition variable: %s",
		    g_strerror(rc));
	return true;
}

void
lock_cond_clear(pthread_cond_t *c)
{
	int rc = pthread_cond_destroy(c);

	if (rc != 0)
		fatalx("could not destroy a condition variable: %s",
		    g_strerror(rc));
}
