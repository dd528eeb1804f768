// Validation and saving of posted sets, shared by sample_set/submit (the web form and the api's
// data= JSON) and the batch import of a sheet: one row = one patient, run or generic set.
#pragma once
#include <json/json.h>

#include <string>
#include <vector>

#include "endpoints/sets.h"

namespace vidjil::endpoints::sets {

struct FieldError {
    std::string field, message;
};

// One set to create (sample_set_id 0) or edit, as posted.
struct SetInput {
    model::SampleSet set;
    Json::Value posted;               // echoed back with its errors
    std::vector<FieldError> errors;
    std::string where;                // "patient[2]", "row 3": where the errors are
};

// Columns each type accepts (the form's field names, also the sheet's header names).
const std::vector<std::string>& set_fields(const std::string& type);

// Reads one posted object of `type`; checks lengths, characters, dates and required names.
// With keep_names (editing a patient without `anon`), empty names and birth mean "unchanged".
SetInput read_set(const Json::Value& obj, const std::string& type, bool keep_names);

// Checks the permissions of every input (edit: admin on the set; create: `create` in the
// group), then, when no input has an error, saves them all in one transaction with their tags
// and log lines. Returns false (and changes nothing) when any input has an error.
bool save_sets(Context& c, std::vector<SetInput>& inputs, int64_t group);

// One message per error, "patient[0] last_name: must not be empty".
std::vector<std::string> error_lines(const std::vector<SetInput>& inputs);

}  // namespace vidjil::endpoints::sets
