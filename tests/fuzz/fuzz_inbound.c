/*
 * fuzz_inbound.c -- what an incoming message is (src/mail/inbound.c), on
 * any bytes the organiser's mailbox might hold.
 *
 * Properties: parsing never crashes or leaks; a result is one of the three
 * kinds; a bounce names at least one recipient, each a lower-case address
 * that text_check_email accepts, with a 5.x.x status and a one-line
 * diagnostic of at most 500 characters; Message-IDs are bracketed.  A
 * calendar reply's part goes on through ical_reply_read (libical): each
 * answer has a method of the three, a UID, a lower-case mailto: address
 * and an upper-case PARTSTAT.
 */
#include "fuzz.h"
#include "base/base.h"
#include "ical/ical.h"
#include "mail/mail.h"

#include <string.h>

static void
check_replies(const MailInbound *in)
{
	g_autoptr(GPtrArray) replies = NULL;
	const char *p;
	guint i;

	FUZZ_CHECK((in->kind == MAIL_INBOUND_REPLY) == (in->calendar != NULL) ||
	    in->kind == MAIL_INBOUND_BOUNCE);
	if (in->calendar == NULL ||
	    (replies = ical_reply_read(in->calendar, in->calendar_method,
	         NULL)) == NULL)
		return;
	for (i = 0; i < replies->len; i++) {
		const struct ical_reply *r = replies->pdata[i];

		FUZZ_CHECK(g_strcmp0(r->method, "REPLY") == 0 ||
		    g_strcmp0(r->method, "REFRESH") == 0 ||
		    g_strcmp0(r->method, "COUNTER") == 0);
		FUZZ_CHECK(r->uid != NULL && r->uid[0] != '\0');
		FUZZ_CHECK(strchr(r->attendee, '@') != NULL);
		for (p = r->attendee; *p != '\0'; p++)
			FUZZ_CHECK(!g_ascii_isupper(*p));
		for (p = r->partstat; *p != '\0'; p++)
			FUZZ_CHECK(!g_ascii_islower(*p));
	}
}

static void
check_id(const char *id)
{
	if (id == NULL)
		return;
	FUZZ_CHECK(id[0] == '<' && id[strlen(id) - 1] == '>');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(MailInbound) in = mail_inbound_parse((const char *)data, size,
	    &error);
	guint i;

	if (in == NULL) {
		FUZZ_CHECK(error != NULL);
		return 0;
	}
	FUZZ_CHECK(in->kind == MAIL_INBOUND_OTHER ||
	    in->kind == MAIL_INBOUND_BOUNCE || in->kind == MAIL_INBOUND_REPLY);
	FUZZ_CHECK((in->kind == MAIL_INBOUND_BOUNCE) == (in->bounced->len > 0));
	check_id(in->message_id);
	check_id(in->original_message_id);
	check_replies(in);
	for (i = 0; i < in->bounced->len; i++) {
		const struct mail_bounce_rcpt *r = in->bounced->pdata[i];
		const char *p;

		FUZZ_CHECK(text_check_email(r->address) == TEXT_OK);
		for (p = r->address; *p != '\0'; p++)
			FUZZ_CHECK(!g_ascii_isupper(*p));
		FUZZ_CHECK(r->status[0] == '5' && r->status[1] == '.');
		FUZZ_CHECK(g_utf8_validate(r->diagnostic, -1, NULL));
		FUZZ_CHECK(g_utf8_strlen(r->diagnostic, -1) <= 500);
		for (p = r->diagnostic; *p != '\0'; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	}
	return 0;
}
