/*
 * limit.c -- in-process limits keyed by a string: token buckets (how
 * often) and growing delays after failures (how many guesses).
 *
 * DESIGN.md: limits live in memory per process, so nothing on a hot path
 * writes a shared database row.  Keys are spread over shards, each with
 * its own pthread mutex (ThreadSanitizer understands those; GLib's
 * futex-based GMutex it does not) and hash table, so threads asking about
 * different keys rarely meet.
 */
#include "base/base.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#define LIMIT_SHARDS 16

enum limit_kind {
	LIMIT_BUCKET,
	LIMIT_BACKOFF,
};

struct limit_entry {
	double tokens;     /* bucket: what is left */
	unsigned failures; /* backoff: failures in a row */
	gint64 last_us;    /* bucket: last refill; backoff: last failure */
	gint64 next_us;    /* backoff: no attempt before this */
	unsigned refused;  /* since the last drain */
};

struct limit_shard {
	pthread_mutex_t lock;
	GHashTable *keys; /* char * -> struct limit_entry * */
};

struct limit {
	enum limit_kind kind;
	/* Buckets. */
	double burst;
	double per_us; /* tokens per microsecond */
	/* Backoff. */
	unsigned free_failures;
	double base_s, max_s, forget_s;
	size_t max_per_shard;
	gint warned_s; /* monotonic second of the last warning */
	struct limit_shard shards[LIMIT_SHARDS];
};

static Limit *
limit_new(enum limit_kind kind, size_t max_keys)
{
	Limit *l = g_new0(Limit, 1);
	size_t i;

	l->kind = kind;
	l->max_per_shard = MAX(max_keys / LIMIT_SHARDS, 1);
	for (i = 0; i < LIMIT_SHARDS; i++) {
		lock_init(&l->shards[i].lock);
		l->shards[i].keys = g_hash_table_new_full(g_str_hash,
		    g_str_equal, g_free, g_free);
	}
	return l;
}

Limit *
limit_bucket_new(double burst, double per_hour, size_t max_keys)
{
	Limit *l = limit_new(LIMIT_BUCKET, max_keys);

	l->burst = MAX(burst, 1.0);
	l->per_us = MAX(per_hour, 0.0) / 3600e6;
	return l;
}

Limit *
limit_backoff_new(unsigned free_failures, double base_s, double max_s,
    double forget_s, size_t max_keys)
{
	Limit *l = limit_new(LIMIT_BACKOFF, max_keys);

	l->free_failures = free_failures;
	l->base_s = MAX(base_s, 0.001);
	l->max_s = MAX(max_s, l->base_s);
	l->forget_s = MAX(forget_s, l->max_s);
	return l;
}

void
limit_free(Limit *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < LIMIT_SHARDS; i++) {
		lock_clear(&l->shards[i].lock);
		g_hash_table_unref(l->shards[i].keys);
	}
	g_free(l);
}

static struct limit_shard *
limit_shard(Limit *l, const char *key)
{
	return &l->shards[g_str_hash(key) % LIMIT_SHARDS];
}

/* A bucket's tokens brought up to now. */
static void
limit_refill(Limit *l, struct limit_entry *e, gint64 now_us)
{
	if (now_us > e->last_us) {
		e->tokens = MIN(l->burst,
		    e->tokens + (double)(now_us - e->last_us) * l->per_us);
		e->last_us = now_us;
	}
}

/* An entry that holds nothing worth keeping: a full bucket, or a backoff
 * key quiet for forget_s.  Unreported refusals keep it. */
static bool
limit_idle(Limit *l, struct limit_entry *e, gint64 now_us)
{
	if (e->refused > 0)
		return false;
	if (l->kind == LIMIT_BUCKET) {
		limit_refill(l, e, now_us);
		return e->tokens >= l->burst;
	}
	return (double)(now_us - e->last_us) >= l->forget_s * 1e6;
}

/* Makes room in a full shard by dropping idle keys; false if none was. */
static bool
limit_make_room(Limit *l, struct limit_shard *s, gint64 now_us)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, s->keys);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (limit_idle(l, v, now_us))
			g_hash_table_iter_remove(&it);
	return g_hash_table_size(s->keys) < l->max_per_shard;
}

/* Says the table is full at most once a minute: under a flood of new
 * keys the log must not become the next thing to fill. */
static void
limit_warn_full(Limit *l, gint64 now_us)
{
	gint64 last = g_atomic_int_get(&l->warned_s);

	if (now_us / G_USEC_PER_SEC - last < 60)
		return;
	if (g_atomic_int_compare_and_exchange(&l->warned_s, (gint)last,
	        (gint)(now_us / G_USEC_PER_SEC)))
		log_warnx("limit: more active keys than max_keys; new keys "
		          "pass uncounted");
}

static gint64
limit_seconds_until(gint64 now_us, gint64 then_us)
{
	gint64 s = (then_us - now_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

	return MAX(s, 1);
}

/* The wait after failures failures in a row, in microseconds. */
static gint64
limit_backoff_wait(Limit *l, unsigned failures)
{
	double s;

	if (failures <= l->free_failures)
		return 0;
	s = l->base_s *
	    ldexp(1.0, (int)MIN(failures - l->free_failures - 1, 60u));
	return (gint64)(MIN(s, l->max_s) * 1e6);
}

bool
limit_take(Limit *l, const char *key, gint64 now_us, gint64 *retry_after_s)
{
	struct limit_shard *s = limit_shard(l, key);
	struct limit_entry *e;
	bool ok = true;

	lock_acquire(&s->lock);
	e = g_hash_table_lookup(s->keys, key);
	if (e == NULL) {
		if (g_hash_table_size(s->keys) >= l->max_per_shard &&
		    !limit_make_room(l, s, now_us)) {
			lock_release(&s->lock);
			limit_warn_full(l, now_us);
			return true;
		}
		e = g_new0(struct limit_entry, 1);
		e->tokens = l->burst;
		e->last_us = now_us;
		g_hash_table_insert(s->keys, g_strdup(key), e);
	}
	if (l->kind == LIMIT_BUCKET) {
		limit_refill(l, e, now_us);
		if (e->tokens >= 1.0)
			e->tokens -= 1.0;
		else {
			ok = false;
			if (retry_after_s != NULL)
				*retry_after_s = l->per_us > 0 ?
				    limit_seconds_until(now_us,
				        now_us +
				            (gint64)ceil((1.0 - e->tokens) /
				                l->per_us)) :
				    3600;
		}
	} else {
		if ((double)(now_us - e->last_us) >= l->forget_s * 1e6)
			e->failures = 0;
		if (now_us < e->next_us) {
			ok = false;
			if (retry_after_s != NULL)
				*retry_after_s = limit_seconds_until(now_us,
				    e->next_us);
		} else {
			/* Counted as a failure now, before the check it
			 * guards; limit_success takes it back. */
			e->failures++;
			e->last_us = now_us;
			e->next_us = now_us +
			    limit_backoff_wait(l, e->failures);
		}
	}
	if (!ok && e->refused < G_MAXUINT)
		e->refused++;
	lock_release(&s->lock);
	return ok;
}

void
limit_success(Limit *l, const char *key)
{
	struct limit_shard *s = limit_shard(l, key);

	if (l->kind != LIMIT_BACKOFF)
		return;
	lock_acquire(&s->lock);
	g_hash_table_remove(s->keys, key);
	lock_release(&s->lock);
}

void
limit_drain_refusals(Limit *l, GHashTable *counts)
{
	size_t i;

	for (i = 0; i < LIMIT_SHARDS; i++) {
		struct limit_shard *s = &l->shards[i];
		GHashTableIter it;
		gpointer k, v;

		lock_acquire(&s->lock);
		g_hash_table_iter_init(&it, s->keys);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			struct limit_entry *e = v;
			gpointer had;

			if (e->refused == 0)
				continue;
			had = g_hash_table_lookup(counts, k);
			g_hash_table_insert(counts, g_strdup(k),
			    GINT_TO_POINTER(GPOINTER_TO_INT(had) +
			        (int)MIN(e->refused, (unsigned)G_MAXINT / 2)));
			e->refused = 0;
		}
		lock_release(&s->lock);
	}
}

void
limit_address_key(const char *address, char *out, size_t len)
{
	struct addr a;

	if (address != NULL && addr_parse(address, &a))
		addr_limit_key(&a, out, len);
	else
		g_strlcpy(out, address != NULL ? address : "?", len);
}
