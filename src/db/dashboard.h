/*
 * dashboard.h -- the console dashboard's figures (dashboard.c): each a
 * GROUP BY over one event's registrations, sessions or mail, so the page
 * costs a handful of statements whatever the number of people.
 */
#ifndef SUMMIT_DB_DASHBOARD_H
#define SUMMIT_DB_DASHBOARD_H

#include "db/db.h"

/* The event: timezone, capacity, places_left (free place rows now),
 * waitlisted (now).  DB_ENOTFOUND for no such event. */
JsonObject *db_dash_event(DbConn *conn, gint64 event_id, GError **error);
/*
 * One row per day in the event's zone, from the first registration's day
 * to the last day anything below happened: day ("YYYY-MM-DD"), the
 * registrations made that day by their status now (new_confirmed,
 * new_pending, new_waitlisted, new_gone: cancelled or expired), and at
 * the day's end: total (registrations made so far), confirmed (of those,
 * the ones confirmed now), taken (places held: see dashboard.c for the
 * approximation) and waiting (on the waiting list).
 */
JsonArray *db_dash_days(DbConn *conn, gint64 event_id, GError **error);
/* Per sector in the event's order: code, name_nb, name_en, colour,
 * confirmed, pending, waitlisted (registrations now). */
JsonArray *db_dash_sectors(DbConn *conn, gint64 event_id, GError **error);
/* The limit organisations with the most registrations confirmed, pending
 * or waitlisted (organisation names compared in any case): organisation,
 * n, and in every row orgs (how many organisations) and people (how
 * many such registrations). */
JsonArray *db_dash_orgs(DbConn *conn, gint64 event_id, gint64 limit,
    GError **error);
/* Per active session in programme order: id, title_nb, title_en,
 * starts_at (seconds), capacity, sector_share_pct, org_limit, ranked
 * (people who ranked it, any rank, any status), first_choices (ranked it
 * first, confirmed or waitlisted), placed, top_sector and top_org (the
 * most people one sector, one organisation has placed in it). */
JsonArray *db_dash_sessions(DbConn *conn, gint64 event_id, GError **error);
/* The event's outbox by state: sent, queued, failed, held. */
JsonObject *db_dash_mail(DbConn *conn, gint64 event_id, GError **error);

#endif
