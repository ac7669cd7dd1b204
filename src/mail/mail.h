/*
 * mail.h -- turning a message into RFC 5322 text and delivering it.
 *
 * This module knows nothing of the outbox or the database: app/ renders
 * the texts and the calendar object, calls mail_compose, optionally signs
 * the result with mail_dkim_sign, and hands the bytes to a transport
 * (mail_smtp_send, or mail_maildir_deliver for the demo).
 */
#ifndef SUMMIT_MAIL_H
#define SUMMIT_MAIL_H

#include <stdbool.h>
#include <glib.h>

#define SUMMIT_MAIL_ERROR (mail_error_quark())
GQuark mail_error_quark(void);

enum mail_err {
	MAIL_OK = 0,
	MAIL_ETEMP,   /* try again later (disk full, server busy, 4xx) */
	MAIL_EPERM,   /* will never work for this message (5xx, bad address) */
	MAIL_ECONFIG, /* our configuration is wrong (key file, TLS, login):
			 * nothing will go until an operator acts, so keep the
			 * row and retry it like MAIL_ETEMP, but say so loudly */
	MAIL__MAX
};

/* mime.c */

struct mail_message {
	const char *from_addr, *from_name;
	const char *to_addr, *to_name;
	const char *subject;
	const char *text;       /* UTF-8, LF line ends */
	const char *html;       /* optional alternative */
	const char *message_id; /* "<...@...>" */
	const char *date;       /* RFC 5322 date; NULL: now */
	/*
	 * Optional iMIP invitation (RFC 6047).  calendar is the iCalendar
	 * object exactly as it goes on the wire: UTF-8, CRLF, folded.  It is
	 * sent twice, byte for byte: inline as the last part of the
	 * multipart/alternative, and as the attachment "invite.ics".
	 * calendar_method ("REQUEST" or "CANCEL") becomes the method=
	 * parameter and must equal METHOD inside the object; NULL takes it
	 * from the object's METHOD line.
	 */
	const char *calendar;
	const char *calendar_method;
	/*
	 * Optional inline image (the check-in QR code as a PNG): a part of
	 * its own with Content-Disposition inline, which mail clients show
	 * below the text, and Content-ID <image_cid> for an HTML part to
	 * reference.  image_type is its media type ("image/png"),
	 * image_name its file name.
	 */
	const void *image;
	size_t image_len;
	const char *image_type, *image_name, *image_cid;
};

/*
 * The whole message with CRLF line ends, no line longer than 78 octets
 * (transfer full).  Header values have control characters replaced;
 * non-ASCII ones are RFC 2047 encoded.  Shapes:
 *   text only:            text/plain
 *   text + html:          multipart/alternative { plain, html }
 *   calendar (+/- html):  multipart/mixed { multipart/alternative { plain,
 *                         [html,] text/calendar; method=M },
 *                         application/ics "invite.ics" }
 *   image:                the same with the image as an inline part of a
 *                         multipart/mixed before "invite.ics": mixed {
 *                         plain or alternative, image, [invite.ics] }
 * Every part is UTF-8 in base64.
 */
char *mail_compose(const struct mail_message *m);

/* RFC 2047 "B" encoding of s when it is not plain ASCII (transfer full):
 * words of at most 68 octets separated by CRLF SP. */
char *mail_encode_header_word(const char *s);

/* maildir.c */

/* Writes msg into maildir/tmp, then renames it into maildir/new.
 * Errors: MAIL_ETEMP. */
gboolean mail_maildir_deliver(const char *maildir, const char *msg,
    GError **error);

/* dkim.c: DKIM signatures (RFC 6376), RSA-SHA256, relaxed/relaxed. */

typedef struct mail_dkim MailDkim;

/*
 * Loads the RSA private key (PEM, PKCS#1 or PKCS#8) for signing as
 * d=domain, s=selector.  Refuses a key file that its group or others may
 * read or write, and keys shorter than 1024 bits.  Errors: MAIL_ECONFIG.
 * The result owns its copy of everything; free with mail_dkim_free.
 */
MailDkim *mail_dkim_new(const char *domain, const char *selector,
    const char *private_key_pem_path, GError **error);
void mail_dkim_free(MailDkim *dkim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MailDkim, mail_dkim_free)

/*
 * Returns message with a "DKIM-Signature:" header prepended (transfer
 * full).  message is RFC 5322 text, as mail_compose makes it; bare LF line
 * ends are turned into CRLF first (so the result is what SMTP carries).
 * Signs those of from:to:subject:date:message-id:mime-version:content-type
 * that are present (the last instance of each), and the whole body.
 * Errors: MAIL_EPERM (no From header, no header/body separator),
 * MAIL_ECONFIG (OpenSSL refused to sign).  A MailDkim may sign from
 * several threads at once: signing does not change it.
 */
char *mail_dkim_sign(const MailDkim *dkim, const char *message, GError **error);

/* The DNS TXT record to publish at <selector>._domainkey.<domain>:
 * "v=DKIM1; k=rsa; p=<base64 DER public key>" (transfer full). */
char *mail_dkim_dns_record(const MailDkim *dkim);

/* smtp.c: delivery over SMTP with libcurl. */

typedef struct mail_smtp MailSmtp;

struct mail_smtp_options {
	/* smtp://host:port (relay, or submission with STARTTLS when
	 * starttls_required) or smtps://host:port (implicit TLS) */
	const char *url;
	bool starttls_required;      /* STARTTLS or fail */
	const char *user, *password; /* NULL user: no AUTH */
	long timeout_seconds;        /* per send; <= 0: 60 */
	const char *ca_file; /* optional CA bundle (self-signed tests) */
};

/*
 * A connection to one SMTP server that is kept open and reused across
 * sends.  mail_smtp_new copies the options and does no I/O, so it cannot
 * fail; it connects on the first send.  A MailSmtp is used by one thread at
 * a time (it holds one libcurl easy handle); give each worker thread its
 * own.  mail_smtp_free closes the connection (QUIT).
 */
MailSmtp *mail_smtp_new(const struct mail_smtp_options *o);
void mail_smtp_free(MailSmtp *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MailSmtp, mail_smtp_free)

/*
 * Sends message (CRLF text, as mail_compose or mail_dkim_sign return it)
 * from envelope sender from to the one recipient to.  Errors:
 *   MAIL_ETEMP   4xx reply, connection refused or lost, timeout, DNS
 *   MAIL_EPERM   5xx reply, or an address we cannot put on the wire
 *   MAIL_ECONFIG login refused, TLS required but not offered or not
 *                trusted, AUTH asked for without TLS to a remote host
 * The message carries the server's reply code and last reply line, never
 * the password.
 */
gboolean mail_smtp_send(MailSmtp *s, const char *from, const char *to,
    const char *message, GError **error);

/* How many connections this MailSmtp has opened so far (for logs and the
 * connection-reuse test). */
unsigned mail_smtp_connections(const MailSmtp *s);

/* imap.c: reading one mailbox over IMAP with libcurl. */

typedef struct mail_imap MailImap;

struct mail_imap_options {
	/* imaps://host[:port]/MAILBOX (implicit TLS) or imap://... (STARTTLS
	 * when starttls_required, else plain: loopback only with a password) */
	const char *url;
	bool starttls_required;
	const char *user, *password;
	long timeout_seconds; /* per command; <= 0: 60 */
	const char *ca_file;  /* optional CA bundle (self-signed tests) */
};

/* Copies the options; no I/O.  Errors: MAIL_ECONFIG (not an imap[s] URL
 * naming one mailbox, a password without TLS to another host). */
MailImap *mail_imap_new(const struct mail_imap_options *o, GError **error);
void mail_imap_free(MailImap *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MailImap, mail_imap_free)

/* The mailbox's UIDVALIDITY and UIDNEXT (STATUS).  Errors: MAIL_ECONFIG
 * (login, TLS), MAIL_ETEMP (anything else). */
gboolean mail_imap_status(MailImap *m, guint64 *uidvalidity, guint64 *uidnext,
    GError **error);
/* UIDs from_uid..to_uid matching the IMAP search criteria (e.g. "NOT
 * KEYWORD $X", "SEEN"; "" for all), ascending; an array of guint64. */
GArray *mail_imap_search(MailImap *m, guint64 from_uid, guint64 to_uid,
    const char *criteria, GError **error);
/* The whole message with that UID.  Sets \Seen (see imap.c). */
GBytes *mail_imap_fetch(MailImap *m, guint64 uid, GError **error);
/* UID STORE for the n UIDs in uids (ascending, n > 0) in one command,
 * e.g. change "+FLAGS.SILENT (\\Seen $SummitHandled)". */
gboolean mail_imap_store(MailImap *m, const guint64 *uids, guint n,
    const char *change, GError **error);

/* inbound.c: what an incoming message is (GMime 3). */

enum mail_inbound_kind {
	MAIL_INBOUND_OTHER = 0,
	MAIL_INBOUND_BOUNCE, /* permanent delivery failure */
	MAIL_INBOUND_REPLY,  /* carries an iTIP REPLY, REFRESH or COUNTER */
};

struct mail_bounce_rcpt {
	char *address;    /* lower case */
	char *status;     /* enhanced status code, "5.1.1" */
	char *diagnostic; /* the server's answer, one line, may be "" */
};

/* Message-IDs longer than this (without brackets) are taken as none. */
#define MAIL_INBOUND_ID_MAX 500
typedef struct mail_inbound {
	enum mail_inbound_kind kind;
	char *message_id;          /* its own "<...>", or NULL */
	char *original_message_id; /* of the returned message, or NULL */
	GPtrArray *bounced;        /* struct mail_bounce_rcpt *, failed */
	char *calendar;            /* REPLY: the calendar part's text (UTF-8) */
	char *calendar_method;     /* its Content-Type method, or NULL */
} MailInbound;

/* Parses and classifies one message.  Errors: MAIL_EPERM (not MIME). */
MailInbound *mail_inbound_parse(const char *data, gsize len, GError **error);
void mail_inbound_free(MailInbound *in);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MailInbound, mail_inbound_free)
const char *mail_inbound_kind_name(enum mail_inbound_kind kind);

#endif
