/*
 * fuzz_instance.c -- the allocation instance reader (src/instance/, the
 * CSV format of shared/alloc/FORMAT.md) that summitctl allocate reads.
 *
 * The input holds up to seven files separated by the byte 0x1f: slots.csv,
 * sessions.csv, participants.csv, preferences.csv, then the optional
 * pins.csv, bans.csv (written only when not empty) and a previous
 * assignments file.  They go into a private temporary folder, which
 * instance_read and instance_read_previous read.  A small problem that
 * reads is then solved by the first-come-first-served baseline, which
 * must either refuse it or place nobody twice in one session.
 *
 * Properties: every failure is a SUMMIT_INSTANCE_ERROR; no sanitizer
 * report, leak or timeout on any input.
 */
#include "fuzz.h"
#include "alloc/alloc.h"
#include "instance/instance.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *const names[] = { "slots.csv", "sessions.csv",
	"participants.csv", "preferences.csv", "pins.csv", "bans.csv",
	"previous.csv" };
#define NFILES G_N_ELEMENTS(names)

static char *dir;

static void
cleanup(void)
{
	size_t i;

	for (i = 0; i < NFILES; i++) {
		g_autofree char *p = g_build_filename(dir, names[i], NULL);

		g_unlink(p);
	}
	g_rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dir = fuzz_tmpdir("instance");
	atexit(cleanup);
	return 0;
}

static void
solve_small(const AllocProblem *prob)
{
	g_autoptr(AllocResult) res = NULL;
	const AllocPlacement *pl;
	size_t n, i;

	if (alloc_problem_n_participants(prob) > 64 ||
	    alloc_problem_n_sessions(prob) > 64)
		return;
	res = alloc_solve_greedy(prob, NULL);
	if (res == NULL)
		return;
	pl = alloc_result_placements(res, &n);
	for (i = 1; i < n; i++)
		FUZZ_CHECK(pl[i - 1].participant != pl[i].participant ||
		    pl[i - 1].session != pl[i].session);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_auto(GStrv) f = fuzz_fields(data, size, NFILES);
	g_autoptr(AllocProblem) prob = NULL;
	g_autoptr(GError) error = NULL;
	size_t i;

	for (i = 0; i < NFILES; i++) {
		g_autofree char *p = g_build_filename(dir, names[i], NULL);

		if (i >= 4 && f[i][0] == '\0')
			g_unlink(p);
		else
			fuzz_write_file(p, f[i], strlen(f[i]));
	}
	prob = instance_read(dir, &error);
	if (prob == NULL) {
		FUZZ_CHECK(
		    error != NULL && error->domain == SUMMIT_INSTANCE_ERROR);
		return 0;
	}
	if (f[6][0] != '\0') {
		g_autofree char *p = g_build_filename(dir, names[6], NULL);

		if (!instance_read_previous(prob, p, &error)) {
			FUZZ_CHECK(error != NULL &&
			    error->domain == SUMMIT_INSTANCE_ERROR);
			return 0;
		}
	}
	solve_small(prob);
	return 0;
}
