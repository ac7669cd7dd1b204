/*
 * seating.h -- use cases for the console area "seating" (included by app.h).
 */
#ifndef SUMMIT_APP_SEATING_H
#define SUMMIT_APP_SEATING_H

#endif
