/*
 * participant.c -- the participant table family: participants, their
 * preferences, link tokens and places, the registration refusal counters,
 * and the console's list, detail, export, erasure and import of them.
 * Every statement of the family is a constant at the top of this file
 * (db_exec keys the prepared statement by its address).
 *
 * The console's list is one statement per sort order (a sort key cannot
 * be a parameter, and SQL is never built from input), all sharing one
 * WHERE clause whose filters switch off when their parameter is NULL.
 * Connections use custom plans, so a switched-off filter folds away and
 * the search pattern is a constant the pg_trgm index of 005 can serve
 * (on participant.search: name, e-mail and organisation, lower-cased).
 * The session filter is an uncorrelated IN, which PostgreSQL hashes once
 * (an EXISTS inside the OR would run once per row).  The count is capped:
 * counting 50,000 rows to print "10,000+" is waste.
 */
#include "db/internal.h"

static const char *const SQL_PARTICIPANT_EVENT =
    "SELECT event_id FROM participant WHERE id = $1";
static const char *const SQL_PARTICIPANT_BY_EMAIL =
    "SELECT id, name, email, language, status FROM participant"
    " WHERE event_id = $1 AND lower(email) = lower($2)";
static const char *const SQL_PARTICIPANT_BY_TOKEN =
    "SELECT p.id, p.event_id, p.name, p.email, p.organisation, p.sector,"
    " p.role, p.needs, p.language, p.status, p.speaker_only,"
    " p.email_confirmed_at IS NOT NULL AS email_confirmed,"
    " coalesce(p.substitute_for, 0) AS substitute_for,"
    " " DB_EPOCH(
        "p.hold_until") " AS hold_until, e.timezone,"
                        " extract(epoch FROM p.updated_at)::bigint AS updated,"
                        " summit_erase_after(e.ends_at, e.retention_months, $3::int) < now() AS link_expired"
                        " FROM participant_token t JOIN participant p"
                        " ON p.id = t.participant_id JOIN event e ON e.id = p.event_id"
                        " WHERE t.hash = $1 AND t.purpose = $2";
static const char *const SQL_PARTICIPANT_BY_TOKEN_LOCK =
    "SELECT p.id, p.event_id, p.name, p.email, p.language, p.status,"
    " p.speaker_only,"
    " p.email_confirmed_at IS NOT NULL AS email_confirmed,"
    " coalesce(p.substitute_for, 0) AS substitute_for,"
    " summit_erase_after(e.ends_at, e.retention_months, $2::int)"
    " < now() AS link_expired"
    " FROM participant_token t JOIN participant p"
    " ON p.id = t.participant_id JOIN event e ON e.id = p.event_id"
    " WHERE t.hash = $1 AND t.purpose = 'manage' FOR UPDATE OF p";
static const char *const SQL_PARTICIPANT_PREFERENCES =
    "SELECT pr.rank, s.id AS session_id, s.title_nb, s.title_en"
    " FROM preference pr JOIN session s ON s.id = pr.session_id"
    " WHERE pr.participant_id = $1 ORDER BY pr.rank";
static const char *const SQL_PREFERENCE_DELETE =
    "DELETE FROM preference WHERE participant_id = $1";
/* All ranks in one statement; a session that is not an active one
 * of this event is left out, which the caller sees in the count. */
static const char *const SQL_PREFERENCE_INSERT =
    "INSERT INTO preference (event_id, participant_id, session_id, rank)"
    " SELECT $1, $2, s.id, u.rank FROM unnest($3::bigint[])"
    " WITH ORDINALITY AS u(session_id, rank)"
    " JOIN session s ON s.id = u.session_id AND s.event_id = $1"
    " AND s.status = 'active' RETURNING session_id";
static const char *const SQL_PARTICIPANT_SET_EMAIL =
    "UPDATE participant SET email = $2 WHERE id = $1 RETURNING id";
static const char *const SQL_PARTICIPANT_SET_STATUS =
    "UPDATE participant SET status = $2,"
    " hold_until = CASE WHEN $2 = 'pending'"
    "   THEN now() + make_interval(hours => $3::int) END,"
    " waitlisted_at = CASE WHEN $2 <> 'waitlisted' THEN NULL"
    "   WHEN status = 'waitlisted' THEN waitlisted_at ELSE now() END,"
    " cancelled_at = CASE WHEN $2 = 'cancelled' THEN now()"
    "   ELSE cancelled_at END WHERE id = $1"
    " RETURNING id";
static const char *const SQL_PARTICIPANT_EMAIL_CONFIRMED =
    "UPDATE participant SET email_confirmed_at ="
    " coalesce(email_confirmed_at, now()) WHERE id = $1 RETURNING id";
static const char *const SQL_TOKEN_INSERT =
    "INSERT INTO participant_token (hash, participant_id, purpose)"
    " VALUES ($2, $1, $3) ON CONFLICT (hash) DO NOTHING";
/* A free place for participant $2 unless they hold one, taken
 * without waiting on other claims; with $3, none is taken while
 * anyone of the event waits (someone confirming: a place freed
 * meanwhile is the waiting people's, app_promote). */
static const char *const SQL_PLACE_CLAIM =
    "WITH h AS (SELECT place_no FROM place WHERE participant_id = $2),"
    " c AS (UPDATE place p SET participant_id = $2 FROM ("
    " SELECT event_id, place_no FROM place"
    " WHERE event_id = $1 AND participant_id IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM h)"
    " AND NOT ($3::boolean AND EXISTS (SELECT 1 FROM participant w"
    "  WHERE w.event_id = $1 AND w.status = 'waitlisted'))"
    " ORDER BY place_no LIMIT 1 FOR UPDATE SKIP LOCKED) f"
    " WHERE p.event_id = f.event_id AND p.place_no = f.place_no"
    " RETURNING p.place_no)"
    " SELECT place_no FROM h UNION ALL SELECT place_no FROM c";
static const char *const SQL_PLACE_RELEASE =
    "UPDATE place SET participant_id = NULL WHERE participant_id = $1"
    " RETURNING place_no";
static const char *const SQL_WAITLIST_NEXT =
    "SELECT id, name, email, language,"
    " email_confirmed_at IS NOT NULL AS email_confirmed"
    " FROM participant WHERE event_id = $1 AND status = 'waitlisted'"
    " ORDER BY waitlisted_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
static const char *const SQL_HOLDS_EXPIRED =
    "SELECT id, event_id, name, email, language FROM participant"
    " WHERE status = 'pending' AND hold_until < now()"
    " AND EXISTS (SELECT 1 FROM place pl"
    "  WHERE pl.participant_id = participant.id)"
    " ORDER BY hold_until LIMIT $1 FOR UPDATE SKIP LOCKED";
/*
 * A whole registration in one statement, and no place in it: a place
 * is claimed at confirmation.  The sector and the ranked sessions are
 * checked before anything else, so a known e-mail gets the same answer
 * as an unknown one.  A new e-mail is stored pending (deleted unless
 * confirmed by hold_until) with its ranking; a known one has its
 * re-sent links counted in its own row (at most $11 an hour).  The
 * confirmation or re-sent link goes to the outbox, its link's hash to
 * participant_token.  id is NULL for a known e-mail.  With $14, an
 * organiser's invitee: stored confirmed with no hold, and nothing else
 * (no link counted, no mail: app queues the invitation).
 */
static const char *const SQL_PARTICIPANT_REGISTER =
    "WITH v AS (SELECT EXISTS (SELECT 1 FROM sector"
    "  WHERE event_id = $1 AND code = $5) AS sector_ok,"
    "  (SELECT count(*) FROM session WHERE event_id = $1"
    "  AND status = 'active' AND id = ANY ($10::bigint[]))"
    "  = cardinality($10::bigint[]) AS sessions_ok),"
    " p AS (INSERT INTO participant (event_id, name, email, organisation,"
    "  sector, role, needs, language, status, hold_until, consent_at,"
    "  consent_version)"
    "  SELECT $1, $2, $3, $4, $5, $6, $7, $8,"
    "  CASE WHEN $14::boolean THEN 'confirmed' ELSE 'pending' END,"
    "  CASE WHEN NOT $14::boolean"
    "   THEN now() + make_interval(hours => $9::int) END, now(), $15 FROM v"
    "  WHERE v.sector_ok AND v.sessions_ok"
    "  ON CONFLICT DO NOTHING RETURNING id, email, language),"
    " pr AS (INSERT INTO preference (event_id, participant_id,"
    "  session_id, rank) SELECT $1, p.id, u.session_id, u.rank FROM p"
    "  CROSS JOIN unnest($10::bigint[]) WITH ORDINALITY"
    "   AS u(session_id, rank) RETURNING 1),"
    " k AS (UPDATE participant x SET"
    "  link_sends = CASE WHEN x.link_window_at > now() - interval '1 hour'"
    "   THEN x.link_sends + 1 ELSE 1 END,"
    "  link_window_at = CASE WHEN x.link_window_at >"
    "   now() - interval '1 hour' THEN x.link_window_at ELSE now() END"
    "  FROM v WHERE v.sector_ok AND v.sessions_ok AND NOT $14::boolean"
    "  AND x.event_id = $1"
    "  AND lower(x.email) = lower($3) AND NOT EXISTS (SELECT 1 FROM p)"
    "  RETURNING x.id, x.email, x.language,"
    "  x.link_sends <= $11::int AS allowed),"
    " o AS (INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    "  recipient_name, language, payload, link_nonce)"
    "  SELECT $1::bigint, id, 'confirm', email, '', language,"
    "  '{}'::jsonb, $12::text FROM p WHERE NOT $14::boolean"
    "  UNION ALL SELECT $1::bigint, id, 'link_again', email, '', language,"
    "  '{}'::jsonb, $12::text FROM k WHERE allowed"
    "  RETURNING participant_id),"
    " t AS (INSERT INTO participant_token (hash, participant_id, purpose)"
    "  SELECT $13::text, participant_id, 'manage' FROM o"
    "  ON CONFLICT (hash) DO NOTHING)"
    " SELECT v.sector_ok, v.sessions_ok, (SELECT id FROM p) AS id,"
    " (SELECT count(*) FROM pr) AS ranked,"
    " (SELECT count(*) FROM o) AS mailed FROM v";
/* Unconfirmed registrations past their time (pending without a
 * place: a place comes only with confirmation or an organiser):
 * deleted, with their ranking and tokens, so the address can
 * register again. */
static const char *const SQL_PENDING_DELETE =
    "DELETE FROM participant WHERE id IN (SELECT x.id FROM participant x"
    " WHERE x.status = 'pending' AND x.hold_until < now()"
    " AND NOT EXISTS (SELECT 1 FROM place pl"
    "  WHERE pl.participant_id = x.id)"
    " ORDER BY x.hold_until LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id";
/* One flush of the refusal counters: key and count arrays of one
 * kind each; rows older than 14 days go in the same statement. */
static const char *const SQL_THROTTLE_RECORD =
    "WITH old AS (DELETE FROM registration_throttle"
    " WHERE at < now() - interval '14 days')"
    " INSERT INTO registration_throttle (kind, key, refusals)"
    " SELECT k, key, n FROM unnest($1::text[], $2::text[], $3::int[])"
    " AS u(k, key, n)";
/* Refusals of the last $1 hours, per kind and key, most first. */
/* clang-format off */
static const char *const SQL_THROTTLE_RECENT =
    "SELECT kind, key, sum(refusals)::bigint AS refusals,"
    " " DB_EPOCH("max(at)") " AS last"
    " FROM registration_throttle"
    " WHERE at > now() - make_interval(hours => $1::int)"
    " GROUP BY kind, key ORDER BY refusals DESC, kind, key LIMIT $2";
/* clang-format on */

/* Badges and the door list: $1 event, $2 status, $3 sector, $4 a session
 * they are placed in, $5 one participant; with a confirmed person's live
 * check-in code (sql/016).  The surname is the name's last word. */
static const char *const SQL_BADGE_PEOPLE =
    "SELECT p.id, p.name, p.organisation, p.sector, s.name_nb AS sector_nb,"
    " s.name_en AS sector_en, s.colour, p.status,"
    " p.checked_in_at IS NOT NULL AS checked_in, c.code, c.short_code"
    " FROM participant p JOIN sector s ON s.event_id = p.event_id"
    "  AND s.code = p.sector"
    " LEFT JOIN checkin_code c ON c.participant_id = p.id"
    "  AND c.revoked_at IS NULL AND p.status = 'confirmed'"
    " WHERE p.event_id = $1 AND ($2::text IS NULL OR p.status = $2)"
    " AND ($3::text IS NULL OR p.sector = $3)"
    " AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM assignment a"
    "  WHERE a.participant_id = p.id AND a.session_id = $4))"
    " AND ($5::bigint IS NULL OR p.id = $5)"
    " ORDER BY lower(substring(p.name FROM '(\\S+)\\s*$')), lower(p.name),"
    " p.id";

/* The ticks of a door list: $1 event, $2 a JSON array of check-in codes
 * or short forms, normalised: the participant of each that is one of the
 * event's, live or revoked (checkin_code, sql/016). */
static const char *const SQL_DOOR_CODES =
    "SELECT x.code AS given, p.id, p.name, p.organisation, p.status,"
    " c.revoked_at IS NOT NULL AS revoked,"
    " p.checked_in_at IS NOT NULL AS checked_in"
    " FROM json_array_elements_text($2::json) AS x(code)"
    " JOIN checkin_code c ON c.code = x.code OR c.short_code = x.code"
    " JOIN participant p ON p.id = c.participant_id AND p.event_id = $1";
/* Checks in $2 (a JSON array of ids) of event $1 at door $3, each only if
 * not in yet (the desk's rule: the first arrival stands). */
static const char *const SQL_DOOR_ARRIVE =
    "UPDATE participant SET checked_in_at = now(), checked_in_door = $3"
    " WHERE event_id = $1 AND checked_in_at IS NULL AND id IN"
    " (SELECT json_array_elements_text($2::json)::bigint) RETURNING id";

/* $1 event, $2 search text, $3 status, $4 sector, $5 session,
 * $6 'placed' or 'ranked'. */
#define REG_PATTERN \
	"'%' || lower(replace(replace(replace($2::text, '\\', '\\\\')," \
	" '%', '\\%'), '_', '\\_')) || '%'"

#define REG_WHERE \
	" FROM participant p WHERE p.event_id = $1" \
	" AND ($2::text IS NULL OR p.search LIKE " REG_PATTERN ")" \
	" AND ($3::text IS NULL OR p.status = $3)" \
	" AND ($4::text IS NULL OR p.sector = $4)" \
	" AND ($5::bigint IS NULL OR p.id IN (SELECT pr.participant_id" \
	"  FROM preference pr WHERE pr.session_id = $5" \
	"  AND $6::text <> 'placed' UNION ALL SELECT a.participant_id" \
	"  FROM assignment a WHERE a.session_id = $5" \
	"  AND $6::text = 'placed'))"

#define REG_LIST(order) \
	"SELECT p.id, p.name, p.email, p.organisation, p.sector, p.status," \
	" p.cancelled_late," \
	" " DB_EPOCH( \
	    "p.created_at") " AS registered_at," \
	                    " p.checked_in_at IS NOT NULL AS checked_in" REG_WHERE \
	                    " ORDER BY " order " LIMIT $7 OFFSET $8"

gboolean
db_participant_register(DbConn *conn, const struct db_participant_new *pn,
    const gint64 *session_ids, size_t n, gint64 *id, const char **refused,
    GError **error)
{
	char ev[24], hours[24], resends[24];
	g_autofree char *arr = db_int_array(session_ids, n);
	g_autoptr(JsonObject) row = NULL;
	const char *p[15] = { db_num(ev, pn->event_id), pn->name, pn->email,
		pn->organisation, pn->sector, pn->role ? pn->role : "",
		pn->needs ? pn->needs : "", pn->language,
		db_num(hours, pn->confirm_hours), NULL,
		db_num(resends, pn->resends_per_hour), pn->link_nonce,
		pn->link_hash, pn->invitee ? "true" : "false",
		pn->consent_version };

	p[9] = arr;
	row = db_exec_one(conn, SQL_PARTICIPANT_REGISTER, 15, p, error);
	if (row == NULL)
		return FALSE;
	*refused = NULL;
	if (!json_object_get_boolean_member(row, "sector_ok"))
		*refused = "sector";
	else if (!json_object_get_boolean_member(row, "sessions_ok"))
		*refused = "sessions";
	*id = json_object_get_null_member(row, "id") ? 0 : db_int(row, "id");
	return TRUE;
}

JsonObject *
db_participant_by_email(DbConn *conn, gint64 event_id, const char *email,
    GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id), email };

	return db_exec_one(conn, SQL_PARTICIPANT_BY_EMAIL, 2, p, error);
}

/* Set once at start (db_set_link_days), read by every thread after. */
static gint link_days = 180;

void
db_set_link_days(unsigned days)
{
	g_atomic_int_set(&link_days, (gint)MIN(days, 100000u));
}

/* A token row, or NULL with DB_EEXPIRED once its event has ended more than
 * link_days ago: the row is found first, so the answer can say "expired"
 * rather than "unknown". */
static JsonObject *
token_row(DbConn *conn, const char *sql, int n, const char *const *p,
    GError **error)
{
	JsonObject *row = db_exec_one(conn, sql, n, p, error);

	if (row != NULL &&
	    json_object_get_boolean_member(row, "link_expired")) {
		json_object_unref(row);
		g_set_error(error, SUMMIT_DB_ERROR, DB_EEXPIRED,
		    "the link has expired");
		return NULL;
	}
	return row;
}

JsonObject *
db_participant_by_token(DbConn *conn, const char *hash, bool lock,
    GError **error)
{
	char days[24];
	const char *p[3] = { hash, "manage", NULL };

	db_num(days, g_atomic_int_get(&link_days));
	if (lock) {
		p[1] = days;
		return token_row(conn, SQL_PARTICIPANT_BY_TOKEN_LOCK, 2, p,
		    error);
	}
	p[2] = days;
	return token_row(conn, SQL_PARTICIPANT_BY_TOKEN, 3, p, error);
}

JsonObject *
db_participant_by_feed(DbConn *conn, const char *hash, GError **error)
{
	char days[24];
	const char *p[3] = { hash, "feed",
		db_num(days, g_atomic_int_get(&link_days)) };

	return token_row(conn, SQL_PARTICIPANT_BY_TOKEN, 3, p, error);
}

JsonArray *
db_participant_preferences(DbConn *conn, gint64 participant_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec(conn, SQL_PARTICIPANT_PREFERENCES, 1, p, error);
}

gboolean
db_participant_set_preferences(DbConn *conn, gint64 event_id,
    gint64 participant_id, const gint64 *session_ids, size_t n, bool replace,
    GError **error)
{
	char ev[24], id[24];
	g_autofree char *arr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	const char *del[1] = { db_num(id, participant_id) };
	const char *p[3] = { db_num(ev, event_id), id, NULL };

	if (replace &&
	    !db_exec_noresult(conn, SQL_PREFERENCE_DELETE, 1, del, error))
		return FALSE;
	if (n == 0)
		return TRUE;
	arr = db_int_array(session_ids, n);
	p[2] = arr;
	rows = db_exec(conn, SQL_PREFERENCE_INSERT, 3, p, error);
	if (rows == NULL)
		return FALSE;
	if (json_array_get_length(rows) != n) {
		g_set_error(error, SUMMIT_DB_ERROR, DB_EINVALID,
		    "a ranked session is not in this event");
		return FALSE;
	}
	return TRUE;
}

gboolean
db_participant_set_email(DbConn *conn, gint64 participant_id, const char *email,
    GError **error)
{
	char id[24];
	const char *p[2] = { db_num(id, participant_id), email };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_PARTICIPANT_SET_EMAIL,
	    2, p, error);

	return row != NULL;
}

gboolean
db_participant_set_status(DbConn *conn, gint64 participant_id,
    const char *status, gint64 hold_hours, GError **error)
{
	char id[24], hours[24];
	const char *p[3] = { db_num(id, participant_id), status,
		db_num(hours, hold_hours) };
	g_autoptr(JsonObject) row = db_exec_one(conn,
	    SQL_PARTICIPANT_SET_STATUS, 3, p, error);

	return row != NULL;
}

gboolean
db_participant_mark_email_confirmed(DbConn *conn, gint64 participant_id,
    GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn,
	    SQL_PARTICIPANT_EMAIL_CONFIRMED, 1, p, error);

	return row != NULL;
}

gboolean
db_token_insert(DbConn *conn, gint64 participant_id, const char *hash,
    const char *purpose, GError **error)
{
	char id[24];
	const char *p[3] = { db_num(id, participant_id), hash, purpose };

	return db_exec_noresult(conn, SQL_TOKEN_INSERT, 3, p, error);
}

gboolean
db_place_claim(DbConn *conn, gint64 event_id, gint64 participant_id,
    bool unless_waiting, bool *got, GError **error)
{
	char ev[24], id[24];
	const char *p[3] = { db_num(ev, event_id), db_num(id, participant_id),
		unless_waiting ? "true" : "false" };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_PLACE_CLAIM, 3, p, error);

	if (rows == NULL)
		return FALSE;
	*got = json_array_get_length(rows) > 0;
	return TRUE;
}

gboolean
db_place_release(DbConn *conn, gint64 participant_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, participant_id) };

	return db_exec_noresult(conn, SQL_PLACE_RELEASE, 1, p, error);
}

JsonObject *
db_waitlist_next(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_WAITLIST_NEXT, 1, p, error);
}

JsonArray *
db_holds_expired(DbConn *conn, unsigned limit, GError **error)
{
	char lim[24];
	const char *p[1] = { db_num(lim, limit) };

	return db_exec(conn, SQL_HOLDS_EXPIRED, 1, p, error);
}

gboolean
db_pending_delete(DbConn *conn, unsigned limit, unsigned *n, GError **error)
{
	char lim[24];
	const char *p[1] = { db_num(lim, limit) };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_PENDING_DELETE, 1, p,
	    error);

	if (rows == NULL)
		return FALSE;
	*n = json_array_get_length(rows);
	return TRUE;
}

char *
db_int_array(const gint64 *v, size_t n)
{
	GString *s = g_string_sized_new(n * 8 + 2);
	size_t i;

	g_string_append_c(s, '{');
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "",
		    v[i]);
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

/* A PostgreSQL array literal of quoted text elements (transfer full). */
static char *
db_text_array(const char *const *v, size_t n)
{
	GString *s = g_string_new("{");
	size_t i;
	const char *c;

	for (i = 0; i < n; i++) {
		g_string_append(s, i ? ",\"" : "\"");
		for (c = v[i]; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				g_string_append_c(s, '\\');
			g_string_append_c(s, *c);
		}
		g_string_append_c(s, '"');
	}
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

gboolean
db_throttle_record(DbConn *conn, const char *const *kinds,
    const char *const *keys, const gint64 *counts, size_t n, GError **error)
{
	g_autofree char *k = db_text_array(kinds, n);
	g_autofree char *y = db_text_array(keys, n);
	g_autofree char *c = db_int_array(counts, n);
	const char *p[3] = { k, y, c };

	return db_exec_noresult(conn, SQL_THROTTLE_RECORD, 3, p, error);
}

JsonArray *
db_throttle_recent(DbConn *conn, unsigned hours, unsigned limit, GError **error)
{
	char h[24], lim[24];
	const char *p[2] = { db_num(h, hours), db_num(lim, limit) };

	return db_exec(conn, SQL_THROTTLE_RECENT, 2, p, error);
}

/* [sort][desc] */
static const char *const SQL_REG_LIST[DB_REG_SORT__MAX][2] = {
	/* DB_REG_SORT_REGISTERED */
	{ REG_LIST("p.created_at, p.id"),
	    REG_LIST("p.created_at DESC, p.id DESC") },
	/* DB_REG_SORT_NAME */
	{ REG_LIST("lower(p.name), p.id"),
	    REG_LIST("lower(p.name) DESC, p.id DESC") },
	/* DB_REG_SORT_ORG */
	{ REG_LIST("lower(p.organisation), p.id"),
	    REG_LIST("lower(p.organisation) DESC, p.id DESC") },
	/* DB_REG_SORT_STATUS */
	{ REG_LIST("p.status, p.created_at, p.id"),
	    REG_LIST("p.status DESC, p.created_at DESC, p.id DESC") },
};
static const char *const SQL_REG_COUNT =
    "SELECT count(*) AS n FROM (SELECT 1" REG_WHERE " LIMIT $7) c";
static const char *const SQL_REG_SESSIONS =
    "SELECT s.id, s.title_nb, s.title_en FROM session s"
    " JOIN slot sl ON sl.id = s.slot_id WHERE s.event_id = $1"
    " ORDER BY sl.starts_at, s.id";

#define REG_GET \
	"SELECT p.id, p.event_id, p.name, p.email, p.organisation, p.sector," \
	" p.role, p.needs, p.language, p.status, p.cancelled_late," \
	" p.sessions_wanted," \
	" coalesce(p.consent_version, '') AS consent_version, e.timezone," \
	" " DB_EPOCH( \
	    "p.created_at") " AS registered_at," \
	                    " " DB_EPOCH( \
	                        "p.email_confirmed_at") " AS email_confirmed_at," \
	                                                " p.email_confirmed_at IS NOT NULL AS email_confirmed," \
	                                                " " DB_EPOCH( \
	                                                    "p.hold_until") " AS hold_until," \
	                                                                    " " DB_EPOCH( \
	                                                                        "p.cancelled_at") " AS cancelled_at," \
	                                                                                          " " DB_EPOCH( \
	                                                                                              "p.checked_in_at") " AS checked_in_at," \
	                                                                                                                 " p.checked_in_at IS NOT NULL AS checked_in," \
	                                                                                                                 " (SELECT pl.place_no FROM place pl WHERE pl.participant_id = p.id)" \
	                                                                                                                 "  AS place_no" \
	                                                                                                                 " FROM participant p JOIN event e ON e.id = p.event_id WHERE p.id = $1 AND p.event_id = $2"
static const char *const SQL_REG_GET = REG_GET;
static const char *const SQL_REG_GET_LOCK = REG_GET " FOR UPDATE OF p";
static const char *const SQL_REG_ASSIGNMENTS =
    "SELECT a.session_id, s.title_nb, s.title_en, a.table_no, a.pinned,"
    " a.published FROM assignment a JOIN session s ON s.id = a.session_id"
    " JOIN slot sl ON sl.id = s.slot_id WHERE a.participant_id = $1"
    " ORDER BY sl.starts_at, s.id";
static const char *const SQL_REG_INVITATIONS =
    "SELECT i.session_id, s.title_nb, s.title_en, i.sequence, i.state,"
    " " DB_EPOCH(
        "i.sent_at") " AS sent_at"
                     " FROM invitation i JOIN session s ON s.id = i.session_id"
                     " WHERE i.participant_id = $1 ORDER BY i.session_id";
static const char *const SQL_REG_OUTBOX =
    "SELECT id, kind, state, attempts, coalesce(last_error, '')"
    " AS last_error, " DB_EPOCH(
        "created_at") " AS created_at,"
                      " " DB_EPOCH(
                          "sent_at") " AS sent_at"
                                     " FROM outbox WHERE participant_id = $1 ORDER BY id DESC LIMIT 500";
static const char *const SQL_REG_CHECK_IN =
    "UPDATE participant SET checked_in_at = CASE WHEN $2::bool"
    " THEN coalesce(checked_in_at, now()) END,"
    " checked_in_door = CASE WHEN $2::bool THEN checked_in_door END"
    " WHERE id = $1 RETURNING id";
static const char *const SQL_PARTICIPANT_SECTOR =
    "SELECT sector FROM participant WHERE id = $2 AND event_id = $1";
static const char *const SQL_REG_ERASE =
    "UPDATE participant SET name = '(erased)',"
    " email = 'erased-' || id || '@invalid.invalid',"
    " organisation = '(erased)', role = '', needs = '',"
    " erased_at = coalesce(erased_at, now())"
    " WHERE id = $1 RETURNING id";
static const char *const SQL_REG_ERASE_TOKENS =
    "DELETE FROM participant_token WHERE participant_id = $1";
static const char *const SQL_REG_ERASE_OUTBOX =
    "UPDATE outbox SET recipient = 'erased-' || participant_id"
    " || '@invalid.invalid', recipient_name = '(erased)',"
    " state = CASE WHEN state IN ('queued', 'held') THEN 'failed'"
    "  ELSE state END,"
    " last_error = CASE WHEN state IN ('queued', 'held') THEN 'erased'"
    "  ELSE last_error END"
    " WHERE participant_id = $1 AND NOT ($2::bool AND state = 'queued'"
    " AND kind IN ('cancelled', 'invite_cancel'))";
/* The check-in code on their badge and in their mails points to them. */
static const char *const SQL_REG_ERASE_CODES =
    "DELETE FROM checkin_code WHERE participant_id = $1";
/* The invitation Summit sent them names them too (invitee.c). */
static const char *const SQL_REG_ERASE_INVITEE =
    "UPDATE invitee SET name = '(erased)', organisation = '',"
    " email = 'erased-invitee-' || id || '@invalid.invalid'"
    " WHERE participant_id = $1";
/* The invitation code they registered with may be bound to their address;
 * it stays bound, to an address no one has. */
static const char *const SQL_REG_ERASE_CODE_EMAIL =
    "UPDATE invitation_code SET email = 'erased-code-' || id"
    " || '@invalid.invalid' WHERE email IS NOT NULL AND id = (SELECT"
    " invitation_code_id FROM participant WHERE id = $1)";
/* A bounce holds the address and the server's answer about it. */
static const char *const SQL_REG_ERASE_BOUNCES =
    "DELETE FROM mail_bounce WHERE participant_id = $1";
/* What their calendar sent back (the answers themselves stay, as the
 * page's do: they name no one). */
static const char *const SQL_REG_ERASE_REPLIES =
    "DELETE FROM mail_reply WHERE participant_id = $1";
/* Not yet erased, of an event past its retention period (its own months,
 * or $1 days: sql/027); one batch, skipping rows another process is
 * erasing right now. */
static const char *const SQL_REG_PAST_RETENTION =
    "SELECT p.id FROM participant p JOIN event e ON e.id = p.event_id"
    " WHERE summit_erase_after(e.ends_at, e.retention_months, $1::int)"
    " < now() AND p.erased_at IS NULL"
    " ORDER BY p.id LIMIT $2 FOR UPDATE OF p SKIP LOCKED";
static const char *const SQL_REG_ERASE_AUDIT =
    "UPDATE audit_log SET"
    " before = before - 'name' - 'email' - 'organisation' - 'role'"
    "  - 'needs',"
    " after = after - 'name' - 'email' - 'organisation' - 'role' - 'needs'"
    " WHERE subject_type = 'participant' AND subject_id = $1";
/* As SQL_PUBLISH_REQUESTS (invitation.c) queues them, with the sequence unchanged. */
static const char *const SQL_REG_REQUEUE =
    "INSERT INTO outbox (event_id, participant_id, kind, recipient,"
    " recipient_name, language, payload, link_nonce)"
    " SELECT i.event_id, i.participant_id, 'invite', p.email, p.name,"
    " p.language,"
    " summit_invitation_payload(i.session_id, i.sequence, 'REQUEST'),"
    " replace(gen_random_uuid()::text, '-', '')"
    " FROM invitation i JOIN participant p ON p.id = i.participant_id"
    " WHERE i.participant_id = $1 AND i.state = 'invited'"
    " ORDER BY i.session_id RETURNING id";
#define REG_TITLE(s) \
	"CASE WHEN $2::text = 'en' THEN " s ".title_en ELSE " s ".title_nb END"
/* clang-format off */
static const char *const SQL_REG_EXPORT =
    "SELECT p.id, p.name, p.email, p.organisation, p.sector, p.role,"
    " p.needs, p.language, p.status,"
    " " DB_EPOCH("p.created_at") " AS registered_at,"
    " " DB_EPOCH("p.email_confirmed_at") " AS confirmed_at,"
    " " DB_EPOCH("p.checked_in_at") " AS checked_in_at,"
    " coalesce(r.r1, '') AS rank1, coalesce(r.r2, '') AS rank2,"
    " coalesce(r.r3, '') AS rank3, coalesce(r.r4, '') AS rank4,"
    " coalesce(r.r5, '') AS rank5, coalesce(a.placed, '') AS placements,"
    " coalesce(an.answers, '') AS answers"
    " FROM participant p"
    " LEFT JOIN LATERAL (SELECT"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 1) AS r1,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 2) AS r2,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 3) AS r3,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 4) AS r4,"
    "  max(" REG_TITLE("s") ") FILTER (WHERE pr.rank = 5) AS r5"
    "  FROM preference pr JOIN session s ON s.id = pr.session_id"
    "  WHERE pr.participant_id = p.id) r ON true"
    " LEFT JOIN LATERAL (SELECT string_agg(" REG_TITLE("s")
    "  || ' (' || a.table_no || ')', '; ' ORDER BY sl.starts_at, s.id)"
    "  AS placed FROM assignment a JOIN session s ON s.id = a.session_id"
    "  JOIN slot sl ON sl.id = s.slot_id"
    "  WHERE a.participant_id = p.id) a ON true"
    " LEFT JOIN LATERAL (SELECT string_agg(" REG_TITLE("s")
    "  || ': ' || x.answer, '; ' ORDER BY sl.starts_at, s.id) AS answers"
    "  FROM (SELECT i.session_id, summit_invitation_answer(i) AS answer"
    "  FROM invitation i WHERE i.participant_id = p.id) x"
    "  JOIN session s ON s.id = x.session_id"
    "  JOIN slot sl ON sl.id = s.slot_id WHERE x.answer IS NOT NULL) an"
    " ON true"
    " WHERE p.event_id = $1 AND p.id > $3"
    " AND ($5::bigint[] IS NULL OR p.id = ANY($5::bigint[]))"
    " ORDER BY p.id LIMIT $4";
/* clang-format on */
/* A selection of the console's list (bulk actions): the people of ids
 * that belong to the event, locked in id order so two bulk actions at
 * once never deadlock; and the ids a filter matches, up to a limit. */
#define REG_PEOPLE \
	"SELECT p.id, p.name, p.status FROM participant p" \
	" WHERE p.event_id = $1 AND p.id = ANY($2::bigint[]) ORDER BY p.id"
static const char *const SQL_REG_PEOPLE = REG_PEOPLE;
static const char *const SQL_REG_PEOPLE_LOCK = REG_PEOPLE " FOR UPDATE OF p";
static const char *const SQL_REG_FILTER_IDS = "SELECT p.id" REG_WHERE
                                              " ORDER BY p.id LIMIT $7";
static const char *const SQL_REG_EMAILS_TAKEN =
    "SELECT lower(p.email) AS email FROM participant p"
    " WHERE p.event_id = $1 AND lower(p.email) IN"
    " (SELECT lower(x) FROM jsonb_array_elements_text($2::jsonb) x)";

/* The eight filter parameters; bufs hold the numbers. */
static void
reg_params(gint64 event_id, const struct db_reg_filter *f, char bufs[4][24],
    const char *p[8])
{
	p[0] = db_num(bufs[0], event_id);
	p[1] = f->q != NULL && f->q[0] != '\0' ? f->q : NULL;
	p[2] = f->status;
	p[3] = f->sector;
	p[4] = f->session_id > 0 ? db_num(bufs[1], f->session_id) : NULL;
	p[5] = f->placed ? "placed" : "ranked";
	p[6] = db_num(bufs[2], f->limit);
	p[7] = db_num(bufs[3], f->offset);
}

JsonArray *
db_reg_list(DbConn *conn, gint64 event_id, const struct db_reg_filter *f,
    GError **error)
{
	char bufs[4][24];
	const char *p[8];
	unsigned sort = f->sort < DB_REG_SORT__MAX ? f->sort : 0;

	reg_params(event_id, f, bufs, p);
	return db_exec(conn, SQL_REG_LIST[sort][f->desc ? 1 : 0], 8, p, error);
}

gboolean
db_reg_count(DbConn *conn, gint64 event_id, const struct db_reg_filter *f,
    gint64 cap, gint64 *count, GError **error)
{
	char bufs[4][24];
	const char *p[8];
	g_autoptr(JsonObject) row = NULL;

	reg_params(event_id, f, bufs, p);
	p[6] = db_num(bufs[2], cap);
	if ((row = db_exec_one(conn, SQL_REG_COUNT, 7, p, error)) == NULL)
		return FALSE;
	*count = db_int(row, "n");
	return TRUE;
}

JsonArray *
db_reg_sessions(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_REG_SESSIONS, 1, p, error);
}

JsonObject *
db_reg_get(DbConn *conn, gint64 event_id, gint64 id, bool lock, GError **error)
{
	char i[24], ev[24];
	const char *p[2] = { db_num(i, id), db_num(ev, event_id) };

	return db_exec_one(conn, lock ? SQL_REG_GET_LOCK : SQL_REG_GET, 2, p,
	    error);
}

JsonArray *
db_reg_assignments(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec(conn, SQL_REG_ASSIGNMENTS, 1, p, error);
}

JsonArray *
db_reg_invitations(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec(conn, SQL_REG_INVITATIONS, 1, p, error);
}

JsonArray *
db_reg_outbox(DbConn *conn, gint64 id, GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };

	return db_exec(conn, SQL_REG_OUTBOX, 1, p, error);
}

gboolean
db_reg_set_checked_in(DbConn *conn, gint64 id, bool in, GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, id), in ? "true" : "false" };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_REG_CHECK_IN, 2, p,
	    error);

	return row != NULL;
}

/* farewell: their queued cancellation mails keep the address until sent
 * (db_reg_erase_self). */
static gboolean
reg_erase(DbConn *conn, gint64 id, bool links, bool farewell, GError **error)
{
	char i[24];
	const char *p[2] = { db_num(i, id), farewell ? "true" : "false" };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_REG_ERASE, 1, p,
	    error);

	/* The outbox first: it waits for a worker sending one of their mails
	 * right now, whose link token is then committed and deleted next. */
	return row != NULL &&
	    db_exec_noresult(conn, SQL_REG_ERASE_OUTBOX, 2, p, error) &&
	    db_exec_noresult(conn, SQL_REG_ERASE_CODES, 1, p, error) &&
	    db_exec_noresult(conn, SQL_REG_ERASE_INVITEE, 1, p, error) &&
	    db_exec_noresult(conn, SQL_REG_ERASE_CODE_EMAIL, 1, p, error) &&
	    db_exec_noresult(conn, SQL_REG_ERASE_BOUNCES, 1, p, error) &&
	    db_exec_noresult(conn, SQL_REG_ERASE_REPLIES, 1, p, error) &&
	    (!links ||
	        db_exec_noresult(conn, SQL_REG_ERASE_TOKENS, 1, p, error)) &&
	    db_exec_noresult(conn, SQL_REG_ERASE_AUDIT, 1, p, error) &&
	    db_answers_erase(conn, id, error);
}

gboolean
db_reg_erase(DbConn *conn, gint64 id, GError **error)
{
	return reg_erase(conn, id, true, false, error);
}

gboolean
db_reg_erase_self(DbConn *conn, gint64 id, GError **error)
{
	return reg_erase(conn, id, true, true, error);
}

gboolean
db_reg_erase_keep_links(DbConn *conn, gint64 id, GError **error)
{
	return reg_erase(conn, id, false, false, error);
}

JsonArray *
db_reg_past_retention(DbConn *conn, gint64 days, unsigned limit, GError **error)
{
	char d[24], l[24];
	const char *p[2] = { db_num(d, days), db_num(l, limit) };

	return db_exec(conn, SQL_REG_PAST_RETENTION, 2, p, error);
}

gboolean
db_reg_requeue_invitations(DbConn *conn, gint64 id, gint64 *queued,
    GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, id) };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_REG_REQUEUE, 1, p, error);

	if (rows == NULL)
		return FALSE;
	*queued = json_array_get_length(rows);
	return TRUE;
}

JsonArray *
db_reg_export(DbConn *conn, gint64 event_id, const char *lang, gint64 after_id,
    gint64 limit, const gint64 *ids, size_t n, GError **error)
{
	char e[24], a[24], l[24];
	g_autofree char *arr = ids != NULL ? db_int_array(ids, n) : NULL;
	const char *p[5] = { db_num(e, event_id), lang, db_num(a, after_id),
		db_num(l, limit), arr };

	return db_exec(conn, SQL_REG_EXPORT, 5, p, error);
}

JsonArray *
db_reg_people(DbConn *conn, gint64 event_id, const gint64 *ids, size_t n,
    bool lock, GError **error)
{
	char e[24];
	g_autofree char *arr = db_int_array(ids, n);
	const char *p[2] = { db_num(e, event_id), arr };

	return db_exec(conn, lock ? SQL_REG_PEOPLE_LOCK : SQL_REG_PEOPLE, 2, p,
	    error);
}

JsonArray *
db_reg_filter_ids(DbConn *conn, gint64 event_id, const struct db_reg_filter *f,
    gint64 limit, GError **error)
{
	char bufs[4][24];
	const char *p[8];

	reg_params(event_id, f, bufs, p);
	p[6] = db_num(bufs[2], limit);
	return db_exec(conn, SQL_REG_FILTER_IDS, 7, p, error);
}

JsonArray *
db_reg_emails_taken(DbConn *conn, gint64 event_id, const char *emails_json,
    GError **error)
{
	char e[24];
	const char *p[2] = { db_num(e, event_id), emails_json };

	return db_exec(conn, SQL_REG_EMAILS_TAKEN, 2, p, error);
}

/* The API's lists (db_api_registrations, db_api_checkins): one shape,
 * keyset-paged by id. */
/* clang-format off */
#define API_REG_LIST(extra) \
	"SELECT p.id, p.name, p.email, p.organisation, p.sector, p.status," \
	" p.language, " DB_EPOCH("p.created_at") " AS registered_at," \
	" " DB_EPOCH("p.checked_in_at") " AS checked_in_at" \
	" FROM participant p WHERE p.event_id = $1 AND p.id > $2" \
	" AND ($4::text IS NULL OR p.status = $4)" \
	" AND ($5::text IS NULL OR p.sector = $5)" \
	" AND ($6::bigint IS NULL OR EXISTS (SELECT 1 FROM assignment a" \
	"  WHERE a.participant_id = p.id AND a.session_id = $6))" \
	extra " ORDER BY p.id LIMIT $3"
/* clang-format on */
static const char *const SQL_API_REGISTRATIONS = API_REG_LIST("");
static const char *const SQL_API_CHECKINS = API_REG_LIST(
    " AND p.checked_in_at IS NOT NULL");

static JsonArray *
api_reg_list(DbConn *conn, const char *sql, const struct db_api_page *pg,
    GError **error)
{
	char e[24], a[24], l[24], s[24];
	const char *p[6] = { db_num(e, pg->event_id), db_num(a, pg->after[0]),
		db_num(l, pg->limit), pg->status, pg->sector,
		pg->session_id > 0 ? db_num(s, pg->session_id) : NULL };

	return db_exec(conn, sql, 6, p, error);
}

JsonArray *
db_api_registrations(DbConn *conn, const struct db_api_page *pg, GError **error)
{
	return api_reg_list(conn, SQL_API_REGISTRATIONS, pg, error);
}

JsonArray *
db_api_checkins(DbConn *conn, const struct db_api_page *pg, GError **error)
{
	return api_reg_list(conn, SQL_API_CHECKINS, pg, error);
}

JsonArray *
db_badge_people(DbConn *conn, gint64 event_id, const struct db_badge_filter *f,
    GError **error)
{
	char ev[24], ses[24], id[24];
	const char *p[5] = { db_num(ev, event_id), f->status, f->sector,
		f->session_id > 0 ? db_num(ses, f->session_id) : NULL,
		f->id > 0 ? db_num(id, f->id) : NULL };

	return db_exec(conn, SQL_BADGE_PEOPLE, 5, p, error);
}

JsonArray *
db_door_codes(DbConn *conn, gint64 event_id, const char *codes_json,
    GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id), codes_json };

	return db_exec(conn, SQL_DOOR_CODES, 2, p, error);
}

JsonArray *
db_door_arrive(DbConn *conn, gint64 event_id, const char *ids_json,
    const char *door, GError **error)
{
	char ev[24];
	const char *p[3] = { db_num(ev, event_id), ids_json, door };

	return db_exec(conn, SQL_DOOR_ARRIVE, 3, p, error);
}

gboolean
db_participant_event_id(DbConn *conn, gint64 participant_id, gint64 *event_id,
    GError **error)
{
	char i[24];
	const char *p[1] = { db_num(i, participant_id) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_PARTICIPANT_EVENT, 1,
	    p, error);

	if (row == NULL)
		return FALSE;
	*event_id = db_int(row, "event_id");
	return TRUE;
}

JsonObject *
db_participant_sector(DbConn *conn, gint64 event_id, gint64 id, GError **error)
{
	char e[24], i[24];
	const char *p[2] = { db_num(e, event_id), db_num(i, id) };

	return db_exec_one(conn, SQL_PARTICIPANT_SECTOR, 2, p, error);
}
