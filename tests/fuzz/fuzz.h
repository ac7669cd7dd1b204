/*
 * fuzz.h -- what every libFuzzer target in tests/fuzz/ shares.
 *
 * Each target is one .c file defining LLVMFuzzerTestOneInput; a property
 * that does not hold calls FUZZ_CHECK, which aborts so libFuzzer saves the
 * input as a crash.  Built only with -Dfuzz=true (docs/fuzzing.md).
 */
#ifndef SUMMIT_FUZZ_H
#define SUMMIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: property failed: %s\n", \
			    __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* The UTF-8 character after p (g_utf8_next_char casts const away). */
#define FUZZ_NEXT(p) ((p) + g_utf8_skip[*(const guchar *)(p)])

/* The input as a NUL-terminated string, cut at its first NUL (transfer
 * full). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	return g_strndup((const char *)data, size);
}

/*
 * Splits the input into at most n fields at each byte 0x1f (unit
 * separator), so one input can carry several values; missing fields are
 * empty strings, and a NUL inside a field ends it.  (transfer full, free
 * with g_strfreev)
 */
static inline char **
fuzz_fields(const uint8_t *data, size_t size, size_t n)
{
	char **f = g_new0(char *, n + 1);
	size_t i, k = 0, start = 0;

	for (i = 0; i <= size && k < n; i++) {
		if (i == size || data[i] == 0x1f) {
			f[k++] = g_strndup((const char *)data + start,
			    i - start);
			start = i + 1;
		}
	}
	for (; k < n; k++)
		f[k] = g_strdup("");
	return f;
}

/*
 * Writes len bytes to path, replacing it.  g_file_set_contents would
 * fsync on every call, which costs two orders of magnitude in speed.
 */
static inline void
fuzz_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

/* A private temporary folder, in memory when /dev/shm exists (transfer
 * full). */
static inline char *
fuzz_tmpdir(const char *what)
{
	g_autofree char *tmpl = g_strdup_printf("%s/summit-fuzz-%s-XXXXXX",
	    g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" :
	                                                  g_get_tmp_dir(),
	    what);
	char *dir = g_mkdtemp(tmpl);

	if (dir == NULL)
		abort();
	return g_steal_pointer(&tmpl);
}

#endif
