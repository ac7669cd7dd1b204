/*
 * answer.h -- participants' answers to their invitations (included by
 * app.h; answer.c): recording an answer from the participant's page or
 * from a calendar client's iTIP REPLY, the participant's programme with
 * their answers, and what organisers see of them.
 */
#ifndef SUMMIT_APP_ANSWER_H
#define SUMMIT_APP_ANSWER_H

/* iTIP PARTSTAT values an answer may carry. */
enum app_partstat {
	APP_PARTSTAT_NEEDS_ACTION, /* "no answer" */
	APP_PARTSTAT_ACCEPTED,
	APP_PARTSTAT_DECLINED,
	APP_PARTSTAT_TENTATIVE,
	APP_PARTSTAT__MAX
};
/* Where an answer came from. */
enum app_answer_source {
	APP_ANSWER_PAGE,     /* the participant's page */
	APP_ANSWER_CALENDAR, /* an iTIP REPLY from their calendar */
	APP_ANSWER__MAX
};
/* "ACCEPTED", ... as iTIP and the schema spell them; NULL if out of
 * range. */
const char *app_partstat_name(enum app_partstat p);
/* The PARTSTAT named s (any case); FALSE for another value. */
gboolean app_partstat_parse(const char *s, enum app_partstat *out);

/* One answer, as its source delivers it. */
struct app_answer {
	gint64 participant_id;
	gint64 session_id;
	enum app_partstat partstat;
	enum app_answer_source source;
	gint64 sequence; /* the SEQUENCE it answers */
	gint64 at;       /* when it was given, Unix seconds (0: now) */
};
enum app_answer_outcome {
	APP_ANSWER_RECORDED,
	APP_ANSWER_STALE,  /* answers an older SEQUENCE: ignored */
	APP_ANSWER_CLOSED, /* the invitation no longer stands: ignored */
};
struct app_answer_result {
	enum app_answer_outcome outcome;
	bool seat_freed; /* a decline removed the placement */
	gint64 cancels;  /* cancellations queued (0 or 1) */
};
/*
 * Records an answer to the invitation of participant to session, in one
 * transaction.  An answer to a SEQUENCE older than the one last sent is
 * ignored (APP_ANSWER_STALE), as is one to an invitation that no longer
 * stands (cancelled, registration cancelled, session cancelled:
 * APP_ANSWER_CLOSED); both write nothing.  Every other answer is a new
 * row of the history.  A DECLINE frees the seat as an organiser's
 * removal does (the placement goes and a "ban" rule keeps the allocator
 * from placing them there again) and queues the cancellation of that
 * session for them (SEQUENCE + 1), so their calendar stays true; it is
 * audited as "answer.decline".  Errors: APP_ENOTFOUND (nothing was ever
 * sent for this pair), APP_EINVALID with *refusal (may be NULL) for a
 * value out of range ("partstat", "source", "sequence": a SEQUENCE never
 * sent), APP_EUNAVAILABLE.
 */
gboolean app_answer_record(const struct app *app, const struct app_answer *a,
    struct app_answer_result *out, struct app_refusal *refusal, GError **error);
/* app_answer_record for the participant behind a page token (source
 * "page", now); APP_ENOTFOUND, APP_EEXPIRED for the token. */
gboolean app_participant_answer(const struct app *app, const char *token,
    gint64 session_id, enum app_partstat partstat, gint64 sequence,
    struct app_answer_result *out, struct app_refusal *refusal, GError **error);

/*
 * The participant's programme for their page, in lang (transfer full):
 * "published" (has the event sent invitations yet) and "days", each day
 * that holds one of their placed sessions: {date, "placed" [...],
 * "others" [...], has_others} in time order.  A placed session is one whose
 * invitation stands; each session has session_id, title, starts, ends
 * (local times, HH:MM), room, table_no (0: none), sequence, "answer"
 * ("accepted", "tentative", "none"; others have "") and "declined" (a
 * session they declined, among the others; its day is shown too).
 */
JsonObject *app_participant_programme(const struct app *app, const char *token,
    const char *lang, GError **error);

#endif
