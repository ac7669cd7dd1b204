/*
 * mime.c -- RFC 5322 / MIME assembly.
 *
 * Bodies are UTF-8 in base64, so no line is too long and no mail server
 * rewrites them.  Header values come from user input (names), so controls
 * are turned into spaces before they are encoded: no header injection.
 */
#include "mail/mail.h"
#include "base/base.h"

#include <string.h>

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

char *
mail_encode_header_word(const char *s)
{
	g_autofree char *clean = text_one_line(s);
	GString *out;
	const char *p;

	if (is_ascii_printable(clean))
		return g_steal_pointer(&clean);
	/* Encoded words of at most 75 octets, never splitting a character. */
	out = g_string_new(NULL);
	p = clean;
	while (*p != '\0') {
		const char *start = p;
		g_autofree char *b64 = NULL;

		while (*p != '\0' && (size_t)(((p) + g_utf8_skip[*(const guchar *)(p)]) - start) <= 45)
			p = ((p) + g_utf8_skip[*(const guchar *)(p)]);
		if (p == start)
			p = ((p) + g_utf8_skip[*(const guchar *)(p)]);
		b64 = g_base64_encode((const guchar *)start, (gsize)(p - start));
		if (out->len > 0)
			g_string_append(out, "\r\n ");
		g_string_append_printf(out, "=?UTF-8?B?%s?=", b64);
	}
	return g_string_free(out, FALSE);
}

static void
append_address(GString *out, const char *header, const char *name,
    const char *addr)
{
	g_autofree char *clean_addr = text_one_line(addr);

	g_string_append_printf(out, "%s: ", header);
	if (name != NULL && *name != '\0') {
		g_autofree char *enc = mail_encode_header_word(name);

		if (is_ascii_printable(enc) && strpbrk(enc, "\"\\") == NULL &&
		    !g_str_has_prefix(enc, "=?"))
			g_string_append_printf(out, "\"%s\" ", enc);
		else if (g_str_has_prefix(enc, "=?"))
			g_string_append_printf(out, "%s ", enc);
		else {
			/* Quote backslashes and quotes inside the name. */
			const char *c;

			g_string_append_c(out, '"');
			for (c = enc; *c != '\0'; c++) {
				if (*c == '"' || *c == '\\')
					g_string_append_c(out, '\\');
				g_string_append_c(out, *c);
			}
			g_string_append(out, "\" ");
		}
	}
	g_string_append_printf(out, "<%s>\r\n", clean_addr);
}

static void
append_base64_body(GString *out, const char *text)
{
	g_autoptr(GString) crlf = g_string_new(NULL);
	g_autofree char *b64 = NULL;
	const char *p;
	size_t i, len;

	for (p = text; *p != '\0'; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			g_string_append_c(crlf, '\r');
		g_string_append_c(crlf, *p);
	}
	b64 = g_base64_encode((const guchar *)crlf->str, crlf->len);
	len = strlen(b64);
	for (i = 0; i < len; i += 76) {
		g_string_append_len(out, b64 + i, (gssize)MIN(76, len - i));
		g_string_append(out, "\r\n");
	}
}

char *
mail_compose(const struct mail_message *m)
{
	GString *out = g_string_new(NULL);
	g_autofree char *subject = mail_encode_header_word(m->subject);
	g_autofree char *date = NULL;
	g_autofree char *msgid = text_one_line(m->message_id);
	g_autofree char *boundary = NULL;

	if (m->date == NULL) {
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();

		date = g_date_time_format(now, "%a, %d %b %Y %H:%M:%S +0000");
	} else
		date = text_one_line(m->date);

	append_address(out, "From", m->from_name, m->from_addr);
	append_address(out, "To", m->to_name, m->to_addr);
	g_string_append_printf(out, "Subject: %s\r\n", subject);
	g_string_append_printf(out, "Date: %s\r\n", date);
	g_string_append_printf(out, "Message-ID: %s\r\n", msgid);
	g_string_append(out, "MIME-Version: 1.0\r\n");
	g_string_append(out, "Auto-Submitted: auto-generated\r\n");

	if (m->html == NULL) {
		g_string_append(out, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		append_base64_body(out, m->text);
		return g_string_free(out, FALSE);
	}
	boundary = g_compute_checksum_for_string(G_CHECKSUM_SHA256, msgid, -1);
	g_string_append_printf(out, "Content-Type: multipart/alternative;"
	    " boundary=\"=_%s\"\r\n\r\n", boundary);
	g_string_append_printf(out, "--=_%s\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
	    boundary);
	append_base64_body(out, m->text);
	g_string_append_printf(out, "--=_%s\r\nContent-Type: text/html; "
	    "charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
	    boundary);
	append_base64_body(out, m->html);
	g_string_append_printf(out, "--=_%s--\r\n", boundary);
	return g_string_free(out, FALSE);
}
