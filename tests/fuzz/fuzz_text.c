/*
 * fuzz_text.c -- the checks every name, organisation, free text and
 * e-mail address passes at the edge (src/base/text.c, used through
 * form_validate in src/form/): text_check_line, text_check_block,
 * text_check_email, text_trim and text_one_line, which header writers use.
 *
 * Properties, on the input and on its trimmed copy:
 * - a line that passes is valid UTF-8 without any control character, not
 *   blank, and at most max characters; a block that passes may add only
 *   tab, CR and LF; whatever passes as a line also passes as a block;
 * - an address that passes is ASCII, at most 254 octets, with a local part
 *   of at most 64 octets, a '@', and a dotted domain of letters, digits
 *   and '-', and is accepted again in lower case;
 * - text_one_line leaves no byte below 0x20 and no DEL, and keeps length.
 */
#include "fuzz.h"
#include "base/base.h"

#include <string.h>

static void
check_line(const char *s, size_t max)
{
	enum text_err line = text_check_line(s, max);
	enum text_err block = text_check_block(s, max);
	const char *p;
	size_t n = 0;

	FUZZ_CHECK(line < TEXT__MAX && block < TEXT__MAX);
	if (line == TEXT_OK)
		FUZZ_CHECK(block == TEXT_OK);
	if (block != TEXT_OK)
		return;
	FUZZ_CHECK(g_utf8_validate(s, -1, NULL));
	for (p = s; *p != '\0'; p = FUZZ_NEXT(p), n++) {
		gunichar c = g_utf8_get_char(p);

		if (line == TEXT_OK)
			FUZZ_CHECK(!g_unichar_iscntrl(c));
		else
			FUZZ_CHECK(!g_unichar_iscntrl(c) || c == '\t' ||
			    c == '\r' || c == '\n');
	}
	FUZZ_CHECK(n <= max);
}

static void
check_email(const char *s)
{
	const char *at, *p;

	if (text_check_email(s) != TEXT_OK)
		return;
	FUZZ_CHECK(strlen(s) <= 254);
	at = strrchr(s, '@');
	FUZZ_CHECK(at != NULL && at > s && at - s <= 64);
	FUZZ_CHECK(strchr(at + 1, '.') != NULL);
	for (p = s; *p != '\0'; p++)
		FUZZ_CHECK(
		    (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
	for (p = at + 1; *p != '\0'; p++)
		FUZZ_CHECK(g_ascii_isalnum(*p) || *p == '-' || *p == '.');
	{
		g_autofree char *low = g_ascii_strdown(s, -1);

		FUZZ_CHECK(text_check_email(low) == TEXT_OK);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *s = fuzz_cstr(data, size);
	g_autofree char *trimmed = g_strdup(s);
	g_autofree char *one = text_one_line(s);
	const char *p;

	check_line(s, 200);
	check_line(s, 8);
	check_email(s);
	text_trim(trimmed);
	FUZZ_CHECK(!g_ascii_isspace(trimmed[0]));
	check_line(trimmed, 200);
	check_email(trimmed);
	FUZZ_CHECK(strlen(one) == strlen(s));
	for (p = one; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	return 0;
}
