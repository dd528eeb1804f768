-- 053: indexes for reading the audit trail (admin/audit, vidjil-admin audit), issue 11.
--
-- The filters are a user, a date range and a sample set, newest rows first. 002 has
-- vidjil_audit (created), (user_id) and (table_name, record_id); these add the combinations
-- the filters use together, so that one user's reads of a period, or one record's trail of a
-- period, are read from an index range instead of every row of the user or of the record.
CREATE INDEX IF NOT EXISTS vidjil_audit__user_created ON vidjil_audit (user_id, created);
CREATE INDEX IF NOT EXISTS vidjil_audit__record_created ON vidjil_audit (table_name, record_id, created);
