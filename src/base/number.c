/*
 * number.c -- numbers as people read them, in their language: Norwegian
 * (nb) groups thousands with a narrow no-break space (U+202F, so a number
 * never breaks across lines) and writes a decimal comma; English with a
 * comma and a decimal point.  The one place a number is written for
 * reading: templates reach it through {{name|num}} (tmpl.h).
 */
#include "base/base.h"

#include <math.h>

#define NB_GROUP "\xe2\x80\xaf" /* U+202F NARROW NO-BREAK SPACE */

static bool
lang_nb(const char *lang)
{
	return lang != NULL && g_str_has_prefix(lang, "nb");
}

/* The digits of v (not negative) grouped by threes. */
static void
put_grouped(GString *out, guint64 v, const char *lang)
{
	char digits[24];
	int len = g_snprintf(digits, sizeof(digits), "%" G_GUINT64_FORMAT, v);
	int i;

	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			g_string_append(out, lang_nb(lang) ? NB_GROUP : ",");
		g_string_append_c(out, digits[i]);
	}
}

void
text_number(GString *out, gint64 n, const char *lang)
{
	if (n < 0)
		g_string_append_c(out, '-');
	/* -(n + 1) + 1 keeps G_MININT64 in range. */
	put_grouped(out, n < 0 ? (guint64)(-(n + 1)) + 1 : (guint64)n, lang);
}

void
text_number_double(GString *out, double v, const char *lang)
{
	double whole, r;
	guint64 cents;

	if (!isfinite(v)) {
		g_string_append(out, isnan(v) ? "NaN" : v < 0 ? "-∞" : "∞");
		return;
	}
	/* Two decimals at most, trailing zeros dropped: 12.5, not 12.50. */
	r = round(fabs(v) * 100.0);
	if (r >= 1e18) { /* beyond what two decimals can say */
		text_number(out, (gint64)CLAMP(v, -9.2e18, 9.2e18), lang);
		return;
	}
	cents = (guint64)r;
	whole = (double)(cents / 100);
	if (v < 0 && cents > 0)
		g_string_append_c(out, '-');
	put_grouped(out, (guint64)whole, lang);
	if (cents % 100 != 0) {
		g_string_append_c(out, lang_nb(lang) ? ',' : '.');
		g_string_append_printf(out, "%u", (unsigned)(cents % 100 / 10));
		if (cents % 10 != 0)
			g_string_append_printf(out, "%u",
			    (unsigned)(cents % 10));
	}
}

char *
text_number_new(gint64 n, const char *lang)
{
	GString *s = g_string_new(NULL);

	text_number(s, n, lang);
	return g_string_free(s, FALSE);
}
