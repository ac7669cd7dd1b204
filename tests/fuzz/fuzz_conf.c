/*
 * fuzz_conf.c -- the configuration parser (src/conf/): the input is
 * written to summit.conf in a private temporary folder and read with
 * conf_load, as summitd and summitctl read theirs.
 *
 * Properties: either a SUMMIT_CONF_ERROR, or a configuration whose
 * checked values hold (from address is an e-mail address, numbers within
 * the ranges conf.c promises for the ones checked here).
 */
#include "fuzz.h"
#include "base/base.h"
#include "conf/conf.h"

#include <glib/gstdio.h>

static char *dir, *path;

static void
cleanup(void)
{
	g_unlink(path);
	g_rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	g_unsetenv("SUMMIT_DATABASE_URL");
	dir = fuzz_tmpdir("conf");
	path = g_build_filename(dir, "summit.conf", NULL);
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(Conf) c = NULL;
	g_autoptr(GError) error = NULL;

	fuzz_write_file(path, data, size);
	c = conf_load(path, &error);
	if (c == NULL) {
		FUZZ_CHECK(error != NULL && error->domain == SUMMIT_CONF_ERROR);
		FUZZ_CHECK(error->code > CONF_OK && error->code < CONF__MAX);
		return 0;
	}
	FUZZ_CHECK(error == NULL);
	FUZZ_CHECK(text_check_email(c->mail_from) == TEXT_OK);
	FUZZ_CHECK(c->port >= 0 && c->port <= 65535);
	FUZZ_CHECK(c->threads >= 1 && c->threads <= 256);
	FUZZ_CHECK(c->pool_size >= 1 && c->pool_size <= 512);
	FUZZ_CHECK(c->max_body_bytes >= 1024 && c->max_body_bytes <= 16777216);
	FUZZ_CHECK(c->listen_address != NULL && c->database_url != NULL);
	FUZZ_CHECK(c->templates_dir != NULL && c->language != NULL);
	return 0;
}
