/*
 * base.h -- what GLib lacks: log format, input checks, secret tokens.
 *
 * The lowest layer: everything may include it, it includes nothing of ours.
 */
#ifndef SUMMIT_BASE_H
#define SUMMIT_BASE_H

#include <pthread.h>
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

/*
 * lock.c: mutexes and condition variables for data shared between threads.
 * They are POSIX threads' own, which ThreadSanitizer understands; GLib's
 * GMutex and GCond are bare futexes on Linux, invisible to it, so every
 * access they guard would be reported as a race.  Any failure is a bug
 * and fatal.  Deadlines are g_get_monotonic_time() values.
 */
void lock_init(pthread_mutex_t *m);
void lock_acquire(pthread_mutex_t *m);
void lock_release(pthread_mutex_t *m);
void lock_clear(pthread_mutex_t *m);
void lock_cond_init(pthread_cond_t *c);
void lock_cond_signal(pthread_cond_t *c);
/* Waits for a signal on c (m held); false once deadline has passed. */
bool lock_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m,
    gint64 deadline);
void lock_cond_clear(pthread_cond_t *c);

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

#endif
