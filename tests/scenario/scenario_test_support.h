// Helpers shared by the scenario loader tests: a small valid scenario that
// tests extend or break one key at a time, and loads that must succeed or must
// fail. Header-only; every function records GoogleTest failures in the
// calling test.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tracesim/scenario/loader.h"
#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::scenario::testing {

// A valid scenario body. It is 7 lines: what a test appends starts on line 8.
inline constexpr const char* kBase =
    "name: t\n"
    "services:\n"
    "  - name: api\n"
    "    calls: [db]\n"
    "  - name: db\n"
    "workload:\n"
    "  entry: api\n";

// The source name MustLoad and ErrorOf load under: messages start "t.yaml:<line>:<column>: ".
inline constexpr std::string_view kSourceName = "t.yaml";

// The scenario of a load that must succeed; otherwise records a failure with
// the load's error and returns a default Scenario.
inline Scenario Loaded(const StatusOr<Scenario>& s) {
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return Scenario{};
  return *s;
}

// The error message of a load that must fail; otherwise records a failure
// showing `input` (what was loaded) and returns "".
inline std::string LoadError(const StatusOr<Scenario>& s, std::string_view input) {
  EXPECT_FALSE(s.ok()) << "loaded although it should not:\n" << input;
  return s.ok() ? std::string() : s.status().message();
}

// Loads the YAML text `yaml` as `source_name` with `overrides`; it must load.
inline Scenario MustLoad(std::string_view yaml, const std::vector<Override>& overrides = {},
                         std::string_view source_name = kSourceName) {
  return Loaded(LoadScenarioString(yaml, source_name, overrides));
}

// Loads the YAML text `yaml` as `source_name` with `overrides`; it must fail.
// Returns the error message.
inline std::string ErrorOf(std::string_view yaml, const std::vector<Override>& overrides = {},
                           std::string_view source_name = kSourceName) {
  return LoadError(LoadScenarioString(yaml, source_name, overrides), yaml);
}

// The names of a collector tier's processors, in pipeline order.
inline std::vector<std::string> Chain(const CollectorTierSpec& tier) {
  std::vector<std::string> names;
  for (const auto& e : tier.processors) names.push_back(e.name);
  return names;
}

}  // namespace tracesim::scenario::testing
