/*
 * limits.c -- per-connection limits libmicrohttpd 0.9.75 does not have:
 * a cap per client address (an IPv6 /64 counts as one), a deadline for
 * the request headers and a minimum rate for the body.
 *
 * Every connection has a row in one table, made in the STARTED
 * notification and removed in the CLOSED one.  A reaper thread looks at
 * the table twice a second and shuts down (never closes) the sockets of
 * connections past their deadline; libmicrohttpd then sees the end of the
 * stream and closes the connection itself.  The reaper holds the table's
 * lock while it calls shutdown(), and libmicrohttpd sends the CLOSED
 * notification, which takes the same lock, before it closes the socket
 * (daemon.c, new_connection_process_ and MHD_cleanup_connections in
 * 0.9.75): so a socket we shut down is always still the connection's own,
 * never a number the kernel has already given to someone else.
 *
 * A pthread mutex, not a GMutex: ThreadSanitizer understands the one and
 * not GLib's futex-based other.
 */
#include "web/internal.h"
#include "base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum web_conn_state {
	WC_HEADERS, /* waiting for a request's headers */
	WC_BODY,    /* headers done, reading the body */
	WC_BUSY,    /* request read: our turn, no deadline */
};

enum web_reap {
	WR_NONE,
	WR_HEADERS, /* headers not complete in time */
	WR_BODY,    /* body slower than the minimum rate */
	WR_CAP,     /* over max_connections_per_ip */
	WR__MAX
};

/*
 * The state, its start and the body's bytes are written by the
 * connection's own I/O thread, several times per request, and read by
 * the reaper: atomics, not the table's lock, which every I/O thread
 * would otherwise take three times per request.  The row itself lives
 * from STARTED to CLOSED, both under the lock, and the reaper only looks
 * at rows in the table, so it never reads a freed one.  A new state is
 * stored last, with release, and read first, with acquire: a reaper that
 * sees it sees its start and byte count too (seeing the old state with a
 * new start at worst postpones a shutdown by one sweep).
 */
struct web_conn {
	int fd;
	char key[ADDR_TEXT_MAX];   /* per-address key */
	char peer[ADDR_TEXT_MAX];  /* the address as text, for each request */
	bool counted;              /* in per_key (not a proxy) */
	atomic_int state;          /* enum web_conn_state */
	atomic_int_fast64_t since; /* monotonic µs, state start */
	atomic_uint_fast64_t body_bytes;
	enum web_reap reaped;
};

struct web_limits {
	const struct conf *conf;
	pthread_mutex_t lock;
	GHashTable *conns;   /* set of struct web_conn */
	GHashTable *per_key; /* key -> count (pointer) */
	/* Counted since the last log line, under lock. */
	guint64 refused;
	guint64 reaped[WR__MAX];
	pthread_t reaper;
	bool reaper_running;
	pthread_cond_t wake;
	bool stop;
};

void
web_sockaddr_text(const struct sockaddr *sa, char *out, size_t len)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	g_strlcpy(out, "?", len);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		a.family = ADDR_IPV4;
		memcpy(a.bytes,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    4);
	} else if (sa->sa_family == AF_INET6) {
		char buf[ADDR_TEXT_MAX];

		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    buf, sizeof(buf));
		/* Through addr_parse, so a mapped IPv4 address is IPv4. */
		if (!addr_parse(buf, &a))
			return;
	} else
		return;
	addr_format(&a, out, len);
}

/* The per-address key of sa, and whether a trusted proxy (not capped);
 * sa as text into text (ADDR_TEXT_MAX bytes). */
static bool
web_limits_key(const struct web_limits *l, const struct sockaddr *sa, char *key,
    size_t len, char *text)
{
	struct addr a;

	web_sockaddr_text(sa, text, ADDR_TEXT_MAX);
	if (!addr_parse(text, &a)) {
		g_strlcpy(key, text, len);
		return false;
	}
	addr_limit_key(&a, key, len);
	return addr_in_nets(&a, l->conf->proxy_nets, l->conf->n_proxy_nets);
}

static guint
web_limits_count(struct web_limits *l, const char *key)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(l->per_key, key));
}

/* MHD_AcceptPolicyCallback: refuse before libmicrohttpd makes a
 * connection.  Connections being set up meanwhile in other threads can
 * pass here too; web_limits_notify makes the cap exact. */
enum MHD_Result
web_limits_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct web_limits *l = cls;
	char key[ADDR_TEXT_MAX], text[ADDR_TEXT_MAX];
	bool ok;

	(void)addrlen;
	if (web_limits_key(l, addr, key, sizeof(key), text))
		return MHD_YES;
	lock_acquire(&l->lock);
	ok = web_limits_count(l, key) < (guint)l->conf->max_connections_per_ip;
	if (!ok)
		l->refused++;
	lock_release(&l->lock);
	return ok ? MHD_YES : MHD_NO;
}

static void
web_limits_shut(struct web_limits *l, struct web_conn *wc, enum web_reap why)
{
	/* Both directions: a reader blocked on us sees the end at once. */
	if (shutdown(wc->fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
		log_warn("http: could not shut down a connection from %s",
		    wc->key);
	wc->reaped = why;
	l->reaped[why]++;
}

/* MHD_NotifyConnectionCallback. */
void
web_limits_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct web_limits *l = cls;
	struct web_conn *wc;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		bool proxy;
		guint n;

		wc = g_new0(struct web_conn, 1);
		wc->fd = fd != NULL ? fd->connect_fd : -1;
		proxy = web_limits_key(l, ci ? ci->client_addr : NULL, wc->key,
		    sizeof(wc->key), wc->peer);
		atomic_init(&wc->state, WC_HEADERS);
		atomic_init(&wc->since, g_get_monotonic_time());
		atomic_init(&wc->body_bytes, 0);
		lock_acquire(&l->lock);
		g_hash_table_add(l->conns, wc);
		if (!proxy) {
			wc->counted = true;
			n = web_limits_count(l, wc->key) + 1;
			g_hash_table_insert(l->per_key, g_strdup(wc->key),
			    GUINT_TO_POINTER(n));
			if (n > (guint)l->conf->max_connections_per_ip &&
			    wc->fd >= 0)
				web_limits_shut(l, wc, WR_CAP);
		}
		lock_release(&l->lock);
		*socket_context = wc;
		return;
	}
	wc = *socket_context;
	if (wc == NULL)
		return;
	lock_acquire(&l->lock);
	g_hash_table_remove(l->conns, wc);
	if (wc->counted) {
		guint n = web_limits_count(l, wc->key);

		if (n <= 1)
			g_hash_table_remove(l->per_key, wc->key);
		else
			g_hash_table_insert(l->per_key, g_strdup(wc->key),
			    GUINT_TO_POINTER(n - 1));
	}
	lock_release(&l->lock);
	*socket_context = NULL;
	g_free(wc);
}

static struct web_conn *
web_conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

bool
web_limits_peer(struct MHD_Connection *conn, char *out, size_t len)
{
	struct web_conn *wc = web_conn_of(conn);

	if (wc == NULL)
		return false;
	g_strlcpy(out, wc->peer, len);
	return true;
}

void
web_limits_mark(struct web_limits *l, struct MHD_Connection *conn,
    enum web_limits_event ev, size_t bytes)
{
	struct web_conn *wc = web_conn_of(conn);

	(void)l;
	if (wc == NULL)
		return;
	switch (ev) {
	case WL_HEADERS_DONE:
		atomic_store_explicit(&wc->body_bytes, 0, memory_order_relaxed);
		atomic_store_explicit(&wc->since, g_get_monotonic_time(),
		    memory_order_relaxed);
		atomic_store_explicit(&wc->state, WC_BODY,
		    memory_order_release);
		break;
	case WL_BODY_BYTES:
		atomic_fetch_add_explicit(&wc->body_bytes, bytes,
		    memory_order_relaxed);
		break;
	case WL_REQUEST_READ:
		atomic_store_explicit(&wc->state, WC_BUSY,
		    memory_order_release);
		break;
	case WL_REQUEST_DONE:
		/* A kept-alive connection's next headers are due within
		 * the same deadline, counted from here. */
		atomic_store_explicit(&wc->since, g_get_monotonic_time(),
		    memory_order_relaxed);
		atomic_store_explicit(&wc->state, WC_HEADERS,
		    memory_order_release);
		break;
	}
}

void
web_limits_refuse_now(struct MHD_Connection *conn, unsigned status,
    const char *reason)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	char buf[256];
	int n;

	if (ci == NULL)
		return;
	n = g_snprintf(buf, sizeof(buf),
	    "HTTP/1.1 %u %s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
	    status, reason, strlen(reason) + 1, reason);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	/* Best effort: the socket buffer of a connection that is still
	 * sending to us has room for these few bytes. */
	(void)send(ci->connect_fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(ci->connect_fd, SHUT_WR);
}

/* One look at every connection; called with the lock held. */
static void
web_limits_sweep(struct web_limits *l)
{
	const struct conf *c = l->conf;
	gint64 now = g_get_monotonic_time();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, l->conns);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		struct web_conn *wc = k;
		int state = atomic_load_explicit(&wc->state,
		    memory_order_acquire);
		gint64 age = now -
		    atomic_load_explicit(&wc->since, memory_order_relaxed);
		guint64 body = atomic_load_explicit(&wc->body_bytes,
		    memory_order_relaxed);

		if (wc->reaped != WR_NONE || wc->fd < 0)
			continue;
		if (state == WC_HEADERS &&
		    age > c->header_timeout_seconds * G_USEC_PER_SEC)
			web_limits_shut(l, wc, WR_HEADERS);
		else if (state == WC_BODY && c->min_body_bytes_per_second > 0 &&
		    age > c->body_grace_seconds * G_USEC_PER_SEC +
		            (gint64)(body * G_USEC_PER_SEC /
		                (guint64)c->min_body_bytes_per_second))
			web_limits_shut(l, wc, WR_BODY);
	}
}

/* Says what was refused or cut since the last time, in one line. */
static void
web_limits_report(struct web_limits *l)
{
	if (l->refused == 0 && l->reaped[WR_HEADERS] == 0 &&
	    l->reaped[WR_BODY] == 0 && l->reaped[WR_CAP] == 0)
		return;
	log_warnx("http: refused %" G_GUINT64_FORMAT " connections over "
	          "max_connections_per_ip and closed %" G_GUINT64_FORMAT
	          " over it, "
	          "%" G_GUINT64_FORMAT " with headers late, %" G_GUINT64_FORMAT
	          " with a body too slow",
	    l->refused, l->reaped[WR_CAP], l->reaped[WR_HEADERS],
	    l->reaped[WR_BODY]);
	l->refused = 0;
	memset(l->reaped, 0, sizeof(l->reaped));
}

static void *
web_limits_reaper(void *arg)
{
	struct web_limits *l = arg;
	gint64 last_report = 0;

	lock_acquire(&l->lock);
	while (!l->stop) {
		struct timespec ts;

		web_limits_sweep(l);
		/* At most one summary line every 10 s, however busy. */
		if (g_get_monotonic_time() - last_report >
		    10 * G_USEC_PER_SEC) {
			web_limits_report(l);
			last_report = g_get_monotonic_time();
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 500 * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		pthread_cond_timedwait(&l->wake, &l->lock, &ts);
	}
	web_limits_report(l);
	lock_release(&l->lock);
	return NULL;
}

struct web_limits *
web_limits_new(const struct conf *conf)
{
	struct web_limits *l = g_new0(struct web_limits, 1);
	pthread_condattr_t ca;

	l->conf = conf;
	lock_init(&l->lock);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->wake, &ca);
	pthread_condattr_destroy(&ca);
	l->conns = g_hash_table_new(g_direct_hash, g_direct_equal);
	l->per_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	return l;
}

gboolean
web_limits_start(struct web_limits *l, GError **error)
{
	int rc = pthread_create(&l->reaper, NULL, web_limits_reaper, l);

	if (rc != 0) {
		g_set_error(error, SUMMIT_WEB_ERROR, WEB_ESTART,
		    "could not start the connection reaper: %s",
		    g_strerror(rc));
		return FALSE;
	}
	l->reaper_running = true;
	return TRUE;
}

void
web_limits_stop(struct web_limits *l)
{
	if (l == NULL || !l->reaper_running)
		return;
	lock_acquire(&l->lock);
	l->stop = true;
	pthread_cond_signal(&l->wake);
	lock_release(&l->lock);
	pthread_join(l->reaper, NULL);
	l->reaper_running = false;
}

/* After MHD_stop_daemon: every connection has had its CLOSED call. */
void
web_limits_free(struct web_limits *l)
{
	if (l == NULL)
		return;
	web_limits_stop(l);
	g_hash_table_unref(l->conns);
	g_hash_table_unref(l->per_key);
	pthread_cond_destroy(&l->wake);
	lock_clear(&l->lock);
	g_free(l);
}
