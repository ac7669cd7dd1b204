/*
 * console_setup.c -- Event set-up in the console: event, slots, sessions, sectors, invitation codes.
 *
 * (Being written: the route table below is what server.c serves.)
 */
#include "web/internal.h"

const struct web_route console_setup_routes[] = {
	{ NULL, NULL, NULL },
};
