-- 019_invitees.sql: invitations sent by Summit (issue 10, item 8).
--
-- An invitee is a person the organisers invite by name and e-mail.  Each
-- gets a personal invitation code (invitation_code, bound to their e-mail
-- and sector, one use) and a personal link: the link's token is derived
-- from link_nonce with the secret key, only its hash is stored (as for
-- participants' links).  The states are facts with their times: the mail
-- sent is the outbox row's state; visited, declined and reminded are
-- stamped once; registered is the participant the registration made
-- (SET NULL when that registration is deleted, so the state stays true).

CREATE TABLE invitee (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	name		text NOT NULL
			CONSTRAINT invitee_name_check
			CHECK (length(name) BETWEEN 1 AND 200),
	email		text NOT NULL
			CONSTRAINT invitee_email_check
			CHECK (length(email) <= 254
			    AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
	organisation	text NOT NULL DEFAULT ''
			CONSTRAINT invitee_organisation_check
			CHECK (length(organisation) <= 200),
	sector		text,
	-- NULL: the event's default for invitations (invitee_event).
	language	text CONSTRAINT invitee_language_check
			CHECK (language IN ('nb', 'en')),
	code_id		bigint NOT NULL
			CONSTRAINT invitee_code_id_fkey
			REFERENCES invitation_code ON DELETE CASCADE
			CONSTRAINT invitee_code_id_key UNIQUE,
	link_nonce	text NOT NULL CONSTRAINT invitee_link_nonce_check
			CHECK (link_nonce ~ '^[0-9a-f]{32}$'),
	link_hash	text NOT NULL CONSTRAINT invitee_link_hash_key UNIQUE,
	outbox_id	bigint CONSTRAINT invitee_outbox_id_fkey
			REFERENCES outbox ON DELETE SET NULL,
	participant_id	bigint CONSTRAINT invitee_participant_id_fkey
			REFERENCES participant ON DELETE SET NULL,
	visited_at	timestamptz,
	declined_at	timestamptz,
	reminded_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT invitee_event_id_sector_fkey FOREIGN KEY (event_id, sector)
		REFERENCES sector (event_id, code)
);
CREATE UNIQUE INDEX invitee_event_id_email_key
	ON invitee (event_id, lower(email));
CREATE INDEX invitee_participant_idx ON invitee (participant_id);
CREATE INDEX invitee_outbox_idx ON invitee (outbox_id);
-- The reminder claim's candidates: not reminded, not answered.
CREATE INDEX invitee_unanswered_idx ON invitee (event_id, id)
	WHERE reminded_at IS NULL AND declined_at IS NULL
	AND participant_id IS NULL;

-- Per event: the language of invitations to invitees without one, and the
-- "remind by" date after which those who have not answered are reminded.
CREATE TABLE invitee_event (
	event_id	bigint PRIMARY KEY REFERENCES event ON DELETE CASCADE,
	language	text NOT NULL DEFAULT 'nb'
			CONSTRAINT invitee_event_language_check
			CHECK (language IN ('nb', 'en')),
	remind_at	timestamptz
);
