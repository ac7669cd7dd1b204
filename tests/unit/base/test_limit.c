/*
 * test_limit.c -- in-process rate limits: buckets, growing delays,
 * refusal counts, address keys, and many threads on one key.
 */
#include "base/base.h"

#include <string.h>

#define SEC G_USEC_PER_SEC

static void
test_bucket(void)
{
	Limit *l = limit_bucket_new(3, 3600, 100); /* 3 at once, 1 a second */
	gint64 t = 1000 * SEC, retry = 0;
	int i;

	for (i = 0; i < 3; i++)
		g_assert_true(limit_take(l, "10.0.0.1", t, &retry));
	g_assert_false(limit_take(l, "10.0.0.1", t, &retry));
	g_assert_cmpint(retry, ==, 1);
	/* Another key has its own bucket. */
	g_assert_true(limit_take(l, "10.0.0.2", t, NULL));
	/* Half a second later: still nothing; two seconds: two more. */
	g_assert_false(limit_take(l, "10.0.0.1", t + SEC / 2, &retry));
	g_assert_true(limit_take(l, "10.0.0.1", t + 2 * SEC, NULL));
	g_assert_true(limit_take(l, "10.0.0.1", t + 2 * SEC, NULL));
	g_assert_false(limit_take(l, "10.0.0.1", t + 2 * SEC, NULL));
	/* Never more than the burst, however long the quiet. */
	for (i = 0; i < 3; i++)
		g_assert_true(limit_take(l, "10.0.0.1", t + 100 * SEC, NULL));
	g_assert_false(limit_take(l, "10.0.0.1", t + 100 * SEC, NULL));
	limit_free(l);
}

static void
test_backoff(void)
{
	/* Two free failures, then 1 s, 2 s, 4 s ... at most 8 s. */
	Limit *l = limit_backoff_new(2, 1, 8, 600, 100);
	gint64 t = 1000 * SEC, retry = 0;

	g_assert_true(limit_take(l, "kari", t, NULL));
	g_assert_true(limit_take(l, "kari", t, NULL));
	/* The third counts too, then the key must wait 1 s. */
	g_assert_true(limit_take(l, "kari", t, NULL));
	g_assert_false(limit_take(l, "kari", t, &retry));
	g_assert_cmpint(retry, ==, 1);
	g_assert_true(limit_take(l, "kari", t + SEC, NULL));
	g_assert_false(limit_take(l, "kari", t + SEC, &retry));
	g_assert_cmpint(retry, ==, 2);
	g_assert_true(limit_take(l, "kari", t + 3 * SEC, NULL));
	g_assert_false(limit_take(l, "kari", t + 3 * SEC, &retry));
	g_assert_cmpint(retry, ==, 4);
	/* Capped at max_s. */
	g_assert_true(limit_take(l, "kari", t + 7 * SEC, NULL));
	g_assert_true(limit_take(l, "kari", t + 15 * SEC, NULL));
	g_assert_false(limit_take(l, "kari", t + 15 * SEC, &retry));
	g_assert_cmpint(retry, ==, 8);
	/* Success forgets the failures. */
	limit_success(l, "kari");
	g_assert_true(limit_take(l, "kari", t + 15 * SEC, NULL));
	g_assert_true(limit_take(l, "kari", t + 15 * SEC, NULL));
	/* And so does a quiet spell of forget_s. */
	g_assert_true(limit_take(l, "kari", t + 15 * SEC, NULL));
	g_assert_false(limit_take(l, "kari", t + 15 * SEC, NULL));
	g_assert_true(limit_take(l, "kari", t + 700 * SEC, NULL));
	g_assert_true(limit_take(l, "kari", t + 700 * SEC, NULL));
	limit_free(l);
}

static void
test_refusals(void)
{
	Limit *l = limit_bucket_new(1, 1, 100);
	g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	gint64 t = 1000 * SEC;
	int i;

	for (i = 0; i < 5; i++)
		limit_take(l, "a", t, NULL);
	limit_take(l, "b", t, NULL);
	limit_take(l, "b", t, NULL);
	limit_drain_refusals(l, counts);
	g_assert_cmpint(GPOINTER_TO_INT(g_hash_table_lookup(counts, "a")), ==,
	    4);
	g_assert_cmpint(GPOINTER_TO_INT(g_hash_table_lookup(counts, "b")), ==,
	    1);
	/* Drained: counted once. */
	limit_drain_refusals(l, counts);
	g_assert_cmpint(GPOINTER_TO_INT(g_hash_table_lookup(counts, "a")), ==,
	    4);
	limit_free(l);
}

static void
test_bounded(void)
{
	/* 16 shards of one key each: the table stays small, idle keys go,
	 * and when nothing is idle a new key is let through uncounted. */
	Limit *l = limit_bucket_new(1, 1, 16);
	gint64 t = 1000 * SEC;
	char key[32];
	int i, allowed = 0;

	for (i = 0; i < 1000; i++) {
		g_snprintf(key, sizeof(key), "k%d", i);
		allowed += limit_take(l, key, t, NULL);
		allowed += limit_take(l, key, t, NULL);
	}
	/* Each key's first attempt passes; a second passes only uncounted. */
	g_assert_cmpint(allowed, >=, 1000);
	g_assert_cmpint(allowed, <, 2000);
	limit_free(l);
}

static void
test_address_key(void)
{
	char k[64];

	limit_address_key("192.0.2.7", k, sizeof(k));
	g_assert_cmpstr(k, ==, "192.0.2.7");
	limit_address_key("2001:db8:1:2:3:4:5:6", k, sizeof(k));
	g_assert_cmpstr(k, ==, "2001:db8:1:2::/64");
	limit_address_key("2001:db8:1:2:ffff::1", k, sizeof(k));
	g_assert_cmpstr(k, ==, "2001:db8:1:2::/64");
	limit_address_key("::ffff:192.0.2.9", k, sizeof(k));
	g_assert_cmpstr(k, ==, "192.0.2.9");
	limit_address_key("?", k, sizeof(k));
	g_assert_cmpstr(k, ==, "?");
}

struct race {
	Limit *l;
	gint allowed;
};

static gpointer
race_thread(gpointer data)
{
	struct race *r = data;
	int i;

	for (i = 0; i < 1000; i++)
		if (limit_take(r->l, "one", 1000 * SEC, NULL))
			g_atomic_int_inc(&r->allowed);
	return NULL;
}

static void
test_threads(void)
{
	/* Eight threads at once on one backoff key with 10 free failures:
	 * exactly 11 attempts pass (the 11th sets the wait). */
	struct race r = { limit_backoff_new(10, 60, 60, 600, 100), 0 };
	GThread *th[8];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(th); i++)
		th[i] = g_thread_new("race", race_thread, &r);
	for (i = 0; i < G_N_ELEMENTS(th); i++)
		g_thread_join(th[i]);
	g_assert_cmpint(r.allowed, ==, 11);
	limit_free(r.l);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/base/limit/bucket", test_bucket);
	g_test_add_func("/base/limit/backoff", test_backoff);
	g_test_add_func("/base/limit/refusals", test_refusals);
	g_test_add_func("/base/limit/bounded", test_bounded);
	g_test_add_func("/base/limit/address_key", test_address_key);
	g_test_add_func("/base/limit/threads", test_threads);
	return g_test_run();
}
