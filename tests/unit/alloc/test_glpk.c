/*
 * test_glpk.c -- the allocator against GLPK's MIP solver (test only).
 *
 * An independent exact check: the ILP of FORMAT.md ("ILP formulation"),
 * extended with pins (x fixed to 1, unranked pins as extra fixed
 * variables), bans (no variable) and the keep tier, solved literally
 * lexicographically in stages with no weights.  Its tiers must equal the
 * allocator's.  Cases: random problems from fixed seeds, and every
 * instance folder given on the command line (instances.py passes
 * generated ones).
 */
#include <string.h>
#include <glib.h>
#include <glpk.h>

#include "alloc/alloc.h"
#include "alloc/alloc_int.h"
#include "instance/instance.h"

/* Solves the MIP as it stands; false if infeasible. */
static bool
mip(glp_prob *lp, double *z)
{
	glp_iocp parm;
	int rc;

	glp_init_iocp(&parm);
	parm.presolve = GLP_ON;
	parm.msg_lev = GLP_MSG_OFF;
	rc = glp_intopt(lp, &parm);
	if (rc == GLP_ENOPFS || rc == GLP_ENODFS)
		return false;
	g_assert_cmpint(rc, ==, 0);
	if (glp_mip_status(lp) != GLP_OPT)
		return false;
	*z = glp_mip_obj_val(lp);
	return true;
}

static int
add_row_eq(glp_prob *lp, GArray *idx, GArray *val, double rhs)
{
	int r = glp_add_rows(lp, 1);

	glp_set_mat_row(lp, r, (int)idx->len - 1, (int *)idx->data,
	    (double *)val->data);
	glp_set_row_bnds(lp, r, GLP_FX, rhs, rhs);
	return r;
}

/* A row sum over the columns listed in cols[]. */
static void
add_row(glp_prob *lp, const GArray *cols, int type, double ub)
{
	g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(int));
	g_autoptr(GArray) val = g_array_new(FALSE, FALSE, sizeof(double));
	int zero = 0, r;
	double one = 1;

	if (cols->len == 0)
		return;
	g_array_append_val(idx, zero);
	g_array_append_val(val, one);
	g_array_append_vals(idx, cols->data, cols->len);
	for (guint i = 0; i < cols->len; i++)
		g_array_append_val(val, one);
	r = glp_add_rows(lp, 1);
	glp_set_mat_row(lp, r, (int)cols->len, (int *)idx->data,
	    (double *)val->data);
	glp_set_row_bnds(lp, r, type, 0, ub);
}

/*
 * The lexicographic optimum by ILP: best[0..3] = placed, nowhere, cost,
 * kept.  False if the pins make the problem infeasible.
 */
static bool
ilp_solve(const AllocProblem *prob, gint64 best[4])
{
	const struct alloc_session *sess = (const struct alloc_session *)
	                                       prob->sessions->data;
	const struct alloc_participant *part =
	    (const struct alloc_participant *)prob->participants->data;
	guint np = prob->participants->len, ns = prob->sessions->len;
	g_autoptr(GHashTable) col = g_hash_table_new(g_int64_hash,
	    g_int64_equal); /* (p << 32 | s) -> column */
	g_autoptr(GHashTable) banned = g_hash_table_new(g_int64_hash,
	    g_int64_equal);
	g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) cp = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GArray) cs = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GArray) cc = g_array_new(FALSE, FALSE, sizeof(double));
	g_autoptr(GArray) ck = g_array_new(FALSE, FALSE, sizeof(double));
	g_autofree int *ycol = g_new0(int, np + 1);
	glp_prob *lp = glp_create_prob();
	guint n_orgs = 0, n_sec = 0;
	int nx, ny = 0;
	double z;
	bool ok = false;

	/* Columns: one per non-banned preference, one per unranked pin. */
	g_array_set_size(keys,
	    prob->prefs->len + prob->pins->len + prob->bans->len + 1);
	for (guint i = 0; i < prob->bans->len; i++) {
		const struct alloc_pair *x = &g_array_index(prob->bans,
		    struct alloc_pair, i);
		gint64 *k = &g_array_index(keys, gint64, i);

		*k = ((gint64)x->participant << 32) | x->session;
		g_hash_table_add(banned, k);
	}
	for (guint i = 0; i < prob->prefs->len + prob->pins->len; i++) {
		bool is_pin = i >= prob->prefs->len;
		guint p, s, rank = 0;
		gint64 *k = &g_array_index(keys, gint64, prob->bans->len + i);
		int c;
		double cost = 0, kept = 0;

		if (!is_pin) {
			const struct alloc_pref *x = &g_array_index(prob->prefs,
			    struct alloc_pref, i);

			p = x->participant;
			s = x->session;
			rank = x->rank;
			cost = prob->rank_cost[rank - 1];
		} else {
			const struct alloc_pair *x = &g_array_index(prob->pins,
			    struct alloc_pair, i - prob->prefs->len);

			p = x->participant;
			s = x->session;
		}
		*k = ((gint64)p << 32) | s;
		if (g_hash_table_contains(banned, k)) {
			if (is_pin)
				goto out; /* pinned and banned */
			continue;
		}
		if (g_hash_table_contains(col, k)) {
			if (is_pin) {
				c = GPOINTER_TO_INT(
				    g_hash_table_lookup(col, k));
				glp_set_col_bnds(lp, c, GLP_FX, 1, 1);
			}
			continue;
		}
		for (guint j = 0; j < prob->previous->len; j++) {
			const struct alloc_pair *x = &g_array_index(
			    prob->previous, struct alloc_pair, j);

			if (x->participant == p && x->session == s)
				kept = 1;
		}
		c = glp_add_cols(lp, 1);
		glp_set_col_kind(lp, c, GLP_BV);
		if (is_pin)
			glp_set_col_bnds(lp, c, GLP_FX, 1, 1);
		g_hash_table_insert(col, k, GINT_TO_POINTER(c));
		g_array_append_val(cp, p);
		g_array_append_val(cs, s);
		g_array_append_val(cc, cost);
		g_array_append_val(ck, kept);
	}
	nx = glp_get_num_cols(lp);
	for (guint p = 0; p < np; p++) {
		n_orgs = MAX(n_orgs, part[p].org + 1);
		n_sec = MAX(n_sec, part[p].sector + 1);
	}
	/* Rows: per participant, (participant, slot), session, (session,
	 * sector), (session, org). */
	for (guint p = 0; p < np; p++) {
		g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(int));

		for (int c = 1; c <= nx; c++)
			if (g_array_index(cp, guint, c - 1) == p)
				g_array_append_val(all, c);
		add_row(lp, all, GLP_UP, part[p].max_sessions);
		for (guint t = 0; t < prob->n_slots; t++) {
			g_autoptr(GArray) r = g_array_new(FALSE, FALSE,
			    sizeof(int));

			for (guint i = 0; i < all->len; i++) {
				int c = g_array_index(all, int, i);

				if (sess[g_array_index(cs, guint, c - 1)]
				        .slot == t)
					g_array_append_val(r, c);
			}
			add_row(lp, r, GLP_UP, 1);
		}
		/* y_p <= sum x_p, if p wants anything */
		if (all->len > 0 && part[p].max_sessions > 0) {
			g_autoptr(GArray) idx = g_array_new(FALSE, FALSE,
			    sizeof(int));
			g_autoptr(GArray) val = g_array_new(FALSE, FALSE,
			    sizeof(double));
			int y = glp_add_cols(lp, 1), zero = 0, r;
			double one = 1, m1 = -1;

			glp_set_col_kind(lp, y, GLP_BV);
			ycol[p] = y;
			ny++;
			g_array_append_val(idx, zero);
			g_array_append_val(val, one);
			g_array_append_val(idx, y);
			g_array_append_val(val, one);
			for (guint i = 0; i < all->len; i++) {
				g_array_append_val(idx,
				    g_array_index(all, int, i));
				g_array_append_val(val, m1);
			}
			r = glp_add_rows(lp, 1);
			glp_set_mat_row(lp, r, (int)idx->len - 1,
			    (int *)idx->data, (double *)val->data);
			glp_set_row_bnds(lp, r, GLP_UP, 0, 0);
		}
	}
	for (guint s = 0; s < ns; s++) {
		g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(int));

		for (int c = 1; c <= nx; c++)
			if (g_array_index(cs, guint, c - 1) == s)
				g_array_append_val(all, c);
		add_row(lp, all, GLP_UP, sess[s].capacity);
		for (guint sec = 0; sec < n_sec; sec++) {
			g_autoptr(GArray) r = g_array_new(FALSE, FALSE,
			    sizeof(int));

			for (guint i = 0; i < all->len; i++) {
				int c = g_array_index(all, int, i);

				if (part[g_array_index(cp, guint, c - 1)]
				        .sector == sec)
					g_array_append_val(r, c);
			}
			add_row(lp, r, GLP_UP, sess[s].max_per_sector);
		}
		for (guint o = 0; o < n_orgs; o++) {
			g_autoptr(GArray) r = g_array_new(FALSE, FALSE,
			    sizeof(int));

			for (guint i = 0; i < all->len; i++) {
				int c = g_array_index(all, int, i);

				if (part[g_array_index(cp, guint, c - 1)].org ==
				    o)
					g_array_append_val(r, c);
			}
			add_row(lp, r, GLP_UP, sess[s].max_per_org);
		}
	}

	/* Stage 1: max placed. */
	{
		g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(int));
		g_autoptr(GArray) val = g_array_new(FALSE, FALSE,
		    sizeof(double));
		int zero = 0;
		double one = 1;

		g_array_append_val(idx, zero);
		g_array_append_val(val, one);
		glp_set_obj_dir(lp, GLP_MAX);
		for (int c = 1; c <= nx; c++) {
			glp_set_obj_coef(lp, c, 1);
			g_array_append_val(idx, c);
			g_array_append_val(val, one);
		}
		if (!mip(lp, &z))
			goto out;
		best[0] = (gint64)(z + 0.5);
		add_row_eq(lp, idx, val, (double)best[0]);
	}
	/* Stage 2: max served. */
	{
		g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(int));
		g_autoptr(GArray) val = g_array_new(FALSE, FALSE,
		    sizeof(double));
		int zero = 0;
		double one = 1;

		g_array_append_val(idx, zero);
		g_array_append_val(val, one);
		for (int c = 1; c <= nx; c++)
			glp_set_obj_coef(lp, c, 0);
		for (guint p = 0; p < np; p++)
			if (ycol[p]) {
				glp_set_obj_coef(lp, ycol[p], 1);
				g_array_append_val(idx, ycol[p]);
				g_array_append_val(val, one);
			}
		z = 0;
		if (ny > 0)
			g_assert_true(mip(lp, &z));
		best[1] = -(ny - (gint64)(z + 0.5)); /* -nowhere */
		if (ny > 0)
			add_row_eq(lp, idx, val, (double)(gint64)(z + 0.5));
		for (guint p = 0; p < np; p++)
			if (ycol[p])
				glp_set_obj_coef(lp, ycol[p], 0);
	}
	/* Stage 3: min cost. */
	{
		g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(int));
		g_autoptr(GArray) val = g_array_new(FALSE, FALSE,
		    sizeof(double));
		int zero = 0;
		double one = 1;

		g_array_append_val(idx, zero);
		g_array_append_val(val, one);
		glp_set_obj_dir(lp, GLP_MIN);
		for (int c = 1; c <= nx; c++) {
			glp_set_obj_coef(lp, c,
			    g_array_index(cc, double, c - 1));
			g_array_append_val(idx, c);
			g_array_append_val(val,
			    g_array_index(cc, double, c - 1));
		}
		g_assert_true(mip(lp, &z));
		best[2] = -(gint64)(z + 0.5);
		add_row_eq(lp, idx, val, (double)-best[2]);
	}
	/* Stage 4: max kept (published placements). */
	best[3] = 0;
	if (prob->keep_bonus > 0) {
		glp_set_obj_dir(lp, GLP_MAX);
		for (int c = 1; c <= nx; c++)
			glp_set_obj_coef(lp, c,
			    g_array_index(ck, double, c - 1));
		g_assert_true(mip(lp, &z));
		best[3] = (gint64)(z + 0.5);
	}
	ok = true;
out:
	glp_delete_prob(lp);
	return ok;
}

static void
compare(const AllocProblem *prob, const char *what)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(AllocResult) res = alloc_solve(prob, NULL, NULL, &error);
	gint64 best[4];
	bool feasible = ilp_solve(prob, best);
	const AllocStats *st;

	if (!feasible) {
		if (res != NULL)
			g_error("%s: the ILP is infeasible, the allocator is "
			        "not",
			    what);
		g_assert_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EPIN);
		return;
	}
	if (res == NULL)
		g_error("%s: %s", what, error->message);
	st = alloc_result_stats(res);
	if ((gint64)st->placed != best[0] || -(gint64)st->nowhere != best[1] ||
	    -(gint64)st->cost != best[2] ||
	    (prob->keep_bonus && (gint64)st->kept != best[3]))
		g_error("%s: allocator %zu/%zu/%" G_GUINT64_FORMAT " kept %zu, "
		        "ILP %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
		        "/%" G_GINT64_FORMAT " kept %" G_GINT64_FORMAT,
		    what, st->placed, st->nowhere, st->cost, st->kept, best[0],
		    -best[1], -best[2], best[3]);
}

static AllocProblem *
random_problem(guint seed)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(seed);
	AllocProblem *prob = alloc_problem_new();
	guint nt = g_rand_int_range(r, 1, 4);
	guint ns = g_rand_int_range(r, nt, 9);
	guint np = g_rand_int_range(r, 5, 40);

	for (guint t = 0; t < nt; t++)
		alloc_problem_add_slot(prob);
	for (guint s = 0; s < ns; s++) {
		guint cap = g_rand_int_range(r, 1, 12);

		alloc_problem_add_session(prob,
		    s < nt ? s : (guint)g_rand_int_range(r, 0, nt), cap,
		    g_rand_int_range(r, cap / 3, cap + 1),
		    g_rand_int_range(r, 1, 4));
	}
	for (guint p = 0; p < np; p++) {
		guint sec = g_rand_int_range(r, 0, 3);
		guint k = g_rand_int_range(r, 0, MIN(ns, 5) + 1);
		guint first = g_rand_int_range(r, 0, ns);

		alloc_problem_add_participant(prob, sec,
		    sec + 3 * g_rand_int_range(r, 0, 4),
		    g_rand_int_range(r, 1, nt + 1));
		for (guint i = 0; i < k; i++)
			alloc_problem_add_preference(prob, p, (first + i) % ns,
			    i + 1);
		if (g_rand_int_range(r, 0, 15) == 0)
			alloc_problem_add_pin(prob, p,
			    g_rand_int_range(r, 0, ns));
		if (g_rand_int_range(r, 0, 10) == 0)
			alloc_problem_add_ban(prob, p, first);
		if (k > 0 && g_rand_int_range(r, 0, 2) == 0)
			alloc_problem_add_previous(prob, p,
			    (first + (guint)g_rand_int_range(r, 0, k)) % ns);
	}
	alloc_problem_set_keep_bonus(prob, seed % 2);
	return prob;
}

static void
test_random(void)
{
	for (guint seed = 1; seed <= 300; seed++) {
		g_autoptr(AllocProblem) prob = random_problem(seed);
		g_autofree char *what = g_strdup_printf("random seed %u", seed);

		compare(prob, what);
	}
}

static void
test_dir(gconstpointer data)
{
	const char *dir = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(AllocProblem) prob = instance_read(dir, &error);

	g_assert_no_error(error);
	compare(prob, dir);
}

int
main(int argc, char **argv)
{
	glp_term_out(GLP_OFF);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/alloc/glpk/random", test_random);
	for (int i = 1; i < argc; i++) {
		g_autofree char *name = g_strdup_printf("/alloc/glpk/dir/%d",
		    i);

		g_test_add_data_func(name, argv[i], test_dir);
	}
	return g_test_run();
}
