-- 021_checkin_code_issued.sql: a participant has a check-in code from the
-- moment they are confirmed, made by the database in the transaction that
-- confirms them -- by the address confirmation, a promotion, an
-- organiser, an import or a walk-in alike.  Until now Summit made a code
-- the first time one was asked for, so the participant's page, the badges
-- and the door list could write on a GET (issue 8: GET never writes).
--
-- The code is as 016 describes it: 80 random bits as 16 characters of
-- Crockford's base 32.  The bits come from gen_random_uuid(), PostgreSQL's
-- strong random source (pg_strong_random: OpenSSL's CSPRNG on Debian):
-- bytes 1-6 and 11-14 of a version 4 UUID are random in full (7 and 9
-- carry the version and the variant).
CREATE FUNCTION summit_checkin_code_new() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	u bytea := uuid_send(gen_random_uuid());
	bits bit(80) := ('x' || encode(substring(u FROM 1 FOR 6) ||
	    substring(u FROM 11 FOR 4), 'hex'))::bit(80);
	alphabet text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
	code text := '';
BEGIN
	FOR i IN 0..15 LOOP
		code := code || substr(alphabet,
		    substring(bits FROM i * 5 + 1 FOR 5)::integer + 1, 1);
	END LOOP;
	RETURN code;
END $$;

-- Issues pid's live code unless they have one.  A new code that collides
-- with one of the unique indexes (a code or a short form taken: about one
-- in 2^50 per pair) is drawn again; a live code someone issued meanwhile
-- ends the loop.
CREATE FUNCTION summit_checkin_code_issue(pid bigint) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	LOOP
		EXIT WHEN EXISTS (SELECT 1 FROM checkin_code
		    WHERE participant_id = pid AND revoked_at IS NULL);
		INSERT INTO checkin_code (code, participant_id)
		VALUES (summit_checkin_code_new(), pid) ON CONFLICT DO NOTHING;
	END LOOP;
END $$;

CREATE FUNCTION summit_checkin_code_on_confirm() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM summit_checkin_code_issue(NEW.id);
	RETURN NULL;
END $$;

CREATE TRIGGER participant_checkin_code_issue
	AFTER INSERT OR UPDATE OF status ON participant
	FOR EACH ROW WHEN (NEW.status = 'confirmed')
	EXECUTE FUNCTION summit_checkin_code_on_confirm();

-- Those confirmed before this migration get theirs now.
SELECT summit_checkin_code_issue(p.id) FROM participant p
WHERE p.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM checkin_code c
    WHERE c.participant_id = p.id AND c.revoked_at IS NULL);
