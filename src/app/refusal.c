/*
 * refusal.c -- what a use case tells its caller when the database refused
 * a value: which form field, and why, as a reason code.
 *
 * Every constraint of the schema has a name that says what it guards,
 * <table>_<columns>_<kind> (sql/009_schema_names.sql), and db/ keeps the
 * name with the error (db_error_constraint).  One table here maps the
 * names a user's input can trip to a field and a reason; web words a
 * reason from its catalogue (web_refusal_key) without looking at an error
 * message.  Field names are the forms' field
 * names, which are the columns' names, except where one field stands for
 * several rows: "sessions" for the ranking, "to_session" and "table" for
 * a seating move, "invitation_code" for the code a registrant typed.
 *
 * A foreign key reports the same constraint whether the new row names
 * something missing or a deleted row is still referred to; PostgreSQL
 * tells the two apart only in its translated message.  The table gives
 * the first meaning (not one of the event's); a use case that deletes
 * knows that a refusal there means APP_REASON_IN_USE.
 */
#include "app/internal.h"

#include <string.h>

struct refusal_rule {
	const char *constraint;
	const char *field; /* NULL: the whole form */
	enum app_reason reason;
};

/* Sorted by table, then constraint name, as in \d of psql. */
static const struct refusal_rule refusal_rules[] = {
	{ "assignment_pkey", "to_session", APP_REASON_TAKEN },
	{ "assignment_session_id_event_id_fkey", "to_session",
	    APP_REASON_INVALID },
	{ "assignment_table_no_check", "table", APP_REASON_RANGE },
	{ "event_capacity_check", "capacity", APP_REASON_RANGE },
	{ "event_description_en_check", "description_en", APP_REASON_LENGTH },
	{ "event_description_nb_check", "description_nb", APP_REASON_LENGTH },
	{ "event_ends_at_check", "ends_at", APP_REASON_ORDER },
	{ "event_invitation_mode_check", "invitation_mode",
	    APP_REASON_INVALID },
	{ "event_mailbox_check", "mailbox", APP_REASON_INVALID },
	{ "event_name_en_check", "name_en", APP_REASON_LENGTH },
	{ "event_name_nb_check", "name_nb", APP_REASON_LENGTH },
	{ "event_registration_closes_check", "registration_closes",
	    APP_REASON_ORDER },
	{ "event_slug_check", "slug", APP_REASON_INVALID },
	{ "event_slug_key", "slug", APP_REASON_TAKEN },
	{ "event_venue_check", "venue", APP_REASON_LENGTH },
	{ "invitation_code_code_check", "code", APP_REASON_INVALID },
	{ "invitation_code_code_key", "code", APP_REASON_TAKEN },
	{ "invitation_code_email_check", "email", APP_REASON_INVALID },
	{ "invitation_code_event_id_sector_fkey", "sector",
	    APP_REASON_INVALID },
	{ "invitation_code_max_uses_check", "max_uses", APP_REASON_RANGE },
	{ "invitation_code_used_check", "invitation_code", APP_REASON_FULL },
	{ "invitee_email_check", "email", APP_REASON_INVALID },
	{ "invitee_event_id_email_key", "email", APP_REASON_TAKEN },
	{ "invitee_event_id_sector_fkey", "sector", APP_REASON_INVALID },
	{ "invitee_name_check", "name", APP_REASON_INVALID },
	{ "organiser_email_check", "email", APP_REASON_INVALID },
	{ "organiser_email_key", "email", APP_REASON_TAKEN },
	{ "organiser_name_check", "name", APP_REASON_LENGTH },
	{ "organiser_role_check", "role", APP_REASON_INVALID },
	{ "participant_email_check", "email", APP_REASON_INVALID },
	{ "participant_event_id_email_key", "email", APP_REASON_TAKEN },
	{ "participant_event_id_sector_fkey", "sector", APP_REASON_INVALID },
	{ "participant_invitation_code_id_fkey", "invitation_code",
	    APP_REASON_INVALID },
	{ "participant_language_check", "language", APP_REASON_INVALID },
	{ "participant_name_check", "name", APP_REASON_LENGTH },
	{ "participant_needs_check", "needs", APP_REASON_LENGTH },
	{ "participant_organisation_check", "organisation", APP_REASON_LENGTH },
	{ "participant_role_check", "role", APP_REASON_LENGTH },
	{ "participant_sessions_wanted_check", "sessions_wanted",
	    APP_REASON_RANGE },
	{ "participant_status_check", "status", APP_REASON_INVALID },
	{ "placement_rule_kind_check", "kind", APP_REASON_INVALID },
	{ "placement_rule_pkey", NULL, APP_REASON_TAKEN },
	{ "placement_rule_session_id_event_id_fkey", "session_id",
	    APP_REASON_INVALID },
	{ "preference_participant_id_session_id_key", "sessions",
	    APP_REASON_INVALID },
	{ "preference_pkey", "sessions", APP_REASON_INVALID },
	{ "preference_rank_check", "sessions", APP_REASON_RANGE },
	{ "preference_session_id_event_id_fkey", "sessions",
	    APP_REASON_INVALID },
	{ "sector_code_check", "code", APP_REASON_INVALID },
	{ "sector_colour_check", "colour", APP_REASON_INVALID },
	{ "sector_name_en_check", "name_en", APP_REASON_LENGTH },
	{ "sector_name_nb_check", "name_nb", APP_REASON_LENGTH },
	{ "sector_pkey", "code", APP_REASON_TAKEN },
	{ "session_capacity_check", "capacity", APP_REASON_RANGE },
	{ "session_code_check", "code", APP_REASON_INVALID },
	{ "session_description_en_check", "description_en", APP_REASON_LENGTH },
	{ "session_description_nb_check", "description_nb", APP_REASON_LENGTH },
	{ "session_event_id_code_key", "code", APP_REASON_TAKEN },
	{ "session_org_limit_check", "org_limit", APP_REASON_RANGE },
	{ "session_room_check", "room", APP_REASON_LENGTH },
	{ "session_seats_per_table_check", "seats_per_table",
	    APP_REASON_RANGE },
	{ "session_sector_share_pct_check", "sector_share_pct",
	    APP_REASON_RANGE },
	{ "session_slot_id_event_id_fkey", "slot_id", APP_REASON_INVALID },
	{ "session_status_check", "status", APP_REASON_INVALID },
	{ "session_tables_check", "tables", APP_REASON_RANGE },
	{ "session_title_en_check", "title_en", APP_REASON_LENGTH },
	{ "session_title_nb_check", "title_nb", APP_REASON_LENGTH },
	{ "slot_ends_at_check", "ends_at", APP_REASON_ORDER },
	{ "slot_event_id_starts_at_ends_at_excl", "starts_at",
	    APP_REASON_OVERLAP },
};

/*
 * NOT NULL is no named constraint in PostgreSQL 15: its violation names
 * the column.  These are the required columns a form fills, so the field
 * can be a static string.
 */
static const char *const refusal_required[] = {
	"capacity",
	"code",
	"email",
	"ends_at",
	"mailbox",
	"name",
	"name_en",
	"name_nb",
	"organisation",
	"registration_closes",
	"registration_opens",
	"sector",
	"slot_id",
	"starts_at",
	"title_en",
	"title_nb",
};

static const char *const reason_names[APP_REASON__MAX] = {
	[APP_REASON_MISSING] = "missing",
	[APP_REASON_INVALID] = "invalid",
	[APP_REASON_RANGE] = "range",
	[APP_REASON_TAKEN] = "taken",
	[APP_REASON_OVERLAP] = "overlap",
	[APP_REASON_IN_USE] = "in_use",
	[APP_REASON_FULL] = "full",
	[APP_REASON_LENGTH] = "length",
	[APP_REASON_ORDER] = "order",
};

const char *
app_reason_name(enum app_reason r)
{
	if ((int)r <= 0 || r >= APP_REASON__MAX)
		return NULL;
	return reason_names[r];
}

gboolean
app_refusal_from_db(const GError *db_error, struct app_refusal *out)
{
	const char *name, *column;
	size_t i;

	if (db_error == NULL || db_error->domain != SUMMIT_DB_ERROR ||
	    (db_error->code != DB_ECONFLICT && db_error->code != DB_EINVALID))
		return FALSE;
	if ((name = db_error_constraint(db_error)) != NULL) {
		for (i = 0; i < G_N_ELEMENTS(refusal_rules); i++)
			if (strcmp(refusal_rules[i].constraint, name) == 0) {
				out->field = refusal_rules[i].field;
				out->reason = refusal_rules[i].reason;
				return TRUE;
			}
		return FALSE;
	}
	if ((column = db_error_column(db_error)) != NULL)
		for (i = 0; i < G_N_ELEMENTS(refusal_required); i++)
			if (strcmp(refusal_required[i], column) == 0) {
				out->field = refusal_required[i];
				out->reason = APP_REASON_MISSING;
				return TRUE;
			}
	return FALSE;
}
