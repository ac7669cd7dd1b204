/*
 * json_shared.c -- lets ThreadSanitizer see json-glib's reference counts.
 *
 * Linked into summitd and summitctl only in the ThreadSanitizer build
 * (build-tsan, scripts/test.sh; see docs/threads.md).  json-glib counts the
 * references of a JsonObject or JsonArray with a plain, non-atomic add
 * (json_node_ref alone is atomic), so an object that two threads ref or
 * unref at once without a lock between them can be freed while still in
 * use: summitd's shared language catalog did exactly that.  json-glib is
 * not built with TSan, so it cannot see those writes by itself.
 *
 * These definitions take the place of json-glib's for every call from our
 * code (the executable's symbols come first), tell TSan "this thread
 * writes the object" -- or reads it, for the accessors -- and call the
 * real function.  Two threads touching one object with no happens-before
 * between them (a pthread mutex, thread start or join) then make a report,
 * whether or not the count was actually corrupted this time.  Only the
 * address is reported to TSan; the memory itself is not touched.
 *
 * json-glib's calls to itself are bound inside the library and not seen;
 * our calls are what matters, as our code decides what is shared.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-glib/json-glib.h>

void __tsan_read1(void *addr);
void __tsan_write1(void *addr);

#define REAL(name) real_##name

/* Each wrapper: the real function's pointer, found once before main. */
#define WRAP(ret, name, kind, proto, args) \
	static ret(*REAL(name)) proto; \
	ret name proto \
	{ \
		if (self != NULL) \
			__tsan_##kind##1((void *)self); \
		return REAL(name) args; \
	}

#define WRAPV(name, kind, proto, args) \
	static void(*REAL(name)) proto; \
	void name proto \
	{ \
		if (self != NULL) \
			__tsan_##kind##1((void *)self); \
		REAL(name) args; \
	}

#define M const gchar *member
WRAP(JsonObject *, json_object_ref, write, (JsonObject * self), (self))
WRAPV(json_object_unref, write, (JsonObject * self), (self))
WRAP(JsonArray *, json_array_ref, write, (JsonArray * self), (self))
WRAPV(json_array_unref, write, (JsonArray * self), (self))

WRAPV(json_object_set_member, write, (JsonObject * self, M, JsonNode *n),
    (self, member, n))
WRAPV(json_object_set_string_member, write,
    (JsonObject * self, M, const gchar *v), (self, member, v))
WRAPV(json_object_set_int_member, write, (JsonObject * self, M, gint64 v),
    (self, member, v))
WRAPV(json_object_set_double_member, write, (JsonObject * self, M, gdouble v),
    (self, member, v))
WRAPV(json_object_set_boolean_member, write, (JsonObject * self, M, gboolean v),
    (self, member, v))
WRAPV(json_object_set_null_member, write, (JsonObject * self, M),
    (self, member))
WRAPV(json_object_set_object_member, write,
    (JsonObject * self, M, JsonObject *v), (self, member, v))
WRAPV(json_object_set_array_member, write, (JsonObject * self, M, JsonArray *v),
    (self, member, v))
WRAPV(json_object_remove_member, write, (JsonObject * self, M), (self, member))
WRAPV(json_array_add_element, write, (JsonArray * self, JsonNode *n), (self, n))
WRAPV(json_array_add_object_element, write, (JsonArray * self, JsonObject *v),
    (self, v))
WRAPV(json_array_add_string_element, write, (JsonArray * self, const gchar *v),
    (self, v))
WRAPV(json_array_add_int_element, write, (JsonArray * self, gint64 v),
    (self, v))

WRAP(JsonNode *, json_object_get_member, read, (JsonObject * self, M),
    (self, member))
WRAP(gboolean, json_object_has_member, read, (JsonObject * self, M),
    (self, member))
WRAP(const gchar *, json_object_get_string_member, read, (JsonObject * self, M),
    (self, member))
WRAP(JsonObject *, json_object_get_object_member, read, (JsonObject * self, M),
    (self, member))
WRAP(JsonArray *, json_object_get_array_member, read, (JsonObject * self, M),
    (self, member))
WRAP(JsonNode *, json_array_get_element, read, (JsonArray * self, guint i),
    (self, i))
WRAP(guint, json_array_get_length, read, (JsonArray * self), (self))
#undef M

static void
resolve(void **fn, const char *name)
{
	if ((*fn = dlsym(RTLD_NEXT, name)) == NULL) {
		fprintf(stderr, "json_shared: no %s in json-glib\n", name);
		abort();
	}
}

#define RESOLVE(name) resolve((void **)&REAL(name), #name)

/* Before main, so before any thread: the pointers are only read after. */
__attribute__((constructor)) static void
json_shared_init(void)
{
	RESOLVE(json_object_ref);
	RESOLVE(json_object_unref);
	RESOLVE(json_array_ref);
	RESOLVE(json_array_unref);
	RESOLVE(json_object_set_member);
	RESOLVE(json_object_set_string_member);
	RESOLVE(json_object_set_int_member);
	RESOLVE(json_object_set_double_member);
	RESOLVE(json_object_set_boolean_member);
	RESOLVE(json_object_set_null_member);
	RESOLVE(json_object_set_object_member);
	RESOLVE(json_object_set_array_member);
	RESOLVE(json_object_remove_member);
	RESOLVE(json_array_add_element);
	RESOLVE(json_array_add_object_element);
	RESOLVE(json_array_add_string_element);
	RESOLVE(json_array_add_int_element);
	RESOLVE(json_object_get_member);
	RESOLVE(json_object_has_member);
	RESOLVE(json_object_get_string_member);
	RESOLVE(json_object_get_object_member);
	RESOLVE(json_object_get_array_member);
	RESOLVE(json_array_get_element);
	RESOLVE(json_array_get_length);
}
