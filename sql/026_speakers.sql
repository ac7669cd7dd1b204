-- 026_speakers.sql: speakers, moderators, panellists and hosts attached to
-- sessions (issue 11, item 5).
--
-- A person on stage is a participant of the event: a registered one, or
-- one the organisers add by name, e-mail and organisation, who then has a
-- participant row (speaker_only) and so a page, a link and invitations
-- through the same publish as everyone else.  A speaker-only row holds no
-- place at the event and is never given to the allocator.
--
-- Who is on stage does not take a seat unless the organisers say so for
-- that attachment (counts_seat): the allocator and the refill then see the
-- session smaller by that many.

ALTER TABLE participant ADD COLUMN speaker_only boolean NOT NULL
	DEFAULT false;

CREATE TABLE session_person (
	event_id	bigint NOT NULL,
	session_id	bigint NOT NULL,
	participant_id	bigint NOT NULL,
	role		text NOT NULL CONSTRAINT session_person_role_check
			CHECK (role IN ('speaker', 'moderator', 'panellist',
			    'host')),
	position	integer NOT NULL DEFAULT 0
			CONSTRAINT session_person_position_check
			CHECK (position >= 0),
	counts_seat	boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT session_person_pkey PRIMARY KEY (session_id, participant_id),
	CONSTRAINT session_person_participant_id_event_id_fkey
	    FOREIGN KEY (participant_id, event_id)
	    REFERENCES participant (id, event_id) ON DELETE CASCADE,
	CONSTRAINT session_person_session_id_event_id_fkey
	    FOREIGN KEY (session_id, event_id)
	    REFERENCES session (id, event_id) ON DELETE CASCADE
);
CREATE INDEX session_person_participant_idx ON session_person (participant_id);
CREATE INDEX session_person_event_idx ON session_person (event_id, session_id,
    position);

-- The people of a session as its invitation shows them, in their order.
CREATE FUNCTION summit_session_people(sid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('role', sp.role,
	    'name', p.name, 'organisation', p.organisation)
	    ORDER BY sp.position, p.name, p.id), '[]'::jsonb)
	FROM session_person sp JOIN participant p ON p.id = sp.participant_id
	WHERE sp.session_id = sid AND p.status = 'confirmed'
$$;

-- The payload of 015 with the session's people: the calendar's
-- description lists them (app/invite.c).
CREATE OR REPLACE FUNCTION summit_invitation_payload(sid bigint, seq integer,
    method text)
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
	    'people', summit_session_people(s.id))
	FROM session s JOIN slot sl ON sl.id = s.slot_id
	JOIN event e ON e.id = s.event_id WHERE s.id = sid
$$;

-- The fingerprint of 010 with who is on stage, so that a publish after
-- the people changed updates every invitation to the session (its
-- description lists them).  A session with nobody on stage keeps the
-- fingerprint it had: this migration makes no invitation look changed.
CREATE OR REPLACE FUNCTION summit_session_fingerprint(s session, sl slot)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT md5(concat_ws('|',
	    floor(extract(epoch FROM sl.starts_at))::bigint,
	    floor(extract(epoch FROM sl.ends_at))::bigint,
	    s.room, s.title_nb, s.title_en, s.status,
	    nullif(summit_session_people(s.id)::text, '[]')))
$$;

-- Who is on stage is part of what the programme's calendar shows of a
-- session: a change raises its SEQUENCE and updated_at (session_touch), so
-- the programme's .ics and its ETag move on.
CREATE FUNCTION summit_session_person_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE session SET sequence = sequence + 1
		WHERE id = OLD.session_id;
	END IF;
	IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT'
	    OR NEW.session_id <> OLD.session_id) THEN
		UPDATE session SET sequence = sequence + 1
		WHERE id = NEW.session_id;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER session_person_touch
	AFTER INSERT OR UPDATE OF role, position, session_id OR DELETE
	ON session_person FOR EACH ROW
	EXECUTE FUNCTION summit_session_person_touch();
