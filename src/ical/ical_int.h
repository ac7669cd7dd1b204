/*
 * ical_int.h -- what the files of src/ical share and nobody else sees.
 */
#ifndef SUMMIT_ICAL_INT_H
#define SUMMIT_ICAL_INT_H

#include "ical/ical.h"

/* Longest UID we write, in octets (CALENDAR.md A7). */
#define ICAL_UID_MAX 255

/* text.c */
/* Appends ical_escape_text(s) to out. */
void ical_text_append_escaped(GString *out, const char *s);
/*
 * s made fit to be a quoted parameter value: DQUOTE, backslash and
 * controls dropped, newline and tab as spaces, trimmed (transfer full).
 * Parameter values have no escapes, but libical reads \" as one and then
 * loses the whole value (found by fuzz_ical), so backslashes go too.
 */
char *ical_text_param_clean(const char *s);
/* True for a UID CALENDAR.md A7 allows: printable ASCII, no , ; \ " space. */
bool ical_text_uid_ok(const char *uid);
/* True for a URI value we write as it is: printable ASCII, no space or ". */
bool ical_text_uri_ok(const char *uri);

/* tz.c */
/*
 * Appends the VTIMEZONE for tz (named tzid) with rules valid from from_year
 * to to_year (both checked against the tz database).  Cached.
 */
gboolean ical_tz_append(GString *out, const char *tzid, int from_year,
    int to_year, GError **error);

#endif
