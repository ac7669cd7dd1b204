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

/* log.c: one line per event on stderr, PostgreSQL message style; under
 * systemd, journal entries with a priority. */
void log_set_verbose(bool verbose);
/* A request's access entry: under the journal with these as fields
 * (REQUEST_ID, REQUEST_METHOD, REQUEST_PATH, ROUTE, STATUS, DURATION_MS),
 * else the line fmt makes, as log_info. */
struct log_request {
	const char *id;
	const char *method;
	const char *path;  /* secrets cut out */
	const char *route; /* the route's pattern, "/static/" or "-" */
	unsigned status;
	double ms;
};
void log_request(const struct log_request *r, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* The same with the line's text made already (no printf: the access log
 * writes one per request). */
void log_request_text(const struct log_request *r, const char *msg);
/* The same, written in a batch with others while log_batch_enable is on:
 * at most until the next log_flush, the next line that is not batched or
 * a full buffer.  A crash loses what waits; for the lines of answers
 * that changed and revealed nothing (summitd: the I/O threads' own). */
void log_request_batched(const struct log_request *r, const char *msg);
void log_batch_enable(bool on); /* off: writes what waits */
void log_flush(void);
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
void lock_cond_broadcast(pthread_cond_t *c);
/* Waits for a signal on c (m held), however long it takes. */
void lock_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* Waits for a signal on c (m held); false once deadline has passed. */
bool lock_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m,
    gint64 deadline);
void lock_cond_clear(pthread_cond_t *c);

/* text.c: pure input checks, used at the edges. */
enum text_err {
	TEXT_OK = 0,
	TEXT_EMPTY,     /* required and missing or blank */
	TEXT_TOOLONG,   /* more characters than allowed */
	TEXT_BADUTF8,   /* not valid UTF-8 */
	TEXT_CONTROL,   /* a control character (CR, LF, NUL, ...) */
	TEXT_BADEMAIL,  /* not an address we can deliver to */
	TEXT_BIDI,      /* a bidirectional control (U+202E, ...) */
	TEXT_INVISIBLE, /* no visible character (only zero-width, ...) */
	TEXT__MAX
};

/*
 * Checks one line of user text: valid UTF-8, no control characters (not
 * even tab), at most max_chars characters.  Blank is TEXT_EMPTY.
 */
enum text_err text_check_line(const char *s, size_t max_chars);
/*
 * A name, organisation or role: text_check_line, and no bidirectional
 * control (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C: they
 * make "gpj.exe" read as "exe.jpg" in a list or a mail) and at least one
 * visible character (not only zero-width, format, space or filler
 * characters).  TEXT_BIDI, TEXT_INVISIBLE.
 */
enum text_err text_check_name(const char *s, size_t max_chars);
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

/*
 * number.c: numbers for reading, in the reader's language ("nb": 12 345,5
 * with a narrow no-break space and a decimal comma; otherwise 12,345.5).
 * The one number formatter of the pages; templates use it as {{n|num}}.
 */
void text_number(GString *out, gint64 n, const char *lang);
/* At most two decimals, trailing zeros dropped (12.5, 3). */
void text_number_double(GString *out, double v, const char *lang);
/* text_number as a new string (transfer full). */
char *text_number_new(gint64 n, const char *lang);

/* token.c: secrets in links. */
#define TOKEN_BYTES 16 /* 128 bits */
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
/*
 * Check-in codes: 80 random bits (the tokens' CSPRNG) as 16 characters of
 * Crockford's base 32 (0-9 and A-Z without I, L, O, U); the first 10 are
 * the short form people type.  token_code_new fills out (17 bytes).
 */
#define TOKEN_CODE_LEN 16
#define TOKEN_CODE_SHORT_LEN 10
void token_code_new(char out[TOKEN_CODE_LEN + 1]);
/*
 * What someone typed or a scanner sent, as a code or short form: spaces
 * and dashes dropped, lower case raised, O read as 0 and I, L as 1 (as
 * Crockford's base 32 reads them).  True, with out filled (17 bytes), if
 * that leaves TOKEN_CODE_LEN or TOKEN_CODE_SHORT_LEN characters of the
 * alphabet; false for anything else (nothing to look up).
 */
bool token_code_normalise(const char *in, char out[TOKEN_CODE_LEN + 1]);

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

/*
 * addr.c: client addresses, trusted proxies and X-Forwarded-For.  Pure:
 * text in, answers out.  IPv4-mapped IPv6 (::ffff:a.b.c.d) is IPv4.
 */
enum addr_family { ADDR_IPV4 = 4, ADDR_IPV6 = 6 };
struct addr {
	enum addr_family family;
	guint8 bytes[16]; /* 4 used for IPv4 */
};
/* A network: an address with its host bits zero, and a prefix length. */
struct addr_net {
	struct addr addr;
	unsigned prefix;
};
/* Proxies followed through X-Forwarded-For at most, from the right. */
#define ADDR_MAX_HOPS 16
/* Longest text addr_format or addr_limit_key write, NUL included. */
#define ADDR_TEXT_MAX 64
/* Parses "192.0.2.1" or "2001:db8::1". */
bool addr_parse(const char *s, struct addr *out);
/* Parses "10.0.0.0/8", "2001:db8::/32" or one address (a /32 or /128);
 * host bits set after the prefix are an error. */
bool addr_net_parse(const char *s, struct addr_net *out);
bool addr_in_net(const struct addr *a, const struct addr_net *n);
bool addr_in_nets(const struct addr *a, const struct addr_net *nets, size_t n);
/* The address as text, in its shortest form. */
void addr_format(const struct addr *a, char *out, size_t len);
/* What a per-address limit counts under: an IPv4 address, or an IPv6
 * address's /64 ("2001:db8:1:2::/64"). */
void addr_limit_key(const struct addr *a, char *out, size_t len);
/*
 * The client's address for a request from peer carrying X-Forwarded-For
 * xff (NULL: none; several headers joined with ","): peer itself unless
 * peer is in trusted; then, reading xff from the right, the first entry
 * that is not in trusted.  An entry that is not an address stops the
 * walk at the nearest hop already read.  Writes the choice to out; false
 * (and peer copied) if peer itself is not an address.
 */
bool addr_forwarded_client(const char *peer, const char *xff,
    const struct addr_net *trusted, size_t ntrusted, char *out, size_t len);

/*
 * csv.c: CSV text (RFC 4180: a quoted cell may hold commas, doubled
 * quotes and newlines; lines end in CRLF or LF) as an array of rows, each
 * a NULL-terminated string vector, a blank line a NULL row; a text ending
 * in a newline ends in a NULL row (transfer full).  Reading stops after
 * max_rows + 1 rows (G_MAXUINT: no cap), so a caller that finds more than
 * max_rows knows the text is too long without the reader building the
 * rest.  NULL, and *error_line set to the line of the opening quote, when
 * a quote is left open.
 */
GPtrArray *csv_parse(const char *text, guint max_rows, gsize *error_line);

#endif
