/*
 * mime.c -- RFC 5322 / MIME assembly, including iMIP invitations.
 *
 * Bodies are UTF-8 in base64, so no line is too long and no mail server
 * rewrites them; this matters most for the calendar, which Outlook stops
 * recognising once a relay re-encodes it (CALENDAR.md C4).  Header values
 * come from user input (names), so controls are turned into spaces before
 * they are encoded: no header injection.  Headers are folded at spaces so
 * that every line stays within 78 octets.
 *
 * Boundaries start with "=_", which base64 cannot produce and none of our
 * part headers contain, so they never occur inside a part.  They are
 * derived from the Message-ID: composing the same outbox row twice gives
 * the same bytes.
 */
#include "mail/mail.h"
#include "base/base.h"

#include <string.h>

#define LINE_MAX_OCTETS 78 /* RFC 5322 2.1.1 "SHOULD" */
#define WORD_RAW_OCTETS 42 /* 56 base64 chars + 12 = 68 per word */

GQuark
mail_error_quark(void)
{
	return g_quark_from_static_string("summit-mail-error-quark");
}

static bool
is_ascii_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Plain ASCII that can be written as is: printable, nothing a reader would
 * take for an encoded word, and no word too long to fold. */
static bool
is_plain_header_text(const char *s)
{
	size_t run = 0;

	if (!is_ascii_printable(s) || strstr(s, "=?") != NULL)
		return false;
	for (; *s != '\0'; s++) {
		run = *s == ' ' ? 0 : run + 1;
		if (run > 60)
			return false;
	}
	return true;
}

static const char *
utf8_next(const char *p)
{
	return p + g_utf8_skip[*(const guchar *)p];
}

/* Appends len octets at s as the encoded text of a "Q" word (RFC 2047
 * 4.2, with only letters and digits literal, as a phrase allows). */
static void
append_q(GString *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		guchar c = (guchar)s[i];

		if (g_ascii_isalnum(c))
			g_string_append_c(out, (char)c);
		else if (c == ' ')
			g_string_append_c(out, '_');
		else
			g_string_append_printf(out, "=%02X", c);
	}
}

/* Octets of the Q encoding of len octets at s. */
static size_t
q_len(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += g_ascii_isalnum(s[i]) || s[i] == ' ' ? 1 : 3;
	return n;
}

/*
 * Encoded words of at most 68 octets, never splitting a character.  Bytes
 * that are not UTF-8 become U+FFFD first: the words say UTF-8, and a stray
 * lead byte at the end would make utf8_next step over the NUL (found by
 * fuzz_mime).
 *
 * Every "B" word but the last holds a multiple of 3 octets, so only the
 * last has base64 padding: GMime (Evolution, Geary) decodes adjacent B
 * words of one charset as one base64 stream, and padding in the middle
 * loses the rest of the name (found by fuzz_mime).  Where no character
 * boundary allows that (one short character followed only by 3-octet
 * ones), that word is written as "Q", which has no padding.
 */
static char *
encode_words(const char *clean)
{
	GString *out = g_string_new(NULL);
	g_autofree char *valid = g_utf8_make_valid(clean, -1);
	const char *p = valid;

	while (*p != '\0') {
		const char *start = p, *cut = NULL;
		g_autofree char *b64 = NULL;

		while (*p != '\0' &&
		    (size_t)(utf8_next(p) - start) <= WORD_RAW_OCTETS) {
			p = utf8_next(p);
			if ((p - start) % 3 == 0)
				cut = p;
		}
		if (p == start)
			p = utf8_next(p);
		if (*p != '\0' && cut != NULL)
			p = cut;
		if (out->len > 0)
			g_string_append(out, "\r\n ");
		if (*p == '\0' || (p - start) % 3 == 0) {
			b64 = g_base64_encode((const guchar *)start,
			    (gsize)(p - start));
			g_string_append_printf(out, "=?UTF-8?B?%s?=", b64);
			continue;
		}
		/* 56 octets of Q text make a word of 68, like B's. */
		for (p = utf8_next(start); *p != '\0' &&
		     q_len(start, (size_t)(utf8_next(p) - start)) <= 56;
		     p = utf8_next(p))
			;
		g_string_append(out, "=?UTF-8?Q?");
		append_q(out, start, (size_t)(p - start));
		g_string_append(out, "?=");
	}
	return g_string_free(out, FALSE);
}

char *
mail_encode_header_word(const char *s)
{
	g_autofree char *clean = text_one_line(s);

	if (is_ascii_printable(clean))
		return g_steal_pointer(&clean);
	return encode_words(clean);
}

/*
 * s as one line for a header (transfer full): controls become spaces, and
 * runs of spaces become one, none at the ends.  Readers show no more, and
 * append_header cannot fold at an empty word, so a run of spaces could
 * stretch a line past 78 octets (found by fuzz_mime).
 */
static char *
header_clean(const char *s)
{
	char *out = text_one_line(s);
	char *r, *w;

	for (r = w = out; *r != '\0'; r++)
		if (*r != ' ' || (w > out && w[-1] != ' '))
			*w++ = *r;
	*w = '\0';
	return g_strchomp(out);
}

/* Header text for an unstructured value such as Subject (transfer full). */
static char *
header_text(const char *s)
{
	g_autofree char *clean = header_clean(s);

	if (is_plain_header_text(clean))
		return g_steal_pointer(&clean);
	return encode_words(clean);
}

/*
 * Appends "name: value" CRLF, folding at spaces so that lines stay within
 * LINE_MAX_OCTETS where the value allows it.  value holds no CR or LF other
 * than the "CRLF SP" between encoded words, which count as spaces here.
 */
static void
append_header(GString *out, const char *name, const char *value)
{
	g_autoptr(GString) flat = g_string_new(value);
	g_auto(GStrv) words = NULL;
	size_t col, start;
	char **w;

	g_string_replace(flat, "\r\n ", " ", 0);
	words = g_strsplit(flat->str, " ", -1);
	g_string_append_printf(out, "%s:", name);
	col = start = strlen(name) + 1;
	for (w = words; *w != NULL; w++) {
		size_t len = strlen(*w);

		/* Never fold before an empty word: a continuation line of
		 * white space only would end the header block early. */
		if (len > 0 && col > start && col + 1 + len > LINE_MAX_OCTETS) {
			g_string_append(out, "\r\n");
			col = 0;
		}
		g_string_append_c(out, ' ');
		g_string_append(out, *w);
		col += 1 + len;
	}
	g_string_append(out, "\r\n");
}

static void
append_address(GString *out, const char *header, const char *name,
    const char *addr)
{
	g_autofree char *clean_addr = text_one_line(addr);
	g_autoptr(GString) v = g_string_new(NULL);

	if (name != NULL && *name != '\0') {
		g_autofree char *clean = header_clean(name);
		g_autoptr(GString) q = g_string_new("\"");
		const char *c;

		/* A quoted string; quote backslashes and quotes. */
		for (c = clean; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				g_string_append_c(q, '\\');
			g_string_append_c(q, *c);
		}
		g_string_append_c(q, '"');
		/* Plain only if the quoted form still folds: quoting doubles
		 * backslashes, which could make a word too long for a line
		 * (found by fuzz_mime). */
		if (is_plain_header_text(clean) && is_plain_header_text(q->str))
			g_string_append_printf(v, "%s ", q->str);
		else {
			g_autofree char *enc = encode_words(clean);

			g_string_append_printf(v, "%s ", enc);
		}
	}
	g_string_append_printf(v, "<%s>", clean_addr);
	append_header(out, header, v->str);
}

static void
append_base64(GString *out, const char *data, size_t len)
{
	g_autofree char *b64 = g_base64_encode((const guchar *)data, len);
	size_t i, n = strlen(b64);

	for (i = 0; i < n; i += 76) {
		g_string_append_len(out, b64 + i, (gssize)MIN(76, n - i));
		g_string_append(out, "\r\n");
	}
}

/* Text with LF line ends becomes CRLF text, in base64. */
static void
append_base64_text(GString *out, const char *text)
{
	g_autoptr(GString) crlf = g_string_new(NULL);
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			g_string_append_c(crlf, '\r');
		g_string_append_c(crlf, *p);
	}
	append_base64(out, crlf->str, crlf->len);
}

static void
append_text_part(GString *out, const char *boundary, const char *subtype,
    const char *text)
{
	g_string_append_printf(out,
	    "--%s\r\n"
	    "Content-Type: text/%s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    boundary, subtype);
	append_base64_text(out, text);
}

/* The METHOD property of an iCalendar object, or NULL (transfer full). */
static char *
calendar_method_of(const char *cal)
{
	const char *p = cal;

	while (p != NULL && *p != '\0') {
		if (g_ascii_strncasecmp(p, "METHOD:", 7) == 0)
			return g_strndup(p + 7, strcspn(p + 7, "\r\n"));
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/*
 * A MIME token from the method name: letters and '-', upper case, and
 * only one of RFC 5546's methods; anything else gives "" (no method=
 * parameter), so the Content-Type line stays short (found by fuzz_mime).
 */
static char *
method_token(const char *s)
{
	static const char *const methods[] = { "PUBLISH", "REQUEST", "REPLY",
		"ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER" };
	GString *out = g_string_new(NULL);
	size_t i;

	for (; s != NULL && *s != '\0'; s++)
		if (g_ascii_isalpha(*s) || *s == '-')
			g_string_append_c(out, g_ascii_toupper(*s));
	for (i = 0; i < G_N_ELEMENTS(methods); i++)
		if (strcmp(out->str, methods[i]) == 0)
			return g_string_free(out, FALSE);
	g_string_free(out, TRUE);
	return g_strdup("");
}

/* The calendar as the last part of the alternative, which it closes. */
static void
append_calendar(GString *out, const struct mail_message *m, const char *alt)
{
	g_autofree char *inner = calendar_method_of(m->calendar);
	g_autofree char *method = method_token(
	    m->calendar_method != NULL ? m->calendar_method : inner);

	/* RFC 5545 8.1: method= MUST equal METHOD in the object. */
	if (m->calendar_method != NULL && inner != NULL &&
	    g_ascii_strcasecmp(g_strstrip(inner), method) != 0)
		g_critical("calendar method \"%s\" differs from METHOD:%s",
		    method, inner);

	g_string_append_printf(out, "--%s\r\n", alt);
	if (*method != '\0')
		g_string_append_printf(out,
		    "Content-Type: text/calendar;"
		    " charset=UTF-8; method=%s\r\n",
		    method);
	else
		g_string_append(out,
		    "Content-Type: text/calendar;"
		    " charset=UTF-8\r\n");
	g_string_append(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	append_base64(out, m->calendar, strlen(m->calendar));
	g_string_append_printf(out, "--%s--\r\n", alt);
}

/* The calendar again as the attachment "invite.ics". */
static void
append_calendar_file(GString *out, const struct mail_message *m,
    const char *mixed)
{
	g_string_append_printf(out,
	    "--%s\r\n"
	    "Content-Type: application/ics; name=\"invite.ics\"\r\n"
	    "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    mixed);
	append_base64(out, m->calendar, strlen(m->calendar));
}

/* The inline image; its names are ours, but are made one token each
 * anyway, as a header must not break. */
static void
append_image(GString *out, const struct mail_message *m, const char *mixed)
{
	g_autofree char *type = text_one_line(m->image_type);
	g_autofree char *name = text_one_line(m->image_name);
	g_autofree char *cid = text_one_line(m->image_cid);

	g_strdelimit(name, "\"\\", '_');
	g_string_append_printf(out,
	    "--%s\r\n"
	    "Content-Type: %s; name=\"%s\"\r\n"
	    "Content-Disposition: inline; filename=\"%s\"\r\n"
	    "Content-ID: <%s>\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    mixed, type, name, name, cid);
	append_base64(out, m->image, m->image_len);
}

char *
mail_compose(const struct mail_message *m)
{
	GString *out = g_string_new(NULL);
	g_autofree char *subject = header_text(m->subject);
	g_autofree char *date = NULL;
	g_autofree char *msgid = text_one_line(m->message_id);
	g_autofree char *hash = NULL;
	g_autofree char *alt = NULL, *mixed = NULL, *ctype = NULL;
	bool mixed_needed;

	if (m->date == NULL) {
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();

		date = g_date_time_format(now, "%a, %d %b %Y %H:%M:%S +0000");
	} else
		date = text_one_line(m->date);

	append_address(out, "From", m->from_name, m->from_addr);
	append_address(out, "To", m->to_name, m->to_addr);
	append_header(out, "Subject", subject);
	append_header(out, "Date", date);
	append_header(out, "Message-ID", msgid);
	g_string_append(out, "MIME-Version: 1.0\r\n");
	g_string_append(out, "Auto-Submitted: auto-generated\r\n");

	mixed_needed = m->calendar != NULL || m->image != NULL;
	if (m->html == NULL && !mixed_needed) {
		g_string_append(out,
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		append_base64_text(out, m->text);
		return g_string_free(out, FALSE);
	}
	hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, msgid, -1);
	alt = g_strdup_printf("=_alt_%.32s", hash);
	mixed = g_strdup_printf("=_mixed_%.32s", hash);
	if (mixed_needed) {
		ctype = g_strdup_printf("multipart/mixed; boundary=\"%s\"",
		    mixed);
		append_header(out, "Content-Type", ctype);
		g_string_append(out, "\r\n");
		g_clear_pointer(&ctype, g_free);
		if (m->html == NULL && m->calendar == NULL) {
			/* Text and an image: no alternative to make. */
			append_text_part(out, mixed, "plain", m->text);
			goto parts;
		}
		g_string_append_printf(out, "--%s\r\n", mixed);
	}
	ctype = g_strdup_printf("multipart/alternative; boundary=\"%s\"", alt);
	append_header(out, "Content-Type", ctype);
	g_string_append(out, "\r\n");
	append_text_part(out, alt, "plain", m->text);
	if (m->html != NULL)
		append_text_part(out, alt, "html", m->html);
	if (m->calendar != NULL)
		append_calendar(out, m, alt);
	else
		g_string_append_printf(out, "--%s--\r\n", alt);
parts:
	if (m->image != NULL)
		append_image(out, m, mixed);
	if (m->calendar != NULL)
		append_calendar_file(out, m, mixed);
	if (mixed_needed)
		g_string_append_printf(out, "--%s--\r\n", mixed);
	return g_string_free(out, FALSE);
}
