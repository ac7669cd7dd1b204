/*
 * setup.c -- use cases for the console area "setup".
 */
#include "app/internal.h"
