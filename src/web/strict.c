/*
 * strict.c -- request framing checks on the access handler's first call,
 * when libmicrohttpd has read the headers and not yet a byte of body.
 *
 * libmicrohttpd 0.9.75 with MHD_OPTION_STRICT_FOR_CLIENT = 1 refuses an
 * HTTP/1.1 request without Host and a space in the request target; the
 * rest is ours.  Anything a proxy in front of us could read differently
 * (two lengths, a length and chunked, an unknown coding) is refused: that
 * disagreement is what request smuggling is made of.  The answer is sent
 * on the first call, so libmicrohttpd closes the connection after it and
 * never reads (or asks with "100 Continue" for) the body.
 */
#include "web/internal.h"

#include <string.h>

struct web_hdr {
	const char *key;
	size_t key_size;
	const char *value;
	size_t value_size;
};

#define WEB_MAX_HEADERS 128

struct web_hdrs {
	struct web_hdr h[WEB_MAX_HEADERS];
	size_t n;
	bool too_many;
};

static enum MHD_Result
web_collect(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct web_hdrs *hs = cls;

	(void)kind;
	if (hs->n == WEB_MAX_HEADERS) {
		hs->too_many = true;
		return MHD_NO;
	}
	hs->h[hs->n].key = key;
	hs->h[hs->n].key_size = key_size;
	hs->h[hs->n].value = value;
	hs->h[hs->n].value_size = value ? value_size : 0;
	hs->n++;
	return MHD_YES;
}

/* RFC 9110 5.6.2: a field name is a token. */
static bool
web_is_token(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* strchr would find the NUL that ends its string. */
		if (c == '\0' ||
		    (!g_ascii_isalnum(c) &&
		        strchr("!#$%&'*+-.^_`|~", c) == NULL))
			return false;
	}
	return true;
}

/* RFC 9110 5.5: no control characters in a field value but tab. */
static bool
web_is_field_value(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

/* True if bytes [from, to) are 1 to max NULs: line ends as libmicrohttpd
 * leaves them (CR and LF each overwritten with a NUL). */
static bool
web_only_line_ends(const char *from, const char *to, ptrdiff_t max)
{
	const char *p;

	if (to - from < 1 || to - from > max)
		return false;
	for (p = from; p < to; p++)
		if (*p != '\0')
			return false;
	return true;
}

/*
 * A NUL inside a header line is invisible in the values libmicrohttpd
 * 0.9.75 hands out: it cuts the line there with strlen() and drops the
 * rest.  But it parses in place, so each header's name follows the end
 * of the previous value after nothing but its line end.  Anything else
 * between them is the hidden rest of a line (or a folded line that it
 * copied elsewhere).  If the first name is not inside the header block
 * the layout is not the one we know, and we cannot tell: let it pass.
 */
static bool
web_headers_contiguous(struct MHD_Connection *conn, const char *method,
    const char *version, const struct web_hdrs *hs)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	const char *end, *prev;
	size_t i;

	if (ci == NULL || method == NULL || version == NULL)
		return true;
	end = method + ci->header_size;
	if (version < method || version >= end)
		return true;
	if (hs->n > 0 && (hs->h[0].key < version || hs->h[0].key >= end))
		return true;
	prev = version + strlen(version);
	for (i = 0; i < hs->n; i++) {
		const struct web_hdr *h = &hs->h[i];

		if (h->key < prev || h->key >= end || h->value == NULL)
			return false;
		if (!web_only_line_ends(prev, h->key, 2))
			return false;
		prev = h->value + h->value_size;
		if (prev > end)
			return false;
	}
	/* The last line's end and the empty line's. */
	return web_only_line_ends(prev, end, 4);
}

static bool
web_name_is(const struct web_hdr *h, const char *name)
{
	return h->key_size == strlen(name) &&
	    g_ascii_strncasecmp(h->key, name, h->key_size) == 0;
}

unsigned
web_strict_check(struct web *web, struct MHD_Connection *conn,
    const char *method, const char *version, const char **why, bool *chunked)
{
	/* On the stack and not zeroed: 4 KiB cleared on every request showed
	 * in profiles, and only the first n entries are ever read. */
	struct web_hdrs hdrs, *hs = &hdrs;
	const struct web_hdr *clen = NULL, *te = NULL, *expect = NULL;
	size_t i, nclen = 0, nte = 0, nhost = 0;
	bool http11 = g_strcmp0(version, MHD_HTTP_VERSION_1_1) == 0;
	unsigned status = 0;

	hs->n = 0;
	hs->too_many = false;
	*why = NULL;
	*chunked = false;
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, web_collect, hs);
	if (hs->too_many) {
		*why = "too many header fields";
		status = MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
		goto out;
	}
	for (i = 0; i < hs->n; i++) {
		const struct web_hdr *h = &hs->h[i];

		if (!web_is_token(h->key, h->key_size) ||
		    !web_is_field_value(h->value, h->value_size)) {
			*why = "a control character or bad name in a header";
			status = MHD_HTTP_BAD_REQUEST;
			goto out;
		}
		if (web_name_is(h, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
			clen = h;
			nclen++;
		} else if (web_name_is(h, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
			te = h;
			nte++;
		} else if (web_name_is(h, MHD_HTTP_HEADER_HOST))
			nhost++;
		else if (web_name_is(h, MHD_HTTP_HEADER_EXPECT))
			expect = h;
	}
	if (!web_headers_contiguous(conn, method, version, hs)) {
		*why = "a NUL or a folded line in a header";
		status = MHD_HTTP_BAD_REQUEST;
	} else if (nhost > 1 || (http11 && nhost == 0)) {
		*why = "no Host, or more than one";
		status = MHD_HTTP_BAD_REQUEST;
	} else if (nclen > 1 || nte > 1) {
		*why = "Content-Length or Transfer-Encoding twice";
		status = MHD_HTTP_BAD_REQUEST;
	} else if (te != NULL && clen != NULL) {
		*why = "both Content-Length and Transfer-Encoding";
		status = MHD_HTTP_BAD_REQUEST;
	} else if (te != NULL &&
	    (!http11 || te->value_size != 7 ||
	        g_ascii_strncasecmp(te->value, "chunked", 7) != 0)) {
		/* Only chunked, and only in HTTP/1.1 (RFC 9112 6.1). */
		*why = "a Transfer-Encoding other than chunked";
		status = MHD_HTTP_BAD_REQUEST;
	} else if (expect != NULL &&
	    (expect->value_size != 12 ||
	        g_ascii_strncasecmp(expect->value, "100-continue", 12) != 0)) {
		*why = "an Expect other than 100-continue";
		status = MHD_HTTP_EXPECTATION_FAILED;
	} else if (clen != NULL) {
		g_autofree char *v = g_strndup(clen->value, clen->value_size);
		guint64 n;

		if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, &n,
		        NULL)) {
			*why = "a Content-Length that is not a number";
			status = MHD_HTTP_BAD_REQUEST;
		} else if (n > (guint64)web->conf->max_body_bytes) {
			/* Before any of it is read, and never after a
			 * "100 Continue". */
			*why = "a body over max_body_bytes";
			status = MHD_HTTP_CONTENT_TOO_LARGE;
		}
	}
	*chunked = te != NULL;
out:
	return status;
}
