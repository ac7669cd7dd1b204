/*
 * test_tmpl.c -- unit tests for src/tmpl: escaping, sections, partials,
 * parse errors.
 *
 * Contexts are written as JSON text and parsed with json-glib, so each case
 * reads as template + data + expected output.  Directory loading is tested
 * on a temporary tree.
 */
#include "tmpl/tmpl.h"

#include <string.h>

#include <glib/gstdio.h>

static JsonObject *
ctx_new(const char *json)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autoptr(GError) err = NULL;

	g_assert_true(json_parser_load_from_data(p, json, -1, &err));
	g_assert_no_error(err);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)));
	return json_object_ref(json_node_get_object(json_parser_get_root(p)));
}

/* Renders text (as template name) with json; returns the output. */
static char *
render(const char *name, const char *text, const char *json)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = tmpl_set_parse_string(name, text, &err);
	g_autoptr(JsonObject) ctx = ctx_new(json != NULL ? json : "{}");
	GString *out = g_string_new(NULL);

	g_assert_no_error(err);
	g_assert_nonnull(set);
	g_assert_true(tmpl_render(set, name, ctx, out, &err));
	g_assert_no_error(err);
	return g_string_free(out, FALSE);
}

static void
check(const char *name, const char *text, const char *json, const char *want)
{
	g_autofree char *got = render(name, text, json);

	g_assert_cmpstr(got, ==, want);
}

/* Expects text not to parse, with message containing want. */
static void
check_parse_error(const char *text, const char *want)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = tmpl_set_parse_string("t.html", text, &err);

	g_assert_null(set);
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX);
	if (strstr(err->message, want) == NULL)
		g_error("message \"%s\" lacks \"%s\"", err->message, want);
}

static void
test_escape_html(void)
{
	static const char in[] = "\0\"&'<>";
	static const char want[] = "\xEF\xBF\xBD&quot;&amp;&#39;&lt;&gt;";
	g_autoptr(GString) out = g_string_new(NULL);

	tmpl_escape_html_len(out, in, sizeof(in) - 1);
	g_assert_cmpuint(out->len, ==, strlen(want));
	g_assert_cmpstr(out->str, ==, want);

	g_string_truncate(out, 0);
	tmpl_escape_html(out, "a<b>c & \"d\" 'e'");
	g_assert_cmpstr(out->str, ==,
	    "a&lt;b&gt;c &amp; &quot;d&quot; &#39;e&#39;");
	g_string_truncate(out, 0);
	tmpl_escape_html(out, "plain");
	tmpl_escape_html(out, "");
	tmpl_escape_html(out, NULL);
	g_assert_cmpstr(out->str, ==, "plain");
}

static void
test_escape_url(void)
{
	g_autoptr(GString) out = g_string_new(NULL);

	tmpl_escape_url(out, "AZaz09-._~ /?#&=+%\"<æ");
	g_assert_cmpstr(out->str, ==,
	    "AZaz09-._~%20%2F%3F%23%26%3D%2B%25%22%3C%C3%A6");
	check("t.html", "<a href=\"/e/{{slug|url}}?q={{ q | url }}\">",
	    "{\"slug\": \"a b/c\", \"q\": \"x&y=<z>\"}",
	    "<a href=\"/e/a%20b%2Fc?q=x%26y%3D%3Cz%3E\">");
}

static void
test_values(void)
{
	check("t.html", "<p>{{name}}</p>", "{\"name\": \"<b>Ann & 'Bo'\"}",
	    "<p>&lt;b&gt;Ann &amp; &#39;Bo&#39;</p>");
	check("t.html", "{{{name}}}", "{\"name\": \"<b>x</b>\"}", "<b>x</b>");
	check("t.html", "[{{ missing }}][{{a.b.missing}}]", "{\"a\": {}}",
	    "[][]");
	check("t.html",
	    "{{i}} {{n}} {{d}} {{big}} {{t}} {{f}} [{{z}}] "
	    "[{{o}}] [{{a}}]",
	    "{\"i\": 42, \"n\": -7, \"d\": 2.5, \"big\": 1e21, \"t\": true,"
	    " \"f\": false, \"z\": null, \"o\": {\"x\": 1}, \"a\": [1]}",
	    "42 -7 2.5 1e+21 true false [] [] []");
	check("t.html", "{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}",
	    "deep");
	check("t.html", "{{a.b.c}}", "{\"a\": {\"b\": \"str\"}}", "");
	check("t.html", "no tags at all\n", NULL, "no tags at all\n");
	check("t.html", "", NULL, "");
	check("t.html", "a {{! a comment with {braces} }}b", NULL, "a b");
	check("t.html", "single } and { braces", NULL, "single } and { braces");
}

static void
test_utf8(void)
{
	check("t.html", "æøå {{s}} ✓", "{\"s\": \"Ærøskøbing 🎉 <\"}",
	    "æøå Ærøskøbing 🎉 &lt; ✓");
	check("t.txt", "{{s}}", "{\"s\": \"Zoë 🎉\"}", "Zoë 🎉");
}

static void
test_txt_not_escaped(void)
{
	check("mail/confirm.txt", "Hi {{name}} & {{{name}}} {{u|url}}\n",
	    "{\"name\": \"<Ann & 'Bo'>\", \"u\": \"a b\"}",
	    "Hi <Ann & 'Bo'> & <Ann & 'Bo'> a%20b\n");
}

static void
test_sections(void)
{
	/* Arrays of objects, with outer names visible inside. */
	check("t.html", "{{#items}}<li>{{name}} of {{title}}</li>{{/items}}",
	    "{\"title\": \"T\", \"items\": [{\"name\": \"a\"},"
	    " {\"name\": \"<b>\"}]}",
	    "<li>a of T</li><li>&lt;b&gt; of T</li>");
	/* Arrays of scalars. */
	check("t.html", "{{#tags}}[{{.}}]{{/tags}}",
	    "{\"tags\": [\"x\", 2, \"<\"]}", "[x][2][&lt;]");
	/* An object is pushed once. */
	check("t.html", "{{#ev}}{{title}}/{{ev.title}}{{/ev}}",
	    "{\"ev\": {\"title\": \"E\"}}", "E/E");
	/* Scalars: rendered once when truthy, nothing pushed. */
	check("t.html",
	    "{{#t}}T{{/t}}{{#f}}F{{/f}}{{#n}}N{{/n}}"
	    "{{#z}}Z{{/z}}{{#s}}S{{/s}}{{#e}}E{{/e}}{{#nu}}U{{/nu}}"
	    "{{#missing}}M{{/missing}}{{#ea}}A{{/ea}}{{#d}}D{{/d}}",
	    "{\"t\": true, \"f\": false, \"n\": 3, \"z\": 0, \"s\": \"x\","
	    " \"e\": \"\", \"nu\": null, \"ea\": [], \"d\": 0.0}",
	    "TNS");
	/* Nesting, inner names shadow outer ones. */
	check("t.html", "{{#a}}{{x}}{{#b}}{{x}}{{y}}{{/b}}{{x}}{{/a}}",
	    "{\"x\": 0, \"y\": \"Y\", \"a\": {\"x\": 1, "
	    "\"b\": [{\"x\": 2}, {\"x\": 3}]}}",
	    "12Y3Y1");
	/* Arrays of arrays. */
	check("t.html", "{{#m}}({{#.}}{{.}}{{/.}}){{/m}}",
	    "{\"m\": [[1, 2], [3]]}", "(12)(3)");
	/* Dotted section names. */
	check("t.html", "{{#ev.rooms}}{{.}},{{/ev.rooms}}",
	    "{\"ev\": {\"rooms\": [\"A\", \"B\"]}}", "A,B,");
}

static void
test_inverted(void)
{
	const char *t = "{{^x}}none{{/x}}";

	check("t.html", t, "{}", "none");
	check("t.html", t, "{\"x\": null}", "none");
	check("t.html", t, "{\"x\": false}", "none");
	check("t.html", t, "{\"x\": []}", "none");
	check("t.html", t, "{\"x\": \"\"}", "none");
	check("t.html", t, "{\"x\": 0}", "none");
	check("t.html", t, "{\"x\": [1]}", "");
	check("t.html", t, "{\"x\": {}}", "");
	check("t.html", t, "{\"x\": true}", "");
	check("t.html", t, "{\"x\": \"a\"}", "");
	check("t.html", "{{#l}}{{.}}{{/l}}{{^l}}empty{{/l}}", "{\"l\": []}",
	    "empty");
}

static void
test_standalone(void)
{
	check("t.txt", "Rooms:\n  {{#rooms}}\n- {{.}}\n  {{/rooms}}\nEnd\n",
	    "{\"rooms\": [\"A\", \"B\"]}", "Rooms:\n- A\n- B\nEnd\n");
	check("t.txt", "a\n{{! note }}\r\nb\n", NULL, "a\nb\n");
	check("t.txt", "a\n{{^x}}\nnone\n{{/x}}", NULL, "a\nnone\n");
	/* Not alone on the line: the line stays as it is. */
	check("t.txt", "a {{#x}}X{{/x}} b\n", "{\"x\": true}", "a X b\n");
	check("t.txt", "{{#x}}X\n{{/x}}", "{\"x\": true}", "X\n");
	/* Value tags alone on a line keep their line. */
	check("t.txt", "{{v}}\n{{v}}\n", "{\"v\": 1}", "1\n1\n");
}

static void
test_partials(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = tmpl_set_new();
	g_autoptr(JsonObject) ctx = ctx_new(
	    "{\"title\": \"<T>\", \"items\": [{\"n\": 1}, {\"n\": 2}]}");
	g_autoptr(GString) out = g_string_new(NULL);

	g_assert_true(tmpl_set_add(set, "page.html",
	    "<h1>{{title}}</h1>{{#items}}{{> item.html}}{{/items}}"
	    "{{> foot.txt}}",
	    &err));
	g_assert_no_error(err);
	/* Not there yet: rendering page.html fails until it is added. */
	g_assert_true(
	    tmpl_set_add(set, "item.html", "<i>{{n}}{{title}}</i>", &err));
	g_assert_false(tmpl_render(set, "page.html", ctx, out, &err));
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_ENOTFOUND);
	g_clear_error(&err);
	g_assert_true(tmpl_set_add(set, "foot.txt", "[{{title}}]", &err));
	g_assert_true(tmpl_set_has(set, "foot.txt"));
	g_assert_false(tmpl_set_has(set, "nope.html"));

	g_string_truncate(out, 0);
	g_assert_true(tmpl_render(set, "page.html", ctx, out, &err));
	g_assert_no_error(err);
	/* The .txt partial escapes by its own kind. */
	g_assert_cmpstr(out->str, ==,
	    "<h1>&lt;T&gt;</h1><i>1&lt;T&gt;</i>"
	    "<i>2&lt;T&gt;</i>[<T>]");

	/* Replacing a template relinks the partials pointing at it. */
	g_assert_true(tmpl_set_add(set, "item.html", "({{n}})", &err));
	g_string_truncate(out, 0);
	g_assert_true(tmpl_render(set, "page.html", ctx, out, &err));
	g_assert_cmpstr(out->str, ==, "<h1>&lt;T&gt;</h1>(1)(2)[<T>]");

	g_assert_false(tmpl_render(set, "nope.html", ctx, out, &err));
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_ENOTFOUND);
}

static void
test_recursion(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = NULL;
	g_autoptr(JsonObject) ctx = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	/* Self-inclusion without an end. */
	set = tmpl_set_parse_string("loop.html", "x{{> loop.html}}", &err);
	g_assert_no_error(err);
	g_assert_false(tmpl_render(set, "loop.html", NULL, out, &err));
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_EDEPTH);
	/* 16 nested includes plus the top: 17 times "x", then the error. */
	g_assert_cmpstr(out->str, ==, "xxxxxxxxxxxxxxxxx");
	g_clear_error(&err);
	g_clear_pointer(&set, tmpl_set_free);
	g_string_truncate(out, 0);

	/* Recursion that ends within the limit: a tree 16 levels deep. */
	set = tmpl_set_parse_string("tree.html",
	    "{{#kids}}({{n}}{{> tree.html}}){{/kids}}", &err);
	g_assert_no_error(err);
	{
		GString *json = g_string_new("{");
		int i;

		for (i = 0; i < TMPL_MAX_DEPTH; i++)
			g_string_append_printf(json, "\"kids\": [{\"n\": %d, ",
			    i);
		g_string_append(json, "\"kids\": []");
		for (i = 0; i < TMPL_MAX_DEPTH; i++)
			g_string_append(json, "}]");
		g_string_append(json, "}");
		ctx = ctx_new(json->str);
		g_string_free(json, TRUE);
	}
	g_assert_true(tmpl_render(set, "tree.html", ctx, out, &err));
	g_assert_no_error(err);
	g_assert_true(g_str_has_prefix(out->str, "(0(1(2"));
	g_assert_true(g_str_has_suffix(out->str, "(15))))))))))))))))"));
}

/* {{n|num}}: numbers in the context's language, other values as they are. */
static void
test_num(void)
{
	check("t.html", "{{n|num}} {{d|num}} {{s|num}}",
	    "{\"lang\":\"nb\",\"n\":12345,\"d\":12.5,\"s\":\"<10000+>\"}",
	    "12\u202f345 12,5 &lt;10000+&gt;");
	check("t.html", "{{#a}}{{.|num}} {{/a}}",
	    "{\"lang\":\"en\",\"a\":[1000,2]}", "1,000 2 ");
	check("t.txt", "{{n|num}}", "{\"n\":-4321}", "-4,321");
}

/* {{at|day}}: the weekday of the date a text starts with, from t. */
static void
test_day(void)
{
	static const char *const t = "\"t\":{\"weekday_1\":\"man.\","
	                             "\"weekday_4\":\"<tor>\","
	                             "\"weekday_7\":\"søn.\"}";
	g_autofree char *a = g_strdup_printf(
	    "{%s,\"at\":\"2026-05-14 09:00\","
	    "\"b\":\"2026-05-17\",\"c\":\"09:00\","
	    "\"d\":\"2026-02-30 x\",\"e\":\"2026-05-12\"}",
	    t);

	/* 2026-05-14 is a Thursday, 2026-05-17 a Sunday. */
	check("t.html", "{{at|day}}|{{b|day}}|{{c|day}}|{{d|day}}|{{e|day}}", a,
	    "&lt;tor&gt;\u00a02026-05-14 09:00|søn.\u00a02026-05-17|09:00|"
	    "2026-02-30 x|2026-05-12");
	check("t.txt", "{{at|day}}", a, "<tor>\u00a02026-05-14 09:00");
}

static void
test_parse_errors(void)
{
	check_parse_error("abc {{name", "t.html:1: unterminated tag");
	check_parse_error("a\nb\n{{{raw}}", "t.html:3: unterminated tag");
	check_parse_error("a\n{{#x}}\nb\n", "t.html:2: unclosed section \"x\"");
	check_parse_error("{{#x}}{{#y}}\n{{/x}}{{/y}}",
	    "t.html:2: \"{{/x}}\" closes section \"y\" opened on line 1");
	check_parse_error("a\n\n\n{{/x}}", "t.html:4: \"{{/x}}\" closes no");
	check_parse_error("{{=<% %>=}}", "t.html:1: unknown tag");
	check_parse_error("\n{{&x}}", "t.html:2: unknown tag");
	check_parse_error("{{}}", "t.html:1: unknown tag");
	check_parse_error("{{a b}}", "unknown tag");
	check_parse_error("{{a..b}}", "unknown tag");
	check_parse_error("{{.a}}", "unknown tag");
	check_parse_error("{{#}}{{/}}", "unknown tag");
	check_parse_error("{{>}}", "unknown tag");
	check_parse_error("{{> a b}}", "unknown tag");
	check_parse_error("{{{a|url}}}", "unknown tag");
	check_parse_error("{{a|money}}", "unknown filter");
	check_parse_error("x\n{{a|html}}", "t.html:2: unknown filter \"html\"");
	check_parse_error("\xff", "not valid UTF-8");
}

static void
test_nesting_limit(void)
{
	g_autoptr(GString) ok = g_string_new(NULL);
	g_autoptr(GString) deep = g_string_new(NULL);
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = NULL;
	int i;

	for (i = 0; i < TMPL_MAX_NEST; i++)
		g_string_append(ok, "{{#a}}");
	for (i = 0; i < TMPL_MAX_NEST; i++)
		g_string_append(ok, "{{/a}}");
	set = tmpl_set_parse_string("t.html", ok->str, &err);
	g_assert_no_error(err);
	g_assert_nonnull(set);

	g_string_append(deep, "{{#a}}");
	g_string_append(deep, ok->str);
	g_string_append(deep, "{{/a}}");
	check_parse_error(deep->str, "nested deeper");
}

static char *
write_tree(void)
{
	g_autoptr(GError) err = NULL;
	char *dir = g_dir_make_tmp("test-tmpl-XXXXXX", &err);
	g_autofree char *mail = NULL;

	g_assert_no_error(err);
	mail = g_build_filename(dir, "mail", NULL);
	g_assert_cmpint(g_mkdir(mail, 0700), ==, 0);
	return dir;
}

static void
put_file(const char *dir, const char *rel, const char *text)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autoptr(GError) err = NULL;

	g_assert_true(g_file_set_contents(path, text, -1, &err));
}

static void
rm_tree(const char *dir)
{
	const char *files[] = { "event.html", "head.html", "mail/confirm.txt",
		"mail/bad.txt", "notes.md", ".hidden.html", "mail", NULL };
	size_t i;

	for (i = 0; files[i] != NULL; i++) {
		g_autofree char *p = g_build_filename(dir, files[i], NULL);

		g_remove(p);
	}
	g_rmdir(dir);
}

static void
test_load(void)
{
	g_autofree char *dir = write_tree();
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = NULL;
	g_autoptr(JsonObject) ctx = ctx_new("{\"name\": \"<Ann>\"}");
	g_autoptr(GString) out = g_string_new(NULL);

	put_file(dir, "event.html", "{{> head.html}}<p>{{name}}</p>\n");
	put_file(dir, "head.html", "<title>x</title>");
	put_file(dir, "mail/confirm.txt", "Dear {{name}},\n");
	put_file(dir, "notes.md", "{{ignored");
	put_file(dir, ".hidden.html", "{{ignored");

	set = tmpl_set_load(dir, &err);
	g_assert_no_error(err);
	g_assert_nonnull(set);
	g_assert_true(tmpl_set_has(set, "event.html"));
	g_assert_true(tmpl_set_has(set, "mail/confirm.txt"));
	g_assert_false(tmpl_set_has(set, "notes.md"));
	g_assert_false(tmpl_set_has(set, ".hidden.html"));
	g_assert_true(tmpl_render(set, "event.html", ctx, out, &err));
	g_assert_true(tmpl_render(set, "mail/confirm.txt", ctx, out, &err));
	g_assert_cmpstr(out->str, ==,
	    "<title>x</title><p>&lt;Ann&gt;</p>\nDear <Ann>,\n");
	g_clear_pointer(&set, tmpl_set_free);

	/* One bad file fails the whole load, naming file and line. */
	put_file(dir, "mail/bad.txt", "ok\nok\n{{#open}}\n");
	set = tmpl_set_load(dir, &err);
	g_assert_null(set);
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX);
	g_assert_nonnull(
	    strstr(err->message, "/mail/bad.txt:3: unclosed section \"open\""));
	g_clear_error(&err);
	put_file(dir, "mail/bad.txt", "fine\n");

	/* A partial naming no template fails the load too. */
	put_file(dir, "event.html", "\n{{> header.html}}");
	set = tmpl_set_load(dir, &err);
	g_assert_null(set);
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX);
	g_assert_nonnull(
	    strstr(err->message, "/event.html:2: no template \"header.html\""));
	g_clear_error(&err);

	rm_tree(dir);
	set = tmpl_set_load(dir, &err);
	g_assert_null(set);
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_EIO);
}

struct thread_arg {
	const TmplSet *set;
	JsonObject *ctx;
	const char *want;
};

static gpointer
render_thread(gpointer p)
{
	struct thread_arg *a = p;
	int i;

	for (i = 0; i < 2000; i++) {
		g_autoptr(GString) out = g_string_new(NULL);

		if (!tmpl_render(a->set, "t.html", a->ctx, out, NULL) ||
		    strcmp(out->str, a->want) != 0)
			return GINT_TO_POINTER(1);
	}
	return NULL;
}

static void
test_threads(void)
{
	g_autoptr(TmplSet) set = tmpl_set_parse_string("t.html",
	    "{{#l}}<{{a}}>{{/l}}", NULL);
	g_autoptr(JsonObject) ctx = ctx_new(
	    "{\"l\": [{\"a\": \"&\"}, {\"a\": 2}]}");
	struct thread_arg arg = { set, ctx, "<&amp;><2>" };
	GThread *t[4];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++)
		t[i] = g_thread_new("render", render_thread, &arg);
	for (i = 0; i < G_N_ELEMENTS(t); i++)
		g_assert_null(g_thread_join(t[i]));
}

/* Globals are found after every frame of ctx, in sections and partials,
 * and a render changes nothing in them. */
static void
test_globals(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = tmpl_set_new();
	g_autoptr(JsonObject) ctx = ctx_new(
	    "{\"a\": \"ctx\", \"l\": [{\"b\": \"row\"}, {}]}");
	g_autoptr(JsonObject) globals = ctx_new(
	    "{\"a\": \"global\", \"b\": \"g<b>\", \"t\": {\"hi\": \"Hei\"}}");
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(JsonNode) n = json_node_init_object(json_node_alloc(),
	    globals);
	g_autofree char *before = json_to_string(n, FALSE);
	g_autofree char *after = NULL;

	g_assert_true(tmpl_set_add(set, "p.html", "[{{t.hi}}]", &err));
	g_assert_true(tmpl_set_add(set, "t.html",
	    "{{a}} {{t.hi}}{{#l}} {{b}}{{/l}} {{> p.html}}{{^t}}no{{/t}}",
	    &err));
	g_assert_no_error(err);
	g_assert_true(tmpl_render_with(set, "t.html", ctx, globals, out, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(out->str, ==, "ctx Hei row g&lt;b&gt; [Hei]");
	/* Without globals, the same names are missing. */
	g_string_truncate(out, 0);
	g_assert_true(tmpl_render_with(set, "t.html", ctx, NULL, out, &err));
	g_assert_cmpstr(out->str, ==, "ctx  row  []no");
	after = json_to_string(n, FALSE);
	g_assert_cmpstr(before, ==, after);
}

struct globals_arg {
	const TmplSet *set;
	JsonObject *globals;
};

static gpointer
globals_thread(gpointer data)
{
	struct globals_arg *a = data;
	int i;

	for (i = 0; i < 2000; i++) {
		g_autoptr(JsonObject) ctx = json_object_new();
		g_autoptr(GString) out = g_string_new(NULL);

		json_object_set_int_member(ctx, "n", i);
		if (!tmpl_render_with(a->set, "t.html", ctx, a->globals, out,
		        NULL))
			return (gpointer) "render failed";
		if (strcmp(out->str, "Hei") != 0)
			return (gpointer) "wrong output";
	}
	return NULL;
}

/* Many threads share one globals object: under ThreadSanitizer or ASan a
 * reference taken per render would show here. */
static void
test_globals_threads(void)
{
	g_autoptr(TmplSet) set = tmpl_set_parse_string("t.html",
	    "{{#n}}{{/n}}{{t.hi}}", NULL);
	g_autoptr(JsonObject) globals = ctx_new("{\"t\": {\"hi\": \"Hei\"}}");
	struct globals_arg arg = { set, globals };
	GThread *t[4];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++)
		t[i] = g_thread_new("render", globals_thread, &arg);
	for (i = 0; i < G_N_ELEMENTS(t); i++)
		g_assert_null(g_thread_join(t[i]));
}

/* Renders name of set strictly with json; returns the error (or NULL). */
static GError *
strict_error(TmplSet *set, const char *name, const char *json)
{
	g_autoptr(JsonObject) ctx = ctx_new(json);
	g_autoptr(GString) out = g_string_new(NULL);
	GError *err = NULL;

	tmpl_set_strict(set, true);
	if (tmpl_render(set, name, ctx, out, &err))
		g_assert_no_error(err);
	return err;
}

/* Expects a strict render of text with json to give want. */
static void
check_strict(const char *text, const char *json, const char *want)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = tmpl_set_parse_string("t.html", text, &err);
	g_autoptr(JsonObject) ctx = ctx_new(json);
	g_autoptr(GString) out = g_string_new(NULL);

	g_assert_nonnull(set);
	tmpl_set_strict(set, true);
	g_assert_true(tmpl_render(set, "t.html", ctx, out, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(out->str, ==, want);
}

/* Expects a strict render of text with json to fail naming where. */
static void
check_missing(const char *text, const char *json, const char *where)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = tmpl_set_parse_string("t.html", text, &err);

	g_assert_nonnull(set);
	err = strict_error(set, "t.html", json);
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_EMISSING);
	if (strstr(err->message, where) == NULL)
		g_error("message \"%s\" lacks \"%s\"", err->message, where);
}

static void
test_strict(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(TmplSet) set = tmpl_set_new();
	g_autoptr(JsonObject) ctx = ctx_new("{\"title\": \"T\"}");
	g_autoptr(JsonObject) globals = ctx_new("{\"t\": {\"hi\": \"Hei\"}}");
	g_autoptr(GString) out = g_string_new(NULL);

	/* Every kind of value tag, named with template, line and name. */
	check_missing("a\n{{name}}", "{}", "t.html:2: no value \"name\"");
	check_missing("{{{raw}}}", "{}", "t.html:1: no value \"raw\"");
	check_missing("x\n\n{{q|url}}", "{}", "t.html:3: no value \"q\"");
	check_missing("{{a.b}}", "{\"a\": {}}", "no value \"a.b\"");
	check_missing("{{a.b}}", "{\"a\": \"str\"}", "no value \"a.b\"");
	check_missing("{{a.b}}", "{}", "no value \"a.b\"");
	check_missing("{{.}}", "{}", "no value \".\"");
	/* Inside a section the element's frame and the outer ones count. */
	check_missing("{{#l}}{{n}}{{/l}}", "{\"l\": [{\"n\": 1}, {}]}",
	    "t.html:1: no value \"n\"");

	/* Present with a null, false, empty or zero value is not missing. */
	check_strict("[{{z}}][{{f}}][{{e}}][{{i}}][{{o}}]",
	    "{\"z\": null, \"f\": false, \"e\": \"\", \"i\": 0, "
	    "\"o\": {}}",
	    "[][false][][0][]");
	check_strict("[{{a.b}}]", "{\"a\": null}", "[]");
	/* Sections over absent names mean "if"; inside one, outer names. */
	check_strict("{{#x}}{{nope}}{{/x}}{{^y}}no{{/y}}", "{}", "no");
	check_strict("{{#l}}{{.}}{{n}}{{/l}}", "{\"l\": [1, 2], \"n\": \"-\"}",
	    "1-2-");

	/* A partial's missing name is reported in the partial, and globals
	 * count as context. */
	g_assert_true(tmpl_set_add(set, "page.html",
	    "{{title}} {{t.hi}}\n{{> part.txt}}", &err));
	g_assert_true(tmpl_set_add(set, "part.txt", "\n\n{{gone}}", &err));
	g_assert_no_error(err);
	g_assert_true(
	    tmpl_render_with(set, "page.html", ctx, globals, out, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(out->str, ==, "T Hei\n\n\n");
	tmpl_set_strict(set, true);
	g_string_truncate(out, 0);
	g_assert_false(
	    tmpl_render_with(set, "page.html", ctx, globals, out, &err));
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_EMISSING);
	g_assert_cmpstr(err->message, ==,
	    "part.txt:3: no value \"gone\" in the context (strict templates)");
	g_clear_error(&err);
	g_assert_true(tmpl_set_add(set, "part.txt", "{{title}}", &err));
	g_string_truncate(out, 0);
	g_assert_true(
	    tmpl_render_with(set, "page.html", ctx, globals, out, &err));
	g_assert_no_error(err);
	/* Without the globals, t.hi is missing. */
	g_assert_false(tmpl_render(set, "page.html", ctx, out, &err));
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_EMISSING);
	g_clear_error(&err);
	/* And switched off again, missing renders as empty. */
	tmpl_set_strict(set, false);
	g_string_truncate(out, 0);
	g_assert_true(tmpl_render(set, "page.html", ctx, out, &err));
	g_assert_cmpstr(out->str, ==, "T \nT");
}

/* SUMMIT_STRICT_TEMPLATES=1 makes new sets strict (how the tests switch
 * summitd's sets on); anything else leaves them lenient. */
static void
test_strict_env(void)
{
	g_autoptr(TmplSet) lenient = NULL;
	g_autoptr(TmplSet) strict = NULL;
	g_autoptr(TmplSet) other = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GError) err = NULL;

	lenient = tmpl_set_parse_string("t.html", "[{{x}}]", NULL);
	g_setenv("SUMMIT_STRICT_TEMPLATES", "1", TRUE);
	strict = tmpl_set_parse_string("t.html", "[{{x}}]", NULL);
	g_setenv("SUMMIT_STRICT_TEMPLATES", "0", TRUE);
	other = tmpl_set_parse_string("t.html", "[{{x}}]", NULL);
	g_unsetenv("SUMMIT_STRICT_TEMPLATES");

	g_assert_true(tmpl_render(lenient, "t.html", NULL, out, &err));
	g_assert_true(tmpl_render(other, "t.html", NULL, out, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(out->str, ==, "[][]");
	g_assert_false(tmpl_render(strict, "t.html", NULL, out, &err));
	g_assert_error(err, SUMMIT_TMPL_ERROR, TMPL_EMISSING);
}

int
main(int argc, char **argv)
{
	/* The cases below expect lenient sets unless they ask otherwise. */
	g_unsetenv("SUMMIT_STRICT_TEMPLATES");
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tmpl/escape_html", test_escape_html);
	g_test_add_func("/tmpl/escape_url", test_escape_url);
	g_test_add_func("/tmpl/values", test_values);
	g_test_add_func("/tmpl/utf8", test_utf8);
	g_test_add_func("/tmpl/txt_not_escaped", test_txt_not_escaped);
	g_test_add_func("/tmpl/sections", test_sections);
	g_test_add_func("/tmpl/inverted", test_inverted);
	g_test_add_func("/tmpl/standalone", test_standalone);
	g_test_add_func("/tmpl/partials", test_partials);
	g_test_add_func("/tmpl/recursion", test_recursion);
	g_test_add_func("/tmpl/parse_errors", test_parse_errors);
	g_test_add_func("/tmpl/num", test_num);
	g_test_add_func("/tmpl/day", test_day);
	g_test_add_func("/tmpl/nesting_limit", test_nesting_limit);
	g_test_add_func("/tmpl/load", test_load);
	/* Before any thread exists: it changes the environment. */
	g_test_add_func("/tmpl/strict_env", test_strict_env);
	g_test_add_func("/tmpl/strict", test_strict);
	g_test_add_func("/tmpl/threads", test_threads);
	g_test_add_func("/tmpl/globals", test_globals);
	g_test_add_func("/tmpl/globals_threads", test_globals_threads);
	return g_test_run();
}
