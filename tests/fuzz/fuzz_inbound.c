/*
 * fuzz_inbound.c -- what an incoming message is (src/mail/inbound.c), on
 * any bytes the organiser's mailbox might hold.
 *
 * Properties: parsing never crashes or leaks; a result is one of the three
 * kinds; a bounce names at least one recipient, each a lower-case address
 * that text_check_email accepts, with a 5.x.x status and a one-line
 * diagnostic of at most 500 characters; Message-IDs are bracketed.
 */
#include "fuzz.h"
#include "base/base.h"
#include "mail/mail.h"

#include <string.h>

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
