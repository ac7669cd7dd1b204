/*
 * internal.h -- helpers the use cases in app/ share.  Not for use outside.
 */
#ifndef SUMMIT_APP_INTERNAL_H
#define SUMMIT_APP_INTERNAL_H

#include "app/app.h"
#include "db/db.h"

/*
 * Login throttling, in memory per process ([security] login_* keys): a
 * growing delay per account and per client address, and for a browser
 * that holds a known-device cookie of the account, per (account, device)
 * instead, so a stranger's guessing never locks the owner out.  Each
 * summitd counts on its own (organiser.c; transfer full).
 */
typedef struct app_login_limits AppLoginLimits;
AppLoginLimits *app_login_limits_new(const struct conf *conf);
void app_login_limits_free(AppLoginLimits *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AppLoginLimits, app_login_limits_free)

/* What app_open makes; only app/ sees inside. */
struct app {
	struct conf *conf;
	DbPool *db;
	TmplSet *tmpl;
	const guint8 *key; /* the secret key (in conf) */
	size_t keylen;
	/* summitd's login throttling (NULL: none, as in summitctl). */
	AppLoginLimits *login_limits;
	/* app_on_seats_changed's hook (NULL: none, as in summitctl). */
	AppSeatsChangedFn seats_changed;
	gpointer seats_changed_data;
};

/* Calls app_on_seats_changed's hook, if any: after the commit only. */
void app_seats_changed(const struct app *app);

/* Takes a pooled connection; APP_EUNAVAILABLE if the database is away. */
DbConn *app_db_acquire(const struct app *app, GError **error);
/*
 * One unit of database work, run by app_db_run or app_tx: reads, or one
 * transaction.  It may run twice, so it must start from user's inputs
 * each time (overwrite its outputs, never append to them) and do nothing
 * outside the database that a second run would repeat (no mail sent, no
 * counter bumped).  It returns FALSE with error set on failure.
 */
typedef gboolean (*AppDbFunc)(const struct app *app, DbConn *conn,
    gpointer user, GError **error);
/*
 * Runs fn on a pooled connection and gives the connection back.  If fn
 * fails because the link died before a COMMIT was sent (DB_ECONN), or on
 * a serialization failure or deadlock (DB_ERETRY), fn runs once more on a
 * new connection; the second failure is the answer (APP_EUNAVAILABLE for
 * both kinds).  fn manages its own transaction, if any, and must commit
 * at most once: work committed before a later failure would be done twice.
 */
gboolean app_db_run(const struct app *app, AppDbFunc fn, gpointer user,
    GError **error);
/* app_db_run inside one transaction: BEGIN, fn, then COMMIT if fn
 * returned TRUE, else ROLLBACK.  fn must not commit itself. */
gboolean app_tx(const struct app *app, AppDbFunc fn, gpointer user,
    GError **error);
/*
 * What an audited unit tells app_tx_audited about its change: the changed
 * object's id and its states before and after (NULL where it did not or
 * no longer exists; the unit gives them, app_tx_audited frees them).  The
 * unit may set action to another name (a cancel and a reinstatement are
 * one use case) or to NULL when it changed nothing worth an entry.
 */
struct app_change {
	const char *action;
	gint64 subject_id;
	JsonObject *before;
	JsonObject *after;
	/* The actor's event, set by app_tx_audited; a unit whose actor has
	 * none (a participant) may name the event its entry belongs to. */
	gint64 event_id;
};
/* One audited unit: like AppDbFunc, and it fills in ch (zeroed but for
 * action before each run). */
typedef gboolean (*AppChangeFunc)(const struct app *app, DbConn *conn,
    struct app_change *ch, gpointer user, GError **error);
/*
 * The one way to make an audited change: checks that actor has role
 * (none when role is NULL), runs fn in one transaction with app_tx, and
 * writes the audit entry (actor, action, subject_type, what fn put in the
 * change) in that same transaction before it commits.  A failing fn
 * leaves no entry; a retried unit leaves one.
 */
gboolean app_tx_audited(const struct app *app, const struct app_actor *actor,
    const char *role, const char *action, const char *subject_type,
    AppChangeFunc fn, gpointer user, GError **error);
/* Sets error from a db error (consumed): conflicts and constraint
 * violations become APP_EINVALID, connection trouble APP_EUNAVAILABLE. */
gboolean app_fail_db(GError **error, GError *dberr);

/* local.c: the zone tzid names (an event's timezone), or UTC when tzid is
 * NULL or no zone (transfer full).  Look it up once per answer. */
GTimeZone *app_zone(const char *tzid);
/* Event event_id's zone (UTC if there is no such event; transfer full);
 * NULL with error when the database failed. */
GTimeZone *app_event_zone(DbConn *conn, gint64 event_id, GError **error);
/* t, seconds since 1970, in zone tz as text in GDateTime format fmt
 * (transfer full; "" when out of range). */
char *app_time_text(GTimeZone *tz, gint64 t, const char *fmt);
/* Replaces row's member col, seconds since 1970 from db or null, by that
 * time in tz as text (format fmt); a null becomes null_text, or stays
 * null when null_text is NULL. */
void app_local_time(JsonObject *row, const char *col, GTimeZone *tz,
    const char *fmt, const char *null_text);
/* app_local_time on each member of row named in the NULL-terminated
 * cols, a null becoming "". */
void app_local_cols(JsonObject *row, const char *const *cols, GTimeZone *tz,
    const char *fmt);
/* app_local_time on member col of every row of rows. */
void app_local_times(JsonArray *rows, const char *col, GTimeZone *tz,
    const char *fmt, const char *null_text);

/* bounce.c */
/* The Message-ID of outbox row id: "<outbox-ID@from-domain>"
 * (transfer full); the same on every retry of the row. */
char *app_outbox_message_id(const struct app *app, gint64 id);
/* The outbox row a Message-ID of ours names, or 0. */
gint64 app_outbox_id_of(const struct app *app, const char *message_id);
/* The mailbox reader's handler for bounces: records each failed recipient
 * that is Summit's (report_id makes it once) and holds queued mail to it.
 * *handled: the bounce was Summit's. */
struct mail_inbound;
gboolean app_bounce_handle(const struct app *app, DbConn *conn,
    const struct mail_inbound *in, const char *report_id, bool *handled,
    GError **error);
/* db_bounce_list with bounced_at as local text. */
JsonArray *app_bounce_of(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error);

/* answer.c: app_answer_record inside the caller's transaction on conn
 * (the mailbox reader's), audited the same way; the same errors. */
struct app_answer;
struct app_answer_result;
gboolean app_answer_in(const struct app *app, DbConn *conn,
    const struct app_answer *a, struct app_answer_result *out,
    struct app_refusal *refusal, GError **error);

/* reply.c */
/* The mailbox reader's handler for an attendee's iTIP message (REPLY,
 * REFRESH, COUNTER): see reply.c.  *handled: it matched an invitation. */
gboolean app_reply_handle(const struct app *app, DbConn *conn,
    const struct mail_inbound *in, const char *report_id, bool *handled,
    GError **error);
/* COUNTERs of one participant or one session (the other 0) for the
 * console: db_reply_counters with proposed_starts_at ("YYYY-MM-DD
 * HH:MM"), proposed_ends_at ("HH:MM") and received_at as local text. */
JsonArray *app_reply_counters(DbConn *conn, gint64 participant_id,
    gint64 session_id, GError **error);

/*
 * Queues a mail of kind to the participant in row (id, event_id, name,
 * email, language).  With with_link, a fresh link token is made for them:
 * its hash is stored, and the outbox row holds only the nonce it derives
 * from.  Call inside the transaction of the change that causes the mail.
 */
gboolean app_queue_mail(const struct app *app, DbConn *conn, JsonObject *row,
    gint64 event_id, const char *kind, bool with_link, GError **error);
/* app_queue_mail with the outbox row's payload (JSON text: what the
 * mail's template reads as payload.*); a row whose id is 0 queues mail
 * to someone who is no participant (any more). */
gboolean app_queue_mail_with(const struct app *app, DbConn *conn,
    JsonObject *row, gint64 event_id, const char *kind, bool with_link,
    const char *payload_json, GError **error);
/* participant.c: locks the participant behind a link's token in conn's
 * open transaction (id, event_id, name, email, language, status,
 * email_confirmed, substitute_for); APP_ENOTFOUND, APP_EEXPIRED. */
JsonObject *app_participant_lock(DbConn *conn, const char *token,
    GError **error);
/* substitute.c: app_confirm's part for a colleague taking over a place
 * (p: the locked participant, pending, substitute_for set); *status
 * gets "confirmed" (it happened) or "approval" (waits for an
 * organiser).  Audited.  app_substitute_drop_open: from_id's open
 * hand-over, if any, goes (a db error in *error), as when they cancel. */
gboolean app_substitute_drop_open(DbConn *conn, gint64 event_id, gint64 from_id,
    GError **error);
gboolean app_substitute_confirm_in(const struct app *app, DbConn *conn,
    JsonObject *p, const char **status, GError **error);

/* Fills free places from the waitlist of event_id, in registration order. */
gboolean app_promote(const struct app *app, DbConn *conn, gint64 event_id,
    unsigned *promoted, GError **error);

/* Writes one audit entry in conn's transaction: before and after are
 * the changed object's states (NULL when it did not exist). */
gboolean app_audit(DbConn *conn, const struct app_actor *actor,
    const char *action, const char *subject_type, gint64 subject_id,
    JsonObject *before, JsonObject *after, GError **error);
/* APP_EFORBIDDEN unless actor has role; true if allowed. */
gboolean app_require(const struct app_actor *actor, const char *role,
    GError **error);

/* allocate.c: one allocation as an audited unit (AppChangeFunc), for
 * app_allocate and for a refill (refill.c), which pins every current
 * placement, closes declined slots, writes only what it adds (and drops
 * placements of people no longer confirmed), and refuses to move one.
 * seats, if not NULL, gets the result's struct app_alloc_seat (a
 * refill's: only the new ones). */
struct alloc_unit {
	const struct app_alloc_options *opt;
	struct app_alloc_report *report;
	GArray *seats; /* or NULL */
	bool refill;
};
gboolean app_alloc_unit(const struct app *app, DbConn *conn,
    struct app_change *ch, gpointer user, GError **error);
/* publish.c: the one publish path, in conn's transaction; out gets the
 * counts; ch's action NULL writes no audit entry. */
gboolean app_publish_unit(const struct app *app, DbConn *conn,
    struct app_change *ch, struct app_publish_counts *out, GError **error);


/* message.c */
/* Fills ctx for an outbox row of kind message or reminder: subject and
 * body, or days, one_day, sessions and feed_url, for that person now;
 * token is the row's page token. */
gboolean app_message_mail_ctx(const struct app *app, DbConn *conn,
    JsonObject *row, const char *lang, const char *token, JsonObject *ctx,
    GError **error);
/* The messages participant pid got: subject (in lang), state, queued_at
 * (text in tz). */
JsonArray *app_message_of_participant(const struct app *app, DbConn *conn,
    gint64 pid, const char *lang, GTimeZone *tz, GError **error);

/* setup.c: a local "YYYY-MM-DDTHH:MM" (or a space for the T, ":SS"
 * dropped) of the years 2000..2200 in tz into Unix seconds, read as
 * PostgreSQL reads "timestamp AT TIME ZONE"; false when malformed. */
bool app_local_parse(const char *s, GTimeZone *tz, gint64 *out);
/* setup.c: one random readable invitation code. */
void app_code_new(char out[APP_CODE_LENGTH + 1]);
/* registrations.c, for the CSV imports: adds catalogue key err to row's
 * "errors"; checks one text field as the registration form does, its
 * trimmed copy into row[name], errors keyed registrations_err_<kind>. */
void app_import_row_error(JsonObject *row, const char *err);
/* registrations.c: the opening every CSV import shares (registrations,
 * invitees, the door's ticks): admin only, valid UTF-8 parsed into rows,
 * at most max_rows after a header, which *first skips when its first
 * cell is header_a or header_b (any case, trimmed).  NULL with
 * APP_EFORBIDDEN or APP_EINVALID ("csv: ..."). */
GPtrArray *app_import_csv(const struct app_actor *actor, const char *csv,
    guint max_rows, const char *header_a, const char *header_b, guint *first,
    GError **error);
void app_import_check_field(JsonObject *row, const char *name,
    const char *value, size_t max, bool required);
/* registrations.c, for the bulk actions (bulk.c): one person's status
 * change (status one of the settable ones) or promotion on p, their row
 * from db_reg_get locked, exactly as app_reg_set_status and
 * app_reg_promote do it; a refusal (APP_ESTATE, refusal "full") leaves
 * that person unchanged.  app_reg_state is their audit entries' state of
 * p (transfer full).  app_reg_filter_check checks a list's filter for
 * a selection of all its matches (page and sort ignored).
 * app_reg_export_of is app_reg_export of event_id
 * (0: the current event) and, unless ids is NULL, of ids[n] only. */
gboolean app_reg_filter_check(const struct app_reg_filter *f,
    struct db_reg_filter *out, struct app_refusal *refusal, GError **error);
gboolean app_reg_status_in(const struct app *app, DbConn *conn, JsonObject *p,
    const char *status, struct app_refusal *refusal, GError **dberr,
    GError **error);
gboolean app_reg_promote_in(const struct app *app, DbConn *conn, JsonObject *p,
    struct app_refusal *refusal, GError **dberr, GError **error);
JsonObject *app_reg_state(JsonObject *p);
char *app_reg_export_of(const struct app *app, gint64 event_id,
    const gint64 *ids, size_t n, const char *lang, enum sheet_format fmt,
    gsize *len, GError **error);
/* mailer.c's part for mails to invitees (invitees.c): fills ctx with the
 * invitee's name, code, personal link and decline link from payload's
 * invitee_id. */
gboolean app_invitee_mail_ctx(const struct app *app, DbConn *conn,
    JsonObject *payload, JsonObject *ctx, GError **error);
/* participant.c: the participant behind token locked in conn's open
 * transaction (APP_ENOTFOUND, APP_EEXPIRED); and the participant's own
 * cancellation on conn -- status, place freed, the "cancelled" mail, the
 * waiting list promoted -- for app_participant_cancel and
 * app_participant_delete (privacy.c). */
gboolean app_participant_cancel_in(const struct app *app, DbConn *conn,
    JsonObject *p, unsigned *promoted, GError **dberr);
/* privacy.c: the version of the privacy statement event_id shows in
 * lang now (16 hex digits), for the registration that sees it (transfer
 * full). */
gboolean app_privacy_version_in(const struct app *app, DbConn *conn,
    gint64 event_id, const char *lang, char **version, GError **error);
/* invitees.c, for app_privacy_purge: invitees of events past the
 * retention period erased (db_invitee_purge). */
gboolean app_invitee_purge(const struct app *app, GError **error);
/* door.c: the participant's live check-in code on conn, issued now if
 * they have none (app_checkin_code inside the caller's work);
 * APP_ESTATE unless confirmed. */
gboolean app_checkin_code_in(DbConn *conn, gint64 participant_id,
    struct app_checkin_code *out, GError **error);
/* A code as a page's view: code, short_code, qr_size, qr_path. */
JsonObject *app_checkin_code_json(const struct app_checkin_code *c);

/* deadline.c: event_id's deadlines into d, in conn's transaction (the
 * database's clock as d->now).  APP_ENOTFOUND for no such event. */
gboolean app_deadlines_in(DbConn *conn, gint64 event_id,
    struct app_deadlines *d, GError **error);

/* questions.c: answers checked in conn for a person of sector, as the
 * JSON rows db_answers_replace stores (transfer full); NULL with
 * APP_EINVALID and *refusal (may be NULL) naming the first wrong field. */
char *app_answers_rows(DbConn *conn, gint64 event_id, const char *sector,
    GHashTable *answers, struct app_refusal *refusal, GError **error);
/* questions.c: the registrations export's question columns, one per
 * question (hidden ones too), after the fixed ones: made once per
 * export, loaded with each chunk's answers (participants after < id <=
 * upto), written per row. */
struct app_qcols;
struct app_qcols *app_qcols_new(DbConn *conn, gint64 event_id, const char *lang,
    GError **error);
guint app_qcols_n(const struct app_qcols *qc);
const char *app_qcols_head(const struct app_qcols *qc, guint i);
gboolean app_qcols_load(struct app_qcols *qc, DbConn *conn, gint64 event_id,
    gint64 after, gint64 upto, GError **error);
void app_qcols_write(const struct app_qcols *qc, SheetBook *b,
    gint64 participant_id);
void app_qcols_free(struct app_qcols *qc);

/* invite.c: a session's description in lang followed by who is on stage
 * (people: summit_invitation_payload's "people" of sql/026, may be NULL),
 * one line each as mail/LANG/session_people.txt words them, for every
 * calendar that shows the session (transfer full). */
char *app_session_description(const struct app *app, JsonArray *people,
    const char *lang, const char *description, GError **error);
/* speakers.c: one flag per role (role_speaker, role_moderator,
 * role_panellist, role_host) from row's role. */
void app_speaker_role_flags(JsonObject *row);
/* speakers.c, for the programme (event.c): each row of sessions (by its
 * id) gets "people", the confirmed people on stage in order with their
 * role flags, and its capacity less the seats they take. */
gboolean app_speakers_programme(DbConn *conn, gint64 event_id,
    JsonArray *sessions, GError **error);
/* speakers.c, for a participant's page: the active sessions they are on
 * stage in (session_id, title_nb, title_en, room), role flags, date,
 * starts_at and ends_at as local clock times in tz (transfer full). */
JsonArray *app_speaker_stage(DbConn *conn, gint64 event_id,
    gint64 participant_id, GTimeZone *tz, GError **error);

#endif
