-- 007_registration_limits.sql: places claimed at confirmation, the waiting
-- list in the order people joined it, re-sent links counted per person, and
-- the registrations the rate limits turned away.
--
-- A registration no longer holds a place: it is pending until the e-mail is
-- confirmed, and only confirming claims a place (or joins the waiting
-- list).  hold_until now says when an unconfirmed registration is deleted
-- ([registration] confirm_hours); the CHECK that a pending row has one
-- stays.  See docs/registration-limits.md.

-- When the person joined the waiting list: the waiting list's order.  The
-- application sets it with the status; the trigger makes every other path
-- (an organiser's SQL, an import) keep it right too.  Its WHEN clauses are
-- checked without calling the function, so a registration (inserted
-- pending) pays nothing for it.
ALTER TABLE participant ADD COLUMN waitlisted_at timestamptz;
UPDATE participant SET waitlisted_at = created_at WHERE status = 'waitlisted';
CREATE FUNCTION summit_waitlisted_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.waitlisted_at := CASE WHEN NEW.status = 'waitlisted'
	    THEN coalesce(NEW.waitlisted_at, now()) END;
	RETURN NEW;
END $$;
CREATE TRIGGER participant_waitlisted_at_insert BEFORE INSERT ON participant
	FOR EACH ROW WHEN (NEW.status = 'waitlisted' AND NEW.waitlisted_at IS NULL)
	EXECUTE FUNCTION summit_waitlisted_at();
CREATE TRIGGER participant_waitlisted_at_update BEFORE UPDATE ON participant
	FOR EACH ROW WHEN ((NEW.status = 'waitlisted') <> (NEW.waitlisted_at IS NOT NULL))
	EXECUTE FUNCTION summit_waitlisted_at();
DROP INDEX participant_waitlist_idx;
CREATE INDEX participant_waitlist_idx ON participant (event_id, waitlisted_at, id)
	WHERE status = 'waitlisted';

-- Links re-sent to a known address within the current hour: counted in the
-- person's own row, so a mail bomb against one address touches one row and
-- a rush of different people touches no shared one.
ALTER TABLE participant ADD COLUMN link_sends integer NOT NULL DEFAULT 0
	CHECK (link_sends >= 0);
ALTER TABLE participant ADD COLUMN link_window_at timestamptz;

-- Places held by registrations nobody confirmed go back to the event.
UPDATE place SET participant_id = NULL WHERE participant_id IN
	(SELECT id FROM participant WHERE status = 'pending'
	 AND email_confirmed_at IS NULL);

-- Registration attempts refused by a rate limit, as each summitd drained
-- its counters (one row per key and flush).  Kept 14 days.
CREATE TABLE registration_throttle (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	kind		text NOT NULL CHECK (kind IN ('address', 'domain')),
	key		text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
	refusals	integer NOT NULL CHECK (refusals > 0)
);
CREATE INDEX registration_throttle_at_idx ON registration_throttle (at);
