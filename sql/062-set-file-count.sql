-- Issue 13, lists at scale: each set's number of memberships kept in its detail row, for
-- sample_set/all's sort by file count (before: a COUNT of sample_set_membership per listed set,
-- 1.25 M index rows for an administrator's 100 000 patients). file_count is the number of
-- sample_set_membership rows whose sample_set_id is the row's sample_set_id, the same number
-- as the COUNT(*) the sort used.
-- Kept exact by triggers made by `vidjil-admin migrate` with the change counter's (src/db/
-- change_counter.cpp, "vidjil_chg_cnt_*"): a membership added, removed or moved; a sequence
-- file deleted (BEFORE DELETE: its memberships go by the foreign key's cascade, which fires no
-- trigger); a detail row inserted or given another set (counted then). A set deleted deletes
-- its detail row (cascade). Whenever migrate or restore creates a missing trigger, and after
-- import-dump, every count is made again from the memberships; the list uses the column only
-- while every trigger exists (otherwise it counts, as before).
-- The two indexes serve the list's two orders: file count ascending then newest set first,
-- and (reverse) both descending.
ALTER TABLE patient
  ADD COLUMN IF NOT EXISTS file_count INT NOT NULL DEFAULT 0,
  ADD INDEX IF NOT EXISTS file_count_k (file_count, sample_set_id DESC),
  ADD INDEX IF NOT EXISTS file_count_desc_k (file_count, sample_set_id);
ALTER TABLE run
  ADD COLUMN IF NOT EXISTS file_count INT NOT NULL DEFAULT 0,
  ADD INDEX IF NOT EXISTS file_count_k (file_count, sample_set_id DESC),
  ADD INDEX IF NOT EXISTS file_count_desc_k (file_count, sample_set_id);
ALTER TABLE generic
  ADD COLUMN IF NOT EXISTS file_count INT NOT NULL DEFAULT 0,
  ADD INDEX IF NOT EXISTS file_count_k (file_count, sample_set_id DESC),
  ADD INDEX IF NOT EXISTS file_count_desc_k (file_count, sample_set_id);
-- Sort by name (same issue): keys whose byte order is exactly the order of sample_set/all's
-- pages sorted by name, ORDER BY last_name, first_name (patient) or name (run, generic) under
-- utf8mb4_general_ci, PAD SPACE, with LIMIT: MariaDB sorts those by keys cut at max_sort_length
-- (1024 bytes: 256 characters of utf8mb4), so names equal on their first 256 characters are
-- equal for it (then newest set first), measured on 10.11 (without LIMIT it compares them in
-- full). Each key is the collation's weights (WEIGHT_STRING, two bytes per character) of the
-- first 256 characters without trailing spaces, NULL for NULL: equal keys are equal (cut)
-- names, and a name that is a prefix of another (then spaces and another character) comes
-- first in both orders. That holds while no character weighs less than a space, i.e. for
-- names without the control characters U+0000-U+001F: name_cntrl marks the rows holding one,
-- and the list sorts by the columns as before while a row of the table is marked, when
-- max_sort_length is not 1024, and for a list without pages. Computed by the server
-- (STORED), never written by the code.
ALTER TABLE patient
  ADD COLUMN IF NOT EXISTS last_key VARBINARY(512) AS (WEIGHT_STRING(RTRIM(LEFT(last_name, 256)))) STORED,
  ADD COLUMN IF NOT EXISTS first_key VARBINARY(512) AS (WEIGHT_STRING(RTRIM(LEFT(first_name, 256)))) STORED,
  ADD COLUMN IF NOT EXISTS name_cntrl TINYINT AS
    (CONCAT(COALESCE(last_name, ''), COALESCE(first_name, '')) REGEXP '[\\x{00}-\\x{1f}]') STORED,
  ADD INDEX IF NOT EXISTS name_key_k (last_key, first_key, sample_set_id DESC),
  ADD INDEX IF NOT EXISTS name_key_desc_k (last_key, first_key, sample_set_id),
  ADD INDEX IF NOT EXISTS name_cntrl_k (name_cntrl);
ALTER TABLE run
  ADD COLUMN IF NOT EXISTS name_key VARBINARY(512) AS (WEIGHT_STRING(RTRIM(LEFT(name, 256)))) STORED,
  ADD COLUMN IF NOT EXISTS name_cntrl TINYINT AS (COALESCE(name, '') REGEXP '[\\x{00}-\\x{1f}]') STORED,
  ADD INDEX IF NOT EXISTS name_key_k (name_key, sample_set_id DESC),
  ADD INDEX IF NOT EXISTS name_key_desc_k (name_key, sample_set_id),
  ADD INDEX IF NOT EXISTS name_cntrl_k (name_cntrl);
ALTER TABLE generic
  ADD COLUMN IF NOT EXISTS name_key VARBINARY(512) AS (WEIGHT_STRING(RTRIM(LEFT(name, 256)))) STORED,
  ADD COLUMN IF NOT EXISTS name_cntrl TINYINT AS (COALESCE(name, '') REGEXP '[\\x{00}-\\x{1f}]') STORED,
  ADD INDEX IF NOT EXISTS name_key_k (name_key, sample_set_id DESC),
  ADD INDEX IF NOT EXISTS name_key_desc_k (name_key, sample_set_id),
  ADD INDEX IF NOT EXISTS name_cntrl_k (name_cntrl);
