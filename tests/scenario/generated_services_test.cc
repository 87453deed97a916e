// services: {generate: {...}}: the synthetic call graph's shape (levels,
// depth, reachability, acyclicity, fan-out), its per-service parameters,
// determinism from the seed, the defaults, and one error per bad key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scenario_test_support.h"
#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

using ::testing::HasSubstr;

using testing::ErrorOf;
using testing::MustLoad;

// A scenario whose services are generated with `keys` (lines indented by four
// spaces). The first key is on line 4 of the document.
std::string Gen(const std::string& keys, const std::string& tail = "") {
  return "name: g\n"
         "services:\n"
         "  generate:\n" +
         keys +
         "workload:\n"
         "  entry: svc-0\n" +
         tail;
}

// The call graph as indices.
struct Graph {
  std::vector<std::vector<size_t>> callees;  // [service] -> callee indices, as written
  std::vector<std::vector<size_t>> callers;
  bool dangling = false;  // a call names no service
};

Graph GraphOf(const Scenario& s) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < s.services.size(); ++i) index[s.services[i].name] = i;
  Graph g;
  g.callees.resize(s.services.size());
  g.callers.resize(s.services.size());
  for (size_t i = 0; i < s.services.size(); ++i) {
    for (const CallSpec& c : s.services[i].calls) {
      auto it = index.find(c.service);
      if (it == index.end()) {
        g.dangling = true;
        continue;
      }
      g.callees[i].push_back(it->second);
      g.callers[it->second].push_back(i);
    }
  }
  return g;
}

// A topological order (Kahn); shorter than the service count if there is a cycle.
std::vector<size_t> TopologicalOrder(const Graph& g) {
  const size_t n = g.callees.size();
  std::vector<size_t> indegree(n, 0);
  for (const auto& cs : g.callees) {
    for (size_t c : cs) ++indegree[c];
  }
  std::vector<size_t> ready, order;
  for (size_t i = 0; i < n; ++i) {
    if (indegree[i] == 0) ready.push_back(i);
  }
  while (!ready.empty()) {
    const size_t v = ready.back();
    ready.pop_back();
    order.push_back(v);
    for (size_t c : g.callees[v]) {
      if (--indegree[c] == 0) ready.push_back(c);
    }
  }
  return order;
}

// The number of services on the longest call path from `entry` (the entry
// alone: 1), and which services the entry reaches. REQUIRES: a DAG.
struct Reach {
  int depth = 0;
  std::vector<bool> reached;
};

Reach ReachFrom(const Graph& g, size_t entry) {
  const std::vector<size_t> order = TopologicalOrder(g);
  std::vector<int> longest(g.callees.size(), 0);  // 0: not reached
  longest[entry] = 1;
  Reach r;
  for (size_t v : order) {
    if (longest[v] == 0) continue;
    for (size_t c : g.callees[v]) longest[c] = std::max(longest[c], longest[v] + 1);
  }
  for (int d : longest) {
    r.depth = std::max(r.depth, d);
    r.reached.push_back(d > 0);
  }
  return r;
}

// Checks the generator's promises for a loaded scenario of `n` services and
// depth `depth`: names, a DAG, every service reached, exactly `depth` levels,
// calls from one level to the next only, distinct callees, every non-leaf
// level calling.
void ExpectWellFormed(const Scenario& s, size_t n, int depth, const std::string& prefix = "svc") {
  ASSERT_EQ(s.services.size(), n);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(s.services[i].name, prefix + "-" + std::to_string(i));
  const Graph g = GraphOf(s);
  ASSERT_FALSE(g.dangling);
  ASSERT_EQ(TopologicalOrder(g).size(), n) << "the call graph has a cycle";
  const Reach r = ReachFrom(g, 0);
  EXPECT_EQ(r.depth, depth);
  EXPECT_EQ(std::count(r.reached.begin(), r.reached.end(), true), static_cast<long>(n));
  EXPECT_TRUE(g.callers[0].empty()) << "the entry is called";
  // Levels: breadth-first distance from the entry; every call goes one level down.
  std::vector<int> level(n, -1);
  level[0] = 0;
  std::vector<size_t> frontier{0};
  while (!frontier.empty()) {
    std::vector<size_t> next;
    for (size_t v : frontier) {
      for (size_t c : g.callees[v]) {
        if (level[c] < 0) {
          level[c] = level[v] + 1;
          next.push_back(c);
        }
      }
    }
    frontier = std::move(next);
  }
  for (size_t v = 0; v < n; ++v) {
    std::set<size_t> distinct(g.callees[v].begin(), g.callees[v].end());
    EXPECT_EQ(distinct.size(), g.callees[v].size()) << s.services[v].name << " calls a service twice";
    for (size_t c : g.callees[v]) EXPECT_EQ(level[c], level[v] + 1) << s.services[v].name << " -> " << c;
    // Services are numbered level by level; only the deepest level is without calls.
    if (v > 0) EXPECT_GE(level[v], level[v - 1]);
    EXPECT_EQ(g.callees[v].empty(), level[v] == depth - 1) << s.services[v].name;
  }
}

std::vector<std::vector<std::string>> CallsOf(const Scenario& s) {
  std::vector<std::vector<std::string>> out;
  for (const ServiceSpec& svc : s.services) {
    std::vector<std::string> calls;
    for (const CallSpec& c : svc.calls) calls.push_back(c.service + "*" + std::to_string(c.count));
    out.push_back(calls);
  }
  return out;
}

// Mean number of distinct callees over the services that call.
double MeanFanOut(const Scenario& s) {
  size_t callers = 0, calls = 0;
  for (const ServiceSpec& svc : s.services) {
    if (svc.calls.empty()) continue;
    ++callers;
    calls += svc.calls.size();
  }
  return callers == 0 ? 0.0 : static_cast<double>(calls) / static_cast<double>(callers);
}

// ---------------------------------------------------------------------------
// Shape

TEST(GeneratedServicesTest, ShapeOverManySizes) {
  struct Case {
    int services, depth;
    std::string fan_out;
  };
  const Case cases[] = {{2, 2, "2"},
                        {3, 3, "2"},
                        {7, 3, "2"},
                        {20, 4, "2"},
                        {100, 5, "2"},
                        {1000, 6, "2"},
                        {50, 2, "3"},
                        {64, 8, "1"},
                        {64, 8, "1.5"},
                        {300, 4, "7"},
                        {500, 10, "2.5"},
                        {37, 5, "{min: 1, max: 4}"},
                        {1000, 3, "{min: 2, max: 2}"}};
  for (const Case& c : cases) {
    SCOPED_TRACE("services " + std::to_string(c.services) + ", depth " + std::to_string(c.depth) +
                 ", fan_out " + c.fan_out);
    Scenario s = MustLoad(Gen("    services: " + std::to_string(c.services) + "\n    depth: " +
                              std::to_string(c.depth) + "\n    fan_out: " + c.fan_out + "\n"));
    ExpectWellFormed(s, static_cast<size_t>(c.services), c.depth);
  }
}

TEST(GeneratedServicesTest, SingleServiceHasNoCalls) {
  Scenario s = MustLoad(Gen("    services: 1\n    depth: 1\n"));
  ASSERT_EQ(s.services.size(), 1u);
  EXPECT_EQ(s.services[0].name, "svc-0");
  EXPECT_TRUE(s.services[0].calls.empty());
  EXPECT_EQ(s.workload.entry_service, "svc-0");
}

// services == depth: one service per level, a chain.
TEST(GeneratedServicesTest, ServicesEqualToDepthIsAChain) {
  Scenario s = MustLoad(Gen("    services: 5\n    depth: 5\n    fan_out: 3\n"));
  EXPECT_EQ(CallsOf(s),
            (std::vector<std::vector<std::string>>{{"svc-1*1"}, {"svc-2*1"}, {"svc-3*1"}, {"svc-4*1"}, {}}));
}

// depth 2: the entry calls every other service, whatever the fan-out.
TEST(GeneratedServicesTest, DepthTwoIsAStar) {
  Scenario s = MustLoad(Gen("    services: 6\n    depth: 2\n    fan_out: 2\n"));
  EXPECT_EQ(CallsOf(s)[0], (std::vector<std::string>{"svc-1*1", "svc-2*1", "svc-3*1", "svc-4*1", "svc-5*1"}));
}

// 1 + 3 + 9 + 27 services at fan-out 3: the levels are exactly 1, 3, 9, 27
// wide and every caller calls exactly 3 services: a complete ternary tree.
TEST(GeneratedServicesTest, TreeSizedCountGivesACompleteTree) {
  Scenario s = MustLoad(Gen("    services: 40\n    depth: 4\n    fan_out: 3\n"));
  ExpectWellFormed(s, 40, 4);
  const Graph g = GraphOf(s);
  for (size_t v = 0; v < 40; ++v) {
    EXPECT_EQ(g.callees[v].size(), v < 13 ? 3u : 0u) << v;
    EXPECT_EQ(g.callers[v].size(), v == 0 ? 0u : 1u) << v;
  }
  // Level 1 is svc-1..3, level 2 svc-4..12, level 3 svc-13..39.
  for (size_t c : g.callees[0]) EXPECT_TRUE(c >= 1 && c <= 3);
  for (size_t v = 1; v <= 3; ++v) {
    for (size_t c : g.callees[v]) EXPECT_TRUE(c >= 4 && c <= 12);
  }
}

// The level widths grow by the fan-out, so the mean fan-out is kept even
// when the service count is far above a tree's.
TEST(GeneratedServicesTest, MeanFanOutFollowsTheSetting) {
  for (const char* f : {"2", "3", "1.5"}) {
    SCOPED_TRACE(f);
    const double want = std::stod(f);
    Scenario s = MustLoad(Gen("    services: 1000\n    depth: 6\n    fan_out: " + std::string(f) + "\n"));
    EXPECT_GE(MeanFanOut(s), want);
    EXPECT_LE(MeanFanOut(s), want * 1.15);
  }
  Scenario r = MustLoad(Gen("    services: 1000\n    depth: 6\n    fan_out: {min: 1, max: 5}\n"));
  EXPECT_GE(MeanFanOut(r), 3.0);
  EXPECT_LE(MeanFanOut(r), 3.45);
  // Apart from the entry (which calls the whole of level 1), a drawn fan-out
  // is only ever raised to reach an uncalled service: most stay in [1, 5].
  size_t in_range = 0, callers = 0;
  for (size_t i = 1; i < r.services.size(); ++i) {
    if (r.services[i].calls.empty()) continue;
    ++callers;
    in_range += r.services[i].calls.size() <= 5 ? 1 : 0;
  }
  EXPECT_GE(static_cast<double>(in_range), 0.95 * static_cast<double>(callers));
}

TEST(GeneratedServicesTest, CallsPerEdgeSetsEveryCallCount) {
  Scenario s = MustLoad(Gen("    services: 30\n    depth: 4\n    calls_per_edge: 3\n"));
  size_t calls = 0;
  for (const ServiceSpec& svc : s.services) {
    for (const CallSpec& c : svc.calls) {
      EXPECT_EQ(c.count, 3);
      ++calls;
    }
  }
  EXPECT_GE(calls, 29u);
}

// ---------------------------------------------------------------------------
// Per-service parameters

TEST(GeneratedServicesTest, CopiesServiceParameters) {
  Scenario s =
      MustLoad(Gen("    services: 12\n"
                   "    depth: 3\n"
                   "    work: {mean: 3ms, distribution: lognormal, sigma: 0.7}\n"
                   "    error_rate: 0.05\n"
                   "    host_speed: 2Gf\n"
                   "    request_bytes: 100\n"
                   "    response_bytes: 7000\n"
                   "    attributes_per_span: 9\n"
                   "    concurrency: 4\n"));
  ASSERT_EQ(s.services.size(), 12u);
  for (const ServiceSpec& svc : s.services) {
    EXPECT_DOUBLE_EQ(svc.work_mean_s, 0.003);
    EXPECT_EQ(svc.work_distribution, Distribution::kLogNormal);
    EXPECT_DOUBLE_EQ(svc.work_sigma, 0.7);
    EXPECT_DOUBLE_EQ(svc.error_rate, 0.05);
    EXPECT_DOUBLE_EQ(svc.host_speed_flops, 2e9);
    EXPECT_EQ(svc.request_bytes, 100u);
    EXPECT_EQ(svc.response_bytes, 7000u);
    EXPECT_EQ(svc.attributes_per_span, 9);
    EXPECT_EQ(svc.concurrency, 4);
    EXPECT_FALSE(svc.sampler.has_value());
  }
}

// work_spread s: each service's mean is mean * exp(s Z - s^2 / 2), Z standard
// normal: the log-means have standard deviation s and the means average `mean`.
TEST(GeneratedServicesTest, WorkSpreadDrawsLognormalMeans) {
  Scenario s =
      MustLoad(Gen("    services: 2000\n    depth: 5\n    work: {mean: 4ms}\n    work_spread: 0.5\n"));
  double sum = 0, sum_log = 0, sum_log2 = 0;
  for (const ServiceSpec& svc : s.services) {
    ASSERT_GT(svc.work_mean_s, 0);
    sum += svc.work_mean_s;
    sum_log += std::log(svc.work_mean_s);
    sum_log2 += std::log(svc.work_mean_s) * std::log(svc.work_mean_s);
    EXPECT_EQ(svc.work_distribution, Distribution::kExponential);
  }
  const double n = 2000;
  const double mean_log = sum_log / n;
  const double sd_log = std::sqrt(sum_log2 / n - mean_log * mean_log);
  EXPECT_NEAR(sum / n, 0.004, 0.004 * 0.05);
  EXPECT_NEAR(sd_log, 0.5, 0.03);
  EXPECT_NEAR(mean_log, std::log(0.004) - 0.125, 0.04);
}

TEST(GeneratedServicesTest, ErrorRateRangeIsDrawnUniformly) {
  Scenario s = MustLoad(Gen("    services: 2000\n    depth: 4\n    error_rate: {min: 0.01, max: 0.05}\n"));
  double sum = 0;
  std::set<double> distinct;
  for (const ServiceSpec& svc : s.services) {
    EXPECT_GE(svc.error_rate, 0.01);
    EXPECT_LE(svc.error_rate, 0.05);
    sum += svc.error_rate;
    distinct.insert(svc.error_rate);
  }
  EXPECT_NEAR(sum / 2000, 0.03, 0.001);
  EXPECT_GT(distinct.size(), 1900u);
  // min == max: one value.
  Scenario one = MustLoad(Gen("    services: 10\n    error_rate: {min: 0.2, max: 0.2}\n"));
  for (const ServiceSpec& svc : one.services) EXPECT_DOUBLE_EQ(svc.error_rate, 0.2);
}

TEST(GeneratedServicesTest, NamePrefix) {
  Scenario s = MustLoad(
      "name: g\n"
      "services: {generate: {services: 8, depth: 3, name_prefix: api_v2}}\n"
      "workload: {entry: api_v2-0}\n");
  ExpectWellFormed(s, 8, 3, "api_v2");
  EXPECT_EQ(s.workload.entry_service, "api_v2-0");
}

// ---------------------------------------------------------------------------
// Defaults

TEST(GeneratedServicesTest, Defaults) {
  Scenario s = MustLoad(Gen("    services: 10\n"));
  ExpectWellFormed(s, 10, 3);  // depth 3
  const ServiceSpec d;
  for (const ServiceSpec& svc : s.services) {
    EXPECT_DOUBLE_EQ(svc.work_mean_s, d.work_mean_s);  // work_spread 0: all equal
    EXPECT_EQ(svc.work_distribution, d.work_distribution);
    EXPECT_DOUBLE_EQ(svc.work_sigma, d.work_sigma);
    EXPECT_DOUBLE_EQ(svc.error_rate, 0.0);
    EXPECT_DOUBLE_EQ(svc.host_speed_flops, d.host_speed_flops);
    EXPECT_EQ(svc.request_bytes, d.request_bytes);
    EXPECT_EQ(svc.response_bytes, d.response_bytes);
    EXPECT_EQ(svc.attributes_per_span, d.attributes_per_span);
    EXPECT_EQ(svc.concurrency, d.concurrency);
    for (const CallSpec& c : svc.calls) EXPECT_EQ(c.count, 1);
  }
  // fan_out 2 and seed 1.
  EXPECT_EQ(CallsOf(s),
            CallsOf(MustLoad(Gen("    services: 10\n    depth: 3\n    fan_out: 2\n    seed: 1\n"))));
  // Fewer services than the default depth: depth = services.
  ExpectWellFormed(MustLoad(Gen("    services: 2\n")), 2, 2);
  ExpectWellFormed(MustLoad(Gen("    services: 1\n")), 1, 1);
}

// ---------------------------------------------------------------------------
// Determinism

TEST(GeneratedServicesTest, SameSeedSameServicesOtherSeedOtherGraph) {
  const std::string keys =
      "    services: 200\n    depth: 5\n    fan_out: {min: 1, max: 3}\n"
      "    work_spread: 0.4\n    error_rate: {min: 0, max: 0.1}\n";
  Scenario a = MustLoad(Gen(keys + "    seed: 99\n"));
  Scenario b = MustLoad(Gen(keys + "    seed: 99\n"));
  ASSERT_EQ(a.services.size(), b.services.size());
  EXPECT_EQ(CallsOf(a), CallsOf(b));
  for (size_t i = 0; i < a.services.size(); ++i) {
    EXPECT_EQ(a.services[i].work_mean_s, b.services[i].work_mean_s);
    EXPECT_EQ(a.services[i].error_rate, b.services[i].error_rate);
  }
  Scenario c = MustLoad(Gen(keys + "    seed: 100\n"));
  ExpectWellFormed(c, 200, 5);
  EXPECT_NE(CallsOf(a), CallsOf(c));
  size_t same_work = 0;
  for (size_t i = 0; i < a.services.size(); ++i)
    same_work += a.services[i].work_mean_s == c.services[i].work_mean_s;
  EXPECT_EQ(same_work, 0u);
}

// The graph comes from the generator's own seed and its shape keys only: the
// scenario's run seed, the work and the error rates do not move it.
TEST(GeneratedServicesTest, GraphIndependentOfRunSeedAndOfWorkAndErrorKeys) {
  const std::string keys = "    services: 100\n    depth: 5\n    seed: 5\n";
  Scenario base = MustLoad(Gen(keys));
  Scenario run_seed = MustLoad("seed: 1234\n" + Gen(keys));
  EXPECT_EQ(run_seed.seed, 1234u);
  EXPECT_EQ(CallsOf(base), CallsOf(run_seed));
  Scenario other = MustLoad(Gen(keys + "    work_spread: 1\n    error_rate: {min: 0, max: 1}\n"));
  EXPECT_EQ(CallsOf(base), CallsOf(other));
}

TEST(GeneratedServicesTest, OverridesReachTheGenerator) {
  Scenario s = MustLoad(Gen("    services: 10\n    depth: 3\n"),
                        {{"services.generate.services", "40"}, {"services.generate.depth", "6"}});
  ExpectWellFormed(s, 40, 6);
}

// ---------------------------------------------------------------------------
// Errors: the first key is on line 4, written at column 5.

TEST(GeneratedServicesTest, CountAndDepthErrors) {
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    depth: 0\n")),
            "t.yaml:5:12: services.generate.depth: expected an integer >= 1, got 0");
  EXPECT_EQ(ErrorOf(Gen("    services: 4\n    depth: 5\n")),
            "t.yaml:5:12: services.generate.depth: expected an integer <= services (4), got 5 "
            "(every level holds at least one service)");
  EXPECT_EQ(ErrorOf(Gen("    services: 4\n    depth: 1\n")),
            "t.yaml:5:12: services.generate.depth: expected an integer >= 2, got 1 "
            "(with depth 1 the entry is the only service, but services is 4)");
  EXPECT_EQ(ErrorOf(Gen("    services: 0\n")),
            "t.yaml:4:15: services.generate.services: expected an integer in [1, 100000], got 0");
  EXPECT_EQ(ErrorOf(Gen("    services: 100001\n")),
            "t.yaml:4:15: services.generate.services: expected an integer in [1, 100000], got 100001");
  EXPECT_EQ(ErrorOf(Gen("    services: many\n")),
            "t.yaml:4:15: services.generate.services: expected an integer in [1, 100000], got 'many'");
  EXPECT_EQ(
      ErrorOf(Gen("    services: '10'\n")),
      "t.yaml:4:15: services.generate.services: expected an integer in [1, 100000], got \"10\" (a quoted "
      "string; write the number without quotes)");
  EXPECT_EQ(ErrorOf(Gen("    depth: 3\n")),
            "t.yaml:3:3: services.generate.services: required (how many services to generate, e.g. 100)");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    depth: 2.5\n")),
            "t.yaml:5:12: services.generate.depth: expected an integer >= 1, got 2.5");
}

TEST(GeneratedServicesTest, FanOutErrors) {
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    fan_out: 0.5\n")),
            "t.yaml:5:14: services.generate.fan_out: expected a number >= 1, got 0.5");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    fan_out: [1, 3]\n")),
            "t.yaml:5:14: services.generate.fan_out: expected a number >= 1 or a mapping {min, max}, "
            "got a sequence");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    fan_out: {min: 3, max: 2}\n")),
            "t.yaml:5:28: services.generate.fan_out.max: expected an integer >= min (3), got 2");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    fan_out: {min: 0, max: 2}\n")),
            "t.yaml:5:20: services.generate.fan_out.min: expected an integer >= 1, got 0");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    fan_out: {min: 1.5, max: 2}\n")),
            "t.yaml:5:20: services.generate.fan_out.min: expected an integer >= 1, got 1.5");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    fan_out: {min: 1}\n")),
            "t.yaml:5:14: services.generate.fan_out.max: required");
  EXPECT_THAT(ErrorOf(Gen("    services: 10\n    fan_out: {min: 1, max: 2, mean: 1}\n")),
              HasSubstr("t.yaml:5:31: services.generate.fan_out.mean: unknown key 'mean'"));
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    calls_per_edge: 0\n")),
            "t.yaml:5:21: services.generate.calls_per_edge: expected an integer >= 1, got 0");
}

TEST(GeneratedServicesTest, WorkAndErrorRateErrors) {
  EXPECT_EQ(
      ErrorOf(Gen("    services: 10\n    work: {mean: -1ms}\n")),
      "t.yaml:5:18: services.generate.work.mean: expected a duration >= 0s, got '-1ms' (duration must not be "
      "negative)");
  EXPECT_THAT(ErrorOf(Gen("    services: 10\n    work: {distribution: pareto}\n")),
              HasSubstr("t.yaml:5:26: services.generate.work.distribution: expected one of constant, "
                        "exponential, lognormal, got 'pareto'"));
  EXPECT_THAT(ErrorOf(Gen("    services: 10\n    work: {mean: 1ms, skew: 2}\n")),
              HasSubstr("t.yaml:5:23: services.generate.work.skew: unknown key 'skew'"));
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    work: 2ms\n")),
            "t.yaml:5:11: services.generate.work: expected a mapping with keys mean, distribution, sigma, "
            "got '2ms'");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    work_spread: -0.1\n")),
            "t.yaml:5:18: services.generate.work_spread: expected a number >= 0, got -0.1");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    error_rate: 1.5\n")),
            "t.yaml:5:17: services.generate.error_rate: expected a number in [0, 1], got 1.5");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    error_rate: {min: 0.2, max: 0.1}\n")),
            "t.yaml:5:33: services.generate.error_rate.max: expected a number >= min (0.2), got 0.1");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    error_rate: {min: 0, max: 2}\n")),
            "t.yaml:5:31: services.generate.error_rate.max: expected a number in [0, 1], got 2");
}

TEST(GeneratedServicesTest, ScalarKeyErrors) {
  EXPECT_THAT(ErrorOf(Gen("    services: 10\n    host_speed: 0\n")),
              HasSubstr("t.yaml:5:17: services.generate.host_speed: expected a speed > 0"));
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    request_bytes: -1\n")),
            "t.yaml:5:20: services.generate.request_bytes: expected an integer >= 0, got -1");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    response_bytes: x\n")),
            "t.yaml:5:21: services.generate.response_bytes: expected an integer >= 0, got 'x'");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    attributes_per_span: 200\n")),
            "t.yaml:5:26: services.generate.attributes_per_span: expected an integer in [0, 128], got 200");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    concurrency: -2\n")),
            "t.yaml:5:18: services.generate.concurrency: expected an integer >= 0, got -2");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    seed: -1\n")),
            "t.yaml:5:11: services.generate.seed: expected an unsigned 64-bit integer (0 to "
            "18446744073709551615), got -1");
}

TEST(GeneratedServicesTest, NamePrefixErrors) {
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    name_prefix: Svc\n")),
            "t.yaml:5:18: services.generate.name_prefix: expected a name prefix: lowercase letters, digits, "
            "'_' and '-', starting with a letter or digit, got 'Svc'");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    name_prefix: '-x'\n")),
            "t.yaml:5:18: services.generate.name_prefix: expected a name prefix: lowercase letters, digits, "
            "'_' and '-', starting with a letter or digit, got \"-x\"");
  EXPECT_EQ(ErrorOf(Gen("    services: 10\n    name_prefix: storage\n")),
            "t.yaml:5:18: services.generate.name_prefix: expected a name prefix, got 'storage' "
            "(storage-<i> is reserved for the storage hosts)");
  // A collector tier's hosts are <tier>-<i>: a tier named like the prefix clashes.
  EXPECT_THAT(
      ErrorOf("name: g\n"
              "services:\n"
              "  generate:\n"
              "    services: 10\n"
              "    name_prefix: edge\n"
              "workload: {entry: edge-0}\n"
              "collectors: {name: edge}\n"),
      HasSubstr("t.yaml:5:18: services[0].name: expected a service name, got 'edge' (edge-<i> names the "
                "hosts of collector tier 'edge')"));
  EXPECT_THAT(ErrorOf(Gen("    services: 10\n", "collectors: {name: svc}\n")),
              HasSubstr("t.yaml:4:5: services[0].name: expected a service name, got a mapping (svc-<i> names "
                        "the hosts of collector tier 'svc')"));
}

TEST(GeneratedServicesTest, StructureErrors) {
  EXPECT_EQ(
      ErrorOf(Gen("    services: 10\n    fanout: 2\n")),
      "t.yaml:5:5: services.generate.fanout: unknown key 'fanout' (did you mean 'fan_out'?); allowed keys: "
      "services, depth, fan_out, calls_per_edge, work, work_spread, error_rate, host_speed, "
      "request_bytes, response_bytes, seed, name_prefix, concurrency, attributes_per_span, async, replicas");
  EXPECT_EQ(ErrorOf("name: g\nservices: {}\nworkload: {entry: svc-0}\n"),
            "t.yaml:2:11: services: expected a non-empty sequence of services (- name: ...), got a mapping "
            "(or a mapping {generate: {...}} for a generated call graph)");
  EXPECT_EQ(ErrorOf("name: g\nservices: {svc-0: {work: 1ms}}\nworkload: {entry: svc-0}\n"),
            "t.yaml:2:11: services: expected a non-empty sequence of services (- name: ...), got a mapping "
            "(or a mapping {generate: {...}} for a generated call graph)");
  EXPECT_EQ(ErrorOf("name: g\nservices: {generate: {services: 3}, count: 3}\nworkload: {entry: svc-0}\n"),
            "t.yaml:2:37: services.count: unknown key 'count'; allowed keys: generate");
  EXPECT_EQ(ErrorOf("name: g\nservices:\n  generate:\nworkload: {entry: svc-0}\n"),
            "t.yaml:3:3: services.generate.services: required (how many services to generate, e.g. 100)");
  EXPECT_EQ(ErrorOf("name: g\nservices: {generate: 100}\nworkload: {entry: svc-0}\n"),
            "t.yaml:2:22: services.generate: expected a mapping with keys services, depth, fan_out, "
            "calls_per_edge, work, work_spread, error_rate, host_speed, request_bytes, response_bytes, seed, "
            "name_prefix, concurrency, attributes_per_span, async, replicas, got 100");
  // The entry must be written and name a generated service.
  EXPECT_THAT(ErrorOf("name: g\nservices: {generate: {services: 3}}\nworkload: {entry: api}\n"),
              HasSubstr("t.yaml:3:19: workload.entry: expected the name of a service (one of svc-0, svc-1, "
                        "svc-2), got 'api'"));
  // Several mistakes: each one reported.
  const std::string many = ErrorOf(Gen("    services: 0\n    fan_out: 0\n    work_spread: -1\n"));
  EXPECT_THAT(many, HasSubstr("services.generate.services"));
  EXPECT_THAT(many, HasSubstr("services.generate.fan_out"));
  EXPECT_THAT(many, HasSubstr("services.generate.work_spread"));
}

}  // namespace
}  // namespace tracesim::scenario
