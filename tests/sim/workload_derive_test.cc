// Workload derivation from recorded traces: self times with overlapping children, client/server
// pairing, same-service folding, error origination, edge thresholds, cycle breaking, lognormal fits,
// entry service and rate, name sanitising, bad input, and the YAML round trip through the scenario
// loader (hand-built traces and tests/data/traces/otlp_derive_sample.json).
#include "tracesim/sim/workload_derive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "tracesim/scenario/loader.h"

namespace tracesim::sim {
namespace {

using pipeline::SpanKind;
using pipeline::SpanStatus;
using scenario::Distribution;
using ::testing::HasSubstr;

constexpr int64_t kMs = 1'000'000;
constexpr double kEps = 1e-12;

// Builds one trace; times in milliseconds after `base_ms`.
class TraceBuilder {
 public:
  explicit TraceBuilder(int number, int64_t base_ms = 0) : base_ms_(base_ms) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%032x", number);
    trace_.trace_id = buf;
  }
  // Returns the span id ("s<n>").
  std::string Add(const std::string& parent, const std::string& service, const std::string& operation,
                  SpanKind kind, int64_t start_ms, int64_t end_ms, SpanStatus status = SpanStatus::kUnset) {
    RecordedSpan s;
    s.trace_id = trace_.trace_id;
    s.span_id = "s" + std::to_string(trace_.spans.size() + 1);
    s.parent_span_id = parent;
    s.service = service;
    s.operation = operation;
    s.kind = kind;
    s.status = status;
    s.start_ns = (base_ms_ + start_ms) * kMs;
    s.duration_ns = (end_ms - start_ms) * kMs;
    trace_.spans.push_back(s);
    return s.span_id;
  }
  const RecordedTrace& trace() const { return trace_; }
  RecordedTrace& mutable_trace() { return trace_; }

 private:
  int64_t base_ms_;
  RecordedTrace trace_;
};

const DerivedService& Service(const DerivedWorkload& w, const std::string& name) {
  for (const DerivedService& s : w.services) {
    if (s.spec.name == name) return s;
  }
  ADD_FAILURE() << "no service " << name;
  static const DerivedService kNone;
  return kNone;
}

DerivedWorkload MustFinish(const WorkloadDeriver& d, const DeriveOptions& o = {}) {
  StatusOr<DerivedWorkload> w = d.Finish(o);
  EXPECT_TRUE(w.ok()) << w.status().message();
  return w.ok() ? *w : DerivedWorkload{};
}

scenario::Scenario MustLoadYaml(const std::string& yaml, const std::string& file) {
  const std::string path = ::testing::TempDir() + "/" + file;
  std::ofstream(path, std::ios::binary) << yaml;
  StatusOr<scenario::Scenario> s = scenario::LoadScenarioFile(path);
  if (!s.ok()) {
    ADD_FAILURE() << s.status().message() << "\n" << yaml;
    return scenario::Scenario();
  }
  return std::move(s).value();
}

const scenario::ServiceSpec* FindSpec(const scenario::Scenario& s, const std::string& name) {
  for (const scenario::ServiceSpec& svc : s.services) {
    if (svc.name == name) return &svc;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Self time

// a [0,100]: clients to b at [10,40] and [30,60] (overlapping), an internal span [70,90], and a
// client [95,120] that outlives its parent (clipped to 100). Covered: [10,60] + [70,90] + [95,100]
// = 75 ms, so a's server span has 25 ms of self time, plus the internal span's 20 ms.
TEST(WorkloadDeriveTest, SelfTimeSubtractsTheUnionOfClippedChildren) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "a", "GET /", SpanKind::kServer, 0, 100);
  const std::string c1 = t.Add(a, "a", "call b", SpanKind::kClient, 10, 40);
  t.Add(c1, "b", "work", SpanKind::kServer, 12, 38);
  const std::string c2 = t.Add(a, "a", "call b", SpanKind::kClient, 30, 60);
  t.Add(c2, "b", "work", SpanKind::kServer, 32, 58);
  t.Add(a, "a", "compute", SpanKind::kInternal, 70, 90);
  const std::string c3 = t.Add(a, "a", "call b", SpanKind::kClient, 95, 120);
  t.Add(c3, "b", "work", SpanKind::kServer, 96, 119);
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  const DerivedService& sa = Service(w, "a");
  EXPECT_EQ(sa.self_time.count, 1u);
  EXPECT_NEAR(sa.self_time.mean_s, 0.045, kEps);
  EXPECT_NEAR(sa.spec.work_mean_s, 0.045, kEps);
  const DerivedService& sb = Service(w, "b");
  EXPECT_EQ(sb.self_time.count, 3u);
  EXPECT_NEAR(sb.self_time.mean_s, (0.026 + 0.026 + 0.023) / 3, kEps);
  ASSERT_EQ(sa.calls.size(), 1u);
  EXPECT_EQ(sa.calls[0].service, "b");
  EXPECT_EQ(sa.calls[0].count, 3);
  EXPECT_EQ(sa.calls[0].total, 3u);
  EXPECT_DOUBLE_EQ(sa.calls[0].fraction, 1.0);
  EXPECT_EQ(w.spans, 8u);
  EXPECT_EQ(w.invocations, 4u);
}

// A child span starting before its parent (clock skew) is clipped on the left too.
TEST(WorkloadDeriveTest, ChildrenAreClippedOnBothSides) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "a", "op", SpanKind::kServer, 10, 50);
  t.Add(a, "b", "op", SpanKind::kServer, 0, 20);   // covers [10,20]
  t.Add(a, "b", "op", SpanKind::kServer, 45, 45);  // zero length: covers nothing
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  EXPECT_NEAR(Service(w, "a").self_time.mean_s, 0.030, kEps);
  const DerivedService& b = Service(w, "b");
  EXPECT_EQ(b.self_time.count, 2u);
  EXPECT_EQ(b.self_time.zeros, 1u);
  EXPECT_EQ(b.self_time.fit.samples, 1u);
  EXPECT_NEAR(b.self_time.mean_s, 0.010, kEps);
}

// ---------------------------------------------------------------------------------------------
// Client/server pairing and same-service folding

TEST(WorkloadDeriveTest, ClientAndServerSpanAreOneCallAndNetworkTimeIsNotWork) {
  // With a client span: a [0,100], client [20,80] (60 ms: network + b), b [30,70].
  TraceBuilder t1(1);
  const std::string a1 = t1.Add("", "a", "op", SpanKind::kServer, 0, 100);
  const std::string c = t1.Add(a1, "a", "call", SpanKind::kClient, 20, 80);
  t1.Add(c, "b", "op", SpanKind::kServer, 30, 70);
  // Without a client span (instrumentation that only records servers): b directly under a.
  TraceBuilder t2(2);
  const std::string a2 = t2.Add("", "a", "op", SpanKind::kServer, 0, 100);
  t2.Add(a2, "b", "op", SpanKind::kServer, 30, 70);
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t1.trace()).ok());
  ASSERT_TRUE(d.Add(t2.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  const DerivedService& a = Service(w, "a");
  // Trace 1: 100 - 60 (the whole client span) = 40; trace 2: 100 - 40 = 60.
  EXPECT_NEAR(a.self_time.mean_s, 0.050, kEps);
  ASSERT_EQ(a.calls.size(), 1u);
  EXPECT_EQ(a.calls[0].total, 2u);  // not 4: the client span is not a second call
  EXPECT_DOUBLE_EQ(a.calls[0].mean_per_invocation, 1.0);
  EXPECT_EQ(a.calls[0].count, 1);
  EXPECT_TRUE(Service(w, "b").calls.empty());
  EXPECT_NEAR(Service(w, "b").self_time.mean_s, 0.040, kEps);
}

// Internal spans, nested same-service server spans and same-service client calls fold into the
// invocation: one handler run, no self-edge.
TEST(WorkloadDeriveTest, SameServiceSpansFoldIntoTheInvocation) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 100);
  const std::string i1 = t.Add(a, "a", "step", SpanKind::kInternal, 10, 50);
  t.Add(i1, "a", "sub-step", SpanKind::kInternal, 20, 30);
  const std::string self_call = t.Add(a, "a", "loopback", SpanKind::kClient, 60, 90);
  const std::string nested = t.Add(self_call, "a", "op", SpanKind::kServer, 62, 88);
  const std::string c = t.Add(nested, "a", "call b", SpanKind::kClient, 70, 80);
  t.Add(c, "b", "op", SpanKind::kServer, 71, 79);
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  const DerivedService& sa = Service(w, "a");
  EXPECT_EQ(sa.self_time.count, 1u);
  EXPECT_EQ(sa.spans, 6u);
  // Self times: a 100-40-30=30, step 40-10=30, sub-step 10, loopback 30-26=4, nested 26-10=16;
  // the client to b is a call span (excluded). Work = 90 ms.
  EXPECT_NEAR(sa.self_time.mean_s, 0.090, kEps);
  ASSERT_EQ(sa.calls.size(), 1u);
  EXPECT_EQ(sa.calls[0].service, "b");
  ASSERT_EQ(sa.operations.size(), 1u);
  EXPECT_EQ(sa.operations[0].operation, "op");
  EXPECT_EQ(w.invocations, 2u);
}

TEST(WorkloadDeriveTest, UntracedClientTimeIsWorkUnlessTurnedOff) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 100);
  t.Add(a, "a", "SELECT", SpanKind::kClient, 10, 40);  // no recorded server: an untraced database
  WorkloadDeriver with;
  ASSERT_TRUE(with.Add(t.trace()).ok());
  const DerivedWorkload w1 = MustFinish(with);
  EXPECT_NEAR(Service(w1, "a").self_time.mean_s, 0.100, kEps);
  EXPECT_NEAR(Service(w1, "a").untraced_call_s, 0.030, kEps);
  EXPECT_THAT(DerivedScenarioYaml(w1, {}),
              HasSubstr("time in untraced calls: 30ms per invocation (included"));

  WorkloadDeriver without(SelfTimeOptions{.untraced_calls_as_work = false});
  ASSERT_TRUE(without.Add(t.trace()).ok());
  const DerivedWorkload w2 = MustFinish(without);
  EXPECT_NEAR(Service(w2, "a").self_time.mean_s, 0.070, kEps);
  EXPECT_NEAR(Service(w2, "a").untraced_call_s, 0.030, kEps);
  EXPECT_THAT(DerivedScenarioYaml(w2, {}), HasSubstr("is left out of the work"));
}

// ---------------------------------------------------------------------------------------------
// Per-operation statistics

TEST(WorkloadDeriveTest, OperationsAreMergedIntoOneHandlerAndKeptAsStatistics) {
  WorkloadDeriver d;
  for (int i = 0; i < 4; ++i) {
    TraceBuilder t(i + 1, i * 100);
    const bool slow = i % 2 == 0;
    t.Add("", "api", slow ? "POST /order" : "GET /item", SpanKind::kServer, 0, slow ? 40 : 10,
          i == 0 ? SpanStatus::kError : SpanStatus::kUnset);
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  const DerivedWorkload w = MustFinish(d);
  const DerivedService& api = Service(w, "api");
  EXPECT_NEAR(api.self_time.mean_s, 0.025, kEps);
  ASSERT_EQ(api.operations.size(), 2u);
  EXPECT_EQ(api.operations[0].operation, "GET /item");
  EXPECT_EQ(api.operations[0].self_time.count, 2u);
  EXPECT_NEAR(api.operations[0].self_time.mean_s, 0.010, kEps);
  EXPECT_NEAR(api.operations[0].self_time.p50_s, 0.010, 0.010 * 0.008);
  EXPECT_EQ(api.operations[0].errors, 0u);
  EXPECT_EQ(api.operations[1].operation, "POST /order");
  EXPECT_NEAR(api.operations[1].self_time.p99_s, 0.040, 0.040 * 0.008);
  EXPECT_EQ(api.operations[1].errors, 1u);
  // Constant per operation: sigma 0 (both samples equal).
  EXPECT_NEAR(api.operations[1].self_time.fit.sigma, 0, 1e-9);
  EXPECT_NEAR(api.operations[1].self_time.fit.mu, std::log(0.040), 1e-9);
  const std::string yaml = DerivedScenarioYaml(w, {});
  EXPECT_THAT(yaml, HasSubstr("#   \"GET /item\": 2 invocations (0 in error); mean 10ms"));
  EXPECT_THAT(yaml, HasSubstr("#   \"POST /order\": 2 invocations (1 in error); mean 40ms"));
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(WorkloadDeriveTest, ErrorRateCountsErrorsOriginatingInTheService) {
  // a -> b in four traces: (b error, a error: explained), (a error alone: originated),
  // (no error), (b error caught by a).
  const SpanStatus E = SpanStatus::kError, U = SpanStatus::kUnset;
  const std::pair<SpanStatus, SpanStatus> cases[] = {{E, E}, {E, U}, {U, U}, {U, E}};
  WorkloadDeriver d;
  int n = 0;
  for (const auto& [a_status, b_status] : cases) {
    ++n;
    TraceBuilder t(n, n * 100);
    const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 50, a_status);
    const std::string c = t.Add(a, "a", "call", SpanKind::kClient, 10, 40, b_status);
    t.Add(c, "b", "op", SpanKind::kServer, 12, 38, b_status);
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  const DerivedWorkload w = MustFinish(d);
  const DerivedService& a = Service(w, "a");
  EXPECT_EQ(a.errors, 2u);
  EXPECT_EQ(a.errors_originated, 1u);
  EXPECT_EQ(a.invocations_without_failed_call, 2u);
  EXPECT_DOUBLE_EQ(a.spec.error_rate, 0.5);
  const DerivedService& b = Service(w, "b");
  EXPECT_EQ(b.errors, 2u);
  EXPECT_EQ(b.errors_originated, 2u);
  EXPECT_EQ(b.invocations_without_failed_call, 4u);
  EXPECT_DOUBLE_EQ(b.spec.error_rate, 0.5);
}

// A failed leaf client span (an untraced dependency) does not explain the error: it originates in
// the service as far as the scenario can tell.
TEST(WorkloadDeriveTest, FailedUntracedCallDoesNotExplainAnError) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 50, SpanStatus::kError);
  t.Add(a, "a", "SELECT", SpanKind::kClient, 10, 40, SpanStatus::kError);
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  EXPECT_EQ(Service(w, "a").errors_originated, 1u);
  EXPECT_DOUBLE_EQ(Service(w, "a").spec.error_rate, 1.0);
}

// ---------------------------------------------------------------------------------------------
// Edges

TEST(WorkloadDeriveTest, RareEdgesAreDroppedAndFrequentOnesRoundedToAtLeastOne) {
  WorkloadDeriver d;
  for (int i = 0; i < 100; ++i) {
    TraceBuilder t(i + 1, i * 10);
    const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 9);
    if (i < 10) t.Add(a, "b", "op", SpanKind::kServer, 1, 2);  // 10 %: kept, 0.1 per call -> 1
    if (i < 3) t.Add(a, "c", "op", SpanKind::kServer, 3, 4);   // 3 %: below 5 %
    if (i < 60) {                                              // 60 % x 3 calls = 1.8 -> 2
      for (int k = 0; k < 3; ++k) t.Add(a, "d", "op", SpanKind::kServer, 5, 6);
    }
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  const DerivedWorkload w = MustFinish(d);
  const DerivedService& a = Service(w, "a");
  ASSERT_EQ(a.spec.calls.size(), 2u);
  EXPECT_EQ(a.spec.calls[0].service, "b");  // starts first
  EXPECT_EQ(a.spec.calls[0].count, 1);
  EXPECT_NEAR(a.calls[0].fraction, 0.10, kEps);
  EXPECT_NEAR(a.calls[0].mean_per_invocation, 0.10, kEps);
  EXPECT_EQ(a.spec.calls[1].service, "d");
  EXPECT_EQ(a.spec.calls[1].count, 2);
  ASSERT_EQ(w.dropped_edges.size(), 1u);
  EXPECT_EQ(w.dropped_edges[0].from, "a");
  EXPECT_EQ(w.dropped_edges[0].to, "c");
  EXPECT_EQ(w.dropped_edges[0].reason, DroppedEdge::Reason::kRare);
  EXPECT_EQ(w.dropped_edges[0].total, 3u);
  EXPECT_FALSE(Service(w, "c").reachable);
  EXPECT_THAT(DerivedScenarioYaml(w, {}), HasSubstr("# dropped call to c: 3 observed, in 3% of invocations; "
                                                    "below min_edge_fraction 0.05"));

  DeriveOptions keep_all;
  keep_all.min_edge_fraction = 0;
  EXPECT_EQ(Service(MustFinish(d, keep_all), "a").spec.calls.size(), 3u);
}

TEST(WorkloadDeriveTest, CallsAreOrderedByTheirStartInTheCaller) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 100);
  t.Add(a, "zeta", "op", SpanKind::kServer, 10, 20);
  t.Add(a, "alpha", "op", SpanKind::kServer, 30, 40);
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  ASSERT_EQ(w.services[0].spec.calls.size(), 2u);
  EXPECT_EQ(w.services[0].spec.calls[0].service, "zeta");
  EXPECT_EQ(w.services[0].spec.calls[1].service, "alpha");
  // Reading order: the entry, then breadth-first along the calls.
  ASSERT_EQ(w.services.size(), 3u);
  EXPECT_EQ(w.services[0].spec.name, "a");
  EXPECT_EQ(w.services[1].spec.name, "zeta");
  EXPECT_EQ(w.services[2].spec.name, "alpha");
}

// ---------------------------------------------------------------------------------------------
// Cycles

TEST(WorkloadDeriveTest, TwoServiceCycleDropsTheEdgeWithFewerCalls) {
  WorkloadDeriver d;
  for (int i = 0; i < 10; ++i) {
    TraceBuilder t(i + 1, i * 1000);
    const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 100);
    const std::string b = t.Add(a, "b", "op", SpanKind::kServer, 10, 90);
    if (i < 4) t.Add(b, "a", "callback", SpanKind::kServer, 20, 30);  // b -> a: 4 calls
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  const DerivedWorkload w = MustFinish(d);
  ASSERT_EQ(Service(w, "a").spec.calls.size(), 1u);
  EXPECT_TRUE(Service(w, "b").spec.calls.empty());
  ASSERT_EQ(w.dropped_edges.size(), 1u);
  EXPECT_EQ(w.dropped_edges[0].from, "b");
  EXPECT_EQ(w.dropped_edges[0].to, "a");
  EXPECT_EQ(w.dropped_edges[0].reason, DroppedEdge::Reason::kCycle);
  EXPECT_EQ(w.dropped_edges[0].total, 4u);
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_THAT(w.warnings[0], HasSubstr("a -> b -> a form a cycle"));
  EXPECT_THAT(w.warnings[0], HasSubstr("dropped b -> a (4 calls observed"));
  // The callback is a second invocation of a: 14 in all, 4 of them with operation "callback".
  EXPECT_EQ(Service(w, "a").self_time.count, 14u);
  const std::string yaml = DerivedScenarioYaml(w, {});
  EXPECT_THAT(yaml, HasSubstr("# dropped call to a: 4 observed, in 40% of invocations; breaks a cycle"));
  const scenario::Scenario s = MustLoadYaml(yaml, "cycle2.yaml");
  ASSERT_EQ(s.services.size(), 2u);
}

TEST(WorkloadDeriveTest, ThreeServiceCycleDropsItsWeakestEdge) {
  WorkloadDeriver d;
  for (int i = 0; i < 10; ++i) {
    TraceBuilder t(i + 1, i * 1000);
    const std::string a = t.Add("", "a", "op", SpanKind::kServer, 0, 100);
    const std::string b = t.Add(a, "b", "op", SpanKind::kServer, 1, 99);
    const std::string c = t.Add(b, "c", "op", SpanKind::kServer, 2, 98);
    t.Add(c, "b", "op", SpanKind::kServer, 3, 4);             // c -> b: 10 calls
    if (i < 2) t.Add(c, "a", "op", SpanKind::kServer, 5, 6);  // c -> a: 2 calls
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  const DerivedWorkload w = MustFinish(d);
  // Cycles: a -> b -> c -> a (weakest: c -> a, 2 calls), then b -> c -> b (b -> c and c -> b tie
  // at 10 calls; ties drop the call of the later caller by name, c).
  EXPECT_TRUE(Service(w, "c").spec.calls.empty());
  ASSERT_EQ(Service(w, "b").spec.calls.size(), 1u);
  ASSERT_EQ(w.dropped_edges.size(), 2u);
  EXPECT_EQ(w.dropped_edges[0].from, "c");
  EXPECT_EQ(w.dropped_edges[0].to, "a");
  EXPECT_EQ(w.dropped_edges[1].from, "c");
  EXPECT_EQ(w.dropped_edges[1].to, "b");
  MustLoadYaml(DerivedScenarioYaml(w, {}), "cycle3.yaml");
}

// ---------------------------------------------------------------------------------------------
// Distributions

// MLE on three known samples: ln of 1, 2, 4 ms.
TEST(WorkloadDeriveTest, LogNormalFitIsTheMaximumLikelihoodEstimate) {
  WorkloadDeriver d;
  int n = 0;
  for (int ms : {1, 2, 4}) {
    ++n;
    TraceBuilder t(n, n * 100);
    t.Add("", "a", "op", SpanKind::kServer, 0, ms);
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  const DerivedWorkload w = MustFinish(d);
  const DerivedService& a = Service(w, "a");
  EXPECT_NEAR(a.self_time.fit.mu, std::log(0.001) + std::log(2.0), 1e-12);
  EXPECT_NEAR(a.self_time.fit.sigma, std::log(2.0) * std::sqrt(2.0 / 3.0), 1e-12);
  EXPECT_EQ(a.self_time.fit.samples, 3u);
  EXPECT_EQ(a.spec.work_distribution, Distribution::kLogNormal);
  EXPECT_NEAR(a.spec.work_sigma, a.self_time.fit.sigma, 1e-15);
  EXPECT_NEAR(a.spec.work_mean_s, 0.007 / 3, 1e-15);  // the sample mean
}

TEST(WorkloadDeriveTest, LogNormalFitRecoversKnownParameters) {
  const double mu = std::log(0.004), sigma = 0.7;
  std::mt19937_64 rng(12345);
  std::lognormal_distribution<double> dist(mu, sigma);
  WorkloadDeriver d;
  for (int i = 0; i < 20000; ++i) {
    RecordedTrace t;
    char id[40];
    std::snprintf(id, sizeof id, "%032x", i + 1);
    t.trace_id = id;
    RecordedSpan s;
    s.trace_id = id;
    s.span_id = "s1";
    s.service = "svc";
    s.operation = "op";
    s.kind = SpanKind::kServer;
    s.start_ns = int64_t{i} * 1'000'000;
    s.duration_ns = std::llround(dist(rng) * 1e9);
    t.spans.push_back(s);
    ASSERT_TRUE(d.Add(t).ok());
  }
  const DerivedWorkload w = MustFinish(d);
  const SelfTimeStats& st = Service(w, "svc").self_time;
  // Standard errors: sigma/sqrt(n) = 0.005 for mu, sigma/sqrt(2n) = 0.0035 for sigma.
  EXPECT_NEAR(st.fit.mu, mu, 0.02);
  EXPECT_NEAR(st.fit.sigma, sigma, 0.015);
  EXPECT_NEAR(st.p50_s / std::exp(mu), 1.0, 0.03);
  EXPECT_NEAR(st.p99_s / std::exp(mu + 2.3263 * sigma), 1.0, 0.06);
  EXPECT_NEAR(st.mean_s / std::exp(mu + sigma * sigma / 2), 1.0, 0.03);
  EXPECT_NEAR(st.fit.Mean() / std::exp(mu + sigma * sigma / 2), 1.0, 0.03);
  // 1 ms apart, 20000 traces: (n - 1) / window = 1000/s.
  EXPECT_NEAR(w.workload.rate_per_s, 1000.0, 1e-9);
}

TEST(WorkloadDeriveTest, DistributionChoicesAndFallbacks) {
  auto derive = [](const std::vector<int64_t>& durations_ms, WorkDistributionChoice choice) {
    WorkloadDeriver d;
    int n = 0;
    for (int64_t ms : durations_ms) {
      ++n;
      TraceBuilder t(n, n * 1000);
      t.Add("", "a", "op", SpanKind::kServer, 0, ms);
      EXPECT_TRUE(d.Add(t.trace()).ok());
    }
    DeriveOptions o;
    o.distribution = choice;
    o.time_scale = 2;
    return Service(MustFinish(d, o), "a");
  };
  DerivedService s = derive({5, 5, 5}, WorkDistributionChoice::kAuto);
  EXPECT_EQ(s.spec.work_distribution, Distribution::kConstant);
  EXPECT_NEAR(s.spec.work_mean_s, 0.010, kEps);  // x time_scale
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_THAT(s.notes[0], HasSubstr("sigma ~ 0"));

  s = derive({0, 0, 6}, WorkDistributionChoice::kLogNormal);  // one positive sample
  EXPECT_EQ(s.spec.work_distribution, Distribution::kConstant);
  EXPECT_EQ(s.self_time.zeros, 2u);
  EXPECT_NEAR(s.spec.work_mean_s, 0.004, kEps);
  EXPECT_THAT(s.notes[0], HasSubstr("fewer than 2 positive"));

  s = derive({0, 0}, WorkDistributionChoice::kExponential);
  EXPECT_EQ(s.spec.work_distribution, Distribution::kConstant);
  EXPECT_EQ(s.spec.work_mean_s, 0);

  s = derive({1, 2, 9}, WorkDistributionChoice::kExponential);
  EXPECT_EQ(s.spec.work_distribution, Distribution::kExponential);
  EXPECT_NEAR(s.spec.work_mean_s, 0.008, kEps);

  s = derive({1, 2, 9}, WorkDistributionChoice::kConstant);
  EXPECT_EQ(s.spec.work_distribution, Distribution::kConstant);

  // Zeros are counted in the mean but not fitted.
  s = derive({0, 1, 2, 4}, WorkDistributionChoice::kAuto);
  EXPECT_EQ(s.spec.work_distribution, Distribution::kLogNormal);
  EXPECT_EQ(s.self_time.fit.samples, 3u);
  EXPECT_NEAR(s.self_time.fit.mu, std::log(0.002), 1e-12);
  EXPECT_NEAR(s.spec.work_mean_s, 2 * 0.007 / 4, kEps);
}

TEST(WorkloadDeriveTest, AutoNotesWhenTheCoefficientOfVariationIsNearOne) {
  // Exponential samples: cv ~ 1.
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> dist(1.0 / 0.003);
  WorkloadDeriver d;
  for (int i = 0; i < 5000; ++i) {
    TraceBuilder t(i + 1, i);
    RecordedTrace& tr = t.mutable_trace();
    t.Add("", "a", "op", SpanKind::kServer, 0, 0);
    tr.spans[0].duration_ns = std::llround(dist(rng) * 1e9);
    ASSERT_TRUE(d.Add(tr).ok());
  }
  const DerivedService s = Service(MustFinish(d), "a");
  EXPECT_NEAR(s.self_time.cv, 1.0, 0.05);
  EXPECT_EQ(s.spec.work_distribution, Distribution::kLogNormal);
  EXPECT_THAT(s.notes, ::testing::Contains(HasSubstr("an exponential would fit as well")));
}

TEST(WorkloadDeriveTest, ParsesDistributionChoiceNames) {
  for (auto c : {WorkDistributionChoice::kAuto, WorkDistributionChoice::kLogNormal,
                 WorkDistributionChoice::kExponential, WorkDistributionChoice::kConstant}) {
    StatusOr<WorkDistributionChoice> parsed = ParseWorkDistributionChoice(WorkDistributionChoiceName(c));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, c);
  }
  StatusOr<WorkDistributionChoice> bad = ParseWorkDistributionChoice("gamma");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown work distribution \"gamma\"; expected one of auto, lognormal, exponential, constant");
}

// ---------------------------------------------------------------------------------------------
// Entry service and rate

TEST(WorkloadDeriveTest, EntryIsTheMostCommonRootAndRateComesFromItsTraces) {
  WorkloadDeriver d;
  int n = 0;
  for (int i = 0; i < 11; ++i) {  // 11 traces 100 ms apart: 10 gaps in 1 s
    TraceBuilder t(++n, 5000 + i * 100);
    const std::string f = t.Add("", "frontend", "GET /", SpanKind::kServer, 0, 10);
    t.Add(f, "backend", "get", SpanKind::kServer, 1, 9);
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  for (int i = 0; i < 3; ++i) {  // a batch job, rooted elsewhere
    TraceBuilder t(++n, i * 7);
    const std::string j = t.Add("", "cron", "nightly", SpanKind::kInternal, 0, 5);
    t.Add(j, "backend", "get", SpanKind::kServer, 1, 4);
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  DeriveOptions o;
  o.rate_scale = 2;
  const DerivedWorkload w = MustFinish(d, o);
  EXPECT_EQ(w.workload.entry_service, "frontend");
  EXPECT_EQ(w.entry_traces, 11u);
  EXPECT_TRUE(w.rate_from_traces);
  EXPECT_NEAR(w.observed_window_s, 1.0, kEps);
  EXPECT_NEAR(w.workload.rate_per_s, 20.0, 1e-9);
  EXPECT_THAT(w.warnings, ::testing::Contains(HasSubstr("3 of 14 traces start at other services: cron (3)")));
  EXPECT_THAT(w.warnings, ::testing::Contains(HasSubstr("service cron is not reachable")));
  EXPECT_FALSE(Service(w, "cron").reachable);
  EXPECT_EQ(w.services.back().spec.name, "cron");
}

TEST(WorkloadDeriveTest, RateFallsBackToTheDefault) {
  WorkloadDeriver d;
  TraceBuilder t(1);
  t.Add("", "a", "op", SpanKind::kServer, 0, 10);
  ASSERT_TRUE(d.Add(t.trace()).ok());
  DeriveOptions o;
  o.default_rate_per_s = 40;
  o.rate_scale = 0.5;
  DerivedWorkload w = MustFinish(d, o);
  EXPECT_FALSE(w.rate_from_traces);
  EXPECT_DOUBLE_EQ(w.workload.rate_per_s, 20);
  EXPECT_THAT(w.warnings, ::testing::Contains(HasSubstr("fewer than 2 traces")));

  // Trace-relative times (Alibaba): every root at 0.
  TraceBuilder t2(2);
  t2.Add("", "a", "op", SpanKind::kServer, 0, 10);
  ASSERT_TRUE(d.Add(t2.trace()).ok());
  w = MustFinish(d, o);
  EXPECT_FALSE(w.rate_from_traces);
  EXPECT_THAT(w.warnings, ::testing::Contains(HasSubstr("same instant")));
}

TEST(WorkloadDeriveTest, EntryTieGoesToTheSmallestNameAndTrueRootsBeatOrphans) {
  WorkloadDeriver d;
  TraceBuilder t1(1, 0);
  t1.Add("", "zeta", "op", SpanKind::kServer, 0, 10);
  TraceBuilder t2(2, 100);
  t2.Add("", "alpha", "op", SpanKind::kServer, 0, 10);
  // An orphan that starts earlier than the true root of its trace does not make it an alpha trace.
  TraceBuilder t3(3, 200);
  t3.Add("ffffffffffffffff", "alpha", "op", SpanKind::kServer, 0, 10);
  t3.Add("", "zeta", "op", SpanKind::kServer, 5, 10);
  ASSERT_TRUE(d.Add(t1.trace()).ok());
  ASSERT_TRUE(d.Add(t2.trace()).ok());
  DerivedWorkload w = MustFinish(d);
  EXPECT_EQ(w.workload.entry_service, "alpha");
  ASSERT_TRUE(d.Add(t3.trace()).ok());
  w = MustFinish(d);
  EXPECT_EQ(w.workload.entry_service, "zeta");
  EXPECT_EQ(w.entry_traces, 2u);
}

// ---------------------------------------------------------------------------------------------
// Names

TEST(WorkloadDeriveTest, SanitizesServiceNames) {
  EXPECT_EQ(SanitizeServiceName("frontend"), "frontend");
  EXPECT_EQ(SanitizeServiceName("Frontend.API"), "frontend-api");
  EXPECT_EQ(SanitizeServiceName("my service  (v2)"), "my-service-v2");
  EXPECT_EQ(SanitizeServiceName("_internal"), "internal");
  EXPECT_EQ(SanitizeServiceName("--x--"), "x");
  EXPECT_EQ(SanitizeServiceName("a_b-c"), "a_b-c");
  EXPECT_EQ(SanitizeServiceName(""), "service");
  EXPECT_EQ(SanitizeServiceName("..."), "service");
  EXPECT_EQ(SanitizeServiceName("\xc3\x9cn\xc3\xaf"
                                "code"),
            "n-code");
  EXPECT_EQ(SanitizeServiceName("driver"), "svc-driver");
  EXPECT_EQ(SanitizeServiceName("Storage-0"), "svc-storage-0");
  EXPECT_EQ(SanitizeServiceName("collector-12"), "svc-collector-12");
  EXPECT_EQ(SanitizeServiceName("collector-01"), "collector-01");  // not a host name the simulator gives
  EXPECT_EQ(SanitizeServiceName("storage-x"), "storage-x");
}

TEST(WorkloadDeriveTest, SanitisedNamesAreUniqueAndValidNamesKeepThemselves) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "Foo", "op", SpanKind::kServer, 0, 100);
  t.Add(a, "foo", "op", SpanKind::kServer, 10, 20);
  t.Add(a, "FOO", "op", SpanKind::kServer, 30, 40);
  t.Add(a, "driver", "op", SpanKind::kServer, 50, 60);
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  // Recorded names in byte order: "FOO" < "Foo" < "driver" < "foo"; "foo" keeps its name.
  EXPECT_EQ(Service(w, "foo").recorded_name, "foo");
  EXPECT_EQ(Service(w, "foo-2").recorded_name, "FOO");
  EXPECT_EQ(Service(w, "foo-3").recorded_name, "Foo");
  EXPECT_EQ(Service(w, "svc-driver").recorded_name, "driver");
  EXPECT_EQ(w.workload.entry_service, "foo-3");
  const std::string yaml = DerivedScenarioYaml(w, {});
  EXPECT_THAT(yaml, HasSubstr("# recorded as \"Foo\""));
  const scenario::Scenario s = MustLoadYaml(yaml, "names.yaml");
  EXPECT_EQ(s.services.size(), 4u);
  EXPECT_EQ(s.workload.entry_service, "foo-3");
}

// "storage-2" would be a storage host's name: a clash on "storage" is resolved with "_2".
TEST(WorkloadDeriveTest, RenamedServicesNeverTakeAReservedHostName) {
  TraceBuilder t(1);
  const std::string a = t.Add("", "STORAGE", "op", SpanKind::kServer, 0, 100);
  t.Add(a, "storage", "op", SpanKind::kServer, 10, 20);
  t.Add(a, "Collector", "op", SpanKind::kServer, 30, 40);
  t.Add(a, "collector", "op", SpanKind::kServer, 50, 60);
  WorkloadDeriver d;
  ASSERT_TRUE(d.Add(t.trace()).ok());
  const DerivedWorkload w = MustFinish(d);
  EXPECT_EQ(Service(w, "storage").recorded_name, "storage");
  EXPECT_EQ(Service(w, "storage_2").recorded_name, "STORAGE");
  EXPECT_EQ(Service(w, "collector_2").recorded_name, "Collector");
  EXPECT_EQ(MustLoadYaml(DerivedScenarioYaml(w, {}), "reserved.yaml").services.size(), 4u);
}

// ---------------------------------------------------------------------------------------------
// Bad input and options

TEST(WorkloadDeriveTest, RejectsMalformedTracesAndStaysUnchanged) {
  WorkloadDeriver d;
  RecordedTrace empty;
  empty.trace_id = "00000000000000000000000000000001";
  EXPECT_EQ(d.Add(empty).message(), "trace 00000000000000000000000000000001: no spans");

  TraceBuilder dup(2);
  dup.Add("", "a", "op", SpanKind::kServer, 0, 10);
  dup.Add("s1", "a", "op", SpanKind::kInternal, 1, 2);
  dup.mutable_trace().spans[1].span_id = "s1";
  EXPECT_EQ(d.Add(dup.trace()).message(), "trace 00000000000000000000000000000002: duplicate span id s1");

  TraceBuilder neg(3);
  neg.Add("", "a", "op", SpanKind::kServer, 10, 0);
  EXPECT_EQ(d.Add(neg.trace()).message(),
            "trace 00000000000000000000000000000003: span s1: negative duration (-10000000 ns)");

  TraceBuilder other(4);
  other.Add("", "a", "op", SpanKind::kServer, 0, 10);
  other.mutable_trace().spans[0].trace_id = "00000000000000000000000000000009";
  EXPECT_THAT(d.Add(other.trace()).message(),
              HasSubstr("span s1 belongs to trace 00000000000000000000000000000009"));

  TraceBuilder loop(5);
  loop.Add("", "a", "op", SpanKind::kServer, 0, 10);
  loop.Add("s3", "a", "op", SpanKind::kInternal, 1, 2);
  loop.Add("s2", "a", "op", SpanKind::kInternal, 1, 2);
  EXPECT_EQ(d.Add(loop.trace()).message(),
            "trace 00000000000000000000000000000005: the parent links of span s2 form a loop");

  TraceBuilder self(6);
  self.Add("s1", "a", "op", SpanKind::kServer, 0, 10);
  EXPECT_THAT(d.Add(self.trace()).message(), HasSubstr("span s1 is its own parent"));

  EXPECT_EQ(d.traces(), 0u);
  EXPECT_EQ(d.spans(), 0u);
  StatusOr<DerivedWorkload> w = d.Finish({});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(w.status().message(), "no traces to derive a workload from");
}

TEST(WorkloadDeriveTest, RejectsOptionsOutOfRange) {
  WorkloadDeriver d;
  TraceBuilder t(1);
  t.Add("", "a", "op", SpanKind::kServer, 0, 10);
  ASSERT_TRUE(d.Add(t.trace()).ok());
  auto error = [&](auto mutate) {
    DeriveOptions o;
    mutate(o);
    StatusOr<DerivedWorkload> w = d.Finish(o);
    EXPECT_FALSE(w.ok());
    return w.ok() ? std::string() : w.status().message();
  };
  EXPECT_EQ(error([](DeriveOptions& o) { o.min_edge_fraction = 1.5; }),
            "min_edge_fraction must be in [0, 1], got 1.5");
  EXPECT_EQ(error([](DeriveOptions& o) { o.min_edge_fraction = std::nan(""); }),
            "min_edge_fraction must be in [0, 1], got nan");
  EXPECT_EQ(error([](DeriveOptions& o) { o.default_rate_per_s = 0; }),
            "default_rate_per_s must be > 0, got 0");
  EXPECT_EQ(error([](DeriveOptions& o) { o.time_scale = -1; }), "time_scale must be > 0, got -1");
  EXPECT_EQ(error([](DeriveOptions& o) { o.rate_scale = INFINITY; }), "rate_scale must be > 0, got inf");
  EXPECT_EQ(error([](DeriveOptions& o) { o.duration_s = 0; }), "duration_s must be > 0, got 0");
  EXPECT_EQ(error([](DeriveOptions& o) { o.host_speed_flops = 0; }), "host_speed_flops must be > 0, got 0");
  EXPECT_EQ(error([](DeriveOptions& o) { o.scenario_name = ""; }), "scenario_name must not be empty");
}

// ---------------------------------------------------------------------------------------------
// YAML round trip

TEST(WorkloadDeriveTest, YamlLoadsWithTheScenarioLoader) {
  WorkloadDeriver d;
  for (int i = 0; i < 20; ++i) {
    TraceBuilder t(i + 1, i * 50);
    // Operation names that must not break out of their comment.
    const std::string a =
        t.Add("", "web", i % 2 ? "GET /a#b \"q\"\nnext: line" : "bad\xff utf-8 \xe2\x82\xac",
              SpanKind::kServer, 0, 30 + i, i == 3 ? SpanStatus::kError : SpanStatus::kUnset);
    const std::string c = t.Add(a, "web", "call", SpanKind::kClient, 5, 25);
    const std::string b = t.Add(c, "db-proxy", "query", SpanKind::kServer, 6, 20 + i % 3);
    t.Add(b, "cache", "get", SpanKind::kServer, 7, 8 + i % 2);
    ASSERT_TRUE(d.Add(t.trace()).ok());
  }
  DeriveOptions o;
  o.scenario_name = "from \"prod\" traces";
  o.source = "/tmp/prod traces.json";
  o.duration_s = 90;
  o.host_speed_flops = 2e9;
  o.time_scale = 0.5;
  const DerivedWorkload w = MustFinish(d, o);
  const std::string yaml = DerivedScenarioYaml(w, o);
  EXPECT_THAT(yaml, HasSubstr("# Derived by `tracesim workload derive` from \"/tmp/prod traces.json\"\n"
                              "# 20 traces, 80 spans, 60 service invocations, 3 services.\n"));
  EXPECT_THAT(yaml, HasSubstr("\"GET /a#b \\\"q\\\"\\nnext: line\""));
  EXPECT_THAT(yaml, HasSubstr("\"bad\\xff utf-8 \xe2\x82\xac\""));

  const scenario::Scenario s = MustLoadYaml(yaml, "roundtrip.yaml");
  EXPECT_EQ(s.name, "from \"prod\" traces");
  EXPECT_DOUBLE_EQ(s.duration_s, 90);
  ASSERT_EQ(s.services.size(), 3u);
  EXPECT_EQ(s.services[0].name, "web");
  EXPECT_EQ(s.services[1].name, "db-proxy");
  EXPECT_EQ(s.services[2].name, "cache");
  for (const DerivedService& ds : w.services) {
    const scenario::ServiceSpec* spec = FindSpec(s, ds.spec.name);
    ASSERT_NE(spec, nullptr) << ds.spec.name;
    EXPECT_NEAR(spec->work_mean_s, ds.spec.work_mean_s, 0.5e-9) << ds.spec.name;
    EXPECT_EQ(spec->work_distribution, ds.spec.work_distribution) << ds.spec.name;
    if (spec->work_distribution == Distribution::kLogNormal) {
      EXPECT_DOUBLE_EQ(spec->work_sigma, ds.spec.work_sigma) << ds.spec.name;
    }
    EXPECT_DOUBLE_EQ(spec->error_rate, ds.spec.error_rate) << ds.spec.name;
    EXPECT_DOUBLE_EQ(spec->host_speed_flops, 2e9);
    ASSERT_EQ(spec->calls.size(), ds.spec.calls.size()) << ds.spec.name;
    for (size_t i = 0; i < spec->calls.size(); ++i) {
      EXPECT_EQ(spec->calls[i].service, ds.spec.calls[i].service);
      EXPECT_EQ(spec->calls[i].count, ds.spec.calls[i].count);
    }
  }
  // web: 30+i ms minus the 20 ms client span: mean (10..29) = 19.5 ms, x 0.5.
  EXPECT_NEAR(FindSpec(s, "web")->work_mean_s, 0.00975, 1e-9);
  EXPECT_NEAR(FindSpec(s, "web")->error_rate, 0.05, 1e-9);
  EXPECT_EQ(s.workload.entry_service, "web");
  EXPECT_EQ(s.workload.arrival, scenario::ArrivalProcess::kPoisson);
  EXPECT_DOUBLE_EQ(s.workload.rate_per_s, w.workload.rate_per_s);
  EXPECT_NEAR(s.workload.rate_per_s, 20, 1e-9);
}

// ---------------------------------------------------------------------------------------------
// From a file

// tests/data/traces/otlp_derive_sample.json: 4 traces 500 ms apart. frontend [0, 100+10k] calls
// Checkout.Service [12,58] (client [10,60]) and, in traces 0-2, catalog [66, 84-2k] (client [65,85]);
// trace 0 also has an untraced "SELECT orders" client [88,95]. Checkout.Service has an internal span
// [14,20] and calls payments [27, 53-k] (client [25,55]). In trace 3 payments fails and the error
// propagates up to the root.
TEST(WorkloadDeriveTest, DerivesTheSampleOtlpFile) {
  const std::string path = std::string(TRACESIM_SOURCE_DIR) + "/tests/data/traces/otlp_derive_sample.json";
  StatusOr<TraceFormat> format = DetectTraceFormat(path);
  ASSERT_TRUE(format.ok()) << format.status().message();
  ASSERT_EQ(*format, TraceFormat::kOtlpJson);
  StatusOr<DerivedWorkload> derived = DeriveWorkloadFromFile(path, *format, {}, {}, {});
  ASSERT_TRUE(derived.ok()) << derived.status().message();
  const DerivedWorkload& w = *derived;
  EXPECT_EQ(w.source, path);
  EXPECT_EQ(w.traces, 4u);
  EXPECT_EQ(w.spans, 31u);
  EXPECT_EQ(w.invocations, 15u);
  ASSERT_EQ(w.services.size(), 4u);
  EXPECT_EQ(w.services[0].spec.name, "frontend");
  EXPECT_EQ(w.services[1].spec.name, "checkout-service");
  EXPECT_EQ(w.services[2].spec.name, "catalog");
  EXPECT_EQ(w.services[3].spec.name, "payments");
  EXPECT_THAT(w.warnings,
              ::testing::ElementsAre(HasSubstr("service \"Checkout.Service\" is named checkout-service")));

  // frontend: 30 (23 + 7 untraced), 40, 50, 80 ms.
  const DerivedService& f = Service(w, "frontend");
  EXPECT_NEAR(f.self_time.mean_s, 0.050, kEps);
  EXPECT_NEAR(f.untraced_call_s, 0.007, kEps);
  const double logs[] = {std::log(0.030), std::log(0.040), std::log(0.050), std::log(0.080)};
  const double mu = (logs[0] + logs[1] + logs[2] + logs[3]) / 4;
  double var = 0;
  for (double l : logs) var += (l - mu) * (l - mu) / 4;
  EXPECT_NEAR(f.self_time.fit.mu, mu, 1e-12);
  EXPECT_NEAR(f.spec.work_sigma, std::sqrt(var), 1e-12);
  EXPECT_EQ(f.spec.work_distribution, Distribution::kLogNormal);
  ASSERT_EQ(f.operations.size(), 2u);
  EXPECT_EQ(f.operations[0].operation, "GET /checkout");
  EXPECT_NEAR(f.operations[0].self_time.mean_s, 0.040, kEps);
  EXPECT_EQ(f.operations[1].operation, "GET /home");
  EXPECT_NEAR(f.operations[1].self_time.mean_s, 0.060, kEps);
  ASSERT_EQ(f.spec.calls.size(), 2u);
  EXPECT_EQ(f.spec.calls[0].service, "checkout-service");
  EXPECT_EQ(f.spec.calls[0].count, 1);
  EXPECT_EQ(f.spec.calls[1].service, "catalog");
  EXPECT_EQ(f.spec.calls[1].count, 1);
  EXPECT_NEAR(f.calls[1].fraction, 0.75, kEps);
  EXPECT_EQ(f.errors, 1u);
  EXPECT_EQ(f.errors_originated, 0u);
  EXPECT_EQ(f.spec.error_rate, 0);

  // checkout-service: 46 - 6 - 30 + 6 = 16 ms every time: constant.
  const DerivedService& c = Service(w, "checkout-service");
  EXPECT_EQ(c.recorded_name, "Checkout.Service");
  EXPECT_NEAR(c.spec.work_mean_s, 0.016, kEps);
  EXPECT_EQ(c.spec.work_distribution, Distribution::kConstant);
  ASSERT_EQ(c.spec.calls.size(), 1u);
  EXPECT_EQ(c.spec.calls[0].service, "payments");
  EXPECT_EQ(c.errors, 1u);
  EXPECT_EQ(c.errors_originated, 0u);

  const DerivedService& p = Service(w, "payments");
  EXPECT_NEAR(p.spec.work_mean_s, 0.0245, kEps);
  EXPECT_DOUBLE_EQ(p.spec.error_rate, 0.25);
  const DerivedService& g = Service(w, "catalog");
  EXPECT_NEAR(g.spec.work_mean_s, 0.016, kEps);
  EXPECT_EQ(g.self_time.count, 3u);

  EXPECT_EQ(w.workload.entry_service, "frontend");
  EXPECT_NEAR(w.workload.rate_per_s, 2.0, 1e-9);  // 3 gaps in 1.5 s

  const std::string yaml = DerivedScenarioYaml(w, {});
  EXPECT_THAT(yaml, HasSubstr("/tests/data/traces/otlp_derive_sample.json\"\n# 4 traces, 31 spans,"));
  const scenario::Scenario s = MustLoadYaml(yaml, "otlp_derive_sample.yaml");
  ASSERT_EQ(s.services.size(), 4u);
  EXPECT_EQ(s.name, "derived");
  EXPECT_EQ(s.workload.entry_service, "frontend");
  EXPECT_DOUBLE_EQ(s.workload.rate_per_s, 2.0);
  EXPECT_DOUBLE_EQ(FindSpec(s, "payments")->error_rate, 0.25);
  EXPECT_NEAR(FindSpec(s, "checkout-service")->work_mean_s, 0.016, 1e-12);
  EXPECT_EQ(FindSpec(s, "checkout-service")->work_distribution, Distribution::kConstant);
}

TEST(WorkloadDeriveTest, FileErrorsAreReturnedUnchanged) {
  const std::string path = std::string(TRACESIM_SOURCE_DIR) + "/tests/data/traces/otlp_truncated.json";
  StatusOr<DerivedWorkload> w = DeriveWorkloadFromFile(path, TraceFormat::kOtlpJson, {}, {}, {});
  ASSERT_FALSE(w.ok());
  EXPECT_THAT(w.status().message(), HasSubstr("otlp_truncated.json: truncated"));
}

}  // namespace
}  // namespace tracesim::sim
