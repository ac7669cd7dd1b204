/*
 * smtp.c -- delivery over SMTP with libcurl, one connection reused.
 *
 * A MailSmtp keeps one curl easy handle, and with it libcurl's connection
 * cache: the second and later sends go out on the connection the first one
 * opened (MAIL FROM straight after the last DATA), which is what makes a
 * worker fast.  libcurl notices a connection the server has closed and
 * opens a new one.  One handle is not thread-safe, so a MailSmtp belongs to
 * one thread at a time.
 *
 * Errors are classified from the server's last reply code where there is
 * one (4xx temporary, 5xx permanent) and from the curl result otherwise.
 * The last reply line is captured from the protocol trace (only lines the
 * server sent: our AUTH line, which holds the password, is never looked at)
 * and goes into the error message for the outbox row and the log.
 */
#include "mail/mail.h"
#include "mail/mail_int.h"
#include "base/base.h"

#include <string.h>

#include <curl/curl.h>

struct mail_smtp {
	CURL *curl;
	char *url;
	char *user, *password;
	char *ca_file;
	bool starttls_required;
	bool tls;      /* smtps:// or STARTTLS required */
	bool loopback; /* the URL names this host */
	long timeout;
	unsigned connections;
	GString *reply;   /* the server's last reply line */
	GString *refusal; /* its last 4xx or 5xx reply line */
	char errbuf[CURL_ERROR_SIZE];
};

struct smtp_upload {
	const char *data;
	size_t len, off;
};

static gsize smtp_curl_initialised;

void
mail_curl_global_init(void)
{
	if (g_once_init_enter(&smtp_curl_initialised)) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			g_error("could not initialise libcurl");
		g_once_init_leave(&smtp_curl_initialised, 1);
	}
}

/* A relay on localhost may take a password without TLS. */
bool
mail_url_is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	bool loopback = false;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		g_auto(GStrv) octets = g_strsplit(host, ".", -1);

		loopback = g_ascii_strcasecmp(host, "localhost") == 0 ||
		    strcmp(host, "[::1]") == 0 ||
		    (g_strv_length(octets) == 4 &&
		        strcmp(octets[0], "127") == 0 &&
		        strspn(host, "0123456789.") == strlen(host));
	}
	curl_free(host);
	curl_url_cleanup(u);
	return loopback;
}

MailSmtp *
mail_smtp_new(const struct mail_smtp_options *o)
{
	MailSmtp *s;

	mail_curl_global_init();
	s = g_new0(MailSmtp, 1);
	s->curl = curl_easy_init();
	if (s->curl == NULL)
		g_error("could not create a curl handle");
	s->url = g_strdup(o->url);
	s->user = g_strdup(o->user);
	s->password = g_strdup(o->password);
	s->ca_file = g_strdup(o->ca_file);
	s->starttls_required = o->starttls_required;
	s->tls = o->starttls_required ||
	    g_ascii_strncasecmp(o->url, "smtps://", 8) == 0;
	s->loopback = mail_url_is_loopback(o->url);
	s->timeout = o->timeout_seconds > 0 ? o->timeout_seconds : 60;
	s->reply = g_string_new(NULL);
	s->refusal = g_string_new(NULL);
	return s;
}

void
mail_smtp_free(MailSmtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	g_free(s->url);
	g_free(s->user);
	if (s->password != NULL)
		memset(s->password, 0, strlen(s->password));
	g_free(s->password);
	g_free(s->ca_file);
	g_string_free(s->reply, TRUE);
	g_string_free(s->refusal, TRUE);
	g_free(s);
}

unsigned
mail_smtp_connections(const MailSmtp *s)
{
	return s->connections;
}

static size_t
smtp_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp_upload *u = arg;
	size_t n = MIN(size * nitems, u->len - u->off);

	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

/* Keeps the last line the server sent, and the last refusal (4xx, 5xx):
 * after a refusal libcurl says QUIT, and "221 Bye" explains nothing.
 * Only CURLINFO_HEADER_IN is read: what we send (AUTH with the password)
 * is never copied. */
static int
smtp_trace(CURL *curl, curl_infotype type, char *data, size_t size, void *arg)
{
	MailSmtp *s = arg;
	size_t end = size;

	(void)curl;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (end > 0 && (data[end - 1] == '\r' || data[end - 1] == '\n'))
		end--;
	if (end == 0)
		return 0;
	end = MIN(end, 512);
	g_string_truncate(s->reply, 0);
	g_string_append_len(s->reply, data, (gssize)end);
	if (data[0] == '4' || data[0] == '5') {
		g_string_truncate(s->refusal, 0);
		g_string_append_len(s->refusal, data, (gssize)end);
	}
	return 0;
}

/* An envelope address we can put after MAIL FROM:< or RCPT TO:<. */
static bool
smtp_address_ok(const char *a)
{
	if (a == NULL || *a == '\0' || strlen(a) > 254)
		return false;
	for (; *a != '\0'; a++)
		if ((unsigned char)*a <= 0x20 || *a == 0x7f || *a == '<' ||
		    *a == '>')
			return false;
	return true;
}

static void
smtp_setup(MailSmtp *s, struct smtp_upload *u, struct curl_slist *rcpt,
    const char *from)
{
	CURL *c = s->curl;

	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, MIN(s->timeout, 30L));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, s->timeout);
	curl_easy_setopt(c, CURLOPT_USE_SSL,
	    s->starttls_required ? (long)CURLUSESSL_ALL :
	                           (long)CURLUSESSL_NONE);
	if (s->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
	if (s->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    s->password != NULL ? s->password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, smtp_read);
	curl_easy_setopt(c, CURLOPT_READDATA, u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->len);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, smtp_trace);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
}

/* Which mail_err a failed transfer is. */
static enum mail_err
smtp_classify(CURLcode rc, long code)
{
	switch (rc) {
	case CURLE_LOGIN_DENIED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return MAIL_ECONFIG;
	default:
		break;
	}
	if (code >= 500 && code <= 599)
		return MAIL_EPERM;
	/* 4xx, no reply at all (refused, timeout, DNS, connection lost). */
	return MAIL_ETEMP;
}

gboolean
mail_smtp_send(MailSmtp *s, const char *from, const char *to,
    const char *message, GError **error)
{
	struct smtp_upload u = { message, strlen(message), 0 };
	struct curl_slist *rcpt = NULL;
	g_autofree char *from_arg = NULL, *reply = NULL;
	long code = 0, connects = 0;
	CURLcode rc;

	if (!smtp_address_ok(from) || !smtp_address_ok(to)) {
		g_autofree char *f = text_one_line(from);
		g_autofree char *t = text_one_line(to);

		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_EPERM,
		    "cannot send from \"%s\" to \"%s\": invalid address", f, t);
		return FALSE;
	}
	if (s->user != NULL && !s->tls && !s->loopback) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "refusing to send the SMTP password to \"%s\" without TLS",
		    s->url);
		return FALSE;
	}
	from_arg = g_strdup_printf("<%s>", from);
	rcpt = curl_slist_append(rcpt, to);
	s->errbuf[0] = '\0';
	g_string_truncate(s->reply, 0);
	g_string_truncate(s->refusal, 0);
	smtp_setup(s, &u, rcpt, from_arg);
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	if (curl_easy_getinfo(s->curl, CURLINFO_NUM_CONNECTS, &connects) ==
	        CURLE_OK &&
	    connects > 0)
		s->connections += (unsigned)connects;
	/* Nothing of this call may outlive it in the handle. */
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, NULL);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return TRUE;

	reply = text_one_line(
	    s->refusal->len > 0 ? s->refusal->str : s->reply->str);
	if (s->password != NULL && *s->password != '\0') {
		g_autoptr(GString) r = g_string_new(reply);

		g_string_replace(r, s->password, "***", 0);
		g_free(reply);
		reply = g_string_free(g_steal_pointer(&r), FALSE);
	}
	g_set_error(error, SUMMIT_MAIL_ERROR, smtp_classify(rc, code),
	    "could not send to \"%s\" via %s: %s (reply %ld: %s)", to, s->url,
	    s->errbuf[0] != '\0' ? s->errbuf : curl_easy_strerror(rc), code,
	    *reply != '\0' ? reply : "none");
	return FALSE;
}
