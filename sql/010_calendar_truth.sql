-- 010_calendar_truth.sql: calendars that tell the truth (issue 9, item 7).
--
-- 1. summit_session_fingerprint (003) hashed slot times as text, so its
--    value depended on the client's TimeZone (PGTZ): a publish from a
--    summitctl in another zone saw every session as changed and queued
--    spurious updates.  It was also declared IMMUTABLE, which it was not.
--    Now it hashes the instants as Unix seconds, the same in every zone,
--    and says STABLE (concat_ws and extract on timestamptz are STABLE).
-- 2. The stored fingerprints are carried over, so the new function causes
--    no wave of updates: a stored value that the old function gives for
--    the session as it is now, in any zone PostgreSQL knows, is replaced by
--    the new value.  A stored value that matches in no zone belongs to a
--    session that changed since it was sent (or to a client with another
--    DateStyle than the default ISO): it is left, and the next publish
--    sends the update it owes.
-- 3. Each session counts its changes (sequence), for the SEQUENCE of the
--    public programme's calendar: what it shows (times, room, titles,
--    descriptions, status, and the event's venue and zone) changed, the
--    counter rises.  A change of the event that calendars show (venue,
--    zone, names) also touches its sessions' updated_at, from which the
--    calendars' Last-Modified is read.

-- 2, first half: what the old function gave, per session, in every zone.
-- Only sessions someone was invited to matter.  set_config(..., true)
-- lasts until the end of this migration's transaction at most, and the
-- zone is set back at the end anyway.
CREATE TEMPORARY TABLE fingerprint_old (session_id bigint, fingerprint text)
	ON COMMIT DROP;
DO $$
DECLARE
	was text := current_setting('TimeZone');
	z text;
BEGIN
	FOR z IN SELECT name FROM pg_timezone_names LOOP
		PERFORM set_config('TimeZone', z, true);
		INSERT INTO fingerprint_old
		SELECT s.id, md5(concat_ws('|', sl.starts_at, sl.ends_at,
		    s.room, s.title_nb, s.title_en, s.status))
		FROM session s JOIN slot sl ON sl.id = s.slot_id
		WHERE EXISTS (SELECT 1 FROM invitation i
		    WHERE i.session_id = s.id);
	END LOOP;
	PERFORM set_config('TimeZone', was, true);
END $$;

-- 1.  The instants as whole seconds since 1970 (slot times are whole
-- minutes; floor keeps a fraction from making two texts of one instant).
CREATE OR REPLACE FUNCTION summit_session_fingerprint(s session, sl slot)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT md5(concat_ws('|',
	    floor(extract(epoch FROM sl.starts_at))::bigint,
	    floor(extract(epoch FROM sl.ends_at))::bigint,
	    s.room, s.title_nb, s.title_en, s.status))
$$;

-- 2, second half.
UPDATE invitation i SET fingerprint = summit_session_fingerprint(s, sl)
FROM session s JOIN slot sl ON sl.id = s.slot_id
WHERE s.id = i.session_id AND EXISTS (SELECT 1 FROM fingerprint_old o
    WHERE o.session_id = i.session_id AND o.fingerprint = i.fingerprint);

-- 3.  A session's own columns, by trigger; a slot that moves moves its
-- sessions, so the slot trigger of 003 now raises their counters too.
ALTER TABLE session ADD COLUMN sequence integer NOT NULL DEFAULT 0
	CONSTRAINT session_sequence_check CHECK (sequence >= 0);
CREATE FUNCTION summit_session_sequence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.sequence := OLD.sequence + 1;
	RETURN NEW;
END $$;
CREATE TRIGGER session_sequence BEFORE UPDATE ON session
	FOR EACH ROW WHEN (OLD.slot_id IS DISTINCT FROM NEW.slot_id
	    OR OLD.room IS DISTINCT FROM NEW.room
	    OR OLD.title_nb IS DISTINCT FROM NEW.title_nb
	    OR OLD.title_en IS DISTINCT FROM NEW.title_en
	    OR OLD.description_nb IS DISTINCT FROM NEW.description_nb
	    OR OLD.description_en IS DISTINCT FROM NEW.description_en
	    OR OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION summit_session_sequence();
CREATE OR REPLACE FUNCTION summit_touch_slot_sessions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE session SET updated_at = now(),
	    sequence = sequence + CASE WHEN
	        OLD.starts_at IS DISTINCT FROM NEW.starts_at OR
	        OLD.ends_at IS DISTINCT FROM NEW.ends_at THEN 1 ELSE 0 END
	WHERE slot_id = NEW.id;
	RETURN NEW;
END $$;
-- The event's venue is part of every session's LOCATION, its zone of every
-- DTSTART; its names name the calendars.
CREATE FUNCTION summit_touch_event_sessions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE session SET updated_at = now(),
	    sequence = sequence + CASE WHEN
	        OLD.venue IS DISTINCT FROM NEW.venue OR
	        OLD.timezone IS DISTINCT FROM NEW.timezone THEN 1 ELSE 0 END
	WHERE event_id = NEW.id;
	RETURN NEW;
END $$;
CREATE TRIGGER event_touch_sessions AFTER UPDATE ON event
	FOR EACH ROW WHEN (OLD.venue IS DISTINCT FROM NEW.venue
	    OR OLD.timezone IS DISTINCT FROM NEW.timezone
	    OR OLD.name_nb IS DISTINCT FROM NEW.name_nb
	    OR OLD.name_en IS DISTINCT FROM NEW.name_en)
	EXECUTE FUNCTION summit_touch_event_sessions();
