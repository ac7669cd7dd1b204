/*
 * test_view.c -- app_view_int, app_view_str, app_view_bool and siblings
 * (app/view.c): the checked way web and ctl read app's views.  Known
 * members read as their values (null as the default); an unknown member
 * or one of the wrong kind is a g_critical when rows are strict, and the
 * old default when they are not.  view.c is compiled in; nothing here
 * needs a database.
 */
#include "app/app.h"
#include "db/db.h" /* db_set_strict_rows: the switch the views share */

static JsonObject *
view_new(void)
{
	JsonObject *v = json_object_new(), *inner = json_object_new();

	json_object_set_int_member(v, "id", 7);
	json_object_set_string_member(v, "email", "kari@example.no");
	json_object_set_boolean_member(v, "overridable", TRUE);
	json_object_set_null_member(v, "hold_until");
	json_object_set_array_member(v, "tables", json_array_new());
	json_object_set_string_member(inner, "title", "KI og arbeid");
	json_object_set_object_member(v, "session", inner);
	return v;
}

/* GTest makes a critical fatal: none was raised. */
static void
test_known(void)
{
	g_autoptr(JsonObject) v = view_new();

	g_assert_cmpint(app_view_int(v, "id"), ==, 7);
	g_assert_cmpstr(app_view_str(v, "email"), ==, "kari@example.no");
	g_assert_true(app_view_bool(v, "overridable"));
	g_assert_null(app_view_str(v, "hold_until"));
	g_assert_cmpint(app_view_int(v, "hold_until"), ==, 0);
	g_assert_false(app_view_bool(v, "hold_until"));
	g_assert_cmpuint(json_array_get_length(app_view_array(v, "tables")), ==,
	    0);
	g_assert_cmpstr(app_view_str(app_view_object(v, "session"), "title"),
	    ==, "KI og arbeid");
}

/* One bad read per subprocess: name, what it reads, stderr pattern. */
static const struct {
	const char *path;
	const char *member;
	int kind; /* 0 int, 1 str, 2 bool, 3 array, 4 object */
	const char *want;
} bad[] = {
	{ "/view/unknown-int", "nmae", 0, "*view has no member \"nmae\"*id*" },
	{ "/view/unknown-str", "emial", 1, "*view has no member \"emial\"*" },
	{ "/view/unknown-bool", "overrideable", 2,
	    "*view has no member \"overrideable\"*" },
	{ "/view/str-as-int", "email", 0, "*\"email\" is not an integer*" },
	{ "/view/int-as-str", "id", 1, "*\"id\" is not a string*" },
	{ "/view/str-as-bool", "email", 2, "*\"email\" is not a boolean*" },
	{ "/view/int-as-array", "id", 3, "*\"id\" is not an array*" },
	{ "/view/str-as-object", "email", 4, "*\"email\" is not an object*" },
};

static void
read_one(JsonObject *v, const char *member, int kind)
{
	switch (kind) {
	case 0:
		(void)app_view_int(v, member);
		break;
	case 1:
		(void)app_view_str(v, member);
		break;
	case 2:
		(void)app_view_bool(v, member);
		break;
	case 3:
		(void)app_view_array(v, member);
		break;
	default:
		(void)app_view_object(v, member);
	}
}

static void
test_bad_strict(gconstpointer data)
{
	size_t i = GPOINTER_TO_SIZE(data);

	if (g_test_subprocess()) {
		g_autoptr(JsonObject) v = view_new();

		db_set_strict_rows(true);
		read_one(v, bad[i].member, bad[i].kind);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr(bad[i].want);
}

/* Not strict: the defaults, silently. */
static void
test_lenient(void)
{
	g_autoptr(JsonObject) v = view_new();

	db_set_strict_rows(false);
	g_assert_cmpint(app_view_int(v, "nmae"), ==, 0);
	g_assert_null(app_view_str(v, "emial"));
	g_assert_null(app_view_str(v, "id"));
	g_assert_false(app_view_bool(v, "nope"));
	g_assert_null(app_view_array(v, "id"));
	g_assert_null(app_view_object(v, "email"));
	db_set_strict_rows(true);
}

int
main(int argc, char **argv)
{
	size_t i;

	g_test_init(&argc, &argv, NULL);
	db_set_strict_rows(true);
	g_test_add_func("/view/known", test_known);
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		g_test_add_data_func(bad[i].path, GSIZE_TO_POINTER(i),
		    test_bad_strict);
	g_test_add_func("/view/lenient", test_lenient);
	return g_test_run();
}
