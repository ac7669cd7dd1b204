/*
 * registrations.c -- use cases for the console area "registrations".
 */
#include "app/internal.h"
