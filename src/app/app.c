/*
 * app.c -- what the use cases share: the application itself (app_open:
 * configuration, key, templates, pool; the schema's migrations and the
 * demo), error translation, the units of database work (app_db_run,
 * app_tx, app_tx_audited: the one place where work is retried), mail
 * queueing with link tokens.
 */
#include "app/internal.h"
#include "base/base.h"

GQuark
app_error_quark(void)
{
	return g_quark_from_static_string("summit-app-error-quark");
}

App *
app_open(const char *config_path, const struct app_open_options *opt,
    GError **error)
{
	g_autoptr(App) app = g_new0(struct app, 1);

	if ((app->conf = conf_load(config_path, error)) == NULL)
		return NULL;
	if (opt->key) {
		if (!conf_load_secret(app->conf, error))
			return NULL;
		app->key = g_bytes_get_data(app->conf->secret_key,
		    &app->keylen);
	}
	if (opt->templates &&
	    (app->tmpl = tmpl_set_load(app->conf->templates_dir, error)) ==
	        NULL)
		return NULL;
	app->db = db_pool_new(app->conf->database_url,
	    opt->pool_size != 0 ? opt->pool_size :
	                          (unsigned)app->conf->pool_size,
	    opt->wait_ms);
	/* How long participant links live follows the retention period. */
	db_set_link_days((unsigned)app->conf->retention_days);
	if (opt->login_limits)
		app->login_limits = app_login_limits_new(app->conf);
	return g_steal_pointer(&app);
}

void
app_free(App *app)
{
	if (app == NULL)
		return;
	app_login_limits_free(app->login_limits);
	if (app->db != NULL)
		db_pool_free(app->db);
	if (app->tmpl != NULL)
		tmpl_set_free(app->tmpl);
	conf_free(app->conf);
	g_free(app);
}

const struct conf *
app_conf(const struct app *app)
{
	return app->conf;
}

void
app_on_seats_changed(App *app, AppSeatsChangedFn fn, gpointer data)
{
	app->seats_changed = fn;
	app->seats_changed_data = data;
}

void
app_seats_changed(const struct app *app)
{
	if (app->seats_changed != NULL)
		app->seats_changed(app->seats_changed_data);
}

TmplSet *
app_templates(const struct app *app)
{
	return app->tmpl;
}

const guint8 *
app_secret_key(const struct app *app, size_t *len)
{
	*len = app->keylen;
	return app->key;
}

/*
 * The schema's migrations and the demo script manage their own
 * transactions (one per migration), so they run on a connection of
 * their own, never again: neither is an app_db_run unit.
 */
gboolean
app_migrate(const struct app *app, const char *dir, unsigned *applied,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	DbConn *conn;
	gboolean ok;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	ok = db_migrate(conn, dir, applied, &dberr);
	db_release(app->db, conn);
	return ok || app_fail_db(error, g_steal_pointer(&dberr));
}

gboolean
app_load_demo(const struct app *app, const char *path, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	DbConn *conn;
	gboolean ok;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	ok = db_run_script(conn, path, &dberr);
	db_release(app->db, conn);
	return ok || app_fail_db(error, g_steal_pointer(&dberr));
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

/*
 * The one place where work is run again: at most once, on a new
 * connection, and only when the connection says the failure was a lost
 * link before COMMIT or a serialization failure (db_conn_retryable).  The
 * first failure is logged, not returned: the caller sees the second try.
 */
static gboolean
app_db_unit(const struct app *app, bool tx, AppDbFunc fn, gpointer user,
    GError **error)
{
	int attempt;

	for (attempt = 0;; attempt++) {
		g_autoptr(GError) local = NULL, dberr = NULL;
		DbConn *conn;
		gboolean ok;
		bool again;

		if ((conn = app_db_acquire(app, error)) == NULL)
			return FALSE;
		if (tx && !db_begin(conn, &dberr)) {
			ok = app_fail_db(&local, g_steal_pointer(&dberr));
		} else {
			ok = fn(app, conn, user, &local);
			if (tx && ok && !db_commit(conn, &dberr))
				ok = app_fail_db(&local,
				    g_steal_pointer(&dberr));
		}
		if (!ok)
			db_rollback(conn); /* before asking: it clears in_tx */
		again = !ok && attempt == 0 && db_conn_retryable(conn);
		db_release(app->db, conn);
		if (ok)
			return TRUE;
		if (!again) {
			if (local == NULL)
				g_set_error(&local, SUMMIT_APP_ERROR,
				    APP_EINTERNAL,
				    "unit of work failed "
				    "without an error");
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		log_info("database unit failed (%s); running it again on a "
		         "new connection",
		    local ? local->message : "no error");
	}
}

gboolean
app_db_run(const struct app *app, AppDbFunc fn, gpointer user, GError **error)
{
	return app_db_unit(app, false, fn, user, error);
}

gboolean
app_tx(const struct app *app, AppDbFunc fn, gpointer user, GError **error)
{
	return app_db_unit(app, true, fn, user, error);
}

/* app_tx_audited's unit: the caller's fn, then the audit entry. */
struct audited_unit {
	const struct app_actor *actor;
	const char *action;
	const char *subject_type;
	AppChangeFunc fn;
	gpointer user;
	struct app_change ch;
};

static void
change_clear(struct app_change *ch)
{
	g_clear_pointer(&ch->before, json_object_unref);
	g_clear_pointer(&ch->after, json_object_unref);
}

static gboolean
audited_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct audited_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	/* A second run starts from nothing the first one left. */
	change_clear(&u->ch);
	u->ch = (struct app_change){ .action = u->action,
		.event_id = u->actor != NULL ? u->actor->event_id : 0 };
	if (!u->fn(app, conn, &u->ch, u->user, error))
		return FALSE;
	if (u->ch.action != NULL) {
		/* In the event the unit says (a participant's own change
		 * names theirs), else the actor's. */
		struct app_actor who = *u->actor;

		who.event_id = u->ch.event_id;
		if (!app_audit(conn, &who, u->ch.action, u->subject_type,
		        u->ch.subject_id, u->ch.before, u->ch.after, &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
	}
	return TRUE;
}

gboolean
app_tx_audited(const struct app *app, const struct app_actor *actor,
    const char *role, const char *action, const char *subject_type,
    AppChangeFunc fn, gpointer user, GError **error)
{
	struct audited_unit u = { actor, action, subject_type, fn, user,
		{ 0 } };
	gboolean ok;

	if (role != NULL && !app_require(actor, role, error))
		return FALSE;
	ok = app_tx(app, audited_run, &u, error);
	change_clear(&u.ch);
	return ok;
}

gboolean
app_fail_db(GError **error, GError *dberr)
{
	int code = APP_EINTERNAL;

	if (dberr != NULL && dberr->domain == SUMMIT_DB_ERROR) {
		switch (dberr->code) {
		case DB_ECONN:
		case DB_ERETRY: /* still after one more try: busy */
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

	mac[TOKEN_BYTES * 2] = '\0'; /* 128 bits are enough */
	return mac;
}

gboolean
app_queue_mail(const struct app *app, DbConn *conn, JsonObject *row,
    gint64 event_id, const char *kind, bool with_link, GError **error)
{
	return app_queue_mail_with(app, conn, row, event_id, kind, with_link,
	    "{}", error);
}

gboolean
app_queue_mail_with(const struct app *app, DbConn *conn, JsonObject *row,
    gint64 event_id, const char *kind, bool with_link, const char *payload_json,
    GError **error)
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
		.payload_json = payload_json,
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
