-- 023_questions.sql: the organisers' own questions on the registration
-- form, per event (issue 11 item 2; docs/questions.md).
--
-- question: one question of an event's form.  kind is fixed once the
-- question exists (an answer's foreign key carries it, below); hidden
-- takes a question off the form and keeps its answers.  sectors empty:
-- asked of everyone, else only of those sectors.  standard names the
-- structured dietary and accessibility questions ('diet', 'access',
-- 'other'), at most one of each per event, which the catering summary
-- counts.
CREATE TABLE question (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL CONSTRAINT question_event_id_fkey
			    REFERENCES event ON DELETE CASCADE,
	kind		text NOT NULL CONSTRAINT question_kind_check
			    CHECK (kind IN ('text', 'longtext', 'choice', 'multi',
			    'yesno', 'number', 'date', 'country')),
	label_nb	text NOT NULL CONSTRAINT question_label_nb_check
			    CHECK (length(label_nb) BETWEEN 1 AND 200),
	label_en	text NOT NULL CONSTRAINT question_label_en_check
			    CHECK (length(label_en) BETWEEN 1 AND 200),
	help_nb		text NOT NULL DEFAULT '' CONSTRAINT question_help_nb_check
			    CHECK (length(help_nb) <= 500),
	help_en		text NOT NULL DEFAULT '' CONSTRAINT question_help_en_check
			    CHECK (length(help_en) <= 500),
	required	boolean NOT NULL DEFAULT false,
	min_value	bigint,
	max_value	bigint,
	sectors		text[] NOT NULL DEFAULT '{}',
	position	integer NOT NULL DEFAULT 0,
	hidden		boolean NOT NULL DEFAULT false,
	standard	text CONSTRAINT question_standard_check
			    CHECK (standard IN ('diet', 'access', 'other')),
	CONSTRAINT question_min_value_check CHECK (kind = 'number'
	    OR (min_value IS NULL AND max_value IS NULL)),
	CONSTRAINT question_max_value_check CHECK (max_value >= min_value),
	CONSTRAINT question_event_id_standard_key UNIQUE (event_id, standard),
	CONSTRAINT question_id_event_id_key UNIQUE (id, event_id),
	CONSTRAINT question_id_event_id_kind_key UNIQUE (id, event_id, kind)
);
CREATE INDEX question_event_id_idx ON question (event_id, position);

-- A choice of a single or multiple choice question.  code names a
-- standard choice ('gluten', 'vegan', 'wheelchair', ...) for the
-- summary; NULL for the organisers' own.  An answered choice cannot be
-- deleted (the answer's foreign key): it is hidden instead.
CREATE TABLE question_choice (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL,
	question_id	bigint NOT NULL,
	code		text CONSTRAINT question_choice_code_check
			    CHECK (code ~ '^[a-z][a-z_]{0,31}$'),
	label_nb	text NOT NULL CONSTRAINT question_choice_label_nb_check
			    CHECK (length(label_nb) BETWEEN 1 AND 200),
	label_en	text NOT NULL CONSTRAINT question_choice_label_en_check
			    CHECK (length(label_en) BETWEEN 1 AND 200),
	position	integer NOT NULL DEFAULT 0,
	hidden		boolean NOT NULL DEFAULT false,
	CONSTRAINT question_choice_question_id_event_id_fkey
	    FOREIGN KEY (question_id, event_id)
	    REFERENCES question (id, event_id) ON DELETE CASCADE,
	CONSTRAINT question_choice_id_question_id_key UNIQUE (id, question_id)
);
CREATE INDEX question_choice_question_id_idx
    ON question_choice (question_id, position);

-- A participant's answer, typed: one column per kind of value, exactly
-- one of them set, the one the question's kind takes (kind is copied
-- here under a foreign key, so it cannot differ from the question's and
-- a question with answers cannot change kind).  Typed columns rather
-- than jsonb, so that the database itself keeps a number a number, a
-- date a date, a choice one of the question's choices (a foreign key;
-- jsonb cannot hold one) and the summary counts with plain joins.  A
-- multiple choice answer is one row per choice ticked; every other kind
-- has at most one row per person and question.
CREATE TABLE question_answer (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL,
	participant_id	bigint NOT NULL,
	question_id	bigint NOT NULL,
	kind		text NOT NULL,
	text_value	text CONSTRAINT question_answer_text_value_check
			    CHECK (length(text_value) BETWEEN 1 AND 2000),
	number_value	bigint,
	date_value	date,
	bool_value	boolean,
	choice_id	bigint,
	country		text CONSTRAINT question_answer_country_check
			    CHECK (country ~ '^[A-Z]{2}$'),
	CONSTRAINT question_answer_participant_id_event_id_fkey
	    FOREIGN KEY (participant_id, event_id)
	    REFERENCES participant (id, event_id) ON DELETE CASCADE,
	CONSTRAINT question_answer_question_id_event_id_kind_fkey
	    FOREIGN KEY (question_id, event_id, kind)
	    REFERENCES question (id, event_id, kind) ON DELETE CASCADE,
	CONSTRAINT question_answer_choice_id_question_id_fkey
	    FOREIGN KEY (choice_id, question_id)
	    REFERENCES question_choice (id, question_id),
	CONSTRAINT question_answer_kind_check CHECK (CASE kind
	    WHEN 'text' THEN text_value IS NOT NULL
	    WHEN 'longtext' THEN text_value IS NOT NULL
	    WHEN 'number' THEN number_value IS NOT NULL
	    WHEN 'date' THEN date_value IS NOT NULL
	    WHEN 'yesno' THEN bool_value IS NOT NULL
	    WHEN 'country' THEN country IS NOT NULL
	    ELSE choice_id IS NOT NULL END
	    AND num_nonnulls(text_value, number_value, date_value,
	    bool_value, choice_id, country) = 1),
	CONSTRAINT question_answer_participant_id_question_id_choice_id_key
	    UNIQUE (participant_id, question_id, choice_id)
);
-- One answer a question, but a row per ticked box of a multiple choice.
CREATE UNIQUE INDEX question_answer_participant_id_question_id_kind_key
    ON question_answer (participant_id, question_id) WHERE kind <> 'multi';
CREATE INDEX question_answer_question_id_idx ON question_answer (question_id);
CREATE INDEX question_answer_choice_id_idx ON question_answer (choice_id);
