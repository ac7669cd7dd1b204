/*
 * result.c -- placements, tables and figures of a solved allocation, the
 * first-come-first-served baseline, and the printers.
 *
 * Seating: in each session the participants are ordered by sector, then
 * organisation, then id, and dealt round-robin over the tables.  A run of
 * k people dealt over n tables gives each table floor(k/n) or ceil(k/n)
 * of them, so every sector and every organisation is spread as evenly as
 * the numbers allow, and table sizes differ by at most one.  The ordering
 * is three stable counting sorts, so seating is linear and deterministic.
 */
#include "alloc/alloc_int.h"

#include <string.h>

static guint
session_tables(const struct alloc_session *ss)
{
	if (ss->tables > 0)
		return ss->tables;
	if (ss->seats_per_table > 0)
		return MAX(1,
		    (ss->capacity + ss->seats_per_table - 1) /
		        ss->seats_per_table);
	return 1;
}

/* Stable counting sort of idx[0..n) by key[idx[i]] in 0..nkeys-1. */
static void
csort(guint32 *idx, guint32 *tmp, size_t n, const guint32 *key, guint nkeys)
{
	g_autofree guint32 *cnt = g_new0(guint32, (size_t)nkeys + 1);

	for (size_t i = 0; i < n; i++)
		cnt[key[idx[i]] + 1]++;
	for (guint k = 0; k < nkeys; k++)
		cnt[k + 1] += cnt[k];
	for (size_t i = 0; i < n; i++)
		tmp[cnt[key[idx[i]]]++] = idx[i];
	memcpy(idx, tmp, n * sizeof(guint32));
}

static void
seat_tables(const struct alloc_model *m, AllocResult *res)
{
	const AllocProblem *prob = m->prob;
	AllocPlacement *pl = (AllocPlacement *)res->placements->data;
	size_t n = res->placements->len;
	g_autofree guint32 *idx = g_new(guint32, n ? n : 1);
	g_autofree guint32 *tmp = g_new(guint32, n ? n : 1);
	g_autofree guint32 *key = g_new(guint32, n ? n : 1);
	g_autofree guint32 *count = g_new0(guint32, MAX(m->n_sectors, 1));
	double worst = 0.0;
	size_t i = 0;

	for (size_t j = 0; j < n; j++)
		idx[j] = (guint32)j;
	for (size_t j = 0; j < n; j++)
		key[j] = g_array_index(prob->participants,
		    struct alloc_participant, pl[j].participant)
		             .org;
	csort(idx, tmp, n, key, m->n_orgs);
	for (size_t j = 0; j < n; j++)
		key[j] = g_array_index(prob->participants,
		    struct alloc_participant, pl[j].participant)
		             .sector;
	csort(idx, tmp, n, key, m->n_sectors);
	for (size_t j = 0; j < n; j++)
		key[j] = pl[j].session;
	csort(idx, tmp, n, key, m->n_sess);

	while (i < n) {
		guint s = pl[idx[i]].session;
		guint nt = session_tables(
		    &g_array_index(prob->sessions, struct alloc_session, s));
		size_t j = i;

		while (j < n && pl[idx[j]].session == s)
			j++;
		for (size_t k = i; k < j; k++)
			pl[idx[k]].table = 1 + (guint)((k - i) % nt);
		/* worst sector share: tables in turn */
		for (guint t = 0; t < nt && t < j - i; t++) {
			guint size = 0, top = 0;

			for (size_t k = i + t; k < j; k += nt) {
				guint sec = g_array_index(prob->participants,
				    struct alloc_participant,
				    pl[idx[k]].participant)
				                .sector;

				size++;
				count[sec]++;
				top = MAX(top, count[sec]);
			}
			for (size_t k = i + t; k < j; k += nt)
				count[g_array_index(prob->participants,
				    struct alloc_participant,
				    pl[idx[k]].participant)
				          .sector] = 0;
			worst = MAX(worst, (double)top / size);
		}
		i = j;
	}
	res->st.worst_table_share = worst;
}

static int
cmp_placement(gconstpointer a, gconstpointer b)
{
	const AllocPlacement *x = a, *y = b;

	if (x->session != y->session)
		return x->session < y->session ? -1 : 1;
	return 0;
}

AllocResult *
alloc_result_build(const struct alloc_model *m, const guint8 *chosen,
    guint phases, bool greedy)
{
	const AllocProblem *prob = m->prob;
	AllocResult *res = g_new0(AllocResult, 1);
	AllocStats *st = &res->st;

	res->placements = g_array_sized_new(FALSE, FALSE,
	    sizeof(AllocPlacement), m->pref_first[m->n_part] / 2 + 16);
	st->participants = m->n_part;
	st->previous = m->n_prev;
	st->phases = phases;
	st->greedy = greedy;
	for (guint p = 0; p < m->n_part; p++) {
		guint start = res->placements->len, got;
		bool first = false;

		for (guint32 i = m->pin_first[p]; i < m->pin_first[p + 1];
		     i++) {
			AllocPlacement x = { p, m->pin_sess[i], 0,
				m->pin_rank[i], true, false };

			if (x.session == G_MAXUINT32)
				continue;
			g_array_append_val(res->placements, x);
			st->pinned++;
		}
		for (guint32 k = m->pref_first[p]; k < m->pref_first[p + 1];
		     k++) {
			AllocPlacement x = { p, m->pref[k].session, 0,
				m->pref[k].rank, false, false };

			if (chosen[k])
				g_array_append_val(res->placements, x);
		}
		got = res->placements->len - start;
		if (got > 1)
			qsort(&g_array_index(res->placements, AllocPlacement,
			          start),
			    got, sizeof(AllocPlacement), cmp_placement);
		for (guint i = start; i < res->placements->len; i++) {
			AllocPlacement *x = &g_array_index(res->placements,
			    AllocPlacement, i);

			for (guint32 j = m->prev_first[p];
			     j < m->prev_first[p + 1]; j++)
				if (m->prev_sess[j] == x->session)
					x->kept = true;
			st->kept += x->kept;
			if (x->rank > 0) {
				st->cost += prob->rank_cost[x->rank - 1];
				st->rank_hist[x->rank - 1]++;
				first = first || x->rank == 1;
			}
		}
		st->placed += got;
		st->first_choice += first;
		if (got == 0 && m->wanted[p] >= 1)
			st->nowhere++;
		if (got == m->wanted[p])
			st->all_wanted++;
	}
	seat_tables(m, res);
	return res;
}

AllocResult *
alloc_solve_greedy(const AllocProblem *prob, GError **error)
{
	struct alloc_model m;
	g_autoptr(GHashTable) org_used = g_hash_table_new(g_direct_hash,
	    g_direct_equal);
	g_autofree guint8 *chosen = NULL;
	g_autofree guint32 *sec_used = NULL;
	g_autofree guint32 *slot_mark = g_new0(guint32,
	    prob->n_slots ? prob->n_slots : 1);
	AllocResult *res = NULL;
	guint n_pref;

	if (!alloc_model_init(&m, prob, error))
		goto out;
	n_pref = m.pref_first[m.n_part];
	chosen = g_new0(guint8, n_pref ? n_pref : 1);
	sec_used = g_memdup2(m.pins_sess_sector,
	    sizeof(guint32) * (size_t)(m.n_sess ? m.n_sess : 1) *
	        MAX(m.n_sectors, 1));
	for (guint p = 0; p < m.n_part; p++) {
		const struct alloc_participant *pp = &g_array_index(
		    prob->participants, struct alloc_participant, p);
		guint left = m.left[p];

		for (guint32 i = m.pin_first[p]; i < m.pin_first[p + 1]; i++) {
			guint s = m.pin_sess[i];
			gpointer key;

			if (s == G_MAXUINT32)
				continue;
			slot_mark[g_array_index(prob->sessions,
			    struct alloc_session, s)
			              .slot] = p + 1;
			key = GSIZE_TO_POINTER(
			    (gsize)s * m.n_orgs + pp->org + 1);
			g_hash_table_insert(org_used, key,
			    GUINT_TO_POINTER(
			        GPOINTER_TO_UINT(
			            g_hash_table_lookup(org_used, key)) +
			        1));
		}
		for (guint32 k = m.pref_first[p];
		     k < m.pref_first[p + 1] && left > 0; k++) {
			guint s = m.pref[k].session;
			const struct alloc_session *ss = &g_array_index(
			    prob->sessions, struct alloc_session, s);
			/* (s, org) as one number: g_direct_hash keeps the
			 * low 32 bits */
			gpointer key = GSIZE_TO_POINTER(
			    (gsize)s * m.n_orgs + pp->org + 1);
			guint32 *sec =
			    &sec_used[(size_t)s * m.n_sectors + pp->sector];
			guint ou;

			if ((m.pref_state[k] & ~PREF_KEEP) != PREF_FREE ||
			    slot_mark[ss->slot] == p + 1 ||
			    m.cap_left[s] <= 0 || *sec >= ss->max_per_sector)
				continue;
			ou = GPOINTER_TO_UINT(
			    g_hash_table_lookup(org_used, key));
			if (ou >= ss->max_per_org)
				continue;
			g_hash_table_insert(org_used, key,
			    GUINT_TO_POINTER(ou + 1));
			(*sec)++;
			m.cap_left[s]--;
			slot_mark[ss->slot] = p + 1;
			chosen[k] = 1;
			left--;
		}
	}
	res = alloc_result_build(&m, chosen, 0, true);
out:
	alloc_model_clear(&m);
	return res;
}

void
alloc_result_free(AllocResult *res)
{
	if (res == NULL)
		return;
	g_array_unref(res->placements);
	g_free(res);
}

const AllocPlacement *
alloc_result_placements(const AllocResult *res, size_t *n)
{
	*n = res->placements->len;
	return (const AllocPlacement *)res->placements->data;
}

const AllocStats *
alloc_result_stats(const AllocResult *res)
{
	return &res->st;
}

char *
alloc_stats_objective(const AllocStats *st)
{
	return g_strdup_printf("%zu/%zu/%" G_GUINT64_FORMAT, st->placed,
	    st->nowhere, st->cost);
}

static double
pct(size_t a, size_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

char *
alloc_stats_format(const AllocStats *st, bool json, double solve_seconds)
{
	GString *out = g_string_new(NULL);
	g_autofree char *obj = alloc_stats_objective(st);
	const char *solver = st->greedy ? "greedy" : "exact";

	if (json) {
		g_string_append_printf(out,
		    "{\"solver\": \"%s\", "
		    "\"participants\": %zu, \"placed\": %zu, \"nowhere\": %zu, "
		    "\"cost\": %" G_GUINT64_FORMAT ", \"objective\": \"%s\", "
		    "\"first_choice_pct\": %.2f, \"all_wanted_pct\": %.2f, "
		    "\"rank_hist\": [",
		    solver, st->participants, st->placed, st->nowhere, st->cost,
		    obj, pct(st->first_choice, st->participants),
		    pct(st->all_wanted, st->participants));
		for (guint r = 0; r < ALLOC_MAX_RANK; r++)
			g_string_append_printf(out, "%s%zu", r ? ", " : "",
			    st->rank_hist[r]);
		g_string_append_printf(out,
		    "], \"pinned\": %zu, "
		    "\"previous\": %zu, \"kept\": %zu, \"moved\": %zu, "
		    "\"worst_table_sector_pct\": %.2f, \"phases\": %u",
		    st->pinned, st->previous, st->kept, st->previous - st->kept,
		    100.0 * st->worst_table_share, st->phases);
		if (solve_seconds >= 0)
			g_string_append_printf(out, ", \"solve_seconds\": %.3f",
			    solve_seconds);
		g_string_append(out, "}\n");
		return g_string_free(out, FALSE);
	}
	g_string_append_printf(out, "solver              %s\n", solver);
	g_string_append_printf(out, "seats placed        %zu\n", st->placed);
	g_string_append_printf(out, "placed nowhere      %zu participants\n",
	    st->nowhere);
	g_string_append_printf(out,
	    "total rank cost     %" G_GUINT64_FORMAT "\n", st->cost);
	g_string_append_printf(out, "objective=%s\n", obj);
	g_string_append_printf(out,
	    "first choice        %.2f%% of %zu "
	    "participants\n",
	    pct(st->first_choice, st->participants), st->participants);
	g_string_append_printf(out,
	    "all wanted          %.2f%% of "
	    "participants\n",
	    pct(st->all_wanted, st->participants));
	g_string_append(out, "seats by rank 1..5  [");
	for (guint r = 0; r < ALLOC_MAX_RANK; r++)
		g_string_append_printf(out, "%s%zu", r ? ", " : "",
		    st->rank_hist[r]);
	g_string_append(out, "]\n");
	if (st->pinned > 0)
		g_string_append_printf(out, "pinned              %zu\n",
		    st->pinned);
	if (st->previous > 0)
		g_string_append_printf(out,
		    "published kept      %zu of %zu "
		    "(moved %zu)\n",
		    st->kept, st->previous, st->previous - st->kept);
	g_string_append_printf(out,
	    "worst table         %.2f%% from one "
	    "sector\n",
	    100.0 * st->worst_table_share);
	if (solve_seconds >= 0)
		g_string_append_printf(out,
		    "solve time          %.3f s (%u "
		    "rounds)\n",
		    solve_seconds, st->phases);
	return g_string_free(out, FALSE);
}
