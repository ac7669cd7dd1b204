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
#include "db/db.h"
#include "tmpl/tmpl.h"

#define SUMMIT_APP_ERROR (app_error_quark())
GQuark app_error_quark(void);

enum app_err {
	APP_OK = 0,
	APP_EINVALID,		/* input the rules refuse; see the field */
	APP_ENOTFOUND,		/* no such event, token or participant */
	APP_ECLOSED,		/* registration is not open */
	APP_EUNAVAILABLE,	/* the database is away: try again later */
	APP_EINTERNAL,		/* a bug or an unexpected failure; logged */
	APP_ESTATE,		/* not possible in the current status */
	APP__MAX
};

struct app {
	const struct conf	*conf;
	DbPool			*db;
	TmplSet			*tmpl;
	const guint8		*key;	/* the secret key */
	size_t			 keylen;
};

#define APP_MAX_RANKS 5

/* A registration as the form delivers it, already checked for syntax. */
struct app_registration {
	const char	*name, *email, *organisation, *sector, *role, *needs;
	const char	*language;
	gint64		 sessions[APP_MAX_RANKS];	/* rank 1 first */
	size_t		 nsessions;
};

enum app_reg_outcome {
	APP_REG_HELD,		/* a place is held until the e-mail is confirmed */
	APP_REG_WAITLISTED,	/* the event is full */
};

/*
 * Registers r for the current event.  A second registration with the same
 * e-mail changes nothing but sends the link again, and reports the outcome
 * a first registration would have had now, so the answer reveals nothing.
 * Errors: APP_EINVALID (error message names the field: "sector" or
 * "sessions"), APP_ECLOSED, APP_EUNAVAILABLE, APP_EINTERNAL.
 */
gboolean app_register(const struct app *app, const struct app_registration *r,
    enum app_reg_outcome *outcome, GError **error);

/* Confirms the e-mail behind token; *status gets the new status
 * (transfer full).  APP_ENOTFOUND for an unknown token. */
gboolean app_confirm(const struct app *app, const char *token, char **status,
    GError **error);

/* The participant behind token with "preferences" and "event" members
 * (transfer full), for their own page. */
JsonObject *app_participant_view(const struct app *app, const char *token,
    GError **error);

/* Replaces the ranking.  APP_EINVALID for a session not in the event,
 * APP_ESTATE when the registration is cancelled. */
gboolean app_participant_rerank(const struct app *app, const char *token,
    const gint64 *sessions, size_t n, GError **error);

/* Cancels the registration, frees the place and promotes the next on the
 * waitlist.  Cancelling twice is not an error. */
gboolean app_participant_cancel(const struct app *app, const char *token,
    GError **error);

/* Expires holds past their time and fills free places from the waitlist;
 * *changed counts participants whose status changed. */
gboolean app_expire_and_fill(const struct app *app, unsigned *changed,
    GError **error);

/* The event in language lang ("nb" or "en": "name", "title", ...
 * chosen), with "slots" (each with its "sessions") and "sectors"
 * (transfer full). */
JsonObject *app_event_view(const struct app *app, const char *lang,
    GError **error);
/* Copies row's member base_LANG (e.g. title_nb) to base, for each base
 * in the NULL-terminated list. */
void app_localise(JsonObject *row, const char *lang, const char *const *bases);

/* Delivers up to batch due outbox messages; *sent counts them. */
gboolean app_mail_deliver(const struct app *app, unsigned batch,
    unsigned *sent, GError **error);

/* allocate.c: place the event's confirmed participants in sessions. */
struct app_alloc_options {
	bool	 apply;		/* write the result (else: a dry run) */
	guint	 keep_bonus;	/* 0: do not favour published placements */
};
struct app_alloc_report {
	char	*figures;	/* the allocator's figures, text (transfer full) */
	char	*figures_json;	/* the same as JSON (transfer full) */
	char	*objective;	/* "placed/nowhere/cost" (transfer full) */
	gint64	 run_id;
	gint64	 solve_ms;
	size_t	 participants, placements;
	size_t	 added, removed, kept, moved_tables;
	size_t	 published_moved;	/* published placements that go */
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
/* Marks the current placements published (until invitations exist). */
gboolean app_mark_published(const struct app *app, GError **error);

/* publish.c: tell participants about their placements. */
struct app_publish_counts {
	gint64	invites, updates, cancels;
};
/* Queues exactly the invitations, updates and cancellations that the
 * current placements and session details call for, in one transaction;
 * publishing again with nothing changed queues nothing. */
gboolean app_publish(const struct app *app, struct app_publish_counts *out,
    GError **error);

/* links.c: the token behind an outbox row's nonce (transfer full). */
char *app_link_token(const struct app *app, const char *nonce);

#endif
