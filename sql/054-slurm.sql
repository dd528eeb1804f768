-- 054: the Slurm backend of vidjil-runner (RUNNER_BACKEND = slurm).
--
-- One row per job handed to Slurm: the Slurm job id, what squeue/sacct last said of it (state,
-- reason such as Priority or Resources, node), how often it was requeued after a preemption,
-- and whether the head runner still watches it. No foreign key to scheduler_task: when a job,
-- its result, file or set is deleted in the web interface, the row stays so that the head
-- runner can still cancel the Slurm job (scancel); the head then marks it done.
CREATE TABLE IF NOT EXISTS vidjil_slurm_job (
  task_id INT NOT NULL,
  slurm_job_id BIGINT NOT NULL,
  state VARCHAR(32) DEFAULT NULL,
  reason VARCHAR(255) DEFAULT NULL,
  node VARCHAR(255) DEFAULT NULL,
  submitted_by VARCHAR(255) DEFAULT NULL,
  submitted_at DATETIME DEFAULT NULL,
  memory_mb INT DEFAULT NULL,
  time_minutes INT DEFAULT NULL,
  requeues INT NOT NULL DEFAULT 0,
  missing_since BIGINT DEFAULT NULL,
  watched TINYINT NOT NULL DEFAULT 1,
  PRIMARY KEY (task_id),
  KEY vidjil_slurm_job__slurm (slurm_job_id),
  KEY vidjil_slurm_job__watched (watched)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
--
-- Per-config memory limit in MB for Slurm (NULL: SLURM_DEFAULT_MEM of vidjil.conf); the time
-- limit is vidjil_config_limit.time_limit as for local jobs.
ALTER TABLE vidjil_config_limit ADD COLUMN IF NOT EXISTS memory_limit INT DEFAULT NULL;
