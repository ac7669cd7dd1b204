/*
 * base.h -- what GLib lacks: log format, input checks, secret tokens.
 *
 * The lowest layer: everything may include it, it includes nothing of ours.
 */
#ifndef SUMMIT_BASE_H
#define SUMMIT_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

/* log.c: one line per event on stderr, PostgreSQL message style. */
void log_set_verbose(bool verbose);
void log_info(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void log_debug(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Like log_warnx, with ": strerror(errno)" added. */
void log_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
G_NORETURN void fatalx(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* text.c: pure input checks, used at the edges. */
enum text_err {
	TEXT_OK = 0,
	TEXT_EMPTY,	/* required and missing or blank */
	TEXT_TOOLONG,	/* more characters than allowed */
	TEXT_BADUTF8,	/* not valid UTF-8 */
	TEXT_CONTROL,	/* a control character (CR, LF, NUL, ...) */
	TEXT_BADEMAIL,	/* not an address we can deliver to */
	TEXT__MAX
};

/*
 * Checks one line of user text: valid UTF-8, no control characters (not
 * even tab), at most max_chars characters.  Blank is TEXT_EMPTY.
 */
enum text_err text_check_line(const char *s, size_t max_chars);
/* Like text_check_line, but newlines and tabs are allowed. */
enum text_err text_check_block(const char *s, size_t max_chars);
/* A pragmatic e-mail check: local@domain.tld, ASCII, <= 254 octets. */
enum text_err text_check_email(const char *s);
/* Trims ASCII white space in place and returns s. */
char *text_trim(char *s);
/* Copies s with CR, LF and other controls turned into spaces (transfer full). */
char *text_one_line(const char *s);

/*
 * Appends value (NULL: empty) as one quoted CSV cell, quotes doubled.  A
 * cell a spreadsheet would run as a formula (starting with = + - @, tab
 * or CR) gets a leading apostrophe: exports never carry live formulas.
 */
void text_csv_cell(GString *out, const char *value);

/* token.c: secrets in links. */
#define TOKEN_BYTES 16	/* 128 bits */
/* A new random token as 32 lower-case hex digits (transfer full). */
char *token_new(void);
/* True if s looks like a token (32 hex digits); cheap check before a lookup. */
bool token_is_wellformed(const char *s);
/* SHA-256 of the token, as 64 hex digits: what the database stores. */
char *token_hash(const char *token);
/* HMAC-SHA256(key, msg) as 64 hex digits (transfer full). */
char *token_hmac(const guint8 *key, size_t keylen, const char *msg);
/* Constant-time comparison of two NUL-terminated strings. */
bool token_equal(const char *a, const char *b);

/* password.c: argon2id at OWASP's cost. */
/* The PHC string for password (transfer full). */
char *password_hash(const char *password);
/* True if password matches hash (a PHC argon2id string). */
bool password_verify(const char *hash, const char *password);

/*
 * limit.c: in-process limits keyed by a string (a client address, an
 * e-mail domain, an account).  Each summitd counts on its own: with N
 * processes behind a balancer a client gets up to N times the allowance.
 * Nothing is written to the database, so no request queues on a shared
 * row.  Thread-safe (sharded, pthread mutexes); memory is bounded by
 * max_keys: when full, idle keys are dropped, and if none is idle a new
 * key is let through uncounted (logged) rather than refused.
 */
typedef struct limit Limit;

/*
 * A token bucket per key: up to burst attempts at once, refilled at
 * per_hour attempts an hour.
 */
Limit *limit_bucket_new(double burst, double per_hour, size_t max_keys);
/*
 * Growing delays per key: after free_failures failures in a row, each
 * further failure doubles the wait before the next attempt, from base_s
 * up to max_s; a key quiet for forget_s is forgotten.
 */
Limit *limit_backoff_new(unsigned free_failures, double base_s, double max_s,
    double forget_s, size_t max_keys);
void limit_free(Limit *l);
/*
 * Asks for one attempt for key at now_us (g_get_monotonic_time()).  True:
 * go ahead (a bucket takes a token; a backoff counts the attempt as a
 * failure at once, so parallel attempts see it, until limit_success).
 * False: refused; *retry_after_s (may be NULL) says when to try again,
 * at least 1.  A refusal is counted for limit_drain_refusals.
 */
bool limit_take(Limit *l, const char *key, gint64 now_us,
    gint64 *retry_after_s);
/* A backoff key's attempt succeeded: forget its failures.  Buckets: no-op. */
void limit_success(Limit *l, const char *key);
/*
 * Adds each key's refusals since the last drain to counts (key, transfer
 * full -> GINT_TO_POINTER count, added to what is there) and resets them.
 */
void limit_drain_refusals(Limit *l, GHashTable *counts);
/*
 * The key for a client address: an IPv4 address as it is, an IPv6 address
 * as its /64 prefix (one household or host usually owns a whole /64).
 */
void limit_address_key(const char *address, char *out, size_t len);

#endif
