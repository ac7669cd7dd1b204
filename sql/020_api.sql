-- 020_api.sql: tokens of the JSON API (/api/v1/, docs/api.md).
--
-- A token belongs to one organiser and one event: the API answers only
-- for that event and only while the organiser's account is enabled.
-- Only the token's SHA-256 is stored, as for every other secret in a
-- link or a cookie.  scopes: 'read' (every GET), 'checkin' (POST
-- /api/v1/checkins).  A revoked or expired token is refused.
CREATE TABLE api_token (
	id		bigserial PRIMARY KEY,
	organiser_id	bigint NOT NULL CONSTRAINT api_token_organiser_id_fkey
			    REFERENCES organiser ON DELETE CASCADE,
	event_id	bigint NOT NULL CONSTRAINT api_token_event_id_fkey
			    REFERENCES event ON DELETE CASCADE,
	hash		text NOT NULL CONSTRAINT api_token_hash_check
			    CHECK (hash ~ '^[0-9a-f]{64}$'),
	scopes		text[] NOT NULL CONSTRAINT api_token_scopes_check
			    CHECK (cardinality(scopes) >= 1
			    AND scopes <@ ARRAY['read', 'checkin']::text[]),
	expires_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	CONSTRAINT api_token_hash_key UNIQUE (hash)
);
CREATE INDEX api_token_organiser_id_idx ON api_token (organiser_id);

-- Webhooks: an admin's endpoints (summitctl webhook add), each with the
-- kinds of change it subscribes to.  The secret signs every delivery
-- (HMAC-SHA256, docs/api.md), so it is kept as it is, like the secret
-- key file: whoever reads the database could sign, not read, anything.
CREATE TABLE webhook_endpoint (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL CONSTRAINT webhook_endpoint_event_id_fkey
			    REFERENCES event ON DELETE CASCADE,
	url		text NOT NULL CONSTRAINT webhook_endpoint_url_check
			    CHECK (url ~ '^https?://[^[:space:]]+$'
			    AND length(url) <= 2000),
	secret		text NOT NULL CONSTRAINT webhook_endpoint_secret_check
			    CHECK (length(secret) BETWEEN 16 AND 200),
	kinds		text[] NOT NULL CONSTRAINT webhook_endpoint_kinds_check
			    CHECK (cardinality(kinds) >= 1 AND kinds <@ ARRAY[
			    'registration.created', 'registration.cancelled',
			    'placement.published', 'placement.changed',
			    'checkin.recorded']::text[]),
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- One row per (change, endpoint), written by the triggers below in the
-- transaction of the change: a change rolled back queues nothing, one
-- committed is delivered at least once.  delivery_id never changes, so
-- a receiver drops a delivery it saw before.  Retried like the mail
-- outbox: attempts, next_attempt_at, then 'failed'.
CREATE TABLE webhook_outbox (
	id		bigserial PRIMARY KEY,
	delivery_id	uuid NOT NULL DEFAULT gen_random_uuid()
			    CONSTRAINT webhook_outbox_delivery_id_key UNIQUE,
	endpoint_id	bigint NOT NULL CONSTRAINT webhook_outbox_endpoint_id_fkey
			    REFERENCES webhook_endpoint ON DELETE CASCADE,
	kind		text NOT NULL,
	payload		jsonb NOT NULL,
	state		text NOT NULL DEFAULT 'queued'
			    CONSTRAINT webhook_outbox_state_check
			    CHECK (state IN ('queued', 'sent', 'failed')),
	attempts	integer NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	last_status	integer,
	last_error	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	sent_at		timestamptz
);
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at, id)
	WHERE state = 'queued';

-- Queues kind with data for every active endpoint of ev subscribed to it.
CREATE FUNCTION summit_webhook_queue(ev bigint, kind text, data jsonb)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO webhook_outbox (endpoint_id, kind, payload)
	SELECT w.id, kind, data FROM webhook_endpoint w
	WHERE w.event_id = ev AND w.active AND kind = ANY (w.kinds)
$$;

-- Registrations, cancellations and check-ins, whichever path made them
-- (the form, the console, the API, summitctl): the table is the one
-- place they all pass.
CREATE FUNCTION summit_webhook_participant() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM summit_webhook_queue(NEW.event_id, 'registration.created',
		    jsonb_build_object('registration_id', NEW.id,
		    'status', NEW.status, 'sector', NEW.sector));
		RETURN NULL;
	END IF;
	IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
		PERFORM summit_webhook_queue(NEW.event_id,
		    'registration.cancelled',
		    jsonb_build_object('registration_id', NEW.id));
	END IF;
	IF NEW.checked_in_at IS NOT NULL AND OLD.checked_in_at IS NULL THEN
		PERFORM summit_webhook_queue(NEW.event_id, 'checkin.recorded',
		    jsonb_build_object('registration_id', NEW.id,
		    'checked_in_at', to_char(NEW.checked_in_at AT TIME ZONE 'UTC',
		    'YYYY-MM-DD"T"HH24:MI:SS"Z"')));
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER participant_webhook AFTER INSERT OR UPDATE OF status,
	checked_in_at ON participant
	FOR EACH ROW EXECUTE FUNCTION summit_webhook_participant();

-- Placements as participants learn them: an invitation sent (published)
-- or sent again with a new SEQUENCE or state (changed, cancelled too).
CREATE FUNCTION summit_webhook_invitation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.sequence = OLD.sequence
	    AND NEW.state = OLD.state THEN
		RETURN NULL;
	END IF;
	PERFORM summit_webhook_queue(NEW.event_id,
	    CASE TG_OP WHEN 'INSERT' THEN 'placement.published'
	    ELSE 'placement.changed' END,
	    jsonb_build_object('registration_id', NEW.participant_id,
	    'session_id', NEW.session_id, 'state', NEW.state,
	    'sequence', NEW.sequence));
	RETURN NULL;
END $$;
CREATE TRIGGER invitation_webhook AFTER INSERT OR UPDATE ON invitation
	FOR EACH ROW EXECUTE FUNCTION summit_webhook_invitation();
