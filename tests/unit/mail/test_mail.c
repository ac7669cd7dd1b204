/*
 * test_mail.c -- message assembly: header encoding, no header injection,
 * base64 bodies, maildir delivery.
 */
#include "mail/mail.h"

#include <glib/gstdio.h>
#include <string.h>

static char *
decode_body(const char *msg)
{
	const char *body = strstr(msg, "\r\n\r\n");
	g_autofree char *joined = NULL;
	gsize len;
	char *out;

	g_assert_nonnull(body);
	joined = g_strdup(body + 4);
	out = (char *)g_base64_decode(g_strstrip(joined), &len);
	out = g_realloc(out, len + 1);
	out[len] = '\0';
	return out;
}

static void
test_headers(void)
{
	struct mail_message m = {
		.from_addr = "toppmote@example.org",
		.from_name = "Digitalt toppmøte om KI",
		.to_addr = "kari@example.no",
		.to_name = "Kari \"K\" Nordmann\r\nBcc: evil@example.com",
		.subject = "Bekreft påmeldingen\nBcc: evil@example.com",
		.text = "Hei,\nlinje to\n",
		.message_id = "<outbox-1@example.org>",
		.date = "Thu, 26 Nov 2026 12:00:00 +0000",
	};
	g_autofree char *msg = mail_compose(&m);
	g_autofree char *body = decode_body(msg);
	const char *p;

	/* Every header line ends in CRLF; no injected header appears. */
	for (p = msg; (p = strstr(p, "\nBcc:")) != NULL; p++)
		g_assert_not_reached();
	g_assert_nonnull(strstr(msg, "From: =?UTF-8?B?"));
	g_assert_nonnull(strstr(msg, "<toppmote@example.org>\r\n"));
	g_assert_nonnull(strstr(msg, "Subject: =?UTF-8?B?"));
	g_assert_nonnull(strstr(msg, "Message-ID: <outbox-1@example.org>\r\n"));
	g_assert_nonnull(strstr(msg, "Content-Type: text/plain; charset=utf-8"));
	g_assert_cmpstr(body, ==, "Hei,\r\nlinje to\r\n");
}

static void
test_encoded_word(void)
{
	g_autofree char *ascii = mail_encode_header_word("Plain subject");
	g_autofree char *utf = mail_encode_header_word("æøå");
	g_autofree char *longer = mail_encode_header_word(
	    "Påmelding til Digitalt toppmøte om kunstig intelligens 2027 😀");
	char **words, **w;

	g_assert_cmpstr(ascii, ==, "Plain subject");
	g_assert_cmpstr(utf, ==, "=?UTF-8?B?w6bDuMOl?=");
	/* Long values become several words of at most 75 octets, each a
	 * whole number of characters. */
	words = g_strsplit(longer, "\r\n ", -1);
	g_assert_cmpuint(g_strv_length(words), >, 1);
	for (w = words; *w != NULL; w++) {
		g_autofree char *inner = NULL;
		g_autofree guchar *raw = NULL;
		gsize len;

		g_assert_cmpuint(strlen(*w), <=, 75);
		g_assert_true(g_str_has_prefix(*w, "=?UTF-8?B?"));
		inner = g_strndup(*w + 10, strlen(*w) - 12);
		raw = g_base64_decode(inner, &len);
		g_assert_true(g_utf8_validate((const char *)raw, (gssize)len,
		    NULL));
	}
	g_strfreev(words);
}

static void
test_maildir(void)
{
	g_autofree char *dir = g_dir_make_tmp("maildir-XXXXXX", NULL);
	g_autofree char *newdir = g_build_filename(dir, "new", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = NULL;
	const char *name;
	int n = 0;

	g_assert_true(mail_maildir_deliver(dir, "Subject: a\r\n\r\nx\r\n",
	    &error));
	g_assert_true(mail_maildir_deliver(dir, "Subject: b\r\n\r\ny\r\n",
	    &error));
	d = g_dir_open(newdir, 0, &error);
	g_assert_no_error(error);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(newdir, name, NULL);

		n++;
		g_unlink(p);
	}
	g_assert_cmpint(n, ==, 2);
	/* A maildir that cannot be made is a temporary error. */
	g_assert_false(mail_maildir_deliver("/proc/nope", "x", &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_ETEMP);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mail/headers", test_headers);
	g_test_add_func("/mail/encoded_word", test_encoded_word);
	g_test_add_func("/mail/maildir", test_maildir);
	return g_test_run();
}
