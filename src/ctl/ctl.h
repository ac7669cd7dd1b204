/*
 * ctl.h -- summitctl's subcommands.
 *
 * Each subcommand is one function taking the arguments after its name
 * (argv[0] is the subcommand name) and returning the process exit status:
 * 0 on success, 1 on a usage error or failure (the reason goes to stderr).
 */
#ifndef SUMMIT_CTL_H
#define SUMMIT_CTL_H

#include <stdbool.h>
#include "app/app.h"

/* env.c: what most subcommands need: the application (config, key,
 * pool, templates) and its configuration. */
struct ctl_env {
	const struct conf *conf;
	App *app;
};
/* Opens what the subcommand needs; prints the reason and returns false
 * when something is missing.  Always pair with ctl_env_close. */
bool ctl_env_open(struct ctl_env *env, const char *config_path, bool need_key,
    bool need_templates);
void ctl_env_close(struct ctl_env *env);
/* summitctl's --event SLUG, or NULL. */
extern const char *ctl_opt_event;
/* The event the command works on: --event's, or the installation's only
 * live one; prints the reason and returns false when there is none, or
 * when the command is to_change an archived event. */
bool ctl_env_event(struct ctl_env *env, bool to_change, gint64 *event_id);

/* privacy.c: `summitctl purge [--dry-run]`. */
int ctl_purge(int argc, char **argv, const char *config_path);

/* allocate.c: solve an allocation (CSV instance, or the event's database). */
int ctl_allocate(int argc, char **argv, const char *config_path);
/* allocate_db.c: the database mode of `summitctl allocate`. */
int ctl_allocate_db(int argc, char **argv, const char *config_path);
/* mail.c: invitations and the outbox. */
int ctl_publish(int argc, char **argv, const char *config_path);
int ctl_ics(int argc, char **argv, const char *config_path);
int ctl_outbox(int argc, char **argv, const char *config_path);
int ctl_dkim_record(int argc, char **argv, const char *config_path);
int ctl_mailbox_read(int argc, char **argv, const char *config_path);
/* One app_mailbox_read, its counts logged, its error printed. */
bool ctl_mailbox_read_once(const struct app *app, AppMailbox *mb,
    struct app_mailbox_counts *got);
/* organiser.c: organiser accounts. */
int ctl_organiser(int argc, char **argv, const char *config_path);
/* api.c: tokens of the JSON API. */
int ctl_api_token(int argc, char **argv, const char *config_path);
int ctl_webhook(int argc, char **argv, const char *config_path);

#endif
