/*
 * dashboard.h -- the console dashboard's figures (dashboard.c): how
 * registration is going, day by day; the sector and organisation mix
 * against the sessions' limits; places and the waiting list over time;
 * each session's demand and fill; the event's mail.  Staff may read it.
 */
#ifndef SUMMIT_APP_DASHBOARD_H
#define SUMMIT_APP_DASHBOARD_H

#include <glib.h>
#include <json-glib/json-glib.h>

struct app;
struct app_actor;

/* Days the view holds at most (the latest ones). */
#define APP_DASH_DAYS 366
/* The figures of an event are read again at most this often. */
#define APP_DASH_CACHE_SECONDS 10
/* Organisations named; the others are summed. */
#define APP_DASH_ORGS 10

/*
 * The figures of event_id in language lang (transfer full), a view, read
 * from the database at most every APP_DASH_CACHE_SECONDS (as_of: when,
 * "HH:MM:SS" in the event's zone; cache_seconds):
 *  event: app_event_view's (the figures and the programme on top);
 *  capacity, places_left, waitlisted: exact when read;
 *  days: per day (event's zone; at most APP_DASH_DAYS, days_cut when
 *   earlier ones were left out): day ("YYYY-MM-DD"), new_confirmed,
 *   new_pending, new_waitlisted, new_gone (that day's registrations by
 *   their status now; gone: cancelled or expired), total and confirmed
 *   (running totals of those), taken, places_left, waiting (places and
 *   the waiting list at the day's end, rebuilt from timestamps: see
 *   db/dashboard.c);
 *  sectors: code, name, colour, confirmed, pending, waitlisted, total,
 *   share_pct (of all registrations confirmed, pending or waitlisted);
 *   sector_people (that sum), all_confirmed, all_pending,
 *   all_waitlisted (its parts); sector_cap_min, sector_cap_max (the active
 *   sessions' sector share limits, percent; 0 with no session);
 *  orgs: organisation, n, share_pct (the APP_DASH_ORGS largest);
 *   orgs_count, orgs_people, orgs_rest (people of the others);
 *  sessions: id, title, starts (local text), capacity, ranked,
 *   first_choices, fill_pct (first choices per seat), placed,
 *   placed_pct, top_sector, top_sector_pct (of placed),
 *   sector_share_pct, sector_over, top_org, org_limit, org_over;
 *  mail: sent, queued, failed, held, total (the event's outbox).
 * APP_EFORBIDDEN below staff, APP_ENOTFOUND for no such event.
 */
JsonObject *app_dashboard_view(const struct app *app,
    const struct app_actor *actor, gint64 event_id, const char *lang,
    GError **error);

#endif
