/*
 * instance.h -- the CSV instance format of shared/alloc/FORMAT.md.
 *
 * Reads an instance folder (slots.csv, sessions.csv, participants.csv,
 * preferences.csv) into an AllocProblem, and writes assignments.csv.
 * Columns are found by header name and extra columns are ignored.
 * Extensions, all optional: a `tables` and a `seats_per_table` column in
 * sessions.csv, and pins.csv and bans.csv (participant_id,session_id) in
 * the folder.  Every error names the file, the line and the field.
 */
#ifndef SUMMIT_INSTANCE_H
#define SUMMIT_INSTANCE_H

#include <stdbool.h>
#include <glib.h>
#include "alloc/alloc.h"

#define SUMMIT_INSTANCE_ERROR (instance_error_quark())
GQuark instance_error_quark(void);

enum instance_err {
	INSTANCE_OK = 0,
	INSTANCE_EIO,     /* a file is missing or cannot be read/written */
	INSTANCE_EFORMAT, /* a missing column, or a value out of range */
	INSTANCE_EID,     /* an unknown, duplicate or out-of-order id */
	INSTANCE__MAX
};

/* Reads the folder dir into a new problem (transfer full), or NULL. */
AllocProblem *instance_read(const char *dir, GError **error);
/*
 * Reads an assignments file (participant_id,session_id) as the previously
 * published placements of prob.
 */
bool instance_read_previous(AllocProblem *prob, const char *path,
    GError **error);
/* Writes res as assignments.csv (header first), atomically. */
bool instance_write_assignments(const char *path, const AllocResult *res,
    GError **error);

#endif
