/*
 * ical.c -- whole calendar objects: iTIP invitations and cancellations for
 * one attendee, and METHOD-less downloads and feeds.
 *
 * Each object is written unfolded into a GString, one content line per
 * append, and folded once at the end by ical_fold, so no writer has to count
 * octets.  The text is written directly rather than built with libical's
 * component tree: the exact shape CALENDAR.md asks for (always-quoted CN,
 * STATUS spelling, property set per channel, our VTIMEZONE) is easier to
 * see and to keep here, and the unit tests parse every object back with
 * libical and with python3-icalendar.
 *
 * Everything the caller passes is checked before anything is written; user
 * text is escaped (text.c), structured values (UID, addresses, URL, times)
 * are refused with ICAL_EINVAL when they are not what RFC 5545 allows.
 */
#include "ical/ical_int.h"

#include <stdint.h>
#include <string.h>

#include "base/base.h"

#define PRODID "-//Summit//Registration 1.0//EN"

GQuark
ical_error_quark(void)
{
	return g_quark_from_static_string("summit-ical-error-quark");
}

static gboolean
fail(GError **error, const char *what, const char *value)
{
	g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_EINVAL, "%s \"%s\"", what,
	    value != NULL ? value : "(null)");
	return FALSE;
}

/* UTC mode: no TZID, times with Z (CALENDAR.md A10's alternative). */
static bool
is_utc(const char *tzid)
{
	return tzid == NULL || strcmp(tzid, "UTC") == 0 ||
	    strcmp(tzid, "Etc/UTC") == 0;
}

static gboolean
check_text(const char *what, const char *s, bool required, GError **error)
{
	if (s == NULL && !required)
		return TRUE;
	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		return fail(error, what, s != NULL ? "(not UTF-8)" : NULL);
	return TRUE;
}

static gboolean
check_party(const char *what, const struct ical_party *p, GError **error)
{
	if (p == NULL || text_check_email(p->email) != TEXT_OK)
		return fail(error, what, p != NULL ? p->email : NULL);
	return check_text(what, p->name, false, error);
}

static gboolean
check_event(const struct ical_event *ev, const char *uid_suffix, GError **error)
{
	g_autofree char *uid = NULL;

	if (ev == NULL)
		return fail(error, "missing event", NULL);
	uid = g_strconcat(ev->uid != NULL ? ev->uid : "",
	    uid_suffix != NULL ? uid_suffix : "", NULL);
	if (ev->uid == NULL || !ical_text_uid_ok(uid))
		return fail(error, "invalid uid", uid);
	if (ev->start == NULL || ev->end == NULL ||
	    g_date_time_compare(ev->end, ev->start) <= 0)
		return fail(error, "end not after start for event", uid);
	if (ev->sequence < 0)
		return fail(error, "negative sequence for event", uid);
	if (ev->url != NULL && !ical_text_uri_ok(ev->url))
		return fail(error, "invalid url", ev->url);
	return check_text("invalid summary", ev->summary, true, error) &&
	    check_text("invalid description", ev->description, false, error) &&
	    check_text("invalid location", ev->location, false, error);
}

static void
append_utc(GString *out, const char *name, GDateTime *t)
{
	g_autoptr(GDateTime) u = g_date_time_to_utc(t);
	g_autofree char *s = g_date_time_format(u, "%Y%m%dT%H%M%SZ");

	g_string_append_printf(out, "%s:%s\r\n", name, s);
}

static void
append_time(GString *out, const char *name, GDateTime *t, const char *tzid,
    GTimeZone *tz)
{
	g_autoptr(GDateTime) local = NULL;
	g_autofree char *s = NULL;

	if (tz == NULL) {
		append_utc(out, name, t);
		return;
	}
	local = g_date_time_to_timezone(t, tz);
	s = g_date_time_format(local, "%Y%m%dT%H%M%S");
	g_string_append_printf(out, "%s;TZID=%s:%s\r\n", name, tzid, s);
}

/*
 * name:value as escaped TEXT.  A value that is empty or blank once control
 * characters are dropped leaves the property out: RFC 5545 allows
 * "DESCRIPTION:", but libical trims spaces and then reads an empty value
 * as an error (found by fuzz_ical), and every property written this way
 * is optional.
 */
static void
append_text(GString *out, const char *name, const char *value)
{
	g_autofree char *escaped = NULL;

	if (value == NULL)
		return;
	escaped = ical_escape_text(value);
	if (escaped[strspn(escaped, " ")] == '\0')
		return;
	g_string_append_printf(out, "%s:%s\r\n", name, escaped);
}

/*
 * ;CN="name", always quoted, when the name has anything left after
 * cleaning.  A caret is written "^^" (RFC 6868): libical and other readers
 * decode ^n, ^' and ^^ in parameter values, so a name holding "^n" would
 * come back with a line break (found by fuzz_ical).
 */
static void
append_cn(GString *out, const char *name)
{
	g_autofree char *clean = ical_text_param_clean(name);
	const char *p;

	if (*clean == '\0')
		return;
	g_string_append(out, ";CN=\"");
	for (p = clean; *p != '\0'; p++) {
		if (*p == '^')
			g_string_append_c(out, '^');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

static void
begin_calendar(GString *out, enum ical_method method)
{
	g_string_append(out,
	    "BEGIN:VCALENDAR\r\nPRODID:" PRODID "\r\n"
	    "VERSION:2.0\r\nCALSCALE:GREGORIAN\r\n");
	if (method == ICAL_METHOD_REQUEST)
		g_string_append(out, "METHOD:REQUEST\r\n");
	else if (method == ICAL_METHOD_CANCEL)
		g_string_append(out, "METHOD:CANCEL\r\n");
}

/*
 * One VEVENT; organizer and attendee are NULL in feeds.  Everything has
 * been checked by the caller.
 */
static void
append_event(GString *out, const struct ical_event *ev, const char *uid_suffix,
    const char *tzid, GTimeZone *tz, const struct ical_party *organizer,
    const struct ical_party *attendee, bool cancelled, GDateTime *dtstamp)
{
	g_string_append_printf(out, "BEGIN:VEVENT\r\nUID:%s%s\r\n", ev->uid,
	    uid_suffix != NULL ? uid_suffix : "");
	append_utc(out, "DTSTAMP", dtstamp);
	g_string_append_printf(out, "SEQUENCE:%" G_GINT64_FORMAT "\r\n",
	    ev->sequence);
	append_time(out, "DTSTART", ev->start, tzid, tz);
	append_time(out, "DTEND", ev->end, tzid, tz);
	append_text(out, "SUMMARY", ev->summary);
	append_text(out, "DESCRIPTION", ev->description);
	append_text(out, "LOCATION", ev->location);
	if (ev->url != NULL)
		g_string_append_printf(out, "URL:%s\r\n", ev->url);
	g_string_append(out,
	    cancelled ? "STATUS:CANCELLED\r\n" : "STATUS:CONFIRMED\r\n");
	g_string_append(out, "TRANSP:OPAQUE\r\n");
	if (organizer != NULL) {
		g_string_append(out, "ORGANIZER");
		append_cn(out, organizer->name);
		g_string_append_printf(out, ":mailto:%s\r\n", organizer->email);
	}
	if (attendee != NULL) {
		g_string_append(out,
		    "ATTENDEE;CUTYPE=INDIVIDUAL;"
		    "ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE");
		append_cn(out, attendee->name);
		g_string_append_printf(out, ":mailto:%s\r\n", attendee->email);
	}
	g_string_append(out, "END:VEVENT\r\n");
}

/* The local year of t in tz (or UTC). */
static int
local_year(GDateTime *t, GTimeZone *tz)
{
	g_autoptr(GDateTime) local = tz != NULL ?
	    g_date_time_to_timezone(t, tz) :
	    g_date_time_to_utc(t);

	return g_date_time_get_year(local);
}

/* The GTimeZone for tzid, NULL in UTC mode or on error (then *error set). */
static gboolean
zone_open(const char *tzid, GTimeZone **tz, GError **error)
{
	*tz = NULL;
	if (is_utc(tzid))
		return TRUE;
	if ((*tz = ical_tz_zone(tzid)) == NULL) {
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_ETZ,
		    "unknown time zone \"%s\"", tzid);
		return FALSE;
	}
	return TRUE;
}

static char *
finish(GString *out)
{
	char *folded;

	g_string_append(out, "END:VCALENDAR\r\n");
	folded = ical_fold(out->str);
	g_string_free(out, TRUE);
	return folded;
}

char *
ical_itip(enum ical_method method, const struct ical_event *ev,
    const char *tzid, const struct ical_party *organizer,
    const struct ical_party *attendee, GDateTime *dtstamp, GError **error)
{
	g_autoptr(GTimeZone) tz = NULL;
	GString *out;

	if (method != ICAL_METHOD_REQUEST && method != ICAL_METHOD_CANCEL) {
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_EINVAL,
		    "an iTIP message needs METHOD REQUEST or CANCEL");
		return NULL;
	}
	if (dtstamp == NULL) {
		fail(error, "missing", "dtstamp");
		return NULL;
	}
	if (!check_event(ev, NULL, error) ||
	    !check_party("invalid organizer", organizer, error) ||
	    !check_party("invalid attendee", attendee, error))
		return NULL;
	if (g_ascii_strcasecmp(organizer->email, attendee->email) == 0) {
		fail(error, "attendee is the organizer", attendee->email);
		return NULL;
	}
	if (method == ICAL_METHOD_REQUEST && ev->cancelled) {
		/* RFC 5546 3.2.2: a REQUEST is TENTATIVE or CONFIRMED. */
		fail(error,
		    "a cancelled session is sent as CANCEL, not REQUEST",
		    ev->uid);
		return NULL;
	}
	if (!zone_open(tzid, &tz, error))
		return NULL;

	out = g_string_new(NULL);
	begin_calendar(out, method);
	if (tz != NULL &&
	    !ical_tz_append(out, tzid, local_year(ev->start, tz),
	        local_year(ev->end, tz), error)) {
		g_string_free(out, TRUE);
		return NULL;
	}
	append_event(out, ev, NULL, tzid, tz, organizer, attendee,
	    method == ICAL_METHOD_CANCEL, dtstamp);
	return finish(out);
}

char *
ical_feed(const struct ical_event *evs, size_t n, const char *tzid,
    const char *calname, const char *uid_suffix, GDateTime *dtstamp,
    GError **error)
{
	g_autoptr(GTimeZone) tz = NULL;
	g_autoptr(GHashTable) seen = NULL;
	GString *out;
	int from = 0, to = 0, y;
	size_t i;

	if (dtstamp == NULL) {
		fail(error, "missing", "dtstamp");
		return NULL;
	}
	if (n > 0 && evs == NULL) {
		fail(error, "missing", "events");
		return NULL;
	}
	if (!check_text("invalid calendar name", calname, false, error))
		return NULL;
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < n; i++) {
		if (!check_event(&evs[i], uid_suffix, error))
			return NULL;
		/* D2: one VEVENT per UID; two would merge in clients. */
		if (!g_hash_table_add(seen, (gpointer)(uintptr_t)evs[i].uid)) {
			fail(error, "duplicate uid", evs[i].uid);
			return NULL;
		}
	}
	if (!zone_open(tzid, &tz, error))
		return NULL;

	out = g_string_new(NULL);
	begin_calendar(out, ICAL_METHOD_NONE);
	append_text(out, "X-WR-CALNAME", calname);
	if (tz != NULL) {
		g_string_append_printf(out, "X-WR-TIMEZONE:%s\r\n", tzid);
		from = to = local_year(dtstamp, tz);
		for (i = 0; i < n; i++) {
			y = local_year(evs[i].start, tz);
			from = i == 0 ? y : MIN(from, y);
			to = i == 0 ? local_year(evs[i].end, tz) :
			              MAX(to, local_year(evs[i].end, tz));
		}
		if (!ical_tz_append(out, tzid, from, to, error)) {
			g_string_free(out, TRUE);
			return NULL;
		}
	}
	for (i = 0; i < n; i++)
		append_event(out, &evs[i], uid_suffix, tzid, tz, NULL, NULL,
		    evs[i].cancelled, dtstamp);
	return finish(out);
}
