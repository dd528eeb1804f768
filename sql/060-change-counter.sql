-- Issue 13: the change counter. One row whose counter every write to a table
-- that per-process caches read from increases, through triggers (AFTER INSERT/UPDATE/DELETE):
-- a persistent FastCGI process reads it with the session (one statement) and keeps what it
-- read before (rights, a set's get_data answer) only while it has not moved.
-- The triggers are not created here: `vidjil-admin migrate` (re)creates the missing ones after
-- every migration (src/db/change_counter.cpp has the list), since a table dropped and loaded
-- again (a dump) loses its triggers; programs use their caches only while all of them exist.
CREATE TABLE IF NOT EXISTS vidjil_change (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  counter BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
INSERT IGNORE INTO vidjil_change (id, counter) VALUES (1, 0);
