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
