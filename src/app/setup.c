/*
 * setup.c -- use cases for the console area "setup": the event's settings,
 * slots, sessions, sectors and invitation codes.
 *
 * Each change is one app_tx_audited unit: the role is checked, then the
 * unit locks and reads the object, changes it and reads it again, and the
 * audit entry with both is written in the same transaction.
 *
 * Every value is checked here before the database sees it, whatever web
 * checked; the database's constraints remain the last word (an overlap of
 * slots only it can see).  A refused value is APP_EINVALID with a struct
 * app_refusal: the form's field and a reason code.
 *
 * db/ keeps instants as Unix seconds; the event's time zone makes them
 * the local "YYYY-MM-DDTHH:MM" of the forms, here (GTimeZone), both ways.
 */
#include "app/internal.h"
#include "base/base.h"
#include "ical/ical.h"

#include <stdlib.h>
#include <string.h>

/* Readable code characters: no 0/O, 1/I/l.  32 of them: 5 bits each. */
static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/* How the forms write a local date-time, and how the code list shows one. */
#define LOCAL_FORMAT "%Y-%m-%dT%H:%M"
#define CREATED_FORMAT "%Y-%m-%d %H:%M"

/* Refuses field for reason: APP_EINVALID, and *why when asked for. */
static gboolean
refuse(GError **error, struct app_refusal *why, const char *field,
    enum app_reason reason)
{
	if (why != NULL)
		*why = (struct app_refusal){ field, reason };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s: %s",
	    field != NULL ? field : "form", app_reason_name(reason));
	return FALSE;
}

/*
 * Maps a database error to an app error.  A constraint the refusal table
 * knows names its field; another refused value is put on field, the one
 * the form would blame.
 */
static gboolean
setup_fail(GError **error, struct app_refusal *why, GError *dberr,
    const char *field)
{
	g_autoptr(GError) e = dberr;
	struct app_refusal r = { field, APP_REASON_INVALID };

	if (!g_error_matches(e, SUMMIT_DB_ERROR, DB_EINVALID) &&
	    !g_error_matches(e, SUMMIT_DB_ERROR, DB_ECONFLICT))
		return app_fail_db(error, g_steal_pointer(&e));
	(void)app_refusal_from_db(e, &r);
	log_info("setup: %s refused: %s", r.field != NULL ? r.field : "form",
	    e->message);
	if (r.field == NULL)
		r.field = field;
	return refuse(error, why, r.field, r.reason);
}

/* A required (or optional: NULL and "" pass) text of at most max
 * characters: a line, or a block with newlines. */
static bool
text_ok(const char *s, size_t max, bool required, bool block)
{
	if (s == NULL || *s == '\0')
		return !required;
	return (block ? text_check_block(s, max) : text_check_line(s, max)) ==
	    TEXT_OK;
}

/* One text field's check: APP_REASON_MISSING or APP_REASON_LENGTH (too
 * long, or not text at all). */
static bool
check_text(const char *s, const char *field, size_t max, bool required,
    bool block, struct app_refusal *why, GError **error)
{
	if (required && (s == NULL || *s == '\0'))
		return refuse(error, why, field, APP_REASON_MISSING);
	if (!text_ok(s, max, required, block))
		return refuse(error, why, field, APP_REASON_LENGTH);
	return true;
}

static bool
check_num(gint64 n, const char *field, gint64 min, gint64 max,
    struct app_refusal *why, GError **error)
{
	if (n < min || n > max)
		return refuse(error, why, field, APP_REASON_RANGE);
	return true;
}

/* A code of at most max characters: first a lower-case letter (or a
 * digit when digit_first), then lower-case letters, digits or sep. */
static bool
code_ok(const char *s, size_t max, bool digit_first, char sep)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n < 1 || n > max ||
	    !(g_ascii_islower(s[0]) || (digit_first && g_ascii_isdigit(s[0]))))
		return false;
	for (i = 1; i < n; i++)
		if (!g_ascii_islower(s[i]) && !g_ascii_isdigit(s[i]) &&
		    s[i] != sep)
			return false;
	return true;
}

/* The zone named name, or NULL: IANA names only ("UTC", "Europe/Oslo"),
 * no offsets like "+02:00", no paths. */
static GTimeZone *
zone_new(const char *name)
{
	if (name == NULL || !g_ascii_isalpha(name[0]) ||
	    strstr(name, "..") != NULL || strlen(name) > 64)
		return NULL;
	return ical_tz_zone(name); /* cached under a lock TSan sees */
}

bool
app_setup_session_code_ok(const char *code)
{
	return code_ok(code, 64, true, '-');
}

bool
app_setup_sector_code_ok(const char *code)
{
	return code_ok(code, 32, false, '_');
}

bool
app_setup_colour_ok(const char *colour)
{
	size_t i;

	if (colour == NULL || strlen(colour) != 7 || colour[0] != '#')
		return false;
	for (i = 1; i < 7; i++)
		if (!g_ascii_isxdigit(colour[i]))
			return false;
	return true;
}

bool
app_setup_invitation_mode_ok(const char *mode)
{
	return g_strcmp0(mode, "open") == 0 ||
	    g_strcmp0(mode, "invitation") == 0;
}

bool
app_setup_timezone_ok(const char *name)
{
	g_autoptr(GTimeZone) tz = zone_new(name);

	return tz != NULL;
}

/*
 * Parses a local "YYYY-MM-DDTHH:MM" (a space for the T, and ":SS", which
 * is dropped, are allowed) of the years 2000..2200 in tz into Unix
 * seconds, read as PostgreSQL reads "timestamp AT TIME ZONE": an hour
 * that comes twice in standard time, and one that a change of clocks
 * skips with the offset before the change (GLib would move it to the
 * change itself).
 */
bool
app_local_parse(const char *s, GTimeZone *tz, gint64 *out)
{
	g_autoptr(GDateTime) wall = NULL;
	size_t i, n = s != NULL ? strlen(s) : 0;
	int y, mo, d, h, mi, iv;
	gint64 t;

	if ((n != 16 && n != 19) || (s[10] != 'T' && s[10] != ' ') ||
	    s[4] != '-' || s[7] != '-' || s[13] != ':' ||
	    (n == 19 && s[16] != ':'))
		return false;
	for (i = 0; i < n; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 &&
		    !g_ascii_isdigit(s[i]))
			return false;
	y = atoi(s);
	mo = atoi(s + 5);
	d = atoi(s + 8);
	h = atoi(s + 11);
	mi = atoi(s + 14);
	if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y) ||
	    h > 23 || mi > 59)
		return false;
	/* The wall-clock time as if it were UTC, less the zone's offset. */
	if ((wall = g_date_time_new_utc(y, mo, d, h, mi, 0)) == NULL)
		return false;
	t = g_date_time_to_unix(wall);
	if ((iv = g_time_zone_find_interval(tz, G_TIME_TYPE_STANDARD, t)) < 0)
		iv = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL,
		    t - 86400); /* in a gap: the offset a day before */
	*out = t - g_time_zone_get_offset(tz, iv);
	return true;
}

/* Checks a pair of local date-times in tz into Unix seconds: each one
 * well formed (APP_REASON_INVALID), the end after the start
 * (APP_REASON_ORDER on the end). */
static bool
check_span(const char *starts, const char *ends, const char *starts_field,
    const char *ends_field, GTimeZone *tz, gint64 out[2],
    struct app_refusal *why, GError **error)
{
	if (!app_local_parse(starts, tz, &out[0]))
		return refuse(error, why, starts_field, APP_REASON_INVALID);
	if (!app_local_parse(ends, tz, &out[1]))
		return refuse(error, why, ends_field, APP_REASON_INVALID);
	if (out[1] <= out[0])
		return refuse(error, why, ends_field, APP_REASON_ORDER);
	return true;
}

static void
rows_local(JsonArray *rows, GTimeZone *tz, const char *fmt,
    const char *const *names)
{
	guint i;

	for (i = 0; i < json_array_get_length(rows); i++)
		app_local_cols(json_array_get_object_element(rows, i), names,
		    tz, fmt);
}

static const char *const SLOT_TIMES[] = { "starts_at", "ends_at", NULL };
static const char *const EVENT_TIMES[] = { "starts_at", "ends_at",
	"registration_opens", "registration_closes", NULL };
static const char *const CODE_TIMES[] = { "created_at", NULL };

/* The event's settings row with its times local in its own zone. */
static JsonObject *
event_settings(DbConn *conn, gint64 event_id, bool lock, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonObject *ev;

	if ((ev = db_event_settings(conn, event_id, lock, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		return NULL;
	}
	tz = app_zone(db_str(ev, "timezone"));
	app_local_cols(ev, EVENT_TIMES, tz, LOCAL_FORMAT);
	return ev;
}

/* Event event_id's time zone. */
static gboolean
event_zone(DbConn *conn, gint64 event_id, GTimeZone **tz, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) head = NULL;

	if ((head = db_event_head(conn, event_id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	*tz = app_zone(db_str(head, "timezone"));
	return TRUE;
}

/* Role check, connection, the event's id and zone for reading; NULL on
 * failure.  Changes run through app_tx_audited instead. */
static DbConn *
read_begin(const struct app *app, const struct app_actor *actor,
    gint64 *event_id, GTimeZone **tz, GError **error)
{
	DbConn *conn;

	if (!app_require(actor, "staff", error))
		return NULL;
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	*event_id = actor->event_id;
	if (!event_zone(conn, *event_id, tz, error)) {
		db_release(app->db, conn);
		return NULL;
	}
	return conn;
}

/*
 * The inputs of one change (it may run twice: app_tx_audited).  Each
 * change is admin only, audited with the object's states before and
 * after, and finds the event's id first.
 */
struct setup_unit {
	const struct app_setup_event *event;
	const struct app_setup_session *session;
	const struct app_setup_sector *sector;
	gint64 id;
	gint64 *new_id;
	const char *starts_at, *ends_at;
	const char *status;
	const char *code; /* a sector's */
	const char *email;
	gint64 n, max_uses;
	bool adding; /* a sector */
	struct app_refusal *why;
};

static gboolean
setup_change(const struct app *app, const struct app_actor *actor,
    const char *action, const char *subject_type, AppChangeFunc fn,
    struct setup_unit *u, GError **error)
{
	return app_tx_audited(app, actor, "admin", action, subject_type, fn, u,
	    error);
}

JsonObject *
app_setup_event(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	JsonObject *ev;
	DbConn *conn;

	if (!app_require(actor, "staff", error))
		return NULL;
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	ev = event_settings(conn, actor->event_id, false, error);
	db_release(app->db, conn);
	return ev;
}

/* Checks the settings' texts, numbers and zone name (not the times: they
 * need the zone, read in the unit). */
static bool
event_check(const struct app_setup_event *e, struct app_refusal *why,
    GError **error)
{
	return check_text(e->name_nb, "name_nb", 200, true, false, why,
	           error) &&
	    check_text(e->name_en, "name_en", 200, true, false, why, error) &&
	    check_text(e->description_nb, "description_nb", 5000, false, true,
	        why, error) &&
	    check_text(e->description_en, "description_en", 5000, false, true,
	        why, error) &&
	    check_text(e->venue, "venue", 200, false, false, why, error) &&
	    check_text(e->sender_name, "sender_name", 100, false, false, why,
	        error) &&
	    check_num(e->capacity, "capacity", 0, 1000000, why, error) &&
	    (app_setup_invitation_mode_ok(e->invitation_mode) ||
	        refuse(error, why, "invitation_mode", APP_REASON_INVALID)) &&
	    (app_setup_timezone_ok(e->timezone) ||
	        refuse(error, why, "timezone", APP_REASON_INVALID)) &&
	    (e->mailbox != NULL ||
	        refuse(error, why, "mailbox", APP_REASON_MISSING)) &&
	    (text_check_email(e->mailbox) == TEXT_OK ||
	        refuse(error, why, "mailbox", APP_REASON_INVALID));
}

static gboolean
event_update(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	const struct app_setup_event *e = u->event;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	struct db_event_fields d;
	gint64 event_id, when[2], reg[2];
	bool known = false;

	(void)app;
	if ((tz = zone_new(e->timezone)) == NULL)
		return refuse(error, u->why, "timezone", APP_REASON_INVALID);
	if (!check_span(e->starts_at, e->ends_at, "starts_at", "ends_at", tz,
	        when, u->why, error) ||
	    !check_span(e->registration_opens, e->registration_closes,
	        "registration_opens", "registration_closes", tz, reg, u->why,
	        error))
		return FALSE;
	if ((ch->before = event_settings(conn, ch->event_id, true, error)) ==
	    NULL)
		return FALSE;
	event_id = ch->subject_id = db_int(ch->before, "id");
	/* GLib knew the zone; the database must know it too. */
	if (!db_timezone_known(conn, e->timezone, &known, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (!known)
		return refuse(error, u->why, "timezone", APP_REASON_INVALID);
	/* Nobody loses a place they hold. */
	if (e->capacity < db_int(ch->before, "held"))
		return refuse(error, u->why, "capacity", APP_REASON_IN_USE);
	d = (struct db_event_fields){
		.name_nb = e->name_nb,
		.name_en = e->name_en,
		.description_nb = e->description_nb ? e->description_nb : "",
		.description_en = e->description_en ? e->description_en : "",
		.venue = e->venue ? e->venue : "",
		.timezone = e->timezone,
		.starts_at = when[0],
		.ends_at = when[1],
		.registration_opens = reg[0],
		.registration_closes = reg[1],
		.capacity = e->capacity,
		.invitation_mode = e->invitation_mode,
		.mailbox = e->mailbox,
		.refill_automatically = e->refill_automatically,
		.sender_name = e->sender_name ? e->sender_name : "",
	};
	if (!db_event_update(conn, event_id, &d, &dberr))
		return setup_fail(error, u->why, g_steal_pointer(&dberr),
		    "name_nb");
	if (e->capacity != db_int(ch->before, "capacity") &&
	    !db_places_sync(conn, event_id, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	if ((ch->after = event_settings(conn, ch->event_id, false, error)) ==
	    NULL)
		return FALSE;
	json_object_remove_member(ch->before, "held");
	json_object_remove_member(ch->after, "held");
	return TRUE;
}

gboolean
app_setup_event_update(const struct app *app, const struct app_actor *actor,
    const struct app_setup_event *e, struct app_refusal *why, GError **error)
{
	struct setup_unit u = { .event = e, .why = why };

	if (!app_require(actor, "admin", error) || !event_check(e, why, error))
		return FALSE;
	return setup_change(app, actor, "setup.event", "event", event_update,
	    &u, error);
}

JsonObject *
app_setup_programme(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) slots = NULL, sessions = NULL, sectors = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonObject *out = NULL;
	gint64 event_id;
	DbConn *conn;
	guint i, j;

	if ((conn = read_begin(app, actor, &event_id, &tz, error)) == NULL)
		return NULL;
	if ((slots = db_slots(conn, event_id, &dberr)) == NULL ||
	    (sessions = db_sessions(conn, event_id, &dberr)) == NULL ||
	    (sectors = db_sectors_used(conn, event_id, &dberr)) == NULL) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	rows_local(slots, tz, LOCAL_FORMAT, SLOT_TIMES);
	for (i = 0; i < json_array_get_length(slots); i++)
		json_object_set_array_member(
		    json_array_get_object_element(slots, i), "sessions_list",
		    json_array_new());
	/* Few slots: a nested loop is clearer than an index. */
	for (i = 0; i < json_array_get_length(sessions); i++) {
		JsonObject *s = json_array_get_object_element(sessions, i);

		json_object_set_boolean_member(s, "cancelled",
		    g_strcmp0(db_str(s, "status"), "cancelled") == 0);
		for (j = 0; j < json_array_get_length(slots); j++) {
			JsonObject *sl = json_array_get_object_element(slots,
			    j);

			if (db_int(sl, "id") == db_int(s, "slot_id")) {
				json_array_add_object_element(
				    json_object_get_array_member(sl,
				        "sessions_list"),
				    json_object_ref(s));
				break;
			}
		}
	}
	out = json_object_new();
	json_object_set_array_member(out, "slots", g_steal_pointer(&slots));
	json_object_set_array_member(out, "sectors", g_steal_pointer(&sectors));
out:
	db_release(app->db, conn);
	return out;
}

static void
not_found(GError **error, GError *dberr, const char *what)
{
	if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such %s", what);
		g_error_free(dberr);
		return;
	}
	app_fail_db(error, dberr);
}

/* The slot id of the event as the audit log shows it: local times. */
static JsonObject *
slot_get(DbConn *conn, gint64 event_id, gint64 id, GTimeZone *tz,
    GError **dberr)
{
	JsonObject *sl = db_slot_get(conn, event_id, id, dberr);

	if (sl != NULL)
		app_local_cols(sl, SLOT_TIMES, tz, LOCAL_FORMAT);
	return sl;
}

/* Adds (u->id 0) or moves a slot. */
static gboolean
slot_save(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	gint64 event_id, span[2], id = u->id;

	(void)app;
	event_id = ch->event_id;
	if (!event_zone(conn, event_id, &tz, error))
		return FALSE;
	if (!check_span(u->starts_at, u->ends_at, "starts_at", "ends_at", tz,
	        span, u->why, error))
		return FALSE;
	if (id != 0 &&
	    (ch->before = slot_get(conn, event_id, id, tz, &dberr)) == NULL) {
		not_found(error, g_steal_pointer(&dberr), "slot");
		return FALSE;
	}
	if (!(id == 0 ? db_slot_insert(conn, event_id, span[0], span[1], &id,
	                    &dberr) :
	                db_slot_update(conn, event_id, id, span[0], span[1],
	                    &dberr)))
		return setup_fail(error, u->why, g_steal_pointer(&dberr),
		    "ends_at");
	ch->subject_id = id;
	if (u->new_id != NULL)
		*u->new_id = id;
	if ((ch->after = slot_get(conn, event_id, id, tz, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_setup_slot_add(const struct app *app, const struct app_actor *actor,
    const char *starts_at, const char *ends_at, gint64 *id,
    struct app_refusal *why, GError **error)
{
	struct setup_unit u = { .starts_at = starts_at,
		.ends_at = ends_at,
		.new_id = id,
		.why = why };

	return setup_change(app, actor, "setup.slot_add", "slot", slot_save, &u,
	    error);
}

gboolean
app_setup_slot_update(const struct app *app, const struct app_actor *actor,
    gint64 id, const char *starts_at, const char *ends_at,
    struct app_refusal *why, GError **error)
{
	struct setup_unit u = { .id = id,
		.starts_at = starts_at,
		.ends_at = ends_at,
		.why = why };

	if (id <= 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no such slot");
		return FALSE;
	}
	return setup_change(app, actor, "setup.slot_edit", "slot", slot_save,
	    &u, error);
}

static gboolean
slot_delete(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	gint64 event_id;

	(void)app;
	ch->subject_id = u->id;
	event_id = ch->event_id;
	if (!event_zone(conn, event_id, &tz, error))
		return FALSE;
	if ((ch->before = slot_get(conn, event_id, u->id, tz, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "slot");
		return FALSE;
	}
	if (db_int(ch->before, "sessions") > 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE, "slot_in_use");
		return FALSE;
	}
	if (!db_slot_delete(conn, event_id, u->id, &dberr)) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
			    "slot_in_use");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		return FALSE;
	}
	return TRUE;
}

gboolean
app_setup_slot_delete(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error)
{
	struct setup_unit u = { .id = id };

	return setup_change(app, actor, "setup.slot_delete", "slot",
	    slot_delete, &u, error);
}

JsonObject *
app_setup_session(const struct app *app, const struct app_actor *actor,
    gint64 id, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonObject *s;
	gint64 event_id;
	DbConn *conn;

	if ((conn = read_begin(app, actor, &event_id, &tz, error)) == NULL)
		return NULL;
	if ((s = db_session_get(conn, event_id, id, &dberr)) == NULL)
		not_found(error, g_steal_pointer(&dberr), "session");
	else
		json_object_set_boolean_member(s, "cancelled",
		    g_strcmp0(db_str(s, "status"), "cancelled") == 0);
	db_release(app->db, conn);
	return s;
}

static bool
session_check(const struct app_setup_session *s, bool is_new,
    struct app_refusal *why, GError **error)
{
	return check_num(s->slot_id, "slot_id", 1, G_MAXINT64, why, error) &&
	    (!is_new || s->code == NULL || app_setup_session_code_ok(s->code) ||
	        refuse(error, why, "code", APP_REASON_INVALID)) &&
	    check_text(s->title_nb, "title_nb", 200, true, false, why, error) &&
	    check_text(s->title_en, "title_en", 200, true, false, why, error) &&
	    check_text(s->description_nb, "description_nb", 5000, false, true,
	        why, error) &&
	    check_text(s->description_en, "description_en", 5000, false, true,
	        why, error) &&
	    check_text(s->room, "room", 200, false, false, why, error) &&
	    check_num(s->capacity, "capacity", 0, 100000, why, error) &&
	    check_num(s->tables, "tables", 1, 10000, why, error) &&
	    check_num(s->seats_per_table, "seats_per_table", 1, 1000, why,
	        error) &&
	    check_num(s->sector_share_pct, "sector_share_pct", 1, 100, why,
	        error) &&
	    check_num(s->org_limit, "org_limit", 1, 100000, why, error);
}

/* db's session from app's. */
static struct db_session_fields
session_fields(const struct app_setup_session *s)
{
	return (struct db_session_fields){
		.slot_id = s->slot_id,
		.code = s->code,
		.title_nb = s->title_nb,
		.title_en = s->title_en,
		.description_nb = s->description_nb ? s->description_nb : "",
		.description_en = s->description_en ? s->description_en : "",
		.room = s->room ? s->room : "",
		.capacity = s->capacity,
		.tables = s->tables,
		.seats_per_table = s->seats_per_table,
		.sector_share_pct = s->sector_share_pct,
		.org_limit = s->org_limit,
	};
}

static gboolean
session_add(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	struct db_session_fields f = session_fields(u->session);
	gint64 event_id;

	(void)app;
	event_id = ch->event_id;
	if (!db_session_insert(conn, event_id, &f, u->new_id, &dberr))
		return setup_fail(error, u->why, g_steal_pointer(&dberr),
		    "slot_id");
	ch->subject_id = *u->new_id;
	if ((ch->after = db_session_get(conn, event_id, *u->new_id, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_setup_session_add(const struct app *app, const struct app_actor *actor,
    const struct app_setup_session *s, gint64 *id, struct app_refusal *why,
    GError **error)
{
	struct setup_unit u = { .session = s, .new_id = id, .why = why };

	if (!app_require(actor, "admin", error) ||
	    !session_check(s, true, why, error))
		return FALSE;
	return setup_change(app, actor, "setup.session_add", "session",
	    session_add, &u, error);
}

/* A session's update or status change: both read it before and after. */
static gboolean
session_change(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	ch->subject_id = u->id;
	event_id = ch->event_id;
	if ((ch->before = db_session_get(conn, event_id, u->id, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "session");
		return FALSE;
	}
	if (u->status != NULL) {
		if (!db_session_set_status(conn, event_id, u->id, u->status,
		        &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
	} else {
		struct db_session_fields f = session_fields(u->session);

		if (!db_session_update(conn, event_id, u->id, &f, &dberr))
			return setup_fail(error, u->why,
			    g_steal_pointer(&dberr), "slot_id");
	}
	if ((ch->after = db_session_get(conn, event_id, u->id, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_setup_session_update(const struct app *app, const struct app_actor *actor,
    gint64 id, const struct app_setup_session *s, struct app_refusal *why,
    GError **error)
{
	struct setup_unit u = { .id = id, .session = s, .why = why };

	if (!app_require(actor, "admin", error) ||
	    !session_check(s, false, why, error))
		return FALSE;
	return setup_change(app, actor, "setup.session_edit", "session",
	    session_change, &u, error);
}

gboolean
app_setup_session_status(const struct app *app, const struct app_actor *actor,
    gint64 id, bool cancelled, GError **error)
{
	struct setup_unit u = { .id = id,
		.status = cancelled ? "cancelled" : "active" };

	return setup_change(app, actor,
	    cancelled ? "setup.session_cancel" : "setup.session_reinstate",
	    "session", session_change, &u, error);
}

JsonArray *
app_setup_sectors(const struct app *app, const struct app_actor *actor,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *rows;
	gint64 event_id;
	DbConn *conn;

	if ((conn = read_begin(app, actor, &event_id, &tz, error)) == NULL)
		return NULL;
	if ((rows = db_sectors_used(conn, event_id, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return rows;
}

static bool
sector_check(const struct app_setup_sector *s, struct app_refusal *why,
    GError **error)
{
	return (app_setup_sector_code_ok(s->code) ||
	           refuse(error, why, "code",
	               s->code == NULL || *s->code == '\0' ?
	                   APP_REASON_MISSING :
	                   APP_REASON_INVALID)) &&
	    check_text(s->name_nb, "name_nb", 100, true, false, why, error) &&
	    check_text(s->name_en, "name_en", 100, true, false, why, error) &&
	    check_num(s->position, "position", -100000, 100000, why, error) &&
	    (s->colour == NULL || s->colour[0] == '\0' ||
	        app_setup_colour_ok(s->colour) ||
	        refuse(error, why, "colour", APP_REASON_INVALID));
}

/* Adds or changes a sector.  Its audit entry is under the event's id:
 * sectors are known by code. */
static gboolean
sector_save(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	const struct app_setup_sector *s = u->sector;
	g_autoptr(GError) dberr = NULL;
	g_autofree char *colour = s->colour != NULL && s->colour[0] != '\0' ?
	    g_ascii_strdown(s->colour, -1) :
	    NULL;
	struct db_sector_fields f = { .code = s->code,
		.name_nb = s->name_nb,
		.name_en = s->name_en,
		.position = s->position,
		.colour = colour };
	gint64 event_id;

	(void)app;
	event_id = ch->event_id;
	ch->subject_id = event_id;
	if (!u->adding &&
	    (ch->before = db_sector_get(conn, event_id, s->code, &dberr)) ==
	        NULL) {
		not_found(error, g_steal_pointer(&dberr), "sector");
		return FALSE;
	}
	if (!(u->adding ? db_sector_insert(conn, event_id, &f, &dberr) :
	                  db_sector_update(conn, event_id, &f, &dberr)))
		return setup_fail(error, u->why, g_steal_pointer(&dberr),
		    u->adding ? "code" : "name_nb");
	if ((ch->after = db_sector_get(conn, event_id, s->code, &dberr)) ==
	    NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	if (ch->before != NULL)
		json_object_remove_member(ch->before, "used");
	json_object_remove_member(ch->after, "used");
	return TRUE;
}

gboolean
app_setup_sector_add(const struct app *app, const struct app_actor *actor,
    const struct app_setup_sector *s, struct app_refusal *why, GError **error)
{
	struct setup_unit u = { .sector = s, .adding = true, .why = why };

	if (!app_require(actor, "admin", error) || !sector_check(s, why, error))
		return FALSE;
	return setup_change(app, actor, "setup.sector_add", "sector",
	    sector_save, &u, error);
}

gboolean
app_setup_sector_update(const struct app *app, const struct app_actor *actor,
    const struct app_setup_sector *s, struct app_refusal *why, GError **error)
{
	struct setup_unit u = { .sector = s, .why = why };

	if (!app_require(actor, "admin", error) || !sector_check(s, why, error))
		return FALSE;
	return setup_change(app, actor, "setup.sector_edit", "sector",
	    sector_save, &u, error);
}

static gboolean
sector_delete(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id;

	(void)app;
	event_id = ch->event_id;
	ch->subject_id = event_id;
	if ((ch->before = db_sector_get(conn, event_id, u->code, &dberr)) ==
	    NULL) {
		not_found(error, g_steal_pointer(&dberr), "sector");
		return FALSE;
	}
	if (json_object_get_boolean_member(ch->before, "used") ||
	    !db_sector_delete(conn, event_id, u->code, &dberr)) {
		if (dberr == NULL ||
		    g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND) ||
		    g_error_matches(dberr, SUMMIT_DB_ERROR, DB_EINVALID))
			g_set_error(error, SUMMIT_APP_ERROR, APP_ESTATE,
			    "sector_in_use");
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		return FALSE;
	}
	json_object_remove_member(ch->before, "used");
	return TRUE;
}

gboolean
app_setup_sector_delete(const struct app *app, const struct app_actor *actor,
    const char *code, GError **error)
{
	struct setup_unit u = { .code = code };

	return setup_change(app, actor, "setup.sector_delete", "sector",
	    sector_delete, &u, error);
}

/* One random readable code of APP_CODE_LENGTH characters. */
void
app_code_new(char out[APP_CODE_LENGTH + 1])
{
	g_autofree char *hex = token_new(); /* 16 random bytes */
	size_t i;

	for (i = 0; i < APP_CODE_LENGTH; i++) {
		unsigned byte = (unsigned)(g_ascii_xdigit_value(hex[2 * i]) *
		        16 +
		    g_ascii_xdigit_value(hex[2 * i + 1]));

		out[i] = CODE_ALPHABET[byte & 31]; /* 256 % 32 == 0 */
	}
	out[APP_CODE_LENGTH] = '\0';
}

static gboolean
codes_generate(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct setup_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	gint64 event_id, made = 0, got;
	int tries;

	(void)app;
	event_id = ch->event_id;
	ch->subject_id = event_id;
	/* A clash with an existing code (50 random bits) is skipped and
	 * made up for in the next round. */
	for (tries = 0; made < u->n && tries < 5; tries++) {
		g_autoptr(GString) arr = g_string_new("{");
		char code[APP_CODE_LENGTH + 1];
		gint64 i;

		for (i = made; i < u->n; i++) {
			app_code_new(code);
			g_string_append_printf(arr, "%s%s", i > made ? "," : "",
			    code);
		}
		g_string_append_c(arr, '}');
		if (!db_codes_insert(conn, event_id, arr->str, u->max_uses,
		        u->email, u->code, &got, &dberr))
			return setup_fail(error, u->why,
			    g_steal_pointer(&dberr), "sector");
		made += got;
	}
	if (made < u->n) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "could not make unique codes");
		return FALSE;
	}
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "count", u->n);
	json_object_set_int_member(ch->after, "max_uses", u->max_uses);
	json_object_set_string_member(ch->after, "email",
	    u->email ? u->email : "");
	json_object_set_string_member(ch->after, "sector",
	    u->code ? u->code : "");
	return TRUE;
}

gboolean
app_setup_codes_generate(const struct app *app, const struct app_actor *actor,
    gint64 n, gint64 max_uses, const char *email, const char *sector,
    struct app_refusal *why, GError **error)
{
	/* code: the sector a code binds its users to. */
	struct setup_unit u = { .n = n,
		.max_uses = max_uses,
		.email = email,
		.code = sector,
		.why = why };

	if (!app_require(actor, "admin", error) ||
	    !check_num(n, "count", 1, APP_CODES_MAX, why, error) ||
	    !check_num(max_uses, "max_uses", 1, 1000000, why, error))
		return FALSE;
	if (email != NULL && text_check_email(email) != TEXT_OK)
		return refuse(error, why, "email", APP_REASON_INVALID);
	if (sector != NULL && !app_setup_sector_code_ok(sector))
		return refuse(error, why, "sector", APP_REASON_INVALID);
	return setup_change(app, actor, "setup.codes_generate", "event",
	    codes_generate, &u, error);
}

JsonArray *
app_setup_codes(const struct app *app, const struct app_actor *actor,
    gint64 limit, gint64 *total, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *rows = NULL;
	gint64 event_id;
	DbConn *conn;

	if ((conn = read_begin(app, actor, &event_id, &tz, error)) == NULL)
		return NULL;
	if ((*total = db_codes_count(conn, event_id, &dberr)) < 0 ||
	    (rows = db_codes(conn, event_id, limit, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	else
		rows_local(rows, tz, CREATED_FORMAT, CODE_TIMES);
	db_release(app->db, conn);
	return rows;
}

char *
app_setup_codes_export(const struct app *app, const struct app_actor *actor,
    enum sheet_format fmt, gsize *len, GError **error)
{
	static const char *const heads[] = { "code", "max_uses", "used",
		"email", "sector" };
	g_autoptr(JsonArray) rows = NULL;
	g_autoptr(SheetBook) book = NULL;
	gint64 total;
	guint i;

	rows = app_setup_codes(app, actor, 1000000, &total, error);
	if (rows == NULL || (book = sheet_book_new(fmt, error)) == NULL)
		return NULL;
	sheet_list(book, "codes", heads, G_N_ELEMENTS(heads));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		sheet_text(book, db_str(r, "code"));
		sheet_int(book, db_int(r, "max_uses"));
		sheet_int(book, db_int(r, "used"));
		sheet_text(book, db_str(r, "email"));
		sheet_text(book, db_str(r, "sector"));
		sheet_row_end(book);
	}
	return sheet_book_finish(g_steal_pointer(&book), len, error);
}
