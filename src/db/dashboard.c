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

/* Each participant is up to four dated happenings (x): registered (by
 * the status now), took a place, gave it back, joined the waiting list;
 * summed per day, then each day's running totals over every day between
 * the first and the last. */
static const char *const SQL_DASH_DAYS =
    "WITH x AS ("
    " SELECT (h.at AT TIME ZONE e.timezone)::date AS day, h.k"
    " FROM event e JOIN participant p ON p.event_id = e.id"
    " CROSS JOIN LATERAL (VALUES"
    "  (p.created_at, CASE p.status WHEN 'confirmed' THEN 'c'"
    "   WHEN 'pending' THEN 'p' WHEN 'waitlisted' THEN 'w' ELSE 'g' END),"
    "  (CASE WHEN p.status = 'confirmed' OR (p.status = 'cancelled'"
    "    AND p.email_confirmed_at IS NOT NULL)"
    "   THEN coalesce(p.email_confirmed_at, p.created_at) END, '+'),"
    "  (CASE WHEN p.status = 'cancelled' AND p.email_confirmed_at"
    "    IS NOT NULL THEN p.cancelled_at END, '-'),"
    "  (CASE WHEN p.status = 'waitlisted' THEN p.waitlisted_at END, 'q')"
    " ) AS h(at, k)"
    " WHERE e.id = $1 AND h.at IS NOT NULL),"
    " d AS (SELECT day,"
    "  count(*) FILTER (WHERE k = 'c')::int AS c,"
    "  count(*) FILTER (WHERE k = 'p')::int AS p,"
    "  count(*) FILTER (WHERE k = 'w')::int AS w,"
    "  count(*) FILTER (WHERE k = 'g')::int AS g,"
    "  (count(*) FILTER (WHERE k = '+')"
    "   - count(*) FILTER (WHERE k = '-'))::int AS taken,"
    "  count(*) FILTER (WHERE k = 'q')::int AS q"
    "  FROM x GROUP BY day)"
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

/* Window functions run before LIMIT: orgs and people count them all. */
static const char *const SQL_DASH_ORGS =
    "SELECT min(organisation) AS organisation, count(*)::int AS n,"
    " (count(*) OVER ())::int AS orgs,"
    " (sum(count(*)) OVER ())::bigint AS people"
    " FROM participant WHERE event_id = $1"
    " AND status IN ('confirmed', 'pending', 'waitlisted')"
    " GROUP BY lower(organisation)"
    " ORDER BY n DESC, lower(organisation) LIMIT $2";

static const char *const SQL_DASH_SESSIONS =
    "SELECT s.id, s.title_nb, s.title_en,"
    " " DB_EPOCH("sl.starts_at") " AS starts_at,"
    " s.capacity, s.sector_share_pct, s.org_limit,"
    " (SELECT count(*) FROM preference pr WHERE pr.session_id = s.id)::int"
    "  AS ranked,"
    " (SELECT count(*) FROM preference pr JOIN participant pa"
    "   ON pa.id = pr.participant_id WHERE pr.session_id = s.id"
    "   AND pr.rank = 1 AND pa.status IN ('confirmed', 'waitlisted'))::int"
    "  AS first_choices,"
    " coalesce(a.placed, 0) AS placed, coalesce(a.top_sector, 0) AS top_sector,"
    " coalesce(a.top_org, 0) AS top_org"
    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
    " LEFT JOIN LATERAL (SELECT sum(n)::int AS placed,"
    "   (SELECT max(m) FROM (SELECT count(*) AS m FROM assignment a2"
    "    JOIN participant p2 ON p2.id = a2.participant_id"
    "    WHERE a2.session_id = s.id GROUP BY p2.sector) y)::int AS top_sector,"
    "   max(n)::int AS top_org"
    "  FROM (SELECT count(*) AS n FROM assignment a1"
    "   JOIN participant p1 ON p1.id = a1.participant_id"
    "   WHERE a1.session_id = s.id GROUP BY lower(p1.organisation)) x) a"
    "  ON true"
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
