-- Issue 13, lists at scale: sample_set/all's filter words without a LIKE '%word%' per column.
-- A filter word matches a set when it is a substring, in utf8mb4_general_ci's LIKE sense, of
-- its info, label or name (names of patients only where the user has `anon`; the other ways a
-- word matches, creator, set id, config, group, are unchanged). That LIKE compares one
-- character with one character by their collation weights (case and accents folded, ß as s,
-- every character beyond U+FFFF as U+FFFD) and has no expansion, so `w` is in `t` exactly when
-- the weights of w's characters are a run of the weights of t's characters. The folded columns
-- below hold those weights once per row, computed by the server (STORED, never written by the
-- code): WEIGHT_STRING gives two bytes per character (no padding, no cut: measured on 10.11
-- with texts of 5000 characters), read as UCS-2 and written as UTF-8 (surrogate values as
-- their three-byte forms: the map is one-to-one), so that a byte match of a folded word, a
-- whole number of UTF-8 characters, can only start and end on character boundaries. Columns
-- are joined by the byte 0xFF, which is in no UTF-8 text: no match spans two columns. The list
-- then tests LOCATE(folded word, search_fold) > 0 (one binary search per word and row)
-- instead of two to four LIKEs that each decode and fold every character again, and reads
-- the index search_fold_k alone (set id, creator and the folded columns: every column a
-- filter's statement needs), not the table's rows with their LONGTEXT info.
-- The folded columns are bounded to fit that index (InnoDB keys: 3072 bytes): NULL when the
-- folded text would be longer (patient: 2000 bytes of info and label, 1000 of names; run and
-- generic: 3000), i.e. for an info of more than 2000 or 3000 characters (a text of Latin
-- letters folds to as many bytes as characters). search_fold_missing marks those rows and the
-- list uses the LIKEs as before on a table while one of its rows is marked
-- (src/model/sample_sets.cpp, folded_words_usable). The length is tested before any
-- WEIGHT_STRING: beyond max_allowed_packet it would fail the row's INSERT in strict mode.
-- mariadb-dump writes these columns and a restore's inserts ignore them (the server computes
-- them); import-dump and the migrator list only the columns that are not generated.
ALTER TABLE patient
  ADD COLUMN IF NOT EXISTS search_fold VARBINARY(2000) AS (IF(CHAR_LENGTH(info) > 2000, NULL, IF(LENGTH(CONCAT(IF(info IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(info) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(id_label IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(id_label) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)))) > 2000, NULL, CONCAT(IF(info IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(info) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(id_label IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(id_label) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)))))) STORED,
  ADD COLUMN IF NOT EXISTS name_fold VARBINARY(1000) AS (IF(LENGTH(CONCAT(IF(first_name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(first_name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(last_name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(last_name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)))) > 1000, NULL, CONCAT(IF(first_name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(first_name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(last_name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(last_name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY))))) STORED,
  ADD COLUMN IF NOT EXISTS search_fold_missing TINYINT AS (search_fold IS NULL OR name_fold IS NULL) STORED,
  ADD INDEX IF NOT EXISTS search_fold_k (sample_set_id, creator, search_fold, name_fold),
  ADD INDEX IF NOT EXISTS search_fold_missing_k (search_fold_missing);
ALTER TABLE run
  ADD COLUMN IF NOT EXISTS search_fold VARBINARY(3000) AS (IF(CHAR_LENGTH(info) > 3000, NULL, IF(LENGTH(CONCAT(IF(info IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(info) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(id_label IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(id_label) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)))) > 3000, NULL, CONCAT(IF(info IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(info) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(id_label IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(id_label) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)))))) STORED,
  ADD COLUMN IF NOT EXISTS search_fold_missing TINYINT AS (search_fold IS NULL) STORED,
  ADD INDEX IF NOT EXISTS search_fold_k (sample_set_id, creator, search_fold),
  ADD INDEX IF NOT EXISTS search_fold_missing_k (search_fold_missing);
ALTER TABLE generic
  ADD COLUMN IF NOT EXISTS search_fold VARBINARY(3000) AS (IF(CHAR_LENGTH(info) > 3000, NULL, IF(LENGTH(CONCAT(IF(info IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(info) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)))) > 3000, NULL, CONCAT(IF(info IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(info) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)), 0xFF, IF(name IS NULL, _binary'', CAST(CONVERT(CAST(WEIGHT_STRING(name) AS CHAR CHARACTER SET ucs2) USING utf8mb4) AS BINARY)))))) STORED,
  ADD COLUMN IF NOT EXISTS search_fold_missing TINYINT AS (search_fold IS NULL) STORED,
  ADD INDEX IF NOT EXISTS search_fold_k (sample_set_id, creator, search_fold),
  ADD INDEX IF NOT EXISTS search_fold_missing_k (search_fold_missing);
