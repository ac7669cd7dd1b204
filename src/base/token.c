/*
 * token.c -- secrets in links and their hashes.
 *
 * Tokens are 128 bits from OpenSSL's CSPRNG, written as hex so they survive
 * any mail client's line wrapping and URL handling.  The database stores only
 * SHA-256 of a token, so a stolen dump opens no participant's page.
 */
#include "base/base.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static char *
hex_encode(const guint8 *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out = g_malloc(len * 2 + 1);
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	out[len * 2] = '\0';
	return out;
}

char *
token_new(void)
{
	guint8 raw[TOKEN_BYTES];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		fatalx("could not read random bytes from OpenSSL");
	return hex_encode(raw, sizeof(raw));
}

bool
token_is_wellformed(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < TOKEN_BYTES * 2; i++)
		if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
			return false;
	return s[i] == '\0';
}

char *
token_hash(const char *token)
{
	guint8 md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(token, strlen(token), md, &mdlen, EVP_sha256(), NULL) !=
	    1)
		fatalx("could not compute SHA-256");
	return hex_encode(md, mdlen);
}

char *
token_hmac(const guint8 *key, size_t keylen, const char *msg)
{
	guint8 md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const guint8 *)msg,
	        strlen(msg), md, &mdlen) == NULL)
		fatalx("could not compute HMAC-SHA256");
	return hex_encode(md, mdlen);
}

bool
token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return false;
	return CRYPTO_memcmp(a, b, la) == 0;
}

/* Crockford's base 32: no I, L, O, U, so nothing reads as something else. */
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void
token_code_new(char out[TOKEN_CODE_LEN + 1])
{
	guint8 raw[TOKEN_CODE_LEN * 5 / 8]; /* 80 bits */
	guint64 acc = 0;
	unsigned bits = 0, n = 0;
	size_t i;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		fatalx("could not read random bytes from OpenSSL");
	for (i = 0; i < sizeof(raw); i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = code_alphabet[(acc >> bits) & 31];
		}
	}
	out[n] = '\0';
}

bool
token_code_normalise(const char *in, char out[TOKEN_CODE_LEN + 1])
{
	size_t n = 0;
	char c;

	if (in == NULL)
		return false;
	for (; *in != '\0'; in++) {
		c = g_ascii_toupper(*in);
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (strchr(code_alphabet, c) == NULL || n == TOKEN_CODE_LEN)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == TOKEN_CODE_LEN || n == TOKEN_CODE_SHORT_LEN;
}
