/*
 * maildir.c -- delivery into a maildir folder, for the demo and tests.
 *
 * The maildir protocol: write under tmp/ with a unique name, fsync, then
 * rename into new/, so a reader never sees half a message.
 */
#include "mail/mail.h"
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

gboolean
mail_maildir_deliver(const char *maildir, const char *msg, GError **error)
{
	static gint counter;
	g_autofree char *tmpdir = g_build_filename(maildir, "tmp", NULL);
	g_autofree char *newdir = g_build_filename(maildir, "new", NULL);
	g_autofree char *name = NULL, *tmp = NULL, *dst = NULL;
	size_t len = strlen(msg), off = 0;
	int fd;

	if (g_mkdir_with_parents(tmpdir, 0700) != 0 ||
	    g_mkdir_with_parents(newdir, 0700) != 0 ||
	    g_mkdir_with_parents(maildir, 0700) != 0) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ETEMP,
		    "could not create maildir \"%s\": %s", maildir,
		    g_strerror(errno));
		return FALSE;
	}
	name = g_strdup_printf("%" G_GINT64_FORMAT ".%d_%d.summit",
	    g_get_real_time(), (int)getpid(), g_atomic_int_add(&counter, 1));
	tmp = g_build_filename(tmpdir, name, NULL);
	dst = g_build_filename(newdir, name, NULL);
	fd = g_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, msg + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || g_rename(tmp, dst) != 0)
		goto fail;
	return TRUE;
fail:
	g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_ETEMP,
	    "could not write to maildir \"%s\": %s", maildir,
	    g_strerror(errno));
	g_unlink(tmp);
	return FALSE;
}
