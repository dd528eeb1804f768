-- 040: tables of the routes added by issue 10 §2 (not in the original).
--
-- Calls to /vidjil/segmenter per user in fixed one-minute windows (SEGMENTER_RATE_LIMIT): each
-- call runs vidjil-algo, so a user may not start them without bound.
CREATE TABLE IF NOT EXISTS vidjil_segmenter_rate (
  user_id INT NOT NULL,
  window_start BIGINT NOT NULL,
  hits INT NOT NULL,
  PRIMARY KEY (user_id),
  KEY vidjil_segmenter_rate__window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
