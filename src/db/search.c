/*
 * search.c -- the console's global search (the box in its header): the
 * event's participants found by part of their name, e-mail address or
 * organisation (the pg_trgm-indexed participant.search column,
 * sql/005) or by a check-in code, live or re-issued, whole or its short
 * form (sql/016).  Participant family; a file of its own so the search
 * stays one statement in one place.
 */
#include "db/internal.h"

/* $1 event, $2 the text (LIKE's wildcards escaped here), $3 a normalised
 * code or null, $4 the limit.  A UNION, not an OR, so each half keeps its
 * index: the trigram index of participant.search, and the code's primary
 * key and unique short form. */
static const char *const SQL_SEARCH_PEOPLE =
    "SELECT p.id, p.name, p.email, p.organisation, p.status,"
    " (SELECT c.short_code FROM checkin_code c WHERE c.participant_id = p.id"
    "  AND c.revoked_at IS NULL) AS short_code"
    " FROM participant p WHERE p.event_id = $1 AND p.id IN ("
    "  SELECT s.id FROM participant s WHERE s.event_id = $1 AND s.search LIKE"
    "  '%' || lower(replace(replace(replace($2::text, '\\', '\\\\'),"
    "  '%', '\\%'), '_', '\\_')) || '%'"
    "  UNION SELECT c.participant_id FROM checkin_code c"
    "  WHERE c.code = $3::text OR c.short_code = $3::text)"
    " ORDER BY lower(p.name), p.id LIMIT $4";

JsonArray *
db_search_people(DbConn *conn, gint64 event_id, const char *q, const char *code,
    gint64 limit, GError **error)
{
	char ev[24], lim[24];
	const char *p[4] = { db_num(ev, event_id), q, code,
		db_num(lim, limit) };

	return db_exec(conn, SQL_SEARCH_PEOPLE, 4, p, error);
}
