/*
 * app.c -- what the use cases share: error translation, connections, mail
 * queueing with link tokens.
 */
#include "app/internal.h"
#include "base/base.h"

GQuark
app_error_quark(void)
{
	return g_quark_from_static_string("summit-app-error-quark");
}

DbConn *
app_db_acquire(const struct app *app, GError **error)
{
	g_autoptr(GError) local = NULL;
	DbConn *conn = db_acquire(app->db, &local);

	if (conn == NULL)
		app_fail_db(error, g_steal_pointer(&local));
	return conn;
}

gboolean
app_fail_db(GError **error, GError *dberr)
{
	int code = APP_EINTERNAL;

	if (dberr != NULL && dberr->domain == SUMMIT_DB_ERROR) {
		switch (dberr->code) {
		case DB_ECONN:
			code = APP_EUNAVAILABLE;
			break;
		case DB_ENOTFOUND:
			code = APP_ENOTFOUND;
			break;
		case DB_EEXPIRED:
			code = APP_EEXPIRED;
			break;
		case DB_ECONFLICT:
		case DB_EINVALID:
			code = APP_EINVALID;
			break;
		default:
			code = APP_EINTERNAL;
		}
	}
	g_set_error(error, SUMMIT_APP_ERROR, code, "%s",
	    dberr ? dberr->message : "database error");
	if (dberr != NULL)
		g_error_free(dberr);
	return FALSE;
}

char *
app_link_token(const struct app *app, const char *nonce)
{
	g_autofree char *msg = g_strconcat("participant-link:", nonce, NULL);
	char *mac = token_hmac(app->key, app->keylen, msg);

	mac[TOKEN_BYTES * 2] = '\0';	/* 128 bits are enough */
	return mac;
}

gboolean
app_queue_mail(const struct app *app, DbConn *conn, JsonObject *row,
    gint64 event_id, const char *kind, bool with_link, GError **error)
{
	g_autofree char *nonce = NULL, *hash = NULL, *feed = NULL;
	g_autofree char *feed_hash = NULL;
	struct db_outbox_new m = {
		.event_id = event_id,
		.participant_id = db_int(row, "id"),
		.kind = kind,
		.recipient = db_str(row, "email"),
		.recipient_name = db_str(row, "name"),
		.language = db_str(row, "language"),
		.payload_json = "{}",
	};

	if (with_link) {
		g_autofree char *token = NULL;

		nonce = token_new();
		token = app_link_token(app, nonce);
		hash = token_hash(token);
		/* The page's feed link is registered now too, so showing
		 * the page (a GET) writes nothing. */
		feed = app_feed_derive(app, token);
		feed_hash = token_hash(feed);
		m.link_nonce = nonce;
		m.link_hash = hash;
		m.feed_hash = feed_hash;
	}
	return db_outbox_insert(conn, &m, NULL, error);
}
