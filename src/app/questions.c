/*
 * questions.c -- the organisers' own questions: built in the console
 * (admin, each change audited), shown on the registration form and the
 * participant's page, answers checked against their question's kind and
 * stored typed (sql/023_questions.sql), and their columns in the
 * registrations export.  docs/questions.md.
 *
 * A question with answers keeps them intact: its kind never changes (the
 * answers' foreign key holds it), and removing it or one of its ticked
 * choices hides it instead of deleting, so every answer given still
 * names a row and still shows in the exports.
 */
#include "app/internal.h"
#include "base/base.h"

#include <stdio.h>
#include <string.h>

static const char *const question_kinds[] = { "text", "longtext", "choice",
	"multi", "yesno", "number", "date", "country" };

bool
app_question_kind_ok(const char *kind)
{
	size_t i;

	for (i = 0; kind != NULL && i < G_N_ELEMENTS(question_kinds); i++)
		if (strcmp(kind, question_kinds[i]) == 0)
			return true;
	return false;
}

/* ---- the country list (data/countries.tsv, scripts/countries.py) ---- */

struct country {
	char code[3];
	char *name[2]; /* nb, en */
};

/* The list, read once per process; empty (and logged) when the file is
 * missing, so a country question then takes no answer. */
static GArray *
countries(void)
{
	static GArray *list;

	if (g_once_init_enter(&list)) {
		GArray *a = g_array_new(FALSE, TRUE, sizeof(struct country));
		g_autofree char *path = g_build_filename(conf_data_dir(),
		    "data", "countries.tsv", NULL);
		g_autofree char *text = NULL;
		g_autoptr(GError) error = NULL;

		if (!g_file_get_contents(path, &text, NULL, &error))
			log_warnx("country list: %s", error->message);
		else {
			g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
			char **l;

			for (l = lines; *l != NULL; l++) {
				g_auto(GStrv) f = g_strsplit(*l, "\t", 3);
				struct country c = { { 0 }, { NULL, NULL } };

				if (**l == '#' || g_strv_length(f) != 3 ||
				    strlen(f[0]) != 2)
					continue;
				memcpy(c.code, f[0], 2);
				c.name[0] = g_strdup(f[1]);
				c.name[1] = g_strdup(f[2]);
				g_array_append_val(a, c);
			}
		}
		g_once_init_leave(&list, a);
	}
	return list;
}

/* The country with code, or NULL. */
static const struct country *
country_find(const char *code)
{
	GArray *a = countries();
	guint i;

	for (i = 0; code != NULL && i < a->len; i++)
		if (strcmp(g_array_index(a, struct country, i).code, code) == 0)
			return &g_array_index(a, struct country, i);
	return NULL;
}

/* code's name in lang, or code itself when unknown. */
static const char *
country_name(const char *code, const char *lang)
{
	const struct country *c = country_find(code);

	return c == NULL ? code : c->name[g_strcmp0(lang, "en") == 0];
}

/* ---- one question's rows ---- */

/* The question row's choices (a JSON text member) parsed (transfer
 * full). */
static JsonArray *
question_choices(JsonObject *q)
{
	g_autoptr(JsonParser) p = json_parser_new();
	JsonNode *root;

	if (!json_parser_load_from_data(p, db_str(q, "choices"), -1, NULL) ||
	    (root = json_parser_get_root(p)) == NULL ||
	    !JSON_NODE_HOLDS_ARRAY(root))
		return json_array_new();
	return json_array_ref(json_node_get_array(root));
}

/* True when question q is asked of a person of sector. */
static bool
question_applies(JsonObject *q, const char *sector)
{
	const char *s = db_str(q, "sectors");
	g_auto(GStrv) list = NULL;

	if (*s == '\0')
		return true;
	list = g_strsplit(s, ",", -1);
	return sector != NULL &&
	    g_strv_contains((const char *const *)list, sector);
}

/* A nullable integer column as text, "" when null. */
static char *
int_text(JsonObject *row, const char *col)
{
	if (json_object_get_null_member(row, col))
		return g_strdup("");
	return g_strdup_printf("%" G_GINT64_FORMAT, db_int(row, col));
}

static char *
field_name(gint64 qid, gint64 cid)
{
	return cid > 0 ?
	    g_strdup_printf("q%" G_GINT64_FORMAT "_%" G_GINT64_FORMAT, qid,
	        cid) :
	    g_strdup_printf("q%" G_GINT64_FORMAT, qid);
}

/* ---- checking answers ---- */

/* A date "YYYY-MM-DD" between the years 1900 and 2200. */
static bool
date_ok(const char *s)
{
	unsigned y, m, d;
	char end;

	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &end) == 3 && y >= 1900 &&
	    y <= 2200 &&
	    g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

/* answers[field], trimmed of white space at its ends ("" when absent). */
static char *
answer_text(GHashTable *answers, const char *field)
{
	const char *v = answers ? g_hash_table_lookup(answers, field) : NULL;

	return g_strstrip(g_strdup(v != NULL ? v : ""));
}

/* The choice of q (not hidden) whose id is text v, or NULL. */
static JsonObject *
choice_by_text(JsonArray *choices, const char *v)
{
	guint i;

	for (i = 0; i < json_array_get_length(choices); i++) {
		JsonObject *c = json_array_get_object_element(choices, i);
		char buf[24];

		g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT,
		    json_object_get_int_member(c, "id"));
		if (!json_object_get_boolean_member(c, "hidden") &&
		    strcmp(buf, v) == 0)
			return c;
	}
	return NULL;
}

/* A stored answer row of q, {question_id, kind}, its value to add. */
static JsonObject *
answer_row(JsonObject *q)
{
	JsonObject *row = json_object_new();

	json_object_set_int_member(row, "question_id", db_int(q, "id"));
	json_object_set_string_member(row, "kind", db_str(q, "kind"));
	return row;
}

/*
 * Checks q's answer in answers: adds its rows to rows, or returns why it
 * is refused (0: fine).  Empty answers are no rows; a required question
 * left empty is APP_REASON_MISSING.
 */
static enum app_reason
answer_check(JsonObject *q, GHashTable *answers, JsonArray *rows)
{
	const char *kind = db_str(q, "kind");
	g_autofree char *field = field_name(db_int(q, "id"), 0);
	g_autofree char *v = answer_text(answers, field);
	bool required = json_object_get_boolean_member(q, "required");
	JsonObject *row;

	if (strcmp(kind, "multi") == 0) {
		g_autoptr(JsonArray) choices = question_choices(q);
		guint i, n = 0;

		for (i = 0; i < json_array_get_length(choices); i++) {
			JsonObject *c = json_array_get_object_element(choices,
			    i);
			g_autofree char *cf = field_name(db_int(q, "id"),
			    json_object_get_int_member(c, "id"));

			if (json_object_get_boolean_member(c, "hidden") ||
			    answers == NULL ||
			    !g_hash_table_contains(answers, cf))
				continue;
			row = answer_row(q);
			json_object_set_int_member(row, "choice_id",
			    json_object_get_int_member(c, "id"));
			json_array_add_object_element(rows, row);
			n++;
		}
		return n == 0 && required ? APP_REASON_MISSING : 0;
	}
	if (*v == '\0')
		return required ? APP_REASON_MISSING : 0;
	row = answer_row(q);
	if (strcmp(kind, "text") == 0 || strcmp(kind, "longtext") == 0) {
		bool one = strcmp(kind, "text") == 0;
		enum text_err te = one ? text_check_line(v, 200) :
		                         text_check_block(v, 2000);

		if (te != TEXT_OK) {
			json_object_unref(row);
			return te == TEXT_TOOLONG ? APP_REASON_LENGTH :
			                            APP_REASON_INVALID;
		}
		json_object_set_string_member(row, "text_value", v);
	} else if (strcmp(kind, "number") == 0) {
		gint64 n;

		if (!g_ascii_string_to_signed(v, 10, -999999999999,
		        999999999999, &n, NULL)) {
			json_object_unref(row);
			return APP_REASON_INVALID;
		}
		if ((!json_object_get_null_member(q, "min_value") &&
		        n < db_int(q, "min_value")) ||
		    (!json_object_get_null_member(q, "max_value") &&
		        n > db_int(q, "max_value"))) {
			json_object_unref(row);
			return APP_REASON_RANGE;
		}
		json_object_set_int_member(row, "number_value", n);
	} else if (strcmp(kind, "date") == 0) {
		if (!date_ok(v)) {
			json_object_unref(row);
			return APP_REASON_INVALID;
		}
		json_object_set_string_member(row, "date_value", v);
	} else if (strcmp(kind, "yesno") == 0) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			json_object_unref(row);
			return APP_REASON_INVALID;
		}
		json_object_set_boolean_member(row, "bool_value",
		    strcmp(v, "yes") == 0);
	} else if (strcmp(kind, "country") == 0) {
		if (country_find(v) == NULL) {
			json_object_unref(row);
			return APP_REASON_INVALID;
		}
		json_object_set_string_member(row, "country", v);
	} else { /* choice */
		g_autoptr(JsonArray) choices = question_choices(q);
		JsonObject *c = choice_by_text(choices, v);

		if (c == NULL) {
			json_object_unref(row);
			return APP_REASON_INVALID;
		}
		json_object_set_int_member(row, "choice_id",
		    json_object_get_int_member(c, "id"));
	}
	json_array_add_object_element(rows, row);
	return 0;
}

/*
 * Checks answers against questions (the form's, visible ones) for sector:
 * every refused field into refused (field -> reason) when not NULL, and
 * the rows to store into rows.  FALSE when any was refused; *first gets
 * the first refusal (field owned by refused's caller: interned).
 */
static bool
answers_check_all(JsonArray *questions, const char *sector, GHashTable *answers,
    JsonObject *refused, JsonArray *rows, struct app_refusal *first)
{
	guint i;
	bool ok = true;

	for (i = 0; i < json_array_get_length(questions); i++) {
		JsonObject *q = json_array_get_object_element(questions, i);
		enum app_reason why;

		if (json_object_get_boolean_member(q, "hidden") ||
		    !question_applies(q, sector))
			continue;
		if ((why = answer_check(q, answers, rows)) == 0)
			continue;
		if (ok && first != NULL) {
			g_autofree char *f = field_name(db_int(q, "id"), 0);

			*first = (struct app_refusal){ g_intern_string(f),
				why };
		}
		ok = false;
		if (refused != NULL) {
			g_autofree char *f = field_name(db_int(q, "id"), 0);
			JsonObject *r = json_object_new();

			json_object_set_int_member(r, "reason", why);
			json_object_set_string_member(r, "kind",
			    db_str(q, "kind"));
			json_object_set_object_member(refused, f, r);
		}
	}
	return ok;
}

char *
app_answers_rows(DbConn *conn, gint64 event_id, const char *sector,
    GHashTable *answers, struct app_refusal *refusal, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) qs = NULL;
	g_autoptr(JsonArray) rows = json_array_new();
	struct app_refusal first = { NULL, 0 };
	g_autoptr(JsonNode) node = NULL;

	if ((qs = db_question_list(conn, event_id, false, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	if (!answers_check_all(qs, sector, answers, NULL, rows, &first)) {
		if (refusal != NULL)
			*refusal = first;
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s",
		    first.field);
		return NULL;
	}
	node = json_node_new(JSON_NODE_ARRAY);
	json_node_set_array(node, rows);
	return json_to_string(node, FALSE);
}

/* ---- the form's view ---- */

/* A stored answer in the form's own shape, into values (field -> text). */
static void
answer_to_values(JsonObject *a, GHashTable *values)
{
	const char *kind = db_str(a, "kind");
	gint64 qid = db_int(a, "question_id");
	char *v;

	if (strcmp(kind, "multi") == 0) {
		g_hash_table_insert(values,
		    field_name(qid, db_int(a, "choice_id")), g_strdup("on"));
		return;
	}
	if (strcmp(kind, "choice") == 0)
		v = int_text(a, "choice_id");
	else if (strcmp(kind, "number") == 0)
		v = int_text(a, "number_value");
	else if (strcmp(kind, "yesno") == 0)
		v = g_strdup(json_object_get_boolean_member(a, "bool_value") ?
		        "yes" :
		        "no");
	else if (strcmp(kind, "date") == 0)
		v = g_strdup(db_str(a, "date_value"));
	else if (strcmp(kind, "country") == 0)
		v = g_strdup(db_str(a, "country"));
	else
		v = g_strdup(db_str(a, "text_value"));
	g_hash_table_insert(values, field_name(qid, 0), v);
}

/* The names of sectors "a,b" in lang, from the event's sector rows. */
static char *
sector_names(const char *codes, JsonArray *sectors, const char *lang)
{
	g_auto(GStrv) list = g_strsplit(codes, ",", -1);
	GString *out = g_string_new(NULL);
	char **c;
	guint i;

	for (c = list; *c != NULL && **c != '\0'; c++) {
		const char *name = *c;

		for (i = 0; i < json_array_get_length(sectors); i++) {
			JsonObject *s = json_array_get_object_element(sectors,
			    i);

			if (g_strcmp0(db_str(s, "code"), *c) == 0)
				name = db_str(s,
				    g_strcmp0(lang, "en") == 0 ? "name_en" :
				                                 "name_nb");
		}
		g_string_append_printf(out, "%s%s", out->len ? ", " : "", name);
	}
	return g_string_free(out, FALSE);
}

/* One question of the form (see app_questions_form). */
static JsonObject *
form_question(JsonObject *q, const char *lang, GHashTable *values,
    JsonArray *sectors)
{
	JsonObject *o = json_object_new();
	const char *kind = db_str(q, "kind");
	bool en = g_strcmp0(lang, "en") == 0;
	gint64 id = db_int(q, "id");
	g_autofree char *field = field_name(id, 0);
	g_autofree char *value = answer_text(values, field);
	g_autofree char *names = sector_names(db_str(q, "sectors"), sectors,
	    lang);
	g_autofree char *min = int_text(q, "min_value");
	g_autofree char *max = int_text(q, "max_value");
	g_autoptr(JsonArray) choices = question_choices(q);
	JsonArray *cs = json_array_new(), *cn = json_array_new();
	const char *help = db_str(q, en ? "help_en" : "help_nb");
	guint i;

	json_object_set_int_member(o, "id", id);
	json_object_set_string_member(o, "field", field);
	json_object_set_string_member(o, "kind", kind);
	for (i = 0; i < G_N_ELEMENTS(question_kinds); i++) {
		g_autofree char *is = g_strconcat("is_", question_kinds[i],
		    NULL);

		json_object_set_boolean_member(o, is,
		    strcmp(kind, question_kinds[i]) == 0);
	}
	json_object_set_string_member(o, "label",
	    db_str(q, en ? "label_en" : "label_nb"));
	json_object_set_string_member(o, "help", help);
	json_object_set_boolean_member(o, "has_help", *help != '\0');
	json_object_set_boolean_member(o, "required",
	    json_object_get_boolean_member(q, "required"));
	json_object_set_string_member(o, "sectors", names);
	json_object_set_boolean_member(o, "has_sectors", *names != '\0');
	json_object_set_boolean_member(o, "has_min", *min != '\0');
	json_object_set_string_member(o, "min", min);
	json_object_set_boolean_member(o, "has_max", *max != '\0');
	json_object_set_string_member(o, "max", max);
	json_object_set_string_member(o, "value", value);
	json_object_set_boolean_member(o, "yes", strcmp(value, "yes") == 0);
	json_object_set_boolean_member(o, "no", strcmp(value, "no") == 0);
	for (i = 0; i < json_array_get_length(choices); i++) {
		JsonObject *c = json_array_get_object_element(choices, i);
		JsonObject *v = json_object_new();
		gint64 cid = json_object_get_int_member(c, "id");
		g_autofree char *cf = field_name(id, cid);
		char buf[24];

		if (json_object_get_boolean_member(c, "hidden")) {
			json_object_unref(v);
			continue;
		}
		g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, cid);
		json_object_set_int_member(v, "id", cid);
		json_object_set_string_member(v, "field", cf);
		json_object_set_string_member(v, "qfield", field);
		json_object_set_string_member(v, "label",
		    json_object_get_string_member(c,
		        en ? "label_en" : "label_nb"));
		json_object_set_boolean_member(v, "checked",
		    strcmp(kind, "multi") == 0 ?
		        values != NULL && g_hash_table_contains(values, cf) :
		        strcmp(value, buf) == 0);
		json_array_add_object_element(cs, v);
	}
	json_object_set_array_member(o, "choices", cs);
	if (strcmp(kind, "country") == 0) {
		GArray *a = countries();

		for (i = 0; i < a->len; i++) {
			const struct country *c = &g_array_index(a,
			    struct country, i);
			JsonObject *v = json_object_new();

			json_object_set_string_member(v, "code", c->code);
			json_object_set_string_member(v, "name", c->name[en]);
			json_object_set_boolean_member(v, "selected",
			    strcmp(value, c->code) == 0);
			json_array_add_object_element(cn, v);
		}
	}
	json_object_set_array_member(o, "countries", cn);
	return o;
}

/* The form's questions, from conn: see app_questions_form. */
static JsonArray *
form_questions(DbConn *conn, gint64 event_id, const char *lang,
    GHashTable *values, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) qs = NULL, sectors = NULL;
	JsonArray *out;
	guint i;

	if ((qs = db_question_list(conn, event_id, false, &dberr)) == NULL ||
	    (sectors = db_event_sectors(conn, event_id, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	out = json_array_new();
	for (i = 0; i < json_array_get_length(qs); i++)
		json_array_add_object_element(out,
		    form_question(json_array_get_object_element(qs, i), lang,
		        values, sectors));
	return out;
}

struct form_unit {
	gint64 event_id;
	const char *lang, *sector, *token;
	GHashTable *answers;
	JsonArray *out;      /* the form's questions */
	JsonObject *refused; /* field -> reason */
	bool may_change;
};

static gboolean
form_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct form_unit *u = user;

	(void)app;
	g_clear_pointer(&u->out, json_array_unref);
	u->out = form_questions(conn, u->event_id, u->lang, u->answers, error);
	return u->out != NULL;
}

JsonArray *
app_questions_form(const struct app *app, gint64 event_id, const char *lang,
    GHashTable *answers, GError **error)
{
	struct form_unit u = { .event_id = event_id,
		.lang = lang,
		.answers = answers };

	if (!app_db_run(app, form_run, &u, error))
		return NULL;
	return u.out;
}

static gboolean
check_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct form_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) qs = NULL;
	g_autoptr(JsonArray) rows = json_array_new();

	(void)app;
	if ((qs = db_question_list(conn, u->event_id, false, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_pointer(&u->refused, json_object_unref);
	u->refused = json_object_new();
	(void)answers_check_all(qs, u->sector, u->answers, u->refused, rows,
	    NULL);
	return TRUE;
}

JsonObject *
app_answers_check(const struct app *app, gint64 event_id, const char *sector,
    GHashTable *answers, GError **error)
{
	struct form_unit u = { .event_id = event_id,
		.sector = sector,
		.answers = answers };

	if (!app_db_run(app, check_run, &u, error))
		return NULL;
	return u.refused;
}

bool
app_answers_may_change(const struct app *app, gint64 event_id,
    gint64 participant_id)
{
	/* Issue 11 item 3 wires the event's change deadline in here. */
	(void)app;
	(void)event_id;
	(void)participant_id;
	return true;
}

/* The participant behind u->token, locked when lock; NULL with error. */
static JsonObject *
me_participant(DbConn *conn, const char *token, bool lock, GError **error)
{
	g_autofree char *hash = NULL;
	g_autoptr(GError) dberr = NULL;
	JsonObject *p;

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	hash = token_hash(token);
	if ((p = db_participant_by_token(conn, hash, lock, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	return p;
}

/* Whether p may change answers: not cancelled or expired, and before the
 * change deadline. */
static bool
me_may_change(const struct app *app, JsonObject *p)
{
	const char *st = db_str(p, "status");

	return strcmp(st, "cancelled") != 0 && strcmp(st, "expired") != 0 &&
	    app_answers_may_change(app, db_int(p, "event_id"), db_int(p, "id"));
}

static gboolean
me_view_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct form_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL;
	g_autoptr(JsonArray) given = NULL;
	g_autoptr(GHashTable) values = NULL;
	guint i;

	if ((p = me_participant(conn, u->token, false, error)) == NULL)
		return FALSE;
	u->event_id = db_int(p, "event_id");
	u->may_change = me_may_change(app, p);
	values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (u->answers == NULL) {
		given = db_answers_of(conn, u->event_id, db_int(p, "id"),
		    &dberr);
		if (given == NULL)
			return app_fail_db(error, g_steal_pointer(&dberr));
		for (i = 0; i < json_array_get_length(given); i++)
			answer_to_values(
			    json_array_get_object_element(given, i), values);
	}
	g_clear_pointer(&u->out, json_array_unref);
	u->out = form_questions(conn, u->event_id, u->lang,
	    u->answers != NULL ? u->answers : values, error);
	return u->out != NULL;
}

JsonObject *
app_me_answers(const struct app *app, const char *token, const char *lang,
    GHashTable *typed, GError **error)
{
	struct form_unit u = { .token = token, .lang = lang, .answers = typed };
	JsonObject *o;

	if (!app_db_run(app, me_view_run, &u, error))
		return NULL;
	o = json_object_new();
	json_object_set_array_member(o, "questions", u.out);
	json_object_set_boolean_member(o, "may_change", u.may_change);
	return o;
}

static gboolean
me_set_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct form_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) p = NULL, sector = NULL;
	g_autoptr(JsonArray) qs = NULL;
	g_autoptr(JsonArray) rows = json_array_new();
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_ARRAY);
	g_autofree char *text = NULL;

	if ((p = me_participant(conn, u->token, true, error)) == NULL)
		return FALSE;
	if (!me_may_change(app, p)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ECLOSED,
		    "answers may not change now");
		return FALSE;
	}
	u->event_id = db_int(p, "event_id");
	if ((qs = db_question_list(conn, u->event_id, false, &dberr)) == NULL ||
	    (sector = db_participant_sector(conn, u->event_id, db_int(p, "id"),
	         &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	g_clear_pointer(&u->refused, json_object_unref);
	u->refused = json_object_new();
	if (!answers_check_all(qs, db_str(sector, "sector"), u->answers,
	        u->refused, rows, NULL)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "answers");
		return FALSE;
	}
	json_node_set_array(node, rows);
	text = json_to_string(node, FALSE);
	if (!db_answers_replace(conn, u->event_id, db_int(p, "id"), text,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_me_answers_set(const struct app *app, const char *token,
    GHashTable *answers, JsonObject **refused, GError **error)
{
	struct form_unit u = { .token = token, .answers = answers };
	gboolean ok = app_tx(app, me_set_run, &u, error);

	if (refused != NULL)
		*refused = u.refused;
	else if (u.refused != NULL)
		json_object_unref(u.refused);
	return ok;
}

/* ---- the console ---- */

/* q's values checked: the field refused first, and why; 0 when fine.
 * *min and *max get the bounds as text (NULL when none). */
static enum app_reason
question_refused(const struct app_question *q, bool adding, const char **field,
    const char **min, const char **max)
{
	static const struct {
		const char *name;
		size_t off, max;
		bool block;
	} texts[] = {
		{ "label_nb", offsetof(struct app_question, label_nb), 200, 0 },
		{ "label_en", offsetof(struct app_question, label_en), 200, 0 },
		{ "help_nb", offsetof(struct app_question, help_nb), 500, 1 },
		{ "help_en", offsetof(struct app_question, help_en), 500, 1 },
	};
	gint64 lo = 0, hi = 0;
	size_t i;

	*min = *max = NULL;
	if (adding && !app_question_kind_ok(q->kind)) {
		*field = "kind";
		return APP_REASON_INVALID;
	}
	for (i = 0; i < G_N_ELEMENTS(texts); i++) {
		const char *s = *(
		    const char *const *)((const char *)q + texts[i].off);
		enum text_err te;

		*field = texts[i].name;
		if (texts[i].block && (s == NULL || *s == '\0'))
			continue;
		te = texts[i].block ? text_check_block(s, texts[i].max) :
		                      text_check_line(s, texts[i].max);
		if (te == TEXT_EMPTY)
			return APP_REASON_MISSING;
		if (te == TEXT_TOOLONG)
			return APP_REASON_LENGTH;
		if (te != TEXT_OK)
			return APP_REASON_INVALID;
	}
	if (q->min != NULL && *q->min != '\0') {
		*field = "min";
		if (!g_ascii_string_to_signed(q->min, 10, -999999999999,
		        999999999999, &lo, NULL))
			return APP_REASON_INVALID;
		*min = q->min;
	}
	if (q->max != NULL && *q->max != '\0') {
		*field = "max";
		if (!g_ascii_string_to_signed(q->max, 10, -999999999999,
		        999999999999, &hi, NULL))
			return APP_REASON_INVALID;
		*max = q->max;
	}
	if (*min != NULL && *max != NULL && hi < lo) {
		*field = "max";
		return APP_REASON_ORDER;
	}
	for (i = 0; i < q->nsectors; i++)
		if (!app_setup_sector_code_ok(q->sectors[i])) {
			*field = "sectors";
			return APP_REASON_INVALID;
		}
	*field = NULL;
	return 0;
}

struct question_unit {
	gint64 event_id, id, cid;
	const struct app_question *q;
	const char *min, *max, *label_nb, *label_en;
	struct app_refusal *refusal;
	int dir;
	bool hidden;
};

/* The question's row as the audit's before or after (transfer full). */
static JsonObject *
question_state(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonObject *row = db_question_get(conn, event_id, id, &dberr);

	if (row == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	return row;
}

/* The db's form of u's question (sectors as an array literal, owned by
 * *lit). */
static struct db_question
question_db(const struct question_unit *u, char **lit)
{
	GString *s = g_string_new("{");
	size_t i;

	for (i = 0; i < u->q->nsectors; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "",
		    u->q->sectors[i]);
	g_string_append_c(s, '}');
	*lit = g_string_free(s, FALSE);
	return (struct db_question){ .kind = u->q->kind,
		.label_nb = u->q->label_nb,
		.label_en = u->q->label_en,
		.help_nb = u->q->help_nb ? u->q->help_nb : "",
		.help_en = u->q->help_en ? u->q->help_en : "",
		.required = u->q->required,
		.min_value = strcmp(u->q->kind ? u->q->kind : "number",
		                 "number") == 0 ?
		    u->min :
		    NULL,
		.max_value = strcmp(u->q->kind ? u->q->kind : "number",
		                 "number") == 0 ?
		    u->max :
		    NULL,
		.sectors = *lit };
}

/* Every sector of u's question is one of the event's; else APP_EINVALID
 * with the refusal (sectors, APP_REASON_INVALID). */
static gboolean
sectors_known(DbConn *conn, struct question_unit *u, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) ss = db_event_sectors(conn, u->event_id, &dberr);
	size_t i;
	guint j;

	if (ss == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < u->q->nsectors; i++) {
		bool found = false;

		for (j = 0; j < json_array_get_length(ss) && !found; j++)
			found = g_strcmp0(
			            db_str(json_array_get_object_element(ss, j),
			                "code"),
			            u->q->sectors[i]) == 0;
		if (!found) {
			if (u->refusal != NULL)
				*u->refusal = (struct app_refusal){ "sectors",
					APP_REASON_INVALID };
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "sectors");
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
question_add_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autofree char *lit = NULL;
	struct db_question dq = question_db(u, &lit);

	(void)app;
	if (!sectors_known(conn, u, error))
		return FALSE;
	if (!db_question_insert(conn, u->event_id, &dq, &u->id, &dberr)) {
		if (u->refusal != NULL)
			(void)app_refusal_from_db(dberr, u->refusal);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	ch->subject_id = u->id;
	ch->after = question_state(conn, u->event_id, u->id, error);
	return ch->after != NULL;
}

/* Refuses u's question when a value is wrong (APP_EINVALID, refusal). */
static bool
question_checked(struct question_unit *u, bool adding, GError **error)
{
	const char *field = NULL;
	enum app_reason why = question_refused(u->q, adding, &field, &u->min,
	    &u->max);

	if (why == 0)
		return true;
	if (u->refusal != NULL)
		*u->refusal = (struct app_refusal){ field, why };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
	return false;
}

gboolean
app_question_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const struct app_question *q, gint64 *id,
    struct app_refusal *refusal, GError **error)
{
	struct question_unit u = { .event_id = event_id,
		.q = q,
		.refusal = refusal };

	if (!app_require(actor, "admin", error) ||
	    !question_checked(&u, true, error) ||
	    !app_tx_audited(app, actor, "admin", "question.add", "question",
	        question_add_run, &u, error))
		return FALSE;
	*id = u.id;
	return TRUE;
}

static gboolean
question_edit_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autofree char *lit = NULL;
	struct app_question q;
	struct question_unit v;
	struct db_question dq;

	(void)app;
	if ((ch->before = question_state(conn, u->event_id, u->id, error)) ==
	    NULL)
		return FALSE;
	if (!sectors_known(conn, u, error))
		return FALSE;
	/* The kind is the question's own (u is not changed: the unit may
	 * run again). */
	q = *u->q;
	q.kind = db_str(ch->before, "kind");
	v = *u;
	v.q = &q;
	dq = question_db(&v, &lit);
	if (!db_question_update(conn, u->event_id, u->id, &dq, &dberr)) {
		if (u->refusal != NULL)
			(void)app_refusal_from_db(dberr, u->refusal);
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	ch->subject_id = u->id;
	ch->after = question_state(conn, u->event_id, u->id, error);
	return ch->after != NULL;
}

gboolean
app_question_edit(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, const struct app_question *q,
    struct app_refusal *refusal, GError **error)
{
	struct question_unit u = { .event_id = event_id,
		.id = id,
		.q = q,
		.refusal = refusal };

	return app_require(actor, "admin", error) &&
	    question_checked(&u, false, error) &&
	    app_tx_audited(app, actor, "admin", "question.edit", "question",
	        question_edit_run, &u, error);
}

static gboolean
question_move_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) qs = NULL;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autofree char *lit = NULL;
	guint i, at = G_MAXUINT;

	(void)app;
	if ((qs = db_question_list(conn, u->event_id, true, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(qs); i++) {
		gint64 id = db_int(json_array_get_object_element(qs, i), "id");

		if (id == u->id)
			at = i;
		g_array_append_val(ids, id);
	}
	if (at == G_MAXUINT) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such question");
		return FALSE;
	}
	ch->subject_id = u->id;
	if ((u->dir < 0 && at == 0) || (u->dir > 0 && at + 1 >= ids->len)) {
		ch->action = NULL; /* at the end already: nothing moved */
		return TRUE;
	}
	{
		guint other = u->dir < 0 ? at - 1 : at + 1;
		gint64 t = g_array_index(ids, gint64, at);

		g_array_index(ids, gint64, at) = g_array_index(ids, gint64,
		    other);
		g_array_index(ids, gint64, other) = t;
	}
	{
		GString *l = g_string_new("{");

		for (i = 0; i < ids->len; i++)
			g_string_append_printf(l, "%s%" G_GINT64_FORMAT,
			    i ? "," : "", g_array_index(ids, gint64, i));
		g_string_append_c(l, '}');
		lit = g_string_free(l, FALSE);
	}
	if (!db_question_reorder(conn, u->event_id, lit, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "moved", u->dir < 0 ? -1 : 1);
	return TRUE;
}

gboolean
app_question_move(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, int dir, GError **error)
{
	struct question_unit u = { .event_id = event_id, .id = id, .dir = dir };

	return app_tx_audited(app, actor, "admin", "question.move", "question",
	    question_move_run, &u, error);
}

static gboolean
question_remove_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	bool deleted = false;

	(void)app;
	if ((ch->before = question_state(conn, u->event_id, u->id, error)) ==
	    NULL)
		return FALSE;
	ch->subject_id = u->id;
	if (!db_question_delete(conn, u->event_id, u->id, &deleted, &dberr) ||
	    (!deleted &&
	        !db_question_set_hidden(conn, u->event_id, u->id, true,
	            &dberr)))
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->hidden = !deleted;
	if (deleted)
		return TRUE;
	ch->action = "question.hide";
	ch->after = question_state(conn, u->event_id, u->id, error);
	return ch->after != NULL;
}

gboolean
app_question_remove(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, bool *hidden, GError **error)
{
	struct question_unit u = { .event_id = event_id, .id = id };

	if (!app_tx_audited(app, actor, "admin", "question.delete", "question",
	        question_remove_run, &u, error))
		return FALSE;
	*hidden = u.hidden;
	return TRUE;
}

static gboolean
question_show_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = u->id;
	if (u->cid > 0 ? !db_choice_set_hidden(conn, u->event_id, u->id, u->cid,
	                     false, &dberr) :
	                 !db_question_set_hidden(conn, u->event_id, u->id,
	                     false, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_question_show(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, GError **error)
{
	struct question_unit u = { .event_id = event_id, .id = id };

	return app_tx_audited(app, actor, "admin", "question.show", "question",
	    question_show_run, &u, error);
}

gboolean
app_choice_show(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 qid, gint64 cid, GError **error)
{
	struct question_unit u = { .event_id = event_id,
		.id = qid,
		.cid = cid };

	return app_tx_audited(app, actor, "admin", "question.choice_show",
	    "question", question_show_run, &u, error);
}

static gboolean
choice_add_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = u->id;
	if (!db_choice_insert(conn, u->event_id, u->id, NULL, u->label_nb,
	        u->label_en, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = question_state(conn, u->event_id, u->id, error);
	return ch->after != NULL;
}

gboolean
app_choice_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 qid, const char *label_nb, const char *label_en,
    struct app_refusal *refusal, GError **error)
{
	struct question_unit u = { .event_id = event_id,
		.id = qid,
		.label_nb = label_nb,
		.label_en = label_en };
	const char *field = text_check_line(label_nb, 200) != TEXT_OK ?
	    "label_nb" :
	    text_check_line(label_en, 200) != TEXT_OK ? "label_en" :
	                                                NULL;

	if (field != NULL) {
		if (refusal != NULL)
			*refusal = (struct app_refusal){ field,
				APP_REASON_MISSING };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s", field);
		return FALSE;
	}
	return app_tx_audited(app, actor, "admin", "question.choice_add",
	    "question", choice_add_run, &u, error);
}

static gboolean
choice_remove_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	bool deleted = false;

	(void)app;
	ch->subject_id = u->id;
	if (!db_choice_delete(conn, u->event_id, u->id, u->cid, &deleted,
	        &dberr) ||
	    (!deleted &&
	        !db_choice_set_hidden(conn, u->event_id, u->id, u->cid, true,
	            &dberr)))
		return app_fail_db(error, g_steal_pointer(&dberr));
	u->hidden = !deleted;
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "choice", u->cid);
	json_object_set_boolean_member(ch->after, "hidden", u->hidden);
	return TRUE;
}

gboolean
app_choice_remove(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 qid, gint64 cid, bool *hidden, GError **error)
{
	struct question_unit u = { .event_id = event_id,
		.id = qid,
		.cid = cid };

	if (!app_tx_audited(app, actor, "admin", "question.choice_remove",
	        "question", choice_remove_run, &u, error))
		return FALSE;
	*hidden = u.hidden;
	return TRUE;
}

/* ---- the standard dietary and accessibility questions ---- */

static const struct std_choice {
	const char *code, *nb, *en;
} std_diet[] = {
	{ "gluten", "Gluten", "Gluten" },
	{ "crustaceans", "Skalldyr", "Crustaceans" },
	{ "eggs", "Egg", "Eggs" },
	{ "fish", "Fisk", "Fish" },
	{ "peanuts", "Peanøtter", "Peanuts" },
	{ "soy", "Soya", "Soy" },
	{ "milk", "Melk", "Milk" },
	{ "nuts", "Nøtter", "Nuts" },
	{ "celery", "Selleri", "Celery" },
	{ "mustard", "Sennep", "Mustard" },
	{ "sesame", "Sesamfrø", "Sesame seeds" },
	{ "sulphites", "Svoveldioksid og sulfitter", "Sulphites" },
	{ "lupin", "Lupin", "Lupin" },
	{ "molluscs", "Bløtdyr", "Molluscs" },
	{ "vegetarian", "Vegetar", "Vegetarian" },
	{ "vegan", "Vegan", "Vegan" },
	{ NULL, NULL, NULL },
}, std_access[] = {
	{ "wheelchair", "Rullestoltilgang", "Wheelchair access" },
	{ "hearing_loop", "Teleslynge", "Hearing loop" },
	{ "sign_language", "Tegnspråktolk", "Sign-language interpreter" },
	{ NULL, NULL, NULL },
};

static const struct std_question {
	const char *standard, *kind, *nb, *en, *help_nb, *help_en;
	const struct std_choice *choices;
} std_questions[] = {
	{ "diet", "multi", "Allergier og kosthold", "Allergies and diet",
	    "Kryss av for allergenene du må unngå og kosten du følger.",
	    "Tick the allergens you must avoid and the diet you follow.",
	    std_diet },
	{ "access", "multi", "Tilrettelegging", "Accessibility",
	    "Kryss av for det du trenger for å delta.",
	    "Tick what you need in order to take part.", std_access },
	{ "other", "longtext", "Andre behov", "Other needs",
	    "Andre allergier, kosthold eller behov vi bør vite om.",
	    "Other allergies, diets or needs we should know of.", NULL },
};

static gboolean
standard_add_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct question_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) qs = NULL;
	size_t i;
	guint k;

	(void)app;
	if ((qs = db_question_list(conn, u->event_id, true, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (k = 0; k < json_array_get_length(qs); k++)
		if (!json_object_get_null_member(
		        json_array_get_object_element(qs, k), "standard")) {
			if (u->refusal != NULL)
				*u->refusal = (struct app_refusal){ "standard",
					APP_REASON_TAKEN };
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "standard");
			return FALSE;
		}
	ch->after = json_object_new();
	for (i = 0; i < G_N_ELEMENTS(std_questions); i++) {
		const struct std_question *s = &std_questions[i];
		const struct std_choice *c;
		struct db_question dq = { .kind = s->kind,
			.label_nb = s->nb,
			.label_en = s->en,
			.help_nb = s->help_nb,
			.help_en = s->help_en,
			.sectors = "{}",
			.standard = s->standard };
		gint64 id;

		if (!db_question_insert(conn, u->event_id, &dq, &id, &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		json_object_set_int_member(ch->after, s->standard, id);
		for (c = s->choices; c != NULL && c->code != NULL; c++)
			if (!db_choice_insert(conn, u->event_id, id, c->code,
			        c->nb, c->en, &dberr))
				return app_fail_db(error,
				    g_steal_pointer(&dberr));
	}
	return TRUE;
}

gboolean
app_questions_standard_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, struct app_refusal *refusal, GError **error)
{
	struct question_unit u = { .event_id = event_id, .refusal = refusal };

	return app_tx_audited(app, actor, "admin", "question.standard_add",
	    "event", standard_add_run, &u, error);
}

/* ---- the console's view ---- */

struct console_unit {
	gint64 event_id, id;
	const char *lang;
	JsonObject *out;
};

/* One question row as the console shows it (see app_questions_console). */
static JsonObject *
console_question(JsonObject *q, bool first, bool last)
{
	JsonObject *o = json_object_new();
	g_autofree char *min = int_text(q, "min_value");
	g_autofree char *max = int_text(q, "max_value");
	const char *kind = db_str(q, "kind");
	static const char *const texts[] = { "kind", "label_nb", "label_en",
		"help_nb", "help_en", "sectors" };
	size_t i;

	json_object_set_int_member(o, "id", db_int(q, "id"));
	for (i = 0; i < G_N_ELEMENTS(texts); i++)
		json_object_set_string_member(o, texts[i], db_str(q, texts[i]));
	json_object_set_boolean_member(o, "required",
	    json_object_get_boolean_member(q, "required"));
	json_object_set_boolean_member(o, "hidden",
	    json_object_get_boolean_member(q, "hidden"));
	json_object_set_string_member(o, "min_value", min);
	json_object_set_string_member(o, "max_value", max);
	json_object_set_string_member(o, "standard",
	    json_object_get_null_member(q, "standard") ? "" :
	                                                 db_str(q, "standard"));
	json_object_set_int_member(o, "answers", db_int(q, "answers"));
	json_object_set_boolean_member(o, "first", first);
	json_object_set_boolean_member(o, "last", last);
	json_object_set_boolean_member(o, "is_number",
	    strcmp(kind, "number") == 0);
	json_object_set_boolean_member(o, "has_choices",
	    strcmp(kind, "choice") == 0 || strcmp(kind, "multi") == 0);
	json_object_set_array_member(o, "choices", question_choices(q));
	return o;
}

static gboolean
console_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct console_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) qs = NULL, sectors = NULL;
	JsonArray *out = json_array_new(), *ss = json_array_new();
	bool standard = false;
	guint i, n;

	(void)app;
	g_clear_pointer(&u->out, json_object_unref);
	u->out = json_object_new();
	json_object_set_array_member(u->out, "questions", out);
	json_object_set_array_member(u->out, "sectors", ss);
	if ((qs = db_question_list_counted(conn, u->event_id, &dberr)) ==
	        NULL ||
	    (sectors = db_event_sectors(conn, u->event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	n = json_array_get_length(qs);
	for (i = 0; i < n; i++) {
		JsonObject *q = json_array_get_object_element(qs, i);

		if (!json_object_get_null_member(q, "standard"))
			standard = true;
		if (u->id == 0 || db_int(q, "id") == u->id)
			json_array_add_object_element(out,
			    console_question(q, i == 0, i + 1 == n));
	}
	if (u->id != 0 && json_array_get_length(out) == 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such question");
		return FALSE;
	}
	for (i = 0; i < json_array_get_length(sectors); i++) {
		JsonObject *s = json_array_get_object_element(sectors, i);
		JsonObject *o = json_object_new();

		json_object_set_string_member(o, "code", db_str(s, "code"));
		json_object_set_string_member(o, "name",
		    db_str(s,
		        g_strcmp0(u->lang, "en") == 0 ? "name_en" : "name_nb"));
		json_array_add_object_element(ss, o);
	}
	json_object_set_boolean_member(u->out, "has_standard", standard);
	return TRUE;
}

JsonObject *
app_questions_console(const struct app *app, const struct app_actor *actor,
    gint64 event_id, gint64 id, const char *lang, GError **error)
{
	struct console_unit u = { event_id, id, lang, NULL };

	if (!app_require(actor, "admin", error))
		return NULL;
	if (!app_db_run(app, console_run, &u, error)) {
		g_clear_pointer(&u.out, json_object_unref);
		return NULL;
	}
	return u.out;
}

/* ---- the export's columns ---- */

struct app_qcols {
	JsonArray *questions; /* every question, hidden too, form order */
	GHashTable *answers;  /* "participant:question" -> row */
	JsonArray *rows;      /* the loaded range's answers */
	const char *lang;
	GPtrArray *heads;
};

struct app_qcols *
app_qcols_new(DbConn *conn, gint64 event_id, const char *lang, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	struct app_qcols *qc;
	guint i;
	JsonArray *qs = db_question_list(conn, event_id, true, &dberr);

	if (qs == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	qc = g_new0(struct app_qcols, 1);
	qc->questions = qs;
	qc->lang = lang;
	qc->heads = g_ptr_array_new_with_free_func(g_free);
	qc->answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	for (i = 0; i < json_array_get_length(qs); i++)
		g_ptr_array_add(qc->heads,
		    g_strdup(db_str(json_array_get_object_element(qs, i),
		        g_strcmp0(lang, "en") == 0 ? "label_en" : "label_nb")));
	return qc;
}

guint
app_qcols_n(const struct app_qcols *qc)
{
	return qc->heads->len;
}

const char *
app_qcols_head(const struct app_qcols *qc, guint i)
{
	return g_ptr_array_index(qc->heads, i);
}

gboolean
app_qcols_load(struct app_qcols *qc, DbConn *conn, gint64 event_id,
    gint64 after, gint64 upto, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	guint i;

	g_hash_table_remove_all(qc->answers);
	g_clear_pointer(&qc->rows, json_array_unref);
	qc->rows = db_answers_export(conn, event_id, qc->lang, after, upto,
	    &dberr);
	if (qc->rows == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(qc->rows); i++) {
		JsonObject *r = json_array_get_object_element(qc->rows, i);

		g_hash_table_insert(qc->answers,
		    g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
		        db_int(r, "participant_id"), db_int(r, "question_id")),
		    r);
	}
	return TRUE;
}

void
app_qcols_write(const struct app_qcols *qc, SheetBook *b, gint64 participant_id)
{
	bool en = g_strcmp0(qc->lang, "en") == 0;
	guint i;

	for (i = 0; i < json_array_get_length(qc->questions); i++) {
		JsonObject *q = json_array_get_object_element(qc->questions, i);
		const char *kind = db_str(q, "kind");
		g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT
		                                       ":%" G_GINT64_FORMAT,
		    participant_id, db_int(q, "id"));
		JsonObject *a = g_hash_table_lookup(qc->answers, key);

		if (a == NULL)
			sheet_empty(b);
		else if (strcmp(kind, "number") == 0)
			sheet_int(b, db_int(a, "number_value"));
		else if (strcmp(kind, "date") == 0) {
			unsigned y = 0, m = 0, d = 0;

			if (sscanf(db_str(a, "date_value"), "%4u-%2u-%2u", &y,
			        &m, &d) == 3)
				sheet_date(b, (int)y, (int)m, (int)d);
			else
				sheet_empty(b);
		} else if (strcmp(kind, "yesno") == 0)
			/* Words, not a boolean: CSV's boolean is "x" or
			 * empty, and "no" must differ from no answer. */
			sheet_text(b,
			    json_object_get_boolean_member(a, "bool_value") ?
			        (en ? "yes" : "ja") :
			        (en ? "no" : "nei"));
		else if (strcmp(kind, "country") == 0)
			sheet_text(b,
			    country_name(db_str(a, "country"), qc->lang));
		else if (strcmp(kind, "choice") == 0 ||
		    strcmp(kind, "multi") == 0)
			sheet_text(b, db_str(a, "choices"));
		else
			sheet_text(b, db_str(a, "text_value"));
	}
}

void
app_qcols_free(struct app_qcols *qc)
{
	if (qc == NULL)
		return;
	json_array_unref(qc->questions);
	g_clear_pointer(&qc->rows, json_array_unref);
	g_hash_table_unref(qc->answers);
	g_ptr_array_unref(qc->heads);
	g_free(qc);
}
