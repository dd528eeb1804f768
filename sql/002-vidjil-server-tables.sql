-- 002: tables of vidjil-server itself (not in the original): sessions, login throttling, audit log
--
-- The original kept sessions in encrypted cookies and had no lockout nor audit of reads. These
-- tables live beside the original's schema and are never part of an original dump.
-- vidjil_schema_version is created by the migration runner before any file is applied.
--
-- Sessions: the cookie holds a 256-bit random token; only its SHA-256 is stored, so a copy of
-- the database does not give working sessions. Times are Unix epoch seconds.
CREATE TABLE IF NOT EXISTS vidjil_session (
  id INT AUTO_INCREMENT NOT NULL,
  token_hash CHAR(64) NOT NULL,
  user_id INT NOT NULL,
  impersonator_id INT DEFAULT NULL,
  uuid CHAR(36) NOT NULL,
  created BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  client_ip VARCHAR(64) DEFAULT NULL,
  user_agent VARCHAR(255) DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY vidjil_session__token_hash (token_hash),
  KEY vidjil_session__user_id (user_id),
  KEY vidjil_session__expires (expires),
  CONSTRAINT vidjil_session__user_id__fk FOREIGN KEY (user_id) REFERENCES auth_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
--
-- Failed logins per e-mail address (lower-cased), whether or not an account has that address,
-- so that answers do not reveal which addresses exist. A row with locked_until in the future
-- locks the address; an administrator unlocks it with `vidjil-admin unlock EMAIL`.
CREATE TABLE IF NOT EXISTS vidjil_login_throttle (
  email VARCHAR(255) NOT NULL,
  failures INT NOT NULL DEFAULT 0,
  last_failure BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
--
-- Audit log: every read of patient data and every change (who, what, when, from where).
-- No foreign keys: the trail must outlive the rows it talks about.
CREATE TABLE IF NOT EXISTS vidjil_audit (
  id BIGINT AUTO_INCREMENT NOT NULL,
  created DATETIME NOT NULL,
  user_id INT DEFAULT NULL,
  impersonator_id INT DEFAULT NULL,
  client_ip VARCHAR(64) DEFAULT NULL,
  action VARCHAR(64) NOT NULL,
  table_name VARCHAR(64) DEFAULT NULL,
  record_id INT DEFAULT NULL,
  detail LONGTEXT,
  PRIMARY KEY (id),
  KEY vidjil_audit__created (created),
  KEY vidjil_audit__user (user_id),
  KEY vidjil_audit__record (table_name, record_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
