/*
 * test_route_words.c -- every word a route's path begins with (and
 * "static") is one an event's address may not be: sql/'s event_slug_check
 * lists them.  The dispatcher (route.c) takes such a first segment for the
 * installation's own route, so an event with that slug could never be
 * reached; a new route whose word the constraint lacks (and a slug could
 * be) fails here, and the fix is a migration that adds it.
 *
 * Reads the last definition of the constraint among the .sql files of sql/ (by file
 * name, the order they are applied in) from SUMMIT_SOURCE_DIR.
 */
#include "web/internal.h"

#include <string.h>

/* The words of the last "event_slug_check CHECK (... NOT IN (...))". */
static GHashTable *
reserved_words(void)
{
	const char *src = g_getenv("SUMMIT_SOURCE_DIR");
	g_autofree char *dir = g_build_filename(src ? src : ".", "sql", NULL);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *last = NULL;
	g_autoptr(GRegex) quoted = g_regex_new("'([a-z0-9-]+)'", 0, 0, NULL);
	g_autoptr(GMatchInfo) m = NULL;
	GHashTable *words = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	const char *name, *at, *close;
	guint i;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, ".sql"))
			g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
	for (i = 0; i < names->len; i++) {
		g_autofree char *path = g_build_filename(dir,
		    *(char **)&names->pdata[i], NULL);
		g_autofree char *text = NULL;
		const char *p;

		g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
		for (p = text;
		     (p = strstr(p, "event_slug_check CHECK")) != NULL; p++) {
			g_free(last);
			last = g_strdup(p);
		}
	}
	g_assert_nonnull(last);
	at = strstr(last, "NOT IN");
	g_assert_nonnull(at);
	close = strchr(at, ')');
	g_assert_nonnull(close);
	g_regex_match_full(quoted, at, close - at, 0, 0, &m, NULL);
	for (; g_match_info_matches(m); g_match_info_next(m, NULL))
		g_hash_table_add(words, g_match_info_fetch(m, 1));
	return words;
}

static void
test_route_words_reserved(void)
{
	g_autoptr(GHashTable) routes = web_route_words();
	g_autoptr(GHashTable) reserved = reserved_words();
	/* sql/022's pattern for a slug: a word outside it is no slug. */
	g_autoptr(GRegex) slug = g_regex_new("^[a-z0-9][a-z0-9-]{0,63}$", 0, 0,
	    NULL);
	GHashTableIter it;
	gpointer word;

	g_assert_cmpuint(g_hash_table_size(reserved), >, 5);
	g_assert_true(g_hash_table_contains(routes, "console"));
	g_hash_table_iter_init(&it, routes);
	while (g_hash_table_iter_next(&it, &word, NULL)) {
		/* "/" itself, "programme.ics": no slug could be. */
		if (!g_regex_match(slug, word, 0, NULL))
			continue;
		if (!g_hash_table_contains(reserved, word))
			g_error("routes begin with \"%s\", which an event's "
			        "slug may still be: add it to "
			        "event_slug_check in a migration",
			    (const char *)word);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/web/route-words-reserved", test_route_words_reserved);
	return g_test_run();
}
