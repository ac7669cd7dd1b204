-- 018_messages.sql: messages an admin writes to a group of participants,
-- and the reminders sent before the event, each claimed once.
--
-- A message is stored once; each recipient gets an outbox row of kind
-- 'message' whose payload names it, queued by one INSERT ... SELECT
-- (src/db/message.c), and the mail worker fills in that person's values
-- when it sends.  The person's pages list their messages from the outbox.
CREATE TABLE message (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL CONSTRAINT message_event_id_fkey
			    REFERENCES event ON DELETE CASCADE,
	subject_nb	text NOT NULL CONSTRAINT message_subject_nb_check
			    CHECK (length(subject_nb) BETWEEN 1 AND 200),
	subject_en	text NOT NULL CONSTRAINT message_subject_en_check
			    CHECK (length(subject_en) BETWEEN 1 AND 200),
	body_nb		text NOT NULL CONSTRAINT message_body_nb_check
			    CHECK (length(body_nb) BETWEEN 1 AND 4000),
	body_en		text NOT NULL CONSTRAINT message_body_en_check
			    CHECK (length(body_en) BETWEEN 1 AND 4000),
	-- The recipients' filter as the admin chose it.
	filter		jsonb NOT NULL DEFAULT '{}',
	recipients	integer NOT NULL DEFAULT 0,
	skipped		integer NOT NULL DEFAULT 0,
	organiser_id	bigint CONSTRAINT message_organiser_id_fkey
			    REFERENCES organiser ON DELETE SET NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_event_id_idx ON message (event_id, id);
-- A person's messages are their outbox rows of kind 'message', found by
-- outbox_participant_idx: no index of its own, one less to write per row.

-- Reminders: on or off per event, and how many days before the first slot.
ALTER TABLE event ADD COLUMN reminders_on boolean NOT NULL DEFAULT true;
ALTER TABLE event ADD COLUMN reminder_days integer[] NOT NULL DEFAULT '{7,1}'
	CONSTRAINT event_reminder_days_check CHECK (
	    cardinality(reminder_days) <= 10
	    AND array_position(reminder_days, NULL) IS NULL
	    AND 1 <= ALL (reminder_days) AND 365 >= ALL (reminder_days));

-- The claim: one row per person and reminder, inserted in the transaction
-- that queues the mail, so however many summitd run the job, the unique
-- key lets one of them queue it and the others insert nothing.
CREATE TABLE reminder_sent (
	event_id	bigint NOT NULL CONSTRAINT reminder_sent_event_id_fkey
			    REFERENCES event ON DELETE CASCADE,
	participant_id	bigint NOT NULL CONSTRAINT reminder_sent_participant_id_fkey
			    REFERENCES participant ON DELETE CASCADE,
	days_before	integer NOT NULL CONSTRAINT reminder_sent_days_before_check
			    CHECK (days_before BETWEEN 1 AND 365),
	claimed_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT reminder_sent_pkey PRIMARY KEY (participant_id, days_before)
);
