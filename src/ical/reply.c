/*
 * reply.c -- iTIP messages that come back from attendees (RFC 5546 REPLY,
 * REFRESH, COUNTER), read with libical's parser.
 *
 * Calendar clients differ in what they send: Outlook and Gmail put METHOD
 * in the VCALENDAR and on the MIME part, some only on the MIME part (the
 * caller passes it as the hint); ORGANIZER is often dropped; the ATTENDEE
 * line is rewritten with another CN, an upper-case address or "MAILTO:",
 * and extra parameters; DTSTAMP may lack its Z.  None of that matters
 * here: what counts is UID, SEQUENCE, each ATTENDEE's address and
 * PARTSTAT, DTSTAMP, and for a COUNTER the proposed DTSTART/DTEND.
 */
#include "ical/ical_int.h"

#include <string.h>

#include "base/base.h"

/* Larger than any real reply: a VTIMEZONE and a few VEVENTs. */
#define ICAL_REPLY_MAX (256 * 1024)

static void
reply_free(gpointer p)
{
	struct ical_reply *r = p;

	g_free(r->method);
	g_free(r->uid);
	g_free(r->attendee);
	g_free(r->partstat);
	g_free(r);
}

/* Unix seconds of a DATE-TIME; a floating one (no Z, no TZID) is taken
 * as UTC, as a DTSTAMP without its Z means to be.  0 when absent. */
static gint64
reply_epoch(struct icaltimetype t)
{
	const icaltimezone *z;

	if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
		return 0;
	z = t.zone != NULL ? t.zone : icaltimezone_get_utc_timezone();
	return (gint64)icaltime_as_timet_with_zone(t, z);
}

/* The bare address of "mailto:x@y" in any case, lower-cased; NULL for
 * anything else. */
static char *
reply_address(const char *cal_address)
{
	const char *a = cal_address;

	if (a == NULL)
		return NULL;
	while (*a == ' ')
		a++;
	if (g_ascii_strncasecmp(a, "mailto:", 7) != 0)
		return NULL;
	a += 7;
	if (*a == '\0' || strchr(a, '@') == NULL || strlen(a) > 254)
		return NULL;
	return g_strstrip(g_ascii_strdown(a, -1));
}

static const char *
reply_method_name(icalproperty_method m)
{
	switch (m) {
	case ICAL_METHOD_REPLY:
		return "REPLY";
	case ICAL_METHOD_REFRESH:
		return "REFRESH";
	case ICAL_METHOD_COUNTER:
		return "COUNTER";
	default:
		return NULL;
	}
}

static const char *
reply_method_of(icalcomponent *cal, const char *hint)
{
	icalproperty *p = icalcomponent_get_first_property(cal,
	    ICAL_METHOD_PROPERTY);

	if (p != NULL)
		return reply_method_name(icalproperty_get_method(p));
	if (hint == NULL)
		return NULL;
	return reply_method_name(icalproperty_string_to_method(hint));
}

/* One entry per ATTENDEE of ev. */
static void
reply_event(GPtrArray *out, const char *method, icalcomponent *ev)
{
	const char *uid = icalcomponent_get_uid(ev);
	icalproperty *seq = icalcomponent_get_first_property(ev,
	    ICAL_SEQUENCE_PROPERTY);
	icalproperty *p;
	gint64 stamp, starts = 0, ends = 0;

	if (uid == NULL || *uid == '\0' || strlen(uid) > 1000)
		return;
	stamp = reply_epoch(icalcomponent_get_dtstamp(ev));
	if (strcmp(method, "COUNTER") == 0) {
		starts = reply_epoch(icalcomponent_get_dtstart(ev));
		ends = reply_epoch(icalcomponent_get_dtend(ev));
	}
	for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	     p != NULL;
	     p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		const char *ps = icalproperty_get_parameter_as_string(p,
		    "PARTSTAT");
		struct ical_reply *r;
		char *addr = reply_address(icalproperty_get_attendee(p));

		if (addr == NULL)
			continue;
		r = g_new0(struct ical_reply, 1);
		r->method = g_strdup(method);
		r->uid = g_strdup(uid);
		r->sequence = seq ? icalproperty_get_sequence(seq) : 0;
		r->attendee = addr;
		r->partstat = ps ? g_ascii_strup(ps, -1) : g_strdup("");
		r->stamp = stamp;
		r->starts = starts;
		r->ends = ends;
		g_ptr_array_add(out, r);
	}
}

GPtrArray *
ical_reply_read(const char *text, const char *method_hint, GError **error)
{
	icalcomponent *root, *cal, *ev;
	const char *method;
	GPtrArray *out;

	if (text == NULL || strlen(text) > ICAL_REPLY_MAX ||
	    !g_utf8_validate(text, -1, NULL)) {
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_EINVAL,
		    "not an iCalendar object: empty, too long or not UTF-8");
		return NULL;
	}
	ical_lib_ready();
	if ((root = icalparser_parse_string(text)) == NULL) {
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_EINVAL,
		    "not an iCalendar object");
		return NULL;
	}
	/* Several VCALENDARs come back wrapped in an XROOT. */
	cal = icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT ?
	    root :
	    icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
	method = cal ? reply_method_of(cal, method_hint) : NULL;
	if (method == NULL) {
		icalcomponent_free(root);
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_EINVAL,
		    "not an iTIP REPLY, REFRESH or COUNTER");
		return NULL;
	}
	out = g_ptr_array_new_with_free_func(reply_free);
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     ev != NULL;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		reply_event(out, method, ev);
	icalcomponent_free(root);
	return out;
}
