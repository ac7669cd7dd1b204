-- 027_privacy.sql: privacy promises an event keeps (issue 11, item 6).
--
-- event.retention_months: personal data is erased this many months after
-- the event's end; NULL keeps the installation's [privacy] retention_days
-- (a number of days), so events made before this migration keep the
-- period they had.  event.controller names the data controller on the
-- privacy page; empty: "the organisers of the event".
--
-- participant.consent_version: the version (16 hex digits of the SHA-256
-- of the text, app/privacy.c) of the privacy statement shown when they
-- registered; NULL for rows made before, or by an organiser's import.
-- participant.erased_at: when their personal data was erased, by the
-- retention job or by themselves; rows erased before this migration
-- (their e-mail set to erased-ID@invalid.invalid) get their last change.
ALTER TABLE event ADD COLUMN retention_months integer
	CONSTRAINT event_retention_months_check
	CHECK (retention_months BETWEEN 1 AND 120);
ALTER TABLE event ADD COLUMN controller text NOT NULL DEFAULT ''
	CONSTRAINT event_controller_check CHECK (length(controller) <= 200);
ALTER TABLE participant ADD COLUMN consent_version text
	CONSTRAINT participant_consent_version_check
	CHECK (consent_version ~ '^[0-9a-f]{16}$');
ALTER TABLE participant ADD COLUMN erased_at timestamptz;
-- The backfill is no change of the registration: updated_at (which dates
-- the calendar feeds) stays as it was.
ALTER TABLE participant DISABLE TRIGGER participant_touch;
UPDATE participant SET erased_at = updated_at
WHERE email = 'erased-' || id || '@invalid.invalid';
ALTER TABLE participant ENABLE TRIGGER participant_touch;

-- The moment an event's personal data is due for erasure: its end plus
-- its own months, or plus the installation's days (default_days).  Links
-- stop working at the same moment (db/participant.c).
CREATE FUNCTION summit_erase_after(ends_at timestamptz, months integer,
    default_days integer) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT ends_at + CASE WHEN months IS NOT NULL
	    THEN make_interval(months => months)
	    ELSE make_interval(days => default_days) END
$$;

-- The retention job looks for people not yet erased, and for the mails of
-- people erased lately whose address is still on a mail just sent.
CREATE INDEX participant_not_erased_idx ON participant (event_id)
	WHERE erased_at IS NULL;
CREATE INDEX participant_erased_at_idx ON participant (erased_at)
	WHERE erased_at IS NOT NULL;
