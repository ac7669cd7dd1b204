/*
 * test_web.c -- unit tests for the pure functions of src/web (parse.c):
 * route matching, ids and codes from paths, local date-times, the rank
 * choosers and the path the access log shows.
 *
 * No server and no database: parse.c is linked alone, which is why it
 * keeps out of microhttpd.h.  Every row is a case a route or a form of
 * the console depends on.
 */
#include "web/parse.h"

#include <string.h>

static void
match_ok(const char *pattern, const char *path, const char *want_arg)
{
	g_autofree char *arg = (char *)1;

	if (!web_match(pattern, path, &arg))
		g_error("\"%s\" should match \"%s\"", path, pattern);
	g_assert_cmpstr(arg, ==, want_arg);
}

static void
match_no(const char *pattern, const char *path)
{
	char *arg = (char *)1;

	g_assert_false(web_match(pattern, path, &arg));
	g_assert_null(arg);
}

static void
test_match(void)
{
	match_ok("/", "/", NULL);
	match_ok("/console", "/console", NULL);
	match_ok("/console/registrations/*", "/console/registrations/12", "12");
	match_ok("/me/*/calendar.ics", "/me/abc/calendar.ics", "abc");
	match_ok("/console/sessions/*/seating", "/console/sessions/7/seating",
	    "7");
	/* The argument is any one segment, not only digits. */
	match_ok("/console/sessions/*", "/console/sessions/new", "new");
	/* A trailing '/' is its own empty segment. */
	match_ok("/register/", "/register/", NULL);

	match_no("/", "/register");
	match_no("/register", "/register/");
	match_no("/register", "/registered");
	match_no("/console/registrations/*", "/console/registrations");
	match_no("/console/registrations/*", "/console/registrations/");
	match_no("/console/registrations/*", "/console/registrations/1/x");
	match_no("/console/registrations/*/erase",
	    "/console/registrations/1/status");
	match_no("/me/*/calendar.ics", "/me//calendar.ics");
	match_no("/console", "/Console");
}

static void
test_parse_id(void)
{
	gint64 id = 0;

	g_assert_true(web_parse_id("1", &id));
	g_assert_cmpint(id, ==, 1);
	g_assert_true(web_parse_id("9223372036854775807", &id));
	g_assert_cmpint(id, ==, G_MAXINT64);
	g_assert_true(web_parse_id("007", &id));
	g_assert_cmpint(id, ==, 7);

	id = 42;
	g_assert_false(web_parse_id(NULL, &id));
	g_assert_false(web_parse_id("", &id));
	g_assert_false(web_parse_id("0", &id));
	g_assert_false(web_parse_id("-1", &id));
	g_assert_false(web_parse_id("+1", &id));
	g_assert_false(web_parse_id(" 1", &id));
	g_assert_false(web_parse_id("1 ", &id));
	g_assert_false(web_parse_id("1x", &id));
	g_assert_false(web_parse_id("0x10", &id));
	g_assert_false(web_parse_id("9223372036854775808", &id));
	g_assert_false(web_parse_id("new", &id));
	g_assert_cmpint(id, ==, 42); /* untouched on failure */
}

static void
time_is(const char *in, const char *want)
{
	g_autofree char *got = web_local_time(in);

	g_assert_cmpstr(got, ==, want);
}

static void
test_local_time(void)
{
	time_is("2026-06-01T09:30", "2026-06-01T09:30");
	time_is("2026-06-01 09:30", "2026-06-01T09:30");
	time_is("2026-06-01T09:30:59", "2026-06-01T09:30"); /* seconds go */
	time_is("2028-02-29T00:00", "2028-02-29T00:00");    /* leap year */
	time_is("2000-01-01T00:00", "2000-01-01T00:00");
	time_is("2200-12-31T23:59", "2200-12-31T23:59");

	time_is(NULL, NULL);
	time_is("", NULL);
	time_is("2026-06-01", NULL);
	time_is("2026-06-01T9:30", NULL);
	time_is("2026-06-01X09:30", NULL);
	time_is("2026/06/01T09:30", NULL);
	time_is("2026-06-01T09-30", NULL);
	time_is("2026-06-01T09:30:5", NULL);
	time_is("2026-06-01T09:30:5x", NULL);
	time_is("2026-06-01T09:30+02", NULL);
	time_is("2026-06-01T09:30:00Z", NULL);
	time_is("2027-02-29T00:00", NULL); /* not a leap year */
	time_is("2026-04-31T00:00", NULL);
	time_is("2026-13-01T00:00", NULL);
	time_is("2026-00-01T00:00", NULL);
	time_is("2026-01-00T00:00", NULL);
	time_is("2026-01-01T24:00", NULL);
	time_is("2026-01-01T23:60", NULL);
	time_is("1999-12-31T23:59", NULL);
	time_is("2201-01-01T00:00", NULL);
	time_is("+026-01-01T00:00", NULL);
}

static void
log_path_is(const char *in, const char *want)
{
	g_autofree char *got = web_log_path(in);

	g_assert_cmpstr(got, ==, want);
}

static void
test_log_path(void)
{
	const char *tok = "0123456789abcdef0123456789abcdef";
	g_autofree char *me = g_strdup_printf("/me/%s/cancel", tok);
	g_autofree char *feed = g_strdup_printf("/feed/%s.ics", tok);
	g_autofree char *upper = g_strdup_printf("/me/%s",
	    "0123456789ABCDEF"
	    "0123456789ABCDEF");
	g_autofree char *long65 = g_strnfill(65, 'x');
	g_autofree char *long_path = g_strconcat("/a/", long65, NULL);

	g_autoptr(GString) deep = g_string_new(NULL);
	g_autoptr(GString) deep_want = g_string_new("/");
	int i;

	/* At most 32 pieces: past 31 slashes the rest is one piece, cut
	 * when longer than 64 bytes. */
	for (i = 0; i < 40; i++)
		g_string_append(deep, "/abcdefgh");
	for (i = 0; i < 30; i++)
		g_string_append(deep_want, "abcdefgh/");
	g_string_append(deep_want, "[token]");
	log_path_is(deep->str, deep_want->str);
	log_path_is("/", "/");
	log_path_is("/console/registrations/12", "/console/registrations/12");
	log_path_is(me, "/me/[token]/cancel");
	log_path_is(feed, "/feed/[token]");
	log_path_is(long_path, "/a/[token]");
	/* Not our token's shape: shown, as it can be no secret of ours. */
	log_path_is(upper, upper);
	log_path_is("/programme.ics", "/programme.ics");
}

static GHashTable *
ranks(const char *const *kv)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);

	for (; kv[0] != NULL; kv += 2)
		g_hash_table_insert(t, g_strdup(kv[0]), g_strdup(kv[1]));
	return t;
}

static void
test_ranking(void)
{
	struct web_ranking r;
	g_autoptr(GHashTable) a = ranks((const char *const[]){ "rank1", "5",
	    "rank2", "3", "rank3", "9", "rank4", "1", "rank5", "2", NULL });
	g_autoptr(GHashTable) gap = ranks((const char *const[]){ "rank1", "",
	    "rank3", "8", "rank5", "4", "rank6", "7", NULL });
	g_autoptr(GHashTable) dup = ranks(
	    (const char *const[]){ "rank1", "4", "rank2", "4", NULL });
	g_autoptr(GHashTable) junk = ranks(
	    (const char *const[]){ "rank1", "4", "rank2", "x", NULL });
	g_autoptr(GHashTable) zero = ranks(
	    (const char *const[]){ "rank1", "0", NULL });
	g_autoptr(GHashTable) none = ranks(
	    (const char *const[]){ "rank1", "", "name", "x", NULL });

	web_ranking_parse(a, &r);
	g_assert_null(r.error);
	g_assert_cmpuint(r.n, ==, 5);
	g_assert_cmpint(r.sessions[0], ==, 5);
	g_assert_cmpint(r.sessions[1], ==, 3);
	g_assert_cmpint(r.sessions[2], ==, 9);
	g_assert_cmpint(r.sessions[3], ==, 1);
	g_assert_cmpint(r.sessions[4], ==, 2);

	/* Gaps close up; rank6 is no rank. */
	web_ranking_parse(gap, &r);
	g_assert_null(r.error);
	g_assert_cmpuint(r.n, ==, 2);
	g_assert_cmpint(r.sessions[0], ==, 8);
	g_assert_cmpint(r.sessions[1], ==, 4);

	web_ranking_parse(dup, &r);
	g_assert_cmpstr(r.error, ==, "err_rank_duplicate");
	web_ranking_parse(junk, &r);
	g_assert_cmpstr(r.error, ==, "err_invalid");
	web_ranking_parse(zero, &r);
	g_assert_cmpstr(r.error, ==, "err_invalid");
	web_ranking_parse(none, &r);
	g_assert_cmpstr(r.error, ==, "err_rank_none");
	g_assert_cmpuint(r.n, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/web/match", test_match);
	g_test_add_func("/web/parse_id", test_parse_id);
	g_test_add_func("/web/local_time", test_local_time);
	g_test_add_func("/web/log_path", test_log_path);
	g_test_add_func("/web/ranking", test_ranking);
	return g_test_run();
}
