/*
 * parse.c -- the pure functions of web/ (parse.h): route matching, ids
 * from paths, local date-times, the rank choosers, the path the access
 * log shows.  Rules (a code's shape, a zone) are app's, not here.
 *
 * They are kept apart from the files that include microhttpd.h so that
 * tests/unit/web/ links them alone.  Each takes what a client sent and
 * refuses anything it does not fully understand.
 */
#include "web/parse.h"
#include "base/base.h"

#include <string.h>

bool
web_match(const char *pattern, const char *path, char **arg)
{
	g_auto(GStrv) p = g_strsplit(pattern, "/", 16);
	g_auto(GStrv) q = g_strsplit(path, "/", 16);
	size_t i;

	*arg = NULL;
	for (i = 0; p[i] != NULL && q[i] != NULL; i++) {
		if (strcmp(p[i], "*") == 0 && q[i][0] != '\0') {
			g_free(*arg);
			*arg = g_strdup(q[i]);
		} else if (strcmp(p[i], q[i]) != 0)
			break;
	}
	if (p[i] == NULL && q[i] == NULL)
		return true;
	g_clear_pointer(arg, g_free);
	return false;
}

bool
web_parse_id(const char *s, gint64 *id)
{
	guint64 v;

	if (s == NULL ||
	    !g_ascii_string_to_unsigned(s, 10, 1, G_MAXINT64, &v, NULL))
		return false;
	*id = (gint64)v;
	return true;
}

char *
web_local_time(const char *s)
{
	unsigned y, mo, d, h, mi;

	if (s == NULL || strlen(s) < 16 || strlen(s) > 19 ||
	    (s[10] != 'T' && s[10] != ' '))
		return NULL;
	for (size_t i = 0; i < 16; i++) {
		bool sep = i == 4 || i == 7 || i == 10 || i == 13;

		if (!sep && !g_ascii_isdigit(s[i]))
			return NULL;
	}
	if (s[4] != '-' || s[7] != '-' || s[13] != ':')
		return NULL;
	if (strlen(s) > 16 &&
	    (strlen(s) != 19 || s[16] != ':' || !g_ascii_isdigit(s[17]) ||
	        !g_ascii_isdigit(s[18])))
		return NULL;
	y = (unsigned)g_ascii_strtoull(s, NULL, 10);
	mo = (unsigned)g_ascii_strtoull(s + 5, NULL, 10);
	d = (unsigned)g_ascii_strtoull(s + 8, NULL, 10);
	h = (unsigned)g_ascii_strtoull(s + 11, NULL, 10);
	mi = (unsigned)g_ascii_strtoull(s + 14, NULL, 10);
	if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y) ||
	    h > 23 || mi > 59)
		return NULL;
	return g_strdup_printf("%04u-%02u-%02uT%02u:%02u", y, mo, d, h, mi);
}

static char *
web_log_path_split(const char *path)
{
	g_auto(GStrv) segs = g_strsplit(path, "/", 32);
	char **s;

	for (s = segs; *s != NULL; s++)
		if (token_is_wellformed(*s) || strlen(*s) > 64 ||
		    (strlen(*s) == TOKEN_BYTES * 2 + 4 &&
		        g_str_has_suffix(*s, ".ics"))) {
			g_free(*s);
			*s = g_strdup("[token]");
		}
	return g_strjoinv("/", segs);
}

/* True if the segment [s, s + len) is cut from logged paths. */
static bool
web_log_cuts(const char *s, size_t len)
{
	size_t i;

	if (len > 64)
		return true;
	if (len == TOKEN_BYTES * 2 + 4 && memcmp(s + len - 4, ".ics", 4) == 0)
		return true;
	if (len != TOKEN_BYTES * 2)
		return false;
	for (i = 0; i < len; i++) /* token_is_wellformed's test */
		if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
			return false;
	return true;
}

char *
web_log_path(const char *path)
{
	const char *seg = path, *slash;
	int n = 1;

	/* Most paths have nothing to cut: a copy, without splitting and
	 * joining them (a line per request).  The split below keeps 32
	 * pieces at most, the last one the rest: such paths go there. */
	for (;;) {
		slash = strchr(seg, '/');
		if (web_log_cuts(seg,
		        slash ? (size_t)(slash - seg) : strlen(seg)))
			break;
		if (slash == NULL)
			return g_strdup(path);
		if (++n == 32)
			break;
		seg = slash + 1;
	}
	return web_log_path_split(path);
}

void
web_ranking_parse(GHashTable *form, struct web_ranking *r)
{
	int i;

	r->n = 0;
	r->error = NULL;
	for (i = 1; i <= WEB_MAX_RANKS; i++) {
		char key[8];
		const char *v;
		guint64 id;
		size_t j;

		g_snprintf(key, sizeof(key), "rank%d", i);
		v = g_hash_table_lookup(form, key);
		if (v == NULL || *v == '\0')
			continue; /* a gap: later ranks move up */
		if (!g_ascii_string_to_unsigned(v, 10, 1, G_MAXINT64, &id,
		        NULL)) {
			r->error = "err_invalid";
			return;
		}
		for (j = 0; j < r->n; j++)
			if (r->sessions[j] == (gint64)id) {
				r->error = "err_rank_duplicate";
				return;
			}
		r->sessions[r->n++] = (gint64)id;
	}
	if (r->n == 0)
		r->error = "err_rank_none";
}
