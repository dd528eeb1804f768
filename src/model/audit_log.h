// Reading the audit trail (vidjil_audit, written by model::audit): who read or changed which
// patient's data, filtered by user, sample set and date, for admin/audit and `vidjil-admin audit`.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct AuditFilter {
    std::optional<int64_t> user_id;
    // Rows about this set: the set itself, its patient/run/generic row, the sequence files in
    // it and their results.
    std::optional<int64_t> sample_set_id;
    std::string since, until;  // "YYYY-MM-DD HH:MM:SS" (since inclusive, until exclusive), "" = open
    int64_t limit = 100, offset = 0;
    // Keyset paging of exports: only rows after (in the newest-first order) this one.
    std::string after_created;
    int64_t after_id = 0;
};

struct AuditRow {
    int64_t id = 0;
    std::string created, user_email, client_ip, action, table_name, detail;
    std::optional<int64_t> user_id, impersonator_id, record_id;
    // The sample set the row is about (the record itself for table sample_set; through the
    // membership for a sequence file or a result: the lowest such set), if any.
    std::optional<int64_t> sample_set_id;
};

// Newest first (by date, then id).
std::vector<AuditRow> audit_rows(db::Connection& db, const AuditFilter& f);
// Every row of the filter (up to f.limit, offset ignored), newest first, read 1000 at a time by
// keyset (an export of millions of rows neither sits in memory nor re-reads skipped rows).
void each_audit_row(db::Connection& db, const AuditFilter& f, const std::function<void(const AuditRow&)>& fn);
// Rows matching the filter (limit and offset ignored), counted up to `cap` at most.
int64_t audit_count(db::Connection& db, const AuditFilter& f, int64_t cap);

// A date of a filter, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" (or with a T), as
// "YYYY-MM-DD HH:MM:SS"; a day alone as an end (`until`) means the end of that day (the next
// day at 00:00:00, the bound being exclusive). nullopt when it is not a valid date.
std::optional<std::string> audit_date(const std::string& text, bool until);
// The columns of the CSV export and of `vidjil-admin audit`, and one row's cells.
std::vector<std::string> audit_columns();
std::vector<std::string> audit_cells(const AuditRow& r);

}  // namespace vidjil::model
