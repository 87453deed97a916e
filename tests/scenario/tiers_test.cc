// Collector tiers: the single-tier mapping and the tier list, processors
// (every supported type, pipeline order), exporters between tiers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "scenario_test_support.h"
#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::Chain;
using testing::ErrorOf;
using testing::kBase;
using testing::MustLoad;

using Names = std::vector<std::string>;

const std::string kTwoTiers =
    std::string(kBase) +
    "collectors:\n"
    "  - name: agent\n"
    "    count: 3\n"
    "    host_speed: 1Gf\n"
    "    memory: 512\n"
    "    processors: {}\n"
    "    exporter:\n"
    "      type: loadbalancing\n"
    "      to: gateway\n"
    "      routing_key: service\n"
    "      resolver: {interval: 30s}\n"
    "  - name: gateway\n"
    "    count: 2\n"
    "    memory: 4GiB\n"
    "    processors:\n"
    "      memory_limiter: {check_interval: 1s, limit_mib: 400, spike_limit_mib: 80}\n"
    "      batch: {send_batch_size: 1000}\n";

TEST(TiersTest, MappingFormIsOneTierNamedCollector) {
  Scenario s = MustLoad(std::string(kBase) + "collectors: {count: 4, memory: 1GiB}\n");
  ASSERT_EQ(s.collector_tiers.size(), 1u);
  EXPECT_EQ(s.collector_tiers[0].name, "collector");
  EXPECT_EQ(s.collector_tiers[0].count, 4);
  EXPECT_EQ(s.collector_tiers[0].memory_mib, 1024u);
  EXPECT_EQ(s.collector_tiers[0].exporter.to, "storage");
  EXPECT_EQ(TierHostName("collector", 3), CollectorHostName(3));
  EXPECT_EQ(TierHostName("edge-a", 12), "edge-a-12");
}

TEST(TiersTest, AbsentCollectorsIsTheDefaultTier) {
  Scenario s = MustLoad(kBase);
  const CollectorTierSpec d;
  ASSERT_EQ(s.collector_tiers.size(), 1u);
  EXPECT_EQ(s.collector_tiers[0].name, "collector");
  EXPECT_EQ(s.collector_tiers[0].count, d.count);
  EXPECT_EQ(Chain(s.collector_tiers[0]), Names{"batch"});
}

TEST(TiersTest, TierListWithLoadBalancingToALaterTier) {
  Scenario s = MustLoad(kTwoTiers);
  ASSERT_EQ(s.collector_tiers.size(), 2u);
  const CollectorTierSpec& agent = s.collector_tiers[0];
  EXPECT_EQ(agent.name, "agent");
  EXPECT_EQ(agent.count, 3);
  EXPECT_DOUBLE_EQ(agent.host_speed_flops, 1e9);
  EXPECT_EQ(agent.memory_mib, 512u);
  EXPECT_TRUE(agent.processors.empty());
  EXPECT_EQ(agent.exporter.type, ExporterType::kLoadBalancing);
  EXPECT_EQ(agent.exporter.to, "gateway");
  EXPECT_EQ(agent.exporter.routing_key, RoutingKey::kService);
  EXPECT_EQ(agent.exporter.resolver_interval, seconds(30));

  const CollectorTierSpec& gw = s.collector_tiers[1];
  EXPECT_EQ(gw.name, "gateway");
  EXPECT_EQ(gw.memory_mib, 4096u);
  EXPECT_EQ(gw.exporter.type, ExporterType::kOtlp);
  EXPECT_EQ(gw.exporter.to, "storage");
  EXPECT_EQ(gw.exporter.routing_key, RoutingKey::kTraceId);
  // Without `pipeline:`, the order written.
  ASSERT_EQ(Chain(gw), (Names{"memory_limiter", "batch"}));
  const auto& ml = std::get<pipeline::MemoryLimiterConfig>(gw.processors[0].config);
  EXPECT_EQ(ml.check_interval, seconds(1));
  EXPECT_EQ(ml.limit_mib, 400u);
  EXPECT_EQ(ml.spike_limit_mib, 80u);
  EXPECT_EQ(std::get<pipeline::BatchProcessorOptions>(gw.processors[1].config).send_batch_size, 1000u);

  // Overrides address the list by index.
  s = MustLoad(kTwoTiers, {{"collectors.1.count", "5"}, {"collectors.0.exporter.routing_key", "traceID"}});
  EXPECT_EQ(s.collector_tiers[1].count, 5);
  EXPECT_EQ(s.collector_tiers[0].exporter.routing_key, RoutingKey::kTraceId);
}

TEST(TiersTest, PipelineKeyOrdersTheProcessors) {
  Scenario s = MustLoad(std::string(kBase) +
                        "collectors:\n"
                        "  processors:\n"
                        "    batch: {}\n"
                        "    tail_sampling: {policies: [{name: all, type: always_sample}]}\n"
                        "    memory_limiter: {limit_mib: 100}\n"
                        "  pipeline: [memory_limiter, tail_sampling, batch]\n");
  EXPECT_EQ(Chain(s.collector_tiers.at(0)), (Names{"memory_limiter", "tail_sampling", "batch"}));
  EXPECT_TRUE(
      std::holds_alternative<pipeline::TailSamplingConfig>(s.collector_tiers[0].processors[1].config));

  const std::string procs = std::string(kBase) +
                            "collectors:\n"
                            "  processors:\n"
                            "    batch: {}\n"
                            "    memory_limiter: {limit_mib: 100}\n";
  EXPECT_THAT(ErrorOf(procs + "  pipeline: [memory_limitr, batch]\n"),
              HasSubstr("t.yaml:12:14: collectors.pipeline[0]: expected a processor defined in `processors` "
                        "(batch, memory_limiter), got 'memory_limitr' (did you mean 'memory_limiter'?)"));
  EXPECT_THAT(
      ErrorOf(procs + "  pipeline: [batch]\n"),
      HasSubstr("t.yaml:11:5: collectors.processors.memory_limiter: defined but not listed in `pipeline` "
                "(collectors.pipeline)"));
  EXPECT_THAT(ErrorOf(procs + "  pipeline: [memory_limiter, batch, batch]\n"),
              HasSubstr("collectors.pipeline[2]: references processor 'batch' multiple times"));
  EXPECT_THAT(ErrorOf(procs + "  pipeline: batch\n"),
              HasSubstr("collectors.pipeline: expected a sequence of processor ids in pipeline order"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {pipeline: [batch]}\n"),
              HasSubstr("collectors.pipeline: lists the order of `processors`, but this tier has no "
                        "`processors` mapping"));
}

TEST(TiersTest, EveryProcessorTypeLandsInItsConfig) {
  Scenario s = MustLoad(std::string(kBase) +
                        "collectors:\n"
                        "  processors:\n"
                        "    memory_limiter:\n"
                        "      check_interval: 500ms\n"
                        "      limit_percentage: 80\n"
                        "      spike_limit_percentage: 20\n"
                        "    probabilistic_sampler:\n"
                        "      sampling_percentage: 15.3\n"
                        "      hash_seed: 22\n"
                        "      mode: proportional\n"
                        "      fail_closed: false\n"
                        "      sampling_precision: 6\n"
                        "    batch/2: {send_batch_size: 10, send_batch_max_size: 20, timeout: 1s}\n");
  const auto& p = s.collector_tiers.at(0).processors;
  ASSERT_EQ(Chain(s.collector_tiers[0]), (Names{"memory_limiter", "probabilistic_sampler", "batch/2"}));
  const auto& ml = std::get<pipeline::MemoryLimiterConfig>(p[0].config);
  EXPECT_EQ(ml.check_interval, milliseconds(500));
  EXPECT_EQ(ml.limit_mib, 0u);
  EXPECT_EQ(ml.limit_percentage, 80u);
  EXPECT_EQ(ml.spike_limit_percentage, 20u);
  const auto& ps = std::get<pipeline::ProbabilisticSamplerConfig>(p[1].config);
  EXPECT_DOUBLE_EQ(ps.sampling_percentage, 15.3);
  EXPECT_EQ(ps.hash_seed, 22u);
  EXPECT_EQ(ps.mode, "proportional");
  EXPECT_FALSE(ps.fail_closed);
  EXPECT_EQ(ps.sampling_precision, 6);
  EXPECT_EQ(ps.attribute_source, "traceID");
  const auto& b = std::get<pipeline::BatchProcessorOptions>(p[2].config);
  EXPECT_EQ(b.send_batch_size, 10u);
  EXPECT_EQ(b.send_batch_max_size, 20u);
  EXPECT_EQ(b.timeout, seconds(1));
}

TEST(TiersTest, ProcessorValidationErrorsPointAtTheKey) {
  // memory_limiter's own check (ValidateMemoryLimiterConfig), mapped onto the YAML.
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors:\n"
                                   "  processors:\n"
                                   "    memory_limiter: {limit_mib: 100, spike_limit_mib: 100}\n"),
      HasSubstr("t.yaml:10:55: collectors.processors.memory_limiter.spike_limit_mib: must be less than "
                "limit_mib"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {processors: {memory_limiter: {}}}\n"),
      HasSubstr("collectors.processors.memory_limiter.limit_mib: limit_mib or limit_percentage must be "
                "greater than zero"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {processors: {memory_limiter: {limit_percentage: 101}}}\n"),
      HasSubstr(
          "collectors.processors.memory_limiter.limit_percentage: expected an integer in [0, 100], got 101"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) +
              "collectors: {processors: {memory_limiter: {check_interval: 0s, limit_mib: 1}}}\n"),
      HasSubstr("collectors.processors.memory_limiter.check_interval: expected a duration > 0s, got '0s'"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {processors: {probabilistic_sampler: {mode: random}}}\n"),
      HasSubstr("collectors.processors.probabilistic_sampler.mode: expected one of hash_seed, proportional, "
                "equalizing, got 'random'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) +
                      "collectors: {processors: {probabilistic_sampler: {sampling_precision: 15}}}\n"),
              HasSubstr("sampling_precision: expected an integer in [1, 14], got 15"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {processors: {batch/: {}}}\n"),
              HasSubstr("t.yaml:8:27: collectors.processors.batch/: the name after '/' must not be empty"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {processors: {memory_limiter: {limit_mb: 1}}}\n"),
              HasSubstr("collectors.processors.memory_limiter.limit_mb: unknown key 'limit_mb' (did you mean "
                        "'limit_mib'?)"));
}

TEST(TiersTest, TailSampling) {
  Scenario s =
      MustLoad(std::string(kBase) +
               "collectors:\n"
               "  processors:\n"
               "    tail_sampling:\n"
               "      decision_wait: 10s\n"
               "      num_traces: 50000\n"
               "      expected_new_traces_per_sec: 0\n"
               "      decision_cache: {sampled_cache_size: 1000, non_sampled_cache_size: 2000}\n"
               "      policies:\n"
               "        - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}\n"
               "        - {name: slow, type: latency, latency: {threshold_ms: 500}}\n"
               "        - name: big\n"
               "          type: numeric_attribute\n"
               "          numeric_attribute: {key: http.response_size, min_value: 100000}\n"
               "        - name: both\n"
               "          type: and\n"
               "          and:\n"
               "            and_sub_policy:\n"
               "              - {name: a, type: string_attribute,\n"
               "                 string_attribute: {key: route, values: [/checkout, /pay.*],\n"
               "                                    enabled_regex_matching: true}}\n"
               "              - {name: b, type: probabilistic, probabilistic: {sampling_percentage: 10}}\n"
               "        - name: budget\n"
               "          type: composite\n"
               "          composite:\n"
               "            max_total_spans_per_second: 1000\n"
               "            policy_order: [c1, c2]\n"
               "            composite_sub_policy:\n"
               "              - {name: c1, type: span_count, span_count: {min_spans: 2, max_spans: 50}}\n"
               "              - {name: c2, type: always_sample}\n"
               "            rate_allocation: [{policy: c1, percent: 60}, {policy: c2, percent: 40}]\n"
               "        - name: noisy\n"
               "          type: drop\n"
               "          drop:\n"
               "            drop_sub_policy:\n"
               "              - {name: health, type: boolean_attribute,\n"
               "                 boolean_attribute: {key: health_check, value: true}}\n"
               "        - {name: ts, type: trace_state, trace_state: {key: tier, values: [gold]}}\n"
               "        - {name: rl, type: rate_limiting, rate_limiting: {spans_per_second: 35}}\n");
  const auto& ts = std::get<pipeline::TailSamplingConfig>(s.collector_tiers.at(0).processors.at(0).config);
  EXPECT_EQ(ts.decision_wait, seconds(10));
  EXPECT_EQ(ts.num_traces, 50000u);
  EXPECT_EQ(ts.decision_cache.sampled_cache_size, 1000u);
  EXPECT_EQ(ts.decision_cache.non_sampled_cache_size, 2000u);
  ASSERT_EQ(ts.policies.size(), 8u);
  EXPECT_EQ(ts.policies[0].status_code.status_codes, Names{"ERROR"});
  EXPECT_EQ(ts.policies[1].latency.threshold_ms, 500);
  EXPECT_EQ(ts.policies[2].numeric_attribute.min_value, 100000);
  EXPECT_FALSE(ts.policies[2].numeric_attribute.max_value.has_value());
  ASSERT_EQ(ts.policies[3].and_.and_sub_policy.size(), 2u);
  EXPECT_EQ(ts.policies[3].and_.and_sub_policy[0].string_attribute.values, (Names{"/checkout", "/pay.*"}));
  EXPECT_TRUE(ts.policies[3].and_.and_sub_policy[0].string_attribute.enabled_regex_matching);
  EXPECT_DOUBLE_EQ(ts.policies[3].and_.and_sub_policy[1].probabilistic.sampling_percentage, 10);
  const auto& c = ts.policies[4].composite;
  EXPECT_EQ(c.max_total_spans_per_second, 1000);
  EXPECT_EQ(c.policy_order, (Names{"c1", "c2"}));
  ASSERT_EQ(c.composite_sub_policy.size(), 2u);
  EXPECT_EQ(c.composite_sub_policy[0].span_count.max_spans, 50);
  ASSERT_EQ(c.rate_allocation.size(), 2u);
  EXPECT_EQ(c.rate_allocation[1].policy, "c2");
  EXPECT_EQ(c.rate_allocation[1].percent, 40);
  EXPECT_TRUE(ts.policies[5].drop.drop_sub_policy.at(0).boolean_attribute.value);
  EXPECT_EQ(ts.policies[6].trace_state.values, Names{"gold"});
  EXPECT_EQ(ts.policies[7].rate_limiting.spans_per_second, 35);

  // Semantic errors come from ValidateTailSamplingConfig and point at the key.
  const std::string head = std::string(kBase) +
                           "collectors:\n"
                           "  processors:\n"
                           "    tail_sampling:\n"
                           "      policies:\n";
  EXPECT_THAT(ErrorOf(head + "        - {name: slow, type: latency, latency: {threshold_ms: -5}}\n"),
              HasSubstr("t.yaml:12:63: collectors.processors.tail_sampling.policies[0].latency.threshold_ms: "
                        "expected >= 0, got -5"));
  EXPECT_THAT(
      ErrorOf(head + "        - {name: a, type: always_sample}\n        - {name: a, type: always_sample}\n"),
      HasSubstr("t.yaml:13:18: collectors.processors.tail_sampling.policies[1].name: duplicate policy "
                "name \"a\""));
  EXPECT_THAT(
      ErrorOf(head + "        - name: x\n          type: and\n          and:\n            and_sub_policy:\n"
                     "              - {name: y, type: composite}\n"),
      HasSubstr("t.yaml:16:33: collectors.processors.tail_sampling.policies[0].and.and_sub_policy[0].type: "
                "policy type \"composite\" is not allowed in and_sub_policy"));
  EXPECT_THAT(ErrorOf(head + "        - {name: x, type: latncy}\n"),
              HasSubstr("policies[0].type: expected one of always_sample, latency"));
  EXPECT_THAT(ErrorOf(head + "        - {name: x, type: latncy}\n"), HasSubstr("(did you mean 'latency'?)"));
  EXPECT_THAT(ErrorOf(head + "        - {name: x, type: ottl_condition}\n"),
              HasSubstr("policies[0].type: policy type \"ottl_condition\" is not supported by tracesim"));
  EXPECT_THAT(ErrorOf(head + "        - {name: x, type: latency, latency: {treshold_ms: 5}}\n"),
              HasSubstr("policies[0].latency.treshold_ms: unknown key 'treshold_ms' (did you mean "
                        "'threshold_ms'?)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {processors: {tail_sampling: {}}}\n"),
              HasSubstr("collectors.processors.tail_sampling.policies: required"));
  EXPECT_THAT(ErrorOf(std::string(kBase) +
                      "collectors: {processors: {tail_sampling: {num_traces: 0, policies: [{name: a, type: "
                      "always_sample}]}}}\n"),
              HasSubstr("collectors.processors.tail_sampling.num_traces: expected an integer > 0, got 0"));
}

// A Collector configuration's processors section, pasted as written for
// `otelcol-contrib` (keys and values unchanged), loads.
TEST(TiersTest, PastedCollectorConfigLoads) {
  Scenario s =
      MustLoad(std::string(kBase) +
               "collectors:\n"
               "  processors:\n"
               "    memory_limiter:\n"
               "      check_interval: 1s\n"
               "      limit_mib: 1500\n"
               "      spike_limit_mib: 512\n"
               "    tail_sampling:\n"
               "      decision_wait: 10s\n"
               "      num_traces: 100\n"
               "      expected_new_traces_per_sec: 10\n"
               "      policies:\n"
               "        [\n"
               "          {name: errors-policy, type: status_code, status_code: {status_codes: [ERROR]}},\n"
               "          {name: slow-policy, type: latency, latency: {threshold_ms: 5000}},\n"
               "          {\n"
               "            name: sample-10-percent,\n"
               "            type: probabilistic,\n"
               "            probabilistic: {sampling_percentage: 10}\n"
               "          }\n"
               "        ]\n"
               "    batch:\n"
               "      send_batch_size: 8192\n"
               "      timeout: 200ms\n"
               "  pipeline: [memory_limiter, tail_sampling, batch]\n");
  EXPECT_EQ(Chain(s.collector_tiers.at(0)), (Names{"memory_limiter", "tail_sampling", "batch"}));
}

TEST(TiersTest, ExporterTargetsAndTierNames) {
  const std::string two =
      std::string(kBase) + "collectors:\n  - name: a\n    exporter: {to: b}\n  - name: b\n";
  EXPECT_EQ(MustLoad(two).collector_tiers[0].exporter.to, "b");
  // `to` naming an earlier tier, itself, or an unknown tier.
  EXPECT_THAT(
      ErrorOf(std::string(kBase) +
              "collectors:\n  - name: a\n    exporter: {to: b}\n  - name: b\n    exporter: {to: a}\n"),
      HasSubstr("t.yaml:12:20: collectors[1].exporter.to: expected the name of a later tier or storage "
                "(one of storage), got 'a' (tier 'a' comes before 'b' in `collectors`: spans flow down "
                "the list, towards storage)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors:\n  - name: a\n    exporter: {to: a}\n"),
              HasSubstr("collectors[0].exporter.to: expected the name of a later tier or storage (one of "
                        "storage), got 'a' (a tier cannot export to itself)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) +
                      "collectors:\n  - name: a\n    exporter: {to: gatway}\n  - name: gateway\n"),
              HasSubstr("collectors[0].exporter.to: expected the name of a later tier or storage (one of "
                        "gateway, storage), got 'gatway' (did you mean 'gateway'?)"));
  // A tier that nothing exports to receives no spans.
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors:\n  - name: a\n  - name: b\n"),
      HasSubstr("t.yaml:10:11: collectors[1]: tier 'b' receives no spans: no earlier tier exports to it"));
  // loadbalancing balances over a collector tier, not storage.
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {exporter: {type: loadbalancing}}\n"),
      HasSubstr("collectors.exporter.type: expected otlp when exporting to storage, got 'loadbalancing'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {exporter: {routing_key: service}}\n"),
              HasSubstr("collectors.exporter.routing_key: only the loadbalancing exporter routes"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {exporter: {resolver: {interval: 1s}}}\n"),
              HasSubstr("collectors.exporter.resolver: only the loadbalancing exporter resolves"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) +
              "collectors:\n  - name: a\n    exporter: {type: loadbalancing, to: b, routing_key: traceid}\n"
              "  - name: b\n"),
      HasSubstr("collectors[0].exporter.routing_key: expected one of traceID, service, got 'traceid' "
                "(did you mean 'traceID'?)"));

  // Names: required in the list, well-formed, unique, not reserved, not a service.
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors:\n  - count: 2\n"),
              HasSubstr("t.yaml:9:5: collectors[0].name: required"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors:\n  - name: a\n    exporter: {to: a}\n  - name: a\n"),
      HasSubstr("t.yaml:11:11: collectors[1].name: duplicate tier name 'a' (already used by collectors[0])"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: [{name: Edge}]\n"),
      HasSubstr("collectors[0].name: expected a tier name: lowercase letters, digits and '-', starting "
                "with a letter, got 'Edge'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: [{name: storage}]\n"),
              HasSubstr("collectors[0].name: expected a tier name, got 'storage'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: [{name: driver}]\n"),
              HasSubstr("collectors[0].name: expected a tier name, got 'driver'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: [{name: db}]\n"),
              HasSubstr("collectors[0].name: expected a tier name, got 'db' ('db' is a service)"));
  EXPECT_THAT(
      ErrorOf("name: t\nservices: [{name: edge-1}]\nworkload: {entry: edge-1}\ncollectors: [{name: edge}]\n"),
      HasSubstr("services[0].name: expected a service name, got 'edge-1' (edge-<i> names the hosts of "
                "collector tier 'edge')"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: []\n"),
      HasSubstr("collectors: expected a mapping (one collector tier) or a non-empty sequence of tiers"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: [{name: a, cuont: 2}]\n"),
              HasSubstr("collectors[0].cuont: unknown key 'cuont' (did you mean 'count'?)"));
}

TEST(TiersTest, Memory) {
  auto mem = [](const std::string& v) {
    return MustLoad(std::string(kBase) + "collectors: {memory: " + v + "}\n")
        .collector_tiers.at(0)
        .memory_mib;
  };
  EXPECT_EQ(mem("300"), 300u);
  EXPECT_EQ(mem("2GiB"), 2048u);
  EXPECT_EQ(mem("1.5GiB"), 1536u);
  EXPECT_EQ(mem("768MiB"), 768u);
  EXPECT_EQ(mem("1048576KiB"), 1024u);
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {memory: 0}\n"),
      HasSubstr("t.yaml:8:22: collectors.memory: expected a memory size > 0: an integer number of MiB "
                "or a size such as 512MiB or 2GiB, got 0"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {memory: 1.5}\n"),
              HasSubstr("got 1.5 (a bare number is a whole number of MiB)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {memory: 1GB}\n"),
              HasSubstr("got '1GB' (not a whole number of MiB: 1000000000 bytes)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {memory: 2Gb}\n"), HasSubstr("unknown unit 'Gb'"));
}

}  // namespace
}  // namespace tracesim::scenario
