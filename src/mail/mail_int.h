/*
 * mail_int.h -- shared by the files of src/mail only: the libcurl set-up
 * that SMTP and IMAP both need.
 */
#ifndef SUMMIT_MAIL_INT_H
#define SUMMIT_MAIL_INT_H

#include <stdbool.h>

/* curl_global_init, once per process. */
void mail_curl_global_init(void);

/* Whether the URL's host is this machine: only there may a password go
 * without TLS. */
bool mail_url_is_loopback(const char *url);

#endif
