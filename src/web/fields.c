/*
 * fields.c -- the form toolkit of handlers: a checked form's errors as
 * messages beside its fields, what was typed, and the context a form page
 * is rendered with again.
 *
 * A form with a mistake comes back (400) with what the person typed and
 * one message per wrong field, the first problem found for each: the
 * field table's own checks (FormValues, from the route's row) first,
 * then the handler's (a date in the past, a code taken).  Templates read
 * "v.NAME" for the values, "err.NAME" for the messages, "has_errors".
 */
#include "web/internal.h"

#include <string.h>

void
web_field_error(struct web_req *req, JsonObject *errors, const char *field,
    const char *key)
{
	if (!json_object_has_member(errors, field))
		json_object_set_string_member(errors, field,
		    web_text(req, key));
}

void
web_field_errors(struct web_req *req, const FormValues *fv, JsonObject *errors)
{
	static const char *const keys[FORM_FIELD__MAX] = {
		[FORM_FIELD_OK] = "",
		[FORM_FIELD_MISSING] = "err_missing",
		[FORM_FIELD_TOOLONG] = "err_toolong",
		[FORM_FIELD_INVALID] = "err_invalid",
		[FORM_FIELD_CONTROL] = "err_control",
		[FORM_FIELD_RANGE] = "setup_err_range",
	};
	size_t i;

	for (i = 0; i < fv->n; i++)
		if (fv->v[i].err != FORM_FIELD_OK)
			web_field_error(req, errors, fv->fields[i].name,
			    keys[fv->v[i].err]);
}

JsonObject *
web_form_typed(GHashTable *form)
{
	JsonObject *values = json_object_new();
	GHashTableIter it;
	gpointer k, v;

	if (form == NULL)
		return values;
	g_hash_table_iter_init(&it, form);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (strcmp(k, "_csrf") != 0)
			json_object_set_string_member(values, k, v);
	return values;
}

void
web_form_ctx_set(JsonObject *ctx, JsonObject *values, JsonObject *errors)
{
	json_object_set_object_member(ctx, "v", values);
	json_object_set_object_member(ctx, "err",
	    errors ? json_object_ref(errors) : json_object_new());
	json_object_set_boolean_member(ctx, "has_errors",
	    errors != NULL && json_object_get_size(errors) > 0);
}
