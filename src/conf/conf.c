/*
 * conf.c -- read the INI configuration into struct conf.
 *
 * One table lists every key (Redis config.c, Kore config.c): group, name,
 * type, default, range and the field it fills.  Loading walks the file's
 * keys first, so an unknown one is reported instead of silently ignored.
 */
#include "summit-config.h"
#include "conf/conf.h"
#include "base/base.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

GQuark
conf_error_quark(void)
{
	return g_quark_from_static_string("summit-conf-error-quark");
}

enum conf_type { CT_STRING, CT_PATH, CT_INT, CT_BOOL };

struct conf_key {
	const char *group;
	const char *name;
	enum conf_type type;
	const char *def;
	gint64 min, max;
	size_t offset;
};

#define S(g, n, d, f) \
	{ \
		g, n, CT_STRING, d, 0, 0, offsetof(struct conf, f) \
	}
#define P(g, n, d, f) \
	{ \
		g, n, CT_PATH, d, 0, 0, offsetof(struct conf, f) \
	}
#define I(g, n, d, lo, hi, f) \
	{ \
		g, n, CT_INT, d, lo, hi, offsetof(struct conf, f) \
	}
#define B(g, n, d, f) \
	{ \
		g, n, CT_BOOL, d, 0, 0, offsetof(struct conf, f) \
	}

static const struct conf_key conf_keys[] = {
	S("server", "listen_address", "127.0.0.1", listen_address),
	I("server", "port", "8080", 0, 65535, port),
	S("server", "public_url", "http://127.0.0.1:8080", public_url),
	I("server", "threads", "16", 1, 256, threads),
	I("server", "io_threads", "2", 1, 64, io_threads),
	I("server", "max_connections", "1024", 1, 65536, max_connections),
	I("server", "max_connections_per_ip", "32", 1, 1024,
	    max_connections_per_ip),
	I("server", "timeout_seconds", "30", 1, 3600, timeout_seconds),
	I("server", "header_timeout_seconds", "10", 1, 300,
	    header_timeout_seconds),
	I("server", "min_body_bytes_per_second", "500", 0, 1048576,
	    min_body_bytes_per_second),
	I("server", "body_grace_seconds", "10", 1, 3600, body_grace_seconds),
	S("server", "trusted_proxies", "", trusted_proxies),
	S("server", "metrics_allow", "127.0.0.1/32 ::1/128", metrics_allow),
	I("server", "max_body_bytes", "65536", 1024, 16777216, max_body_bytes),
	I("server", "max_header_bytes", "16384", 4096, 1048576,
	    max_header_bytes),
	/* Relative defaults are in the data folder (conf_data_dir). */
	P("server", "templates_dir", "templates", templates_dir),
	P("server", "static_dir", "static", static_dir),
	S("server", "language", "nb", language),
	S("server", "user", "", user),
	S("database", "url", "postgresql:///summit", database_url),
	I("database", "pool_size", "16", 1, 512, pool_size),
	P("database", "migrations_dir", "sql", migrations_dir),
	I("registration", "confirm_hours", "24", 1, 8760, confirm_hours),
	/* Deprecated: read as confirm_hours, with a warning. */
	I("registration", "hold_hours", "0", 0, 8760, hold_hours_old),
	I("registration", "expiry_interval_seconds", "60", 1, 86400,
	    expiry_interval_seconds),
	I("registration", "per_address_burst", "30", 1, 1000000,
	    per_address_burst),
	I("registration", "per_address_per_hour", "120", 1, 100000000,
	    per_address_per_hour),
	I("registration", "per_domain_burst", "100", 1, 1000000,
	    per_domain_burst),
	I("registration", "per_domain_per_hour", "600", 1, 100000000,
	    per_domain_per_hour),
	S("registration", "domain_exempt",
	    "gmail.com,googlemail.com,"
	    "outlook.com,hotmail.com,live.com,msn.com,yahoo.com,icloud.com,"
	    "me.com,proton.me,protonmail.com,online.no,live.no,hotmail.no",
	    domain_exempt),
	I("registration", "link_resends_per_hour", "3", 0, 100,
	    link_resends_per_hour),
	I("api", "per_token_burst", "60", 1, 1000000, api_per_token_burst),
	I("api", "per_token_per_hour", "3600", 1, 100000000,
	    api_per_token_per_hour),
	I("webhooks", "retry_base_seconds", "30", 1, 86400,
	    webhook_retry_base_seconds),
	I("webhooks", "max_attempts", "12", 1, 100, webhook_max_attempts),
	I("webhooks", "timeout_seconds", "10", 1, 300, webhook_timeout_seconds),
	S("mail", "transport", "maildir", mail_transport),
	P("mail", "maildir", SUMMIT_STATE_DIR "/maildir", maildir),
	S("mail", "from_address", "toppmote@example.org", mail_from),
	S("mail", "from_name", "Digitalt toppmøte om KI", mail_from_name),
	S("mail", "smtp_url", "smtp://127.0.0.1:25", smtp_url),
	S("mail", "smtp_user", "", smtp_user),
	P("mail", "smtp_password_file", "", smtp_password_file),
	B("mail", "smtp_starttls", "false", smtp_starttls),
	I("mail", "smtp_timeout_seconds", "30", 1, 600, smtp_timeout_seconds),
	P("mail", "smtp_ca_file", "", smtp_ca_file),
	I("mail", "rate_per_second", "50", 1, 100000, mail_rate_per_second),
	I("mail", "poll_seconds", "2", 1, 3600, mail_poll_seconds),
	I("mail", "batch", "50", 1, 10000, mail_batch),
	I("mail", "max_age_hours", "48", 1, 8760, mail_max_age_hours),
	I("mail", "retry_base_seconds", "30", 1, 3600, mail_retry_base_seconds),
	I("mail", "retry_max_seconds", "3600", 1, 86400,
	    mail_retry_max_seconds),
	B("mail", "worker_in_summitd", "true", mail_worker_in_summitd),
	S("mail", "dkim_domain", "", dkim_domain),
	S("mail", "dkim_selector", "", dkim_selector),
	P("mail", "dkim_key_file", "", dkim_key_file),
	S("mailbox", "url", "", mailbox_url),
	S("mailbox", "user", "", mailbox_user),
	P("mailbox", "password_file", "", mailbox_password_file),
	B("mailbox", "starttls", "true", mailbox_starttls),
	P("mailbox", "ca_file", "", mailbox_ca_file),
	I("mailbox", "timeout_seconds", "30", 1, 600, mailbox_timeout_seconds),
	I("mailbox", "poll_seconds", "60", 5, 86400, mailbox_poll_seconds),
	I("mailbox", "batch", "200", 1, 10000, mailbox_batch),
	P("security", "secret_key_file", SUMMIT_STATE_DIR "/secret.key",
	    secret_key_file),
	I("security", "login_free_failures", "5", 1, 1000, login_free_failures),
	I("security", "login_address_free_failures", "20", 1, 100000,
	    login_address_free_failures),
	I("security", "login_delay_seconds", "1", 1, 3600, login_delay_seconds),
	I("security", "login_max_delay_seconds", "900", 1, 86400,
	    login_max_delay_seconds),
	I("security", "login_device_days", "90", 0, 3650, login_device_days),
	I("privacy", "retention_days", "180", 1, 3650, retention_days),
};

const char *
conf_data_dir(void)
{
	const char *env = g_getenv("SUMMIT_DATA_DIR");

	return env != NULL && *env != '\0' ? env : SUMMIT_DATA_DIR;
}

static const struct conf_key *
conf_key_find(const char *group, const char *name)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(conf_keys); i++)
		if (strcmp(conf_keys[i].group, group) == 0 &&
		    strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

static bool
conf_group_exists(const char *group)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(conf_keys); i++)
		if (strcmp(conf_keys[i].group, group) == 0)
			return true;
	return false;
}

/* Sets one field from text; the error names the place. */
static gboolean
conf_set(struct conf *c, const struct conf_key *k, const char *value,
    const char *where, const char *basedir, GError **error)
{
	char *base = (char *)c + k->offset;
	g_autoptr(GError) local = NULL;

	switch (k->type) {
	case CT_STRING:
	case CT_PATH: {
		char **field = (char **)(void *)base;
		char *v;

		if (!g_utf8_validate(value, -1, NULL) ||
		    strpbrk(value, "\r\n") != NULL) {
			g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
			    "%s: [%s] %s: not one line of UTF-8 text", where,
			    k->group, k->name);
			return FALSE;
		}
		if (k->type == CT_PATH && value[0] != '\0' &&
		    !g_path_is_absolute(value) && basedir != NULL)
			v = g_build_filename(basedir, value, NULL);
		else
			v = g_strdup(value);
		g_free(*field);
		*field = v;
		return TRUE;
	}
	case CT_INT: {
		gint64 *field = (gint64 *)(void *)base;
		gint64 n;

		if (!g_ascii_string_to_signed(value, 10, k->min, k->max, &n,
		        &local)) {
			g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
			    "%s: [%s] %s: \"%s\" is not a whole number from "
			    "%" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
			    where, k->group, k->name, value, k->min, k->max);
			return FALSE;
		}
		*field = n;
		return TRUE;
	}
	case CT_BOOL: {
		bool *field = (bool *)(void *)base;

		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0)
			*field = true;
		else if (strcmp(value, "false") == 0 ||
		    strcmp(value, "no") == 0)
			*field = false;
		else {
			g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
			    "%s: [%s] %s: \"%s\" is not true or false", where,
			    k->group, k->name, value);
			return FALSE;
		}
		return TRUE;
	}
	}
	return FALSE;
}

/* A list of addresses or networks, split by commas, semicolons or spaces
 * ([server] trusted_proxies, metrics_allow) into *nets and *n. */
static gboolean
conf_parse_nets(const char *text, const char *key, struct addr_net **nets,
    size_t *n, const char *where, GError **error)
{
	g_auto(GStrv) parts = g_strsplit_set(text, ",; \t", -1);
	char **p;

	g_clear_pointer(nets, g_free);
	*nets = g_new0(struct addr_net, g_strv_length(parts) + 1);
	*n = 0;
	for (p = parts; *p != NULL; p++) {
		if (**p == '\0')
			continue;
		if (!addr_net_parse(*p, &(*nets)[*n])) {
			g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
			    "%s: [server] %s: \"%s\" is not an IP address or "
			    "a network such as 10.0.0.0/8 (with the host bits "
			    "zero)",
			    where, key, *p);
			return FALSE;
		}
		(*n)++;
	}
	return TRUE;
}

/* Cross-key checks that one key's range cannot express. */
static gboolean
conf_check(struct conf *c, const char *where, GError **error)
{
	if (c->max_connections_per_ip > c->max_connections) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [server] max_connections_per_ip: %" G_GINT64_FORMAT
		    " is more than max_connections (%" G_GINT64_FORMAT ")",
		    where, c->max_connections_per_ip, c->max_connections);
		return FALSE;
	}
	if (!conf_parse_nets(c->trusted_proxies, "trusted_proxies",
	        &c->proxy_nets, &c->n_proxy_nets, where, error) ||
	    !conf_parse_nets(c->metrics_allow, "metrics_allow",
	        &c->metrics_nets, &c->n_metrics_nets, where, error))
		return FALSE;
	if (strcmp(c->mail_transport, "maildir") != 0 &&
	    strcmp(c->mail_transport, "smtp") != 0) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [mail] transport: \"%s\" is neither maildir nor smtp",
		    where, c->mail_transport);
		return FALSE;
	}
	if ((c->dkim_domain[0] != '\0') != (c->dkim_key_file[0] != '\0') ||
	    (c->dkim_domain[0] != '\0') != (c->dkim_selector[0] != '\0')) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [mail] dkim_domain, dkim_selector and dkim_key_file "
		    "go together: set all three or none",
		    where);
		return FALSE;
	}
	if (c->mail_retry_max_seconds < c->mail_retry_base_seconds) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [mail] retry_max_seconds (%" G_GINT64_FORMAT ") is "
		    "less than retry_base_seconds (%" G_GINT64_FORMAT ")",
		    where, c->mail_retry_max_seconds,
		    c->mail_retry_base_seconds);
		return FALSE;
	}
	if (c->mailbox_url[0] != '\0' &&
	    !g_str_has_prefix(c->mailbox_url, "imap://") &&
	    !g_str_has_prefix(c->mailbox_url, "imaps://")) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [mailbox] url: \"%s\" does not start with imaps:// "
		    "or imap://",
		    where, c->mailbox_url);
		return FALSE;
	}
	if (strcmp(c->language, "nb") != 0 && strcmp(c->language, "en") != 0) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [server] language: \"%s\" is neither nb nor en", where,
		    c->language);
		return FALSE;
	}
	if (!g_str_has_prefix(c->public_url, "http://") &&
	    !g_str_has_prefix(c->public_url, "https://")) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [server] public_url: \"%s\" does not start with "
		    "http:// or https://",
		    where, c->public_url);
		return FALSE;
	}
	for (const char *d = c->domain_exempt; *d != '\0'; d++)
		if (!g_ascii_islower(*d) && !g_ascii_isdigit(*d) &&
		    strchr(".-,", *d) == NULL) {
			g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
			    "%s: [registration] domain_exempt: \"%s\" is not "
			    "a comma-separated list of lower-case domains",
			    where, c->domain_exempt);
			return FALSE;
		}
	if (text_check_email(c->mail_from) != TEXT_OK) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_EVALUE,
		    "%s: [mail] from_address: \"%s\" is not an e-mail address",
		    where, c->mail_from);
		return FALSE;
	}
	return TRUE;
}

struct conf *
conf_load(const char *path, GError **error)
{
	g_autoptr(Conf) c = g_new0(struct conf, 1);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *basedir = NULL;
	const char *env;
	const char *where = path ? path : "defaults";
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(conf_keys); i++)
		if (!conf_set(c, &conf_keys[i], conf_keys[i].def, "defaults",
		        conf_data_dir(), error))
			return NULL;

	if (path != NULL) {
		g_auto(GStrv) groups = NULL;
		g_autoptr(GError) local = NULL;
		gsize ng, gi;

		if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE,
		        &local)) {
			g_set_error(error, SUMMIT_CONF_ERROR, CONF_EREAD,
			    "could not read configuration file \"%s\": %s",
			    path, local->message);
			return NULL;
		}
		c->path = g_strdup(path);
		basedir = g_path_get_dirname(path);
		groups = g_key_file_get_groups(kf, &ng);
		for (gi = 0; gi < ng; gi++) {
			g_auto(GStrv) keys = NULL;
			gsize nk, ki;

			if (!conf_group_exists(groups[gi])) {
				g_set_error(error, SUMMIT_CONF_ERROR,
				    CONF_EUNKNOWN, "%s: unknown group [%s]",
				    path, groups[gi]);
				return NULL;
			}
			keys = g_key_file_get_keys(kf, groups[gi], &nk, NULL);
			for (ki = 0; ki < nk; ki++) {
				const struct conf_key *k;
				g_autofree char *v = NULL;

				k = conf_key_find(groups[gi], keys[ki]);
				if (k == NULL) {
					g_set_error(error, SUMMIT_CONF_ERROR,
					    CONF_EUNKNOWN,
					    "%s: [%s] %s: unknown key", path,
					    groups[gi], keys[ki]);
					return NULL;
				}
				v = g_key_file_get_string(kf, groups[gi],
				    keys[ki], NULL);
				if (!conf_set(c, k, v ? v : "", path, basedir,
				        error))
					return NULL;
			}
		}
	}

	if (c->hold_hours_old > 0) {
		log_warnx("%s: [registration] hold_hours is deprecated: it is "
		          "read as confirm_hours (places are claimed at "
		          "confirmation now)",
		    where);
		if (!g_key_file_has_key(kf, "registration", "confirm_hours",
		        NULL))
			c->confirm_hours = c->hold_hours_old;
	}
	env = g_getenv("SUMMIT_DATABASE_URL");
	if (env != NULL && *env != '\0') {
		g_free(c->database_url);
		c->database_url = g_strdup(env);
	}
	if (!conf_check(c, where, error))
		return NULL;
	return g_steal_pointer(&c);
}

gboolean
conf_load_secret(struct conf *c, GError **error)
{
	g_autofree char *data = NULL;
	gsize len = 0;
	struct stat st;
	g_autoptr(GError) local = NULL;

	if (stat(c->secret_key_file, &st) != 0) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_ESECRET,
		    "[security] secret_key_file: could not open \"%s\": %s",
		    c->secret_key_file, g_strerror(errno));
		return FALSE;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_ESECRET,
		    "[security] secret_key_file: \"%s\" must not be readable "
		    "by group or others (chmod 600)",
		    c->secret_key_file);
		return FALSE;
	}
	if (!g_file_get_contents(c->secret_key_file, &data, &len, &local)) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_ESECRET,
		    "[security] secret_key_file: %s", local->message);
		return FALSE;
	}
	if (len < 32) {
		g_set_error(error, SUMMIT_CONF_ERROR, CONF_ESECRET,
		    "[security] secret_key_file: \"%s\" holds %zu bytes; at "
		    "least 32 are needed",
		    c->secret_key_file, (size_t)len);
		return FALSE;
	}
	if (c->secret_key != NULL)
		g_bytes_unref(c->secret_key);
	c->secret_key = g_bytes_new(data, len);
	return TRUE;
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < G_N_ELEMENTS(conf_keys); i++)
		if (conf_keys[i].type == CT_STRING ||
		    conf_keys[i].type == CT_PATH)
			g_free(*(
			    char **)(void *)((char *)c + conf_keys[i].offset));
	g_free(c->path);
	g_free(c->proxy_nets);
	g_free(c->metrics_nets);
	if (c->secret_key != NULL)
		g_bytes_unref(c->secret_key);
	g_free(c);
}
