/*
 * event.c -- the event table family: the event and its settings, slots,
 * sessions, sectors and invitation codes, for the public pages, the
 * registration and the console's set-up alike.  Every statement of the
 * family is a constant at the top of this file (db_exec keys the prepared
 * statement by its address), so no statement is written twice.  Every
 * statement names its event by id: there is no "current event".
 *
 * Statements take and give instants as Unix seconds (DB_EPOCH,
 * to_timestamp); app shows them in the event's zone.
 */
#include "db/internal.h"

/* The statements, laid out by hand: clang-format cannot lay out SQL
 * spliced with DB_EPOCH. */
/* clang-format off */
/* Every event, for the address directory (web) and the lists of events:
 * a handful of rows. */
static const char *const SQL_EVENTS =
    "SELECT id, slug, name_nb, name_en, timezone,"
    " " DB_EPOCH("starts_at") " AS starts_at,"
    " " DB_EPOCH("ends_at") " AS ends_at,"
    /* Read through to_jsonb so that a summitctl one migration ahead
     * of the database (an upgrade under way) still finds its events. */
    " (to_jsonb(event) ->> 'archived_at') IS NOT NULL AS archived"
    " FROM event ORDER BY starts_at, id";
static const char *const SQL_EVENT_COPY =
    "SELECT summit_event_copy($1::bigint, $2, $3, $4, $5::date) AS id";
static const char *const SQL_EVENT_ARCHIVE =
    "UPDATE event SET archived_at = CASE WHEN $2::boolean"
    " THEN coalesce(archived_at, now()) END WHERE id = $1 RETURNING id";
/* The events organiser $1 has a right in (all for an installation
 * admin), with that right. */
static const char *const SQL_EVENTS_OF =
    "SELECT e.id, e.slug, e.name_nb, e.name_en,"
    " " DB_EPOCH("e.starts_at") " AS starts_at,"
    " e.archived_at IS NOT NULL AS archived,"
    " CASE WHEN o.role = 'admin' THEN 'admin' ELSE eo.role END AS role"
    " FROM event e JOIN organiser o ON o.id = $1"
    " LEFT JOIN event_organiser eo ON eo.event_id = e.id"
    " AND eo.organiser_id = o.id"
    " WHERE o.role = 'admin' OR eo.role IS NOT NULL"
    " ORDER BY e.archived_at IS NOT NULL, e.starts_at DESC, e.id";
/* The event without its counts, for code that needs only who it is. */
static const char *const SQL_EVENT_HEAD =
    "SELECT id, slug, name_nb, name_en, venue, timezone,"
    " invitation_mode, mailbox, sender_name,"
    " archived_at IS NOT NULL AS archived FROM event WHERE id = $1";
static const char *const SQL_EVENT_CURRENT =
    "SELECT e.id, e.slug, e.name_nb, e.name_en, e.description_nb,"
    " e.description_en, e.venue, e.timezone, e.capacity,"
    " e.invitation_mode, e.mailbox,"
    " " DB_EPOCH("e.starts_at") " AS starts_at,"
    " " DB_EPOCH("e.ends_at") " AS ends_at,"
    " " DB_EPOCH("e.registration_closes") " AS registration_closes,"
    " (now() >= e.registration_opens AND now() < e.registration_closes)"
    "   AS registration_open,"
    /* Taken places, not free ones, are counted: the cost follows
     * the registrations, not the capacity. */
    " greatest(e.capacity - (SELECT count(*) FROM place p"
    "   WHERE p.event_id = e.id AND p.participant_id IS NOT NULL), 0)"
    "   AS places_left,"
    " (SELECT count(*) FROM participant w WHERE w.event_id = e.id"
    "   AND w.status = 'waitlisted') AS waitlisted"
    " FROM event e WHERE e.id = $1";
static const char *const SQL_EVENT_PROGRAMME =
    "SELECT s.id, s.code, s.title_nb, s.title_en, s.description_nb,"
    " s.description_en, s.room, s.capacity, s.status, sl.id AS slot_id,"
    " " DB_EPOCH("sl.starts_at") " AS starts_at,"
    " " DB_EPOCH("sl.ends_at") " AS ends_at,"
    /* Confirmed people only: unconfirmed registrations cannot
     * make a session look popular. */
    /* Counted for all sessions in one join, not per session: a
     * subquery per session read every participant once each. */
    " coalesce(f.n, 0) AS first_choices"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " LEFT JOIN (SELECT pr.session_id, count(*) AS n FROM preference pr"
    "   JOIN participant pa ON pa.id = pr.participant_id"
    "   WHERE pa.event_id = $1 AND pr.rank = 1"
    "   AND pa.status IN ('confirmed', 'waitlisted')"
    "   GROUP BY pr.session_id) f ON f.session_id = s.id"
    " WHERE s.event_id = $1 AND s.status = 'active'"
    " ORDER BY sl.starts_at, sl.id, s.id";
static const char *const SQL_EVENT_SECTORS =
    "SELECT code, name_nb, name_en, colour FROM sector WHERE event_id = $1"
    " ORDER BY position, code";
/* has_questions: most events ask nothing more, and then a registration
 * reads no list of questions; has_invitees: nor, in an open event that
 * invited nobody, looks for an invitee to mark. */
static const char *const SQL_EVENT_FOR_REGISTER =
    "SELECT e.id, e.invitation_mode, (now() >= e.registration_opens"
    " AND now() < e.registration_closes"
    " AND e.archived_at IS NULL) AS registration_open,"
    " EXISTS (SELECT 1 FROM question q WHERE q.event_id = e.id"
    "  AND NOT q.hidden) AS has_questions,"
    " EXISTS (SELECT 1 FROM invitee i WHERE i.event_id = e.id)"
    " AS has_invitees"
    " FROM event e WHERE e.id = $1";
static const char *const SQL_EVENTS_TO_FILL =
    "SELECT e.id FROM event e WHERE EXISTS (SELECT 1 FROM participant w"
    " WHERE w.event_id = e.id AND w.status = 'waitlisted')"
    " AND EXISTS (SELECT 1 FROM place p WHERE p.event_id = e.id"
    " AND p.participant_id IS NULL)";

/* The event's settings as the set-up form edits them, and the places
 * held (a capacity may not go below them); read or locked. */
#define EVENT_SETTINGS \
	"SELECT e.id, e.name_nb, e.name_en, e.description_nb, e.description_en," \
	" e.venue, e.timezone," \
	" " DB_EPOCH("e.starts_at") " AS starts_at," \
	" " DB_EPOCH("e.ends_at") " AS ends_at," \
	" " DB_EPOCH("e.registration_opens") " AS registration_opens," \
	" " DB_EPOCH("e.registration_closes") " AS registration_closes," \
	" e.capacity, e.invitation_mode, e.mailbox, e.refill_automatically," \
	" e.sender_name," \
	" (SELECT count(*) FROM place p WHERE p.event_id = e.id" \
	"   AND p.participant_id IS NOT NULL) AS held" \
	" FROM event e WHERE e.id = $1"

static const char *const SQL_EVENT_GET = EVENT_SETTINGS;
static const char *const SQL_EVENT_GET_LOCK = EVENT_SETTINGS " FOR UPDATE OF e";
static const char *const SQL_EVENT_UPDATE =
    "UPDATE event SET name_nb = $2, name_en = $3, description_nb = $4,"
    " description_en = $5, venue = $6, timezone = $7,"
    " starts_at = to_timestamp($8::bigint),"
    " ends_at = to_timestamp($9::bigint),"
    " registration_opens = to_timestamp($10::bigint),"
    " registration_closes = to_timestamp($11::bigint),"
    " capacity = $12::int, invitation_mode = $13, mailbox = $14,"
    " refill_automatically = $15::boolean, sender_name = $16"
    " WHERE id = $1 RETURNING id";
static const char *const SQL_TIMEZONE_KNOWN =
    "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)"
    " AS known";
static const char *const SQL_SYNC_PLACES =
    "SELECT summit_sync_places($1::bigint) AS capacity";
#define SLOT_COLS \
	"sl.id, " DB_EPOCH("sl.starts_at") " AS starts_at," \
	" " DB_EPOCH("sl.ends_at") " AS ends_at," \
	" (SELECT count(*) FROM session s WHERE s.slot_id = sl.id) AS sessions"

static const char *const SQL_SLOTS =
    "SELECT " SLOT_COLS " FROM slot sl"
    " WHERE sl.event_id = $1 ORDER BY sl.starts_at, sl.id";
static const char *const SQL_SLOT_GET =
    "SELECT " SLOT_COLS " FROM slot sl"
    " WHERE sl.event_id = $1 AND sl.id = $2 FOR UPDATE OF sl";
static const char *const SQL_SLOT_INSERT =
    "INSERT INTO slot (event_id, starts_at, ends_at)"
    " VALUES ($1, to_timestamp($2::bigint), to_timestamp($3::bigint))"
    " RETURNING id";
static const char *const SQL_SLOT_UPDATE =
    "UPDATE slot sl SET starts_at = to_timestamp($3::bigint),"
    " ends_at = to_timestamp($4::bigint)"
    " WHERE sl.event_id = $1 AND sl.id = $2 RETURNING sl.id";
static const char *const SQL_SLOT_DELETE =
    "DELETE FROM slot sl WHERE sl.event_id = $1 AND sl.id = $2"
    " AND NOT EXISTS (SELECT 1 FROM session s WHERE s.slot_id = sl.id)"
    " RETURNING sl.id";

#define SESSION_COLS \
	"s.id, s.slot_id, s.code, s.title_nb, s.title_en, s.description_nb," \
	" s.description_en, s.room, s.capacity, s.tables, s.seats_per_table," \
	" s.sector_share_pct, s.org_limit, s.status"

static const char *const SQL_SESSIONS =
    "SELECT " SESSION_COLS ","
    " (EXISTS (SELECT 1 FROM preference p WHERE p.session_id = s.id)"
    "  OR EXISTS (SELECT 1 FROM assignment a WHERE a.session_id = s.id)"
    "  OR EXISTS (SELECT 1 FROM invitation i WHERE i.session_id = s.id))"
    "   AS used"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " WHERE s.event_id = $1 ORDER BY sl.starts_at, sl.id, s.id";
static const char *const SQL_SESSION_GET =
    "SELECT " SESSION_COLS " FROM session s"
    " WHERE s.event_id = $1 AND s.id = $2 FOR UPDATE";
static const char *const SQL_SESSION_INSERT =
    "INSERT INTO session (event_id, slot_id, code, title_nb, title_en,"
    " description_nb, description_en, room, capacity, tables,"
    " seats_per_table, sector_share_pct, org_limit) VALUES ($1, $2::bigint,"
    " coalesce($3, 's-' || substr(md5(gen_random_uuid()::text), 1, 10)),"
    " $4, $5, $6, $7, $8, $9::int, $10::int, $11::int, $12::int, $13::int)"
    " RETURNING id";
static const char *const SQL_SESSION_UPDATE =
    "UPDATE session SET slot_id = $3::bigint, title_nb = $4, title_en = $5,"
    " description_nb = $6, description_en = $7, room = $8,"
    " capacity = $9::int, tables = $10::int, seats_per_table = $11::int,"
    " sector_share_pct = $12::int, org_limit = $13::int"
    " WHERE event_id = $1 AND id = $2 RETURNING id";
static const char *const SQL_SESSION_STATUS =
    "UPDATE session SET status = $3 WHERE event_id = $1 AND id = $2"
    " RETURNING id";
static const char *const SQL_SECTORS =
    "SELECT c.code, c.name_nb, c.name_en, c.position, c.colour,"
    " (EXISTS (SELECT 1 FROM participant p WHERE p.event_id = c.event_id"
    "   AND p.sector = c.code)"
    "  OR EXISTS (SELECT 1 FROM invitation_code i"
    "   WHERE i.event_id = c.event_id AND i.sector = c.code)) AS used"
    " FROM sector c WHERE c.event_id = $1 ORDER BY c.position, c.code";
static const char *const SQL_SECTOR_GET =
    "SELECT c.code, c.name_nb, c.name_en, c.position, c.colour,"
    " (EXISTS (SELECT 1 FROM participant p WHERE p.event_id = c.event_id"
    "   AND p.sector = c.code)"
    "  OR EXISTS (SELECT 1 FROM invitation_code i"
    "   WHERE i.event_id = c.event_id AND i.sector = c.code)) AS used"
    " FROM sector c WHERE c.event_id = $1 AND c.code = $2 FOR UPDATE";
/* No colour ($6 NULL): the palette's next (sql/017's trigger). */
static const char *const SQL_SECTOR_INSERT =
    "INSERT INTO sector (event_id, code, name_nb, name_en, position, colour)"
    " VALUES ($1, $2, $3, $4, $5::int, $6)";
static const char *const SQL_SECTOR_UPDATE =
    "UPDATE sector SET name_nb = $3, name_en = $4, position = $5::int,"
    " colour = coalesce($6, colour)"
    " WHERE event_id = $1 AND code = $2 RETURNING code";
static const char *const SQL_SECTOR_DELETE =
    "DELETE FROM sector c WHERE c.event_id = $1 AND c.code = $2"
    " AND NOT EXISTS (SELECT 1 FROM participant p"
    "   WHERE p.event_id = c.event_id AND p.sector = c.code)"
    " AND NOT EXISTS (SELECT 1 FROM invitation_code i"
    "   WHERE i.event_id = c.event_id AND i.sector = c.code)"
    " RETURNING c.code";
static const char *const SQL_CODES_INSERT =
    "INSERT INTO invitation_code (event_id, code, max_uses, email, sector)"
    " SELECT $1, c, $3::int, $4, $5 FROM unnest($2::text[]) AS c"
    " ON CONFLICT (code) DO NOTHING RETURNING id";
static const char *const SQL_CODES =
    "SELECT i.code, i.max_uses, i.used, coalesce(i.email, '') AS email,"
    " coalesce(i.sector, '') AS sector,"
    " " DB_EPOCH("i.created_at") " AS created_at"
    " FROM invitation_code i"
    " WHERE i.event_id = $1 ORDER BY i.id DESC LIMIT $2";
static const char *const SQL_CODES_COUNT =
    "SELECT count(*) AS n, coalesce(sum(used), 0)::bigint AS used"
    " FROM invitation_code WHERE event_id = $1";
static const char *const SQL_INVITATION_MODE =
    "SELECT invitation_mode FROM event WHERE id = $1";
static const char *const SQL_CODE_CONSUME =
    "UPDATE invitation_code SET used = used + 1 WHERE code = upper($1)"
    " AND event_id = $2 AND used < max_uses"
    " AND (email IS NULL OR lower(email) = lower($3))"
    " RETURNING id, coalesce(sector, '') AS sector";
/* The same conditions as SQL_CODE_CONSUME, uses left included, so a
 * known e-mail is answered as an unknown one (docs/registration-limits.md). */
static const char *const SQL_CODE_CHECK =
    "SELECT id, coalesce(sector, '') AS sector FROM invitation_code"
    " WHERE code = upper($1) AND event_id = $2 AND used < max_uses"
    " AND (email IS NULL OR lower(email) = lower($3))";
static const char *const SQL_PARTICIPANT_SET_CODE =
    "UPDATE participant SET invitation_code_id = $2 WHERE id = $1";
/* clang-format on */

JsonArray *
db_events(DbConn *conn, GError **error)
{
	return db_exec(conn, SQL_EVENTS, 0, NULL, error);
}

/* One row of sql about event_id. */
static JsonObject *
event_row(DbConn *conn, const char *sql, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, sql, 1, p, error);
}

JsonObject *
db_event_current(DbConn *conn, gint64 event_id, GError **error)
{
	return event_row(conn, SQL_EVENT_CURRENT, event_id, error);
}

JsonObject *
db_event_head(DbConn *conn, gint64 event_id, GError **error)
{
	return event_row(conn, SQL_EVENT_HEAD, event_id, error);
}

JsonObject *
db_event_for_register(DbConn *conn, gint64 event_id, GError **error)
{
	return event_row(conn, SQL_EVENT_FOR_REGISTER, event_id, error);
}

JsonArray *
db_event_programme(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { ev };

	g_snprintf(ev, sizeof(ev), "%" G_GINT64_FORMAT, event_id);
	return db_exec(conn, SQL_EVENT_PROGRAMME, 1, p, error);
}

JsonArray *
db_event_sectors(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { ev };

	g_snprintf(ev, sizeof(ev), "%" G_GINT64_FORMAT, event_id);
	return db_exec(conn, SQL_EVENT_SECTORS, 1, p, error);
}

gboolean
db_event_sectors_each(DbConn *conn, gint64 event_id, DbRowFunc fn,
    gpointer user, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_each(conn, SQL_EVENT_SECTORS, 1, p, fn, user, error);
}

JsonArray *
db_events_to_fill(DbConn *conn, GError **error)
{
	return db_exec(conn, SQL_EVENTS_TO_FILL, 0, NULL, error);
}

/* A statement that must touch a row: no row is DB_ENOTFOUND. */
static gboolean
exec_row(DbConn *conn, const char *sql, int n, const char *const *p,
    GError **error)
{
	g_autoptr(JsonObject) row = db_exec_one(conn, sql, n, p, error);

	return row != NULL;
}

JsonObject *
db_event_settings(DbConn *conn, gint64 event_id, bool lock, GError **error)
{
	return event_row(conn, lock ? SQL_EVENT_GET_LOCK : SQL_EVENT_GET,
	    event_id, error);
}

gboolean
db_event_update(DbConn *conn, gint64 event_id, const struct db_event_fields *e,
    GError **error)
{
	char ev[24], t[4][24], cap[24];
	const char *p[16] = { db_num(ev, event_id), e->name_nb, e->name_en,
		e->description_nb, e->description_en, e->venue, e->timezone,
		db_num(t[0], e->starts_at), db_num(t[1], e->ends_at),
		db_num(t[2], e->registration_opens),
		db_num(t[3], e->registration_closes), db_num(cap, e->capacity),
		e->invitation_mode, e->mailbox,
		e->refill_automatically ? "true" : "false",
		e->sender_name ? e->sender_name : "" };

	return exec_row(conn, SQL_EVENT_UPDATE, 16, p, error);
}

gboolean
db_timezone_known(DbConn *conn, const char *name, bool *known, GError **error)
{
	const char *p[1] = { name };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_TIMEZONE_KNOWN, 1, p,
	    error);

	if (row == NULL)
		return FALSE;
	*known = json_object_get_boolean_member(row, "known");
	return TRUE;
}

gboolean
db_places_sync(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return exec_row(conn, SQL_SYNC_PLACES, 1, p, error);
}

JsonArray *
db_slots(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_SLOTS, 1, p, error);
}

JsonObject *
db_slot_get(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	char ev[24], i[24];
	const char *p[2] = { db_num(ev, event_id), db_num(i, id) };

	return db_exec_one(conn, SQL_SLOT_GET, 2, p, error);
}

gboolean
db_slot_insert(DbConn *conn, gint64 event_id, gint64 starts_at, gint64 ends_at,
    gint64 *id, GError **error)
{
	char ev[24], s[24], e[24];
	const char *p[3] = { db_num(ev, event_id), db_num(s, starts_at),
		db_num(e, ends_at) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_SLOT_INSERT, 3, p,
	    error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}

gboolean
db_slot_update(DbConn *conn, gint64 event_id, gint64 id, gint64 starts_at,
    gint64 ends_at, GError **error)
{
	char ev[24], i[24], s[24], e[24];
	const char *p[4] = { db_num(ev, event_id), db_num(i, id),
		db_num(s, starts_at), db_num(e, ends_at) };

	return exec_row(conn, SQL_SLOT_UPDATE, 4, p, error);
}

gboolean
db_slot_delete(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	char ev[24], i[24];
	const char *p[2] = { db_num(ev, event_id), db_num(i, id) };

	return exec_row(conn, SQL_SLOT_DELETE, 2, p, error);
}

JsonArray *
db_sessions(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_SESSIONS, 1, p, error);
}

JsonObject *
db_session_get(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	char ev[24], i[24];
	const char *p[2] = { db_num(ev, event_id), db_num(i, id) };

	return db_exec_one(conn, SQL_SESSION_GET, 2, p, error);
}

gboolean
db_session_insert(DbConn *conn, gint64 event_id,
    const struct db_session_fields *s, gint64 *id, GError **error)
{
	char ev[24], n[6][24];
	const char *p[13] = { db_num(ev, event_id), db_num(n[0], s->slot_id),
		s->code, s->title_nb, s->title_en, s->description_nb,
		s->description_en, s->room, db_num(n[1], s->capacity),
		db_num(n[2], s->tables), db_num(n[3], s->seats_per_table),
		db_num(n[4], s->sector_share_pct), db_num(n[5], s->org_limit) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_SESSION_INSERT, 13, p,
	    error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}

gboolean
db_session_update(DbConn *conn, gint64 event_id, gint64 id,
    const struct db_session_fields *s, GError **error)
{
	char ev[24], i[24], n[6][24];
	const char *p[13] = { db_num(ev, event_id), db_num(i, id),
		db_num(n[0], s->slot_id), s->title_nb, s->title_en,
		s->description_nb, s->description_en, s->room,
		db_num(n[1], s->capacity), db_num(n[2], s->tables),
		db_num(n[3], s->seats_per_table),
		db_num(n[4], s->sector_share_pct), db_num(n[5], s->org_limit) };

	return exec_row(conn, SQL_SESSION_UPDATE, 13, p, error);
}

gboolean
db_session_set_status(DbConn *conn, gint64 event_id, gint64 id,
    const char *status, GError **error)
{
	char ev[24], i[24];
	const char *p[3] = { db_num(ev, event_id), db_num(i, id), status };

	return exec_row(conn, SQL_SESSION_STATUS, 3, p, error);
}

JsonArray *
db_sectors_used(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_SECTORS, 1, p, error);
}

JsonObject *
db_sector_get(DbConn *conn, gint64 event_id, const char *code, GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id), code };

	return db_exec_one(conn, SQL_SECTOR_GET, 2, p, error);
}

gboolean
db_sector_insert(DbConn *conn, gint64 event_id,
    const struct db_sector_fields *s, GError **error)
{
	char ev[24], pos[24];
	const char *p[6] = { db_num(ev, event_id), s->code, s->name_nb,
		s->name_en, db_num(pos, s->position), s->colour };

	return db_exec_noresult(conn, SQL_SECTOR_INSERT, 6, p, error);
}

gboolean
db_sector_update(DbConn *conn, gint64 event_id,
    const struct db_sector_fields *s, GError **error)
{
	char ev[24], pos[24];
	const char *p[6] = { db_num(ev, event_id), s->code, s->name_nb,
		s->name_en, db_num(pos, s->position), s->colour };

	return exec_row(conn, SQL_SECTOR_UPDATE, 6, p, error);
}

gboolean
db_sector_delete(DbConn *conn, gint64 event_id, const char *code,
    GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id), code };

	return exec_row(conn, SQL_SECTOR_DELETE, 2, p, error);
}

gboolean
db_codes_insert(DbConn *conn, gint64 event_id, const char *codes_array,
    gint64 max_uses, const char *email, const char *sector, gint64 *inserted,
    GError **error)
{
	char ev[24], mu[24];
	const char *p[5] = { db_num(ev, event_id), codes_array,
		db_num(mu, max_uses), email, sector };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_CODES_INSERT, 5, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*inserted = json_array_get_length(rows);
	return TRUE;
}

JsonArray *
db_codes(DbConn *conn, gint64 event_id, gint64 limit, GError **error)
{
	char ev[24], lim[24];
	const char *p[2] = { db_num(ev, event_id), db_num(lim, limit) };

	return db_exec(conn, SQL_CODES, 2, p, error);
}

gint64
db_codes_count(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_CODES_COUNT, 1, p,
	    error);

	return row == NULL ? -1 : db_int(row, "n");
}

char *
db_event_invitation_mode(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_INVITATION_MODE, 1, p,
	    error);

	return row == NULL ? NULL : g_strdup(db_str(row, "invitation_mode"));
}

JsonObject *
db_code_consume(DbConn *conn, gint64 event_id, const char *code,
    const char *email, GError **error)
{
	char ev[24];
	const char *p[3] = { code, db_num(ev, event_id), email };

	return db_exec_one(conn, SQL_CODE_CONSUME, 3, p, error);
}

JsonObject *
db_code_check(DbConn *conn, gint64 event_id, const char *code,
    const char *email, GError **error)
{
	char ev[24];
	const char *p[3] = { code, db_num(ev, event_id), email };

	return db_exec_one(conn, SQL_CODE_CHECK, 3, p, error);
}

gboolean
db_participant_set_code(DbConn *conn, gint64 participant_id, gint64 code_id,
    GError **error)
{
	char id[24], c[24];
	const char *p[2] = { db_num(id, participant_id), db_num(c, code_id) };

	return db_exec_noresult(conn, SQL_PARTICIPANT_SET_CODE, 2, p, error);
}

/* The API's event and sessions (db_api_event, db_api_sessions). */
/* clang-format off */
static const char *const SQL_API_EVENT =
    "SELECT e.id, e.slug, e.name_nb, e.name_en, e.venue, e.timezone,"
    " " DB_EPOCH("e.starts_at") " AS starts_at,"
    " " DB_EPOCH("e.ends_at") " AS ends_at,"
    " " DB_EPOCH("e.registration_opens") " AS registration_opens,"
    " " DB_EPOCH("e.registration_closes") " AS registration_closes,"
    " e.capacity, e.invitation_mode,"
    " (SELECT count(*) FROM place p WHERE p.event_id = e.id"
    "  AND p.participant_id IS NOT NULL) AS places_taken"
    " FROM event e WHERE e.id = $1";
static const char *const SQL_API_SESSIONS =
    "SELECT s.id, s.code, s.title_nb, s.title_en, s.room, s.capacity,"
    " s.status, " DB_EPOCH("sl.starts_at") " AS starts_at,"
    " " DB_EPOCH("sl.ends_at") " AS ends_at,"
    " (SELECT count(*) FROM assignment a WHERE a.session_id = s.id)"
    "  AS placed"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " WHERE s.event_id = $1 ORDER BY sl.starts_at, s.id";
/* clang-format on */

JsonObject *
db_api_event(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec_one(conn, SQL_API_EVENT, 1, p, error);
}

JsonArray *
db_api_sessions(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_API_SESSIONS, 1, p, error);
}

gboolean
db_event_copy(DbConn *conn, gint64 from_id, const char *slug,
    const char *name_nb, const char *name_en, const char *day, gint64 *id,
    GError **error)
{
	char f[24];
	const char *p[5] = { db_num(f, from_id), slug, name_nb, name_en, day };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_EVENT_COPY, 5, p,
	    error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}

gboolean
db_event_archive(DbConn *conn, gint64 event_id, bool archived, GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id),
		archived ? "true" : "false" };

	return exec_row(conn, SQL_EVENT_ARCHIVE, 2, p, error);
}

JsonArray *
db_events_of(DbConn *conn, gint64 organiser_id, GError **error)
{
	char o[24];
	const char *p[1] = { db_num(o, organiser_id) };

	return db_exec(conn, SQL_EVENTS_OF, 1, p, error);
}
