// Internal to tracesim_reports: the results.json parser with the name used in
// error messages ("results.json" for ParseResultsJson, the path for
// ReadResultsFile), and the JSON printing shared with variants.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tracesim/reports/results.h"
#include "tracesim/status.h"

namespace tracesim::reports::internal {

StatusOr<Results> ParseResultsJsonNamed(const std::string& text, const std::string& source);

// `v`, or null when it is not finite (JSON has no NaN or infinity).
nlohmann::ordered_json JsonNumber(double v);

// Deterministic text of `j`: 2-space indent, arrays of scalars on one line,
// strings escaped (invalid UTF-8 replaced by U+FFFD), doubles in the shortest
// form that reads back to the same value, a final newline.
std::string PrettyJson(const nlohmann::ordered_json& j);

}  // namespace tracesim::reports::internal
