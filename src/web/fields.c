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
 *
 * What a use case refuses comes back as a field and a reason (struct
 * app_refusal), never a message: web_refusal_key is the one place that
 * words it, from one table every form shares.
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

/* How a refusal is worded on any form: the first row matching its field
 * (NULL: any field) and reason. */
static const struct {
	const char *field;
	enum app_reason reason;
	const char *key;
} refusal_keys[] = {
	{ "capacity", APP_REASON_IN_USE, "setup_err_capacity_held" },
	{ "timezone", APP_REASON_INVALID, "setup_err_timezone" },
	{ "invitation_code", APP_REASON_INVALID, "setup_err_invitation_code" },
	{ "invitation_mode", APP_REASON_INVALID, "err_invalid" },
	{ "colour", APP_REASON_INVALID, "setup_err_colour" },
	{ "password", APP_REASON_LENGTH, "c_password_short" },
	{ NULL, APP_REASON_MISSING, "err_missing" },
	{ NULL, APP_REASON_RANGE, "setup_err_range" },
	{ NULL, APP_REASON_TAKEN, "setup_err_taken" },
	{ NULL, APP_REASON_OVERLAP, "setup_err_overlap" },
	{ NULL, APP_REASON_ORDER, "setup_err_order" },
	{ NULL, APP_REASON_FULL, "registrations_err_full" },
};

const char *
web_refusal_key(const struct app_refusal *why, const char *fallback)
{
	size_t i;

	for (i = 0; why != NULL && i < G_N_ELEMENTS(refusal_keys); i++)
		if (refusal_keys[i].reason == why->reason &&
		    (refusal_keys[i].field == NULL ||
		        g_strcmp0(refusal_keys[i].field, why->field) == 0))
			return refusal_keys[i].key;
	return fallback;
}

void
web_refusal_error(struct web_req *req, JsonObject *errors, const FormValues *fv,
    const struct app_refusal *why, const char *field, const char *fallback)
{
	size_t i;

	for (i = 0; why->field != NULL && i < fv->n; i++)
		if (strcmp(fv->fields[i].name, why->field) == 0)
			field = why->field;
	web_field_error(req, errors, field, web_refusal_key(why, fallback));
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
