/*
 * seating.h -- queries for the console area "seating" (included by db.h).
 */
#ifndef SUMMIT_DB_SEATING_H
#define SUMMIT_DB_SEATING_H

#endif
