/*
 * test_app_input.c -- app checks the registration use cases' inputs
 * itself, whatever web checked before: app_register and app_reg_list
 * refuse a bad value with APP_EINVALID and a struct app_refusal naming
 * the field, before they touch the database (which these cases lack:
 * the app has no pool, so a value let through would crash the test).
 */
#include "app/internal.h" /* struct app: an app with no pool */

#include <string.h>

static const struct app noapp; /* no pool, no conf: nothing reached */

static struct app_registration
good_registration(void)
{
	return (struct app_registration){ .name = "Kari Nordmann",
		.email = "kari@example.no",
		.organisation = "Fagforbundet",
		.sector = "union",
		.role = "",
		.needs = "",
		.language = "nb",
		.sessions = { 1, 2, 3 },
		.nsessions = 3 };
}

/* r refused for field, with the reason "invalid". */
static void
assert_register_refused(const struct app_registration *r, const char *field)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal refusal = { NULL, 0 };

	g_assert_false(app_register(&noapp, r, &refusal, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
	g_assert_cmpstr(refusal.field, ==, field);
	g_assert_cmpint(refusal.reason, ==, APP_REASON_INVALID);
}

static void
test_register_refuses(void)
{
	struct app_registration r;

	r = good_registration();
	r.name = "Kari\xe2\x80\xae"; /* a bidi override */
	assert_register_refused(&r, "name");
	r = good_registration();
	r.name = NULL;
	assert_register_refused(&r, "name");
	r = good_registration();
	r.email = "kari.example.no";
	assert_register_refused(&r, "email");
	r = good_registration();
	r.organisation = "a\r\nBcc: x@y.no";
	assert_register_refused(&r, "organisation");
	r = good_registration();
	r.sector = "";
	assert_register_refused(&r, "sector");
	r = good_registration();
	r.role = "x\x01y";
	assert_register_refused(&r, "role");
	r = good_registration();
	r.language = "de";
	assert_register_refused(&r, "language");
	r = good_registration();
	r.sessions[2] = 1; /* ranked twice */
	assert_register_refused(&r, "sessions");
	r = good_registration();
	r.nsessions = APP_MAX_RANKS + 1;
	assert_register_refused(&r, "sessions");
}

/* f refused for field. */
static void
assert_list_refused(const struct app_reg_filter *f, const char *field)
{
	static const struct app_actor staff = { 1, "s@example.no", "staff",
		"127.0.0.1", 0 };
	g_autoptr(GError) error = NULL;
	struct app_refusal refusal = { NULL, 0 };

	g_assert_null(app_reg_list(&noapp, &staff, f, &refusal, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
	g_assert_cmpstr(refusal.field, ==, field);
}

static void
test_list_filter_refuses(void)
{
	const struct app_reg_filter good = { .sort = APP_REG_SORT_NAME,
		.page = 1,
		.per_page = 50 };
	struct app_reg_filter f;

	f = good;
	f.sort = APP_REG_SORT__MAX;
	assert_list_refused(&f, "sort");
	f = good;
	f.status = "deleted";
	assert_list_refused(&f, "status");
	f = good;
	f.q = "line\nbreak";
	assert_list_refused(&f, "q");
	f = good;
	f.sector = "";
	assert_list_refused(&f, "sector");
	f = good;
	f.session_id = -1;
	assert_list_refused(&f, "session");
	f = good;
	f.per_page = APP_REG_PAGE_MAX + 1;
	assert_list_refused(&f, "per_page");
	f = good;
	f.per_page = 0;
	assert_list_refused(&f, "per_page");
	f = good;
	f.page = 0;
	assert_list_refused(&f, "page");
	f = good;
	f.page = APP_REG_COUNT_CAP / 50 + 1; /* past the capped count */
	assert_list_refused(&f, "page");
}

/* The role comes first: staff's filter is not even looked at without it. */
static void
test_list_needs_staff(void)
{
	static const struct app_actor nobody = { 0, "", "", "127.0.0.1", 0 };
	const struct app_reg_filter f = { .sort = APP_REG_SORT__MAX };
	g_autoptr(GError) error = NULL;

	g_assert_null(app_reg_list(&noapp, &nobody, &f, NULL, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
}

static void
test_sort_names(void)
{
	g_assert_cmpstr(app_reg_sort_name(APP_REG_SORT_REGISTERED), ==,
	    "registered");
	g_assert_cmpstr(app_reg_sort_name(APP_REG_SORT_ORG), ==,
	    "organisation");
	g_assert_null(app_reg_sort_name(APP_REG_SORT__MAX));
}

/* An invitee refused for field before the database; and the rest. */
static void
assert_invitee_refused(const struct app_invitee *in, const char *field)
{
	static const struct app_actor admin = { 1, "a@example.no", "admin",
		"127.0.0.1", 0 };
	g_autoptr(GError) error = NULL;
	struct app_refusal refusal = { NULL, 0 };

	g_assert_false(app_invitee_add(&noapp, &admin, in, &refusal, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
	g_assert_cmpstr(refusal.field, ==, field);
}

static void
test_invitee_refuses(void)
{
	static const struct app_actor staff = { 1, "s@example.no", "staff",
		"127.0.0.1", 0 };
	const struct app_invitee good = { "Kari Nordmann", "kari@example.no",
		"", "", "" };
	struct app_invitee in;
	struct app_invitee_filter f = { "nonsense", "", "" };
	g_autoptr(GError) error = NULL;

	in = good;
	in.name = "";
	assert_invitee_refused(&in, "name");
	in = good;
	in.email = "kari.example.no";
	assert_invitee_refused(&in, "email");
	in = good;
	in.organisation = "a\r\nBcc: x@y.no";
	assert_invitee_refused(&in, "organisation");
	in = good;
	in.sector = "Not A Code";
	assert_invitee_refused(&in, "sector");
	in = good;
	in.language = "de";
	assert_invitee_refused(&in, "language");
	/* Staff may not add; a bad state filter is refused before the
	 * database too. */
	g_assert_false(app_invitee_add(&noapp, &staff, &good, NULL, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
	g_clear_error(&error);
	g_assert_null(app_invitee_list(&noapp, &staff, &f, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
	g_assert_true(app_invitee_state_ok(""));
	g_assert_true(app_invitee_state_ok("declined"));
	g_assert_false(app_invitee_state_ok("Declined"));
}

/* The door's use cases: the role first, then every value, before any
 * database (app/door.c). */
static void
test_door_refuses(void)
{
	struct app_actor door = { 1, "door@example.no", "door", "::1", 0 };
	struct app_actor staff = { 2, "staff@example.no", "staff", "::1", 0 };
	struct app_door_scan scan = { "0123456789", 0, 0, "" };
	struct app_walk_in good = { "Kari Nordmann", "kari@example.no",
		"Fagforbundet", "union", "nb", "" };
	struct {
		struct app_walk_in w;
		const char *field;
	} bad[] = {
		{ good, "name" },
		{ good, "email" },
		{ good, "organisation" },
		{ good, "sector" },
		{ good, "language" },
	};
	size_t i;

	bad[0].w.name = "";
	bad[1].w.email = "kari@";
	bad[2].w.organisation = "Org\xe2\x80\xae";
	bad[3].w.sector = "No Sector";
	bad[4].w.language = "sv";
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		struct app_refusal refusal = { NULL, 0 };

		g_assert_null(app_door_walk_in(&noapp, &door, &bad[i].w,
		    &refusal, &error));
		g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
		g_assert_cmpstr(refusal.field, ==, bad[i].field);
	}
	{
		g_autoptr(GError) error = NULL;

		/* A desk name of two lines, and no actor at all. */
		scan.door = "Door\n2";
		g_assert_null(app_door_scan(&noapp, &door, &scan, &error));
		g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
		g_clear_error(&error);
		g_assert_null(app_door_scan(&noapp, NULL, &scan, &error));
		g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
		g_clear_error(&error);
		/* The door role: the desk only. */
		g_assert_false(app_door_undo(&noapp, &door, 1, 0, &error));
		g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
		g_clear_error(&error);
		g_assert_null(app_door_no_shows(&noapp, &door, 0, &error));
		g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
		g_clear_error(&error);
		g_assert_false(
		    app_door_walk_ins_set(&noapp, &staff, true, &error));
		g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
		g_clear_error(&error);
		g_assert_null(app_door_search(&noapp, &door, "", &error));
		g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
	}
	g_assert_true(app_actor_may(&door, "door"));
	g_assert_false(app_actor_may(&door, "staff"));
	g_assert_true(app_actor_may(&staff, "door"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/app/register-refuses", test_register_refuses);
	g_test_add_func("/app/list-filter-refuses", test_list_filter_refuses);
	g_test_add_func("/app/list-needs-staff", test_list_needs_staff);
	g_test_add_func("/app/sort-names", test_sort_names);
	g_test_add_func("/app/invitee-refuses", test_invitee_refuses);
	g_test_add_func("/app/door-refuses", test_door_refuses);
	return g_test_run();
}
