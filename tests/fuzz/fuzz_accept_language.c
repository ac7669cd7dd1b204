/*
 * fuzz_accept_language.c -- the request headers Summit parses itself
 * (libmicrohttpd splits headers and cookies; the values are ours):
 * Accept-Language (form_accept_language), and the checks on cookie values
 * before they are used: the CSRF and session cookies must look like a
 * token (token_is_wellformed) and are compared in constant time
 * (token_equal).
 *
 * Properties: the language is NULL, "nb" or "en" and depends only on the
 * value; NULL for values of FORM_MAX_ACCEPT_LANGUAGE bytes or more; a
 * well-formed token is exactly 32 lower-case hex digits; token_equal agrees with
 * strcmp.
 */
#include "fuzz.h"
#include "base/base.h"
#include "form/form.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *s = fuzz_cstr(data, size);
	const char *lang = form_accept_language(s);
	size_t len = strlen(s), i;
	bool hex = len == 32;

	FUZZ_CHECK(
	    lang == NULL || strcmp(lang, "nb") == 0 || strcmp(lang, "en") == 0);
	FUZZ_CHECK(len < FORM_MAX_ACCEPT_LANGUAGE || lang == NULL);
	FUZZ_CHECK(g_strcmp0(form_accept_language(s), lang) == 0);

	for (i = 0; i < len && hex; i++)
		hex = g_ascii_isxdigit(s[i]) && !g_ascii_isupper(s[i]);
	FUZZ_CHECK(token_is_wellformed(s) == hex);
	if (len > 0) {
		g_autofree char *half = g_strndup(s, len / 2);

		FUZZ_CHECK(token_equal(s, s));
		FUZZ_CHECK(token_equal(s, half) == (strcmp(s, half) == 0));
		FUZZ_CHECK(token_equal(half, s) == (strcmp(s, half) == 0));
	}
	return 0;
}
