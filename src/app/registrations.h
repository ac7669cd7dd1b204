/*
 * registrations.h -- use cases for the console area "registrations" (included by app.h).
 */
#ifndef SUMMIT_APP_REGISTRATIONS_H
#define SUMMIT_APP_REGISTRATIONS_H

#endif
