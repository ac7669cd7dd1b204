/*
 * seating.h -- use cases for the console area "seating" (included by
 * app.h): the allocation preview and its application, who sits where,
 * manual moves checked against the allocation rules, pins and bans,
 * publishing with a count of what would go out, and filling seats freed
 * after publishing (refill.c; summitd runs app_refill_auto).
 *
 * Every use case that changes something needs the admin role
 * (APP_EFORBIDDEN otherwise) and writes an audit entry in its own
 * transaction.
 */
#ifndef SUMMIT_APP_SEATING_H
#define SUMMIT_APP_SEATING_H

/* One placement of an allocation result (database ids). */
struct app_alloc_seat {
	gint64 participant_id;
	gint64 session_id;
	gint64 table_no;
	guint rank; /* 1..5, 0 for an unranked pin */
	bool pinned;
};
/* app_allocate (allocate.c), also appending every placement of the
 * result to seats (an array of struct app_alloc_seat). */
gboolean app_allocate_seats(const struct app *app,
    const struct app_alloc_options *opt, struct app_alloc_report *report,
    GArray *seats, GError **error);

/*
 * Runs the allocator as a dry run (it records the run and changes no
 * placement) and returns the page's figures (transfer full): "figures"
 * (participants, placed, nowhere, first_choice_pct, rank_hist [{rank,
 * seats, pct}]), "nowhere" (up to 500 people, with "nowhere_total"),
 * "sessions" (each with placed, fill_pct and "mix" [{sector, name, n,
 * pct}]), "diff" (added, removed, kept, moved_tables, published_moved)
 * and "current" (placed, published, pinned); names in lang.  Errors:
 * APP_EINVALID (pins that cannot be honoured), APP_EUNAVAILABLE.
 */
JsonObject *app_allocation_preview(const struct app *app, gint64 event_id,
    const char *lang, GError **error);
/* Runs the allocator and writes its placements (admin); audited as
 * "allocation.apply".  report as app_allocate's. */
gboolean app_allocation_apply(const struct app *app,
    const struct app_actor *actor, struct app_alloc_report *report,
    GError **error);

/* A session's seating (transfer full): "session", "tables" [{table_no,
 * people [...]}] for tables 1..n (and any beyond that hold people),
 * "sessions" (the event's sessions, for a move), "placed", "answers"
 * (the session's invitations by their answer now: invited, accepted,
 * tentative, declined, no_answer; answer.c), "counters" (new times
 * participants' calendars proposed for it, iTIP COUNTER, never applied:
 * participant_id, name, proposed_starts_at, proposed_ends_at,
 * received_at as local text, sequence) and "has_counters".  APP_ENOTFOUND
 * for a session not in the event. */
JsonObject *app_seating_view(const struct app *app, gint64 event_id,
    gint64 session_id, const char *lang, GError **error);

enum app_seating_action {
	APP_SEATING_MOVE, /* to another session and/or table */
	APP_SEATING_PIN,
	APP_SEATING_UNPIN,
	APP_SEATING_BAN, /* never in this session; leaves it now */
	APP_SEATING__MAX
};
struct app_seating_change {
	enum app_seating_action action;
	gint64 participant_id;
	gint64 session_id; /* where they sit now */
	gint64 to_session; /* move: 0 = the same */
	gint64 table_no;   /* move: 0 = the least full */
	bool override;     /* accept sector/org limits */
};
/*
 * Changes one placement (admin).  A move is checked against the rules:
 * capacity, the table's seats, one session per slot, a ban (never
 * overridable), the sector share and the organisation limit (overridable
 * with override).  A move pins the new placement (assignment.pinned and a
 * "pin" rule), so the next allocation run keeps it.  When a rule says
 * no, returns FALSE with APP_EINVALID and *refused (transfer full) gets
 * {"broken": [{rule, overridable, have, seats, limit, sector_nb,
 * sector_en, organisation, clash_nb, clash_en, table_no}]}.  Audited as
 * "seating.move", "seating.pin", "seating.unpin" or "seating.ban", with
 * the overridden rules in "after".  APP_ENOTFOUND: no such placement.
 */
gboolean app_seating_change(const struct app *app,
    const struct app_actor *actor, const struct app_seating_change *c,
    JsonObject **refused, GError **error);

/* What app_publish would queue now, counted in a transaction that is
 * rolled back: nothing is queued or marked. */
gboolean app_publish_preview(const struct app *app, gint64 event_id,
    struct app_publish_counts *out, GError **error);
/* app_publish for an organiser (admin), audited as "allocation.publish"
 * in the same transaction. */
gboolean app_publish_confirm(const struct app *app,
    const struct app_actor *actor, struct app_publish_counts *out,
    GError **error);

/*
 * refill.c: freed seats filled after publishing.  The allocator runs with
 * every current placement kept (checked: a run that would move one writes
 * nothing) and gives free seats, by the allocation's objective, to
 * confirmed people who ranked the session and have nothing in that slot
 * and did not decline one there; the one publish path then queues the
 * invitations, in the same transaction.  APP_ESTATE before anything is
 * published.
 */
struct app_refill_result {
	size_t added;   /* seats given */
	size_t removed; /* placements of people no longer confirmed */
	struct app_publish_counts sent;
};
/* Fills freed seats (admin); audited as "allocation.refill" when it
 * changed something. */
gboolean app_refill(const struct app *app, const struct app_actor *actor,
    struct app_refill_result *out, GError **error);
/* What app_refill would do, written nowhere (staff; transfer full):
 * "seats" [{participant_id, name, organisation, session_id, title (in
 * lang), starts, rank, table_no}], "any", "free_seats", "waiting". */
JsonObject *app_refill_preview(const struct app *app,
    const struct app_actor *actor, const char *lang, GError **error);
/* One cheap statement (transfer full): "automatic" (the event is set to
 * refill by itself), "published", "free_seats" (free seats someone who
 * could take one ranked) and "waiting" (those people). */
JsonObject *app_refill_state(const struct app *app, gint64 event_id,
    GError **error);
/* summitd's periodic job: when the event refills automatically, has
 * published and someone waits for a free seat, app_refill as "summitd"
 * (audited); *added is the seats given. */
gboolean app_refill_auto(const struct app *app, size_t *added, GError **error);

#endif
