/*
 * test_csv.c -- the CSV reader (base/csv.c) the registrations import
 * reads an organiser's paste with: quotes, doubled quotes, line ends,
 * empty cells, an open quote, the row cap.
 */
#include "base/base.h"

/* Row i of rows as one string, cells joined by '|', or "(blank)". */
static char *
row_text(GPtrArray *rows, guint i)
{
	char **row;

	g_assert_cmpuint(i, <, rows->len);
	row = g_ptr_array_index(rows, i);
	return row == NULL ? g_strdup("(blank)") : g_strjoinv("|", row);
}

static void
assert_row(GPtrArray *rows, guint i, const char *want)
{
	g_autofree char *got = row_text(rows, i);

	g_assert_cmpstr(got, ==, want);
}

static GPtrArray *
parse_ok(const char *text, guint max_rows)
{
	gsize line = 0;
	GPtrArray *rows = csv_parse(text, max_rows, &line);

	g_assert_nonnull(rows);
	g_assert_cmpuint(line, ==, 0);
	return rows;
}

static void
test_plain(void)
{
	g_autoptr(GPtrArray) rows = parse_ok("name,email\nKari,k@x.no",
	    G_MAXUINT);

	g_assert_cmpuint(rows->len, ==, 2);
	assert_row(rows, 0, "name|email");
	assert_row(rows, 1, "Kari|k@x.no");
	g_assert_cmpuint(g_strv_length(g_ptr_array_index(rows, 1)), ==, 2);
}

/* A quoted cell keeps commas, newlines and, doubled, quotes. */
static void
test_quotes(void)
{
	g_autoptr(GPtrArray) rows = parse_ok(
	    "\"Nordmann, Kari\",\"say \"\"hei\"\"\",\"two\nlines\"\n"
	    "\"\"\"\",\"\"\n",
	    G_MAXUINT);
	char **r;

	g_assert_cmpuint(rows->len, ==, 3);
	r = g_ptr_array_index(rows, 0);
	g_assert_cmpuint(g_strv_length(r), ==, 3);
	g_assert_cmpstr(r[0], ==, "Nordmann, Kari");
	g_assert_cmpstr(r[1], ==, "say \"hei\"");
	g_assert_cmpstr(r[2], ==, "two\nlines");
	r = g_ptr_array_index(rows, 1);
	g_assert_cmpuint(g_strv_length(r), ==, 2);
	g_assert_cmpstr(r[0], ==, "\"");
	g_assert_cmpstr(r[1], ==, "");
	assert_row(rows, 2, "(blank)");
}

/* A quote inside an unquoted cell is text, not a quote. */
static void
test_quote_inside(void)
{
	g_autoptr(GPtrArray) rows = parse_ok("O\"Brien,5\"\n", G_MAXUINT);

	assert_row(rows, 0, "O\"Brien|5\"");
}

/* CRLF and LF end lines alike; a lone CR is text; a final newline
 * leaves a blank row, as a blank line in the middle does. */
static void
test_line_ends(void)
{
	g_autoptr(GPtrArray) crlf = parse_ok("a,b\r\nc,d\r\n\r\ne\r\n",
	    G_MAXUINT);
	g_autoptr(GPtrArray) lf = parse_ok("a,b\nc,d\n\ne\n", G_MAXUINT);
	g_autoptr(GPtrArray) cr = parse_ok("a\rb", G_MAXUINT);
	g_autoptr(GPtrArray) quoted = parse_ok("\"x\r\ny\"\r\n", G_MAXUINT);
	guint i;

	g_assert_cmpuint(crlf->len, ==, 5);
	g_assert_cmpuint(lf->len, ==, 5);
	for (i = 0; i < lf->len; i++) {
		g_autofree char *a = row_text(crlf, i), *b = row_text(lf, i);

		g_assert_cmpstr(a, ==, b);
	}
	assert_row(lf, 1, "c|d");
	assert_row(lf, 2, "(blank)");
	assert_row(lf, 3, "e");
	assert_row(lf, 4, "(blank)");
	assert_row(cr, 0, "a\rb");
	/* Inside quotes a line end is the cell's, CR and all. */
	assert_row(quoted, 0, "x\r\ny");
}

/* Empty cells are empty strings, in any position; a line of commas is a
 * row of empty cells, not a blank line. */
static void
test_empty_cells(void)
{
	g_autoptr(GPtrArray) rows = parse_ok(",a,,\n,,\n\n", G_MAXUINT);
	g_autoptr(GPtrArray) none = parse_ok("", G_MAXUINT);
	char **r;

	g_assert_cmpuint(rows->len, ==, 4);
	r = g_ptr_array_index(rows, 0);
	g_assert_cmpuint(g_strv_length(r), ==, 4);
	g_assert_cmpstr(r[0], ==, "");
	g_assert_cmpstr(r[1], ==, "a");
	g_assert_cmpstr(r[2], ==, "");
	g_assert_cmpstr(r[3], ==, "");
	r = g_ptr_array_index(rows, 1);
	g_assert_cmpuint(g_strv_length(r), ==, 3);
	assert_row(rows, 2, "(blank)");
	/* Empty text: one blank row. */
	g_assert_cmpuint(none->len, ==, 1);
	assert_row(none, 0, "(blank)");
}

/* An open quote fails the whole text, naming the line it opened on,
 * even when the quoted part runs over later lines. */
static void
test_open_quote(void)
{
	gsize line = 0;
	GPtrArray *rows;

	rows = csv_parse("name\nKari,\"k@x.no\n", G_MAXUINT, &line);
	g_assert_null(rows);
	g_assert_cmpuint(line, ==, 2);
	line = 0;
	rows = csv_parse("a\n\"b\nc\"\nd,\"e\nf\ng", G_MAXUINT, &line);
	g_assert_null(rows);
	g_assert_cmpuint(line, ==, 4);
	line = 0;
	rows = csv_parse("\"", G_MAXUINT, &line);
	g_assert_null(rows);
	g_assert_cmpuint(line, ==, 1);
}

/* Reading stops one row past the cap (blank rows count), so a huge paste
 * costs no more than the cap; at the cap, everything is read. */
static void
test_row_cap(void)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GPtrArray) at = NULL, over = NULL, blanks = NULL;
	g_autoptr(GPtrArray) quote_late = NULL;
	gsize line = 0;
	guint i;

	for (i = 0; i < 10; i++)
		g_string_append_printf(text, "p%u,p%u@x.no\n", i, i);
	/* Ten rows and the blank one after the last newline: eleven. */
	at = parse_ok(text->str, 11);
	g_assert_cmpuint(at->len, ==, 11);
	over = parse_ok(text->str, 4);
	g_assert_cmpuint(over->len, ==, 5);
	assert_row(over, 4, "p4|p4@x.no");
	blanks = parse_ok("\n\n\n\n\n", 2);
	g_assert_cmpuint(blanks->len, ==, 3);
	/* What lies past the cap is not read: not even an open quote. */
	g_string_append(text, "\"open");
	quote_late = csv_parse(text->str, 4, &line);
	g_assert_nonnull(quote_late);
	g_assert_cmpuint(quote_late->len, ==, 5);
	g_assert_null(csv_parse(text->str, G_MAXUINT, &line));
	g_assert_cmpuint(line, ==, 11);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/base/csv/plain", test_plain);
	g_test_add_func("/base/csv/quotes", test_quotes);
	g_test_add_func("/base/csv/quote_inside", test_quote_inside);
	g_test_add_func("/base/csv/line_ends", test_line_ends);
	g_test_add_func("/base/csv/empty_cells", test_empty_cells);
	g_test_add_func("/base/csv/open_quote", test_open_quote);
	g_test_add_func("/base/csv/row_cap", test_row_cap);
	return g_test_run();
}
