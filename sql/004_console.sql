-- 004_console.sql: organiser accounts, their login sessions, login
-- throttling and the audit log.

CREATE TABLE organiser (
	id		bigserial PRIMARY KEY,
	email		text NOT NULL CHECK (length(email) <= 254
			    AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
	name		text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
	role		text NOT NULL CHECK (role IN ('admin', 'staff')),
	-- argon2id, PHC string format; NULL until a password is set.
	password_hash	text CHECK (password_hash IS NULL
			    OR password_hash LIKE '$argon2id$%'),
	-- A one-time link to set the password: only its SHA-256.
	setup_hash	text CHECK (setup_hash ~ '^[0-9a-f]{64}$'),
	setup_expires	timestamptz,
	disabled	boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organiser_email_key ON organiser (lower(email));

-- A login session: the cookie holds a random token, this only its hash.
CREATE TABLE login_session (
	hash		text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
	organiser_id	bigint NOT NULL REFERENCES organiser ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	address		text NOT NULL DEFAULT ''
);
CREATE INDEX login_session_organiser_idx ON login_session (organiser_id);

-- Failed logins per account ("account:EMAIL") and per address
-- ("address:IP"), for slowing down and then locking out guessing.
CREATE TABLE login_failure (
	key		text PRIMARY KEY CHECK (length(key) <= 300),
	failures	integer NOT NULL DEFAULT 0,
	first_at	timestamptz NOT NULL DEFAULT now(),
	locked_until	timestamptz
);

-- Every change an organiser makes: who, what, when, before and after.
CREATE TABLE audit_log (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	organiser_id	bigint REFERENCES organiser ON DELETE SET NULL,
	actor		text NOT NULL,		-- e-mail at the time, kept if deleted
	action		text NOT NULL CHECK (action ~ '^[a-z_.]{1,64}$'),
	subject_type	text NOT NULL DEFAULT '',
	subject_id	bigint,
	before		jsonb,
	after		jsonb,
	address		text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (id DESC);
