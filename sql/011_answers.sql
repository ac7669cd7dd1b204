-- 011_answers.sql: what participants answered to their invitations.
--
-- Every answer is a row, so the history stays: ACCEPTED, DECLINED or
-- TENTATIVE (NEEDS-ACTION when a calendar client says "no answer"), when
-- it was given, from where ('page': the participant's page; 'calendar':
-- an iTIP REPLY read from the organiser's mailbox) and the SEQUENCE of
-- the invitation it answers.  An answer belongs to an invitation (what was
-- sent to that person about that session): it goes when the invitation
-- goes.  The answer that counts is the newest to the SEQUENCE last sent;
-- an update (a higher SEQUENCE) asks again, as iTIP does.
CREATE TABLE answer (
	id		bigserial PRIMARY KEY,
	participant_id	bigint NOT NULL,
	session_id	bigint NOT NULL,
	partstat	text NOT NULL
	    CONSTRAINT answer_partstat_check CHECK (partstat IN
	    ('ACCEPTED', 'DECLINED', 'TENTATIVE', 'NEEDS-ACTION')),
	source		text NOT NULL
	    CONSTRAINT answer_source_check CHECK (source IN
	    ('page', 'calendar')),
	sequence	integer NOT NULL
	    CONSTRAINT answer_sequence_check CHECK (sequence >= 0),
	-- When the participant answered (a REPLY's DTSTAMP; the page: now).
	answered_at	timestamptz NOT NULL,
	recorded_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT answer_participant_id_session_id_fkey
	    FOREIGN KEY (participant_id, session_id)
	    REFERENCES invitation (participant_id, session_id) ON DELETE CASCADE
);
-- The current answer of an invitation is its newest row; the console
-- counts per session.
CREATE INDEX answer_participant_id_session_id_idx
	ON answer (participant_id, session_id, id);
CREATE INDEX answer_session_id_idx ON answer (session_id);

-- What an invitation's answer is now: for a standing invitation, the
-- newest answer to the SEQUENCE last sent, or NEEDS-ACTION (no answer);
-- DECLINED for one cancelled because it was declined (the decline
-- answered the SEQUENCE just before the cancellation's); NULL for one
-- cancelled otherwise.  The one rule behind the participant's page, the
-- console's counts and the export.
CREATE FUNCTION summit_invitation_answer(i invitation) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN i.state = 'invited' THEN coalesce(
	    (SELECT an.partstat FROM answer an
	    WHERE an.participant_id = i.participant_id
	    AND an.session_id = i.session_id AND an.sequence = i.sequence
	    ORDER BY an.answered_at DESC, an.id DESC LIMIT 1), 'NEEDS-ACTION')
	WHEN EXISTS (SELECT 1 FROM answer an
	    WHERE an.participant_id = i.participant_id
	    AND an.session_id = i.session_id
	    AND an.sequence = i.sequence - 1 AND an.partstat = 'DECLINED')
	THEN 'DECLINED' END
$$;
