/*
 * form.c -- percent-decoding, path canonicalization and field tables, and
 * FormValues, a checked form that frees itself.
 *
 * Everything a client sends passes through here before any other code sees
 * it, so each function checks once and completely: a decoded string is
 * valid UTF-8 with no NUL, and a path has no "." or ".." segment and no
 * encoded '/' (httpd's url_decode and canonicalize_path, strict).  Limits
 * are checked while decoding, so a hostile body costs at most the bytes
 * already read.  Nothing here knows HTTP; web/ feeds it bytes.
 *
 * Caveat: error messages name fields by position, not by name, because a
 * name that failed to decode is not fit for a log line.
 */
#include "form/form.h"

#include <string.h>

#include "base/base.h"

GQuark
form_error_quark(void)
{
	return g_quark_from_static_string("summit-form-error-quark");
}

/*
 * Decodes len bytes at s into a new string (transfer full), '+' meaning
 * space when plus is set.  More than max bytes fails with toolong.  On
 * failure returns NULL and sets *why.
 */
static char *
pct_decode(const char *s, size_t len, bool plus, size_t max,
    enum form_err toolong, enum form_err *why)
{
	g_autoptr(GString) out = g_string_sized_new(MIN(len, max) + 1);
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3 ||
			    (hi = g_ascii_xdigit_value(s[i + 1])) < 0 ||
			    (lo = g_ascii_xdigit_value(s[i + 2])) < 0) {
				*why = FORM_EMALFORMED;
				return NULL;
			}
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		if (c == '\0') {
			*why = FORM_ENUL;
			return NULL;
		}
		if (out->len >= max) {
			*why = toolong;
			return NULL;
		}
		g_string_append_c(out, c);
	}
	if (!g_utf8_validate(out->str, out->len, NULL)) {
		*why = FORM_EUTF8;
		return NULL;
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static const char *
decode_what(enum form_err why)
{
	switch (why) {
	case FORM_EMALFORMED:
		return "malformed percent-encoding";
	case FORM_ENUL:
		return "NUL byte";
	case FORM_EUTF8:
		return "invalid UTF-8";
	case FORM_ENAMELONG:
		return "name too long";
	case FORM_EVALUELONG:
		return "value too long";
	default:
		return "bad input";
	}
}

gboolean
form_decode_urlencoded(const char *body, size_t len, size_t max_fields,
    size_t max_value, GHashTable **out, GError **error)
{
	g_autoptr(GHashTable) t = NULL;
	size_t pos = 0, n = 0;

	*out = NULL;
	t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	while (pos < len) {
		const char *p = body + pos, *amp, *eq;
		size_t plen, nlen;
		enum form_err why = FORM_OK;
		g_autofree char *name = NULL, *value = NULL;

		amp = memchr(p, '&', len - pos);
		plen = amp != NULL ? (size_t)(amp - p) : len - pos;
		pos += plen + 1;
		if (plen == 0)
			continue;
		eq = memchr(p, '=', plen);
		nlen = eq != NULL ? (size_t)(eq - p) : plen;
		if (nlen == 0) {
			g_set_error(error, SUMMIT_FORM_ERROR, FORM_EMALFORMED,
			    "field %zu has an empty name", n + 1);
			return FALSE;
		}
		if (++n > max_fields) {
			g_set_error(error, SUMMIT_FORM_ERROR, FORM_ETOOMANY,
			    "more than %zu fields", max_fields);
			return FALSE;
		}
		name = pct_decode(p, nlen, true, FORM_MAX_NAME, FORM_ENAMELONG,
		    &why);
		if (name != NULL)
			value = eq == NULL ?
			    g_strdup("") :
			    pct_decode(eq + 1, plen - nlen - 1, true, max_value,
			        FORM_EVALUELONG, &why);
		if (value == NULL) {
			g_set_error(error, SUMMIT_FORM_ERROR, why,
			    "field %zu: %s", n, decode_what(why));
			return FALSE;
		}
		if (g_hash_table_contains(t, name)) {
			g_set_error(error, SUMMIT_FORM_ERROR, FORM_EDUPLICATE,
			    "field %zu repeats an earlier name", n);
			return FALSE;
		}
		g_hash_table_insert(t, g_steal_pointer(&name),
		    g_steal_pointer(&value));
	}
	*out = g_steal_pointer(&t);
	return TRUE;
}

gboolean
form_decode_query(const char *query, size_t max_fields, size_t max_value,
    GHashTable **out, GError **error)
{
	if (query == NULL)
		query = "";
	return form_decode_urlencoded(query, strlen(query), max_fields,
	    max_value, out, error);
}

bool
form_path_is_local(const char *path)
{
	const unsigned char *p;

	if (path == NULL || path[0] != '/' || path[1] == '/')
		return false;
	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (*p == '\\' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

char *
form_canonical_path(const char *raw, GError **error)
{
	g_autoptr(GString) out = NULL;
	const char *p, *end;

	if (raw == NULL || raw[0] != '/') {
		g_set_error(error, SUMMIT_FORM_ERROR, FORM_EMALFORMED,
		    "path does not start with \"/\"");
		return NULL;
	}
	out = g_string_new("/");
	for (p = raw; *p != '\0'; p = end) {
		enum form_err why = FORM_OK;
		g_autofree char *seg = NULL;
		const char *c;

		p += strspn(p, "/");
		end = p + strcspn(p, "/");
		if (end == p)
			continue;
		seg = pct_decode(p, end - p, false, G_MAXSIZE, FORM_EPATH,
		    &why);
		if (seg == NULL) {
			g_set_error(error, SUMMIT_FORM_ERROR, why, "path: %s",
			    decode_what(why));
			return NULL;
		}
		if (strchr(seg, '/') != NULL || strcmp(seg, ".") == 0 ||
		    strcmp(seg, "..") == 0) {
			g_set_error(error, SUMMIT_FORM_ERROR, FORM_EPATH,
			    "path has a \".\", \"..\" or encoded \"/\" "
			    "segment");
			return NULL;
		}
		for (c = seg; *c != '\0';
		     c += g_utf8_skip[*(const guchar *)c]) {
			if (g_unichar_iscntrl(g_utf8_get_char(c))) {
				g_set_error(error, SUMMIT_FORM_ERROR,
				    FORM_ECONTROL,
				    "path has a control "
				    "character");
				return NULL;
			}
		}
		if (out->len > 1)
			g_string_append_c(out, '/');
		g_string_append(out, seg);
	}
	if (out->len > 1 && raw[strlen(raw) - 1] == '/')
		g_string_append_c(out, '/');
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static enum form_field_err
field_err(enum text_err te)
{
	switch (te) {
	case TEXT_OK:
		return FORM_FIELD_OK;
	case TEXT_EMPTY:
		return FORM_FIELD_MISSING;
	case TEXT_TOOLONG:
		return FORM_FIELD_TOOLONG;
	case TEXT_CONTROL:
		return FORM_FIELD_CONTROL;
	default:
		return FORM_FIELD_INVALID;
	}
}

/* Checks the trimmed, non-blank s against f; fills v->num. */
static enum form_field_err
check_field(const struct form_field *f, const char *s, struct form_value *v)
{
	size_t max = f->max_chars > 0 ? f->max_chars : G_MAXSIZE;
	enum text_err te;
	gint64 lo = f->min, hi = f->max;
	g_autoptr(GError) err = NULL;

	switch (f->kind) {
	case FORM_BLOCK:
		return field_err(text_check_block(s, max));
	case FORM_LINE:
		return field_err(text_check_line(s, max));
	case FORM_NAME:
		return field_err(text_check_name(s, max));
	case FORM_EMAIL:
		if ((te = text_check_line(s, max)) != TEXT_OK)
			return field_err(te);
		return field_err(text_check_email(s));
	case FORM_INT:
		if ((te = text_check_line(s, max)) != TEXT_OK)
			return field_err(te);
		if (lo == 0 && hi == 0) {
			lo = G_MININT64;
			hi = G_MAXINT64;
		}
		if (!g_ascii_string_to_signed(s, 10, lo, hi, &v->num, &err))
			return g_error_matches(err, G_NUMBER_PARSER_ERROR,
			           G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS) ?
			    FORM_FIELD_RANGE :
			    FORM_FIELD_INVALID;
		return FORM_FIELD_OK;
	case FORM_BOOL:
		break;
	}
	return FORM_FIELD_INVALID;
}

size_t
form_validate(GHashTable *decoded, const struct form_field *fields,
    size_t nfields, struct form_value *values)
{
	size_t i, nerr = 0;

	for (i = 0; i < nfields; i++) {
		const struct form_field *f = &fields[i];
		struct form_value *v = &values[i];
		const char *raw = NULL;
		g_autofree char *s = NULL;

		memset(v, 0, sizeof(*v));
		if (decoded != NULL)
			raw = g_hash_table_lookup(decoded, f->name);
		if (f->kind == FORM_BOOL) {
			v->present = raw != NULL;
			v->num = v->present;
			if (f->required && !v->present)
				v->err = FORM_FIELD_MISSING;
		} else if (raw == NULL ||
		    *(s = text_trim(g_strdup(raw))) == '\0') {
			if (f->required)
				v->err = FORM_FIELD_MISSING;
		} else {
			v->present = true;
			v->err = check_field(f, s, v);
			/* Blank by Unicode's measure (U+00A0...): absent. */
			if (v->err == FORM_FIELD_MISSING) {
				v->present = false;
				if (!f->required)
					v->err = FORM_FIELD_OK;
			} else if (v->err == FORM_FIELD_OK)
				v->str = g_steal_pointer(&s);
		}
		if (v->err != FORM_FIELD_OK) {
			v->num = 0;
			nerr++;
		}
	}
	return nerr;
}

void
form_values_clear(struct form_value *values, size_t nfields)
{
	size_t i;

	for (i = 0; i < nfields; i++) {
		g_free(values[i].str);
		memset(&values[i], 0, sizeof(values[i]));
	}
}

FormValues *
form_values_check(GHashTable *decoded, const struct form_field *fields,
    size_t n)
{
	FormValues *fv = g_new0(FormValues, 1);

	fv->fields = fields;
	fv->n = n;
	fv->v = g_new0(struct form_value, n > 0 ? n : 1);
	fv->nerrors = form_validate(decoded, fields, n, fv->v);
	return fv;
}

void
form_values_default(FormValues *fv, size_t i, const char *value)
{
	g_autoptr(GHashTable) one = NULL;

	g_return_if_fail(i < fv->n);
	if (fv->v[i].present || value == NULL)
		return;
	one = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_insert(one, g_strdup(fv->fields[i].name), g_strdup(value));
	if (fv->v[i].err != FORM_FIELD_OK)
		fv->nerrors--;
	form_values_clear(&fv->v[i], 1);
	if (form_validate(one, &fv->fields[i], 1, &fv->v[i]) > 0)
		fv->nerrors++;
}

void
form_values_free(FormValues *fv)
{
	if (fv == NULL)
		return;
	form_values_clear(fv->v, fv->n);
	g_free(fv->v);
	g_free(fv);
}

const char *
form_field_strerror(enum form_field_err err)
{
	static const char *const msgs[FORM_FIELD__MAX] = {
		"ok",                           /* FORM_FIELD_OK */
		"is required",                  /* FORM_FIELD_MISSING */
		"is too long",                  /* FORM_FIELD_TOOLONG */
		"is not valid",                 /* FORM_FIELD_INVALID */
		"contains a control character", /* FORM_FIELD_CONTROL */
		"is out of range",              /* FORM_FIELD_RANGE */
	};

	if ((unsigned)err >= FORM_FIELD__MAX)
		return "is not valid";
	return msgs[err];
}

const char *
form_accept_language(const char *header)
{
	const char *p, *best = NULL;
	double best_q = -1;
	int piece;

	if (header == NULL || strlen(header) >= FORM_MAX_ACCEPT_LANGUAGE)
		return NULL;
	/*
	 * Read in place (once per request, so no copies): entries split on
	 * ",", at most 16, the last one the rest of the header; in each, the
	 * tag before the first ";" with leading space skipped, and the first
	 * "q=" after that ";".  An entry with an empty tag names nothing.
	 */
	for (p = header, piece = 1;; piece++) {
		const char *end = piece < 16 ? strchr(p, ',') : NULL;
		const char *stop = end != NULL ? end : p + strlen(p);
		const char *semi = memchr(p, ';', (size_t)(stop - p));
		const char *tag = p, *tag_end = semi != NULL ? semi : stop;
		const char *lang = NULL;
		double qv = 1.0;

		while (tag < tag_end && g_ascii_isspace(*tag))
			tag++;
		if (semi != NULL) {
			const char *qs = g_strstr_len(semi + 1,
			    (gssize)(stop - semi - 1), "q=");

			/* The number ends at the "," at the latest. */
			if (qs != NULL)
				qv = g_ascii_strtod(qs + 2, NULL);
		}
		/* Two letters at least: a shorter tag matches neither. */
		if (tag_end - tag >= 2) {
			if (g_ascii_strncasecmp(tag, "nb", 2) == 0 ||
			    g_ascii_strncasecmp(tag, "no", 2) == 0 ||
			    g_ascii_strncasecmp(tag, "nn", 2) == 0)
				lang = "nb";
			else if (g_ascii_strncasecmp(tag, "en", 2) == 0)
				lang = "en";
		}
		if (lang != NULL && qv > best_q) {
			best_q = qv;
			best = lang;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return best;
}
