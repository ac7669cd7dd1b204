/*
 * qr.h -- QR codes of short texts (check-in codes), drawn by Summit
 * itself with libqrencode: as an SVG path for pages and as a PNG
 * (libpng) for mails, whose clients do not show SVG.  Pure computation,
 * safe from several threads at once (libqrencode is built thread-safe).
 */
#ifndef SUMMIT_QR_H
#define SUMMIT_QR_H

#include <glib.h>

/* Quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4). */
#define QR_QUIET 4

/*
 * The QR code of text (error correction M) as the "d" attribute of one
 * SVG path, in module units, quiet zone included: the caller writes
 * <svg viewBox="0 0 SIZE SIZE"><path d="PATH"/></svg>.  *size gets SIZE.
 * The path holds only "M", "h", "v", "z", digits and spaces, so it needs
 * no escaping.  NULL if text cannot be encoded (transfer full).
 */
char *qr_svg_path(const char *text, int *size);

/*
 * The QR code of text as a PNG: 1-bit grey, scale pixels a module, quiet
 * zone included.  NULL if text cannot be encoded or scale is not 1..32
 * (transfer full).
 */
GBytes *qr_png(const char *text, int scale);

#endif
