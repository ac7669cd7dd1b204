/*
 * question.h -- the question family (included by db.h; question.c): an
 * event's own questions on the registration form, their choices, the
 * participants' typed answers (sql/023_questions.sql) and the catering
 * and accessibility counts.  Every function takes the event and every
 * statement filters by it.
 */
#ifndef SUMMIT_DB_QUESTION_H
#define SUMMIT_DB_QUESTION_H

/* A question's settable values (kind and standard only on insert). */
struct db_question {
	const char *kind, *label_nb, *label_en, *help_nb, *help_en;
	bool required;
	const char *min_value, *max_value; /* decimal text or NULL */
	const char *sectors;               /* "{a,b}" array literal */
	const char *standard;              /* NULL: the organisers' own */
};

/* The event's questions in form order (hidden ones too when
 * with_hidden): id, kind, label_nb/en, help_nb/en, required, min_value,
 * max_value (null or int), sectors ("a,b"), position, hidden, standard
 * (null or text), answers (0 here, see db_question_list_counted) and
 * choices (JSON text: [{id, code, label_nb, label_en, hidden,
 * answers}]). */
JsonArray *db_question_list(DbConn *conn, gint64 event_id, bool with_hidden,
    GError **error);
/* db_question_list with hidden ones and with answers counted (0 in
 * db_question_list: the form, on the registration path, needs no
 * counting). */
JsonArray *db_question_list_counted(DbConn *conn, gint64 event_id,
    GError **error);
/* One question of event_id in the shape above, counted; DB_ENOTFOUND. */
JsonObject *db_question_get(DbConn *conn, gint64 event_id, gint64 id,
    GError **error);
/* A new question at the end of the form; *id gets its id. */
gboolean db_question_insert(DbConn *conn, gint64 event_id,
    const struct db_question *q, gint64 *id, GError **error);
/* Labels, help, required, bounds and sectors of question id. */
gboolean db_question_update(DbConn *conn, gint64 event_id, gint64 id,
    const struct db_question *q, GError **error);
gboolean db_question_set_hidden(DbConn *conn, gint64 event_id, gint64 id,
    bool hidden, GError **error);
/* Deletes question id if nobody answered it; *deleted says whether. */
gboolean db_question_delete(DbConn *conn, gint64 event_id, gint64 id,
    bool *deleted, GError **error);
/* Numbers the event's questions in the order of ids ("{3,1,2}"). */
gboolean db_question_reorder(DbConn *conn, gint64 event_id, const char *ids,
    GError **error);
/* A new choice at the end of question_id's (code NULL: the organisers'). */
gboolean db_choice_insert(DbConn *conn, gint64 event_id, gint64 question_id,
    const char *code, const char *label_nb, const char *label_en,
    GError **error);
gboolean db_choice_set_hidden(DbConn *conn, gint64 event_id, gint64 question_id,
    gint64 id, bool hidden, GError **error);
/* Deletes choice id if nobody ticked it; *deleted says whether. */
gboolean db_choice_delete(DbConn *conn, gint64 event_id, gint64 question_id,
    gint64 id, bool *deleted, GError **error);

/* participant_id's answers: question_id, kind, text_value, number_value,
 * date_value ("YYYY-MM-DD"), bool_value, choice_id, country (nulls
 * where not that kind). */
JsonArray *db_answers_of(DbConn *conn, gint64 event_id, gint64 participant_id,
    GError **error);
/* Replaces participant_id's answers to the questions asked of them now
 * (not hidden, of their sector) with rows (JSON text: an array of
 * objects with question_id, kind and the one value member). */
gboolean db_answers_replace(DbConn *conn, gint64 event_id,
    gint64 participant_id, const char *rows, GError **error);
/* Deletes participant_id's answers (their erasure, participant.c). */
gboolean db_answers_erase(DbConn *conn, gint64 participant_id, GError **error);
/* The answers of participants after < id <= upto, one row per person and
 * question for the export: participant_id, question_id, text_value,
 * number_value, date_value ("YYYY-MM-DD"),
 * bool_value, country, choices (labels in lang, "; "). */
JsonArray *db_answers_export(DbConn *conn, gint64 event_id, const char *lang,
    gint64 after, gint64 upto, GError **error);
/* The catering and accessibility summary over confirmed participants:
 * one row per choice of the standard questions, in form order:
 * standard, choice_id, code, label_nb, label_en, and people (JSON text:
 * [{id, name, organisation, email}]); then, with choice_id null, the
 * 'other' question's answers (people with their text in "text"). */
JsonArray *db_needs_summary(DbConn *conn, gint64 event_id, GError **error);

#endif
