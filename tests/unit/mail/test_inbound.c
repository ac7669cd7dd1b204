/*
 * test_inbound.c -- what an incoming message is (mail/inbound.c): the
 * bounce fixtures of tests/fixtures/bounces/ (RFC 3464 and the plain
 * Postfix, Exim and qmail shapes) give the failed address, status,
 * diagnostic and the returned Message-ID; a delay warning, an ordinary
 * reply and an out-of-office are not bounces; a calendar REPLY is a reply,
 * but a bounced invitation is a bounce; broken input is "other", never a
 * crash.
 */
#include "mail/mail.h"

#include <string.h>

/* The fixture with its $rcpt, $msgid and $id filled in. */
static char *
fixture(const char *name, const char *rcpt, const char *msgid)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "fixtures",
	    "bounces", name, NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	GString *s;

	g_assert_true(g_file_get_contents(path, &text, NULL, &error));
	s = g_string_new(text);
	g_string_replace(s, "$rcpt", rcpt, 0);
	g_string_replace(s, "$msgid", msgid, 0);
	g_string_replace(s, "$id", "t3st1d", 0);
	return g_string_free(s, FALSE);
}

static MailInbound *
parse(const char *text)
{
	g_autoptr(GError) error = NULL;
	MailInbound *in = mail_inbound_parse(text, strlen(text), &error);

	g_assert_no_error(error);
	g_assert_nonnull(in);
	return in;
}

static void
check_bounce(const char *name, const char *rcpt, const char *msgid,
    const char *status, const char *words, const char *original)
{
	g_autofree char *text = fixture(name, rcpt, msgid);
	g_autoptr(MailInbound) in = parse(text);
	const struct mail_bounce_rcpt *r;

	g_test_message("%s", name);
	g_assert_cmpint(in->kind, ==, MAIL_INBOUND_BOUNCE);
	g_assert_cmpuint(in->bounced->len, ==, 1);
	r = in->bounced->pdata[0];
	g_assert_cmpstr(r->address, ==, rcpt);
	g_assert_cmpstr(r->status, ==, status);
	g_assert_nonnull(strstr(r->diagnostic, words));
	g_assert_null(strchr(r->diagnostic, '\n'));
	g_assert_cmpstr(in->original_message_id, ==, original);
	g_assert_nonnull(in->message_id);
}

static void
test_bounces(void)
{
	check_bounce("dsn-postfix.eml", "anna@bad.example",
	    "<outbox-7@example.org>", "5.1.1", "User unknown",
	    "<outbox-7@example.org>");
	/* Original-Recipient wins over a forwarded Final-Recipient; the
	 * returned message is attached whole. */
	check_bounce("dsn-attached.eml", "gunnar@bad.example",
	    "<outbox-8@example.org>", "5.1.1", "does not exist",
	    "<outbox-8@example.org>");
	check_bounce("plain-postfix.eml", "petter@gone.example",
	    "<outbox-9@example.org>", "5.2.2", "552", "<outbox-9@example.org>");
	/* Exim and qmail: the copies carry no Message-ID. */
	check_bounce("exim.eml", "eva@nowhere.example", "", "5.1.1",
	    "550 5.1.1 No such user here", NULL);
	check_bounce("qmail.eml", "kari@qmail.example", "", "5.1.1",
	    "no mailbox here", NULL);
}

static void
test_upper_case_address(void)
{
	g_autofree char *text = fixture("exim.eml", "Eva.Exim@Nowhere.Example",
	    "");
	g_autoptr(MailInbound) in = parse(text);

	g_assert_cmpint(in->kind, ==, MAIL_INBOUND_BOUNCE);
	g_assert_cmpstr(
	    ((struct mail_bounce_rcpt *)in->bounced->pdata[0])->address, ==,
	    "eva.exim@nowhere.example");
}

static void
test_not_bounces(void)
{
	static const char *const others[] = { /* A person's answer. */
		"From: Ola <ola@example.no>\r\nTo: toppmote@example.org\r\n"
		"Subject: Re: Your registration\r\n"
		"Message-ID: <r1@example.no>\r\n\r\nThanks!\r\n",
		/* Out of office, which names an address and a number. */
		"From: Kari <kari@example.no>\r\nTo: toppmote@example.org\r\n"
		"Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n"
		"\r\nBack on 5 January; write to <post@example.no>:\r\n"
		"phone 555 1234.\r\n",
		/* A plain delay warning from a mailer daemon. */
		"From: MAILER-DAEMON@mx.example.org\r\nTo: toppmote@example."
		"org\r\nSubject: Warning: message delayed\r\n\r\n"
		"<slow@slow.example>: connection timed out; your message has "
		"been delayed and will keep trying for 5 days.\r\n",
		/* Not MIME at all. */
		"\x01\x02 garbage without headers\r\n", "", NULL
	};
	const char *const *o;
	g_autofree char *delayed = fixture("dsn-delayed.eml",
	    "slow@slow.example", "<outbox-1@example.org>");
	g_autoptr(MailInbound) in = parse(delayed);

	g_assert_cmpint(in->kind, ==, MAIL_INBOUND_OTHER);
	g_assert_cmpuint(in->bounced->len, ==, 0);
	for (o = others; *o != NULL; o++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(MailInbound) x = mail_inbound_parse(*o, strlen(*o),
		    &error);

		if (x == NULL) {
			g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_EPERM);
			continue;
		}
		g_assert_cmpint(x->kind, ==, MAIL_INBOUND_OTHER);
		g_assert_cmpuint(x->bounced->len, ==, 0);
	}
}

static void
test_replies(void)
{
	static const char reply[] =
	    "From: Ola <ola@example.no>\r\nTo: toppmote@example.org\r\n"
	    "Subject: Accepted: Session\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nAccepted\r\n"
	    "--b\r\nContent-Type: text/calendar; charset=utf-8\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n--b--\r\n";
	static const char attached[] =
	    "From: Ola <ola@example.no>\r\nTo: toppmote@example.org\r\n"
	    "Subject: Declined\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nNo\r\n"
	    "--b\r\nContent-Type: application/ics; name=reply.ics\r\n"
	    "Content-Disposition: attachment\r\n\r\nx\r\n"
	    "--b\r\nContent-Type: text/calendar; method=REPLY\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNCkVORDpWQ0FMRU5EQVINCg=="
	    "\r\n--b--\r\n";
	g_autoptr(MailInbound) a = parse(reply);
	g_autoptr(MailInbound) b = parse(attached);
	/* dsn-attached.eml returns an invitation (METHOD:REQUEST) inside
	 * message/rfc822: a bounce, whatever the returned message holds. */
	g_autofree char *bounced = fixture("dsn-attached.eml", "x@bad.example",
	    "<outbox-2@example.org>");
	g_autoptr(MailInbound) c = parse(bounced);

	g_assert_cmpint(a->kind, ==, MAIL_INBOUND_REPLY);
	g_assert_cmpint(b->kind, ==, MAIL_INBOUND_REPLY);
	g_assert_cmpint(c->kind, ==, MAIL_INBOUND_BOUNCE);
	g_assert_cmpstr(mail_inbound_kind_name(a->kind), ==, "reply");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/inbound/bounces", test_bounces);
	g_test_add_func("/inbound/upper_case_address", test_upper_case_address);
	g_test_add_func("/inbound/not_bounces", test_not_bounces);
	g_test_add_func("/inbound/replies", test_replies);
	return g_test_run();
}
