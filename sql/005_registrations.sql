-- 005_registrations.sql: the console's registrations list -- check-in, and
-- indexes that keep search, filters and sorting fast at 50,000 people.
--
-- Search is a case-insensitive substring match on name, e-mail and
-- organisation, over one generated column (the three lower-cased, joined
-- by a unit separator, which a search text can never hold: it is a control
-- character) with a pg_trgm GIN index that serves LIKE '%x%'.  pg_trgm is a
-- trusted contrib extension (PostgreSQL 13+), so the database owner may
-- create it.  One column costs one LIKE per row where an index cannot help
-- (searches shorter than three characters), not three lower() calls.

ALTER TABLE participant ADD COLUMN checked_in_at timestamptz;

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE participant ADD COLUMN search text GENERATED ALWAYS AS
	(lower(name || chr(31) || email || chr(31) || organisation)) STORED;
CREATE INDEX participant_search_trgm ON participant
	USING gin (search gin_trgm_ops);

-- One index per sort order of the list, each ending in id so paging is
-- stable.
CREATE INDEX participant_list_created_idx ON participant (event_id, created_at, id);
CREATE INDEX participant_list_name_idx ON participant (event_id, lower(name), id);
CREATE INDEX participant_list_org_idx ON participant (event_id, lower(organisation), id);
CREATE INDEX participant_list_status_idx ON participant (event_id, status, created_at, id);

-- The session filter ("ranked it", "placed in it") reads who belongs to a
-- session from the index alone.
CREATE INDEX preference_session_participant_idx ON preference (session_id, participant_id);
CREATE INDEX assignment_session_participant_idx ON assignment (session_id, participant_id);
