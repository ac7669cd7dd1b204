/*
 * test_qr.c -- check-in codes (base/token.c) and their QR codes
 * (src/qr): codes of the right alphabet and length, all different;
 * what people type read back to the code or its short form, anything
 * else refused; the SVG path and the PNG of a code, and the PNG read
 * back by an independent decoder, zbarimg (Debian's zbar-tools).
 */
#include "base/base.h"
#include "qr/qr.h"

#include <glib/gstdio.h>
#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
test_code_new(void)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	unsigned i;

	for (i = 0; i < 2000; i++) {
		char code[TOKEN_CODE_LEN + 1];
		char back[TOKEN_CODE_LEN + 1];

		token_code_new(code);
		g_assert_cmpuint(strlen(code), ==, TOKEN_CODE_LEN);
		g_assert_cmpuint(strspn(code, alphabet), ==, TOKEN_CODE_LEN);
		g_assert_true(g_hash_table_add(seen, g_strdup(code)));
		g_assert_true(token_code_normalise(code, back));
		g_assert_cmpstr(back, ==, code);
	}
}

static void
test_code_normalise(void)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} cases[] = {
		{ "ABCDE-FGHJK", "ABCDEFGHJK" },
		{ "abcde fghjk", "ABCDEFGHJK" },
		{ " 0o1il-23456 ", "0011123456" },
		{ "0123456789ABCDEF", "0123456789ABCDEF" },
		{ "0123-4567-89ab-cdef", "0123456789ABCDEF" },
		{ "ABCDE-FGHJ", NULL },        /* 9 */
		{ "ABCDEFGHJKM", NULL },       /* 11 */
		{ "0123456789ABCDEFG", NULL }, /* 17 */
		{ "ABCDE-FGHJU", NULL },       /* U is not in the alphabet */
		{ "ABCDE_FGHJK", NULL },
		{ "ÆBCDE-FGHJK", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char out[TOKEN_CODE_LEN + 1];
		bool ok = token_code_normalise(cases[i].in, out);

		g_assert_cmpint(ok, ==, cases[i].out != NULL);
		if (ok)
			g_assert_cmpstr(out, ==, cases[i].out);
	}
	g_assert_false(token_code_normalise(NULL, (char[17]){ 0 }));
}

static void
test_svg(void)
{
	int size = 0;
	g_autofree char *path = qr_svg_path("0123456789ABCDEF", &size);

	g_assert_nonnull(path);
	/* Version 1 (21 modules) holds 16 alphanumerics at level M. */
	g_assert_cmpint(size, ==, 21 + 2 * QR_QUIET);
	g_assert_cmpuint(strspn(path, "Mhvz-0123456789 "), ==, strlen(path));
	/* The top-left finder's first row: seven dark modules. */
	g_assert_true(g_str_has_prefix(path, "M4 4h7v1h-7z"));
	g_assert_null(qr_svg_path("", &size));
}

static void
test_png_decodes(void)
{
	char code[TOKEN_CODE_LEN + 1];
	g_autoptr(GBytes) png = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL, *file = NULL, *out = NULL, *err = NULL;
	gsize len;
	const guint8 *data;
	int status = -1;

	token_code_new(code);
	png = qr_png(code, 4);
	g_assert_nonnull(png);
	data = g_bytes_get_data(png, &len);
	g_assert_cmpuint(len, >, 8);
	g_assert_cmpmem(data, 8, "\x89PNG\r\n\x1a\n", 8);
	g_assert_null(qr_png(code, 0));
	g_assert_null(qr_png(code, 33));

	dir = g_dir_make_tmp("summit-qr-XXXXXX", &error);
	g_assert_no_error(error);
	file = g_build_filename(dir, "code.png", NULL);
	g_assert_true(
	    g_file_set_contents(file, (const char *)data, (gssize)len, &error));
	{
		char *argv[] = { "zbarimg", "--raw", "-q", file, NULL };

		g_assert_true(
		    g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
		        NULL, &out, &err, &status, &error));
	}
	g_assert_no_error(error);
	g_assert_cmpint(status, ==, 0);
	g_strchomp(out);
	g_assert_cmpstr(out, ==, code);
	(void)g_unlink(file);
	(void)g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/code/new", test_code_new);
	g_test_add_func("/code/normalise", test_code_normalise);
	g_test_add_func("/qr/svg", test_svg);
	g_test_add_func("/qr/png-decodes", test_png_decodes);
	return g_test_run();
}
