/*
 * test_ical.c -- unit tests for src/ical: escaping, folding, VTIMEZONE,
 * REQUEST / CANCEL / feed objects, checked on the wire and parsed back.
 *
 * Every object is checked twice: as text (CRLF only, no empty line, lines
 * of at most 75 octets that are valid UTF-8 on their own, no escape split
 * by a fold) and through libical's parser (no X-LIC-ERROR, iTIP
 * restrictions, property values round-trip).  The VTIMEZONE is loaded into
 * a libical icaltimezone and compared hour by hour with GLib's reading of
 * the tz database, so the RRULEs are proven, not just their spelling.
 *
 * "test-ical --dump DIR" writes sample objects for check_ical.py, which
 * reads them with python3-icalendar, an independent parser.
 *
 * libical declares ICAL_METHOD_* itself, so it comes first and our names
 * are renamed while ical.h is read (see ical.h).
 */
#include <libical/ical.h>

#define ICAL_METHOD_NONE SUMMIT_ICAL_METHOD_NONE
#define ICAL_METHOD_REQUEST SUMMIT_ICAL_METHOD_REQUEST
#define ICAL_METHOD_CANCEL SUMMIT_ICAL_METHOD_CANCEL
#include "ical/ical.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

/* From src/ical/ical_int.h, which renames ICAL_METHOD_* the other way. */
bool ical_text_split_escape(const char *text);

#define OSLO "Europe/Oslo"

/* User text with everything that needs escaping, and long enough to fold. */
static const char summary_text[] =
    "Workshop: Ødegård, Bjørn; \"sitater\" og \\ skråstrek\n"
    "linje to 🎉 € æøå ÆØÅ, med en lang nok tittel til at linjen må brettes";
static const char location_text[] = "Rom 3, Bygg B; 2. etg. 🏢 Grünerløkka";
static const char description_text[] =
    "Første linje\r\nAndre linje; med komma, og \\n som tekst\n\n"
    "Fjerde 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀";
/* The description as a calendar gives it back: CR dropped. */
static const char description_back[] =
    "Første linje\nAndre linje; med komma, og \\n som tekst\n\n"
    "Fjerde 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀";
static const char attendee_name[] = "Ødegård, Bjørn \"Bear\"";
static const char attendee_cn[] = "Ødegård, Bjørn Bear";

static const struct ical_party organizer = { "invite@summit.example.no",
	"Digital Summit" };
static const struct ical_party attendee = { "bjorn.odegard@example.com",
	attendee_name };

/* Hands out UTC instants that outlive the test case (freed at exit). */
static GPtrArray *times;

static GDateTime *
utc(int y, int mo, int d, int h, int mi)
{
	GDateTime *t = g_date_time_new_utc(y, mo, d, h, mi, 0);

	g_ptr_array_add(times, t);
	return t;
}

static struct ical_event
sample_event(GDateTime *start, GDateTime *end)
{
	struct ical_event ev = {
		.uid = "session-42@summit.example.no",
		.summary = summary_text,
		.description = description_text,
		.location = location_text,
		.url = "https://summit.example.no/p/abc?x=1&y=2",
		.start = start,
		.end = end,
		.sequence = 3,
		.cancelled = false,
	};

	return ev;
}

/* ---- wire checks ---- */

/* The text with folds ("CRLF SPACE") removed. */
static char *
unfold(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* Checks CALENDAR.md A1-A3 on folded text. */
static void
check_wire(const char *text)
{
	const char *p, *line, *end;
	size_t len, k;
	int i;

	g_assert_true(g_str_has_prefix(text, "BEGIN:VCALENDAR\r\n"));
	g_assert_true(g_str_has_suffix(text, "\r\nEND:VCALENDAR\r\n"));
	g_assert_true(g_utf8_validate(text, -1, NULL));
	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			g_assert_true(p > text && p[-1] == '\r');
		if (*p == '\r')
			g_assert_cmpint(p[1], ==, '\n');
	}
	for (line = text, i = 0; *line != '\0'; line = end + 2, i++) {
		end = strstr(line, "\r\n");
		g_assert_nonnull(end);
		len = (size_t)(end - line);
		g_assert_cmpuint(len, >, 0);
		g_assert_cmpuint(len, <=, 75);
		g_assert_true(g_utf8_validate(line, (gssize)len, NULL));
		/* An odd run of backslashes at the end: a split escape. */
		for (k = 0; k < len && line[len - 1 - k] == '\\'; k++)
			;
		g_assert_cmpuint(k % 2, ==, 0);
		if (i == 0)
			g_assert_cmpint(line[0], !=, ' ');
	}
}

/* Number of unfolded lines that start with prefix. */
static int
count_lines(const char *text, const char *prefix)
{
	g_autofree char *u = unfold(text);
	g_auto(GStrv) lines = g_strsplit(u, "\r\n", -1);
	int n = 0;

	for (char **l = lines; *l != NULL; l++)
		n += g_str_has_prefix(*l, prefix);
	return n;
}

/* ---- libical ---- */

static icalcomponent *
parse(const char *text)
{
	icalcomponent *cal = icalparser_parse_string(text);

	g_assert_nonnull(cal);
	g_assert_cmpint(icalcomponent_isa(cal), ==, ICAL_VCALENDAR_COMPONENT);
	g_assert_cmpint(icalcomponent_count_errors(cal), ==, 0);
	return cal;
}

static const char *
prop_string(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(c, kind);

	return p != NULL ? icalproperty_get_value_as_string(p) : NULL;
}

static const char *
param_cn(icalproperty *p)
{
	icalparameter *cn = icalproperty_get_first_parameter(p,
	    ICAL_CN_PARAMETER);

	return cn != NULL ? icalparameter_get_cn(cn) : NULL;
}

static gint64
start_utc(icalcomponent *vev)
{
	struct icaltimetype tt = icalcomponent_get_dtstart(vev);

	/* Resolved through our VTIMEZONE, not libical's builtin zone. */
	g_assert_nonnull(tt.zone);
	g_assert_cmpstr(
	    icaltimezone_get_tzid((icaltimezone *)(uintptr_t)tt.zone), ==,
	    OSLO);
	return (gint64)icaltime_as_timet_with_zone(tt, tt.zone);
}

/* ---- escaping and folding, through whole objects ---- */

/* The unfolded value of the first line of text that starts with name. */
static char *
line_value(const char *text, const char *name)
{
	g_autofree char *u = unfold(text);
	g_auto(GStrv) lines = g_strsplit(u, "\r\n", -1);

	for (char **l = lines; *l != NULL; l++)
		if (g_str_has_prefix(*l, name))
			return g_strdup(*l + strlen(name));
	return NULL;
}

/* A REQUEST whose SUMMARY is summary (event otherwise the sample). */
static char *
itip_summary(const char *summary)
{
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	g_autoptr(GError) err = NULL;
	char *text;

	ev.summary = summary;
	text = ical_itip(ICAL_METHOD_REQUEST, &ev, OSLO, &organizer, &attendee,
	    utc(2027, 5, 1, 12, 34), &err);
	g_assert_no_error(err);
	check_wire(text);
	return text;
}

static void
test_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain æøå 🎉", "plain æøå 🎉" },
		{ "a,b;c\\d", "a\\,b\\;c\\\\d" },
		{ "one\ntwo", "one\\ntwo" },
		{ "one\r\ntwo", "one\\ntwo" },
		{ "cr\ronly", "cronly" },
		{ "tab\there", "tab here" },
		{ "bell\a\x1b[0m", "bell[0m" },
		{ "\"quoted\" stays", "\"quoted\" stays" },
		{ "\\n literal", "\\\\n literal" },
		{ "c1\xc2\x85x", "c1x" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = itip_summary(cases[i].in);
		g_autofree char *got = line_value(text, "SUMMARY:");

		g_assert_cmpstr(got, ==, cases[i].out);
	}
	/* Invalid UTF-8 is refused: test_itip_errors. */
}

/*
 * Summaries of k filler octets and then tail, for every k: every fold
 * lands somewhere else, and none may split a UTF-8 character or an escape
 * (check_wire); libical reads back the text.
 */
static void
fold_around(const char *tail)
{
	int k;

	for (k = 0; k < 160; k++) {
		g_autofree char *filler = g_strnfill((gsize)k, 'x');
		g_autofree char *summary = g_strconcat(filler, tail, NULL);
		g_autofree char *text = itip_summary(summary);
		icalcomponent *cal = parse(text);

		g_assert_cmpstr(icalcomponent_get_summary(
		                    icalcomponent_get_first_component(cal,
		                        ICAL_VEVENT_COMPONENT)),
		    ==, summary);
		icalcomponent_free(cal);
	}
}

static void
test_fold(void)
{
	static const char *const tails[] = {
		"æøåÆØÅæøåÆØÅæøåÆØÅæøåÆØÅæøåÆØÅæøåÆØÅæøåÆØÅæøåÆØÅ",
		"🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
		"€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€",
		"\n,;\\\n,;\\\n,;\\\n,;\\\n,;\\\n,;\\\n,;\\\n,;\\\n,;\\",
		"a\nø,🎉;€\\b\nø,🎉;€\\c\nø,🎉;€\\d\nø,🎉",
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(tails); i++)
		fold_around(tails[i]);
}

/* True if text has a CR or LF that is not part of a CRLF. */
static bool
bare_cr_or_lf(const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if ((*p == '\r' && p[1] != '\n') ||
		    (*p == '\n' && (p == text || p[-1] != '\r')))
			return true;
	}
	return false;
}

/*
 * Why text.c folds again (ical_text_refold): libical 3.0.16's own folding
 * cuts between a backslash and the letter it escapes, and between the CR
 * and LF ending a property whose last stretch is 73 octets, when those
 * hold no space, ';' or ':'.  When this fails, libical has been fixed and
 * ical_text_refold can go.  Our objects never show either, whatever k.
 */
static void
test_libical_fold_workaround(void)
{
	bool split = false, bare = false;
	int k;

	for (k = 0; k < 160; k++) {
		g_autofree char *filler = g_strnfill((gsize)k, 'x');
		g_autofree char *value = g_strconcat(filler,
		    k % 2 == 0 ?
		        "" :
		        "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
		        "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",
		    NULL);
		icalproperty *p = icalproperty_new_description(value);
		char *raw = icalproperty_as_ical_string_r(p);
		g_autofree char *ours = itip_summary(value);

		split = split || ical_text_split_escape(raw);
		bare = bare || bare_cr_or_lf(raw);
		free(raw);
		icalproperty_free(p);
		g_assert_false(ical_text_split_escape(ours));
		g_assert_false(bare_cr_or_lf(ours));
	}
	g_assert_true(split);
	g_assert_true(bare);
}

/* ---- VTIMEZONE ---- */

static const char oslo_vtimezone[] =
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Oslo\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "TZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "TZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

static void
test_vtimezone_oslo(void)
{
	g_autoptr(GError) err = NULL;
	int y;

	for (y = 2024; y <= 2030; y++) {
		g_autofree char *vtz = ical_vtimezone(OSLO, y, &err);

		g_assert_no_error(err);
		g_assert_cmpstr(vtz, ==, oslo_vtimezone);
	}
}

/* libical's and GLib's UTC offset of tzid at instant t agree. */
static void
cmp_offset(icaltimezone *zone, GTimeZone *gtz, gint64 t)
{
	struct icaltimetype tt = icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
	int lib = icaltimezone_get_utc_offset_of_utc_time(zone, &tt, NULL);

	g_assert_cmpint(lib, ==,
	    g_time_zone_get_offset(gtz,
	        g_time_zone_find_interval(gtz, G_TIME_TYPE_UNIVERSAL, t)));
}

/*
 * Loads the VTIMEZONE for tzid into libical and compares its UTC offset
 * with GLib's every hour of years y..y+3, and every minute of the hour
 * before each change; returns the number of changes seen.
 */
static int
check_zone_against_tzdb(const char *tzid, int y)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *vtz = ical_vtimezone(tzid, y, &err);
	g_autoptr(GTimeZone) gtz = g_time_zone_new_identifier(tzid);
	g_autoptr(GDateTime) from = g_date_time_new_utc(y, 1, 1, 0, 0, 0);
	g_autoptr(GDateTime) to = g_date_time_new_utc(y + 4, 1, 1, 0, 0, 0);
	icaltimezone *zone = icaltimezone_new();
	icalcomponent *comp;
	gint64 t, m;
	gint32 off, prev = G_MININT32;
	int changes = 0;

	g_assert_no_error(err);
	g_assert_nonnull(gtz);
	comp = icalparser_parse_string(vtz);
	g_assert_nonnull(comp);
	g_assert_cmpint(icalcomponent_isa(comp), ==, ICAL_VTIMEZONE_COMPONENT);
	g_assert_cmpint(icalcomponent_count_errors(comp), ==, 0);
	g_assert_true(icaltimezone_set_component(zone, comp));
	g_assert_cmpstr(icaltimezone_get_tzid(zone), ==, tzid);

	for (t = g_date_time_to_unix(from); t < g_date_time_to_unix(to);
	     t += 3600) {
		cmp_offset(zone, gtz, t);
		off = g_time_zone_get_offset(gtz,
		    g_time_zone_find_interval(gtz, G_TIME_TYPE_UNIVERSAL, t));
		if (prev != G_MININT32 && prev != off) {
			changes++;
			for (m = t - 3600; m < t; m += 60)
				cmp_offset(zone, gtz, m);
		}
		prev = off;
	}
	icaltimezone_free(zone, 1);
	return changes;
}

static void
test_vtimezone_tzdb(void)
{
	g_assert_cmpint(check_zone_against_tzdb(OSLO, 2026), ==, 8);
	g_assert_cmpint(check_zone_against_tzdb("America/New_York", 2026), ==,
	    8);
	g_assert_cmpint(check_zone_against_tzdb("Australia/Sydney", 2026), ==,
	    8);
	g_assert_cmpint(check_zone_against_tzdb("Europe/London", 2026), ==, 8);
	g_assert_cmpint(check_zone_against_tzdb("Asia/Tokyo", 2026), ==, 0);
}

static void
test_vtimezone_shapes(void)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *ny = ical_vtimezone("America/New_York", 2027, &err);
	g_autofree char *syd = NULL;
	g_autofree char *tokyo = NULL;

	g_assert_no_error(err);
	g_assert_nonnull(strstr(ny,
	    "DTSTART:19700308T020000\r\n"
	    "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n"));
	g_assert_nonnull(strstr(ny,
	    "DTSTART:19701101T020000\r\n"
	    "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n"));
	syd = ical_vtimezone("Australia/Sydney", 2027, &err);
	g_assert_no_error(err);
	g_assert_nonnull(strstr(syd,
	    "BEGIN:DAYLIGHT\r\n"
	    "TZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\n"));
	g_assert_nonnull(strstr(syd, "BYDAY=1SU;BYMONTH=10"));
	g_assert_nonnull(strstr(syd, "BYDAY=1SU;BYMONTH=4"));
	tokyo = ical_vtimezone("Asia/Tokyo", 2027, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(tokyo, ==,
	    "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\n"
	    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n"
	    "TZNAME:JST\r\nDTSTART:19700101T000000\r\nEND:STANDARD\r\n"
	    "END:VTIMEZONE\r\n");
}

static void
test_vtimezone_errors(void)
{
	static const char *const bad[] = {
		"Mars/Olympus_Mons",
		"../../etc/passwd",
		"/etc/localtime",
		"CET-1CEST,M3.5.0,M10.5.0/3",
		"XYZ3",
		"+01:00",
		"",
		"Europe/Oslo ",
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *vtz = ical_vtimezone(bad[i], 2027, &err);

		g_assert_null(vtz);
		g_assert_error(err, SUMMIT_ICAL_ERROR, ICAL_ETZ);
	}
	{
		g_autoptr(GError) err = NULL;
		g_autofree char *vtz = ical_vtimezone(NULL, 2027, &err);

		g_assert_null(vtz);
		g_assert_error(err, SUMMIT_ICAL_ERROR, ICAL_ETZ);
	}
}

/* ---- iTIP ---- */

static char *
itip(enum ical_method m, const struct ical_event *ev)
{
	g_autoptr(GError) err = NULL;
	char *text = ical_itip(m, ev, OSLO, &organizer, &attendee,
	    utc(2027, 5, 1, 12, 34), &err);

	g_assert_no_error(err);
	g_assert_nonnull(text);
	check_wire(text);
	return text;
}

/* What REQUEST and CANCEL share (CALENDAR.md A4-A13, B1, B2, B4). */
static icalcomponent *
check_itip(const char *text, const char *method, const char *status,
    gint64 sequence)
{
	icalcomponent *cal = parse(text), *vev, *vtz;
	icalproperty *p;
	struct icaltimetype stamp;

	if (icalrestriction_check(cal) != 1 ||
	    icalcomponent_count_errors(cal) != 0) {
		g_autofree char *s = icalcomponent_as_ical_string_r(cal);

		g_printerr("%s", s);
		g_assert_not_reached();
	}
	g_assert_cmpstr(prop_string(cal, ICAL_METHOD_PROPERTY), ==, method);
	g_assert_cmpstr(prop_string(cal, ICAL_VERSION_PROPERTY), ==, "2.0");
	g_assert_cmpstr(prop_string(cal, ICAL_PRODID_PROPERTY), ==,
	    "-//Summit//Registration 1.0//EN");
	g_assert_cmpint(count_lines(text, "METHOD:"), ==, 1);
	g_assert_cmpint(count_lines(text, "VERSION:"), ==, 1);
	g_assert_cmpint(count_lines(text, "PRODID:"), ==, 1);
	g_assert_cmpint(count_lines(text, "BEGIN:VCALENDAR"), ==, 1);
	g_assert_cmpint(count_lines(text, "BEGIN:VEVENT"), ==, 1);
	/* METHOD comes before any component. */
	g_assert_true(
	    strstr(text, "METHOD:") < strstr(text, "BEGIN:VTIMEZONE"));
	g_assert_cmpint(
	    icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), ==, 1);
	g_assert_cmpint(
	    icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), ==,
	    1);
	vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	g_assert_cmpstr(prop_string(vtz, ICAL_TZID_PROPERTY), ==, OSLO);

	vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	g_assert_cmpstr(icalcomponent_get_uid(vev), ==,
	    "session-42@summit.example.no");
	g_assert_cmpint(icalcomponent_get_sequence(vev), ==, sequence);
	g_assert_cmpstr(prop_string(vev, ICAL_STATUS_PROPERTY), ==, status);
	g_assert_cmpint(count_lines(text, "STATUS:"), ==, 1);
	g_assert_null(strstr(text, "CANCELED"));
	stamp = icalcomponent_get_dtstamp(vev);
	g_assert_true(icaltime_is_utc(stamp));
	g_assert_nonnull(strstr(text, "\r\nDTSTAMP:20270501T123400Z\r\n"));
	g_assert_cmpstr(icalcomponent_get_summary(vev), ==, summary_text);
	g_assert_cmpstr(icalcomponent_get_location(vev), ==, location_text);
	g_assert_cmpstr(icalcomponent_get_description(vev), ==,
	    description_back);

	g_assert_cmpint(
	    icalcomponent_count_properties(vev, ICAL_ORGANIZER_PROPERTY), ==,
	    1);
	p = icalcomponent_get_first_property(vev, ICAL_ORGANIZER_PROPERTY);
	g_assert_cmpstr(icalproperty_get_organizer(p), ==,
	    "mailto:invite@summit.example.no");
	g_assert_cmpstr(param_cn(p), ==, "Digital Summit");
	/* libical quotes a CN only when it holds , ; or : (A13). */
	g_assert_cmpint(count_lines(text,
	                    "ORGANIZER;CN=Digital Summit"
	                    ":mailto:invite@summit.example.no"),
	    ==, 1);

	g_assert_cmpint(
	    icalcomponent_count_properties(vev, ICAL_ATTENDEE_PROPERTY), ==, 1);
	p = icalcomponent_get_first_property(vev, ICAL_ATTENDEE_PROPERTY);
	g_assert_cmpstr(icalproperty_get_attendee(p), ==,
	    "mailto:bjorn.odegard@example.com");
	g_assert_cmpstr(param_cn(p), ==, attendee_cn);
	g_assert_cmpint(
	    count_lines(text,
	        "ATTENDEE;CUTYPE=INDIVIDUAL;"
	        "ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;"
	        "CN=\"Ødegård, Bjørn Bear\":mailto:bjorn.odegard@example.com"),
	    ==, 1);
	g_assert_cmpint(icalparameter_get_rsvp(icalproperty_get_first_parameter(
	                    p, ICAL_RSVP_PARAMETER)),
	    ==, ICAL_RSVP_TRUE);
	g_assert_cmpint(
	    icalparameter_get_partstat(
	        icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER)),
	    ==, ICAL_PARTSTAT_NEEDSACTION);
	g_assert_cmpint(icalparameter_get_role(icalproperty_get_first_parameter(
	                    p, ICAL_ROLE_PARAMETER)),
	    ==, ICAL_ROLE_REQPARTICIPANT);
	g_assert_cmpint(
	    icalparameter_get_cutype(
	        icalproperty_get_first_parameter(p, ICAL_CUTYPE_PARAMETER)),
	    ==, ICAL_CUTYPE_INDIVIDUAL);
	return cal;
}

static void
test_request(void)
{
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	g_autofree char *text = itip(ICAL_METHOD_REQUEST, &ev);
	icalcomponent *cal = check_itip(text, "REQUEST", "CONFIRMED", 3);
	icalcomponent *vev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT);

	g_assert_nonnull(
	    strstr(text, "\r\nDTSTART;TZID=Europe/Oslo:20270610T090000\r\n"));
	g_assert_nonnull(
	    strstr(text, "\r\nDTEND;TZID=Europe/Oslo:20270610T103000\r\n"));
	g_assert_cmpint(start_utc(vev), ==, g_date_time_to_unix(ev.start));
	g_assert_cmpint(count_lines(text, "DURATION"), ==, 0);
	g_assert_cmpstr(prop_string(vev, ICAL_URL_PROPERTY), ==, ev.url);
	/* Escapes as CALENDAR.md A12 spells them. */
	g_assert_cmpint(
	    count_lines(text,
	        "SUMMARY:Workshop: Ødegård\\, "
	        "Bjørn\\; \"sitater\" og \\\\ skråstrek\\nlinje to"),
	    ==, 1);
	icalcomponent_free(cal);

	/* A cancelled session goes out as CANCEL, never as a REQUEST. */
	ev.cancelled = true;
	{
		g_autoptr(GError) err = NULL;
		g_autofree char *t2 = ical_itip(ICAL_METHOD_REQUEST, &ev, OSLO,
		    &organizer, &attendee, utc(2027, 5, 1, 0, 0), &err);

		g_assert_null(t2);
		g_assert_error(err, SUMMIT_ICAL_ERROR, ICAL_EINVAL);
	}
}

static void
test_cancel(void)
{
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	g_autofree char *text = NULL;
	icalcomponent *cal;

	ev.sequence = 4;
	ev.cancelled = true; /* or not: a CANCEL is CANCELLED either way */
	text = itip(ICAL_METHOD_CANCEL, &ev);
	cal = check_itip(text, "CANCEL", "CANCELLED", 4);
	/* B4: the CANCEL repeats DTSTART/DTEND and SUMMARY. */
	g_assert_cmpint(count_lines(text, "DTSTART;TZID=Europe/Oslo:"), ==, 1);
	g_assert_cmpint(count_lines(text, "DTEND;TZID=Europe/Oslo:"), ==, 1);
	g_assert_cmpint(count_lines(text, "SUMMARY:"), ==, 1);
	icalcomponent_free(cal);
}

/* The last Sundays of March and October 2027 at 10:00 in Oslo. */
static void
test_dst_dates(void)
{
	static const struct {
		int mo, d, utc_h;
		const char *line;
	} cases[] = {
		{ 3, 28, 8, "DTSTART;TZID=Europe/Oslo:20270328T100000" },
		{ 10, 31, 9, "DTSTART;TZID=Europe/Oslo:20271031T100000" },
		/* The hour before each change. */
		{ 3, 28, 0, "DTSTART;TZID=Europe/Oslo:20270328T010000" },
		{ 10, 31, 0, "DTSTART;TZID=Europe/Oslo:20271031T020000" },
		{ 10, 31, 1, "DTSTART;TZID=Europe/Oslo:20271031T020000" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		GDateTime *s = utc(2027, cases[i].mo, cases[i].d,
		    cases[i].utc_h, 0);
		struct ical_event ev = sample_event(s,
		    utc(2027, cases[i].mo, cases[i].d, cases[i].utc_h + 1, 0));
		g_autofree char *text = itip(ICAL_METHOD_REQUEST, &ev);
		icalcomponent *cal = parse(text);
		icalcomponent *vev = icalcomponent_get_first_component(cal,
		    ICAL_VEVENT_COMPONENT);

		g_assert_cmpint(count_lines(text, cases[i].line), ==, 1);
		/*
		 * 02:00 on 31 October happens twice; libical picks one, so
		 * only the unambiguous cases are compared as instants.
		 */
		if (i < 3)
			g_assert_cmpint(start_utc(vev), ==,
			    g_date_time_to_unix(s));
		icalcomponent_free(cal);
	}
}

static void
test_utc_mode(void)
{
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	g_autoptr(GError) err = NULL;
	g_autofree char *text = ical_itip(ICAL_METHOD_REQUEST, &ev, NULL,
	    &organizer, &attendee, utc(2027, 5, 1, 12, 0), &err);
	icalcomponent *cal;

	g_assert_no_error(err);
	check_wire(text);
	cal = parse(text);
	g_assert_nonnull(strstr(text, "\r\nDTSTART:20270610T070000Z\r\n"));
	g_assert_null(strstr(text, "TZID"));
	g_assert_null(strstr(text, "VTIMEZONE"));
	icalcomponent_free(cal);
}

static void
test_itip_errors(void)
{
	GDateTime *s = utc(2027, 6, 10, 7, 0), *e = utc(2027, 6, 10, 8, 0);
	GDateTime *stamp = utc(2027, 5, 1, 0, 0);
	struct ical_event ev;
	struct ical_party bad_addr = { "not an address", "X" };
	struct ical_party same = { "INVITE@summit.example.no", "Me" };
	static const char *const bad_uids[] = {
		"",
		"has space",
		"a,b",
		"a;b",
		"a\\b",
		"a\"b",
		"æøå@x",
		"tab\there",
	};
	size_t i;

#define EXPECT_EINVAL(m, evp, org, att) \
	do { \
		g_autoptr(GError) err_ = NULL; \
		g_autofree char *t_ = ical_itip((m), (evp), OSLO, (org), \
		    (att), stamp, &err_); \
		g_assert_null(t_); \
		g_assert_error(err_, SUMMIT_ICAL_ERROR, ICAL_EINVAL); \
	} while (0)

	ev = sample_event(s, e);
	EXPECT_EINVAL(ICAL_METHOD_NONE, &ev, &organizer, &attendee);
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, NULL, &organizer, &attendee);
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &bad_addr, &attendee);
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &bad_addr);
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, NULL);
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &same);
	for (i = 0; i < G_N_ELEMENTS(bad_uids); i++) {
		ev = sample_event(s, e);
		ev.uid = bad_uids[i];
		EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	}
	{
		g_autofree char *long_uid = g_strnfill(256, 'u');

		ev = sample_event(s, e);
		ev.uid = long_uid;
		EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	}
	ev = sample_event(e, s);
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	ev = sample_event(s, s);
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	ev = sample_event(s, e);
	ev.sequence = -1;
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	/* libical's SEQUENCE is an int. */
	ev.sequence = (gint64)G_MAXINT32 + 1;
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	ev = sample_event(s, e);
	ev.summary = "bad \xff utf-8";
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	ev = sample_event(s, e);
	ev.summary = NULL;
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
	ev = sample_event(s, e);
	ev.url = "javascript: alert(1)";
	EXPECT_EINVAL(ICAL_METHOD_REQUEST, &ev, &organizer, &attendee);
#undef EXPECT_EINVAL
	{
		g_autoptr(GError) err = NULL;
		g_autofree char *t = NULL;

		ev = sample_event(s, e);
		t = ical_itip(ICAL_METHOD_REQUEST, &ev, "Mars/Base", &organizer,
		    &attendee, stamp, &err);
		g_assert_null(t);
		g_assert_error(err, SUMMIT_ICAL_ERROR, ICAL_ETZ);
	}
}

/* Names that are nothing but quotes and controls: no CN at all. */
static void
test_cn_edge(void)
{
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	struct ical_party org = { "invite@summit.example.no", NULL };
	struct ical_party att = { "a@example.com", "\"\"\r\n" };
	struct ical_party att2 = { "b@example.com", "Line\nbreak; \"x\": y" };
	g_autoptr(GError) err = NULL;
	g_autofree char *t = ical_itip(ICAL_METHOD_REQUEST, &ev, OSLO, &org,
	    &att, utc(2027, 5, 1, 0, 0), &err);
	g_autofree char *t2 = NULL;
	icalcomponent *cal;

	g_assert_no_error(err);
	check_wire(t);
	g_assert_cmpint(count_lines(t, "ORGANIZER:mailto:invite@"), ==, 1);
	g_assert_cmpint(
	    count_lines(t,
	        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE="
	        "REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:a@"),
	    ==, 1);
	icalcomponent_free(parse(t));

	t2 = ical_itip(ICAL_METHOD_REQUEST, &ev, OSLO, &org, &att2,
	    utc(2027, 5, 1, 0, 0), &err);
	g_assert_no_error(err);
	check_wire(t2);
	cal = parse(t2);
	g_assert_cmpstr(
	    param_cn(icalcomponent_get_first_property(
	        icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT),
	        ICAL_ATTENDEE_PROPERTY)),
	    ==, "Line break; x: y");
	icalcomponent_free(cal);
}

/* What fuzz_ical found: texts libical could not read back. */
static void
test_fuzz_findings(void)
{
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	struct ical_party org = { "invite@summit.example.no", "Org ^n ^^ ^'" };
	struct ical_party att = { "a@example.com", "Back\\slash \\" };
	g_autofree char *t = NULL;
	icalcomponent *cal, *vev;

	/* A run of backslashes escapes to a run of "\\\\" units, each
	 * foldable on its own: no line over 75 octets (check_wire). */
	{
		g_autofree char *slashes = g_strnfill(100, '\\');

		ev.summary = slashes;
		t = itip(ICAL_METHOD_REQUEST, &ev);
		cal = parse(t);
		vev = icalcomponent_get_first_component(cal,
		    ICAL_VEVENT_COMPONENT);
		g_assert_cmpstr(icalcomponent_get_summary(vev), ==, slashes);
		icalcomponent_free(cal);
		g_clear_pointer(&t, g_free);
		ev.summary = "Workshop";
	}

	/* Blank texts: "DESCRIPTION:" is an X-LIC-ERROR in libical. */
	ev.description = "";
	ev.location = " \t\x01 ";
	t = itip(ICAL_METHOD_REQUEST, &ev);
	g_assert_cmpint(count_lines(t, "DESCRIPTION"), ==, 0);
	g_assert_cmpint(count_lines(t, "LOCATION"), ==, 0);
	icalcomponent_free(parse(t));
	g_clear_pointer(&t, g_free);

	/* A caret is RFC 6868's escape; a backslash before the closing
	 * quote made libical drop the CN. */
	t = ical_itip(ICAL_METHOD_REQUEST, &ev, OSLO, &org, &att,
	    utc(2027, 5, 1, 0, 0), NULL);
	g_assert_nonnull(t);
	check_wire(t);
	cal = parse(t);
	vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	g_assert_cmpstr(param_cn(icalcomponent_get_first_property(vev,
	                    ICAL_ORGANIZER_PROPERTY)),
	    ==, "Org ^n ^^ ^'");
	g_assert_cmpstr(param_cn(icalcomponent_get_first_property(vev,
	                    ICAL_ATTENDEE_PROPERTY)),
	    ==, "Backslash");
	icalcomponent_free(cal);
}

/* ---- feeds ---- */

static char *
sample_feed(void)
{
	struct ical_event evs[3];
	g_autoptr(GError) err = NULL;
	char *text;

	evs[0] = sample_event(utc(2027, 6, 10, 7, 0), utc(2027, 6, 10, 8, 30));
	evs[1] = sample_event(utc(2027, 3, 28, 8, 0), utc(2027, 3, 28, 9, 0));
	evs[1].uid = "session-43@summit.example.no";
	evs[1].summary = "Vår, sommer; høst";
	evs[1].description = NULL;
	evs[1].location = NULL;
	evs[1].url = NULL;
	evs[2] = sample_event(utc(2027, 10, 31, 9, 0),
	    utc(2027, 10, 31, 10, 0));
	evs[2].uid = "session-44@summit.example.no";
	evs[2].summary = "Avlyst økt";
	evs[2].cancelled = true;
	text = ical_feed(evs, 3, OSLO, "Summit 2027: mitt program, «alt»",
	    "-feed", utc(2027, 5, 1, 12, 0), &err);
	g_assert_no_error(err);
	g_assert_nonnull(text);
	return text;
}

static void
test_feed(void)
{
	g_autofree char *text = sample_feed();
	icalcomponent *cal, *vev;
	const char *uids[] = {
		"session-42@summit.example.no-feed",
		"session-43@summit.example.no-feed",
		"session-44@summit.example.no-feed",
	};
	int i = 0;

	check_wire(text);
	cal = parse(text);
	g_assert_null(
	    icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY));
	g_assert_cmpint(count_lines(text, "METHOD"), ==, 0);
	g_assert_cmpint(count_lines(text, "ORGANIZER"), ==, 0);
	g_assert_cmpint(count_lines(text, "ATTENDEE"), ==, 0);
	g_assert_null(strstr(text, "RSVP"));
	/* libical writes an X- property's commas as they are. */
	g_assert_cmpint(
	    count_lines(text, "X-WR-CALNAME:Summit 2027: mitt program, «alt»"),
	    ==, 1);
	g_assert_cmpint(
	    icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), ==,
	    1);
	g_assert_cmpint(
	    icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), ==, 3);
	for (vev =
	         icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     vev != NULL;
	     vev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT),
	    i++) {
		g_assert_cmpstr(icalcomponent_get_uid(vev), ==, uids[i]);
		g_assert_true(icaltime_is_utc(icalcomponent_get_dtstamp(vev)));
		g_assert_cmpstr(prop_string(vev, ICAL_STATUS_PROPERTY), ==,
		    i == 2 ? "CANCELLED" : "CONFIRMED");
	}
	g_assert_cmpint(
	    count_lines(text, "DTSTART;TZID=Europe/Oslo:20270328T100000"), ==,
	    1);
	g_assert_cmpint(
	    count_lines(text, "DTSTART;TZID=Europe/Oslo:20271031T100000"), ==,
	    1);
	icalcomponent_free(cal);
}

static void
test_feed_edges(void)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *empty = ical_feed(NULL, 0, OSLO, NULL, NULL,
	    utc(2027, 5, 1, 12, 0), &err);
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	g_autofree char *bad = NULL;
	g_autofree char *bad2 = NULL;
	g_autofree char *two_years = NULL;
	struct ical_event evs[2];

	g_assert_no_error(err);
	check_wire(empty);
	icalcomponent_free(parse(empty));
	g_assert_nonnull(strstr(empty, "BEGIN:VTIMEZONE"));
	g_assert_null(strstr(empty, "X-WR-CALNAME"));

	/* The suffix makes the uid too long or invalid. */
	bad = ical_feed(&ev, 1, OSLO, NULL, " feed", utc(2027, 5, 1, 12, 0),
	    &err);
	g_assert_null(bad);
	g_assert_error(err, SUMMIT_ICAL_ERROR, ICAL_EINVAL);
	g_clear_error(&err);

	/* Two events with one uid. */
	evs[0] = ev;
	evs[1] = ev;
	bad2 = ical_feed(evs, 2, OSLO, NULL, "-feed", utc(2027, 5, 1, 12, 0),
	    &err);
	g_assert_null(bad2);
	g_assert_error(err, SUMMIT_ICAL_ERROR, ICAL_EINVAL);
	g_clear_error(&err);

	/* Events in two years still share one VTIMEZONE. */
	evs[0] = ev;
	evs[1] = sample_event(utc(2029, 1, 10, 7, 0), utc(2029, 1, 10, 8, 0));
	evs[1].uid = "session-99@summit.example.no";
	two_years = ical_feed(evs, 2, OSLO, "x", NULL, utc(2027, 5, 1, 12, 0),
	    &err);
	g_assert_no_error(err);
	check_wire(two_years);
	g_assert_cmpint(count_lines(two_years, "BEGIN:VTIMEZONE"), ==, 1);
	g_assert_nonnull(strstr(two_years, oslo_vtimezone));
}

/* ---- samples for check_ical.py ---- */

static void
write_sample(const char *dir, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) err = NULL;

	if (text == NULL || !g_file_set_contents(path, text, -1, &err)) {
		g_printerr("could not write \"%s\": %s\n", path,
		    err != NULL ? err->message : "no text");
		exit(1);
	}
}

static int
dump(const char *dir)
{
	struct ical_event ev = sample_event(utc(2027, 6, 10, 7, 0),
	    utc(2027, 6, 10, 8, 30));
	struct ical_event march = sample_event(utc(2027, 3, 28, 8, 0),
	    utc(2027, 3, 28, 9, 0));
	struct ical_event october = sample_event(utc(2027, 10, 31, 9, 0),
	    utc(2027, 10, 31, 10, 0));
	GDateTime *stamp = utc(2027, 5, 1, 12, 34);
	g_autofree char *req = NULL, *cancel = NULL, *feed = NULL;
	g_autofree char *m = NULL, *o = NULL;

	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_printerr("could not create \"%s\"\n", dir);
		return 1;
	}
	req = ical_itip(ICAL_METHOD_REQUEST, &ev, OSLO, &organizer, &attendee,
	    stamp, NULL);
	ev.sequence = 4;
	cancel = ical_itip(ICAL_METHOD_CANCEL, &ev, OSLO, &organizer, &attendee,
	    stamp, NULL);
	m = ical_itip(ICAL_METHOD_REQUEST, &march, OSLO, &organizer, &attendee,
	    stamp, NULL);
	o = ical_itip(ICAL_METHOD_REQUEST, &october, OSLO, &organizer,
	    &attendee, stamp, NULL);
	feed = sample_feed();
	write_sample(dir, "request.ics", req);
	write_sample(dir, "cancel.ics", cancel);
	write_sample(dir, "dst-march.ics", m);
	write_sample(dir, "dst-october.ics", o);
	write_sample(dir, "feed.ics", feed);
	return 0;
}

int
main(int argc, char **argv)
{
	int rc;

	times = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_date_time_unref);
	if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
		rc = dump(argv[2]);
		g_ptr_array_unref(times);
		return rc;
	}
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ical/escape", test_escape);
	g_test_add_func("/ical/fold", test_fold);
	g_test_add_func("/ical/libical-fold-workaround",
	    test_libical_fold_workaround);
	g_test_add_func("/ical/vtimezone/oslo", test_vtimezone_oslo);
	g_test_add_func("/ical/vtimezone/tzdb", test_vtimezone_tzdb);
	g_test_add_func("/ical/vtimezone/shapes", test_vtimezone_shapes);
	g_test_add_func("/ical/vtimezone/errors", test_vtimezone_errors);
	g_test_add_func("/ical/itip/request", test_request);
	g_test_add_func("/ical/itip/cancel", test_cancel);
	g_test_add_func("/ical/itip/dst-dates", test_dst_dates);
	g_test_add_func("/ical/itip/utc", test_utc_mode);
	g_test_add_func("/ical/itip/errors", test_itip_errors);
	g_test_add_func("/ical/itip/cn", test_cn_edge);
	g_test_add_func("/ical/itip/fuzz-findings", test_fuzz_findings);
	g_test_add_func("/ical/feed", test_feed);
	g_test_add_func("/ical/feed/edges", test_feed_edges);
	rc = g_test_run();
	g_ptr_array_unref(times);
	icaltimezone_free_builtin_timezones();
	return rc;
}
