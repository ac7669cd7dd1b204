/*
 * csv.c -- CSV text read into rows of cells: what an organiser pastes
 * into the console's import form (app_reg_import) or a spreadsheet saves.
 *
 * RFC 4180 as spreadsheets write it: a quoted cell may hold commas,
 * doubled quotes and newlines; lines end in CRLF or LF.  A quote counts
 * only at the start of a cell; one inside an unquoted cell is text.  The
 * reader is pure and keeps no state, so it is tested on its own
 * (tests/unit/base/test_csv.c) and fuzzed (tests/fuzz/fuzz_reg_csv.c).
 */
#include "base/base.h"

static void
csv_strv_free(gpointer p)
{
	g_strfreev(p);
}

GPtrArray *
csv_parse(const char *text, guint max_rows, gsize *error_line)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(
	    csv_strv_free);
	g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) cell = g_string_new(NULL);
	const char *s = text;
	gsize line = 1, start_line = 1;
	bool quoted = false, any = false;

	for (;; s++) {
		if (quoted) {
			if (*s == '\0') {
				*error_line = start_line;
				return NULL;
			}
			if (*s == '"' && s[1] == '"') {
				g_string_append_c(cell, '"');
				s++;
			} else if (*s == '"')
				quoted = false;
			else {
				if (*s == '\n')
					line++;
				g_string_append_c(cell, *s);
			}
			continue;
		}
		if (*s == '"' && cell->len == 0) {
			quoted = true;
			any = true;
			start_line = line;
			continue;
		}
		if (*s == ',') {
			g_ptr_array_add(row, g_strdup(cell->str));
			g_string_truncate(cell, 0);
			any = true;
			continue;
		}
		if (*s == '\r' && s[1] == '\n')
			continue;
		if (*s == '\n' || *s == '\0') {
			if (any || cell->len > 0) {
				g_ptr_array_add(row, g_strdup(cell->str));
				g_ptr_array_add(row, NULL);
				g_ptr_array_add(rows,
				    g_ptr_array_steal(row, NULL));
			} else
				g_ptr_array_add(rows, NULL); /* blank line */
			g_string_truncate(cell, 0);
			any = false;
			line++;
			start_line = line;
			/* One row past the cap tells the caller "too many"
			 * without building the rest. */
			if (*s == '\0' || rows->len > max_rows)
				break;
			continue;
		}
		g_string_append_c(cell, *s);
	}
	return g_steal_pointer(&rows);
}
