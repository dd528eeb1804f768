-- 001: schema of the original Vidjil server (py4web/pydal, release 2024.05.4), see spec model.md sections 0 and 1
--
-- Goal: a `mysqldump --no-create-info --complete-insert` of an existing Vidjil database loads into
-- these tables unchanged. Table names, column names, column order and types follow the original
-- (pydal MySQL dialect: string=VARCHAR(512), text/list:string=LONGTEXT, boolean=CHAR(1) 'T'/'F',
-- upload=VARCHAR(400), reference=INT + INDEX <col>__idx + FOREIGN KEY ... ON DELETE CASCADE unless
-- stated otherwise).
--
-- Rules for this file (the migration runner splits statements on a semicolon at end of line):
-- plain statements only, no DELIMITER, no procedures, comments on their own lines, no semicolon
-- at the end of a comment line. Every statement is idempotent (CREATE TABLE IF NOT EXISTS).
-- Tables are created parents first so that the FOREIGN KEY clauses resolve.
--
-- Deviations from the original (all safe for loading old dumps, see sql/README):
--   D1 charset utf8mb4 (original: utf8, i.e. utf8mb3), collation pinned to utf8mb4_general_ci
--      (same comparison rules as the original utf8_general_ci, e.g. case-insensitive tag names)
--   D2 sequence_file.provider ON DELETE SET NULL (original CASCADE: deleting a user deleted
--      every file they uploaded or last edited, and all results of those files)
--   D3 sequence_file.patient_id ON DELETE SET NULL (original CASCADE: deleting a legacy patient
--      row deleted files that may also belong to other sets)
--   D4 auth_event.user_id and user_log.user_id ON DELETE SET NULL (original CASCADE: deleting a
--      user erased the login audit and the per-record audit trail of what they did)
--   D5 web2py-era long text kept in columns py4web redeclared as VARCHAR(512) is widened to
--      LONGTEXT: scheduler_task.args/vars, scheduler_run.run_output/run_result/traceback,
--      scheduler_worker.worker_stats, plus fused_file.sequence_file_list (grows with the number
--      of samples in a set). mysqldump runs with a non-strict SQL_MODE, so a too-narrow column
--      would silently truncate old data instead of failing.
--   D6 extra secondary indexes for the hot queries (names end in _k), no unique constraint added
--      except the original's tag.name.

-- ---------------------------------------------------------------------------------------------
-- 1.1 Authentication / authorization
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS auth_user (
  id INT AUTO_INCREMENT NOT NULL,
  email VARCHAR(512),
  password VARCHAR(512),
  first_name VARCHAR(512),
  last_name VARCHAR(512),
  sso_id VARCHAR(512),
  action_token VARCHAR(512),
  last_password_change DATETIME,
  email__tmp VARCHAR(512),
  registration_key VARCHAR(512),
  reset_password_key VARCHAR(512),
  registration_id VARCHAR(512),
  PRIMARY KEY (id),
  -- D6: login looks users up by e-mail (no uniqueness in the original: duplicates exist)
  INDEX email_k (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS auth_group (
  id INT AUTO_INCREMENT NOT NULL,
  role VARCHAR(512),
  description LONGTEXT,
  PRIMARY KEY (id),
  -- D6: personal groups are found by role (user_%04d)
  INDEX role_k (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS auth_membership (
  id INT AUTO_INCREMENT NOT NULL,
  user_id INT,
  group_id INT,
  PRIMARY KEY (id),
  -- D6: (user_id, group_id) serves "groups of a user" and the FK on user_id
  INDEX user_id__idx (user_id, group_id),
  INDEX group_id__idx (group_id),
  CONSTRAINT auth_membership__user_id__fk FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE CASCADE,
  CONSTRAINT auth_membership__group_id__fk FOREIGN KEY (group_id) REFERENCES auth_group (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS auth_permission (
  id INT AUTO_INCREMENT NOT NULL,
  group_id INT,
  name VARCHAR(512),
  table_name VARCHAR(512),
  record_id INT,
  PRIMARY KEY (id),
  INDEX group_id__idx (group_id),
  -- original: common.py creates name_index(name) and record_id_index(record_id) at start-up
  INDEX name_index (name),
  INDEX record_id_index (record_id),
  -- D6: permission checks and list queries filter on (table_name, record_id)
  INDEX table_record_k (table_name, record_id),
  CONSTRAINT auth_permission__group_id__fk FOREIGN KEY (group_id) REFERENCES auth_group (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- first_group_id = parent, second_group_id = child
CREATE TABLE IF NOT EXISTS group_assoc (
  id INT AUTO_INCREMENT NOT NULL,
  first_group_id INT,
  second_group_id INT,
  PRIMARY KEY (id),
  INDEX first_group_id__idx (first_group_id),
  INDEX second_group_id__idx (second_group_id),
  CONSTRAINT group_assoc__first_group_id__fk FOREIGN KEY (first_group_id) REFERENCES auth_group (id) ON DELETE CASCADE,
  CONSTRAINT group_assoc__second_group_id__fk FOREIGN KEY (second_group_id) REFERENCES auth_group (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS auth_event (
  id INT AUTO_INCREMENT NOT NULL,
  time_stamp DATETIME,
  client_ip VARCHAR(512),
  user_id INT,
  origin VARCHAR(512),
  description LONGTEXT,
  PRIMARY KEY (id),
  INDEX user_id__idx (user_id),
  -- D4: original ON DELETE CASCADE (login audit erased with the user)
  CONSTRAINT auth_event__user_id__fk FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS auth_cas (
  id INT AUTO_INCREMENT NOT NULL,
  user_id INT,
  created_on DATETIME,
  service VARCHAR(512),
  ticket VARCHAR(512),
  renew CHAR(1),
  PRIMARY KEY (id),
  INDEX user_id__idx (user_id),
  CONSTRAINT auth_cas__user_id__fk FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- created by pydal.tools.tags.Tags(db.auth_user, "groups"), used by the LDAP group sync only
CREATE TABLE IF NOT EXISTS auth_user_tag_groups (
  id INT AUTO_INCREMENT NOT NULL,
  tagpath VARCHAR(512),
  record_id INT,
  PRIMARY KEY (id),
  INDEX record_id__idx (record_id),
  CONSTRAINT auth_user_tag_groups__record_id__fk FOREIGN KEY (record_id) REFERENCES auth_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------------------------------------
-- 1.2 Sample sets
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS sample_set (
  id INT AUTO_INCREMENT NOT NULL,
  creator INT,
  sample_type VARCHAR(512),
  PRIMARY KEY (id),
  INDEX creator__idx (creator),
  CONSTRAINT sample_set__creator__fk FOREIGN KEY (creator) REFERENCES auth_user (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS patient (
  id INT AUTO_INCREMENT NOT NULL,
  first_name VARCHAR(512),
  last_name VARCHAR(512),
  birth DATE,
  info LONGTEXT,
  id_label VARCHAR(512),
  creator INT,
  sample_set_id INT,
  PRIMARY KEY (id),
  INDEX creator__idx (creator),
  INDEX sample_set_id__idx (sample_set_id),
  CONSTRAINT patient__creator__fk FOREIGN KEY (creator) REFERENCES auth_user (id) ON DELETE SET NULL,
  CONSTRAINT patient__sample_set_id__fk FOREIGN KEY (sample_set_id) REFERENCES sample_set (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS run (
  id INT AUTO_INCREMENT NOT NULL,
  name VARCHAR(512),
  run_date DATE,
  info LONGTEXT,
  id_label VARCHAR(512),
  creator INT,
  sequencer VARCHAR(512),
  pcr VARCHAR(512),
  sample_set_id INT,
  PRIMARY KEY (id),
  INDEX creator__idx (creator),
  INDEX sample_set_id__idx (sample_set_id),
  CONSTRAINT run__creator__fk FOREIGN KEY (creator) REFERENCES auth_user (id) ON DELETE SET NULL,
  CONSTRAINT run__sample_set_id__fk FOREIGN KEY (sample_set_id) REFERENCES sample_set (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS generic (
  id INT AUTO_INCREMENT NOT NULL,
  name VARCHAR(512),
  info LONGTEXT,
  creator INT,
  sample_set_id INT,
  PRIMARY KEY (id),
  INDEX creator__idx (creator),
  INDEX sample_set_id__idx (sample_set_id),
  CONSTRAINT generic__creator__fk FOREIGN KEY (creator) REFERENCES auth_user (id) ON DELETE SET NULL,
  CONSTRAINT generic__sample_set_id__fk FOREIGN KEY (sample_set_id) REFERENCES sample_set (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------------------------------------
-- 1.3 Files, configurations and results
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS pre_process (
  id INT AUTO_INCREMENT NOT NULL,
  name VARCHAR(512),
  command VARCHAR(512),
  info LONGTEXT,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS classification (
  id INT AUTO_INCREMENT NOT NULL,
  name VARCHAR(512),
  info LONGTEXT,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS config (
  id INT AUTO_INCREMENT NOT NULL,
  name VARCHAR(512),
  program VARCHAR(512),
  command VARCHAR(512),
  fuse_command VARCHAR(512),
  info LONGTEXT,
  classification INT,
  PRIMARY KEY (id),
  INDEX classification__idx (classification),
  CONSTRAINT config__classification__fk FOREIGN KEY (classification) REFERENCES classification (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS sequence_file (
  id INT AUTO_INCREMENT NOT NULL,
  patient_id INT,
  sampling_date DATE,
  info LONGTEXT,
  filename LONGTEXT,
  pcr LONGTEXT,
  sequencer LONGTEXT,
  producer LONGTEXT,
  size_file BIGINT DEFAULT 0,
  size_file2 BIGINT DEFAULT 0,
  network CHAR(1) DEFAULT 'F',
  provider INT,
  pre_process_id INT,
  pre_process_result LONGTEXT,
  pre_process_flag LONGTEXT,
  pre_process_scheduler_task_id INT,
  data_file VARCHAR(400),
  data_file2 VARCHAR(400),
  pre_process_file VARCHAR(400),
  PRIMARY KEY (id),
  INDEX patient_id__idx (patient_id),
  INDEX provider__idx (provider),
  INDEX pre_process_id__idx (pre_process_id),
  -- D6: job completion looks the file up by its pre-process task
  INDEX pre_process_scheduler_task_id_k (pre_process_scheduler_task_id),
  -- D3: original ON DELETE CASCADE (deleting a legacy patient row deleted its files)
  CONSTRAINT sequence_file__patient_id__fk FOREIGN KEY (patient_id) REFERENCES patient (id) ON DELETE SET NULL,
  -- D2: original ON DELETE CASCADE (deleting a user deleted their uploads and all results)
  CONSTRAINT sequence_file__provider__fk FOREIGN KEY (provider) REFERENCES auth_user (id) ON DELETE SET NULL,
  CONSTRAINT sequence_file__pre_process_id__fk FOREIGN KEY (pre_process_id) REFERENCES pre_process (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS sample_set_membership (
  id INT AUTO_INCREMENT NOT NULL,
  sample_set_id INT,
  sequence_file_id INT,
  PRIMARY KEY (id),
  -- D6: composite both ways (files of a set, sets of a file), each also serves its FK
  INDEX sample_set_id__idx (sample_set_id, sequence_file_id),
  INDEX sequence_file_id__idx (sequence_file_id, sample_set_id),
  CONSTRAINT sample_set_membership__sample_set_id__fk FOREIGN KEY (sample_set_id) REFERENCES sample_set (id) ON DELETE SET NULL,
  CONSTRAINT sample_set_membership__sequence_file_id__fk FOREIGN KEY (sequence_file_id) REFERENCES sequence_file (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- no status column: the status of a result is the status of its scheduler_task
CREATE TABLE IF NOT EXISTS results_file (
  id INT AUTO_INCREMENT NOT NULL,
  sequence_file_id INT,
  config_id INT,
  run_date DATETIME,
  scheduler_task_id INT,
  hidden CHAR(1) NOT NULL DEFAULT 'F',
  data_file VARCHAR(400),
  PRIMARY KEY (id),
  -- D6: latest result per (file, config), also serves the FK on sequence_file_id
  INDEX sequence_file_id__idx (sequence_file_id, config_id, run_date),
  INDEX config_id__idx (config_id),
  -- D6: job status / completion by task id
  INDEX scheduler_task_id_k (scheduler_task_id),
  CONSTRAINT results_file__sequence_file_id__fk FOREIGN KEY (sequence_file_id) REFERENCES sequence_file (id) ON DELETE CASCADE,
  CONSTRAINT results_file__config_id__fk FOREIGN KEY (config_id) REFERENCES config (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS fused_file (
  id INT AUTO_INCREMENT NOT NULL,
  patient_id INT,
  config_id INT,
  sample_set_id INT,
  fuse_date DATETIME DEFAULT '1970-01-01 00:00:00',
  status VARCHAR(512),
  -- D5: original VARCHAR(512)
  sequence_file_list LONGTEXT,
  fused_file VARCHAR(400),
  PRIMARY KEY (id),
  INDEX patient_id__idx (patient_id),
  INDEX config_id__idx (config_id),
  -- D6: latest fused file per (sample set, config), also serves the FK on sample_set_id
  INDEX sample_set_id__idx (sample_set_id, config_id, fuse_date),
  CONSTRAINT fused_file__patient_id__fk FOREIGN KEY (patient_id) REFERENCES patient (id) ON DELETE SET NULL,
  CONSTRAINT fused_file__config_id__fk FOREIGN KEY (config_id) REFERENCES config (id) ON DELETE SET NULL,
  CONSTRAINT fused_file__sample_set_id__fk FOREIGN KEY (sample_set_id) REFERENCES sample_set (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS analysis_file (
  id INT AUTO_INCREMENT NOT NULL,
  patient_id INT,
  config_id INT,
  sample_set_id INT,
  analyze_date DATETIME,
  status VARCHAR(512),
  analysis_file VARCHAR(400),
  PRIMARY KEY (id),
  INDEX patient_id__idx (patient_id),
  INDEX config_id__idx (config_id),
  -- D6: latest analysis per sample set, also serves the FK on sample_set_id
  INDEX sample_set_id__idx (sample_set_id, analyze_date),
  CONSTRAINT analysis_file__patient_id__fk FOREIGN KEY (patient_id) REFERENCES patient (id) ON DELETE SET NULL,
  CONSTRAINT analysis_file__config_id__fk FOREIGN KEY (config_id) REFERENCES config (id) ON DELETE SET NULL,
  CONSTRAINT analysis_file__sample_set_id__fk FOREIGN KEY (sample_set_id) REFERENCES sample_set (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------------------------------------
-- 1.4 Job tables (web2py scheduler schema as redeclared by py4web, all times are strings)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS scheduler_task (
  id INT AUTO_INCREMENT NOT NULL,
  application_name VARCHAR(512),
  task_name VARCHAR(512),
  group_name VARCHAR(512),
  status VARCHAR(512),
  broadcast CHAR(1),
  function_name VARCHAR(512),
  uuid VARCHAR(512),
  -- D5: args and vars were TEXT in the web2py scheduler, original VARCHAR(512)
  args LONGTEXT,
  vars LONGTEXT,
  enabled CHAR(1) DEFAULT 'F',
  start_time VARCHAR(512),
  next_run_time VARCHAR(512),
  stop_time VARCHAR(512),
  repeats VARCHAR(512),
  retry_failed VARCHAR(512),
  period VARCHAR(512),
  prevent_drift VARCHAR(512),
  cronline VARCHAR(512),
  timeout VARCHAR(512),
  sync_output VARCHAR(512),
  times_run INT,
  times_failed INT,
  last_run_time VARCHAR(512),
  assigned_worker_name VARCHAR(512),
  PRIMARY KEY (id),
  -- D6: queue / monitor / stuck-job queries by status
  INDEX status_k (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS scheduler_run (
  id INT AUTO_INCREMENT NOT NULL,
  task_id INT,
  status VARCHAR(512),
  start_time DATE,
  stop_time DATE,
  -- D5: run_output, run_result, traceback were TEXT in the web2py scheduler (job stdout), original VARCHAR(512)
  run_output LONGTEXT,
  run_result LONGTEXT,
  traceback LONGTEXT,
  worker_name VARCHAR(512),
  PRIMARY KEY (id),
  INDEX task_id__idx (task_id),
  CONSTRAINT scheduler_run__task_id__fk FOREIGN KEY (task_id) REFERENCES scheduler_task (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS scheduler_worker (
  id INT AUTO_INCREMENT NOT NULL,
  worker_name VARCHAR(512),
  first_heartbeat VARCHAR(512),
  last_heartbeat VARCHAR(512),
  status VARCHAR(512),
  is_ticker CHAR(1) DEFAULT 'F',
  group_names VARCHAR(512),
  -- D5: JSON (TEXT) in the web2py scheduler, original VARCHAR(512)
  worker_stats LONGTEXT,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS scheduler_task_deps (
  id INT AUTO_INCREMENT NOT NULL,
  job_name VARCHAR(512),
  task_parent INT,
  task_child INT,
  can_visit CHAR(1),
  PRIMARY KEY (id),
  INDEX task_parent__idx (task_parent),
  INDEX task_child__idx (task_child),
  CONSTRAINT scheduler_task_deps__task_parent__fk FOREIGN KEY (task_parent) REFERENCES scheduler_task (id) ON DELETE CASCADE,
  CONSTRAINT scheduler_task_deps__task_child__fk FOREIGN KEY (task_child) REFERENCES scheduler_task (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ---------------------------------------------------------------------------------------------
-- 1.5 News, preferences, logs, tags
-- ---------------------------------------------------------------------------------------------

-- creator is a plain user id (no FK in the original)
CREATE TABLE IF NOT EXISTS notification (
  id INT AUTO_INCREMENT NOT NULL,
  creator INT,
  title VARCHAR(512),
  message_content LONGTEXT,
  message_type VARCHAR(512),
  priority VARCHAR(512),
  expiration DATE,
  creation_datetime DATETIME,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- preference='mail', val=<notification id> marks a notification as read
CREATE TABLE IF NOT EXISTS user_preference (
  id INT AUTO_INCREMENT NOT NULL,
  user_id INT,
  preference VARCHAR(512),
  val VARCHAR(512),
  PRIMARY KEY (id),
  -- D6: (user_id, preference), also serves the FK on user_id
  INDEX user_id__idx (user_id, preference),
  CONSTRAINT user_preference__user_id__fk FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS user_log (
  id INT AUTO_INCREMENT NOT NULL,
  user_id INT,
  created DATETIME,
  msg LONGTEXT,
  table_name VARCHAR(512),
  record_id INT,
  PRIMARY KEY (id),
  INDEX user_id__idx (user_id),
  -- D6: logs of one record (get_data, set pages)
  INDEX table_record_k (table_name, record_id),
  -- D4: original ON DELETE CASCADE (audit trail erased with the user)
  CONSTRAINT user_log__user_id__fk FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS tag (
  id INT AUTO_INCREMENT NOT NULL,
  name VARCHAR(255) UNIQUE,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS group_tag (
  id INT AUTO_INCREMENT NOT NULL,
  group_id INT,
  tag_id INT,
  PRIMARY KEY (id),
  INDEX group_id__idx (group_id),
  INDEX tag_id__idx (tag_id),
  CONSTRAINT group_tag__group_id__fk FOREIGN KEY (group_id) REFERENCES auth_group (id) ON DELETE CASCADE,
  CONSTRAINT group_tag__tag_id__fk FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- record_id is the id in table_name (patient, run, generic, sequence_file), not a sample_set id
CREATE TABLE IF NOT EXISTS tag_ref (
  id INT AUTO_INCREMENT NOT NULL,
  tag_id INT,
  table_name VARCHAR(512),
  record_id INT,
  PRIMARY KEY (id),
  INDEX tag_id__idx (tag_id),
  -- original: common.py creates table_name_index(table_name) and record_id_index(record_id)
  INDEX table_name_index (table_name),
  INDEX record_id_index (record_id),
  CONSTRAINT tag_ref__tag_id__fk FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
