/*
 * chart.h -- small charts drawn as SVG from numbers, for the console's
 * dashboard: stacked horizontal bars (with a target line), stacked
 * columns and lines.  Pure computation: no I/O, no JavaScript, nothing
 * fetched from elsewhere.  Every text (title, description, labels,
 * legend) is escaped as it is written, so the caller may hand in what
 * people typed; the result may go into a page raw.
 *
 * Each chart is an <svg role="img"> named by its <title> and <desc>
 * (aria-labelledby), so a screen reader reads one picture with its
 * words; the numbers themselves belong in a table beside it.
 */
#ifndef SUMMIT_CHART_H
#define SUMMIT_CHART_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* One series: a name for the legend, its colour, a value per category. */
struct chart_series {
	const char *name;
	const char *colour; /* "#rrggbb" */
	const double *v;    /* n values; negative ones count as 0 */
};

struct chart {
	const char *id;            /* unique in the page: [a-z0-9-], names the
			      title's and the description's ids */
	const char *title;         /* the picture's name */
	const char *desc;          /* what it shows, in a sentence or two */
	const char *const *labels; /* n category labels */
	size_t n;
	const struct chart_series *series;
	size_t nseries;
	double max;       /* the axis' end; <= 0: from the data */
	const char *unit; /* after each axis number ("%"), or NULL */
	double target;    /* hbars: a dashed line there; < 0: none */
	const char *target_label;
};

/* Categories as rows, the series stacked left to right (transfer full). */
char *chart_hbars(const struct chart *c);
/* Categories as columns, the series stacked bottom up (transfer full). */
char *chart_columns(const struct chart *c);
/* One line per series over the categories (transfer full). */
char *chart_lines(const struct chart *c);

/* The axis' end for values up to max: 1, 2 or 5 times a power of ten,
 * at least 1; *step gets the distance between its ticks. */
double chart_nice_max(double max, double *step);

#endif
