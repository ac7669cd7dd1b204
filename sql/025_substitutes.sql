-- 025_substitutes.sql: a confirmed participant hands their place to a
-- colleague (issue 11, item 4).
--
-- The colleague is a participant row from the start: pending, with a
-- hold like any unconfirmed registration (so it lapses the same way, and
-- an e-mail already registered for the event cannot be named: the unique
-- index participant_event_id_email_key says so), and substitute_for
-- naming the person whose place it would take.  Nothing moves until the
-- colleague confirms from the mailed link (and, where the event asks for
-- it, an organiser approves); then place, placements and rules pass over
-- in one transaction and the old registration becomes 'substituted'.

-- Whether an organiser approves each hand-over before it happens.
ALTER TABLE event ADD COLUMN substitute_approval boolean NOT NULL
	DEFAULT false;

-- The place this (pending) registration would take over; kept after
-- the hand-over as its history.  A removed original leaves the
-- substitute's registration standing.
ALTER TABLE participant ADD COLUMN substitute_for bigint;
ALTER TABLE participant ADD CONSTRAINT participant_substitute_for_event_id_fkey
	FOREIGN KEY (substitute_for, event_id) REFERENCES participant (id, event_id)
	ON DELETE SET NULL (substitute_for);
ALTER TABLE participant ADD CONSTRAINT participant_substitute_for_check
	CHECK (substitute_for <> id);
-- One open hand-over per place at a time.
CREATE UNIQUE INDEX participant_substitute_for_status_key ON participant
	(substitute_for) WHERE status = 'pending';

-- A registration whose place went to a substitute.
ALTER TABLE participant DROP CONSTRAINT participant_status_check;
ALTER TABLE participant ADD CONSTRAINT participant_status_check
	CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'cancelled',
	    'expired', 'substituted'));
