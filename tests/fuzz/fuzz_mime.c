/*
 * fuzz_mime.c -- the MIME writer (mail_compose in src/mail/) fed arbitrary
 * field values: display names, subject, plain text, HTML and calendar
 * bodies come from organisers and participants.
 *
 * The input holds fields separated by the byte 0x1f: settings (which
 * parts), from name, to name, to address, subject, text, html, calendar.
 * The composed message is parsed back with GMime, an independent MIME
 * parser, whose every parser warning counts as a failure.
 *
 * Properties: CRLF only, no line over 998 octets and none over 78 that
 * does not carry an address; exactly the headers mail_compose writes, each
 * once (no header injection whatever the names and subject hold); the
 * documented shape of parts; and, for UTF-8 input, every field round-trips:
 * subject and names decode to the input with controls turned into spaces
 * and runs of spaces into one, none at the ends; the address comes back
 * as given (unless its domain is an IDN, which GMime shows in Unicode);
 * the text and HTML parts decode to the input with CRLF line ends; and
 * both copies of the calendar decode to its exact bytes.
 */
#include "fuzz.h"
#include "base/base.h"
#include "mail/mail.h"

#include <gmime/gmime.h>
#include <string.h>

enum {
	F_SET,
	F_FROMNAME,
	F_TONAME,
	F_TOADDR,
	F_SUBJECT,
	F_TEXT,
	F_HTML,
	F_CAL,
	F__MAX
};

#define FROM_ADDR "invite@summit.example.no"
#define MESSAGE_ID "<0123456789abcdef@summit.example.no>"

static GMimeParserOptions *popts;
static int warnings;

static void
on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
    gpointer user_data)
{
	(void)user_data;
	fprintf(stderr, "GMime warning %d at %" G_GINT64_FORMAT ": %s\n",
	    (int)code, offset, item != NULL ? item : "");
	warnings++;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	g_mime_init();
	popts = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(popts, on_warning, NULL);
	return 0;
}

/* The input as mail_compose should put it in a header: controls as
 * spaces, runs of spaces as one, none at the ends. */
static char *
expect_header(const char *s)
{
	g_autofree char *t = text_one_line(s);
	g_auto(GStrv) words = g_strsplit(t, " ", -1);
	GString *out = g_string_new(NULL);
	char **w;

	for (w = words; *w != NULL; w++) {
		if (**w == '\0')
			continue;
		if (out->len > 0)
			g_string_append_c(out, ' ');
		g_string_append(out, *w);
	}
	return g_string_free(out, FALSE);
}

/*
 * got, unfolded, equals want.  GMime leaves the line break of a fold
 * inside a quoted display name in the value it returns, though RFC 5322
 * 3.2.4 makes it invisible; want never holds CR or LF (text_one_line), so
 * removing them from got is exactly unfolding.
 */
static void
check_same(const char *what, const char *got, const char *want)
{
	g_autoptr(GString) g = g_string_new(got);

	g_string_replace(g, "\r", "", 0);
	g_string_replace(g, "\n", "", 0);
	if (strcmp(g->str, want) != 0) {
		fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", what,
		    got != NULL ? got : "(null)", want);
		FUZZ_CHECK(0);
	}
}

static void
check_mailbox(const char *what, InternetAddressList *l, const char *name,
    const char *addr)
{
	InternetAddress *ia;
	g_autofree char *want = expect_header(name);
	g_autofree char *got = NULL;

	FUZZ_CHECK(l != NULL && internet_address_list_length(l) == 1);
	ia = internet_address_list_get_address(l, 0);
	FUZZ_CHECK(INTERNET_ADDRESS_IS_MAILBOX(ia));
	/* GMime shows an IDN domain ("xn--...") in Unicode. */
	if (strstr(addr, "xn--") == NULL)
		check_same(what,
		    internet_address_mailbox_get_addr(
		        INTERNET_ADDRESS_MAILBOX(ia)),
		    addr);
	got = g_strdup(internet_address_get_name(ia) != NULL ?
	        internet_address_get_name(ia) :
	        "");
	check_same(what, g_strstrip(got), want);
}

/* The decoded content of a leaf part (transfer full). */
static GByteArray *
part_bytes(GMimeObject *o)
{
	GMimeDataWrapper *w;
	GMimeStream *s;
	GByteArray *out;

	FUZZ_CHECK(GMIME_IS_PART(o));
	w = g_mime_part_get_content(GMIME_PART(o));
	FUZZ_CHECK(w != NULL);
	FUZZ_CHECK(g_mime_part_get_content_encoding(GMIME_PART(o)) ==
	    GMIME_CONTENT_ENCODING_BASE64);
	out = g_byte_array_new();
	s = g_mime_stream_mem_new_with_byte_array(out);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
	FUZZ_CHECK(g_mime_data_wrapper_write_to_stream(w, s) >= 0);
	g_object_unref(s);
	return out;
}

static void
check_part(GMimeObject *o, const char *type, const char *subtype,
    const char *want, size_t wantlen)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	GByteArray *got;

	FUZZ_CHECK(g_mime_content_type_is_type(ct, type, subtype));
	got = part_bytes(o);
	if (got->len != wantlen ||
	    (wantlen > 0 && memcmp(got->data, want, wantlen) != 0)) {
		fprintf(stderr, "%s/%s part differs (%u vs %zu octets)\n", type,
		    subtype, got->len, wantlen);
		FUZZ_CHECK(0);
	}
	g_byte_array_unref(got);
}

/* Text with bare LF turned into CRLF, as the text parts carry it. */
static char *
crlf(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			g_string_append_c(out, '\r');
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

static GMimeObject *
child(GMimeObject *o, int i, int count)
{
	FUZZ_CHECK(GMIME_IS_MULTIPART(o));
	FUZZ_CHECK(g_mime_multipart_get_count(GMIME_MULTIPART(o)) == count);
	return g_mime_multipart_get_part(GMIME_MULTIPART(o), i);
}

static void
check_wire(const char *msg, const char *to_addr)
{
	const char *line, *end;

	for (line = msg; *line != '\0'; line = end + 2) {
		size_t len;

		end = strstr(line, "\r\n");
		FUZZ_CHECK(end != NULL);
		len = (size_t)(end - line);
		FUZZ_CHECK(memchr(line, '\n', len) == NULL);
		FUZZ_CHECK(memchr(line, '\r', len) == NULL);
		FUZZ_CHECK(len <= 998);
		if (len > 78) {
			g_autofree char *l = g_strndup(line, len);

			if (strstr(l, to_addr) == NULL)
				fprintf(stderr, "long line: %s\n", l);
			FUZZ_CHECK(strstr(l, to_addr) != NULL);
		}
	}
}

/* The names in o's header list are want[0..n-1], each once, in any order. */
static void
check_header_names(GMimeObject *o, const char *const *want, int n)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int count = g_mime_header_list_get_count(hl), i, k;
	int seen[16] = { 0 };

	for (i = 0; i < count; i++) {
		const char *name = g_mime_header_get_name(
		    g_mime_header_list_get_header_at(hl, i));

		for (k = 0; k < n; k++)
			if (g_ascii_strcasecmp(name, want[k]) == 0)
				break;
		if (k == n || seen[k]++ > 0) {
			fprintf(stderr, "unexpected header \"%s\"\n", name);
			FUZZ_CHECK(0);
		}
	}
	FUZZ_CHECK(count == n);
}

/* GMime keeps the Content-* headers with the top MIME part. */
static void
check_headers(GMimeMessage *m, bool multipart)
{
	static const char *const msg[] = { "From", "To", "Subject", "Date",
		"Message-ID", "MIME-Version", "Auto-Submitted" };
	static const char *const part[] = { "Content-Type",
		"Content-Transfer-Encoding" };

	check_header_names(GMIME_OBJECT(m), msg, G_N_ELEMENTS(msg));
	check_header_names(g_mime_message_get_mime_part(m), part,
	    multipart ? 1 : 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_auto(GStrv) f = fuzz_fields(data, size, F__MAX);
	struct mail_message m;
	g_autofree char *msg = NULL, *text = NULL, *html = NULL;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *pm;
	GMimeObject *top, *alt;
	guint8 set = (guint8)f[F_SET][0];
	bool utf8 = true;
	size_t i;

	for (i = 1; i < F__MAX; i++)
		utf8 = utf8 && g_utf8_validate(f[i], -1, NULL);
	memset(&m, 0, sizeof(m));
	m.from_addr = FROM_ADDR;
	m.from_name = (set & 1) ? NULL : f[F_FROMNAME];
	m.to_addr = text_check_email(f[F_TOADDR]) == TEXT_OK ?
	    f[F_TOADDR] :
	    "bjorn.odegard@example.com";
	m.to_name = (set & 2) ? NULL : f[F_TONAME];
	m.subject = f[F_SUBJECT];
	m.text = f[F_TEXT];
	m.html = (set & 4) ? f[F_HTML] : NULL;
	m.message_id = MESSAGE_ID;
	m.date = "Tue, 30 Mar 2027 09:00:00 +0200";
	m.calendar = (set & 8) ? f[F_CAL] : NULL;
	m.calendar_method = NULL;

	msg = mail_compose(&m);
	FUZZ_CHECK(msg != NULL);
	check_wire(msg, m.to_addr);

	warnings = 0;
	stream = g_mime_stream_mem_new_with_buffer(msg, strlen(msg));
	parser = g_mime_parser_new_with_stream(stream);
	pm = g_mime_parser_construct_message(parser, popts);
	g_object_unref(parser);
	g_object_unref(stream);
	FUZZ_CHECK(pm != NULL);
	FUZZ_CHECK(warnings == 0);
	check_headers(pm, m.html != NULL || m.calendar != NULL);
	check_same("Message-ID", g_mime_message_get_message_id(pm),
	    "0123456789abcdef@summit.example.no");

	text = crlf(m.text);
	html = m.html != NULL ? crlf(m.html) : NULL;
	top = g_mime_message_get_mime_part(pm);
	if (m.calendar != NULL) {
		FUZZ_CHECK(g_mime_content_type_is_type(
		    g_mime_object_get_content_type(top), "multipart", "mixed"));
		alt = child(top, 0, 2);
		check_part(child(top, 1, 2), "application", "ics", m.calendar,
		    strlen(m.calendar));
		check_part(child(alt, 0, html ? 3 : 2), "text", "plain", text,
		    strlen(text));
		if (html != NULL)
			check_part(child(alt, 1, 3), "text", "html", html,
			    strlen(html));
		check_part(child(alt, html ? 2 : 1, html ? 3 : 2), "text",
		    "calendar", m.calendar, strlen(m.calendar));
	} else if (html != NULL) {
		FUZZ_CHECK(g_mime_content_type_is_type(
		    g_mime_object_get_content_type(top), "multipart",
		    "alternative"));
		check_part(child(top, 0, 2), "text", "plain", text,
		    strlen(text));
		check_part(child(top, 1, 2), "text", "html", html,
		    strlen(html));
	} else
		check_part(top, "text", "plain", text, strlen(text));

	if (utf8) {
		g_autofree char *subject = expect_header(m.subject);
		g_autofree char *got = g_strdup(g_mime_message_get_subject(pm));

		check_same("Subject", got != NULL ? g_strstrip(got) : NULL,
		    subject);
		check_mailbox("From", g_mime_message_get_from(pm), m.from_name,
		    m.from_addr);
		check_mailbox("To", g_mime_message_get_to(pm), m.to_name,
		    m.to_addr);
	}
	g_object_unref(pm);
	return 0;
}
