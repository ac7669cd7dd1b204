/*
 * form.h -- decode and check what a browser sends: bodies, queries, paths.
 *
 * Pure functions, no HTTP library: web/ hands in bytes and gets back
 * checked UTF-8 strings or an error.  Forms are tables (STYLE.md 6): the
 * caller declares one struct form_field per field, kcgi keys[] style,
 *
 *	enum reg_field { REG_NAME, REG_EMAIL, REG_SEATS, REG__MAX };
 *	static const struct form_field reg_fields[REG__MAX] = {
 *		{ "name", FORM_LINE, 200, true, 0, 0 },		(REG_NAME)
 *		{ "email", FORM_EMAIL, 254, true, 0, 0 },	(REG_EMAIL)
 *		{ "seats", FORM_INT, 3, true, 1, 10 },		(REG_SEATS)
 *	};
 *	g_autoptr(FormValues) fv = form_values_check(decoded, reg_fields,
 *	    REG__MAX);
 *	if (fv->nerrors > 0) ... fv->v[REG_SEATS].num ...
 *
 * and gets one typed value and one error code per field, freed with the
 * variable (form_validate and form_values_clear are the same on an array
 * the caller owns).
 */
#ifndef SUMMIT_FORM_H
#define SUMMIT_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#define SUMMIT_FORM_ERROR (form_error_quark())
GQuark form_error_quark(void);

enum form_err {
	FORM_OK = 0,
	FORM_EMALFORMED, /* bad %XX, empty name, path not absolute */
	FORM_ENUL,       /* a decoded NUL byte */
	FORM_EUTF8,      /* a decoded name or value is not UTF-8 */
	FORM_ETOOMANY,   /* more fields than allowed */
	FORM_ENAMELONG,  /* a field name longer than FORM_MAX_NAME */
	FORM_EVALUELONG, /* a value longer than allowed */
	FORM_EDUPLICATE, /* the same field name twice */
	FORM_EPATH,      /* a "." or ".." segment, or an encoded '/' */
	FORM_ECONTROL,   /* a control character in a path */
	FORM__MAX
};

/* Longest field name accepted, in bytes. */
#define FORM_MAX_NAME 64

/*
 * Decodes an application/x-www-form-urlencoded body of len bytes (not
 * NUL-terminated) into *out, a new GHashTable of name -> value, both
 * g_malloc'd UTF-8 strings (transfer full; free with g_hash_table_unref).
 * '+' means space; "a" alone is a field with an empty value; empty pieces
 * ("a=1&&b=2", a trailing '&') are skipped.  Fails, leaving *out NULL, on a
 * malformed %XX or empty name (FORM_EMALFORMED), a decoded NUL (FORM_ENUL),
 * invalid UTF-8 (FORM_EUTF8), more than max_fields fields (FORM_ETOOMANY),
 * a name over FORM_MAX_NAME bytes (FORM_ENAMELONG), a decoded value over
 * max_value bytes (FORM_EVALUELONG) or a repeated name (FORM_EDUPLICATE).
 * An empty body gives an empty table.  The caller bounds len beforehand.
 */
gboolean form_decode_urlencoded(const char *body, size_t len, size_t max_fields,
    size_t max_value, GHashTable **out, GError **error);

/* Same for a NUL-terminated query string (what follows '?'); NULL is empty. */
gboolean form_decode_query(const char *query, size_t max_fields,
    size_t max_value, GHashTable **out, GError **error);

/*
 * Percent-decodes and canonicalizes a URL path (no query string).  It must
 * start with '/'.  Empty segments collapse ("//x" -> "/x"); a trailing '/'
 * is kept ("/a/" stays "/a/", "/" stays "/").  '+' is a literal plus.
 * Rejects a malformed %XX or a missing leading '/' (FORM_EMALFORMED), %00
 * (FORM_ENUL), a "." or ".." segment, even encoded, or %2F inside a segment
 * (FORM_EPATH), a control character (FORM_ECONTROL) and invalid UTF-8
 * (FORM_EUTF8).  Returns the decoded path (transfer full) or NULL.
 */
char *form_canonical_path(const char *raw, GError **error);

/*
 * True if path may go into a link or a Location on our own pages as it
 * is: it starts with one '/', and holds no backslash and no control
 * character.  "//host/" and "/\host/" are read by browsers as another
 * site ("/\" because they treat '\' as '/'); NULL is false.
 */
bool form_path_is_local(const char *path);

/* Longest Accept-Language value looked at, in bytes. */
#define FORM_MAX_ACCEPT_LANGUAGE 512

/*
 * The language an Accept-Language header value (RFC 9110 12.5.4) asks for,
 * of the two Summit has: "nb" (for nb, no or nn) or "en", whichever comes
 * with the highest q; the first wins a tie.  NULL when the value is NULL,
 * FORM_MAX_ACCEPT_LANGUAGE bytes or longer, or names neither.  Only the
 * first 16 comma-separated entries count.
 */
const char *form_accept_language(const char *header);

/* Field specs. */

enum form_kind {
	FORM_LINE,  /* one line: text_check_line */
	FORM_BLOCK, /* several lines: text_check_block */
	FORM_EMAIL, /* an address: text_check_email */
	FORM_INT,   /* decimal integer in [min, max] */
	FORM_BOOL,  /* a checkbox: present means true */
	FORM_NAME   /* a person's name, organisation, role: text_check_name */
};

struct form_field {
	const char *name;
	enum form_kind kind;
	size_t max_chars; /* characters; 0 means no limit here */
	bool required;
	gint64 min, max; /* FORM_INT; both 0: any gint64 */
};

enum form_field_err {
	FORM_FIELD_OK = 0,
	FORM_FIELD_MISSING, /* required, and absent or blank */
	FORM_FIELD_TOOLONG, /* more than max_chars characters */
	FORM_FIELD_INVALID, /* not an e-mail address, not a number */
	FORM_FIELD_CONTROL, /* a control character */
	FORM_FIELD_RANGE,   /* a number outside [min, max] */
	FORM_FIELD__MAX
};

/*
 * One checked field.  str is the trimmed value, a copy owned by this
 * struct (free with form_values_clear); it is NULL when the field is
 * absent, blank or has an error, so only checked text is ever reachable
 * through it; it is always NULL for FORM_BOOL.  present says the field
 * was sent and is not blank (for FORM_BOOL: sent at all, whatever its
 * value).  num is the number for FORM_INT and 1 or 0 for FORM_BOOL; 0 when
 * err is set.
 */
struct form_value {
	char *str;
	gint64 num;
	bool present;
	enum form_field_err err;
};

/*
 * Checks decoded (from form_decode_*) against fields[nfields] and fills
 * values[nfields], in the same order.  Names not in fields are ignored.
 * Values are trimmed of ASCII white space first; a blank value counts as
 * absent.  Returns how many fields have an error.  decoded is not changed.
 */
size_t form_validate(GHashTable *decoded, const struct form_field *fields,
    size_t nfields, struct form_value *values);

/* Frees the strings in values[nfields] and zeroes them. */
void form_values_clear(struct form_value *values, size_t nfields);

/*
 * A checked form that frees itself: what handlers hold, so that none of
 * them writes form_values_clear (g_autoptr(FormValues)).  v[i] is the
 * value of fields[i]; nerrors counts the fields whose err is set.  fields
 * is borrowed and must outlive it (the tables are static).
 */
typedef struct form_values {
	const struct form_field *fields;
	size_t n;
	size_t nerrors;
	struct form_value *v;
} FormValues;

/* form_validate into a new FormValues (transfer full); decoded may be
 * NULL (every field absent). */
FormValues *form_values_check(GHashTable *decoded,
    const struct form_field *fields, size_t n);

/*
 * Field i, when the form did not send it, takes value, checked as if it
 * had been sent (a default the caller knows, such as a key from the
 * path); a field that was sent keeps what it had.  nerrors follows.
 */
void form_values_default(FormValues *fv, size_t i, const char *value);

/* Frees fv and its strings; NULL does nothing. */
void form_values_free(FormValues *fv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FormValues, form_values_free)

/* A short message for users ("is required", ...), never NULL. */
const char *form_field_strerror(enum form_field_err err);

#endif
