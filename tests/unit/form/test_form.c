/*
 * test_form.c -- unit tests for src/form: urlencoded decoding, path
 * canonicalization, field tables.
 *
 * Each rejection case of the header has a row here; bodies are passed with
 * an explicit length so embedded NUL bytes can be tested too.
 */
#include "form/form.h"

#include <string.h>

#define MAX_FIELDS 8
#define MAX_VALUE 32

static GHashTable *
decode_ok(const char *body, size_t len)
{
	g_autoptr(GError) err = NULL;
	GHashTable *t = NULL;

	g_assert_true(
	    form_decode_urlencoded(body, len, MAX_FIELDS, MAX_VALUE, &t, &err));
	g_assert_no_error(err);
	g_assert_nonnull(t);
	return t;
}

static void
decode_bad(const char *body, size_t len, enum form_err want)
{
	g_autoptr(GError) err = NULL;
	GHashTable *t = (GHashTable *)1;

	g_assert_false(
	    form_decode_urlencoded(body, len, MAX_FIELDS, MAX_VALUE, &t, &err));
	g_assert_null(t);
	g_assert_error(err, SUMMIT_FORM_ERROR, (gint)want);
}

#define BAD(s, want) decode_bad((s), sizeof(s) - 1, (want))

static void
test_decode(void)
{
	static const char body[] = "name=Ann+Bo&email=a%40b.example&"
	                           "note=x%2By%26z%3D&empty=&flag";
	g_autoptr(GHashTable) t = decode_ok(body, sizeof(body) - 1);

	g_assert_cmpuint(g_hash_table_size(t), ==, 5);
	g_assert_cmpstr(g_hash_table_lookup(t, "name"), ==, "Ann Bo");
	g_assert_cmpstr(g_hash_table_lookup(t, "email"), ==, "a@b.example");
	g_assert_cmpstr(g_hash_table_lookup(t, "note"), ==, "x+y&z=");
	g_assert_cmpstr(g_hash_table_lookup(t, "empty"), ==, "");
	g_assert_cmpstr(g_hash_table_lookup(t, "flag"), ==, "");
}

static void
test_decode_edges(void)
{
	g_autoptr(GHashTable) e1 = decode_ok("", 0);
	g_autoptr(GHashTable) e2 = decode_ok(NULL, 0);
	g_autoptr(GHashTable) e3 = decode_ok("&&&", 3);
	g_autoptr(GHashTable) t = decode_ok("a=1&&b=2&", 9);
	/* Not NUL-terminated: only len bytes count. */
	g_autoptr(GHashTable) cut = decode_ok("a=12345", 4);
	g_autoptr(GHashTable) eqs = decode_ok("a==b=", 5);
	g_autoptr(GHashTable) q = NULL;
	g_autoptr(GHashTable) q0 = NULL;
	g_autoptr(GError) err = NULL;

	g_assert_cmpuint(g_hash_table_size(e1), ==, 0);
	g_assert_cmpuint(g_hash_table_size(e2), ==, 0);
	g_assert_cmpuint(g_hash_table_size(e3), ==, 0);
	g_assert_cmpuint(g_hash_table_size(t), ==, 2);
	g_assert_cmpstr(g_hash_table_lookup(cut, "a"), ==, "12");
	g_assert_cmpstr(g_hash_table_lookup(eqs, "a"), ==, "=b=");

	g_assert_true(form_decode_query("page=2&q=%C3%A6+%F0%9F%8E%89",
	    MAX_FIELDS, MAX_VALUE, &q, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(g_hash_table_lookup(q, "page"), ==, "2");
	g_assert_cmpstr(g_hash_table_lookup(q, "q"), ==, "æ 🎉");
	g_assert_true(
	    form_decode_query(NULL, MAX_FIELDS, MAX_VALUE, &q0, &err));
	g_assert_cmpuint(g_hash_table_size(q0), ==, 0);
}

static void
test_decode_utf8(void)
{
	/* Percent-encoded and raw UTF-8 both pass, in names and values. */
	static const char body[] = "by=%C3%A6%C3%B8%C3%A5&raw=æøå&"
	                           "%F0%9F%8E%89=party&emoji=%F0%9F%8E%89";
	g_autoptr(GHashTable) t = decode_ok(body, sizeof(body) - 1);

	g_assert_cmpstr(g_hash_table_lookup(t, "by"), ==, "æøå");
	g_assert_cmpstr(g_hash_table_lookup(t, "raw"), ==, "æøå");
	g_assert_cmpstr(g_hash_table_lookup(t, "🎉"), ==, "party");
	g_assert_cmpstr(g_hash_table_lookup(t, "emoji"), ==, "🎉");
}

static void
test_decode_reject(void)
{
	char name[FORM_MAX_NAME + 4];
	char value[MAX_VALUE + 4];
	g_autoptr(GHashTable) ok = NULL;

	BAD("a=%zz", FORM_EMALFORMED);
	BAD("a=%4", FORM_EMALFORMED);
	BAD("a=%", FORM_EMALFORMED);
	BAD("a=1&b=%g0", FORM_EMALFORMED);
	BAD("%x=1", FORM_EMALFORMED);
	BAD("=1", FORM_EMALFORMED);
	BAD("a=1&=2", FORM_EMALFORMED);
	BAD("a=x%00y", FORM_ENUL);
	BAD("a%00=x", FORM_ENUL);
	BAD("a=x\0y", FORM_ENUL);
	BAD("a=%FF", FORM_EUTF8);
	BAD("a=%C3", FORM_EUTF8);
	BAD("a=%C3%28", FORM_EUTF8);
	BAD("a=%ED%A0%80", FORM_EUTF8); /* a UTF-16 surrogate */
	BAD("a=%C0%AF", FORM_EUTF8);    /* overlong '/' */
	BAD("%FF=1", FORM_EUTF8);
	BAD("a=\xff", FORM_EUTF8);
	BAD("a=1&b=2&a=3", FORM_EDUPLICATE);
	BAD("a&a", FORM_EDUPLICATE);
	BAD("a+b=1&a%20b=2", FORM_EDUPLICATE);
	BAD("a=1&b=&c&d&e&f&g&h&i", FORM_ETOOMANY);

	/* Name: FORM_MAX_NAME bytes pass, one more fails. */
	memset(name, 'n', sizeof(name));
	memcpy(name + FORM_MAX_NAME, "=v", 2);
	ok = decode_ok(name, FORM_MAX_NAME + 2);
	g_clear_pointer(&ok, g_hash_table_unref);
	name[FORM_MAX_NAME] = 'n';
	memcpy(name + FORM_MAX_NAME + 1, "=v", 2);
	decode_bad(name, FORM_MAX_NAME + 3, FORM_ENAMELONG);

	/* Value: counted after decoding. */
	memcpy(value, "v=", 2);
	memset(value + 2, 'x', MAX_VALUE);
	ok = decode_ok(value, MAX_VALUE + 2);
	g_clear_pointer(&ok, g_hash_table_unref);
	value[MAX_VALUE + 2] = 'x';
	decode_bad(value, MAX_VALUE + 3, FORM_EVALUELONG);
	ok = decode_ok("v=%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41"
	               "%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41",
	    2 + 3 * 32);
	g_assert_cmpuint(strlen(g_hash_table_lookup(ok, "v")), ==, 32);
}

static void
path_ok(const char *raw, const char *want)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *got = form_canonical_path(raw, &err);

	g_assert_no_error(err);
	g_assert_cmpstr(got, ==, want);
}

static void
path_bad(const char *raw, enum form_err want)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *got = form_canonical_path(raw, &err);

	g_assert_null(got);
	g_assert_error(err, SUMMIT_FORM_ERROR, (gint)want);
}

static void
test_path(void)
{
	path_ok("/", "/");
	path_ok("/events", "/events");
	path_ok("/events/", "/events/");
	path_ok("//x", "/x");
	path_ok("/a//b///c", "/a/b/c");
	path_ok("///", "/");
	path_ok("/e/%41b%20c", "/e/Ab c");
	path_ok("/e/a+b", "/e/a+b");
	path_ok("/e/%C3%A6%C3%B8%C3%A5/æøå/%F0%9F%8E%89", "/e/æøå/æøå/🎉");
	path_ok("/a/.b/c..", "/a/.b/c..");
	path_ok("/a/...", "/a/...");

	path_bad("", FORM_EMALFORMED);
	path_bad(NULL, FORM_EMALFORMED);
	path_bad("events", FORM_EMALFORMED);
	path_bad("%2Fevents", FORM_EMALFORMED);
	path_bad("/%zz", FORM_EMALFORMED);
	path_bad("/a%2", FORM_EMALFORMED);
	path_bad("/a%", FORM_EMALFORMED);
	path_bad("/%00", FORM_ENUL);
	path_bad("/a%00b", FORM_ENUL);
	path_bad("/a/../b", FORM_EPATH);
	path_bad("/..", FORM_EPATH);
	path_bad("/a/..", FORM_EPATH);
	path_bad("/a/./b", FORM_EPATH);
	path_bad("/.", FORM_EPATH);
	path_bad("/%2e%2e/", FORM_EPATH);
	path_bad("/%2E%2e/etc", FORM_EPATH);
	path_bad("/.%2e", FORM_EPATH);
	path_bad("/%2e", FORM_EPATH);
	path_bad("/a%2Fb", FORM_EPATH);
	path_bad("/a%2f..%2fb", FORM_EPATH);
	path_bad("/a\nb", FORM_ECONTROL);
	path_bad("/a%0Ab", FORM_ECONTROL);
	path_bad("/a%7F", FORM_ECONTROL);
	path_bad("/a%C2%85", FORM_ECONTROL); /* U+0085, C1 control */
	path_bad("/a\tb", FORM_ECONTROL);
	path_bad("/%FF", FORM_EUTF8);
	path_bad("/%C0%AE%C0%AE/", FORM_EUTF8); /* overlong ".." */
	path_bad("/\xc3", FORM_EUTF8);
}

/* Fields for the validation tests, kcgi style. */
enum field {
	F_NAME,
	F_NOTE,
	F_EMAIL,
	F_SEATS,
	F_AGE,
	F_AGREE,
	F_NEWS,
	F_BIG,
	F__MAX
};

static const struct form_field fields[F__MAX] = {
	{ "name", FORM_LINE, 5, true, 0, 0 },     /* F_NAME */
	{ "note", FORM_BLOCK, 20, false, 0, 0 },  /* F_NOTE */
	{ "email", FORM_EMAIL, 254, true, 0, 0 }, /* F_EMAIL */
	{ "seats", FORM_INT, 3, true, 1, 10 },    /* F_SEATS */
	{ "age", FORM_INT, 0, false, -5, 200 },   /* F_AGE */
	{ "agree", FORM_BOOL, 0, true, 0, 0 },    /* F_AGREE */
	{ "news", FORM_BOOL, 0, false, 0, 0 },    /* F_NEWS */
	{ "big", FORM_INT, 0, false, 0, 0 },      /* F_BIG */
};

static size_t
validate(const char *body, struct form_value *v)
{
	g_autoptr(GHashTable) t = decode_ok(body, strlen(body));

	return form_validate(t, fields, F__MAX, v);
}

static void
test_validate_ok(void)
{
	struct form_value v[F__MAX];

	g_assert_cmpuint(
	    validate(
	        "name=+%C3%A6%C3%B8%C3%A5+&email=a%40b.dk&"
	        "seats=+3&agree=on&note=l1%0D%0Al2%09x%0A&unknown=%01&big=-"
	        "9223372036854775808",
	        v),
	    ==, 0);
	g_assert_cmpstr(v[F_NAME].str, ==, "æøå");
	g_assert_true(v[F_NAME].present);
	g_assert_cmpstr(v[F_NOTE].str, ==, "l1\r\nl2\tx");
	g_assert_cmpstr(v[F_EMAIL].str, ==, "a@b.dk");
	g_assert_cmpstr(v[F_SEATS].str, ==, "3");
	g_assert_cmpint(v[F_SEATS].num, ==, 3);
	g_assert_false(v[F_AGE].present);
	g_assert_null(v[F_AGE].str);
	g_assert_cmpint(v[F_AGE].err, ==, FORM_FIELD_OK);
	g_assert_true(v[F_AGREE].present);
	g_assert_cmpint(v[F_AGREE].num, ==, 1);
	g_assert_false(v[F_NEWS].present);
	g_assert_cmpint(v[F_NEWS].num, ==, 0);
	g_assert_cmpint(v[F_NEWS].err, ==, FORM_FIELD_OK);
	g_assert_cmpint(v[F_BIG].num, ==, G_MININT64);
	form_values_clear(v, F__MAX);
	g_assert_null(v[F_NAME].str);

	/* Emoji count as one character each: 5 of them fit in 5. */
	g_assert_cmpuint(
	    validate(
	        "name=%F0%9F%8E%89%F0%9F%8E%89%F0%9F%8E%89"
	        "%F0%9F%8E%89%F0%9F%8E%89&email=x%40y.z.org&seats=10&agree=&"
	        "age=-5",
	        v),
	    ==, 0);
	g_assert_cmpstr(v[F_NAME].str, ==, "🎉🎉🎉🎉🎉");
	g_assert_cmpint(v[F_SEATS].num, ==, 10);
	g_assert_cmpint(v[F_AGE].num, ==, -5);
	g_assert_true(v[F_AGREE].present);
	form_values_clear(v, F__MAX);

	/* No table at all: every required field is missing. */
	g_assert_cmpuint(form_validate(NULL, fields, F__MAX, v), ==, 4);
	form_values_clear(v, F__MAX);
}

static void
test_validate_errors(void)
{
	struct form_value v[F__MAX];

	/* Everything missing or blank. */
	g_assert_cmpuint(validate("name=+++&email=&note=%20%0A", v), ==, 4);
	g_assert_cmpint(v[F_NAME].err, ==, FORM_FIELD_MISSING);
	g_assert_false(v[F_NAME].present);
	g_assert_cmpint(v[F_EMAIL].err, ==, FORM_FIELD_MISSING);
	g_assert_cmpint(v[F_SEATS].err, ==, FORM_FIELD_MISSING);
	g_assert_cmpint(v[F_AGREE].err, ==, FORM_FIELD_MISSING);
	g_assert_cmpint(v[F_NOTE].err, ==, FORM_FIELD_OK);
	g_assert_false(v[F_NOTE].present);
	form_values_clear(v, F__MAX);

	/* One error of each kind; a failed field leaves str NULL. */
	g_assert_cmpuint(
	    validate("name=abcdef&note=a%01b&email=not-an-address&"
	             "seats=11&age=x1&agree=1&big=9223372036854775808",
	        v),
	    ==, 6);
	g_assert_cmpint(v[F_NAME].err, ==, FORM_FIELD_TOOLONG);
	g_assert_true(v[F_NAME].present);
	g_assert_null(v[F_NAME].str);
	g_assert_cmpint(v[F_NOTE].err, ==, FORM_FIELD_CONTROL);
	g_assert_cmpint(v[F_EMAIL].err, ==, FORM_FIELD_INVALID);
	g_assert_null(v[F_EMAIL].str);
	g_assert_cmpint(v[F_SEATS].err, ==, FORM_FIELD_RANGE);
	g_assert_cmpint(v[F_SEATS].num, ==, 0);
	g_assert_cmpint(v[F_AGE].err, ==, FORM_FIELD_INVALID);
	g_assert_cmpint(v[F_BIG].err, ==, FORM_FIELD_RANGE);
	g_assert_cmpint(v[F_AGREE].err, ==, FORM_FIELD_OK);
	form_values_clear(v, F__MAX);

	/* Line fields refuse CR, LF and tab; numbers refuse junk. */
	g_assert_cmpuint(validate("name=a%0Db&email=a%40b.dk%0A&seats=1000&"
	                          "agree&age=1.5",
	                     v),
	    ==, 3);
	g_assert_cmpint(v[F_NAME].err, ==, FORM_FIELD_CONTROL);
	g_assert_cmpint(v[F_EMAIL].err, ==, FORM_FIELD_OK); /* trimmed */
	g_assert_cmpint(v[F_SEATS].err, ==, FORM_FIELD_TOOLONG);
	g_assert_cmpint(v[F_AGE].err, ==, FORM_FIELD_INVALID);
	form_values_clear(v, F__MAX);

	g_assert_cmpuint(validate("name=a%09b&email=a%0D%40b.dk&seats=0x1&"
	                          "agree&note=123456789012345678901",
	                     v),
	    ==, 4);
	g_assert_cmpint(v[F_NAME].err, ==, FORM_FIELD_CONTROL);
	g_assert_cmpint(v[F_EMAIL].err, ==, FORM_FIELD_CONTROL);
	g_assert_cmpint(v[F_SEATS].err, ==, FORM_FIELD_INVALID);
	g_assert_cmpint(v[F_NOTE].err, ==, FORM_FIELD_TOOLONG);
	form_values_clear(v, F__MAX);

	/* No-break spaces only: blank by Unicode's measure, so missing. */
	g_assert_cmpuint(validate("name=%C2%A0%C2%A0&email=a%40b.dk&seats=1&"
	                          "agree",
	                     v),
	    ==, 1);
	g_assert_cmpint(v[F_NAME].err, ==, FORM_FIELD_MISSING);
	g_assert_false(v[F_NAME].present);
	form_values_clear(v, F__MAX);

	g_assert_cmpstr(form_field_strerror(FORM_FIELD_MISSING), ==,
	    "is required");
	g_assert_nonnull(form_field_strerror(FORM_FIELD__MAX));
}

/* FormValues: the checked form the dispatcher hands handlers; freed by
 * g_autoptr (ASan's leak check fails the run if it were not). */
static void
test_values(void)
{
	g_autoptr(GHashTable) t = decode_ok("name=ab&email=a%40b.dk&seats=3&"
	                                    "agree",
	    strlen("name=ab&email=a%40b.dk&"
	           "seats=3&agree"));
	g_autoptr(GHashTable) bad = decode_ok("name=abcdefg", 12);
	g_autoptr(FormValues) fv = form_values_check(t, fields, F__MAX);
	g_autoptr(FormValues) fb = form_values_check(bad, fields, F__MAX);
	g_autoptr(FormValues) none = form_values_check(NULL, fields, F__MAX);

	g_assert_true(fv->fields == fields);
	g_assert_cmpuint(fv->n, ==, F__MAX);
	g_assert_cmpuint(fv->nerrors, ==, 0);
	g_assert_cmpstr(fv->v[F_NAME].str, ==, "ab");
	g_assert_cmpint(fv->v[F_SEATS].num, ==, 3);
	g_assert_true(fv->v[F_AGREE].present);
	/* name too long; email, seats, agree missing. */
	g_assert_cmpuint(fb->nerrors, ==, 4);
	g_assert_cmpint(fb->v[F_NAME].err, ==, FORM_FIELD_TOOLONG);
	g_assert_cmpuint(none->nerrors, ==, 4);

	/* A default fills a field that was not sent, checked as if sent. */
	form_values_default(fb, F_EMAIL, "c@d.dk");
	g_assert_cmpuint(fb->nerrors, ==, 3);
	g_assert_cmpstr(fb->v[F_EMAIL].str, ==, "c@d.dk");
	g_assert_true(fb->v[F_EMAIL].present);
	form_values_default(fb, F_SEATS, "99");
	g_assert_cmpuint(fb->nerrors, ==, 3);
	g_assert_cmpint(fb->v[F_SEATS].err, ==, FORM_FIELD_RANGE);
	/* ... and never replaces what was sent, good or bad. */
	form_values_default(fb, F_NAME, "ok");
	g_assert_cmpint(fb->v[F_NAME].err, ==, FORM_FIELD_TOOLONG);
	g_assert_cmpuint(fb->nerrors, ==, 3);
	form_values_default(fv, F_NAME, "xyz");
	g_assert_cmpstr(fv->v[F_NAME].str, ==, "ab");
	g_assert_cmpuint(fv->nerrors, ==, 0);

	form_values_free(NULL);
}

/* Paths that go into our links and redirects (issue 8, item 8). */
static void
test_path_is_local(void)
{
	g_autofree char *p = NULL;

	g_assert_true(form_path_is_local("/"));
	g_assert_true(form_path_is_local("/register"));
	g_assert_true(form_path_is_local("/me/abc/calendar.ics"));
	g_assert_true(form_path_is_local("/s\xc3\xb8k/"));
	g_assert_false(form_path_is_local(NULL));
	g_assert_false(form_path_is_local(""));
	g_assert_false(form_path_is_local("register"));
	g_assert_false(form_path_is_local("//evil.example/"));
	g_assert_false(form_path_is_local("/\\evil.example/"));
	g_assert_false(form_path_is_local("/a\\b"));
	g_assert_false(form_path_is_local("/a\tb"));
	g_assert_false(form_path_is_local("/a\x7f"));
	g_assert_false(form_path_is_local("https://evil.example/"));
	/* What the canonical path of "/%5Cevil.example/" is: not local. */
	p = form_canonical_path("/%5Cevil.example/", NULL);
	g_assert_cmpstr(p, ==, "/\\evil.example/");
	g_assert_false(form_path_is_local(p));
}

/* Accept-Language: the highest q of nb/no/nn or en wins, the first a tie. */
static void
test_accept_language(void)
{
	g_autofree char *big = g_strnfill(FORM_MAX_ACCEPT_LANGUAGE, 'x');

	g_assert_cmpstr(form_accept_language("nb-NO,nb;q=0.9,en;q=0.5"), ==,
	    "nb");
	g_assert_cmpstr(form_accept_language("en-US,en;q=0.5"), ==, "en");
	g_assert_cmpstr(form_accept_language("fr, nn;q=0.4, en;q=0.6"), ==,
	    "en");
	g_assert_cmpstr(form_accept_language("NO;q=1, en;q=1"), ==, "nb");
	g_assert_null(form_accept_language("fr-FR,de;q=0.5"));
	g_assert_null(form_accept_language(NULL));
	g_assert_null(form_accept_language(""));
	memcpy(big, "en,", 3);
	g_assert_null(form_accept_language(big));
	/* Empty entries (found by fuzz_accept_language): these read past
	 * the end of g_strsplit's empty vector and crashed summitd. */
	g_assert_cmpstr(form_accept_language("en,,nb"), ==, "en");
	g_assert_cmpstr(form_accept_language(",nb"), ==, "nb");
	g_assert_null(form_accept_language(","));
	g_assert_null(form_accept_language(",,,;q=1"));
}

/* The reader as it was before it read in place (g_strsplit, then
 * g_strsplit again, then g_strstrip): the reference the new one must
 * agree with on any input. */
static const char *
reference_accept_language(const char *header)
{
	g_auto(GStrv) parts = NULL;
	double best_q = -1;
	const char *best = NULL;
	char **p;

	if (header == NULL || strlen(header) >= FORM_MAX_ACCEPT_LANGUAGE)
		return NULL;
	parts = g_strsplit(header, ",", 16);
	for (p = parts; *p != NULL; p++) {
		g_auto(GStrv) kv = g_strsplit(*p, ";", 2);
		const char *tag;
		double qv = 1.0;
		const char *lang = NULL;

		if (kv[0] == NULL)
			continue;
		tag = g_strstrip(kv[0]);
		if (kv[1] != NULL) {
			const char *qs = strstr(kv[1], "q=");

			if (qs != NULL)
				qv = g_ascii_strtod(qs + 2, NULL);
		}
		if (g_ascii_strncasecmp(tag, "nb", 2) == 0 ||
		    g_ascii_strncasecmp(tag, "no", 2) == 0 ||
		    g_ascii_strncasecmp(tag, "nn", 2) == 0)
			lang = "nb";
		else if (g_ascii_strncasecmp(tag, "en", 2) == 0)
			lang = "en";
		if (lang != NULL && qv > best_q) {
			best_q = qv;
			best = lang;
		}
	}
	return best;
}

/* 200,000 headers made of the pieces that matter, up to 40 entries (more
 * than the 16 the reader splits into): both readers agree on each. */
static void
test_accept_language_same(void)
{
	static const char *const bits[] = { "nb", "en", "NO", "nn", "e", "n",
		"fr", "-NO", ",", ",", ",", ";", "q=", "q=0.5", "q=1", "q=0",
		"q=", "0.9", " ", "\t", "x", "1e3", "q=.", ";q=0.7", ",en",
		",nb;q=0.8", "*", ",,,,", ",x,x,x," };
	GRand *r = g_rand_new_with_seed(8);
	int i;

	g_assert_cmpstr(form_accept_language("nb,x,x,x,x,x,x,x,x,x,x,x,x,x,x,"
	                                     "fr;q=0.1,en;q=0.9"),
	    ==,
	    reference_accept_language("nb,x,x,x,x,x,x,x,x,x,x,x,x,x,x,"
	                              "fr;q=0.1,en;q=0.9"));
	for (i = 0; i < 200000; i++) {
		g_autoptr(GString) h = g_string_new(NULL);
		int n = g_rand_int_range(r, 0, 40), k;

		for (k = 0; k < n; k++)
			g_string_append(h,
			    bits[g_rand_int_range(r, 0, G_N_ELEMENTS(bits))]);
		if (g_strcmp0(form_accept_language(h->str),
		        reference_accept_language(h->str)) != 0)
			g_error("\"%s\": %s, before %s", h->str,
			    form_accept_language(h->str),
			    reference_accept_language(h->str));
	}
	g_rand_free(r);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/form/decode", test_decode);
	g_test_add_func("/form/decode_edges", test_decode_edges);
	g_test_add_func("/form/decode_utf8", test_decode_utf8);
	g_test_add_func("/form/decode_reject", test_decode_reject);
	g_test_add_func("/form/path", test_path);
	g_test_add_func("/form/path_is_local", test_path_is_local);
	g_test_add_func("/form/validate_ok", test_validate_ok);
	g_test_add_func("/form/validate_errors", test_validate_errors);
	g_test_add_func("/form/accept_language", test_accept_language);
	g_test_add_func("/form/accept_language_same",
	    test_accept_language_same);
	g_test_add_func("/form/values", test_values);
	return g_test_run();
}
