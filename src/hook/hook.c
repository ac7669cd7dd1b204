/*
 * hook.c -- one webhook delivery: a JSON body POSTed with libcurl, signed
 * with HMAC-SHA256 over the timestamp and the body (hook.h), so a
 * receiver can check who sent it and refuse a replay of an old one.
 * A fresh handle per delivery: deliveries are few, to many hosts.
 */
#include "hook/hook.h"
#include "base/base.h"

#include <string.h>
#include <curl/curl.h>

G_DEFINE_QUARK(summit - hook - error - quark, hook_error)

static gsize hook_curl_initialised;

char *
hook_sign(const char *secret, gint64 timestamp, const char *body)
{
	g_autofree char *msg = g_strdup_printf("%" G_GINT64_FORMAT ".%s",
	    timestamp, body);
	g_autofree char *mac = token_hmac((const guint8 *)secret,
	    strlen(secret), msg);

	return g_strconcat("v1=", mac, NULL);
}

/* The answer's body is not read: only its status counts. */
static size_t
hook_discard(char *ptr, size_t size, size_t n, void *user)
{
	(void)ptr;
	(void)user;
	return size * n;
}

gboolean
hook_post(const char *url, const char *secret, const char *id, const char *kind,
    const char *body, long timeout_s, long *status, GError **error)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	g_autofree char *sig = hook_sign(secret, now, body);
	g_autofree char *h_id = g_strdup_printf(HOOK_HEADER_ID ": %s", id);
	g_autofree char *h_kind = g_strdup_printf(HOOK_HEADER_KIND ": %s",
	    kind);
	g_autofree char *h_time = g_strdup_printf(
	    HOOK_HEADER_TIME ": %" G_GINT64_FORMAT, now);
	g_autofree char *h_sig = g_strdup_printf(HOOK_HEADER_SIGNATURE ": %s",
	    sig);
	struct curl_slist *headers = NULL;
	CURLcode rc;
	CURL *curl;

	*status = 0;
	if (!g_str_has_prefix(url, "http://") &&
	    !g_str_has_prefix(url, "https://")) {
		g_set_error(error, SUMMIT_HOOK_ERROR, HOOK_EURL,
		    "not an http(s) URL");
		return FALSE;
	}
	if (g_once_init_enter(&hook_curl_initialised)) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			g_error("could not initialise libcurl");
		g_once_init_leave(&hook_curl_initialised, 1);
	}
	if ((curl = curl_easy_init()) == NULL) {
		g_set_error(error, SUMMIT_HOOK_ERROR, HOOK_ESEND,
		    "no libcurl handle");
		return FALSE;
	}
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "User-Agent: Summit-Webhook/1");
	headers = curl_slist_append(headers, h_id);
	headers = curl_slist_append(headers, h_kind);
	headers = curl_slist_append(headers, h_time);
	headers = curl_slist_append(headers, h_sig);
	/* No "Expect: 100-continue" wait on a small body. */
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
	/* A host that is down should not take the whole timeout. */
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, MIN(timeout_s, 5L));
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, hook_discard);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	else
		g_set_error(error, SUMMIT_HOOK_ERROR, HOOK_ESEND, "%s",
		    curl_easy_strerror(rc));
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return rc == CURLE_OK;
}
