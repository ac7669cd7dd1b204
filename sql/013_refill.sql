-- 013_refill.sql: freed seats are filled (issue 9, item 4).
--
-- A decline, a cancellation or an organiser's removal frees a seat after
-- publishing.  With refill_automatically, summitd's background thread
-- fills freed seats itself (app/refill.c) within one expiry interval;
-- without it, an organiser fills them with one click on the console's
-- publish page after a preview.  Off for every existing event: nothing
-- changes until an organiser turns it on.
ALTER TABLE event ADD COLUMN refill_automatically boolean NOT NULL
	DEFAULT false;
