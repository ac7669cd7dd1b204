-- 008_login.sql: login throttling leaves the database.
--
-- Failed logins are counted in memory per summitd process (src/base/limit.c,
-- src/app/organiser.c), counted before the password check so parallel
-- attempts cannot pass the limit, and answered at once with 429 rather than
-- slept on.  The table that counted them after the check, and let anyone
-- lock any account, is no longer read or written.
DROP TABLE login_failure;
