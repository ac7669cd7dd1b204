/*
 * text.c -- RFC 5545 text rules: TEXT escaping, quoted parameters, folding.
 *
 * Escaping and folding are where generators most often break real clients
 * (CALENDAR.md pitfalls 7, 8, 10, 12, 14), so both are written out here
 * rather than left to libical, whose folder counts characters in some
 * versions (libical #427).  Folding treats a backslash and the character
 * after it as one unit, which keeps "\n" and "\," whole without needing to
 * know which property a line belongs to; a UTF-8 character is another unit.
 *
 * User text is sanitised, not refused: control characters are dropped
 * (newlines become "\n" in TEXT and a space in parameters), because a title
 * with a stray tab should not stop an invitation.  Structured values (UIDs,
 * URIs) are checked and refused instead, since they come from our code.
 */
#include "ical/ical_int.h"

#include <string.h>

/* Longest content line in octets, without its CRLF (RFC 5545 3.1). */
#define FOLD_MAX 75

/* C0, DEL and C1 controls. */
static bool
is_control(gunichar c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* The character after p; g_utf8_next_char casts const away. */
static const char *
next_char(const char *p)
{
	return p + g_utf8_skip[(guchar)*p];
}

/* s as valid UTF-8: s itself, or a repaired copy left in *tmp. */
static const char *
valid_utf8(const char *s, char **tmp)
{
	*tmp = NULL;
	if (g_utf8_validate(s, -1, NULL))
		return s;
	*tmp = g_utf8_make_valid(s, -1);
	return *tmp;
}

void
ical_text_append_escaped(GString *out, const char *s)
{
	g_autofree char *tmp = NULL;
	const char *p;
	gunichar c;

	if (s == NULL)
		return;
	for (p = valid_utf8(s, &tmp); *p != '\0'; p = next_char(p)) {
		c = g_utf8_get_char(p);
		switch (c) {
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case ';':
			g_string_append(out, "\\;");
			break;
		case ',':
			g_string_append(out, "\\,");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\t':
			g_string_append_c(out, ' ');
			break;
		default:
			/* CR (of CRLF or alone) and other controls go. */
			if (!is_control(c))
				g_string_append_len(out, p, next_char(p) - p);
			break;
		}
	}
}

char *
ical_escape_text(const char *s)
{
	GString *out = g_string_new(NULL);

	ical_text_append_escaped(out, s);
	return g_string_free(out, FALSE);
}

char *
ical_text_param_clean(const char *s)
{
	g_autofree char *tmp = NULL;
	GString *out = g_string_new(NULL);
	const char *p;
	gunichar c;

	for (p = valid_utf8(s != NULL ? s : "", &tmp); *p != '\0';
	     p = next_char(p)) {
		c = g_utf8_get_char(p);
		if (c == '\n' || c == '\t')
			g_string_append_c(out, ' ');
		else if (c != '"' && c != '\\' && !is_control(c))
			g_string_append_len(out, p, next_char(p) - p);
	}
	return g_strstrip(g_string_free(out, FALSE));
}

bool
ical_text_uid_ok(const char *uid)
{
	const char *p;

	if (uid == NULL || *uid == '\0' || strlen(uid) > ICAL_UID_MAX)
		return false;
	for (p = uid; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == ',' || *p == ';' ||
		    *p == '\\' || *p == '"')
			return false;
	}
	return true;
}

bool
ical_text_uri_ok(const char *uri)
{
	const char *p;

	if (uri == NULL || *uri == '\0' || strlen(uri) > 2000)
		return false;
	for (p = uri; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"')
			return false;
	}
	return strchr(uri, ':') != NULL;
}

/*
 * Octets in the unit at s (at most left): a character, or \ and the
 * character after it.  Only that one: a unit that took the next unit
 * whole would swallow a run of escaped backslashes into one unfoldable
 * line, recursing once per backslash (found by fuzz_ical).
 */
static size_t
unit_len(const char *s, size_t left)
{
	size_t n;

	if (s[0] == '\\' && left > 1)
		n = 1 + (size_t)g_utf8_skip[(guchar)s[1]];
	else
		n = (size_t)g_utf8_skip[(guchar)s[0]];
	return n < left ? n : left;
}

/* Appends one content line of len octets, folded, with its CRLF. */
static void
fold_line(GString *out, const char *line, size_t len)
{
	size_t i = 0, used = 0, u;

	while (i < len) {
		u = unit_len(line + i, len - i);
		if (used + u > FOLD_MAX) {
			g_string_append(out, "\r\n ");
			used = 1;
		}
		g_string_append_len(out, line + i, u);
		used += u;
		i += u;
	}
	g_string_append(out, "\r\n");
}

char *
ical_fold(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p, *eol;
	size_t len;

	for (p = text != NULL ? text : ""; *p != '\0'; p = eol) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		len = (size_t)(eol - p);
		while (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0)
			fold_line(out, p, len);
		if (*eol == '\n')
			eol++;
	}
	return g_string_free(out, FALSE);
}
