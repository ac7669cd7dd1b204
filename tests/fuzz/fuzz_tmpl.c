/*
 * fuzz_tmpl.c -- the template parser and renderer (src/tmpl/).  Templates
 * come from the operator's templates_dir, not from visitors, but a
 * template that crashes the loader or the renderer is still a crash, and
 * escaping must hold for any template.
 *
 * The input (minus its first byte) is parsed as "f.html", or as "f.txt"
 * when the first byte is odd, into a set that also holds the partial
 * "p.html", and rendered with a context of awkward values.
 * Properties: a parse or render either fails with a TMPL error or works;
 * an HTML template with no '<' and no "{{{" of its own renders no '<' at
 * all: every value is escaped, and escaping never lets markup through.
 */
#include "fuzz.h"
#include "tmpl/tmpl.h"

#include <string.h>

static const char ctx_json[] =
    "{\"x\": \"<evil> & \\\"q\\\" 'a'\", \"n\": 3, \"d\": 1.5, \"b\": true,"
    " \"f\": false, \"z\": 0, \"e\": \"\", \"null\": null,"
    " \"list\": [\"<a>\", \"b\", 7, null],"
    " \"objs\": [{\"x\": \"<in>\", \"y\": \"y\"}, {\"x\": \"%%\"}],"
    " \"o\": {\"x\": \"<o>\", \"o\": {\"x\": \"<oo>\"}},"
    " \"t\": {\"title\": \"Tittel <x> æøå\", \"url\": \"/a b?c=<d>\"}}";

static JsonObject *ctx;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	g_autoptr(JsonParser) p = json_parser_new();

	(void)argc;
	(void)argv;
	if (!json_parser_load_from_data(p, ctx_json, -1, NULL))
		abort();
	ctx = json_object_ref(json_node_get_object(json_parser_get_root(p)));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(TmplSet) set = tmpl_set_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *text = NULL;
	const char *name;
	bool html;

	if (size == 0)
		return 0;
	html = (data[0] & 1) == 0;
	name = html ? "f.html" : "f.txt";
	text = fuzz_cstr(data + 1, size - 1);
	if (!tmpl_set_add(set, "p.html",
	        "[{{x}}{{#list}}({{.}}){{/list}}{{o.x}}]", NULL))
		abort();
	if (!tmpl_set_add(set, name, text, &error)) {
		FUZZ_CHECK(error != NULL && error->domain == SUMMIT_TMPL_ERROR);
		FUZZ_CHECK(error->code == TMPL_ESYNTAX);
		FUZZ_CHECK(!tmpl_set_has(set, name));
		return 0;
	}
	FUZZ_CHECK(tmpl_set_has(set, name));
	if (!tmpl_render(set, name, ctx, out, &error)) {
		FUZZ_CHECK(error != NULL && error->domain == SUMMIT_TMPL_ERROR);
		FUZZ_CHECK(error->code == TMPL_ENOTFOUND ||
		    error->code == TMPL_EDEPTH);
		return 0;
	}
	if (html && strchr(text, '<') == NULL && strstr(text, "{{{") == NULL)
		FUZZ_CHECK(memchr(out->str, '<', out->len) == NULL);
	/* A missing context renders too. */
	g_string_truncate(out, 0);
	(void)tmpl_render(set, name, NULL, out, NULL);
	return 0;
}
