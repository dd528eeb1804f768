-- 051: metrics (issue 11, doc/metrics.md): the cache of the computed metric lists, and an index
-- for "jobs failed in the last hour".
--
-- One row per list ('fast', 'long'): the JSON of the last computation, when it was computed
-- (epoch seconds) and how long it took. Recomputed when older than METRICS_FAST_CACHE_SECONDS /
-- METRICS_CACHE_SECONDS, by one process at a time (named lock vidjil_metrics_<list>).
CREATE TABLE IF NOT EXISTS vidjil_metrics_cache (
  list VARCHAR(16) NOT NULL,
  computed_at BIGINT NOT NULL,
  duration_ms INT NOT NULL DEFAULT 0,
  body LONGTEXT NOT NULL,
  PRIMARY KEY (list)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
-- The Prometheus scrape counts the jobs that ended in the last hour: a range on ended_at.
CREATE INDEX IF NOT EXISTS vidjil_job__ended ON vidjil_job (ended_at);
