// Demo data (see demo_data.h). Placeholder until the sample-set model exists.
#include "tools/demo_data.h"

#include <stdexcept>

namespace vidjil::tools {

void load_demo_data(db::Connection&, const Config&, std::ostream&) {
    throw std::runtime_error("demo data is not available yet");
}

}  // namespace vidjil::tools
