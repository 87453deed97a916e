// Loads and validates scenario YAML. Errors name the file, line, column, key
// path and what was expected: "quickstart.yaml:12:7: workload.rate_per_s:
// expected a number > 0, got -5".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::scenario {

// One `--set key.path=value` override. Sequence elements are addressed by
// index: `services.1.work_mean_ms=3`. The value is parsed as YAML.
struct Override {
  std::string path;
  std::string value;
};

// Parses "key.path=value". Error if there is no '=' or the path is empty.
StatusOr<Override> ParseOverride(std::string_view text);

StatusOr<Scenario> LoadScenarioFile(const std::string& path, const std::vector<Override>& overrides = {});
StatusOr<Scenario> LoadScenarioString(std::string_view yaml, std::string_view source_name,
                                      const std::vector<Override>& overrides = {});

}  // namespace tracesim::scenario
