/*
 * ical.c -- whole calendar objects: iTIP invitations and cancellations for
 * one attendee, and METHOD-less downloads and feeds.
 *
 * Each object is built with libical's component API (icalcomponent_new,
 * icalproperty_new_*, icalparameter_new_*) and serialised by libical
 * (icalcomponent_as_ical_string_r), which writes CRLF, escapes TEXT and
 * quotes parameter values; its folding is redone (text.c).  Where libical 3.0.16
 * falls short of CALENDAR.md, text.c makes up for it, each case named
 * there: controls in user text, carets in names, folds that split an
 * escape or a line's CRLF; and ical_lib_ready makes its lazy global
 * set-up safe for summitd's threads.  The VTIMEZONE comes from the
 * system's tz database (tz.c), not libical's builtin zones.
 *
 * Everything the caller passes is checked before anything is built; user
 * text is cleaned (text.c), structured values (UID, addresses, URL, times)
 * are refused with ICAL_EINVAL when they are not what RFC 5545 allows.
 * Nothing of libical's is kept between calls, so any thread may call.
 */
#include "ical/ical_int.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#define PRODID "-//Summit//Registration 1.0//EN"

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void
lib_init(void)
{
	(void)icaltimezone_get_utc_timezone();
}

void
ical_lib_ready(void)
{
	pthread_once(&lib_once, lib_init);
}

char *
ical_serialise(icalcomponent *c)
{
	char *raw = icalcomponent_as_ical_string_r(c);
	char *text = g_strdup(raw != NULL ? raw : "");

	free(raw);
	return ical_text_refold(text);
}

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
	if (ev->sequence < 0 || ev->sequence > G_MAXINT32)
		return fail(error, "sequence out of range for event", uid);
	if (ev->url != NULL && !ical_text_uri_ok(ev->url))
		return fail(error, "invalid url", ev->url);
	return check_text("invalid summary", ev->summary, true, error) &&
	    check_text("invalid description", ev->description, false, error) &&
	    check_text("invalid location", ev->location, false, error);
}

/* t as libical's DATE-TIME: UTC, written with Z (tz NULL), or the wall
 * time in tz with no zone of libical's (the TZID parameter names it). */
static struct icaltimetype
ical_time(GDateTime *t, GTimeZone *tz)
{
	g_autoptr(GDateTime) at = tz != NULL ? g_date_time_to_timezone(t, tz) :
	                                       g_date_time_to_utc(t);
	struct icaltimetype tt = icaltime_null_time();

	tt.year = g_date_time_get_year(at);
	tt.month = g_date_time_get_month(at);
	tt.day = g_date_time_get_day_of_month(at);
	tt.hour = g_date_time_get_hour(at);
	tt.minute = g_date_time_get_minute(at);
	tt.second = g_date_time_get_second(at);
	if (tz == NULL)
		tt.zone = icaltimezone_get_utc_timezone();
	return tt;
}

/* DTSTART/DTEND: ;TZID=tzid and local time, or UTC with Z (tz NULL). */
static void
add_time(icalcomponent *vev, icalproperty *(*make)(struct icaltimetype),
    GDateTime *t, const char *tzid, GTimeZone *tz)
{
	icalproperty *p = make(ical_time(t, tz));

	if (tz != NULL)
		icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
	icalcomponent_add_property(vev, p);
}

/*
 * A TEXT property of value, cleaned (text.c); libical escapes it.  A value
 * that is empty or blank once control characters are dropped leaves the
 * property out: RFC 5545 allows "DESCRIPTION:", but libical trims spaces
 * and then reads an empty value as an error (found by fuzz_ical), and
 * every property written this way is optional.
 */
static void
add_text(icalcomponent *c, icalproperty *(*make)(const char *),
    const char *value)
{
	g_autofree char *clean = NULL;

	if (value == NULL)
		return;
	clean = ical_text_clean(value);
	if (clean[strspn(clean, " ")] == '\0')
		return;
	icalcomponent_add_property(c, make(clean));
}

static icalproperty *
new_x_calname(const char *v)
{
	icalproperty *p = icalproperty_new_x(v);

	icalproperty_set_x_name(p, "X-WR-CALNAME");
	return p;
}

/* mailto:email (ORGANIZER or ATTENDEE). */
static icalproperty *
party(icalproperty *(*make)(const char *), const struct ical_party *who)
{
	g_autofree char *uri = g_strconcat("mailto:", who->email, NULL);

	return make(uri);
}

/* ;CN= when the name has anything left (text.c); the last parameter. */
static icalproperty *
add_cn(icalproperty *p, const char *name)
{
	g_autofree char *cn = ical_text_cn(name);

	if (cn != NULL)
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
	return p;
}

static icalcomponent *
calendar_new(enum ical_method method)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);

	icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	if (method == SUMMIT_ICAL_METHOD_REQUEST)
		icalcomponent_add_property(cal,
		    icalproperty_new_method(ICAL_METHOD_REQUEST));
	else if (method == SUMMIT_ICAL_METHOD_CANCEL)
		icalcomponent_add_property(cal,
		    icalproperty_new_method(ICAL_METHOD_CANCEL));
	return cal;
}

/*
 * One VEVENT; organizer and attendee are NULL in feeds.  Everything has
 * been checked by the caller.
 */
static icalcomponent *
event_new(const struct ical_event *ev, const char *uid_suffix, const char *tzid,
    GTimeZone *tz, const struct ical_party *organizer,
    const struct ical_party *attendee, bool cancelled, GDateTime *dtstamp)
{
	icalcomponent *vev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	g_autofree char *uid = g_strconcat(ev->uid,
	    uid_suffix != NULL ? uid_suffix : "", NULL);
	icalproperty *p;

	icalcomponent_add_property(vev, icalproperty_new_uid(uid));
	icalcomponent_add_property(vev,
	    icalproperty_new_dtstamp(ical_time(dtstamp, NULL)));
	icalcomponent_add_property(vev,
	    icalproperty_new_sequence((int)ev->sequence));
	add_time(vev, icalproperty_new_dtstart, ev->start, tzid, tz);
	add_time(vev, icalproperty_new_dtend, ev->end, tzid, tz);
	add_text(vev, icalproperty_new_summary, ev->summary);
	add_text(vev, icalproperty_new_description, ev->description);
	add_text(vev, icalproperty_new_location, ev->location);
	if (ev->url != NULL)
		icalcomponent_add_property(vev, icalproperty_new_url(ev->url));
	icalcomponent_add_property(vev,
	    icalproperty_new_status(
	        cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(vev,
	    icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	if (organizer != NULL)
		icalcomponent_add_property(vev,
		    add_cn(party(icalproperty_new_organizer, organizer),
		        organizer->name));
	if (attendee != NULL) {
		p = party(icalproperty_new_attendee, attendee);
		icalproperty_add_parameter(p,
		    icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL));
		icalproperty_add_parameter(p,
		    icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p,
		    icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p,
		    icalparameter_new_rsvp(ICAL_RSVP_TRUE));
		icalcomponent_add_property(vev, add_cn(p, attendee->name));
	}
	return vev;
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

/* The calendar as text (transfer full); cal is freed. */
static char *
finish(icalcomponent *cal)
{
	char *text = ical_serialise(cal);

	icalcomponent_free(cal);
	return text;
}

/* Adds the VTIMEZONE for tzid covering from..to; FALSE and *error if not. */
static gboolean
add_vtimezone(icalcomponent *cal, const char *tzid, int from, int to,
    GError **error)
{
	icalcomponent *vtz = ical_tz_component(tzid, from, to, error);

	if (vtz == NULL)
		return FALSE;
	icalcomponent_add_component(cal, vtz);
	return TRUE;
}

char *
ical_itip(enum ical_method method, const struct ical_event *ev,
    const char *tzid, const struct ical_party *organizer,
    const struct ical_party *attendee, GDateTime *dtstamp, GError **error)
{
	g_autoptr(GTimeZone) tz = NULL;
	icalcomponent *cal;

	if (method != SUMMIT_ICAL_METHOD_REQUEST &&
	    method != SUMMIT_ICAL_METHOD_CANCEL) {
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
	if (method == SUMMIT_ICAL_METHOD_REQUEST && ev->cancelled) {
		/* RFC 5546 3.2.2: a REQUEST is TENTATIVE or CONFIRMED. */
		fail(error,
		    "a cancelled session is sent as CANCEL, not REQUEST",
		    ev->uid);
		return NULL;
	}
	if (!zone_open(tzid, &tz, error))
		return NULL;

	ical_lib_ready();
	cal = calendar_new(method);
	if (tz != NULL &&
	    !add_vtimezone(cal, tzid, local_year(ev->start, tz),
	        local_year(ev->end, tz), error)) {
		icalcomponent_free(cal);
		return NULL;
	}
	icalcomponent_add_component(cal,
	    event_new(ev, NULL, tzid, tz, organizer, attendee,
	        method == SUMMIT_ICAL_METHOD_CANCEL, dtstamp));
	return finish(cal);
}

char *
ical_feed(const struct ical_event *evs, size_t n, const char *tzid,
    const char *calname, const char *uid_suffix, GDateTime *dtstamp,
    GError **error)
{
	g_autoptr(GTimeZone) tz = NULL;
	g_autoptr(GHashTable) seen = NULL;
	icalcomponent *cal;
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

	ical_lib_ready();
	cal = calendar_new(SUMMIT_ICAL_METHOD_NONE);
	/*
	 * libical writes , and ; of an X- property as they are (it treats
	 * X- values like lists) and reads them back the same way.
	 */
	add_text(cal, new_x_calname, calname);
	if (tz != NULL) {
		icalproperty *x = icalproperty_new_x(tzid);

		icalproperty_set_x_name(x, "X-WR-TIMEZONE");
		icalcomponent_add_property(cal, x);
		from = to = local_year(dtstamp, tz);
		for (i = 0; i < n; i++) {
			y = local_year(evs[i].start, tz);
			from = i == 0 ? y : MIN(from, y);
			to = i == 0 ? local_year(evs[i].end, tz) :
			              MAX(to, local_year(evs[i].end, tz));
		}
		if (!add_vtimezone(cal, tzid, from, to, error)) {
			icalcomponent_free(cal);
			return NULL;
		}
	}
	for (i = 0; i < n; i++)
		icalcomponent_add_component(cal,
		    event_new(&evs[i], uid_suffix, tzid, tz, NULL, NULL,
		        evs[i].cancelled, dtstamp));
	return finish(cal);
}
