/*
 * app.h -- Summit's use cases: register, confirm, change, cancel, expire
 * holds and promote from the waitlist, deliver the outbox.
 *
 * A use case reads like the story it implements and runs in one database
 * transaction: either all of it happened, mail included (the outbox row is
 * written in the same transaction), or none of it.  Nothing here knows
 * about HTTP; errors are SUMMIT_APP_ERROR codes that web/ maps to pages.
 */
#ifndef SUMMIT_APP_H
#define SUMMIT_APP_H

#include <stdbool.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "conf/conf.h"
#include "tmpl/tmpl.h"
#include "sheet/sheet.h"

#define SUMMIT_APP_ERROR (app_error_quark())
GQuark app_error_quark(void);

enum app_err {
	APP_OK = 0,
	APP_EINVALID,     /* input the rules refuse; see the field */
	APP_ENOTFOUND,    /* no such event, token or participant */
	APP_ECLOSED,      /* registration is not open */
	APP_EUNAVAILABLE, /* the database is away: try again later */
	APP_EINTERNAL,    /* a bug or an unexpected failure; logged */
	APP_ESTATE,       /* not possible in the current status */
	APP_EDENIED,      /* wrong e-mail or password */
	APP_ELOCKED,      /* too many failed logins: wait */
	APP_EFORBIDDEN,   /* the organiser's role does not allow it */
	APP_EEXPIRED,     /* a participant link past its lifetime */
	APP__MAX
};

/*
 * The application: the configuration, the secret key, the templates and
 * the database pool, made and owned by app.  Opaque outside app/
 * (app/internal.h): web/, ctl/ and the entry points hold a pointer and
 * use the accessors below.
 */
typedef struct app App;
struct app_open_options {
	unsigned pool_size; /* connections (0: [database] pool_size) */
	unsigned wait_ms;   /* for a free connection */
	bool key;           /* read the secret key */
	bool templates;     /* load the templates */
	/* Throttle logins, in memory per process ([security] login_*
	 * keys): summitd. */
	bool login_limits;
};
/* Loads the configuration from config_path (NULL: the default), then
 * what opt asks for, and makes the pool (it connects on first use).
 * The error is the reason, for the command to print. (transfer full) */
App *app_open(const char *config_path, const struct app_open_options *opt,
    GError **error);
void app_free(App *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(App, app_free)
const struct conf *app_conf(const struct app *app);
/*
 * A committed change may have freed a seat or made someone wait for one
 * (a decline on the page or in a calendar, a cancellation, a status
 * change, a promotion, a removal from a session): fn(data) is called
 * after the commit, on the thread that made it, so that summitd fills the
 * seat at once (app_refill_auto) rather than at its next interval.  Set
 * before any thread starts; fn must be quick and must not block.
 */
typedef void (*AppSeatsChangedFn)(gpointer data);
void app_on_seats_changed(App *app, AppSeatsChangedFn fn, gpointer data);
/* NULL unless opened with templates. */
TmplSet *app_templates(const struct app *app);
/* NULL (and *len 0) unless opened with the key. */
const guint8 *app_secret_key(const struct app *app, size_t *len);

/* Applies the migrations in dir not applied yet; *applied counts them. */
gboolean app_migrate(const struct app *app, const char *dir, unsigned *applied,
    GError **error);
/* Runs the SQL script at path (the demo event) in one transaction. */
gboolean app_load_demo(const struct app *app, const char *path, GError **error);

/*
 * view.c: the one checked way to read the JSON views app returns (each
 * use case documents its members).  A member that is null reads as 0,
 * NULL or FALSE; a member the view does not have, or of the wrong kind,
 * is a bug reported with g_critical when rows are strict
 * (SUMMIT_STRICT_ROWS=1, as db's rows), and reads the same.
 */
gint64 app_view_int(JsonObject *view, const char *name);
const char *app_view_str(JsonObject *view, const char *name);
gboolean app_view_bool(JsonObject *view, const char *name);
/* A member holding an array or an object (transfer none). */
JsonArray *app_view_array(JsonObject *view, const char *name);
JsonObject *app_view_object(JsonObject *view, const char *name);

#define APP_MAX_RANKS 5

/* A registration as the form delivers it, already checked for syntax. */
struct app_registration {
	const char *name, *email, *organisation, *sector, *role, *needs;
	const char *language;
	const char *invitation_code;    /* invitation mode only */
	gint64 sessions[APP_MAX_RANKS]; /* rank 1 first */
	size_t nsessions;
	gint64 event_id; /* the event the form was for */
	/* The event's own questions answered (app/questions.h's form
	 * shape); NULL: none given. */
	GHashTable *answers;
};

/*
 * Registers r for event r->event_id, claiming no place: the registration
 * is pending until the e-mail is confirmed (app_confirm claims the place),
 * and is deleted after confirm_hours if nobody confirms.  The sector and
 * the ranked sessions are checked before anything depends on whether the
 * e-mail is known.  A known e-mail changes nothing but has its link sent
 * again (at most link_resends_per_hour an hour), and succeeds as a new one
 * would, so the answer reveals nothing.  In invitation mode the code must
 * be good (unused uses left, bound e-mail or sector matching) whether the
 * e-mail is known or not; one use is taken for a new registration, in the
 * same transaction.
 * Every value of r is checked here as well as by the form.
 * Errors: APP_EINVALID with *refusal (may be NULL) naming the field
 * ("name", ..., "sector", "sessions" or "invitation_code"), APP_ECLOSED,
 * APP_EUNAVAILABLE, APP_EINTERNAL.
 */
struct app_refusal;
gboolean app_register(const struct app *app, const struct app_registration *r,
    struct app_refusal *refusal, GError **error);

struct app_actor;
/* Records refusals drained from the registration rate limits (key ->
 * GINT_TO_POINTER(count)) in one statement; nothing when both are empty.
 * Never on the registration path: summitd's periodic job calls it. */
gboolean app_throttle_record(const struct app *app, GHashTable *by_address,
    GHashTable *by_domain, GError **error);
/* Refused registration attempts of the last 24 hours per address and per
 * domain: {"address": [...], "domain": [...]} of {key, refusals, last
 * (text, in the event's zone)}.  Staff. */
JsonObject *app_throttle_recent(const struct app *app,
    const struct app_actor *actor, GError **error);

/* Confirms the e-mail behind token and, for a pending registration,
 * claims a place (SKIP LOCKED) or, when none is free, joins the waiting
 * list at its end.  *status gets the new status (transfer full); a second
 * confirmation changes nothing.  APP_ENOTFOUND for an unknown token. */
gboolean app_confirm(const struct app *app, const char *token, char **status,
    GError **error);

/* The participant behind token with "preferences" and "event" members
 * and "checkin", their check-in code as app_checkin_code_view gives it
 * (issued on first sight) when confirmed, else null (transfer full),
 * for their own page. */
JsonObject *app_participant_view(const struct app *app, const char *token,
    GError **error);

/* Replaces the ranking -- or, once an allocation is published, stores
 * it as a change request for the organisers (*requested true; deadline.h).
 * APP_EINVALID for a session not in the event, APP_ESTATE when the
 * registration is cancelled, APP_ECLOSED after the change deadline. */
gboolean app_participant_rerank(const struct app *app, const char *token,
    const gint64 *sessions, size_t n, bool *requested, GError **error);

/* Cancels the registration, frees the place and promotes the next on the
 * waitlist.  Cancelling twice is not an error.  A confirmed person after
 * the event's cancellation deadline: APP_ECLOSED, or cancelled and marked
 * late when the event accepts late cancellations. */
gboolean app_participant_cancel(const struct app *app, const char *token,
    GError **error);

/* Deletes unconfirmed registrations past confirm_hours, expires holds an
 * organiser gave, and fills free places from the waitlist (confirmed people
 * only, in the order they joined it); *changed counts participants deleted
 * or whose status changed. */
gboolean app_expire_and_fill(const struct app *app, unsigned *changed,
    GError **error);

/* events.c: the installation's events. */
/* Every event: id, slug, name_nb, name_en, timezone, starts_at and
 * ends_at (Unix seconds), archived; by start (transfer full). */
JsonArray *app_events(const struct app *app, GError **error);
/*
 * The event a command means: the one whose address name is slug, or with
 * slug NULL the installation's only event not archived.  APP_ENOTFOUND
 * with a message that lists the events to choose from; APP_ESTATE when
 * the command is to_change an archived event (read-only, as in the
 * console).
 */
gboolean app_event_pick(const struct app *app, const char *slug, bool to_change,
    gint64 *id, GError **error);

/* The events actor may work in (every one for an installation admin),
 * with their role there: id, slug, name_nb, name_en, starts_at (a date),
 * archived, role; archived last. */
struct app_actor;
JsonArray *app_events_of(const struct app *app, const struct app_actor *actor,
    GError **error);
/* The events not archived and not over, by start, in lang ("name"),
 * with starts_at as a date in each one's zone: the public list. */
JsonArray *app_events_upcoming(const struct app *app, const char *lang,
    GError **error);
/* A new event as a copy of from_id: settings, texts, sectors and the
 * programme, moved to begin on day ("YYYY-MM-DD"); never people.  An
 * installation admin's; audited as event.copy.  APP_EINVALID with
 * *refusal naming "slug" (bad or taken), "name_nb", "name_en" or "day". */
struct app_event_copy {
	gint64 from_id;
	const char *slug, *name_nb, *name_en, *day;
};
struct app_refusal;
gboolean app_event_copy(const struct app *app, const struct app_actor *actor,
    const struct app_event_copy *in, struct app_refusal *refusal, gint64 *id,
    GError **error);
/* Archives the actor's event (read-only in the console, closed to the
 * public) or takes it back; its admin's; audited. */
gboolean app_event_archive(const struct app *app, const struct app_actor *actor,
    bool archived, GError **error);

/* The event in language lang ("nb" or "en": "name", "title", ...
 * chosen), with "slots" (each with its "sessions") and "sectors"
 * (transfer full).  Times are text in the event's zone: the event's
 * "date", "starts", "ends" and "registration_closes", each slot's and
 * session's "starts" and "ends". */
JsonObject *app_event_view(const struct app *app, gint64 event_id,
    const char *lang, GError **error);
/* local.c: copies row's member base_LANG (e.g. title_nb) to base, for
 * each base in the NULL-terminated list. */
void app_localise(JsonObject *row, const char *lang, const char *const *bases);

/* mailer.c: the outbox worker.  One AppMailer per worker thread: it holds
 * the SMTP connection, the DKIM key and the rate limit. */
typedef struct app_mailer AppMailer;
AppMailer *app_mailer_new(const struct app *app, GError **error);
void app_mailer_free(AppMailer *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AppMailer, app_mailer_free)
/* Delivers up to batch due outbox messages; *sent counts them.  Rows are
 * claimed with SKIP LOCKED, so any number of workers may run. */
gboolean app_mail_deliver(const struct app *app, AppMailer *m, unsigned batch,
    unsigned *sent, GError **error);
/* Outbox rows in state ("queued", "sent", "failed" or "held"; APP_EINVALID
 * otherwise), newest first, at most limit (and APP_OUTBOX_MAX): views of
 * id, participant_id (null: mail to no participant), kind, recipient, state, attempts, last_error ("" for none),
 * created and next_attempt (text, in the event's zone). */
#define APP_OUTBOX_MAX 1000
JsonArray *app_outbox_list(const struct app *app, gint64 event_id,
    const char *state, unsigned limit, GError **error);
/* The DNS TXT record of the DKIM key, a zone file line "SELECTOR.
 * _domainkey.DOMAIN. IN TXT ..." (transfer full); APP_EINVALID when
 * [mail] dkim_domain is not set, the key's error when it cannot be
 * read. */
char *app_dkim_record(const struct app *app, GError **error);
/* Queues a failed (or sent) message of event_id again, as it was; actor
 * NULL is the command line.  Audited. */
struct app_actor;
gboolean app_outbox_resend(const struct app *app, gint64 event_id, gint64 id,
    const struct app_actor *actor, GError **error);

/* mailbox.c: reading the organiser's mailbox ([mailbox] in the config).
 * One AppMailbox per reading thread: it holds the IMAP connection. */
typedef struct app_mailbox AppMailbox;
/* APP_EINVALID when [mailbox] url is not set; a mail error for a bad URL
 * or a password sent without TLS; the password file's error. */
AppMailbox *app_mailbox_new(const struct app *app, GError **error);
void app_mailbox_free(AppMailbox *mb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AppMailbox, app_mailbox_free)
struct app_mailbox_counts {
	unsigned read;    /* messages fetched and classified */
	unsigned bounces; /* of them, Summit's bounces, now recorded */
	unsigned replies; /* of them, calendar replies to our invitations */
	unsigned left;    /* of them, left as they were */
	bool more;        /* more than [mailbox] batch were waiting */
};
/* Reads what is new in the mailbox since the last read (all of it after
 * a UIDVALIDITY change), up to [mailbox] batch messages, and hands each
 * to its handler.  Mail errors (MAIL_ECONFIG, MAIL_ETEMP) or app's. */
gboolean app_mailbox_read(const struct app *app, AppMailbox *mb,
    struct app_mailbox_counts *n, GError **error);

/* bounce.c: addresses that bounce, for the console.  Views of id,
 * address, status, diagnostic, bounced_at (local text), participant_id
 * (0: none), name, held (messages waiting), newest first, at most
 * APP_BOUNCE_LIST_MAX.  Staff. */
#define APP_BOUNCE_LIST_MAX 500
JsonArray *app_bounce_list(const struct app *app, const struct app_actor *actor,
    GError **error);

/* invite.c: the iCalendar object of an invitation row's payload, for the
 * recipient, in their language (transfer full). */
char *app_invitation_calendar(const struct app *app, JsonObject *payload,
    const char *lang, const char *recipient, const char *recipient_name,
    const char *page_url, GError **error);
/* What would be sent to the participant with this e-mail: for each
 * session they are placed in or were invited to (or only session_id when
 * not 0), the calendar object of the next message -- REQUEST while placed,
 * CANCEL otherwise, or method when not NULL ("request" or "cancel").
 * Objects are separated by a blank line (transfer full). */
char *app_ics_preview(const struct app *app, const char *email,
    gint64 session_id, const char *method, GError **error);
/* calendar.c: downloads and feeds (no METHOD, ORGANIZER or ATTENDEE).
 * *modified gets the newest change behind the object (Unix time), a
 * removal included; the object itself depends only on the data, so it
 * can carry an ETag. */
char *app_programme_ics(const struct app *app, gint64 event_id,
    const char *lang, gint64 *modified, GError **error);
/* The sessions whose invitations to the participant stand now (sent,
 * not cancelled, registration confirmed), by their page token
 * (is_feed false) or their feed token (is_feed true). */
char *app_participant_ics(const struct app *app, const char *token,
    bool is_feed, gint64 *modified, GError **error);
/* The feed token that belongs to a page token (transfer full): derived
 * with the secret key, so it is never stored in clear.  A feed link can
 * read the calendar, nothing else. */
char *app_feed_derive(const struct app *app, const char *page_token);
/* app_feed_derive for a page token that works (APP_ENOTFOUND,
 * APP_EEXPIRED otherwise), checked registered (transfer full). */
char *app_feed_token(const struct app *app, const char *page_token,
    GError **error);
/* The UID of a session's invitations: "<session uid>@<mail domain>". */
char *app_session_uid(const struct app *app, const char *session_uid);
/* The session uuid an iTIP UID of ours names (lower case; the domain in
 * any case), or NULL for a UID that is not ours (transfer full). */
char *app_session_uuid_of(const struct app *app, const char *uid);

/* allocate.c: place the event's confirmed participants in sessions. */
struct app_actor;
struct app_alloc_options {
	bool apply; /* write the result (else: a dry run) */
	/* A look, not a run: record nothing, not even the run (a page
	 * view is a GET, and GET never writes).  Not with apply. */
	bool preview;
	guint keep_bonus; /* 0: do not favour published placements */
	/* Who applies it: the audit entry goes in the same transaction
	 * (NULL: the command line, not audited). */
	const struct app_actor *actor;
	gint64 event_id; /* the event, when actor is NULL (else actor's) */
};
struct app_alloc_report {
	char *figures;      /* the allocator's figures, text (transfer full) */
	char *figures_json; /* the same as JSON (transfer full) */
	char *objective;    /* "placed/nowhere/cost" (transfer full) */
	gint64 run_id;
	gint64 solve_ms;
	size_t participants, placements;
	size_t added, removed, kept, moved_tables;
	size_t published_moved; /* published placements that go */
};
void app_alloc_report_clear(struct app_alloc_report *r);
/*
 * Reads the event, solves, and compares the result with the current
 * placements; records the run; with apply, replaces the placements in the
 * same transaction (on any failure the old ones stay).  Errors:
 * APP_EINVALID with the allocator's message (impossible pins),
 * APP_EUNAVAILABLE, APP_EINTERNAL.
 */
gboolean app_allocate(const struct app *app,
    const struct app_alloc_options *opt, struct app_alloc_report *report,
    GError **error);

/* publish.c: tell participants about their placements. */
struct app_publish_counts {
	gint64 invites, updates, cancels;
};
/* Queues exactly the invitations, updates and cancellations that the
 * current placements and session details call for, in one transaction;
 * publishing again with nothing changed queues nothing. */
gboolean app_publish(const struct app *app, gint64 event_id,
    struct app_publish_counts *out, GError **error);

/* organiser.c: organiser accounts and their logins. */
/* Who does an organiser action (for role checks and the audit log). */
struct app_actor {
	gint64 id;
	const char *email;
	const char *role;    /* "admin", "staff" or "door" */
	const char *address; /* the client's IP address */
	/* The event the actor works in, role being their role there; 0 for
	 * the installation's own pages (accounts, the list of events). */
	gint64 event_id;
};
#define APP_MIN_PASSWORD 12
struct app_refusal;
/* How long a login (the console's cookie) lives. */
#define APP_LOGIN_SECONDS (8 * 3600)
/* Adds an organiser account with role ("admin", "staff" or "door") in
 * event_id; with event_id 0 an installation admin (role "admin"), who may
 * do everything in every event.  An account that exists gets the role in
 * event_id (and keeps its password).  With password NULL, a new account's
 * *activation_token gets a one-time token for the activation link, where
 * the organiser sets a password (24 hours).  APP_EINVALID: a bad e-mail,
 * role or a password shorter than APP_MIN_PASSWORD characters, or an
 * installation admin's e-mail that exists. */
gboolean app_organiser_add(const struct app *app, const char *email,
    const char *role, gint64 event_id, const char *password,
    char **activation_token, GError **error);
/* The organiser an activation token belongs to: a view of id, email,
 * role; APP_ENOTFOUND for an unknown or used token, APP_EEXPIRED. */
JsonObject *app_organiser_activation_lookup(const struct app *app,
    const char *activation_token, GError **error);
/* Sets the password of the activation token's organiser.  A password
 * shorter than APP_MIN_PASSWORD characters is APP_EINVALID with *refused
 * set (field "password", APP_REASON_LENGTH), checked first. */
gboolean app_organiser_activate(const struct app *app,
    const char *activation_token, const char *password,
    struct app_refusal *refused, GError **error);

struct app_login_attempt {
	const char *email;
	const char *password;
	const char *address; /* the client's address, for the limits */
	const char *device;  /* the known-device cookie, or NULL */
};
/*
 * Checks the password.  The attempt is counted before the check, so
 * parallel attempts cannot get more guesses than the limits allow; a
 * refused one is APP_ELOCKED at once, its message the seconds to wait
 * (for Retry-After), with no password check.  APP_EDENIED for a wrong
 * e-mail or password alike, after the same work either way (an account
 * without a password yet is checked against a dummy hash).  On success
 * *login_token gets a new login's token (a new one at every login: a
 * planted cookie is never adopted) and *device a new known-device cookie
 * for the account (NULL when they are off).  Both transfer full.
 */
gboolean app_login(const struct app *app,
    const struct app_login_attempt *attempt, char **login_token, char **device,
    GError **error);
/* How long a known-device cookie lives, in seconds (0: they are off). */
gint64 app_login_device_seconds(const struct app *app);
/* The organiser of a live login: a view of id, email, name,
 * installation_admin and role, their role in event_id ("admin", "staff",
 * "door"; "" for none; with event_id 0 "admin" for an installation admin)
 * (APP_ENOTFOUND for none). */
JsonObject *app_login_check(const struct app *app, const char *login_token,
    gint64 event_id, GError **error);
/* Ends the login; an unknown token is no error. */
gboolean app_logout(const struct app *app, const char *login_token,
    GError **error);
/* True if actor may do what needs role ("door" < "staff" < "admin": the
 * door role may use the check-in desk and nothing else). */
bool app_actor_may(const struct app_actor *actor, const char *role);
/* The audit log, newest first (subject_type NULL: all). */
JsonArray *app_audit_list(const struct app *app, gint64 event_id,
    const char *subject_type, gint64 subject_id, unsigned limit,
    GError **error);

/* app.c: the token behind an outbox row's nonce (transfer full). */
char *app_link_token(const struct app *app, const char *nonce);

/*
 * refusal.c: why the rules refused a value, as a field and a reason code
 * rather than a message, for the form to show next to the field.
 * Reasons are only ever appended.
 */
enum app_reason {
	APP_REASON_MISSING = 1, /* required and not given */
	APP_REASON_INVALID,     /* not a value the field takes */
	APP_REASON_RANGE,       /* a number out of its bounds */
	APP_REASON_TAKEN,       /* another row has it already */
	APP_REASON_OVERLAP,     /* overlaps another in time */
	APP_REASON_IN_USE,      /* other rows still refer to it */
	APP_REASON_FULL,        /* nothing left to take (uses, places) */
	APP_REASON_LENGTH,      /* text too long, or empty */
	APP_REASON_ORDER,       /* must come after another field's time */
	APP_REASON__MAX
};
struct app_refusal {
	const char *field; /* static; NULL: the whole form */
	enum app_reason reason;
};
/*
 * Maps a db constraint error (DB_ECONFLICT, DB_EINVALID) to a refusal
 * through one table, constraint name -> (field, reason); a NOT NULL
 * violation of a form's column is APP_REASON_MISSING.  FALSE, *out
 * untouched, if db_error is not a refusal of a known constraint.
 */
gboolean app_refusal_from_db(const GError *db_error, struct app_refusal *out);
/* "taken", "overlap", ... (logs, tests); NULL for no reason. */
const char *app_reason_name(enum app_reason r);

/* message.c: messages to groups of participants and reminders. */
/* A message in both languages; {name}, {sessions}, {table} and {link}
 * (the person's page) are filled in for each person. */
struct app_message {
	const char *subject_nb, *subject_en;
	const char *body_nb, *body_en;
};
/* Who gets it, of the current event; "" (or 0) for any.  status: pending,
 * confirmed, waitlisted, cancelled, expired; checked: yes, no; reply
 * (the answer to an invitation, of session when one is given): accepted,
 * declined, none. */
struct app_message_filter {
	const char *status;
	const char *sector;
	const char *organisation;
	gint64 session_id;
	const char *checked;
	const char *reply;
	/* Only these people as well (the registrations list's selection,
	 * at most APP_REG_BULK_MAX); NULL: anyone. */
	const gint64 *ids;
	size_t n_ids;
};
/* True if every {word} of text is a known placeholder. */
bool app_message_placeholders_ok(const char *text);
/* text with each placeholder replaced by values (name, sessions, table,
 * link; NULL is ""); one_line turns line breaks of values into ", "
 * (a subject).  Transfer full. */
char *app_message_fill(const char *text, const char *const values[4],
    bool one_line);
/* "7, 1" as a PostgreSQL array "{7,1}", or NULL: not 1..365, or more
 * than 10 (transfer full). */
char *app_reminder_days_parse(const char *text);
/* Admin only.  Refused (APP_EINVALID and refusal): a text empty, too
 * long, with a control character or an unknown placeholder; a bad
 * filter value.  The view: recipients, skipped (bounced), and when
 * someone matches, sample_name and samples [{lang, subject, body}] for
 * the first recipient in nb and en. */
JsonObject *app_message_preview(const struct app *app,
    const struct app_actor *actor, const struct app_message *m,
    const struct app_message_filter *f, struct app_refusal *refusal,
    GError **error);
/* Queues the samples to the admin's own address (APP_ENOTFOUND: nobody
 * matches to take them from). */
gboolean app_message_test(const struct app *app, const struct app_actor *actor,
    const struct app_message *m, const struct app_message_filter *f,
    struct app_refusal *refusal, GError **error);
/* Stores the message and queues it to every recipient, audited as
 * message.send; the view: id, recipients, skipped. */
JsonObject *app_message_send(const struct app *app,
    const struct app_actor *actor, const struct app_message *m,
    const struct app_message_filter *f, struct app_refusal *refusal,
    GError **error);
/* The event's messages, newest first: id, subject_nb, subject_en,
 * recipients, skipped, created_at (text), author. */
JsonArray *app_message_list(const struct app *app,
    const struct app_actor *actor, GError **error);
/* Admin: reminders_on, reminder_days ("7, 1"), reminders_sent ("7: 120,
 * 1: 3", days and people queued so far; "" for none). */
JsonObject *app_reminder_settings(const struct app *app,
    const struct app_actor *actor, GError **error);
/* Admin, audited as event.reminders; refusal "days" for a bad list. */
gboolean app_reminder_set(const struct app *app, const struct app_actor *actor,
    bool on, const char *days, struct app_refusal *refusal, GError **error);
/* summitd's jobs loop and summitctl remind: queues the reminders due
 * now, each person's once however many processes run it; *n: how many. */
gboolean app_reminders_queue(const struct app *app, unsigned *n,
    GError **error);

#include "app/registrations.h"
#include "app/setup.h"
#include "app/seating.h"
#include "app/answer.h"
#include "app/monitor.h"
#include "app/invitees.h"
#include "app/api.h"
#include "app/door.h"
#include "app/badges.h"
#include "app/deadline.h"
#include "app/privacy.h"
#include "app/search.h"
#include "app/questions.h"
#include "app/substitute.h"
#include "app/speakers.h"

#endif
