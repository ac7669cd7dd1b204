/*
 * allocate_db.c -- `summitctl allocate` against the event's database: a dry
 * run by default that shows what would change; --apply writes it.
 */
#include "app/app.h"
#include "base/base.h"
#include "ctl/ctl.h"

#include <stdio.h>

int
ctl_allocate_db(int argc, char **argv, const char *config_path)
{
	gboolean apply = FALSE, json = FALSE;
	gint keep_bonus = 1;
	GOptionEntry entries[] = {
		{ "apply", 0, 0, G_OPTION_ARG_NONE, &apply,
		    "write the new placements (default: a dry run)", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		    "print the figures as JSON", NULL },
		{ "keep-bonus", 0, 0, G_OPTION_ARG_INT, &keep_bonus,
		    "favour published placements (0: do not)", "N" },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    "- place the event's confirmed participants in sessions");
	g_autoptr(GError) error = NULL;
	struct ctl_env env;
	struct app_alloc_options opt;
	struct app_alloc_report rep = { 0 };
	int rc = 1;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 ||
	    keep_bonus < 0) {
		fprintf(stderr, "summitctl allocate: %s\n",
		    error ? error->message : "unexpected arguments");
		return 1;
	}
	if (!ctl_env_open(&env, config_path, false, false) ||
	    !ctl_env_event(&env, apply, &opt.event_id))
		goto out;
	opt = (struct app_alloc_options){ .apply = apply,
		.keep_bonus = (guint)keep_bonus,
		.event_id = opt.event_id };
	if (!app_allocate(env.app, &opt, &rep, &error)) {
		fprintf(stderr, "summitctl allocate: %s\n", error->message);
		goto out;
	}
	if (json) {
		g_autoptr(JsonParser) p = json_parser_new();
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonGenerator) gen = json_generator_new();
		g_autoptr(JsonNode) root = NULL;
		g_autofree char *text = NULL;

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "run_id");
		json_builder_add_int_value(b, rep.run_id);
		json_builder_set_member_name(b, "applied");
		json_builder_add_boolean_value(b, apply);
		json_builder_set_member_name(b, "added");
		json_builder_add_int_value(b, (gint64)rep.added);
		json_builder_set_member_name(b, "removed");
		json_builder_add_int_value(b, (gint64)rep.removed);
		json_builder_set_member_name(b, "kept");
		json_builder_add_int_value(b, (gint64)rep.kept);
		json_builder_set_member_name(b, "published_moved");
		json_builder_add_int_value(b, (gint64)rep.published_moved);
		json_builder_set_member_name(b, "figures");
		if (json_parser_load_from_data(p, rep.figures_json, -1, NULL))
			json_builder_add_value(b,
			    json_node_copy(json_parser_get_root(p)));
		else
			json_builder_add_null_value(b);
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		json_generator_set_root(gen, root);
		json_generator_set_pretty(gen, TRUE);
		text = json_generator_to_data(gen, NULL);
		printf("%s\n", text);
	} else {
		printf("%s", rep.figures);
		printf("participants (confirmed): %zu\n", rep.participants);
		printf(
		    "compared with the current placements: %zu new, %zu "
		    "removed, %zu kept (%zu at another table); %zu published "
		    "placements would move\n",
		    rep.added, rep.removed, rep.kept, rep.moved_tables,
		    rep.published_moved);
		printf("run %" G_GINT64_FORMAT " recorded; %s\n", rep.run_id,
		    apply ? "applied" :
		            "dry run: nothing changed "
		            "(use --apply to write it)");
	}
	rc = 0;
out:
	app_alloc_report_clear(&rep);
	ctl_env_close(&env);
	return rc;
}
