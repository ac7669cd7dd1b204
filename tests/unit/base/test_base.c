/*
 * test_base.c -- input checks, tokens and HMAC.
 */
#include "base/base.h"

#include <string.h>

static void
test_line(void)
{
	g_assert_cmpint(text_check_line("Kari Nordmann", 200), ==, TEXT_OK);
	g_assert_cmpint(text_check_line("Bjørn Ærø Åsen 😀", 200), ==, TEXT_OK);
	g_assert_cmpint(text_check_line("", 200), ==, TEXT_EMPTY);
	g_assert_cmpint(text_check_line("   ", 200), ==, TEXT_EMPTY);
	g_assert_cmpint(text_check_line(NULL, 200), ==, TEXT_EMPTY);
	g_assert_cmpint(text_check_line("a\nb", 200), ==, TEXT_CONTROL);
	g_assert_cmpint(text_check_line("a\rb", 200), ==, TEXT_CONTROL);
	g_assert_cmpint(text_check_line("a\tb", 200), ==, TEXT_CONTROL);
	g_assert_cmpint(text_check_line("a\x7f", 200), ==, TEXT_CONTROL);
	g_assert_cmpint(text_check_line("a\xc2\x85", 200), ==, TEXT_CONTROL);
	g_assert_cmpint(text_check_line("a\xe2\x80\xa8", 200), ==,
	    TEXT_CONTROL);
	g_assert_cmpint(text_check_line("\xff\xfe", 200), ==, TEXT_BADUTF8);
	g_assert_cmpint(text_check_line("\xc0\xaf", 200), ==, TEXT_BADUTF8);
	/* Characters, not octets: five 2-octet letters fit in 5. */
	g_assert_cmpint(text_check_line("æøåæø", 5), ==, TEXT_OK);
	g_assert_cmpint(text_check_line("æøåæøå", 5), ==, TEXT_TOOLONG);
}

static void
test_block(void)
{
	g_assert_cmpint(text_check_block("line 1\nline 2\r\n\tx", 100), ==,
	    TEXT_OK);
	g_assert_cmpint(text_check_block("nul\x01", 100), ==, TEXT_CONTROL);
}

static void
test_name(void)
{
	static const char *bidi[] = { "Kari \xe2\x80\xae"
		                      "gpj.exe",
		"\xe2\x80\xaa"
		"x",
		"a\xe2\x80\xac",
		"a\xe2\x81\xa6"
		"b",
		"a\xe2\x81\xa9", "a\xe2\x80\x8e", "a\xe2\x80\x8f",
		"a\xd8\x9c" };
	static const char *invisible[] = { "\xe2\x80\x8b",
		"\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d", "\xef\xbb\xbf",
		"\xe3\x85\xa4", "\xe2\xa0\x80", "\xcc\x81",
		"\xe2\x80\x8b \xc2\xa0\xe2\x80\x83" };
	size_t i;

	g_assert_cmpint(text_check_name("Kari Nordmann", 200), ==, TEXT_OK);
	g_assert_cmpint(text_check_name("Bjørn Ærø-Åsen", 200), ==, TEXT_OK);
	g_assert_cmpint(
	    text_check_name("\xd9\x85\xd8\xad\xd9\x85\xd8\xaf", 200), ==,
	    TEXT_OK); /* Arabic letters: right-to-left is fine */
	g_assert_cmpint(text_check_name("Ren\xc3\xa9"
	                                "e \xe5\xb1\xb1\xe7\x94\xb0",
	                    200),
	    ==, TEXT_OK);
	g_assert_cmpint(text_check_name("", 200), ==, TEXT_EMPTY);
	g_assert_cmpint(text_check_name("a\nb", 200), ==, TEXT_CONTROL);
	g_assert_cmpint(text_check_name("abc", 2), ==, TEXT_TOOLONG);
	for (i = 0; i < G_N_ELEMENTS(bidi); i++)
		g_assert_cmpint(text_check_name(bidi[i], 200), ==, TEXT_BIDI);
	for (i = 0; i < G_N_ELEMENTS(invisible); i++)
		g_assert_cmpint(text_check_name(invisible[i], 200), ==,
		    TEXT_INVISIBLE);
	/* A zero-width joiner inside a visible name is allowed (emoji). */
	g_assert_cmpint(text_check_name("Ola \xe2\x80\x8d x", 200), ==,
	    TEXT_OK);
}

static void
test_email(void)
{
	static const char *good[] = { "kari@example.no", "a.b+c@lo.no",
		"x_y@sub.domain.org", "o'neil@nho.no" };
	static const char *bad[] = { "plain", "@example.no", "kari@", "kari@no",
		"kari@@example.no", "ka ri@example.no", ".kari@example.no",
		"kari.@example.no", "ka..ri@example.no", "kari@-x.no",
		"kari@x-.no", "kari@x..no", "kari@x.no.", "kåri@example.no",
		"kari@exa_mple.no", "kari@example.no\r\nBcc: x@y.z" };
	char longer[300];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(good); i++)
		g_assert_cmpint(text_check_email(good[i]), ==, TEXT_OK);
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_cmpint(text_check_email(bad[i]), ==, TEXT_BADEMAIL);
	g_assert_cmpint(text_check_email(""), ==, TEXT_EMPTY);
	memset(longer, 'a', sizeof(longer));
	memcpy(longer + 250, "@x.no", 6);
	g_assert_cmpint(text_check_email(longer), ==, TEXT_TOOLONG);
}

static void
test_one_line(void)
{
	g_autofree char *s = text_one_line("a\r\nBcc: evil@x.no");

	g_assert_cmpstr(s, ==, "a  Bcc: evil@x.no");
}

static void
test_tokens(void)
{
	g_autofree char *a = token_new();
	g_autofree char *b = token_new();
	g_autofree char *h = NULL;

	g_assert_cmpuint(strlen(a), ==, 32);
	g_assert_true(token_is_wellformed(a));
	g_assert_cmpstr(a, !=, b);
	g_assert_false(token_is_wellformed("ABCDEF0123456789abcdef0123456789"));
	g_assert_false(token_is_wellformed("abc"));
	g_assert_false(
	    token_is_wellformed("0123456789abcdef0123456789abcdef0"));
	g_assert_false(token_is_wellformed(NULL));
	/* SHA-256("abc"), from FIPS 180-2. */
	h = token_hash("abc");
	g_assert_cmpstr(h, ==,
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

static void
test_hmac(void)
{
	/* RFC 4231 test case 2. */
	g_autofree char *mac = token_hmac((const guint8 *)"Jefe", 4,
	    "what do ya want for nothing?");

	g_assert_cmpstr(mac, ==,
	    "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	g_assert_true(token_equal("abc", "abc"));
	g_assert_false(token_equal("abc", "abd"));
	g_assert_false(token_equal("abc", "abcd"));
}

/* Numbers for reading: nb with U+202F and a decimal comma, en with commas. */
static void
test_number(void)
{
	static const struct {
		gint64 n;
		const char *nb, *en;
	} ints[] = {
		{ 0, "0", "0" },
		{ 999, "999", "999" },
		{ 1000, "1\u202f000", "1,000" },
		{ -12345, "-12\u202f345", "-12,345" },
		{ 1234567, "1\u202f234\u202f567", "1,234,567" },
		{ G_MININT64,
		    "-9\u202f223\u202f372\u202f036\u202f854\u202f775\u202f808",
		    "-9,223,372,036,854,775,808" },
	};
	static const struct {
		double v;
		const char *nb, *en;
	} dbls[] = {
		{ 12.5, "12,5", "12.5" },
		{ 3.0, "3", "3" },
		{ 1234.567, "1\u202f234,57", "1,234.57" },
		{ -0.25, "-0,25", "-0.25" },
		{ 0.001, "0", "0" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(ints); i++) {
		g_autofree char *nb = text_number_new(ints[i].n, "nb");
		g_autofree char *en = text_number_new(ints[i].n, "en");

		g_assert_cmpstr(nb, ==, ints[i].nb);
		g_assert_cmpstr(en, ==, ints[i].en);
	}
	for (i = 0; i < G_N_ELEMENTS(dbls); i++) {
		g_autoptr(GString) nb = g_string_new(NULL);
		g_autoptr(GString) en = g_string_new(NULL);

		text_number_double(nb, dbls[i].v, "nb");
		text_number_double(en, dbls[i].v, "en");
		g_assert_cmpstr(nb->str, ==, dbls[i].nb);
		g_assert_cmpstr(en->str, ==, dbls[i].en);
	}
}

static void
test_csv_cell(void)
{
	static const char *const cases[][2] = {
		{ "plain", "\"plain\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
		{ "+cmd", "\"'+cmd\"" },
		{ "-2+3", "\"'-2+3\"" },
		{ "@SUM(1)", "\"'@SUM(1)\"" },
		{ "\tx", "\"'\tx\"" },
		{ "a=b", "\"a=b\"" },
		{ "", "\"\"" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GString) out = g_string_new(NULL);

		text_csv_cell(out, cases[i][0]);
		g_assert_cmpstr(out->str, ==, cases[i][1]);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/base/text/line", test_line);
	g_test_add_func("/base/text/block", test_block);
	g_test_add_func("/base/text/email", test_email);
	g_test_add_func("/base/text/name", test_name);
	g_test_add_func("/base/text/one_line", test_one_line);
	g_test_add_func("/base/token/new_hash", test_tokens);
	g_test_add_func("/base/token/hmac", test_hmac);
	g_test_add_func("/base/text/csv_cell", test_csv_cell);
	g_test_add_func("/base/number", test_number);
	return g_test_run();
}
