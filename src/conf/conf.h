/*
 * conf.h -- the configuration file (GKeyFile INI) as one struct.
 *
 * Every key is one row of the table in conf.c, with its type, default and
 * range; config/summit.conf.example documents the same keys.  An unknown
 * group or key, or a value out of range, is an error naming file, group and
 * key.  Relative paths are taken relative to the config file's folder.
 */
#ifndef SUMMIT_CONF_H
#define SUMMIT_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "base/base.h"

#define SUMMIT_CONF_ERROR (conf_error_quark())
GQuark conf_error_quark(void);

enum conf_err {
	CONF_OK = 0,
	CONF_EREAD,    /* the file could not be read or is not INI */
	CONF_EUNKNOWN, /* a group or key that does not exist */
	CONF_EVALUE,   /* a value of the wrong type or out of range */
	CONF_ESECRET,  /* a secret file others can read, or missing */
	CONF__MAX
};

struct conf {
	/* [server] */
	char *listen_address;
	gint64 port;
	char *public_url;
	gint64 threads;
	gint64 io_threads;
	gint64 max_connections;
	gint64 max_connections_per_ip;
	gint64 timeout_seconds;
	gint64 header_timeout_seconds;
	gint64 min_body_bytes_per_second;
	gint64 body_grace_seconds;
	char *trusted_proxies;
	char *metrics_allow;
	gint64 max_body_bytes;
	gint64 max_header_bytes;
	char *templates_dir;
	char *static_dir;
	char *language;
	char *user;
	/* [database] */
	char *database_url;
	gint64 pool_size;
	char *migrations_dir;
	/* [registration] */
	gint64 confirm_hours;  /* unconfirmed registrations live this long */
	gint64 hold_hours_old; /* the old name of confirm_hours; 0: unset */
	gint64 expiry_interval_seconds;
	gint64 per_address_burst;
	gint64 per_address_per_hour;
	gint64 per_domain_burst;
	gint64 per_domain_per_hour;
	char *domain_exempt; /* comma-separated: no per-domain limit */
	gint64 link_resends_per_hour;
	/* [api]: requests per token (web/api.c) */
	gint64 api_per_token_burst;
	gint64 api_per_token_per_hour;
	/* [webhooks]: deliveries (app/webhook.c) */
	gint64 webhook_retry_base_seconds;
	gint64 webhook_max_attempts;
	gint64 webhook_timeout_seconds;
	/* [mail] */
	char *mail_transport;
	char *maildir;
	char *mail_from;
	char *mail_from_name;
	char *smtp_url;
	char *smtp_user;
	char *smtp_password_file;
	bool smtp_starttls;
	gint64 smtp_timeout_seconds;
	char *smtp_ca_file;
	gint64 mail_rate_per_second;
	gint64 mail_poll_seconds;
	gint64 mail_batch;
	gint64 mail_max_age_hours;
	gint64 mail_retry_base_seconds; /* first retry delay */
	gint64 mail_retry_max_seconds;  /* longest retry delay */
	bool mail_worker_in_summitd;
	char *dkim_domain;
	char *dkim_selector;
	char *dkim_key_file;
	/* [mailbox] the organiser's mailbox, read for bounces and calendar
	 * replies */
	char *mailbox_url; /* "" : not read */
	char *mailbox_user;
	char *mailbox_password_file;
	bool mailbox_starttls;
	char *mailbox_ca_file;
	gint64 mailbox_timeout_seconds;
	gint64 mailbox_poll_seconds;
	gint64 mailbox_batch;
	/* [security] */
	char *secret_key_file;
	gint64 login_free_failures;
	gint64 login_address_free_failures;
	gint64 login_delay_seconds;
	gint64 login_max_delay_seconds;
	gint64 login_device_days;
	/* [privacy] */
	gint64 retention_days;

	/* Derived at load time, not keys. */
	char *path;                  /* the file read, or NULL for defaults */
	GBytes *secret_key;          /* contents of secret_key_file, or NULL */
	struct addr_net *proxy_nets; /* trusted_proxies, parsed */
	size_t n_proxy_nets;
	struct addr_net *metrics_nets; /* metrics_allow, parsed */
	size_t n_metrics_nets;
};

/*
 * Loads path (NULL: defaults only), then applies SUMMIT_DATABASE_URL from
 * the environment if set.  Does not read the secret key: see
 * conf_load_secret.  (transfer full)
 */
struct conf *conf_load(const char *path, GError **error);
/*
 * The folder of templates/, static/ and sql/: SUMMIT_DATA_DIR from the
 * environment (a checkout runs its own tree so), else where `meson
 * install` put them ($datadir/summit).
 */
const char *conf_data_dir(void);
/* Reads secret_key_file: at least 32 bytes, not readable by others. */
gboolean conf_load_secret(struct conf *c, GError **error);
void conf_free(struct conf *c);
typedef struct conf Conf;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Conf, conf_free)

#endif
