/*
 * registrations.c -- queries for the console area "registrations", kept in this file's own
 * statement table (db_exec_sql).
 */
#include "db/internal.h"
