/*
 * test_addr.c -- client addresses: parsing, networks, the per-address
 * limit key and the X-Forwarded-For choice behind trusted proxies.
 */
#include "base/base.h"

#include <string.h>

static void
test_parse(void)
{
	struct addr a;
	char buf[ADDR_TEXT_MAX];

	g_assert_true(addr_parse("192.0.2.1", &a));
	g_assert_cmpint(a.family, ==, ADDR_IPV4);
	g_assert_true(addr_parse("2001:db8::1", &a));
	g_assert_cmpint(a.family, ==, ADDR_IPV6);
	/* A mapped IPv4 address is the IPv4 client it names. */
	g_assert_true(addr_parse("::ffff:192.0.2.1", &a));
	g_assert_cmpint(a.family, ==, ADDR_IPV4);
	addr_format(&a, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "192.0.2.1");
	g_assert_false(addr_parse("", &a));
	g_assert_false(addr_parse("unknown", &a));
	g_assert_false(addr_parse("192.0.2.1:80", &a));
	g_assert_false(addr_parse("[2001:db8::1]", &a));
	g_assert_false(addr_parse(" 192.0.2.1", &a));
	g_assert_false(addr_parse("192.0.2.256", &a));
	g_assert_false(addr_parse("fe80::1%eth0", &a));
}

static void
test_net(void)
{
	struct addr_net n;
	struct addr a;

	g_assert_true(addr_net_parse("10.0.0.0/8", &n));
	g_assert_cmpuint(n.prefix, ==, 8);
	g_assert_true(addr_parse("10.200.3.4", &a));
	g_assert_true(addr_in_net(&a, &n));
	g_assert_true(addr_parse("11.0.0.1", &a));
	g_assert_false(addr_in_net(&a, &n));
	g_assert_true(addr_net_parse("172.16.0.0/12", &n));
	g_assert_true(addr_parse("172.31.255.255", &a));
	g_assert_true(addr_in_net(&a, &n));
	g_assert_true(addr_parse("172.32.0.0", &a));
	g_assert_false(addr_in_net(&a, &n));
	g_assert_true(addr_net_parse("127.0.0.1", &n));
	g_assert_cmpuint(n.prefix, ==, 32);
	g_assert_true(addr_net_parse("0.0.0.0/0", &n));
	g_assert_true(addr_in_net(&a, &n));
	/* Families never match each other. */
	g_assert_true(addr_parse("::1", &a));
	g_assert_false(addr_in_net(&a, &n));
	g_assert_true(addr_net_parse("2001:db8::/32", &n));
	g_assert_true(addr_parse("2001:db8:ffff::7", &a));
	g_assert_true(addr_in_net(&a, &n));
	g_assert_true(addr_parse("2001:db9::7", &a));
	g_assert_false(addr_in_net(&a, &n));
	g_assert_true(addr_net_parse("::ffff:10.0.0.0/104", &n));
	g_assert_cmpint(n.addr.family, ==, ADDR_IPV4);
	g_assert_cmpuint(n.prefix, ==, 8);
	g_assert_true(addr_net_parse("::ffff:10.0.0.1", &n));
	g_assert_cmpuint(n.prefix, ==, 32);
	g_assert_false(addr_net_parse("::ffff:10.0.0.0/95", &n));
	/* Typos are errors, not a different network. */
	g_assert_false(addr_net_parse("10.0.0.1/8", &n));
	g_assert_false(addr_net_parse("10.0.0.0/33", &n));
	g_assert_false(addr_net_parse("10.0.0.0/", &n));
	g_assert_false(addr_net_parse("10.0.0.0/-1", &n));
	g_assert_false(addr_net_parse("10.0.0.0/8/8", &n));
	g_assert_false(addr_net_parse("10.0.0/8", &n));
	g_assert_false(addr_net_parse("2001:db8::/129", &n));
	g_assert_false(addr_net_parse("localhost", &n));
}

static void
test_limit_key(void)
{
	struct addr a, b;
	char ka[ADDR_TEXT_MAX], kb[ADDR_TEXT_MAX];

	g_assert_true(addr_parse("192.0.2.7", &a));
	addr_limit_key(&a, ka, sizeof(ka));
	g_assert_cmpstr(ka, ==, "192.0.2.7");
	/* Two addresses of one /64 share a key; the next /64 does not. */
	g_assert_true(addr_parse("2001:db8:1:2:aaaa::1", &a));
	g_assert_true(addr_parse("2001:db8:1:2:ffff:1:2:3", &b));
	addr_limit_key(&a, ka, sizeof(ka));
	addr_limit_key(&b, kb, sizeof(kb));
	g_assert_cmpstr(ka, ==, "2001:db8:1:2::/64");
	g_assert_cmpstr(ka, ==, kb);
	g_assert_true(addr_parse("2001:db8:1:3::1", &b));
	addr_limit_key(&b, kb, sizeof(kb));
	g_assert_cmpstr(ka, !=, kb);
}

static void
check_xff(const char *peer, const char *xff, const char *trusted,
    const char *want)
{
	g_auto(GStrv) t = g_strsplit(trusted, " ", -1);
	struct addr_net nets[8];
	size_t n = 0;
	char out[ADDR_TEXT_MAX];
	char **p;

	for (p = t; *p != NULL; p++)
		if (**p != '\0')
			g_assert_true(addr_net_parse(*p, &nets[n++]));
	g_assert_true(
	    addr_forwarded_client(peer, xff, nets, n, out, sizeof(out)));
	g_assert_cmpstr(out, ==, want);
}

static void
test_xff(void)
{
	char out[ADDR_TEXT_MAX];

	/* No trusted proxies: the header is never read. */
	check_xff("198.51.100.9", "203.0.113.5", "", "198.51.100.9");
	/* An untrusted peer cannot choose its address. */
	check_xff("198.51.100.9", "203.0.113.5", "10.0.0.0/8", "198.51.100.9");
	/* A trusted peer without the header: the peer. */
	check_xff("10.0.0.2", NULL, "10.0.0.0/8", "10.0.0.2");
	check_xff("10.0.0.2", "", "10.0.0.0/8", "10.0.0.2");
	/* One proxy: the last entry. */
	check_xff("10.0.0.2", "203.0.113.5", "10.0.0.0/8", "203.0.113.5");
	/* The client's own forged entries, left of it, are ignored. */
	check_xff("10.0.0.2", "1.2.3.4, 203.0.113.5", "10.0.0.0/8",
	    "203.0.113.5");
	check_xff("10.0.0.2", "10.9.9.9,203.0.113.5", "10.0.0.0/8",
	    "203.0.113.5");
	/* Two proxies: the rightmost entry not itself a proxy. */
	check_xff("10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.3", "10.0.0.0/8",
	    "203.0.113.5");
	check_xff("127.0.0.1", "203.0.113.5,  192.168.1.1",
	    "127.0.0.1 192.168.0.0/16", "203.0.113.5");
	/* Garbage stops the walk at the last hop we trust. */
	check_xff("10.0.0.2", "203.0.113.5, unknown", "10.0.0.0/8", "10.0.0.2");
	check_xff("10.0.0.2", "203.0.113.5, 10.0.0.3, 203.0.113.9:80",
	    "10.0.0.0/8", "10.0.0.2");
	check_xff("10.0.0.2", "x, 10.0.0.3", "10.0.0.0/8", "10.0.0.3");
	check_xff("10.0.0.2", ",", "10.0.0.0/8", "10.0.0.2");
	/* All trusted: the farthest proxy. */
	check_xff("10.0.0.2", "10.0.0.4, 10.0.0.3", "10.0.0.0/8", "10.0.0.4");
	/* IPv6 and mapped forms. */
	check_xff("::1", "2001:db8::5", "::1", "2001:db8::5");
	check_xff("::ffff:10.0.0.2", "::ffff:203.0.113.5", "10.0.0.0/8",
	    "203.0.113.5");
	/* A peer that is no address is returned as it came, and said so. */
	g_assert_false(
	    addr_forwarded_client("?", "1.2.3.4", NULL, 0, out, sizeof(out)));
	g_assert_cmpstr(out, ==, "?");
}

static void
test_xff_long(void)
{
	GString *xff = g_string_new("203.0.113.5");
	int i;

	/* More proxies than we follow: we stop at the 16th from the right
	 * and answer with that hop, never with a client-written entry. */
	for (i = 0; i < 40; i++)
		g_string_append_printf(xff, ", 10.0.0.%d", i + 10);
	check_xff("10.0.0.2", xff->str, "10.0.0.0/8", "10.0.0.34");
	g_string_free(xff, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/addr/parse", test_parse);
	g_test_add_func("/addr/net", test_net);
	g_test_add_func("/addr/limit-key", test_limit_key);
	g_test_add_func("/addr/xff", test_xff);
	g_test_add_func("/addr/xff-long", test_xff_long);
	return g_test_run();
}
