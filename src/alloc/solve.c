/*
 * solve.c -- the exact solver: a min-cost flow on the allocation network.
 *
 * The network is DESIGN.md's, contracted as FORMAT.md describes:
 *
 *   source -> p            first seat: cap 1, cost 0; further seats: cap
 *                          wanted - 1, cost W2 (a pinned participant has
 *                          only further seats: a pin already serves them)
 *   p -> (p, slot)         cap 1, only if p ranked two or more sessions
 *                          in the slot; else the preference arc leaves p
 *   (p, t) -> (s, org)     cap 1, one arc per free preference, cost
 *                          B * rank_cost + (tier 4 on ? not published : 0)
 *   (s, org) -> (s, sec)   cap max_per_org minus pins, only if the org can
 *                          exceed it; else the preference arc enters
 *                          (s, sec) or s directly
 *   (s, sec) -> s          cap max_per_sector minus pins, likewise
 *   s -> sink              cap capacity minus pins
 *
 * Pins are taken out before the flow (they use up seats and limits);
 * banned preferences and those in a pinned slot get no arc.
 *
 * Weights.  L = free preference arcs, c = the largest rank cost, B = 1
 * without tier 4 and (published placements + 1) with it.  A simple residual
 * cycle uses each preference arc at most once, so its change of
 * B * cost + unpublished seats is at most X = L * (B * c + 1) in size, and
 * of published seats at most B - 1; W2 = X + 1 then makes one more
 * participant served (a first seat instead of a further one) worth more
 * than any change of cost, and B makes one unit of rank cost worth more
 * than any change in published seats kept.  Tier 1 needs no weight: the
 * flow is a maximum flow, and among maximum flows a minimum-cost one is
 * lexicographically optimal for tiers 2-4 (FORMAT.md, "An alternative to
 * the bypass", and the cycle argument there).  X stays far below 2^63.
 *
 * Algorithm: primal-dual successive shortest paths.  Each round runs
 * Dijkstra on reduced costs (a radix heap: keys are 64-bit and monotone)
 * and stops as soon as the sink's distance dT is known; potentials change
 * only for the nodes settled below dT (pi + min(d, dT) stays a valid
 * potential: the others implicitly move with the sink, which a shift
 * common to all nodes absorbs).  The search runs forwards from the
 * source, whose arcs are kept implicitly per participant, or backwards
 * from the sink, whichever settled fewer nodes the last time it ran:
 * forwards is cheap while every participant is near a free seat,
 * backwards once most remaining supply is further seats that will never
 * find one (they sit at distance 0 from the source, so a forward search
 * would settle them all in every round).  Then it sends a maximum flow
 * on the admissible arcs (zero reduced cost): levels from one
 * breadth-first search backwards from the sink, then the shortest
 * augmenting path method, which raises a node's level locally when it
 * has no arc to the level below and kills the nodes above an emptied
 * level (a gap); so one round places about every participant its
 * distance allows (a path a gap hid is found by the next round, at
 * distance 0).  Each augmenting path
 * carries one unit: each holds a preference arc of capacity one.  Each
 * intermediate flow is of minimum cost for its value, so the last one is
 * a min-cost maximum flow.  Rounds are few (one per distinct path cost:
 * 38 on the large generated instance).
 *
 * Layout, for the cache: nodes are numbered participant side first
 * (participants, then their slot nodes), session side last; arcs are
 * 16-byte records in CSR order; the searches read, for the session
 * side's long arc lists, key arrays that mirror the head's potential and
 * the residual capacity, one for each direction (key and fkey in struct
 * net), so that most arcs are rejected without touching the
 * participant's node.
 *
 * Caveats: arc costs are 32-bit, so the solver refuses (ALLOC_ETOOBIG) a
 * problem where B * c would not fit; nothing realistic comes near it.
 */
#include "alloc/alloc_int.h"

#include <string.h>

#define SIDE_BASE 0x80000000u /* session-side node ids while building */
#define KEY_NONE G_MININT64   /* no residual arc: never a potential */

struct arcbuf {
	guint32 *tail, *head;
	gint32 *cap, *cost;
	size_t n, size;
};

/*
 * Per node, in two records: what the level search reads for every arc it
 * scans (16 bytes, so four nodes share a cache line), and what Dijkstra
 * and the blocking flow keep.
 */
struct nodeb {
	gint64 pi;      /* potential, up to a shift common to all */
	guint32 lstamp; /* stamp: level valid (alive in a pass) */
	gint32 level;
};

struct node {
	gint64 dist;          /* Dijkstra's label, valid if dstamp is current */
	guint32 dstamp, done; /* stamps: labelled, settled */
	guint32 cstamp, cur;  /* stamp: current arc valid; current arc */
};

/* An arc and its place in the reverse's list, together for the cache. */
struct arc {
	guint32 head;
	guint32 rev; /* position of the reverse arc */
	gint32 cap;  /* residual capacity */
	gint32 cost;
};

struct net {
	guint32 n; /* nodes; participants are 0 .. n_part - 1 */
	guint32 n_part;
	guint32 sink;
	guint32 *first;  /* CSR: arcs of u are first[u] .. first[u+1]-1 */
	struct arc *arc; /* CSR positions */
	struct node *nd;
	struct nodeb *nb;
	gint64 pi_src;
	gint64 w2;        /* cost of a further seat */
	guint32 *r1, *r2; /* residual first and further seats */
	/* work arrays */
	guint32 stamp;
	guint32 *active; /* participants with seats to fill */
	guint64 *srcbit; /* sources the last level search found */
	guint32 n_active;
	guint32 *list; /* settled nodes, or the BFS queue */
	guint32 *path;
	guint32 n_settled; /* nodes the last Dijkstra settled */
	/*
	 * Nodes 0 .. n_left - 1 are the participant side (participants,
	 * then their slot nodes), the rest the session side and the sink.
	 * The arcs of the session side, first[n_left] = pbase onwards, are
	 * most of the arcs (every preference arc has its reverse there).  For
	 * each such arc e, from v to u, key[e - pbase] is pi[u] - cost[e] if
	 * the arc u -> v has residual capacity, else KEY_NONE: the searches
	 * backwards from the sink then test "u -> v is residual with zero
	 * reduced cost" as key == pi[v], reading one array in order instead
	 * of each u's node record.  set_pi() and the augmentation keep it.
	 */
	guint32 n_left;
	guint32 pbase;
	gint64 *key;
	/*
	 * The same the other way, for the searches forwards (the blocking
	 * flow): fkey[e - pbase] is pi[v] - cost[e] if e itself, from u to
	 * v, is residual, else KEY_NONE; so e is admissible iff fkey ==
	 * pi[u], and the long lists are read without touching each v.
	 */
	gint64 *fkey;
	/*
	 * The blocking flow's labels: cnt[l] = live nodes at level l (up to
	 * maxlv); every node above level gap is dead (see relabel()).
	 */
	guint32 *cnt;
	gint32 maxlv, gap;
};

struct ritem {
	guint64 key;
	guint32 node;
};

struct rbucket {
	struct ritem *v;
	size_t n, size;
};

/* A radix heap (Ahuja, Mehlhorn, Orlin, Tarjan): monotone integer keys. */
struct rheap {
	guint64 last;
	size_t count;
	struct rbucket b[65];
};

static inline guint
rheap_index(const struct rheap *h, guint64 key)
{
	guint64 x = key ^ h->last;

	return x == 0 ? 0 : 64 - (guint)__builtin_clzll(x);
}

static inline void
rbucket_add(struct rbucket *b, guint64 key, guint32 node)
{
	if (b->n == b->size) {
		b->size = b->size ? b->size * 2 : 64;
		b->v = g_renew(struct ritem, b->v, b->size);
	}
	b->v[b->n].key = key;
	b->v[b->n].node = node;
	b->n++;
}

static inline void
rheap_push(struct rheap *h, guint64 key, guint32 node)
{
	rbucket_add(&h->b[rheap_index(h, key)], key, node);
	h->count++;
}

static bool
rheap_pop(struct rheap *h, guint64 *key, guint32 *node)
{
	struct rbucket *b;

	if (h->count == 0)
		return false;
	if (h->b[0].n == 0) {
		guint i = 1;
		guint64 min;

		while (h->b[i].n == 0)
			i++;
		b = &h->b[i];
		min = b->v[0].key;
		for (size_t j = 1; j < b->n; j++)
			if (b->v[j].key < min)
				min = b->v[j].key;
		h->last = min;
		for (size_t j = 0; j < b->n; j++)
			rbucket_add(&h->b[rheap_index(h, b->v[j].key)],
			    b->v[j].key, b->v[j].node);
		b->n = 0;
	}
	b = &h->b[0];
	b->n--;
	h->count--;
	*key = b->v[b->n].key;
	*node = b->v[b->n].node;
	return true;
}

static void
rheap_reset(struct rheap *h)
{
	for (guint i = 0; i < 65; i++)
		h->b[i].n = 0;
	h->count = 0;
	h->last = 0;
}

static void
rheap_clear(struct rheap *h)
{
	for (guint i = 0; i < 65; i++)
		g_free(h->b[i].v);
	memset(h, 0, sizeof(*h));
}

static void
arc_add(struct arcbuf *a, guint32 tail, guint32 head, gint32 cap, gint32 cost)
{
	if (a->n == a->size) {
		a->size = a->size ? a->size * 2 : 1024;
		a->tail = g_renew(guint32, a->tail, a->size);
		a->head = g_renew(guint32, a->head, a->size);
		a->cap = g_renew(gint32, a->cap, a->size);
		a->cost = g_renew(gint32, a->cost, a->size);
	}
	a->tail[a->n] = tail;
	a->head[a->n] = head;
	a->cap[a->n] = cap;
	a->cost[a->n] = cost;
	a->n++;
}

static void
arcbuf_clear(struct arcbuf *a)
{
	g_free(a->tail);
	g_free(a->head);
	g_free(a->cap);
	g_free(a->cost);
	memset(a, 0, sizeof(*a));
}

static void
net_clear(struct net *g)
{
	g_free(g->first);
	g_free(g->nd);
	g_free(g->nb);
	g_free(g->key);
	g_free(g->fkey);
	g_free(g->arc);
	g_free(g->r1);
	g_free(g->r2);
	g_free(g->active);
	g_free(g->srcbit);
	g_free(g->list);
	g_free(g->path);
	g_free(g->cnt);
	memset(g, 0, sizeof(*g));
}

/* Turns the arc list into CSR with reverse arcs; arcpos[i] = arc i. */
static void
net_csr(struct net *g, const struct arcbuf *a, guint32 *arcpos)
{
	size_t m2 = 2 * a->n;
	guint32 *pos;

	g->first = g_new0(guint32, (size_t)g->n + 1);
	g->arc = g_new(struct arc, m2 ? m2 : 1);
	for (size_t i = 0; i < a->n; i++) {
		g->first[a->tail[i] + 1]++;
		g->first[a->head[i] + 1]++;
	}
	for (guint32 u = 0; u < g->n; u++)
		g->first[u + 1] += g->first[u];
	pos = g_memdup2(g->first, sizeof(guint32) * g->n);
	for (size_t i = 0; i < a->n; i++) {
		guint32 e = pos[a->tail[i]]++;
		guint32 f = pos[a->head[i]]++;

		g->arc[e].head = a->head[i];
		g->arc[e].cap = a->cap[i];
		g->arc[e].cost = a->cost[i];
		g->arc[e].rev = f;
		g->arc[f].head = a->tail[i];
		g->arc[f].cap = 0;
		g->arc[f].cost = -a->cost[i];
		g->arc[f].rev = e;
		arcpos[i] = e;
	}
	g_free(pos);
}

/*
 * Builds the network.  On return pref_arc[k] is the arc index (in the
 * arc list, later the CSR position) of free preference k, or G_MAXUINT32.
 */
static bool
net_build(struct net *g, const struct alloc_model *m, guint32 *pref_arc,
    GError **error)
{
	const AllocProblem *prob = m->prob;
	guint n_pref = m->pref_first[m->n_part];
	g_autofree guint32 *supply = g_new0(guint32, m->n_part ? m->n_part : 1);
	g_autofree guint32 *by_sess = NULL;
	g_autofree guint32 *sess_first = g_new0(guint32, (size_t)m->n_sess + 1);
	g_autofree guint32 *pref_head = g_new(guint32, n_pref ? n_pref : 1);
	g_autofree guint32 *slot_cnt = g_new0(guint32,
	    prob->n_slots ? prob->n_slots : 1);
	g_autofree guint32 *slot_node = g_new0(guint32,
	    prob->n_slots ? prob->n_slots : 1);
	g_autofree guint32 *org_cnt = g_new0(guint32,
	    m->n_orgs ? m->n_orgs : 1);
	g_autofree guint32 *org_node = g_new0(guint32,
	    m->n_orgs ? m->n_orgs : 1);
	g_autofree guint32 *touched = g_new(guint32, n_pref ? n_pref : 1);
	g_autofree guint32 *touched_sec = g_new(guint32, n_pref ? n_pref : 1);
	g_autofree guint32 *sec_cnt = g_new0(guint32, MAX(m->n_sectors, 1));
	g_autofree guint32 *sec_node = g_new0(guint32, MAX(m->n_sectors, 1));
	g_autofree guint32 *sec_cap = g_new0(guint32, MAX(m->n_sectors, 1));
	g_autofree guint32 *arcpos = NULL;
	struct arcbuf a = { 0 };
	guint32 next, next_left = m->n_part, maxc = 0;
	guint64 b, x, n_free = 0;
	bool keep = prob->keep_bonus > 0 && m->n_prev > 0;

	/* Supply per participant, and which preferences become arcs. */
	for (guint p = 0; p < m->n_part; p++) {
		guint nslots = 0;

		for (guint32 k = m->pref_first[p]; k < m->pref_first[p + 1];
		     k++) {
			guint t;

			if ((m->pref_state[k] & ~PREF_KEEP) != PREF_FREE)
				continue;
			t = g_array_index(prob->sessions, struct alloc_session,
			    m->pref[k].session)
			        .slot;
			if (slot_cnt[t] != p + 1) {
				slot_cnt[t] = p + 1;
				nslots++;
			}
		}
		supply[p] = MIN(m->left[p], nslots);
		if (supply[p] > 0)
			for (guint32 k = m->pref_first[p];
			     k < m->pref_first[p + 1]; k++)
				if ((m->pref_state[k] & ~PREF_KEEP) ==
				    PREF_FREE) {
					sess_first[m->pref[k].session + 1]++;
					n_free++;
				}
	}
	for (guint i = 0; i < ALLOC_MAX_RANK; i++)
		maxc = MAX(maxc, prob->rank_cost[i]);
	b = keep ? (guint64)m->n_prev + 1 : 1;
	if (b * maxc + 1 > G_MAXINT32) {
		g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_ETOOBIG,
		    "too many published placements (%u) for rank costs up to "
		    "%u",
		    m->n_prev, maxc);
		return false;
	}
	x = n_free * (b * maxc + 1);
	if (x > ((guint64)1 << 60)) {
		g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_ETOOBIG,
		    "the problem is too large for 64-bit weights");
		return false;
	}
	g->w2 = (gint64)x + 1;

	/* Preferences by session. */
	for (guint s = 0; s < m->n_sess; s++)
		sess_first[s + 1] += sess_first[s];
	by_sess = g_new(guint32, n_free ? n_free : 1);
	{
		g_autofree guint32 *pos = g_memdup2(sess_first,
		    sizeof(guint32) * ((size_t)m->n_sess + 1));

		for (guint p = 0; p < m->n_part; p++) {
			if (supply[p] == 0)
				continue;
			for (guint32 k = m->pref_first[p];
			     k < m->pref_first[p + 1]; k++)
				if ((m->pref_state[k] & ~PREF_KEEP) ==
				    PREF_FREE)
					by_sess[pos[m->pref[k].session]++] = k;
		}
	}

	/* Session side: s, then the (s, sector) and (s, org) nodes needed. */
	g->n_part = m->n_part;
	next = SIDE_BASE;
	for (guint s = 0; s < m->n_sess; s++) {
		const struct alloc_session *ss = &g_array_index(prob->sessions,
		    struct alloc_session, s);
		guint32 s_node = next++;
		guint nt = 0;
		gint64 capl = m->cap_left[s];

		for (guint32 i = sess_first[s]; i < sess_first[s + 1]; i++) {
			const struct alloc_participant *pp = &g_array_index(
			    prob->participants, struct alloc_participant,
			    m->pref[by_sess[i]].participant);

			sec_cnt[pp->sector]++;
			if (org_cnt[pp->org]++ == 0) {
				touched_sec[nt] = pp->sector;
				touched[nt++] = pp->org;
			}
		}
		for (guint sec = 0; sec < m->n_sectors; sec++) {
			sec_cap[sec] = ss->max_per_sector -
			    m->pins_sess_sector[(size_t)s * m->n_sectors + sec];
			sec_node[sec] = s_node;
			if (sec_cnt[sec] > sec_cap[sec] &&
			    sec_cap[sec] < capl) {
				sec_node[sec] = next++;
				arc_add(&a, sec_node[sec], s_node,
				    (gint32)sec_cap[sec], 0);
			}
		}
		/* orgs in order of first ranking, for determinism */
		for (guint i = 0; i < nt; i++) {
			guint o = touched[i], sec = touched_sec[i];
			guint ocap;

			ocap = ss->max_per_org -
			    alloc_model_pins_in_org(m, s, o);
			org_node[o] = sec_node[sec];
			if (org_cnt[o] > ocap && ocap < capl &&
			    ocap < sec_cap[sec]) {
				org_node[o] = next++;
				arc_add(&a, org_node[o], sec_node[sec],
				    (gint32)ocap, 0);
			}
		}
		for (guint32 i = sess_first[s]; i < sess_first[s + 1]; i++) {
			const struct alloc_participant *pp = &g_array_index(
			    prob->participants, struct alloc_participant,
			    m->pref[by_sess[i]].participant);

			pref_head[by_sess[i]] = org_node[pp->org];
		}
		arc_add(&a, s_node, G_MAXUINT32, (gint32)capl, 0);
		for (guint i = 0; i < nt; i++)
			org_cnt[touched[i]] = 0;
		for (guint sec = 0; sec < m->n_sectors; sec++)
			sec_cnt[sec] = 0;
	}

	/* Participant side. */
	g->r1 = g_new0(guint32, m->n_part ? m->n_part : 1);
	g->r2 = g_new0(guint32, m->n_part ? m->n_part : 1);
	for (guint p = 0; p < m->n_part; p++) {
		if (supply[p] == 0)
			continue;
		g->r1[p] = m->pin_first[p + 1] == m->pin_first[p] ? 1 : 0;
		g->r2[p] = supply[p] - g->r1[p];
		for (guint32 k = m->pref_first[p]; k < m->pref_first[p + 1];
		     k++) {
			guint t = g_array_index(prob->sessions,
			    struct alloc_session, m->pref[k].session)
			              .slot;

			slot_cnt[t] = 0;
			slot_node[t] = G_MAXUINT32;
		}
		for (guint32 k = m->pref_first[p]; k < m->pref_first[p + 1];
		     k++)
			if ((m->pref_state[k] & ~PREF_KEEP) == PREF_FREE)
				slot_cnt[g_array_index(prob->sessions,
				    struct alloc_session, m->pref[k].session)
				             .slot]++;
		for (guint32 k = m->pref_first[p]; k < m->pref_first[p + 1];
		     k++) {
			guint t;
			guint32 tail = p;
			gint64 c;

			if ((m->pref_state[k] & ~PREF_KEEP) != PREF_FREE)
				continue;
			t = g_array_index(prob->sessions, struct alloc_session,
			    m->pref[k].session)
			        .slot;
			if (slot_cnt[t] >= 2) {
				/* (p, t): one seat in the slot */
				if (slot_node[t] == G_MAXUINT32) {
					slot_node[t] = next_left++;
					arc_add(&a, p, slot_node[t], 1, 0);
				}
				tail = slot_node[t];
			}
			c = (gint64)b * prob->rank_cost[m->pref[k].rank - 1];
			if (keep && !(m->pref_state[k] & PREF_KEEP))
				c++;
			pref_arc[k] = (guint32)a.n;
			arc_add(&a, tail, pref_head[k], 1, (gint32)c);
		}
	}
	/* the session side goes last, after every participant-side node */
	if (next_left >= SIDE_BASE) {
		g_set_error(error, SUMMIT_ALLOC_ERROR, ALLOC_ETOOBIG,
		    "the problem has too many nodes");
		arcbuf_clear(&a);
		return false;
	}
	g->n_left = next_left;
	g->sink = next_left + (next - SIDE_BASE);
	g->n = g->sink + 1;
	for (size_t i = 0; i < a.n; i++) {
		if (a.head[i] == G_MAXUINT32)
			a.head[i] = g->sink;
		else if (a.head[i] >= SIDE_BASE)
			a.head[i] = a.head[i] - SIDE_BASE + next_left;
		if (a.tail[i] >= SIDE_BASE)
			a.tail[i] = a.tail[i] - SIDE_BASE + next_left;
	}

	arcpos = g_new(guint32, a.n ? a.n : 1);
	net_csr(g, &a, arcpos);
	for (guint32 k = 0; k < n_pref; k++)
		if (pref_arc[k] != G_MAXUINT32)
			pref_arc[k] = arcpos[pref_arc[k]];
	arcbuf_clear(&a);
	g->pbase = g->first[g->n_left];
	/* every participant-side arc has capacity 1 (a preference, a slot):
	 * the searches read "u -> v residual" there as cap[v -> u] == 0 */
	for (guint32 e = 0; e < g->pbase; e++)
		g_assert(g->arc[e].cap + g->arc[g->arc[e].rev].cap == 1);
	g->key = g_new(gint64, MAX(g->first[g->n] - g->pbase, 1));
	g->fkey = g_new(gint64, MAX(g->first[g->n] - g->pbase, 1));
	for (guint32 f = g->pbase; f < g->first[g->n]; f++) {
		/* all pi are 0 */
		g->key[f - g->pbase] = g->arc[g->arc[f].rev].cap > 0 ?
		    -(gint64)g->arc[f].cost :
		    KEY_NONE;
		g->fkey[f - g->pbase] = g->arc[f].cap > 0 ?
		    -(gint64)g->arc[f].cost :
		    KEY_NONE;
	}

	g->nd = g_new0(struct node, g->n);
	g->nb = g_new0(struct nodeb, g->n);
	g->list = g_new(guint32, g->n);
	g->path = g_new(guint32, g->n);
	g->cnt = g_new0(guint32, (size_t)g->n + 2);
	g->active = g_new(guint32, m->n_part ? m->n_part : 1);
	g->srcbit = g_new0(guint64, m->n_part / 64 + 1);
	for (guint p = 0; p < m->n_part; p++)
		if (g->r1[p] + g->r2[p] > 0)
			g->active[g->n_active++] = p;
	return true;
}

/* Recomputes key and fkey of a session-side arc f. */
static inline void
key_set(struct net *g, guint32 f)
{
	gint64 x = g->nb[g->arc[f].head].pi - g->arc[f].cost;

	g->key[f - g->pbase] = g->arc[g->arc[f].rev].cap > 0 ? x : KEY_NONE;
	g->fkey[f - g->pbase] = g->arc[f].cap > 0 ? x : KEY_NONE;
}

/*
 * Sets the potential of u and the keys that mirror it: the reverses of
 * u's arcs that lie on the session side.  A session-side node lists its
 * session-side arcs first (they were built first), so the loop stops at
 * its first preference arc.
 */
static inline void
set_pi(struct net *g, guint32 u, gint64 pi)
{
	bool left = u < g->n_left;

	g->nb[u].pi = pi;
	for (guint32 e = g->first[u]; e < g->first[u + 1]; e++) {
		guint32 f = g->arc[e].rev;

		if (!left && g->arc[e].head < g->n_left)
			break;
		if (f >= g->pbase) {
			g->key[f - g->pbase] = g->arc[e].cap > 0 ?
			    pi - g->arc[f].cost :
			    KEY_NONE;
			g->fkey[f - g->pbase] = g->arc[f].cap > 0 ?
			    pi - g->arc[f].cost :
			    KEY_NONE;
		}
	}
}

/* Reduced cost of p's cheapest residual source arc. */
static inline gint64
src_red(const struct net *g, guint32 p)
{
	return (g->r1[p] ? 0 : g->w2) + g->pi_src - g->nb[p].pi;
}

/*
 * One Dijkstra round from the source; updates the potentials.  Returns
 * false when the sink cannot be reached (the flow is maximum).
 */
static bool
dijkstra(struct net *g, struct rheap *h)
{
	guint32 st = ++g->stamp;
	guint32 ns = 0, j = 0;
	guint64 d;
	guint32 u;
	gint64 dt = -1;

	rheap_reset(h);
	for (guint32 i = 0; i < g->n_active; i++) {
		guint32 p = g->active[i];

		if (g->r1[p] + g->r2[p] == 0)
			continue;
		g->active[j++] = p;
		g->nd[p].dist = src_red(g, p);
		g->nd[p].dstamp = st;
		rheap_push(h, (guint64)g->nd[p].dist, p);
	}
	g->n_active = j;
	while (rheap_pop(h, &d, &u)) {
		gint64 du = (gint64)d, piu;

		if (g->nd[u].done == st || g->nd[u].dist != du)
			continue;
		if (g->nd[g->sink].dstamp == st && g->nd[g->sink].dist <= du) {
			dt = g->nd[g->sink].dist;
			break;
		}
		g->nd[u].done = st;
		g->list[ns++] = u;
		piu = g->nb[u].pi;
		for (guint32 e = g->first[u]; e < g->first[u + 1]; e++) {
			guint32 v;
			gint64 nd;

			if (g->arc[e].cap <= 0)
				continue;
			v = g->arc[e].head;
			if (g->nd[v].done == st)
				continue;
			nd = du + g->arc[e].cost + piu - g->nb[v].pi;
			if (g->nd[v].dstamp != st || nd < g->nd[v].dist) {
				g->nd[v].dist = nd;
				g->nd[v].dstamp = st;
				rheap_push(h, (guint64)nd, v);
			}
		}
	}
	g->n_settled = ns;
	if (dt < 0)
		return false;
	for (guint32 i = 0; i < ns; i++)
		set_pi(g, g->list[i],
		    g->nb[g->list[i]].pi + g->nd[g->list[i]].dist - dt);
	g->pi_src -= dt;
	return true;
}

/*
 * The same round searched backwards, from the sink over reversed residual
 * arcs, stopping once no unsettled node can beat the best source found:
 * cheaper when most sources are far from the sink (the further seats that
 * never find a place), dearer when the sink is far from everything (the
 * W2 step).  Potentials change only for the settled nodes, by dt - h.
 */
static bool
dijkstra_back(struct net *g, struct rheap *h)
{
	guint32 st = ++g->stamp;
	guint32 ns = 0;
	guint64 d;
	guint32 v;
	gint64 dt = -1;

	rheap_reset(h);
	g->nd[g->sink].dist = 0;
	g->nd[g->sink].dstamp = st;
	rheap_push(h, 0, g->sink);
	while (rheap_pop(h, &d, &v)) {
		gint64 dv = (gint64)d, piv;

		if (g->nd[v].done == st || g->nd[v].dist != dv)
			continue;
		if (dt >= 0 && dv >= dt)
			break;
		g->nd[v].done = st;
		g->list[ns++] = v;
		if (v < g->n_part && g->r1[v] + g->r2[v] > 0) {
			gint64 c = dv + src_red(g, v);

			if (dt < 0 || c < dt)
				dt = c;
		}
		piv = g->nb[v].pi;
		for (guint32 e = g->first[v]; e < g->first[v + 1]; e++) {
			guint32 u;
			gint64 nd;

			if (e >= g->pbase) {
				gint64 k = g->key[e - g->pbase];

				if (k == KEY_NONE)
					continue; /* no residual u -> v */
				nd = dv + k - piv;
				u = g->arc[e].head;
			} else {
				if (g->arc[e].cap > 0)
					continue;
				u = g->arc[e].head;
				nd = dv - g->arc[e].cost + g->nb[u].pi - piv;
			}
			if (g->nd[u].done == st)
				continue;
			if (g->nd[u].dstamp != st || nd < g->nd[u].dist) {
				g->nd[u].dist = nd;
				g->nd[u].dstamp = st;
				rheap_push(h, (guint64)nd, u);
			}
		}
	}
	g->n_settled = ns;
	if (dt < 0)
		return false;
	for (guint32 i = 0; i < ns; i++)
		set_pi(g, g->list[i],
		    g->nb[g->list[i]].pi + dt - g->nd[g->list[i]].dist);
	return true;
}

/* Gives u level lv in the search stamped st, if it has none yet. */
static inline void
bfs_visit(struct net *g, guint32 u, guint32 st, gint32 lv, guint32 *qt,
    guint32 *n)
{
	if (g->nb[u].lstamp == st)
		return;
	g->nb[u].lstamp = st;
	g->nb[u].level = lv;
	g->cnt[lv]++;
	g->list[(*qt)++] = u;
	if (u < g->n_part && g->r1[u] + g->r2[u] > 0 && src_red(g, u) == 0) {
		g->srcbit[u / 64] |= (guint64)1 << (u % 64);
		(*n)++;
	}
}

/*
 * Levels for a blocking flow: admissible distance to the sink, by a
 * breadth-first search backwards from it.  The potentials are valid on
 * every node (not only on those the last Dijkstra settled), so any path
 * of zero reduced cost is a shortest one.  Only nodes that can still
 * reach the sink get a level.
 * Returns the number of sources with a level.
 */
static guint32
bfs_back(struct net *g)
{
	guint32 st = ++g->stamp;
	guint32 qh = 0, qt = 0, n = 0;

	memset(g->cnt, 0, sizeof(guint32) * ((size_t)g->maxlv + 2));
	g->nb[g->sink].lstamp = st;
	g->nb[g->sink].level = 0;
	g->cnt[0] = 1;
	g->list[qt++] = g->sink;
	while (qh < qt) {
		guint32 v = g->list[qh++];
		gint64 piv = g->nb[v].pi;
		gint32 lv = g->nb[v].level + 1;
		guint32 e = g->first[v], end = g->first[v + 1];

		if (v >= g->n_left) {
			/* the long lists: one array read in order */
			const gint64 *key = g->key - g->pbase;

			for (; e < end; e++) {
				if (key[e] != piv)
					continue;
				bfs_visit(g, g->arc[e].head, st, lv, &qt, &n);
			}
			continue;
		}
		for (; e < end; e++) {
			guint32 u = g->arc[e].head;

			if (g->arc[e].cap > 0 ||
			    g->nb[u].pi - g->arc[e].cost - piv != 0)
				continue;
			bfs_visit(g, u, st, lv, &qt, &n);
		}
	}
	g->maxlv = g->nb[g->list[qt - 1]].level;
	g->gap = G_MAXINT32;
	return n;
}

/* Whether u still has a level in the search stamped st. */
static inline bool
alive(const struct net *g, guint32 u, guint32 st)
{
	return g->nb[u].lstamp == st && g->nb[u].level <= g->gap;
}

/*
 * u has no admissible arc to the level below: gives it the lowest level
 * its admissible arcs allow, or kills it.  The levels stay valid (never
 * above the admissible distance to the sink), so when the last node
 * leaves a level, that level is a gap: every path to the sink from above
 * it passes it, so every node above it is dead (alive() reads g->gap).
 * A node may enter the gap's level from below later, and one above it
 * might then reach the sink again; the gap still counts it dead.  Such a
 * kill can only leave an augmenting path unused: the flow stays of
 * minimum cost for its value and the potentials valid, and the next
 * round finds the path at distance 0.  Without gaps (the fallback when a
 * flow with them sent nothing) every kill is exact: no admissible arc to
 * a live node, or a level of n.
 */
static void
relabel(struct net *g, guint32 u, guint32 st, bool gaps)
{
	gint32 old = g->nb[u].level, lv = G_MAXINT32;
	gint64 piu = g->nb[u].pi;

	if (u >= g->n_left) {
		const gint64 *fkey = g->fkey - g->pbase;

		for (guint32 e = g->first[u]; e < g->first[u + 1]; e++) {
			guint32 v = g->arc[e].head;

			if (fkey[e] == piu && alive(g, v, st) &&
			    g->nb[v].level < lv)
				lv = g->nb[v].level;
		}
	} else {
		for (guint32 e = g->first[u]; e < g->first[u + 1]; e++) {
			guint32 v = g->arc[e].head;

			if (g->arc[e].cap > 0 && alive(g, v, st) &&
			    g->nb[v].level < lv &&
			    g->arc[e].cost + piu - g->nb[v].pi == 0)
				lv = g->nb[v].level;
		}
	}
	if (--g->cnt[old] == 0 && old < g->gap && gaps)
		g->gap = old;
	if (lv == G_MAXINT32 || lv + 1 > g->gap || lv + 1 >= (gint32)g->n) {
		g->nb[u].lstamp = 0; /* dead */
		return;
	}
	g->nb[u].level = lv + 1;
	g->cnt[lv + 1]++;
	g->maxlv = MAX(g->maxlv, lv + 1);
	g->nd[u].cur = g->first[u];
}

/*
 * Sends units from source p along arcs of zero reduced cost while p's
 * source arc stays admissible: the shortest augmenting path method
 * (Ahuja and Orlin) on the levels of bfs_back(), raised locally by
 * relabel() where a node has no arc to the level below.  A node that
 * cannot reach the sink at the start of the round never can again (new
 * residual arcs join nodes of an augmenting path, which could), so a dead
 * node stays dead: one pass over the sources serves all of them.
 */
static guint64
send_from(struct net *g, guint32 p, guint32 st, bool gaps)
{
	guint64 sent = 0;

	while (
	    alive(g, p, st) && g->r1[p] + g->r2[p] > 0 && src_red(g, p) == 0) {
		guint32 len = 0, u = p;

		for (;;) {
			guint32 e, end;
			gint64 piu;
			gint32 want;

			if (u == g->sink)
				break;
			if (g->nd[u].cstamp != st) {
				g->nd[u].cstamp = st;
				g->nd[u].cur = g->first[u];
			}
			end = g->first[u + 1];
			piu = g->nb[u].pi;
			want = g->nb[u].level - 1;
			if (u >= g->n_left) {
				const gint64 *fkey = g->fkey - g->pbase;

				for (e = g->nd[u].cur; e < end; e++) {
					guint32 v = g->arc[e].head;

					if (fkey[e] == piu &&
					    g->nb[v].lstamp == st &&
					    g->nb[v].level == want)
						break;
				}
			} else {
				for (e = g->nd[u].cur; e < end; e++) {
					guint32 v = g->arc[e].head;

					if (g->arc[e].cap > 0 &&
					    g->nb[v].lstamp == st &&
					    g->nb[v].level == want &&
					    g->arc[e].cost + piu -
					            g->nb[v].pi ==
					        0)
						break;
				}
			}
			g->nd[u].cur = e;
			if (e < end && want <= g->gap) {
				g->path[len++] = e;
				u = g->arc[e].head;
				continue;
			}
			relabel(g, u, st, gaps);
			if (len == 0)
				break; /* p: again from its new level */
			e = g->path[--len];
			u = g->arc[g->arc[e].rev].head;
		}
		if (u != g->sink)
			continue;
		for (guint32 k = 0; k < len; k++) {
			guint32 e = g->path[k], f = g->arc[e].rev;

			g->arc[e].cap--;
			g->arc[f].cap++;
			if (e >= g->pbase)
				key_set(g, e);
			if (f >= g->pbase)
				key_set(g, f);
		}
		if (g->r1[p])
			g->r1[p]--;
		else
			g->r2[p]--;
		sent++;
	}
	return sent;
}

/*
 * A maximum flow on the admissible arcs from the participants that
 * bfs_back() found, with or without gaps (see relabel()).  Returns the
 * units sent.
 */
static guint64
blocking_flow(struct net *g, bool gaps)
{
	guint32 st = g->stamp;
	guint64 sent = 0;

	/* the sources in id order: the bits bfs_back() set, cleared here */
	for (guint32 w = 0; w <= g->n_part / 64; w++) {
		guint64 bits = g->srcbit[w];

		g->srcbit[w] = 0;
		while (bits != 0) {
			guint32 p = w * 64 + (guint32)__builtin_ctzll(bits);

			bits &= bits - 1;
			sent += send_from(g, p, st, gaps);
		}
	}
	return sent;
}

AllocResult *
alloc_solve(const AllocProblem *prob, AllocProgressFunc progress,
    gpointer user_data, GError **error)
{
	struct alloc_model m;
	struct net g = { 0 };
	struct rheap h = { 0 };
	g_autofree guint32 *pref_arc = NULL;
	g_autofree guint8 *chosen = NULL;
	AllocResult *res = NULL;
	guint64 total = 0, sent = 0;
	guint phases = 0;
	guint n_pref;
	guint32 n_fwd = 0, n_back = 1;

	if (!alloc_model_init(&m, prob, error))
		goto out;
	n_pref = m.pref_first[m.n_part];
	pref_arc = g_new(guint32, n_pref ? n_pref : 1);
	memset(pref_arc, 0xff, sizeof(guint32) * (n_pref ? n_pref : 1));
	if (!net_build(&g, &m, pref_arc, error))
		goto out;
	for (guint p = 0; p < m.n_part; p++)
		total += g.r1[p] + g.r2[p];

	/*
	 * Each round searches from the side that was cheaper the last time
	 * (settled nodes); a direction not tried yet counts as free.
	 */
	for (;;) {
		bool back = n_back < n_fwd;

		if (!(back ? dijkstra_back(&g, &h) : dijkstra(&g, &h)))
			break;
		if (back)
			n_back = g.n_settled;
		else
			n_fwd = g.n_settled;
		phases++;
		/* blocking flows until no participant reaches the sink
		 * on admissible arcs */
		/*
		 * One flow per round: a path a gap hid is found by the next
		 * round at distance 0.  Gaps may hide all of them; then a
		 * flow without gaps sends at least one unit.
		 */
		if (bfs_back(&g) > 0) {
			guint64 x = blocking_flow(&g, true);

			if (x == 0 && bfs_back(&g) > 0)
				x = blocking_flow(&g, false);
			sent += x;
		}
		if (progress != NULL)
			progress(total ? (double)sent / (double)total : 1.0,
			    user_data);
	}

	chosen = g_new0(guint8, n_pref ? n_pref : 1);
	for (guint32 k = 0; k < n_pref; k++)
		if (pref_arc[k] != G_MAXUINT32)
			chosen[k] = g.arc[pref_arc[k]].cap == 0;
	res = alloc_result_build(&m, chosen, phases, false);
out:
	rheap_clear(&h);
	net_clear(&g);
	alloc_model_clear(&m);
	return res;
}
