/*
 * sheet/sheet.c -- one writer for the console's exports, two outputs:
 * CSV text through text_csv_cell (which defuses a leading = + - @), and
 * .xlsx through libxlsxwriter.  The workbook is written in constant-memory
 * mode (row by row, as the exports read their rows in chunks) to a
 * mkstemp file under the temp dir, read back and unlinked.  Text always
 * goes through worksheet_write_string: a cell holding "=1+1" is the
 * string "=1+1", never a formula.
 */
#include "sheet/sheet.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/base.h"

#define SHEET_WIDTH_MAX 60
#define SHEET_TIME_WIDTH 17

struct sheet_book {
	enum sheet_format fmt;
	GString *csv;
	char *path;   /* the .xlsx temp file */
	char *tmpdir; /* where libxlsxwriter keeps its row files */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *when;
	lxw_format *day; /* a date without a time (sheet_date) */
	lxw_error err;   /* the first write that failed */
	guint row, col, ncols;
	GArray *widths; /* per column of the current sheet, in characters */
};

SheetBook *
sheet_book_new(enum sheet_format fmt, GError **error)
{
	SheetBook *b = g_new0(SheetBook, 1);
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	int fd;

	b->fmt = fmt;
	b->widths = g_array_new(FALSE, TRUE, sizeof(double));
	if (fmt != SHEET_XLSX) {
		b->csv = g_string_new(
		    fmt == SHEET_CSV_EXCEL ? "\xEF\xBB\xBF" : NULL);
		return b;
	}
	if ((fd = g_file_open_tmp("summit-XXXXXX.xlsx", &b->path, error)) < 0) {
		sheet_book_free(b);
		return NULL;
	}
	close(fd);
	b->tmpdir = g_strdup(g_get_tmp_dir()); /* its row files, too */
	opt.tmpdir = b->tmpdir;
	if ((b->wb = workbook_new_opt(b->path, &opt)) == NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
		    "cannot start the workbook %s", b->path);
		sheet_book_free(b);
		return NULL;
	}
	b->bold = workbook_add_format(b->wb);
	format_set_bold(b->bold);
	b->when = workbook_add_format(b->wb);
	format_set_num_format(b->when, "yyyy-mm-dd hh:mm");
	b->day = workbook_add_format(b->wb);
	format_set_num_format(b->day, "yyyy-mm-dd");
	return b;
}

/* Notes the first failed write; finish reports it. */
static void
sheet_check(SheetBook *b, lxw_error e)
{
	if (b->err == LXW_NO_ERROR)
		b->err = e;
}

/* Widens the current column to at least w characters. */
static void
sheet_widen(SheetBook *b, double w)
{
	double *cur;

	if (b->col >= b->widths->len)
		g_array_set_size(b->widths, b->col + 1);
	cur = &g_array_index(b->widths, double, b->col);
	if (w > *cur)
		*cur = MIN(w, SHEET_WIDTH_MAX);
}

/* Closes the current sheet: widths and the filter over its header. */
static void
sheet_close_list(SheetBook *b)
{
	guint c;

	if (b->ws == NULL || b->ncols == 0)
		return;
	for (c = 0; c < b->widths->len; c++)
		worksheet_set_column(b->ws, c, c,
		    g_array_index(b->widths, double, c) + 2, NULL);
	sheet_check(b,
	    worksheet_autofilter(b->ws, 0, 0, MAX(b->row, 1) - 1,
	        b->ncols - 1));
}

/* A sheet name Excel accepts: no []:*?/\ and at most 31 characters. */
static char *
sheet_name(const char *name)
{
	g_autoptr(GString) s = g_string_new(NULL);
	const char *p;
	glong n = 0;

	for (p = name; *p != '\0' && n < 31;
	     p += g_utf8_skip[*(const guchar *)p], n++) {
		if (strchr("[]:*?/\\", *p) != NULL)
			g_string_append_c(s, '_');
		else
			g_string_append_unichar(s, g_utf8_get_char(p));
	}
	return g_string_free(g_steal_pointer(&s), FALSE);
}

void
sheet_list(SheetBook *b, const char *name, const char *const *heads, guint n)
{
	guint c;

	if (b->csv != NULL) {
		for (c = 0; c < n; c++) {
			if (c > 0)
				g_string_append_c(b->csv,
				    b->fmt == SHEET_CSV_EXCEL ? ';' : ',');
			text_csv_cell(b->csv, heads[c]);
		}
		g_string_append(b->csv, "\r\n");
		return;
	}
	sheet_close_list(b);
	{
		g_autofree char *safe = sheet_name(name);

		b->ws = workbook_add_worksheet(b->wb, safe);
	}
	if (b->ws == NULL) {
		sheet_check(b, LXW_ERROR_SHEETNAME_ALREADY_USED);
		return;
	}
	g_array_set_size(b->widths, 0);
	b->row = 0;
	b->ncols = n;
	for (c = 0; c < n; c++) {
		b->col = c;
		sheet_widen(b, g_utf8_strlen(heads[c], -1));
		sheet_check(b,
		    worksheet_write_string(b->ws, 0, c, heads[c], b->bold));
	}
	worksheet_freeze_panes(b->ws, 1, 0);
	b->row = 1;
	b->col = 0;
}

/* The CSV separator before a cell that is not its row's first. */
static void
sheet_sep(SheetBook *b)
{
	if (b->col++ > 0)
		g_string_append_c(b->csv,
		    b->fmt == SHEET_CSV_EXCEL ? ';' : ',');
}

void
sheet_text(SheetBook *b, const char *v)
{
	if (b->csv != NULL) {
		sheet_sep(b);
		text_csv_cell(b->csv, v);
		return;
	}
	if (b->ws != NULL && v != NULL && v[0] != '\0') {
		sheet_widen(b, g_utf8_strlen(v, -1));
		sheet_check(b,
		    worksheet_write_string(b->ws, b->row, b->col, v, NULL));
	}
	b->col++;
}

void
sheet_int(SheetBook *b, gint64 v)
{
	char num[24];

	g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT, v);
	if (b->csv != NULL) {
		sheet_sep(b);
		text_csv_cell(b->csv, num);
		return;
	}
	if (b->ws != NULL) {
		sheet_widen(b, strlen(num));
		sheet_check(b,
		    worksheet_write_number(b->ws, b->row, b->col, (double)v,
		        NULL));
	}
	b->col++;
}

void
sheet_bool(SheetBook *b, gboolean v)
{
	if (b->csv != NULL) {
		sheet_sep(b);
		text_csv_cell(b->csv, v ? "x" : "");
		return;
	}
	if (b->ws != NULL) {
		sheet_widen(b, 5);
		sheet_check(b,
		    worksheet_write_boolean(b->ws, b->row, b->col, v, NULL));
	}
	b->col++;
}

void
sheet_time(SheetBook *b, gint64 t, GTimeZone *tz, const char *fmt)
{
	g_autoptr(GDateTime) utc = t >= 0 ? g_date_time_new_from_unix_utc(t) :
	                                    NULL;
	g_autoptr(GDateTime) local = utc != NULL ?
	    g_date_time_to_timezone(utc, tz) :
	    NULL;

	if (b->csv != NULL) {
		g_autofree char *text = local != NULL ?
		    g_date_time_format(local, fmt) :
		    NULL;

		sheet_sep(b);
		text_csv_cell(b->csv, text != NULL ? text : "");
		return;
	}
	if (b->ws != NULL && local != NULL) {
		lxw_datetime dt = { g_date_time_get_year(local),
			g_date_time_get_month(local),
			g_date_time_get_day_of_month(local),
			g_date_time_get_hour(local),
			g_date_time_get_minute(local),
			g_date_time_get_second(local) };

		sheet_widen(b, SHEET_TIME_WIDTH);
		sheet_check(b,
		    worksheet_write_datetime(b->ws, b->row, b->col, &dt,
		        b->when));
	}
	b->col++;
}

void
sheet_date(SheetBook *b, int year, int month, int day)
{
	if (b->csv != NULL) {
		char text[16];

		g_snprintf(text, sizeof text, "%04d-%02d-%02d", year, month,
		    day);
		sheet_sep(b);
		text_csv_cell(b->csv, text);
		return;
	}
	if (b->ws != NULL) {
		lxw_datetime dt = { year, month, day, 0, 0, 0 };

		sheet_widen(b, 10);
		sheet_check(b,
		    worksheet_write_datetime(b->ws, b->row, b->col, &dt,
		        b->day));
	}
	b->col++;
}

void
sheet_empty(SheetBook *b)
{
	sheet_text(b, NULL);
}

void
sheet_row_end(SheetBook *b)
{
	if (b->csv != NULL)
		g_string_append(b->csv, "\r\n");
	else
		b->row++;
	b->col = 0;
}

char *
sheet_book_finish(SheetBook *b, gsize *len, GError **error)
{
	char *out = NULL;
	lxw_error e;

	if (b->csv != NULL) {
		*len = b->csv->len;
		out = g_string_free(g_steal_pointer(&b->csv), FALSE);
		sheet_book_free(b);
		return out;
	}
	sheet_close_list(b);
	if (b->ws == NULL) /* a workbook needs a sheet */
		b->ws = workbook_add_worksheet(b->wb, NULL);
	e = workbook_close(g_steal_pointer(&b->wb));
	if (b->err == LXW_NO_ERROR)
		b->err = e;
	if (b->err != LXW_NO_ERROR)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
		    "writing the workbook: %s", lxw_strerror(b->err));
	else if (!g_file_get_contents(b->path, &out, len, error))
		out = NULL;
	sheet_book_free(b);
	return out;
}

void
sheet_book_free(SheetBook *b)
{
	if (b == NULL)
		return;
	if (b->wb != NULL)
		workbook_close(b->wb); /* frees it; the file goes below */
	if (b->path != NULL) {
		g_unlink(b->path);
		g_free(b->path);
	}
	g_free(b->tmpdir);
	if (b->csv != NULL)
		g_string_free(b->csv, TRUE);
	g_array_free(b->widths, TRUE);
	g_free(b);
}

const char *
sheet_content_type(enum sheet_format fmt)
{
	return fmt == SHEET_XLSX ? SHEET_XLSX_TYPE : "text/csv; charset=utf-8";
}
