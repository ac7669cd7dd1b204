-- 001_core.sql: events, slots, sessions, sectors, participants, preferences,
-- places, tokens and the mail outbox.
--
-- The rules live here, not only in C: a summitd bug must not be able to store
-- a duplicate e-mail, a rank of 7 or a session of another event.

CREATE TABLE event (
	id			bigserial PRIMARY KEY,
	slug			text NOT NULL UNIQUE
				CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
	name_nb			text NOT NULL CHECK (length(name_nb) BETWEEN 1 AND 200),
	name_en			text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
	description_nb		text NOT NULL DEFAULT '' CHECK (length(description_nb) <= 5000),
	description_en		text NOT NULL DEFAULT '' CHECK (length(description_en) <= 5000),
	venue			text NOT NULL DEFAULT '' CHECK (length(venue) <= 200),
	timezone		text NOT NULL DEFAULT 'Europe/Oslo',
	starts_at		timestamptz NOT NULL,
	ends_at			timestamptz NOT NULL,
	registration_opens	timestamptz NOT NULL,
	registration_closes	timestamptz NOT NULL,
	capacity		integer NOT NULL CHECK (capacity BETWEEN 0 AND 1000000),
	invitation_mode		text NOT NULL DEFAULT 'open'
				CHECK (invitation_mode IN ('open', 'invitation')),
	mailbox			text NOT NULL CHECK (mailbox ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (ends_at > starts_at),
	CHECK (registration_closes > registration_opens)
);

-- Sectors are data, per event, so another event can define its own.
CREATE TABLE sector (
	event_id	bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	code		text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
	name_nb		text NOT NULL CHECK (length(name_nb) BETWEEN 1 AND 100),
	name_en		text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
	position	integer NOT NULL DEFAULT 0,
	PRIMARY KEY (event_id, code)
);

CREATE TABLE slot (
	id		bigserial PRIMARY KEY,
	event_id	bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	starts_at	timestamptz NOT NULL,
	ends_at		timestamptz NOT NULL,
	CHECK (ends_at > starts_at),
	UNIQUE (id, event_id)
);

CREATE TABLE session (
	id			bigserial PRIMARY KEY,
	event_id		bigint NOT NULL,
	slot_id			bigint NOT NULL,
	code			text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
	title_nb		text NOT NULL CHECK (length(title_nb) BETWEEN 1 AND 200),
	title_en		text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
	description_nb		text NOT NULL DEFAULT '' CHECK (length(description_nb) <= 5000),
	description_en		text NOT NULL DEFAULT '' CHECK (length(description_en) <= 5000),
	room			text NOT NULL DEFAULT '' CHECK (length(room) <= 200),
	capacity		integer NOT NULL CHECK (capacity BETWEEN 0 AND 100000),
	tables			integer NOT NULL DEFAULT 1 CHECK (tables BETWEEN 1 AND 10000),
	seats_per_table		integer NOT NULL DEFAULT 10 CHECK (seats_per_table BETWEEN 1 AND 1000),
	sector_share_pct	integer NOT NULL DEFAULT 50 CHECK (sector_share_pct BETWEEN 1 AND 100),
	org_limit		integer NOT NULL DEFAULT 2 CHECK (org_limit >= 1),
	-- The calendar UID never changes, whatever is edited (DESIGN.md).
	uid			text NOT NULL UNIQUE DEFAULT (gen_random_uuid()::text),
	status			text NOT NULL DEFAULT 'active'
				CHECK (status IN ('active', 'cancelled')),
	FOREIGN KEY (slot_id, event_id) REFERENCES slot (id, event_id) ON DELETE CASCADE,
	UNIQUE (event_id, code),
	UNIQUE (id, event_id)
);

CREATE TABLE participant (
	id			bigserial PRIMARY KEY,
	event_id		bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	name			text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	email			text NOT NULL CHECK (length(email) <= 254
				    AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
	organisation		text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 200),
	sector			text NOT NULL,
	role			text NOT NULL DEFAULT '' CHECK (length(role) <= 200),
	needs			text NOT NULL DEFAULT '' CHECK (length(needs) <= 2000),
	language		text NOT NULL DEFAULT 'nb' CHECK (language IN ('nb', 'en')),
	status			text NOT NULL DEFAULT 'pending'
				CHECK (status IN ('pending', 'confirmed', 'waitlisted',
				    'cancelled', 'expired')),
	-- A pending registration holds its place until then.
	hold_until		timestamptz,
	email_confirmed_at	timestamptz,
	consent_at		timestamptz NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	cancelled_at		timestamptz,
	FOREIGN KEY (event_id, sector) REFERENCES sector (event_id, code),
	CHECK (status <> 'pending' OR hold_until IS NOT NULL),
	UNIQUE (id, event_id)
);
-- One registration per e-mail and event, whatever its case.
CREATE UNIQUE INDEX participant_email_key ON participant (event_id, lower(email));
CREATE INDEX participant_waitlist_idx ON participant (event_id, created_at, id)
	WHERE status = 'waitlisted';
CREATE INDEX participant_hold_idx ON participant (hold_until)
	WHERE status = 'pending';

CREATE TABLE preference (
	event_id	bigint NOT NULL,
	participant_id	bigint NOT NULL,
	session_id	bigint NOT NULL,
	rank		smallint NOT NULL CHECK (rank BETWEEN 1 AND 5),
	PRIMARY KEY (participant_id, rank),
	UNIQUE (participant_id, session_id),
	FOREIGN KEY (participant_id, event_id) REFERENCES participant (id, event_id)
	    ON DELETE CASCADE,
	FOREIGN KEY (session_id, event_id) REFERENCES session (id, event_id)
	    ON DELETE CASCADE
);
CREATE INDEX preference_session_idx ON preference (session_id, rank);

-- One row per place at the event.  A registration claims a free row with
-- FOR UPDATE SKIP LOCKED, so concurrent registrations never queue on one hot
-- counter row; the event is full when no free row is left.
CREATE TABLE place (
	event_id	bigint NOT NULL REFERENCES event ON DELETE CASCADE,
	place_no	integer NOT NULL CHECK (place_no >= 1),
	participant_id	bigint UNIQUE REFERENCES participant ON DELETE SET NULL,
	PRIMARY KEY (event_id, place_no)
);
CREATE INDEX place_free_idx ON place (event_id, place_no)
	WHERE participant_id IS NULL;

-- Secrets in links: only their SHA-256 is stored.
CREATE TABLE participant_token (
	hash		text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
	participant_id	bigint NOT NULL REFERENCES participant ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participant_token_participant_idx ON participant_token (participant_id);

-- Every e-mail is first a row here, written in the transaction of the change
-- that causes it.  The row holds the template and its values, never a link
-- secret: link_nonce lets the worker, which holds the secret key, derive the
-- link token again (see src/app/links.c).
CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	event_id	bigint REFERENCES event ON DELETE SET NULL,
	participant_id	bigint REFERENCES participant ON DELETE SET NULL,
	kind		text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
	recipient	text NOT NULL CHECK (length(recipient) <= 254),
	recipient_name	text NOT NULL DEFAULT '',
	language	text NOT NULL DEFAULT 'nb' CHECK (language IN ('nb', 'en')),
	payload		jsonb NOT NULL DEFAULT '{}',
	link_nonce	text CHECK (link_nonce ~ '^[0-9a-f]{32}$'),
	state		text NOT NULL DEFAULT 'queued'
			CHECK (state IN ('queued', 'sent', 'failed')),
	attempts	integer NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	last_error	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	sent_at		timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_participant_idx ON outbox (participant_id);

-- Keeps the place rows in step with the event's capacity.  Shrinking only
-- removes free places: nobody loses a place they hold.
CREATE FUNCTION summit_sync_places(ev bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	cap integer;
	have integer;
BEGIN
	SELECT capacity INTO cap FROM event WHERE id = ev FOR UPDATE;
	SELECT coalesce(max(place_no), 0) INTO have FROM place WHERE event_id = ev;
	IF have < cap THEN
		INSERT INTO place (event_id, place_no)
		SELECT ev, n FROM generate_series(have + 1, cap) AS n;
	ELSIF have > cap THEN
		DELETE FROM place WHERE event_id = ev AND place_no > cap
		    AND participant_id IS NULL;
	END IF;
	RETURN cap;
END $$;
