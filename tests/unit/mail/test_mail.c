/*
 * test_mail.c -- message assembly: header encoding and folding, no header
 * injection, the iMIP structure of CALENDAR.md C1-C4, maildir delivery,
 * DKIM key checks and the SMTP errors that need no server.
 *
 * The MIME checks parse the message again with a small parser of their own
 * (headers unfolded, parts split at their boundary), so they test the
 * structure a client sees rather than the strings we wrote.  DKIM
 * verification and SMTP against a server are in test_dkim.py and
 * test_smtp.py, with independent tools.
 */
#include "mail/mail.h"

#include <glib/gstdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

static const char calendar[] =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Digital Summit//Registration 1.0//EN\r\n"
    "METHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:session-7@summit.example.no\r\n"
    "SEQUENCE:0\r\n"
    "DTSTAMP:20260501T100000Z\r\n"
    "DTSTART;TZID=Europe/Oslo:20260610T090000\r\n"
    "DTEND;TZID=Europe/Oslo:20260610T100000\r\n"
    "SUMMARY:Kunstig intelligens\\, æøå 😀\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

typedef struct part Part;

struct part {
	GHashTable *headers; /* lower-case name -> unfolded value */
	char *body;
};

static void
part_free(struct part *p)
{
	g_hash_table_unref(p->headers);
	g_free(p->body);
	g_free(p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Part, part_free)

static struct part *
parse_part(const char *text)
{
	struct part *p = g_new0(struct part, 1);
	const char *end = strstr(text, "\r\n\r\n");
	g_autofree char *head = NULL;
	g_auto(GStrv) lines = NULL;
	char **l, *name = NULL;
	GString *value = NULL;

	g_assert_nonnull(end);
	p->headers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	head = g_strndup(text, (gsize)(end - text));
	lines = g_strsplit(head, "\r\n", -1);
	for (l = lines;; l++) {
		if (*l != NULL && (**l == ' ' || **l == '\t')) {
			g_assert_nonnull(value);
			g_string_append(value, *l);
			continue;
		}
		if (name != NULL) {
			g_assert_false(g_hash_table_contains(p->headers, name));
			g_hash_table_insert(p->headers, name,
			    g_string_free(value, FALSE));
		}
		if (*l == NULL)
			break;
		g_assert_nonnull(strchr(*l, ':'));
		name = g_ascii_strdown(*l, strchr(*l, ':') - *l);
		value = g_string_new(strchr(*l, ':') + 1);
	}
	p->body = g_strdup(end + 4);
	return p;
}

static const char *
header(const struct part *p, const char *name)
{
	return g_hash_table_lookup(p->headers, name);
}

/* The value of a parameter such as boundary="..." (transfer full). */
static char *
param(const char *value, const char *name)
{
	g_autofree char *key = g_strdup_printf("%s=", name);
	const char *p = strstr(value, key);

	if (p == NULL)
		return NULL;
	p += strlen(key);
	if (*p == '"')
		return g_strndup(p + 1, strcspn(p + 1, "\""));
	return g_strndup(p, strcspn(p, "; \r\n"));
}

/* The parts of a multipart body, each parsed. */
static GPtrArray *
split_multipart(const struct part *m)
{
	g_autofree char *boundary = param(header(m, "content-type"),
	    "boundary");
	g_autofree char *delim = g_strdup_printf("--%s", boundary);
	g_autofree char *close = g_strdup_printf("\r\n--%s--", boundary);
	GPtrArray *parts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)part_free);
	const char *p = m->body;

	g_assert_nonnull(boundary);
	g_assert_cmpuint(strlen(boundary), <=, 70);
	/* No preamble, one close delimiter at the very end (its CRLF is the
	 * next delimiter's when this is a nested part). */
	g_assert_true(g_str_has_prefix(p, delim));
	g_assert_true(g_str_has_suffix(p, close) ||
	    (g_str_has_suffix(p, "\r\n") &&
	        g_strrstr(p, close) == p + strlen(p) - strlen(close) - 2));
	for (;;) {
		const char *next;
		g_autofree char *text = NULL;

		p += strlen(delim);
		if (g_str_has_prefix(p, "--"))
			break;
		g_assert_true(g_str_has_prefix(p, "\r\n"));
		p += 2;
		next = strstr(p, delim);
		g_assert_nonnull(next);
		g_assert_true(next[-2] == '\r' && next[-1] == '\n');
		text = g_strndup(p, (gsize)(next - 2 - p));
		g_ptr_array_add(parts, parse_part(text));
		p = next;
	}
	return parts;
}

/* Base64 content: lines of at most 76 characters; returns the bytes. */
static GBytes *
decode_base64(const struct part *p)
{
	g_auto(GStrv) lines = g_strsplit(p->body, "\r\n", -1);
	g_autoptr(GString) joined = g_string_new(NULL);
	guchar *raw;
	gsize len;
	char **l;

	g_assert_cmpstr(header(p, "content-transfer-encoding"), ==, " base64");
	for (l = lines; *l != NULL; l++) {
		g_assert_cmpuint(strlen(*l), <=, 76);
		g_string_append(joined, *l);
	}
	raw = g_base64_decode(joined->str, &len);
	return g_bytes_new_take(raw, len);
}

static char *
decode_text(const struct part *p)
{
	g_autoptr(GBytes) b = decode_base64(p);
	gsize len;
	const char *data = g_bytes_get_data(b, &len);

	return g_strndup(data, len);
}

/* Every line ends in CRLF and has at most 78 octets. */
static void
assert_lines(const char *msg)
{
	const char *p = msg;

	g_assert_true(g_str_has_suffix(msg, "\r\n"));
	while (*p != '\0') {
		const char *eol = strstr(p, "\r\n");

		g_assert_nonnull(eol);
		g_assert_null(memchr(p, '\n', (size_t)(eol - p)));
		g_assert_null(memchr(p, '\r', (size_t)(eol - p)));
		g_assert_cmpuint((size_t)(eol - p), <=, 78);
		p = eol + 2;
	}
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
	g_autoptr(Part) p = parse_part(msg);
	g_autofree char *body = decode_text(p);

	/* Every header line ends in CRLF; no injected header appears. */
	g_assert_null(strstr(msg, "\nBcc:"));
	g_assert_null(header(p, "bcc"));
	assert_lines(msg);
	g_assert_true(g_str_has_prefix(header(p, "from"), " =?UTF-8?B?"));
	g_assert_true(
	    g_str_has_suffix(header(p, "from"), " <toppmote@example.org>"));
	/* CRLF became spaces, and the run of them one (header_clean). */
	g_assert_cmpstr(header(p, "to"), ==,
	    " \"Kari \\\"K\\\" Nordmann Bcc:"
	    " evil@example.com\" <kari@example.no>");
	g_assert_true(g_str_has_prefix(header(p, "subject"), " =?UTF-8?B?"));
	g_assert_cmpstr(header(p, "message-id"), ==, " <outbox-1@example.org>");
	g_assert_cmpstr(header(p, "mime-version"), ==, " 1.0");
	g_assert_cmpstr(header(p, "content-type"), ==,
	    " text/plain; charset=UTF-8");
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
	/* Long values become several words of at most 68 octets, each a
	 * whole number of characters. */
	words = g_strsplit(longer, "\r\n ", -1);
	g_assert_cmpuint(g_strv_length(words), >, 1);
	for (w = words; *w != NULL; w++) {
		g_autofree char *inner = NULL;
		g_autofree guchar *raw = NULL;
		gsize len;

		g_assert_cmpuint(strlen(*w), <=, 68);
		g_assert_true(g_str_has_prefix(*w, "=?UTF-8?B?"));
		inner = g_strndup(*w + 10, strlen(*w) - 12);
		raw = g_base64_decode(inner, &len);
		g_assert_true(
		    g_utf8_validate((const char *)raw, (gssize)len, NULL));
	}
	g_strfreev(words);
}

/* Long ASCII values are folded at spaces and unfold to what was given;
 * a word too long to fold, or text that looks encoded, is encoded. */
static void
test_header_folding(void)
{
	const char *subject =
	    "Invitation: Artificial intelligence in the "
	    "public sector, part one of three, Wednesday 10 June at 09:00 in "
	    "the large hall";
	g_autofree char *unbreakable = g_strnfill(90, 'x');
	struct mail_message m = {
		.from_addr = "invite@summit.example.no",
		.from_name =
		    "The Digital Summit on Artificial Intelligence and "
		    "Public Services 2026",
		.to_addr = "kari@example.no",
		.to_name = unbreakable,
		.subject = subject,
		.text = "x",
		.message_id = "<outbox-2@summit.example.no>",
		.date = "Thu, 26 Nov 2026 12:00:00 +0000",
	};
	g_autofree char *msg = mail_compose(&m);
	g_autoptr(Part) p = parse_part(msg);
	g_autofree char *expect = g_strdup_printf(" %s", subject);
	struct mail_message m2 = m;
	g_autofree char *msg2 = NULL;

	assert_lines(msg);
	g_assert_nonnull(strstr(msg, "Subject: Invitation:"));
	g_assert_cmpstr(header(p, "subject"), ==, expect);
	g_assert_cmpstr(header(p, "from"), ==,
	    " \"The Digital Summit on "
	    "Artificial Intelligence and Public Services 2026\""
	    " <invite@summit.example.no>");
	g_assert_true(g_str_has_prefix(header(p, "to"), " =?UTF-8?B?"));

	m2.subject = "=?UTF-8?B?w6bDuMOl?=";
	msg2 = mail_compose(&m2);
	g_assert_null(strstr(msg2, "Subject: =?UTF-8?B?w6bDuMOl?="));
}

static struct mail_message
imip_message(void)
{
	return (struct mail_message){
		.from_addr = "invite@summit.example.no",
		.from_name = "Digitalt toppmøte",
		.to_addr = "kari@example.no",
		.to_name = "Ødegård, Kari",
		.subject = "Invitasjon: Kunstig intelligens – onsdag 10. juni",
		.text = "Hei Kari,\nNår: onsdag 10. juni kl. 09.00\n",
		.html = "<p>Hei Kari</p>",
		.message_id = "<outbox-42@summit.example.no>",
		.date = "Fri, 01 May 2026 12:00:00 +0200",
		.calendar = calendar,
		.calendar_method = "REQUEST",
	};
}

static void
assert_calendar_bytes(const struct part *p)
{
	g_autoptr(GBytes) b = decode_base64(p);
	g_autoptr(GBytes) want = g_bytes_new_static(calendar,
	    sizeof(calendar) - 1);

	g_assert_true(g_bytes_equal(b, want));
}

/* CALENDAR.md C1-C4: mixed { alternative { plain, html, calendar },
 * invite.ics }, all base64, calendar last and inline. */
static void
test_imip_structure(void)
{
	struct mail_message m = imip_message();
	g_autofree char *msg = mail_compose(&m);
	g_autoptr(Part) top = parse_part(msg);
	g_autoptr(GPtrArray) mixed = NULL, alt = NULL;
	g_autofree char *mb = NULL, *ab = NULL, *text = NULL;
	const struct part *cal, *ics;
	guint i;

	assert_lines(msg);
	g_assert_cmpstr(header(top, "mime-version"), ==, " 1.0");
	g_assert_nonnull(header(top, "date"));
	g_assert_cmpstr(header(top, "message-id"), ==,
	    " <outbox-42@summit.example.no>");
	g_assert_true(
	    g_str_has_prefix(header(top, "content-type"), " multipart/mixed;"));
	mixed = split_multipart(top);
	g_assert_cmpuint(mixed->len, ==, 2);

	alt = split_multipart(g_ptr_array_index(mixed, 0));
	g_assert_true(g_str_has_prefix(
	    header(g_ptr_array_index(mixed, 0), "content-type"),
	    " multipart/alternative;"));
	g_assert_cmpuint(alt->len, ==, 3);
	g_assert_cmpstr(header(g_ptr_array_index(alt, 0), "content-type"), ==,
	    " text/plain; charset=UTF-8");
	text = decode_text(g_ptr_array_index(alt, 0));
	g_assert_cmpstr(text, ==,
	    "Hei Kari,\r\nNår: onsdag 10. juni kl. "
	    "09.00\r\n");
	g_assert_cmpstr(header(g_ptr_array_index(alt, 1), "content-type"), ==,
	    " text/html; charset=UTF-8");
	cal = g_ptr_array_index(alt, 2);
	g_assert_cmpstr(header(cal, "content-type"), ==,
	    " text/calendar; charset=UTF-8; method=REQUEST");
	g_assert_null(header(cal, "content-disposition"));
	assert_calendar_bytes(cal);

	ics = g_ptr_array_index(mixed, 1);
	g_assert_cmpstr(header(ics, "content-type"), ==,
	    " application/ics; name=\"invite.ics\"");
	g_assert_cmpstr(header(ics, "content-disposition"), ==,
	    " attachment; filename=\"invite.ics\"");
	assert_calendar_bytes(ics);

	/* Boundaries never occur inside a part, and differ from each other. */
	mb = param(header(top, "content-type"), "boundary");
	ab = param(header(g_ptr_array_index(mixed, 0), "content-type"),
	    "boundary");
	g_assert_cmpstr(mb, !=, ab);
	g_assert_null(strstr(mb, ab));
	g_assert_null(strstr(ab, mb));
	for (i = 0; i < alt->len; i++) {
		const struct part *p = g_ptr_array_index(alt, i);

		g_assert_null(strstr(p->body, mb));
		g_assert_null(strstr(p->body, ab));
	}
	g_assert_null(strstr(ics->body, mb));
}

/* No HTML: the calendar is the second of two alternatives; method= is
 * the one asked for. */
static void
test_imip_cancel(void)
{
	g_autoptr(GString) cal = g_string_new(calendar);
	struct mail_message m = imip_message();
	g_autofree char *msg = NULL;
	g_autoptr(Part) top = NULL;
	g_autoptr(GPtrArray) mixed = NULL, alt = NULL;

	g_string_replace(cal, "METHOD:REQUEST", "METHOD:CANCEL", 1);
	m.html = NULL;
	m.calendar = cal->str;
	m.calendar_method = "CANCEL";
	msg = mail_compose(&m);
	assert_lines(msg);
	top = parse_part(msg);
	mixed = split_multipart(top);
	g_assert_cmpuint(mixed->len, ==, 2);
	alt = split_multipart(g_ptr_array_index(mixed, 0));
	g_assert_cmpuint(alt->len, ==, 2);
	g_assert_cmpstr(header(g_ptr_array_index(alt, 1), "content-type"), ==,
	    " text/calendar; charset=UTF-8; method=CANCEL");
}

/* Without calendar_method, method= comes from the object's METHOD. */
static void
test_imip_method_from_object(void)
{
	struct mail_message m = imip_message();
	g_autofree char *msg = NULL;

	m.calendar_method = NULL;
	msg = mail_compose(&m);
	g_assert_nonnull(strstr(msg,
	    "\r\nContent-Type: text/calendar;"
	    " charset=UTF-8; method=REQUEST\r\n"));
}

/* What fuzz_mime found.  GMime reads adjacent B words as one base64
 * stream, so padding may end only the last; where no cut gives whole
 * groups of 3 octets the word is Q.  Invalid UTF-8 and an unknown METHOD
 * must not overrun or stretch a line. */
static void
test_fuzz_findings(void)
{
	g_autofree char *mixed = mail_encode_header_word(
	    "Ødegård, Bjørn Kåre – Norges teknisk-naturvitenskapelige "
	    "universitet, Trondheim");
	g_autofree char *euros = mail_encode_header_word(
	    "a€€€€€€€€€€€€€€€€€€€€€€€€");
	g_autofree char *bad = mail_encode_header_word("ab\xc3");
	g_autofree char *bad4 = mail_encode_header_word("\xf0");
	struct mail_message m = imip_message();
	g_autoptr(GString) cal = g_string_new(calendar);
	g_autofree char *msg = NULL;
	char **words, **w;

	words = g_strsplit(mixed, "\r\n ", -1);
	g_assert_cmpuint(g_strv_length(words), >, 1);
	for (w = words; *w != NULL; w++) {
		g_autofree char *inner = NULL;
		g_autofree guchar *raw = NULL;
		gsize len;

		g_assert_true(g_str_has_prefix(*w, "=?UTF-8?B?"));
		g_assert_cmpuint(strlen(*w), <=, 68);
		inner = g_strndup(*w + 10, strlen(*w) - 12);
		if (w[1] != NULL)
			g_assert_null(strchr(inner, '='));
		raw = g_base64_decode(inner, &len);
		g_assert_true(
		    g_utf8_validate((const char *)raw, (gssize)len, NULL));
	}
	g_strfreev(words);
	/* "a" then 3-octet characters only: the first word is Q. */
	g_assert_true(g_str_has_prefix(euros, "=?UTF-8?Q?a=E2=82=AC"));
	words = g_strsplit(euros, "\r\n ", -1);
	for (w = words; *w != NULL; w++)
		g_assert_cmpuint(strlen(*w), <=, 68);
	g_strfreev(words);
	g_assert_cmpstr(bad, ==, "=?UTF-8?B?YWLvv70=?="); /* "ab" U+FFFD */
	g_assert_cmpstr(bad4, ==, "=?UTF-8?B?77+9?=");

	/* Runs of spaces and doubled backslashes could not be folded. */
	{
		struct mail_message h = imip_message();
		g_autofree char *slashes = g_strnfill(50, '\\');
		g_autofree char *name = g_strconcat("D", slashes, "ig", NULL);
		g_autofree char *subject = g_strconcat("  Invitation: ",
		    "Workshop xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "  ",
		    "   tail   ", NULL);
		g_autofree char *hm = NULL;

		h.to_name = name;
		h.subject = subject;
		hm = mail_compose(&h);
		assert_lines(hm);
		g_assert_nonnull(strstr(hm,
		    "\r\nSubject: Invitation: Workshop "
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx tail\r\n"));
	}

	g_string_replace(cal, "METHOD:REQUEST",
	    "METHOD:REQUESTREQUESTREQUEST"
	    "REQUESTREQUESTREQUESTREQUESTREQUESTREQUEST",
	    1);
	m.calendar = cal->str;
	m.calendar_method = NULL;
	msg = mail_compose(&m);
	g_assert_nonnull(strstr(msg,
	    "\r\nContent-Type: text/calendar;"
	    " charset=UTF-8\r\n"));
}

/* The same outbox row composes to the same bytes (a retry is a copy). */
static void
test_compose_is_stable(void)
{
	struct mail_message m = imip_message();
	g_autofree char *a = mail_compose(&m);
	g_autofree char *b = mail_compose(&m);

	g_assert_cmpstr(a, ==, b);
}

static void
test_maildir(void)
{
	g_autofree char *dir = g_dir_make_tmp("maildir-XXXXXX", NULL);
	g_autofree char *newdir = g_build_filename(dir, "new", NULL);
	g_autofree char *tmpdir = g_build_filename(dir, "tmp", NULL);
	g_autofree char *curdir = g_build_filename(dir, "cur", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = NULL;
	const char *name;
	int n = 0;

	g_assert_true(
	    mail_maildir_deliver(dir, "Subject: a\r\n\r\nx\r\n", &error));
	g_assert_true(
	    mail_maildir_deliver(dir, "Subject: b\r\n\r\ny\r\n", &error));
	d = g_dir_open(newdir, 0, &error);
	g_assert_no_error(error);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(newdir, name, NULL);

		n++;
		g_unlink(p);
	}
	g_assert_cmpint(n, ==, 2);
	g_rmdir(newdir);
	g_rmdir(tmpdir);
	g_rmdir(curdir);
	g_rmdir(dir);
	/* A maildir that cannot be made is a temporary error. */
	g_assert_false(mail_maildir_deliver("/proc/nope", "x", &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_ETEMP);
}

static char *
write_key(const char *dir, int mode)
{
	g_autofree char *path = g_build_filename(dir,
	    mode == 0600 ? "private.pem" : "loose.pem", NULL);
	EVP_PKEY *key = EVP_RSA_gen(2048);
	FILE *fp;

	g_assert_nonnull(key);
	fp = fopen(path, "w");
	g_assert_nonnull(fp);
	g_assert_cmpint(g_chmod(path, mode), ==, 0);
	g_assert_cmpint(
	    PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL), ==, 1);
	fclose(fp);
	EVP_PKEY_free(key);
	return g_steal_pointer(&path);
}

static void
test_dkim_key(void)
{
	g_autofree char *dir = g_dir_make_tmp("dkim-XXXXXX", NULL);
	g_autofree char *good = write_key(dir, 0600);
	g_autofree char *loose = write_key(dir, 0644);
	g_autoptr(GError) error = NULL;
	g_autoptr(MailDkim) dkim = NULL;
	g_autofree char *record = NULL, *sig = NULL;
	struct mail_message m = imip_message();
	g_autofree char *msg = mail_compose(&m);

	g_assert_null(mail_dkim_new("summit.example.no", "s1", loose, &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG);
	g_clear_error(&error);
	g_assert_null(
	    mail_dkim_new("summit.example.no; x=y", "s1", good, &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG);
	g_clear_error(&error);

	dkim = mail_dkim_new("summit.example.no", "s1", good, &error);
	g_assert_no_error(error);
	record = mail_dkim_dns_record(dkim);
	g_assert_true(g_str_has_prefix(record, "v=DKIM1; k=rsa; p=MIIB"));
	sig = mail_dkim_sign(dkim, msg, &error);
	g_assert_no_error(error);
	assert_lines(sig);
	g_assert_true(g_str_has_prefix(sig, "DKIM-Signature: v=1;"));
	g_assert_true(g_str_has_suffix(sig, msg));

	g_clear_pointer(&sig, g_free);
	g_assert_null(
	    mail_dkim_sign(dkim, "Subject: x\r\n\r\nbody\r\n", &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_EPERM);

	g_unlink(good);
	g_unlink(loose);
	g_rmdir(dir);
}

/* Errors found before any I/O, and a port nobody listens on. */
static void
test_smtp_errors(void)
{
	struct mail_smtp_options o = {
		.url = "smtp://127.0.0.1:1",
		.timeout_seconds = 5,
	};
	struct mail_smtp_options remote = {
		.url = "smtp://127.0.0.1.example.org:587",
		.user = "summit",
		.password = "hunter2",
	};
	g_autoptr(MailSmtp) s = mail_smtp_new(&o);
	g_autoptr(MailSmtp) r = mail_smtp_new(&remote);
	g_autoptr(GError) error = NULL;

	g_assert_false(mail_smtp_send(s, "invite@summit.example.no",
	    "kari@example.no>\r\nRCPT TO:<evil@example.com", "x\r\n", &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_EPERM);
	g_clear_error(&error);

	g_assert_false(mail_smtp_send(r, "invite@summit.example.no",
	    "kari@example.no", "x\r\n", &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG);
	g_assert_null(strstr(error->message, "hunter2"));
	g_clear_error(&error);

	g_assert_false(mail_smtp_send(s, "invite@summit.example.no",
	    "kari@example.no", "x\r\n", &error));
	g_assert_error(error, SUMMIT_MAIL_ERROR, MAIL_ETEMP);
	g_assert_cmpuint(mail_smtp_connections(s), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mail/headers", test_headers);
	g_test_add_func("/mail/encoded_word", test_encoded_word);
	g_test_add_func("/mail/header_folding", test_header_folding);
	g_test_add_func("/mail/imip_structure", test_imip_structure);
	g_test_add_func("/mail/imip_cancel", test_imip_cancel);
	g_test_add_func("/mail/imip_method_from_object",
	    test_imip_method_from_object);
	g_test_add_func("/mail/compose_is_stable", test_compose_is_stable);
	g_test_add_func("/mail/fuzz_findings", test_fuzz_findings);
	g_test_add_func("/mail/maildir", test_maildir);
	g_test_add_func("/mail/dkim_key", test_dkim_key);
	g_test_add_func("/mail/smtp_errors", test_smtp_errors);
	return g_test_run();
}
