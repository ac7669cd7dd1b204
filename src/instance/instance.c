/*
 * instance.c -- reading and writing the CSV instance format.
 *
 * Each file is read whole and split in place: a field is a pointer into
 * the buffer, terminated by overwriting its comma.  Numbers go through
 * parse_int64 (g_ascii_string_to_signed's contract, written out for
 * speed) and then explicit bounds.  Ids must be
 * dense and in order (FORMAT.md), so a row whose id is not the next one
 * is a duplicate or out of order, and is reported as such.  Every error
 * message starts with "file:line:" and names the column.
 */
#include "instance/instance.h"

#include <errno.h>
#include <string.h>

#define MAX_COLS 8

G_DEFINE_QUARK(summit - instance - error - quark, instance_error)

struct csv {
	const char *name; /* base name, for messages */
	char *buf;
	char *pos;
	char *end;
	guint line;
	guint ncols;               /* columns wanted */
	const char *col[MAX_COLS]; /* their names */
	int idx[MAX_COLS];         /* their index in the header, or -1 */
	char *f[MAX_COLS];         /* the current row's values */
	gint8 *fmap;               /* header field -> wanted column, or -1 */
	guint nfields;             /* fields in the header */
};

static void
csv_clear(struct csv *c)
{
	g_free(c->buf);
	c->buf = NULL;
	g_free(c->fmap);
	c->fmap = NULL;
}

/* Cuts the next line out of the buffer; NULL at the end. */
static char *
csv_line(struct csv *c)
{
	char *s, *nl;
	size_t len;

	if (c->pos >= c->end)
		return NULL;
	s = c->pos;
	nl = memchr(s, '\n', (size_t)(c->end - s));
	if (nl == NULL)
		nl = c->end;
	*nl = '\0';
	/* Never past the end: a last line without '\n' would leave pos one
	 * beyond it, and end - pos (read as a size) huge (found by
	 * fuzz_instance: a header-only preferences.csv reserved 32 GB). */
	c->pos = nl < c->end ? nl + 1 : c->end;
	c->line++;
	len = (size_t)(nl - s);
	if (len > 0 && s[len - 1] == '\r')
		s[len - 1] = '\0';
	return s;
}

/*
 * Opens dir/name and reads its header.  cols[] lists the wanted columns;
 * the first n_required of them must be there.
 */
static bool
csv_open(struct csv *c, const char *dir, const char *name,
    const char *const *cols, guint ncols, guint n_required, GError **error)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) err = NULL;
	gsize len;
	char *h, *tok;
	int i = 0;

	memset(c, 0, sizeof(*c));
	c->name = name;
	c->ncols = ncols;
	if (!g_file_get_contents(path, &c->buf, &len, &err)) {
		g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EIO,
		    "%s: %s", name, err->message);
		return false;
	}
	c->pos = c->buf;
	c->end = c->buf + len;
	for (guint k = 0; k < ncols; k++) {
		c->col[k] = cols[k];
		c->idx[k] = -1;
	}
	h = csv_line(c);
	if (h == NULL) {
		g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EFORMAT,
		    "%s:1: empty file, a header row is required", name);
		return false;
	}
	for (tok = h;; i++) {
		char *comma = strchr(tok, ',');

		if (comma != NULL)
			*comma = '\0';
		for (guint k = 0; k < ncols; k++)
			if (c->idx[k] < 0 && strcmp(tok, cols[k]) == 0)
				c->idx[k] = i;
		if (comma == NULL)
			break;
		tok = comma + 1;
	}
	c->nfields = (guint)i + 1;
	c->fmap = g_new(gint8, c->nfields);
	memset(c->fmap, -1, c->nfields);
	for (guint k = 0; k < ncols; k++)
		if (c->idx[k] >= 0)
			c->fmap[c->idx[k]] = (gint8)k;
	for (guint k = 0; k < n_required; k++) {
		if (c->idx[k] < 0) {
			g_set_error(error, SUMMIT_INSTANCE_ERROR,
			    INSTANCE_EFORMAT, "%s:1: missing column \"%s\"",
			    name, cols[k]);
			return false;
		}
	}
	return true;
}

/* Reads the next non-empty row: 1, or 0 at the end, or -1 on error. */
static int
csv_next(struct csv *c, GError **error)
{
	char *s;

	while ((s = csv_line(c)) != NULL) {
		int i = 0;

		if (*s == '\0')
			continue;
		for (guint k = 0; k < c->ncols; k++)
			c->f[k] = NULL;
		for (;; i++) {
			char *q = s;

			while (*q != ',' && *q != '\0')
				q++;
			if ((guint)i < c->nfields && c->fmap[i] >= 0)
				c->f[c->fmap[i]] = s;
			if (*q == '\0')
				break;
			*q = '\0';
			s = q + 1;
		}
		for (guint k = 0; k < c->ncols; k++) {
			if (c->idx[k] >= 0 && c->f[k] == NULL) {
				g_set_error(error, SUMMIT_INSTANCE_ERROR,
				    INSTANCE_EFORMAT,
				    "%s:%u: missing field "
				    "\"%s\" (too few fields)",
				    c->name, c->line, c->col[k]);
				return -1;
			}
		}
		return 1;
	}
	return 0;
}

/*
 * A decimal integer, the whole of s: an optional sign, then digits, with
 * no overflow of 64 bits.  The same contract as g_ascii_string_to_signed
 * (base 10, full range), which took a third of the reading time.
 */
static bool
parse_int64(const char *s, gint64 *out)
{
	bool neg = false;
	guint64 v = 0, lim;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (*s == '\0')
		return false;
	lim = neg ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64;
	for (; *s != '\0'; s++) {
		guint d = (guint)(*s - '0');

		if (d > 9 || v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (gint64)(0 - v) : (gint64)v;
	return true;
}

/* Parses field k as an integer in min..max. */
static bool
csv_int(struct csv *c, guint k, gint64 min, gint64 max, gint64 *out,
    GError **error)
{
	const char *v = c->f[k];

	if (!parse_int64(v, out)) {
		g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EFORMAT,
		    "%s:%u: field \"%s\": \"%s\" is not an integer", c->name,
		    c->line, c->col[k], v);
		return false;
	}
	if (*out < min || *out > max) {
		g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EFORMAT,
		    "%s:%u: field \"%s\": %s is %s (allowed: %" G_GINT64_FORMAT
		    "..%" G_GINT64_FORMAT ")",
		    c->name, c->line, c->col[k], v,
		    *out < 0 && min >= 0 ? "negative" : "out of range", min,
		    max);
		return false;
	}
	return true;
}

static bool
id_error(const struct csv *c, guint k, gint64 id, guint64 n, const char *what,
    GError **error)
{
	g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EID,
	    "%s:%u: field \"%s\": unknown %s %" G_GINT64_FORMAT
	    " (%" G_GUINT64_FORMAT " defined)",
	    c->name, c->line, c->col[k], what, id, n);
	return false;
}

/* A dense id column: the row's id must be the next one. */
static bool
csv_dense_id(struct csv *c, guint k, guint next, GError **error)
{
	gint64 id;

	if (!csv_int(c, k, 0, G_MAXINT32, &id, error))
		return false;
	if (id != next) {
		g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EID,
		    "%s:%u: field \"%s\": %s id %" G_GINT64_FORMAT " (expected "
		    "%u: ids are dense and in order)",
		    c->name, c->line, c->col[k],
		    id < next ? "duplicate" : "out-of-order", id, next);
		return false;
	}
	return true;
}

static bool
read_slots(AllocProblem *prob, const char *dir, GError **error)
{
	static const char *const cols[] = { "slot_id" };
	struct csv c;
	bool ok = false;
	int r;

	if (!csv_open(&c, dir, "slots.csv", cols, 1, 1, error))
		goto out;
	while ((r = csv_next(&c, error)) > 0) {
		if (!csv_dense_id(&c, 0, alloc_problem_n_slots(prob), error))
			goto out;
		alloc_problem_add_slot(prob);
	}
	ok = r == 0;
out:
	csv_clear(&c);
	return ok;
}

static bool
read_sessions(AllocProblem *prob, const char *dir, GError **error)
{
	static const char *const cols[] = { "session_id", "slot_id", "capacity",
		"max_per_sector", "max_per_org", "tables", "seats_per_table" };
	struct csv c;
	bool ok = false;
	int r;

	if (!csv_open(&c, dir, "sessions.csv", cols, 7, 5, error))
		goto out;
	while ((r = csv_next(&c, error)) > 0) {
		gint64 v[7] = { 0 };
		guint s;

		if (!csv_dense_id(&c, 0, alloc_problem_n_sessions(prob), error))
			goto out;
		if (!csv_int(&c, 1, 0, G_MAXINT32, &v[1], error))
			goto out;
		if (v[1] >= alloc_problem_n_slots(prob)) {
			id_error(&c, 1, v[1], alloc_problem_n_slots(prob),
			    "slot", error);
			goto out;
		}
		for (guint k = 2; k < 7; k++)
			if (c.f[k] != NULL &&
			    !csv_int(&c, k, 0, G_MAXINT32, &v[k], error))
				goto out;
		s = alloc_problem_add_session(prob, (guint)v[1], (guint)v[2],
		    (guint)v[3], (guint)v[4]);
		alloc_problem_set_tables(prob, s, (guint)v[5], (guint)v[6]);
	}
	ok = r == 0;
out:
	csv_clear(&c);
	return ok;
}

static bool
read_participants(AllocProblem *prob, const char *dir, GError **error)
{
	static const char *const cols[] = { "participant_id", "sector",
		"org_id", "max_sessions" };
	g_autoptr(GHashTable) sectors = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	struct csv c;
	bool ok = false;
	int r;

	if (!csv_open(&c, dir, "participants.csv", cols, 4, 4, error))
		goto out;
	while ((r = csv_next(&c, error)) > 0) {
		gint64 org, max;
		gpointer sec;
		guint n = alloc_problem_n_participants(prob);

		if (!csv_dense_id(&c, 0, n, error))
			goto out;
		if (c.f[1][0] == '\0') {
			g_set_error(error, SUMMIT_INSTANCE_ERROR,
			    INSTANCE_EFORMAT,
			    "%s:%u: field \"sector\" is "
			    "empty",
			    c.name, c.line);
			goto out;
		}
		/* Sectors are data: numbered in order of appearance. */
		if (!g_hash_table_lookup_extended(sectors, c.f[1], NULL,
		        &sec)) {
			sec = GUINT_TO_POINTER(g_hash_table_size(sectors));
			g_hash_table_insert(sectors, g_strdup(c.f[1]), sec);
		}
		/* Org ids are dense, so fewer than the participants. */
		if (!csv_int(&c, 2, 0, G_MAXINT32, &org, error) ||
		    !csv_int(&c, 3, 0, G_MAXINT32, &max, error))
			goto out;
		alloc_problem_add_participant(prob, GPOINTER_TO_UINT(sec),
		    (guint)org, (guint)max);
	}
	ok = r == 0;
out:
	csv_clear(&c);
	return ok;
}

/* participant_id and session_id, checked against the problem. */
static bool
csv_pair(struct csv *c, const AllocProblem *prob, guint kp, guint ks, gint64 *p,
    gint64 *s, GError **error)
{
	if (!csv_int(c, kp, 0, G_MAXINT32, p, error) ||
	    !csv_int(c, ks, 0, G_MAXINT32, s, error))
		return false;
	if (*p >= alloc_problem_n_participants(prob))
		return id_error(c, kp, *p, alloc_problem_n_participants(prob),
		    "participant", error);
	if (*s >= alloc_problem_n_sessions(prob))
		return id_error(c, ks, *s, alloc_problem_n_sessions(prob),
		    "session", error);
	return true;
}

static bool
read_preferences(AllocProblem *prob, const char *dir, GError **error)
{
	static const char *const cols[] = { "participant_id", "rank",
		"session_id" };
	guint np = alloc_problem_n_participants(prob);
	/* Per participant: a bit per rank used, and the session (plus one)
	 * of each rank, so a duplicate session is found among at most
	 * ALLOC_MAX_RANK rows. */
	g_autofree guint8 *ranks = g_new0(guint8, np ? np : 1);
	g_autofree guint32 *by_rank = g_new0(guint32,
	    (size_t)(np ? np : 1) * ALLOC_MAX_RANK);
	struct csv c;
	bool ok = false;
	int r;

	if (!csv_open(&c, dir, "preferences.csv", cols, 3, 3, error))
		goto out;
	/* a row is at least 6 bytes: reserve once */
	alloc_problem_reserve(prob, 0, (size_t)(c.end - c.pos) / 6);
	while ((r = csv_next(&c, error)) > 0) {
		gint64 p, k, s;
		guint32 *seen;

		if (!csv_pair(&c, prob, 0, 2, &p, &s, error) ||
		    !csv_int(&c, 1, 1, ALLOC_MAX_RANK, &k, error))
			goto out;
		if (ranks[p] & (1u << k)) {
			g_set_error(error, SUMMIT_INSTANCE_ERROR,
			    INSTANCE_EFORMAT,
			    "%s:%u: field \"rank\": "
			    "participant %" G_GINT64_FORMAT
			    " has rank %" G_GINT64_FORMAT " twice",
			    c.name, c.line, p, k);
			goto out;
		}
		ranks[p] |= (guint8)(1u << k);
		seen = &by_rank[(size_t)p * ALLOC_MAX_RANK];
		for (guint j = 0; j < ALLOC_MAX_RANK; j++) {
			if (seen[j] == (guint32)s + 1) {
				g_set_error(error, SUMMIT_INSTANCE_ERROR,
				    INSTANCE_EID,
				    "%s:%u: field \"session_id\": "
				    "participant %" G_GINT64_FORMAT " ranks "
				    "session %" G_GINT64_FORMAT " twice",
				    c.name, c.line, p, s);
				goto out;
			}
		}
		seen[k - 1] = (guint32)s + 1;
		alloc_problem_add_preference(prob, (guint)p, (guint)s,
		    (guint)k);
	}
	ok = r == 0;
out:
	csv_clear(&c);
	return ok;
}

/* pins.csv, bans.csv or a previous assignments file. */
enum pair_kind { PAIR_PIN, PAIR_BAN, PAIR_PREVIOUS };

static bool
read_pairs(AllocProblem *prob, const char *dir, const char *name,
    enum pair_kind kind, GError **error)
{
	static const char *const cols[] = { "participant_id", "session_id" };
	struct csv c;
	bool ok = false;
	int r;

	if (!csv_open(&c, dir, name, cols, 2, 2, error))
		goto out;
	while ((r = csv_next(&c, error)) > 0) {
		gint64 p, s;

		if (!csv_pair(&c, prob, 0, 1, &p, &s, error))
			goto out;
		if (kind == PAIR_PIN)
			alloc_problem_add_pin(prob, (guint)p, (guint)s);
		else if (kind == PAIR_BAN)
			alloc_problem_add_ban(prob, (guint)p, (guint)s);
		else
			alloc_problem_add_previous(prob, (guint)p, (guint)s);
	}
	ok = r == 0;
out:
	csv_clear(&c);
	return ok;
}

AllocProblem *
instance_read(const char *dir, GError **error)
{
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autofree char *pins = g_build_filename(dir, "pins.csv", NULL);
	g_autofree char *bans = g_build_filename(dir, "bans.csv", NULL);

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EIO,
		    "\"%s\" is not a folder", dir);
		return NULL;
	}
	if (!read_slots(prob, dir, error) || !read_sessions(prob, dir, error) ||
	    !read_participants(prob, dir, error) ||
	    !read_preferences(prob, dir, error))
		return NULL;
	if (g_file_test(pins, G_FILE_TEST_EXISTS) &&
	    !read_pairs(prob, dir, "pins.csv", PAIR_PIN, error))
		return NULL;
	if (g_file_test(bans, G_FILE_TEST_EXISTS) &&
	    !read_pairs(prob, dir, "bans.csv", PAIR_BAN, error))
		return NULL;
	return g_steal_pointer(&prob);
}

bool
instance_read_previous(AllocProblem *prob, const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *name = g_path_get_basename(path);

	return read_pairs(prob, dir, name, PAIR_PREVIOUS, error);
}

/* Appends v in decimal; printf per row was most of the writing time. */
static void
append_uint(GString *out, guint v)
{
	char buf[16];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	g_string_append_len(out, buf + i, (gssize)(sizeof(buf) - i));
}

bool
instance_write_assignments(const char *path, const AllocResult *res,
    GError **error)
{
	size_t n;
	const AllocPlacement *pl = alloc_result_placements(res, &n);
	g_autoptr(GString) out = g_string_sized_new(32 + n * 14);
	g_autoptr(GError) err = NULL;

	g_string_append(out, "participant_id,session_id\n");
	for (size_t i = 0; i < n; i++) {
		append_uint(out, pl[i].participant);
		g_string_append_c(out, ',');
		append_uint(out, pl[i].session);
		g_string_append_c(out, '\n');
	}
	if (!g_file_set_contents(path, out->str, (gssize)out->len, &err)) {
		g_set_error(error, SUMMIT_INSTANCE_ERROR, INSTANCE_EIO,
		    "could not write \"%s\": %s", path, err->message);
		return false;
	}
	return true;
}
