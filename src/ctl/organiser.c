/*
 * organiser.c -- `summitctl [--event SLUG] organiser add EMAIL --role
 * admin|staff|door`: staff and door (and admin with --event) are roles in
 * one event; admin without --event is the installation's admin.
 *
 * On a terminal the password is typed twice without echo.  Without a
 * terminal (or with --link) a one-time set-password link is printed
 * instead; --password-stdin reads it from standard input for scripts.
 */
#include "ctl/ctl.h"
#include "base/base.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Reads one line without echo; NULL at end of input (transfer full). */
static char *
read_secret(const char *prompt, bool echo_off)
{
	struct termios old, quiet;
	char buf[1024];
	bool restore = false;

	if (prompt != NULL)
		fprintf(stderr, "%s", prompt);
	if (echo_off && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(buf, sizeof(buf), stdin) == NULL) {
		if (restore)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		return NULL;
	}
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return g_strdup(buf);
}

int
ctl_organiser(int argc, char **argv, const char *config_path)
{
	g_autofree char *role = NULL;
	gboolean from_stdin = FALSE, link = FALSE;
	GOptionEntry entries[] = {
		{ "role", 0, 0, G_OPTION_ARG_STRING, &role,
		    "admin (may change everything), staff (may read, export "
		    "and check people in) or door (the check-in desk only)",
		    "ROLE" },
		{ "password-stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin,
		    "read the password from standard input", NULL },
		{ "link", 0, 0, G_OPTION_ARG_NONE, &link,
		    "print a one-time set-password link instead", NULL },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "add EMAIL - add an organiser account");
	g_autoptr(GError) error = NULL;
	g_autofree char *pw = NULL, *pw2 = NULL, *activation = NULL;
	struct ctl_env env;
	gint64 event_id = 0;
	int rc = 1;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 3 ||
	    strcmp(argv[1], "add") != 0 || role == NULL) {
		fprintf(stderr,
		    "usage: summitctl organiser add EMAIL --role "
		    "admin|staff|door [--password-stdin | --link]\n");
		return 1;
	}
	if (from_stdin)
		pw = read_secret(NULL, false);
	else if (!link && isatty(STDIN_FILENO)) {
		pw = read_secret("Password: ", true);
		pw2 = read_secret("Password again: ", true);
		if (pw == NULL || pw2 == NULL || strcmp(pw, pw2) != 0) {
			fprintf(stderr,
			    "summitctl organiser: the passwords "
			    "differ\n");
			return 1;
		}
	}
	if (!ctl_env_open(&env, config_path, false, false))
		goto out;
	/* An admin without --event is the installation's; staff and door
	 * always belong to one event. */
	if ((strcmp(role, "admin") != 0 || ctl_opt_event != NULL) &&
	    !ctl_env_event(&env, true, &event_id))
		goto out;
	if (!app_organiser_add(env.app, argv[2], role, event_id, pw,
	        &activation, &error)) {
		fprintf(stderr, "summitctl organiser: %s\n", error->message);
		goto out;
	}
	if (event_id == 0)
		printf("organiser %s added as installation admin\n", argv[2]);
	else
		printf("organiser %s is %s of event %" G_GINT64_FORMAT "\n",
		    argv[2], role, event_id);
	if (activation != NULL)
		printf(
		    "set the password within 24 hours at %s/console/setup/%s\n",
		    env.conf->public_url, activation);
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}
