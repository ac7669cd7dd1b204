/*
 * parse.h -- the pure functions of web/: route patterns, ids and codes
 * from paths, the console's date-times, the rank choosers, the log path.
 *
 * Nothing here knows libmicrohttpd, the request or the app: strings in,
 * values out.  That is what lets tests/unit/web/ test them without a
 * server, and the fuzzers reach them without a socket.
 */
#ifndef SUMMIT_WEB_PARSE_H
#define SUMMIT_WEB_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

/* The rank choosers of the registration and participant pages; equal to
 * APP_MAX_RANKS (ranking.c checks it at compile time). */
#define WEB_MAX_RANKS 5

/*
 * True if path matches pattern: the same '/'-separated segments, where a
 * "*" segment matches any one non-empty segment.  *arg is then the
 * segment "*" matched (the last, if several; transfer full) or NULL when
 * the pattern has none.  On false *arg is NULL.
 */
bool web_match(const char *pattern, const char *path, char **arg);

/* A positive id as written in our paths: decimal digits only, no sign,
 * 1 to G_MAXINT64.  False for anything else, NULL included. */
bool web_parse_id(const char *s, gint64 *id);

/*
 * A local date-time "YYYY-MM-DDTHH:MM" (or with a space; seconds are
 * dropped), checked as a real calendar date in the years 2000 to 2200;
 * returns it as "YYYY-MM-DDTHH:MM" (transfer full) or NULL.
 */
char *web_local_time(const char *s);

/* The path for the access log: link secrets (a token segment, a token
 * with ".ics", any segment over 64 bytes) become "[token]" (transfer
 * full). */
char *web_log_path(const char *path);

/* rank1..rank5 form fields to session ids. */
struct web_ranking {
	gint64 sessions[WEB_MAX_RANKS];
	size_t n;
	const char *error; /* catalog key of the problem, or NULL */
};

/*
 * Reads rank1..rank5 of form into r, in rank order; a blank rank is a
 * gap and later ranks move up.  r->error is "err_invalid" for a value
 * that is not a positive id, "err_rank_duplicate" for a session chosen
 * twice, "err_rank_none" when nothing was chosen; NULL when r is good.
 */
void web_ranking_parse(GHashTable *form, struct web_ranking *r);

#endif
