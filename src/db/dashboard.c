/*
 * dashboard.c -- the console dashboard's figures (dashboard.h): one
 * aggregate statement per chart, each for one event ($1), counted by
 * PostgreSQL (GROUP BY, FILTER, window sums) so that only a few hundred
 * numbers leave the database, whatever the number of registrations.
 *
 * Places and the waiting list over time are rebuilt from the timestamps
 * a participant row keeps, since no history of them is stored.  A place
 * counts as taken from a person's e-mail confirmation (their
 * registration, for an import confirmed without one) for everyone
 * confirmed now, and for everyone cancelled after confirming, until
 * cancelled_at; the waiting list counts each person waiting now from
 * when they joined it.  So someone who waited and was then promoted
 * counts as holding a place since their confirmation, and was never on
 * the list; someone cancelled after waiting counts as having held a
 * place.  The page says so; today's figures above the charts are exact.
 */
#include "db/internal.h"
#include "db/dashboard.h"

/* clang-format off */
static const char *const SQL_DASH_EVENT =
    "SELECT e.timezone, e.capacity,"
    " (SELECT count(*) FROM place pl WHERE pl.event_id = e.id"
    "   AND pl.participant_id IS NULL)::int AS places_left,"
    " (SELECT count(*) FROM participant p WHERE p.event_id = e.id"
    "   AND p.status = 'waitlisted')::int AS waitlisted"
    " FROM event e WHERE e.id = $1";

/* Each participant is up to four dated happenings: registered (by the
 * status now), took a place, gave it back, joined the waiting list.  Each
 * kind is counted per quarter of an hour (every zone's offset is a whole
 * number of quarters, so a quarter lies in one local day), which keeps the
 * zone's arithmetic to a few thousand buckets instead of every row; then
 * per local day, then each day's running totals over every day between
 * the first and the last. */
#define DASH_QUARTER(col) \
	"date_bin('15 minutes', " col ", timestamptz '2000-01-01 00:00+00')"
static const char *const SQL_DASH_DAYS =
    "WITH b AS ("
    " SELECT " DASH_QUARTER("created_at") " AS at, status AS k,"
    "  count(*) AS n FROM participant WHERE event_id = $1 GROUP BY 1, 2"
    " UNION ALL SELECT " DASH_QUARTER("coalesce(email_confirmed_at,"
    "  created_at)") ", '+', count(*) FROM participant WHERE event_id = $1"
    "  AND (status = 'confirmed' OR (status = 'cancelled'"
    "  AND email_confirmed_at IS NOT NULL)) GROUP BY 1"
    " UNION ALL SELECT " DASH_QUARTER("cancelled_at") ", '-', count(*)"
    "  FROM participant WHERE event_id = $1 AND status = 'cancelled'"
    "  AND email_confirmed_at IS NOT NULL AND cancelled_at IS NOT NULL"
    "  GROUP BY 1"
    " UNION ALL SELECT " DASH_QUARTER("waitlisted_at") ", 'q', count(*)"
    "  FROM participant WHERE event_id = $1 AND status = 'waitlisted'"
    "  AND waitlisted_at IS NOT NULL GROUP BY 1),"
    " d AS (SELECT (b.at AT TIME ZONE"
    "   (SELECT timezone FROM event WHERE id = $1))::date AS day,"
    "  coalesce(sum(n) FILTER (WHERE k = 'confirmed'), 0)::int AS c,"
    "  coalesce(sum(n) FILTER (WHERE k = 'pending'), 0)::int AS p,"
    "  coalesce(sum(n) FILTER (WHERE k = 'waitlisted'), 0)::int AS w,"
    "  coalesce(sum(n) FILTER (WHERE k IN ('cancelled', 'expired')), 0)::int"
    "   AS g,"
    "  coalesce(sum(CASE k WHEN '+' THEN n WHEN '-' THEN -n END), 0)::int"
    "   AS taken,"
    "  coalesce(sum(n) FILTER (WHERE k = 'q'), 0)::int AS q"
    "  FROM b GROUP BY 1)"
    " SELECT to_char(g.day, 'YYYY-MM-DD') AS day,"
    " coalesce(d.c, 0) AS new_confirmed, coalesce(d.p, 0) AS new_pending,"
    " coalesce(d.w, 0) AS new_waitlisted, coalesce(d.g, 0) AS new_gone,"
    " (sum(coalesce(d.c + d.p + d.w + d.g, 0)) OVER w)::bigint AS total,"
    " (sum(coalesce(d.c, 0)) OVER w)::bigint AS confirmed,"
    " (sum(coalesce(d.taken, 0)) OVER w)::bigint AS taken,"
    " (sum(coalesce(d.q, 0)) OVER w)::bigint AS waiting"
    " FROM (SELECT generate_series(min(day), max(day), interval '1 day')"
    "  ::date AS day FROM d) g LEFT JOIN d ON d.day = g.day"
    " WINDOW w AS (ORDER BY g.day) ORDER BY g.day";

static const char *const SQL_DASH_SECTORS =
    "SELECT s.code, s.name_nb, s.name_en, s.colour,"
    " count(p.id) FILTER (WHERE p.status = 'confirmed')::int AS confirmed,"
    " count(p.id) FILTER (WHERE p.status = 'pending')::int AS pending,"
    " count(p.id) FILTER (WHERE p.status = 'waitlisted')::int AS waitlisted"
    " FROM sector s LEFT JOIN participant p"
    "  ON p.event_id = s.event_id AND p.sector = s.code"
    " WHERE s.event_id = $1"
    " GROUP BY s.event_id, s.code ORDER BY s.position, s.code";

/* Grouped by the exact name first, so lower() runs once per name, not
 * per person; window functions run before LIMIT, so orgs and people count
 * every organisation. */
static const char *const SQL_DASH_ORGS =
    "SELECT min(o) AS organisation, sum(n)::int AS n,"
    " (count(*) OVER ())::int AS orgs,"
    " (sum(sum(n)) OVER ())::bigint AS people"
    " FROM (SELECT organisation AS o, count(*) AS n FROM participant"
    "  WHERE event_id = $1 AND status IN ('confirmed', 'pending', 'waitlisted')"
    "  GROUP BY organisation) x"
    " GROUP BY lower(o) ORDER BY n DESC, lower(o) LIMIT $2";

/* Set-based: the first choices in one join for all sessions, who ranked
 * each from preference_session_idx alone, and the placements grouped
 * once by session and sector and by session and organisation. */
static const char *const SQL_DASH_SESSIONS =
    "WITH f AS (SELECT pr.session_id, count(*) AS n FROM preference pr"
    "  JOIN participant pa ON pa.id = pr.participant_id"
    "  WHERE pa.event_id = $1 AND pr.rank = 1"
    "  AND pa.status IN ('confirmed', 'waitlisted') GROUP BY 1),"
    " g AS (SELECT a.session_id, pa.sector, lower(pa.organisation) AS org,"
    "  count(*) AS n FROM assignment a"
    "  JOIN participant pa ON pa.id = a.participant_id WHERE a.event_id = $1"
    "  GROUP BY GROUPING SETS ((a.session_id, pa.sector),"
    "  (a.session_id, lower(pa.organisation)))),"
    " a AS (SELECT session_id,"
    "  sum(n) FILTER (WHERE sector IS NOT NULL) AS placed,"
    "  max(n) FILTER (WHERE sector IS NOT NULL) AS top_sector,"
    "  max(n) FILTER (WHERE org IS NOT NULL) AS top_org"
    "  FROM g GROUP BY session_id)"
    " SELECT s.id, s.title_nb, s.title_en,"
    " " DB_EPOCH("sl.starts_at") " AS starts_at,"
    " s.capacity, s.sector_share_pct, s.org_limit,"
    " (SELECT count(*) FROM preference pr WHERE pr.session_id = s.id)::int"
    "  AS ranked,"
    " coalesce(f.n, 0)::int AS first_choices,"
    " coalesce(a.placed, 0)::int AS placed,"
    " coalesce(a.top_sector, 0)::int AS top_sector,"
    " coalesce(a.top_org, 0)::int AS top_org"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " LEFT JOIN f ON f.session_id = s.id LEFT JOIN a ON a.session_id = s.id"
    " WHERE s.event_id = $1 AND s.status = 'active'"
    " ORDER BY sl.starts_at, sl.id, s.id";

static const char *const SQL_DASH_MAIL =
    "SELECT count(*) FILTER (WHERE state = 'sent')::int AS sent,"
    " count(*) FILTER (WHERE state = 'queued')::int AS queued,"
    " count(*) FILTER (WHERE state = 'failed')::int AS failed,"
    " count(*) FILTER (WHERE state = 'held')::int AS held"
    " FROM outbox WHERE event_id = $1";
/* clang-format on */

JsonObject *
db_dash_event(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec_one(conn, SQL_DASH_EVENT, 1, p, error);
}

JsonArray *
db_dash_days(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_DASH_DAYS, 1, p, error);
}

JsonArray *
db_dash_sectors(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_DASH_SECTORS, 1, p, error);
}

JsonArray *
db_dash_orgs(DbConn *conn, gint64 event_id, gint64 limit, GError **error)
{
	char e[24], l[24];
	const char *p[2] = { db_num(e, event_id), db_num(l, limit) };

	return db_exec(conn, SQL_DASH_ORGS, 2, p, error);
}

JsonArray *
db_dash_sessions(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec(conn, SQL_DASH_SESSIONS, 1, p, error);
}

JsonObject *
db_dash_mail(DbConn *conn, gint64 event_id, GError **error)
{
	char e[24];
	const char *p[1] = { db_num(e, event_id) };

	return db_exec_one(conn, SQL_DASH_MAIL, 1, p, error);
}
