/*
 * dkim.c -- DKIM signatures (RFC 6376): RSA-SHA256, relaxed/relaxed.
 *
 * The signer canonicalises the body and the chosen header fields the
 * "relaxed" way (3.4.2 and 3.4.4), hashes them, and prepends one
 * DKIM-Signature field folded to at most 78 octets a line.  The field is
 * hashed exactly as written, with the b= value empty; a verifier deletes
 * that value and unfolds, so where we fold does not matter.
 *
 * Caveats: the input is taken as RFC 5322 text with CRLF line ends (bare
 * LF is converted first); header fields longer than the message are not
 * our problem, but a missing From is, since RFC 6376 5.4 requires it to be
 * signed.  The key never leaves this file; the key file must be private to
 * its owner (STYLE.md 7, httpd's check_file_secrecy).
 */
#include "mail/mail.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

struct mail_dkim {
	char *domain;
	char *selector;
	EVP_PKEY *key;
};

/* Signed when present, in this order (RFC 6376 5.4.1). */
static const char *const dkim_headers[] = {
	"from",
	"to",
	"subject",
	"date",
	"message-id",
	"mime-version",
	"content-type",
};

struct header_field {
	const char *start; /* the name */
	size_t len;        /* up to, not including, the final CRLF */
	bool used;
};

static bool
dkim_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* A tag value we put into the signature as is: a DNS label list. */
static bool
dkim_valid_name(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 253)
		return false;
	for (; *s != '\0'; s++)
		if (!g_ascii_isalnum(*s) && *s != '.' && *s != '-' && *s != '_')
			return false;
	return true;
}

static char *
dkim_openssl_error(void)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_clear_error();
	if (e == 0)
		return g_strdup("unknown OpenSSL error");
	ERR_error_string_n(e, buf, sizeof(buf));
	return g_strdup(buf);
}

/* Encrypted keys are refused rather than prompted for on a terminal. */
static int
dkim_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

MailDkim *
mail_dkim_new(const char *domain, const char *selector,
    const char *private_key_pem_path, GError **error)
{
	g_autoptr(MailDkim) dkim = NULL;
	struct stat st;
	FILE *fp;
	int fd;

	if (!dkim_valid_name(domain) || !dkim_valid_name(selector)) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "invalid DKIM domain \"%s\" or selector \"%s\"",
		    domain ? domain : "", selector ? selector : "");
		return NULL;
	}
	fd = open(private_key_pem_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "could not open DKIM key \"%s\": %s", private_key_pem_path,
		    g_strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "DKIM key \"%s\" is not a private file (chmod 600)",
		    private_key_pem_path);
		close(fd);
		return NULL;
	}
	fp = fdopen(fd, "r");
	if (fp == NULL) {
		close(fd);
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "could not read DKIM key \"%s\": %s", private_key_pem_path,
		    g_strerror(errno));
		return NULL;
	}
	dkim = g_new0(MailDkim, 1);
	dkim->key = PEM_read_PrivateKey(fp, NULL, dkim_no_passphrase, NULL);
	fclose(fp);
	if (dkim->key == NULL) {
		g_autofree char *why = dkim_openssl_error();

		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "could not load DKIM key \"%s\": %s", private_key_pem_path,
		    why);
		return NULL;
	}
	if (!EVP_PKEY_is_a(dkim->key, "RSA") ||
	    EVP_PKEY_get_bits(dkim->key) < 1024) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "DKIM key \"%s\" is not an RSA key of 1024 bits or more",
		    private_key_pem_path);
		return NULL;
	}
	dkim->domain = g_strdup(domain);
	dkim->selector = g_strdup(selector);
	return g_steal_pointer(&dkim);
}

void
mail_dkim_free(MailDkim *dkim)
{
	if (dkim == NULL)
		return;
	EVP_PKEY_free(dkim->key);
	g_free(dkim->domain);
	g_free(dkim->selector);
	g_free(dkim);
}

char *
mail_dkim_dns_record(const MailDkim *dkim)
{
	unsigned char *der = NULL;
	g_autofree char *b64 = NULL;
	int len = i2d_PUBKEY(dkim->key, &der);

	if (len <= 0)
		g_error("could not encode the DKIM public key");
	b64 = g_base64_encode(der, (gsize)len);
	OPENSSL_free(der);
	return g_strdup_printf("v=DKIM1; k=rsa; p=%s", b64);
}

/* The message with every bare LF turned into CRLF. */
static GString *
dkim_crlf(const char *msg)
{
	GString *out = g_string_sized_new(strlen(msg) + 64);
	const char *p;

	for (p = msg; *p != '\0'; p++) {
		if (*p == '\n' && (p == msg || p[-1] != '\r'))
			g_string_append_c(out, '\r');
		g_string_append_c(out, *p);
	}
	return out;
}

/* RFC 6376 3.4.2: "name:value" CRLF, lower-case name, unfolded, runs of
 * white space as one SP, none around the colon or at the end. */
static void
dkim_canon_header(GString *out, const char *field, size_t len)
{
	const char *colon = memchr(field, ':', len);
	const char *end = field + len, *p, *name_end;
	bool space = false, started = false;

	name_end = colon;
	while (name_end > field && dkim_is_wsp(name_end[-1]))
		name_end--;
	for (p = field; p < name_end; p++)
		g_string_append_c(out, g_ascii_tolower(*p));
	g_string_append_c(out, ':');
	for (p = colon + 1; p < end; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		if (dkim_is_wsp(*p)) {
			space = started;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = false;
		started = true;
		g_string_append_c(out, *p);
	}
}

/* RFC 6376 3.4.4, relaxed body canonicalisation, into a SHA-256. */
static void
dkim_body_hash(const char *body, size_t len, guint8 *digest, gsize *dlen)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_autoptr(GString) line = g_string_new(NULL);
	const char *p = body, *end = body + len;
	size_t empty = 0;

	while (p < end) {
		const char *eol = g_strstr_len(p, end - p, "\r\n");
		const char *stop = eol != NULL ? eol : end;
		const char *c;
		bool space = false;

		g_string_truncate(line, 0);
		for (c = p; c < stop; c++) {
			if (dkim_is_wsp(*c)) {
				space = true;
				continue;
			}
			if (space)
				g_string_append_c(line, ' ');
			space = false;
			g_string_append_c(line, *c);
		}
		if (line->len == 0)
			empty++;
		else {
			for (; empty > 0; empty--)
				g_checksum_update(sum, (const guchar *)"\r\n",
				    2);
			g_checksum_update(sum, (const guchar *)line->str,
			    (gssize)line->len);
			g_checksum_update(sum, (const guchar *)"\r\n", 2);
		}
		p = eol != NULL ? eol + 2 : end;
	}
	g_checksum_get_digest(sum, digest, dlen);
}

/* Splits the header block into fields; false if there is no empty line
 * ending it.  *body_out points after that empty line. */
static bool
dkim_split(const char *msg, GArray *fields, const char **body_out)
{
	const char *p = msg;

	while (*p != '\0') {
		const char *eol = strstr(p, "\r\n");

		if (eol == NULL)
			return false;
		if (eol == p) {
			*body_out = p + 2;
			return true;
		}
		if (dkim_is_wsp(*p) && fields->len > 0) {
			struct header_field *f = &g_array_index(fields,
			    struct header_field, fields->len - 1);

			f->len = (size_t)(eol - f->start);
		} else {
			struct header_field f = { p, (size_t)(eol - p), false };

			if (memchr(p, ':', f.len) == NULL)
				return false;
			g_array_append_val(fields, f);
		}
		p = eol + 2;
	}
	return false;
}

static bool
dkim_name_is(const struct header_field *f, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (f->len <= n || g_ascii_strncasecmp(f->start, name, n) != 0)
		return false;
	for (p = f->start + n; p < f->start + f->len && dkim_is_wsp(*p); p++)
		;
	return p < f->start + f->len && *p == ':';
}

char *
mail_dkim_sign(const MailDkim *dkim, const char *message, GError **error)
{
	g_autoptr(GString) msg = dkim_crlf(message);
	g_autoptr(GArray) fields = g_array_new(FALSE, FALSE,
	    sizeof(struct header_field));
	g_autoptr(GString) hashed = g_string_new(NULL);
	g_autoptr(GString) names = g_string_new(NULL);
	g_autoptr(GString) sig = g_string_new(NULL);
	g_autofree char *bh = NULL, *b = NULL;
	g_autofree unsigned char *raw = NULL;
	const char *body = NULL;
	guint8 digest[32];
	gsize dlen = sizeof(digest), i, j;
	size_t rawlen = 0, blen, off;
	EVP_MD_CTX *ctx;
	bool ok;

	if (!dkim_split(msg->str, fields, &body)) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_EPERM,
		    "cannot sign a message without a header block");
		return NULL;
	}
	for (i = 0; i < G_N_ELEMENTS(dkim_headers); i++) {
		/* The last instance of each name (RFC 6376 5.4.2). */
		for (j = fields->len; j > 0; j--) {
			struct header_field *f = &g_array_index(fields,
			    struct header_field, j - 1);

			if (f->used || !dkim_name_is(f, dkim_headers[i]))
				continue;
			f->used = true;
			dkim_canon_header(hashed, f->start, f->len);
			g_string_append(hashed, "\r\n");
			g_string_append_printf(names, "%s%s",
			    names->len > 0 ? ":" : "", dkim_headers[i]);
			break;
		}
		if (i == 0 && names->len == 0) {
			g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_EPERM,
			    "cannot sign a message without a From header");
			return NULL;
		}
	}
	dkim_body_hash(body, msg->len - (size_t)(body - msg->str), digest,
	    &dlen);
	bh = g_base64_encode(digest, dlen);

	g_string_append_printf(sig,
	    "DKIM-Signature: v=1; a=rsa-sha256;"
	    " c=relaxed/relaxed; d=%s;\r\n\ts=%s; t=%" G_GINT64_FORMAT
	    ";\r\n\th=%s;\r\n\tbh=%s;\r\n\tb=",
	    dkim->domain, dkim->selector, g_get_real_time() / G_USEC_PER_SEC,
	    names->str, bh);
	dkim_canon_header(hashed, sig->str, sig->len);

	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL &&
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, dkim->key) == 1 &&
	    EVP_DigestSign(ctx, NULL, &rawlen,
	        (const unsigned char *)hashed->str, hashed->len) == 1;
	if (ok) {
		raw = g_malloc(rawlen);
		ok = EVP_DigestSign(ctx, raw, &rawlen,
		         (const unsigned char *)hashed->str, hashed->len) == 1;
	}
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		g_autofree char *why = dkim_openssl_error();

		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ECONFIG,
		    "could not sign with the DKIM key: %s", why);
		return NULL;
	}
	b = g_base64_encode(raw, rawlen);
	blen = strlen(b);
	/* "\tb=" then 72 characters a line: 76 octets with the tab. */
	for (off = 0; off < blen; off += 72) {
		if (off > 0)
			g_string_append(sig, "\r\n\t");
		g_string_append_len(sig, b + off, (gssize)MIN(72, blen - off));
	}
	g_string_append(sig, "\r\n");
	g_string_append_len(sig, msg->str, (gssize)msg->len);
	return g_string_free(g_steal_pointer(&sig), FALSE);
}
