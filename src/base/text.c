/*
 * text.c -- pure checks for user text, applied once at the edge.
 *
 * Names and titles end up in mail headers, calendar lines and log lines, so
 * a single line may hold no control character at all; blocks (descriptions,
 * needs) may hold newlines and tabs.  Lengths count characters, not octets.
 */
#include "base/base.h"

#include <string.h>

static enum text_err
text_check(const char *s, size_t max_chars, bool block)
{
	const char *p;
	size_t n = 0;
	bool blank = true;

	if (s == NULL)
		return TEXT_EMPTY;
	if (!g_utf8_validate(s, -1, NULL))
		return TEXT_BADUTF8;
	for (p = s; *p != '\0'; p += g_utf8_skip[*(const guchar *)p]) {
		gunichar c = g_utf8_get_char(p);

		if (block && (c == '\n' || c == '\r' || c == '\t'))
			;
		else if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029)
			return TEXT_CONTROL;
		if (!g_unichar_isspace(c))
			blank = false;
		n++;
	}
	if (blank)
		return TEXT_EMPTY;
	if (n > max_chars)
		return TEXT_TOOLONG;
	return TEXT_OK;
}

enum text_err
text_check_line(const char *s, size_t max_chars)
{
	return text_check(s, max_chars, false);
}

static bool
text_is_bidi(gunichar c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x200E || c == 0x200F || c == 0x061C;
}

/* Shows something on its own: not a space, format, mark or filler. */
static bool
text_is_visible(gunichar c)
{
	switch (g_unichar_type(c)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT:
	case G_UNICODE_UNASSIGNED:
	case G_UNICODE_SURROGATE:
	case G_UNICODE_SPACE_SEPARATOR:
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR:
	case G_UNICODE_NON_SPACING_MARK:
	case G_UNICODE_ENCLOSING_MARK:
		return false;
	default:
		break;
	}
	/* Letters and symbols that draw nothing: Hangul fillers, the blank
	 * Braille pattern, the Mongolian vowel separator. */
	return c != 0x115F && c != 0x1160 && c != 0x3164 && c != 0xFFA0 &&
	    c != 0x2800 && c != 0x180E;
}

enum text_err
text_check_name(const char *s, size_t max_chars)
{
	enum text_err e = text_check_line(s, max_chars);
	bool visible = false;
	const char *p;

	if (e != TEXT_OK)
		return e;
	for (p = s; *p != '\0'; p += g_utf8_skip[*(const guchar *)p]) {
		gunichar c = g_utf8_get_char(p);

		if (text_is_bidi(c))
			return TEXT_BIDI;
		if (text_is_visible(c))
			visible = true;
	}
	return visible ? TEXT_OK : TEXT_INVISIBLE;
}

enum text_err
text_check_block(const char *s, size_t max_chars)
{
	return text_check(s, max_chars, true);
}

static bool
email_atext(char c)
{
	return g_ascii_isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

enum text_err
text_check_email(const char *s)
{
	const char *at, *p, *dot;
	size_t len;

	if (s == NULL || *s == '\0')
		return TEXT_EMPTY;
	len = strlen(s);
	if (len > 254)
		return TEXT_TOOLONG;
	at = strrchr(s, '@');
	if (at == NULL || at == s || at - s > 64 || at[1] == '\0')
		return TEXT_BADEMAIL;
	for (p = s; p < at; p++)
		if (!email_atext(*p))
			return TEXT_BADEMAIL;
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return TEXT_BADEMAIL;
	/* Domain: LDH labels separated by dots, at least one dot. */
	dot = strchr(at + 1, '.');
	if (dot == NULL)
		return TEXT_BADEMAIL;
	for (p = at + 1; *p != '\0'; p++) {
		if (*p == '.') {
			if (p == at + 1 || p[-1] == '.' || p[-1] == '-' ||
			    p[1] == '\0' || p[1] == '-')
				return TEXT_BADEMAIL;
		} else if (!g_ascii_isalnum(*p) && *p != '-')
			return TEXT_BADEMAIL;
	}
	if (at[1] == '-' || s[len - 1] == '-')
		return TEXT_BADEMAIL;
	return TEXT_OK;
}

char *
text_trim(char *s)
{
	return g_strstrip(s);
}

char *
text_one_line(const char *s)
{
	char *out = g_strdup(s ? s : "");
	char *p;

	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

void
text_csv_cell(GString *out, const char *value)
{
	const char *s = value ? value : "";

	g_string_append_c(out, '"');
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		g_string_append_c(out, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, '"');
}
