/*
 * mailer.c -- the outbox worker: render, compose, sign and deliver due
 * messages.
 *
 * Rows are claimed with SKIP LOCKED in a transaction and marked before it
 * commits: any number of workers can drain one outbox and no row is sent
 * twice while nothing crashes.  A crash after the server accepted a message
 * but before the commit sends that batch again -- at least once, never
 * lost -- with the same Message-ID, which is derived from the row.
 *
 * Links are derived again here from the row's nonce and the secret key,
 * and their hashes registered, so the outbox never holds a secret.
 * Temporary failures are retried with exponential backoff and jitter until
 * the row is older than max_age_hours; permanent ones fail at once with
 * the server's answer.  Sending is paced to rate_per_second per worker.
 */
#include "app/internal.h"
#include "base/base.h"
#include "mail/mail.h"

#include <string.h>
#include <unistd.h>

struct app_mailer {
	MailSmtp *smtp;      /* NULL for the maildir transport */
	MailDkim *dkim;      /* NULL: no signing */
	gint64 next_send_us; /* pacing: earliest next send */
};

AppMailer *
app_mailer_new(const struct app *app, GError **error)
{
	const struct conf *c = app->conf;
	g_autoptr(AppMailer) m = g_new0(AppMailer, 1);
	g_autofree char *password = NULL;

	if (c->dkim_domain[0] != '\0') {
		m->dkim = mail_dkim_new(c->dkim_domain, c->dkim_selector,
		    c->dkim_key_file, error);
		if (m->dkim == NULL)
			return NULL;
	}
	if (strcmp(c->mail_transport, "smtp") == 0) {
		struct mail_smtp_options o = {
			.url = c->smtp_url,
			.starttls_required = c->smtp_starttls,
			.user = c->smtp_user[0] ? c->smtp_user : NULL,
			.timeout_seconds = (long)c->smtp_timeout_seconds,
			.ca_file = c->smtp_ca_file[0] ? c->smtp_ca_file : NULL,
		};

		if (c->smtp_password_file[0] != '\0') {
			if (!g_file_get_contents(c->smtp_password_file,
			        &password, NULL, error))
				return NULL;
			g_strchomp(password);
			o.password = password;
		}
		m->smtp = mail_smtp_new(&o);
	}
	return g_steal_pointer(&m);
}

void
app_mailer_free(AppMailer *m)
{
	if (m == NULL)
		return;
	g_clear_pointer(&m->smtp, mail_smtp_free);
	g_clear_pointer(&m->dkim, mail_dkim_free);
	g_free(m);
}

char *
app_dkim_record(const struct app *app, GError **error)
{
	const struct conf *c = app->conf;
	g_autoptr(MailDkim) dkim = NULL;
	g_autofree char *record = NULL;

	if (c->dkim_domain[0] == '\0') {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "[mail] dkim_domain is not set");
		return NULL;
	}
	dkim = mail_dkim_new(c->dkim_domain, c->dkim_selector, c->dkim_key_file,
	    error);
	if (dkim == NULL)
		return NULL;
	record = mail_dkim_dns_record(dkim);
	return g_strdup_printf("%s._domainkey.%s. IN TXT \"%s\"",
	    c->dkim_selector, c->dkim_domain, record);
}

static bool
is_invitation(const char *kind)
{
	return g_str_has_prefix(kind, "invite");
}

/* Puts time t (ISO 8601 UTC, from the payload) into ctx as key, in zone
 * tz and format fmt; leaves it out when t does not parse. */
static void
mailer_local_time(JsonObject *ctx, const char *key, const char *t,
    GTimeZone *tz, const char *fmt)
{
	g_autoptr(GDateTime) utc = t ? g_date_time_new_from_iso8601(t, NULL) :
	                               NULL;
	g_autofree char *text = NULL;

	if (utc == NULL)
		return;
	text = app_time_text(tz, g_date_time_to_unix(utc), fmt);
	json_object_set_string_member(ctx, key, text);
}

/* Fills ctx with what an invitation's text shows, in lang: its times in
 * the event's zone, written here (the payload holds them in UTC). */
static void
mailer_invitation_ctx(JsonObject *ctx, JsonObject *payload, const char *lang)
{
	static const char *const keys[] = { "room", "venue", "timezone", NULL };
	g_autofree char *title = g_strconcat("title_", lang, NULL);
	const char *zone = json_object_get_string_member_with_default(payload,
	    "timezone", NULL);
	const char *starts = json_object_get_string_member_with_default(payload,
	    "starts_utc", NULL);
	g_autoptr(GTimeZone) tz = app_zone(zone);
	const char *const *k;

	json_object_set_string_member(ctx, "title",
	    json_object_has_member(payload, title) ?
	        json_object_get_string_member(payload, title) :
	        "");
	for (k = keys; *k != NULL; k++)
		if (json_object_has_member(payload, *k))
			json_object_set_string_member(ctx, *k,
			    json_object_get_string_member(payload, *k));
	mailer_local_time(ctx, "date_local", starts, tz, "%Y-%m-%d");
	mailer_local_time(ctx, "starts_local", starts, tz, "%H:%M");
	mailer_local_time(ctx, "ends_local",
	    json_object_get_string_member_with_default(payload, "ends_utc",
	        NULL),
	    tz, "%H:%M");
	/* Someone on stage is told their role, not that they have a seat
	 * (speakers.c). */
	json_object_set_boolean_member(ctx, "on_stage",
	    json_object_has_member(payload, "stage_role"));
	if (json_object_has_member(payload, "stage_role")) {
		JsonObject *r = json_object_new();

		json_object_set_string_member(r, "role",
		    json_object_get_string_member(payload, "stage_role"));
		app_speaker_role_flags(r);
		json_object_set_object_member(ctx, "stage", r);
	}
	/* The texts say "Norwegian time" for Oslo, else name the zone. */
	json_object_set_boolean_member(ctx, "zone_oslo",
	    g_strcmp0(zone, "Europe/Oslo") == 0);
}

/* The kinds of mail a confirmed participant gets whose texts show the
 * check-in code ({{#checkin}} in mail/LANG/KIND.txt). */
static bool
carries_code(const char *kind)
{
	static const char *const kinds[] = { "invite", "invite_update",
		"invited", "promoted", "link_again", "reminder", "confirmed" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

/* ctx's checkin ({ short_code }, or null) and *png, the QR code the mail
 * carries as an inline image: for a kind that shows it, to a participant
 * who is confirmed when it is sent (their code issued now if need be). */
static gboolean
mailer_checkin(DbConn *conn, JsonObject *row, JsonObject *ctx, GBytes **png,
    GError **error)
{
	g_autoptr(GError) local = NULL;
	struct app_checkin_code code;
	gint64 pid = db_int(row, "participant_id");
	JsonObject *c;

	*png = NULL;
	json_object_set_null_member(ctx, "checkin");
	if (pid <= 0 || !carries_code(db_str(row, "kind")))
		return TRUE;
	if (!app_checkin_code_in(conn, pid, &code, &local)) {
		if (g_error_matches(local, SUMMIT_APP_ERROR, APP_ESTATE) ||
		    g_error_matches(local, SUMMIT_APP_ERROR, APP_ENOTFOUND))
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	c = json_object_new();
	json_object_set_string_member(c, "short_code", code.short_code);
	json_object_set_object_member(ctx, "checkin", c);
	/* 6 pixels a module: about 3 cm on a phone, plenty for a scanner. */
	*png = app_checkin_qr_png(code.code, 6);
	return TRUE;
}

/* Renders mail/LANG/KIND.txt (first line "Subject: ...") and, for
 * invitations, the calendar object; *png gets the check-in QR code the
 * mail carries, or NULL. */
static gboolean
mailer_render(const struct app *app, DbConn *conn, JsonObject *row,
    JsonObject *event, char **subject, char **body, char **calendar,
    GBytes **png, GError **error)
{
	g_autoptr(JsonObject) ctx = json_object_new();
	g_autoptr(JsonNode) payload = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *page = NULL, *page_token = NULL;
	const char *lang = db_str(row, "language");
	const char *kind = db_str(row, "kind");
	const char *nonce = db_str(row, "link_nonce");
	g_autofree char *name = NULL;
	JsonObject *pl = NULL;
	char *nl;

	lang = g_strcmp0(lang, "en") == 0 ? "en" : "nb";
	name = g_strdup_printf("mail/%s/%s.txt", lang, kind);
	payload = json_from_string(db_str(row, "payload"), NULL);
	if (payload != NULL && JSON_NODE_HOLDS_OBJECT(payload)) {
		pl = json_node_get_object(payload);
		json_object_set_object_member(ctx, "payload",
		    json_object_ref(pl));
	}
	json_object_set_string_member(ctx, "name",
	    db_str(row, "recipient_name"));
	json_object_set_string_member(ctx, "public_url", app->conf->public_url);
	json_object_set_int_member(ctx, "confirm_hours",
	    app->conf->confirm_hours);
	if (event != NULL) {
		JsonObject *ev = json_object_new();
		g_autofree char *key = g_strconcat("name_", lang, NULL);

		/* The event's name in the recipient's language. */
		json_object_set_string_member(ev, "name", db_str(event, key));
		json_object_set_string_member(ev, "venue",
		    db_str(event, "venue"));
		json_object_set_object_member(ctx, "event", ev);
	}
	if (nonce != NULL) {
		g_autofree char *token = app_link_token(app, nonce);
		g_autofree char *hash = token_hash(token);
		g_autofree char *confirm = g_strconcat(app->conf->public_url,
		    "/confirm/", token, NULL);

		g_autofree char *feed = app_feed_derive(app, token);
		g_autofree char *feed_hash = token_hash(feed);

		/* The link works from the moment the mail exists; doing it
		 * again on a retry changes nothing.  The feed link its page
		 * shows is registered with it, so showing the page (a GET)
		 * writes nothing.  Rows queued by app_queue_mail have both
		 * already: no new row, so no foreign-key lock on the
		 * participant that could deadlock with an erasure waiting
		 * for this outbox row. */
		if (!db_token_insert(conn, db_int(row, "participant_id"), hash,
		        "manage", error) ||
		    !db_token_insert(conn, db_int(row, "participant_id"),
		        feed_hash, "feed", error))
			return FALSE;
		page = g_strconcat(app->conf->public_url, "/me/", token, NULL);
		page_token = g_strdup(token);
		json_object_set_string_member(ctx, "confirm_url", confirm);
		json_object_set_string_member(ctx, "page_url", page);
	}
	/* Mails to invitees: their code and links (invitees.c). */
	if (g_str_has_prefix(kind, "invitation_") &&
	    !app_invitee_mail_ctx(app, conn, pl, ctx, error))
		return FALSE;
	*calendar = NULL;
	/* A message or reminder: that person's values as they are now. */
	if ((strcmp(kind, "message") == 0 || strcmp(kind, "reminder") == 0) &&
	    !app_message_mail_ctx(app, conn, row, lang, page_token, ctx, error))
		return FALSE;
	if (!mailer_checkin(conn, row, ctx, png, error))
		return FALSE;
	if (is_invitation(kind)) {
		if (pl == NULL) {
			g_set_error(error, SUMMIT_APP_ERROR, APP_EINTERNAL,
			    "invitation without payload");
			return FALSE;
		}
		mailer_invitation_ctx(ctx, pl, lang);
		*calendar = app_invitation_calendar(app, pl, lang,
		    db_str(row, "recipient"), db_str(row, "recipient_name"),
		    page, error);
		if (*calendar == NULL)
			return FALSE;
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

/* Waits until the next send is allowed by rate_per_second. */
static void
mailer_pace(const struct app *app, AppMailer *m)
{
	gint64 now = g_get_monotonic_time();
	gint64 step = G_USEC_PER_SEC / app->conf->mail_rate_per_second;

	if (m->next_send_us > now)
		g_usleep((gulong)(m->next_send_us - now));
	m->next_send_us = MAX(now, m->next_send_us) + step;
}

static gboolean
mailer_send_one(const struct app *app, AppMailer *m, DbConn *conn,
    JsonObject *row, JsonObject *event, GError **error)
{
	g_autofree char *subject = NULL, *body = NULL, *msgid = NULL;
	g_autofree char *calendar = NULL, *msg = NULL, *signed_msg = NULL;
	g_autofree char *cid = NULL;
	g_autoptr(GBytes) png = NULL;
	const char *kind = db_str(row, "kind");
	struct mail_message mm;

	if (!mailer_render(app, conn, row, event, &subject, &body, &calendar,
	        &png, error))
		return FALSE;
	/* Derived from the row, so a retried send keeps its Message-ID. */
	msgid = app_outbox_message_id(app, db_int(row, "id"));
	mm = (struct mail_message){
		.from_addr = app->conf->mail_from,
		/* The event's own sender name, if it has one. */
		.from_name = event != NULL && *db_str(event, "sender_name") ?
		    db_str(event, "sender_name") :
		    app->conf->mail_from_name,
		.to_addr = db_str(row, "recipient"),
		.to_name = db_str(row, "recipient_name"),
		.subject = subject,
		.text = body,
		.message_id = msgid,
		.calendar = calendar,
		.calendar_method = calendar == NULL    ? NULL :
		    strcmp(kind, "invite_cancel") == 0 ? "CANCEL" :
		                                         "REQUEST",
	};
	if (png != NULL) {
		cid = g_strdup_printf("checkin-%" G_GINT64_FORMAT "@summit",
		    db_int(row, "id"));
		mm.image = g_bytes_get_data(png, &mm.image_len);
		mm.image_type = "image/png";
		mm.image_name = "checkin-code.png";
		mm.image_cid = cid;
	}
	msg = mail_compose(&mm);
	if (m->dkim != NULL) {
		signed_msg = mail_dkim_sign(m->dkim, msg, error);
		if (signed_msg == NULL)
			return FALSE;
	}
	mailer_pace(app, m);
	if (m->smtp == NULL)
		return mail_maildir_deliver(app->conf->maildir,
		    signed_msg ? signed_msg : msg, error);
	return mail_smtp_send(m->smtp, app->conf->mail_from,
	    db_str(row, "recipient"), signed_msg ? signed_msg : msg, error);
}

/* Records what happened to one row; false only if the database failed.
 * *retried: it will be tried again (else it failed for good). */
static gboolean
mailer_mark(const struct app *app, DbConn *conn, JsonObject *row,
    const GError *why, bool *retried, GError **error)
{
	gint64 id = db_int(row, "id");
	gint64 age_h = db_int(row, "age") / 3600;
	bool temporary = why->domain == SUMMIT_MAIL_ERROR &&
	    (why->code == MAIL_ETEMP || why->code == MAIL_ECONFIG);
	g_autofree char *text = text_one_line(why->message);

	*retried = temporary && age_h < app->conf->mail_max_age_hours;
	if (*retried) {
		/* base, 2 x base, 4 x base ... (30 s, 1, 2, 4 minutes by
		 * default) up to retry_max_seconds, +-25% so that many failed
		 * rows do not all come back at once. */
		gint64 attempts = db_int(row, "attempts");
		double base = MIN((double)app->conf->mail_retry_base_seconds *
		        (double)(1u << MIN(attempts, 7)),
		    (double)app->conf->mail_retry_max_seconds);
		unsigned delay = (unsigned)MAX(1.0,
		    base * g_random_double_range(0.75, 1.25));

		if (why->code == MAIL_ECONFIG)
			log_warnx("outbox %" G_GINT64_FORMAT
			          ": the mail set-up "
			          "is wrong and needs an operator: %s",
			    id, text);
		else
			log_warnx("outbox %" G_GINT64_FORMAT ": %s; retrying "
			          "in %u s",
			    id, text, delay);
		return db_outbox_mark_retry(conn, id, text, delay, error);
	}
	log_warnx("outbox %" G_GINT64_FORMAT ": failed for good: %s", id, text);
	return db_outbox_mark_failed(conn, id, text, error);
}

struct deliver_unit {
	AppMailer *m;
	unsigned batch;
	unsigned sent;
	unsigned retried, failed; /* marked so, if the batch commits */
};

/*
 * Claims a batch, sends each message and records each outcome, in one
 * transaction that holds the claimed rows.  If it runs again (a deadlock
 * or a lost link before COMMIT), the messages it sent were not marked
 * sent and go again -- as they would in the next batch if it did not.
 */
/* Event event_id's head from events, read on first use; NULL if it cannot
 * be read (the mail goes without the event's name). */
static JsonObject *
mailer_event(DbConn *conn, GHashTable *events, gint64 event_id)
{
	JsonObject *event = g_hash_table_lookup(events, &event_id);

	if (event == NULL &&
	    (event = db_event_head(conn, event_id, NULL)) != NULL)
		g_hash_table_insert(events,
		    g_memdup2(&event_id, sizeof(event_id)), event);
	return event;
}

static gboolean
deliver_batch(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct deliver_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonArray) rows = NULL;
	/* Each row's event (its sender name, venue), read once a batch. */
	g_autoptr(GHashTable) events = g_hash_table_new_full(g_int64_hash,
	    g_int64_equal, g_free, (GDestroyNotify)json_object_unref);
	guint i;

	u->sent = u->retried = u->failed = 0;
	/* Mail to an address that bounced is held, not claimed, until an
	 * admin corrects it (app_reg_correct_email). */
	rows = db_outbox_claim(conn, u->batch, &dberr);
	if (rows == NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		JsonObject *event = mailer_event(conn, events,
		    db_int(row, "event_id"));
		g_autoptr(GError) why = NULL;
		gboolean marked;
		bool retried;

		if (mailer_send_one(app, u->m, conn, row, event, &why)) {
			marked = db_outbox_mark_sent(conn, db_int(row, "id"),
			    &dberr);
			u->sent++;
			/* Counted now, though units bump no counter:
			 * sending is this unit's one act outside the
			 * database, and the mail went out whatever the
			 * batch's transaction does next. */
			app_count(APP_COUNT_MAILS_SENT, 1);
		} else if (why->domain == SUMMIT_DB_ERROR)
			return app_fail_db(error, g_steal_pointer(&why));
		else {
			marked = mailer_mark(app, conn, row, why, &retried,
			    &dberr);
			if (retried)
				u->retried++;
			else
				u->failed++;
		}
		if (!marked)
			return app_fail_db(error, g_steal_pointer(&dberr));
	}
	return TRUE;
}

gboolean
app_mail_deliver(const struct app *app, AppMailer *m, unsigned batch,
    unsigned *sent, GError **error)
{
	struct deliver_unit u = { m, batch, 0, 0, 0 };
	gboolean ok = app_tx(app, deliver_batch, &u, error);

	if (ok) {
		app_count(APP_COUNT_MAILS_RETRIED, u.retried);
		app_count(APP_COUNT_MAILS_FAILED, u.failed);
	}
	*sent = u.sent; /* on failure, what went out before it */
	return ok;
}

JsonArray *
app_outbox_list(const struct app *app, gint64 event_id, const char *state,
    unsigned limit, GError **error)
{
	g_autoptr(GError) dberr = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	DbConn *conn;
	JsonArray *rows = NULL;

	/* The callers check it too; app never relies on that. */
	if (g_strcmp0(state, "queued") != 0 && g_strcmp0(state, "sent") != 0 &&
	    g_strcmp0(state, "failed") != 0 && g_strcmp0(state, "held") != 0) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "state: queued, sent, failed or held");
		return NULL;
	}
	if ((conn = app_db_acquire(app, error)) == NULL)
		return NULL;
	if ((tz = app_event_zone(conn, event_id, error)) != NULL &&
	    (rows = db_outbox_list(conn, event_id, state,
	         MIN(limit, APP_OUTBOX_MAX), &dberr)) == NULL)
		app_fail_db(error, g_steal_pointer(&dberr));
	db_release(app->db, conn);
	if (rows != NULL) {
		app_local_times(rows, "created", tz, "%Y-%m-%d %H:%M:%S", "");
		app_local_times(rows, "next_attempt", tz, "%Y-%m-%d %H:%M:%S",
		    "");
	}
	return rows;
}

static gboolean
outbox_resend(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	g_autoptr(GError) dberr = NULL;

	(void)app;
	ch->subject_id = *(const gint64 *)user;
	if (!db_outbox_resend(conn, ch->event_id, ch->subject_id, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	ch->after = json_object_new();
	json_object_set_string_member(ch->after, "state", "queued");
	return TRUE;
}

gboolean
app_outbox_resend(const struct app *app, gint64 event_id, gint64 id,
    const struct app_actor *actor, GError **error)
{
	struct app_actor cli = { 0, "summitctl", "admin", "", event_id };

	if (actor == NULL)
		actor = &cli;
	else if (actor->event_id != event_id) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EFORBIDDEN,
		    "a message of another event");
		return FALSE;
	}
	return app_tx_audited(app, actor, "admin", "outbox.resend", "outbox",
	    outbox_resend, &id, error);
}
