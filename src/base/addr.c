/*
 * addr.c -- client addresses: parsing, trusted-proxy networks, the
 * X-Forwarded-For choice and the key a per-address limit counts under.
 *
 * Pure functions on text, so that conf/ can check [server]
 * trusted_proxies and a unit test can reach every rule; web/ hands in the
 * peer address and the header.
 */
#include "base/base.h"

#include <arpa/inet.h>
#include <string.h>

/* ::ffff:a.b.c.d is IPv4: one client has one key, whatever the socket. */
static void
addr_unmap(struct addr *a)
{
	static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };

	if (a->family == ADDR_IPV6 && memcmp(a->bytes, mapped, 12) == 0) {
		memmove(a->bytes, a->bytes + 12, 4);
		memset(a->bytes + 4, 0, 12);
		a->family = ADDR_IPV4;
	}
}

bool
addr_parse(const char *s, struct addr *out)
{
	char buf[INET6_ADDRSTRLEN];
	size_t len;

	memset(out, 0, sizeof(*out));
	if (s == NULL || (len = strlen(s)) == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len + 1);
	if (inet_pton(AF_INET, buf, out->bytes) == 1) {
		out->family = ADDR_IPV4;
		return true;
	}
	/* No zone ids ("fe80::1%eth0"): inet_pton refuses them anyway. */
	if (inet_pton(AF_INET6, buf, out->bytes) == 1) {
		out->family = ADDR_IPV6;
		addr_unmap(out);
		return true;
	}
	return false;
}

bool
addr_net_parse(const char *s, struct addr_net *out)
{
	g_autofree char *host = NULL;
	const char *slash = strchr(s, '/');
	unsigned max;
	guint64 prefix;
	size_t i;

	memset(out, 0, sizeof(*out));
	host = slash ? g_strndup(s, (gsize)(slash - s)) : g_strdup(s);
	if (!addr_parse(host, &out->addr))
		return false;
	max = strchr(host, ':') != NULL ? 128 : 32;
	if (slash == NULL)
		prefix = max;
	else if (!g_ascii_string_to_unsigned(slash + 1, 10, 0, max, &prefix,
	             NULL))
		return false;
	/* "::ffff:10.0.0.0/104" names an IPv4 network: keep the bits that
	 * remain after the 96 of the mapping. */
	if (out->addr.family == ADDR_IPV4 && strchr(host, ':') != NULL) {
		if (prefix < 96)
			return false;
		prefix -= 96;
	}
	out->prefix = (unsigned)prefix;
	/* Host bits must be zero: "10.0.0.1/8" is most likely a typo. */
	for (i = 0; i < 16; i++) {
		unsigned bit = (unsigned)i * 8;
		guint8 mask = bit >= out->prefix ?
		    0 :
		    bit + 8 <= out->prefix ?
		    0xff :
		    (guint8)(0xff << (8 - (out->prefix - bit)));

		if ((out->addr.bytes[i] & (guint8)~mask) != 0)
			return false;
	}
	return true;
}

bool
addr_in_net(const struct addr *a, const struct addr_net *n)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;

	if (a->family != n->addr.family)
		return false;
	if (memcmp(a->bytes, n->addr.bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a->bytes[full] ^ n->addr.bytes[full]) &
	           (guint8)(0xff << (8 - rest))) == 0;
}

bool
addr_in_nets(const struct addr *a, const struct addr_net *nets, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_in_net(a, &nets[i]))
			return true;
	return false;
}

void
addr_format(const struct addr *a, char *out, size_t len)
{
	if (inet_ntop(a->family == ADDR_IPV4 ? AF_INET : AF_INET6, a->bytes,
	        out, (socklen_t)len) == NULL)
		g_strlcpy(out, "?", len);
}

void
addr_limit_key(const struct addr *a, char *out, size_t len)
{
	struct addr net = *a;

	if (net.family == ADDR_IPV6) {
		/* One customer usually holds a whole /64: count it as one. */
		memset(net.bytes + 8, 0, 8);
		addr_format(&net, out, len);
		if (strlen(out) + 4 < len)
			g_strlcat(out, "/64", len);
		return;
	}
	addr_format(&net, out, len);
}

bool
addr_forwarded_client(const char *peer, const char *xff,
    const struct addr_net *trusted, size_t ntrusted, char *out, size_t len)
{
	struct addr a, last;
	g_auto(GStrv) hops = NULL;
	guint n, i;

	if (!addr_parse(peer, &a)) {
		g_strlcpy(out, peer ? peer : "?", len);
		return false;
	}
	last = a;
	if (ntrusted == 0 || xff == NULL ||
	    !addr_in_nets(&a, trusted, ntrusted))
		goto done;
	/*
	 * Each proxy appends the address it saw, so the list is read from
	 * the right: the first entry not itself a trusted proxy is the
	 * client.  Anything left of it the client wrote and is ignored.  An
	 * entry that is not an address stops the walk at the last hop we
	 * could vouch for.
	 */
	hops = g_strsplit(xff, ",", -1);
	n = g_strv_length(hops);
	for (i = n; i > 0 && n - i < ADDR_MAX_HOPS; i--) {
		struct addr hop;
		char *h = g_strstrip(hops[i - 1]);

		if (!addr_parse(h, &hop))
			break;
		last = hop;
		if (!addr_in_nets(&hop, trusted, ntrusted))
			break;
	}
done:
	addr_format(&last, out, len);
	return true;
}
