/*
 * ical_int.h -- what the files of src/ical share and nobody else sees.
 *
 * libical comes first and our enum ical_method is read under other names
 * (SUMMIT_ICAL_METHOD_*), since libical declares ICAL_METHOD_NONE,
 * ICAL_METHOD_REQUEST and ICAL_METHOD_CANCEL itself (see ical.h).  After
 * this header, ICAL_METHOD_* are libical's.
 */
#ifndef SUMMIT_ICAL_INT_H
#define SUMMIT_ICAL_INT_H

#include <libical/ical.h>

#define ICAL_METHOD_NONE SUMMIT_ICAL_METHOD_NONE
#define ICAL_METHOD_REQUEST SUMMIT_ICAL_METHOD_REQUEST
#define ICAL_METHOD_CANCEL SUMMIT_ICAL_METHOD_CANCEL
#include "ical/ical.h"
#undef ICAL_METHOD_NONE
#undef ICAL_METHOD_REQUEST
#undef ICAL_METHOD_CANCEL

/* Longest UID we write, in octets (CALENDAR.md A7). */
#define ICAL_UID_MAX 255

/* ical.c */
/*
 * Call before any other libical function.  libical 3.0.16's
 * icaltimezone_get_utc_timezone, which icaltime_is_utc calls for every
 * DATE-TIME it writes, loads its zone table on first use and reads the
 * pointer to it without a lock on every later call; done once here under
 * pthread_once, every thread sees it loaded.
 */
void ical_lib_ready(void);
/*
 * The component as text, serialised by libical and folded again by
 * ical_text_refold (transfer full, g_free).
 */
char *ical_serialise(icalcomponent *c);

/* text.c */
/*
 * User text made fit for a TEXT value that libical escapes: controls
 * dropped but LF (CR of CRLF too), a tab as a space, invalid UTF-8
 * repaired (transfer full).  libical 3.0.16 escapes \ ; , and LF but
 * writes other controls, tabs included, as they are.
 */
char *ical_text_clean(const char *s);
/*
 * A CN value for libical (transfer full), or NULL when nothing is left:
 * DQUOTE, backslash and controls dropped, newline and tab as spaces,
 * trimmed, and '^' doubled.  libical quotes a value holding , ; : and
 * writes " as ^' (RFC 6868), but writes '^' as it is although its own
 * parser, like other RFC 6868 readers, decodes ^n ^' ^^ (found by
 * fuzz_ical); a backslash before a closing quote made its parser drop
 * the whole value.
 */
char *ical_text_cn(const char *name);
/* True for a UID CALENDAR.md A7 allows: printable ASCII, no , ; \ " space. */
bool ical_text_uid_ok(const char *uid);
/* True for a URI value we write as it is: printable ASCII, no space or ". */
bool ical_text_uri_ok(const char *uri);
/*
 * libical 3.0.16 folds each property at 75 octets and never inside a
 * UTF-8 character (fold_property_line), but where 73 octets hold no
 * space, ';' or ':' it cuts at the last character boundary it sees, so
 * (a) the cut may fall between a backslash and the character it escapes
 * (CALENDAR.md A2, pitfall 8), (b) a property whose last stretch is
 * exactly 73 octets is cut between the CR and the LF that end it, a bare
 * CR and a bare LF (A1; found by fuzz_ical), and (c) one of 74 octets
 * gets a continuation line of one space.  So its text is unfolded
 * (every CRLF SPACE removed, which undoes all three) and folded again at
 * 75 octets with a UTF-8 character and an escape each kept whole.  Takes
 * text (g_free) and returns text with CRLF after every line.
 */
char *ical_text_refold(char *text);
/* True if a fold in text splits an escape (an odd run of backslashes
 * ends a line that a continuation line follows).  The unit tests use it
 * to show that libical's own folding still needs ical_text_refold. */
bool ical_text_split_escape(const char *text);

/* tz.c */
/*
 * A VTIMEZONE component for tzid with rules valid from from_year to
 * to_year (both checked against the tz database), or NULL and *error.
 * The rules are cached; the component is new (free with
 * icalcomponent_free or its parent).
 */
icalcomponent *ical_tz_component(const char *tzid, int from_year, int to_year,
    GError **error);

#endif
