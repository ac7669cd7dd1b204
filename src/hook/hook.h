/*
 * hook.h -- webhook deliveries over HTTP(S) with libcurl: one signed
 * POST, its status.  Knows nothing of the outbox (app/webhook.c).
 */
#ifndef SUMMIT_HOOK_H
#define SUMMIT_HOOK_H

#include <stdbool.h>
#include <glib.h>

#define SUMMIT_HOOK_ERROR (hook_error_quark())
GQuark hook_error_quark(void);

enum hook_err {
	HOOK_OK = 0,
	HOOK_EURL,  /* not an http:// or https:// URL */
	HOOK_ESEND, /* no answer: connection, TLS, timeout */
};

/* The headers of a delivery, as docs/api.md names them. */
#define HOOK_HEADER_ID "Summit-Delivery"
#define HOOK_HEADER_KIND "Summit-Event"
#define HOOK_HEADER_TIME "Summit-Timestamp"
#define HOOK_HEADER_SIGNATURE "Summit-Signature"

/*
 * The signature of body sent at timestamp (Unix seconds) with secret:
 * "v1=" and the hex HMAC-SHA256 of "TIMESTAMP.BODY" (transfer full).
 */
char *hook_sign(const char *secret, gint64 timestamp, const char *body);

/*
 * POSTs body (application/json) to url with the delivery's headers,
 * signed now, waiting at most timeout_s; *status gets the HTTP status.
 * FALSE with HOOK_ESEND when no status came back.
 */
gboolean hook_post(const char *url, const char *secret, const char *id,
    const char *kind, const char *body, long timeout_s, long *status,
    GError **error);

#endif
