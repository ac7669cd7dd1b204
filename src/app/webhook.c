/*
 * webhook.c -- webhooks: an admin's endpoints, and the worker that
 * delivers the webhook outbox (docs/api.md).
 *
 * The rows are written by triggers (sql/020_api.sql) in the transaction
 * of the change, so a change rolled back sends nothing.  The worker
 * works like the mail worker: due rows locked with SKIP LOCKED (several
 * processes share the work), each POSTed signed (hook/), the outcome
 * written in the same transaction.  A process that dies after a POST and
 * before its COMMIT sends that row again: at least once, never lost, and
 * the delivery id the receiver sees is the same both times.
 */
#include "app/internal.h"
#include "base/base.h"
#include "hook/hook.h"

#include <string.h>

/* The longest wait between two tries of one delivery. */
#define WEBHOOK_MAX_DELAY_S 3600

static const char *const webhook_kinds[] = { "registration.created",
	"registration.cancelled", "placement.published", "placement.changed",
	"checkin.recorded" };

/* Every comma-separated kind is one we send, none twice. */
static bool
webhook_kinds_ok(const char *kinds)
{
	g_auto(GStrv) parts = NULL;
	size_t i, j, n;

	if (kinds == NULL || *kinds == '\0' || strlen(kinds) > 200)
		return false;
	parts = g_strsplit(kinds, ",", -1);
	n = g_strv_length(parts);
	for (i = 0; i < n; i++) {
		bool known = false;

		for (j = 0; j < G_N_ELEMENTS(webhook_kinds); j++)
			known = known ||
			    strcmp(parts[i], webhook_kinds[j]) == 0;
		for (j = 0; j < i; j++)
			known = known && strcmp(parts[i], parts[j]) != 0;
		if (!known)
			return false;
	}
	return true;
}

struct webhook_add_unit {
	const char *url, *secret, *kinds;
	gint64 id;
};

static gboolean
webhook_insert(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct webhook_add_unit *u = user;
	g_autoptr(GError) dberr = NULL;

	(void)app;
	if (!db_webhook_insert(conn, ch->event_id, u->url, u->secret, u->kinds,
	        &u->id, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->subject_id = u->id;
	ch->after = json_object_new();
	/* Not the secret: the audit log is read by every organiser. */
	json_object_set_string_member(ch->after, "url", u->url);
	json_object_set_string_member(ch->after, "kinds", u->kinds);
	return TRUE;
}

gboolean
app_webhook_add(const struct app *app, const struct app_actor *actor,
    gint64 event_id, const char *url, const char *kinds, const char *secret,
    char **secret_out, gint64 *id, GError **error)
{
	struct app_actor system = { 0, "summitctl", "admin", "", event_id };
	g_autofree char *made = NULL;
	struct webhook_add_unit u;

	if (actor != NULL && !app_require(actor, "admin", error))
		return FALSE;
	if (url == NULL || strlen(url) > 2000 ||
	    (!g_str_has_prefix(url, "http://") &&
	        !g_str_has_prefix(url, "https://")) ||
	    text_check_line(url, 2000) != TEXT_OK || strchr(url, ' ') != NULL) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "the URL must be http:// or https://");
		return FALSE;
	}
	if (!webhook_kinds_ok(kinds)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "events: a comma-separated list of registration.created, "
		    "registration.cancelled, placement.published, "
		    "placement.changed, checkin.recorded");
		return FALSE;
	}
	if (secret == NULL)
		secret = made = g_strconcat(token_new(), token_new(), NULL);
	else if (strlen(secret) < 16 || strlen(secret) > 200 ||
	    text_check_line(secret, 200) != TEXT_OK) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "the secret must have 16 to 200 characters on one line");
		return FALSE;
	}
	u = (struct webhook_add_unit){ url, secret, kinds, 0 };
	if (!app_tx_audited(app, actor != NULL ? actor : &system, NULL,
	        "webhook.add", "webhook_endpoint", webhook_insert, &u, error))
		return FALSE;
	*id = u.id;
	if (secret_out != NULL)
		*secret_out = g_strdup(secret);
	return TRUE;
}

/* What a receiver gets: {"id", "type", "created_at", "data"}, the same
 * bytes at every try (transfer full). */
static char *
webhook_body(JsonObject *row)
{
	g_autoptr(JsonParser) parser = json_parser_new_immutable();
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc(
	    db_int(row, "created_at"));
	g_autofree char *when = g_date_time_format(at, "%Y-%m-%dT%H:%M:%SZ");

	if (!json_parser_load_from_data(parser, db_str(row, "payload"), -1,
	        NULL))
		return NULL;
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_string_value(b, db_str(row, "delivery_id"));
	json_builder_set_member_name(b, "type");
	json_builder_add_string_value(b, db_str(row, "kind"));
	json_builder_set_member_name(b, "created_at");
	json_builder_add_string_value(b, when);
	json_builder_set_member_name(b, "data");
	json_builder_add_value(b, json_node_copy(json_parser_get_root(parser)));
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

struct webhook_unit {
	unsigned batch;
	unsigned sent, retried, failed;
};

static gboolean
webhook_batch(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct webhook_unit *u = user;
	const struct conf *conf = app->conf;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	guint i;

	u->sent = u->retried = u->failed = 0;
	if ((rows = db_webhook_claim(conn, u->batch, &dberr)) == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		g_autoptr(GError) herr = NULL;
		g_autofree char *body = webhook_body(row), *why = NULL;
		gint64 attempts = db_int(row, "attempts") + 1, delay = -1;
		long status = 0;

		if (body == NULL)
			why = g_strdup("the payload is not JSON");
		else if (!hook_post(db_str(row, "url"), db_str(row, "secret"),
		             db_str(row, "delivery_id"), db_str(row, "kind"),
		             body, (long)conf->webhook_timeout_seconds, &status,
		             &herr))
			why = g_strdup(herr->message);
		else if (status < 200 || status > 299)
			why = g_strdup_printf("HTTP status %ld", status);
		if (why != NULL && body != NULL &&
		    attempts < conf->webhook_max_attempts)
			delay = MIN(conf->webhook_retry_base_seconds
			        << MIN(attempts - 1, 20),
			    WEBHOOK_MAX_DELAY_S);
		if (why != NULL)
			log_info("webhook %s (%s): try %" G_GINT64_FORMAT
			         " not delivered: %s",
			    db_str(row, "delivery_id"), db_str(row, "kind"),
			    attempts, why);
		if (!db_webhook_mark(conn, db_int(row, "id"), status, why,
		        delay, &dberr))
			return app_fail_db(error, g_steal_pointer(&dberr));
		if (why == NULL)
			u->sent++;
		else if (delay >= 0)
			u->retried++;
		else
			u->failed++;
	}
	return TRUE;
}

gboolean
app_webhook_deliver(const struct app *app, unsigned batch, unsigned *sent,
    GError **error)
{
	struct webhook_unit u = { batch, 0, 0, 0 };
	gboolean ok = app_tx(app, webhook_batch, &u, error);

	*sent = ok ? u.sent : 0;
	return ok;
}
