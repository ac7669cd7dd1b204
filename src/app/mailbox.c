/*
 * mailbox.c -- reading the organiser's mailbox: fetch, parse, classify,
 * and hand each message to the handler of its class.
 *
 * The mailbox is read over IMAP (mail/imap.c) from the first UID not yet
 * dealt with; what was dealt with is remembered per mailbox as UIDVALIDITY
 * and last UID (mailbox_cursor), advanced in the transaction of the
 * handlers (up to MAILBOX_TX_MESSAGES messages in one), so a crash re-reads
 * at most the messages of that transaction.
 * When the server's UIDVALIDITY changes, the old UIDs mean nothing and the
 * whole mailbox is read again: handlers are idempotent (a bounce is keyed
 * by its own Message-ID), so this changes nothing twice.
 *
 * A message a handler took gets \Seen and the keyword $SummitHandled (set
 * for the whole batch in one command after it) and is skipped when the
 * mailbox is read again; no message is ever deleted or
 * moved.  Messages no handler took -- a bounce or a calendar reply that
 * names nothing of Summit's, and anything else -- are left as they were
 * (libcurl's fetch sets \Seen, so a message that was unseen is made
 * unseen again) for a person.
 */
#include "app/internal.h"
#include "base/base.h"
#include "mail/mail.h"

#include <string.h>

#define MAILBOX_HANDLED_KEYWORD "$SummitHandled"

struct app_mailbox {
	MailImap *imap;
	char *key; /* mailbox_cursor.mailbox: user and URL */
};

AppMailbox *
app_mailbox_new(const struct app *app, GError **error)
{
	const struct conf *c = app->conf;
	g_autoptr(AppMailbox) mb = NULL;
	g_autofree char *password = NULL;
	struct mail_imap_options o = {
		.url = c->mailbox_url,
		.starttls_required = c->mailbox_starttls,
		.user = c->mailbox_user[0] ? c->mailbox_user : NULL,
		.timeout_seconds = (long)c->mailbox_timeout_seconds,
		.ca_file = c->mailbox_ca_file[0] ? c->mailbox_ca_file : NULL,
	};

	if (c->mailbox_url[0] == '\0') {
		g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID,
		    "[mailbox] url is not set");
		return NULL;
	}
	if (c->mailbox_password_file[0] != '\0') {
		if (!g_file_get_contents(c->mailbox_password_file, &password,
		        NULL, error))
			return NULL;
		g_strchomp(password);
		o.password = password;
	}
	mb = g_new0(AppMailbox, 1);
	if ((mb->imap = mail_imap_new(&o, error)) == NULL)
		return NULL;
	mb->key = g_strdup_printf("%s %s", c->mailbox_user, c->mailbox_url);
	return g_steal_pointer(&mb);
}

void
app_mailbox_free(AppMailbox *mb)
{
	if (mb == NULL)
		return;
	g_clear_pointer(&mb->imap, mail_imap_free);
	g_free(mb->key);
	g_free(mb);
}

/* What a handler is given: the parsed message and the key that makes its
 * effect happen once (its Message-ID, else a hash of its bytes). */
typedef gboolean (*InboundHandler)(const struct app *app, DbConn *conn,
    const MailInbound *in, const char *report_id, bool *handled,
    GError **error);

/* One handler per class; NULL: left alone. */
static const InboundHandler mailbox_handlers[] = {
	[MAIL_INBOUND_OTHER] = NULL,
	[MAIL_INBOUND_BOUNCE] = app_bounce_handle,
	[MAIL_INBOUND_REPLY] = app_reply_handle,
};

/* Messages handled in one transaction: fewer round trips and commits;
 * a crash re-reads at most these. */
#define MAILBOX_TX_MESSAGES 50

struct read_one {
	guint64 uid;
	MailInbound *in; /* NULL: could not be parsed */
	char *report_id;
	bool handled; /* out */
};

struct read_batch {
	const char *key;
	gint64 uidvalidity;
	struct read_one *msgs;
	guint n;
};

/* The handlers of the batch's messages and the cursor after the last, in
 * one transaction.  With a calendar reply among them (a decline frees a
 * seat) the event's allocation lock comes first, before any row lock, in
 * the order publishing and allocation runs take them. */
static gboolean
mailbox_read_batch(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct read_batch *b = user;
	g_autoptr(GError) dberr = NULL;
	guint i;

	for (i = 0; i < b->n; i++)
		if (b->msgs[i].in != NULL &&
		    b->msgs[i].in->kind == MAIL_INBOUND_REPLY)
			break;
	/* A reply may be to any event's invitation. */
	if (i < b->n && !db_alloc_lock_all(conn, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	for (i = 0; i < b->n; i++) {
		struct read_one *r = &b->msgs[i];
		InboundHandler h = r->in ? mailbox_handlers[r->in->kind] : NULL;

		r->handled = false;
		if (h != NULL &&
		    !h(app, conn, r->in, r->report_id, &r->handled, error))
			return FALSE;
	}
	if (!db_mailbox_cursor_set(conn, b->key, b->uidvalidity,
	        (gint64)b->msgs[b->n - 1].uid, &dberr))
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

struct cursor {
	const char *key;
	gint64 uidvalidity, last_uid; /* in: to set; out: as read */
	bool set;
};

static gboolean
mailbox_cursor(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct cursor *c = user;
	g_autoptr(GError) dberr = NULL;
	gboolean ok;

	(void)app;
	ok = c->set ? db_mailbox_cursor_set(conn, c->key, c->uidvalidity,
	                  c->last_uid, &dberr) :
	              db_mailbox_cursor_get(conn, c->key, &c->uidvalidity,
	                  &c->last_uid, &dberr);
	return ok || app_fail_db(error, g_steal_pointer(&dberr));
}

static bool
uid_in(GArray *uids, guint64 uid)
{
	guint i;

	for (i = 0; i < uids->len; i++)
		if (g_array_index(uids, guint64, i) == uid)
			return true;
	return false;
}

struct flags {
	GArray *seen;    /* UIDs that were \Seen before this read */
	GArray *handled; /* out: to get \Seen and the keyword */
	GArray *unseen;  /* out: left alone, to be made unseen again */
};

/* Fetches and parses one message into r; false when the server failed. */
static gboolean
mailbox_fetch(AppMailbox *mb, guint64 uid, struct read_one *r, GError **error)
{
	g_autoptr(GBytes) raw = NULL;
	g_autoptr(GError) why = NULL;
	g_autofree char *hash = NULL;
	gsize len;
	const char *data;

	*r = (struct read_one){ .uid = uid };
	if ((raw = mail_imap_fetch(mb->imap, uid, error)) == NULL)
		return FALSE;
	data = g_bytes_get_data(raw, &len);
	if ((r->in = mail_inbound_parse(data, len, &why)) == NULL)
		log_warnx("mailbox: message %" G_GUINT64_FORMAT
		          " is not MIME, left alone: %s",
		    uid, why->message);
	hash = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, raw);
	r->report_id = r->in && r->in->message_id ?
	    g_strdup(r->in->message_id) :
	    g_strconcat("sha256:", hash, NULL);
	return TRUE;
}

static void
read_one_clear(struct read_one *r)
{
	g_clear_pointer(&r->in, mail_inbound_free);
	g_clear_pointer(&r->report_id, g_free);
}

/* Hands n fetched messages on in one transaction; false only when the
 * database failed (the cursor then stays before them).  A value the
 * database refuses would refuse it at every poll: then each message runs
 * alone, and the refused one is passed over (left as it is), not
 * retried. */
static gboolean
mailbox_commit(const struct app *app, AppMailbox *mb, gint64 uidvalidity,
    struct read_one *msgs, guint n, struct flags *f,
    struct app_mailbox_counts *counts, GError **error)
{
	struct read_batch b = { mb->key, uidvalidity, msgs, n };
	g_autoptr(GError) why = NULL;
	guint i;

	if (!app_tx(app, mailbox_read_batch, &b, &why)) {
		if (!g_error_matches(why, SUMMIT_APP_ERROR, APP_EINVALID)) {
			g_propagate_error(error, g_steal_pointer(&why));
			return FALSE;
		}
		g_clear_error(&why);
		for (i = 0; i < n; i++) {
			b = (struct read_batch){ mb->key, uidvalidity, &msgs[i],
				1 };
			if (app_tx(app, mailbox_read_batch, &b, &why))
				continue;
			if (!g_error_matches(why, SUMMIT_APP_ERROR,
			        APP_EINVALID)) {
				g_propagate_error(error, g_steal_pointer(&why));
				return FALSE;
			}
			log_warnx("mailbox: message %" G_GUINT64_FORMAT
			          " left alone, the database refused it: %s",
			    msgs[i].uid, why->message);
			g_clear_error(&why);
			g_clear_pointer(&msgs[i].in, mail_inbound_free);
			if (!app_tx(app, mailbox_read_batch, &b, error))
				return FALSE;
		}
	}
	for (i = 0; i < n; i++) {
		const struct read_one *r = &msgs[i];
		enum mail_inbound_kind kind = r->in ? r->in->kind :
		                                      MAIL_INBOUND_OTHER;

		counts->read++;
		if (kind == MAIL_INBOUND_BOUNCE && r->handled)
			counts->bounces++;
		else if (kind == MAIL_INBOUND_REPLY && r->handled)
			counts->replies++;
		else
			counts->left++;
		/* Flagged after the batch (mailbox_flags). */
		if (r->handled)
			g_array_append_val(f->handled, r->uid);
		else if (!uid_in(f->seen, r->uid))
			g_array_append_val(f->unseen, r->uid);
	}
	return TRUE;
}

/* The database has them; the flags only spare the next full read, so
 * they are set once per batch, one command each, not per message. */
static void
mailbox_flags(AppMailbox *mb, struct flags *f)
{
	g_autoptr(GError) why = NULL;

	if (f->handled->len > 0 &&
	    !mail_imap_store(mb->imap, (guint64 *)f->handled->data,
	        f->handled->len,
	        "+FLAGS.SILENT (\\Seen " MAILBOX_HANDLED_KEYWORD ")", &why)) {
		log_warnx("mailbox: could not flag %u handled messages: %s",
		    f->handled->len, why->message);
		g_clear_error(&why);
	}
	if (f->unseen->len > 0 &&
	    !mail_imap_store(mb->imap, (guint64 *)f->unseen->data,
	        f->unseen->len, "-FLAGS.SILENT (\\Seen)", &why))
		log_warnx(
		    "mailbox: could not make %u messages unseen again: %s",
		    f->unseen->len, why->message);
}

gboolean
app_mailbox_read(const struct app *app, AppMailbox *mb,
    struct app_mailbox_counts *n, GError **error)
{
	struct cursor c = { mb->key, 0, 0, false };
	g_autoptr(GArray) todo = NULL, seen = NULL, handled = NULL,
	                  unseen = NULL;
	struct read_one msgs[MAILBOX_TX_MESSAGES];
	struct flags f;
	guint64 uidvalidity, uidnext, from;
	gboolean ok = TRUE;
	guint i, j, k = 0, limit;

	*n = (struct app_mailbox_counts){ 0 };
	if (!mail_imap_status(mb->imap, &uidvalidity, &uidnext, error) ||
	    !app_db_run(app, mailbox_cursor, &c, error))
		return FALSE;
	from = (guint64)c.last_uid + 1;
	if (c.uidvalidity != 0 && (guint64)c.uidvalidity != uidvalidity) {
		log_info("mailbox: UIDVALIDITY changed from %" G_GINT64_FORMAT
		         " to %" G_GUINT64_FORMAT ", reading it again",
		    c.uidvalidity, uidvalidity);
		from = 1;
	}
	if ((guint64)c.uidvalidity != uidvalidity) {
		/* Remembered before reading, so a failure below does not
		 * read the mailbox from the start once more. */
		c = (struct cursor){ mb->key, (gint64)uidvalidity, 0, true };
		if (!app_db_run(app, mailbox_cursor, &c, error))
			return FALSE;
	}
	if (from >= uidnext)
		return TRUE;
	if ((todo = mail_imap_search(mb->imap, from, uidnext - 1,
	         "NOT KEYWORD " MAILBOX_HANDLED_KEYWORD, error)) == NULL ||
	    (seen = mail_imap_search(mb->imap, from, uidnext - 1, "SEEN",
	         error)) == NULL)
		return FALSE;
	handled = g_array_new(FALSE, FALSE, sizeof(guint64));
	unseen = g_array_new(FALSE, FALSE, sizeof(guint64));
	f = (struct flags){ seen, handled, unseen };
	limit = MIN(todo->len, app->conf->mailbox_batch);
	for (i = 0; ok && i < limit; i++) {
		ok = mailbox_fetch(mb, g_array_index(todo, guint64, i),
		    &msgs[k], error);
		if (ok)
			k++;
		/* What was fetched before a failure is handled too. */
		if (k > 0 &&
		    (k == MAILBOX_TX_MESSAGES || i + 1 == limit || !ok)) {
			if (!mailbox_commit(app, mb, (gint64)uidvalidity, msgs,
			        k, &f, n, ok ? error : NULL))
				ok = FALSE;
			for (j = 0; j < k; j++)
				read_one_clear(&msgs[j]);
			k = 0;
		}
	}
	/* Those dealt with before a failure too. */
	mailbox_flags(mb, &f);
	n->more = todo->len > app->conf->mailbox_batch;
	/* A calendar decline among them may have freed a seat. */
	if (n->replies > 0)
		app_seats_changed(app);
	return ok;
}
