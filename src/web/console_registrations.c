/*
 * console_registrations.c -- Registrations in the console: list, search, detail, status, erase, export, import, check-in.
 *
 * (Being written: the route table below is what server.c serves.)
 */
#include "web/internal.h"

const struct web_route console_registrations_routes[] = {
	{ NULL, NULL, NULL },
};
