#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sample_results.h"
#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::SampleResults;

std::vector<std::string> Keys(const Json& j) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  return keys;
}

TEST(ResultsJsonTest, TopLevelLayoutAndKeyOrder) {
  const Json j = Json::parse(ToJson(SampleResults()));
  EXPECT_THAT(Keys(j), ElementsAre("schema", "scenario", "tracing", "simulated_seconds", "spans", "traces",
                                   "requests", "latency", "overhead", "cpu", "sampling", "collectors",
                                   "storage", "saturation", "timeline", "timeseries", "run"));
  EXPECT_THAT(Keys(j["storage"]), ElementsAre("nodes", "disk", "queries"));
  EXPECT_THAT(Keys(j["storage"]["disk"]), ElementsAre("wal_bytes", "block_bytes", "read_bytes"));
  EXPECT_THAT(Keys(j["storage"]["queries"]),
              ElementsAre("lookups", "lookups_failed", "lookups_complete", "lookup_latency", "searches",
                          "searches_failed", "search_latency"));
  ASSERT_EQ(j["saturation"].size(), 2u);
  EXPECT_THAT(Keys(j["saturation"][0]), ElementsAre("component", "what", "at_s"));
  EXPECT_EQ(j["saturation"][1]["what"], "sdk_queue_full");
  EXPECT_THAT(Keys(j["scenario"]), ElementsAre("name", "source", "seed", "fidelity"));
  EXPECT_THAT(Keys(j["tracing"]), ElementsAre("enabled", "sampler"));
  EXPECT_THAT(Keys(j["spans"]), ElementsAre("generated", "sampled_out", "stored", "in_flight", "dropped",
                                            "dropped_total", "ledger"));
  EXPECT_THAT(Keys(j["spans"]["ledger"]), ElementsAre("balanced", "imbalance"));
  EXPECT_THAT(Keys(j["traces"]), ElementsAre("generated", "sampled", "kept", "complete", "incomplete",
                                             "broken", "broken_by_cause"));
  EXPECT_THAT(Keys(j["sampling"]),
              ElementsAre("error_traces", "error_traces_kept", "error_traces_kept_fraction",
                          "slow_threshold_ms", "slow_traces", "slow_traces_kept", "slow_traces_kept_fraction",
                          "operations", "operations_covered", "services", "services_covered", "bytes_stored",
                          "bytes_per_kept_trace", "red"));
  EXPECT_THAT(Keys(j["sampling"]["red"][0]),
              ElementsAre("service", "true", "estimated", "rate_rel_error", "error_rate_abs_error",
                          "p50_rel_error", "p99_rel_error"));
  EXPECT_THAT(Keys(j["sampling"]["red"][0]["true"]),
              ElementsAre("rate_per_s", "error_rate", "p50_ms", "p99_ms"));
  EXPECT_THAT(Keys(j["sampling"]["red"][0]["estimated"]),
              ElementsAre("rate_per_s", "error_rate", "p50_ms", "p99_ms"));
  EXPECT_THAT(Keys(j["collectors"][0]),
              ElementsAre("name", "hosts", "cpu_s", "peak_held_spans", "peak_held_bytes", "refused_spans"));
  EXPECT_THAT(Keys(j["requests"]), ElementsAre("started", "completed", "failed"));
  EXPECT_THAT(Keys(j["latency"]), ElementsAre("request", "span_delivery"));
  EXPECT_THAT(Keys(j["latency"]["request"]),
              ElementsAre("count", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"));
  EXPECT_THAT(Keys(j["latency"]["span_delivery"]),
              ElementsAre("count", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"));
  EXPECT_THAT(Keys(j["overhead"]), ElementsAre("measured", "request_latency_p50_pct",
                                               "request_latency_p99_pct", "cpu_pct", "baseline"));
  EXPECT_THAT(Keys(j["overhead"]["baseline"]),
              ElementsAre("request_p50_ms", "request_p99_ms", "service_cpu_s"));
  EXPECT_THAT(Keys(j["cpu"]), ElementsAre("service_s", "tracing_s", "collector_s", "storage_s"));
  EXPECT_THAT(Keys(j["timeline"][0]), ElementsAre("type", "target", "start_s", "end_s"));
  EXPECT_THAT(
      Keys(j["timeseries"]),
      ElementsAre("period_s", "t_s", "spans_generated", "spans_stored", "spans_dropped", "in_flight",
                  "sdk_queue_spans", "collector_buffered_spans", "requests_completed", "traces_sampled"));
  EXPECT_THAT(Keys(j["run"]),
              ElementsAre("wall_seconds", "simulated_spans_per_wall_second", "tracesim_version"));
}

TEST(ResultsJsonTest, Values) {
  const Results r = SampleResults();
  const Json j = Json::parse(ToJson(r));
  EXPECT_EQ(j["schema"], "tracesim.results/v1");
  EXPECT_EQ(j["scenario"]["name"], "collector-crash");
  EXPECT_EQ(j["scenario"]["source"], "scenarios/collector-crash.yaml");
  EXPECT_EQ(j["scenario"]["seed"], 42u);
  EXPECT_EQ(j["tracing"]["enabled"], true);
  EXPECT_EQ(j["tracing"]["sampler"], "ParentBased{root:TraceIdRatioBased{0.25}}");
  EXPECT_EQ(j["simulated_seconds"], 60.0);
  EXPECT_EQ(j["spans"]["generated"], 240000u);
  EXPECT_EQ(j["spans"]["sampled_out"], 180000u);
  EXPECT_EQ(j["spans"]["stored"], r.spans.stored);
  EXPECT_EQ(j["spans"]["in_flight"], r.spans.in_flight);
  EXPECT_EQ(j["spans"]["dropped"]["crash_lost"], 3100u);
  EXPECT_EQ(j["spans"]["dropped"]["sdk_queue_full"], 1920u);
  EXPECT_EQ(j["spans"]["dropped_total"], 5020u);
  EXPECT_EQ(j["spans"]["ledger"]["balanced"], true);
  EXPECT_EQ(j["spans"]["ledger"]["imbalance"], 0);
  EXPECT_EQ(j["traces"]["incomplete"], 567u);
  EXPECT_EQ(j["traces"]["kept"], 7410u);
  EXPECT_EQ(j["traces"]["broken"], 507u);
  EXPECT_EQ(j["traces"]["broken_by_cause"]["crash_lost"], 312u);
  EXPECT_EQ(j["traces"]["broken_by_cause"]["in_flight"], 38u);
  EXPECT_EQ(j["traces"]["broken_by_cause"]["rerouted_split_trace"], 0u);
  EXPECT_EQ(j["sampling"]["error_traces"], 236u);
  EXPECT_EQ(j["sampling"]["error_traces_kept"], 55u);
  EXPECT_EQ(j["sampling"]["error_traces_kept_fraction"], 55.0 / 236);
  EXPECT_EQ(j["sampling"]["slow_threshold_ms"], 45.6);
  EXPECT_EQ(j["sampling"]["slow_traces_kept"], 71u);
  EXPECT_EQ(j["sampling"]["operations_covered"], 13u);
  EXPECT_EQ(j["sampling"]["services"], 5u);
  EXPECT_EQ(j["sampling"]["bytes_stored"], 22596000u);
  EXPECT_EQ(j["sampling"]["bytes_per_kept_trace"], 22596000.0 / 7410);
  ASSERT_EQ(j["sampling"]["red"].size(), 5u);
  const Json& payment = j["sampling"]["red"][3];
  EXPECT_EQ(payment["service"], "payment");
  EXPECT_EQ(payment["true"]["rate_per_s"], 249.0);
  EXPECT_EQ(payment["true"]["p99_ms"], 38.2);
  EXPECT_EQ(payment["estimated"]["p99_ms"], 44.9);
  EXPECT_EQ(payment["estimated"]["error_rate"], 0.021);
  EXPECT_EQ(payment["p99_rel_error"], r.sampling.red[3].p99_rel_error);
  EXPECT_NEAR(payment["p99_rel_error"].get<double>(), 0.1754, 1e-4);
  EXPECT_EQ(payment["error_rate_abs_error"], r.sampling.red[3].error_rate_abs_error);
  ASSERT_EQ(j["collectors"].size(), 2u);
  EXPECT_EQ(j["collectors"][1]["name"], "collector");
  EXPECT_EQ(j["collectors"][1]["hosts"], 3);
  EXPECT_EQ(j["collectors"][1]["cpu_s"], 7.25);
  EXPECT_EQ(j["collectors"][1]["peak_held_spans"], 9870u);
  EXPECT_EQ(j["collectors"][1]["peak_held_bytes"], 4145400u);
  EXPECT_EQ(j["collectors"][1]["refused_spans"], 860u);
  EXPECT_EQ(j["requests"]["failed"], 212u);
  EXPECT_EQ(j["latency"]["request"]["p99_ms"], 45.6);
  EXPECT_EQ(j["latency"]["span_delivery"]["p50_ms"], 5120.0);
  EXPECT_EQ(j["overhead"]["measured"], true);
  EXPECT_EQ(j["overhead"]["cpu_pct"], 3.4);
  EXPECT_EQ(j["overhead"]["baseline"]["request_p50_ms"], 12.15);
  EXPECT_EQ(j["cpu"]["storage_s"], 3.125);
  ASSERT_EQ(j["timeline"].size(), 3u);
  EXPECT_EQ(j["timeline"][0]["type"], "host_crash");
  EXPECT_EQ(j["timeline"][0]["end_s"], 32.0);
  EXPECT_TRUE(j["timeline"][2]["end_s"].is_null());  // did not end within the run
  EXPECT_EQ(j["timeseries"]["period_s"], 1.0);
  ASSERT_EQ(j["timeseries"]["t_s"].size(), 60u);
  EXPECT_EQ(j["timeseries"]["t_s"][59], 60.0);
  EXPECT_EQ(j["timeseries"]["spans_generated"][59], 240000u);
  EXPECT_EQ(j["timeseries"]["spans_dropped"][19], 3100u);
  EXPECT_EQ(j["run"]["tracesim_version"], "0.1.0");
  EXPECT_EQ(j["run"]["wall_seconds"], 3.75);
}

TEST(ResultsJsonTest, EveryDropCauseIsPresentInEnumOrder) {
  const Json j = Json::parse(ToJson(SampleResults()));
  std::vector<std::string> expected;
  for (int c = 0; c < static_cast<int>(pipeline::DropCause::kCount); ++c) {
    expected.emplace_back(pipeline::DropCauseName(static_cast<pipeline::DropCause>(c)));
  }
  EXPECT_EQ(Keys(j["spans"]["dropped"]), expected);
  EXPECT_EQ(j["spans"]["dropped"]["network_lost"], 0u);
}

TEST(ResultsJsonTest, BrokenByCauseListsDropCausesThenTraceCausesThenUnknownKeys) {
  Results r = SampleResults();
  r.traces.broken_by_cause["a_future_cause"] = 2;
  r.traces.broken_by_cause["rerouted_split_trace"] = 9;
  const Json j = Json::parse(ToJson(r));
  std::vector<std::string> expected;
  for (int c = 0; c < static_cast<int>(pipeline::DropCause::kCount); ++c) {
    expected.emplace_back(pipeline::DropCauseName(static_cast<pipeline::DropCause>(c)));
  }
  expected.emplace_back("rerouted_split_trace");
  expected.emplace_back("in_flight");
  expected.emplace_back("unsampled_span");
  expected.emplace_back("a_future_cause");
  EXPECT_EQ(Keys(j["traces"]["broken_by_cause"]), expected);
  EXPECT_EQ(j["traces"]["broken_by_cause"]["rerouted_split_trace"], 9u);
  EXPECT_EQ(j["traces"]["broken_by_cause"]["a_future_cause"], 2u);
  EXPECT_EQ(j["traces"]["broken_by_cause"]["network_lost"], 0u);
}

TEST(ResultsJsonTest, EmptySamplingAndCollectors) {
  const Json j = Json::parse(ToJson(Results{}));
  EXPECT_TRUE(j["sampling"]["red"].is_array());
  EXPECT_TRUE(j["sampling"]["red"].empty());
  EXPECT_TRUE(j["collectors"].is_array());
  EXPECT_TRUE(j["collectors"].empty());
  EXPECT_EQ(j["traces"]["broken"], 0u);
  StatusOr<Results> parsed = ParseResultsJson(ToJson(Results{}));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->sampling.red.empty());
  EXPECT_TRUE(parsed->collectors.empty());
}

TEST(ResultsJsonTest, PrettyPrintedWithTwoSpacesAndScalarArraysOnOneLine) {
  Results r;
  r.scenario_name = "tiny";
  r.timeseries = {{.t_s = 0.5, .spans_generated = 10}, {.t_s = 1.0, .spans_generated = 25}};
  const std::string text = ToJson(r);
  EXPECT_EQ(
      text.rfind("{\n  \"schema\": \"tracesim.results/v1\",\n  \"scenario\": {\n    \"name\": \"tiny\",", 0),
      0u)
      << text;
  EXPECT_THAT(text, HasSubstr("\n    \"t_s\": [0.5, 1.0],\n"));
  EXPECT_THAT(text, HasSubstr("\n    \"spans_generated\": [10, 25],\n"));
  EXPECT_THAT(text, HasSubstr("\n  \"timeline\": [],\n"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(ResultsJsonTest, RoundTrip) {
  const Results r = SampleResults();
  const std::string text = ToJson(r);
  StatusOr<Results> parsed = ParseResultsJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), text);
  EXPECT_EQ(parsed->scenario_name, r.scenario_name);
  EXPECT_EQ(parsed->seed, r.seed);
  EXPECT_EQ(parsed->spans.stored, r.spans.stored);
  EXPECT_EQ(parsed->spans.dropped.at("crash_lost"), 3100u);
  EXPECT_EQ(parsed->spans.dropped_total(), r.spans.dropped_total());
  EXPECT_EQ(parsed->request_latency.p90_ms, r.request_latency.p90_ms);
  EXPECT_EQ(parsed->overhead.baseline_service_cpu_s, r.overhead.baseline_service_cpu_s);
  ASSERT_EQ(parsed->timeline.size(), 3u);
  EXPECT_EQ(parsed->timeline[2].end_s, -1);
  EXPECT_EQ(parsed->timeline[0].end_s, 32);
  ASSERT_EQ(parsed->timeseries.size(), r.timeseries.size());
  EXPECT_EQ(parsed->timeseries[30].in_flight, r.timeseries[30].in_flight);
  EXPECT_EQ(parsed->timeseries[30].requests_completed, r.timeseries[30].requests_completed);
  EXPECT_EQ(parsed->run.tracesim_version, "0.1.0");
  // The fields added to v1 later.
  EXPECT_EQ(parsed->storage.nodes, 3);
  EXPECT_EQ(parsed->storage.disk_wal_bytes, 123456u);
  EXPECT_EQ(parsed->storage.lookups_failed, 4u);
  EXPECT_EQ(parsed->storage.lookup_latency.p99_ms, r.storage.lookup_latency.p99_ms);
  EXPECT_EQ(parsed->storage.search_latency.count, 30u);
  EXPECT_EQ(parsed->traces.kept, r.traces.kept);
  EXPECT_EQ(parsed->traces.broken, r.traces.broken);
  EXPECT_EQ(parsed->traces.broken_by_cause.at("crash_lost"), 312u);
  EXPECT_EQ(parsed->traces.broken_by_cause.at("sdk_queue_full"), 171u);
  EXPECT_EQ(parsed->traces.broken_by_cause.at("in_flight"), 38u);
  EXPECT_EQ(parsed->traces.broken_by_cause.at("rerouted_split_trace"), 0u);  // written as 0, read back
  const SamplingQuality& s = parsed->sampling;
  EXPECT_EQ(s.error_traces, r.sampling.error_traces);
  EXPECT_EQ(s.error_traces_kept, r.sampling.error_traces_kept);
  EXPECT_EQ(s.error_traces_kept_fraction, r.sampling.error_traces_kept_fraction);
  EXPECT_EQ(s.slow_threshold_ms, r.sampling.slow_threshold_ms);
  EXPECT_EQ(s.slow_traces, r.sampling.slow_traces);
  EXPECT_EQ(s.slow_traces_kept, r.sampling.slow_traces_kept);
  EXPECT_EQ(s.slow_traces_kept_fraction, r.sampling.slow_traces_kept_fraction);
  EXPECT_EQ(s.operations, r.sampling.operations);
  EXPECT_EQ(s.operations_covered, r.sampling.operations_covered);
  EXPECT_EQ(s.services, r.sampling.services);
  EXPECT_EQ(s.services_covered, r.sampling.services_covered);
  EXPECT_EQ(s.bytes_stored, r.sampling.bytes_stored);
  EXPECT_EQ(s.bytes_per_kept_trace, r.sampling.bytes_per_kept_trace);
  ASSERT_EQ(s.red.size(), r.sampling.red.size());
  for (size_t i = 0; i < s.red.size(); ++i) {
    const ServiceRed& a = s.red[i];
    const ServiceRed& b = r.sampling.red[i];
    EXPECT_EQ(a.service, b.service);
    EXPECT_EQ(a.true_rate_per_s, b.true_rate_per_s);
    EXPECT_EQ(a.est_rate_per_s, b.est_rate_per_s);
    EXPECT_EQ(a.true_error_rate, b.true_error_rate);
    EXPECT_EQ(a.est_error_rate, b.est_error_rate);
    EXPECT_EQ(a.true_p50_ms, b.true_p50_ms);
    EXPECT_EQ(a.est_p50_ms, b.est_p50_ms);
    EXPECT_EQ(a.true_p99_ms, b.true_p99_ms);
    EXPECT_EQ(a.est_p99_ms, b.est_p99_ms);
    EXPECT_EQ(a.rate_rel_error, b.rate_rel_error);
    EXPECT_EQ(a.error_rate_abs_error, b.error_rate_abs_error);
    EXPECT_EQ(a.p50_rel_error, b.p50_rel_error);
    EXPECT_EQ(a.p99_rel_error, b.p99_rel_error);
  }
  ASSERT_EQ(parsed->collectors.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const CollectorTierStats& a = parsed->collectors[i];
    const CollectorTierStats& b = r.collectors[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.hosts, b.hosts);
    EXPECT_EQ(a.cpu_s, b.cpu_s);
    EXPECT_EQ(a.peak_held_spans, b.peak_held_spans);
    EXPECT_EQ(a.peak_held_bytes, b.peak_held_bytes);
    EXPECT_EQ(a.refused_spans, b.refused_spans);
  }
}

TEST(ResultsJsonTest, ResultsWrittenBeforeTheStorageSectionStillParse) {
  Json j = Json::parse(ToJson(SampleResults()));
  j.erase("storage");
  StatusOr<Results> parsed = ParseResultsJson(j.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->storage.nodes, 0);
  EXPECT_EQ(parsed->storage.lookups, 0u);
}

TEST(ResultsJsonTest, FidelityRoundTripsAndDefaultsToFullInOlderFiles) {
  Results r = SampleResults();
  r.fidelity = "fast";
  StatusOr<Results> parsed = ParseResultsJson(ToJson(r));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->fidelity, "fast");

  Json j = Json::parse(ToJson(r));
  j["scenario"].erase("fidelity");  // written before fidelity modes
  parsed = ParseResultsJson(j.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->fidelity, "full");

  j["scenario"]["fidelity"] = "quick";
  parsed = ParseResultsJson(j.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("scenario.fidelity"), std::string::npos)
      << parsed.status().message();
  EXPECT_NE(parsed.status().message().find("quick"), std::string::npos) << parsed.status().message();
}

TEST(ResultsJsonTest, RoundTripOfAwkwardValues) {
  Results r = SampleResults();
  r.scenario_name = "quotes \" backslash \\ newline \n tab \t unicode \xc3\xa9 <script>";
  r.seed = std::numeric_limits<uint64_t>::max();
  r.simulated_seconds = 0.1 + 0.2;  // 0.30000000000000004
  r.request_latency.p50_ms = 1e-300;
  r.spans.imbalance = -7;
  r.spans.dropped["a_future_cause"] = 5;  // unknown causes are kept
  r.tracing_enabled = false;
  const std::string text = ToJson(r);
  StatusOr<Results> parsed = ParseResultsJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), text);
  EXPECT_EQ(parsed->scenario_name, r.scenario_name);
  EXPECT_EQ(parsed->seed, r.seed);
  EXPECT_EQ(parsed->simulated_seconds, 0.1 + 0.2);
  EXPECT_EQ(parsed->request_latency.p50_ms, 1e-300);
  EXPECT_EQ(parsed->spans.imbalance, -7);
  EXPECT_FALSE(parsed->spans.balanced());
  EXPECT_EQ(parsed->spans.dropped.at("a_future_cause"), 5u);
  EXPECT_FALSE(parsed->tracing_enabled);
}

TEST(ResultsJsonTest, RoundTripOfAwkwardNewFields) {
  Results r = SampleResults();
  r.sampling.red[0].service = "caf\xc3\xa9 \"quoted\" <svc>";
  r.collectors[0].name = "tier\twith\ttabs";
  r.collectors[0].hosts = std::numeric_limits<int>::max();
  r.collectors[1].peak_held_bytes = std::numeric_limits<uint64_t>::max();
  r.traces.broken_by_cause["a_future_cause"] = 3;
  r.sampling.bytes_stored = std::numeric_limits<uint64_t>::max();
  r.sampling.red[2].est_p99_ms = 0.1 + 0.2;
  const std::string text = ToJson(r);
  StatusOr<Results> parsed = ParseResultsJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), text);
  EXPECT_EQ(parsed->sampling.red[0].service, r.sampling.red[0].service);
  EXPECT_EQ(parsed->collectors[0].name, r.collectors[0].name);
  EXPECT_EQ(parsed->collectors[0].hosts, std::numeric_limits<int>::max());
  EXPECT_EQ(parsed->collectors[1].peak_held_bytes, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parsed->traces.broken_by_cause.at("a_future_cause"), 3u);
  EXPECT_EQ(parsed->sampling.bytes_stored, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parsed->sampling.red[2].est_p99_ms, 0.1 + 0.2);
}

TEST(ResultsJsonTest, Deterministic) {
  Results a = SampleResults();
  Results b = SampleResults();
  // Map insertion order does not matter.
  a.spans.dropped = {{"crash_lost", 3100}, {"sdk_queue_full", 1920}};
  b.spans.dropped.clear();
  b.spans.dropped["sdk_queue_full"] = 1920;
  b.spans.dropped["crash_lost"] = 3100;
  b.traces.broken_by_cause.clear();
  b.traces.broken_by_cause["in_flight"] = 38;
  b.traces.broken_by_cause["sdk_queue_full"] = 171;
  b.traces.broken_by_cause["crash_lost"] = 312;
  EXPECT_EQ(ToJson(a), ToJson(b));
  EXPECT_EQ(ToJson(a), ToJson(a));
}

TEST(ResultsJsonTest, NonFiniteNumbersAreWrittenAsNullAndReadAsNaN) {
  Results r = SampleResults();
  r.overhead.cpu_pct = std::numeric_limits<double>::infinity();
  r.overhead.request_latency_p50_pct = std::nan("");
  r.run.wall_seconds = -std::numeric_limits<double>::infinity();
  const std::string text = ToJson(r);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("nan")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("inf")));
  const Json j = Json::parse(text);
  EXPECT_TRUE(j["overhead"]["cpu_pct"].is_null());
  EXPECT_TRUE(j["overhead"]["request_latency_p50_pct"].is_null());
  EXPECT_TRUE(j["run"]["wall_seconds"].is_null());
  StatusOr<Results> parsed = ParseResultsJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(std::isnan(parsed->overhead.cpu_pct));
  EXPECT_EQ(ToJson(*parsed), text);
}

TEST(ResultsJsonTest, NonFiniteNewFieldsAreNull) {
  Results r = SampleResults();
  const double inf = std::numeric_limits<double>::infinity();
  r.sampling.error_traces_kept_fraction = std::nan("");  // e.g. no error trace
  r.sampling.bytes_per_kept_trace = inf;
  r.sampling.red[4].true_error_rate = 0;
  r.sampling.red[4].p99_rel_error = inf;  // a true value of 0 and a non-zero estimate
  r.collectors[0].cpu_s = -inf;
  const std::string text = ToJson(r);
  const Json j = Json::parse(text);
  EXPECT_TRUE(j["sampling"]["error_traces_kept_fraction"].is_null());
  EXPECT_TRUE(j["sampling"]["bytes_per_kept_trace"].is_null());
  EXPECT_TRUE(j["sampling"]["red"][4]["p99_rel_error"].is_null());
  EXPECT_EQ(j["sampling"]["red"][4]["true"]["error_rate"], 0.0);
  EXPECT_TRUE(j["collectors"][0]["cpu_s"].is_null());
  StatusOr<Results> parsed = ParseResultsJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(std::isnan(parsed->sampling.error_traces_kept_fraction));
  EXPECT_TRUE(std::isnan(parsed->sampling.red[4].p99_rel_error));
  EXPECT_TRUE(std::isnan(parsed->collectors[0].cpu_s));
  EXPECT_EQ(ToJson(*parsed), text);
}

// ---- parse errors ----

std::string Mutated(void (*mutate)(Json&)) {
  Json j = Json::parse(ToJson(SampleResults()));
  mutate(j);
  return j.dump(2);
}

std::string ParseError(const std::string& text) {
  StatusOr<Results> parsed = ParseResultsJson(text);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  return parsed.status().message();
}

TEST(ResultsJsonParseTest, MistypedFieldsAreNamed) {
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["spans"]["generated"] = -1; })),
            "results.json: spans.generated: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["spans"]["generated"] = 1.5; })),
            "results.json: spans.generated: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["scenario"]["name"] = 3; })),
            "results.json: scenario.name: expected a string");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["tracing"]["enabled"] = "yes"; })),
            "results.json: tracing.enabled: expected true or false");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["latency"]["request"]["p99_ms"] = "fast"; })),
            "results.json: latency.request.p99_ms: expected a number or null");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["cpu"] = 3; })), "results.json: cpu: expected an object");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["timeline"] = Json::object(); })),
            "results.json: timeline: expected an array");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["timeline"][1]["start_s"] = true; })),
            "results.json: timeline[1].start_s: expected a number or null");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["timeline"][0] = 5; })),
            "results.json: timeline[0]: expected an object");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["spans"]["dropped"]["crash_lost"] = "many"; })),
            "results.json: spans.dropped.crash_lost: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["timeseries"]["in_flight"][7] = -2; })),
            "results.json: timeseries.in_flight[7]: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["spans"]["ledger"]["imbalance"] = 0.5; })),
            "results.json: spans.ledger.imbalance: expected a signed 64-bit integer");
}

TEST(ResultsJsonParseTest, MistypedNewFieldsAreNamed) {
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["traces"]["kept"] = "all"; })),
            "results.json: traces.kept: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["traces"]["broken_by_cause"] = Json::array(); })),
            "results.json: traces.broken_by_cause: expected an object");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["traces"]["broken_by_cause"]["in_flight"] = -1; })),
            "results.json: traces.broken_by_cause.in_flight: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"] = Json::array(); })),
            "results.json: sampling: expected an object");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["slow_threshold_ms"] = "p99"; })),
            "results.json: sampling.slow_threshold_ms: expected a number or null");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["bytes_stored"] = 1.5; })),
            "results.json: sampling.bytes_stored: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"] = Json::object(); })),
            "results.json: sampling.red: expected an array");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"][2] = "checkout"; })),
            "results.json: sampling.red[2]: expected an object");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"][1]["service"] = 7; })),
            "results.json: sampling.red[1].service: expected a string");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"][3]["true"] = 1.0; })),
            "results.json: sampling.red[3].true: expected an object");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"][3]["estimated"]["p99_ms"] = "slow"; })),
            "results.json: sampling.red[3].estimated.p99_ms: expected a number or null");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"][0]["p50_rel_error"] = false; })),
            "results.json: sampling.red[0].p50_rel_error: expected a number or null");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"] = Json::object(); })),
            "results.json: collectors: expected an array");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"][1] = 3; })),
            "results.json: collectors[1]: expected an object");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"][0]["hosts"] = -1; })),
            "results.json: collectors[0].hosts: expected an unsigned integer below 2^31");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"][0]["hosts"] = 2147483648u; })),
            "results.json: collectors[0].hosts: expected an unsigned integer below 2^31");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"][0]["hosts"] = 2.0; })),
            "results.json: collectors[0].hosts: expected an unsigned integer below 2^31");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"][1]["refused_spans"] = nullptr; })),
            "results.json: collectors[1].refused_spans: expected an unsigned integer");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"][1]["name"] = nullptr; })),
            "results.json: collectors[1].name: expected a string");
}

TEST(ResultsJsonParseTest, MissingNewFieldsAreNamed) {
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["traces"].erase("broken"); })),
            "results.json: traces.broken: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["traces"].erase("broken_by_cause"); })),
            "results.json: traces.broken_by_cause: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j.erase("sampling"); })), "results.json: sampling: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"].erase("services_covered"); })),
            "results.json: sampling.services_covered: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"][4].erase("estimated"); })),
            "results.json: sampling.red[4].estimated: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["sampling"]["red"][4]["true"].erase("error_rate"); })),
            "results.json: sampling.red[4].true.error_rate: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j.erase("collectors"); })), "results.json: collectors: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["collectors"][1].erase("peak_held_bytes"); })),
            "results.json: collectors[1].peak_held_bytes: missing");
}

TEST(ResultsJsonParseTest, MissingFieldsAreNamed) {
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["spans"].erase("stored"); })),
            "results.json: spans.stored: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j.erase("run"); })), "results.json: run: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["overhead"]["baseline"].erase("service_cpu_s"); })),
            "results.json: overhead.baseline.service_cpu_s: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["latency"].erase("span_delivery"); })),
            "results.json: latency.span_delivery: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["timeline"][2].erase("end_s"); })),
            "results.json: timeline[2].end_s: missing");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["timeseries"].erase("sdk_queue_spans"); })),
            "results.json: timeseries.sdk_queue_spans: missing");
}

TEST(ResultsJsonParseTest, InconsistentDerivedFields) {
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["spans"]["dropped_total"] = 1; })),
            "results.json: spans.dropped_total: 1 is not the sum of spans.dropped (5020)");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["spans"]["ledger"]["balanced"] = false; })),
            "results.json: spans.ledger.balanced: false contradicts spans.ledger.imbalance 0");
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["timeseries"]["spans_stored"].erase(3); })),
            "results.json: timeseries.spans_stored: expected 60 values (as many as timeseries.t_s), got 59");
}

TEST(ResultsJsonParseTest, SchemaAndSyntax) {
  EXPECT_EQ(ParseError(Mutated([](Json& j) { j["schema"] = "tracesim.results/v2"; })),
            "results.json: schema: expected \"tracesim.results/v1\", got \"tracesim.results/v2\"");
  EXPECT_EQ(ParseError("[1, 2]"), "results.json: expected a JSON object at the top level");
  EXPECT_THAT(ParseError("{\"schema\": "), HasSubstr("results.json: not valid JSON: "));
  EXPECT_THAT(ParseError(""), HasSubstr("results.json: not valid JSON: "));
  EXPECT_EQ(ParseError("{}"), "results.json: schema: missing");
}

TEST(ResultsJsonParseTest, UnknownKeysAreIgnored) {
  StatusOr<Results> parsed = ParseResultsJson(Mutated([](Json& j) {
    j["added_in_a_later_minor_version"] = {1, 2, 3};
    j["spans"]["extra"] = "x";
  }));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), ToJson(SampleResults()));
}

}  // namespace
}  // namespace tracesim::reports
