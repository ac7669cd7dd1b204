/*
 * tz.c -- VTIMEZONE components from the system tz database (via GTimeZone),
 * built with libical's component API.
 *
 * libical's builtin zones carry a non-IANA TZID and every historic
 * observance with RDATEs and LMT (CALENDAR.md, note on libical 3.0.16),
 * the shape Outlook mishandles, and icaltimezone_truncate_vtimezone ends
 * the rules with an UNTIL.  libical's icaltzutil_fetch_timezone reads the
 * system tz database but gives the same history and prefix.  Instead we
 * describe the rule in force: the two offset changes of the event's year
 * are found by searching GTimeZone's intervals a day at a time and then
 * to the second, each is written as a yearly RRULE (BYMONTH plus
 * BYDAY=1SU..4SU, or -1SU when it falls in the last seven days of the
 * month) with the wall-clock time in the old offset as a 1970 DTSTART,
 * the convention Google and Apple use.  The rules are then checked
 * against the tz database for the following years too, and a zone they
 * do not describe (one that changed its rules, or with a rule such as
 * "Friday on or after the 23rd") is refused rather than guessed.  The
 * TZID is the IANA name as given.
 *
 * DAYLIGHT is the observance with the larger offset, whatever the tz
 * database's isdst flag says (Europe/Dublin has negative DST there).
 *
 * Searching a year costs about a millisecond, so the rules found are
 * cached per zone and year range for the life of the process, under a
 * mutex, as plain data; each caller gets a component of its own.
 */
#include "ical/ical_int.h"
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

#define DAY_SECS 86400
/* Years after the first that a rule must also describe. */
#define TZ_CHECK_YEARS 6
/* Changes per year we look at; a DST zone has 2. */
#define TZ_MAX_CHANGES 8

struct tz_change {
	gint64 at;    /* the instant, Unix seconds */
	gint32 from;  /* UTC offset before, seconds */
	gint32 to;    /* UTC offset after */
	int interval; /* GTimeZone interval after the change */
};

/* A yearly rule: the nth (or last, -1) weekday of month at local secs. */
struct tz_rule {
	int month; /* 1..12 */
	int nth;   /* 1..4 or -1 */
	int wday;  /* 1 = Monday .. 7 = Sunday, as GDateWeekday */
	int secs;  /* seconds after local midnight, in the old offset */
	gint32 from, to;
	int interval;
};

/* lock.c's kind of mutex, which ThreadSanitizer sees. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *cache; /* "tzid from to" -> struct tz_desc */
static GHashTable *zones; /* tzid -> GTimeZone, under cache_lock */

static gint64
year_start(int year)
{
	g_autoptr(GDateTime) dt = g_date_time_new_utc(year, 1, 1, 0, 0, 0);

	return g_date_time_to_unix(dt);
}

/* Offset changes of tz within the UTC year; returns their number. */
static int
tz_changes(GTimeZone *tz, int year, struct tz_change *out, int max)
{
	gint64 t = year_start(year), end = year_start(year + 1) - 1;
	gint64 next, lo, hi, mid;
	int cur, ni, n = 0;

	cur = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, t);
	while (t < end) {
		next = MIN(t + DAY_SECS, end);
		ni = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, next);
		if (ni == cur) {
			t = next;
			continue;
		}
		lo = t;
		hi = next;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL,
			        mid) == cur)
				lo = mid;
			else
				hi = mid;
		}
		ni = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, hi);
		if (g_time_zone_get_offset(tz, cur) !=
		    g_time_zone_get_offset(tz, ni)) {
			if (n < max) {
				out[n].at = hi;
				out[n].from = g_time_zone_get_offset(tz, cur);
				out[n].to = g_time_zone_get_offset(tz, ni);
				out[n].interval = ni;
			}
			n++;
		}
		cur = ni;
		t = hi;
	}
	return n;
}

static struct tz_rule
rule_of(const struct tz_change *c)
{
	g_autoptr(GDateTime) local = g_date_time_new_from_unix_utc(
	    c->at + c->from);
	struct tz_rule r;
	int d, dim;

	r.month = g_date_time_get_month(local);
	r.wday = g_date_time_get_day_of_week(local);
	r.secs = g_date_time_get_hour(local) * 3600 +
	    g_date_time_get_minute(local) * 60 + g_date_time_get_second(local);
	d = g_date_time_get_day_of_month(local);
	dim = g_date_get_days_in_month((GDateMonth)r.month,
	    (GDateYear)g_date_time_get_year(local));
	r.nth = d > dim - 7 ? -1 : (d - 1) / 7 + 1;
	r.from = c->from;
	r.to = c->to;
	r.interval = c->interval;
	return r;
}

/* The day of the month on which rule r falls in year. */
static int
rule_day(const struct tz_rule *r, int year)
{
	GDate date;
	int dim, w;

	dim = g_date_get_days_in_month((GDateMonth)r->month, (GDateYear)year);
	if (r->nth < 0) {
		g_date_clear(&date, 1);
		g_date_set_dmy(&date, (GDateDay)dim, (GDateMonth)r->month,
		    (GDateYear)year);
		w = g_date_get_weekday(&date);
		return dim - (w - r->wday + 7) % 7;
	}
	g_date_clear(&date, 1);
	g_date_set_dmy(&date, 1, (GDateMonth)r->month, (GDateYear)year);
	w = g_date_get_weekday(&date);
	return 1 + (r->wday - w + 7) % 7 + 7 * (r->nth - 1);
}

/* The instant at which rule r changes the offset in year. */
static gint64
rule_instant(const struct tz_rule *r, int year)
{
	g_autoptr(GDateTime) day = g_date_time_new_utc(year, r->month,
	    rule_day(r, year), 0, 0, 0);

	return g_date_time_to_unix(day) + r->secs - r->from;
}

/* True if the rules (n of them, 0 or 2) give exactly the changes of year. */
static bool
rules_hold(GTimeZone *tz, const struct tz_rule *rules, int n, gint32 fixed,
    int year)
{
	struct tz_change ch[TZ_MAX_CHANGES];
	int k, i, found;

	found = tz_changes(tz, year, ch, TZ_MAX_CHANGES);
	if (found != n)
		return false;
	if (n == 0)
		return g_time_zone_get_offset(tz,
		           g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL,
		               year_start(year))) == fixed;
	for (k = 0; k < n; k++) {
		for (i = 0; i < n; i++) {
			if (ch[i].at == rule_instant(&rules[k], year) &&
			    ch[i].from == rules[k].from &&
			    ch[i].to == rules[k].to)
				break;
		}
		if (i == n)
			return false;
	}
	return true;
}

/* libical's BYDAY encoding: (position * 8 + weekday), Sunday = 1. */
static short
byday(const struct tz_rule *r)
{
	short d = (short)(abs(r->nth) * 8 + r->wday % 7 + 1);

	return r->nth < 0 ? (short)-d : d;
}

static icalcomponent *
observance(const struct tz_rule *r, const char *abbr)
{
	icalcomponent *obs = icalcomponent_new(r->to > r->from ?
	        ICAL_XDAYLIGHT_COMPONENT :
	        ICAL_XSTANDARD_COMPONENT);
	struct icaltimetype start = icaltime_null_time();
	struct icalrecurrencetype rrule;

	icalcomponent_add_property(obs, icalproperty_new_tzoffsetfrom(r->from));
	icalcomponent_add_property(obs, icalproperty_new_tzoffsetto(r->to));
	if (abbr != NULL)
		icalcomponent_add_property(obs, icalproperty_new_tzname(abbr));
	/* Local wall-clock time, no zone: RFC 5545 3.6.5. */
	start.year = 1970;
	start.month = r->month;
	start.day = rule_day(r, 1970);
	start.hour = r->secs / 3600;
	start.minute = r->secs / 60 % 60;
	start.second = r->secs % 60;
	icalcomponent_add_property(obs, icalproperty_new_dtstart(start));
	icalrecurrencetype_clear(&rrule);
	rrule.freq = ICAL_YEARLY_RECURRENCE;
	rrule.by_month[0] = (short)r->month;
	rrule.by_day[0] = byday(r);
	icalcomponent_add_property(obs, icalproperty_new_rrule(rrule));
	return obs;
}

/* A name from the tz database: a file under TZDIR, not a POSIX TZ string. */
static bool
tzid_ok(const char *tzid)
{
	const char *dir = g_getenv("TZDIR"), *p;
	g_autofree char *path = NULL;

	if (tzid == NULL || !g_ascii_isalpha(tzid[0]) || strlen(tzid) > 64 ||
	    strstr(tzid, "..") != NULL)
		return false;
	for (p = tzid; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("/_+-", *p) == NULL)
			return false;
	}
	path = g_build_filename(
	    dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo", tzid,
	    NULL);
	return g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

GTimeZone *
ical_tz_zone(const char *tzid)
{
	GTimeZone *tz;

	lock_acquire(&cache_lock);
	if (zones == NULL)
		zones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    (GDestroyNotify)g_time_zone_unref);
	tz = tzid != NULL ? g_hash_table_lookup(zones, tzid) : NULL;
	if (tz == NULL && tzid_ok(tzid) &&
	    (tz = g_time_zone_new_identifier(tzid)) != NULL)
		g_hash_table_insert(zones, g_strdup(tzid), tz);
	if (tz != NULL)
		g_time_zone_ref(tz);
	lock_release(&cache_lock);
	return tz;
}

/*
 * What a zone's VTIMEZONE says for a range of years: a DAYLIGHT and a
 * STANDARD rule, or one fixed offset.  Plain data, so the cache shares
 * nothing of libical's between threads.
 */
struct tz_desc {
	int n; /* 2 rules, or 0: the fixed offset */
	struct tz_rule rules[2];
	gint32 fixed;
	char *abbr[2]; /* TZNAME of each observance (fixed: [0]), or NULL */
};

static void
tz_desc_free(gpointer p)
{
	struct tz_desc *d = p;

	g_free(d->abbr[0]);
	g_free(d->abbr[1]);
	g_free(d);
}

static char *
abbreviation(GTimeZone *tz, int interval)
{
	const char *abbr = g_time_zone_get_abbreviation(tz, interval);

	return abbr != NULL && *abbr != '\0' ? g_strdup(abbr) : NULL;
}

static struct tz_desc *
tz_build(const char *tzid, int from_year, int to_year, GError **error)
{
	g_autoptr(GTimeZone) tz = ical_tz_zone(tzid);
	struct tz_change ch[TZ_MAX_CHANGES];
	struct tz_desc *d;
	struct tz_rule *rules;
	int n, y, first;

	if (tz == NULL) {
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_ETZ,
		    "unknown time zone \"%s\"", tzid != NULL ? tzid : "");
		return NULL;
	}
	d = g_new0(struct tz_desc, 1);
	rules = d->rules;
	n = tz_changes(tz, from_year, ch, TZ_MAX_CHANGES);
	first = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL,
	    year_start(from_year));
	d->fixed = g_time_zone_get_offset(tz, first);
	if (n == 2) {
		rules[0] = rule_of(&ch[0]);
		rules[1] = rule_of(&ch[1]);
		/* DAYLIGHT first, then STANDARD. */
		if (rules[0].to < rules[0].from) {
			struct tz_rule tmp = rules[0];

			rules[0] = rules[1];
			rules[1] = tmp;
		}
		if (rules[0].to <= rules[0].from ||
		    rules[0].to != rules[1].from ||
		    rules[1].to != rules[0].from)
			n = -1;
	} else if (n != 0)
		n = -1;
	for (y = from_year; n >= 0 && y <= to_year; y++) {
		if (!rules_hold(tz, rules, n, d->fixed, y))
			n = -1;
	}
	if (n < 0) {
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_ETZ,
		    "cannot describe time zone \"%s\" in %d-%d with yearly "
		    "rules",
		    tzid, from_year, to_year);
		tz_desc_free(d);
		return NULL;
	}
	d->n = n;
	if (n == 2) {
		d->abbr[0] = abbreviation(tz, rules[0].interval);
		d->abbr[1] = abbreviation(tz, rules[1].interval);
	} else
		d->abbr[0] = abbreviation(tz, first);
	return d;
}

/* The VTIMEZONE component d describes, named tzid. */
static icalcomponent *
tz_component(const char *tzid, const struct tz_desc *d)
{
	icalcomponent *vtz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	icalcomponent *std;
	struct icaltimetype start = icaltime_null_time();

	icalcomponent_add_property(vtz, icalproperty_new_tzid(tzid));
	if (d->n == 2) {
		icalcomponent_add_component(vtz,
		    observance(&d->rules[0], d->abbr[0]));
		icalcomponent_add_component(vtz,
		    observance(&d->rules[1], d->abbr[1]));
		return vtz;
	}
	std = icalcomponent_new(ICAL_XSTANDARD_COMPONENT);
	icalcomponent_add_property(std,
	    icalproperty_new_tzoffsetfrom(d->fixed));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetto(d->fixed));
	if (d->abbr[0] != NULL)
		icalcomponent_add_property(std,
		    icalproperty_new_tzname(d->abbr[0]));
	start.year = 1970;
	start.month = 1;
	start.day = 1;
	icalcomponent_add_property(std, icalproperty_new_dtstart(start));
	icalcomponent_add_component(vtz, std);
	return vtz;
}

icalcomponent *
ical_tz_component(const char *tzid, int from_year, int to_year, GError **error)
{
	g_autofree char *key = NULL;
	struct tz_desc *d;
	icalcomponent *vtz = NULL;

	if (from_year < 1971 || from_year > 9000 || to_year < from_year ||
	    to_year > 9000) {
		g_set_error(error, SUMMIT_ICAL_ERROR, ICAL_EINVAL,
		    "year %d out of range", from_year);
		return NULL;
	}
	to_year = MAX(to_year, from_year + TZ_CHECK_YEARS);
	key = g_strdup_printf("%s %d %d", tzid != NULL ? tzid : "", from_year,
	    to_year);
	lock_acquire(&cache_lock);
	d = cache != NULL ? g_hash_table_lookup(cache, key) : NULL;
	if (d != NULL)
		vtz = tz_component(tzid, d);
	lock_release(&cache_lock);
	if (vtz != NULL)
		return vtz;

	/* Built outside the lock: ical_tz_zone takes it. */
	if ((d = tz_build(tzid, from_year, to_year, error)) == NULL)
		return NULL;
	lock_acquire(&cache_lock);
	if (cache == NULL)
		cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    tz_desc_free);
	/* Another thread may have been first: keep its entry, which may be
	 * in use, and drop ours. */
	if (g_hash_table_contains(cache, key))
		tz_desc_free(d);
	else
		g_hash_table_insert(cache, g_strdup(key), d);
	vtz = tz_component(tzid, g_hash_table_lookup(cache, key));
	lock_release(&cache_lock);
	return vtz;
}

char *
ical_vtimezone(const char *tzid, int year, GError **error)
{
	icalcomponent *vtz;
	char *text;

	ical_lib_ready();
	if ((vtz = ical_tz_component(tzid, year, year, error)) == NULL)
		return NULL;
	text = ical_serialise(vtz);
	icalcomponent_free(vtz);
	return text;
}
