/*
 * fuzz_ical.c -- the iCalendar writer (src/ical/) fed arbitrary field
 * values: the texts of an invitation (summary, description, location, the
 * organiser's and the attendee's names, the calendar name of a feed) come
 * from organisers and participants.
 *
 * The input holds fields separated by the byte 0x1f: settings (method,
 * zone, times, which fields are NULL), summary, description, location,
 * organiser name, attendee name, calendar name, uid, url.  One iTIP
 * message and one feed of two events are written from them.
 *
 * Properties: the writer refuses (ICAL_EINVAL, ICAL_ETZ) or gives text
 * that keeps RFC 5545's wire rules (CRLF only, lines of at most 75 octets,
 * each valid UTF-8, no escape split by a fold) and that libical's parser
 * reads without an X-LIC-ERROR; and every text round-trips: what libical
 * gives back for SUMMARY, DESCRIPTION, LOCATION, X-WR-CALNAME, UID, URL
 * and the CN parameters equals what was put in, less what the writer
 * documents it drops (control characters; CR; a tab becomes a space; in a
 * CN, quotes and backslashes go and line breaks become spaces, trimmed),
 * and spaces at
 * either end, which libical trims from every value it reads.
 */
#include <libical/ical.h>

#define ICAL_METHOD_NONE SUMMIT_ICAL_METHOD_NONE
#define ICAL_METHOD_REQUEST SUMMIT_ICAL_METHOD_REQUEST
#define ICAL_METHOD_CANCEL SUMMIT_ICAL_METHOD_CANCEL
#include "ical/ical.h"

#include "fuzz.h"

#include <string.h>

enum {
	F_SET,
	F_SUMMARY,
	F_DESC,
	F_LOC,
	F_ORG,
	F_ATT,
	F_CAL,
	F_UID,
	F_URL,
	F__MAX
};

static const char *const zones[] = { NULL, "UTC", "Europe/Oslo",
	"America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
	"America/Sao_Paulo", "Pacific/Chatham" };

static bool
is_control(gunichar c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* What a TEXT value should read back as. */
static char *
expect_text(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = s; *p != '\0'; p = FUZZ_NEXT(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n')
			g_string_append_c(out, '\n');
		else if (c == '\t')
			g_string_append_c(out, ' ');
		else if (!is_control(c))
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* What a CN parameter should read back as; NULL when there is none. */
static char *
expect_cn(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = s != NULL ? s : ""; *p != '\0'; p = FUZZ_NEXT(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n' || c == '\t')
			g_string_append_c(out, ' ');
		else if (c != '"' && c != '\\' && !is_control(c))
			g_string_append_unichar(out, c);
	}
	g_strstrip(out->str);
	if (out->str[0] == '\0') {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

static void
check_wire(const char *text)
{
	const char *line, *end;
	size_t len, k;

	FUZZ_CHECK(g_str_has_prefix(text, "BEGIN:VCALENDAR\r\n"));
	FUZZ_CHECK(g_str_has_suffix(text, "\r\nEND:VCALENDAR\r\n"));
	for (line = text; *line != '\0'; line = end + 2) {
		end = strstr(line, "\r\n");
		FUZZ_CHECK(end != NULL);
		len = (size_t)(end - line);
		if (len == 0 || len > 75)
			fprintf(stderr, "line of %zu octets: %.*s\n", len,
			    (int)len, line);
		FUZZ_CHECK(len > 0 && len <= 75);
		FUZZ_CHECK(memchr(line, '\n', len) == NULL);
		FUZZ_CHECK(memchr(line, '\r', len) == NULL);
		FUZZ_CHECK(g_utf8_validate(line, (gssize)len, NULL));
		/* An odd run of backslashes before a fold: a split escape. */
		for (k = 0; k < len && line[len - 1 - k] == '\\'; k++)
			;
		if (end[2] != ' ')
			k = 0;
		if (k % 2 != 0)
			fprintf(stderr, "split escape: %.*s\n", (int)len, line);
		FUZZ_CHECK(k % 2 == 0);
	}
}

/* s without spaces at either end (transfer full). */
static char *
trim_spaces(const char *s)
{
	size_t len;

	s += strspn(s, " ");
	for (len = strlen(s); len > 0 && s[len - 1] == ' '; len--)
		;
	return g_strndup(s, len);
}

/*
 * got equals want, spaces at either end aside: libical's parser trims
 * them from every value, so no writer can make them round-trip.
 */
static void
check_same(const char *got, const char *want)
{
	g_autofree char *g = trim_spaces(got != NULL ? got : "");
	g_autofree char *w = trim_spaces(want);

	if (strcmp(g, w) != 0) {
		fprintf(stderr, "got  \"%s\"\nwant \"%s\"\n",
		    got != NULL ? got : "(null)", want);
		FUZZ_CHECK(0);
	}
}

static const char *
param_cn(icalproperty *p)
{
	icalparameter *cn = icalproperty_get_first_parameter(p,
	    ICAL_CN_PARAMETER);

	return cn != NULL ? icalparameter_get_cn(cn) : NULL;
}

static void
check_cn(icalproperty *p, const char *name)
{
	g_autofree char *want = expect_cn(name);
	const char *got;

	FUZZ_CHECK(p != NULL);
	got = param_cn(p);
	if (want == NULL)
		FUZZ_CHECK(got == NULL);
	else
		check_same(got, want);
}

static void
check_event(icalcomponent *vev, const struct ical_event *ev, const char *uid)
{
	g_autofree char *summary = expect_text(ev->summary);

	FUZZ_CHECK(vev != NULL);
	check_same(icalcomponent_get_uid(vev), uid);
	check_same(icalcomponent_get_summary(vev), summary);
	if (ev->description != NULL) {
		g_autofree char *d = expect_text(ev->description);

		check_same(icalcomponent_get_description(vev), d);
	}
	if (ev->location != NULL) {
		g_autofree char *l = expect_text(ev->location);

		check_same(icalcomponent_get_location(vev), l);
	}
	if (ev->url != NULL) {
		icalproperty *u = icalcomponent_get_first_property(vev,
		    ICAL_URL_PROPERTY);

		FUZZ_CHECK(u != NULL);
		check_same(icalproperty_get_url(u), ev->url);
	}
}

/* Parses text; NULL (and the input saved) when libical found errors. */
static icalcomponent *
parse(const char *text)
{
	icalcomponent *cal;

	check_wire(text);
	cal = icalparser_parse_string(text);
	FUZZ_CHECK(cal != NULL);
	FUZZ_CHECK(icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT);
	if (icalcomponent_count_errors(cal) != 0) {
		char *s = icalcomponent_as_ical_string(cal);

		fprintf(stderr, "libical errors in:\n%s\nread as:\n%s\n", text,
		    s);
		FUZZ_CHECK(0);
	}
	return cal;
}

static void
itip(const struct ical_event *ev, const char *tzid,
    const struct ical_party *org, const struct ical_party *att, bool cancel,
    GDateTime *stamp)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = ical_itip(cancel ? ICAL_METHOD_CANCEL :
	                                           ICAL_METHOD_REQUEST,
	    ev, tzid, org, att, stamp, &error);
	icalcomponent *cal, *vev;

	if (text == NULL) {
		FUZZ_CHECK(error != NULL && error->domain == SUMMIT_ICAL_ERROR);
		return;
	}
	FUZZ_CHECK(g_utf8_validate(ev->summary, -1, NULL));
	cal = parse(text);
	vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	check_event(vev, ev, ev->uid);
	check_cn(icalcomponent_get_first_property(vev, ICAL_ORGANIZER_PROPERTY),
	    org->name);
	check_cn(icalcomponent_get_first_property(vev, ICAL_ATTENDEE_PROPERTY),
	    att->name);
	icalcomponent_free(cal);
}

static void
feed(const struct ical_event *evs, const char *tzid, const char *calname,
    GDateTime *stamp)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = ical_feed(evs, 2, tzid, calname, "-f", stamp,
	    &error);
	g_autofree char *uid0 = NULL, *uid1 = NULL;
	icalcomponent *cal, *vev;

	if (text == NULL) {
		FUZZ_CHECK(error != NULL && error->domain == SUMMIT_ICAL_ERROR);
		return;
	}
	cal = parse(text);
	if (calname != NULL) {
		g_autofree char *want = expect_text(calname);
		icalproperty *p;
		const char *got = NULL;

		for (p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY);
		     p != NULL;
		     p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY))
			if (strcmp(icalproperty_get_x_name(p),
			        "X-WR-CALNAME") == 0)
				got = icalproperty_get_x(p);
		check_same(got, want);
	}
	uid0 = g_strconcat(evs[0].uid, "-f", NULL);
	uid1 = g_strconcat(evs[1].uid, "-f", NULL);
	vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	check_event(vev, &evs[0], uid0);
	vev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	check_event(vev, &evs[1], uid1);
	icalcomponent_free(cal);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_auto(GStrv) f = fuzz_fields(data, size, F__MAX);
	guint8 set[6] = { 0 };
	g_autoptr(GDateTime) base = g_date_time_new_utc(2027, 3, 30, 9, 0, 0);
	g_autoptr(GDateTime) stamp = g_date_time_new_utc(2027, 3, 1, 12, 0, 0);
	g_autoptr(GDateTime) start = NULL, end = NULL, end2 = NULL;
	g_autofree char *uid2 = NULL;
	struct ical_event ev[2];
	struct ical_party org, att;
	const char *tzid;
	size_t i;

	for (i = 0; i < sizeof(set) && f[F_SET][i] != '\0'; i++)
		set[i] = (guint8)f[F_SET][i];
	tzid = zones[(set[0] >> 2) % G_N_ELEMENTS(zones)];
	/* Within about ten years either side, minutes apart. */
	start = g_date_time_add_minutes(base,
	    ((gint)set[1] - 128) * 20000 + set[2]);
	end = g_date_time_add_minutes(start, 1 + set[3] * 7);
	end2 = g_date_time_add_minutes(start, 30);
	memset(ev, 0, sizeof(ev));
	ev[0].uid = f[F_UID][0] != '\0' ? f[F_UID] : "s1-2027@summit.example";
	ev[0].summary = f[F_SUMMARY];
	ev[0].description = (set[4] & 1) ? NULL : f[F_DESC];
	ev[0].location = (set[4] & 2) ? NULL : f[F_LOC];
	ev[0].url = (set[4] & 4) ? NULL : f[F_URL];
	ev[0].start = start;
	ev[0].end = end;
	ev[0].sequence = set[5];
	ev[0].cancelled = (set[0] & 2) != 0;
	uid2 = g_strconcat(ev[0].uid, "x", NULL);
	ev[1] = ev[0];
	ev[1].uid = uid2;
	ev[1].summary = f[F_LOC];
	ev[1].description = f[F_ORG];
	ev[1].location = f[F_ATT];
	ev[1].end = end2;
	ev[1].cancelled = !ev[0].cancelled;
	org.email = "invite@summit.example.no";
	org.name = (set[4] & 8) ? NULL : f[F_ORG];
	att.email = "bjorn@example.com";
	att.name = (set[4] & 16) ? NULL : f[F_ATT];

	itip(&ev[0], tzid, &org, &att, (set[0] & 1) != 0 || ev[0].cancelled,
	    stamp);
	feed(ev, tzid, (set[4] & 32) ? NULL : f[F_CAL], stamp);
	return 0;
}
