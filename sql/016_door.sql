-- 016_door.sql: the door (issue 10, items 1-3): check-in codes, the
-- door's record of arrivals, attendance per session, walk-ins and the
-- "door" organiser role.
--
-- A check-in code is 80 random bits (OpenSSL's CSPRNG, base/token.c's
-- source) written as 16 characters of Crockford's base 32 (no I, L, O,
-- U: nothing to misread).  It names the registration and nothing else:
-- no name, no e-mail.  Its first 10 characters are the short form people
-- type (shown as two groups of five); both are unique, the short form
-- over revoked codes too, so a revoked code can never come back as
-- someone else's short form.  Re-issuing revokes the live code (kept, so
-- the desk can say "not valid" rather than "unknown") and makes a new
-- one; a participant has at most one live code.  Codes are made by
-- summit (app/door.c) the first time one is asked for, so rows that
-- exist before this migration need nothing here.
CREATE TABLE checkin_code (
	code		text CONSTRAINT checkin_code_pkey PRIMARY KEY
			CONSTRAINT checkin_code_code_check
			CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
	short_code	text GENERATED ALWAYS AS (left(code, 10)) STORED,
	participant_id	bigint NOT NULL
			CONSTRAINT checkin_code_participant_id_fkey
			REFERENCES participant ON DELETE CASCADE,
	issued_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz
);
CREATE UNIQUE INDEX checkin_code_short_code_key ON checkin_code (short_code);
CREATE UNIQUE INDEX checkin_code_participant_id_revoked_at_key
	ON checkin_code (participant_id) WHERE revoked_at IS NULL;

-- Arrival at the event stays participant.checked_in_at (005), the one
-- source of truth the console's one-click check-in already writes; the
-- desk adds where (the door's name, '' for the console) and who.  A desk
-- checks in with one conditional UPDATE (... WHERE checked_in_at IS
-- NULL), so of two doors scanning one person at once exactly one row is
-- updated: the other door reads the winner's time and door.
ALTER TABLE participant ADD COLUMN checked_in_door text
	CONSTRAINT participant_checked_in_door_check
	CHECK (length(checked_in_door) <= 60);

-- Attendance of one session (the door of a breakout room): one row per
-- person and session, inserted with ON CONFLICT DO NOTHING for the same
-- reason.
CREATE TABLE session_attendance (
	session_id	bigint NOT NULL
			CONSTRAINT session_attendance_session_id_fkey
			REFERENCES session ON DELETE CASCADE,
	participant_id	bigint NOT NULL
			CONSTRAINT session_attendance_participant_id_fkey
			REFERENCES participant ON DELETE CASCADE,
	at		timestamptz NOT NULL DEFAULT now(),
	door		text NOT NULL DEFAULT ''
			CONSTRAINT session_attendance_door_check
			CHECK (length(door) <= 60),
	CONSTRAINT session_attendance_pkey PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX session_attendance_participant_id_idx
	ON session_attendance (participant_id);

-- Walk-ins: people registered at the desk on the day.  Off for every
-- existing event.
ALTER TABLE event ADD COLUMN walk_ins boolean NOT NULL DEFAULT false;

-- The "door" role: the check-in desk and nothing else.
ALTER TABLE organiser DROP CONSTRAINT organiser_role_check;
ALTER TABLE organiser ADD CONSTRAINT organiser_role_check
	CHECK (role IN ('admin', 'staff', 'door'));
