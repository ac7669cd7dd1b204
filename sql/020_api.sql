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
