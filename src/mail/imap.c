/*
 * imap.c -- reading one mailbox over IMAP with libcurl.
 *
 * A MailImap keeps one curl easy handle and so one connection, reused
 * across the commands of one read (a new one for each read:
 * mail_imap_status); libcurl selects the mailbox named in the URL before a
 * command that needs it.  Only what the reader needs is here: the
 * mailbox's UIDVALIDITY and UIDNEXT (STATUS), UID SEARCH, a whole message
 * by UID, and UID STORE of flags.  Nothing is ever expunged.
 *
 * libcurl fetches a message with FETCH BODY[] (not BODY.PEEK[]: a custom
 * command's literal is not passed on), which sets \Seen; the caller puts
 * back the flag of a message it leaves alone (mail_imap_store).
 */
#include "mail/mail.h"
#include "mail/mail_int.h"
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

struct mail_imap {
	CURL *curl;
	char *url;  /* imap[s]://host[:port]/MAILBOX */
	char *root; /* imap[s]://host[:port]/ */
	char *mailbox;
	char *user, *password, *ca_file;
	bool starttls_required;
	bool tls;
	long timeout;
	char errbuf[CURL_ERROR_SIZE];
};

MailImap *
mail_imap_new(const struct mail_imap_options *o, GError **error)
{
	g_autoptr(MailImap) m = NULL;
	const char *rest, *slash;
	bool tls = g_ascii_strncasecmp(o->url, "imaps://", 8) == 0;

	if (!tls && g_ascii_strncasecmp(o->url, "imap://", 7) != 0) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "mailbox URL \"%s\" is neither imap:// nor imaps://",
		    o->url);
		return NULL;
	}
	rest = o->url + (tls ? 8 : 7);
	slash = strchr(rest, '/');
	if (slash == NULL || slash[1] == '\0' || strchr(slash + 1, '/') ||
	    strpbrk(slash + 1, "\"\\;?%") != NULL) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "mailbox URL \"%s\" must name one mailbox, as "
		    "imaps://host/INBOX",
		    o->url);
		return NULL;
	}
	mail_curl_global_init();
	m = g_new0(MailImap, 1);
	if ((m->curl = curl_easy_init()) == NULL)
		g_error("could not create a curl handle");
	m->url = g_strdup(o->url);
	m->root = g_strndup(o->url, (gsize)(slash - o->url + 1));
	m->mailbox = g_strdup(slash + 1);
	m->user = g_strdup(o->user);
	m->password = g_strdup(o->password);
	m->ca_file = g_strdup(o->ca_file);
	m->starttls_required = o->starttls_required;
	m->tls = tls || o->starttls_required;
	m->timeout = o->timeout_seconds > 0 ? o->timeout_seconds : 60;
	if (m->password != NULL && !m->tls && !mail_url_is_loopback(m->url)) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "refusing to send the IMAP password to \"%s\" without TLS",
		    m->url);
		return NULL;
	}
	return g_steal_pointer(&m);
}

void
mail_imap_free(MailImap *m)
{
	if (m == NULL)
		return;
	if (m->curl != NULL)
		curl_easy_cleanup(m->curl);
	g_free(m->url);
	g_free(m->root);
	g_free(m->mailbox);
	g_free(m->user);
	if (m->password != NULL)
		memset(m->password, 0, strlen(m->password));
	g_free(m->password);
	g_free(m->ca_file);
	g_free(m);
}

static size_t
imap_write(char *data, size_t size, size_t nitems, void *arg)
{
	g_byte_array_append(arg, (const guint8 *)data, (guint)(size * nitems));
	return size * nitems;
}

/* Runs one transfer: url, with command as a custom request (NULL: fetch
 * what the URL names).  The untagged answer or the message goes into out. */
static gboolean
imap_perform(MailImap *m, const char *url, const char *command, GByteArray *out,
    GError **error)
{
	CURL *c = m->curl;
	CURLcode rc;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, MIN(m->timeout, 30L));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, m->timeout);
	curl_easy_setopt(c, CURLOPT_USE_SSL,
	    m->starttls_required ? (long)CURLUSESSL_ALL :
	                           (long)CURLUSESSL_NONE);
	if (m->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, m->ca_file);
	if (m->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    m->password != NULL ? m->password : "");
	}
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, command);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, imap_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, m->errbuf);
	m->errbuf[0] = '\0';
	rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, NULL);
	if (rc == CURLE_OK)
		return TRUE;
	g_set_error(error, SUMMIT_MAIL_ERROR,
	    rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED ||
	            rc == CURLE_PEER_FAILED_VERIFICATION ||
	            rc == CURLE_SSL_CACERT_BADFILE ||
	            rc == CURLE_URL_MALFORMAT ?
	        MAIL_ECONFIG :
	        MAIL_ETEMP,
	    "IMAP %s on %s: %s", command ? command : "FETCH", m->url,
	    m->errbuf[0] != '\0' ? m->errbuf : curl_easy_strerror(rc));
	return FALSE;
}

/* The number after "NAME " in s, or 0. */
static guint64
imap_number_after(const char *s, const char *name)
{
	const char *p = strstr(s, name);

	if (p == NULL)
		return 0;
	return g_ascii_strtoull(p + strlen(name), NULL, 10);
}

gboolean
mail_imap_status(MailImap *m, guint64 *uidvalidity, guint64 *uidnext,
    GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autofree char *cmd = g_strdup_printf(
	    "STATUS \"%s\" (UIDVALIDITY UIDNEXT)", m->mailbox);
	g_autofree char *text = NULL;

	/* A read begins on a new connection.  On the old one the mailbox
	 * stays selected, and the server's view of a selected mailbox only
	 * moves when the session is synchronised: dovecot answered STATUS
	 * and SEARCH as of the previous read, so summitd, polling on one
	 * connection, never saw a message that came after its first read. */
	curl_easy_cleanup(m->curl);
	if ((m->curl = curl_easy_init()) == NULL)
		g_error("could not create a curl handle");
	if (!imap_perform(m, m->root, cmd, out, error))
		return FALSE;
	text = g_strndup((const char *)out->data, out->len);
	*uidvalidity = imap_number_after(text, "UIDVALIDITY ");
	*uidnext = imap_number_after(text, "UIDNEXT ");
	if (*uidvalidity == 0 || *uidnext == 0) {
		g_autofree char *line = text_one_line(text);

		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ETEMP,
		    "IMAP STATUS on %s: no UIDVALIDITY/UIDNEXT in \"%s\"",
		    m->url, line);
		return FALSE;
	}
	return TRUE;
}

static int
imap_uid_cmp(gconstpointer a, gconstpointer b)
{
	guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * UIDs per SEARCH.  libcurl (pingpong.c) keeps only the first 40 bytes of
 * a response line longer than half its 16 KiB buffer when the line
 * arrives without its end in one read: a "* SEARCH" line of some 2,000
 * UIDs came back as its last few.  500 UIDs of up to 10 digits stay
 * under 6 KiB.
 */
#define IMAP_SEARCH_WINDOW 500

/* The UIDs of "* SEARCH" lines in text within from..to, appended. */
static void
imap_search_parse(const char *text, guint64 from, guint64 to, GArray *uids)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	char **l;

	for (l = lines; *l != NULL; l++) {
		g_auto(GStrv) words = NULL;
		char **w;

		if (!g_str_has_prefix(*l, "* SEARCH"))
			continue;
		words = g_strsplit_set(*l + 8, " \r", -1);
		for (w = words; *w != NULL; w++) {
			guint64 uid = g_ascii_strtoull(*w, NULL, 10);

			if (uid >= from && uid <= to && uid > 0)
				g_array_append_val(uids, uid);
		}
	}
}

GArray *
mail_imap_search(MailImap *m, guint64 from_uid, guint64 to_uid,
    const char *criteria, GError **error)
{
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(guint64));
	guint64 a, b;

	for (a = MAX(from_uid, 1); a <= to_uid; a = b + 1) {
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autofree char *cmd = NULL, *text = NULL;

		b = to_uid - a < IMAP_SEARCH_WINDOW ?
		    to_uid :
		    a + IMAP_SEARCH_WINDOW - 1;
		cmd = g_strdup_printf("UID SEARCH UID %" G_GUINT64_FORMAT
		                      ":%" G_GUINT64_FORMAT " %s",
		    a, b, criteria ? criteria : "");
		g_strchomp(cmd);
		if (!imap_perform(m, m->url, cmd, out, error)) {
			g_array_unref(uids);
			return NULL;
		}
		text = g_strndup((const char *)out->data, out->len);
		imap_search_parse(text, a, b, uids);
	}
	g_array_sort(uids, imap_uid_cmp);
	return uids;
}

GBytes *
mail_imap_fetch(MailImap *m, guint64 uid, GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autofree char *url = g_strdup_printf("%s/;UID=%" G_GUINT64_FORMAT,
	    m->url, uid);

	if (!imap_perform(m, url, NULL, out, error))
		return NULL;
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

gboolean
mail_imap_store(MailImap *m, const guint64 *uids, guint n, const char *change,
    GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GString) cmd = g_string_new("UID STORE ");
	guint i, j;

	/* A sequence set with runs as ranges: "3:7,9,12:13". */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && uids[j] == uids[j - 1] + 1; j++)
			;
		g_string_append_printf(cmd, "%s%" G_GUINT64_FORMAT,
		    i > 0 ? "," : "", uids[i]);
		if (j - 1 > i)
			g_string_append_printf(cmd, ":%" G_GUINT64_FORMAT,
			    uids[j - 1]);
	}
	g_string_append_printf(cmd, " %s", change);
	return imap_perform(m, m->url, cmd->str, out, error);
}
