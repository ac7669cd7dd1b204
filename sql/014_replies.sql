-- 014_replies.sql: iTIP messages from participants' calendars that the
-- mailbox reader handled (src/app/reply.c).
--
-- One row per (message, session) a REPLY, REFRESH or COUNTER named and
-- Summit matched to an invitation (the VEVENT's UID to the session, the
-- ATTENDEE's address to the participant).  report_id is the message's
-- own Message-ID (or a hash of it when it has none): a message read again
-- is seen here and changes nothing.  The answer itself, for a REPLY, is a
-- row of `answer` (source 'calendar'); this table says what became of the
-- message, and for a COUNTER holds the time proposed, shown to organisers
-- and never applied.  No address is kept: a reply that matches nobody is
-- only logged.
CREATE TABLE mail_reply (
	id		bigserial PRIMARY KEY,
	report_id	text NOT NULL CONSTRAINT mail_reply_report_id_check
			    CHECK (length(report_id) BETWEEN 1 AND 1000),
	participant_id	bigint NOT NULL,
	session_id	bigint NOT NULL,
	method		text NOT NULL CONSTRAINT mail_reply_method_check
			    CHECK (method IN ('REPLY', 'REFRESH', 'COUNTER')),
	partstat	text NOT NULL DEFAULT '' CONSTRAINT mail_reply_partstat_check
			    CHECK (length(partstat) <= 40),
	sequence	integer NOT NULL CONSTRAINT mail_reply_sequence_check
			    CHECK (sequence >= 0),
	-- recorded, stale (an older SEQUENCE), closed (the invitation no
	-- longer stands), ignored (no PARTSTAT Summit records, or a SEQUENCE
	-- never sent), resent (REFRESH), proposed (COUNTER).
	outcome		text NOT NULL CONSTRAINT mail_reply_outcome_check
			    CHECK (outcome IN ('recorded', 'stale', 'closed',
			    'ignored', 'resent', 'proposed')),
	proposed_starts_at timestamptz,
	proposed_ends_at   timestamptz,
	received_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT mail_reply_report_id_participant_id_session_id_key
	    UNIQUE (report_id, participant_id, session_id),
	CONSTRAINT mail_reply_participant_id_session_id_fkey
	    FOREIGN KEY (participant_id, session_id)
	    REFERENCES invitation (participant_id, session_id) ON DELETE CASCADE,
	CONSTRAINT mail_reply_proposed_starts_at_check CHECK (method <> 'COUNTER'
	    OR (proposed_starts_at IS NOT NULL
	    AND proposed_ends_at > proposed_starts_at))
);
CREATE INDEX mail_reply_participant_id_idx ON mail_reply (participant_id);
CREATE INDEX mail_reply_counter_session_idx ON mail_reply (session_id)
	WHERE method = 'COUNTER';
