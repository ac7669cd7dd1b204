/*
 * registrations.h -- queries for the console area "registrations" (included by db.h).
 */
#ifndef SUMMIT_DB_REGISTRATIONS_H
#define SUMMIT_DB_REGISTRATIONS_H

#endif
