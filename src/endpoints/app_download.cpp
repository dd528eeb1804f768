// /vidjil/download/<stored name>: the original served any upload-field file to anyone, without a
// login (api.md §6.1-8). Here: logged in, and only a file a row names (sequence_file,
// results_file, fused_file, analysis_file) whose set the user may read; ?attachment=1 names the
// download after the original file.
#include "endpoints/analyses.h"
#include "endpoints/routes.h"
#include "endpoints/sets.h"
#include "model/upload_names.h"

namespace vidjil::endpoints {

Response app_download(Context& c) {
    std::string name = c.req.env.get(app::kPathTail);
    if (auto r = download_sequence_file(c, name)) return *r;  // always under its original name
    std::string download_name = name;
    if (c.params.get_bool("attachment")) download_name = model::original_name(name).value_or(name);
    return download_stored_file(c, name, download_name);
}

}  // namespace vidjil::endpoints
