/*
 * tmpl.c -- parse templates once into node trees, render them many times.
 *
 * A template is an array of nodes (text, value, section, partial); a
 * section owns the array of its body.  The parser is a loop over "{{" with
 * an explicit stack of open sections, so deep nesting cannot exhaust the C
 * stack while parsing, and it is bounded by TMPL_MAX_NEST anyway.
 *
 * Rendering walks the tree and allocates nothing but the output: the
 * section context stack is a chain of frames on the C stack, and partials
 * are linked to their targets when the set is built, so a render does no
 * hash lookup beyond the JSON members it reads.  Nothing in the set is
 * written after it is built, which is what makes concurrent renders safe;
 * and a render only reads the JSON it is given, taking no reference, so
 * the caller's shared read-only objects (globals) stay untouched.
 *
 * A strict set (for tests) fails a render on a value tag whose name the
 * context lacks, naming template, line and name; the lookup tells a
 * missing name from a member that is there but null, so only the former
 * fails.  Sections are not checked: an absent name is their "false".
 *
 * Caveats: there is no delimiter change and no way to write "{{" as text;
 * values are assumed to be valid UTF-8 (json-glib checks what it parses).
 */
#include "tmpl/tmpl.h"

#include "base/base.h"

#include <string.h>

GQuark
tmpl_error_quark(void)
{
	return g_quark_from_static_string("summit-tmpl-error-quark");
}

enum node_kind {
	NODE_TEXT,     /* literal text */
	NODE_VAR,      /* {{name}}: escaped when the template is HTML */
	NODE_RAW,      /* {{{name}}} */
	NODE_URL,      /* {{name|url}} */
	NODE_NUM,      /* {{name|num}}: a number in the context's lang */
	NODE_DAY,      /* {{name|day}}: a date with its weekday before it */
	NODE_SECTION,  /* {{#name}}...{{/name}} */
	NODE_INVERTED, /* {{^name}}...{{/name}} */
	NODE_PARTIAL   /* {{> name}} */
};

struct tmpl;

struct tmpl_node {
	enum node_kind kind;
	unsigned line;              /* where the tag starts, for messages */
	bool html;                  /* NODE_VAR: escape for HTML */
	char *text;                 /* text, tag name or partial name */
	size_t len;                 /* NODE_TEXT: length of text */
	char **path;                /* name split at '.'; NULL for "." */
	GArray *body;               /* sections: struct tmpl_node */
	const struct tmpl *partial; /* NODE_PARTIAL: linked target */
};

struct tmpl {
	char *name;
	bool html;
	GArray *nodes; /* struct tmpl_node */
};

struct tmpl_set {
	GHashTable *by_name; /* name -> struct tmpl */
	bool strict;         /* a missing value fails the render */
};

/* What one render reads and never changes. */
struct render {
	bool strict;
	unsigned depth;          /* partials entered */
	const struct tmpl *tmpl; /* the template being walked, for messages */
};

/* One level of the section context stack, innermost first. */
struct frame {
	JsonNode *node;  /* the pushed element; NULL at the root */
	JsonObject *obj; /* its members, or NULL for a scalar */
	const struct frame *up;
};

static void
node_clear(gpointer p)
{
	struct tmpl_node *n = p;

	g_free(n->text);
	g_strfreev(n->path);
	if (n->body != NULL)
		g_array_unref(n->body);
}

static GArray *
nodes_new(void)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(struct tmpl_node));

	g_array_set_clear_func(a, node_clear);
	return a;
}

static void
tmpl_free(gpointer p)
{
	struct tmpl *t = p;

	if (t == NULL)
		return;
	g_free(t->name);
	if (t->nodes != NULL)
		g_array_unref(t->nodes);
	g_free(t);
}

/* Parsing. */

/*
 * Moves the line count from *lpos forward to pos; tags come in order, so a
 * whole parse counts each newline once.
 */
static unsigned
line_at(const char *src, size_t pos, size_t *lpos, unsigned *line)
{
	for (; *lpos < pos; (*lpos)++)
		if (src[*lpos] == '\n')
			(*line)++;
	return *line;
}

static bool
valid_name(const char *s)
{
	bool empty = true;

	if (strcmp(s, ".") == 0)
		return true;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (empty)
				return false;
			empty = true;
		} else if (g_ascii_isalnum(*s) || *s == '_' || *s == '-')
			empty = false;
		else
			return false;
	}
	return !empty;
}

static bool
valid_partial(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!g_ascii_isalnum(*s) && strchr("_-./", *s) == NULL)
			return false;
	return true;
}

static char **
name_path(const char *name)
{
	return strcmp(name, ".") == 0 ? NULL : g_strsplit(name, ".", -1);
}

/*
 * If the tag at [start, end) is alone on its line with only blanks around
 * it, widens the range to the whole line, newline included.
 */
static bool
standalone(const char *src, size_t *start, size_t *end)
{
	size_t a = *start, b = *end;

	while (a > 0 && (src[a - 1] == ' ' || src[a - 1] == '\t'))
		a--;
	if (a > 0 && src[a - 1] != '\n')
		return false;
	while (src[b] == ' ' || src[b] == '\t')
		b++;
	if (src[b] == '\r' && src[b + 1] == '\n')
		b += 2;
	else if (src[b] == '\n')
		b++;
	else if (src[b] != '\0')
		return false;
	*start = a;
	*end = b;
	return true;
}

/* An open section while parsing; level 0 is the template itself. */
struct level {
	GArray *nodes;
	char *name;
	enum node_kind kind;
	unsigned line;
};

static void
add_text(GArray *nodes, const char *src, size_t from, size_t to)
{
	struct tmpl_node n = { 0 };

	if (to <= from)
		return;
	n.kind = NODE_TEXT;
	n.text = g_strndup(src + from, to - from);
	n.len = to - from;
	g_array_append_val(nodes, n);
}

/*
 * Parses src into a node array (transfer full), or fails with TMPL_ESYNTAX
 * naming name and line.
 */
static GArray *
parse(const char *name, const char *src, bool html, GError **error)
{
	struct level lv[TMPL_MAX_NEST + 1];
	size_t d = 0, pos = 0, text = 0, lpos = 0;
	unsigned lcount = 1;
	GArray *result = NULL;

	lv[0].nodes = nodes_new();
	lv[0].name = NULL;
	for (;;) {
		const char *open, *close;
		size_t start, end, inner;
		bool raw;
		unsigned line;
		struct tmpl_node n = { 0 };
		g_autofree char *tag = NULL;
		char *arg;

		open = strstr(src + pos, "{{");
		if (open == NULL) {
			add_text(lv[d].nodes, src, text, strlen(src));
			break;
		}
		start = open - src;
		line = line_at(src, start, &lpos, &lcount);
		raw = open[2] == '{';
		inner = start + (raw ? 3 : 2);
		close = strstr(src + inner, raw ? "}}}" : "}}");
		if (close == NULL) {
			g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX,
			    "%s:%u: unterminated tag", name, line);
			goto out;
		}
		end = close - src + (raw ? 3 : 2);
		tag = g_strstrip(g_strndup(src + inner, close - src - inner));
		pos = end;

		if (raw) {
			if (!valid_name(tag))
				goto unknown;
			add_text(lv[d].nodes, src, text, start);
			n.kind = NODE_RAW;
			n.line = line;
			n.path = name_path(tag);
			n.text = g_steal_pointer(&tag);
			g_array_append_val(lv[d].nodes, n);
			text = pos;
			continue;
		}

		switch (tag[0]) {
		case '!':
		case '#':
		case '^':
		case '/':
			if (standalone(src, &start, &end))
				pos = end;
			/* The line's leading blanks go with the tag. */
			add_text(lv[d].nodes, src, text, MAX(start, text));
			text = pos;
			break;
		default:
			add_text(lv[d].nodes, src, text, start);
			text = pos;
			break;
		}

		/* Only sigil tags have an argument; a value tag stays whole. */
		arg = tag[0] != '\0' && strchr("!#^/>", tag[0]) != NULL ?
		    g_strstrip(tag + 1) :
		    tag;
		switch (tag[0]) {
		case '!':
			break;
		case '#':
		case '^':
			if (!valid_name(arg))
				goto unknown;
			if (d == TMPL_MAX_NEST) {
				g_set_error(error, SUMMIT_TMPL_ERROR,
				    TMPL_ESYNTAX,
				    "%s:%u: sections nested "
				    "deeper than %d",
				    name, line, TMPL_MAX_NEST);
				goto out;
			}
			d++;
			lv[d].nodes = nodes_new();
			lv[d].name = g_strdup(arg);
			lv[d].kind = tag[0] == '#' ? NODE_SECTION :
			                             NODE_INVERTED;
			lv[d].line = line;
			break;
		case '/':
			if (d == 0) {
				g_set_error(error, SUMMIT_TMPL_ERROR,
				    TMPL_ESYNTAX,
				    "%s:%u: \"{{/%.40s}}\" "
				    "closes no section",
				    name, line, arg);
				goto out;
			}
			if (strcmp(arg, lv[d].name) != 0) {
				g_set_error(error, SUMMIT_TMPL_ERROR,
				    TMPL_ESYNTAX,
				    "%s:%u: \"{{/%.40s}}\" "
				    "closes section \"%s\" opened on line %u",
				    name, line, arg, lv[d].name, lv[d].line);
				goto out;
			}
			n.kind = lv[d].kind;
			n.line = lv[d].line;
			n.path = name_path(lv[d].name);
			n.text = lv[d].name;
			n.body = lv[d].nodes;
			d--;
			g_array_append_val(lv[d].nodes, n);
			break;
		case '>':
			if (!valid_partial(arg))
				goto unknown;
			n.kind = NODE_PARTIAL;
			n.line = line;
			n.text = g_strdup(arg);
			g_array_append_val(lv[d].nodes, n);
			break;
		default: {
			char *bar = strchr(tag, '|');

			n.kind = NODE_VAR;
			if (bar != NULL) {
				*bar = '\0';
				g_strchomp(tag);
				const char *filter = g_strstrip(bar + 1);

				if (strcmp(filter, "num") == 0)
					n.kind = NODE_NUM;
				else if (strcmp(filter, "day") == 0)
					n.kind = NODE_DAY;
				else if (strcmp(filter, "url") == 0)
					n.kind = NODE_URL;
				else {
					g_set_error(error, SUMMIT_TMPL_ERROR,
					    TMPL_ESYNTAX,
					    "%s:%u: unknown "
					    "filter \"%.40s\"",
					    name, line, bar + 1);
					goto out;
				}
			}
			if (!valid_name(tag))
				goto unknown;
			n.line = line;
			n.html = html;
			n.path = name_path(tag);
			n.text = g_steal_pointer(&tag);
			g_array_append_val(lv[d].nodes, n);
			break;
		}
		}
		continue;
unknown:
		g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX,
		    "%s:%u: unknown tag \"%.*s\"", name, line,
		    (int)MIN(close - open + (raw ? 3 : 2), 60), open);
		goto out;
	}
	if (d > 0) {
		g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX,
		    "%s:%u: unclosed section \"%s\"", name, lv[d].line,
		    lv[d].name);
		goto out;
	}
	result = g_steal_pointer(&lv[0].nodes);
out:
	for (;; d--) {
		if (lv[d].nodes != NULL)
			g_array_unref(lv[d].nodes);
		g_free(lv[d].name);
		if (d == 0)
			break;
	}
	return result;
}

/* Building sets. */

static void
link_nodes(GHashTable *by_name, GArray *nodes)
{
	size_t i;

	for (i = 0; i < nodes->len; i++) {
		struct tmpl_node *n = &g_array_index(nodes, struct tmpl_node,
		    i);

		if (n->kind == NODE_PARTIAL)
			n->partial = g_hash_table_lookup(by_name, n->text);
		else if (n->body != NULL)
			link_nodes(by_name, n->body);
	}
}

/* Points every partial at its target again (a target may be new or gone). */
static void
link_set(TmplSet *set)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, set->by_name);
	while (g_hash_table_iter_next(&it, NULL, &v))
		link_nodes(set->by_name, ((struct tmpl *)v)->nodes);
}

static const struct tmpl_node *
find_unlinked(GArray *nodes)
{
	const struct tmpl_node *bad;
	size_t i;

	for (i = 0; i < nodes->len; i++) {
		const struct tmpl_node *n = &g_array_index(nodes,
		    struct tmpl_node, i);

		if (n->kind == NODE_PARTIAL && n->partial == NULL)
			return n;
		if (n->body != NULL && (bad = find_unlinked(n->body)) != NULL)
			return bad;
	}
	return NULL;
}

TmplSet *
tmpl_set_new(void)
{
	TmplSet *set = g_new0(TmplSet, 1);

	set->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    tmpl_free);
	/* Read once here, before any thread renders with the set. */
	set->strict = g_strcmp0(g_getenv("SUMMIT_STRICT_TEMPLATES"), "1") == 0;
	return set;
}

void
tmpl_set_strict(TmplSet *set, bool strict)
{
	set->strict = strict;
}

void
tmpl_set_free(TmplSet *set)
{
	if (set == NULL)
		return;
	g_hash_table_unref(set->by_name);
	g_free(set);
}

gboolean
tmpl_set_add(TmplSet *set, const char *name, const char *text, GError **error)
{
	struct tmpl *t;
	bool html = !g_str_has_suffix(name, ".txt");
	GArray *nodes;

	if (!g_utf8_validate(text, -1, NULL)) {
		g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX,
		    "%s: not valid UTF-8", name);
		return FALSE;
	}
	if ((nodes = parse(name, text, html, error)) == NULL)
		return FALSE;
	t = g_new0(struct tmpl, 1);
	t->name = g_strdup(name);
	t->html = html;
	t->nodes = nodes;
	/* The key is the template's own name, freed with it. */
	g_hash_table_replace(set->by_name, t->name, t);
	link_set(set);
	return TRUE;
}

TmplSet *
tmpl_set_parse_string(const char *name, const char *text, GError **error)
{
	g_autoptr(TmplSet) set = tmpl_set_new();

	if (!tmpl_set_add(set, name, text, error))
		return NULL;
	return g_steal_pointer(&set);
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define TMPL_MAX_DIRS 16 /* how deep template folders may nest */

static gboolean
load_dir(TmplSet *set, const char *root, const char *rel, unsigned depth,
    GError **error)
{
	g_autofree char *path = NULL;
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	const char *e;
	size_t i;

	path = rel != NULL ? g_build_filename(root, rel, NULL) : g_strdup(root);
	if ((dir = g_dir_open(path, 0, &err)) == NULL) {
		g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_EIO,
		    "could not open template directory \"%s\": %s", path,
		    err->message);
		return FALSE;
	}
	while ((e = g_dir_read_name(dir)) != NULL)
		if (e[0] != '.')
			g_ptr_array_add(names, g_strdup(e));
	/* Sorted, so the same tree always fails on the same file. */
	g_ptr_array_sort(names, cmp_str);

	for (i = 0; i < names->len; i++) {
		const char *base = g_ptr_array_index(names, i);
		g_autofree char *crel = NULL, *full = NULL, *text = NULL;
		gsize len;

		crel = rel != NULL ? g_strconcat(rel, "/", base, NULL) :
		                     g_strdup(base);
		full = g_build_filename(root, crel, NULL);
		if (g_file_test(full, G_FILE_TEST_IS_DIR)) {
			if (depth >= TMPL_MAX_DIRS) {
				g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_EIO,
				    "template directory \"%s\" nested too "
				    "deep",
				    full);
				return FALSE;
			}
			if (!load_dir(set, root, crel, depth + 1, error))
				return FALSE;
			continue;
		}
		if (!g_str_has_suffix(base, ".html") &&
		    !g_str_has_suffix(base, ".txt"))
			continue;
		if (!g_file_get_contents(full, &text, &len, &err)) {
			g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_EIO,
			    "could not read template \"%s\": %s", full,
			    err->message);
			return FALSE;
		}
		if (strlen(text) != len) {
			g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX,
			    "%s/%s: contains a NUL byte", root, crel);
			return FALSE;
		}
		if (!tmpl_set_add(set, crel, text, error)) {
			g_prefix_error(error, "%s/", root);
			return FALSE;
		}
	}
	return TRUE;
}

TmplSet *
tmpl_set_load(const char *dir, GError **error)
{
	g_autoptr(TmplSet) set = tmpl_set_new();
	GHashTableIter it;
	gpointer v;

	if (!load_dir(set, dir, NULL, 0, error))
		return NULL;
	g_hash_table_iter_init(&it, set->by_name);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct tmpl *t = v;
		const struct tmpl_node *n = find_unlinked(t->nodes);

		if (n != NULL) {
			g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_ESYNTAX,
			    "%s/%s:%u: no template \"%s\" to include", dir,
			    t->name, n->line, n->text);
			return NULL;
		}
	}
	return g_steal_pointer(&set);
}

bool
tmpl_set_has(const TmplSet *set, const char *name)
{
	return g_hash_table_contains(set->by_name, name);
}

/* Escaping. */

void
tmpl_escape_html_len(GString *out, const char *s, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		const char *ent;

		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		case '\0':
			ent = "\xEF\xBF\xBD"; /* U+FFFD, as HTML parsers do */
			break;
		default:
			continue;
		}
		g_string_append_len(out, s + run, i - run);
		g_string_append(out, ent);
		run = i + 1;
	}
	g_string_append_len(out, s + run, len - run);
}

void
tmpl_escape_html(GString *out, const char *s)
{
	if (s != NULL)
		tmpl_escape_html_len(out, s, strlen(s));
}

void
tmpl_escape_url(GString *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (g_ascii_isalnum(*p) || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			g_string_append_c(out, *p);
		} else {
			g_string_append_c(out, '%');
			g_string_append_c(out, hex[*p >> 4]);
			g_string_append_c(out, hex[*p & 15]);
		}
	}
}

/* Rendering. */

/*
 * The value path names, or NULL.  *missing says whether NULL means the
 * name is not there at all (rather than there and null): no frame has the
 * first part, a later part is not a member of the object found, or a
 * later part follows a scalar.  Below a null, everything is null.
 */
static JsonNode *
lookup_why(const struct frame *f, char *const *path, bool *missing)
{
	JsonNode *n = NULL;

	*missing = false;
	if (path == NULL) {
		*missing = f->node == NULL;
		return f->node;
	}
	for (; f != NULL; f = f->up)
		if (f->obj != NULL &&
		    (n = json_object_get_member(f->obj, path[0])) != NULL)
			break;
	for (path++; n != NULL && *path != NULL; path++) {
		if (JSON_NODE_HOLDS_NULL(n))
			return NULL;
		if (!JSON_NODE_HOLDS_OBJECT(n)) {
			*missing = true;
			return NULL;
		}
		n = json_object_get_member(json_node_get_object(n), *path);
	}
	if (n == NULL)
		*missing = true;
	return n;
}

static JsonNode *
lookup(const struct frame *f, char *const *path)
{
	bool missing;

	return lookup_why(f, path, &missing);
}

static bool
truthy(JsonNode *n)
{
	if (n == NULL)
		return false;
	switch (json_node_get_node_type(n)) {
	case JSON_NODE_OBJECT:
		return true;
	case JSON_NODE_ARRAY:
		return json_array_get_length(json_node_get_array(n)) > 0;
	case JSON_NODE_NULL:
		return false;
	case JSON_NODE_VALUE:
		break;
	}
	switch (json_node_get_value_type(n)) {
	case G_TYPE_BOOLEAN:
		return json_node_get_boolean(n);
	case G_TYPE_INT64:
		return json_node_get_int(n) != 0;
	case G_TYPE_DOUBLE:
		return json_node_get_double(n) != 0.0;
	case G_TYPE_STRING: {
		const char *s = json_node_get_string(n);

		return s != NULL && *s != '\0';
	}
	default:
		return false;
	}
}

/* {{name|num}}: numbers through text_number in the language the context
 * names ("lang"); anything else as {{name}}. */
static bool
put_number(GString *out, JsonNode *n, const struct frame *f)
{
	static char *const lang_path[] = { "lang", NULL };
	JsonNode *l = lookup(f, lang_path);
	const char *lang = l != NULL && JSON_NODE_HOLDS_VALUE(l) &&
	        json_node_get_value_type(l) == G_TYPE_STRING ?
	    json_node_get_string(l) :
	    NULL;

	if (json_node_get_value_type(n) == G_TYPE_INT64)
		text_number(out, json_node_get_int(n), lang);
	else if (json_node_get_value_type(n) == G_TYPE_DOUBLE)
		text_number_double(out, json_node_get_double(n), lang);
	else
		return false;
	return true;
}

/* The n decimal digits at s as *v; false if they are not all digits. */
static bool
digits(const char *s, int n, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		*v = *v * 10 + (unsigned)g_ascii_digit_value(s[i]);
	}
	return true;
}

/* {{name|day}}: a text that starts with a date, YYYY-MM-DD, gets the
 * weekday of that date before it, named by the context's t.weekday_1
 * (Monday) to t.weekday_7, and a no-break space; anything else, or no
 * name for the day, adds nothing. */
static void
put_weekday(GString *out, JsonNode *n, bool html, const struct frame *f)
{
	static char *const names[7][3] = { { "t", "weekday_1", NULL },
		{ "t", "weekday_2", NULL }, { "t", "weekday_3", NULL },
		{ "t", "weekday_4", NULL }, { "t", "weekday_5", NULL },
		{ "t", "weekday_6", NULL }, { "t", "weekday_7", NULL } };
	const char *s;
	unsigned y, m, d;
	GDateWeekday wd;
	GDate date;
	JsonNode *name;

	if (json_node_get_value_type(n) != G_TYPE_STRING ||
	    (s = json_node_get_string(n)) == NULL || !digits(s, 4, &y) ||
	    s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return;
	g_date_clear(&date, 1);
	g_date_set_dmy(&date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	wd = g_date_get_weekday(&date); /* G_DATE_MONDAY is 1 */
	name = lookup(f, names[wd - 1]);
	if (name == NULL || !JSON_NODE_HOLDS_VALUE(name) ||
	    json_node_get_value_type(name) != G_TYPE_STRING)
		return;
	if (html)
		tmpl_escape_html(out, json_node_get_string(name));
	else
		g_string_append(out, json_node_get_string(name));
	g_string_append(out, "\xc2\xa0"); /* U+00A0 NO-BREAK SPACE */
}

static void
put_value(GString *out, JsonNode *n, enum node_kind kind, bool html,
    const struct frame *f)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	const char *s;

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n))
		return;
	if (kind == NODE_NUM && put_number(out, n, f))
		return;
	if (kind == NODE_DAY)
		put_weekday(out, n, html, f);
	switch (json_node_get_value_type(n)) {
	case G_TYPE_STRING:
		s = json_node_get_string(n);
		break;
	case G_TYPE_INT64:
		g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT,
		    json_node_get_int(n));
		s = buf;
		break;
	case G_TYPE_DOUBLE:
		s = g_ascii_formatd(buf, sizeof(buf), "%g",
		    json_node_get_double(n));
		break;
	case G_TYPE_BOOLEAN:
		s = json_node_get_boolean(n) ? "true" : "false";
		break;
	default:
		return;
	}
	if (s == NULL)
		return;
	if (kind == NODE_URL)
		tmpl_escape_url(out, s);
	else if (kind != NODE_RAW && html)
		tmpl_escape_html(out, s);
	else
		g_string_append(out, s);
}

static gboolean
render_nodes(const GArray *nodes, const struct frame *f, const struct render *r,
    GString *out, GError **error)
{
	size_t i;

	for (i = 0; i < nodes->len; i++) {
		const struct tmpl_node *n = &g_array_index(nodes,
		    struct tmpl_node, i);
		struct render in;
		JsonNode *v;

		switch (n->kind) {
		case NODE_TEXT:
			g_string_append_len(out, n->text, n->len);
			break;
		case NODE_VAR:
		case NODE_RAW:
		case NODE_URL:
		case NODE_NUM:
		case NODE_DAY: {
			bool missing;

			v = lookup_why(f, n->path, &missing);
			if (missing && r->strict) {
				g_set_error(error, SUMMIT_TMPL_ERROR,
				    TMPL_EMISSING,
				    "%s:%u: no value \"%s\" in the "
				    "context (strict templates)",
				    r->tmpl->name, n->line, n->text);
				return FALSE;
			}
			put_value(out, v, n->kind, n->html, f);
			break;
		}
		case NODE_SECTION:
			v = lookup(f, n->path);
			if (v != NULL && JSON_NODE_HOLDS_ARRAY(v)) {
				JsonArray *a = json_node_get_array(v);
				guint j, len = json_array_get_length(a);

				for (j = 0; j < len; j++) {
					struct frame sub;

					sub.node = json_array_get_element(a, j);
					sub.obj = JSON_NODE_HOLDS_OBJECT(
					              sub.node) ?
					    json_node_get_object(sub.node) :
					    NULL;
					sub.up = f;
					if (!render_nodes(n->body, &sub, r, out,
					        error))
						return FALSE;
				}
			} else if (v != NULL && JSON_NODE_HOLDS_OBJECT(v)) {
				struct frame sub = { v, json_node_get_object(v),
					f };

				if (!render_nodes(n->body, &sub, r, out, error))
					return FALSE;
			} else if (truthy(v)) {
				if (!render_nodes(n->body, f, r, out, error))
					return FALSE;
			}
			break;
		case NODE_INVERTED:
			if (!truthy(lookup(f, n->path)) &&
			    !render_nodes(n->body, f, r, out, error))
				return FALSE;
			break;
		case NODE_PARTIAL:
			if (n->partial == NULL) {
				g_set_error(error, SUMMIT_TMPL_ERROR,
				    TMPL_ENOTFOUND,
				    "no template \"%s\" to "
				    "include",
				    n->text);
				return FALSE;
			}
			if (r->depth >= TMPL_MAX_DEPTH) {
				g_set_error(error, SUMMIT_TMPL_ERROR,
				    TMPL_EDEPTH,
				    "partials nested deeper "
				    "than %d at \"%s\"",
				    TMPL_MAX_DEPTH, n->text);
				return FALSE;
			}
			in = (struct render){ r->strict, r->depth + 1,
				n->partial };
			if (!render_nodes(n->partial->nodes, f, &in, out,
			        error))
				return FALSE;
			break;
		}
	}
	return TRUE;
}

gboolean
tmpl_render(const TmplSet *set, const char *name, JsonObject *ctx, GString *out,
    GError **error)
{
	return tmpl_render_with(set, name, ctx, NULL, out, error);
}

gboolean
tmpl_render_with(const TmplSet *set, const char *name, JsonObject *ctx,
    JsonObject *globals, GString *out, GError **error)
{
	const struct tmpl *t = g_hash_table_lookup(set->by_name, name);
	/* The globals are the outermost frame: every lookup ends there. */
	struct frame base = { NULL, globals, NULL };
	struct frame root = { NULL, ctx, globals != NULL ? &base : NULL };
	struct render r = { set->strict, 0, t };

	if (t == NULL) {
		g_set_error(error, SUMMIT_TMPL_ERROR, TMPL_ENOTFOUND,
		    "no template \"%s\"", name);
		return FALSE;
	}
	return render_nodes(t->nodes, &root, &r, out, error);
}
