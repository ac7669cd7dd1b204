/*
 * qr.c -- QR codes drawn with libqrencode, written as an SVG path or a
 * PNG with libpng.  Nothing is drawn by hand but the run-length path.
 */
#include "qr/qr.h"

#include <setjmp.h>
#include <stdbool.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

/* The symbol of text; libqrencode picks the version and the modes
 * (a check-in code is all alphanumeric, the compact mode). */
static QRcode *
encode(const char *text)
{
	if (text == NULL || *text == '\0')
		return NULL;
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

/* Bit 0 of each of libqrencode's bytes: the module is dark. */
static int
dark(const QRcode *q, int x, int y)
{
	return q->data[y * q->width + x] & 1;
}

char *
qr_svg_path(const char *text, int *size)
{
	QRcode *q = encode(text);
	GString *d;
	int x, y, run;

	if (q == NULL)
		return NULL;
	d = g_string_sized_new(4096);
	/* One horizontal run of dark modules per subpath. */
	for (y = 0; y < q->width; y++)
		for (x = 0; x<q->width; x += run> 0 ? run : 1) {
			for (run = 0; x + run < q->width && dark(q, x + run, y);
			     run++)
				;
			if (run > 0)
				g_string_append_printf(d, "%sM%d %dh%dv1h-%dz",
				    d->len > 0 ? " " : "", x + QR_QUIET,
				    y + QR_QUIET, run, run);
		}
	*size = q->width + 2 * QR_QUIET;
	QRcode_free(q);
	return g_string_free(d, FALSE);
}

static void
png_append(png_structp png, png_bytep data, png_size_t len)
{
	g_byte_array_append(png_get_io_ptr(png), data, (guint)len);
}

static void
png_flush_none(png_structp png)
{
	(void)png;
}

/* The rows of the image, after the header. */
static void
png_rows(png_structp png, const QRcode *q, int scale, int side)
{
	g_autofree png_byte *row = g_malloc((size_t)(side + 7) / 8);
	int x, y, px, my;

	for (y = 0; y < side; y++) {
		/* 1 is white in 1-bit grey: start white, clear the dark. */
		memset(row, 0xff, (size_t)(side + 7) / 8);
		my = y / scale - QR_QUIET;
		for (px = 0; px < side; px++) {
			x = px / scale - QR_QUIET;
			if (x >= 0 && x < q->width && my >= 0 &&
			    my < q->width && dark(q, x, my))
				row[px / 8] &= (png_byte) ~(0x80 >> (px % 8));
		}
		png_write_row(png, row);
	}
}

/* Writes q as a PNG into out; false if libpng failed (it longjmps here,
 * so nothing after setjmp lives in this frame's variables). */
static bool
png_write(const QRcode *q, int scale, GByteArray *out)
{
	int side = (q->width + 2 * QR_QUIET) * scale;
	png_structp png;
	png_infop info;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png == NULL)
		return false;
	info = png_create_info_struct(png);
	if (info == NULL || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return false;
	}
	png_set_write_fn(png, out, png_append, png_flush_none);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	png_rows(png, q, scale, side);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return true;
}

GBytes *
qr_png(const char *text, int scale)
{
	QRcode *q;
	GByteArray *out;
	bool ok;

	if (scale < 1 || scale > 32 || (q = encode(text)) == NULL)
		return NULL;
	out = g_byte_array_new();
	ok = png_write(q, scale, out);
	QRcode_free(q);
	if (!ok) {
		g_byte_array_unref(out);
		return NULL;
	}
	return g_byte_array_free_to_bytes(out);
}
