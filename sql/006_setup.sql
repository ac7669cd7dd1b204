-- 006_setup.sql: invitation codes for invitation-only events.
--
-- A code may be used max_uses times (1: single use); bound to an e-mail
-- (any case) or a sector when those are set.  Registration consumes a use
-- with one guarded UPDATE, in the registration's own transaction.

CREATE TABLE invitation_code (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	code		text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9]{6,32}$'),
	max_uses	integer NOT NULL DEFAULT 1 CHECK (max_uses BETWEEN 1 AND 1000000),
	used		integer NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= max_uses),
	email		text CHECK (email IS NULL OR (length(email) <= 254
			    AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$')),
	sector		text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (event_id, sector) REFERENCES sector (event_id, code)
);
CREATE INDEX invitation_code_event_idx ON invitation_code (event_id, id);

ALTER TABLE participant ADD COLUMN invitation_code_id bigint
	REFERENCES invitation_code ON DELETE SET NULL;
