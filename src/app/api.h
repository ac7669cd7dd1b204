/*
 * api.h -- use cases of the JSON API (/api/v1/, docs/api.md; included by
 * app.h): bearer tokens per organiser and event with scopes, the reads
 * a door app or an integration needs, and recording a check-in.
 *
 * What these return is the API's answer itself: JSON objects whose
 * members docs/openapi.json describes, times as ISO 8601 in UTC.  web
 * only serialises them.
 */
#ifndef SUMMIT_APP_API_H
#define SUMMIT_APP_API_H

struct app_refusal;

/* Scopes, as bits of struct app_api_client's scopes. */
#define APP_API_READ 0x1u
#define APP_API_CHECKIN 0x2u
/* Rows per page: the default, and the most a client may ask for. */
#define APP_API_PAGE_DEFAULT 50
#define APP_API_PAGE_MAX 200

/* Who a request's token acts for, filled in by app_api_auth. */
struct app_api_client {
	gint64 token_id;
	gint64 event_id;
	unsigned scopes; /* APP_API_* */
	char email[256];
	char role[8];
	/* The organiser, as audit entries name them (strings above). */
	struct app_actor actor;
};

/*
 * Adds a token for the organiser with email on event_id (actor's when
 * actor is not NULL) with
 * scopes ("read", "checkin" or "read,checkin"), expiring at expires_at
 * (Unix seconds; 0: never); *token gets the secret, shown once (transfer
 * full), *id its row.  Audited as api_token.add by summitctl, or by actor
 * when not NULL (admin).  APP_EINVALID for bad scopes or a time past,
 * APP_ENOTFOUND for no such enabled organiser or no event.
 */
gboolean app_api_token_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *email, const char *scopes, gint64 expires_at,
    char **token, gint64 *id, GError **error);
/*
 * The console's page: {"tokens": [{id, email, scopes, created, expires,
 * revoked (local text, "" for none), live}], "webhooks": [{id, url,
 * kinds, active, queued, failed}]} of the actor's event.  Admin.
 */
JsonObject *app_api_overview(const struct app *app,
    const struct app_actor *actor, GError **error);
/* Revokes token id, audited as api_token.revoke.  Admin.  APP_ENOTFOUND
 * for no such live token. */
gboolean app_api_token_revoke(const struct app *app,
    const struct app_actor *actor, gint64 id, GError **error);
/*
 * The client behind a bearer token, address the request's client
 * address (kept in c->actor, so address must outlive c).
 * APP_ENOTFOUND: no such live token (unknown, revoked, expired, or its
 * organiser disabled); APP_EFORBIDDEN: the token's event is archived
 * than the one this installation runs now.
 */
gboolean app_api_auth(const struct app *app, const char *token,
    const char *address, struct app_api_client *c, GError **error);

/* What a list may be asked for; app checks every member (APP_EINVALID
 * with refusal->field "limit", "cursor", "status", "sector" or
 * "session"). */
struct app_api_query {
	gint64 limit;       /* 0: APP_API_PAGE_DEFAULT */
	const char *cursor; /* the previous page's next_cursor, or NULL */
	const char *status; /* registrations: one of app_reg_statuses */
	const char *sector; /* registrations: a sector code */
	gint64 session_id;  /* placed in it; 0 any; -1 given but bad */
};
enum app_api_list {
	APP_API_REGISTRATIONS,
	APP_API_PLACEMENTS,
	APP_API_REPLIES,
	APP_API_CHECKINS,
};

/* The event: {"event": {...}}.  Scope read (APP_EFORBIDDEN). */
JsonObject *app_api_event(const struct app *app, const struct app_api_client *c,
    GError **error);
/* The sessions by time: {"sessions": [...]}.  Scope read. */
JsonObject *app_api_sessions(const struct app *app,
    const struct app_api_client *c, GError **error);
/* One page of a list: {"data": [...], "next_cursor": text or null}.
 * Scope read. */
JsonObject *app_api_list(const struct app *app, const struct app_api_client *c,
    enum app_api_list list, const struct app_api_query *q,
    struct app_refusal *refusal, GError **error);
/*
 * Checks registration_id in (scope checkin): {"registration_id",
 * "checked_in_at", "already"}; a second check-in changes nothing and
 * says already, with the first one's time.  Audited as
 * registrations.check_in.  APP_ENOTFOUND for no such registration of
 * the token's event, APP_ESTATE for one not confirmed.
 */
JsonObject *app_api_checkin(const struct app *app,
    const struct app_api_client *c, gint64 registration_id, GError **error);

/*
 * Webhooks (app/webhook.c).  Adds an endpoint on event_id (actor's when not NULL): url
 * (http:// or https://), kinds (comma-separated: registration.created,
 * registration.cancelled, placement.published, placement.changed,
 * checkin.recorded), secret (16 to 200 characters; NULL: one is made);
 * *secret_out gets it (transfer full; may be NULL), *id the endpoint.
 * Audited as webhook.add (summitctl, or actor: admin).  APP_EINVALID.
 */
gboolean app_webhook_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *url, const char *kinds, const char *secret,
    char **secret_out, gint64 *id, GError **error);
/* Delivers up to batch due webhooks, signed, in one transaction; those
 * not answered 2xx are tried again later ([webhooks]).  *sent counts
 * those delivered. */
gboolean app_webhook_deliver(const struct app *app, unsigned batch,
    unsigned *sent, GError **error);

#endif
