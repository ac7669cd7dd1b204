/*
 * search.h -- the console's global search (included by app.h): one box
 * in the console's header that finds the event's people by name, e-mail,
 * organisation or check-in code, for staff.
 */
#ifndef SUMMIT_APP_SEARCH_H
#define SUMMIT_APP_SEARCH_H

struct app_actor;

/* How many people one search shows at most. */
#define APP_SEARCH_MAX 100
/* How long a search text may be, in characters. */
#define APP_SEARCH_TEXT_MAX 200

/*
 * Staff: up to APP_SEARCH_MAX of event_id's participants whose name,
 * e-mail address or organisation holds q (any case, LIKE's wildcards
 * taken literally) or whose check-in code — live or re-issued, whole or
 * short, with or without the dash, any case — is q; by name.  Rows: id,
 * name, email, organisation, status, short_code (the live code's short
 * form, or null).  APP_EINVALID ("q") for an empty text, one longer than
 * APP_SEARCH_TEXT_MAX or holding control characters; APP_EFORBIDDEN for
 * the door role.
 */
JsonArray *app_search_people(const struct app *app,
    const struct app_actor *actor, gint64 event_id, const char *q,
    GError **error);

#endif
