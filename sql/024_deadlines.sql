-- 024_deadlines.sql: deadlines and a freeze, per event (issue 11, item 3).
--
-- Registration already opened and closed (001).  Each event now also has:
-- a change deadline for rankings (and answers to the organisers'
-- questions), after which the participant's page refuses changes; a
-- cancellation deadline, after which a participant's own cancellation is
-- refused -- or, when the event says so, accepted and marked late; and a
-- time before the start after which nobody is promoted from the waiting
-- list (never once the event has started).  NULL deadlines are no
-- deadline: the events that exist keep behaving as they did.
--
-- After an allocation is published, a participant's new ranking changes
-- nothing by itself: it is kept here as a change request that the
-- organisers accept or dismiss in the console.
ALTER TABLE event
	ADD COLUMN change_deadline timestamptz,
	ADD COLUMN cancel_deadline timestamptz,
	ADD COLUMN cancel_late_allowed boolean NOT NULL DEFAULT false,
	ADD COLUMN promotion_stop_hours integer NOT NULL DEFAULT 0
	    CONSTRAINT event_promotion_stop_hours_check
	    CHECK (promotion_stop_hours BETWEEN 0 AND 8760);

-- A cancellation after the deadline that the event accepted.  Only a
-- cancelled registration can be late: the trigger below clears the mark
-- when the status changes away from cancelled (an organiser's reinstating).
ALTER TABLE participant
	ADD COLUMN cancelled_late boolean NOT NULL DEFAULT false
	    CONSTRAINT participant_cancelled_late_check
	    CHECK (NOT cancelled_late OR status = 'cancelled');

CREATE FUNCTION summit_participant_late_clear() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status <> 'cancelled' THEN
		NEW.cancelled_late := false;
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER participant_late_clear BEFORE UPDATE OF status
	ON participant FOR EACH ROW
	EXECUTE FUNCTION summit_participant_late_clear();

-- A ranking asked for after publishing: the sessions in rank order.  At
-- most one open request per participant; a newer one replaces it.
CREATE TABLE change_request (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL,
	participant_id	bigint NOT NULL,
	sessions	bigint[] NOT NULL
	    CONSTRAINT change_request_sessions_check
	    CHECK (cardinality(sessions) <= 5),
	state		text NOT NULL DEFAULT 'open'
	    CONSTRAINT change_request_state_check
	    CHECK (state IN ('open', 'accepted', 'dismissed', 'replaced')),
	requested_at	timestamptz NOT NULL DEFAULT now(),
	decided_at	timestamptz,
	CONSTRAINT change_request_decided_at_check
	    CHECK ((state = 'open') = (decided_at IS NULL)),
	CONSTRAINT change_request_participant_id_event_id_fkey
	    FOREIGN KEY (participant_id, event_id)
	    REFERENCES participant (id, event_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX change_request_participant_id_state_key
	ON change_request (participant_id) WHERE state = 'open';
CREATE INDEX change_request_event_idx
	ON change_request (event_id, requested_at) WHERE state = 'open';
