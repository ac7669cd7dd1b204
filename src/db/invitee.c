/*
 * invitee.c -- people Summit invites by mail: added with their code and
 * mail in one statement, found by their link's hash, their states for the
 * console, and the reminder claim that several processes may run at once.
 */
#include "db/internal.h"

/* An invitee's state, the furthest fact first: an answer, a visit, then
 * what became of the invitation mail (held for a bounce counts as
 * failed).  i is the invitee, o its mail (LEFT JOIN). */
#define INVITEE_STATE \
	"CASE WHEN i.participant_id IS NOT NULL THEN 'registered'" \
	" WHEN i.declined_at IS NOT NULL THEN 'declined'" \
	" WHEN i.visited_at IS NOT NULL THEN 'visited'" \
	" WHEN o.state = 'sent' THEN 'sent'" \
	" WHEN o.state IN ('failed', 'held') THEN 'failed'" \
	" ELSE 'queued' END"
#define INVITEE_PUBLIC \
	"SELECT i.id, i.event_id, i.name, i.email, i.organisation," \
	" coalesce(i.sector, '') AS sector," \
	" coalesce(i.language, s.language, 'nb') AS language, c.code," \
	" i.participant_id IS NOT NULL AS registered," \
	" i.declined_at IS NOT NULL AS declined," \
	" i.visited_at IS NOT NULL AS visited" \
	" FROM invitee i JOIN invitation_code c ON c.id = i.code_id" \
	" LEFT JOIN invitee_event s ON s.event_id = i.event_id"

/* The id is taken first so the mail's payload can name it. */
static const char *const SQL_INVITEE_ADD =
    "WITH n AS (SELECT nextval('invitee_id_seq') AS id),"
    " c AS (INSERT INTO invitation_code (event_id, code, max_uses, email,"
    " sector) VALUES ($1, $2, 1, $3, nullif($4, '')) RETURNING id),"
    " o AS (INSERT INTO outbox (event_id, kind, recipient, recipient_name,"
    " language, payload) SELECT $1, 'invitation_code', $3, $5,"
    " coalesce(nullif($7, ''), (SELECT language FROM invitee_event"
    " WHERE event_id = $1), 'nb'), jsonb_build_object('invitee_id', n.id)"
    " FROM n RETURNING id)"
    " INSERT INTO invitee (id, event_id, name, email, organisation, sector,"
    " language, code_id, link_nonce, link_hash, outbox_id)"
    " SELECT n.id, $1, $5, $3, $6, nullif($4, ''), nullif($7, ''), c.id,"
    " $8, $9, o.id FROM n, c, o RETURNING id";
static const char *const SQL_INVITEE_EMAILS_TAKEN =
    "SELECT lower(i.email) AS email, 'invited' AS why FROM invitee i"
    " WHERE i.event_id = $1 AND lower(i.email) IN"
    " (SELECT lower(x) FROM jsonb_array_elements_text($2::jsonb) x)"
    " UNION SELECT lower(p.email), 'registered' FROM participant p"
    " WHERE p.event_id = $1 AND lower(p.email) IN"
    " (SELECT lower(x) FROM jsonb_array_elements_text($2::jsonb) x)";
/* SQL spliced with DB_EPOCH, laid out by hand (clang-format cannot). */
/* clang-format off */
static const char *const SQL_INVITEE_LIST =
    "SELECT * FROM (SELECT i.id, i.participant_id, i.name, i.email,"
    " i.organisation,"
    " coalesce(i.sector, '') AS sector, coalesce(i.language, '') AS language,"
    " " INVITEE_STATE " AS state,"
    " " DB_EPOCH("i.visited_at") " AS visited_at,"
    " " DB_EPOCH("i.declined_at") " AS declined_at,"
    " " DB_EPOCH("i.reminded_at") " AS reminded_at,"
    " " DB_EPOCH("i.created_at") " AS created_at"
    " FROM invitee i LEFT JOIN outbox o ON o.id = i.outbox_id"
    " WHERE i.event_id = $1) x"
    " WHERE ($2 = '' OR x.state = $2) AND ($3 = '' OR x.sector = $3)"
    " AND ($4 = '' OR strpos(lower(x.name || ' ' || x.email || ' '"
    " || x.organisation), lower($4)) > 0)"
    " ORDER BY x.id DESC LIMIT $5";
/* clang-format on */
static const char *const SQL_INVITEE_COUNTS =
    "SELECT " INVITEE_STATE " AS state, count(*) AS n"
    " FROM invitee i LEFT JOIN outbox o ON o.id = i.outbox_id"
    " WHERE i.event_id = $1 GROUP BY 1";
static const char *const SQL_INVITEE_BY_HASH = INVITEE_PUBLIC
    " WHERE i.link_hash = $1";
static const char *const SQL_INVITEE_VISIT =
    "WITH v AS (UPDATE invitee SET visited_at = now()"
    " WHERE link_hash = $1 AND visited_at IS NULL)" INVITEE_PUBLIC
    " WHERE i.link_hash = $1";
/* Two statements' worth in one: the row locked, then changed only when
 * nobody registered with the link. */
static const char *const SQL_INVITEE_DECLINE =
    "WITH t AS (SELECT id, participant_id IS NULL AS free FROM invitee"
    " WHERE link_hash = $1 FOR UPDATE),"
    " d AS (UPDATE invitee i SET declined_at = coalesce(i.declined_at,"
    " now()) FROM t WHERE i.id = t.id AND t.free RETURNING i.id)"
    " SELECT t.id, t.free AS declined FROM t";
static const char *const SQL_INVITEE_REGISTERED =
    "UPDATE invitee SET participant_id = $3 WHERE event_id = $1"
    " AND participant_id IS NULL"
    " AND (lower(email) = lower($2) OR code_id = $4)";
static const char *const SQL_INVITEE_MAIL =
    "SELECT i.name, i.link_nonce, c.code,"
    " e.invitation_mode = 'invitation' AS code_needed FROM invitee i"
    " JOIN invitation_code c ON c.id = i.code_id"
    " JOIN event e ON e.id = i.event_id WHERE i.id = $1";
/* clang-format off */
static const char *const SQL_INVITEE_SETTINGS =
    "SELECT coalesce(s.language, 'nb') AS language,"
    " " DB_EPOCH("s.remind_at") " AS remind_at"
    " FROM (SELECT $1::bigint AS event_id) e"
    " LEFT JOIN invitee_event s ON s.event_id = e.event_id";
/* clang-format on */
static const char *const SQL_INVITEE_SETTINGS_SET =
    "INSERT INTO invitee_event (event_id, language, remind_at)"
    " VALUES ($1, $2, CASE WHEN $3::bigint < 0 THEN NULL"
    " ELSE to_timestamp($3::bigint) END)"
    " ON CONFLICT (event_id) DO UPDATE SET language = excluded.language,"
    " remind_at = excluded.remind_at";
/*
 * The reminder claim.  The rows are locked with SKIP LOCKED, so a second
 * process takes others or none, and the UPDATE checks reminded_at again
 * on the locked row, so a row is reminded once whatever the timing; the
 * mails are queued in the same statement, so a claim is never without
 * its mail nor a mail without its claim.
 */
static const char *const SQL_INVITEE_REMIND_CLAIM =
    "WITH due AS (SELECT i.id FROM invitee i"
    " JOIN invitee_event s ON s.event_id = i.event_id"
    " JOIN outbox o ON o.id = i.outbox_id"
    " WHERE s.remind_at <= now() AND i.reminded_at IS NULL"
    " AND i.declined_at IS NULL AND i.participant_id IS NULL"
    " AND o.state = 'sent' ORDER BY i.id LIMIT $1"
    " FOR UPDATE OF i SKIP LOCKED),"
    " c AS (UPDATE invitee i SET reminded_at = now() FROM due"
    " WHERE i.id = due.id AND i.reminded_at IS NULL RETURNING i.*)"
    " INSERT INTO outbox (event_id, kind, recipient, recipient_name,"
    " language, payload)"
    " SELECT c.event_id, 'invitation_reminder', c.email, c.name,"
    " coalesce(c.language, s.language, 'nb'),"
    " jsonb_build_object('invitee_id', c.id) FROM c"
    " LEFT JOIN invitee_event s ON s.event_id = c.event_id"
    " ORDER BY c.id RETURNING id";

/*
 * The privacy page's promise for invitees too: past the retention period
 * after their event, the invitee and their code go (the code's delete
 * cascades to the invitee), their mails keep no address or name, and
 * their audit entries no name, e-mail or organisation.
 */
static const char *const SQL_INVITEE_PURGE =
    "WITH gone AS (DELETE FROM invitation_code c USING invitee i, event e"
    " WHERE i.code_id = c.id AND e.id = i.event_id"
    " AND summit_erase_after(e.ends_at, e.retention_months, $1::int)"
    " < now()"
    " RETURNING i.id),"
    " m AS (UPDATE outbox SET recipient = 'erased@invalid.invalid',"
    " recipient_name = '' WHERE kind LIKE 'invitation\\_%'"
    " AND (payload->>'invitee_id')::bigint IN (SELECT id FROM gone)),"
    " a AS (UPDATE audit_log SET"
    " before = before - 'name' - 'email' - 'organisation',"
    " after = after - 'name' - 'email' - 'organisation'"
    " WHERE subject_type = 'invitee'"
    " AND subject_id IN (SELECT id FROM gone))"
    " SELECT count(*) AS n FROM gone";

gboolean
db_invitee_add(DbConn *conn, const struct db_invitee_new *n, gint64 *id,
    GError **error)
{
	char ev[24];
	const char *p[9] = { db_num(ev, n->event_id), n->code, n->email,
		n->sector, n->name, n->organisation, n->language, n->link_nonce,
		n->link_hash };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_INVITEE_ADD, 9, p,
	    error);

	if (row == NULL)
		return FALSE;
	*id = db_int(row, "id");
	return TRUE;
}

JsonArray *
db_invitee_emails_taken(DbConn *conn, gint64 event_id, const char *emails_json,
    GError **error)
{
	char ev[24];
	const char *p[2] = { db_num(ev, event_id), emails_json };

	return db_exec(conn, SQL_INVITEE_EMAILS_TAKEN, 2, p, error);
}

JsonArray *
db_invitee_list(DbConn *conn, gint64 event_id, const char *state,
    const char *sector, const char *query, gint64 limit, GError **error)
{
	char ev[24], lim[24];
	const char *p[5] = { db_num(ev, event_id), state, sector, query,
		db_num(lim, limit) };

	return db_exec(conn, SQL_INVITEE_LIST, 5, p, error);
}

JsonArray *
db_invitee_counts(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec(conn, SQL_INVITEE_COUNTS, 1, p, error);
}

JsonObject *
db_invitee_by_hash(DbConn *conn, const char *hash, GError **error)
{
	const char *p[1] = { hash };

	return db_exec_one(conn, SQL_INVITEE_BY_HASH, 1, p, error);
}

JsonObject *
db_invitee_visit(DbConn *conn, const char *hash, GError **error)
{
	const char *p[1] = { hash };

	return db_exec_one(conn, SQL_INVITEE_VISIT, 1, p, error);
}

JsonObject *
db_invitee_decline(DbConn *conn, const char *hash, GError **error)
{
	const char *p[1] = { hash };

	return db_exec_one(conn, SQL_INVITEE_DECLINE, 1, p, error);
}

gboolean
db_invitee_registered(DbConn *conn, gint64 event_id, const char *email,
    gint64 code_id, gint64 participant_id, GError **error)
{
	char ev[24], c[24], pid[24];
	const char *p[4] = { db_num(ev, event_id), email,
		db_num(pid, participant_id), db_num(c, code_id) };

	return db_exec_noresult(conn, SQL_INVITEE_REGISTERED, 4, p, error);
}

JsonObject *
db_invitee_mail(DbConn *conn, gint64 invitee_id, GError **error)
{
	char id[24];
	const char *p[1] = { db_num(id, invitee_id) };

	return db_exec_one(conn, SQL_INVITEE_MAIL, 1, p, error);
}

JsonObject *
db_invitee_settings(DbConn *conn, gint64 event_id, GError **error)
{
	char ev[24];
	const char *p[1] = { db_num(ev, event_id) };

	return db_exec_one(conn, SQL_INVITEE_SETTINGS, 1, p, error);
}

gboolean
db_invitee_settings_set(DbConn *conn, gint64 event_id, const char *language,
    gint64 remind_at, GError **error)
{
	char ev[24], at[24];
	const char *p[3] = { db_num(ev, event_id), language,
		db_num(at, remind_at) };

	return db_exec_noresult(conn, SQL_INVITEE_SETTINGS_SET, 3, p, error);
}

gboolean
db_invitee_remind_claim(DbConn *conn, gint64 limit, gint64 *claimed,
    GError **error)
{
	char lim[24];
	const char *p[1] = { db_num(lim, limit) };
	g_autoptr(JsonArray) rows = db_exec(conn, SQL_INVITEE_REMIND_CLAIM, 1,
	    p, error);

	if (rows == NULL)
		return FALSE;
	*claimed = json_array_get_length(rows);
	return TRUE;
}

gboolean
db_invitee_purge(DbConn *conn, gint64 retention_days, gint64 *erased,
    GError **error)
{
	char d[24];
	const char *p[1] = { db_num(d, retention_days) };
	g_autoptr(JsonObject) row = db_exec_one(conn, SQL_INVITEE_PURGE, 1, p,
	    error);

	if (row == NULL)
		return FALSE;
	*erased = db_int(row, "n");
	return TRUE;
}
