/*
 * ical.h -- iCalendar objects for invitations (iTIP), downloads and feeds.
 *
 * Everything here is built with libical's component API and serialised by
 * libical, as shared/CALENDAR.md sections A, B and D require: CRLF line
 * ends, 75-octet folding that never splits a UTF-8 sequence or an escape,
 * TEXT escaping, CN parameters quoted when they hold , ; or :, DTSTAMP in
 * UTC, DTSTART/DTEND with TZID plus a VTIMEZONE built from the system tz
 * database (never libical's builtin zones, whose TZID is not the IANA
 * name).  Pure computation: no I/O but reading the tz database.
 *
 * Caveat: libical's own headers declare ICAL_METHOD_NONE, ICAL_METHOD_REQUEST
 * and ICAL_METHOD_CANCEL (enum icalproperty_method), so this header and
 * <libical/ical.h> cannot be included in the same file as they are.  A
 * file that needs both includes libical first and renames ours, as
 * src/ical/ical_int.h and tests/unit/ical/test_ical.c do.
 *
 * All functions are safe to call from several threads at once.
 */
#ifndef SUMMIT_ICAL_H
#define SUMMIT_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#define SUMMIT_ICAL_ERROR (ical_error_quark())
GQuark ical_error_quark(void);

enum ical_err {
	ICAL_OK = 0,
	ICAL_EINVAL, /* a bad argument: uid, address, times, sequence, UTF-8 */
	ICAL_ETZ,    /* unknown zone, or one no yearly rule describes */
	ICAL__MAX
};

struct ical_party {
	const char *email; /* bare address, local@domain.tld */
	const char *name;  /* display name, may be NULL */
};

/* One session as a calendar sees it.  The caller owns every pointer. */
struct ical_event {
	const char *uid;     /* ASCII, no spaces, no , ; \ ", <= 255 octets */
	const char *summary; /* UTF-8 user text, escaped here */
	const char *description; /* may be NULL */
	const char *location;    /* may be NULL */
	const char *url;         /* may be NULL; ASCII, no spaces or controls */
	GDateTime *start, *end;  /* absolute instants; end > start */
	gint64 sequence;         /* >= 0 */
	bool cancelled;          /* feeds: STATUS:CANCELLED, not CONFIRMED */
};

enum ical_method {
	ICAL_METHOD_NONE,    /* downloads and feeds; refused by ical_itip */
	ICAL_METHOD_REQUEST, /* invitation or update */
	ICAL_METHOD_CANCEL,  /* cancellation */
	ICAL_METHOD__MAX
};

/*
 * One iTIP message (RFC 5546) for one attendee: METHOD:REQUEST or CANCEL in
 * the VCALENDAR, one VEVENT with UID, DTSTAMP (dtstamp in UTC), SEQUENCE,
 * DTSTART/DTEND;TZID=tzid, SUMMARY, DESCRIPTION/LOCATION/URL when set
 * (a text that is blank once control characters are dropped is left out),
 * STATUS:CONFIRMED (REQUEST) or STATUS:CANCELLED (CANCEL),
 * ORGANIZER;CN="...":mailto: and exactly one
 * ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;
 * RSVP=TRUE;CN="...":mailto:, plus a complete VTIMEZONE for tzid.  tzid NULL
 * (or "UTC") writes UTC times with Z and no VTIMEZONE.
 *
 * Returns the whole object as UTF-8 text, CRLF line ends, folded (transfer
 * full), or NULL with ICAL_EINVAL (method NONE, bad uid, address, url or
 * UTF-8, end <= start, sequence < 0, attendee == organizer, or a REQUEST
 * for an event marked cancelled: RFC 5546 3.2.2 allows only TENTATIVE or
 * CONFIRMED there, so a cancelled session goes out as CANCEL) or ICAL_ETZ.
 * Control characters in user text are dropped, TEXT values are escaped and
 * a DQUOTE or backslash in a name is dropped.  sequence must fit in 32
 * bits (libical's SEQUENCE is an int).
 */
char *ical_itip(enum ical_method method, const struct ical_event *ev,
    const char *tzid, const struct ical_party *organizer,
    const struct ical_party *attendee, GDateTime *dtstamp, GError **error);

/*
 * A download or subscription feed: n VEVENTs (n may be 0), no METHOD, no
 * ORGANIZER, no ATTENDEE; one VTIMEZONE for tzid (always written when tzid
 * is set, so an empty feed is still a valid object); X-WR-CALNAME and
 * X-WR-TIMEZONE when calname or tzid are given.  uid_suffix (may be NULL)
 * is appended to every uid, so feed UIDs never equal invitation UIDs;
 * uid + suffix is checked like a uid, and two events with one uid are
 * refused (ICAL_EINVAL).  Otherwise the same errors as ical_itip.
 * (transfer full)
 */
char *ical_feed(const struct ical_event *evs, size_t n, const char *tzid,
    const char *calname, const char *uid_suffix, GDateTime *dtstamp,
    GError **error);

/*
 * The zone tzid from the tz database (transfer full), or NULL when tzid is
 * not the name of a zone file.  Zones are kept for the life of the process
 * under a lock ThreadSanitizer sees: GLib's own cache drops a zone with its
 * last reference, reads the file again on the next call, and locks with a
 * futex TSan cannot see.  Every thread that needs a zone takes it here.
 */
GTimeZone *ical_tz_zone(const char *tzid);
/*
 * The VTIMEZONE for the IANA zone tzid as text with CRLF ends (transfer
 * full).  TZID is exactly tzid.  A zone with daylight saving time
 * in year gives one DAYLIGHT and one STANDARD observance, each with a local
 * DTSTART in 1970 and an RRULE (FREQ=YEARLY;BYDAY=-1SU or 1SU..4SU;BYMONTH=m);
 * the rules are checked against the tz database for year and the six years
 * after it.  A zone without DST gives one STANDARD.  Fails with ICAL_ETZ for
 * an unknown zone or one whose changes no such rule describes (a zone that
 * changed its rules in that period).  Results are cached per zone and year
 * for the life of the process.
 */
char *ical_vtimezone(const char *tzid, int year, GError **error);

/* reply.c: what an attendee's calendar sent back. */
struct ical_reply {
	char *method;        /* "REPLY", "REFRESH" or "COUNTER" */
	char *uid;           /* the VEVENT's UID as sent */
	gint64 sequence;     /* its SEQUENCE, 0 when absent */
	char *attendee;      /* the ATTENDEE's mailto: address, lower case */
	char *partstat;      /* its PARTSTAT, upper case; "" when absent */
	gint64 stamp;        /* DTSTAMP, Unix seconds (no Z: UTC); 0: absent */
	gint64 starts, ends; /* COUNTER: the proposed times; else 0 */
};
/*
 * Reads an iTIP object an attendee sent (libical's parser): its METHOD, or
 * method_hint (the MIME part's method parameter, may be NULL) when the
 * object has none, must be REPLY, REFRESH or COUNTER.  Returns one struct
 * ical_reply per ATTENDEE with a mailto: address of each VEVENT (transfer
 * full; may be empty), or NULL with ICAL_EINVAL: not iCalendar, over
 * 256 KiB, not UTF-8, or another METHOD.
 */
GPtrArray *ical_reply_read(const char *text, const char *method_hint,
    GError **error);

#endif
