/*
 * statics.c -- the files of [server] static_dir (style sheet, scripts,
 * images): read into memory once by web_new, served from there under
 * /static/NAME with a content type by suffix and an hour's caching.
 *
 * Only plain files directly in the folder are read, so no request can
 * name anything else; the table is read-only once the threads start.
 */
#include "web/internal.h"

void
web_static(struct web_req *req, const char *name)
{
	GBytes *b = g_hash_table_lookup(req->web->statics, name);
	gsize len;
	const char *data;

	if (b == NULL) {
		web_error_page(req, MHD_HTTP_NOT_FOUND, "error_not_found");
		return;
	}
	data = g_bytes_get_data(b, &len);
	g_string_truncate(req->out, 0);
	g_string_append_len(req->out, data, (gssize)len);
	req->status = MHD_HTTP_OK;
	req->content_type = g_str_has_suffix(name, ".css") ?
	    "text/css; charset=utf-8" :
	    g_str_has_suffix(name, ".js")  ? "text/javascript; charset=utf-8" :
	    g_str_has_suffix(name, ".svg") ? "image/svg+xml" :
	                                     "application/octet-stream";
	web_add_header(req, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "public, max-age=3600");
}

gboolean
web_statics_load(struct web *web, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(web->conf->static_dir, 0, error);
	const char *name;

	if (d == NULL)
		return FALSE;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(web->conf->static_dir,
		    name, NULL);
		char *data;
		gsize len;

		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
			continue;
		if (!g_file_get_contents(path, &data, &len, error))
			return FALSE;
		g_hash_table_insert(web->statics, g_strdup(name),
		    g_bytes_new_take(data, len));
	}
	return TRUE;
}
