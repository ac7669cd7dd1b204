/*
 * fuzz_reg_csv.c -- the registrations import's CSV reader
 * (app_reg_csv_parse in src/app/registrations.c, what an organiser pastes
 * into the console's import form) and the checks each cell then gets.
 *
 * Properties: parsing fails only on an open quote, naming a line within
 * the text; every row is a NULL-terminated vector; the cell checks of the
 * import (text_check_line, text_check_email) hold their contract on every
 * cell.  And the writer round-trips: the cells of the first parsed row,
 * written back with text_csv_cell (the exports' writer), parse to the
 * same cells, with the apostrophe the writer puts before a cell a
 * spreadsheet would run as a formula.
 */
#include "fuzz.h"
#include "base/base.h"
#include "app/app.h"

#include <string.h>

static void
check_cell(const char *cell)
{
	enum text_err e = text_check_line(cell, 200);

	FUZZ_CHECK(e < TEXT__MAX);
	if (e == TEXT_OK)
		FUZZ_CHECK(g_utf8_validate(cell, -1, NULL) &&
		    g_utf8_strlen(cell, -1) <= 200);
	if (text_check_email(cell) == TEXT_OK)
		FUZZ_CHECK(strchr(cell, '@') != NULL && strlen(cell) <= 254);
}

static void
round_trip(char **cells)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GPtrArray) back = NULL;
	char **row;
	gsize line = 0;
	guint i;

	for (i = 0; cells[i] != NULL; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		text_csv_cell(out, cells[i]);
	}
	g_string_append(out, "\r\n");
	back = app_reg_csv_parse(out->str, &line);
	/* The row, and the empty line after its CRLF. */
	FUZZ_CHECK(back != NULL && back->len == 2);
	FUZZ_CHECK(g_ptr_array_index(back, 1) == NULL);
	row = g_ptr_array_index(back, 0);
	FUZZ_CHECK(row != NULL && g_strv_length(row) == i);
	for (i = 0; cells[i] != NULL; i++) {
		const char *c = cells[i], *r = row[i];

		if (c[0] != '\0' && strchr("=+-@\t\r", c[0]) != NULL) {
			FUZZ_CHECK(r[0] == '\'');
			r++;
		}
		FUZZ_CHECK(strcmp(c, r) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_cstr(data, size);
	g_autoptr(GPtrArray) rows = NULL;
	gsize line = 0, nlines = 1;
	guint i, k;

	for (i = 0; text[i] != '\0'; i++)
		if (text[i] == '\n')
			nlines++;
	rows = app_reg_csv_parse(text, &line);
	if (rows == NULL) {
		FUZZ_CHECK(line >= 1 && line <= nlines);
		FUZZ_CHECK(strchr(text, '"') != NULL);
		return 0;
	}
	FUZZ_CHECK(rows->len <= nlines);
	for (i = 0; i < rows->len; i++) {
		char **row = g_ptr_array_index(rows, i);

		for (k = 0; row != NULL && row[k] != NULL; k++)
			check_cell(row[k]);
	}
	if (rows->len > 0 && g_ptr_array_index(rows, 0) != NULL)
		round_trip(g_ptr_array_index(rows, 0));
	return 0;
}
