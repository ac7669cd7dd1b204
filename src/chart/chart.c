/*
 * chart.c -- SVG charts from numbers (chart.h): the frame every chart
 * shares (title, description, legend, axis ticks) and the three shapes
 * the dashboard draws.  Numbers are written with g_ascii_formatd, so the
 * output does not depend on the locale; text goes through
 * g_markup_escape_text.  Only presentation attributes are used (no
 * style attribute or element), which the console's CSP allows.
 */
#include "chart/chart.h"

#include <math.h>
#include <string.h>

#define W 640.0
#define FONT 12
#define INK "#1f1f1f"
#define GRID "#c8c8c8"
#define LABEL_CHARS 30 /* a longer label is cut; the table has it all */
#define XLABELS 6      /* at most this many labels under columns */

static void
esc(GString *s, const char *text)
{
	g_autofree char *e = g_markup_escape_text(text != NULL ? text : "", -1);

	g_string_append(s, e);
}

static void
num(GString *s, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	size_t len;

	if (!isfinite(v))
		v = 0;
	g_ascii_formatd(buf, sizeof buf, "%.1f", v);
	len = strlen(buf);
	if (len > 2 && strcmp(buf + len - 2, ".0") == 0)
		buf[len - 2] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	g_string_append(s, buf);
}

static double
value(const struct chart_series *se, size_t i)
{
	double v = se->v[i];

	return isfinite(v) && v > 0 ? v : 0;
}

double
chart_nice_max(double max, double *step)
{
	static const double m[] = { 1, 2, 5, 10 };
	double p, end = 1;
	size_t i;

	if (!isfinite(max) || max < 1)
		max = 1;
	p = pow(10, floor(log10(max)));
	for (i = 0; i < G_N_ELEMENTS(m); i++)
		if ((end = m[i] * p) >= max)
			break;
	/* Four or five ticks; whole numbers, as the charts count people. */
	*step = MAX(end / (m[i] == 2 ? 4 : 5), 1);
	return end;
}

/* The largest stacked total of a category. */
static double
stack_max(const struct chart *c, bool stacked)
{
	double max = 0;
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		double t = 0;

		for (k = 0; k < c->nseries; k++) {
			double v = value(&c->series[k], i);

			t = stacked ? t + v : MAX(t, v);
		}
		max = MAX(max, t);
	}
	return max;
}

static void
svg_open(GString *s, const struct chart *c, double h)
{
	g_string_append(s,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\""
	    " class=\"chart\" role=\"img\" viewBox=\"0 0 ");
	num(s, W);
	g_string_append_c(s, ' ');
	num(s, h);
	g_string_append(s,
	    "\" font-size=\"" G_STRINGIFY(
	        FONT) "\""
	              " font-family=\"sans-serif\" aria-labelledby=\"");
	esc(s, c->id);
	g_string_append(s, "-t ");
	esc(s, c->id);
	g_string_append(s, "-d\"><title id=\"");
	esc(s, c->id);
	g_string_append(s, "-t\">");
	esc(s, c->title);
	g_string_append(s, "</title><desc id=\"");
	esc(s, c->id);
	g_string_append(s, "-d\">");
	esc(s, c->desc);
	g_string_append(s, "</desc>");
}

static void
text(GString *s, double x, double y, const char *anchor, const char *t)
{
	g_string_append(s, "<text x=\"");
	num(s, x);
	g_string_append(s, "\" y=\"");
	num(s, y);
	g_string_append_printf(s, "\" fill=\"" INK "\" text-anchor=\"%s\">",
	    anchor);
	esc(s, t);
	g_string_append(s, "</text>");
}

static void
rect(GString *s, double x, double y, double w, double h, const char *fill)
{
	g_string_append(s, "<rect x=\"");
	num(s, x);
	g_string_append(s, "\" y=\"");
	num(s, y);
	g_string_append(s, "\" width=\"");
	num(s, w);
	g_string_append(s, "\" height=\"");
	num(s, h);
	g_string_append(s, "\" fill=\"");
	esc(s, fill);
	g_string_append(s, "\"/>");
}

static void
line(GString *s, double x1, double y1, double x2, double y2, const char *stroke,
    bool dashed)
{
	g_string_append(s, "<line x1=\"");
	num(s, x1);
	g_string_append(s, "\" y1=\"");
	num(s, y1);
	g_string_append(s, "\" x2=\"");
	num(s, x2);
	g_string_append(s, "\" y2=\"");
	num(s, y2);
	g_string_append(s, "\" stroke=\"");
	esc(s, stroke);
	g_string_append(s,
	    dashed ? "\" stroke-width=\"2\""
	             " stroke-dasharray=\"6 3\"/>" :
	             "\" stroke-width=\"1\"/>");
}

/* A label no longer than LABEL_CHARS characters. */
static char *
cut(const char *label)
{
	g_autofree char *head = NULL;

	if (label == NULL)
		return g_strdup("");
	if (!g_utf8_validate(label, -1, NULL))
		return g_strdup("?");
	if (g_utf8_strlen(label, -1) <= LABEL_CHARS)
		return g_strdup(label);
	head = g_utf8_substring(label, 0, LABEL_CHARS - 1);
	return g_strconcat(head, "…", NULL);
}

static char *
tick_text(const struct chart *c, double v)
{
	GString *s = g_string_new(NULL);

	num(s, v);
	if (c->unit != NULL)
		g_string_append(s, c->unit);
	return g_string_free(s, FALSE);
}

/* The legend along the top: a swatch and a name per series, then the
 * target's dashed line and its label. */
static void
legend(GString *s, const struct chart *c, bool target)
{
	double x = 8;
	size_t k;

	for (k = 0; k < c->nseries; k++) {
		const char *name = c->series[k].name;

		rect(s, x, 6, 12, 12, c->series[k].colour);
		text(s, x + 16, 16, "start", name);
		x += 16 + 7.0 * g_utf8_strlen(name != NULL ? name : "", -1) +
		    16;
	}
	if (target) {
		line(s, x, 12, x + 18, 12, INK, true);
		text(s, x + 22, 16, "start", c->target_label);
	}
}

char *
chart_hbars(const struct chart *c)
{
	const double label_x = 214, x0 = 222, x1 = W - 48, y0 = 30;
	const double row = 26, bar = 18;
	bool target = c->target >= 0;
	double step, max, h, pw = x1 - x0, t;
	GString *s = g_string_new(NULL);
	size_t i, k;

	max = stack_max(c, true);
	if (target)
		max = MAX(max, c->target);
	max = chart_nice_max(c->max > 0 ? c->max : max, &step);
	h = y0 + c->n * row + 24;
	svg_open(s, c, h);
	legend(s, c, target);
	for (t = 0; t <= max + step / 2; t += step) {
		g_autofree char *tt = tick_text(c, t);
		double x = x0 + t / max * pw;

		line(s, x, y0 - 4, x, y0 + c->n * row, GRID, false);
		text(s, x, h - 6, "middle", tt);
	}
	for (i = 0; i < c->n; i++) {
		g_autofree char *label = cut(c->labels[i]);
		double y = y0 + i * row + (row - bar) / 2, x = x0, total = 0;
		GString *sum;

		text(s, label_x, y + bar / 2 + 4, "end", label);
		for (k = 0; k < c->nseries; k++) {
			double v = value(&c->series[k], i);
			double w = MIN(v / max * pw, x1 - x);

			if (w > 0)
				rect(s, x, y, w, bar, c->series[k].colour);
			x += MAX(w, 0);
			total += v;
		}
		sum = g_string_new(NULL);
		num(sum, total);
		if (c->unit != NULL)
			g_string_append(sum, c->unit);
		text(s, x + 4, y + bar / 2 + 4, "start", sum->str);
		g_string_free(sum, TRUE);
	}
	if (target) {
		double x = x0 + MIN(c->target, max) / max * pw;

		line(s, x, y0 - 4, x, y0 + c->n * row, INK, true);
	}
	g_string_append(s, "</svg>");
	return g_string_free(s, FALSE);
}

/* The frame of columns and lines: y grid and numbers, x labels. */
struct frame {
	double x0, x1, y0, y1, max, step, cw;
};

static void
frame_draw(GString *s, const struct chart *c, struct frame *f, bool stacked)
{
	size_t i, every;
	double t;

	f->x0 = 56;
	f->x1 = W - 12;
	f->y0 = 32;
	f->y1 = 216;
	f->max = chart_nice_max(c->max > 0 ? c->max : stack_max(c, stacked),
	    &f->step);
	f->cw = (f->x1 - f->x0) / MAX(c->n, 1);
	svg_open(s, c, f->y1 + 28);
	legend(s, c, false);
	for (t = 0; t <= f->max + f->step / 2; t += f->step) {
		g_autofree char *tt = tick_text(c, t);
		double y = f->y1 - t / f->max * (f->y1 - f->y0);

		line(s, f->x0, y, f->x1, y, GRID, false);
		text(s, f->x0 - 6, y + 4, "end", tt);
	}
	every = (c->n + XLABELS - 1) / XLABELS;
	for (i = 0; i < c->n; i += MAX(every, 1)) {
		g_autofree char *label = cut(c->labels[i]);

		text(s, f->x0 + (i + 0.5) * f->cw, f->y1 + 18, "middle", label);
	}
}

char *
chart_columns(const struct chart *c)
{
	GString *s = g_string_new(NULL);
	struct frame f;
	size_t i, k;

	frame_draw(s, c, &f, true);
	for (i = 0; i < c->n; i++) {
		double x = f.x0 + i * f.cw + f.cw * 0.1, y = f.y1;
		double bw = MAX(f.cw * 0.8, 0.5);

		for (k = 0; k < c->nseries; k++) {
			double hh = value(&c->series[k], i) / f.max *
			    (f.y1 - f.y0);

			hh = MIN(hh, y - f.y0);
			if (hh <= 0)
				continue;
			y -= hh;
			rect(s, x, y, bw, hh, c->series[k].colour);
		}
	}
	g_string_append(s, "</svg>");
	return g_string_free(s, FALSE);
}

char *
chart_lines(const struct chart *c)
{
	GString *s = g_string_new(NULL);
	struct frame f;
	size_t i, k;

	frame_draw(s, c, &f, false);
	for (k = 0; k < c->nseries; k++) {
		const struct chart_series *se = &c->series[k];

		g_string_append(s,
		    "<polyline fill=\"none\" stroke-width=\"2\""
		    " stroke=\"");
		esc(s, se->colour);
		g_string_append(s, "\" points=\"");
		for (i = 0; i < c->n; i++) {
			double v = MIN(value(se, i), f.max);

			if (i > 0)
				g_string_append_c(s, ' ');
			num(s, f.x0 + (i + 0.5) * f.cw);
			g_string_append_c(s, ',');
			num(s, f.y1 - v / f.max * (f.y1 - f.y0));
		}
		g_string_append(s, "\"/>");
		/* A point alone is no line: a dot shows it. */
		if (c->n == 1) {
			g_string_append(s, "<circle r=\"4\" cx=\"");
			num(s, f.x0 + 0.5 * f.cw);
			g_string_append(s, "\" cy=\"");
			num(s,
			    f.y1 -
			        MIN(value(se, 0), f.max) / f.max *
			            (f.y1 - f.y0));
			g_string_append(s, "\" fill=\"");
			esc(s, se->colour);
			g_string_append(s, "\"/>");
		}
	}
	g_string_append(s, "</svg>");
	return g_string_free(s, FALSE);
}
