-- 010: size and SHA-256 of every stored sequence file (issue 3: uploads record a checksum), so
-- that a copy, a restore or a disk error can be detected. Our own table, beside the original's
-- schema: an original dump loads unchanged, and sequence_file keeps its exact columns.
-- One row per (sequence file, file 1 or 2), replaced when a new file is uploaded.
CREATE TABLE IF NOT EXISTS vidjil_sequence_checksum (
  id INT AUTO_INCREMENT NOT NULL,
  sequence_file_id INT NOT NULL,
  file_number INT NOT NULL,
  stored_name VARCHAR(400) NOT NULL,
  size BIGINT NOT NULL,
  sha256 CHAR(64) NOT NULL,
  created DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY vidjil_sequence_checksum__file (sequence_file_id, file_number),
  CONSTRAINT vidjil_sequence_checksum__file__fk FOREIGN KEY (sequence_file_id) REFERENCES sequence_file (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
-- Downloads look a file up by its stored name (sample_set/download_sequence_file, default/download).
CREATE INDEX IF NOT EXISTS data_file_k ON sequence_file (data_file);
CREATE INDEX IF NOT EXISTS data_file2_k ON sequence_file (data_file2);
