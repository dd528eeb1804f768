-- Issue 13, lists at scale (sql/README D7): a covering index for the sets a user may list.
-- sample_set/all's visibility semi-join reads the sample_set grants of the user's groups. The
-- index of 057 holds only prefixes of the two VARCHAR(512) utf8mb4 columns (a full key would
-- exceed InnoDB's 3072 bytes), so every grant it finds is checked again in its row: 24 000
-- primary-key reads for a user of two large groups. sample_set_grant is the permission name of
-- the rows on table sample_set without trailing spaces (NULL elsewhere, and for names longer
-- than 16 characters, which no right has), computed by the server from the row itself. Same
-- collation, and trailing spaces do not count in it (PAD SPACE), so `sample_set_grant =
-- 'access'` holds exactly where `table_name = 'sample_set' AND name = 'access'` does; indexed
-- with group_id and record_id, the semi-join is an index-only range.
-- Generated (STORED): never written by the code, never in an original dump; mariadb-dump
-- writes it and the restore's inserts ignore it (the server recomputes it).
ALTER TABLE auth_permission
  ADD COLUMN IF NOT EXISTS sample_set_grant VARCHAR(16)
    AS (IF(table_name = 'sample_set' AND CHAR_LENGTH(RTRIM(name)) <= 16, RTRIM(name), NULL)) STORED,
  ADD INDEX IF NOT EXISTS sample_set_grant_k (sample_set_grant, group_id, record_id);
