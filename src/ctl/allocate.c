/*
 * allocate.c -- summitctl allocate: solve an allocation problem.
 *
 * With --instance DIR it reads the CSV instance format
 * (shared/alloc/FORMAT.md), solves it exactly (or with the
 * first-come-first-served baseline, --greedy), writes the placements with
 * --out and prints the figures, as text or --json.  A run that takes more
 * than a second shows its progress on stderr: one line updated in place on
 * a terminal, plain lines otherwise.  Without --instance the event in the
 * database is allocated instead, through app/ (allocate_db.c).
 *
 * The steps are separate functions (allocate_instance_problem,
 * allocate_run, allocate_print).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "alloc/alloc.h"
#include "ctl/ctl.h"
#include "instance/instance.h"

struct progress {
	gint64 start; /* monotonic microseconds */
	gint64 last;  /* last line printed */
	bool tty;
	bool shown;
	const char *stage;
};

static void
progress_show(struct progress *pg, double done)
{
	gint64 now = g_get_monotonic_time();

	if (now - pg->start < G_USEC_PER_SEC)
		return;
	if (!pg->tty && pg->shown && now - pg->last < G_USEC_PER_SEC)
		return;
	if (done >= 0)
		fprintf(stderr, "%sallocate: %s %3.0f%% (%.1f s)%s",
		    pg->tty ? "\r" : "", pg->stage, 100.0 * done,
		    (double)(now - pg->start) / G_USEC_PER_SEC,
		    pg->tty ? "\033[K" : "\n");
	else
		fprintf(stderr, "%sallocate: %s (%.1f s)%s",
		    pg->tty ? "\r" : "", pg->stage,
		    (double)(now - pg->start) / G_USEC_PER_SEC,
		    pg->tty ? "\033[K" : "\n");
	fflush(stderr);
	pg->last = now;
	pg->shown = true;
}

static void
progress_stage(struct progress *pg, const char *stage)
{
	pg->stage = stage;
	progress_show(pg, -1);
}

static void
progress_done(struct progress *pg)
{
	if (pg->shown && pg->tty)
		fputc('\n', stderr);
}

static void
on_progress(double done, gpointer user_data)
{
	progress_show(user_data, done);
}

/* Solves prob exactly or greedily; *seconds gets the solve time. */
static AllocResult *
allocate_run(const AllocProblem *prob, bool greedy, struct progress *pg,
    double *seconds, GError **error)
{
	gint64 t0 = g_get_monotonic_time();
	AllocResult *res;

	progress_stage(pg, "solving");
	if (greedy)
		res = alloc_solve_greedy(prob, error);
	else
		res = alloc_solve(prob, on_progress, pg, error);
	*seconds = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	return res;
}

/* Prints the figures of res on stdout. */
static void
allocate_print(const AllocResult *res, bool json, double seconds)
{
	g_autofree char *text = alloc_stats_format(alloc_result_stats(res),
	    json, seconds);

	fputs(text, stdout);
	fflush(stdout);
}

static bool
allocate_has_instance(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--instance") == 0 ||
		    g_str_has_prefix(argv[i], "--instance="))
			return true;
	return false;
}

int
ctl_allocate(int argc, char **argv, const char *config_path)
{
	g_autofree char *instance = NULL;
	g_autofree char *out = NULL;
	g_autofree char *previous = NULL;
	gboolean json = FALSE, greedy = FALSE;
	gint keep_bonus = -1;
	GOptionEntry entries[] = { { "instance", 0, 0, G_OPTION_ARG_FILENAME,
		                       &instance,
		                       "solve the CSV instance in DIR", "DIR" },
		{ "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
		    "write the placements to FILE (participant_id,session_id)",
		    "FILE" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		    "print the figures as JSON", NULL },
		{ "previous", 0, 0, G_OPTION_ARG_FILENAME, &previous,
		    "the published placements (an assignments file)", "FILE" },
		{ "keep-bonus", 0, 0, G_OPTION_ARG_INT, &keep_bonus,
		    "keep published placements when the seats, the people "
		    "served and the rank cost allow it (0 = off; default 1 "
		    "with --previous)",
		    "N" },
		{ "greedy", 0, 0, G_OPTION_ARG_NONE, &greedy,
		    "first-come-first-served baseline instead of the optimum",
		    NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL } };
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "- place participants in sessions");
	g_autoptr(GError) error = NULL;
	g_autoptr(AllocProblem) prob = NULL;
	g_autoptr(AllocResult) res = NULL;
	struct progress pg = { 0 };
	double seconds = 0;

	/* Without --instance, the event in the database is allocated. */
	if (!allocate_has_instance(argc, argv))
		return ctl_allocate_db(argc, argv, config_path);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "summitctl allocate: %s\n", error->message);
		return 1;
	}
	if (argc > 1) {
		fprintf(stderr,
		    "summitctl allocate: unexpected argument "
		    "\"%s\"\n",
		    argv[1]);
		return 1;
	}
	if (keep_bonus < -1) {
		fprintf(stderr,
		    "summitctl allocate: --keep-bonus must not be "
		    "negative\n");
		return 1;
	}
	pg.start = g_get_monotonic_time();
	pg.tty = isatty(fileno(stderr));
	progress_stage(&pg, "reading");
	prob = instance_read(instance, &error);
	if (prob != NULL && previous != NULL &&
	    !instance_read_previous(prob, previous, &error))
		g_clear_pointer(&prob, alloc_problem_free);
	if (prob == NULL) {
		progress_done(&pg);
		fprintf(stderr, "summitctl allocate: %s: %s\n", instance,
		    error->message);
		return 1;
	}
	if (keep_bonus < 0)
		keep_bonus = previous != NULL ? 1 : 0;
	alloc_problem_set_keep_bonus(prob, (guint)keep_bonus);

	res = allocate_run(prob, greedy, &pg, &seconds, &error);
	if (res == NULL) {
		progress_done(&pg);
		fprintf(stderr, "summitctl allocate: %s\n", error->message);
		return 1;
	}
	if (out != NULL) {
		progress_stage(&pg, "writing");
		if (!instance_write_assignments(out, res, &error)) {
			progress_done(&pg);
			fprintf(stderr, "summitctl allocate: %s\n",
			    error->message);
			return 1;
		}
	}
	progress_done(&pg);
	allocate_print(res, json, seconds);
	return 0;
}
