-- 030: news cache and client-log rate limit (vidjil-server tables, not in the original)
--
-- Every logged-in web client polls notification/get_active_notifications every 5 minutes and
-- after every page load. The answer of each user is kept here and served with one primary-key
-- read as long as nothing changed for that user:
--   * vidjil_news_version holds one global counter, incremented in the same transaction as
--     every creation, edit or deletion of a notification: entries of an older version are stale;
--   * gen is incremented (and version cleared) when the user reads a notification; an answer
--     computed before that is only stored if gen did not move meanwhile (compare-and-set), so a
--     poll racing with a read can never store a list showing the read notification;
--   * valid_until (Unix seconds, from the database clock) is the moment the first notification
--     of the answer expires, so expiry needs no event at all.
CREATE TABLE IF NOT EXISTS vidjil_news_version (
  id INT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
INSERT IGNORE INTO vidjil_news_version (id, version) VALUES (1, 1);
CREATE TABLE IF NOT EXISTS vidjil_news_cache (
  user_id INT NOT NULL,
  gen BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 0,
  valid_until BIGINT NOT NULL DEFAULT 0,
  answer LONGTEXT,
  PRIMARY KEY (user_id),
  CONSTRAINT vidjil_news_cache__user_id__fk FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
--
-- default/logger: messages accepted per client IP and per minute (fixed windows). FastCGI
-- programs under fcgiwrap live for one request, so the count has to be kept outside them.
CREATE TABLE IF NOT EXISTS vidjil_logger_rate (
  ip VARCHAR(64) NOT NULL,
  window_start BIGINT NOT NULL,
  hits INT NOT NULL,
  PRIMARY KEY (ip),
  KEY vidjil_logger_rate__window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
