-- 003_invitations.sql: what each participant was last sent about each
-- session, so publishing knows exactly what to send next; link tokens get
-- a purpose; sessions remember when they changed.

CREATE TABLE invitation (
	event_id	bigint NOT NULL,
	participant_id	bigint NOT NULL,
	session_id	bigint NOT NULL,
	-- iTIP SEQUENCE of the last message sent; only ever raised.
	sequence	integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
	state		text NOT NULL CHECK (state IN ('invited', 'cancelled')),
	-- md5 of the session details last sent (time, room, titles, status).
	fingerprint	text NOT NULL,
	sent_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (participant_id, session_id),
	FOREIGN KEY (participant_id, event_id) REFERENCES participant (id, event_id)
	    ON DELETE CASCADE,
	FOREIGN KEY (session_id, event_id) REFERENCES session (id, event_id)
	    ON DELETE CASCADE
);
CREATE INDEX invitation_event_idx ON invitation (event_id, state);

-- A link either opens the participant's page or only reads their feed.
ALTER TABLE participant_token ADD COLUMN purpose text NOT NULL DEFAULT 'manage'
	CHECK (purpose IN ('manage', 'feed'));

ALTER TABLE session ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE FUNCTION summit_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_at := now();
	RETURN NEW;
END $$;
CREATE TRIGGER session_touch BEFORE UPDATE ON session
	FOR EACH ROW EXECUTE FUNCTION summit_touch();
-- A slot moving moves its sessions: they changed too.
CREATE FUNCTION summit_touch_slot_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE session SET updated_at = now() WHERE slot_id = NEW.id;
	RETURN NEW;
END $$;
CREATE TRIGGER slot_touch AFTER UPDATE ON slot
	FOR EACH ROW EXECUTE FUNCTION summit_touch_slot_sessions();

CREATE INDEX outbox_state_idx ON outbox (state, id);

-- What a participant is told about a session: the fields that, when they
-- change, call for an update (time, room, titles, status).
CREATE FUNCTION summit_session_fingerprint(s session, sl slot) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT md5(concat_ws('|', sl.starts_at, sl.ends_at, s.room, s.title_nb,
	    s.title_en, s.status))
$$;

-- Everything the mail worker needs to render one invitation, update or
-- cancellation, taken when it is queued, so a retried send is the same
-- message.
CREATE FUNCTION summit_invitation_payload(sid bigint, seq integer, method text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'session_id', s.id, 'uid', s.uid, 'sequence', seq, 'method', method,
	    'title_nb', s.title_nb, 'title_en', s.title_en,
	    'description_nb', s.description_nb, 'description_en', s.description_en,
	    'room', s.room, 'venue', e.venue, 'timezone', e.timezone,
	    'starts_utc', to_char(sl.starts_at AT TIME ZONE 'UTC',
	        'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	    'ends_utc', to_char(sl.ends_at AT TIME ZONE 'UTC',
	        'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	    'date_local', to_char(sl.starts_at AT TIME ZONE e.timezone, 'YYYY-MM-DD'),
	    'starts_local', to_char(sl.starts_at AT TIME ZONE e.timezone, 'HH24:MI'),
	    'ends_local', to_char(sl.ends_at AT TIME ZONE e.timezone, 'HH24:MI'))
	FROM session s JOIN slot sl ON sl.id = s.slot_id
	JOIN event e ON e.id = s.event_id WHERE s.id = sid
$$;
