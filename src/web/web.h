/*
 * web.h -- summitd's HTTP server (libmicrohttpd) and its pages.
 *
 * Handlers parse the request, call one use case in app/, and render one
 * template.  The server holds no state another summitd would need: only
 * caches that expire within a second.
 */
#ifndef SUMMIT_WEB_H
#define SUMMIT_WEB_H

#include <glib.h>
#include "app/app.h"

#define SUMMIT_WEB_ERROR (web_error_quark())
GQuark web_error_quark(void);

enum web_err {
	WEB_OK = 0,
	WEB_ESTART, /* the listener could not start */
	WEB_ELOAD,  /* a catalog or static file could not be loaded */
	WEB__MAX
};

typedef struct web Web;

/* Loads the message catalogs and static files (transfer full). */
Web *web_new(const struct app *app, GError **error);
gboolean web_start(Web *web, GError **error);
/* Adds the registration attempts the rate limits refused since the last
 * call, per address key and per e-mail domain (key, transfer full ->
 * GINT_TO_POINTER(count)), and resets them.  Thread-safe. */
void web_drain_refusals(Web *web, GHashTable *by_address,
    GHashTable *by_domain);
/* Stops accepting, finishes requests in flight, frees web. */
/* Takes no new connection, answers the requests begun (up to 10 s) and
 * stops serving; web_free does it too if not done before. */
void web_stop(Web *web);
void web_free(Web *web);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Web, web_free)

#endif
