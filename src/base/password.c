/*
 * password.c -- organiser passwords with argon2id (libargon2).
 *
 * Parameters follow OWASP's recommendation for argon2id: 19 MiB of memory,
 * 2 iterations, 1 lane.  The result is the PHC string, which carries its
 * own parameters and salt, so raising the cost later keeps old hashes
 * verifiable.
 */
#include "base/base.h"

#include <argon2.h>
#include <string.h>
#include <openssl/rand.h>

#define PW_T_COST 2
#define PW_M_COST (19 * 1024) /* KiB */
#define PW_LANES 1
#define PW_SALT 16
#define PW_HASH 32

char *
password_hash(const char *password)
{
	guint8 salt[PW_SALT];
	size_t len = argon2_encodedlen(PW_T_COST, PW_M_COST, PW_LANES, PW_SALT,
	    PW_HASH, Argon2_id);
	char *out = g_malloc0(len + 1);
	int rc;

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		fatalx("could not read random bytes from OpenSSL");
	rc = argon2id_hash_encoded(PW_T_COST, PW_M_COST, PW_LANES, password,
	    strlen(password), salt, sizeof(salt), PW_HASH, out, len);
	if (rc != ARGON2_OK)
		fatalx("argon2id failed: %s", argon2_error_message(rc));
	return out;
}

bool
password_verify(const char *hash, const char *password)
{
	if (hash == NULL || !g_str_has_prefix(hash, "$argon2id$"))
		return false;
	return argon2id_verify(hash, password, strlen(password)) == ARGON2_OK;
}
