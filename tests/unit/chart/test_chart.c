/*
 * test_chart.c -- the dashboard's SVG charts (src/chart): each shape is
 * well-formed XML (read back with GMarkup), named by its title and
 * description, escapes every text it is given, draws to scale, and
 * stays whole with no categories, zeros, negatives or NaN.
 */
#include "chart/chart.h"

#include <math.h>
#include <string.h>

typedef char *(*shape_fn)(const struct chart *c);

/* Counts elements by name while GMarkup checks the XML. */
struct seen {
	GHashTable *count;
	GString *text; /* of <title> */
	bool in_title;
};

static void
on_start(GMarkupParseContext *ctx, const char *name, const char **an,
    const char **av, gpointer user, GError **error)
{
	struct seen *s = user;
	gpointer n = g_hash_table_lookup(s->count, name);

	(void)ctx;
	(void)an;
	(void)av;
	(void)error;
	g_hash_table_replace(s->count, g_strdup(name),
	    GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
	s->in_title = strcmp(name, "title") == 0;
}

static void
on_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer user,
    GError **error)
{
	struct seen *s = user;

	(void)ctx;
	(void)error;
	if (s->in_title)
		g_string_append_len(s->text, text, len);
}

static void
on_end(GMarkupParseContext *ctx, const char *name, gpointer user,
    GError **error)
{
	struct seen *s = user;

	(void)ctx;
	(void)name;
	(void)error;
	s->in_title = false;
}

static int
parse(const char *svg, GHashTable **count, char **title)
{
	static const GMarkupParser p = { on_start, on_end, on_text, NULL,
		NULL };
	struct seen s = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		              NULL),
		g_string_new(NULL), false };
	g_autoptr(GError) error = NULL;
	GMarkupParseContext *ctx = g_markup_parse_context_new(&p, 0, &s, NULL);
	gboolean ok = g_markup_parse_context_parse(ctx, svg, -1, &error) &&
	    g_markup_parse_context_end_parse(ctx, &error);

	g_markup_parse_context_free(ctx);
	if (!ok)
		g_printerr("not XML: %s\n%s\n", error->message, svg);
	*count = s.count;
	*title = g_string_free(s.text, FALSE);
	return ok;
}

static int
elements(GHashTable *count, const char *name)
{
	return GPOINTER_TO_INT(g_hash_table_lookup(count, name));
}

static const double a[] = { 3, 0, 7 };
static const double b[] = { 1, 2, -5 };
static const char *const labels[] = { "Næringsliv <&> \"co\"", "Akademia",
	"A label much longer than thirty characters, cut" };

static struct chart
sample(void)
{
	static const struct chart_series series[] = {
		{ "Bekreftet", "#2b7a3d", a },
		{ "Venter <b>", "#a86200", b },
	};

	return (struct chart){ .id = "chart-x",
		.title = "Per dag & <natt>",
		.desc = "Hva \"den\" viser",
		.labels = labels,
		.n = 3,
		.series = series,
		.nseries = 2,
		.target = 5,
		.target_label = "Grense <5>" };
}

static void
test_shapes(void)
{
	static const struct {
		shape_fn fn;
		const char *mark; /* the element each value is drawn as */
	} shapes[] = { { chart_hbars, "rect" }, { chart_columns, "rect" },
		{ chart_lines, "polyline" } };
	struct chart c = sample();
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(shapes); i++) {
		g_autofree char *svg = shapes[i].fn(&c);
		g_autoptr(GHashTable) count = NULL;
		g_autofree char *title = NULL;

		g_assert_true(parse(svg, &count, &title));
		g_assert_true(g_str_has_prefix(svg, "<svg "));
		g_assert_nonnull(strstr(svg, "role=\"img\""));
		g_assert_nonnull(
		    strstr(svg, "aria-labelledby=\"chart-x-t chart-x-d\""));
		g_assert_cmpint(elements(count, "title"), ==, 1);
		g_assert_cmpint(elements(count, "desc"), ==, 1);
		g_assert_cmpstr(title, ==, "Per dag & <natt>");
		g_assert_cmpint(elements(count, shapes[i].mark), >, 0);
		/* Text is escaped, never markup. */
		g_assert_null(strstr(svg, "<b>"));
		g_assert_null(strstr(svg, "<natt>"));
		g_assert_null(strstr(svg, "nan"));
		g_assert_null(strstr(svg, "inf"));
		g_assert_null(strstr(svg, "style"));
	}
}

static void
test_hbars_scale(void)
{
	struct chart c = sample();
	g_autofree char *svg = NULL;
	g_autoptr(GHashTable) count = NULL;
	g_autofree char *title = NULL;

	/* Values 3+1 and 7 (and a negative drawn as nothing): the axis
	 * ends at 10, the bar area is 370 wide, so 7 is 259 wide. */
	c.nseries = 2;
	svg = chart_hbars(&c);
	g_assert_true(parse(svg, &count, &title));
	g_assert_nonnull(strstr(svg, "width=\"259\""));
	g_assert_nonnull(strstr(svg, "width=\"111\""));
	g_assert_nonnull(strstr(svg, "width=\"37\""));
	/* 4 segments (3, 1, 2, 7; the 0 and the -5 drawn as nothing) and 2
	 * legend swatches; the target's line in the legend and the plot. */
	g_assert_cmpint(elements(count, "rect"), ==, 2 + 4);
	g_assert_nonnull(strstr(svg, "stroke-dasharray"));
	g_assert_nonnull(strstr(svg, "Grense &lt;5&gt;"));
	/* A long label is cut with an ellipsis. */
	g_assert_nonnull(strstr(svg, "A label much longer than thir…"));
}

static void
test_empty(void)
{
	struct chart c = sample();
	shape_fn fns[] = { chart_hbars, chart_columns, chart_lines };
	static const double nan_v[] = { NAN };
	const struct chart_series s = { "x", "#000000", nan_v };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(fns); i++) {
		g_autofree char *none = NULL, *one = NULL;
		g_autoptr(GHashTable) count = NULL, count2 = NULL;
		g_autofree char *t1 = NULL, *t2 = NULL;

		c = sample();
		c.n = 0;
		none = fns[i](&c);
		g_assert_true(parse(none, &count, &t1));
		c.n = 1;
		c.series = &s;
		c.nseries = 1;
		c.target = -1;
		one = fns[i](&c);
		g_assert_true(parse(one, &count2, &t2));
		g_assert_null(strstr(one, "nan"));
	}
}

static void
test_nice_max(void)
{
	static const struct {
		double max, end, step;
	} cases[] = { { 0, 1, 1 }, { 1, 1, 1 }, { 3, 5, 1 }, { 7, 10, 2 },
		{ 11, 20, 5 }, { 45000, 50000, 10000 }, { 100, 100, 20 },
		{ 101, 200, 50 }, { NAN, 1, 1 } };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		double step = 0;

		g_assert_cmpfloat(chart_nice_max(cases[i].max, &step), ==,
		    cases[i].end);
		g_assert_cmpfloat(step, ==, cases[i].step);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/chart/shapes", test_shapes);
	g_test_add_func("/chart/hbars-scale", test_hbars_scale);
	g_test_add_func("/chart/empty", test_empty);
	g_test_add_func("/chart/nice-max", test_nice_max);
	return g_test_run();
}
