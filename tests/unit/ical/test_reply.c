/*
 * test_reply.c -- calendar replies as clients send them
 * (tests/fixtures/replies/: Outlook, Gmail, Apple Calendar, Thunderbird, a
 * METHOD only on the MIME part, REFRESH, COUNTER): mail/inbound.c finds
 * the calendar part, inline or attached, and ical_reply_read gives UID,
 * SEQUENCE, the attendee's address in lower case, PARTSTAT and DTSTAMP
 * whatever the shape.  Other methods and broken text are refused.
 */
#include "ical/ical.h"
#include "mail/mail.h"

#include <string.h>

#define UID "0b7e0a52-5b8e-4c1a-9e55-2f1d1b0c9a11@example.org"
#define STAMP 1796284800 /* 2026-12-03T08:00:00Z */

static char *
fixture(const char *name, const char *attendee, const char *partstat)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "fixtures",
	    "replies", name, NULL);
	g_autofree char *text = NULL, *upper = g_ascii_strup(attendee, -1);
	g_autoptr(GError) error = NULL;
	GString *s;

	g_assert_true(g_file_get_contents(path, &text, NULL, &error));
	s = g_string_new(text);
	g_string_replace(s, "${stamp}", "20261203T080000", 0);
	g_string_replace(s, "$stamp", "20261203T080000", 0);
	g_string_replace(s, "${starts}", "20270315T120000Z", 0);
	g_string_replace(s, "${ends}", "20270315T133000Z", 0);
	g_string_replace(s, "$ATTENDEE", upper, 0);
	g_string_replace(s, "$attendee", attendee, 0);
	g_string_replace(s, "$partstat", partstat, 0);
	g_string_replace(s, "$uid", UID, 0);
	g_string_replace(s, "$seq", "2", 0);
	g_string_replace(s, "$id", "r3ply1d", 0);
	return g_string_free(s, FALSE);
}

/* The fixture through both parsers: one answer, checked. */
static const struct ical_reply *
read_one(const char *name, const char *partstat, GPtrArray **keep)
{
	g_autofree char *text = fixture(name, "Kari.Nordmann@Example.NO",
	    partstat);
	g_autoptr(GError) error = NULL;
	g_autoptr(MailInbound) in = mail_inbound_parse(text, strlen(text),
	    &error);
	const struct ical_reply *r;

	g_test_message("%s", name);
	g_assert_no_error(error);
	g_assert_cmpint(in->kind, ==, MAIL_INBOUND_REPLY);
	g_assert_nonnull(in->calendar);
	*keep = ical_reply_read(in->calendar, in->calendar_method, &error);
	g_assert_no_error(error);
	g_assert_cmpuint((*keep)->len, ==, 1);
	r = (*keep)->pdata[0];
	g_assert_cmpstr(r->uid, ==, UID);
	g_assert_cmpstr(r->attendee, ==, "kari.nordmann@example.no");
	return r;
}

static void
test_clients(void)
{
	static const struct {
		const char *name, *partstat;
		gint64 sequence;
	} cases[] = {
		{ "outlook.eml", "ACCEPTED", 2 },
		{ "gmail.eml", "DECLINED", 2 },
		{ "apple.eml", "TENTATIVE", 2 },
		{ "thunderbird.eml", "ACCEPTED", 2 },
		{ "method-on-part.eml", "DECLINED", 2 },
	};
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) keep = NULL;
		const struct ical_reply *r = read_one(cases[i].name,
		    cases[i].partstat, &keep);

		g_assert_cmpstr(r->method, ==, "REPLY");
		g_assert_cmpstr(r->partstat, ==, cases[i].partstat);
		g_assert_cmpint(r->sequence, ==, cases[i].sequence);
		/* With its Z or without (Apple's DTSTAMP): the same instant. */
		g_assert_cmpint(r->stamp, ==, STAMP);
		g_assert_cmpint(r->starts, ==, 0);
	}
}

static void
test_refresh_counter(void)
{
	g_autoptr(GPtrArray) a = NULL, b = NULL;
	const struct ical_reply *r = read_one("refresh.eml", "", &a);

	g_assert_cmpstr(r->method, ==, "REFRESH");
	g_assert_cmpstr(r->partstat, ==, "");
	g_assert_cmpint(r->sequence, ==, 0);
	r = read_one("counter.eml", "", &b);
	g_assert_cmpstr(r->method, ==, "COUNTER");
	g_assert_cmpint(r->sequence, ==, 2);
	g_assert_cmpint(r->starts, ==, 1805112000); /* 2027-03-15T12:00Z */
	g_assert_cmpint(r->ends, ==, 1805112000 + 5400);
}

static void
test_refused(void)
{
	static const char *const bad[] = {
		"",
		"not a calendar",
		"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\n"
		"END:VEVENT\r\nEND:VCALENDAR\r\n",
		/* No METHOD and no hint: not an answer. */
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nSUMMARY:\xff\r\n"
		"END:VCALENDAR\r\n",
	};
	g_autoptr(GPtrArray) none = NULL;
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;

		g_assert_null(ical_reply_read(bad[i], NULL, &error));
		g_assert_error(error, SUMMIT_ICAL_ERROR, ICAL_EINVAL);
	}
	/* An attendee without a mailto: address, or an event without a UID,
	 * gives nothing to match; the method hint stands in for METHOD. */
	none = ical_reply_read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"
	                       "ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:1\r\n"
	                       "END:VEVENT\r\nBEGIN:VEVENT\r\n"
	                       "ATTENDEE:mailto:a@b.example\r\nEND:VEVENT\r\n"
	                       "END:VCALENDAR\r\n",
	    "reply", NULL);
	g_assert_nonnull(none);
	g_assert_cmpuint(none->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/reply/clients", test_clients);
	g_test_add_func("/reply/refresh_counter", test_refresh_counter);
	g_test_add_func("/reply/refused", test_refused);
	return g_test_run();
}
