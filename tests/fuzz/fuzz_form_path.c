/*
 * fuzz_form_path.c -- URL path canonicalisation (form_canonical_path),
 * which web/ applies to every request path before routing.
 *
 * Properties: either an error, or a path that starts with exactly one '/'
 * (never "//", which a browser reads as another host), is valid UTF-8,
 * has no empty, "." or ".." segment and no control character, and is a
 * fixed point: canonicalising it again (when it holds no '%' to decode)
 * gives it back unchanged.
 */
#include "fuzz.h"
#include "form/form.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *raw = fuzz_cstr(data, size);
	g_autoptr(GError) error = NULL;
	g_autofree char *path = form_canonical_path(raw, &error);
	g_auto(GStrv) segs = NULL;
	const char *c;
	size_t i, n;

	if (path == NULL) {
		FUZZ_CHECK(error != NULL && error->domain == SUMMIT_FORM_ERROR);
		FUZZ_CHECK(error->code > FORM_OK && error->code < FORM__MAX);
		return 0;
	}
	FUZZ_CHECK(error == NULL);
	FUZZ_CHECK(path[0] == '/');
	FUZZ_CHECK(path[1] != '/');
	FUZZ_CHECK(strstr(path, "//") == NULL);
	FUZZ_CHECK(g_utf8_validate(path, -1, NULL));
	for (c = path; *c != '\0'; c = FUZZ_NEXT(c))
		FUZZ_CHECK(!g_unichar_iscntrl(g_utf8_get_char(c)));
	segs = g_strsplit(path + 1, "/", -1);
	n = g_strv_length(segs);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strcmp(segs[i], ".") != 0);
		FUZZ_CHECK(strcmp(segs[i], "..") != 0);
		/* Only the last may be empty: "/" or a kept trailing '/'. */
		FUZZ_CHECK(segs[i][0] != '\0' || i == n - 1);
	}
	if (strchr(path, '%') == NULL) {
		g_autofree char *again = form_canonical_path(path, NULL);

		FUZZ_CHECK(again != NULL && strcmp(again, path) == 0);
	}
	return 0;
}
