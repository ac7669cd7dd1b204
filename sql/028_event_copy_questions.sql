-- 028_event_copy_questions.sql: a new event made as a copy of an earlier
-- one (summit_event_copy, 022) gets its questions too (023): the ones
-- shown on the form, with their shown choices, in their order -- never
-- anyone's answers.
CREATE OR REPLACE FUNCTION summit_event_copy_more(src bigint, dst bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	q record;
	nid bigint;
BEGIN
	FOR q IN SELECT * FROM question WHERE event_id = src AND NOT hidden
	    ORDER BY position, id LOOP
		nid := nextval(pg_get_serial_sequence('question', 'id'));
		INSERT INTO question SELECT (jsonb_populate_record(NULL::question,
		    to_jsonb(q) || jsonb_build_object('id', nid, 'event_id',
		    dst))).*;
		INSERT INTO question_choice SELECT (jsonb_populate_record(
		    NULL::question_choice, to_jsonb(c) || jsonb_build_object(
		    'id', nextval(pg_get_serial_sequence('question_choice', 'id')),
		    'event_id', dst, 'question_id', nid))).*
		    FROM question_choice c WHERE c.question_id = q.id
		    AND NOT c.hidden ORDER BY c.position, c.id;
	END LOOP;
END $$;
