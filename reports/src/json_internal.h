// Internal to tracesim_reports: the results.json parser with the name used in
// error messages ("results.json" for ParseResultsJson, the path for
// ReadResultsFile).
#pragma once

#include <string>

#include "tracesim/reports/results.h"
#include "tracesim/status.h"

namespace tracesim::reports::internal {

StatusOr<Results> ParseResultsJsonNamed(const std::string& text, const std::string& source);

}  // namespace tracesim::reports::internal
