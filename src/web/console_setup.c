/*
 * console_setup.c -- Event set-up in the console: the event's settings,
 * slots, sessions, sectors and invitation codes.
 *
 * Staff see every page read-only (the form's fieldset is disabled);
 * every POST needs an admin, by its row in the route table and again in
 * the use case.  The rows name each form's field table, so the fields
 * arrive parsed; a form with a mistake comes back (400) with what was
 * typed and a message beside each wrong field (fields.c); a change
 * answers 303 back to the page.  The rules are app's: the use cases
 * check every value and say what they refuse as a field and a reason
 * (struct app_refusal), which web_refusal_error (fields.c) turns into a
 * message of the catalogue; results are read through app's checked
 * accessors, never as database rows.
 */
#include "web/internal.h"
#include "base/base.h"
#include "form/form.h"

#include <string.h>

/* The public event page is cached for a second: a change shows at once. */
static void
public_cache_clear(struct web_req *req)
{
	struct web *web = req->web;

	gint64 keys[2] = { req->event.id, -req->event.id };

	lock_acquire(&web->cache_lock);
	g_hash_table_remove(web->event_pages, &keys[0]);
	g_hash_table_remove(web->event_pages, &keys[1]);
	lock_release(&web->cache_lock);
}

void
console_public_cache_clear(struct web_req *req)
{
	public_cache_clear(req);
}

/* Checks a date-time field into *out; a message when it is bad. */
static void
check_time(struct web_req *req, JsonObject *errors, const char *field,
    const struct form_value *v, char **out)
{
	if (v->str == NULL)
		return; /* missing: already said */
	if ((*out = web_local_time(v->str)) == NULL)
		web_field_error(req, errors, field, "setup_err_datetime");
}

/* The page ctx with "v" (values), "err" and "has_errors".  Every field
 * of the form's table is in "v", empty when it has no value yet, so the
 * template reads no missing member. */
static JsonObject *
form_ctx(struct web_req *req, JsonObject *values, JsonObject *errors,
    const struct form_field *fields, size_t n)
{
	JsonObject *ctx = console_ctx(req);
	size_t i;

	for (i = 0; i < n; i++)
		if (!json_object_has_member(values, fields[i].name))
			json_object_set_string_member(values, fields[i].name,
			    "");
	web_form_ctx_set(ctx, values, errors);
	if (web_query(req, "done") != NULL)
		json_object_set_string_member(ctx, "notice",
		    web_text(req, "setup_saved"));
	return ctx;
}

/* ---- The event ---- */

enum ev_field {
	EV_NAME_NB,
	EV_NAME_EN,
	EV_DESC_NB,
	EV_DESC_EN,
	EV_VENUE,
	EV_TIMEZONE,
	EV_STARTS,
	EV_ENDS,
	EV_OPENS,
	EV_CLOSES,
	EV_CAPACITY,
	EV_MODE,
	EV_MAILBOX,
	EV_REFILL,
	EV_SENDER,
	EV__MAX
};
static const struct form_field ev_fields[EV__MAX] = {
	[EV_NAME_NB] = { "name_nb", FORM_LINE, 200, true, 0, 0 },
	[EV_NAME_EN] = { "name_en", FORM_LINE, 200, true, 0, 0 },
	[EV_DESC_NB] = { "description_nb", FORM_BLOCK, 5000, false, 0, 0 },
	[EV_DESC_EN] = { "description_en", FORM_BLOCK, 5000, false, 0, 0 },
	[EV_VENUE] = { "venue", FORM_LINE, 200, false, 0, 0 },
	[EV_TIMEZONE] = { "timezone", FORM_LINE, 64, true, 0, 0 },
	[EV_STARTS] = { "starts_at", FORM_LINE, 19, true, 0, 0 },
	[EV_ENDS] = { "ends_at", FORM_LINE, 19, true, 0, 0 },
	[EV_OPENS] = { "registration_opens", FORM_LINE, 19, true, 0, 0 },
	[EV_CLOSES] = { "registration_closes", FORM_LINE, 19, true, 0, 0 },
	[EV_CAPACITY] = { "capacity", FORM_INT, 7, true, 0, 1000000 },
	[EV_MODE] = { "invitation_mode", FORM_LINE, 10, true, 0, 0 },
	[EV_MAILBOX] = { "mailbox", FORM_EMAIL, 254, true, 0, 0 },
	[EV_REFILL] = { "refill_automatically", FORM_BOOL, 0, false, 0, 0 },
	[EV_SENDER] = { "sender_name", FORM_LINE, 100, false, 0, 0 },
};

/* The event's form; event is its settings, or NULL when the form comes
 * back with an error (they are read again for the places held). */
static void
event_render(struct web_req *req, unsigned status, JsonObject *values,
    JsonObject *errors, JsonObject *event)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ev = event != NULL ?
	    json_object_ref(event) :
	    app_setup_event(req->web->app, &req->actor, &error);
	g_autoptr(JsonObject) ctx = NULL;
	const char *mode;

	if (ev == NULL) {
		json_object_unref(values);
		web_app_error(req, error);
		return;
	}
	ctx = form_ctx(req, values, errors, ev_fields, G_N_ELEMENTS(ev_fields));
	mode = app_view_str(values, "invitation_mode");

	json_object_set_boolean_member(values, "mode_invitation",
	    g_strcmp0(mode, "invitation") == 0);
	json_object_set_boolean_member(values, "mode_open",
	    g_strcmp0(mode, "invitation") != 0);
	json_object_set_int_member(ctx, "held", app_view_int(ev, "held"));
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "setup_event_title"));
	web_render(req, status, "console/setup_event.html", ctx);
}

static void
setup_event_get(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ev = NULL;

	if ((ev = app_setup_event(req->web->app, c->actor, &error)) == NULL) {
		web_app_error(req, error);
		return;
	}
	event_render(req, MHD_HTTP_OK, json_object_ref(ev), NULL, ev);
}

static void
setup_event_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	g_autofree char *starts = NULL, *ends = NULL, *opens = NULL;
	g_autofree char *closes = NULL;
	const struct form_value *v = c->fields->v;
	struct app_setup_event e;
	struct app_refusal why = { NULL, 0 };

	web_field_errors(req, c->fields, errors);
	/* The zone and the mode are app's rules, asked now so the form
	 * shows them beside the other mistakes; the rest (the order of
	 * the times, the capacity held) app refuses when saving. */
	if (v[EV_TIMEZONE].str != NULL &&
	    !app_setup_timezone_ok(v[EV_TIMEZONE].str))
		web_field_error(req, errors, "timezone", "setup_err_timezone");
	if (v[EV_MODE].str != NULL &&
	    !app_setup_invitation_mode_ok(v[EV_MODE].str))
		web_field_error(req, errors, "invitation_mode", "err_invalid");
	check_time(req, errors, "starts_at", &v[EV_STARTS], &starts);
	check_time(req, errors, "ends_at", &v[EV_ENDS], &ends);
	check_time(req, errors, "registration_opens", &v[EV_OPENS], &opens);
	check_time(req, errors, "registration_closes", &v[EV_CLOSES], &closes);

	if (json_object_get_size(errors) == 0) {
		e = (struct app_setup_event){
			.name_nb = v[EV_NAME_NB].str,
			.name_en = v[EV_NAME_EN].str,
			.description_nb = v[EV_DESC_NB].str,
			.description_en = v[EV_DESC_EN].str,
			.venue = v[EV_VENUE].str,
			.timezone = v[EV_TIMEZONE].str,
			.starts_at = starts,
			.ends_at = ends,
			.registration_opens = opens,
			.registration_closes = closes,
			.capacity = v[EV_CAPACITY].num,
			.invitation_mode = v[EV_MODE].str,
			.mailbox = v[EV_MAILBOX].str,
			.refill_automatically = v[EV_REFILL].num != 0,
			.sender_name = v[EV_SENDER].str,
		};
		if (app_setup_event_update(req->web->app, c->actor, &e, &why,
		        &error)) {
			public_cache_clear(req);
			web_redirect(req, "/console/event?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_refusal_error(req, errors, c->fields, &why, "name_nb",
		    "setup_err_refused");
	}
	event_render(req, MHD_HTTP_BAD_REQUEST, web_form_typed(c->form), errors,
	    NULL);
}

/* ---- Slots and sessions ---- */

enum slot_field { SL_STARTS, SL_ENDS, SL__MAX };
static const struct form_field slot_fields[SL__MAX] = {
	[SL_STARTS] = { "starts_at", FORM_LINE, 19, true, 0, 0 },
	[SL_ENDS] = { "ends_at", FORM_LINE, 19, true, 0, 0 },
};

static void
programme_render(struct web_req *req, unsigned status, JsonObject *values,
    JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonObject *prog;

	prog = app_setup_programme(req->web->app, &req->actor, &error);
	if (prog == NULL) {
		json_object_unref(values);
		web_app_error(req, error);
		return;
	}
	ctx = form_ctx(req, values, errors, slot_fields,
	    G_N_ELEMENTS(slot_fields));
	json_object_set_object_member(ctx, "prog", prog);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "setup_programme_title"));
	web_render(req, status, "console/setup_programme.html", ctx);
}

static void
setup_programme_get(struct web_req *req, const struct web_call *c)
{
	(void)c;
	programme_render(req, MHD_HTTP_OK, json_object_new(), NULL);
}

/* Checks a slot form; true with *starts and *ends when it is good. */
static bool
slot_check(struct web_req *req, const FormValues *fv, JsonObject *errors,
    char **starts, char **ends)
{
	const struct form_value *v = fv->v;

	web_field_errors(req, fv, errors);
	check_time(req, errors, "starts_at", &v[SL_STARTS], starts);
	check_time(req, errors, "ends_at", &v[SL_ENDS], ends);
	return json_object_get_size(errors) == 0;
}

static void
setup_slot_add(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	g_autofree char *starts = NULL, *ends = NULL;
	struct app_refusal why = { NULL, 0 };
	gint64 id;

	if (slot_check(req, c->fields, errors, &starts, &ends)) {
		if (app_setup_slot_add(req->web->app, c->actor, starts, ends,
		        &id, &why, &error)) {
			public_cache_clear(req);
			web_redirect(req, "/console/programme?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_refusal_error(req, errors, c->fields, &why, "ends_at",
		    "setup_err_refused");
	}
	programme_render(req, MHD_HTTP_BAD_REQUEST, web_form_typed(c->form),
	    errors);
}

static void
slot_render(struct web_req *req, unsigned status, gint64 id, JsonObject *values,
    JsonObject *errors)
{
	g_autoptr(JsonObject) ctx = form_ctx(req, values, errors, slot_fields,
	    G_N_ELEMENTS(slot_fields));

	json_object_set_int_member(ctx, "slot_id", id);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "setup_slot_title"));
	web_render(req, status, "console/setup_slot.html", ctx);
}

/* The slot with this id from the programme, or NULL (answered). */
static JsonObject *
slot_find(struct web_req *req, gint64 id)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) prog = NULL;
	JsonArray *slots;
	guint i;

	if ((prog = app_setup_programme(req->web->app, &req->actor, &error)) ==
	    NULL) {
		web_app_error(req, error);
		return NULL;
	}
	slots = json_object_get_array_member(prog, "slots");
	for (i = 0; i < json_array_get_length(slots); i++) {
		JsonObject *sl = json_array_get_object_element(slots, i);

		if (app_view_int(sl, "id") == id)
			return json_object_ref(sl);
	}
	web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
	return NULL;
}

static void
setup_slot_get(struct web_req *req, const struct web_call *c)
{
	g_autoptr(JsonObject) sl = NULL;
	gint64 id = c->id;

	if ((sl = slot_find(req, id)) == NULL)
		return;
	slot_render(req, MHD_HTTP_OK, id, json_object_ref(sl), NULL);
}

static void
setup_slot_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	g_autofree char *starts = NULL, *ends = NULL;
	struct app_refusal why = { NULL, 0 };
	gint64 id = c->id;

	if (slot_check(req, c->fields, errors, &starts, &ends)) {
		if (app_setup_slot_update(req->web->app, c->actor, id, starts,
		        ends, &why, &error)) {
			public_cache_clear(req);
			web_redirect(req, "/console/programme?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_refusal_error(req, errors, c->fields, &why, "ends_at",
		    "setup_err_refused");
	}
	slot_render(req, MHD_HTTP_BAD_REQUEST, id, web_form_typed(c->form),
	    errors);
}

static void
setup_slot_delete(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	g_autoptr(JsonObject) sl = NULL;
	gint64 id = c->id;

	if (app_setup_slot_delete(req->web->app, c->actor, id, &error)) {
		public_cache_clear(req);
		web_redirect(req, "/console/programme?done=1");
		return;
	}
	if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_ESTATE)) {
		web_app_error(req, error);
		return;
	}
	if ((sl = slot_find(req, id)) == NULL)
		return;
	web_field_error(req, errors, "delete", "setup_err_slot_in_use");
	slot_render(req, MHD_HTTP_CONFLICT, id, json_object_ref(sl), errors);
}

enum ses_field {
	SE_SLOT,
	SE_CODE,
	SE_TITLE_NB,
	SE_TITLE_EN,
	SE_DESC_NB,
	SE_DESC_EN,
	SE_ROOM,
	SE_CAPACITY,
	SE_TABLES,
	SE_SEATS,
	SE_SHARE,
	SE_ORG,
	SE__MAX
};
static const struct form_field ses_fields[SE__MAX] = {
	[SE_SLOT] = { "slot_id", FORM_INT, 20, true, 1, G_MAXINT64 },
	[SE_CODE] = { "code", FORM_LINE, 64, false, 0, 0 },
	[SE_TITLE_NB] = { "title_nb", FORM_LINE, 200, true, 0, 0 },
	[SE_TITLE_EN] = { "title_en", FORM_LINE, 200, true, 0, 0 },
	[SE_DESC_NB] = { "description_nb", FORM_BLOCK, 5000, false, 0, 0 },
	[SE_DESC_EN] = { "description_en", FORM_BLOCK, 5000, false, 0, 0 },
	[SE_ROOM] = { "room", FORM_LINE, 200, false, 0, 0 },
	[SE_CAPACITY] = { "capacity", FORM_INT, 6, true, 0, 100000 },
	[SE_TABLES] = { "tables", FORM_INT, 5, true, 1, 10000 },
	[SE_SEATS] = { "seats_per_table", FORM_INT, 4, true, 1, 1000 },
	[SE_SHARE] = { "sector_share_pct", FORM_INT, 3, true, 1, 100 },
	[SE_ORG] = { "org_limit", FORM_INT, 6, true, 1, 100000 },
};

static void session_render_spk(struct web_req *req, unsigned status,
    gint64 event_id, gint64 id, JsonObject *values, JsonObject *errors,
    JsonObject *spk_values, JsonObject *spk_errors);

static void
session_render(struct web_req *req, unsigned status, gint64 event_id, gint64 id,
    JsonObject *values, JsonObject *errors)
{
	session_render_spk(req, status, event_id, id, values, errors, NULL,
	    NULL);
}

/* The session's form; spk_values and spk_errors (may be NULL) are the
 * "on stage" form's (console_speakers.c). */
static void
session_render_spk(struct web_req *req, unsigned status, gint64 event_id,
    gint64 id, JsonObject *values, JsonObject *errors, JsonObject *spk_values,
    JsonObject *spk_errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(JsonObject) prog = NULL;
	JsonArray *slots;
	const char *chosen;
	guint i;

	if ((prog = app_setup_programme(req->web->app, &req->actor, &error)) ==
	    NULL) {
		json_object_unref(values);
		if (spk_values != NULL)
			json_object_unref(spk_values);
		web_app_error(req, error);
		return;
	}
	chosen = json_object_has_member(values, "slot_id") ?
	    json_object_get_string_member(values, "slot_id") :
	    NULL;
	slots = json_object_get_array_member(prog, "slots");
	for (i = 0; i < json_array_get_length(slots); i++) {
		JsonObject *sl = json_array_get_object_element(slots, i);
		char num[24];

		g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT,
		    app_view_int(sl, "id"));
		json_object_set_boolean_member(sl, "selected",
		    g_strcmp0(chosen, num) == 0);
		json_object_remove_member(sl, "sessions_list");
	}
	ctx = form_ctx(req, values, errors, ses_fields,
	    G_N_ELEMENTS(ses_fields));
	json_object_set_array_member(ctx, "slots", json_array_ref(slots));
	if (id > 0)
		json_object_set_int_member(ctx, "session_id", id);
	json_object_set_boolean_member(ctx, "is_new", id <= 0);
	if (id > 0)
		console_speakers_ctx(req, ctx, event_id, id, spk_values,
		    spk_errors);
	else if (spk_values != NULL)
		json_object_unref(spk_values);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "setup_session_title"));
	web_render(req, status, "console/setup_session.html", ctx);
}

/* Every member as text, so the form's values compare as strings. */
static JsonObject *
row_as_text(JsonObject *row)
{
	JsonObject *out = json_object_new();
	GList *names = json_object_get_members(row), *l;

	for (l = names; l != NULL; l = l->next) {
		JsonNode *n = json_object_get_member(row, l->data);
		GType t = json_node_get_value_type(n);

		if (t == G_TYPE_INT64) {
			char num[24];

			g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT,
			    json_node_get_int(n));
			json_object_set_string_member(out, l->data, num);
		} else
			json_object_set_member(out, l->data, json_node_copy(n));
	}
	g_list_free(names);
	return out;
}

static void
setup_session_get(struct web_req *req, const struct web_call *c)
{
	const char *arg = c->arg;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) s = NULL;
	JsonObject *values;
	gint64 id;

	if (g_strcmp0(arg, "new") == 0) {
		values = json_object_new();
		json_object_set_string_member(values, "capacity", "30");
		json_object_set_string_member(values, "tables", "3");
		json_object_set_string_member(values, "seats_per_table", "10");
		json_object_set_string_member(values, "sector_share_pct", "50");
		json_object_set_string_member(values, "org_limit", "2");
		if (web_query(req, "slot") != NULL)
			json_object_set_string_member(values, "slot_id",
			    web_query(req, "slot"));
		session_render(req, MHD_HTTP_OK, c->event_id, 0, values, NULL);
		return;
	}
	if (!web_parse_id(arg, &id)) {
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return;
	}
	if ((s = app_setup_session(req->web->app, c->actor, id, &error)) ==
	    NULL) {
		web_app_error(req, error);
		return;
	}
	values = row_as_text(s);
	session_render(req, MHD_HTTP_OK, c->event_id, id, values, NULL);
}

void
console_session_page(struct web_req *req, unsigned status, gint64 event_id,
    gint64 id, JsonObject *spk_values, JsonObject *spk_errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) s = NULL;

	if ((s = app_setup_session(req->web->app, &req->actor, id, &error)) ==
	    NULL) {
		json_object_unref(spk_values);
		web_app_error(req, error);
		return;
	}
	session_render_spk(req, status, event_id, id, row_as_text(s), NULL,
	    spk_values, spk_errors);
}

/* Checks and saves a session form: id 0 adds one. */
static void
session_save(struct web_req *req, const struct web_call *c, gint64 id)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_setup_session s;
	struct app_refusal why = { NULL, 0 };
	gint64 new_id;
	gboolean ok;

	web_field_errors(req, c->fields, errors);
	/* app's rule, asked now to show beside the other mistakes. */
	if (id == 0 && v[SE_CODE].str != NULL &&
	    !app_setup_session_code_ok(v[SE_CODE].str))
		web_field_error(req, errors, "code", "setup_err_session_code");
	if (json_object_get_size(errors) == 0) {
		s = (struct app_setup_session){
			.slot_id = v[SE_SLOT].num,
			.code = v[SE_CODE].str,
			.title_nb = v[SE_TITLE_NB].str,
			.title_en = v[SE_TITLE_EN].str,
			.description_nb = v[SE_DESC_NB].str,
			.description_en = v[SE_DESC_EN].str,
			.room = v[SE_ROOM].str,
			.capacity = v[SE_CAPACITY].num,
			.tables = v[SE_TABLES].num,
			.seats_per_table = v[SE_SEATS].num,
			.sector_share_pct = v[SE_SHARE].num,
			.org_limit = v[SE_ORG].num,
		};
		ok = id == 0 ? app_setup_session_add(req->web->app, &req->actor,
		                   &s, &new_id, &why, &error) :
		               app_setup_session_update(req->web->app,
		                   &req->actor, id, &s, &why, &error);
		if (ok) {
			public_cache_clear(req);
			web_redirect(req, "/console/programme?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_refusal_error(req, errors, c->fields, &why, "slot_id",
		    "setup_err_refused");
	}
	session_render(req, MHD_HTTP_BAD_REQUEST, c->event_id, id,
	    web_form_typed(c->form), errors);
}

static void
setup_session_add(struct web_req *req, const struct web_call *c)
{
	session_save(req, c, 0);
}

static void
setup_session_post(struct web_req *req, const struct web_call *c)
{
	session_save(req, c, c->id);
}

static void
session_status(struct web_req *req, gint64 id, bool cancelled)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *back = NULL;

	if (!app_setup_session_status(req->web->app, &req->actor, id, cancelled,
	        &error)) {
		web_app_error(req, error);
		return;
	}
	public_cache_clear(req);
	back = g_strdup_printf("/console/sessions/%" G_GINT64_FORMAT "?done=1",
	    id);
	web_redirect(req, back);
}

static void
setup_session_cancel(struct web_req *req, const struct web_call *c)
{
	session_status(req, c->id, true);
}

static void
setup_session_reinstate(struct web_req *req, const struct web_call *c)
{
	session_status(req, c->id, false);
}

/* ---- Sectors ---- */

enum sec_field {
	SC_CODE,
	SC_NAME_NB,
	SC_NAME_EN,
	SC_POSITION,
	SC_COLOUR,
	SC__MAX
};
static const struct form_field sec_fields[SC__MAX] = {
	[SC_CODE] = { "code", FORM_LINE, 32, true, 0, 0 },
	[SC_NAME_NB] = { "name_nb", FORM_LINE, 100, true, 0, 0 },
	[SC_NAME_EN] = { "name_en", FORM_LINE, 100, true, 0, 0 },
	[SC_POSITION] = { "position", FORM_INT, 6, false, -100000, 100000 },
	[SC_COLOUR] = { "colour", FORM_LINE, 7, false, 0, 0 },
};

static void
sectors_render(struct web_req *req, unsigned status, const char *edit,
    JsonObject *values, JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	JsonArray *rows;

	if ((rows = app_setup_sectors(req->web->app, &req->actor, &error)) ==
	    NULL) {
		json_object_unref(values);
		web_app_error(req, error);
		return;
	}
	ctx = form_ctx(req, values, errors, sec_fields,
	    G_N_ELEMENTS(sec_fields));
	json_object_set_array_member(ctx, "sectors", rows);
	if (edit != NULL)
		json_object_set_string_member(ctx, "edit", edit);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "setup_sectors_title"));
	web_render(req, status,
	    edit != NULL ? "console/setup_sector.html" :
	                   "console/setup_sectors.html",
	    ctx);
}

static void
setup_sectors_get(struct web_req *req, const struct web_call *c)
{
	(void)c;
	sectors_render(req, MHD_HTTP_OK, NULL, json_object_new(), NULL);
}

static void
setup_sector_get(struct web_req *req, const struct web_call *c)
{
	const char *arg = c->arg;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) rows = NULL;
	guint i;

	if ((rows = app_setup_sectors(req->web->app, c->actor, &error)) ==
	    NULL) {
		web_app_error(req, error);
		return;
	}
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *s = json_array_get_object_element(rows, i);

		if (g_strcmp0(app_view_str(s, "code"), arg) == 0) {
			sectors_render(req, MHD_HTTP_OK, arg, row_as_text(s),
			    NULL);
			return;
		}
	}
	web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
}

/* Checks and saves a sector form: code NULL adds one; an edit's form
 * may leave the code out, the path names it. */
static void
sector_save(struct web_req *req, const struct web_call *c, const char *code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_setup_sector s;
	struct app_refusal why = { NULL, 0 };
	gboolean ok;

	if (code != NULL && !g_hash_table_contains(c->form, "code")) {
		g_hash_table_insert(c->form, g_strdup("code"), g_strdup(code));
		form_values_default(c->fields, SC_CODE, code);
	}
	web_field_errors(req, c->fields, errors);
	if (v[SC_CODE].str != NULL && !app_setup_sector_code_ok(v[SC_CODE].str))
		web_field_error(req, errors, "code", "setup_err_sector_code");
	if (code != NULL && g_strcmp0(v[SC_CODE].str, code) != 0)
		web_field_error(req, errors, "code", "err_invalid");
	if (v[SC_COLOUR].str != NULL && v[SC_COLOUR].str[0] != '\0' &&
	    !app_setup_colour_ok(v[SC_COLOUR].str))
		web_field_error(req, errors, "colour", "setup_err_colour");
	if (json_object_get_size(errors) == 0) {
		s = (struct app_setup_sector){ .code = v[SC_CODE].str,
			.name_nb = v[SC_NAME_NB].str,
			.name_en = v[SC_NAME_EN].str,
			.position = v[SC_POSITION].num,
			.colour = v[SC_COLOUR].str };
		ok = code == NULL ? app_setup_sector_add(req->web->app,
		                        &req->actor, &s, &why, &error) :
		                    app_setup_sector_update(req->web->app,
		                        &req->actor, &s, &why, &error);
		if (ok) {
			public_cache_clear(req);
			web_redirect(req, "/console/sectors?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_refusal_error(req, errors, c->fields, &why, "code",
		    "setup_err_refused");
	}
	sectors_render(req, MHD_HTTP_BAD_REQUEST, code, web_form_typed(c->form),
	    errors);
}

static void
setup_sector_add(struct web_req *req, const struct web_call *c)
{
	sector_save(req, c, NULL);
}

static void
setup_sector_post(struct web_req *req, const struct web_call *c)
{
	sector_save(req, c, c->arg);
}

static void
setup_sector_delete(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();

	if (app_setup_sector_delete(req->web->app, c->actor, c->arg, &error)) {
		public_cache_clear(req);
		web_redirect(req, "/console/sectors?done=1");
		return;
	}
	if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_ESTATE)) {
		web_app_error(req, error);
		return;
	}
	web_field_error(req, errors, "delete", "setup_err_sector_in_use");
	sectors_render(req, MHD_HTTP_CONFLICT, NULL, json_object_new(), errors);
}

/* ---- Invitation codes ---- */

#define CODES_SHNULL 500

enum code_field { CO_COUNT, CO_USES, CO_EMAIL, CO_SECTOR, CO__MAX };
static const struct form_field code_fields[CO__MAX] = {
	[CO_COUNT] = { "count", FORM_INT, 6, true, 1, APP_CODES_MAX },
	[CO_USES] = { "max_uses", FORM_INT, 7, true, 1, 1000000 },
	[CO_EMAIL] = { "email", FORM_EMAIL, 254, false, 0, 0 },
	[CO_SECTOR] = { "sector", FORM_LINE, 32, false, 0, 0 },
};

static void
codes_render(struct web_req *req, unsigned status, JsonObject *values,
    JsonObject *errors)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(JsonObject) ev = NULL;
	JsonArray *rows, *sectors;
	const char *chosen;
	gint64 total = 0;
	guint i;

	if ((rows = app_setup_codes(req->web->app, &req->actor, CODES_SHNULL,
	         &total, &error)) == NULL ||
	    (sectors = app_setup_sectors(req->web->app, &req->actor, &error)) ==
	        NULL ||
	    (ev = app_setup_event(req->web->app, &req->actor, &error)) ==
	        NULL) {
		if (rows != NULL)
			json_array_unref(rows);
		json_object_unref(values);
		web_app_error(req, error);
		return;
	}
	chosen = json_object_has_member(values, "sector") ?
	    json_object_get_string_member(values, "sector") :
	    NULL;
	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);

		app_localise(s, req->lang,
		    (const char *const[]){ "name", NULL });
		json_object_set_boolean_member(s, "selected",
		    g_strcmp0(app_view_str(s, "code"), chosen) == 0);
	}
	ctx = form_ctx(req, values, errors, code_fields,
	    G_N_ELEMENTS(code_fields));
	json_object_set_array_member(ctx, "codes", rows);
	json_object_set_array_member(ctx, "sectors", sectors);
	json_object_set_int_member(ctx, "total", total);
	json_object_set_boolean_member(ctx, "more",
	    total > (gint64)json_array_get_length(rows));
	json_object_set_boolean_member(ctx, "invitation_mode",
	    g_strcmp0(app_view_str(ev, "invitation_mode"), "invitation") == 0);
	json_object_set_string_member(ctx, "page_title",
	    web_text(req, "setup_codes_title"));
	web_render(req, status, "console/setup_codes.html", ctx);
}

static void
setup_codes_get(struct web_req *req, const struct web_call *c)
{
	JsonObject *values;

	(void)c;
	values = json_object_new();
	json_object_set_string_member(values, "count", "10");
	json_object_set_string_member(values, "max_uses", "1");
	codes_render(req, MHD_HTTP_OK, values, NULL);
}

static void
setup_codes_post(struct web_req *req, const struct web_call *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) errors = json_object_new();
	const struct form_value *v = c->fields->v;
	struct app_refusal why = { NULL, 0 };

	web_field_errors(req, c->fields, errors);
	if (v[CO_SECTOR].str != NULL &&
	    !app_setup_sector_code_ok(v[CO_SECTOR].str))
		web_field_error(req, errors, "sector", "err_invalid");
	if (json_object_get_size(errors) == 0) {
		if (app_setup_codes_generate(req->web->app, c->actor,
		        v[CO_COUNT].num, v[CO_USES].num, v[CO_EMAIL].str,
		        v[CO_SECTOR].str, &why, &error)) {
			web_redirect(req, "/console/codes?done=1");
			return;
		}
		if (!g_error_matches(error, SUMMIT_APP_ERROR, APP_EINVALID)) {
			web_app_error(req, error);
			return;
		}
		web_refusal_error(req, errors, c->fields, &why, "count",
		    "err_invalid");
	}
	codes_render(req, MHD_HTTP_BAD_REQUEST, web_form_typed(c->form),
	    errors);
}

/* The invitation codes in fmt (staff). */
static void
setup_codes_export(struct web_req *req, const struct web_call *c,
    enum sheet_format fmt)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	data = app_setup_codes_export(req->web->app, c->actor, fmt, &len,
	    &error);
	web_export(req, data, len, fmt, "invitation-codes", error);
}

/* GET /console/codes.csv (staff). */
static void
setup_codes_csv(struct web_req *req, const struct web_call *c)
{
	setup_codes_export(req, c, SHEET_CSV);
}

/* GET /console/codes.xlsx (staff). */
static void
setup_codes_xlsx(struct web_req *req, const struct web_call *c)
{
	setup_codes_export(req, c, SHEET_XLSX);
}

const struct web_route console_setup_routes[] = {
	{ "GET", "/console/event", setup_event_get, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/event", setup_event_post, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(ev_fields), 0 },
	{ "GET", "/console/programme", setup_programme_get, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/slots", setup_programme_get, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/slots", setup_slot_add, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(slot_fields), 0 },
	{ "GET", "/console/slots/*", setup_slot_get, WEB_STAFF, WEB_ARG_ID,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/slots/*", setup_slot_post, WEB_ADMIN, WEB_ARG_ID,
	    WEB_FIELDS(slot_fields), 0 },
	{ "POST", "/console/slots/*/delete", setup_slot_delete, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/sessions", setup_programme_get, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/sessions", setup_session_add, WEB_ADMIN,
	    WEB_ARG_TEXT, WEB_FIELDS(ses_fields), 0 },
	{ "GET", "/console/sessions/*", setup_session_get, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/sessions/*", setup_session_post, WEB_ADMIN,
	    WEB_ARG_ID, WEB_FIELDS(ses_fields), 0 },
	{ "POST", "/console/sessions/*/cancel", setup_session_cancel, WEB_ADMIN,
	    WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/sessions/*/reinstate", setup_session_reinstate,
	    WEB_ADMIN, WEB_ARG_ID, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/sectors", setup_sectors_get, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/sectors", setup_sector_add, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(sec_fields), 0 },
	{ "GET", "/console/sectors/*", setup_sector_get, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	{ "POST", "/console/sectors/*", setup_sector_post, WEB_ADMIN,
	    WEB_ARG_SECTOR, WEB_FIELDS(sec_fields), 0 },
	{ "POST", "/console/sectors/*/delete", setup_sector_delete, WEB_ADMIN,
	    WEB_ARG_SECTOR, WEB_NO_FIELDS, 0 },
	{ "GET", "/console/codes", setup_codes_get, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "POST", "/console/codes", setup_codes_post, WEB_ADMIN, WEB_ARG_TEXT,
	    WEB_FIELDS(code_fields), 0 },
	{ "GET", "/console/codes.csv", setup_codes_csv, WEB_STAFF, WEB_ARG_TEXT,
	    WEB_NO_FIELDS, 0 },
	{ "GET", "/console/codes.xlsx", setup_codes_xlsx, WEB_STAFF,
	    WEB_ARG_TEXT, WEB_NO_FIELDS, 0 },
	WEB_ROUTES_END,
};
