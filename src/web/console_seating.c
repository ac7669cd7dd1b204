/*
 * console_seating.c -- Allocation and seating in the console: preview, diff, apply, move, pin, ban, seating plans, name cards, publish.
 *
 * (Being written: the route table below is what server.c serves.)
 */
#include "web/internal.h"

const struct web_route console_seating_routes[] = {
	{ NULL, NULL, NULL },
};
