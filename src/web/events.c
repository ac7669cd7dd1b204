/*
 * events.c -- which event an address names.  Every event has its own
 * prefix, /SLUG/...; the directory here maps slugs to events for the
 * dispatcher (route.c), kept in memory per process and read again from
 * the database when it is older than WEB_EVENTS_TTL_US or a slug is not
 * in it (at most every WEB_EVENTS_RETRY_US, so made-up slugs cost no
 * query each).  An address without a prefix means the installation's
 * only event that is not archived, if there is exactly one.
 */
#include "web/internal.h"
#include "base/base.h"

#include <string.h>

#define WEB_EVENTS_TTL_US (2 * G_USEC_PER_SEC)
#define WEB_EVENTS_RETRY_US (G_USEC_PER_SEC / 4)

struct web_events {
	/* One reader of the database at a time: the others wait for it and
	 * find the list fresh (first requests after a start, in a burst). */
	pthread_mutex_t load_lock;
	pthread_mutex_t lock;
	GArray *list;     /* struct web_event; replaced whole, never edited */
	int sole;         /* index of the only live event; -1: none, several */
	gint64 loaded_at; /* monotonic; 0: never */
	gint64 tried_at;  /* the last load begun */
};

/* What one look at the directory (under its lock) tells. */
struct events_seen {
	bool known; /* the list was read at least once */
	bool fresh; /* and young enough to trust */
	bool found;
};

struct web_events *
web_events_new(void)
{
	struct web_events *d = g_new0(struct web_events, 1);

	lock_init(&d->load_lock);
	lock_init(&d->lock);
	d->list = g_array_new(FALSE, TRUE, sizeof(struct web_event));
	d->sole = -1;
	return d;
}

void
web_events_free(struct web_events *d)
{
	if (d == NULL)
		return;
	g_array_unref(d->list);
	lock_clear(&d->lock);
	lock_clear(&d->load_lock);
	g_free(d);
}

/* The index of the list's only event that is not archived, or -1. */
static int
events_sole_index(const GArray *list)
{
	int sole = -1;
	guint i;

	for (i = 0; i < list->len; i++) {
		if (g_array_index(list, struct web_event, i).archived)
			continue;
		if (sole >= 0)
			return -1;
		sole = (int)i;
	}
	return sole;
}

/* Reads the events again, unless another thread did a moment ago. */
static void
events_load(struct web *web, bool force)
{
	struct web_events *d = web->events;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) rows = NULL;
	GArray *list, *old;
	gint64 now;
	bool skip;
	guint i;

	lock_acquire(&d->load_lock);
	lock_acquire(&d->lock);
	now = g_get_monotonic_time();
	/* Read a moment ago (a slug not found is not read for again at
	 * once), or failed a moment ago (the database is away). */
	skip = (d->loaded_at != 0 &&
	           now - d->loaded_at <
	               (force ? WEB_EVENTS_RETRY_US : WEB_EVENTS_TTL_US)) ||
	    (d->tried_at > d->loaded_at &&
	        now - d->tried_at < WEB_EVENTS_RETRY_US);
	if (!skip)
		d->tried_at = now;
	lock_release(&d->lock);
	if (skip) {
		lock_release(&d->load_lock);
		return;
	}
	if ((rows = app_events(web->app, &error)) == NULL) {
		log_warnx("could not read the events: %s", error->message);
		lock_release(&d->load_lock);
		return;
	}
	list = g_array_new(FALSE, TRUE, sizeof(struct web_event));
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *e = json_array_get_object_element(rows, i);
		struct web_event ev = { .id = app_view_int(e, "id") };

		g_strlcpy(ev.slug, app_view_str(e, "slug"), sizeof(ev.slug));
		ev.archived = app_view_bool(e, "archived");
		g_array_append_val(list, ev);
	}
	lock_acquire(&d->lock);
	old = d->list;
	d->list = list;
	d->sole = events_sole_index(list);
	d->loaded_at = now;
	d->tried_at = now;
	lock_release(&d->lock);
	lock_release(&d->load_lock);
	g_array_unref(old);
}

/*
 * One look at the list as it is, under one lock (the event page's path
 * takes no other): the event with that slug (slug != NULL), that id
 * (id != 0), or else the only live one, copied to *out if found.  The
 * callers pass *out on only when the list was fresh enough to trust: a
 * request that carries an event is not looked up again.
 */
static struct events_seen
events_look(struct web *web, const char *slug, size_t len, gint64 id,
    struct web_event *out)
{
	struct web_events *d = web->events;
	struct events_seen seen = { 0 };
	const struct web_event *e = NULL;
	guint i;

	lock_acquire(&d->lock);
	seen.known = d->loaded_at != 0;
	seen.fresh = seen.known &&
	    g_get_monotonic_time() - d->loaded_at < WEB_EVENTS_TTL_US;
	if (slug == NULL && id == 0)
		e = d->sole >= 0 ?
		    &g_array_index(d->list, struct web_event, d->sole) :
		    NULL;
	for (i = 0; (slug != NULL || id != 0) && i < d->list->len; i++) {
		const struct web_event *x = &g_array_index(d->list,
		    struct web_event, i);

		if (slug != NULL ? strlen(x->slug) == len &&
		            memcmp(x->slug, slug, len) == 0 :
		                   x->id == id) {
			e = x;
			break;
		}
	}
	if (e != NULL) {
		seen.found = true;
		*out = *e;
	}
	lock_release(&d->lock);
	return seen;
}

enum web_found
web_events_find(struct web *web, const char *slug, size_t len, bool may_load,
    struct web_event *out)
{
	struct web_event ev;
	struct events_seen seen = events_look(web, slug, len, 0, &ev);

	if (!(seen.found && seen.fresh)) {
		if (!may_load)
			return WEB_FOUND_UNSURE;
		events_load(web, !seen.found);
		seen = events_look(web, slug, len, 0, &ev);
		if (!seen.found)
			return seen.known ? WEB_NOT_FOUND : WEB_UNAVAILABLE;
	}
	*out = ev;
	return WEB_FOUND;
}

bool
web_events_by_id(struct web *web, gint64 id, struct web_event *out)
{
	struct web_event ev;
	struct events_seen seen = events_look(web, NULL, 0, id, &ev);

	if (!(seen.found && seen.fresh)) {
		events_load(web, true);
		if (!events_look(web, NULL, 0, id, &ev).found)
			return false;
	}
	*out = ev;
	return true;
}

enum web_found
web_events_sole(struct web *web, bool may_load, struct web_event *out)
{
	struct web_event ev;
	struct events_seen seen = events_look(web, NULL, 0, 0, &ev);

	if (!seen.fresh) {
		if (!may_load)
			return WEB_FOUND_UNSURE;
		events_load(web, false);
		seen = events_look(web, NULL, 0, 0, &ev);
	}
	if (!seen.known)
		return WEB_UNAVAILABLE;
	if (!seen.found)
		return WEB_NOT_FOUND;
	*out = ev;
	return WEB_FOUND;
}

void
web_events_forget(struct web *web)
{
	lock_acquire(&web->events->lock);
	/* Stale, not unknown: the next lookup reads it again. */
	web->events->loaded_at = 1;
	web->events->tried_at = 1;
	lock_release(&web->events->lock);
}

void
web_req_set_event(struct web_req *req, gint64 event_id)
{
	struct web_event ev;

	if (event_id > 0 && req->event.id != event_id &&
	    web_events_by_id(req->web, event_id, &ev))
		req->event = ev;
}
