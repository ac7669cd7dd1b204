/*
 * db.h -- PostgreSQL access: connection pool, transactions, migrations and
 * one function per query, grouped by table family.
 *
 * Nothing above this module sees libpq: rows come back as json-glib objects
 * (column name -> string, integer or boolean), ready for the templates, and
 * errors as SUMMIT_DB_ERROR codes.  Every statement is a constant in its
 * table family's file (event.c, participant.c, organiser.c, outbox.c,
 * allocation.c, invitation.c), prepared once per connection and run with
 * parameters.  The families' larger APIs are in event.h, participant.h
 * and allocation.h, included below.
 */
#ifndef SUMMIT_DB_H
#define SUMMIT_DB_H

#include <stdbool.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#define SUMMIT_DB_ERROR (db_error_quark())
GQuark db_error_quark(void);

enum db_err {
	DB_OK = 0,
	DB_ENOTFOUND, /* no row matched */
	DB_ECONFLICT, /* a unique or exclusion constraint said no */
	DB_ERETRY,    /* serialization failure: run the transaction again */
	DB_ECONN,     /* connection lost or pool exhausted */
	DB_EINTERNAL, /* anything else; the detail is in the log */
	DB_EINVALID,  /* a check or foreign key constraint said no */
	DB_EEXPIRED,  /* a link token past its lifetime */
	DB__MAX
};

typedef struct db_pool DbPool;
typedef struct db_conn DbConn;

/*
 * A pool of up to size connections to url, opened lazily.  Threads wait up
 * to wait_ms for a free connection, then get DB_ECONN.  (transfer full)
 */
DbPool *db_pool_new(const char *url, unsigned size, unsigned wait_ms);
void db_pool_free(DbPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DbPool, db_pool_free)

/*
 * A connection for this thread; NULL + DB_ECONN.  A pooled connection is
 * checked first (no round trip: libpq's status and whether the idle
 * socket has anything to read, which only a closing server sends) and
 * replaced by a new one if its server went away.
 */
DbConn *db_acquire(DbPool *pool, GError **error);
/*
 * True if the work that just failed on conn may be run again from the
 * start on a new connection: it failed with DB_ERETRY (serialization
 * failure, deadlock), or with DB_ECONN before any COMMIT was sent, and no
 * transaction is open.  Whoever retries must have nothing but the
 * database to undo (see app_db_run).
 */
bool db_conn_retryable(const DbConn *conn);
/* Gives conn back; a connection left inside a transaction is rolled back. */
void db_release(DbPool *pool, DbConn *conn);
/* The pool now, read under its lock (for /metrics). */
struct db_pool_stats {
	unsigned size;    /* connections at most */
	unsigned open;    /* handed out or idle */
	unsigned in_use;  /* handed out */
	unsigned waiting; /* threads waiting for one */
};
void db_pool_stats(DbPool *pool, struct db_pool_stats *out);

/* BEGIN; a link found dead by it is replaced and BEGIN sent once more. */
gboolean db_begin(DbConn *conn, GError **error);
gboolean db_commit(DbConn *conn, GError **error);
/* Rolls back if a transaction is open; never fails (a broken link is reset). */
void db_rollback(DbConn *conn);

/* migrate.c: applies dir/NNN_*.sql not yet in schema_migrations, in order,
 * each in its own transaction; *applied counts them. */
gboolean db_migrate(DbConn *conn, const char *dir, unsigned *applied,
    GError **error);
/* The versions ("001_core") of the migration files in dir, in order
 * (transfer full); NULL if dir cannot be read or holds a file that is not
 * named NNN_name.sql. */
GPtrArray *db_migration_files(const char *dir, GError **error);
/* The versions recorded in schema_migrations, as rows with "version"
 * (an error before the first migration made the table). */
JsonArray *db_migrations_applied(DbConn *conn, GError **error);
/* Runs a trusted SQL script from a file (the demo event) in a transaction. */
gboolean db_run_script(DbConn *conn, const char *path, GError **error);

/* event.c */
/* Every event (id, slug, name_nb, name_en, timezone, starts_at, ends_at
 * in Unix seconds, archived), by start. */
JsonArray *db_events(DbConn *conn, GError **error);
/* A new event made from from_id (summit_event_copy, sql/022): its
 * settings, sectors and programme moved to start on day (YYYY-MM-DD);
 * *id gets it.  DB_ECONFLICT for a slug taken. */
gboolean db_event_copy(DbConn *conn, gint64 from_id, const char *slug,
    const char *name_nb, const char *name_en, const char *day, gint64 *id,
    GError **error);
/* Archives event_id (read-only), or takes it back; DB_ENOTFOUND. */
gboolean db_event_archive(DbConn *conn, gint64 event_id, bool archived,
    GError **error);
/* The events organiser_id may work in, with their role there: id, slug,
 * name_nb, name_en, starts_at, archived, role; archived last. */
JsonArray *db_events_of(DbConn *conn, gint64 organiser_id, GError **error);
/* Event event_id with places_left and waitlisted; starts_at, ends_at and
 * registration_closes in Unix seconds; DB_ENOTFOUND if none. */
JsonObject *db_event_current(DbConn *conn, gint64 event_id, GError **error);
/* Event event_id without its counts (id, slug, name_nb, name_en, venue,
 * timezone, invitation_mode, mailbox, archived): cheap. */
JsonObject *db_event_head(DbConn *conn, gint64 event_id, GError **error);
/* What a registration needs of event event_id, cheaply: id,
 * invitation_mode, registration_open (false once archived),
 * has_questions (any shown on the form). */
JsonObject *db_event_for_register(DbConn *conn, gint64 event_id,
    GError **error);
/* Sessions with their slot's times (starts_at, ends_at: Unix seconds)
 * and the count of first choices. */
JsonArray *db_event_programme(DbConn *conn, gint64 event_id, GError **error);
JsonArray *db_event_sectors(DbConn *conn, gint64 event_id, GError **error);

/* participant.c */
struct db_participant_new {
	gint64 event_id;
	const char *name, *email, *organisation, *sector, *role, *needs;
	const char *language;
	gint64 confirm_hours;    /* deleted unless confirmed by then */
	gint64 resends_per_hour; /* re-sent links to a known e-mail */
	const char *link_nonce;  /* the mail's link (app_queue_mail) */
	const char *link_hash;
	bool invitee; /* an organiser's: confirmed, no hold, no mail */
	const char *consent_version; /* the privacy statement's; NULL: none */
};
/*
 * Registers p in one statement, claiming no place: checks the sector and
 * the ranked sessions (session_ids[0] is rank 1) against the event first,
 * then stores a new e-mail as pending with its ranking and queues the
 * "confirm" mail, or, for a known e-mail, queues "link_again" unless it
 * had resends_per_hour links in the last hour.  *id is the new
 * participant, 0 for a known e-mail.  *refused is "sector" or "sessions"
 * (else NULL) when those are not the event's: nothing is stored, known
 * e-mail or not.  The one way a participant is written: an invitee
 * (p->invitee) is stored confirmed with no hold, and neither mail nor
 * link is queued or counted; its caller claims the place
 * (db_place_claim) as a confirmation does.
 */
gboolean db_participant_register(DbConn *conn,
    const struct db_participant_new *p, const gint64 *session_ids, size_t n,
    gint64 *id, const char **refused, GError **error);
/* The participant with this e-mail (any case), DB_ENOTFOUND if none. */
JsonObject *db_participant_by_email(DbConn *conn, gint64 event_id,
    const char *email, GError **error);
/*
 * How long participant links work: until the event's end plus days.  A
 * process-wide setting, made once at start before any thread runs (the
 * default is 180); links older than that are DB_EEXPIRED in every lookup
 * below, whichever use case makes it.
 */
void db_set_link_days(unsigned days);
/* The participant whose token hashes to hash, locked FOR UPDATE when lock;
 * DB_ENOTFOUND for no such token, DB_EEXPIRED for one past its lifetime. */
/* The event participant_id belongs to; DB_ENOTFOUND. */
gboolean db_participant_event_id(DbConn *conn, gint64 participant_id,
    gint64 *event_id, GError **error);
JsonObject *db_participant_by_token(DbConn *conn, const char *hash, bool lock,
    GError **error);
/* Their ranked sessions, rank order, with titles. */
JsonArray *db_participant_preferences(DbConn *conn, gint64 participant_id,
    GError **error);
/* Sets the ranking: session_ids[0] is rank 1; replace drops the old one
 * first (a new participant has none).  A session of another event or a
 * duplicate is DB_EINVALID/DB_ECONFLICT. */
gboolean db_participant_set_preferences(DbConn *conn, gint64 event_id,
    gint64 participant_id, const gint64 *session_ids, size_t n, bool replace,
    GError **error);
/* status: confirmed, waitlisted, cancelled, expired; or pending with a
 * new hold of hold_hours. */
gboolean db_participant_set_status(DbConn *conn, gint64 participant_id,
    const char *status, gint64 hold_hours, GError **error);
/* A corrected address; the e-mail constraints refuse a bad or taken one. */
gboolean db_participant_set_email(DbConn *conn, gint64 participant_id,
    const char *email, GError **error);
gboolean db_participant_mark_email_confirmed(DbConn *conn,
    gint64 participant_id, GError **error);
/* Registers a link token's hash; purpose "manage" (the page) or "feed".
 * Registering the same hash again does nothing. */
gboolean db_token_insert(DbConn *conn, gint64 participant_id, const char *hash,
    const char *purpose, GError **error);
/* The participant whose feed token hashes to hash (DB_ENOTFOUND,
 * DB_EEXPIRED as db_participant_by_token). */
JsonObject *db_participant_by_feed(DbConn *conn, const char *hash,
    GError **error);
/* Claims a free place of the event without waiting on other claims (a
 * place they hold already counts); *got is false when none is free.  With
 * unless_waiting, no free place is taken while anyone of the event is on
 * the waiting list. */
gboolean db_place_claim(DbConn *conn, gint64 event_id, gint64 participant_id,
    bool unless_waiting, bool *got, GError **error);
gboolean db_place_release(DbConn *conn, gint64 participant_id, GError **error);
/* The longest-waiting participant on the waitlist, locked; NULL with
 * DB_ENOTFOUND when the waitlist is empty or all are being promoted. */
JsonObject *db_waitlist_next(DbConn *conn, gint64 event_id, GError **error);
/* Pending participants whose hold has passed and who hold a place (an
 * organiser gave it), locked (at most limit). */
JsonArray *db_holds_expired(DbConn *conn, unsigned limit, GError **error);
/* Deletes up to limit unconfirmed registrations (pending, no place) past
 * their time; *n says how many. */
gboolean db_pending_delete(DbConn *conn, unsigned limit, unsigned *n,
    GError **error);
/* Records refused registration attempts: keys[i] of kinds[i] ("address" or
 * "domain") refused counts[i] times; one statement, n > 0. */
gboolean db_throttle_record(DbConn *conn, const char *const *kinds,
    const char *const *keys, const gint64 *counts, size_t n, GError **error);
/* Refusals of the last hours per kind and key, most first, at most limit
 * rows: kind, key, refusals, last (Unix seconds). */
JsonArray *db_throttle_recent(DbConn *conn, unsigned hours, unsigned limit,
    GError **error);
/* Events with free places and a waitlist (for the periodic fill). */
JsonArray *db_events_to_fill(DbConn *conn, GError **error);

/* outbox.c */
struct db_outbox_new {
	gint64 event_id;
	gint64 participant_id;
	const char *kind, *recipient, *recipient_name, *language;
	const char *payload_json; /* template values */
	const char *link_nonce;   /* NULL: no link */
	const char *link_hash;    /* the link token's hash, registered with
					   the row; NULL: none */
	const char *feed_hash;    /* its feed token's hash, the same way */
};
gboolean db_outbox_insert(DbConn *conn, const struct db_outbox_new *m,
    gint64 *id, GError **error);
/* Locks up to limit due rows (FOR UPDATE SKIP LOCKED); call inside a
 * transaction and mark each before commit.  Queued rows to an address
 * with an active bounce are put in state 'held' instead. */
JsonArray *db_outbox_claim(DbConn *conn, unsigned limit, GError **error);
gboolean db_outbox_mark_sent(DbConn *conn, gint64 id, GError **error);
gboolean db_outbox_mark_retry(DbConn *conn, gint64 id, const char *why,
    unsigned delay_seconds, GError **error);
gboolean db_outbox_mark_failed(DbConn *conn, gint64 id, const char *why,
    GError **error);
/* Rows of "state" and "n": how many outbox rows are in each state. */
JsonArray *db_outbox_depth(DbConn *conn, GError **error);
/* Event event_id's rows, newest first: id, participant_id (null for mail
 * to no participant), kind, recipient, state, attempts, last_error,
 * created and next_attempt (Unix seconds). */
JsonArray *db_outbox_list(DbConn *conn, gint64 event_id, const char *state,
    unsigned limit, GError **error);
/* Queues a failed or sent row of event_id again; DB_ENOTFOUND if there is
 * none. */
gboolean db_outbox_resend(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
/* Puts queued rows to addresses with an active bounce in state 'held';
 * *held counts them. */
gboolean db_outbox_hold_bounced(DbConn *conn, gint64 *held, GError **error);
/* Queues again, to recipient, the participant's held rows and those of
 * their active bounces; call before db_bounce_clear. */
gboolean db_outbox_release(DbConn *conn, gint64 participant_id,
    const char *recipient, gint64 *queued, GError **error);

/* mailbox.c: the mailbox reader's cursor and the bounces it found. */
/* The cursor of mailbox; 0 and 0 when it has none yet. */
gboolean db_mailbox_cursor_get(DbConn *conn, const char *mailbox,
    gint64 *uidvalidity, gint64 *last_uid, GError **error);
gboolean db_mailbox_cursor_set(DbConn *conn, const char *mailbox,
    gint64 uidvalidity, gint64 last_uid, GError **error);
struct db_bounce_new {
	const char *report_id; /* the bounce's Message-ID, or a hash */
	const char *address;   /* the failed recipient */
	const char *status, *diagnostic;
	gint64 outbox_id; /* the row the bounce quotes; 0: none */
};
/* Stores a bounce matched to an outbox row or a participant: *matched
 * says whether it is Summit's, *stored whether it is new. */
gboolean db_bounce_record(DbConn *conn, const struct db_bounce_new *b,
    bool *matched, bool *stored, GError **error);
/* Whether a bounce report was stored before. */
gboolean db_bounce_seen(DbConn *conn, const char *report_id, bool *seen,
    GError **error);
/* Active bounces (id, address, status, diagnostic, bounced_at as epoch,
 * participant_id (0: none), name, held), newest first; participant_id 0
 * for everyone's. */
JsonArray *db_bounce_list(DbConn *conn, gint64 event_id, gint64 participant_id,
    unsigned limit, GError **error);
/* Clears the active bounces of a participant or an address. */
gboolean db_bounce_clear(DbConn *conn, gint64 participant_id,
    const char *address, GError **error);

/* allocation.c: bulk reads for the allocator, one callback per row with
 * the row's text values (NULL for SQL NULL).  Rows come in a fixed order,
 * so the same data gives the same problem. */
typedef void (*DbRowFunc)(gpointer user, int ncols, const char *const *vals);
enum db_alloc_part {
	DB_ALLOC_SECTORS,      /* code, name_nb, name_en (db_event_sectors) */
	DB_ALLOC_SLOTS,        /* id */
	DB_ALLOC_SESSIONS,     /* id, slot_id, capacity, max_per_sector,
				   max_per_org, tables, seats_per_table */
	DB_ALLOC_PARTICIPANTS, /* id, sector, organisation key, sessions_wanted
				   (confirmed only, registration order) */
	DB_ALLOC_PREFERENCES,  /* participant_id, session_id, rank */
	DB_ALLOC_RULES,        /* participant_id, session_id, kind */
	DB_ALLOC_ASSIGNMENTS,  /* participant_id, session_id, table_no,
				   published */
	DB_ALLOC__MAX
};
gboolean db_alloc_read(DbConn *conn, gint64 event_id, enum db_alloc_part part,
    DbRowFunc fn, gpointer user, GError **error);
/* Serialises allocation runs of one event (transaction-scoped lock). */
gboolean db_alloc_lock(DbConn *conn, gint64 event_id, GError **error);
/* db_alloc_lock of every event not archived, in id order: for work (the
 * mailbox's replies) that may touch any of them. */
gboolean db_alloc_lock_all(DbConn *conn, GError **error);
/* Records a run; *run_id gets its id. */
gboolean db_alloc_run_insert(DbConn *conn, gint64 event_id, gint64 solve_ms,
    const char *inputs_sha256, const char *params_json,
    const char *figures_json, bool applied, gint64 added, gint64 removed,
    gint64 kept, gint64 *run_id, GError **error);
/* For the rest of the transaction, plans suited to many rows at once. */
gboolean db_bulk_writes(DbConn *conn, GError **error);
/* Removes the placements (participant_ids[i], session_ids[i]). */
gboolean db_assignment_delete(DbConn *conn, gint64 event_id,
    const gint64 *participant_ids, const gint64 *session_ids, size_t n,
    GError **error);
/* Inserts or updates placements with their tables and pins: an
 * allocation run's (run_id), or an organiser's (run_id 0: a placement
 * keeps the run that made it).  With rows, the placements written
 * (participant_id, session_id, table_no, pinned, published). */
gboolean db_assignment_upsert(DbConn *conn, gint64 event_id, gint64 run_id,
    const gint64 *participant_ids, const gint64 *session_ids,
    const gint64 *tables, const bool *pinned, size_t n, JsonArray **rows,
    GError **error);
/* Marks every placement of the event published. */
gboolean db_assignment_mark_published(DbConn *conn, gint64 event_id,
    GError **error);

/* invitation.c: publishing and calendars. */
/* Queues every needed invitation, update and cancellation of the event in
 * the caller's transaction and marks the placements published; the
 * counts say how many of each were queued. */
gboolean db_publish(DbConn *conn, gint64 event_id, gint64 *invites,
    gint64 *updates, gint64 *cancels, GError **error);
/* Queues the cancellations db_publish would: of every invitation of the
 * event that no placement holds now, or (participant_id > 0) only of
 * participant_id's, in session_id if > 0 (in every session when
 * session_id is 0); *cancels counts them. */
gboolean db_publish_cancels(DbConn *conn, gint64 event_id,
    gint64 participant_id, gint64 session_id, gint64 *cancels, GError **error);
/* A place handed over (db_substitute_complete): CANCELs of from_id's
 * standing invitations, REQUESTs to to_id for the published placements
 * it now holds, each session under its own UID. */
gboolean db_publish_handover(DbConn *conn, gint64 event_id, gint64 from_id,
    gint64 to_id, gint64 *invites, gint64 *cancels, GError **error);
/* The sessions whose invitations to the participant stand now (uid,
 * title_*, description_*, room, venue, timezone, starts_utc, ends_utc,
 * sequence: the last sent; people: who is on stage as JSON text,
 * summit_session_people of sql/026). */
JsonArray *db_feed_sessions(DbConn *conn, gint64 participant_id,
    GError **error);
/* When that feed last changed, removals included: Unix seconds, or -1
 * with *error set. */
gint64 db_feed_changed(DbConn *conn, gint64 participant_id, GError **error);
/* The event's active sessions, the same columns (sequence: the session's
 * change counter). */
JsonArray *db_programme_sessions(DbConn *conn, gint64 event_id, GError **error);
/* When the programme last changed, cancelled sessions included (now when
 * there are no sessions), or -1 with *error set. */
gint64 db_programme_changed(DbConn *conn, gint64 event_id, GError **error);
/* The newest participant with this e-mail in any event. */
JsonObject *db_participant_by_email_any(DbConn *conn, const char *email,
    GError **error);
/* Sessions a participant is placed in or was invited to, with the
 * invitation's sequence (-1: none) and state. */
JsonArray *db_invitation_preview(DbConn *conn, gint64 participant_id,
    GError **error);
/* The payload an invitation message for (session, sequence, method)
 * would carry, as JSON text (transfer full). */
char *db_session_payload(DbConn *conn, gint64 session_id, gint64 sequence,
    const char *method, GError **error);

/* organiser.c: accounts, activation links, logins, the audit log. */
/* Gives the organiser with email role ("admin", "staff", "door") in
 * event_id, or changes it; *id gets the organiser. */
gboolean db_organiser_grant(DbConn *conn, gint64 event_id, const char *email,
    const char *role, gint64 *id, GError **error);
gboolean db_organiser_insert(DbConn *conn, const char *email, const char *name,
    const char *role, const char *password_hash, const char *activation_hash,
    gint64 *id, GError **error);
/* id, email, name, role, password_hash, disabled */
JsonObject *db_organiser_by_email(DbConn *conn, const char *email,
    GError **error);
/* The organiser whose unexpired activation (set-password) link hashes
 * to activation_hash. */
JsonObject *db_organiser_by_activation(DbConn *conn,
    const char *activation_hash, GError **error);
/* Sets the password hash and spends the set-password link. */
gboolean db_organiser_set_password(DbConn *conn, gint64 id, const char *hash,
    GError **error);
gboolean db_login_insert(DbConn *conn, const char *hash, gint64 organiser_id,
    gint64 seconds, const char *address, GError **error);
/* The organiser (id, email, name, role) of a live login. */
JsonObject *db_login_lookup(DbConn *conn, const char *hash, gint64 event_id,
    GError **error);
/* Ends the login (and sweeps expired ones). */
gboolean db_login_delete(DbConn *conn, const char *hash, GError **error);
struct db_audit {
	gint64 organiser_id; /* 0: the system */
	const char *actor, *action, *subject_type;
	gint64 subject_id;                    /* 0: none */
	const char *before_json, *after_json; /* NULL: none */
	const char *address;
	gint64 event_id; /* 0: the installation's */
};
gboolean db_audit_insert(DbConn *conn, const struct db_audit *a,
    GError **error);
/* Event event_id's entries, newest first ("at" in Unix seconds);
 * subject_type NULL and subject_id 0 for all. */
JsonArray *db_audit_list(DbConn *conn, gint64 event_id,
    const char *subject_type, gint64 subject_id, unsigned limit,
    GError **error);

/* Helpers for callers reading rows.  A NULL value reads as 0 or NULL; a
 * column the row does not have, or a value of the other kind, is a bug
 * reported with g_critical when rows are strict (db_set_strict_rows). */
gint64 db_int(JsonObject *row, const char *col);
const char *db_str(JsonObject *row, const char *col);
/*
 * Makes db_int and db_str report unknown columns (on) or read them as 0
 * and NULL as they always did (off).  A process-wide setting, read from
 * SUMMIT_STRICT_ROWS=1 at the first read unless set before; the tests
 * run strict with G_DEBUG=fatal-criticals (tests/meson.build).
 */
void db_set_strict_rows(bool on);
/* Whether rows are strict: app's view accessors (app/view.c) follow the
 * same switch. */
bool db_rows_strict(void);
/*
 * The member name of obj (transfer none), or NULL if it has none; when
 * rows are strict a missing one is a g_critical naming the members obj
 * has ("row has no column ...", "view has no member ...": obj_word and
 * member_word).  The one check behind db_int/db_str and app's views.
 */
JsonNode *db_strict_member(JsonObject *obj, const char *name, const char *want,
    const char *obj_word, const char *member_word);

/*
 * What a DB_ECONFLICT or DB_EINVALID error was refused by, as the server
 * reported it (PG_DIAG_CONSTRAINT_NAME, _TABLE_NAME, _COLUMN_NAME); NULL
 * for any other error or when the server named none.  Constraints are
 * named <table>_<columns>_<kind> (sql/009_schema_names.sql); a NOT NULL
 * violation has no constraint name but a column.  The strings live as
 * long as e (transfer none); copies of e (g_error_copy) carry them too.
 */
const char *db_error_constraint(const GError *e);
const char *db_error_table(const GError *e);
const char *db_error_column(const GError *e);

/* reply.c: iTIP messages from participants' calendars (mail_reply). */
struct db_reply_new {
	const char *report_id; /* the message's Message-ID, or a hash */
	gint64 participant_id, session_id;
	const char *method;   /* REPLY, REFRESH, COUNTER */
	const char *partstat; /* as sent, "" for none */
	gint64 sequence;
	const char *outcome; /* see sql/014_replies.sql */
	gint64 starts, ends; /* COUNTER: proposed, Unix seconds; else 0 */
};
/* Whether a message was handled before. */
gboolean db_reply_seen(DbConn *conn, const char *report_id, bool *seen,
    GError **error);
/* The invitation (participant_id, session_id, sequence) of the session
 * whose uid is session_uid to the participant with address (any case);
 * an empty array when there is none. */
JsonArray *db_reply_match(DbConn *conn, const char *session_uid,
    const char *address, GError **error);
/* Notes what became of a message for one invitation; once only. */
gboolean db_reply_insert(DbConn *conn, const struct db_reply_new *r,
    GError **error);
/* Queues the invitation again as it stands (REQUEST, the SEQUENCE last
 * sent); *queued 0 when it no longer stands. */
gboolean db_reply_resend(DbConn *conn, gint64 participant_id, gint64 session_id,
    gint64 *queued, GError **error);
/* COUNTERs of one participant or one session (the other 0), newest
 * first, at most 100: participant_id, name, session_id, title_nb,
 * title_en, timezone, sequence, proposed_starts_at, proposed_ends_at,
 * received_at (Unix seconds). */
JsonArray *db_reply_counters(DbConn *conn, gint64 participant_id,
    gint64 session_id, GError **error);

/* api.c: the JSON API's tokens (api_token, sql/020_api.sql). */
/* Adds a token for the enabled organiser with email (any case) on the
 * event event_id: hash is the token's SHA-256, scopes "read", "checkin"
 * or both comma-separated, expires_at Unix seconds or 0 for never.
 * Returns id and event_id; DB_ENOTFOUND for no such organiser. */
JsonObject *db_api_token_insert(DbConn *conn, gint64 event_id,
    const char *email, const char *hash, const char *scopes, gint64 expires_at,
    GError **error);
/* The live token (neither revoked nor expired, its organiser enabled)
 * whose SHA-256 is hash: id, event_id, scopes ("read,checkin"),
 * organiser_id, email, role (theirs in the token's event, "" for
 * none), current (its event is not archived);
 * DB_ENOTFOUND. */
JsonObject *db_api_token_lookup(DbConn *conn, const char *hash, GError **error);
/* webhook.c: webhook endpoints and their outbox (sql/020_api.sql). */
/* Adds an endpoint on event event_id; kinds comma-separated. */
gboolean db_webhook_insert(DbConn *conn, gint64 event_id, const char *url,
    const char *secret, const char *kinds, gint64 *id, GError **error);
/* Locks up to limit due deliveries (SKIP LOCKED): id, delivery_id, kind,
 * payload (JSON text), attempts, created_at (Unix seconds), url, secret. */
JsonArray *db_webhook_claim(DbConn *conn, unsigned limit, GError **error);
/* A delivery's outcome: sent (why NULL), or not with why and the HTTP
 * status (0: none), tried again in retry_s seconds or, retry_s < 0,
 * failed for good. */
gboolean db_webhook_mark(DbConn *conn, gint64 id, long status, const char *why,
    gint64 retry_s, GError **error);
/* Event event_id's tokens, newest first: id, email, scopes, created,
 * expires, revoked (Unix seconds or null), live. */
JsonArray *db_api_token_list(DbConn *conn, gint64 event_id, GError **error);
/* Revokes a live token of event_id; DB_ENOTFOUND for none. */
gboolean db_api_token_revoke(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
/* Event event_id's webhook endpoints: id, url, kinds, active, queued,
 * failed (deliveries in those states). */
JsonArray *db_webhook_list(DbConn *conn, gint64 event_id, GError **error);
/*
 * A page of one of the API's lists, in key order: rows after the key
 * (after[0], after[1]; 0 from the start), at most limit, of event_id;
 * status, sector (NULL: any) and session_id (0: any) filter where the
 * list has them.  Each family's file has its list (db_api_*).
 */
struct db_api_page {
	gint64 event_id;
	gint64 after[2];
	gint64 limit;
	const char *status;
	const char *sector;
	gint64 session_id;
};

#include "db/event.h"
#include "db/participant.h"
#include "db/allocation.h"
#include "db/answer.h"
#include "db/message.h"
#include "db/invitee.h"
#include "db/door.h"
#include "db/deadline.h"
#include "db/privacy.h"
#include "db/question.h"
#include "db/substitute.h"
#include "db/speaker.h"

#endif
