-- 022_events.sql: several events in one installation (issue 11).
--
-- Each event has its own address, /SLUG/..., so a slug may not be a word
-- the installation's own addresses begin with.  Organiser accounts belong
-- to the installation; their rights belong to each event: an
-- installation admin may do everything in every event, anyone else what
-- event_organiser gives them in that event (admin of one, staff of
-- another, the door of a third).  A past event can be archived: read-only
-- in the console, closed to the public, its data kept.

ALTER TABLE event DROP CONSTRAINT event_slug_check;
ALTER TABLE event ADD CONSTRAINT event_slug_check CHECK
	(slug ~ '^[a-z0-9][a-z0-9-]{0,63}$' AND slug NOT IN
	('api', 'confirm', 'console', 'e', 'events', 'feed', 'health', 'invite',
	 'me', 'metrics', 'privacy', 'register', 'registered', 'static'));
ALTER TABLE event ADD COLUMN archived_at timestamptz;
-- The name mail from this event is sent in ('' : [mail] from_name); the
-- address stays the installation's (its DKIM key, its mail server).
ALTER TABLE event ADD COLUMN sender_name text NOT NULL DEFAULT ''
	CONSTRAINT event_sender_name_check CHECK (length(sender_name) <= 100
	    AND sender_name !~ '[[:cntrl:]]');

CREATE TABLE event_organiser (
	event_id	bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	organiser_id	bigint NOT NULL REFERENCES organiser ON DELETE CASCADE,
	role		text NOT NULL CHECK (role IN ('admin', 'staff', 'door')),
	PRIMARY KEY (event_id, organiser_id)
);
CREATE INDEX event_organiser_organiser_idx ON event_organiser (organiser_id);

-- Everyone who was staff or door keeps that role in every event there is;
-- admins become installation admins, as they were in effect.
INSERT INTO event_organiser (event_id, organiser_id, role)
	SELECT e.id, o.id, o.role FROM event e, organiser o
	WHERE o.role <> 'admin';
ALTER TABLE organiser DROP CONSTRAINT organiser_role_check;
UPDATE organiser SET role = 'organiser' WHERE role <> 'admin';
ALTER TABLE organiser ADD CONSTRAINT organiser_role_check
	CHECK (role IN ('admin', 'organiser'));
COMMENT ON COLUMN organiser.role IS
	'admin: installation admin, every right in every event; organiser: '
	'the rights event_organiser gives, per event';

-- Which event an audited change was made in (NULL: the installation's,
-- such as an account or a new event).
ALTER TABLE audit_log ADD COLUMN event_id bigint
	REFERENCES event ON DELETE SET NULL;
CREATE INDEX audit_log_event_idx ON audit_log (event_id, id DESC);
-- Until now every change was made in "the newest event" (the old meaning
-- of every console page), so that is where the older entries belong;
-- account changes belong to the installation.
UPDATE audit_log SET event_id = (SELECT max(id) FROM event)
	WHERE subject_type <> 'organiser';

-- What later migrations add to an event's set-up (its questions: 028)
-- is copied by this one, which they replace; today there is nothing more.
CREATE FUNCTION summit_event_copy_more(src bigint, dst bigint) RETURNS void
LANGUAGE plpgsql AS $$ BEGIN END $$;

-- A new event made from an earlier one: its settings, texts, sectors and
-- programme (slots and active sessions), never its people.  Every instant
-- moves by the days from the old first day to new_day, counted in the
-- event's own zone so that 09:00 stays 09:00 across a DST change; that
-- holds for the columns later migrations add to event too (deadlines), as
-- every timestamptz column of event but created_at and archived_at moves.
CREATE FUNCTION summit_event_copy(src bigint, new_slug text, new_name_nb text,
	new_name_en text, new_day date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	ev jsonb;
	tz text;
	shift interval;
	col record;
	r record;
	new_id bigint;
	slot_map jsonb := '{}';
	nid bigint;
BEGIN
	SELECT to_jsonb(e), e.timezone,
	    make_interval(days => new_day - (e.starts_at AT TIME ZONE e.timezone)::date)
	    INTO ev, tz, shift FROM event e WHERE e.id = src;
	IF ev IS NULL THEN
		RAISE EXCEPTION 'no event %', src USING ERRCODE = 'no_data_found';
	END IF;
	FOR col IN SELECT column_name FROM information_schema.columns
	    WHERE table_schema = current_schema() AND table_name = 'event'
	    AND data_type = 'timestamp with time zone'
	    AND column_name NOT IN ('created_at', 'archived_at') LOOP
		IF ev->>col.column_name IS NOT NULL THEN
			ev := jsonb_set(ev, ARRAY[col.column_name], to_jsonb(
			    (((ev->>col.column_name)::timestamptz AT TIME ZONE tz)
			    + shift) AT TIME ZONE tz));
		END IF;
	END LOOP;
	new_id := nextval(pg_get_serial_sequence('event', 'id'));
	ev := ev || jsonb_build_object('id', new_id, 'slug', new_slug,
	    'name_nb', new_name_nb, 'name_en', new_name_en, 'created_at', now(),
	    'archived_at', NULL);
	INSERT INTO event SELECT * FROM jsonb_populate_record(NULL::event, ev);
	INSERT INTO sector SELECT (jsonb_populate_record(NULL::sector,
	    to_jsonb(s) || jsonb_build_object('event_id', new_id))).*
	    FROM sector s WHERE s.event_id = src;
	FOR r IN SELECT * FROM slot WHERE event_id = src ORDER BY id LOOP
		nid := nextval(pg_get_serial_sequence('slot', 'id'));
		INSERT INTO slot SELECT (jsonb_populate_record(NULL::slot,
		    to_jsonb(r) || jsonb_build_object('id', nid, 'event_id', new_id,
		    'starts_at', ((r.starts_at AT TIME ZONE tz) + shift) AT TIME ZONE tz,
		    'ends_at', ((r.ends_at AT TIME ZONE tz) + shift) AT TIME ZONE tz))).*;
		slot_map := slot_map || jsonb_build_object(r.id::text, nid);
	END LOOP;
	INSERT INTO session SELECT (jsonb_populate_record(NULL::session,
	    to_jsonb(s) || jsonb_build_object(
	    'id', nextval(pg_get_serial_sequence('session', 'id')),
	    'uid', gen_random_uuid()::text, -- a calendar's own, never shared
	    'event_id', new_id,
	    'slot_id', (slot_map->>s.slot_id::text)::bigint))).*
	    FROM session s WHERE s.event_id = src AND s.status = 'active'
	    ORDER BY s.id;
	PERFORM summit_event_copy_more(src, new_id);
	PERFORM summit_sync_places(new_id);
	RETURN new_id;
END $$;
