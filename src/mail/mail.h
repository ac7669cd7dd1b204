/*
 * mail.h -- turning a message into RFC 5322 text and delivering it.
 *
 * This module knows nothing of the outbox or the database: app/ renders
 * the texts, calls mail_compose, and hands the bytes to a transport.
 */
#ifndef SUMMIT_MAIL_H
#define SUMMIT_MAIL_H

#include <stdbool.h>
#include <glib.h>

#define SUMMIT_MAIL_ERROR (mail_error_quark())
GQuark mail_error_quark(void);

enum mail_err {
	MAIL_OK = 0,
	MAIL_ETEMP,	/* try again later (disk full, server busy) */
	MAIL_EPERM,	/* will never work (bad address, rejected) */
	MAIL__MAX
};

struct mail_message {
	const char	*from_addr, *from_name;
	const char	*to_addr, *to_name;
	const char	*subject;
	const char	*text;		/* UTF-8, LF line ends */
	const char	*html;		/* optional alternative */
	const char	*message_id;	/* "<...@...>" */
	const char	*date;		/* RFC 5322 date; NULL: now */
};

/* The whole message with CRLF line ends (transfer full).  Header values
 * have control characters replaced; non-ASCII ones are RFC 2047 encoded. */
char *mail_compose(const struct mail_message *m);

/* RFC 2047 "B" encoding of s when it is not plain ASCII (transfer full). */
char *mail_encode_header_word(const char *s);

/* Writes msg into maildir/tmp, then renames it into maildir/new. */
gboolean mail_maildir_deliver(const char *maildir, const char *msg,
    GError **error);

#endif
