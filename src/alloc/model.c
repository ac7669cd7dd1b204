/*
 * model.c -- building an allocation problem and checking it.
 *
 * The builder only appends to flat arrays.  alloc_model_init() turns them
 * into the checked model both solvers use: preferences grouped by
 * participant and sorted by rank, each marked free, banned, pinned or
 * blocked (its slot is taken by a pin), and the seats and limits that pins
 * leave.  Everything is grouped with counting sorts, so the cost is linear
 * in the size of the problem.  Pins that cannot all be honoured are an
 * ALLOC_EPIN error whose message names them; nothing is dropped silently.
 */
#include "alloc/alloc_int.h"

#include <string.h>

#define MAX_SECTORS 1024
#define PIN_NAMES 10 /* participants named in a pin error, at most */

GQuark
alloc_error_quark(void)
{
	return g_quark_from_static_string("summit-alloc-error-quark");
}

static const guint default_rank_cost[ALLOC_MAX_RANK] = { 0, 1, 3, 6, 10 };

AllocProblem *
alloc_problem_new(void)
{
	AllocProblem *prob = g_new0(AllocProblem, 1);

	prob->sessions = g_array_new(FALSE, FALSE,
	    sizeof(struct alloc_session));
	prob->participants = g_array_new(FALSE, FALSE,
	    sizeof(struct alloc_participant));
	prob->prefs = g_array_new(FALSE, FALSE, sizeof(struct alloc_pref));
	prob->pins = g_array_new(FALSE, FALSE, sizeof(struct alloc_pair));
	prob->bans = g_array_new(FALSE, FALSE, sizeof(struct alloc_pair));
	prob->previous = g_array_new(FALSE, FALSE, sizeof(struct alloc_pair));
	memcpy(prob->rank_cost, default_rank_cost, sizeof(prob->rank_cost));
	return prob;
}

void
alloc_problem_free(AllocProblem *prob)
{
	if (prob == NULL)
		return;
	g_array_unref(prob->sessions);
	g_array_unref(prob->participants);
	g_array_unref(prob->prefs);
	g_array_unref(prob->pins);
	g_array_unref(prob->bans);
	g_array_unref(prob->previous);
	g_free(prob);
}

void
alloc_problem_reserve(AllocProblem *prob, size_t participants,
    size_t preferences)
{
	if (participants > prob->participants->len)
		g_array_set_size(
		    g_array_set_size(prob->participants, participants),
		    prob->participants->len);
	if (preferences > prob->prefs->len) {
		guint n = prob->prefs->len;

		g_array_set_size(prob->prefs, preferences);
		g_array_set_size(prob->prefs, n);
	}
}

guint
alloc_problem_add_slot(AllocProblem *prob)
{
	return prob->n_slots++;
}

guint
alloc_problem_add_session(AllocProblem *prob, guint slot, guint capacity,
    guint max_per_sector, guint max_per_org)
{
	struct alloc_session s = { slot, capacity, max_per_sector, max_per_org,
		0, 0 };

	g_array_append_val(prob->sessions, s);
	return prob->sessions->len - 1;
}

void
alloc_problem_set_tables(AllocProblem *prob, guint session, guint tables,
    guint seats_per_table)
{
	struct alloc_session *s;

	g_return_if_fail(session < prob->sessions->len);
	s = &g_array_index(prob->sessions, struct alloc_session, session);
	s->tables = tables;
	s->seats_per_table = seats_per_table;
}

guint
alloc_problem_add_participant(AllocProblem *prob, guint sector, guint org,
    guint max_sessions)
{
	struct alloc_participant p = { sector, org, max_sessions };

	g_array_append_val(prob->participants, p);
	return prob->participants->len - 1;
}

void
alloc_problem_add_preference(AllocProblem *prob, guint participant,
    guint session, guint rank)
{
	struct alloc_pref k = { participant, session, rank };

	g_array_append_val(prob->prefs, k);
}

void
alloc_problem_add_pin(AllocProblem *prob, guint participant, guint session)
{
	struct alloc_pair x = { participant, session };

	g_array_append_val(prob->pins, x);
}

void
alloc_problem_add_ban(AllocProblem *prob, guint participant, guint session)
{
	struct alloc_pair x = { participant, session };

	g_array_append_val(prob->bans, x);
}

void
alloc_problem_add_previous(AllocProblem *prob, guint participant, guint session)
{
	struct alloc_pair x = { participant, session };

	g_array_append_val(prob->previous, x);
}

void
alloc_problem_set_rank_costs(AllocProblem *prob,
    const guint costs[ALLOC_MAX_RANK])
{
	memcpy(prob->rank_cost, costs, sizeof(prob->rank_cost));
}

void
alloc_problem_set_keep_bonus(AllocProblem *prob, guint bonus)
{
	prob->keep_bonus = bonus;
}

guint
alloc_problem_n_participants(const AllocProblem *prob)
{
	return prob->participants->len;
}

guint
alloc_problem_n_sessions(const AllocProblem *prob)
{
	return prob->sessions->len;
}

guint
alloc_problem_n_slots(const AllocProblem *prob)
{
	return prob->n_slots;
}

/*
 * Groups pairs by participant with a counting sort: on return first[p] ..
 * first[p + 1] - 1 index sess[] (stable order).  Ids must be checked.
 */
static void
group_pairs(const struct alloc_pair *x, guint n, guint n_part,
    guint32 **first_out, guint32 **sess_out)
{
	guint32 *first = g_new0(guint32, (size_t)n_part + 1);
	guint32 *sess = g_new(guint32, n ? n : 1);
	guint32 *pos;

	for (guint i = 0; i < n; i++)
		first[x[i].participant + 1]++;
	for (guint p = 0; p < n_part; p++)
		first[p + 1] += first[p];
	pos = g_memdup2(first, sizeof(guint32) * ((size_t)n_part + 1));
	for (guint i = 0; i < n; i++)
		sess[pos[x[i].participant]++] = x[i].session;
	g_free(pos);
	*first_out = first;
	*sess_out = sess;
}

static bool
check_pairs(const GArray *a, const char *what, guint n_part, guint n_sess,
    GError **error)
{
	for (guint i = 0; i < a->len; i++) {
		const struct alloc_pair *x = &g_array_index(a,
		    struct alloc_pair, i);

		if (x->participant >= n_part || x->session >= n_sess) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "%s %u (participant %u, session %u): unknown id",
			    what, i, x->participant, x->session);
			return false;
		}
	}
	return true;
}

static int
cmp_pref_rank(gconstpointer a, gconstpointer b)
{
	const struct alloc_pref *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->session != y->session)
		return x->session < y->session ? -1 : 1;
	return 0;
}

/* Appends the participants pinned to session s (and matching pred). */
static void
name_pins(GString *msg, const struct alloc_model *m, guint s, int sector,
    gint64 org)
{
	const AllocProblem *prob = m->prob;
	guint named = 0;

	g_string_append(msg, " (participants");
	for (guint p = 0; p < m->n_part && named <= PIN_NAMES; p++) {
		const struct alloc_participant *pp = &g_array_index(
		    prob->participants, struct alloc_participant, p);

		if (sector >= 0 && pp->sector != (guint)sector)
			continue;
		if (org >= 0 && pp->org != (guint)org)
			continue;
		for (guint32 i = m->pin_first[p]; i < m->pin_first[p + 1];
		     i++) {
			if (m->pin_sess[i] != s)
				continue;
			if (named == PIN_NAMES)
				g_string_append(msg, ", ...");
			else
				g_string_append_printf(msg, "%s %u",
				    named ? "," : "", p);
			named++;
		}
	}
	g_string_append(msg, ")");
}

static bool
pin_error(GError **error, GString *msg)
{
	g_set_error_literal(error, SUMMIT_ALLOC_ERROR, ALLOC_EPIN, msg->str);
	g_string_free(msg, TRUE);
	return false;
}

/* Checks the pins against seats and the per-sector and per-org limits. */
static bool
check_pin_limits(struct alloc_model *m, GError **error)
{
	const AllocProblem *prob = m->prob;
	GHashTable *org_count = g_hash_table_new(g_int64_hash, g_int64_equal);
	gint64 *keys = g_new(gint64, m->n_pins ? m->n_pins : 1);
	guint nk = 0;

	m->pin_org = org_count;
	m->pin_keys = keys;

	for (guint p = 0; p < m->n_part; p++) {
		const struct alloc_participant *pp = &g_array_index(
		    prob->participants, struct alloc_participant, p);

		for (guint32 i = m->pin_first[p]; i < m->pin_first[p + 1];
		     i++) {
			guint s = m->pin_sess[i];
			gint64 *key;
			guint n;

			if (s == G_MAXUINT32)
				continue; /* a duplicate pin */
			key = &keys[nk++];
			m->cap_left[s]--;
			m->pins_sess_sector[(size_t)s * m->n_sectors +
			    pp->sector]++;
			*key = ((gint64)s << 32) | pp->org;
			n = GPOINTER_TO_UINT(
			    g_hash_table_lookup(org_count, key));
			g_hash_table_insert(org_count, key,
			    GUINT_TO_POINTER(n + 1));
		}
	}
	for (guint s = 0; s < m->n_sess; s++) {
		const struct alloc_session *ss = &g_array_index(prob->sessions,
		    struct alloc_session, s);

		if (m->cap_left[s] < 0) {
			GString *msg = g_string_new(NULL);

			g_string_append_printf(msg,
			    "session %u has %" G_GINT64_FORMAT
			    " pinned participants for %u seats",
			    s, (gint64)ss->capacity - m->cap_left[s],
			    ss->capacity);
			name_pins(msg, m, s, -1, -1);
			return pin_error(error, msg);
		}
		for (guint sec = 0; sec < m->n_sectors; sec++) {
			guint n =
			    m->pins_sess_sector[(size_t)s * m->n_sectors + sec];

			if (n > ss->max_per_sector) {
				GString *msg = g_string_new(NULL);

				g_string_append_printf(msg,
				    "session %u has %u "
				    "pinned participants of sector %u, over "
				    "its limit of %u per sector",
				    s, n, sec, ss->max_per_sector);
				name_pins(msg, m, s, (int)sec, -1);
				return pin_error(error, msg);
			}
		}
	}
	for (guint i = 0; i < nk; i++) {
		guint s = (guint)(keys[i] >> 32);
		guint o = (guint)(keys[i] & 0xffffffffu);
		guint n = GPOINTER_TO_UINT(
		    g_hash_table_lookup(org_count, &keys[i]));
		const struct alloc_session *ss = &g_array_index(prob->sessions,
		    struct alloc_session, s);

		if (n > ss->max_per_org) {
			GString *msg = g_string_new(NULL);

			g_string_append_printf(msg,
			    "session %u has %u pinned "
			    "participants of organisation %u, over its limit "
			    "of %u per organisation",
			    s, n, o, ss->max_per_org);
			name_pins(msg, m, s, -1, o);
			return pin_error(error, msg);
		}
	}
	return true;
}

guint
alloc_model_pins_in_org(const struct alloc_model *m, guint s, guint o)
{
	gint64 key = ((gint64)s << 32) | o;

	if (m->pin_org == NULL || m->n_pins == 0)
		return 0;
	return GPOINTER_TO_UINT(g_hash_table_lookup(m->pin_org, &key));
}

/* Groups, sorts and checks the preferences. */
static bool
model_prefs(struct alloc_model *m, GError **error)
{
	const AllocProblem *prob = m->prob;
	const struct alloc_pref *in = (const struct alloc_pref *)
	                                  prob->prefs->data;
	guint n = prob->prefs->len;
	g_autofree guint32 *pos = NULL;
	g_autofree guint32 *mark = NULL;

	for (guint i = 0; i < n; i++) {
		if (in[i].participant >= m->n_part ||
		    in[i].session >= m->n_sess) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "preference %u (participant %u, session %u): "
			    "unknown id",
			    i, in[i].participant, in[i].session);
			return false;
		}
		if (in[i].rank < 1 || in[i].rank > ALLOC_MAX_RANK) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "preference %u (participant %u, session %u): rank "
			    "%u is outside 1..%d",
			    i, in[i].participant, in[i].session, in[i].rank,
			    ALLOC_MAX_RANK);
			return false;
		}
	}
	m->pref_first = g_new0(guint32, (size_t)m->n_part + 1);
	m->pref = g_new(struct alloc_pref, n ? n : 1);
	m->pref_state = g_new0(guint8, n ? n : 1);
	for (guint i = 0; i < n; i++)
		m->pref_first[in[i].participant + 1]++;
	for (guint p = 0; p < m->n_part; p++)
		m->pref_first[p + 1] += m->pref_first[p];
	pos = g_memdup2(m->pref_first,
	    sizeof(guint32) * ((size_t)m->n_part + 1));
	for (guint i = 0; i < n; i++)
		m->pref[pos[in[i].participant]++] = in[i];

	mark = g_new0(guint32, m->n_sess ? m->n_sess : 1);
	for (guint p = 0; p < m->n_part; p++) {
		struct alloc_pref *a = &m->pref[m->pref_first[p]];
		guint k = m->pref_first[p + 1] - m->pref_first[p];

		if (k > 8) {
			qsort(a, k, sizeof(*a), cmp_pref_rank);
		} else {
			/* a participant ranks at most 5: insertion sort */
			for (guint i = 1; i < k; i++) {
				struct alloc_pref x = a[i];
				guint j = i;

				for (;
				     j > 0 && cmp_pref_rank(&a[j - 1], &x) > 0;
				     j--)
					a[j] = a[j - 1];
				a[j] = x;
			}
		}
		for (guint i = 0; i < k; i++) {
			if (mark[a[i].session] == p + 1) {
				g_set_error(error, SUMMIT_ALLOC_ERROR,
				    ALLOC_EDUPLICATE,
				    "participant %u ranked "
				    "session %u twice",
				    p, a[i].session);
				return false;
			}
			mark[a[i].session] = p + 1;
		}
	}
	return true;
}

/* Finds pref index of (p, s), or -1. */
static gint64
find_pref(const struct alloc_model *m, guint p, guint s)
{
	for (guint32 i = m->pref_first[p]; i < m->pref_first[p + 1]; i++)
		if (m->pref[i].session == s)
			return i;
	return -1;
}

static bool
model_pins(struct alloc_model *m, GError **error)
{
	const AllocProblem *prob = m->prob;
	g_autofree guint32 *slot_mark = g_new0(guint32,
	    prob->n_slots ? prob->n_slots : 1);
	g_autofree guint32 *slot_sess = g_new0(guint32,
	    prob->n_slots ? prob->n_slots : 1);
	g_autofree guint32 *slot_count = g_new0(guint32,
	    prob->n_slots ? prob->n_slots : 1);
	g_autofree guint32 *ban_first = NULL, *ban_sess = NULL;

	group_pairs((const struct alloc_pair *)prob->pins->data,
	    prob->pins->len, m->n_part, &m->pin_first, &m->pin_sess);
	group_pairs((const struct alloc_pair *)prob->bans->data,
	    prob->bans->len, m->n_part, &ban_first, &ban_sess);
	group_pairs((const struct alloc_pair *)prob->previous->data,
	    prob->previous->len, m->n_part, &m->prev_first, &m->prev_sess);
	m->pin_rank = g_new0(guint8, prob->pins->len ? prob->pins->len : 1);
	m->wanted = g_new0(guint32, m->n_part ? m->n_part : 1);
	m->left = g_new0(guint32, m->n_part ? m->n_part : 1);

	for (guint p = 0; p < m->n_part; p++) {
		const struct alloc_participant *pp = &g_array_index(
		    prob->participants, struct alloc_participant, p);
		guint npin = 0, nslots = 0;

		/* Pins: distinct sessions, distinct slots, not banned. */
		for (guint32 i = m->pin_first[p]; i < m->pin_first[p + 1];
		     i++) {
			guint s = m->pin_sess[i];
			guint t = g_array_index(prob->sessions,
			    struct alloc_session, s)
			              .slot;
			gint64 k;

			if (slot_mark[t] == p + 1 && slot_sess[t] == s) {
				/* the same pin twice: keep one */
				m->pin_sess[i] = G_MAXUINT32;
				continue;
			}
			if (slot_mark[t] == p + 1) {
				g_set_error(error, SUMMIT_ALLOC_ERROR,
				    ALLOC_EPIN,
				    "participant %u is pinned to "
				    "sessions %u and %u, both in slot %u",
				    p, slot_sess[t], s, t);
				return false;
			}
			for (guint32 j = ban_first[p]; j < ban_first[p + 1];
			     j++) {
				if (ban_sess[j] == s) {
					g_set_error(error, SUMMIT_ALLOC_ERROR,
					    ALLOC_EPIN,
					    "participant %u is "
					    "both pinned to and banned from "
					    "session %u",
					    p, s);
					return false;
				}
			}
			slot_mark[t] = p + 1;
			slot_sess[t] = s;
			slot_count[t] = p + 1;
			npin++;
			k = find_pref(m, p, s);
			if (k >= 0) {
				m->pref_state[k] = PREF_PINNED;
				m->pin_rank[i] = (guint8)m->pref[k].rank;
			}
		}
		if (npin > pp->max_sessions) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EPIN,
			    "participant %u is pinned to %u sessions but "
			    "takes at most %u",
			    p, npin, pp->max_sessions);
			return false;
		}
		m->n_pins += npin;
		nslots = npin;
		for (guint32 j = ban_first[p]; j < ban_first[p + 1]; j++) {
			gint64 k = find_pref(m, p, ban_sess[j]);

			if (k >= 0)
				m->pref_state[k] = PREF_BANNED;
		}
		for (guint32 k = m->pref_first[p]; k < m->pref_first[p + 1];
		     k++) {
			guint t = g_array_index(prob->sessions,
			    struct alloc_session, m->pref[k].session)
			              .slot;

			if (m->pref_state[k] == PREF_FREE &&
			    slot_mark[t] == p + 1 &&
			    slot_sess[t] != m->pref[k].session) {
				/* counted already: the pin's slot */
				m->pref_state[k] = PREF_BLOCKED;
				continue;
			}
			if (m->pref_state[k] == PREF_FREE &&
			    slot_count[t] != p + 1) {
				nslots++;
				slot_count[t] = p + 1;
			}
		}
		m->wanted[p] = MIN(pp->max_sessions, nslots);
		m->left[p] = pp->max_sessions - npin;
		for (guint32 j = m->prev_first[p]; j < m->prev_first[p + 1];
		     j++) {
			gint64 k = find_pref(m, p, m->prev_sess[j]);
			bool dup = false;

			for (guint32 i = m->prev_first[p]; i < j; i++)
				dup = dup || m->prev_sess[i] == m->prev_sess[j];
			if (dup) {
				m->prev_sess[j] = G_MAXUINT32;
				continue;
			}
			/* an unranked published seat can only be kept by a
			 * pin, but it still counts as published */
			m->n_prev++;
			if (k >= 0)
				m->pref_state[k] |= PREF_KEEP;
		}
	}
	return true;
}

bool
alloc_model_init(struct alloc_model *m, const AllocProblem *prob,
    GError **error)
{
	memset(m, 0, sizeof(*m));
	m->prob = prob;
	m->n_part = prob->participants->len;
	m->n_sess = prob->sessions->len;

	for (guint i = 0; i < ALLOC_MAX_RANK; i++) {
		if (prob->rank_cost[i] > ALLOC_MAX_RANK_COST) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "rank cost %u of rank %u is over %d",
			    prob->rank_cost[i], i + 1, ALLOC_MAX_RANK_COST);
			return false;
		}
	}
	for (guint s = 0; s < m->n_sess; s++) {
		const struct alloc_session *ss = &g_array_index(prob->sessions,
		    struct alloc_session, s);

		if (ss->slot >= prob->n_slots) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "session %u: unknown slot %u", s, ss->slot);
			return false;
		}
		if (ss->capacity > G_MAXINT32) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "session %u: capacity %u is too large", s,
			    ss->capacity);
			return false;
		}
	}
	/* Sectors and organisations: small dense indices, orgs in sectors. */
	for (guint p = 0; p < m->n_part; p++) {
		const struct alloc_participant *pp = &g_array_index(
		    prob->participants, struct alloc_participant, p);

		if (pp->sector >= MAX_SECTORS) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "participant %u: sector %u is over %d", p,
			    pp->sector, MAX_SECTORS - 1);
			return false;
		}
		if ((guint64)pp->org >= 2 * (guint64)m->n_part + 1024) {
			g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL,
			    "participant %u: organisation %u is out of range "
			    "(indices must be dense)",
			    p, pp->org);
			return false;
		}
		m->n_sectors = MAX(m->n_sectors, pp->sector + 1);
		m->n_orgs = MAX(m->n_orgs, pp->org + 1);
	}
	{
		g_autofree guint32 *org_sector = g_new(guint32,
		    m->n_orgs ? m->n_orgs : 1);

		memset(org_sector, 0xff,
		    sizeof(guint32) * (m->n_orgs ? m->n_orgs : 1));
		for (guint p = 0; p < m->n_part; p++) {
			const struct alloc_participant *pp = &g_array_index(
			    prob->participants, struct alloc_participant, p);

			if (org_sector[pp->org] == G_MAXUINT32)
				org_sector[pp->org] = pp->sector;
			else if (org_sector[pp->org] != pp->sector) {
				g_set_error(error, SUMMIT_ALLOC_ERROR,
				    ALLOC_EINVAL,
				    "participant %u: "
				    "organisation %u has members in sectors "
				    "%u and %u",
				    p, pp->org, org_sector[pp->org],
				    pp->sector);
				return false;
			}
		}
	}
	if (!model_prefs(m, error))
		return false;
	if (!check_pairs(prob->pins, "pin", m->n_part, m->n_sess, error) ||
	    !check_pairs(prob->bans, "ban", m->n_part, m->n_sess, error) ||
	    !check_pairs(prob->previous, "previous placement", m->n_part,
	        m->n_sess, error))
		return false;
	if (!model_pins(m, error))
		return false;
	m->cap_left = g_new(gint64, m->n_sess ? m->n_sess : 1);
	for (guint s = 0; s < m->n_sess; s++)
		m->cap_left[s] = g_array_index(prob->sessions,
		    struct alloc_session, s)
		                     .capacity;
	m->pins_sess_sector = g_new0(guint32,
	    (size_t)(m->n_sess ? m->n_sess : 1) * MAX(m->n_sectors, 1));
	return check_pin_limits(m, error);
}

void
alloc_model_clear(struct alloc_model *m)
{
	g_free(m->pref_first);
	g_free(m->pref);
	g_free(m->pref_state);
	g_free(m->pin_first);
	g_free(m->pin_sess);
	g_free(m->pin_rank);
	g_free(m->wanted);
	g_free(m->left);
	g_free(m->cap_left);
	g_free(m->pins_sess_sector);
	g_free(m->prev_first);
	g_free(m->prev_sess);
	if (m->pin_org != NULL)
		g_hash_table_unref(m->pin_org);
	g_free(m->pin_keys);
	memset(m, 0, sizeof(*m));
}
