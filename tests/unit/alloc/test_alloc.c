/*
 * test_alloc.c -- unit tests of the allocator and the instance reader.
 *
 * Each model constraint has a case built so that dropping the constraint
 * from the model would change the optimum (the case asserts both the
 * constraint and the objective).  Random tiny problems are checked
 * against brute force over every subset of preferences, with pins, bans
 * and the keep tier.  Bad CSV input must fail with file, line and field.
 */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "alloc/alloc.h"
#include "instance/instance.h"

static AllocResult *
solve_ok(const AllocProblem *prob)
{
	g_autoptr(GError) error = NULL;
	AllocResult *res = alloc_solve(prob, NULL, NULL, &error);

	g_assert_no_error(error);
	g_assert_nonnull(res);
	return res;
}

static bool
has(const AllocResult *res, guint p, guint s)
{
	size_t n;
	const AllocPlacement *pl = alloc_result_placements(res, &n);

	for (size_t i = 0; i < n; i++)
		if (pl[i].participant == p && pl[i].session == s)
			return true;
	return false;
}

static void
assert_objective(const AllocResult *res, const char *want)
{
	g_autofree char *obj = alloc_stats_objective(alloc_result_stats(res));

	g_assert_cmpstr(obj, ==, want);
}

/* One participant ranks two sessions of one slot and wants two seats. */
static void
test_slot_rule(void)
{
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autoptr(AllocResult) res = NULL;

	alloc_problem_add_slot(prob);
	alloc_problem_add_slot(prob);
	alloc_problem_add_session(prob, 0, 5, 5, 5);
	alloc_problem_add_session(prob, 0, 5, 5, 5);
	alloc_problem_add_session(prob, 1, 5, 5, 5);
	alloc_problem_add_participant(prob, 0, 0, 3);
	alloc_problem_add_preference(prob, 0, 0, 1);
	alloc_problem_add_preference(prob, 0, 1, 2);
	alloc_problem_add_preference(prob, 0, 2, 3);
	res = solve_ok(prob);
	/* without the rule: 3 seats */
	assert_objective(res, "2/0/3");
	g_assert_true(has(res, 0, 0));
	g_assert_true(has(res, 0, 2));
}

/* Four of one sector want a session whose sector limit is two. */
static void
test_sector_limit(void)
{
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autoptr(AllocResult) res = NULL;
	size_t n, in0 = 0;
	const AllocPlacement *pl;

	alloc_problem_add_slot(prob);
	alloc_problem_add_session(prob, 0, 4, 2, 4);
	alloc_problem_add_session(prob, 0, 4, 4, 4);
	for (guint p = 0; p < 4; p++) {
		alloc_problem_add_participant(prob, 0, p, 1);
		alloc_problem_add_preference(prob, p, 0, 1);
		alloc_problem_add_preference(prob, p, 1, 2);
	}
	res = solve_ok(prob);
	/* without the limit: 4/0/0 */
	assert_objective(res, "4/0/2");
	pl = alloc_result_placements(res, &n);
	for (size_t i = 0; i < n; i++)
		in0 += pl[i].session == 0;
	g_assert_cmpuint(in0, ==, 2);
}

/* Three of one organisation want a session whose org limit is one. */
static void
test_org_limit(void)
{
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autoptr(AllocResult) res = NULL;

	alloc_problem_add_slot(prob);
	alloc_problem_add_session(prob, 0, 10, 10, 1);
	for (guint p = 0; p < 3; p++) {
		alloc_problem_add_participant(prob, 1, 7, 1);
		alloc_problem_add_preference(prob, p, 0, 1);
	}
	alloc_problem_add_participant(prob, 1, 8, 1);
	alloc_problem_add_preference(prob, 3, 0, 1);
	res = solve_ok(prob);
	/* without the limit: 4/0/0 */
	assert_objective(res, "2/2/0");
	g_assert_true(has(res, 3, 0));
	g_assert_true(has(res, 0, 0));
}

/* Capacity and max_sessions, with tier 2 deciding who gets the seat. */
static void
test_capacity_and_nowhere(void)
{
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autoptr(AllocResult) res = NULL;

	alloc_problem_add_slot(prob);
	alloc_problem_add_slot(prob);
	alloc_problem_add_session(prob, 0, 1, 1, 1);
	alloc_problem_add_session(prob, 1, 1, 1, 1);
	/* p0 wants both, p1 only session 1 (its rank 2): the optimum gives
	 * p1 a seat even though p0 would pay less for it */
	alloc_problem_add_participant(prob, 0, 0, 2);
	alloc_problem_add_participant(prob, 1, 1, 1);
	alloc_problem_add_preference(prob, 0, 0, 1);
	alloc_problem_add_preference(prob, 0, 1, 2);
	alloc_problem_add_preference(prob, 1, 0, 2);
	alloc_problem_add_preference(prob, 1, 1, 1);
	res = solve_ok(prob);
	assert_objective(res, "2/0/0");
	g_assert_true(has(res, 0, 0));
	g_assert_true(has(res, 1, 1));
}

static AllocProblem *
pin_problem(void)
{
	AllocProblem *prob = alloc_problem_new();

	alloc_problem_add_slot(prob);
	alloc_problem_add_slot(prob);
	alloc_problem_add_session(prob, 0, 2, 2, 2);
	alloc_problem_add_session(prob, 0, 2, 2, 2);
	alloc_problem_add_session(prob, 1, 2, 2, 2);
	for (guint p = 0; p < 3; p++) {
		alloc_problem_add_participant(prob, p % 2, p, 2);
		alloc_problem_add_preference(prob, p, 0, 1);
		alloc_problem_add_preference(prob, p, 2, 2);
	}
	return prob;
}

static void
test_pins(void)
{
	g_autoptr(AllocProblem) prob = pin_problem();
	g_autoptr(AllocResult) res = NULL;
	size_t n;
	const AllocPlacement *pl;

	/* p0 pinned to session 1, which they did not rank: without pins
	 * they would be in session 0 */
	alloc_problem_add_pin(prob, 0, 1);
	res = solve_ok(prob);
	g_assert_true(has(res, 0, 1));
	g_assert_false(has(res, 0, 0));
	g_assert_cmpuint(alloc_result_stats(res)->pinned, ==, 1);
	pl = alloc_result_placements(res, &n);
	for (size_t i = 0; i < n; i++)
		if (pl[i].participant == 0 && pl[i].session == 1)
			g_assert_true(pl[i].pinned);
	/* p1 and p2 take session 0; two of the three session 2 */
	assert_objective(res, "5/0/2");
}

static void
test_bans(void)
{
	g_autoptr(AllocProblem) prob = pin_problem();
	g_autoptr(AllocResult) res = NULL;

	alloc_problem_add_ban(prob, 1, 0);
	res = solve_ok(prob);
	/* without the ban p1 would be in session 0 (rank 1) */
	g_assert_false(has(res, 1, 0));
	g_assert_true(has(res, 1, 2));
}

static void
assert_pin_error(AllocProblem *prob, const char *needle)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(AllocResult) res = alloc_solve(prob, NULL, NULL, &error);

	g_assert_null(res);
	g_assert_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EPIN);
	if (strstr(error->message, needle) == NULL)
		g_error("\"%s\" lacks \"%s\"", error->message, needle);
}

static void
test_pin_errors(void)
{
	{
		g_autoptr(AllocProblem) prob = pin_problem();

		alloc_problem_add_pin(prob, 0, 0);
		alloc_problem_add_pin(prob, 0, 1);
		assert_pin_error(prob,
		    "participant 0 is pinned to sessions 0 "
		    "and 1, both in slot 0");
	}
	{
		g_autoptr(AllocProblem) prob = pin_problem();

		/* capacity 2, three pins */
		for (guint p = 0; p < 3; p++)
			alloc_problem_add_pin(prob, p, 2);
		assert_pin_error(prob,
		    "session 2 has 3 pinned participants "
		    "for 2 seats (participants 0, 1, 2)");
	}
	{
		g_autoptr(AllocProblem) prob = pin_problem();

		alloc_problem_add_ban(prob, 2, 1);
		alloc_problem_add_pin(prob, 2, 1);
		assert_pin_error(prob,
		    "participant 2 is both pinned to and "
		    "banned from session 1");
	}
	{
		g_autoptr(AllocProblem) prob = alloc_problem_new();

		alloc_problem_add_slot(prob);
		alloc_problem_add_session(prob, 0, 9, 9, 1);
		alloc_problem_add_participant(prob, 0, 3, 1);
		alloc_problem_add_participant(prob, 0, 3, 1);
		alloc_problem_add_pin(prob, 0, 0);
		alloc_problem_add_pin(prob, 1, 0);
		assert_pin_error(prob, "organisation 3");
	}
	{
		g_autoptr(AllocProblem) prob = pin_problem();

		alloc_problem_add_participant(prob, 0, 9, 0);
		alloc_problem_add_pin(prob, 3, 2);
		assert_pin_error(prob,
		    "participant 3 is pinned to 1 sessions "
		    "but takes at most 0");
	}
}

/* Two allocations tie on tiers 1-3; the keep tier picks the published. */
static void
test_keep_tier(void)
{
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autoptr(AllocResult) res = NULL;

	alloc_problem_add_slot(prob);
	alloc_problem_add_session(prob, 0, 1, 1, 1);
	alloc_problem_add_session(prob, 0, 1, 1, 1);
	for (guint p = 0; p < 2; p++) {
		alloc_problem_add_participant(prob, p, p, 1);
		alloc_problem_add_preference(prob, p, 0, 1);
		alloc_problem_add_preference(prob, p, 1, 2);
	}
	alloc_problem_add_previous(prob, 0, 1);
	alloc_problem_add_previous(prob, 1, 0);
	for (guint bonus = 0; bonus < 2; bonus++) {
		g_autoptr(AllocResult) r = NULL;

		alloc_problem_set_keep_bonus(prob, bonus);
		r = solve_ok(prob);
		assert_objective(r, "2/0/1");
		if (bonus)
			g_assert_cmpuint(alloc_result_stats(r)->kept, ==, 2);
	}
	/* the keep tier never costs rank: p1 prefers session 0 */
	alloc_problem_add_participant(prob, 2, 2, 1);
	alloc_problem_set_keep_bonus(prob, 1);
	res = solve_ok(prob);
	assert_objective(res, "2/0/1");
}

static void
test_bad_ids(void)
{
	g_autoptr(AllocProblem) prob = pin_problem();
	g_autoptr(GError) error = NULL;
	g_autoptr(AllocResult) res = NULL;

	alloc_problem_add_preference(prob, 0, 0, 3);
	res = alloc_solve(prob, NULL, NULL, &error);
	g_assert_null(res);
	g_assert_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EDUPLICATE);
	g_clear_error(&error);
	{
		g_autoptr(AllocProblem) p2 = pin_problem();

		alloc_problem_add_preference(p2, 0, 1, 6);
		g_assert_null(alloc_solve(p2, NULL, NULL, &error));
		g_assert_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL);
		g_clear_error(&error);
	}
	{
		g_autoptr(AllocProblem) p3 = pin_problem();

		alloc_problem_add_participant(p3, 1, 0,
		    1); /* org 0 is sector 0 */
		g_assert_null(alloc_solve(p3, NULL, NULL, &error));
		g_assert_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EINVAL);
	}
}

/* ---- brute force ---------------------------------------------------- */

struct bf {
	guint n_part, n_sess, n_slots;
	guint slot[6], cap[6], msec[6], morg[6];
	guint sector[6], org[6], maxs[6];
	guint kp[20], ks[20], kr[20]; /* preferences */
	guint nk;
	bool pin[6][6], ban[6][6], prev[6][6];
};

static void
bf_random(struct bf *b, GRand *r)
{
	memset(b, 0, sizeof(*b));
	b->n_slots = g_rand_int_range(r, 1, 4);
	b->n_sess = g_rand_int_range(r, b->n_slots, 6);
	b->n_part = g_rand_int_range(r, 1, 7);
	for (guint s = 0; s < b->n_sess; s++) {
		b->slot[s] = s < b->n_slots ?
		    s :
		    (guint)g_rand_int_range(r, 0, b->n_slots);
		b->cap[s] = g_rand_int_range(r, 0, 4);
		b->msec[s] = g_rand_int_range(r, 0, 4);
		b->morg[s] = g_rand_int_range(r, 0, 3);
	}
	for (guint p = 0; p < b->n_part; p++) {
		b->sector[p] = g_rand_int_range(r, 0, 2);
		b->org[p] = 2 * g_rand_int_range(r, 0, 2) + b->sector[p];
		b->maxs[p] = g_rand_int_range(r, 1, b->n_slots + 1);
		for (guint s = 0, rank = 1; s < b->n_sess && b->nk < 16; s++) {
			if (!g_rand_boolean(r))
				continue;
			b->kp[b->nk] = p;
			b->ks[b->nk] = s;
			b->kr[b->nk++] = rank++;
		}
	}
	for (guint p = 0; p < b->n_part; p++)
		for (guint s = 0; s < b->n_sess; s++) {
			guint x = g_rand_int_range(r, 0, 40);

			b->pin[p][s] = x == 0;
			b->ban[p][s] = x == 1;
			b->prev[p][s] = x >= 30;
		}
}

/* Best (placed, -nowhere, -cost, kept) by enumeration; false if none. */
static bool
bf_solve(const struct bf *b, bool keep, gint64 best[4])
{
	bool found = false;

	for (guint mask = 0; mask < (1u << b->nk); mask++) {
		bool in[6][6] = { { false } };
		guint np[6] = { 0 }, ns[6] = { 0 };
		gint64 v[4] = { 0 };
		bool ok = true;

		for (guint k = 0; k < b->nk; k++)
			if (mask & (1u << k)) {
				if (b->ban[b->kp[k]][b->ks[k]])
					ok = false;
				in[b->kp[k]][b->ks[k]] = true;
				v[2] -= (gint64)b->kr[k] * (b->kr[k] - 1) / 2;
			}
		for (guint p = 0; p < b->n_part; p++)
			for (guint s = 0; s < b->n_sess; s++)
				if (b->pin[p][s])
					in[p][s] = true;
		/* a pinned pref chosen in the mask is counted twice: skip
		 * masks that choose pinned prefs (the pin adds it) */
		for (guint k = 0; k < b->nk; k++)
			if ((mask & (1u << k)) && b->pin[b->kp[k]][b->ks[k]])
				ok = false;
		if (!ok)
			continue;
		for (guint k = 0; k < b->nk; k++)
			if (!(mask & (1u << k)) && b->pin[b->kp[k]][b->ks[k]])
				v[2] -= (gint64)b->kr[k] * (b->kr[k] - 1) / 2;
		for (guint p = 0; p < b->n_part && ok; p++) {
			guint slots[6] = { 0 };

			for (guint s = 0; s < b->n_sess; s++) {
				if (!in[p][s])
					continue;
				np[p]++;
				ns[s]++;
				if (++slots[b->slot[s]] > 1)
					ok = false;
				if (keep && b->prev[p][s])
					v[3]++;
			}
			if (np[p] > b->maxs[p])
				ok = false;
		}
		for (guint s = 0; s < b->n_sess && ok; s++) {
			guint sec[2] = { 0 }, org[4] = { 0 };

			if (ns[s] > b->cap[s])
				ok = false;
			for (guint p = 0; p < b->n_part; p++)
				if (in[p][s]) {
					sec[b->sector[p]]++;
					org[b->org[p]]++;
				}
			for (guint i = 0; i < 2; i++)
				ok = ok && sec[i] <= b->msec[s];
			for (guint i = 0; i < 4; i++)
				ok = ok && org[i] <= b->morg[s];
		}
		if (!ok)
			continue;
		for (guint p = 0; p < b->n_part; p++) {
			bool wants = false;

			v[0] += np[p];
			for (guint s = 0; s < b->n_sess; s++)
				wants = wants || b->pin[p][s];
			for (guint k = 0; k < b->nk; k++)
				wants = wants ||
				    (b->kp[k] == p && !b->ban[p][b->ks[k]]);
			if (wants && np[p] == 0)
				v[1]--;
		}
		if (!found || v[0] > best[0] ||
		    (v[0] == best[0] &&
		        (v[1] > best[1] ||
		            (v[1] == best[1] &&
		                (v[2] > best[2] ||
		                    (v[2] == best[2] && v[3] > best[3])))))) {
			memcpy(best, v, sizeof(v));
			found = true;
		}
	}
	return found;
}

static void
test_brute_force(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(20261126);
	guint checked = 0, pinned = 0;

	for (guint iter = 0; iter < 1500; iter++) {
		struct bf b;
		g_autoptr(AllocProblem) prob = alloc_problem_new();
		g_autoptr(AllocResult) res = NULL;
		g_autoptr(GError) error = NULL;
		gint64 best[4] = { 0 };
		bool keep = iter % 2;
		bool feasible;
		const AllocStats *st;

		bf_random(&b, r);
		for (guint t = 0; t < b.n_slots; t++)
			alloc_problem_add_slot(prob);
		for (guint s = 0; s < b.n_sess; s++)
			alloc_problem_add_session(prob, b.slot[s], b.cap[s],
			    b.msec[s], b.morg[s]);
		for (guint p = 0; p < b.n_part; p++)
			alloc_problem_add_participant(prob, b.sector[p],
			    b.org[p], b.maxs[p]);
		for (guint k = 0; k < b.nk; k++)
			alloc_problem_add_preference(prob, b.kp[k], b.ks[k],
			    b.kr[k]);
		for (guint p = 0; p < b.n_part; p++)
			for (guint s = 0; s < b.n_sess; s++) {
				if (b.pin[p][s])
					alloc_problem_add_pin(prob, p, s);
				if (b.ban[p][s])
					alloc_problem_add_ban(prob, p, s);
				if (b.prev[p][s])
					alloc_problem_add_previous(prob, p, s);
			}
		alloc_problem_set_keep_bonus(prob, keep);
		feasible = bf_solve(&b, keep, best);
		res = alloc_solve(prob, NULL, NULL, &error);
		if (!feasible) {
			/* only pins can make a problem infeasible */
			g_assert_error(error, SUMMIT_ALLOC_ERROR, ALLOC_EPIN);
			continue;
		}
		g_assert_no_error(error);
		st = alloc_result_stats(res);
		g_assert_cmpint((gint64)st->placed, ==, best[0]);
		g_assert_cmpint(-(gint64)st->nowhere, ==, best[1]);
		g_assert_cmpint(-(gint64)st->cost, ==, best[2]);
		if (keep)
			g_assert_cmpint((gint64)st->kept, ==, best[3]);
		checked++;
		pinned += st->pinned > 0;
	}
	g_assert_cmpuint(checked, >, 1000);
	g_assert_cmpuint(pinned, >, 100);
}

/* Same problem, same placements and tables, whatever the run. */
static void
test_determinism(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(7);
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autoptr(AllocResult) a = NULL;
	g_autoptr(AllocResult) b = NULL;
	const AllocPlacement *pa, *pb;
	size_t na, nb;

	for (guint t = 0; t < 3; t++)
		alloc_problem_add_slot(prob);
	for (guint s = 0; s < 12; s++) {
		guint s2 = alloc_problem_add_session(prob, s % 3, 30, 15, 2);

		alloc_problem_set_tables(prob, s2, 0, 6);
	}
	for (guint p = 0; p < 400; p++) {
		guint sec = g_rand_int_range(r, 0, 5);

		alloc_problem_add_participant(prob, sec,
		    sec * 100 + g_rand_int_range(r, 0, 40),
		    g_rand_int_range(r, 1, 4));
		for (guint k = 1, s = g_rand_int_range(r, 0, 12); k <= 5;
		     k++, s = (s + 1 + g_rand_int_range(r, 0, 2)) % 12)
			alloc_problem_add_preference(prob, p, s, k);
	}
	a = solve_ok(prob);
	b = solve_ok(prob);
	pa = alloc_result_placements(a, &na);
	pb = alloc_result_placements(b, &nb);
	g_assert_cmpuint(na, ==, nb);
	g_assert_cmpmem(pa, na * sizeof(*pa), pb, nb * sizeof(*pb));
	g_assert_cmpfloat(alloc_result_stats(a)->worst_table_share, <=, 1.0);
	for (size_t i = 0; i < na; i++) {
		g_assert_cmpuint(pa[i].table, >=, 1);
		g_assert_cmpuint(pa[i].table, <=, 5);
		if (i > 0)
			g_assert_true(
			    pa[i - 1].participant < pa[i].participant ||
			    (pa[i - 1].participant == pa[i].participant &&
			        pa[i - 1].session < pa[i].session));
	}
}

/* Tables: a sector of 6 over 3 tables gives 2 each. */
static void
test_tables(void)
{
	g_autoptr(AllocProblem) prob = alloc_problem_new();
	g_autoptr(AllocResult) res = NULL;
	guint at[4][2] = { { 0 } };
	size_t n;
	const AllocPlacement *pl;

	alloc_problem_add_slot(prob);
	alloc_problem_add_session(prob, 0, 12, 12, 12);
	alloc_problem_set_tables(prob, 0, 3, 0);
	for (guint p = 0; p < 12; p++) {
		alloc_problem_add_participant(prob, p < 6 ? 0 : 1,
		    p < 6 ? 0 : 1, 1);
		alloc_problem_add_preference(prob, p, 0, 1);
	}
	res = solve_ok(prob);
	pl = alloc_result_placements(res, &n);
	g_assert_cmpuint(n, ==, 12);
	for (size_t i = 0; i < n; i++)
		at[pl[i].table][pl[i].participant < 6 ? 0 : 1]++;
	for (guint t = 1; t <= 3; t++) {
		g_assert_cmpuint(at[t][0], ==, 2);
		g_assert_cmpuint(at[t][1], ==, 2);
	}
	g_assert_cmpfloat(alloc_result_stats(res)->worst_table_share, ==, 0.5);
}

/* ---- the instance reader ------------------------------------------- */

static const char *good[][2] = {
	{ "slots.csv", "slot_id,label\n0,a\n1,b\n" },
	{ "sessions.csv",
	    "session_id,slot_id,capacity,max_per_sector,"
	    "max_per_org,extra\n0,0,5,3,2,x\n1,1,5,3,2,y\n" },
	{ "participants.csv",
	    "participant_id,sector,org_id,max_sessions\r\n"
	    "0,business,0,2\r\n1,union,1,1\r\n" },
	{ "preferences.csv",
	    "participant_id,rank,session_id\n0,1,0\n0,2,1\n"
	    "\n1,1,1\n" },
};

static char *
write_instance(const char *file, const char *text)
{
	g_autoptr(GError) error = NULL;
	char *dir = g_dir_make_tmp("alloc-XXXXXX", &error);

	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autofree char *path = g_build_filename(dir, good[i][0], NULL);
		const char *t = good[i][1];

		if (file != NULL && strcmp(file, good[i][0]) == 0)
			t = text;
		if (t != NULL)
			g_file_set_contents(path, t, -1, &error);
		g_assert_no_error(error);
	}
	return dir;
}

static void
remove_instance(const char *dir)
{
	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autofree char *path = g_build_filename(dir, good[i][0], NULL);

		g_unlink(path);
	}
	g_rmdir(dir);
}

static void
test_read_good(void)
{
	g_autofree char *dir = write_instance(NULL, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(AllocProblem) prob = instance_read(dir, &error);
	g_autoptr(AllocResult) res = NULL;

	g_assert_no_error(error);
	g_assert_cmpuint(alloc_problem_n_participants(prob), ==, 2);
	res = solve_ok(prob);
	assert_objective(res, "3/0/1");
	remove_instance(dir);
}

/* A last line without '\n' (found by fuzz_instance: a header-only
 * preferences.csv without one reserved 32 GB and aborted). */
static void
test_read_no_final_newline(void)
{
	g_autofree char *dir = write_instance("preferences.csv",
	    "participant_id,rank,session_id");
	g_autoptr(GError) error = NULL;
	g_autoptr(AllocProblem) prob = instance_read(dir, &error);

	g_assert_no_error(error);
	g_assert_cmpuint(alloc_problem_n_participants(prob), ==, 2);
	remove_instance(dir);
}

static void
test_read_bad(void)
{
	static const struct {
		const char *file, *text, *want;
		enum instance_err code;
	} cases[] = {
		{ "slots.csv", NULL, "slots.csv: ", INSTANCE_EIO },
		{ "sessions.csv", "session_id,slot_id,capacity,max_per_org\n",
		    "sessions.csv:1: missing column \"max_per_sector\"",
		    INSTANCE_EFORMAT },
		{ "sessions.csv",
		    "session_id,slot_id,capacity,max_per_sector,"
		    "max_per_org\n0,0,-5,3,2\n",
		    "sessions.csv:2: field "
		    "\"capacity\": -5 is negative",
		    INSTANCE_EFORMAT },
		{ "sessions.csv",
		    "session_id,slot_id,capacity,max_per_sector,"
		    "max_per_org\n0,7,5,3,2\n",
		    "sessions.csv:2: field "
		    "\"slot_id\": unknown slot 7",
		    INSTANCE_EID },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,0,2\n0,union,1,1\n",
		    "participants.csv:3: field \"participant_id\": duplicate id 0",
		    INSTANCE_EID },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,zero,2\n",
		    "participants.csv:2: "
		    "field \"org_id\": \"zero\" is not an integer",
		    INSTANCE_EFORMAT },
		{ "preferences.csv", "participant_id,rank,session_id\n0,6,0\n",
		    "preferences.csv:2: field \"rank\": 6 is out of range",
		    INSTANCE_EFORMAT },
		{ "preferences.csv",
		    "participant_id,rank,session_id\n0,1,0\n"
		    "0,2,9\n",
		    "preferences.csv:3: field \"session_id\": unknown "
		    "session 9",
		    INSTANCE_EID },
		{ "preferences.csv",
		    "participant_id,rank,session_id\n0,1,0\n"
		    "5,1,0\n",
		    "preferences.csv:3: field \"participant_id\": "
		    "unknown participant 5",
		    INSTANCE_EID },
		{ "preferences.csv",
		    "participant_id,rank,session_id\n0,1,0\n"
		    "0,2,0\n",
		    "preferences.csv:3: field \"session_id\": "
		    "participant 0 ranks session 0 twice",
		    INSTANCE_EID },
		{ "preferences.csv",
		    "participant_id,rank,session_id\n0,1,0\n"
		    "0,1,1\n",
		    "preferences.csv:3: field \"rank\": participant 0 "
		    "has rank 1 twice",
		    INSTANCE_EFORMAT },
		{ "preferences.csv", "participant_id,rank,session_id\n0,1\n",
		    "preferences.csv:2: missing field \"session_id\"",
		    INSTANCE_EFORMAT },
		{ "preferences.csv", "", "preferences.csv:1: empty file",
		    INSTANCE_EFORMAT },
		/* the integer parser: overflow, empty, a lone sign, junk */
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,99999999999999999999,2\n",
		    "participants.csv:2: field \"org_id\": "
		    "\"99999999999999999999\" is not an integer",
		    INSTANCE_EFORMAT },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,9223372036854775808,2\n",
		    "\"9223372036854775808\" is not an integer",
		    INSTANCE_EFORMAT },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,9223372036854775807,2\n",
		    "participants.csv:2: field \"org_id\": 9223372036854775807 "
		    "is out of range",
		    INSTANCE_EFORMAT },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,-9223372036854775808,2\n",
		    "-9223372036854775808 is negative", INSTANCE_EFORMAT },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,,2\n",
		    "participants.csv:2: "
		    "field \"org_id\": \"\" is not an integer",
		    INSTANCE_EFORMAT },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,-,2\n",
		    "\"-\" is not an integer", INSTANCE_EFORMAT },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,1 ,2\n",
		    "\"1 \" is not an integer", INSTANCE_EFORMAT },
		{ "participants.csv",
		    "participant_id,sector,org_id,"
		    "max_sessions\n0,business,0x1,2\n",
		    "\"0x1\" is not an integer", INSTANCE_EFORMAT },
		{ "sessions.csv",
		    "session_id,slot_id,capacity,max_per_sector,"
		    "max_per_org\n0,0,+5,3,-0\n1,0,4294967296,3,2\n",
		    "sessions.csv:3: field \"capacity\": 4294967296 is out of "
		    "range",
		    INSTANCE_EFORMAT },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *dir = write_instance(cases[i].file,
		    cases[i].text);
		g_autoptr(GError) error = NULL;
		g_autoptr(AllocProblem) prob = instance_read(dir, &error);

		g_assert_null(prob);
		g_assert_error(error, SUMMIT_INSTANCE_ERROR,
		    (gint)cases[i].code);
		if (strstr(error->message, cases[i].want) == NULL)
			g_error("case %u: \"%s\" lacks \"%s\"", i,
			    error->message, cases[i].want);
		remove_instance(dir);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/alloc/slot-rule", test_slot_rule);
	g_test_add_func("/alloc/sector-limit", test_sector_limit);
	g_test_add_func("/alloc/org-limit", test_org_limit);
	g_test_add_func("/alloc/capacity-nowhere", test_capacity_and_nowhere);
	g_test_add_func("/alloc/pins", test_pins);
	g_test_add_func("/alloc/bans", test_bans);
	g_test_add_func("/alloc/pin-errors", test_pin_errors);
	g_test_add_func("/alloc/keep-tier", test_keep_tier);
	g_test_add_func("/alloc/bad-ids", test_bad_ids);
	g_test_add_func("/alloc/brute-force", test_brute_force);
	g_test_add_func("/alloc/determinism", test_determinism);
	g_test_add_func("/alloc/tables", test_tables);
	g_test_add_func("/instance/read-good", test_read_good);
	g_test_add_func("/instance/read-bad", test_read_bad);
	g_test_add_func("/instance/read-no-final-newline",
	    test_read_no_final_newline);
	return g_test_run();
}
