/*
 * ctl.h -- summitctl's subcommands.
 *
 * Each subcommand is one function taking the arguments after its name
 * (argv[0] is the subcommand name) and returning the process exit status:
 * 0 on success, 1 on a usage error or failure (the reason goes to stderr).
 */
#ifndef SUMMIT_CTL_H
#define SUMMIT_CTL_H

struct conf;

/* allocate.c: solve an allocation (CSV instance, or the event's database). */
int ctl_allocate(int argc, char **argv, const char *config_path);

#endif
