-- Failed password checks (logins and user/edit_form's current_password), counted per
-- (account, client address), per account over every address (email, address '') and per
-- address over every account (email '', address). Keys are the lower-cased e-mail typed,
-- whether or not an account has it, so that answers do not reveal which addresses exist.
-- `vidjil-admin unlock EMAIL` deletes every row of that e-mail. Replaces vidjil_login_throttle
-- (per e-mail only: anyone could lock any account).
CREATE TABLE IF NOT EXISTS vidjil_auth_throttle (
  email VARCHAR(255) NOT NULL DEFAULT '',
  address VARCHAR(64) NOT NULL DEFAULT '',
  failures INT NOT NULL DEFAULT 0,
  last_failure BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (email, address),
  KEY vidjil_auth_throttle__address (address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
DROP TABLE IF EXISTS vidjil_login_throttle;
