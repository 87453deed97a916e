// Helpers for end-to-end tests: run the built `tracesim` executable (one
// simulation per process) and read what it wrote.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace tracesim::e2e {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline CommandResult RunTracesim(const std::string& args) {
  const std::string cmd = std::string(TRACESIM_EXE) + " " + args + " 2>&1";
  CommandResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string ScenarioPath(const std::string& name) {
  return std::string(TRACESIM_SOURCE_DIR) + "/scenarios/" + name;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// A fresh output directory for one test run.
inline std::string OutDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "tracesim-e2e-" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

inline nlohmann::json ReadResults(const std::string& dir) {
  return nlohmann::json::parse(ReadFile(dir + "/results.json"));
}

// Every span accounted for: generated = sampled_out + stored + in_flight + sum(dropped).
inline void ExpectConserved(const nlohmann::json& r) {
  const auto& s = r.at("spans");
  uint64_t dropped = 0;
  for (const auto& [cause, n] : s.at("dropped").items()) dropped += n.get<uint64_t>();
  EXPECT_EQ(s.at("generated").get<uint64_t>(), s.at("sampled_out").get<uint64_t>() +
                                                   s.at("stored").get<uint64_t>() +
                                                   s.at("in_flight").get<uint64_t>() + dropped);
  EXPECT_TRUE(s.at("ledger").at("balanced").get<bool>());
  EXPECT_EQ(s.at("ledger").at("imbalance").get<int64_t>(), 0);
}

// Writes `yaml` to a temporary scenario file named after `name`, runs it
// (`tracesim run ... --quiet --out <fresh dir> <args>`) and returns its
// results; an empty object (with a test failure recorded) when it fails.
inline nlohmann::json RunYaml(const std::string& name, const std::string& yaml,
                              const std::string& args = "") {
  const std::string path = WriteTempFile(name + ".yaml", yaml);
  const std::string out = OutDir(name);
  auto r = RunTracesim("run " + Quote(path) + " --quiet --out " + Quote(out) + " " + args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return nlohmann::json::object();
  return ReadResults(out);
}

// spans.dropped[cause] of a results document.
inline uint64_t Dropped(const nlohmann::json& r, const char* cause) {
  return r.at("spans").at("dropped").at(cause).get<uint64_t>();
}

}  // namespace tracesim::e2e
