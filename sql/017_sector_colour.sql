-- 017_sector_colour.sql: a colour per sector, for the band on name badges
-- (issue 10, item 5).
--
-- Sectors had no colour.  Each gets one, stored with the sector so an
-- organiser can change it in the set-up.  A sector inserted without one
-- (the set-up's form left empty, the demo, a script) takes the next
-- colour of a default palette, counted over the event's sectors, by the
-- trigger below; the sectors that exist when this runs get theirs in
-- their set-up order.  The palette is Okabe and Ito's, told apart by
-- most colour-blind readers.
CREATE FUNCTION summit_sector_colour(n bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN (ARRAY['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9',
	    '#d55e00', '#f0e442', '#000000'])[(n % 8) + 1];

ALTER TABLE sector ADD COLUMN colour text;
UPDATE sector s SET colour = summit_sector_colour(o.n)
	FROM (SELECT event_id, code, row_number() OVER (PARTITION BY event_id
	    ORDER BY position, code) - 1 AS n FROM sector) o
	WHERE o.event_id = s.event_id AND o.code = s.code;
ALTER TABLE sector ALTER COLUMN colour SET NOT NULL,
	ADD CONSTRAINT sector_colour_check CHECK (colour ~ '^#[0-9a-f]{6}$');

-- A row trigger sees the rows its statement inserted before it, so the
-- sectors of one INSERT get different colours too.
CREATE FUNCTION summit_sector_colour_default() RETURNS trigger
	LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.colour IS NULL THEN
		NEW.colour := summit_sector_colour((SELECT count(*) FROM sector
		    WHERE event_id = NEW.event_id));
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER sector_colour_default BEFORE INSERT ON sector
	FOR EACH ROW EXECUTE FUNCTION summit_sector_colour_default();
