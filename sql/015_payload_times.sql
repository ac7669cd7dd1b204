-- 015_payload_times.sql: an invitation's payload carries its times as
-- UTC only; the mail worker writes them in the event's zone (app/mailer.c),
-- so the database formats no time for display.  Payloads already queued
-- keep their old local fields, which nothing reads any more.

CREATE OR REPLACE FUNCTION summit_invitation_payload(sid bigint, seq integer,
    method text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'session_id', s.id, 'uid', s.uid, 'sequence', seq, 'method', method,
	    'title_nb', s.title_nb, 'title_en', s.title_en,
	    'description_nb', s.description_nb, 'description_en', s.description_en,
	    'room', s.room, 'venue', e.venue, 'timezone', e.timezone,
	    'starts_utc', to_char(sl.starts_at AT TIME ZONE 'UTC',
	        'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	    'ends_utc', to_char(sl.ends_at AT TIME ZONE 'UTC',
	        'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
	FROM session s JOIN slot sl ON sl.id = s.slot_id
	JOIN event e ON e.id = s.event_id WHERE s.id = sid
$$;
