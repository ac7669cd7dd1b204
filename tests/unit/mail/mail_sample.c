/*
 * mail_sample.c -- a small driver for the Python mail tests.
 *
 *   mail-sample compose OUT            an iMIP invitation, as composed
 *   mail-sample sign --key K OUTDIR    OUTDIR/signed.eml, OUTDIR/dns.txt
 *   mail-sample send --url U ...       send --count copies on one MailSmtp
 *
 * The Python side (test_dkim.py, test_smtp.py) checks the results with
 * independent tools: dkimpy and an aiosmtpd sink.  Exit status 2 with
 * "error CODE message" on stdout reports a mail_err.
 */
#include "mail/mail.h"

#include <stdio.h>
#include <string.h>

static char *opt_key, *opt_domain = "summit.example.no", *opt_selector = "s1";
static char *opt_method = "REQUEST", *opt_url, *opt_user, *opt_password;
static char *opt_ca, *opt_from = "invite@summit.example.no";
static char *opt_to = "kari@example.no", *opt_out;
static gboolean opt_starttls, opt_keep_going, opt_html = TRUE;
static gint opt_count = 1, opt_size = 0, opt_timeout = 10;

static const GOptionEntry entries[] = { { "key", 0, 0, G_OPTION_ARG_FILENAME,
	                                    &opt_key, "DKIM key", "PEM" },
	{ "domain", 0, 0, G_OPTION_ARG_STRING, &opt_domain, "d=", "D" },
	{ "selector", 0, 0, G_OPTION_ARG_STRING, &opt_selector, "s=", "S" },
	{ "method", 0, 0, G_OPTION_ARG_STRING, &opt_method, "iTIP", "M" },
	{ "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "SMTP URL", "URL" },
	{ "starttls", 0, 0, G_OPTION_ARG_NONE, &opt_starttls, "require", NULL },
	{ "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "AUTH user", "U" },
	{ "password", 0, 0, G_OPTION_ARG_STRING, &opt_password, "AUTH", "P" },
	{ "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca, "CA", "F" },
	{ "from", 0, 0, G_OPTION_ARG_STRING, &opt_from, "sender", "A" },
	{ "to", 0, 0, G_OPTION_ARG_STRING, &opt_to, "recipient", "A" },
	{ "out", 0, 0, G_OPTION_ARG_FILENAME, &opt_out, "copy", "F" },
	{ "no-html", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &opt_html,
	    "text only", NULL },
	{ "keep-going", 0, 0, G_OPTION_ARG_NONE, &opt_keep_going,
	    "report errors and go on", NULL },
	{ "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "sends", "N" },
	{ "size", 0, 0, G_OPTION_ARG_INT, &opt_size, "pad text", "BYTES" },
	{ "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout, "seconds", "S" },
	G_OPTION_ENTRY_NULL };

static const char *const err_names[MAIL__MAX] = {
	"OK",      /* MAIL_OK */
	"ETEMP",   /* MAIL_ETEMP */
	"EPERM",   /* MAIL_EPERM */
	"ECONFIG", /* MAIL_ECONFIG */
};

static int
fail(const GError *e)
{
	printf("error %s %s\n",
	    e->code >= 0 && e->code < MAIL__MAX ? err_names[e->code] : "?",
	    e->message);
	return 2;
}

static char *
sample_calendar(const char *method)
{
	return g_strdup_printf(
	    "BEGIN:VCALENDAR\r\n"
	    "VERSION:2.0\r\n"
	    "PRODID:-//Digital Summit//Registration 1.0//EN\r\n"
	    "METHOD:%s\r\n"
	    "BEGIN:VEVENT\r\n"
	    "UID:session-7@summit.example.no\r\n"
	    "SEQUENCE:0\r\n"
	    "DTSTAMP:20260501T100000Z\r\n"
	    "DTSTART;TZID=Europe/Oslo:20260610T090000\r\n"
	    "DTEND;TZID=Europe/Oslo:20260610T100000\r\n"
	    "SUMMARY:Kunstig intelligens i offentlig sektor\\, del 1 – "
	    "æøå ÆØÅ \r\n"
	    " 😀\r\n"
	    "ORGANIZER;CN=\"Digital Summit\":mailto:invite@summit.example.no\r\n"
	    "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
	    "PARTSTAT=NEEDS-ACTION;RSVP\r\n"
	    " =TRUE;CN=\"Ødegård, Kari\":mailto:kari@example.no\r\n"
	    "STATUS:CONFIRMED\r\n"
	    "END:VEVENT\r\n"
	    "END:VCALENDAR\r\n",
	    method);
}

static char *
sample_message(void)
{
	g_autofree char *cal = sample_calendar(opt_method);
	g_autoptr(GString) text = g_string_new(
	    "Hei Kari,\n\n"
	    "Du er plassert på «Kunstig intelligens i offentlig sektor».\n"
	    "Når: onsdag 10. juni 2026 kl. 09.00–10.00\n"
	    "Hvor: Sal 2, Oslo Spektrum\n");
	struct mail_message m = {
		.from_addr = opt_from,
		.from_name = "Digitalt toppmøte",
		.to_addr = opt_to,
		.to_name = "Ødegård, Kari",
		.subject = "Invitasjon: Kunstig intelligens i offentlig sektor "
		           "– onsdag 10. juni kl. 09.00",
		.html = opt_html ? "<p>Hei Kari,</p><p>Du er plassert på "
		                   "<b>Kunstig intelligens</b>.</p>" :
		                   NULL,
		.message_id = "<outbox-42@summit.example.no>",
		.date = "Fri, 01 May 2026 12:00:00 +0200",
		.calendar = cal,
		.calendar_method = opt_method,
	};

	while ((gint)text->len < opt_size)
		g_string_append(text,
		    "Programmet og praktisk informasjon "
		    "finner du på din side.\n");
	m.text = text->str;
	return mail_compose(&m);
}

static int
cmd_compose(const char *out)
{
	g_autofree char *msg = sample_message();
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents(out, msg, -1, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	return 0;
}

static int
cmd_sign(const char *dir)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(MailDkim) dkim = NULL;
	g_autofree char *msg = sample_message();
	g_autofree char *signed_msg = NULL, *dns = NULL;
	g_autofree char *p1 = g_build_filename(dir, "signed.eml", NULL);
	g_autofree char *p2 = g_build_filename(dir, "dns.txt", NULL);

	dkim = mail_dkim_new(opt_domain, opt_selector, opt_key, &error);
	if (dkim == NULL)
		return fail(error);
	signed_msg = mail_dkim_sign(dkim, msg, &error);
	if (signed_msg == NULL)
		return fail(error);
	dns = mail_dkim_dns_record(dkim);
	if (!g_file_set_contents(p1, signed_msg, -1, &error) ||
	    !g_file_set_contents(p2, dns, -1, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	return 0;
}

static int
cmd_send(void)
{
	struct mail_smtp_options o = {
		.url = opt_url,
		.starttls_required = opt_starttls,
		.user = opt_user,
		.password = opt_password,
		.timeout_seconds = opt_timeout,
		.ca_file = opt_ca,
	};
	g_autoptr(MailSmtp) smtp = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *msg = sample_message();
	gint64 t0;
	double secs;
	gint i, failed = 0;

	if (opt_url == NULL) {
		fprintf(stderr, "send needs --url\n");
		return 1;
	}
	if (opt_out != NULL && !g_file_set_contents(opt_out, msg, -1, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	smtp = mail_smtp_new(&o);
	t0 = g_get_monotonic_time();
	for (i = 0; i < opt_count; i++) {
		if (mail_smtp_send(smtp, opt_from, opt_to, msg, &error))
			continue;
		if (!opt_keep_going) {
			printf("sent %d connections %u\n", i - failed,
			    mail_smtp_connections(smtp));
			return fail(error);
		}
		fail(error);
		g_clear_error(&error);
		failed++;
	}
	secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	printf("sent %d failed %d connections %u seconds %.3f rate %.1f"
	       " bytes %zu\n",
	    opt_count - failed, failed, mail_smtp_connections(smtp), secs,
	    secs > 0 ? opt_count / secs : 0.0, strlen(msg));
	return failed > 0 ? 2 : 0;
}

int
main(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "compose OUT | sign OUTDIR | send");
	g_autoptr(GError) error = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "compose") == 0)
		return cmd_compose(argv[2]);
	if (argc == 3 && strcmp(argv[1], "sign") == 0 && opt_key != NULL)
		return cmd_sign(argv[2]);
	if (argc == 2 && strcmp(argv[1], "send") == 0)
		return cmd_send();
	fprintf(stderr,
	    "usage: mail-sample compose OUT | sign --key K OUTDIR"
	    " | send --url URL\n");
	return 1;
}
