/*
 * test_app.c -- the pure functions of app/: those that take no
 * connection and do no I/O, so they are tested here without a database.
 * Who may do what (app_actor_may, app_require), the names of refusal
 * reasons and which errors are refusals (app_refusal_from_db; its table
 * against real violations is tests/integration/test_refusal.c), how db
 * errors become app errors (app_fail_db), the link and feed tokens
 * derived with a fixed key (known answers computed apart, with Python's
 * hmac), a session's invitation UID and an invitation's calendar object
 * from its queued payload, the language choice of app_localise, and the
 * row cap of the registrations import's CSV reader.
 */
#include "app/internal.h"

#include <string.h>

static void
test_actor_may(void)
{
	struct app_actor admin = { .id = 1, .role = "admin" };
	struct app_actor staff = { .id = 2, .role = "staff" };
	struct app_actor other = { .id = 3, .role = "guest" };
	struct app_actor none = { .id = 4, .role = NULL };

	/* admin may all that staff may, and more; nobody else anything. */
	g_assert_true(app_actor_may(&admin, "admin"));
	g_assert_true(app_actor_may(&admin, "staff"));
	g_assert_false(app_actor_may(&staff, "admin"));
	g_assert_true(app_actor_may(&staff, "staff"));
	g_assert_false(app_actor_may(&other, "staff"));
	g_assert_false(app_actor_may(&other, "guest"));
	g_assert_false(app_actor_may(&none, "staff"));
	g_assert_false(app_actor_may(NULL, "staff"));
	/* An unknown role is nobody's but admin's. */
	g_assert_false(app_actor_may(&staff, "owner"));
	g_assert_true(app_actor_may(&admin, "owner"));
}

static void
test_require(void)
{
	struct app_actor staff = { .id = 2, .role = "staff" };
	g_autoptr(GError) error = NULL;

	g_assert_true(app_require(&staff, "staff", &error));
	g_assert_no_error(error);
	g_assert_false(app_require(&staff, "admin", &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
	g_assert_nonnull(strstr(error->message, "admin"));
	g_clear_error(&error);
	g_assert_false(app_require(NULL, "staff", &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN);
}

/* Catalogue keys are "err_" + the name: the names are a contract. */
static void
test_reason_names(void)
{
	static const struct {
		enum app_reason r;
		const char *name;
	} want[] = {
		{ APP_REASON_MISSING, "missing" },
		{ APP_REASON_INVALID, "invalid" },
		{ APP_REASON_RANGE, "range" },
		{ APP_REASON_TAKEN, "taken" },
		{ APP_REASON_OVERLAP, "overlap" },
		{ APP_REASON_IN_USE, "in_use" },
		{ APP_REASON_FULL, "full" },
		{ APP_REASON_LENGTH, "length" },
		{ APP_REASON_ORDER, "order" },
	};
	size_t i;
	int r;

	for (i = 0; i < G_N_ELEMENTS(want); i++)
		g_assert_cmpstr(app_reason_name(want[i].r), ==, want[i].name);
	/* Every reason has a name. */
	for (r = 1; r < APP_REASON__MAX; r++)
		g_assert_nonnull(app_reason_name(r));
	g_assert_null(app_reason_name(0));
	g_assert_null(app_reason_name(APP_REASON__MAX));
	g_assert_null(app_reason_name(-1));
}

/* Only a db conflict or invalid value naming a known constraint is a
 * refusal; anything else leaves *out as it was. */
static void
test_refusal_not(void)
{
	struct app_refusal out = { .field = "untouched", .reason = 0 };
	g_autoptr(GError) conn = g_error_new(SUMMIT_DB_ERROR, DB_ECONN, "gone");
	g_autoptr(GError) bare = g_error_new(SUMMIT_DB_ERROR, DB_ECONFLICT,
	    "event_slug_key");
	g_autoptr(GError) app = g_error_new(SUMMIT_APP_ERROR, APP_EINVALID,
	    "slug");

	g_assert_false(app_refusal_from_db(NULL, &out));
	g_assert_false(app_refusal_from_db(conn, &out));
	/* The constraint's name travels beside the error, never in its
	 * message. */
	g_assert_false(app_refusal_from_db(bare, &out));
	g_assert_false(app_refusal_from_db(app, &out));
	g_assert_cmpstr(out.field, ==, "untouched");
	g_assert_cmpint(out.reason, ==, 0);
}

static void
fail_db_case(int dbcode, int appcode)
{
	g_autoptr(GError) error = NULL;

	g_assert_false(app_fail_db(&error,
	    g_error_new(SUMMIT_DB_ERROR, dbcode, "db says %d", dbcode)));
	g_assert_error(error, SUMMIT_APP_ERROR, appcode);
	/* The message stays for the log. */
	g_assert_nonnull(strstr(error->message, "db says"));
}

static void
test_fail_db(void)
{
	g_autoptr(GError) error = NULL;

	fail_db_case(DB_ECONN, APP_EUNAVAILABLE);
	fail_db_case(DB_ERETRY, APP_EUNAVAILABLE);
	fail_db_case(DB_ENOTFOUND, APP_ENOTFOUND);
	fail_db_case(DB_EEXPIRED, APP_EEXPIRED);
	fail_db_case(DB_ECONFLICT, APP_EINVALID);
	fail_db_case(DB_EINVALID, APP_EINVALID);
	fail_db_case(DB_EINTERNAL, APP_EINTERNAL);
	/* Not a db error at all, or none: internal, and still set. */
	g_assert_false(app_fail_db(&error,
	    g_error_new(G_FILE_ERROR, G_FILE_ERROR_NOENT, "no file")));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL);
	g_clear_error(&error);
	g_assert_false(app_fail_db(&error, NULL));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL);
}

static const guint8 key[] = "0123456789abcdef0123456789abcdef";

/* The mailed link and its calendar feed: HMAC-SHA256 with the key,
 * 128 bits in hex, each under its own label so one never works as the
 * other.  The answers were computed apart:
 *   hmac.new(key, b"participant-link:" + nonce, sha256).hexdigest()[:32]
 */
static void
test_tokens(void)
{
	struct app app = { .key = key, .keylen = sizeof(key) - 1 };
	g_autofree char *link = app_link_token(&app,
	    "00112233445566778899aabbccddeeff");
	g_autofree char *feed = app_feed_derive(&app, link);
	g_autofree char *again = app_link_token(&app,
	    "00112233445566778899aabbccddeeff");
	g_autofree char *other = NULL;
	struct app app2 = { .key = key, .keylen = sizeof(key) - 2 };

	g_assert_cmpstr(link, ==, "c1e2130f3be07c370e8a374bdc27eb03");
	g_assert_cmpstr(feed, ==, "5c836c4cab76ab6f3b6fa51536831a81");
	g_assert_true(token_is_wellformed(link));
	g_assert_true(token_is_wellformed(feed));
	g_assert_cmpstr(link, ==, again);
	/* Another key, another token. */
	other = app_link_token(&app2, "00112233445566778899aabbccddeeff");
	g_assert_cmpstr(other, !=, link);
}

static void
test_session_uid(void)
{
	struct conf conf = { 0 };
	struct app app = { .conf = &conf };
	g_autofree char *uid = NULL, *bare = NULL;

	/* The domain after the last @, so a quoted local part may hold
	 * one too. */
	conf.mail_from = (char *)"\"a@b\"@mail.example.org";
	uid = app_session_uid(&app, "s-42");
	g_assert_cmpstr(uid, ==, "s-42@mail.example.org");
	conf.mail_from = (char *)"noreply";
	bare = app_session_uid(&app, "s-42");
	g_assert_cmpstr(bare, ==, "s-42@summit.invalid");
}

/* A calendar reply's UID back to the session's uuid: ours only, the
 * domain in any case (clients keep the UID as sent, some upper-case it). */
static void
test_session_uuid_of(void)
{
	struct conf conf = { .mail_from = (char *)"toppmote@Example.org" };
	struct app app = { .conf = &conf };
	static const char *const theirs[] = { "s-42@other.example",
		"s-42@example.org.evil", "@example.org", "s-42", "",
		"s-42@example.org@x" };
	g_autofree char *a = app_session_uuid_of(&app, "s-42@example.org");
	g_autofree char *b = app_session_uuid_of(&app, "S-42@EXAMPLE.ORG");
	unsigned i;

	g_assert_cmpstr(a, ==, "s-42");
	g_assert_cmpstr(b, ==, "s-42");
	for (i = 0; i < G_N_ELEMENTS(theirs); i++)
		g_assert_null(app_session_uuid_of(&app, theirs[i]));
	g_assert_null(app_session_uuid_of(&app, NULL));
}

/* A bounce finds its outbox row only by a Message-ID of ours (the domain
 * in any case). */
static void
test_outbox_message_id(void)
{
	struct conf conf = { 0 };
	struct app app = { .conf = &conf };
	g_autofree char *id = NULL;

	conf.mail_from = (char *)"toppmote@Example.org";
	id = app_outbox_message_id(&app, 42);
	g_assert_cmpstr(id, ==, "<outbox-42@Example.org>");
	g_assert_cmpint(app_outbox_id_of(&app, id), ==, 42);
	g_assert_cmpint(app_outbox_id_of(&app, "<outbox-42@example.ORG>"), ==,
	    42);
	g_assert_cmpint(app_outbox_id_of(&app, "<outbox-42@other.example>"), ==,
	    0);
	g_assert_cmpint(app_outbox_id_of(&app, "<outbox-42x@example.org>"), ==,
	    0);
	g_assert_cmpint(app_outbox_id_of(&app, "<outbox-0@example.org>"), ==,
	    0);
	g_assert_cmpint(app_outbox_id_of(&app, "<outbox-@example.org>"), ==, 0);
	g_assert_cmpint(app_outbox_id_of(&app, "<x@example.org>"), ==, 0);
	g_assert_cmpint(app_outbox_id_of(&app, NULL), ==, 0);
}

static void
test_localise(void)
{
	g_autoptr(JsonObject) row = json_object_new();
	static const char *const bases[] = { "title", "venue", NULL };

	json_object_set_string_member(row, "title_nb", "Velkommen");
	json_object_set_string_member(row, "title_en", "Welcome");
	json_object_set_string_member(row, "venue_nb", "Sal A");
	json_object_set_null_member(row, "venue_en");
	app_localise(row, "en", bases);
	g_assert_cmpstr(json_object_get_string_member(row, "title"), ==,
	    "Welcome");
	/* A NULL text is an empty one, never a missing member. */
	g_assert_cmpstr(json_object_get_string_member(row, "venue"), ==, "");
	app_localise(row, "nb", bases);
	g_assert_cmpstr(json_object_get_string_member(row, "title"), ==,
	    "Velkommen");
	g_assert_cmpstr(json_object_get_string_member(row, "venue"), ==,
	    "Sal A");
	/* The language's own members are left as they were. */
	g_assert_cmpstr(json_object_get_string_member(row, "title_en"), ==,
	    "Welcome");
}

static JsonObject *
payload_new(const char *method)
{
	JsonObject *p = json_object_new();

	json_object_set_string_member(p, "uid", "s-42");
	json_object_set_string_member(p, "method", method);
	json_object_set_string_member(p, "starts_utc", "2027-03-01T08:00:00Z");
	json_object_set_string_member(p, "ends_utc", "2027-03-01T09:30:00Z");
	json_object_set_string_member(p, "timezone", "Europe/Oslo");
	json_object_set_string_member(p, "title_en", "Welcome");
	json_object_set_string_member(p, "title_nb", "Velkommen");
	json_object_set_string_member(p, "room", "Room 1");
	json_object_set_string_member(p, "venue", "Hall");
	json_object_set_int_member(p, "sequence", 3);
	return p;
}

static void
assert_has(const char *text, const char *line)
{
	if (strstr(text, line) == NULL)
		g_error("no \"%s\" in:\n%s", line, text);
}

/* An invitation's calendar object from the payload queued with it: the
 * language's title, the session's UID at the mail domain, the sequence,
 * room and venue as one location, local times in the event's zone. */
static void
test_invitation_calendar(void)
{
	struct conf conf = { 0 };
	struct app app = { .conf = &conf };
	g_autoptr(JsonObject) p = payload_new("REQUEST");
	g_autoptr(JsonObject) c = payload_new("CANCEL");
	g_autoptr(JsonObject) bad = payload_new("REQUEST");
	g_autoptr(GError) error = NULL;
	g_autofree char *req = NULL, *nb = NULL, *cancel = NULL;

	conf.mail_from = (char *)"events@mail.example.org";
	conf.mail_from_name = (char *)"Summit";
	req = app_invitation_calendar(&app, p, "en", "kari@x.no", "Kari",
	    "https://summit.example.org/me/t", &error);
	g_assert_no_error(error);
	assert_has(req, "METHOD:REQUEST\r\n");
	assert_has(req, "UID:s-42@mail.example.org\r\n");
	assert_has(req, "SUMMARY:Welcome\r\n");
	assert_has(req, "SEQUENCE:3\r\n");
	assert_has(req, "LOCATION:Room 1\\, Hall\r\n");
	assert_has(req, "DTSTART;TZID=Europe/Oslo:20270301T090000\r\n");
	assert_has(req, "DTEND;TZID=Europe/Oslo:20270301T103000\r\n");
	assert_has(req, "kari@x.no");
	nb = app_invitation_calendar(&app, p, "nb", "kari@x.no", "Kari", NULL,
	    &error);
	g_assert_no_error(error);
	assert_has(nb, "SUMMARY:Velkommen\r\n");
	cancel = app_invitation_calendar(&app, c, "en", "kari@x.no", "Kari",
	    NULL, &error);
	g_assert_no_error(error);
	assert_has(cancel, "METHOD:CANCEL\r\n");
	assert_has(cancel, "UID:s-42@mail.example.org\r\n");
	/* A payload without its times is a bug upstream, never a guess. */
	json_object_remove_member(bad, "ends_utc");
	g_assert_null(app_invitation_calendar(&app, bad, "en", "kari@x.no",
	    "Kari", NULL, &error));
	g_assert_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL);
}

/* The import reads a header line and APP_REG_IMPORT_MAX rows, and one
 * more so app_reg_import can say "too many": never the rest of a paste. */
static void
test_reg_csv_cap(void)
{
	g_autoptr(GString) text = g_string_new("name,email\n");
	g_autoptr(GPtrArray) at = NULL, over = NULL;
	gsize line = 0;
	guint i;

	for (i = 0; i < APP_REG_IMPORT_MAX; i++)
		g_string_append_printf(text, "p%u,p%u@x.no\n", i, i);
	/* The header, the rows, and the blank row after the last newline. */
	at = app_reg_csv_parse(text->str, &line);
	g_assert_nonnull(at);
	g_assert_cmpuint(at->len, ==, APP_REG_IMPORT_MAX + 2);
	for (i = 0; i < 100; i++)
		g_string_append_printf(text, "q%u,q%u@x.no\n", i, i);
	over = app_reg_csv_parse(text->str, &line);
	g_assert_nonnull(over);
	g_assert_cmpuint(over->len, ==, APP_REG_IMPORT_MAX + 2);
	g_assert_null(g_ptr_array_index(at, at->len - 1));
	g_assert_nonnull(g_ptr_array_index(over, over->len - 1));
	g_assert_null(app_reg_csv_parse("\"open", &line));
	g_assert_cmpuint(line, ==, 1);
}

/* PARTSTAT names as iTIP spells them, read in any case. */
static void
test_partstat_names(void)
{
	enum app_partstat p;

	g_assert_true(app_partstat_parse("accepted", &p));
	g_assert_cmpint(p, ==, APP_PARTSTAT_ACCEPTED);
	g_assert_true(app_partstat_parse("NEEDS-ACTION", &p));
	g_assert_cmpint(p, ==, APP_PARTSTAT_NEEDS_ACTION);
	g_assert_false(app_partstat_parse("DELEGATED", &p));
	g_assert_false(app_partstat_parse(NULL, &p));
	g_assert_cmpstr(app_partstat_name(APP_PARTSTAT_TENTATIVE), ==,
	    "TENTATIVE");
	g_assert_null(app_partstat_name(APP_PARTSTAT__MAX));
}

/* Placeholders: only the four known words in braces are placeholders;
 * a subject's values lose their line breaks (no header can be added). */
static void
test_message_fill(void)
{
	const char *values[4] = { "Kari\r\nBcc: x@y.no", "a\nb\n", "3",
		"https://s/me/t" };
	g_autofree char *subject = NULL, *body = NULL, *literal = NULL;

	g_assert_true(app_message_placeholders_ok("Hei {name}, {link}"));
	g_assert_true(app_message_placeholders_ok("{sessions}{table}"));
	g_assert_true(app_message_placeholders_ok("a { b } {} {1} {-x} {"));
	g_assert_false(app_message_placeholders_ok("Hei {navn}"));
	g_assert_false(app_message_placeholders_ok("Hi {Name}"));
	g_assert_false(app_message_placeholders_ok("{link2}"));
	g_assert_false(app_message_placeholders_ok("{name}{link_x}"));
	subject = app_message_fill("Hi {name} ({sessions})", values, true);
	g_assert_cmpstr(subject, ==, "Hi Kari, Bcc: x@y.no (a, b)");
	g_assert_null(strchr(subject, '\n'));
	body = app_message_fill("{name}|{sessions}|{table}|{link}", values,
	    false);
	g_assert_cmpstr(body, ==,
	    "Kari\r\nBcc: x@y.no|a\nb\n|3|https://s/me/t");
	literal = app_message_fill("{ x } {} {7}", values, false);
	g_assert_cmpstr(literal, ==, "{ x } {} {7}");
}

static void
test_reminder_days(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "7, 1", "{7,1}" },
		{ "1 7,,14", "{1,7,14}" },
		{ "", "{}" },
		{ "365", "{365}" },
		{ "0", NULL },
		{ "366", NULL },
		{ "-1", NULL },
		{ "7x", NULL },
		{ "1,2,3,4,5,6,7,8,9,10,11", NULL },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = app_reminder_days_parse(cases[i].in);

		g_assert_cmpstr(got, ==, cases[i].out);
	}
}

/* Badges: ink on the palette, names listed by surname, ticks. */
static void
test_badge_helpers(void)
{
	static const char *const ticks[] = { "x", " X ", "1", "ja", "Yes",
		"\u2713" };
	static const char *const bad[] = { "no", "0", "-", "?" };
	g_autofree char *a = app_listed_name("  Ola  Nordmann ");
	g_autofree char *b = app_listed_name("Kari Bakke Aas");
	g_autofree char *c = app_listed_name("Madonna");
	g_autofree char *d = app_listed_name("Åse\u00a0Ødegård");
	bool wrong;
	size_t i;

	g_assert_cmpstr(app_badge_ink("#000000"), ==, "#ffffff");
	g_assert_cmpstr(app_badge_ink("#0072b2"), ==, "#ffffff");
	g_assert_cmpstr(app_badge_ink("#f0e442"), ==, "#000000");
	g_assert_cmpstr(app_badge_ink("#e69f00"), ==, "#000000");
	g_assert_cmpstr(app_badge_ink("#ffffff"), ==, "#000000");
	g_assert_cmpstr(app_badge_ink(NULL), ==, "#000000");
	g_assert_cmpstr(a, ==, "Nordmann, Ola");
	g_assert_cmpstr(b, ==, "Aas, Kari Bakke");
	g_assert_cmpstr(c, ==, "Madonna");
	g_assert_cmpstr(d, ==, "Ødegård, Åse");
	for (i = 0; i < G_N_ELEMENTS(ticks); i++) {
		g_assert_true(app_door_tick(ticks[i], &wrong));
		g_assert_false(wrong);
	}
	g_assert_false(app_door_tick("  ", &wrong));
	g_assert_false(wrong);
	g_assert_false(app_door_tick(NULL, &wrong));
	g_assert_false(wrong);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_false(app_door_tick(bad[i], &wrong));
		g_assert_true(wrong);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/app/actor/may", test_actor_may);
	g_test_add_func("/app/actor/require", test_require);
	g_test_add_func("/app/refusal/reason_names", test_reason_names);
	g_test_add_func("/app/refusal/not_a_refusal", test_refusal_not);
	g_test_add_func("/app/error/fail_db", test_fail_db);
	g_test_add_func("/app/token/link_and_feed", test_tokens);
	g_test_add_func("/app/invite/session_uid", test_session_uid);
	g_test_add_func("/app/reply/session_uuid_of", test_session_uuid_of);
	g_test_add_func("/app/bounce/outbox_message_id",
	    test_outbox_message_id);
	g_test_add_func("/app/invite/calendar", test_invitation_calendar);
	g_test_add_func("/app/event/localise", test_localise);
	g_test_add_func("/app/registrations/csv_cap", test_reg_csv_cap);
	g_test_add_func("/app/answer/partstat", test_partstat_names);
	g_test_add_func("/app/message/fill", test_message_fill);
	g_test_add_func("/app/message/reminder_days", test_reminder_days);
	g_test_add_func("/app/badges/helpers", test_badge_helpers);
	return g_test_run();
}
