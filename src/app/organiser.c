/*
 * organiser.c -- organiser accounts, logins and the audit log.
 *
 * Passwords are argon2id hashes (base/password.c).  A login session is a
 * random token in an HttpOnly cookie; the database keeps its hash, and
 * every login makes a new one, so a session identifier planted before
 * login is never adopted (no fixation).  Failed logins are slowed down
 * and counted per account and per address: past the limits, both are
 * locked for a while, whoever guesses.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

#define ACCOUNT_FAILURES 5	/* then the account is locked */
#define ADDRESS_FAILURES 20	/* then the address is locked */
#define LOCK_SECONDS (15 * 60)

bool
app_actor_may(const struct app_actor *actor, const char *role)
{
	if (actor == NULL || actor->role == NULL)
		return false;
	if (strcmp(actor->role, "admin") == 0)
		return true;
	return strcmp(role, "staff") == 0 && strcmp(actor->role, "staff") == 0;
}

gboolean
app_require(const struct app_actor *actor, const char *role, GError **error)
{
	if (app_actor_may(actor, role))
		return TRUE;
	g_set_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN,
	    "this needs the %s role", role);
	return FALSE;
}

static char *
json_text(JsonObject *o)
{
	g_autoptr(JsonNode) n = NULL;

	if (o == NULL)
		return NULL;
	n = json_node_new(JSON_NODE_OBJECT);
	json_node_set_object(n, o);
	return json_to_string(n, FALSE);
}

gboolean
app_audit(DbConn *conn, const struct app_actor *actor, const char *action,
    const char *subject_type, gint64 subject_id, JsonObject *before,
    JsonObject *after, GError **error)
{
	g_autofree char *b = json_text(before), *a = json_text(after);
	struct db_audit entry = {
		.organiser_id = actor ? actor->id : 0,
		.actor = actor && actor->email ? actor->email : "system",
		.action = action,
		.subject_type = subject_type,
		.subject_id = subject_id,
		.before_json = b,
		.after_json = a,
		.address = actor ? actor->address : NULL,
	};

	return db_audit_insert(conn, &entry, error);
}

gboolean
app_organiser_add(const struct app *app, const char *email, const char *role,
    const char *password, char **setup_token, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = NULL, *token = NULL, *setup_hash = NULL;
	g_autoptr(JsonObject) after = json_object_new();
	struct app_actor system = { 0, "summitctl", "admin", "" };
	DbConn *conn;
	gint64 id = 0;
	gboolean ok = FALSE;

	if (text_check_email(email) != TEXT_OK ||
	    (g_strcmp0(role, "admin") != 0 && g_strcmp0(role, "staff") != 0)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "an e-mail address and the role admin or staff are needed");
		return FALSE;
	}
	if (password != NULL) {
		if (!g_utf8_validate(password, -1, NULL) ||
		    g_utf8_strlen(password, -1) < APP_MIN_PASSWORD) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "the password must have at least %d characters",
			    APP_MIN_PASSWORD);
			return FALSE;
		}
		hash = password_hash(password);
	} else {
		token = token_new();
		setup_hash = token_hash(token);
	}
	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	json_object_set_string_member(after, "email", email);
	json_object_set_string_member(after, "role", role);
	if (!db_begin(conn, &dberr) ||
	    !db_organiser_insert(conn, email, "", role, hash, setup_hash, &id,
	    &dberr) || !app_audit(conn, &system, "organiser.add", "organiser",
	    id, NULL, after, &dberr) || !db_commit(conn, &dberr)) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ECONFLICT))
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "%s is an organiser already", email);
		else
			app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	if (setup_token != NULL)
		*setup_token = g_steal_pointer(&token);
	ok = TRUE;
out:
	db_release(app->db, conn);
	return ok;
}

JsonObject *
app_organiser_setup_lookup(const struct app *app, const char *setup_token,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = NULL;
	JsonObject *o;
	DbConn *conn;

	if (!token_is_wellformed(setup_token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND, "no link");
		return NULL;
	}
	hash = token_hash(setup_token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	o = db_organiser_by_setup(conn, hash, &dberr);
	if (o == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return o;
}

gboolean
app_organiser_setup(const struct app *app, const char *setup_token,
    const char *password, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) o = NULL;
	g_autofree char *hash = NULL, *pw = NULL;
	struct app_actor actor = { 0 };
	DbConn *conn;
	gboolean ok = FALSE;

	if (password == NULL || !g_utf8_validate(password, -1, NULL) ||
	    g_utf8_strlen(password, -1) < APP_MIN_PASSWORD) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "the password must have at least %d characters",
		    APP_MIN_PASSWORD);
		return FALSE;
	}
	if ((o = app_organiser_setup_lookup(app, setup_token, error)) == NULL)
		return FALSE;
	pw = password_hash(password);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	actor = (struct app_actor){ db_int(o, "id"), db_str(o, "email"),
	    db_str(o, "role"), "" };
	if (!db_begin(conn, &dberr) ||
	    !db_organiser_set_password(conn, actor.id, pw, &dberr) ||
	    !app_audit(conn, &actor, "organiser.password", "organiser",
	    actor.id, NULL, NULL, &dberr) || !db_commit(conn, &dberr)) {
		app_fail_db(error, g_steal_pointer(&dberr));
		goto out;
	}
	ok = TRUE;
out:
	(void)hash;
	db_release(app->db, conn);
	return ok;
}

/* Locked keys refuse even the right password. */
static gboolean
login_locked(DbConn *conn, const char *key, gint64 *seconds, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(JsonObject) f = db_login_failure_get(conn, key, &local);

	*seconds = 0;
	if (f == NULL) {
		if (g_error_matches(local, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (json_object_get_boolean_member(f, "locked"))
		*seconds = MAX(db_int(f, "locked_seconds"), 1);
	return TRUE;
}

gboolean
app_login(const struct app *app, const char *email, const char *password,
    const char *address, char **session_token, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) o = NULL;
	g_autofree char *lower = g_ascii_strdown(email ? email : "", -1);
	g_autofree char *acct = g_strconcat("account:", lower, NULL);
	g_autofree char *addr = g_strconcat("address:", address ? address : "",
	    NULL);
	g_autofree char *token = NULL, *hash = NULL;
	gint64 locked_a = 0, locked_b = 0, fa = 0, fb = 0;
	bool good;
	DbConn *conn;
	gboolean ok = FALSE;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	if (!login_locked(conn, acct, &locked_a, &dberr) ||
	    !login_locked(conn, addr, &locked_b, &dberr))
		goto dbfail;
	if (locked_a > 0 || locked_b > 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ELOCKED,
		    "%" G_GINT64_FORMAT, MAX(locked_a, locked_b));
		goto out;
	}
	o = db_organiser_by_email(conn, lower, &dberr);
	if (o == NULL && !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		goto dbfail;
	g_clear_error(&dberr);
	/* The same work whether or not the account exists. */
	good = password_verify(o ? db_str(o, "password_hash") :
	    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
	    "3QHhyKtW3vVk/n1pw0kJUp/gWsl2Yv3cb+nFbZf0ZFk",
	    password ? password : "") && o != NULL &&
	    !json_object_get_boolean_member(o, "disabled");
	if (!good) {
		if (!db_login_failure_record(conn, acct, &fa, &dberr) ||
		    !db_login_failure_record(conn, addr, &fb, &dberr) ||
		    (fa >= ACCOUNT_FAILURES && !db_login_failure_lock(conn,
		    acct, LOCK_SECONDS, &dberr)) ||
		    (fb >= ADDRESS_FAILURES && !db_login_failure_lock(conn,
		    addr, LOCK_SECONDS, &dberr)))
			goto dbfail;
		log_warnx("failed login for \"%s\" from %s (%" G_GINT64_FORMAT
		    " for the account)", lower, address ? address : "?", fa);
		/* Each failure in a row costs the guesser more time. */
		g_usleep((gulong)MIN(fa, 8) * 250000);
		g_set_error(error, SUMMIT_APP_ERROR, APP_EDENIED,
		    "wrong e-mail or password");
		goto out;
	}
	token = token_new();
	hash = token_hash(token);
	if (!db_login_failure_clear(conn, acct, &dberr) ||
	    !db_login_session_insert(conn, hash, db_int(o, "id"),
	    APP_SESSION_SECONDS, address, &dberr))
		goto dbfail;
	log_info("organiser %" G_GINT64_FORMAT " logged in from %s",
	    db_int(o, "id"), address ? address : "?");
	*session_token = g_steal_pointer(&token);
	ok = TRUE;
	goto out;
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
out:
	db_release(app->db, conn);
	return ok;
}

JsonObject *
app_session(const struct app *app, const char *session_token, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = NULL;
	JsonObject *o;
	DbConn *conn;

	if (!token_is_wellformed(session_token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "no session");
		return NULL;
	}
	hash = token_hash(session_token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	o = db_login_session_lookup(conn, hash, &dberr);
	if (o == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return o;
}

gboolean
app_logout(const struct app *app, const char *session_token, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = NULL;
	DbConn *conn;
	gboolean ok;

	if (!token_is_wellformed(session_token))
		return TRUE;
	hash = token_hash(session_token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	ok = db_login_session_delete(conn, hash, &dberr);
	if (!ok)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return ok;
}

JsonArray *
app_audit_list(const struct app *app, const char *subject_type,
    gint64 subject_id, unsigned limit, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	JsonArray *rows;
	DbConn *conn;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	rows = db_audit_list(conn, subject_type, subject_id, limit, &dberr);
	if (rows == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return rows;
}
