/*
 * seating.c -- use cases for the console area "seating".
 */
#include "app/internal.h"
