-- 002_allocation.sql: placements in sessions, organisers' pins and bans, and
-- a record of every allocation run.

-- How many sessions a participant wants; NULL: one in every slot.
ALTER TABLE participant ADD COLUMN sessions_wanted smallint
	CHECK (sessions_wanted BETWEEN 1 AND 50);

-- The current placements.  "published" marks those participants have been
-- told about; a re-run keeps as many of them as it can.
CREATE TABLE assignment (
	event_id	bigint NOT NULL,
	participant_id	bigint NOT NULL,
	session_id	bigint NOT NULL,
	table_no	integer NOT NULL DEFAULT 1 CHECK (table_no >= 1),
	pinned		boolean NOT NULL DEFAULT false,
	published	boolean NOT NULL DEFAULT false,
	run_id		bigint,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (participant_id, session_id),
	FOREIGN KEY (participant_id, event_id) REFERENCES participant (id, event_id)
	    ON DELETE CASCADE,
	FOREIGN KEY (session_id, event_id) REFERENCES session (id, event_id)
	    ON DELETE CASCADE
);
CREATE INDEX assignment_session_idx ON assignment (session_id, table_no);
CREATE INDEX assignment_event_idx ON assignment (event_id);

-- Organisers' rules: a pin always holds, a ban never happens.
CREATE TABLE placement_rule (
	event_id	bigint NOT NULL,
	participant_id	bigint NOT NULL,
	session_id	bigint NOT NULL,
	kind		text NOT NULL CHECK (kind IN ('pin', 'ban')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (participant_id, session_id),
	FOREIGN KEY (participant_id, event_id) REFERENCES participant (id, event_id)
	    ON DELETE CASCADE,
	FOREIGN KEY (session_id, event_id) REFERENCES session (id, event_id)
	    ON DELETE CASCADE
);

-- Every run, so a result can be explained later.
CREATE TABLE allocation_run (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	started_at	timestamptz NOT NULL DEFAULT now(),
	solve_ms	integer NOT NULL,
	inputs_sha256	text NOT NULL CHECK (inputs_sha256 ~ '^[0-9a-f]{64}$'),
	params		jsonb NOT NULL,
	figures		jsonb NOT NULL,
	applied		boolean NOT NULL DEFAULT false,
	added		integer NOT NULL DEFAULT 0,
	removed		integer NOT NULL DEFAULT 0,
	kept		integer NOT NULL DEFAULT 0
);
ALTER TABLE assignment ADD FOREIGN KEY (run_id) REFERENCES allocation_run
	ON DELETE SET NULL;
