/*
 * setup.h -- use cases for the console area "setup" (included by app.h).
 */
#ifndef SUMMIT_APP_SETUP_H
#define SUMMIT_APP_SETUP_H

#endif
