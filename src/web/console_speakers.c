/*
 * console_speakers.c -- the "on stage" block of the console's session
 * page: the speakers, moderators, panellists and hosts of a session,
 * added by e-mail (a participant as they are) or by name, e-mail and
 * organisation (a new person), removed and put in order.  The rules and
 * the audit are app's (app/speakers.c); a refused form comes back on the
 * session's page with what was typed and the reason beside its field.
 */
#include "web/internal.h"
#include "form/form.h"

#include <string.h>

enum spk_field {
	SP_NAME,
	SP_EMAIL,
	SP_ORG,
	SP_ROLE,
	SP_LANG,
	SP_SEAT,
	SP__MAX
};
static const struct form_field spk_fields[SP__MAX] = {
	[SP_NAME] = { "name", FORM_LINE, 200, false, 0, 0 },
	[SP_EMAIL] = { "email", FORM_EMAIL, 254, true, 0, 0 },
	[SP_ORG] = { "organisation", FORM_LINE, 200, false, 0, 0 },
	[SP_ROLE] = { "role", FORM_LINE, 16, true, 0, 0 },
	[SP_LANG] = { "language", FORM_LINE, 2, true, 0, 0 },
	[SP_SEAT] = { "counts_seat", FORM_BOOL, 0, false, 0, 0 },
};

enum spk_pick_field { SPP_PERSON, SPP_STEP, SPP__MAX };
static const struct form_field pick_fields[SPP__MAX] = {
	[SPP_PERSON] = { "participant", FORM_INT, 20, true, 1, G_MAXINT64 },
	[SPP_STEP] = { "step", FORM_INT, 2, false, -1, 1 },
};

void
console_speakers_ctx(struct web_req *req, JsonObject *ctx, gint64 event_id,
    gint64 session_id, JsonObject *values, JsonObject *errors)
{
	const char *const *roles = app_speaker_roles();
	g_autoptr(GError) error = NULL;
	JsonObject *spk = json_object_new();
	JsonArray *people, *opts = json_array_new();
	const char *role, *lang;
	size_t i;

	people = app_speakers_session(req->web->app, &req->actor, event_id,
	    session_id, &error);
	if (people == NULL) {
		log_warnx("speakers of session %" G_GINT64_FORMAT ": %s",
		    session_id, error->message);
		people = json_array_new();
	}
	json_object_set_boolean_member(spk, "has_people",
	    json_array_get_length(people) > 0);
	json_object_set_array_member(spk, "people", people);
	if (values == NULL)
		values = json_object_new();
	for (i = 0; i < SP__MAX; i++)
		if (!json_object_has_member(values, spk_fields[i].name))
			json_object_set_string_member(values,
			    spk_fields[i].name, "");
	role = json_object_get_string_member(values, "role");
	for (i = 0; roles[i] != NULL; i++) {
		JsonObject *o = json_object_new();
		g_autofree char *flag = g_strconcat("role_", roles[i], NULL);

		json_object_set_string_member(o, "value", roles[i]);
		json_object_set_boolean_member(o, flag, true);
		json_object_set_boolean_member(o, "selected",
		    g_strcmp0(role, roles[i]) == 0);
		json_array_add_object_element(opts, o);
	}
	json_object_set_array_member(spk, "roles", opts);
	lang = json_object_get_string_member(values, "language");
	json_object_set_boolean_member(spk, "lang_en",
	    g_strcmp0(lang, "en") == 0);
	json_object_set_boolean_member(spk, "seat_checked",
	    json_object_has_member(values, "counts_seat") &&
	        *json_object_get_string_member(values, "counts_seat") != '\0');
	web_form_ctx_set(spk, values, errors);
	json_object_set_object_member(ctx, "spk", spk);
}

static void
speakers_back(struct web_req *req, gint64 session_id)
{
	g_autofree char *back = g_strdup_printf(
	    "/console/sessions/%" G_GINT64_FORMAT "?done=1#people", session_id);

	console_public_cache_clear(req);
	web_redirect(req, back);
}

static void
speakers_add(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_refusal why = { NULL, 0 };
	struct app_speaker s;

	web_field_errors(req, c->fields, errors);
	if (v[SP_EMAIL].err == FORM_FIELD_INVALID)
		web_field_error(req, errors, "email", "spk_err_email");
	/* app's rule, asked now to show beside the other mistakes. */
	if (v[SP_ROLE].str != NULL && !app_speaker_role_ok(v[SP_ROLE].str))
		web_field_error(req, errors, "role", "spk_err_role");
	if (json_object_get_size(errors) == 0) {
		s = (struct app_speaker){
			.session_id = c->id,
			.name = v[SP_NAME].str,
			.email = v[SP_EMAIL].str,
			.organisation = v[SP_ORG].str,
			.role = v[SP_ROLE].str,
			.language = v[SP_LANG].str,
			.counts_seat = v[SP_SEAT].present,
		};
		if (app_speaker_add(req->web->app, &req->actor, c->event_id, &s,
		        &why, &error)) {
			speakers_back(req, c->id);
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_refusal_error(req, errors, c->fields, &why, "email",
		    "setup_err_refused");
	}
	console_session_page(req, MHD_HTTP_BAD_REQUEST, c->event_id, c->id,
	    web_form_typed(c->form), errors);
}

static void
speakers_remove(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;

	if (c->fields->v[SPP_PERSON].err != FORM_FIELD_OK) {
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		return;
	}
	if (!app_speaker_remove(req->web->app, &req->actor, c->event_id, c->id,
	        c->fields->v[SPP_PERSON].num, &error)) {
		web_app_error(req, error);
		return;
	}
	speakers_back(req, c->id);
}

static void
speakers_move(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	const struct form_value *v = c->fields->v;

	if (v[SPP_PERSON].err != FORM_FIELD_OK ||
	    v[SPP_STEP].err != FORM_FIELD_OK || v[SPP_STEP].num == 0) {
		web_error_page(req, MHD_HTTP_BAD_REQUEST, "error_bad_request");
		return;
	}
	if (!app_speaker_move(req->web->app, &req->actor, c->event_id, c->id,
	        v[SPP_PERSON].num, (int)v[SPP_STEP].num, &error)) {
		web_app_error(req, error);
		return;
	}
	speakers_back(req, c->id);
}

const struct web_route console_speakers_routes[] = {
	{ "POST", "/console/sessions/*/people", speakers_add, WEB_ADMIN,
	    WEB_ARG_ID, WEB_FIELDS(spk_fields), 0 },
	{ "POST", "/console/sessions/*/people/remove", speakers_remove,
	    WEB_ADMIN, WEB_ARG_ID, WEB_FIELDS(pick_fields), 0 },
	{ "POST", "/console/sessions/*/people/move", speakers_move, WEB_ADMIN,
	    WEB_ARG_ID, WEB_FIELDS(pick_fields), 0 },
	WEB_ROUTES_END,
};
