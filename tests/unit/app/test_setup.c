/*
 * test_setup.c -- app checks every set-up value itself (app/setup.c),
 * whatever web checked: each bad value is APP_EINVALID with the field and
 * the reason, before any database work.  No database: the app has no
 * pool, so a check that let a value through would fail differently.
 */
#include "app/internal.h"

#include <string.h>

static struct app app; /* no pool: nothing may reach the database */
static const struct app_actor admin = { 1, "admin@example.no", "admin",
	"127.0.0.1", 0 };
static const struct app_actor staff = { 2, "staff@example.no", "staff",
	"127.0.0.1", 0 };

static const struct app_setup_event good_event = {
	.name_nb = "Toppmøte",
	.name_en = "Summit",
	.venue = "Oslo",
	.timezone = "Europe/Oslo",
	.starts_at = "2027-03-11T09:00",
	.ends_at = "2027-03-11T17:00",
	.registration_opens = "2027-01-01T09:00",
	.registration_closes = "2027-03-01T12:00",
	.capacity = 150,
	.invitation_mode = "open",
	.mailbox = "post@example.no",
};

static const struct app_setup_session good_session = {
	.slot_id = 1,
	.code = "ki-1",
	.title_nb = "Økt",
	.title_en = "Session",
	.capacity = 30,
	.tables = 3,
	.seats_per_table = 10,
	.sector_share_pct = 50,
	.org_limit = 2,
};

/* ok and error are read after the call (arguments have no order). */
static void
refused(gboolean ok, GError **errorp, const struct app_refusal *why,
    const char *field, enum app_reason reason)
{
	GError *error = *errorp;

	g_assert_false(ok);
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINVALID);
	g_assert_cmpstr(why->field, ==, field);
	g_assert_cmpstr(app_reason_name(why->reason), ==,
	    app_reason_name(reason));
}

static void
event_case(const struct app_setup_event *e, const char *field,
    enum app_reason reason)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal why = { NULL, 0 };

	refused(app_setup_event_update(&app, &admin, e, &why, &error), &error,
	    &why, field, reason);
}

static void
test_event(void)
{
	g_autofree char *long_name = g_strnfill(201, 'a');
	struct app_setup_event e;

	e = good_event, e.capacity = -1;
	event_case(&e, "capacity", APP_REASON_RANGE);
	e = good_event, e.capacity = 1000001;
	event_case(&e, "capacity", APP_REASON_RANGE);
	e = good_event, e.name_nb = "";
	event_case(&e, "name_nb", APP_REASON_MISSING);
	e = good_event, e.name_en = long_name;
	event_case(&e, "name_en", APP_REASON_LENGTH);
	e = good_event, e.venue = "two\nlines";
	event_case(&e, "venue", APP_REASON_LENGTH);
	e = good_event, e.invitation_mode = "secret";
	event_case(&e, "invitation_mode", APP_REASON_INVALID);
	g_assert_true(app_setup_invitation_mode_ok("open"));
	g_assert_false(app_setup_invitation_mode_ok("secret"));
	e = good_event, e.timezone = "+02:00";
	event_case(&e, "timezone", APP_REASON_INVALID);
	e = good_event, e.timezone = "../../etc/passwd";
	event_case(&e, "timezone", APP_REASON_INVALID);
	g_assert_true(app_setup_timezone_ok("America/New_York"));
	g_assert_false(app_setup_timezone_ok("Mars/Olympus"));
	g_assert_false(app_setup_timezone_ok(NULL));
	e = good_event, e.mailbox = "nobody";
	event_case(&e, "mailbox", APP_REASON_INVALID);
	e = good_event, e.mailbox = NULL;
	event_case(&e, "mailbox", APP_REASON_MISSING);
}

static void
session_case(const struct app_setup_session *s, const char *field,
    enum app_reason reason)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal why = { NULL, 0 };
	gint64 id;

	refused(app_setup_session_add(&app, &admin, s, &id, &why, &error),
	    &error, &why, field, reason);
}

/* The shapes of codes, app's rules that web asks for (sector codes in
 * paths and forms, session codes in the session form). */
static void
test_code_shapes(void)
{
	g_autofree char *s32 = g_strnfill(32, 'a');
	g_autofree char *s33 = g_strnfill(33, 'a');
	g_autofree char *s64 = g_strnfill(64, '1');
	g_autofree char *s65 = g_strnfill(65, '1');
	const struct {
		bool (*ok)(const char *);
		const char *code;
		bool want;
	} cases[] = {
		{ app_setup_sector_code_ok, "business", true },
		{ app_setup_sector_code_ok, "a", true },
		{ app_setup_sector_code_ok, "gov_2", true },
		{ app_setup_sector_code_ok, s32, true },
		{ app_setup_sector_code_ok, s33, false },
		{ app_setup_sector_code_ok, NULL, false },
		{ app_setup_sector_code_ok, "", false },
		{ app_setup_sector_code_ok, "2gov", false },
		{ app_setup_sector_code_ok, "_a", false },
		{ app_setup_sector_code_ok, "Business", false },
		{ app_setup_sector_code_ok, "a-b", false },
		{ app_setup_sector_code_ok, "a b", false },
		{ app_setup_sector_code_ok, "s\xc3\xb8r", false },
		{ app_setup_session_code_ok, "ai-1", true },
		{ app_setup_session_code_ok, "1a", true },
		{ app_setup_session_code_ok, s64, true },
		{ app_setup_session_code_ok, s65, false },
		{ app_setup_session_code_ok, NULL, false },
		{ app_setup_session_code_ok, "", false },
		{ app_setup_session_code_ok, "-a", false },
		{ app_setup_session_code_ok, "a_b", false },
		{ app_setup_session_code_ok, "A1", false },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_true(cases[i].ok(cases[i].code) == cases[i].want);
}

static void
test_session(void)
{
	struct app_setup_session s;

	s = good_session, s.slot_id = 0;
	session_case(&s, "slot_id", APP_REASON_RANGE);
	s = good_session, s.code = "Bad Code";
	session_case(&s, "code", APP_REASON_INVALID);
	s = good_session, s.title_en = NULL;
	session_case(&s, "title_en", APP_REASON_MISSING);
	s = good_session, s.tables = 0;
	session_case(&s, "tables", APP_REASON_RANGE);
	s = good_session, s.seats_per_table = 1001;
	session_case(&s, "seats_per_table", APP_REASON_RANGE);
	s = good_session, s.sector_share_pct = 101;
	session_case(&s, "sector_share_pct", APP_REASON_RANGE);
	s = good_session, s.capacity = -1;
	session_case(&s, "capacity", APP_REASON_RANGE);
}

static void
test_sector_and_codes(void)
{
	g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;
	struct app_refusal why = { NULL, 0 };
	struct app_setup_sector s = { "9x", "Ni", "Nine", 0, NULL };

	refused(app_setup_sector_add(&app, &admin, &s, &why, &e1), &e1, &why,
	    "code", APP_REASON_INVALID);
	s = (struct app_setup_sector){ "ok", "Ok", "Ok", 100001, NULL };
	refused(app_setup_sector_update(&app, &admin, &s, &why, &e2), &e2, &why,
	    "position", APP_REASON_RANGE);
	/* A colour is #rrggbb; "" and NULL leave it to the palette. */
	s = (struct app_setup_sector){ "ok", "Ok", "Ok", 1, "#12345g" };
	refused(app_setup_sector_add(&app, &admin, &s, &why, &e5), &e5, &why,
	    "colour", APP_REASON_INVALID);
	g_assert_true(app_setup_colour_ok("#00AAff"));
	g_assert_false(app_setup_colour_ok("00aaff"));
	g_assert_false(app_setup_colour_ok("#00aaf"));
	g_assert_false(app_setup_colour_ok("#00aaff0"));
	g_assert_false(app_setup_colour_ok(NULL));
	refused(
	    app_setup_codes_generate(&app, &admin, 0, 1, NULL, NULL, &why, &e3),
	    &e3, &why, "count", APP_REASON_RANGE);
	refused(app_setup_codes_generate(&app, &admin, 1, 1, NULL, "Bad", &why,
	            &e4),
	    &e4, &why, "sector", APP_REASON_INVALID);
}

/* Staff are refused for the role, before any value is looked at. */
static void
test_staff(void)
{
	g_autoptr(GError) error = NULL;
	struct app_refusal why = { NULL, 0 };
	struct app_setup_event e = good_event;

	e.capacity = -1;
	g_assert_false(app_setup_event_update(&app, &staff, &e, &why, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
	g_assert_null(why.field);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/setup/event", test_event);
	g_test_add_func("/setup/session", test_session);
	g_test_add_func("/setup/sector-and-codes", test_sector_and_codes);
	g_test_add_func("/setup/code-shapes", test_code_shapes);
	g_test_add_func("/setup/staff", test_staff);
	return g_test_run();
}
