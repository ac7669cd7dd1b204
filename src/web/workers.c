/*
 * workers.c -- the request workers: a fixed set of threads that take
 * fully read requests from one first-come-first-served queue and run
 * their handlers (web_dispatch), while libmicrohttpd's few I/O threads
 * only read requests and write answers.
 *
 * Why not let libmicrohttpd's thread pool run the handlers: each of its
 * threads keeps the connections it accepted, and under a burst one thread
 * accepts many, so a request waited behind every other request of its
 * thread while other threads idled (docs/bench-http.md, "Where the
 * registration tail (p99) comes from").  Here a request waits only until
 * any worker is free, in arrival order.
 *
 * A queued connection is suspended (MHD_suspend_connection, before it is
 * queued, so a worker can never resume it first); the worker resumes it
 * when the answer is ready and libmicrohttpd calls the access handler
 * again, which sends it (server.c).  While suspended, a connection is
 * neither polled nor timed out, and only the worker touches the request.
 *
 * A pthread mutex and condition (base/lock.c), not GThreadPool: its
 * GAsyncQueue is built on GLib's futexes, which ThreadSanitizer cannot
 * see.
 */
#include "web/internal.h"
#include "base/base.h"

struct web_workers {
	pthread_mutex_t lock;
	pthread_cond_t more; /* the queue grew, or stopping */
	GQueue queue;        /* of struct web_req, oldest first */
	bool stopping;
	guint n;
	GThread **threads;
	void (*run)(struct web_req *req);
	struct web_metrics *metrics; /* the queue's wait */
};

static gpointer
web_worker_main(gpointer data)
{
	struct web_workers *w = data;

	for (;;) {
		struct web_req *req;

		lock_acquire(&w->lock);
		while (w->queue.length == 0 && !w->stopping)
			lock_cond_wait(&w->more, &w->lock);
		/* Stopping still empties the queue: each request in it
		 * holds a suspended connection that must be resumed. */
		req = g_queue_pop_head(&w->queue);
		lock_release(&w->lock);
		if (req == NULL)
			return NULL;
		web_metrics_queue_wait(w->metrics,
		    g_get_monotonic_time() - req->queued);
		w->run(req);
	}
}

struct web_workers *
web_workers_new(guint n, void (*run)(struct web_req *req),
    struct web_metrics *metrics)
{
	struct web_workers *w = g_new0(struct web_workers, 1);
	guint i;

	lock_init(&w->lock);
	lock_cond_init(&w->more);
	g_queue_init(&w->queue);
	w->run = run;
	w->metrics = metrics;
	w->n = n;
	w->threads = g_new0(GThread *, n);
	for (i = 0; i < n; i++)
		w->threads[i] = g_thread_new("summit-worker", web_worker_main,
		    w);
	return w;
}

bool
web_workers_push(struct web_workers *w, struct web_req *req)
{
	lock_acquire(&w->lock);
	if (w->stopping) {
		lock_release(&w->lock);
		return false;
	}
	MHD_suspend_connection(req->conn);
	req->queued = g_get_monotonic_time();
	g_queue_push_tail(&w->queue, req);
	lock_cond_signal(&w->more);
	lock_release(&w->lock);
	return true;
}

guint
web_workers_depth(struct web_workers *w)
{
	guint n;

	lock_acquire(&w->lock);
	n = w->queue.length;
	lock_release(&w->lock);
	return n;
}

void
web_workers_stop(struct web_workers *w)
{
	guint i;

	if (w == NULL || w->threads == NULL)
		return;
	lock_acquire(&w->lock);
	w->stopping = true;
	lock_cond_broadcast(&w->more);
	lock_release(&w->lock);
	for (i = 0; i < w->n; i++)
		g_thread_join(w->threads[i]);
	g_clear_pointer(&w->threads, g_free);
}

void
web_workers_free(struct web_workers *w)
{
	if (w == NULL)
		return;
	web_workers_stop(w);
	lock_cond_clear(&w->more);
	lock_clear(&w->lock);
	g_free(w);
}
