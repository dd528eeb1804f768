// Batch creation of sets from a pasted or uploaded sheet (TSV or CSV, header row naming the
// fields): every row is checked, errors are reported per row and column, and either all rows
// are created in one transaction or none.
#include <algorithm>

#include "endpoints/sets_input.h"
#include "endpoints/sets_sheet.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

namespace {

Response batch_error(const std::string& message, const Json::Value& errors) {
    Json::Value v(Json::objectValue);
    v["success"] = "false";
    v["message"] = message;
    v["errors"] = errors;
    return Response::json_text(v);
}

Json::Value cell_error(int row, const std::string& column, const std::string& message) {
    Json::Value e(Json::objectValue);
    e["row"] = row;
    e["column"] = column;
    e["message"] = message;
    return e;
}

// Maps each header cell to a field of `type` (or "type"); unknown columns are errors.
std::vector<std::string> header_fields(const Sheet& sheet, const std::string& type, Json::Value& errors) {
    std::vector<std::string> fields;
    for (const auto& h : sheet.header) {
        std::string f = sheet_field(h);
        const auto& known = set_fields(type);
        if (f != "type" && std::find(known.begin(), known.end(), f) == known.end()) {
            std::string expected;
            for (const auto& k : known) expected += (expected.empty() ? "" : ", ") + k;
            errors.append(cell_error(1, h, "unknown column (a " + type + " sheet has: " + expected + ", type)"));
        }
        if (std::find(fields.begin(), fields.end(), f) != fields.end()) errors.append(cell_error(1, h, "repeated column"));
        fields.push_back(f);
    }
    return fields;
}

std::string sheet_text(Context& c) {
    if (const http::UploadedFile* f = c.req.file("sheet_file"); f && !f->data.empty()) return f->data;
    return c.params.get("sheet");
}

}  // namespace

Response sample_set_batch(Context& c) {
    // can_create_sample_set(): route table
    std::string type = c.params.get("type", "patient");
    if (!model::is_set_type(type)) type = "patient";
    Json::Value d(Json::objectValue);
    Json::Value types(Json::arrayValue);
    for (const char* t : {"patient", "run", "generic"}) {
        Json::Value o(Json::objectValue);
        o["value"] = t;
        o["selected"] = type == t;
        std::string cols;
        for (const auto& f : set_fields(t)) cols += (cols.empty() ? "" : ", ") + f;
        o["columns"] = cols;
        types.append(o);
    }
    d["types"] = types;
    auto& perm = c.perm();
    Json::Value groups(Json::arrayValue);
    for (const auto& [id, role] : model::groups_named(c.db, perm.is_admin(), perm.perm_groups("create"))) {
        Json::Value g(Json::objectValue);
        g["gid"] = std::to_string(id);
        g["role"] = role;
        groups.append(g);
    }
    d["groups"] = groups;
    return c.page("sample_set/batch", d);
}

Response sample_set_batch_submit(Context& c) {
    std::string type = c.params.get("type", "patient");
    if (!model::is_set_type(type)) return batch_error("type must be patient, run or generic", Json::Value(Json::arrayValue));
    int64_t group = c.params.get_int("group", 0);
    Sheet sheet;
    try {
        sheet = parse_sheet(sheet_text(c));
    } catch (const std::invalid_argument& e) {
        return batch_error(std::string("the sheet cannot be read: ") + e.what(), Json::Value(Json::arrayValue));
    }
    Json::Value errors(Json::arrayValue);
    std::vector<std::string> fields = header_fields(sheet, type, errors);
    if (!errors.empty()) return batch_error("the sheet's header has errors", errors);
    if (sheet.rows.empty()) return batch_error("the sheet has no row below its header", errors);
    std::vector<SetInput> inputs;
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
        const auto& cells = sheet.rows[r];
        Json::Value obj(Json::objectValue);
        std::string row_type = type;
        for (size_t i = 0; i < fields.size() && i < cells.size(); ++i) {
            if (fields[i] == "type") row_type = text::to_lower(cells[i]).empty() ? type : text::to_lower(cells[i]);
            else obj[fields[i]] = cells[i];
        }
        if (cells.size() > fields.size())
            errors.append(cell_error(sheet.lines[r], "", "more cells than columns in the header"));
        if (!model::is_set_type(row_type)) {
            errors.append(cell_error(sheet.lines[r], "type", "must be patient, run or generic"));
            row_type = type;
        }
        SetInput in = read_set(obj, row_type, false);
        in.where = "row " + std::to_string(sheet.lines[r]);
        inputs.push_back(std::move(in));
    }
    bool saved = errors.empty() && save_sets(c, inputs, group);
    if (!saved) {
        for (size_t r = 0; r < inputs.size(); ++r)
            for (const auto& e : inputs[r].errors) errors.append(cell_error(sheet.lines[r], e.field, e.message));
        std::string first = errors.empty() ? "" : errors[0]["column"].asString();
        std::string msg = "nothing was created: the sheet has " + std::to_string(errors.size()) + " error(s)";
        if (!errors.empty())
            msg += ", first at row " + std::to_string(errors[0]["row"].asInt()) + (first.empty() ? "" : " column " + first) +
                   ": " + errors[0]["message"].asString();
        return batch_error(msg, errors);
    }
    Json::Value v(Json::objectValue);
    v["redirect"] = "sample_set/all";
    Json::Value args(Json::objectValue);
    args["type"] = type;
    args["page"] = 0;
    v["args"] = args;
    Json::Value ids(Json::arrayValue);
    for (const auto& in : inputs) ids.append(static_cast<Json::Int64>(in.set.id));
    v["sample_set_ids"] = ids;
    v["message"] = std::to_string(inputs.size()) + " set(s) created from the sheet";
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
