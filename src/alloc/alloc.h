/*
 * alloc.h -- the allocation model and its exact solver.
 *
 * Pure computation: no I/O, no globals, no database.  A caller builds an
 * AllocProblem (slots, sessions, participants, ranked preferences, pins,
 * bans, previously published placements), calls alloc_solve() and reads
 * the placements and figures from the AllocResult.  Ids are dense and
 * 0-based: each alloc_problem_add_*() returns the next id.
 *
 * THE OBJECTIVE (exact; DESIGN.md "The allocation model", FORMAT.md)
 *
 * An allocation is a set of (participant, session) pairs that contains
 * every pin and no ban, where each non-pinned pair was ranked by its
 * participant, each participant holds at most one session per slot and at
 * most max_sessions sessions, and each session holds at most capacity
 * participants, at most max_per_sector of one sector and at most
 * max_per_org of one organisation.  Among all allocations alloc_solve()
 * returns one that is lexicographically best in four tiers:
 *
 *   1. maximise placed  = number of pairs (seats given, pins included);
 *   2. minimise nowhere = participants with wanted(p) >= 1 and no pair,
 *      where wanted(p) = min(max_sessions(p), number of distinct slots
 *      among p's pinned sessions and p's ranked, non-banned sessions);
 *   3. minimise cost    = sum of rank_cost[rank - 1] over ranked pairs
 *      (default 0, 1, 3, 6, 10; pinned pairs count at their rank, if
 *      ranked, and cost nothing otherwise);
 *   4. only when keep_bonus > 0: maximise kept = number of previously
 *      published pairs (alloc_problem_add_previous) still in the result.
 *
 * Tier 4 sits strictly below tier 3, so a re-run with a keep-bonus is just
 * as good by tiers 1-3 as one without it (the same objective string) and,
 * among those equally good allocations, moves as few published
 * placements as possible.  Any positive keep_bonus gives the same result;
 * 0 turns tier 4 off.
 *
 * With no pins and bans tiers 1-3 are exactly FORMAT.md's objective, and
 * the figures equal those of shared/alloc/verify.py.
 *
 * The solver is a min-cost flow on the network of DESIGN.md, contracted as
 * FORMAT.md describes, with integral weights chosen so that no residual
 * cycle can trade a lower tier for a higher one (see solve.c).  After the
 * flow, participants are seated at tables in each session so that every
 * table mixes sectors and organisations as evenly as the numbers allow.
 * The same problem always gives the same result, placement for placement.
 */
#ifndef SUMMIT_ALLOC_H
#define SUMMIT_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#define ALLOC_MAX_RANK 5         /* ranks are 1..ALLOC_MAX_RANK */
#define ALLOC_MAX_RANK_COST 1000 /* rank costs are 0..this */

#define SUMMIT_ALLOC_ERROR (alloc_error_quark())
GQuark alloc_error_quark(void);

enum alloc_err {
	ALLOC_OK = 0,
	ALLOC_EINVAL,     /* an unknown id, a rank or parameter out of range */
	ALLOC_EDUPLICATE, /* a participant ranked a session twice */
	ALLOC_EPIN,       /* pins that cannot all be honoured */
	ALLOC_ETOOBIG,    /* weights would not fit in 64-bit integers */
	ALLOC__MAX
};

typedef struct alloc_problem AllocProblem;
typedef struct alloc_result AllocResult;

/* One seat in the result. */
typedef struct alloc_placement {
	guint participant;
	guint session;
	guint table; /* 1..tables of the session */
	guint rank;  /* 1..ALLOC_MAX_RANK, 0 for an unranked pin */
	bool pinned;
	bool kept; /* also a previously published placement */
} AllocPlacement;

/* The figures of a result; percentages are derived by the printers. */
typedef struct alloc_stats {
	size_t participants;
	size_t placed;       /* tier 1 */
	size_t nowhere;      /* tier 2 */
	guint64 cost;        /* tier 3 */
	size_t first_choice; /* participants placed in their rank-1 session */
	size_t all_wanted;   /* participants holding exactly wanted(p) seats */
	size_t rank_hist[ALLOC_MAX_RANK]; /* seats at rank 1..5 */
	size_t pinned;                    /* pins honoured (all of them) */
	size_t previous;                  /* published placements given */
	size_t kept;                      /* of them, still in the result */
	double worst_table_share; /* largest sector share at any table, 0..1 */
	guint phases;             /* shortest-path rounds the solver took */
	bool greedy;              /* made by alloc_solve_greedy() */
} AllocStats;

/*
 * Progress report, called by alloc_solve() between rounds: done is a
 * fraction in 0..1 of the seats that can at most be given.
 */
typedef void (*AllocProgressFunc)(double done, gpointer user_data);

/* Building a problem.  The problem owns everything added to it. */
AllocProblem *alloc_problem_new(void);
void alloc_problem_free(AllocProblem *prob);
/* Size hints, to spare reallocations; never required. */
void alloc_problem_reserve(AllocProblem *prob, size_t participants,
    size_t preferences);
guint alloc_problem_add_slot(AllocProblem *prob);
/* A session of an existing slot; the limits are absolute seat counts. */
guint alloc_problem_add_session(AllocProblem *prob, guint slot, guint capacity,
    guint max_per_sector, guint max_per_org);
/*
 * Tables of a session: tables > 0 gives the count; otherwise, with
 * seats_per_table > 0, ceil(capacity / seats_per_table); otherwise one.
 */
void alloc_problem_set_tables(AllocProblem *prob, guint session, guint tables,
    guint seats_per_table);
/*
 * A participant.  sector and org are small dense indices chosen by the
 * caller; organisations nest in sectors (all members of one org share its
 * sector), and a participant without an organisation gets one of their own.
 */
guint alloc_problem_add_participant(AllocProblem *prob, guint sector, guint org,
    guint max_sessions);
/* A ranked session; checked by alloc_solve(), not here. */
void alloc_problem_add_preference(AllocProblem *prob, guint participant,
    guint session, guint rank);
void alloc_problem_add_pin(AllocProblem *prob, guint participant,
    guint session);
void alloc_problem_add_ban(AllocProblem *prob, guint participant,
    guint session);
/* A placement of the last published allocation (tier 4, and "kept"). */
void alloc_problem_add_previous(AllocProblem *prob, guint participant,
    guint session);
/* costs[rank - 1], each 0..ALLOC_MAX_RANK_COST; default 0, 1, 3, 6, 10. */
void alloc_problem_set_rank_costs(AllocProblem *prob,
    const guint costs[ALLOC_MAX_RANK]);
void alloc_problem_set_keep_bonus(AllocProblem *prob, guint bonus);
guint alloc_problem_n_participants(const AllocProblem *prob);
guint alloc_problem_n_sessions(const AllocProblem *prob);
guint alloc_problem_n_slots(const AllocProblem *prob);

/*
 * Solves prob exactly (the objective above).  Returns a new result
 * (transfer full), or NULL with error set: ALLOC_EINVAL (an unknown id, a
 * rank outside 1..5, an organisation spanning two sectors),
 * ALLOC_EDUPLICATE, ALLOC_EPIN (the message names the pins), or
 * ALLOC_ETOOBIG.  progress may be NULL.  prob is not changed and may be
 * freed once this returns.
 */
AllocResult *alloc_solve(const AllocProblem *prob, AllocProgressFunc progress,
    gpointer user_data, GError **error);
/*
 * The first-come-first-served baseline, for comparison only: pins first,
 * then participants in id order each take, slot by slot, their
 * best-ranked session that still has room under every limit.
 */
AllocResult *alloc_solve_greedy(const AllocProblem *prob, GError **error);

void alloc_result_free(AllocResult *res);
/* Placements sorted by participant, then session (transfer none). */
const AllocPlacement *alloc_result_placements(const AllocResult *res,
    size_t *n);
const AllocStats *alloc_result_stats(const AllocResult *res);

/* "placed/nowhere/cost", FORMAT.md's objective string (transfer full). */
char *alloc_stats_objective(const AllocStats *st);
/*
 * The figures as text lines, or as one JSON object with a final newline
 * (transfer full).  solve_seconds < 0 leaves the time out.
 */
char *alloc_stats_format(const AllocStats *st, bool json, double solve_seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(AllocProblem, alloc_problem_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AllocResult, alloc_result_free)

#endif
