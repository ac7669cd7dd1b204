/*
 * answer.c -- participants' answers to their invitations: one use case
 * records an answer, whether it comes from the participant's page or
 * from a calendar client's iTIP REPLY; the participant's page reads their
 * programme with the answers; organisers read the counts.
 *
 * The story of an answer: the invitation it answers is locked; an answer
 * to an older SEQUENCE than the one last sent, or to an invitation that
 * no longer stands, is ignored; anything else is added to the history.
 * A decline frees the seat as an organiser's removal does (seating.c's
 * ban) and queues the cancellation publishing would queue for a removed
 * placement, in the same transaction.  A decline first takes the event's
 * allocation lock, before any row lock, in the order publishing and
 * allocation runs take them.
 */
#include "app/internal.h"
#include "base/base.h"

#include <string.h>

static const char *const partstat_names[APP_PARTSTAT__MAX] = {
	[APP_PARTSTAT_NEEDS_ACTION] = "NEEDS-ACTION",
	[APP_PARTSTAT_ACCEPTED] = "ACCEPTED",
	[APP_PARTSTAT_DECLINED] = "DECLINED",
	[APP_PARTSTAT_TENTATIVE] = "TENTATIVE",
};
static const char *const source_names[APP_ANSWER__MAX] = {
	[APP_ANSWER_PAGE] = "page",
	[APP_ANSWER_CALENDAR] = "calendar",
};

const char *
app_partstat_name(enum app_partstat p)
{
	return (unsigned)p < APP_PARTSTAT__MAX ? partstat_names[p] : NULL;
}

gboolean
app_partstat_parse(const char *s, enum app_partstat *out)
{
	unsigned i;

	for (i = 0; s != NULL && i < APP_PARTSTAT__MAX; i++)
		if (g_ascii_strcasecmp(s, partstat_names[i]) == 0) {
			*out = i;
			return TRUE;
		}
	return FALSE;
}

static gboolean
refuse(struct app_refusal *refusal, const char *field, GError **error)
{
	if (refusal != NULL)
		*refusal = (struct app_refusal){ field, APP_REASON_RANGE };
	g_set_error(error, SUMMIT_APP_ERROR, APP_EINVALID, "%s out of range",
	    field);
	return FALSE;
}

struct answer_unit {
	const struct app_answer *a;
	const char *token; /* the page: whose answer (a's participant 0) */
	gint64 participant_id;
	struct app_answer_result *out;
	struct app_refusal *refusal;
};

/* Inside app_tx_audited: the story above. */
static gboolean
answer_run(const struct app *app, DbConn *conn, struct app_change *ch,
    gpointer user, GError **error)
{
	struct answer_unit *u = user;
	const struct app_answer *a = u->a;
	const bool decline = a->partstat == APP_PARTSTAT_DECLINED;
	g_autoptr(GError) dberr = NULL;
	g_autoptr(JsonObject) inv = NULL;
	gint64 event_id = 0, pid = a->participant_id, sid = a->session_id;
	gint64 at = a->at > 0 ? a->at : g_get_real_time() / G_USEC_PER_SEC;

	(void)app;
	*u->out = (struct app_answer_result){ APP_ANSWER_CLOSED, false, 0 };
	ch->action = NULL; /* only a decline changes what organisers audit */
	if (u->token != NULL) {
		g_autofree char *hash = token_hash(u->token);
		g_autoptr(JsonObject) p = db_participant_by_token(conn, hash,
		    false, &dberr);

		if (p == NULL)
			goto dbfail;
		pid = db_int(p, "id");
	}
	u->participant_id = pid;
	if (decline &&
	    (!db_participant_event_id(conn, pid, &event_id, &dberr) ||
	        !db_alloc_lock(conn, event_id, &dberr)))
		goto dbfail;
	if ((inv = db_invitation_lock(conn, pid, sid, &dberr)) == NULL)
		goto dbfail;
	if (a->sequence > db_int(inv, "sequence"))
		return refuse(u->refusal, "sequence", error);
	if (a->sequence < db_int(inv, "sequence")) {
		u->out->outcome = APP_ANSWER_STALE;
		return TRUE;
	}
	if (g_strcmp0(db_str(inv, "state"), "invited") != 0 ||
	    g_strcmp0(db_str(inv, "participant_status"), "confirmed") != 0 ||
	    g_strcmp0(db_str(inv, "session_status"), "active") != 0 ||
	    (decline && db_int(inv, "event_id") != event_id))
		return TRUE; /* APP_ANSWER_CLOSED */
	if (!db_answer_insert(conn, pid, sid, partstat_names[a->partstat],
	        source_names[a->source], a->sequence, at, &dberr))
		goto dbfail;
	u->out->outcome = APP_ANSWER_RECORDED;
	if (!decline)
		return TRUE;
	/* As seating.c's ban: the placement goes, and the rule keeps the
	 * allocator from putting them back (a pin is replaced). */
	if (!db_assignment_delete(conn, event_id, &pid, &sid, 1, &dberr) ||
	    !db_seating_rule_put(conn, event_id, pid, sid, "ban", &dberr) ||
	    !db_publish_cancels(conn, event_id, pid, sid, &u->out->cancels,
	        &dberr))
		goto dbfail;
	u->out->seat_freed = true;
	ch->action = "answer.decline";
	ch->subject_id = pid;
	ch->before = json_object_new();
	json_object_set_int_member(ch->before, "session_id", sid);
	json_object_set_int_member(ch->before, "sequence", a->sequence);
	ch->after = json_object_new();
	json_object_set_int_member(ch->after, "session_id", sid);
	json_object_set_string_member(ch->after, "source",
	    source_names[a->source]);
	json_object_set_string_member(ch->after, "rule", "ban");
	json_object_set_int_member(ch->after, "cancels", u->out->cancels);
	return TRUE;
dbfail:
	return app_fail_db(error, g_steal_pointer(&dberr));
}

static gboolean
answer_check(const struct app_answer *a, struct app_refusal *refusal,
    GError **error)
{
	if ((unsigned)a->partstat >= APP_PARTSTAT__MAX)
		return refuse(refusal, "partstat", error);
	if ((unsigned)a->source >= APP_ANSWER__MAX)
		return refuse(refusal, "source", error);
	if (a->sequence < 0 || a->sequence > G_MAXINT32)
		return refuse(refusal, "sequence", error);
	if (a->session_id <= 0)
		return refuse(refusal, "session", error);
	if (a->at < 0)
		return refuse(refusal, "at", error);
	return TRUE;
}

/* Not an organiser: the audit entry's actor names the source. */
static const struct app_actor *
answer_actor(enum app_answer_source source)
{
	static const struct app_actor page = { .email = "participant" };
	static const struct app_actor calendar = { .email = "calendar" };

	return source == APP_ANSWER_PAGE ? &page : &calendar;
}

static void
answer_log(const struct answer_unit *u)
{
	if (u->out->outcome == APP_ANSWER_RECORDED)
		log_info("participant %" G_GINT64_FORMAT " answered %s for "
		         "session %" G_GINT64_FORMAT " (%s)%s",
		    u->participant_id, partstat_names[u->a->partstat],
		    u->a->session_id, source_names[u->a->source],
		    u->out->seat_freed ? "; seat freed" : "");
}

static gboolean
answer_apply(const struct app *app, struct answer_unit *u, GError **error)
{
	if (!answer_check(u->a, u->refusal, error))
		return FALSE;
	if (!app_tx_audited(app, answer_actor(u->a->source), NULL, NULL,
	        "participant", answer_run, u, error))
		return FALSE;
	answer_log(u);
	if (u->out->seat_freed)
		app_seats_changed(app);
	return TRUE;
}

gboolean
app_answer_in(const struct app *app, DbConn *conn, const struct app_answer *a,
    struct app_answer_result *out, struct app_refusal *refusal, GError **error)
{
	struct answer_unit u = { .a = a, .out = out, .refusal = refusal };
	struct app_change ch = { 0 };
	g_autoptr(GError) dberr = NULL;
	gboolean ok;

	*out = (struct app_answer_result){ APP_ANSWER_CLOSED, false, 0 };
	if (a->participant_id <= 0)
		return refuse(refusal, "participant", error);
	if (!answer_check(a, refusal, error))
		return FALSE;
	/* What app_tx_audited does, inside the caller's transaction. */
	ok = answer_run(app, conn, &ch, &u, error) &&
	    (ch.action == NULL ||
	        app_audit(conn, answer_actor(a->source), ch.action,
	            "participant", ch.subject_id, ch.before, ch.after,
	            &dberr) ||
	        app_fail_db(error, g_steal_pointer(&dberr)));
	g_clear_pointer(&ch.before, json_object_unref);
	g_clear_pointer(&ch.after, json_object_unref);
	if (ok)
		answer_log(&u);
	return ok;
}

gboolean
app_answer_record(const struct app *app, const struct app_answer *a,
    struct app_answer_result *out, struct app_refusal *refusal, GError **error)
{
	struct answer_unit u = { .a = a, .out = out, .refusal = refusal };

	*out = (struct app_answer_result){ APP_ANSWER_CLOSED, false, 0 };
	if (a->participant_id <= 0)
		return refuse(refusal, "participant", error);
	return answer_apply(app, &u, error);
}

gboolean
app_participant_answer(const struct app *app, const char *token,
    gint64 session_id, enum app_partstat partstat, gint64 sequence,
    struct app_answer_result *out, struct app_refusal *refusal, GError **error)
{
	struct app_answer a = { .session_id = session_id,
		.partstat = partstat,
		.source = APP_ANSWER_PAGE,
		.sequence = sequence };
	struct answer_unit u = { .a = &a,
		.token = token,
		.out = out,
		.refusal = refusal };

	*out = (struct app_answer_result){ APP_ANSWER_CLOSED, false, 0 };
	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return FALSE;
	}
	return answer_apply(app, &u, error);
}

/* What the page calls an answer now ("" for a session not placed). */
static const char *
answer_word(const char *partstat)
{
	if (g_strcmp0(partstat, "ACCEPTED") == 0)
		return "accepted";
	if (g_strcmp0(partstat, "TENTATIVE") == 0)
		return "tentative";
	return "none";
}

struct programme_unit {
	const char *token;
	JsonArray *rows;
};

static gboolean
programme_read(const struct app *app, DbConn *conn, gpointer user,
    GError **error)
{
	struct programme_unit *u = user;
	g_autoptr(GError) dberr = NULL;
	g_autofree char *hash = token_hash(u->token);
	g_autoptr(JsonObject) p = NULL;

	(void)app;
	g_clear_pointer(&u->rows, json_array_unref);
	if ((p = db_participant_by_token(conn, hash, false, &dberr)) == NULL ||
	    (u->rows = db_answer_programme(conn, db_int(p, "id"), &dberr)) ==
	        NULL)
		return app_fail_db(error, g_steal_pointer(&dberr));
	return TRUE;
}

static const char *const title_bases[] = { "title", NULL };

JsonObject *
app_participant_programme(const struct app *app, const char *token,
    const char *lang, GError **error)
{
	struct programme_unit u = { .token = token };
	g_autoptr(JsonArray) rows = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	JsonObject *out, *day = NULL;
	JsonArray *days;
	gboolean published = FALSE;
	guint i, n;

	if (!token_is_wellformed(token)) {
		g_set_error(error, SUMMIT_APP_ERROR, APP_ENOTFOUND,
		    "malformed token");
		return NULL;
	}
	if (!app_db_run(app, programme_read, &u, error))
		return NULL;
	rows = u.rows;
	n = json_array_get_length(rows);
	days = json_array_new();
	for (i = 0; i < n; i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		bool placed = g_strcmp0(db_str(r, "state"), "invited") == 0;

		published = published ||
		    json_object_get_boolean_member_with_default(r, "published",
		        FALSE);
		app_localise(r, lang, title_bases);
		json_object_set_int_member(r, "session_id", db_int(r, "id"));

		if (tz == NULL) /* every row is of the one event */
			tz = app_zone(db_str(r, "timezone"));
		json_object_set_int_member(r, "date", db_int(r, "starts_at"));
		app_local_time(r, "date", tz, "%Y-%m-%d", NULL);
		app_local_time(r, "starts_at", tz, "%H:%M", NULL);
		app_local_time(r, "ends_at", tz, "%H:%M", NULL);
		json_object_set_boolean_member(r, "placed", placed);
		json_object_set_boolean_member(r, "declined",
		    g_strcmp0(db_str(r, "state"), "cancelled") == 0 &&
		        g_strcmp0(db_str(r, "answer"), "DECLINED") == 0);
		json_object_set_string_member(r, "answer",
		    placed ? answer_word(db_str(r, "answer")) : "");
	}
	/* The days of placed sessions, each with every session of that
	 * day: placed ones to answer, the others to know. */
	for (i = 0; i < n; i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		const char *date = db_str(r, "date");
		guint j;

		if ((!json_object_get_boolean_member(r, "placed") &&
		        !json_object_get_boolean_member(r, "declined")) ||
		    (day != NULL &&
		        g_strcmp0(json_object_get_string_member(day, "date"),
		            date) == 0))
			continue;
		day = json_object_new();
		json_object_set_string_member(day, "date", date);
		json_object_set_array_member(day, "placed", json_array_new());
		json_object_set_array_member(day, "others", json_array_new());
		for (j = 0; j < n; j++) {
			JsonObject *s = json_array_get_object_element(rows, j);

			if (g_strcmp0(db_str(s, "date"), date) != 0)
				continue;
			json_array_add_object_element(
			    json_object_get_array_member(day,
			        json_object_get_boolean_member(s, "placed") ?
			            "placed" :
			            "others"),
			    json_object_ref(s));
		}
		json_object_set_boolean_member(day, "has_others",
		    json_array_get_length(
		        json_object_get_array_member(day, "others")) > 0);
		json_array_add_object_element(days, day);
	}
	out = json_object_new();
	json_object_set_boolean_member(out, "published", published);
	json_object_set_array_member(out, "days", days);
	return out;
}
