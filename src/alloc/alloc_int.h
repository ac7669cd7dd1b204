/*
 * alloc_int.h -- what the files of src/alloc/ share, and nothing else may
 * include.
 *
 * The problem is kept as flat arrays in the order the caller added things;
 * the solver groups and checks them itself, so building stays cheap.
 */
#ifndef SUMMIT_ALLOC_INT_H
#define SUMMIT_ALLOC_INT_H

#include <stdint.h>
#include "alloc/alloc.h"

struct alloc_session {
	guint slot;
	guint capacity;
	guint max_per_sector;
	guint max_per_org;
	guint tables;
	guint seats_per_table;
};

struct alloc_participant {
	guint sector;
	guint org;
	guint max_sessions;
};

struct alloc_pref {
	guint32 participant;
	guint32 session;
	guint32 rank;
};

struct alloc_pair {
	guint32 participant;
	guint32 session;
};

struct alloc_problem {
	guint n_slots;
	GArray *sessions;     /* struct alloc_session */
	GArray *participants; /* struct alloc_participant */
	GArray *prefs;        /* struct alloc_pref */
	GArray *pins;         /* struct alloc_pair */
	GArray *bans;         /* struct alloc_pair */
	GArray *previous;     /* struct alloc_pair */
	guint rank_cost[ALLOC_MAX_RANK];
	guint keep_bonus;
};

struct alloc_result {
	GArray *placements; /* AllocPlacement */
	AllocStats st;
};

/*
 * The checked problem in participant order, shared by the exact solver and
 * the greedy (model.c).  Arrays are indexed as their comments say.
 */
struct alloc_model {
	const AllocProblem *prob;
	guint n_part, n_sess, n_orgs, n_sectors;
	/* per participant p: prefs at pref_first[p] .. pref_first[p + 1] - 1 */
	guint32 *pref_first;
	struct alloc_pref *pref; /* by participant, then rank */
	guint8 *pref_state;      /* PREF_* of each pref */
	guint32 *pin_first;      /* pins by participant, like pref_first */
	guint32 *pin_sess;       /* pinned session, G_MAXUINT32 if repeated */
	guint8 *pin_rank;        /* its rank if ranked, else 0 */
	guint32 *wanted;         /* wanted(p), the tier-2 definition */
	guint32 *left;           /* max_sessions minus pins, >= 0 */
	/* per session: seats, and limits per sector and org, after pins */
	gint64 *cap_left;
	guint32 *pins_sess_sector; /* [s * n_sectors + sector] */
	guint32 *prev_first;       /* previous placements by participant */
	guint32 *prev_sess;        /* G_MAXUINT32 for a repeated one */
	GHashTable *pin_org; /* (s << 32 | org) -> pins, keys in pin_keys */
	gint64 *pin_keys;
	guint n_prev; /* previous placements given */
	guint n_pins;
};

enum {
	PREF_FREE = 0, /* may be placed */
	PREF_BANNED,   /* banned: never */
	PREF_PINNED,   /* pinned: always, not part of the flow */
	PREF_BLOCKED,  /* its slot is taken by a pin */
};
#define PREF_KEEP 0x80 /* flag: a previously published placement */

/* model.c */
bool alloc_model_init(struct alloc_model *m, const AllocProblem *prob,
    GError **error);
void alloc_model_clear(struct alloc_model *m);
/* Pins in org o of session s (looked up; pins are few). */
guint alloc_model_pins_in_org(const struct alloc_model *m, guint s, guint o);

/*
 * result.c: builds the result from the chosen placements: chosen[k] for
 * each pref k of the model (pins are added by it), then seats tables and
 * computes the figures.
 */
AllocResult *alloc_result_build(const struct alloc_model *m,
    const guint8 *chosen, guint phases, bool greedy);

#endif
