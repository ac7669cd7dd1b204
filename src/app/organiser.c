/*
 * organiser.c -- organiser accounts, logins and the audit log.
 *
 * Passwords are argon2id hashes (base/password.c).  A login is a random
 * token in an HttpOnly cookie; the database keeps its hash, and
 * every login makes a new one, so a session identifier planted before
 * login is never adopted (no fixation).
 *
 * Guessing is slowed down in memory (base/limit.c, DESIGN.md "Limits"):
 * a growing delay per account and per client address, each attempt
 * counted before the password is checked, so a burst of parallel
 * attempts gets no more guesses than one after the other, and a refused
 * attempt is answered at once (429 with Retry-After), never slept on.
 * The per-account delay is one a stranger can drive; so that it never
 * locks the owner out, a successful login leaves a known-device cookie
 * (a random nonce with an HMAC over the account and the nonce), and a
 * browser that shows a valid one for the account it names is throttled
 * only per (account, device), which nobody else can touch.  A stolen
 * device cookie still needs the password, at the same slow rate.
 *
 * Caveats: each summitd process counts on its own, so N processes behind
 * a balancer allow N times the guesses; a restart forgets the counts.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

#define LOGIN_MAX_KEYS 65536 /* per limit: bounded memory under a flood */
#define LOGIN_FORGET_SECONDS (24 * 3600) /* quiet that long: forgotten */

struct app_login_limits {
	Limit *account;     /* key: the e-mail as typed, lower case */
	Limit *address;     /* key: limit_address_key of the client */
	Limit *device;      /* key: e-mail, newline, device nonce */
	gint64 device_days; /* 0: no known-device cookies */
	/* A hash of the same cost as a real one, for accounts that do not
	 * exist or have no password yet: every wrong answer costs one argon2
	 * run, so timing does not tell which accounts exist.  Made at start,
	 * read-only after. */
	char *dummy_hash;
};

AppLoginLimits *
app_login_limits_new(const struct conf *conf)
{
	AppLoginLimits *l = g_new0(AppLoginLimits, 1);
	g_autofree char *pw = NULL;
	double base = (double)conf->login_delay_seconds;
	double max = (double)MAX(conf->login_max_delay_seconds,
	    conf->login_delay_seconds);

	l->account = limit_backoff_new((unsigned)conf->login_free_failures,
	    base, max, LOGIN_FORGET_SECONDS, LOGIN_MAX_KEYS);
	l->device = limit_backoff_new((unsigned)conf->login_free_failures, base,
	    max, LOGIN_FORGET_SECONDS, LOGIN_MAX_KEYS);
	l->address = limit_backoff_new(
	    (unsigned)conf->login_address_free_failures, base, max,
	    LOGIN_FORGET_SECONDS, LOGIN_MAX_KEYS);
	l->device_days = conf->login_device_days;
	pw = token_new();
	l->dummy_hash = password_hash(pw);
	return l;
}

void
app_login_limits_free(AppLoginLimits *l)
{
	if (l == NULL)
		return;
	limit_free(l->account);
	limit_free(l->address);
	limit_free(l->device);
	g_free(l->dummy_hash);
	g_free(l);
}

bool
app_actor_may(const struct app_actor *actor, const char *role)
{
	if (actor == NULL || actor->role == NULL)
		return false;
	if (strcmp(actor->role, "admin") == 0)
		return true;
	if (strcmp(actor->role, "staff") == 0)
		return strcmp(role, "staff") == 0 || strcmp(role, "door") == 0;
	/* The door role: the check-in desk and nothing else. */
	return strcmp(role, "door") == 0 && strcmp(actor->role, "door") == 0;
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
		.event_id = actor ? actor->event_id : 0,
	};

	return db_audit_insert(conn, &entry, error);
}

/* An organiser account to add, or a password to set (it may run twice). */
struct organiser_unit {
	gint64 event_id; /* the event of the right; 0: installation admin */
	const char *email, *role;
	const char *password_hash;
	const char *activation_hash; /* of the password link */
	gint64 id;
	bool created; /* a new account, not only a new right */
};

static gboolean
organiser_insert(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct organiser_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	u->id = 0;
	/* An account with rights in one event may be given rights in
	 * another: then it exists already, and only the right is new. */
	if (u->event_id != 0) {
		g_autoptr(JsonObject) had = db_organiser_by_email(conn,
		    u->email, &dberr);

		if (had == NULL &&
		    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
			return app_fail_db(error, g_steal_pointer(&dberr));
		g_clear_error(&dberr);
		u->created = had == NULL;
	} else
		u->created = true;
	if (u->created &&
	    !db_organiser_insert(conn, u->email, "",
	        u->event_id != 0 ? "organiser" : "admin", u->password_hash,
	        u->activation_hash, &u->id, &dberr)) {
		if (g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ECONFLICT)) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
			    "%s is an organiser already", u->email);
			return FALSE;
		}
		return app_fail_db(error, g_steal_pointer(&dberr));
	}
	if (u->event_id != 0 &&
	    !db_organiser_grant(conn, u->event_id, u->email, u->role, &u->id,
	        &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = u->id;
	ch->after = json_object_new();
	json_object_set_string_member(ch->after, "email", u->email);
	json_object_set_string_member(ch->after, "role", u->role);
	json_object_set_int_member(ch->after, "event_id", u->event_id);
	return TRUE;
}

gboolean
app_organiser_add(const struct app *app, const char *email, const char *role,
    gint64 event_id, const char *password, char **activation_token,
    GError **error)
{
	g_autofree char *hash = NULL, *token = NULL, *activation_hash = NULL;
	struct app_actor system = { 0, "summitctl", "admin", "", event_id };
	struct organiser_unit u;

	if (text_check_email(email) != TEXT_OK ||
	    (g_strcmp0(role, "admin") != 0 && g_strcmp0(role, "staff") != 0 &&
	        g_strcmp0(role, "door") != 0)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "an e-mail address and the role admin, staff or door are "
		    "needed");
		return FALSE;
	}
	if (event_id == 0 && g_strcmp0(role, "admin") != 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "staff and door are roles in one event: name it");
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
		activation_hash = token_hash(token);
	}
	u = (struct organiser_unit){ event_id, email, role, hash,
		activation_hash, 0, false };
	if (!app_tx_audited(app, &system, NULL, "organiser.add", "organiser",
	        organiser_insert, &u, error))
		return FALSE;
	if (activation_token != NULL && u.created)
		*activation_token = g_steal_pointer(&token);
	return TRUE;
}

JsonObject *
app_organiser_activation_lookup(const struct app *app,
    const char *activation_token, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = NULL;
	JsonObject *o;
	DbConn *conn;

	if (!token_is_wellformed(activation_token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND, "no link");
		return NULL;
	}
	hash = token_hash(activation_token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	o = db_organiser_by_activation(conn, hash, &dberr);
	if (o == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return o;
}

/* Sets the password the activation link let its organiser choose; the
 * audit entry shows that it changed, not what to. */
static gboolean
organiser_password(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct organiser_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = u->id;
	if (!db_organiser_set_password(conn, u->id, u->password_hash, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_organiser_activate(const struct app *app, const char *activation_token,
    const char *password, struct app_refusal *refused, GError **error)
{
	g_autoptr(JsonObject) o = NULL;
	g_autofree char *pw = NULL;
	struct app_actor actor = { 0 };
	struct organiser_unit u;

	if (password == NULL || !g_utf8_validate(password, -1, NULL) ||
	    g_utf8_strlen(password, -1) < APP_MIN_PASSWORD) {
		*refused = (struct app_refusal){ "password",
			APP_REASON_LENGTH };
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "the password must have at least %d characters",
		    APP_MIN_PASSWORD);
		return FALSE;
	}
	if ((o = app_organiser_activation_lookup(app, activation_token,
	         error)) == NULL)
		return FALSE;
	pw = password_hash(password);
	actor = (struct app_actor){ db_int(o, "id"), db_str(o, "email"),
		db_str(o, "role"), "", 0 };
	u = (struct organiser_unit){ .password_hash = pw, .id = actor.id };
	return app_tx_audited(app, &actor, NULL, "organiser.password",
	    "organiser", organiser_password, &u, error);
}

/* The MAC of a known-device cookie: 128 bits of HMAC over both parts. */
static char *
device_mac(const struct app *app, const char *email, const char *nonce)
{
	g_autofree char *msg = g_strconcat("login-device:", email, "\n", nonce,
	    NULL);
	char *mac = token_hmac(app->key, app->keylen, msg);

	mac[TOKEN_BYTES * 2] = '\0';
	return mac;
}

/* A new cookie "NONCE.MAC" for email (transfer full). */
static char *
device_new(const struct app *app, const char *email)
{
	g_autofree char *nonce = token_new();
	g_autofree char *mac = device_mac(app, email, nonce);

	return g_strconcat(nonce, ".", mac, NULL);
}

/* The nonce of cookie if it is a valid device cookie of email (transfer
 * full), else NULL. */
static char *
device_nonce(const struct app *app, const char *email, const char *cookie)
{
	g_autofree char *nonce = NULL, *mac = NULL;
	const size_t n = TOKEN_BYTES * 2;

	if (cookie == NULL || strlen(cookie) != 2 * n + 1 || cookie[n] != '.')
		return NULL;
	nonce = g_strndup(cookie, n);
	if (!token_is_wellformed(nonce) || !token_is_wellformed(cookie + n + 1))
		return NULL;
	mac = device_mac(app, email, nonce);
	return token_equal(mac, cookie + n + 1) ? g_steal_pointer(&nonce) :
	                                          NULL;
}

/* A login's database work: the account, then its new login. */
struct login_unit {
	const char *email;     /* lower case */
	JsonObject *organiser; /* NULL: no such account */
	const char *login_hash;
	const char *address;
};

static gboolean
login_read(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct login_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	g_clear_pointer(&u->organiser, json_object_unref);
	u->organiser = db_organiser_by_email(conn, u->email, &dberr);
	if (u->organiser == NULL &&
	    !g_error_matches(dberr, SUMMIT_DB_ERROR, DB_ENOTFOUND))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

static gboolean
login_insert(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	struct login_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	if (!db_login_insert(conn, u->login_hash, db_int(u->organiser, "id"),
	        APP_LOGIN_SECONDS, u->address, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_login(const struct app *app, const struct app_login_attempt *at,
    char **login_token, char **device, GError **error)
{
	struct login_unit lu = { 0 };
	g_autoptr(JsonObject) o = NULL;
	g_autofree char *lower = g_ascii_strdown(at->email ? at->email : "",
	    -1);
	g_autofree char *nonce = NULL, *dev_key = NULL;
	g_autofree char *token = NULL, *hash = NULL, *owned = NULL;
	AppLoginLimits *lim = app->login_limits;
	const char *dummy = NULL;
	char addr[80];
	const char *stored = NULL;
	gint64 wait = 0, now = g_get_monotonic_time();
	bool good;

	*login_token = NULL;
	*device = NULL;
	limit_address_key(at->address, addr, sizeof(addr));
	/* Counted now, before the slow check: limit_take marks the attempt a
	 * failure at once, and a success takes it back. */
	if (lim != NULL && lim->device_days > 0)
		nonce = device_nonce(app, lower, at->device);
	if (nonce != NULL) {
		dev_key = g_strconcat(lower, "\n", nonce, NULL);
		if (!limit_take(lim->device, dev_key, now, &wait))
			goto throttled;
	} else if (lim != NULL &&
	    (!limit_take(lim->address, addr, now, &wait) ||
	        !limit_take(lim->account, lower, now, &wait)))
		goto throttled;

	lu.email = lower;
	if (!app_db_run(app, login_read, &lu, error))
		return FALSE;
	o = lu.organiser;
	if (o != NULL)
		stored = db_str(o, "password_hash");
	/* The same work whether the account exists, has a password yet, or
	 * not. */
	if (stored == NULL || *stored == '\0')
		stored = NULL;
	if (lim != NULL)
		dummy = lim->dummy_hash;
	else if (stored == NULL)
		dummy = owned = password_hash("no password");
	good = password_verify(stored != NULL ? stored : dummy,
	           at->password ? at->password : "") &&
	    stored != NULL && !json_object_get_boolean_member(o, "disabled");
	if (!good) {
		log_warnx("failed login for \"%s\" from %s%s", lower, addr,
		    nonce != NULL ? " (known device)" : "");
		g_set_error(error, SUMMIT_APP_ERROR, APP_EDENIED,
		    "wrong e-mail or password");
		return FALSE;
	}
	token = token_new();
	lu.login_hash = hash = token_hash(token);
	lu.address = at->address;
	if (!app_tx(app, login_insert, &lu, error))
		return FALSE;
	if (lim != NULL) {
		if (dev_key != NULL)
			limit_success(lim->device, dev_key);
		else {
			limit_success(lim->account, lower);
			limit_success(lim->address, addr);
		}
		if (lim->device_days > 0)
			*device = device_new(app, lower);
	}
	log_info("organiser %" G_GINT64_FORMAT " logged in from %s",
	    db_int(o, "id"), at->address ? at->address : "?");
	*login_token = g_steal_pointer(&token);
	return TRUE;
throttled:
	log_debug("login for \"%s\" from %s refused for %" G_GINT64_FORMAT " s",
	    lower, addr, wait);
	g_set_error(error, SUMMIT_APP_ERROR, APP_ELOCKED, "%" G_GINT64_FORMAT,
	    MAX(wait, 1));
	return FALSE;
}

gint64
app_login_device_seconds(const struct app *app)
{
	return app->login_limits != NULL ?
	    app->login_limits->device_days * 86400 :
	    0;
}

JsonObject *
app_login_check(const struct app *app, const char *login_token, gint64 event_id,
    GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = NULL;
	JsonObject *o;
	DbConn *conn;

	if (!token_is_wellformed(login_token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND, "no login");
		return NULL;
	}
	hash = token_hash(login_token);
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	o = db_login_lookup(conn, hash, event_id, &dberr);
	if (o == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	return o;
}

/* One statement, committed on its own. */
static gboolean
logout_run(const struct app *app, DbConn *conn, gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;

	(void)app;
	if (!db_login_delete(conn, user, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

gboolean
app_logout(const struct app *app, const char *login_token, GError **error)
{
	g_autofree char *hash = NULL;

	if (!token_is_wellformed(login_token))
		return TRUE;
	hash = token_hash(login_token);
	return app_db_run(app, logout_run, hash, error);
}

JsonArray *
app_audit_list(const struct app *app, gint64 event_id, const char *subject_type,
    gint64 subject_id, unsigned limit, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonArray *rows = NULL;
	DbConn *conn;

	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((tz = app_event_zone(conn, event_id, error)) != NULL &&
	    (rows = db_audit_list(conn, event_id, subject_type, subject_id,
	         limit, &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	if (rows != NULL)
		app_local_times(rows, "at", tz, "%Y-%m-%d %H:%M:%S", "");
	return rows;
}
