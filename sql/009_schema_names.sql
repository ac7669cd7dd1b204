-- 009_schema_names.sql: slots of one event may not overlap, a place holds
-- only a participant of its own event, every constraint has a name that
-- says what it guards, updated_at is kept by one trigger function, and an
-- index that repeated the audit log's primary key is gone.
--
-- Constraint names follow one scheme, <table>_<columns>_<kind>:
--   kind    key (unique, also a unique index), fkey (foreign key), check,
--           excl (exclusion); a primary key is <table>_pkey, without
--           columns, as a table has one;
--   columns the key's columns in order (an expression's columns, as
--           event_id and email in (event_id, lower(email))); for a check,
--           the one column it bounds: a check across columns is named
--           after the column a user would correct (ends_at in
--           "ends_at > starts_at").
-- PostgreSQL's own default names follow the same scheme except for a
-- check across columns, which it calls <table>_check, <table>_check1, ...
-- by creation order; those are renamed here.  A violation reports the name
-- (PG_DIAG_CONSTRAINT_NAME), which db/pool.c keeps with the error and
-- app/refusal.c maps to the form field and a reason.
--
-- NOT NULL is a column property in PostgreSQL 15, not a named constraint;
-- its violation names the column (PG_DIAG_COLUMN_NAME) instead.

-- btree_gist lets an exclusion constraint compare event_id with "=" next
-- to the time ranges' "&&".  It is in Debian's postgresql-15 package (no
-- contrib package since PostgreSQL 10) and trusted (PostgreSQL 13+), so
-- the database owner may create it, like pg_trgm in 005; run.sh and the
-- tests connect as the cluster's superuser anyway.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- "One session per slot" is the allocator's only clash rule, so slots
-- of one event must not overlap: two overlapping slots would let a
-- participant be placed in two sessions at the same time.  Slots that
-- touch (one ends at 10:00, the next starts at 10:00) do not overlap.
-- Existing data that breaks the rule stops the migration with the slots
-- named, and the whole file rolls back; move or delete one of each pair,
-- then migrate again.
DO $$
DECLARE
	clash text;
	n bigint;
BEGIN
	SELECT count(*), string_agg(pair, '; ') INTO n, clash FROM (
		SELECT format('event %s: slot %s (%s to %s) and slot %s (%s to %s)',
		    a.event_id, a.id,
		    to_char(a.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
		    to_char(a.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
		    b.id,
		    to_char(b.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
		    to_char(b.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'))
		    AS pair
		FROM slot a JOIN slot b ON b.event_id = a.event_id
		    AND b.id > a.id
		    AND tstzrange(a.starts_at, a.ends_at) &&
		    tstzrange(b.starts_at, b.ends_at)
		ORDER BY a.event_id, a.id, b.id
		LIMIT 20) AS p;
	IF n > 0 THEN
		RAISE EXCEPTION 'slots overlap in time (UTC): %', clash ||
		    CASE WHEN n = 20 THEN '; and maybe more' ELSE '' END
		    USING HINT = 'Move or delete one slot of each pair, then migrate again.';
	END IF;
END $$;

ALTER TABLE slot ADD CONSTRAINT slot_event_id_starts_at_ends_at_excl
	EXCLUDE USING gist (event_id WITH =,
	    tstzrange(starts_at, ends_at) WITH &&);

-- A place's participant belongs to the place's event, as preferences,
-- placements and invitations tie theirs through (participant_id,
-- event_id).  Deleting the participant frees the place: only
-- participant_id becomes NULL (PostgreSQL 15's column list), never the
-- place's event_id.
ALTER TABLE place DROP CONSTRAINT place_participant_id_fkey;
ALTER TABLE place ADD CONSTRAINT place_participant_id_event_id_fkey
	FOREIGN KEY (participant_id, event_id) REFERENCES participant (id, event_id)
	ON DELETE SET NULL (participant_id);

-- The checks across columns, named by the scheme above.
ALTER TABLE event RENAME CONSTRAINT event_check TO event_ends_at_check;
ALTER TABLE event RENAME CONSTRAINT event_check1
	TO event_registration_closes_check;
ALTER TABLE slot RENAME CONSTRAINT slot_check TO slot_ends_at_check;
ALTER TABLE participant RENAME CONSTRAINT participant_check
	TO participant_hold_until_check;
ALTER TABLE invitation_code RENAME CONSTRAINT invitation_code_check
	TO invitation_code_used_check;
-- A unique index is reported like a constraint: (event_id, lower(email)).
ALTER INDEX participant_email_key RENAME TO participant_event_id_email_key;

-- updated_at by trigger on every table that has it, with one function:
-- summit_touch (003), as session has used since 003.  A participant's
-- count of re-sent links is bookkeeping, not a change of the registration
-- (the empty calendar dated by updated_at must not change with it), so
-- an update that changes it leaves updated_at alone; every other update
-- touches the row.  The WHEN clause is checked without calling the
-- function, so the rule costs no more than the plain trigger; comparing
-- whole rows (jsonb) in the function cost several times as much.
-- Statements that still set updated_at by hand are harmless: the trigger
-- sets the same now() (the transaction's time).
CREATE TRIGGER participant_touch BEFORE UPDATE ON participant
	FOR EACH ROW WHEN (OLD.link_sends IS NOT DISTINCT FROM NEW.link_sends
	    AND OLD.link_window_at IS NOT DISTINCT FROM NEW.link_window_at)
	EXECUTE FUNCTION summit_touch();

-- A descending scan of the primary key serves "newest first" as well.
DROP INDEX audit_log_at_idx;
