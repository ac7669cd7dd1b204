/*
 * sheet/sheet.h -- the console's exports written once, read as CSV or as
 * a real spreadsheet.  An export feeds typed cells row by row to a
 * SheetBook; the book writes them as CSV text (the cells' text) or as an
 * .xlsx workbook with libxlsxwriter: numbers as numbers, times as Excel
 * date-times in the event's zone, booleans as booleans, and every text as
 * a string cell, never a formula.  One sheet per list, its header row
 * bold, frozen and filtered.
 */
#ifndef SUMMIT_SHEET_H
#define SUMMIT_SHEET_H

#include <glib.h>

enum sheet_format {
	SHEET_CSV,       /* RFC 4180, comma, UTF-8 */
	SHEET_CSV_EXCEL, /* a BOM and semicolons, for Excel's CSV import */
	SHEET_XLSX,      /* Office Open XML workbook */
};

typedef struct sheet_book SheetBook;

#define SHEET_XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* A new, empty book; NULL with error when the .xlsx temp file cannot be
 * made. */
SheetBook *sheet_book_new(enum sheet_format fmt, GError **error);
/* Starts the list called name (the sheet's name; CSV holds one list)
 * with its n column headers, written as the first row. */
void sheet_list(SheetBook *b, const char *name, const char *const *heads,
    guint n);
void sheet_text(SheetBook *b, const char *v); /* NULL: empty */
/* CSV: quoted like every cell. */
void sheet_int(SheetBook *b, gint64 v);
/* CSV: "x" or empty, as the door list's ticks. */
void sheet_bool(SheetBook *b, gboolean v);
/* Unix time t in zone tz; CSV: its text in fmt (g_date_time_format);
 * xlsx: a date-time cell.  t < 0: an empty cell. */
void sheet_time(SheetBook *b, gint64 t, GTimeZone *tz, const char *fmt);
/* A calendar day (a date answer); CSV: "YYYY-MM-DD", xlsx: a date cell
 * shown as yyyy-mm-dd. */
void sheet_date(SheetBook *b, int year, int month, int day);
void sheet_empty(SheetBook *b);
void sheet_row_end(SheetBook *b);
/* The book's bytes (transfer full) and frees b; NULL with error when
 * libxlsxwriter failed. */
char *sheet_book_finish(SheetBook *b, gsize *len, GError **error);
/* Frees b unfinished (an export that failed half way). */
void sheet_book_free(SheetBook *b);
/* The content type of fmt's bytes. */
const char *sheet_content_type(enum sheet_format fmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SheetBook, sheet_book_free)

#endif
