/*
 * mail.c -- summitctl's invitation, outbox and mailbox commands: publish,
 * ics, outbox, dkim-record, mailbox-read.
 */
#include "ctl/ctl.h"
#include "base/base.h"

#include <stdio.h>
#include <string.h>

/* Parses options; prints the error and returns false on a usage error. */
static bool
ctl_parse(const char *name, const char *what, GOptionEntry *entries, int *argc,
    char ***argv, int max_args)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(what);
	g_autoptr(GError) error = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		fprintf(stderr, "summitctl %s: %s\n", name, error->message);
		return false;
	}
	if (*argc > max_args + 1) {
		fprintf(stderr, "summitctl %s: unexpected argument \"%s\"\n",
		    name, (*argv)[max_args + 1]);
		return false;
	}
	return true;
}

int
ctl_publish(int argc, char **argv, const char *config_path)
{
	GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
	g_autoptr(GError) error = NULL;
	struct app_publish_counts n;
	struct ctl_env env;
	gint64 event_id;
	int rc = 1;

	if (!ctl_parse("publish",
	        "- queue the invitations, updates and "
	        "cancellations the placements call for",
	        entries, &argc, &argv, 0))
		return 1;
	if (!ctl_env_open(&env, config_path, true, false) ||
	    !ctl_env_event(&env, true, &event_id))
		goto out;
	if (!app_publish(env.app, event_id, &n, &error)) {
		fprintf(stderr, "summitctl publish: %s\n", error->message);
		goto out;
	}
	printf("queued %" G_GINT64_FORMAT " invitations, %" G_GINT64_FORMAT
	       " updates and %" G_GINT64_FORMAT " cancellations\n",
	    n.invites, n.updates, n.cancels);
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}

int
ctl_ics(int argc, char **argv, const char *config_path)
{
	g_autofree char *email = NULL, *method = NULL;
	gint64 session = 0;
	GOptionEntry entries[] = {
		{ "participant", 0, 0, G_OPTION_ARG_STRING, &email,
		    "the participant's e-mail address", "EMAIL" },
		{ "session", 0, 0, G_OPTION_ARG_INT64, &session,
		    "only this session", "ID" },
		{ "method", 0, 0, G_OPTION_ARG_STRING, &method,
		    "request or cancel (default: what would be sent)", "M" },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr(GError) error = NULL;
	g_autofree char *ics = NULL;
	struct ctl_env env;
	int rc = 1;

	if (!ctl_parse("ics",
	        "- print the calendar objects a participant "
	        "would be sent",
	        entries, &argc, &argv, 0))
		return 1;
	if (email == NULL ||
	    (method != NULL && strcmp(method, "request") != 0 &&
	        strcmp(method, "cancel") != 0)) {
		fprintf(stderr,
		    "summitctl ics: --participant EMAIL is needed; "
		    "--method is request or cancel\n");
		return 1;
	}
	if (!ctl_env_open(&env, config_path, true, false))
		goto out;
	ics = app_ics_preview(env.app, email, session, method, &error);
	if (ics == NULL) {
		fprintf(stderr, "summitctl ics: %s\n", error->message);
		goto out;
	}
	fputs(ics, stdout);
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}

int
ctl_outbox(int argc, char **argv, const char *config_path)
{
	g_autofree char *state = NULL;
	gint64 resend = 0;
	GOptionEntry entries[] = {
		{ "state", 0, 0, G_OPTION_ARG_STRING, &state,
		    "queued, sent, failed or held (default failed)", "STATE" },
		{ "resend", 0, 0, G_OPTION_ARG_INT64, &resend,
		    "queue message ID again", "ID" },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonArray) rows = NULL;
	struct ctl_env env;
	int rc = 1;
	gint64 event_id;
	guint i;

	if (!ctl_parse("outbox", "- list messages, or send one again", entries,
	        &argc, &argv, 0))
		return 1;
	if (state == NULL)
		state = g_strdup("failed");
	if (strcmp(state, "queued") != 0 && strcmp(state, "sent") != 0 &&
	    strcmp(state, "failed") != 0 && strcmp(state, "held") != 0) {
		fprintf(stderr,
		    "summitctl outbox: --state is queued, sent, failed or "
		    "held\n");
		return 1;
	}
	if (!ctl_env_open(&env, config_path, false, false) ||
	    !ctl_env_event(&env, resend != 0, &event_id))
		goto out;
	if (resend != 0) {
		if (!app_outbox_resend(env.app, event_id, resend, NULL,
		        &error)) {
			fprintf(stderr,
			    "summitctl outbox: message %" G_GINT64_FORMAT
			    " is not failed or sent: %s\n",
			    resend, error->message);
			goto out;
		}
		printf("message %" G_GINT64_FORMAT " is queued again\n",
		    resend);
		rc = 0;
		goto out;
	}
	rows = app_outbox_list(env.app, event_id, state, 1000, &error);
	if (rows == NULL) {
		fprintf(stderr, "summitctl outbox: %s\n", error->message);
		goto out;
	}
	printf("%-8s %-16s %-32s %-8s %s\n", "id", "kind", "recipient",
	    "attempts", "last error");
	for (i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		printf("%-8" G_GINT64_FORMAT " %-16s %-32s %-8" G_GINT64_FORMAT
		       " %s\n",
		    app_view_int(r, "id"), app_view_str(r, "kind"),
		    app_view_str(r, "recipient"), app_view_int(r, "attempts"),
		    app_view_str(r, "last_error"));
	}
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}

int
ctl_dkim_record(int argc, char **argv, const char *config_path)
{
	GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;
	struct ctl_env env;
	int rc = 1;

	if (!ctl_parse("dkim-record", "- print the DNS record of the DKIM key",
	        entries, &argc, &argv, 0))
		return 1;
	if (!ctl_env_open(&env, config_path, false, false))
		goto out;
	if ((record = app_dkim_record(env.app, &error)) == NULL) {
		fprintf(stderr, "summitctl dkim-record: %s\n", error->message);
		goto out;
	}
	printf("%s\n", record);
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}

bool
ctl_mailbox_read_once(const struct app *app, AppMailbox *mb,
    struct app_mailbox_counts *got)
{
	g_autoptr(GError) error = NULL;

	if (!app_mailbox_read(app, mb, got, &error)) {
		fprintf(stderr, "summitctl: could not read the mailbox: %s\n",
		    error->message);
		return false;
	}
	if (got->read > 0)
		log_info("mailbox: read %u message%s: %u bounce%s recorded, "
		         "%u calendar repl%s handled, %u left as they were",
		    got->read, got->read == 1 ? "" : "s", got->bounces,
		    got->bounces == 1 ? "" : "s", got->replies,
		    got->replies == 1 ? "y" : "ies", got->left);
	return true;
}

int
ctl_mailbox_read(int argc, char **argv, const char *config_path)
{
	GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(AppMailbox) mb = NULL;
	struct app_mailbox_counts got = { 0 }, total = { 0 };
	struct ctl_env env;
	int rc = 1;

	if (!ctl_parse("mailbox-read",
	        "- read the organiser's mailbox ([mailbox]) once: record "
	        "bounces and calendar replies, leave other mail as it is",
	        entries, &argc, &argv, 0))
		return 1;
	if (!ctl_env_open(&env, config_path, false, false))
		goto out;
	if ((mb = app_mailbox_new(env.app, &error)) == NULL) {
		fprintf(stderr, "summitctl mailbox-read: %s\n", error->message);
		goto out;
	}
	do {
		if (!ctl_mailbox_read_once(env.app, mb, &got))
			goto out;
		total.read += got.read;
		total.bounces += got.bounces;
		total.replies += got.replies;
		total.left += got.left;
	} while (got.more);
	printf("read %u messages: %u bounces recorded, %u calendar replies "
	       "handled, %u left as they were\n",
	    total.read, total.bounces, total.replies, total.left);
	rc = 0;
out:
	ctl_env_close(&env);
	return rc;
}
