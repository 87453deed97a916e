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
  EXPECT_THAT(Keys(j),
              ElementsAre("schema", "scenario", "tracing", "simulated_seconds", "spans", "traces", "requests",
                          "latency", "overhead", "cpu", "timeline", "timeseries", "run"));
  EXPECT_THAT(Keys(j["scenario"]), ElementsAre("name", "source", "seed"));
  EXPECT_THAT(Keys(j["tracing"]), ElementsAre("enabled", "sampler"));
  EXPECT_THAT(Keys(j["spans"]), ElementsAre("generated", "sampled_out", "stored", "in_flight", "dropped",
                                            "dropped_total", "ledger"));
  EXPECT_THAT(Keys(j["spans"]["ledger"]), ElementsAre("balanced", "imbalance"));
  EXPECT_THAT(Keys(j["traces"]), ElementsAre("generated", "sampled", "complete", "incomplete"));
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
  EXPECT_THAT(Keys(j["timeseries"]),
              ElementsAre("period_s", "t_s", "spans_generated", "spans_stored", "spans_dropped", "in_flight",
                          "sdk_queue_spans", "collector_buffered_spans", "requests_completed"));
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

TEST(ResultsJsonTest, Deterministic) {
  Results a = SampleResults();
  Results b = SampleResults();
  // Map insertion order does not matter.
  a.spans.dropped = {{"crash_lost", 3100}, {"sdk_queue_full", 1920}};
  b.spans.dropped.clear();
  b.spans.dropped["sdk_queue_full"] = 1920;
  b.spans.dropped["crash_lost"] = 3100;
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
