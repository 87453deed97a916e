// Loading the shipped scenarios and every class of bad input.
#include "tracesim/scenario/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include "scenario_test_support.h"

namespace tracesim::scenario {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kRoot = TRACESIM_SOURCE_DIR;
const std::string kData = kRoot + "/tests/data/scenarios/";

using testing::kBase;

// This file's loads are named "test.yaml".
constexpr std::string_view kSourceName = "test.yaml";

Scenario MustLoad(const std::string& path) { return testing::Loaded(LoadScenarioFile(path)); }

Scenario MustLoadString(std::string_view yaml) { return testing::MustLoad(yaml, {}, kSourceName); }

// Also checks that the error is InvalidArgument.
std::string ErrorOf(std::string_view yaml) {
  StatusOr<Scenario> s = LoadScenarioString(yaml, kSourceName);
  if (!s.ok()) {
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  }
  return testing::LoadError(s, yaml);
}

TEST(LoaderTest, Quickstart) {
  Scenario s = MustLoad(kRoot + "/scenarios/quickstart.yaml");
  EXPECT_EQ(s.name, "quickstart");
  EXPECT_EQ(s.source, kRoot + "/scenarios/quickstart.yaml");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_DOUBLE_EQ(s.duration_s, 30);
  EXPECT_DOUBLE_EQ(s.drain_s, 10);

  EXPECT_EQ(s.platform.topology, Topology::kStar);
  EXPECT_EQ(s.platform.network_model, "LV08");
  EXPECT_DOUBLE_EQ(s.platform.host_link.bandwidth_bytes_per_s, 1.25e8);
  EXPECT_DOUBLE_EQ(s.platform.host_link.latency_s, 50e-6);
  EXPECT_EQ(s.platform.host_link.sharing, LinkSpec::Sharing::kShared);

  ASSERT_EQ(s.services.size(), 6u);
  const char* names[] = {"frontend", "catalog", "cart", "checkout", "inventory", "payment"};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(s.services[i].name, names[i]);
  const ServiceSpec& fe = s.services[0];
  EXPECT_DOUBLE_EQ(fe.host_speed_flops, 1e9);
  EXPECT_DOUBLE_EQ(fe.work_mean_s, 0.001);
  EXPECT_EQ(fe.work_distribution, Distribution::kExponential);
  ASSERT_EQ(fe.calls.size(), 3u);
  EXPECT_EQ(fe.calls[0].service, "catalog");
  EXPECT_EQ(fe.calls[1].service, "cart");
  EXPECT_EQ(fe.calls[2].service, "checkout");
  EXPECT_EQ(fe.calls[2].count, 1);
  EXPECT_EQ(fe.request_bytes, 800u);
  EXPECT_EQ(fe.response_bytes, 4096u);
  EXPECT_EQ(fe.attributes_per_span, 6);
  EXPECT_EQ(s.services[1].work_distribution, Distribution::kLogNormal);
  EXPECT_DOUBLE_EQ(s.services[1].work_sigma, 0.6);
  EXPECT_DOUBLE_EQ(s.services[1].work_mean_s, 0.002);
  EXPECT_DOUBLE_EQ(s.services[2].work_mean_s, 500e-6);
  ASSERT_EQ(s.services[3].calls.size(), 2u);
  EXPECT_EQ(s.services[3].calls[1].service, "payment");
  EXPECT_DOUBLE_EQ(s.services[3].error_rate, 0.01);
  EXPECT_EQ(s.services[4].work_distribution, Distribution::kConstant);
  EXPECT_TRUE(s.services[4].calls.empty());
  EXPECT_DOUBLE_EQ(s.services[5].error_rate, 0.02);

  EXPECT_EQ(s.workload.entry_service, "frontend");
  EXPECT_EQ(s.workload.arrival, ArrivalProcess::kPoisson);
  EXPECT_DOUBLE_EQ(s.workload.rate_per_s, 200);

  EXPECT_TRUE(s.tracing.enabled);
  EXPECT_EQ(s.tracing.sampler.type, "parentbased_traceidratio");
  EXPECT_DOUBLE_EQ(s.tracing.sampler.ratio, 0.25);
  EXPECT_EQ(s.tracing.batch_span_processor.max_queue_size, 2048);
  EXPECT_EQ(s.tracing.batch_span_processor.schedule_delay, milliseconds(5000));
  EXPECT_EQ(s.tracing.batch_span_processor.max_export_batch_size, 512);
  EXPECT_EQ(s.tracing.batch_span_processor.export_timeout, milliseconds(30000));
  EXPECT_EQ(s.tracing.costs.name, "default");

  ASSERT_EQ(s.collector_tiers.size(), 1u);
  const CollectorTierSpec& c = s.collector_tiers[0];
  EXPECT_EQ(c.name, "collector");
  EXPECT_EQ(c.count, 2);
  EXPECT_DOUBLE_EQ(c.host_speed_flops, 2e9);
  EXPECT_EQ(c.memory_mib, 2048u);
  ASSERT_EQ(c.processors.size(), 1u);
  EXPECT_EQ(c.processors[0].name, "batch");
  const auto& batch = std::get<pipeline::BatchProcessorOptions>(c.processors[0].config);
  EXPECT_EQ(batch.send_batch_size, 8192u);
  EXPECT_EQ(batch.timeout, milliseconds(200));
  EXPECT_EQ(batch.send_batch_max_size, 0u);
  EXPECT_EQ(c.exporter.type, ExporterType::kOtlp);
  EXPECT_EQ(c.exporter.to, "storage");
  EXPECT_EQ(c.exporter.timeout, seconds(5));
  EXPECT_TRUE(c.exporter.sending_queue.enabled);
  EXPECT_EQ(c.exporter.sending_queue.num_consumers, 10);
  EXPECT_EQ(c.exporter.sending_queue.queue_size, 1000);
  EXPECT_TRUE(c.exporter.retry_on_failure.enabled);
  EXPECT_EQ(c.exporter.retry_on_failure.initial_interval, seconds(5));
  EXPECT_EQ(c.exporter.retry_on_failure.max_interval, seconds(30));
  EXPECT_EQ(c.exporter.retry_on_failure.max_elapsed_time, seconds(300));
  EXPECT_DOUBLE_EQ(c.exporter.retry_on_failure.multiplier, 1.5);
  EXPECT_DOUBLE_EQ(c.exporter.retry_on_failure.randomization_factor, 0.5);

  EXPECT_EQ(s.storage.nodes, 2);
  EXPECT_DOUBLE_EQ(s.storage.host_speed_flops, 2e9);
  EXPECT_EQ(s.storage.partitioner.type, "otel_ring");
  EXPECT_EQ(s.storage.partitioner.points_per_endpoint, 100);
  EXPECT_EQ(s.storage.replication_factor, 1);
  EXPECT_EQ(s.storage.write_quorum, 0);
  EXPECT_TRUE(s.failures.empty());
  EXPECT_TRUE(s.variants.empty());
  for (const ServiceSpec& svc : s.services) EXPECT_FALSE(svc.sampler.has_value()) << svc.name;
  EXPECT_DOUBLE_EQ(s.measurement.sample_period_s, 1.0);
  EXPECT_TRUE(s.measurement.overhead_baseline);
}

TEST(LoaderTest, CollectorCrash) {
  Scenario s = MustLoad(kRoot + "/scenarios/collector-crash.yaml");
  EXPECT_EQ(s.name, "collector-crash");
  EXPECT_EQ(s.tracing.sampler.type, "always_on");
  ASSERT_EQ(s.collector_tiers.size(), 1u);
  EXPECT_EQ(s.collector_tiers[0].count, 2);
  EXPECT_EQ(TierHostName(s.collector_tiers[0].name, 0), s.failures.at(0).target);
  EXPECT_DOUBLE_EQ(s.drain_s, 20);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].type, FailureType::kHostCrash);
  EXPECT_EQ(s.failures[0].target, "collector-0");
  EXPECT_DOUBLE_EQ(s.failures[0].at_s, 12);
  EXPECT_DOUBLE_EQ(s.failures[0].restart_after_s, 8);
  EXPECT_DOUBLE_EQ(s.measurement.sample_period_s, 0.5);
  EXPECT_EQ(s.services.size(), 6u);
}

TEST(LoaderTest, MinimalFileKeepsEveryDefault) {
  Scenario s = MustLoad(kData + "minimal.yaml");
  const Scenario d;
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.seed, d.seed);
  EXPECT_EQ(s.duration_s, d.duration_s);
  EXPECT_EQ(s.drain_s, d.drain_s);
  EXPECT_EQ(s.platform.network_model, d.platform.network_model);
  EXPECT_EQ(s.platform.host_link.bandwidth_bytes_per_s, d.platform.host_link.bandwidth_bytes_per_s);
  EXPECT_EQ(s.platform.backbone.bandwidth_bytes_per_s, d.platform.backbone.bandwidth_bytes_per_s);
  ASSERT_EQ(s.services.size(), 1u);
  const ServiceSpec ds;
  EXPECT_EQ(s.services[0].name, "api");
  EXPECT_EQ(s.services[0].host_speed_flops, ds.host_speed_flops);
  EXPECT_EQ(s.services[0].work_mean_s, ds.work_mean_s);
  EXPECT_EQ(s.services[0].work_distribution, ds.work_distribution);
  EXPECT_EQ(s.services[0].attributes_per_span, ds.attributes_per_span);
  EXPECT_EQ(s.workload.entry_service, "api");
  EXPECT_EQ(s.workload.rate_per_s, d.workload.rate_per_s);
  EXPECT_EQ(s.tracing.sampler.type, d.tracing.sampler.type);
  EXPECT_EQ(s.tracing.costs.span_start_ns, d.tracing.costs.span_start_ns);
  ASSERT_EQ(s.collector_tiers.size(), 1u);
  const CollectorTierSpec dt;
  EXPECT_EQ(s.collector_tiers[0].name, "collector");
  EXPECT_EQ(s.collector_tiers[0].count, dt.count);
  EXPECT_EQ(s.collector_tiers[0].memory_mib, dt.memory_mib);
  ASSERT_EQ(s.collector_tiers[0].processors.size(), 1u);
  EXPECT_EQ(s.collector_tiers[0].processors[0].name, "batch");
  EXPECT_EQ(
      std::get<pipeline::BatchProcessorOptions>(s.collector_tiers[0].processors[0].config).send_batch_size,
      pipeline::BatchProcessorOptions{}.send_batch_size);
  EXPECT_EQ(s.collector_tiers[0].exporter.retry_on_failure.max_elapsed_time,
            dt.exporter.retry_on_failure.max_elapsed_time);
  EXPECT_EQ(s.tracing.sampler.adaptive.max_operations, d.tracing.sampler.adaptive.max_operations);
  EXPECT_EQ(s.measurement.slow_threshold, Duration(0));
  EXPECT_EQ(s.storage.nodes, d.storage.nodes);
  EXPECT_TRUE(s.failures.empty());
  EXPECT_EQ(s.measurement.sample_period_s, d.measurement.sample_period_s);
}

TEST(LoaderTest, TiersFile) {
  Scenario s = MustLoad(kData + "tiers.yaml");
  ASSERT_EQ(s.collector_tiers.size(), 2u);
  EXPECT_EQ(s.collector_tiers[0].name, "agent");
  EXPECT_EQ(s.collector_tiers[0].exporter.type, ExporterType::kLoadBalancing);
  EXPECT_EQ(s.collector_tiers[0].exporter.to, "gateway");
  EXPECT_EQ(s.collector_tiers[1].memory_mib, 2048u);
  ASSERT_EQ(s.collector_tiers[1].processors.size(), 3u);
  EXPECT_EQ(s.collector_tiers[1].processors[1].name, "tail_sampling");
  EXPECT_EQ(s.storage.partitioner.type, "rendezvous");
  EXPECT_EQ(s.storage.replication_factor, 2);
  ASSERT_EQ(s.failures.size(), 3u);
  EXPECT_EQ(s.failures[1].type, FailureType::kScaleIn);
  ASSERT_TRUE(s.services[1].sampler.has_value());
  EXPECT_EQ(s.services[1].sampler->ratio_hash, "java");
  EXPECT_EQ(s.measurement.slow_threshold, milliseconds(100));
  ASSERT_EQ(s.variants.size(), 1u);
  EXPECT_EQ(s.variants[0].set.size(), 2u);
  // The variant's changes, applied like --set, give a valid scenario without tail sampling.
  std::vector<Override> ov;
  for (const auto& [path, value] : s.variants[0].set) ov.push_back({path, value});
  StatusOr<Scenario> v = LoadScenarioFile(kData + "tiers.yaml", ov);
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(v->collector_tiers[1].processors.size(), 2u);
  EXPECT_EQ(v->collector_tiers[1].processors[0].name, "memory_limiter");
  EXPECT_EQ(v->collector_tiers[1].processors[1].name, "batch");

  StatusOr<Scenario> bad = LoadScenarioFile(kData + "bad-tier-order.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(
      bad.status().message(),
      HasSubstr("bad-tier-order.yaml:9:41: collectors[1].exporter.to: expected the name of a later tier or "
                "storage (one of storage), got 'gateway' (tier 'gateway' comes before 'agent'"));
}

// The reference's "Complete example" (its last yaml block) is a valid scenario.
TEST(LoaderTest, ReferenceCompleteExampleLoads) {
  std::FILE* f = std::fopen((kRoot + "/docs/scenario-reference.md").c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::string doc;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) doc.append(buf, n);
  std::fclose(f);
  const size_t begin = doc.rfind("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  Scenario s = MustLoadString(doc.substr(begin + 8, end - begin - 8));
  EXPECT_EQ(s.name, "example");
  EXPECT_EQ(s.collector_tiers.at(0).memory_mib, 2048u);
}

TEST(LoaderTest, MissingFile) {
  const std::string path = kData + "does-not-exist.yaml";
  StatusOr<Scenario> s = LoadScenarioFile(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(), path + ": cannot open scenario file: " + std::strerror(ENOENT));
}

TEST(LoaderTest, DirectoryIsNotAScenario) {
  StatusOr<Scenario> s = LoadScenarioFile(kData);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("scenario file"));
}

// Every bad file: the first line of the message is exactly
// "<path>:<line>:<column>: <key path>: <explanation>".
struct BadFile {
  const char* file;
  const char* location;  // line:column
  const char* key_path;
  const char* explanation;  // a substring of what follows the key path
};

class BadFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadFileTest, ErrorNamesFileLineColumnAndKey) {
  const BadFile& b = GetParam();
  const std::string path = kData + b.file;
  StatusOr<Scenario> s = LoadScenarioFile(path);
  ASSERT_FALSE(s.ok()) << b.file;
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  const std::string& msg = s.status().message();
  const std::string prefix = path + ":" + b.location + ": " + b.key_path + (b.key_path[0] ? ": " : "");
  EXPECT_EQ(msg.rfind(prefix, 0), 0u) << "message: " << msg << "\nexpected prefix: " << prefix;
  EXPECT_THAT(msg, HasSubstr(b.explanation));
}

INSTANTIATE_TEST_SUITE_P(
    AllErrorClasses, BadFileTest,
    ::testing::Values(
        BadFile{"bad-invalid-yaml.yaml", "5:1", "", "invalid YAML: end of sequence flow not found"},
        BadFile{"bad-unknown-key.yaml", "6:3", "workload.rtae",
                "unknown key 'rtae' (did you mean 'rate'?); allowed keys: entry, arrival, rate"},
        BadFile{"bad-negative-rate.yaml", "7:9", "workload.rate", "expected a number > 0, got -5"},
        BadFile{"bad-link-no-bandwidth.yaml", "4:3", "platform.host_link.bandwidth", "required"},
        BadFile{"bad-unknown-service.yaml", "8:19", "services[1].calls[0].service",
                "expected the name of a service (one of frontend, checkout, payment), got 'paymnt' (did you "
                "mean 'payment'?)"},
        BadFile{"bad-wrong-type.yaml", "4:17", "services[0].error_rate",
                "expected a number in [0, 1], got 'high'"},
        BadFile{"bad-cyclic-calls.yaml", "8:23", "services[2].calls[0].service",
                "cycle: frontend -> checkout -> payment -> frontend"},
        BadFile{"bad-failure-target.yaml", "9:32", "failures[0].target",
                "expected a host: a service (api), collector-0..collector-1 or storage-0, got 'collector-2' "
                "(collectors.count is 2)"},
        BadFile{"bad-duration-unit.yaml", "2:11", "duration",
                "expected a duration > 0s, got '30sec' (unknown unit 'sec'"},
        BadFile{"bad-batch-max.yaml", "10:28", "collectors.processors.batch.send_batch_max_size",
                "expected 0 (no limit) or an integer >= send_batch_size (8192), got 1000"},
        BadFile{"bad-duplicate-service.yaml", "5:11", "services[2].name",
                "duplicate service name 'api' (already used by services[0])"},
        BadFile{"bad-duplicate-key.yaml", "7:3", "workload.rate", "duplicate key 'rate' (first at line 6)"},
        BadFile{"bad-tier-order.yaml", "8:11", "collectors[1]",
                "tier 'agent' receives no spans: no earlier tier exports to it"}),
    [](const ::testing::TestParamInfo<BadFile>& info) {
      std::string name;
      for (const char* c = info.param.file; *c != '\0' && *c != '.'; ++c) name += (*c == '-') ? '_' : *c;
      return name;
    });

TEST(LoaderTest, ReportsEveryErrorInDocumentOrder) {
  const std::string path = kData + "bad-multiple-errors.yaml";
  StatusOr<Scenario> s = LoadScenarioFile(path);
  ASSERT_FALSE(s.ok());
  const std::string expected =
      path + ":2:7: seed: expected an unsigned 64-bit integer (0 to 18446744073709551615), got -1\n" + path +
      ":4:11: services[0].name: expected a service name: lowercase letters, digits, '_' and '-', starting "
      "with "
      "a letter or digit, got 'API'\n" +
      path + ":5:17: services[0].error_rate: expected a number in [0, 1], got 1.5\n" + path +
      ":6:1: workload.entry: required (the service that receives the requests)\n" + path +
      ":7:9: workload.rate: expected a number > 0, got 0\n" + path +
      ":9:19: tracing.sampler.type: expected one of always_on, always_off, traceidratio, "
      "parentbased_always_on, parentbased_always_off, parentbased_traceidratio, jaeger_ratelimiting, "
      "parentbased_jaeger_ratelimiting, consistent_probability, parentbased_consistent_probability, "
      "jaeger_adaptive, got 'probabilistic'\n" +
      path + ":9:41: tracing.sampler.ratio: expected a number in [0, 1], got 2";
  EXPECT_EQ(s.status().message(), expected);
}

TEST(LoaderTest, EmptyAndNonMappingDocuments) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("test.yaml:1:1: (document): the scenario is empty"));
  EXPECT_THAT(ErrorOf("# only a comment\n"), HasSubstr("the scenario is empty"));
  EXPECT_THAT(ErrorOf("- a\n- b\n"),
              HasSubstr("test.yaml:1:1: (document): expected a scenario: a mapping with keys "
                        "name, seed, duration"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "---\nname: second\n"),
              HasSubstr("expected a single YAML document, found 2"));
}

TEST(LoaderTest, RequiredKeys) {
  EXPECT_THAT(ErrorOf("services: [{name: api}]\nworkload: {entry: api}\n"),
              HasSubstr("test.yaml:1:1: name: required"));
  EXPECT_THAT(ErrorOf("name: t\nworkload: {entry: api}\n"), HasSubstr("test.yaml:1:1: services: required"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: api}]\n"),
              HasSubstr("test.yaml:1:1: workload.entry: required"));
  EXPECT_THAT(ErrorOf("name: ''\nservices: [{name: api}]\nworkload: {entry: api}\n"),
              HasSubstr("test.yaml:1:7: name: expected a non-empty string"));
  EXPECT_THAT(ErrorOf("name: t\nservices: []\nworkload: {entry: api}\n"),
              HasSubstr("test.yaml:2:11: services: expected a non-empty sequence of services"));
  EXPECT_THAT(ErrorOf("name: t\nservices:\n  - host_speed: 1Gf\nworkload: {entry: api}\n"),
              HasSubstr("test.yaml:3:5: services[0].name: required"));
}

TEST(LoaderTest, WrongTypes) {
  EXPECT_THAT(
      ErrorOf("name: t\nservices: {api: {}}\nworkload: {entry: api}\n"),
      HasSubstr("test.yaml:2:11: services: expected a non-empty sequence of services (- name: ...), got a "
                "mapping"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: [star]\n"),
              HasSubstr("test.yaml:8:11: platform: expected a mapping with keys topology, network_model, "
                        "host_link, backbone, regions, wan, fat_tree, got a sequence"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "tracing: {enabled: maybe}\n"),
              HasSubstr("tracing.enabled: expected true or false, got 'maybe'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "seed: 1.5\n"),
              HasSubstr("seed: expected an unsigned 64-bit integer"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {count: 2.5}\n"),
              HasSubstr("test.yaml:8:21: collectors.count: expected an integer >= 1, got 2.5"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {count: }\n"),
              HasSubstr("collectors.count: expected an integer >= 1, got nothing (null)"));
  EXPECT_THAT(ErrorOf(std::string(kBase).replace(std::string(kBase).find("entry: api"), 10, "entry: [api]")),
              HasSubstr("workload.entry: expected a string, got a sequence"));
  // A quoted number is a string: say so.
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {count: \"2\"}\n"),
      HasSubstr("collectors.count: expected an integer >= 1, got \"2\" (a quoted string; write the number "
                "without quotes)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "failures: {target: api}\n"),
              HasSubstr("failures: expected a sequence of failures"));
}

TEST(LoaderTest, IntegersMayBeWrittenWithExponents) {
  Scenario s = MustLoadString(std::string(kBase) + "collectors: {count: 1e1}\nstorage: {nodes: 3.0}\n");
  EXPECT_EQ(s.collector_tiers.at(0).count, 10);
  EXPECT_EQ(s.storage.nodes, 3);
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {count: 1e12}\n"),
              HasSubstr("collectors.count: expected an integer in [1, 2147483647], got 1e12"));
}

TEST(LoaderTest, UnknownKeysEverywhere) {
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "sede: 4\n"),
      HasSubstr("test.yaml:8:1: sede: unknown key 'sede' (did you mean 'seed'?); allowed keys: name, seed"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "tracing: {sampler: {type: always_on, rate: 0.5}}\n"),
      HasSubstr("tracing.sampler.rate: unknown key 'rate' (did you mean 'ratio'?); allowed keys: type, "
                "ratio"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {host_link: {bandwidth: 1Gbps, latnecy: 1ms}}\n"),
              HasSubstr("platform.host_link.latnecy: unknown key 'latnecy' (did you mean 'latency'?)"));
  // No suggestion when nothing is close.
  std::string msg = ErrorOf(std::string(kBase) + "storage: {zzzzzz: 1}\n");
  EXPECT_THAT(msg,
              HasSubstr("storage.zzzzzz: unknown key 'zzzzzz'; allowed keys: nodes, host_speed, partitioner, "
                        "replication_factor, write_quorum"));
  EXPECT_THAT(ErrorOf("name: t\nservices:\n  - name: api\n    speed: 1Gf\nworkload: {entry: api}\n"),
              HasSubstr("test.yaml:4:5: services[0].speed: unknown key 'speed'"));
}

// Regression: `network_model: constant` was accepted, and SimGrid 3.32's
// Constant model then killed the process while the platform was built (it
// refuses to create links, and every topology has them).
TEST(LoaderTest, NetworkModelConstantIsRejectedNotACrash) {
  const std::string msg = ErrorOf(std::string(kBase) + "platform: {network_model: constant}\n");
  EXPECT_THAT(msg, HasSubstr("test.yaml:8:"));
  EXPECT_THAT(msg, HasSubstr("platform.network_model"));
  EXPECT_THAT(msg, HasSubstr("LV08 or CM02"));
  EXPECT_THAT(msg, HasSubstr("no links"));
}

TEST(LoaderTest, EnumsSuggestTheRightSpelling) {
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "platform: {network_model: lv08}\n"),
      HasSubstr("platform.network_model: expected one of LV08, CM02, got 'lv08' (did you mean 'LV08'?)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {topology: two-tier}\n"),
              HasSubstr("expected one of star, two_tier, multi_region, fat_tree, got 'two-tier' (did you "
                        "mean 'two_tier'?)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {host_link: {bandwidth: 1Gbps, sharing: FATPIPE}}\n"),
              HasSubstr("did you mean 'fatpipe'?"));
}

TEST(LoaderTest, Links) {
  Scenario s = MustLoadString(std::string(kBase) +
                              "platform:\n"
                              "  topology: two_tier\n"
                              "  network_model: CM02\n"
                              "  host_link: {bandwidth: 100Mbps, latency: 1ms, sharing: fatpipe}\n"
                              "  backbone: {bandwidth: 125000000, latency: 0}\n");
  EXPECT_EQ(s.platform.topology, Topology::kTwoTier);
  EXPECT_EQ(s.platform.network_model, "CM02");
  EXPECT_DOUBLE_EQ(s.platform.host_link.bandwidth_bytes_per_s, 1.25e7);
  EXPECT_DOUBLE_EQ(s.platform.host_link.latency_s, 1e-3);
  EXPECT_EQ(s.platform.host_link.sharing, LinkSpec::Sharing::kFatpipe);
  EXPECT_DOUBLE_EQ(s.platform.backbone.bandwidth_bytes_per_s, 1.25e8);
  EXPECT_DOUBLE_EQ(s.platform.backbone.latency_s, 0);
  EXPECT_EQ(s.platform.backbone.sharing, LinkSpec::Sharing::kShared);

  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {backbone: {bandwidth: 0Gbps}}\n"),
              HasSubstr("platform.backbone.bandwidth: expected a bandwidth > 0"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {host_link: {bandwidth: 1Gb}}\n"),
              HasSubstr("got '1Gb' (unknown unit 'Gb'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {host_link: }\n"),
              HasSubstr("platform.host_link.bandwidth: required"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {host_link: {bandwidth: 1Gbps, latency: -1ms}}\n"),
              HasSubstr("platform.host_link.latency: expected a duration >= 0s, got '-1ms'"));
}

TEST(LoaderTest, ServicesAndCalls) {
  Scenario s = MustLoadString(
      "name: t\n"
      "services:\n"
      "  - name: web-1\n"
      "    host_speed: 500Mf\n"
      "    work: {mean: 250us, distribution: lognormal, sigma: 1.2}\n"
      "    error_rate: 0\n"
      "    calls: [db_main, {service: db_main, count: 3}]\n"
      "    request_bytes: 100\n"
      "    response_bytes: 0\n"
      "    attributes_per_span: 0\n"
      "  - name: db_main\n"
      "    calls:\n"
      "workload: {entry: web-1, arrival: constant, rate: 0.5}\n");
  ASSERT_EQ(s.services.size(), 2u);
  const ServiceSpec& web = s.services[0];
  EXPECT_DOUBLE_EQ(web.host_speed_flops, 5e8);
  EXPECT_DOUBLE_EQ(web.work_mean_s, 250e-6);
  EXPECT_EQ(web.work_distribution, Distribution::kLogNormal);
  EXPECT_DOUBLE_EQ(web.work_sigma, 1.2);
  ASSERT_EQ(web.calls.size(), 2u);
  EXPECT_EQ(web.calls[0].service, "db_main");
  EXPECT_EQ(web.calls[0].count, 1);
  EXPECT_EQ(web.calls[1].count, 3);
  EXPECT_EQ(web.request_bytes, 100u);
  EXPECT_EQ(web.response_bytes, 0u);
  EXPECT_EQ(web.attributes_per_span, 0);
  EXPECT_TRUE(s.services[1].calls.empty());
  EXPECT_EQ(s.workload.arrival, ArrivalProcess::kConstant);
  EXPECT_DOUBLE_EQ(s.workload.rate_per_s, 0.5);

  EXPECT_THAT(
      ErrorOf("name: t\nservices: [{name: a, calls: [{service: a}]}]\nworkload: {entry: a}\n"),
      HasSubstr("services[0].calls[0].service: the call graph must be acyclic, but these calls form a "
                "cycle: a -> a"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: a, calls: [{count: 2}]}]\nworkload: {entry: a}\n"),
              HasSubstr("services[0].calls[0].service: required"));
  EXPECT_THAT(
      ErrorOf("name: t\nservices: [{name: a, calls: [{service: a, count: 0}]}]\nworkload: {entry: a}\n"),
      HasSubstr("services[0].calls[0].count: expected an integer >= 1, got 0"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: a, calls: b}]\nworkload: {entry: a}\n"),
              HasSubstr("services[0].calls: expected a sequence of calls"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: collector-0}]\nworkload: {entry: collector-0}\n"),
              HasSubstr("test.yaml:2:19: services[0].name: expected a service name, got 'collector-0' "
                        "(collector-<i> names the hosts of collector tier 'collector')"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: storage-1}]\nworkload: {entry: storage-1}\n"),
              HasSubstr("services[0].name: expected a service name, got 'storage-1' (storage-<i> and driver "
                        "are reserved"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: driver}]\nworkload: {entry: driver}\n"),
              HasSubstr("services[0].name: expected a service name, got 'driver'"));
  // With other tiers, collector-<i> is an ordinary name.
  EXPECT_EQ(MustLoadString("name: t\nservices: [{name: collector-0}]\nworkload: {entry: collector-0}\n"
                           "collectors: [{name: edge}]\n")
                .services[0]
                .name,
            "collector-0");
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: -api}]\nworkload: {entry: api}\n"),
              HasSubstr("services[0].name: expected a service name"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: a, attributes_per_span: 129}]\nworkload: {entry: a}\n"),
              HasSubstr("services[0].attributes_per_span: expected an integer in [0, 128], got 129"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: a, work: {distribution: normal}}]\nworkload: {entry: a}\n"),
              HasSubstr("services[0].work.distribution: expected one of constant, exponential, lognormal"));
  EXPECT_THAT(ErrorOf("name: t\nservices: [{name: a, host_speed: 0f}]\nworkload: {entry: a}\n"),
              HasSubstr("services[0].host_speed: expected a speed > 0"));
  EXPECT_THAT(
      ErrorOf("name: t\nservices: [{name: a}, ]\nworkload: {entry: b}\n"),
      HasSubstr("test.yaml:3:19: workload.entry: expected the name of a service (one of a), got 'b'"));
}

TEST(LoaderTest, LongerCycleIsReportedInOrder) {
  std::string msg = ErrorOf(
      "name: t\n"
      "services:\n"
      "  - {name: a, calls: [b]}\n"
      "  - {name: b, calls: [c, d]}\n"
      "  - {name: c}\n"
      "  - {name: d, calls: [e]}\n"
      "  - {name: e, calls: [b]}\n"
      "workload: {entry: a}\n");
  EXPECT_THAT(
      msg, HasSubstr("test.yaml:7:23: services[4].calls[0]: the call graph must be acyclic, but these calls "
                     "form a cycle: b -> d -> e -> b"));
}

TEST(LoaderTest, DiamondIsNotACycle) {
  Scenario s = MustLoadString(
      "name: t\n"
      "services:\n"
      "  - {name: a, calls: [b, c]}\n"
      "  - {name: b, calls: [d]}\n"
      "  - {name: c, calls: [d]}\n"
      "  - {name: d}\n"
      "workload: {entry: a}\n");
  EXPECT_EQ(s.services.size(), 4u);
}

TEST(LoaderTest, Tracing) {
  Scenario s = MustLoadString(std::string(kBase) +
                              "tracing:\n"
                              "  enabled: false\n"
                              "  sampler: {type: traceidratio, ratio: 0.01}\n"
                              "  batch_span_processor: {max_queue_size: 4096, schedule_delay: 1s, "
                              "max_export_batch_size: 4096, export_timeout: 10s}\n"
                              "  costs: {profile: default, span_start_ns: 200, reference_flops: 3Gf}\n");
  EXPECT_FALSE(s.tracing.enabled);
  EXPECT_EQ(s.tracing.sampler.type, "traceidratio");
  EXPECT_DOUBLE_EQ(s.tracing.sampler.ratio, 0.01);
  EXPECT_EQ(s.tracing.batch_span_processor.max_queue_size, 4096);
  EXPECT_EQ(s.tracing.batch_span_processor.schedule_delay, seconds(1));
  EXPECT_EQ(s.tracing.batch_span_processor.max_export_batch_size, 4096);
  EXPECT_EQ(s.tracing.batch_span_processor.export_timeout, seconds(10));
  EXPECT_DOUBLE_EQ(s.tracing.costs.span_start_ns, 200);
  EXPECT_DOUBLE_EQ(s.tracing.costs.reference_flops, 3e9);
  EXPECT_DOUBLE_EQ(s.tracing.costs.span_end_ns, CostProfile{}.span_end_ns);

  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "tracing: {batch_span_processor: {max_export_batch_size: 4096}}\n"),
      HasSubstr("tracing.batch_span_processor.max_export_batch_size: expected an integer <= max_queue_size "
                "(2048), got 4096"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "tracing: {batch_span_processor: {max_queue_size: 100}}\n"),
      HasSubstr("tracing.batch_span_processor.max_queue_size: expected an integer >= max_export_batch_size "
                "(512), got 100"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "tracing: {batch_span_processor: {schedule_delay: 0}}\n"),
              HasSubstr("tracing.batch_span_processor.schedule_delay: expected a duration > 0s, got 0"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "tracing: {costs: {span_end_ns: -1}}\n"),
              HasSubstr("tracing.costs.span_end_ns: expected a number >= 0, got -1"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "tracing: {costs: {profile: fast}}\n"),
              HasSubstr("tracing.costs.profile: expected one of default, got 'fast'"));
}

TEST(LoaderTest, CollectorProcessors) {
  auto chain = [](const Scenario& s) { return testing::Chain(s.collector_tiers.at(0)); };
  using V = std::vector<std::string>;
  // Absent processors: the default chain, one batch with the Collector's defaults.
  EXPECT_EQ(chain(MustLoadString(std::string(kBase) + "collectors: {count: 3}\n")), V{"batch"});
  // An explicit empty set: no processors at all.
  EXPECT_EQ(chain(MustLoadString(std::string(kBase) + "collectors: {processors: {}}\n")), V{});
  EXPECT_EQ(chain(MustLoadString(std::string(kBase) + "collectors: {processors: }\n")), V{});
  // "batch:" with no settings, as in Collector configs: the Collector defaults.
  Scenario s = MustLoadString(std::string(kBase) + "collectors:\n  processors:\n    batch:\n");
  ASSERT_EQ(chain(s), V{"batch"});
  EXPECT_EQ(
      std::get<pipeline::BatchProcessorOptions>(s.collector_tiers[0].processors[0].config).send_batch_size,
      8192u);
  // Named instances ("batch/traces") are accepted, as in the Collector.
  s = MustLoadString(
      std::string(kBase) +
      "collectors: {processors: {batch/traces: {send_batch_size: 100, send_batch_max_size: 200, "
      "timeout: 0s}}}\n");
  ASSERT_EQ(chain(s), V{"batch/traces"});
  const auto& b = std::get<pipeline::BatchProcessorOptions>(s.collector_tiers[0].processors[0].config);
  EXPECT_EQ(b.send_batch_size, 100u);
  EXPECT_EQ(b.send_batch_max_size, 200u);
  EXPECT_EQ(b.timeout, Duration(0));
  // send_batch_size 0 is the Collector's "no size trigger".
  s = MustLoadString(std::string(kBase) + "collectors: {processors: {batch: {send_batch_size: 0}}}\n");
  EXPECT_EQ(
      std::get<pipeline::BatchProcessorOptions>(s.collector_tiers[0].processors[0].config).send_batch_size,
      0u);

  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {processors: {attributes: {actions: []}}}\n"),
      HasSubstr("test.yaml:8:27: collectors.processors.attributes: unsupported processor type "
                "'attributes' (supported: batch, memory_limiter, tail_sampling, probabilistic_sampler)"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {processors: {batchh: {}}}\n"),
      HasSubstr("unsupported processor type 'batchh' (supported: batch, memory_limiter, tail_sampling, "
                "probabilistic_sampler); did you mean 'batch'?"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {processors: [batch]}\n"),
              HasSubstr("collectors.processors: expected a mapping of processors"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {processors: {batch: {send_batch_size: -1}}}\n"),
              HasSubstr("collectors.processors.batch.send_batch_size: expected an integer >= 0, got -1"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {processors: {batch: {send_batch_size: 5000000000}}}\n"),
      HasSubstr("expected an integer in [0, 4294967295], got 5000000000"));
}

TEST(LoaderTest, CollectorExporter) {
  Scenario s =
      MustLoadString(std::string(kBase) +
                     "collectors:\n"
                     "  exporter:\n"
                     "    timeout: 2s\n"
                     "    sending_queue: {enabled: false, num_consumers: 2, queue_size: 50}\n"
                     "    retry_on_failure: {enabled: no, initial_interval: 100ms, max_interval: 1s, "
                     "max_elapsed_time: 0, multiplier: 2, randomization_factor: 0}\n");
  const ExporterSpec& e = s.collector_tiers.at(0).exporter;
  EXPECT_EQ(e.timeout, seconds(2));
  EXPECT_FALSE(e.sending_queue.enabled);
  EXPECT_EQ(e.sending_queue.num_consumers, 2);
  EXPECT_EQ(e.sending_queue.queue_size, 50);
  EXPECT_FALSE(e.retry_on_failure.enabled);
  EXPECT_EQ(e.retry_on_failure.initial_interval, milliseconds(100));
  EXPECT_EQ(e.retry_on_failure.max_interval, seconds(1));
  EXPECT_EQ(e.retry_on_failure.max_elapsed_time, Duration(0));
  EXPECT_DOUBLE_EQ(e.retry_on_failure.multiplier, 2);
  EXPECT_DOUBLE_EQ(e.retry_on_failure.randomization_factor, 0);

  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {exporter: {sending_queue: {queue_size: 0}}}\n"),
              HasSubstr("collectors.exporter.sending_queue.queue_size: expected an integer >= 1, got 0"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {exporter: {retry_on_failure: {max_interval: 1s}}}\n"),
      HasSubstr("collectors.exporter.retry_on_failure.max_interval: expected a duration >= initial_interval "
                "(5s), got '1s'"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {exporter: {retry_on_failure: {max_elapsed_time: 1s}}}\n"),
      HasSubstr("max_elapsed_time: expected 0 (retry forever) or a duration >= initial_interval (5s)"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {exporter: {retry_on_failure: {randomization_factor: 2}}}\n"),
      HasSubstr("randomization_factor: expected a number in [0, 1], got 2"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {exporter: {endpoint: 'storage:4317'}}\n"),
      HasSubstr("collectors.exporter.endpoint: unknown key 'endpoint'; allowed keys: type, to, timeout, "
                "sending_queue, retry_on_failure, routing_key, resolver"));
}

TEST(LoaderTest, Failures) {
  Scenario s = MustLoadString(std::string(kBase) +
                              "collectors: {count: 3}\n"
                              "storage: {nodes: 2}\n"
                              "failures:\n"
                              "  - {type: host_crash, target: db, at: 0}\n"
                              "  - {type: host_crash, target: collector-2, at: 5s, restart_after: 1s}\n"
                              "  - {type: host_crash, target: collector-2, at: 6s}\n"
                              "  - {type: host_crash, target: storage-1, at: 70s}\n");
  ASSERT_EQ(s.failures.size(), 4u);
  EXPECT_EQ(s.failures[0].target, "db");
  EXPECT_DOUBLE_EQ(s.failures[0].at_s, 0);
  EXPECT_LT(s.failures[0].restart_after_s, 0);  // never restarts
  EXPECT_DOUBLE_EQ(s.failures[1].restart_after_s, 1);
  EXPECT_DOUBLE_EQ(s.failures[3].at_s, 70);  // duration 60 + drain 10

  EXPECT_THAT(ErrorOf(std::string(kBase) + "failures: [{type: host_crash, target: api, at: 71s}]\n"),
              HasSubstr("failures[0].at: expected a time in [0s, 70s] (duration + drain), got '71s'"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "failures: [{type: host_crash, target: api, at: 1s, restart_after: 0}]\n"),
      HasSubstr("failures[0].restart_after: expected a duration > 0s, got 0"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "failures: [{type: host_crash, target: apu, at: 1s}]\n"),
              HasSubstr("got 'apu' (did you mean 'api'?)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "failures: [{type: host_crash, target: storage-1, at: 1s}]\n"),
              HasSubstr("got 'storage-1' (storage.nodes is 1)"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "failures: [{type: link_down, target: api, at: 1s}]\n"),
      HasSubstr(
          "failures[0].target: expected a link: <host>-link for a host (a service (api, db), collector-0 "
          "or storage-0), got 'api'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "failures: [{type: meteor_strike, target: api, at: 1s}]\n"),
              HasSubstr("failures[0].type: expected one of host_crash, scale_out, scale_in, link_down, "
                        "bandwidth_drop, latency_spike, cpu_slowdown, storage_outage, rolling_restart, "
                        "partition, loss_burst, got 'meteor_strike'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "failures: [{target: api, at: 1s}]\n"),
              HasSubstr("failures[0].type: required"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "failures: [{type: host_crash, target: api}]\n"),
              HasSubstr("failures[0].at: required"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "failures:\n"
                                   "  - {type: host_crash, target: api, at: 5s}\n"
                                   "  - {type: host_crash, target: api, at: 9s, restart_after: 1s}\n"),
      HasSubstr("test.yaml:10:41: failures[1].at: 'api' is still down at 9s: failures[0] crashes it at 5s "
                "and it never restarts"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "failures:\n"
                                   "  - {type: host_crash, target: api, at: 9s, restart_after: 1s}\n"
                                   "  - {type: host_crash, target: api, at: 5s, restart_after: 10s}\n"),
      HasSubstr("failures[0].at: 'api' is still down at 9s: failures[1] crashes it at 5s and it restarts "
                "at 15s"));
}

TEST(LoaderTest, DurationsAndMeasurement) {
  Scenario s = MustLoadString(std::string(kBase) +
                              "duration: 2m\ndrain: 0\nseed: 18446744073709551615\n"
                              "measurement: {sample_period: 250ms, overhead_baseline: false}\n");
  EXPECT_DOUBLE_EQ(s.duration_s, 120);
  EXPECT_DOUBLE_EQ(s.drain_s, 0);
  EXPECT_EQ(s.seed, 18446744073709551615u);
  EXPECT_DOUBLE_EQ(s.measurement.sample_period_s, 0.25);
  EXPECT_FALSE(s.measurement.overhead_baseline);
  EXPECT_THAT(ErrorOf(std::string(kBase) + "duration: 0s\n"),
              HasSubstr("test.yaml:8:11: duration: expected a duration > 0s, got '0s'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "drain: -1\n"),
              HasSubstr("drain: expected a duration >= 0s, got -1 (a bare number is seconds)"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "measurement: {sample_period: {s: 1}}\n"),
      HasSubstr("measurement.sample_period: expected a duration > 0s such as 200ms, 1.5s or 1m30s, got a "
                "mapping"));
}

TEST(LoaderTest, ManyErrorsAreCapped) {
  std::string yaml = std::string(kBase) + "tracing:\n  costs:\n";
  for (int i = 0; i < 25; ++i) yaml += "    bogus_" + std::to_string(i) + ": 1\n";
  std::string msg = ErrorOf(yaml);
  EXPECT_THAT(msg, HasSubstr("tracing.costs.bogus_0: unknown key"));
  EXPECT_THAT(msg, HasSubstr("tracing.costs.bogus_19: unknown key"));
  EXPECT_THAT(msg, Not(HasSubstr("bogus_20")));
  EXPECT_THAT(msg, HasSubstr("\n... and 5 more errors"));
}

TEST(LoaderTest, RecursiveAliasIsAnErrorNotACrash) {
  std::string msg = ErrorOf("name: t\nx: &a [*a]\n");
  EXPECT_FALSE(msg.empty());
}

TEST(LoaderTest, AliasBombIsRefused) {
  std::string yaml = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 7; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    yaml += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) yaml += (j ? ", " : "") + prev;
    yaml += "]\n";
  }
  EXPECT_THAT(ErrorOf(yaml), HasSubstr("expands to more than 1000000 nodes"));
}

TEST(LoaderTest, AnchorsAndAliasesWork) {
  Scenario s = MustLoadString(
      "name: t\n"
      "services:\n"
      "  - {name: a, work: &w {mean: 3ms, distribution: constant}, calls: [b]}\n"
      "  - {name: b, work: *w}\n"
      "workload: {entry: a}\n");
  EXPECT_DOUBLE_EQ(s.services[1].work_mean_s, 0.003);
  EXPECT_EQ(s.services[1].work_distribution, Distribution::kConstant);
}

}  // namespace
}  // namespace tracesim::scenario

namespace tracesim::scenario {
namespace {

// Regression: Convert() bound `const YAML::Node&` to members of the temporary
// yaml-cpp's map iterator returns (stack-use-after-scope under ASan; silently
// worked in release builds). Many keys and nested mappings exercise it; the
// sanitizer build in CI (scripts/sanitize.sh) is what makes this test bite.
TEST(LoaderRegressionTest, MapKeysOutliveYamlIteratorTemporaries) {
  auto sc = LoadScenarioString(R"(name: regression
seed: 9
platform: {topology: star, host_link: {bandwidth: 1Gbps, latency: 50us, sharing: fatpipe}}
services:
  - {name: a, host_speed: 2Gf, work: {mean: 1ms, distribution: constant}, calls: [{service: b, count: 2}]}
  - {name: b, error_rate: 0.5}
workload: {entry: a, arrival: constant, rate: 10}
tracing: {sampler: {type: traceidratio, ratio: 0.5}, batch_span_processor: {max_queue_size: 100, max_export_batch_size: 10}}
)",
                               "regression.yaml");
  ASSERT_TRUE(sc.ok()) << sc.status().message();
  EXPECT_EQ(sc->name, "regression");
  EXPECT_EQ(sc->seed, 9u);
  EXPECT_EQ(sc->platform.host_link.sharing, LinkSpec::Sharing::kFatpipe);
  ASSERT_EQ(sc->services.size(), 2u);
  EXPECT_DOUBLE_EQ(sc->services[0].host_speed_flops, 2e9);
  EXPECT_EQ(sc->services[0].work_distribution, Distribution::kConstant);
  ASSERT_EQ(sc->services[0].calls.size(), 1u);
  EXPECT_EQ(sc->services[0].calls[0].count, 2);
  EXPECT_DOUBLE_EQ(sc->services[1].error_rate, 0.5);
  EXPECT_EQ(sc->workload.arrival, ArrivalProcess::kConstant);
  EXPECT_EQ(sc->tracing.sampler.type, "traceidratio");
  EXPECT_EQ(sc->tracing.batch_span_processor.max_export_batch_size, 10);
}

}  // namespace
}  // namespace tracesim::scenario
