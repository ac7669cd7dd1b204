/*
 * internal.h -- helpers the use cases in app/ share.  Not for use outside.
 */
#ifndef SUMMIT_APP_INTERNAL_H
#define SUMMIT_APP_INTERNAL_H

#include "app/app.h"

/* Takes a pooled connection; APP_EUNAVAILABLE if the database is away. */
DbConn *app_db_acquire(const struct app *app, GError **error);
/* Sets error from a db error (consumed): conflicts and constraint
 * violations become APP_EINVALID, connection trouble APP_EUNAVAILABLE. */
gboolean app_fail_db(GError **error, GError *dberr);

/*
 * Queues a mail of kind to the participant in row (id, event_id, name,
 * email, language).  With with_link, a fresh link token is made for them:
 * its hash is stored, and the outbox row holds only the nonce it derives
 * from.  Call inside the transaction of the change that causes the mail.
 */
gboolean app_queue_mail(const struct app *app, DbConn *conn, JsonObject *row,
    gint64 event_id, const char *kind, bool with_link, GError **error);

/* Fills free places from the waitlist of event_id, in registration order. */
gboolean app_promote(const struct app *app, DbConn *conn, gint64 event_id,
    unsigned *promoted, GError **error);

/* Writes one audit entry in conn's transaction: before and after are
 * the changed object's states (NULL when it did not exist). */
gboolean app_audit(DbConn *conn, const struct app_actor *actor,
    const char *action, const char *subject_type, gint64 subject_id,
    JsonObject *before, JsonObject *after, GError **error);
/* APP_EFORBIDDEN unless actor has role; true if allowed. */
gboolean app_require(const struct app_actor *actor, const char *role,
    GError **error);

#endif
