#include "tracesim/pipeline/trace_analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

const TraceId kTrace{0xAB, 0xCD};

SpanData S(uint64_t id, uint64_t parent, int64_t start, int64_t end, ServiceId service = 0,
           SpanKind kind = SpanKind::kInternal, SpanStatus status = SpanStatus::kUnset) {
  SpanData s;
  s.trace_id = kTrace;
  s.span_id = SpanId{id};
  s.parent_span_id = SpanId{parent};
  s.start = FromNanos(start);
  s.end = FromNanos(end);
  s.service = service;
  s.kind = kind;
  s.status = status;
  return s;
}

AssembledTrace Assemble(const std::vector<SpanData>& spans) {
  auto t = AssembleTrace(spans);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

std::vector<uint64_t> Ids(const AssembledTrace& t, const std::vector<size_t>& idx) {
  std::vector<uint64_t> ids;
  for (size_t i : idx) ids.push_back(t.spans[i].span_id.value);
  return ids;
}

// (span id, start, end) of each section.
std::vector<std::tuple<uint64_t, int64_t, int64_t>> Sections(const std::vector<CriticalPathSection>& cp) {
  std::vector<std::tuple<uint64_t, int64_t, int64_t>> out;
  for (const auto& s : cp) out.emplace_back(s.span_id.value, ToNanos(s.start), ToNanos(s.end));
  return out;
}

TEST(TraceAnalysisTest, AssemblesTreeRootsOrphansAndDuplicates) {
  const std::vector<SpanData> spans{
      S(5, 1, 30, 40),  S(1, 0, 0, 100),  S(2, 1, 10, 50),
      S(3, 2, 20, 30),  S(7, 99, 60, 70),  // parent 99 missing
      S(8, 99, 61, 65),                    // same missing parent
      S(9, 98, 62, 63),                    // another missing parent
      S(2, 1, 10, 50),                     // a duplicate of span 2 (exporter retry)
  };
  const AssembledTrace t = Assemble(spans);
  ASSERT_EQ(t.spans.size(), 7u);
  EXPECT_EQ(t.duplicates, 1u);
  EXPECT_EQ(Ids(t, t.roots), (std::vector<uint64_t>{1}));
  EXPECT_EQ(Ids(t, t.orphans), (std::vector<uint64_t>{7, 8, 9}));
  EXPECT_EQ(t.missing_parents, 2u);
  const size_t root = t.roots[0];
  EXPECT_EQ(Ids(t, t.children[root]), (std::vector<uint64_t>{2, 5}));  // by start
  EXPECT_EQ(Ids(t, t.Tops()), (std::vector<uint64_t>{1, 7, 8, 9}));
  const TraceCompleteness c = CheckCompleteness(t);
  EXPECT_FALSE(c.complete);
  EXPECT_EQ(c.missing_parents, 2u);
  EXPECT_EQ(c.roots, 1u);

  const TraceCompleteness whole = CheckCompleteness(Assemble({S(1, 0, 0, 10), S(2, 1, 1, 5)}));
  EXPECT_TRUE(whole.complete);
  EXPECT_EQ(whole.roots, 1u);
  const TraceCompleteness two_roots = CheckCompleteness(Assemble({S(1, 0, 0, 10), S(2, 0, 1, 5)}));
  EXPECT_FALSE(two_roots.complete);
  EXPECT_EQ(two_roots.roots, 2u);
  EXPECT_FALSE(CheckCompleteness(Assemble({})).complete);

  std::vector<SpanData> mixed{S(1, 0, 0, 10), S(2, 1, 1, 5)};
  mixed[1].trace_id = TraceId{1, 1};
  EXPECT_EQ(AssembleTrace(mixed).status().code(), StatusCode::kInvalidArgument);
}

TEST(TraceAnalysisTest, ParentCyclesAreCutSoTheResultIsAForest) {
  // 1 -> 2 -> 3 -> 1 (a cycle), 4 below 3, 5 its own parent, 6 a real root.
  const AssembledTrace t =
      Assemble({S(1, 3, 0, 10), S(2, 1, 1, 9), S(3, 2, 2, 8), S(4, 3, 3, 7), S(5, 5, 4, 6), S(6, 0, 5, 6)});
  EXPECT_EQ(t.cycle_links_cut, 2u);
  EXPECT_EQ(Ids(t, t.orphans), (std::vector<uint64_t>{1, 5}));  // the earliest span of each cycle
  EXPECT_EQ(Ids(t, t.roots), (std::vector<uint64_t>{6}));
  // Every span reaches a top through parent links.
  for (size_t i = 0; i < t.spans.size(); ++i) {
    size_t j = i, steps = 0;
    while (t.parent[j] != kNoSpan && steps <= t.spans.size()) j = t.parent[j], ++steps;
    EXPECT_LE(steps, t.spans.size());
  }
  EXPECT_FALSE(CheckCompleteness(t).complete);
  EXPECT_FALSE(CriticalPath(t).empty());  // terminates
}

TEST(TraceAnalysisTest, CriticalPathOfJaegersExample) {
  // |-------------A(0..100)---------------|
  //    |--B(10..40)--|    |--C(50..80)--|
  //        |D(15..30)|
  const AssembledTrace t = Assemble({S(1, 0, 0, 100), S(2, 1, 10, 40), S(3, 1, 50, 80), S(4, 2, 15, 30)});
  EXPECT_EQ(Sections(CriticalPath(t)), (std::vector<std::tuple<uint64_t, int64_t, int64_t>>{
                                           {1, 0, 10},
                                           {2, 10, 15},
                                           {4, 15, 30},
                                           {2, 30, 40},
                                           {1, 40, 50},
                                           {3, 50, 80},
                                           {1, 80, 100},
                                       }));
}

TEST(TraceAnalysisTest, CriticalPathPicksTheLastFinishingChildAndSkipsOverlappedOnes) {
  // Parallel children: B ends last, so C (which overlaps B) is not on the path;
  // E ends before B starts and is.
  const AssembledTrace t = Assemble({S(1, 0, 0, 100), S(2, 1, 30, 90), S(3, 1, 20, 60), S(5, 1, 5, 25)});
  EXPECT_EQ(Sections(CriticalPath(t)), (std::vector<std::tuple<uint64_t, int64_t, int64_t>>{
                                           {1, 0, 5},
                                           {5, 5, 25},
                                           {1, 25, 30},
                                           {2, 30, 90},
                                           {1, 90, 100},
                                       }));
}

TEST(TraceAnalysisTest, CriticalPathClipsOverflowingChildrenAndDropsAsyncOnes) {
  const AssembledTrace t = Assemble({
      S(1, 0, 100, 200), S(2, 1, 150, 260),       // ends after the parent: clipped to 200
      S(3, 2, 240, 250),                          // inside the unclipped 2 only: dropped
      S(4, 1, 50, 120),                           // starts before the parent: clipped to 100
      S(5, 1, 300, 310),                          // after the parent: dropped
      S(6, 1, 110, 190, 0, SpanKind::kProducer),  // asynchronous: not blocking
      S(7, 0, 500, 510),                          // a second root
  });
  EXPECT_EQ(Sections(CriticalPath(t)), (std::vector<std::tuple<uint64_t, int64_t, int64_t>>{
                                           {4, 100, 120},
                                           {1, 120, 150},
                                           {2, 150, 200},
                                           {7, 500, 510},
                                       }));
}

// Random well-formed trees: the critical path tiles [root start, root end].
TEST(TraceAnalysisTest, CriticalPathTilesTheRootOnRandomTrees) {
  Rng rng(17);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<SpanData> spans{S(1, 0, 0, 1000 + static_cast<int64_t>(rng.Uniform(1000)))};
    const size_t n = 1 + rng.Uniform(40);
    for (size_t i = 0; i < n; ++i) {
      const SpanData& p = spans[rng.Uniform(spans.size())];
      const int64_t ps = ToNanos(p.start), pe = ToNanos(p.end);
      // Children sometimes overflow the parent, which the algorithm clips.
      const int64_t a = ps - 50 + static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(pe - ps + 100)));
      const int64_t b = a + static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(pe - ps + 1)));
      spans.push_back(S(i + 2, p.span_id.value, a, b));
    }
    const AssembledTrace t = Assemble(spans);
    const auto cp = CriticalPath(t);
    ASSERT_FALSE(cp.empty());
    EXPECT_EQ(ToNanos(cp.front().start), 0);
    EXPECT_EQ(cp.back().end, spans[0].end);
    for (size_t k = 0; k < cp.size(); ++k) {
      EXPECT_LT(cp[k].start, cp[k].end);
      if (k > 0) {
        EXPECT_EQ(cp[k].start, cp[k - 1].end) << "trial " << trial;  // contiguous, no overlap
      }
      // Each section lies inside its span.
      EXPECT_GE(cp[k].start, t.spans[cp[k].span].start);
      EXPECT_LE(cp[k].end, t.spans[cp[k].span].end);
    }
  }
}

TEST(TraceAnalysisTest, DependencyGraphCountsCallsLikeJaeger) {
  // frontend(1) -server-> client to api(2) -> api server -> client to db(3) -> db server; an internal span.
  std::vector<SpanData> spans{
      S(1, 0, 0, 100, 1, SpanKind::kServer),
      S(2, 1, 5, 90, 1, SpanKind::kClient),
      S(3, 2, 6, 89, 2, SpanKind::kServer, SpanStatus::kError),
      S(4, 3, 10, 20, 2, SpanKind::kClient),
      S(5, 4, 11, 19, 3, SpanKind::kServer),
      S(6, 3, 30, 40, 2, SpanKind::kClient),
      S(7, 6, 31, 39, 3, SpanKind::kServer),
      S(8, 3, 50, 60, 2, SpanKind::kInternal),
      S(9, 77, 50, 60, 3, SpanKind::kServer),  // orphan: no edge
  };
  const AssembledTrace t = Assemble(spans);
  ServiceDependencyGraph g;
  std::vector<double> weights(t.spans.size(), 4.0);
  ASSERT_TRUE(g.AddTrace(t, weights).ok());
  const auto edges = g.Edges();
  ASSERT_EQ(edges.size(), 4u);  // 1->1, 1->2, 2->2, 2->3
  const ServiceEdge* fe_api = g.Edge(1, 2);
  ASSERT_NE(fe_api, nullptr);
  EXPECT_EQ(fe_api->calls, 1u);
  EXPECT_EQ(fe_api->errors, 1u);
  EXPECT_DOUBLE_EQ(fe_api->adjusted_calls, 4.0);
  EXPECT_DOUBLE_EQ(fe_api->adjusted_errors, 4.0);
  EXPECT_EQ(g.Edge(2, 3)->calls, 2u);
  EXPECT_EQ(g.Edge(2, 2)->calls, 3u);  // api server -> its two clients and its internal span
  EXPECT_EQ(g.Edge(1, 1)->calls, 1u);
  EXPECT_EQ(g.Edge(3, 2), nullptr);
  EXPECT_FALSE(g.VertexOf(9).has_value());
  EXPECT_EQ(boost::num_vertices(g.graph()), 3u);
  const auto order = g.TopologicalOrder();
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order.value(), (std::vector<ServiceId>{1, 2, 3}));

  ServiceDependencyGraph no_self(DependencyOptions{.skip_self_calls = true});
  ASSERT_TRUE(no_self.AddTrace(t).ok());
  EXPECT_EQ(no_self.Edges().size(), 2u);
  EXPECT_DOUBLE_EQ(no_self.Edge(2, 3)->adjusted_calls, 2.0);  // unweighted: 1 per call

  EXPECT_EQ(g.AddTrace(t, std::vector<double>{1.0}).code(), StatusCode::kInvalidArgument);
  std::vector<double> bad(t.spans.size(), 1.0);
  bad[2] = 0;
  EXPECT_EQ(g.AddTrace(t, bad).code(), StatusCode::kInvalidArgument);
  bad[2] = NAN;
  EXPECT_EQ(g.AddTrace(t, bad).code(), StatusCode::kInvalidArgument);

  // A cycle between services is reported.
  ServiceDependencyGraph cyclic;
  ASSERT_TRUE(cyclic.AddTrace(Assemble({S(1, 0, 0, 10, 5), S(2, 1, 1, 9, 6), S(3, 2, 2, 8, 5)})).ok());
  const auto cyc = cyclic.TopologicalOrder();
  EXPECT_EQ(cyc.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(cyc.status().message().find("cycle"), std::string::npos);
}

TEST(TraceAnalysisTest, DependencyGraphMatchesBruteForceOnRandomTraces) {
  Rng rng(23);
  ServiceDependencyGraph g;
  std::map<std::pair<ServiceId, ServiceId>, std::pair<uint64_t, double>> expected;
  for (int trace = 0; trace < 200; ++trace) {
    std::vector<SpanData> spans;
    for (uint64_t i = 1; i <= 1 + rng.Uniform(15); ++i) {
      const uint64_t parent = i == 1 ? 0 : (rng.Uniform(10) == 0 ? 1000 + i : 1 + rng.Uniform(i - 1));
      spans.push_back(S(i, parent, static_cast<int64_t>(i), 100, static_cast<ServiceId>(rng.Uniform(6))));
    }
    std::vector<double> w;
    const AssembledTrace t = Assemble(spans);
    for (size_t i = 0; i < t.spans.size(); ++i) w.push_back(1.0 + static_cast<double>(rng.Uniform(4)));
    ASSERT_TRUE(g.AddTrace(t, w).ok());
    std::map<uint64_t, const SpanData*> by_id;
    for (const SpanData& s : t.spans) by_id[s.span_id.value] = &s;
    for (size_t i = 0; i < t.spans.size(); ++i) {
      auto it = by_id.find(t.spans[i].parent_span_id.value);
      if (!t.spans[i].parent_span_id.IsValid() || it == by_id.end()) continue;
      auto& e = expected[{it->second->service, t.spans[i].service}];
      ++e.first;
      e.second += w[i];
    }
  }
  const auto edges = g.Edges();
  ASSERT_EQ(edges.size(), expected.size());
  for (const auto& e : edges) {
    const auto& want = expected.at({e.caller, e.callee});
    EXPECT_EQ(e.edge.calls, want.first);
    EXPECT_DOUBLE_EQ(e.edge.adjusted_calls, want.second);
  }
}

TEST(TraceAnalysisTest, RedMetricsOnAHandBuiltSet) {
  std::vector<SpanData> spans;
  // Service 1: 4 server spans of 10, 20, 30, 40 ns, one error; service 2: a root internal span.
  for (int i = 1; i <= 4; ++i) {
    spans.push_back(
        S(i, 100, 0, 10 * i, 1, SpanKind::kServer, i == 4 ? SpanStatus::kError : SpanStatus::kOk));
  }
  spans.push_back(S(9, 0, 0, 7, 2, SpanKind::kInternal));
  spans.push_back(S(10, 9, 0, 7, 2, SpanKind::kClient));  // not an entry span
  const std::vector<double> weights{1, 1, 1, 5, 2, 1};
  const auto red = ComputeRedMetrics(spans, weights, std::chrono::seconds(2));
  ASSERT_TRUE(red.ok());
  ASSERT_EQ(red->size(), 2u);
  const ServiceRed& a = (*red)[0];
  EXPECT_EQ(a.service, 1u);
  EXPECT_EQ(a.spans, 4u);
  EXPECT_DOUBLE_EQ(a.requests, 8.0);
  EXPECT_DOUBLE_EQ(a.errors, 5.0);
  EXPECT_DOUBLE_EQ(a.rate_per_second, 4.0);
  EXPECT_DOUBLE_EQ(a.error_rate, 5.0 / 8.0);
  EXPECT_EQ(a.p50, Duration(40));  // the 40 ns span carries 5 of the 8 weight
  EXPECT_EQ(a.p99, Duration(40));
  const ServiceRed& b = (*red)[1];
  EXPECT_EQ(b.spans, 1u);
  EXPECT_DOUBLE_EQ(b.requests, 2.0);
  EXPECT_EQ(b.p50, Duration(7));
  // Counting every span.
  const auto all =
      ComputeRedMetrics(spans, {}, std::chrono::seconds(1), RedOptions{.entry_spans_only = false});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[1].spans, 2u);
  EXPECT_EQ((*all)[0].p50, Duration(20));  // unweighted: 10 20 | 30 40
  // Bad inputs.
  EXPECT_EQ(ComputeRedMetrics(spans, weights, Duration(0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeRedMetrics(spans, std::vector<double>{1}, std::chrono::seconds(1)).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<double> negative = weights;
  negative[0] = -1;
  EXPECT_EQ(ComputeRedMetrics(spans, negative, std::chrono::seconds(1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ComputeRedMetrics({}, {}, std::chrono::seconds(1))->empty());
}

// Integer weights are equivalent to replicating each span that many times.
TEST(TraceAnalysisTest, WeightedRedEqualsReplicatedUnweightedRed) {
  Rng rng(29);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<SpanData> spans, replicated;
    std::vector<double> weights;
    for (int i = 0; i < 1 + static_cast<int>(rng.Uniform(60)); ++i) {
      SpanData s = S(static_cast<uint64_t>(i + 1), 0, 0, static_cast<int64_t>(rng.Uniform(1000)),
                     static_cast<ServiceId>(rng.Uniform(3)), SpanKind::kServer,
                     rng.Uniform(4) == 0 ? SpanStatus::kError : SpanStatus::kUnset);
      const uint64_t w = 1 + rng.Uniform(5);
      for (uint64_t k = 0; k < w; ++k) replicated.push_back(s);
      weights.push_back(static_cast<double>(w));
      spans.push_back(s);
    }
    const auto weighted = ComputeRedMetrics(spans, weights, std::chrono::seconds(10)).value();
    const auto plain = ComputeRedMetrics(replicated, {}, std::chrono::seconds(10)).value();
    ASSERT_EQ(weighted.size(), plain.size());
    for (size_t k = 0; k < plain.size(); ++k) {
      EXPECT_DOUBLE_EQ(weighted[k].requests, plain[k].requests);
      EXPECT_DOUBLE_EQ(weighted[k].errors, plain[k].errors);
      EXPECT_DOUBLE_EQ(weighted[k].rate_per_second, plain[k].rate_per_second);
      EXPECT_EQ(weighted[k].p50, plain[k].p50);
      EXPECT_EQ(weighted[k].p99, plain[k].p99);
      // Nearest rank on the replicated multiset, by brute force.
      std::vector<int64_t> d;
      for (const SpanData& s : replicated) {
        if (s.service == plain[k].service) d.push_back(s.duration().count());
      }
      std::sort(d.begin(), d.end());
      const auto rank = [&](double q) {
        return d[static_cast<size_t>(std::ceil(q * static_cast<double>(d.size()))) - 1];
      };
      EXPECT_EQ(plain[k].p50.count(), rank(0.50));
      EXPECT_EQ(plain[k].p99.count(), rank(0.99));
    }
  }
}

}  // namespace
}  // namespace tracesim::pipeline
