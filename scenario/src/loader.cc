// Scenario loader: YAML text -> document tree (document.h) -> overrides ->
// decoding and validation into a Scenario (decoder.h). The format is
// documented in docs/scenario-reference.md; keep the two in step.
#include "tracesim/scenario/loader.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "decoder.h"
#include "document.h"
#include "read_file.h"

namespace tracesim::scenario {

StatusOr<Override> ParseOverride(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("--set " + std::string(text) + ": expected key.path=value");
  }
  std::string_view path = text.substr(0, eq);
  while (!path.empty() && (path.front() == ' ' || path.front() == '\t')) path.remove_prefix(1);
  while (!path.empty() && (path.back() == ' ' || path.back() == '\t')) path.remove_suffix(1);
  if (path.empty()) {
    return Status::InvalidArgument("--set " + std::string(text) + ": the key path before '=' is empty");
  }
  if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("--set " + std::string(text) +
                                   ": the key path has an empty segment (keys are separated by single dots)");
  }
  Override o;
  o.path = std::string(path);
  o.value = std::string(text.substr(eq + 1));
  return o;
}

StatusOr<Scenario> LoadScenarioString(std::string_view yaml, std::string_view source_name,
                                      const std::vector<Override>& overrides) {
  const std::string source(source_name);
  StatusOr<internal::Node> doc = internal::ParseDocument(yaml, source);
  if (!doc.ok()) return doc.status();
  for (size_t i = 0; i < overrides.size(); ++i) {
    Status st = internal::ApplyOverride(*doc, overrides[i], static_cast<int>(i), source);
    if (!st.ok()) return st;
  }
  Scenario scenario;
  scenario.source = source;
  internal::Decoder decoder(source, overrides);
  decoder.Decode(*doc, &scenario);
  if (Status st = decoder.Finish(); !st.ok()) return st;
  return scenario;
}

StatusOr<Scenario> LoadScenarioFile(const std::string& path, const std::vector<Override>& overrides) {
  std::string text;
  if (internal::ReadFailure failure; !internal::ReadWholeFile(path, &text, &failure)) {
    std::string msg = path + ": cannot " + failure.step + " scenario file: " + std::strerror(failure.error);
    return failure.error == ENOENT ? Status::NotFound(msg) : Status::InvalidArgument(msg);
  }
  return LoadScenarioString(text, path, overrides);
}

}  // namespace tracesim::scenario
