/*
 * test_conf.c -- the configuration table: defaults, ranges, unknown keys,
 * relative paths, the environment, and the secret key's permissions.
 */
#include "conf/conf.h"

#include <glib/gstdio.h>
#include <string.h>

static char *
write_tmp(const char *dir, const char *name, const char *text, int mode)
{
	char *path = g_build_filename(dir, name, NULL);

	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	g_chmod(path, mode);
	return path;
}

static void
test_defaults(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) c = NULL;

	g_unsetenv("SUMMIT_DATABASE_URL");
	c = conf_load(NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(c->listen_address, ==, "127.0.0.1");
	g_assert_cmpint(c->port, ==, 8080);
	g_assert_cmpint(c->confirm_hours, ==, 24);
	g_assert_cmpint(c->per_address_burst, ==, 30);
	g_assert_nonnull(strstr(c->domain_exempt, "gmail.com"));
	g_assert_cmpstr(c->mail_transport, ==, "maildir");
	g_assert_cmpstr(c->language, ==, "nb");
}

static void
test_file_and_env(void)
{
	g_autofree char *dir = g_dir_make_tmp("conf-XXXXXX", NULL);
	g_autofree char *path = write_tmp(dir, "s.conf",
	    "[server]\nport = 9090\ntemplates_dir = tpl\n"
	    "[database]\nurl = postgresql:///fromfile\npool_size = 3\n"
	    "[mail]\ntransport = smtp\n",
	    0644);
	g_autofree char *tpl = g_build_filename(dir, "tpl", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) c = NULL, d = NULL;

	g_unsetenv("SUMMIT_DATABASE_URL");
	c = conf_load(path, &error);
	g_assert_no_error(error);
	g_assert_cmpint(c->port, ==, 9090);
	g_assert_cmpint(c->pool_size, ==, 3);
	g_assert_cmpstr(c->database_url, ==, "postgresql:///fromfile");
	/* Relative paths are relative to the file's folder. */
	g_assert_cmpstr(c->templates_dir, ==, tpl);
	g_setenv("SUMMIT_DATABASE_URL", "postgresql:///fromenv", TRUE);
	d = conf_load(path, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(d->database_url, ==, "postgresql:///fromenv");
	g_unsetenv("SUMMIT_DATABASE_URL");
	g_unlink(path);
	g_rmdir(dir);
}

/* Paths left unset: the data folder is SUMMIT_DATA_DIR when set (a
 * checkout), else the installed $datadir/summit; the key and the maildir
 * are in the installed state folder. */
static void
test_data_dir(void)
{
	g_autofree char *want_tpl = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) c = NULL, d = NULL;

	g_setenv("SUMMIT_DATA_DIR", "/srv/summit-tree", TRUE);
	c = conf_load(NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(conf_data_dir(), ==, "/srv/summit-tree");
	g_assert_cmpstr(c->templates_dir, ==, "/srv/summit-tree/templates");
	g_assert_cmpstr(c->static_dir, ==, "/srv/summit-tree/static");
	g_unsetenv("SUMMIT_DATA_DIR");
	d = conf_load(NULL, &error);
	g_assert_no_error(error);
	g_assert_true(g_path_is_absolute(conf_data_dir()));
	g_assert_true(g_str_has_suffix(conf_data_dir(), "/summit"));
	want_tpl = g_build_filename(conf_data_dir(), "templates", NULL);
	g_assert_cmpstr(d->templates_dir, ==, want_tpl);
	g_assert_true(
	    g_str_has_suffix(d->secret_key_file, "/lib/summit/secret.key"));
	g_assert_true(g_str_has_suffix(d->maildir, "/lib/summit/maildir"));
	g_assert_true(g_path_is_absolute(d->secret_key_file));
}

/* The old name of confirm_hours is still read; the new one wins. */
static void
test_hold_hours_deprecated(void)
{
	g_autofree char *dir = g_dir_make_tmp("conf-XXXXXX", NULL);
	g_autofree char *p1 = write_tmp(dir, "a.conf",
	    "[registration]\nhold_hours = 12\n", 0644);
	g_autofree char *p2 = write_tmp(dir, "b.conf",
	    "[registration]\nhold_hours = 12\nconfirm_hours = 6\n", 0644);
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) a = NULL, b = NULL;

	a = conf_load(p1, &error);
	g_assert_no_error(error);
	g_assert_cmpint(a->confirm_hours, ==, 12);
	b = conf_load(p2, &error);
	g_assert_no_error(error);
	g_assert_cmpint(b->confirm_hours, ==, 6);
	g_unlink(p1);
	g_unlink(p2);
	g_rmdir(dir);
}

static void
expect_error(const char *text, int code, const char *needle)
{
	g_autofree char *dir = g_dir_make_tmp("conf-XXXXXX", NULL);
	g_autofree char *path = write_tmp(dir, "bad.conf", text, 0644);
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) c = conf_load(path, &error);

	g_assert_null(c);
	g_assert_error(error, SUMMIT_CONF_ERROR, code);
	if (strstr(error->message, needle) == NULL)
		g_error("\"%s\" does not name \"%s\"", error->message, needle);
	g_assert_nonnull(strstr(error->message, path));
	g_unlink(path);
	g_rmdir(dir);
}

/* [server] connection limits and trusted proxies (docs/hardening-http.md). */
static void
test_http_limits(void)
{
	g_autofree char *dir = g_dir_make_tmp("conf-XXXXXX", NULL);
	g_autofree char *path = write_tmp(dir, "s.conf",
	    "[server]\ntrusted_proxies = 127.0.0.1, 10.0.0.0/8;"
	    "2001:db8::/32\n",
	    0644);
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) d = conf_load(NULL, &error);
	g_autoptr(Conf) c = NULL;
	struct addr a;

	g_assert_no_error(error);
	g_assert_cmpint(d->max_connections_per_ip, ==, 32);
	g_assert_cmpint(d->header_timeout_seconds, ==, 10);
	g_assert_cmpint(d->min_body_bytes_per_second, ==, 500);
	g_assert_cmpint(d->body_grace_seconds, ==, 10);
	g_assert_cmpuint(d->n_proxy_nets, ==, 0);
	/* /metrics: loopback only unless told (docs/monitoring.md). */
	g_assert_cmpuint(d->n_metrics_nets, ==, 2);
	g_assert_true(addr_parse("127.0.0.1", &a));
	g_assert_true(addr_in_nets(&a, d->metrics_nets, d->n_metrics_nets));
	g_assert_true(addr_parse("::1", &a));
	g_assert_true(addr_in_nets(&a, d->metrics_nets, d->n_metrics_nets));
	g_assert_true(addr_parse("127.0.0.2", &a));
	g_assert_false(addr_in_nets(&a, d->metrics_nets, d->n_metrics_nets));
	g_assert_nonnull(strstr(d->migrations_dir, "sql"));
	c = conf_load(path, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(c->n_proxy_nets, ==, 3);
	g_assert_true(addr_parse("10.1.2.3", &a));
	g_assert_true(addr_in_nets(&a, c->proxy_nets, c->n_proxy_nets));
	g_assert_true(addr_parse("192.0.2.1", &a));
	g_assert_false(addr_in_nets(&a, c->proxy_nets, c->n_proxy_nets));
	g_unlink(path);
	g_rmdir(dir);

	expect_error("[server]\ntrusted_proxies = 10.0.0.0/33\n", CONF_EVALUE,
	    "[server] trusted_proxies: \"10.0.0.0/33\"");
	expect_error("[server]\ntrusted_proxies = 127.0.0.1, proxy.lan\n",
	    CONF_EVALUE, "\"proxy.lan\"");
	expect_error("[server]\ntrusted_proxies = 10.0.0.1/8\n", CONF_EVALUE,
	    "trusted_proxies");
	expect_error("[server]\nmetrics_allow = 127.0.0.1/8\n", CONF_EVALUE,
	    "[server] metrics_allow: \"127.0.0.1/8\"");
	expect_error("[server]\nmetrics_allow = localhost\n", CONF_EVALUE,
	    "metrics_allow");
	expect_error("[server]\nmax_connections = 100\n"
	             "max_connections_per_ip = 200\n",
	    CONF_EVALUE, "[server] max_connections_per_ip");
	expect_error("[server]\nmax_connections_per_ip = 5000\n", CONF_EVALUE,
	    "max_connections_per_ip");
	expect_error("[server]\nheader_timeout_seconds = 0\n", CONF_EVALUE,
	    "header_timeout_seconds");
}

static void
test_errors(void)
{
	expect_error("[server]\nport = 70000\n", CONF_EVALUE, "[server] port");
	expect_error("[server]\nport = eighty\n", CONF_EVALUE, "[server] port");
	expect_error("[server]\nprot = 80\n", CONF_EUNKNOWN, "prot");
	expect_error("[sever]\nport = 80\n", CONF_EUNKNOWN, "[sever]");
	expect_error("[mail]\ntransport = pigeon\n", CONF_EVALUE, "transport");
	expect_error("[mail]\nworker_in_summitd = maybe\n", CONF_EVALUE,
	    "worker_in_summitd");
	expect_error("[server]\nlanguage = de\n", CONF_EVALUE, "language");
	expect_error("[server]\npublic_url = ftp://x\n", CONF_EVALUE,
	    "public_url");
	expect_error("[mail]\nfrom_address = nobody\n", CONF_EVALUE,
	    "from_address");
	expect_error("not an ini file\n", CONF_EREAD, "could not read");
	expect_error("[registration]\ndomain_exempt = Gmail.com; x\n",
	    CONF_EVALUE, "domain_exempt");
	expect_error("[registration]\nper_address_burst = 0\n", CONF_EVALUE,
	    "per_address_burst");
}

/* The outbox's backoff: defaults as before the keys existed, checked. */
static void
test_mail_retry(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) c = NULL;

	c = conf_load(NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(c->mail_retry_base_seconds, ==, 30);
	g_assert_cmpint(c->mail_retry_max_seconds, ==, 3600);
	expect_error("[mail]\nretry_base_seconds = 0\n", CONF_EVALUE,
	    "retry_base_seconds");
	expect_error("[mail]\nretry_base_seconds = 60\n"
	             "retry_max_seconds = 59\n",
	    CONF_EVALUE, "retry_max_seconds");
}

/* [mailbox]: off by default; an IMAP URL or nothing; a poll interval of
 * at least 5 seconds. */
static void
test_mailbox(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) c = NULL;

	c = conf_load(NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(c->mailbox_url, ==, "");
	g_assert_true(c->mailbox_starttls);
	g_assert_cmpint(c->mailbox_poll_seconds, ==, 60);
	g_assert_cmpint(c->mailbox_batch, ==, 200);
	expect_error("[mailbox]\nurl = pop3://mail.example.org/\n", CONF_EVALUE,
	    "[mailbox] url");
	expect_error("[mailbox]\npoll_seconds = 1\n", CONF_EVALUE,
	    "poll_seconds");
	expect_error("[mailbox]\nfolder = INBOX\n", CONF_EUNKNOWN, "folder");
}

static void
test_secret(void)
{
	g_autofree char *dir = g_dir_make_tmp("conf-XXXXXX", NULL);
	g_autofree char *key = write_tmp(dir, "k",
	    "0123456789abcdef0123456789abcdef", 0600);
	g_autofree char *text = g_strdup_printf("[security]\n"
	                                        "secret_key_file = %s\n",
	    key);
	g_autofree char *path = write_tmp(dir, "s.conf", text, 0644);
	g_autoptr(GError) error = NULL;
	g_autoptr(Conf) c = conf_load(path, &error);

	g_assert_no_error(error);
	g_assert_true(conf_load_secret(c, &error));
	g_assert_cmpuint(g_bytes_get_size(c->secret_key), ==, 32);
	/* Readable by others: refused. */
	g_chmod(key, 0644);
	g_assert_false(conf_load_secret(c, &error));
	g_assert_error(error, SUMMIT_CONF_ERROR, CONF_ESECRET);
	g_clear_error(&error);
	/* Too short: refused. */
	g_file_set_contents(key, "short", -1, NULL);
	g_chmod(key, 0600);
	g_assert_false(conf_load_secret(c, &error));
	g_assert_error(error, SUMMIT_CONF_ERROR, CONF_ESECRET);
	g_unlink(key);
	g_unlink(path);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/conf/defaults", test_defaults);
	g_test_add_func("/conf/mailbox", test_mailbox);
	g_test_add_func("/conf/file_and_env", test_file_and_env);
	g_test_add_func("/conf/data_dir", test_data_dir);
	g_test_add_func("/conf/errors", test_errors);
	g_test_add_func("/conf/http_limits", test_http_limits);
	g_test_add_func("/conf/hold_hours_deprecated",
	    test_hold_hours_deprecated);
	g_test_add_func("/conf/secret", test_secret);
	g_test_add_func("/conf/mail_retry", test_mail_retry);
	return g_test_run();
}
