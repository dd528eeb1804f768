-- Issue 13, scale of data (sql/README D7): indexes for the lists of sets with 100 000 patients
-- and 1 000 000 sequence files.
-- The sets granted to a user's groups: sample_set/all's visibility semi-join reads
-- (table_name, name, group_id) ranges (prefixes: two VARCHAR(512) utf8mb4 columns exceed the
-- 3072-byte key limit; table and permission names are short).
CREATE INDEX IF NOT EXISTS table_name_group_k ON auth_permission (table_name(64), name(32), group_id, record_id);
