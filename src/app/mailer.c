/*
 * mailer.c -- the outbox worker: render, compose and deliver due messages.
 *
 * Rows are claimed with SKIP LOCKED in a transaction and marked before it
 * commits: any number of workers can drain one outbox, and a crash after
 * delivery but before the commit sends the row again (at least once, with
 * the same Message-ID), never loses it.  The link in a message is derived
 * again here from the row's nonce and the secret key.
 */
#include "app/internal.h"
#include "base/base.h"
#include "mail/mail.h"

#include <string.h>

/* Renders mail/LANG/KIND.txt; its first line is "Subject: ...". */
static gboolean
mailer_render(const struct app *app, JsonObject *row, JsonObject *event,
    char **subject, char **body, GError **error)
{
	g_autoptr(JsonObject) ctx = json_object_new();
	g_autoptr(JsonNode) payload = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	const char *lang = db_str(row, "language");
	const char *nonce = db_str(row, "link_nonce");
	g_autofree char *name = g_strdup_printf("mail/%s/%s.txt",
	    lang ? lang : "nb", db_str(row, "kind"));
	char *nl;

	payload = json_from_string(db_str(row, "payload"), NULL);
	if (payload != NULL && JSON_NODE_HOLDS_OBJECT(payload))
		json_object_set_object_member(ctx, "payload",
		    json_object_ref(json_node_get_object(payload)));
	json_object_set_string_member(ctx, "name",
	    db_str(row, "recipient_name"));
	json_object_set_string_member(ctx, "public_url", app->conf->public_url);
	if (event != NULL)
		json_object_set_object_member(ctx, "event",
		    json_object_ref(event));
	if (nonce != NULL) {
		g_autofree char *token = app_link_token(app, nonce);
		g_autofree char *confirm = g_strconcat(app->conf->public_url,
		    "/confirm/", token, NULL);
		g_autofree char *page = g_strconcat(app->conf->public_url,
		    "/me/", token, NULL);

		json_object_set_string_member(ctx, "confirm_url", confirm);
		json_object_set_string_member(ctx, "page_url", page);
	}
	if (!tmpl_render(app->tmpl, name, ctx, out, error))
		return FALSE;
	if (!g_str_has_prefix(out->str, "Subject: ") ||
	    (nl = strchr(out->str, '\n')) == NULL) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
		    "template %s does not start with a Subject: line", name);
		return FALSE;
	}
	*subject = g_strndup(out->str + 9, (gsize)(nl - out->str - 9));
	*body = g_strdup(nl + 1);
	return TRUE;
}

static gboolean
mailer_send_one(const struct app *app, JsonObject *row, JsonObject *event,
    GError **error)
{
	g_autofree char *subject = NULL, *body = NULL, *msgid = NULL;
	g_autofree char *msg = NULL;
	const char *domain = strrchr(app->conf->mail_from, '@');
	struct mail_message m;

	if (!mailer_render(app, row, event, &subject, &body, error))
		return FALSE;
	/* Derived from the row, so a retried send keeps its Message-ID. */
	msgid = g_strdup_printf("<outbox-%" G_GINT64_FORMAT "@%s>",
	    db_int(row, "id"), domain ? domain + 1 : "summit.invalid");
	m = (struct mail_message){
		.from_addr = app->conf->mail_from,
		.from_name = app->conf->mail_from_name,
		.to_addr = db_str(row, "recipient"),
		.to_name = db_str(row, "recipient_name"),
		.subject = subject,
		.text = body,
		.message_id = msgid,
	};
	msg = mail_compose(&m);
	if (strcmp(app->conf->mail_transport, "maildir") == 0)
		return mail_maildir_deliver(app->conf->maildir, msg, error);
	g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ETEMP,
	    "the smtp transport is not built yet");
	return FALSE;
}

gboolean
app_mail_deliver(const struct app *app, unsigned batch, unsigned *sent,
    GError **error)
{
	static const char *const event_texts[] = { "name", NULL };
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	g_autoptr(JsonObject) event = NULL;
	DbConn *conn;
	gboolean ok = FALSE;
	guint i;

	*sent = 0;
	if ((conn = app_db_acquire(app, error)) == NULL)
		return FALSE;
	if (!db_begin(conn, &dberr))
		goto dbfail;
	rows = db_outbox_claim(conn, batch, &dberr);
	if (rows == NULL)
		goto dbfail;
	if (json_array_get_length(rows) > 0) {
		event = db_event_current(conn, NULL);
		if (event != NULL)
			app_localise(event, "nb", event_texts);
	}
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		g_autoptr(GError) why = NULL;
		gint64 id = db_int(row, "id");
		gboolean marked;

		if (mailer_send_one(app, row, event, &why)) {
			marked = db_outbox_mark_sent(conn, id, &dberr);
			(*sent)++;
		} else if (why->domain == SUMMIT_MAIL_ERROR &&
		    why->code == MAIL_ETEMP) {
			/* Exponential backoff: 30 s, 1 min, 2 min, ... 1 h. */
			unsigned delay = 30u << MIN(db_int(row, "attempts"), 7);

			log_warnx("outbox %" G_GINT64_FORMAT ": %s; retrying "
			    "in %u s", id, why->message, MIN(delay, 3600u));
			marked = db_outbox_mark_retry(conn, id, why->message,
			    MIN(delay, 3600u), &dberr);
		} else {
			log_warnx("outbox %" G_GINT64_FORMAT ": %s", id,
			    why->message);
			marked = db_outbox_mark_failed(conn, id, why->message,
			    &dberr);
		}
		if (!marked)
			goto dbfail;
	}
	if (!db_commit(conn, &dberr))
		goto dbfail;
	ok = TRUE;
	goto out;
dbfail:
	app_fail_db(error, g_steal_pointer(&dberr));
out:
	db_release(app->db, conn);
	return ok;
}
