-- 005_registrations.sql: the console's registrations list -- check-in, and
-- indexes that keep search, filters and sorting fast at 50,000 people.
--
-- Search is a case-insensitive substring match on name, e-mail and
-- organisation: pg_trgm GIN indexes on lower(...) serve LIKE '%x%'.
-- pg_trgm is a trusted contrib extension (PostgreSQL 13+), so the owner
-- of the database may create it.

ALTER TABLE participant ADD COLUMN checked_in_at timestamptz;

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX participant_name_trgm ON participant
	USING gin (lower(name) gin_trgm_ops);
CREATE INDEX participant_email_trgm ON participant
	USING gin (lower(email) gin_trgm_ops);
CREATE INDEX participant_org_trgm ON participant
	USING gin (lower(organisation) gin_trgm_ops);

-- One index per sort order of the list, each ending in id so paging is
-- stable.
CREATE INDEX participant_list_created_idx ON participant (event_id, created_at, id);
CREATE INDEX participant_list_name_idx ON participant (event_id, lower(name), id);
CREATE INDEX participant_list_org_idx ON participant (event_id, lower(organisation), id);
CREATE INDEX participant_list_status_idx ON participant (event_id, status, created_at, id);
