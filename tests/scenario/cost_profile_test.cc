// tracing.costs.profile: the built-in `default`, profile files (as written by
// `tracesim calibrate`) relative to the scenario's folder, single fields
// overriding the profile, and every kind of bad profile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tracesim/scenario/loader.h"
#include "tracesim/scenario/scenario.h"

namespace tracesim::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kRoot = TRACESIM_SOURCE_DIR;

constexpr const char* kBase =
    "name: t\n"
    "services:\n"
    "  - name: api\n"
    "    calls: [db]\n"
    "  - name: db\n"
    "workload:\n"
    "  entry: api\n";

// A complete profile whose every figure differs from the defaults.
constexpr const char* kProfile =
    "name: lab-box\n"
    "reference_flops: 2Gf\n"
    "span_start_ns: 11.5\n"
    "span_end_ns: 2.25\n"
    "sampler_decision_ns: 3\n"
    "attribute_set_ns: 17\n"
    "bsp_enqueue_ns: 26\n"
    "export_serialize_per_span_ns: 36\n"
    "collector_receive_per_span_ns: 170\n"
    "collector_batch_per_span_ns: 9.5\n"
    "collector_export_per_span_ns: 34\n"
    "store_insert_per_span_ns: 480\n";

void ExpectProfileValues(const CostProfile& c) {
  EXPECT_EQ(c.name, "lab-box");
  EXPECT_DOUBLE_EQ(c.reference_flops, 2e9);
  EXPECT_DOUBLE_EQ(c.span_start_ns, 11.5);
  EXPECT_DOUBLE_EQ(c.span_end_ns, 2.25);
  EXPECT_DOUBLE_EQ(c.sampler_decision_ns, 3);
  EXPECT_DOUBLE_EQ(c.attribute_set_ns, 17);
  EXPECT_DOUBLE_EQ(c.bsp_enqueue_ns, 26);
  EXPECT_DOUBLE_EQ(c.export_serialize_per_span_ns, 36);
  EXPECT_DOUBLE_EQ(c.collector_receive_per_span_ns, 170);
  EXPECT_DOUBLE_EQ(c.collector_batch_per_span_ns, 9.5);
  EXPECT_DOUBLE_EQ(c.collector_export_per_span_ns, 34);
  EXPECT_DOUBLE_EQ(c.store_insert_per_span_ns, 480);
}

void ExpectSameProfile(const CostProfile& a, const CostProfile& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_DOUBLE_EQ(a.reference_flops, b.reference_flops);
  EXPECT_DOUBLE_EQ(a.span_start_ns, b.span_start_ns);
  EXPECT_DOUBLE_EQ(a.span_end_ns, b.span_end_ns);
  EXPECT_DOUBLE_EQ(a.sampler_decision_ns, b.sampler_decision_ns);
  EXPECT_DOUBLE_EQ(a.attribute_set_ns, b.attribute_set_ns);
  EXPECT_DOUBLE_EQ(a.bsp_enqueue_ns, b.bsp_enqueue_ns);
  EXPECT_DOUBLE_EQ(a.export_serialize_per_span_ns, b.export_serialize_per_span_ns);
  EXPECT_DOUBLE_EQ(a.collector_receive_per_span_ns, b.collector_receive_per_span_ns);
  EXPECT_DOUBLE_EQ(a.collector_batch_per_span_ns, b.collector_batch_per_span_ns);
  EXPECT_DOUBLE_EQ(a.collector_export_per_span_ns, b.collector_export_per_span_ns);
  EXPECT_DOUBLE_EQ(a.store_insert_per_span_ns, b.store_insert_per_span_ns);
}

// A fresh folder per test holding the scenario (and profiles next to it).
class CostProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) / ("cost-profile-" + std::string(info->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& relative, const std::string& text) {
    const std::filesystem::path p = dir_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  // Writes the scenario kBase + `tracing` (scenario.yaml in the folder) and loads it.
  StatusOr<Scenario> LoadWithTracing(const std::string& tracing,
                                     const std::vector<Override>& overrides = {}) {
    scenario_path_ = Write("scenario.yaml", std::string(kBase) + tracing);
    return LoadScenarioFile(scenario_path_, overrides);
  }
  CostProfile MustLoadCosts(const std::string& tracing, const std::vector<Override>& overrides = {}) {
    StatusOr<Scenario> s = LoadWithTracing(tracing, overrides);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? s->tracing.costs : CostProfile{};
  }
  std::string ErrorOf(const std::string& tracing, const std::vector<Override>& overrides = {}) {
    StatusOr<Scenario> s = LoadWithTracing(tracing, overrides);
    EXPECT_FALSE(s.ok()) << "loaded although it should not:\n" << tracing;
    return s.ok() ? "" : s.status().message();
  }

  std::filesystem::path dir_;
  std::string scenario_path_;
};

TEST_F(CostProfileTest, BuiltinDefaultIsTheInCodeDefaults) {
  ExpectSameProfile(MustLoadCosts("tracing: {costs: {profile: default}}\n"), CostProfile{});
  ExpectSameProfile(MustLoadCosts(""), CostProfile{});
}

TEST_F(CostProfileTest, ShippedDefaultFileEqualsTheBuiltinDefault) {
  const std::string file = kRoot + "/scenarios/profiles/default.yaml";
  ExpectSameProfile(MustLoadCosts("tracing: {costs: {profile: " + file + "}}\n"), CostProfile{});
}

TEST_F(CostProfileTest, FileRelativeToTheScenarioFolder) {
  Write("profiles/lab.yaml", kProfile);
  // The working directory is not the scenario's folder: only the scenario-relative path finds it.
  ASSERT_NE(std::filesystem::current_path(), dir_);
  ExpectProfileValues(MustLoadCosts("tracing:\n  costs:\n    profile: profiles/lab.yaml\n"));
}

TEST_F(CostProfileTest, AbsolutePathAndYmlSuffix) {
  const std::string file = Write("elsewhere/lab.yml", kProfile);
  ExpectProfileValues(MustLoadCosts("tracing: {costs: {profile: '" + file + "'}}\n"));
}

TEST_F(CostProfileTest, FieldsInCostsOverrideTheProfile) {
  Write("lab.yaml", kProfile);
  // Overrides win wherever they are written, before or after `profile`.
  const CostProfile c = MustLoadCosts(
      "tracing:\n  costs:\n    span_start_ns: 99\n    profile: lab.yaml\n    reference_flops: 3Gf\n"
      "    store_insert_per_span_ns: 0\n");
  EXPECT_EQ(c.name, "lab-box");
  EXPECT_DOUBLE_EQ(c.span_start_ns, 99);
  EXPECT_DOUBLE_EQ(c.reference_flops, 3e9);
  EXPECT_DOUBLE_EQ(c.store_insert_per_span_ns, 0);
  EXPECT_DOUBLE_EQ(c.span_end_ns, 2.25);  // from the profile
  EXPECT_DOUBLE_EQ(c.collector_receive_per_span_ns, 170);
}

TEST_F(CostProfileTest, SetOverridesTheProfilePathAndFields) {
  Write("lab.yaml", kProfile);
  const CostProfile c =
      MustLoadCosts("tracing: {costs: {profile: default}}\n",
                    {{"tracing.costs.profile", "lab.yaml"}, {"tracing.costs.bsp_enqueue_ns", "1.5"}});
  EXPECT_EQ(c.name, "lab-box");
  EXPECT_DOUBLE_EQ(c.bsp_enqueue_ns, 1.5);
  EXPECT_DOUBLE_EQ(c.span_start_ns, 11.5);
}

TEST_F(CostProfileTest, CalibrateOutputFormatLoads) {
  // The shape calibrate/profile_writer.h writes: comments, quoted strings,
  // the machine and method blocks.
  Write("calibrated.yaml",
        "# tracesim CPU cost profile\n"
        "name: \"calibrated\"\n"
        "reference_flops: 1e9\n"
        "span_start_ns: 29.12                     # 32.16 (31.87-40.88) Tracer::StartSpan\n"
        "span_end_ns: 2.47\n"
        "sampler_decision_ns: 4.31\n"
        "attribute_set_ns: 18.64\n"
        "bsp_enqueue_ns: 27.23\n"
        "export_serialize_per_span_ns: 35.17\n"
        "collector_receive_per_span_ns: 171.55\n"
        "collector_batch_per_span_ns: 8.96\n"
        "collector_export_per_span_ns: 33.30\n"
        "store_insert_per_span_ns: 514.48\n"
        "# Cross-check ...\n"
        "machine:\n"
        "  cpu_model: \"AMD EPYC\"\n"
        "  cores: 2\n"
        "  compiler: \"GCC 12.2.0\"\n"
        "  compiler_flags: \"-O2 -g -DNDEBUG\"\n"
        "  build_type: \"RelWithDebInfo\"\n"
        "  date: \"2026-11-21T15:43:12Z\"\n"
        "  load_average: \"4.22 3.35 3.41\"\n"
        "method:\n"
        "  clock: thread_cpu\n"
        "  repetitions: 21\n"
        "  warmup_runs: 2\n"
        "  ops_per_run: 4096\n"
        "  warm_heap: true\n");
  const CostProfile c = MustLoadCosts("tracing: {costs: {profile: calibrated.yaml}}\n");
  EXPECT_EQ(c.name, "calibrated");
  EXPECT_DOUBLE_EQ(c.reference_flops, 1e9);
  EXPECT_DOUBLE_EQ(c.span_start_ns, 29.12);
  EXPECT_DOUBLE_EQ(c.store_insert_per_span_ns, 514.48);
}

TEST_F(CostProfileTest, VariantsMayNameAnotherProfile) {
  Write("lab.yaml", kProfile);
  StatusOr<Scenario> s = LoadWithTracing(
      "variants:\n  - name: lab\n    set: {tracing.costs.profile: lab.yaml}\n"
      "  - name: broken\n    set: {tracing.costs.profile: missing.yaml}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("variants[1] (broken): tracing.costs.profile: cannot open cost "
                                              "profile file " +
                                              (dir_ / "missing.yaml").string()));
  EXPECT_THAT(s.status().message(), Not(HasSubstr("(lab)")));
}

TEST_F(CostProfileTest, MissingFile) {
  const std::string msg = ErrorOf("tracing:\n  costs:\n    profile: nowhere/p.yaml\n");
  // scenario.yaml line 10, column 14: where the path is written.
  EXPECT_THAT(msg,
              HasSubstr(scenario_path_ + ":10:14: tracing.costs.profile: cannot open cost profile file " +
                        (dir_ / "nowhere/p.yaml").string() + ": No such file or directory"));
}

TEST_F(CostProfileTest, NotAProfileName) {
  EXPECT_THAT(ErrorOf("tracing: {costs: {profile: fast}}\n"),
              HasSubstr("tracing.costs.profile: expected one of default, got 'fast' (or the path of a cost "
                        "profile file, ending in .yaml or .yml)"));
  EXPECT_THAT(ErrorOf("tracing: {costs: {profile: defualt}}\n"),
              HasSubstr("expected one of default, got 'defualt' (did you mean 'default'? or the path"));
  EXPECT_THAT(ErrorOf("tracing: {costs: {profile: [a.yaml]}}\n"),
              HasSubstr("tracing.costs.profile: expected one of default, got a sequence"));
  EXPECT_THAT(ErrorOf("tracing: {costs: {profile: .yaml}}\n"), HasSubstr("got '.yaml'"));
}

TEST_F(CostProfileTest, BadKeysInTheProfile) {
  const std::string file = Write("p.yaml", std::string(kProfile) + "span_strat_ns: 3\nmachine: {cpu: x}\n");
  const std::string msg = ErrorOf("tracing: {costs: {profile: p.yaml}}\n");
  EXPECT_THAT(msg,
              HasSubstr(file + ":13:1: cost profile: span_strat_ns: unknown key 'span_strat_ns' (did you "
                               "mean 'span_start_ns'?)"));
  EXPECT_THAT(msg, HasSubstr(file + ":14:11: cost profile: machine.cpu: unknown key 'cpu'"));
}

TEST_F(CostProfileTest, NegativeAndMissingValuesInTheProfile) {
  std::string text = kProfile;
  text.replace(text.find("bsp_enqueue_ns: 26"), 18, "bsp_enqueue_ns: -1");
  text.erase(text.find("store_insert_per_span_ns: 480\n"));
  const std::string file = Write("p.yaml", text);
  const std::string msg = ErrorOf("tracing: {costs: {profile: p.yaml}}\n");
  EXPECT_THAT(msg, HasSubstr(file + ":7:17: cost profile: bsp_enqueue_ns: expected a number >= 0, got -1"));
  EXPECT_THAT(msg, HasSubstr(file + ":1:1: cost profile: store_insert_per_span_ns: required"));
}

TEST_F(CostProfileTest, BadScalarsInTheProfile) {
  Write("p.yaml", std::string(kProfile) + "method: {repetitions: 0, warm_heap: maybe}\n");
  std::string msg = ErrorOf("tracing: {costs: {profile: p.yaml}}\n");
  EXPECT_THAT(msg, HasSubstr("cost profile: method.repetitions: expected an integer >= 1, got 0"));
  EXPECT_THAT(msg, HasSubstr("cost profile: method.warm_heap: expected true or false, got 'maybe'"));

  std::string text = kProfile;
  text.replace(text.find("reference_flops: 2Gf"), 20, "reference_flops: 0");
  text.replace(text.find("name: lab-box"), 13, "name: ''");
  Write("q.yaml", text);
  msg = ErrorOf("tracing: {costs: {profile: q.yaml}}\n");
  EXPECT_THAT(msg, HasSubstr("cost profile: reference_flops: expected a speed > 0"));
  EXPECT_THAT(msg, HasSubstr("cost profile: name: expected a non-empty string"));
}

TEST_F(CostProfileTest, EmptyOrMalformedProfile) {
  const std::string empty = Write("empty.yaml", "# nothing\n");
  EXPECT_THAT(ErrorOf("tracing: {costs: {profile: empty.yaml}}\n"),
              HasSubstr(empty + ":1:1: cost profile: (document): the cost profile is empty; expected a "
                                "mapping with keys name, reference_flops, span_start_ns,"));
  Write("list.yaml", "- 1\n- 2\n");
  EXPECT_THAT(ErrorOf("tracing: {costs: {profile: list.yaml}}\n"),
              HasSubstr("cost profile: (document): expected a cost profile: a mapping with keys"));
  const std::string bad = Write("bad.yaml", "name: [unclosed\n");
  const std::string msg = ErrorOf("tracing: {costs: {profile: bad.yaml}}\n");
  EXPECT_THAT(msg, HasSubstr(scenario_path_ + ":8:28: tracing.costs.profile: " + bad));
  EXPECT_THAT(msg, HasSubstr("invalid YAML"));
}

TEST_F(CostProfileTest, OverridesAreStillChecked) {
  Write("lab.yaml", kProfile);
  EXPECT_THAT(ErrorOf("tracing: {costs: {profile: lab.yaml, span_end_ns: -2}}\n"),
              HasSubstr("tracing.costs.span_end_ns: expected a number >= 0, got -2"));
  EXPECT_THAT(
      ErrorOf("tracing: {costs: {profile: lab.yaml, span_edn_ns: 2}}\n"),
      HasSubstr("tracing.costs.span_edn_ns: unknown key 'span_edn_ns' (did you mean 'span_end_ns'?)"));
}

TEST_F(CostProfileTest, ProfileErrorsSortWhereTheScenarioNamesIt) {
  Write("p.yaml", std::string(kProfile) + "bogus: 1\n");
  // One error before the profile key (line 2, the name is empty), one after it (the workload).
  const std::string scenario =
      "name: t\nservices: []\ntracing: {costs: {profile: p.yaml}}\nworkload: {rate: -1}\n";
  scenario_path_ = Write("scenario.yaml", scenario);
  StatusOr<Scenario> s = LoadScenarioFile(scenario_path_);
  ASSERT_FALSE(s.ok());
  const std::string& msg = s.status().message();
  const size_t profile_error = msg.find("cost profile: bogus: unknown key");
  const size_t workload_error = msg.find("workload.rate");
  ASSERT_NE(profile_error, std::string::npos) << msg;
  ASSERT_NE(workload_error, std::string::npos) << msg;
  EXPECT_LT(profile_error, workload_error) << msg;
}

}  // namespace
}  // namespace tracesim::scenario
