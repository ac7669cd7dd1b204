/*
 * tmpl.h -- templates from templates/, escaping by default.
 *
 * A small mustache-like language, parsed once at load into a node tree
 * and rendered against a JSON context.  Syntax:
 *
 *	{{name}} {{a.b.c}}	value, escaped by the template's kind: a
 *				".html" template HTML-escapes & < > " ',
 *				a ".txt" template writes it as is
 *	{{name|url}}		value percent-encoded (RFC 3986 unreserved
 *				characters kept), for URL components
 *	{{name|num}}		a number as its reader reads it, in the
 *				language the context's "lang" names
 *				(text_number, base.h: 12 345 in nb, 12,345
 *				in en; doubles with up to two decimals);
 *				any other value as {{name}}
 *	{{name|day}}		a text starting with a date (YYYY-MM-DD,
 *				as app writes local times) with the
 *				weekday's name before it, from the
 *				context's t.weekday_1 (Monday) ..
 *				t.weekday_7, and a no-break space
 *	{{{name}}}		raw, never escaped: only for values our own
 *				code built and marked trusted (a context key
 *				holding HTML we generated), never user input
 *	{{.}}			the current section element (a scalar)
 *	{{#name}}..{{/name}}	section: array -> once per element, pushed;
 *				object -> once, pushed; true, non-zero number,
 *				non-empty string -> once, nothing pushed;
 *				null, missing, false, 0, "", [] -> skipped
 *	{{^name}}..{{/name}}	inverted: rendered exactly when {{#name}}
 *				would be skipped
 *	{{> other.html}}	includes another template of the set (it
 *				escapes by its own kind); nesting deeper
 *				than TMPL_MAX_DEPTH fails the render
 *	{{! comment }}		dropped
 *
 * Names are looked up through the section stack, innermost first; for a
 * dotted name only the first part walks the stack, the rest is resolved
 * inside the object found (mustache rules).  A missing value renders as
 * the empty string -- unless the set is strict (tmpl_set_strict, or
 * SUMMIT_STRICT_TEMPLATES=1 in the environment, which the tests set):
 * then a value tag whose name the context does not have fails the render
 * with TMPL_EMISSING.  A member that is there with null, false or "" is
 * not missing, and sections ({{#x}}, {{^x}}) over an absent name still
 * mean "if".  Integers render as integers, doubles with %g, booleans
 * as "true"/"false", objects and arrays as nothing.
 *
 * White space: a section, inverted, closing or comment tag that stands
 * alone on its line (only blanks around it) removes that whole line,
 * newline included, so .txt mails need no contortions.  Other tags never
 * touch white space.  There is no way to write a literal "{{".
 *
 * A set is immutable once built: concurrent tmpl_render calls on one set
 * are safe.  Contexts are only read: a render takes no reference to any
 * JSON object, node or array it reads (those reference counts are not
 * atomic), so read-only data shared between threads may be passed as
 * globals (tmpl_render_with) while each thread owns its own ctx.
 */
#ifndef SUMMIT_TMPL_H
#define SUMMIT_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#define SUMMIT_TMPL_ERROR (tmpl_error_quark())
GQuark tmpl_error_quark(void);

enum tmpl_err {
	TMPL_OK = 0,
	TMPL_ESYNTAX,   /* a template does not parse: "file:line: ..." */
	TMPL_ENOTFOUND, /* no template (or partial) of that name */
	TMPL_EDEPTH,    /* partials nested deeper than TMPL_MAX_DEPTH */
	TMPL_EIO,       /* a template directory or file could not be read */
	TMPL_EMISSING,  /* strict set: "file:line: no value ..." */
	TMPL__MAX
};

/* How deep {{> partial}} may nest at render time. */
#define TMPL_MAX_DEPTH 16
/* How deep sections may nest inside one template (parse time). */
#define TMPL_MAX_NEST 64

typedef struct tmpl_set TmplSet;

/*
 * Parses every *.html and *.txt file under dir, recursively; each template
 * is named by its path relative to dir ("event.html", "mail/confirm.txt").
 * Files whose name starts with '.' are skipped.  Any syntax error, invalid
 * UTF-8, or a {{> partial}} naming no template of the set fails the whole
 * load with TMPL_ESYNTAX and a message naming file and line; unreadable
 * files give TMPL_EIO.  Returns a new set (transfer full) or NULL.
 */
TmplSet *tmpl_set_load(const char *dir, GError **error);

/*
 * A new empty set, to be filled with tmpl_set_add (transfer full).  It is
 * strict when the environment has SUMMIT_STRICT_TEMPLATES=1 (read here,
 * once, before any thread renders), so the tests can make every set of
 * summitd and summitctl strict without a configuration key.
 */
TmplSet *tmpl_set_new(void);

/*
 * Makes rendering with set fail with TMPL_EMISSING ("template:line: no
 * value \"name\"") on a {{name}}, {{{name}}} or {{name|url}} that no frame
 * of the context has, instead of writing nothing.  For tests: pages must
 * not depend on names nobody sets.  Not thread-safe: call it before
 * sharing the set.
 */
void tmpl_set_strict(TmplSet *set, bool strict);

/*
 * Parses text (NUL-terminated, UTF-8) as template name and adds it to set,
 * replacing one of the same name.  The kind follows the name: ".txt" is not
 * escaped, anything else is HTML.  Partials may name templates added later.
 * Not thread-safe: build the set fully before sharing it.  Fails with
 * TMPL_ESYNTAX, leaving the set unchanged.
 */
gboolean tmpl_set_add(TmplSet *set, const char *name, const char *text,
    GError **error);

/* A set of the single template name parsed from text (for tests). */
TmplSet *tmpl_set_parse_string(const char *name, const char *text,
    GError **error);

/* Frees set and all its templates; NULL does nothing. */
void tmpl_set_free(TmplSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TmplSet, tmpl_set_free)

bool tmpl_set_has(const TmplSet *set, const char *name);

/*
 * Renders template name with ctx (may be NULL: everything is missing) and
 * appends the result to out.  Fails with TMPL_ENOTFOUND (unknown template
 * or partial), TMPL_EDEPTH or, in a strict set, TMPL_EMISSING; out may
 * then hold a partial result.  Safe to
 * call from many threads on one set; ctx is only read.
 */
gboolean tmpl_render(const TmplSet *set, const char *name, JsonObject *ctx,
    GString *out, GError **error);

/*
 * tmpl_render with globals: an object whose members are found when no
 * frame of ctx's section stack has the name (ctx wins), as if they were
 * members of ctx.  globals may be NULL.  It is only read -- never
 * referenced, copied or written -- so one globals object built before the
 * threads start (the language catalog) can serve every render at once;
 * json-glib's reference counts are not atomic, so putting such an object
 * into each request's ctx would not be safe.
 */
gboolean tmpl_render_with(const TmplSet *set, const char *name, JsonObject *ctx,
    JsonObject *globals, GString *out, GError **error);

/*
 * Appends s with & < > " ' as entities (&amp; &lt; &gt; &quot; &#39;).
 * s is assumed to be UTF-8 already checked at the edge; other bytes pass.
 * NULL appends nothing.
 */
void tmpl_escape_html(GString *out, const char *s);
/* Same for len bytes; a NUL byte becomes U+FFFD. */
void tmpl_escape_html_len(GString *out, const char *s, size_t len);

/*
 * Appends s percent-encoded for a URL component: A-Z a-z 0-9 - . _ ~ are
 * kept, every other byte becomes %XX (upper-case).  NULL appends nothing.
 */
void tmpl_escape_url(GString *out, const char *s);

#endif
