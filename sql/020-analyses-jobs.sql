-- 020: tables of the analysis runner (not in the original): job state beside scheduler_task,
-- runner hosts, per-config time limits and the original uploads replaced by a pre-process.
--
-- scheduler_task keeps the original's columns and meaning (status, args, start_time...): the
-- web client, the sample-set pages and an imported dump all read it. What the original never
-- recorded (who runs a job, since when, its heartbeat, why it failed) lives here, keyed by the
-- task id. Times are DATETIME for people and BIGINT epoch seconds for the heartbeat arithmetic.
CREATE TABLE IF NOT EXISTS vidjil_job (
  task_id INT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  results_file_id INT DEFAULT NULL,
  sequence_file_id INT DEFAULT NULL,
  config_id INT DEFAULT NULL,
  pre_process_id INT DEFAULT NULL,
  grep_reads VARCHAR(1024) DEFAULT NULL,
  requested_by INT DEFAULT NULL,
  queued_at DATETIME DEFAULT NULL,
  started_at DATETIME DEFAULT NULL,
  ended_at DATETIME DEFAULT NULL,
  host VARCHAR(255) DEFAULT NULL,
  pid INT DEFAULT NULL,
  child_pid INT DEFAULT NULL,
  heartbeat BIGINT DEFAULT NULL,
  attempts INT NOT NULL DEFAULT 0,
  log_path VARCHAR(1024) DEFAULT NULL,
  message LONGTEXT,
  PRIMARY KEY (task_id),
  KEY vidjil_job__results (results_file_id),
  KEY vidjil_job__file (sequence_file_id, config_id),
  KEY vidjil_job__host (host),
  CONSTRAINT vidjil_job__task_id__fk FOREIGN KEY (task_id) REFERENCES scheduler_task (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
--
-- One row per host running vidjil-runner: claims lock it so that the per-host limit of
-- concurrent jobs holds even when two runners start at once on the same host.
CREATE TABLE IF NOT EXISTS vidjil_runner_host (
  host VARCHAR(255) NOT NULL,
  pid INT DEFAULT NULL,
  heartbeat BIGINT DEFAULT NULL,
  PRIMARY KEY (host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
--
-- Per-config time limit in seconds (NULL or absent: JOB_TIMEOUT of vidjil.conf).
CREATE TABLE IF NOT EXISTS vidjil_config_limit (
  config_id INT NOT NULL,
  time_limit INT DEFAULT NULL,
  PRIMARY KEY (config_id),
  CONSTRAINT vidjil_config_limit__config_id__fk FOREIGN KEY (config_id) REFERENCES config (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
--
-- The original deleted R1/R2 after merging them; we keep the files on disk and remember their
-- stored names here when sequence_file.data_file/data_file2 are replaced by the merged reads,
-- so that a restarted pre-process starts again from the real uploads.
CREATE TABLE IF NOT EXISTS vidjil_sequence_file_origin (
  sequence_file_id INT NOT NULL,
  data_file VARCHAR(400) DEFAULT NULL,
  data_file2 VARCHAR(400) DEFAULT NULL,
  replaced_at DATETIME DEFAULT NULL,
  PRIMARY KEY (sequence_file_id),
  CONSTRAINT vidjil_sequence_file_origin__sf__fk FOREIGN KEY (sequence_file_id) REFERENCES sequence_file (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
