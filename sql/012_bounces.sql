-- 012_bounces.sql: what Summit has read of the organiser's mailbox, the
-- addresses that bounced, and mail held back for them.
--
-- The reader (src/app/mailbox.c) keeps, per mailbox, the UIDVALIDITY it
-- last saw and the highest UID it has dealt with; a new UIDVALIDITY means
-- the UIDs mean something else now and the mailbox is read again from the
-- start (mail_bounce's unique report key makes that harmless).

CREATE TABLE mailbox_cursor (
	mailbox		text PRIMARY KEY CHECK (length(mailbox) BETWEEN 1 AND 500),
	uidvalidity	bigint NOT NULL CONSTRAINT mailbox_cursor_uidvalidity_check
			    CHECK (uidvalidity > 0),
	last_uid	bigint NOT NULL DEFAULT 0 CONSTRAINT mailbox_cursor_last_uid_check
			    CHECK (last_uid >= 0),
	read_at		timestamptz NOT NULL DEFAULT now()
);

-- One row per recipient a bounce names.  report_id is the bounce's own
-- Message-ID (or a hash of it when it has none): reading the same bounce
-- again inserts nothing.  cleared_at is set when an admin corrects the
-- address; until then Summit sends nothing to it.
CREATE TABLE mail_bounce (
	id		bigserial PRIMARY KEY,
	address		text NOT NULL CONSTRAINT mail_bounce_address_check
			    CHECK (length(address) BETWEEN 3 AND 254),
	participant_id	bigint CONSTRAINT mail_bounce_participant_id_fkey
			    REFERENCES participant ON DELETE CASCADE,
	outbox_id	bigint CONSTRAINT mail_bounce_outbox_id_fkey
			    REFERENCES outbox ON DELETE SET NULL,
	status		text NOT NULL CONSTRAINT mail_bounce_status_check
			    CHECK (status ~ '^[245]\.[0-9]{1,3}\.[0-9]{1,3}$'),
	diagnostic	text NOT NULL DEFAULT '' CONSTRAINT mail_bounce_diagnostic_check
			    CHECK (length(diagnostic) <= 2000),
	report_id	text NOT NULL CONSTRAINT mail_bounce_report_id_check
			    CHECK (length(report_id) BETWEEN 1 AND 1000),
	bounced_at	timestamptz NOT NULL DEFAULT now(),
	cleared_at	timestamptz,
	CONSTRAINT mail_bounce_report_id_address_key UNIQUE (report_id, address)
);
CREATE INDEX mail_bounce_active_idx ON mail_bounce (lower(address))
	WHERE cleared_at IS NULL;
CREATE INDEX mail_bounce_participant_idx ON mail_bounce (participant_id);

-- 'held': not sent because the address bounced; sent again (queued) when
-- an admin corrects the address.
ALTER TABLE outbox DROP CONSTRAINT outbox_state_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_state_check
	CHECK (state IN ('queued', 'sent', 'failed', 'held'));
CREATE INDEX outbox_held_idx ON outbox (participant_id) WHERE state = 'held';
-- Every claim looks up queued rows to bounced addresses (src/db/outbox.c).
CREATE INDEX outbox_queued_recipient_idx ON outbox (lower(recipient))
	WHERE state = 'queued';
