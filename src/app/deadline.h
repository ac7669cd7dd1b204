/*
 * deadline.h -- an event's deadlines and its freeze (included by app.h;
 * deadline.c): when registration opens and closes, until when rankings
 * (and answers) may change, until when a participant may cancel, when
 * promotion from the waiting list stops, and the change requests that a
 * re-ranking becomes once an allocation is published.
 */
#ifndef SUMMIT_APP_DEADLINE_H
#define SUMMIT_APP_DEADLINE_H

/* An event's deadlines, in Unix seconds; a deadline of 0 is none. */
struct app_deadlines {
	gint64 event_id;
	gint64 now; /* the database's clock when read */
	gint64 starts_at;
	gint64 registration_opens, registration_closes;
	gint64 change_deadline;
	gint64 cancel_deadline;
	bool cancel_late_allowed;    /* after the deadline: accepted, late */
	gint64 promotion_stop_hours; /* before starts_at */
	bool published; /* an allocation is published: the freeze */
};

/* Reads event_id's deadlines into d.  APP_ENOTFOUND for no such event. */
gboolean app_deadlines_get(const struct app *app, gint64 event_id,
    struct app_deadlines *d, GError **error);
/* May a participant change their ranking or answers at now?  Until the
 * change deadline (always when there is none).  The one check for every
 * change a participant makes to what they told the organisers. */
bool app_event_may_change(const struct app_deadlines *d, gint64 now);
enum app_cancel_rule {
	APP_CANCEL_YES,  /* before the deadline, or none */
	APP_CANCEL_LATE, /* after it, accepted and marked late */
	APP_CANCEL_NO,   /* after it: the organisers must do it */
};
/* What a participant's own cancellation at now is. */
enum app_cancel_rule app_event_may_cancel(const struct app_deadlines *d,
    gint64 now);
/* Does promotion from the waiting list (and the automatic refill) still
 * run at now?  Until promotion_stop_hours before the start; never once
 * the event has started. */
bool app_event_may_promote(const struct app_deadlines *d, gint64 now);

/*
 * The deadlines as the public and participant pages show them: timezone,
 * mailbox, frozen, may_change, cancel ("yes", "late" or "no"),
 * not_yet_open, and registration_opens, registration_closes,
 * change_deadline, cancel_deadline and promotion_stop, each null when
 * there is none or an object {at ("YYYY-MM-DD HH:MM" in the event's
 * zone), wday (1 Monday .. 7 Sunday), passed}.  With participant_id > 0,
 * request: their open change request {titles_nb, titles_en,
 * requested_at} or null.
 */
JsonObject *app_deadlines_view(const struct app *app, gint64 event_id,
    gint64 participant_id, GError **error);

/* The console's form: change_deadline, cancel_deadline (local
 * "YYYY-MM-DDTHH:MM" or ""), cancel_late_allowed, promotion_stop_hours,
 * timezone.  Staff. */
JsonObject *app_deadlines_settings(const struct app *app,
    const struct app_actor *actor, gint64 event_id, GError **error);
struct app_deadline_input {
	const char *change_deadline; /* local date-time, or "" for none */
	const char *cancel_deadline;
	bool cancel_late_allowed;
	gint64 promotion_stop_hours; /* 0..8760 */
};
/* Admin: sets the deadlines, audited as "event.deadlines".  APP_EINVALID
 * with *why: a date-time not well formed (APP_REASON_INVALID), hours out
 * of range (APP_REASON_RANGE), a deadline after the event's start
 * (APP_REASON_ORDER). */
gboolean app_deadlines_update(const struct app *app,
    const struct app_actor *actor, gint64 event_id,
    const struct app_deadline_input *in, struct app_refusal *why,
    GError **error);

/* Staff: the event's open change requests, oldest first, each with id,
 * name, email, organisation, requested_at (local text), requested and
 * current (titles in lang). */
JsonObject *app_change_requests(const struct app *app,
    const struct app_actor *actor, gint64 event_id, const char *lang,
    GError **error);
/* Admin: accepts (the participant's ranking becomes the one asked for)
 * or dismisses open request id, audited as "change_request.accept" or
 * ".dismiss".  APP_ENOTFOUND: no open request of the event has that id;
 * APP_EINVALID: a session asked for is no longer offered. */
gboolean app_change_request_decide(const struct app *app,
    const struct app_actor *actor, gint64 event_id, gint64 id, bool accept,
    GError **error);

#endif
