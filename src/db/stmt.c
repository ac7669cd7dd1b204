/*
 * stmt.c -- every SQL statement summitd and summitctl run, in one table.
 *
 * Each is prepared once per connection (pool.c) and run with parameters
 * ($1, $2, ...): input never becomes SQL text.  Times leave the database
 * already in the event's zone for display, plus as UTC ISO 8601 for code.
 */
#include "db/internal.h"

const char *const db_stmt_sql[STMT__MAX] = {
	[STMT_EVENT_ID] =
	    "SELECT id FROM event WHERE id = " DB_CURRENT_EVENT,
	/* The event without its counts, for code that needs only who it is. */
	[STMT_EVENT_HEAD] =
	    "SELECT id, slug, name_nb, name_en, venue, timezone,"
	    " invitation_mode, mailbox FROM event"
	    " WHERE id = " DB_CURRENT_EVENT,
	[STMT_EVENT_CURRENT] =
	    "SELECT e.id, e.slug, e.name_nb, e.name_en, e.description_nb,"
	    " e.description_en, e.venue, e.timezone, e.capacity,"
	    " e.invitation_mode, e.mailbox,"
	    " to_char(e.starts_at AT TIME ZONE e.timezone, 'YYYY-MM-DD') AS date,"
	    " to_char(e.starts_at AT TIME ZONE e.timezone, 'HH24:MI') AS starts,"
	    " to_char(e.ends_at AT TIME ZONE e.timezone, 'HH24:MI') AS ends,"
	    " to_char(e.registration_closes AT TIME ZONE e.timezone,"
	    "   'YYYY-MM-DD HH24:MI') AS registration_closes,"
	    " (now() >= e.registration_opens AND now() < e.registration_closes)"
	    "   AS registration_open,"
	    /* Taken places, not free ones, are counted: the cost follows
	     * the registrations, not the capacity. */
	    " greatest(e.capacity - (SELECT count(*) FROM place p"
	    "   WHERE p.event_id = e.id AND p.participant_id IS NOT NULL), 0)"
	    "   AS places_left,"
	    " (SELECT count(*) FROM participant w WHERE w.event_id = e.id"
	    "   AND w.status = 'waitlisted') AS waitlisted"
	    " FROM event e WHERE e.id = " DB_CURRENT_EVENT,
	[STMT_EVENT_PROGRAMME] =
	    "SELECT s.id, s.code, s.title_nb, s.title_en, s.description_nb,"
	    " s.description_en, s.room, s.capacity, s.status, sl.id AS slot_id,"
	    " to_char(sl.starts_at AT TIME ZONE e.timezone, 'HH24:MI') AS starts,"
	    " to_char(sl.ends_at AT TIME ZONE e.timezone, 'HH24:MI') AS ends,"
	    /* Confirmed people only: unconfirmed registrations cannot
	     * make a session look popular. */
	    " (SELECT count(*) FROM preference pr JOIN participant pa"
	    "   ON pa.id = pr.participant_id"
	    "   WHERE pr.session_id = s.id AND pr.rank = 1"
	    "   AND pa.status IN ('confirmed', 'waitlisted'))"
	    "   AS first_choices"
	    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
	    " JOIN event e ON e.id = s.event_id"
	    " WHERE s.event_id = $1 AND s.status = 'active'"
	    " ORDER BY sl.starts_at, sl.id, s.id",
	[STMT_EVENT_SECTORS] =
	    "SELECT code, name_nb, name_en FROM sector WHERE event_id = $1"
	    " ORDER BY position, code",
	[STMT_PARTICIPANT_BY_EMAIL] =
	    "SELECT id, name, email, language, status FROM participant"
	    " WHERE event_id = $1 AND lower(email) = lower($2)",
	[STMT_PARTICIPANT_BY_TOKEN] =
	    "SELECT p.id, p.event_id, p.name, p.email, p.organisation, p.sector,"
	    " p.role, p.needs, p.language, p.status,"
	    " p.email_confirmed_at IS NOT NULL AS email_confirmed,"
	    " to_char(p.hold_until AT TIME ZONE e.timezone, 'YYYY-MM-DD HH24:MI')"
	    "   AS hold_until,"
	    " extract(epoch FROM p.updated_at)::bigint AS updated,"
	    " e.ends_at + make_interval(days => $3::int) < now() AS link_expired"
	    " FROM participant_token t JOIN participant p"
	    " ON p.id = t.participant_id JOIN event e ON e.id = p.event_id"
	    " WHERE t.hash = $1 AND t.purpose = $2",
	[STMT_PARTICIPANT_BY_TOKEN_LOCK] =
	    "SELECT p.id, p.event_id, p.name, p.email, p.language, p.status,"
	    " p.email_confirmed_at IS NOT NULL AS email_confirmed,"
	    " e.ends_at + make_interval(days => $2::int) < now() AS link_expired"
	    " FROM participant_token t JOIN participant p"
	    " ON p.id = t.participant_id JOIN event e ON e.id = p.event_id"
	    " WHERE t.hash = $1 AND t.purpose = 'manage' FOR UPDATE OF p",
	[STMT_PARTICIPANT_PREFERENCES] =
	    "SELECT pr.rank, s.id AS session_id, s.title_nb, s.title_en"
	    " FROM preference pr JOIN session s ON s.id = pr.session_id"
	    " WHERE pr.participant_id = $1 ORDER BY pr.rank",
	[STMT_PREFERENCE_DELETE] =
	    "DELETE FROM preference WHERE participant_id = $1",
	/* All ranks in one statement; a session that is not an active one
	 * of this event is left out, which the caller sees in the count. */
	[STMT_PREFERENCE_INSERT] =
	    "INSERT INTO preference (event_id, participant_id, session_id, rank)"
	    " SELECT $1, $2, s.id, u.rank FROM unnest($3::bigint[])"
	    " WITH ORDINALITY AS u(session_id, rank)"
	    " JOIN session s ON s.id = u.session_id AND s.event_id = $1"
	    " AND s.status = 'active' RETURNING session_id",
	[STMT_EVENT_FOR_REGISTER] =
	    "SELECT e.id, e.invitation_mode, (now() >= e.registration_opens"
	    " AND now() < e.registration_closes) AS registration_open"
	    " FROM event e WHERE e.id = " DB_CURRENT_EVENT,
	[STMT_PARTICIPANT_SET_STATUS] =
	    "UPDATE participant SET status = $2,"
	    " hold_until = CASE WHEN $2 = 'pending'"
	    "   THEN now() + make_interval(hours => $3::int) END,"
	    " waitlisted_at = CASE WHEN $2 <> 'waitlisted' THEN NULL"
	    "   WHEN status = 'waitlisted' THEN waitlisted_at ELSE now() END,"
	    " cancelled_at = CASE WHEN $2 = 'cancelled' THEN now()"
	    "   ELSE cancelled_at END,"
	    " updated_at = now() WHERE id = $1 RETURNING id",
	[STMT_PARTICIPANT_EMAIL_CONFIRMED] =
	    "UPDATE participant SET email_confirmed_at ="
	    " coalesce(email_confirmed_at, now()), updated_at = now()"
	    " WHERE id = $1 RETURNING id",
	[STMT_TOKEN_INSERT] =
	    "INSERT INTO participant_token (hash, participant_id, purpose)"
	    " VALUES ($2, $1, $3) ON CONFLICT (hash) DO NOTHING",
	/* A place for the participant: the one they hold already, else a
	 * free one taken without waiting on other claims. */
	/* A free place for participant $2 unless they hold one, taken
	 * without waiting on other claims; with $3, none is taken while
	 * anyone of the event waits (someone confirming: a place freed
	 * meanwhile is the waiting people's, app_promote). */
	[STMT_PLACE_CLAIM] =
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
	    " SELECT place_no FROM h UNION ALL SELECT place_no FROM c",
	[STMT_PLACE_RELEASE] =
	    "UPDATE place SET participant_id = NULL WHERE participant_id = $1"
	    " RETURNING place_no",
	[STMT_WAITLIST_NEXT] =
	    "SELECT id, name, email, language,"
	    " email_confirmed_at IS NOT NULL AS email_confirmed"
	    " FROM participant WHERE event_id = $1 AND status = 'waitlisted'"
	    " ORDER BY waitlisted_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
	[STMT_HOLDS_EXPIRED] =
	    "SELECT id, event_id, name, email, language FROM participant"
	    " WHERE status = 'pending' AND hold_until < now()"
	    " AND EXISTS (SELECT 1 FROM place pl"
	    "  WHERE pl.participant_id = participant.id)"
	    " ORDER BY hold_until LIMIT $1 FOR UPDATE SKIP LOCKED",
	[STMT_EVENTS_TO_FILL] =
	    "SELECT e.id FROM event e WHERE EXISTS (SELECT 1 FROM participant w"
	    " WHERE w.event_id = e.id AND w.status = 'waitlisted')"
	    " AND EXISTS (SELECT 1 FROM place p WHERE p.event_id = e.id"
	    " AND p.participant_id IS NULL)",
	/* The mail and, when it carries a link, the hashes of the link and
	 * of the feed link its page shows: one round trip. */
	[STMT_OUTBOX_INSERT] =
	    "WITH t AS (INSERT INTO participant_token (hash, participant_id,"
	    " purpose) SELECT h, $2, k FROM (VALUES ($9::text, 'manage'),"
	    " ($10::text, 'feed')) AS v (h, k) WHERE h IS NOT NULL"
	    " ON CONFLICT (hash) DO NOTHING)"
	    " INSERT INTO outbox (event_id, participant_id, kind, recipient,"
	    " recipient_name, language, payload, link_nonce)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id",
	/*
	 * A whole registration in one statement, and no place in it: a place
	 * is claimed at confirmation.  The sector and the ranked sessions are
	 * checked before anything else, so a known e-mail gets the same answer
	 * as an unknown one.  A new e-mail is stored pending (deleted unless
	 * confirmed by hold_until) with its ranking; a known one has its
	 * re-sent links counted in its own row (at most $11 an hour).  The
	 * confirmation or re-sent link goes to the outbox, its link's hash to
	 * participant_token.  id is NULL for a known e-mail.
	 */
	[STMT_PARTICIPANT_REGISTER] =
	    "WITH v AS (SELECT EXISTS (SELECT 1 FROM sector"
	    "  WHERE event_id = $1 AND code = $5) AS sector_ok,"
	    "  (SELECT count(*) FROM session WHERE event_id = $1"
	    "  AND status = 'active' AND id = ANY ($10::bigint[]))"
	    "  = cardinality($10::bigint[]) AS sessions_ok),"
	    " p AS (INSERT INTO participant (event_id, name, email, organisation,"
	    "  sector, role, needs, language, status, hold_until, consent_at)"
	    "  SELECT $1, $2, $3, $4, $5, $6, $7, $8, 'pending',"
	    "  now() + make_interval(hours => $9::int), now() FROM v"
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
	    "  FROM v WHERE v.sector_ok AND v.sessions_ok AND x.event_id = $1"
	    "  AND lower(x.email) = lower($3) AND NOT EXISTS (SELECT 1 FROM p)"
	    "  RETURNING x.id, x.email, x.language,"
	    "  x.link_sends <= $11::int AS allowed),"
	    " o AS (INSERT INTO outbox (event_id, participant_id, kind, recipient,"
	    "  recipient_name, language, payload, link_nonce)"
	    "  SELECT $1::bigint, id, 'confirm', email, '', language,"
	    "  '{}'::jsonb, $12::text FROM p"
	    "  UNION ALL SELECT $1::bigint, id, 'link_again', email, '', language,"
	    "  '{}'::jsonb, $12::text FROM k WHERE allowed"
	    "  RETURNING participant_id),"
	    " t AS (INSERT INTO participant_token (hash, participant_id, purpose)"
	    "  SELECT $13::text, participant_id, 'manage' FROM o"
	    "  ON CONFLICT (hash) DO NOTHING)"
	    " SELECT v.sector_ok, v.sessions_ok, (SELECT id FROM p) AS id,"
	    " (SELECT count(*) FROM pr) AS ranked,"
	    " (SELECT count(*) FROM o) AS mailed FROM v",
	/* Unconfirmed registrations past their time (pending without a
	 * place: a place comes only with confirmation or an organiser):
	 * deleted, with their ranking and tokens, so the address can
	 * register again. */
	[STMT_PENDING_DELETE] =
	    "DELETE FROM participant WHERE id IN (SELECT x.id FROM participant x"
	    " WHERE x.status = 'pending' AND x.hold_until < now()"
	    " AND NOT EXISTS (SELECT 1 FROM place pl"
	    "  WHERE pl.participant_id = x.id)"
	    " ORDER BY x.hold_until LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id",
	/* One flush of the refusal counters: key and count arrays of one
	 * kind each; rows older than 14 days go in the same statement. */
	[STMT_THROTTLE_RECORD] =
	    "WITH old AS (DELETE FROM registration_throttle"
	    " WHERE at < now() - interval '14 days')"
	    " INSERT INTO registration_throttle (kind, key, refusals)"
	    " SELECT k, key, n FROM unnest($1::text[], $2::text[], $3::int[])"
	    " AS u(k, key, n)",
	/* Refusals of the last $1 hours, per kind and key, most first. */
	[STMT_THROTTLE_RECENT] =
	    "SELECT kind, key, sum(refusals)::bigint AS refusals,"
	    " to_char(max(at), 'YYYY-MM-DD HH24:MI') AS last"
	    " FROM registration_throttle"
	    " WHERE at > now() - make_interval(hours => $1::int)"
	    " GROUP BY kind, key ORDER BY refusals DESC, kind, key LIMIT $2",
	[STMT_OUTBOX_CLAIM] =
	    "SELECT id, event_id, participant_id, kind, recipient,"
	    " recipient_name, language, payload::text AS payload, link_nonce,"
	    " attempts, extract(epoch FROM now() - created_at)::bigint AS age"
	    " FROM outbox WHERE state = 'queued'"
	    " AND next_attempt_at <= now() ORDER BY next_attempt_at, id"
	    " LIMIT $1 FOR UPDATE SKIP LOCKED",
	[STMT_OUTBOX_SENT] =
	    "UPDATE outbox SET state = 'sent', sent_at = now(),"
	    " attempts = attempts + 1, last_error = NULL WHERE id = $1",
	[STMT_OUTBOX_RETRY] =
	    "UPDATE outbox SET attempts = attempts + 1, last_error = $2,"
	    " next_attempt_at = now() + make_interval(secs => $3::int)"
	    " WHERE id = $1",
	[STMT_OUTBOX_FAILED] =
	    "UPDATE outbox SET state = 'failed', attempts = attempts + 1,"
	    " last_error = $2 WHERE id = $1",
	[STMT_MIGRATION_APPLIED] =
	    "SELECT 1 FROM schema_migrations WHERE version = $1",
	[STMT_MIGRATION_RECORD] =
	    "INSERT INTO schema_migrations (version) VALUES ($1)",
	[STMT_ALLOC_SECTORS] =
	    "SELECT code FROM sector WHERE event_id = $1 ORDER BY position, code",
	[STMT_ALLOC_SLOTS] =
	    "SELECT id FROM slot WHERE event_id = $1 ORDER BY starts_at, id",
	[STMT_ALLOC_SESSIONS] =
	    "SELECT id, slot_id, capacity, capacity * sector_share_pct / 100,"
	    " org_limit, tables, seats_per_table FROM session"
	    " WHERE event_id = $1 AND status = 'active' ORDER BY id",
	/* Organisations are matched on a normalised name: "LO " and "lo"
	 * are one organisation. */
	[STMT_ALLOC_PARTICIPANTS] =
	    "SELECT id, sector,"
	    " lower(regexp_replace(btrim(organisation), '\\s+', ' ', 'g')),"
	    " sessions_wanted FROM participant"
	    " WHERE event_id = $1 AND status = 'confirmed'"
	    " ORDER BY created_at, id",
	[STMT_ALLOC_PREFERENCES] =
	    "SELECT pr.participant_id, pr.session_id, pr.rank"
	    " FROM preference pr JOIN participant p ON p.id = pr.participant_id"
	    " JOIN session s ON s.id = pr.session_id"
	    " WHERE pr.event_id = $1 AND p.status = 'confirmed'"
	    " AND s.status = 'active' ORDER BY pr.participant_id, pr.rank",
	[STMT_ALLOC_RULES] =
	    "SELECT participant_id, session_id, kind FROM placement_rule"
	    " WHERE event_id = $1 ORDER BY participant_id, session_id",
	[STMT_ALLOC_ASSIGNMENTS] =
	    "SELECT participant_id, session_id, table_no, published"
	    " FROM assignment WHERE event_id = $1"
	    " ORDER BY participant_id, session_id",
	[STMT_ALLOC_LOCK] =
	    "SELECT pg_advisory_xact_lock(4242011, $1::int)",
	[STMT_ALLOC_RUN_INSERT] =
	    "INSERT INTO allocation_run (event_id, solve_ms, inputs_sha256,"
	    " params, figures, applied, added, removed, kept)"
	    " VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9)"
	    " RETURNING id",
	[STMT_ASSIGNMENT_DELETE] =
	    "DELETE FROM assignment a USING unnest($2::bigint[], $3::bigint[])"
	    " AS d(p, s) WHERE a.event_id = $1 AND a.participant_id = d.p"
	    " AND a.session_id = d.s",
	[STMT_ASSIGNMENT_UPSERT] =
	    "INSERT INTO assignment (event_id, participant_id, session_id,"
	    " table_no, pinned, run_id)"
	    " SELECT $1, p, s, t, pin, $2 FROM unnest($3::bigint[],"
	    " $4::bigint[], $5::int[], $6::boolean[]) AS u(p, s, t, pin)"
	    " ON CONFLICT (participant_id, session_id) DO UPDATE SET"
	    " table_no = excluded.table_no, pinned = excluded.pinned,"
	    " run_id = coalesce(excluded.run_id, assignment.run_id)"
	    " RETURNING participant_id, session_id, table_no, pinned,"
	    " published",
	[STMT_ASSIGNMENT_PUBLISH] =
	    "UPDATE assignment SET published = true WHERE event_id = $1"
	    " AND NOT published",
	/* Cancellations: what a participant was invited to and no longer
	 * holds (placement removed, registration or session cancelled). */
	[STMT_PUBLISH_CANCELS] =
	    "WITH gone AS (UPDATE invitation i SET sequence = i.sequence + 1,"
	    " state = 'cancelled', sent_at = now()"
	    " WHERE i.event_id = $1 AND i.state = 'invited' AND NOT EXISTS ("
	    "  SELECT 1 FROM assignment a"
	    "  JOIN participant p ON p.id = a.participant_id"
	    "  JOIN session s ON s.id = a.session_id"
	    "  WHERE a.participant_id = i.participant_id"
	    "  AND a.session_id = i.session_id AND p.status = 'confirmed'"
	    "  AND s.status = 'active')"
	    " RETURNING i.participant_id, i.session_id, i.sequence)"
	    " INSERT INTO outbox (event_id, participant_id, kind, recipient,"
	    " recipient_name, language, payload)"
	    " SELECT $1, g.participant_id, 'invite_cancel', p.email, p.name,"
	    " p.language, summit_invitation_payload(g.session_id, g.sequence,"
	    " 'CANCEL') FROM gone g JOIN participant p ON p.id = g.participant_id"
	    " ORDER BY g.participant_id, g.session_id RETURNING id",
	/* Invitations and updates: placements never sent, sent and since
	 * cancelled, or whose session changed since it was sent. */
	[STMT_PUBLISH_REQUESTS] =
	    "WITH cur AS (SELECT a.participant_id, a.session_id,"
	    " summit_session_fingerprint(s, sl) AS fp FROM assignment a"
	    " JOIN participant p ON p.id = a.participant_id"
	    " JOIN session s ON s.id = a.session_id"
	    " JOIN slot sl ON sl.id = s.slot_id"
	    " WHERE a.event_id = $1 AND p.status = 'confirmed'"
	    " AND s.status = 'active'),"
	    " up AS (INSERT INTO invitation AS i (event_id, participant_id,"
	    " session_id, sequence, state, fingerprint)"
	    " SELECT $1, participant_id, session_id, 0, 'invited', fp FROM cur"
	    " ON CONFLICT (participant_id, session_id) DO UPDATE SET"
	    " sequence = i.sequence + 1, state = 'invited',"
	    " fingerprint = excluded.fingerprint, sent_at = now()"
	    " WHERE i.state <> 'invited' OR i.fingerprint <> excluded.fingerprint"
	    " RETURNING i.participant_id, i.session_id, i.sequence,"
	    " i.xmax::text = '0' AS fresh)"
	    " INSERT INTO outbox (event_id, participant_id, kind, recipient,"
	    " recipient_name, language, payload, link_nonce)"
	    " SELECT $1, up.participant_id,"
	    " CASE WHEN up.fresh THEN 'invite' ELSE 'invite_update' END,"
	    " p.email, p.name, p.language,"
	    " summit_invitation_payload(up.session_id, up.sequence, 'REQUEST'),"
	    " replace(gen_random_uuid()::text, '-', '')"
	    " FROM up JOIN participant p ON p.id = up.participant_id"
	    " ORDER BY up.participant_id, up.session_id"
	    " RETURNING kind",
	[STMT_PUBLISH_MARK] =
	    "UPDATE assignment SET published = true WHERE event_id = $1"
	    " AND NOT published",
	[STMT_PARTICIPANT_BY_EMAIL_ANY] =
	    "SELECT id, event_id, name, email, language, status FROM participant"
	    " WHERE lower(email) = lower($1) ORDER BY id DESC LIMIT 1",
	/* A participant's published placements, for their feed. */
	[STMT_FEED_SESSIONS] =
	    "SELECT s.id, s.uid, s.title_nb, s.title_en, s.description_nb,"
	    " s.description_en, s.room, e.venue, e.timezone,"
	    " to_char(sl.starts_at AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS starts_utc,"
	    " to_char(sl.ends_at AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS ends_utc,"
	    " extract(epoch FROM greatest(s.updated_at, a.created_at))::bigint"
	    "   AS modified"
	    " FROM assignment a JOIN session s ON s.id = a.session_id"
	    " JOIN slot sl ON sl.id = s.slot_id JOIN event e ON e.id = s.event_id"
	    " WHERE a.participant_id = $1 AND a.published"
	    " AND s.status = 'active' ORDER BY sl.starts_at, s.id",
	/* The public programme. */
	[STMT_PROGRAMME_SESSIONS] =
	    "SELECT s.id, s.uid, s.title_nb, s.title_en, s.description_nb,"
	    " s.description_en, s.room, e.venue, e.timezone,"
	    " to_char(sl.starts_at AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS starts_utc,"
	    " to_char(sl.ends_at AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS ends_utc,"
	    " extract(epoch FROM s.updated_at)::bigint AS modified"
	    " FROM session s JOIN slot sl ON sl.id = s.slot_id"
	    " JOIN event e ON e.id = s.event_id"
	    " WHERE s.event_id = $1 AND s.status = 'active'"
	    " ORDER BY sl.starts_at, s.id",
	/* One participant's placements with their invitation state, for
	 * `summitctl ics`. */
	[STMT_INVITATION_PREVIEW] =
	    "SELECT s.id AS session_id, coalesce(i.sequence, -1) AS sequence,"
	    " coalesce(i.state, '') AS state, (a.session_id IS NOT NULL)"
	    " AS placed FROM session s"
	    " LEFT JOIN assignment a ON a.session_id = s.id"
	    "  AND a.participant_id = $1"
	    " LEFT JOIN invitation i ON i.session_id = s.id"
	    "  AND i.participant_id = $1"
	    " WHERE a.session_id IS NOT NULL OR i.session_id IS NOT NULL"
	    " ORDER BY s.id",
	[STMT_SESSION_PAYLOAD] =
	    "SELECT summit_invitation_payload($1, $2, $3)::text AS payload",
	[STMT_OUTBOX_LIST] =
	    "SELECT id, kind, recipient, state, attempts, coalesce(last_error,"
	    " '') AS last_error, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS')"
	    " AS created, to_char(next_attempt_at, 'YYYY-MM-DD HH24:MI:SS')"
	    " AS next_attempt FROM outbox WHERE state = $1"
	    " ORDER BY id DESC LIMIT $2",
	[STMT_OUTBOX_RESEND] =
	    "UPDATE outbox SET state = 'queued', attempts = 0,"
	    " next_attempt_at = now(), created_at = now(), last_error = NULL"
	    " WHERE id = $1 AND state IN ('failed', 'sent') RETURNING id",
};
