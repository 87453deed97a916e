// `tracesim calibrate`: measures this machine, writes a cost profile with
// every CostProfile field, and a scenario can name that profile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kCostFields = {
    "span_start_ns",
    "span_end_ns",
    "sampler_decision_ns",
    "attribute_set_ns",
    "bsp_enqueue_ns",
    "export_serialize_per_span_ns",
    "collector_receive_per_span_ns",
    "collector_batch_per_span_ns",
    "collector_export_per_span_ns",
    "store_insert_per_span_ns",
    "store_lookup_ns",
    "store_search_per_span_ns",
};

// The value of a top-level "key: value  # comment" line of the profile, or nullopt.
std::optional<std::string> TopLevelValue(const std::string& yaml, const std::string& key) {
  std::istringstream in(yaml);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::string v = line.substr(key.size() + 1);
    if (const size_t hash = v.find(" #"); hash != std::string::npos) v.resize(hash);
    while (!v.empty() && v.front() == ' ') v.erase(v.begin());
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
  }
  return std::nullopt;
}

std::optional<double> Number(const std::string& s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

class CalibrateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: ctest runs each test in its own process, possibly in parallel.
    dir_ = new std::string(OutDir("calibrate-" + std::to_string(getpid())));
    std::filesystem::create_directories(*dir_);
    result_ = new CommandResult(RunTracesim("calibrate --quick --out " + Quote(*dir_ + "/p.yaml")));
    profile_ = new std::string(ReadFile(*dir_ + "/p.yaml"));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete result_;
    delete profile_;
  }
  static std::string* dir_;
  static CommandResult* result_;
  static std::string* profile_;
};
std::string* CalibrateTest::dir_ = nullptr;
CommandResult* CalibrateTest::result_ = nullptr;
std::string* CalibrateTest::profile_ = nullptr;

TEST_F(CalibrateTest, WritesEveryFieldPositive) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  EXPECT_THAT(result_->output, HasSubstr("wrote " + *dir_ + "/p.yaml"));
  ASSERT_FALSE(profile_->empty());
  EXPECT_EQ(TopLevelValue(*profile_, "name"), "\"calibrated\"");
  EXPECT_EQ(TopLevelValue(*profile_, "reference_flops"), "1e9");
  for (const std::string& key : kCostFields) {
    const std::optional<std::string> text = TopLevelValue(*profile_, key);
    ASSERT_TRUE(text.has_value()) << key << " missing in\n" << *profile_;
    const std::optional<double> v = Number(*text);
    ASSERT_TRUE(v.has_value()) << key << ": not a number: " << *text;
    EXPECT_GT(*v, 0) << key;
    EXPECT_LT(*v, 1e6) << key << ": not a per-operation figure in ns";
    // The command's table shows the same figure.
    EXPECT_THAT(result_->output, HasSubstr(key)) << result_->output;
  }
}

TEST_F(CalibrateTest, DescribesTheMachineAndMethod) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  for (const char* key :
       {"machine:", "  cpu_model: \"", "  cores: ", "  compiler: \"", "  compiler_flags: \"",
        "  build_type: \"", "  date: \"20", "  load_average: \"", "method:", "  clock: thread_cpu",
        "  repetitions: 5", "  warmup_runs: 1", "  ops_per_run: 4096", "  warm_heap: true"}) {
    EXPECT_THAT(*profile_, HasSubstr(std::string("\n") + key)) << *profile_;
  }
  EXPECT_EQ(profile_->find("  cpu_model: \"\""), std::string::npos) << "empty CPU model";
}

TEST_F(CalibrateTest, ScenarioNamesTheProfile) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  // Relative to the scenario's folder, with one field overridden.
  const std::string scenario = *dir_ + "/s.yaml";
  std::ofstream(scenario) << "name: calibrated-costs\n"
                             "services:\n"
                             "  - name: api\n"
                             "workload: {entry: api}\n"
                             "tracing:\n"
                             "  costs: {profile: p.yaml, span_start_ns: 40}\n";
  const CommandResult r = RunTracesim("validate " + Quote(scenario));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(": ok (scenario 'calibrated-costs'"));

  // The shipped quickstart with the profile swapped in by --set (an absolute path).
  const CommandResult q = RunTracesim("validate " + Quote(ScenarioPath("quickstart.yaml")) +
                                      " --set tracing.costs.profile=" + Quote(*dir_ + "/p.yaml"));
  EXPECT_EQ(q.exit_code, 0) << q.output;
}

TEST_F(CalibrateTest, ScenarioWithAMissingProfileFails) {
  const std::string scenario = *dir_ + "/missing.yaml";
  std::ofstream(scenario) << "name: m\nservices:\n  - name: api\nworkload: {entry: api}\n"
                             "tracing: {costs: {profile: nowhere.yaml}}\n";
  const CommandResult r = RunTracesim("validate " + Quote(scenario));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(scenario + ":5:28: tracing.costs.profile: cannot open cost profile file " +
                                  *dir_ + "/nowhere.yaml"));
}

TEST(CalibrateArgsTest, RejectsBadArguments) {
  const CommandResult zero = RunTracesim("calibrate --quick --repetitions 0 --out /dev/null");
  EXPECT_NE(zero.exit_code, 0) << zero.output;
  EXPECT_THAT(zero.output, HasSubstr("--repetitions"));
  const CommandResult unwritable = RunTracesim("calibrate --quick --out /proc/tracesim-cannot-write/p.yaml");
  EXPECT_EQ(unwritable.exit_code, 1) << unwritable.output;
  EXPECT_THAT(unwritable.output, HasSubstr("cannot write /proc/tracesim-cannot-write/p.yaml"));
}

}  // namespace
}  // namespace tracesim::e2e
