/*
 * setup.h -- queries for the console area "setup" (included by db.h).
 */
#ifndef SUMMIT_DB_SETUP_H
#define SUMMIT_DB_SETUP_H

#endif
