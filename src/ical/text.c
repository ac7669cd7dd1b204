/*
 * text.c -- what goes into libical's values and what comes out of its
 * serialiser: user text made fit for TEXT and CN values, UIDs and URIs
 * checked, and lines folded again where libical 3.0.16 folds them wrong.
 *
 * libical escapes TEXT (\ ; , and newline), quotes parameter values and
 * folds lines; what it does not do, or does wrong, is here, each with the
 * libical behaviour it answers (ical_int.h).  User text is sanitised, not
 * refused: control characters are dropped (a newline stays in TEXT and is
 * a space in a name), because a title with a stray tab should not stop an
 * invitation.  Structured values (UIDs, URIs) are checked and refused
 * instead, since they come from our code.
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

char *
ical_text_clean(const char *s)
{
	g_autofree char *tmp = NULL;
	GString *out = g_string_new(NULL);
	const char *p;
	gunichar c;

	for (p = valid_utf8(s != NULL ? s : "", &tmp); *p != '\0';
	     p = next_char(p)) {
		c = g_utf8_get_char(p);
		if (c == '\t')
			g_string_append_c(out, ' ');
		else if (c == '\n' || !is_control(c))
			g_string_append_len(out, p, next_char(p) - p);
	}
	return g_string_free(out, FALSE);
}

char *
ical_text_cn(const char *name)
{
	g_autofree char *tmp = NULL;
	GString *out = g_string_new(NULL);
	const char *p;
	gunichar c;

	for (p = valid_utf8(name != NULL ? name : "", &tmp); *p != '\0';
	     p = next_char(p)) {
		c = g_utf8_get_char(p);
		if (c == '\n' || c == '\t')
			g_string_append_c(out, ' ');
		else if (c == '^')
			g_string_append(out, "^^");
		else if (c != '"' && c != '\\' && !is_control(c))
			g_string_append_len(out, p, next_char(p) - p);
	}
	g_strstrip(out->str);
	if (out->str[0] == '\0') {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
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

bool
ical_text_split_escape(const char *text)
{
	const char *line, *end;
	size_t k;

	for (line = text; (end = strstr(line, "\r\n")) != NULL;
	     line = end + 2) {
		for (k = 0; line + k < end && end[-1 - (gssize)k] == '\\'; k++)
			;
		if (k % 2 != 0 && end[2] == ' ')
			return true;
	}
	return false;
}

/*
 * Octets in the unit at s (at most left): a character, or \ and the
 * character after it.  Only that one: a unit that took the next unit
 * whole would swallow a run of escaped backslashes into one unfoldable
 * line (found by fuzz_ical).
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

/* Appends one unfolded content line of len octets, folded, with CRLF. */
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
ical_text_refold(char *text)
{
	GString *flat = g_string_sized_new(strlen(text));
	GString *out = g_string_sized_new(strlen(text) + strlen(text) / 16);
	const char *p, *eol;

	/* Unfolded: every CRLF SPACE goes, wherever libical put it. */
	for (p = text; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ')
			p += 2;
		else
			g_string_append_c(flat, *p);
	}
	g_free(text);
	for (p = flat->str; *p != '\0'; p = eol + (*eol != '\0' ? 2 : 0)) {
		if ((eol = strstr(p, "\r\n")) == NULL)
			eol = p + strlen(p);
		if (eol > p)
			fold_line(out, p, (size_t)(eol - p));
	}
	g_string_free(flat, TRUE);
	return g_string_free(out, FALSE);
}
