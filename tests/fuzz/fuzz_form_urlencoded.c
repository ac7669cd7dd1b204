/*
 * fuzz_form_urlencoded.c -- form bodies and query strings (src/form/):
 * form_decode_urlencoded on the raw bytes, form_decode_query on the same
 * text up to its first NUL, and form_validate of what decodes against the
 * registration form's field table.
 *
 * Properties: a decode either fails with an error or gives a table whose
 * names and values are valid UTF-8 without NUL, names at most
 * FORM_MAX_NAME bytes, values within the bound, no more fields than
 * allowed; a checked field's str passes the check of its kind.
 */
#include "fuzz.h"
#include "base/base.h"
#include "form/form.h"

#include <string.h>

#define MAX_FIELDS 16
#define MAX_VALUE 300

enum { F_NAME, F_EMAIL, F_ORG, F_NEEDS, F_SEATS, F_CONSENT, F__MAX };
static const struct form_field fields[F__MAX] = {
	{ "name", FORM_NAME, 200, true, 0, 0 },
	{ "email", FORM_EMAIL, 254, true, 0, 0 },
	{ "organisation", FORM_LINE, 200, false, 0, 0 },
	{ "needs", FORM_BLOCK, 2000, false, 0, 0 },
	{ "seats", FORM_INT, 3, true, 1, 10 },
	{ "consent", FORM_BOOL, 0, false, 0, 0 },
};

static void
check_table(GHashTable *t)
{
	GHashTableIter it;
	gpointer k, v;
	struct form_value vals[F__MAX];
	size_t i, nerr = 0;

	FUZZ_CHECK(g_hash_table_size(t) <= MAX_FIELDS);
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		FUZZ_CHECK(*(char *)k != '\0');
		FUZZ_CHECK(strlen(k) <= FORM_MAX_NAME);
		FUZZ_CHECK(strlen(v) <= MAX_VALUE);
		FUZZ_CHECK(g_utf8_validate(k, -1, NULL));
		FUZZ_CHECK(g_utf8_validate(v, -1, NULL));
	}
	memset(vals, 0xa5, sizeof(vals));
	nerr = form_validate(t, fields, F__MAX, vals);
	for (i = 0; i < F__MAX; i++) {
		const struct form_field *f = &fields[i];
		const struct form_value *fv = &vals[i];

		FUZZ_CHECK(fv->err < FORM_FIELD__MAX);
		FUZZ_CHECK(form_field_strerror(fv->err) != NULL);
		if (fv->err != FORM_FIELD_OK)
			nerr--;
		FUZZ_CHECK(fv->str == NULL || fv->err == FORM_FIELD_OK);
		if (fv->err != FORM_FIELD_OK || fv->str == NULL)
			continue;
		switch (f->kind) {
		case FORM_LINE:
			FUZZ_CHECK(
			    text_check_line(fv->str, f->max_chars) == TEXT_OK);
			break;
		case FORM_NAME:
			FUZZ_CHECK(
			    text_check_name(fv->str, f->max_chars) == TEXT_OK);
			break;
		case FORM_BLOCK:
			FUZZ_CHECK(
			    text_check_block(fv->str, f->max_chars) == TEXT_OK);
			break;
		case FORM_EMAIL:
			FUZZ_CHECK(text_check_email(fv->str) == TEXT_OK);
			break;
		case FORM_INT:
			FUZZ_CHECK(fv->num >= f->min && fv->num <= f->max);
			break;
		case FORM_BOOL:
			FUZZ_CHECK(0); /* str is always NULL for a checkbox */
			break;
		}
	}
	FUZZ_CHECK(nerr == 0);
	form_values_clear(vals, F__MAX);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GHashTable) t = NULL, q = NULL;
	g_autoptr(GError) error = NULL, qerror = NULL;
	g_autofree char *s = fuzz_cstr(data, size);

	if (form_decode_urlencoded((const char *)data, size, MAX_FIELDS,
	        MAX_VALUE, &t, &error)) {
		FUZZ_CHECK(t != NULL && error == NULL);
		check_table(t);
	} else {
		FUZZ_CHECK(t == NULL && error != NULL);
		FUZZ_CHECK(error->domain == SUMMIT_FORM_ERROR);
	}
	if (form_decode_query(s, MAX_FIELDS, MAX_VALUE, &q, &qerror)) {
		FUZZ_CHECK(q != NULL);
		check_table(q);
	} else
		FUZZ_CHECK(q == NULL && qerror != NULL);
	return 0;
}
