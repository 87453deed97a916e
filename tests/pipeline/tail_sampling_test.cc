#include "tracesim/pipeline/tail_sampling.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/interner.h"

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TailSamplingPolicyConfig Policy(std::string name, std::string type) {
  TailSamplingPolicyConfig p;
  p.name = std::move(name);
  p.type = std::move(type);
  return p;
}

TailSamplingPolicyConfig ErrorsPolicy() {
  auto p = Policy("errors", "status_code");
  p.status_code.status_codes = {"ERROR"};
  return p;
}

class TailSamplingTest : public ::testing::Test {
 protected:
  SpanData Span(uint64_t trace, SpanStatus status = SpanStatus::kUnset) {
    SpanData s;
    s.trace_id = TraceId{0, trace};
    s.span_id = SpanId{++next_span_};
    s.start = FromNanos(1000);
    s.end = FromNanos(2000);
    s.status = status;
    return s;
  }
  std::unique_ptr<TailSamplingProcessor> Make(TailSamplingConfig c) {
    auto p = TailSamplingProcessor::Create(std::move(c), &interner_, &drops_, kTimeZero);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return std::move(p).value();
  }
  void Send(TailSamplingProcessor& p, std::vector<SpanData> spans, TimePoint now) {
    ASSERT_TRUE(p.Consume(spans, now, out_).ok());
    EXPECT_TRUE(spans.empty());
  }
  // Fires every tick up to and including `until`.
  void RunUntil(TailSamplingProcessor& p, TimePoint until) {
    while (p.NextDeadline() <= until) p.OnTimer(p.NextDeadline(), out_);
  }
  size_t OutSpans() const {
    size_t n = 0;
    for (const auto& b : out_) n += b.size();
    return n;
  }

  Interner interner_;
  CountingDropObserver drops_;
  std::vector<SpanBatch> out_;
  uint64_t next_span_ = 0;
};

TEST_F(TailSamplingTest, DecisionAtFirstTickAfterArrivalPlusDecisionWait) {
  TailSamplingConfig c;
  c.decision_wait = seconds(5);
  c.policies = {Policy("all", "always_sample")};
  auto p = Make(c);
  EXPECT_EQ(p->NextDeadline(), FromNanos(1'000'000'000));
  // Arrives at 2.5 s (during tick interval (2 s, 3 s]): decided at 3 + 5 = 8 s.
  RunUntil(*p, FromNanos(2'500'000'000));
  Send(*p, {Span(1), Span(1)}, FromNanos(2'500'000'000));
  EXPECT_EQ(p->held_spans(), 2u);
  EXPECT_GT(p->held_bytes(), 0u);
  RunUntil(*p, FromNanos(7'000'000'000));
  EXPECT_TRUE(out_.empty());
  EXPECT_EQ(p->sampled_traces(), 0u);
  RunUntil(*p, FromNanos(8'000'000'000));
  ASSERT_EQ(out_.size(), 1u);  // one batch per trace
  EXPECT_EQ(out_[0].size(), 2u);
  EXPECT_EQ(p->sampled_traces(), 1u);
  EXPECT_EQ(p->held_spans(), 0u);
  EXPECT_EQ(p->held_bytes(), 0u);
}

TEST_F(TailSamplingTest, ArrivalExactlyOnATickAfterItFiredIsDecidedOneTickLater) {
  TailSamplingConfig c;
  c.decision_wait = seconds(2);
  c.policies = {Policy("all", "always_sample")};
  auto p = Make(c);
  RunUntil(*p, FromNanos(3'000'000'000));  // tick at 3 s has fired
  Send(*p, {Span(1)}, FromNanos(3'000'000'000));
  RunUntil(*p, FromNanos(5'000'000'000));
  EXPECT_TRUE(out_.empty());
  RunUntil(*p, FromNanos(6'000'000'000));
  EXPECT_EQ(OutSpans(), 1u);
}

TEST_F(TailSamplingTest, SubSecondDecisionWaitUsesOneBatch) {
  TailSamplingConfig c;
  c.decision_wait = milliseconds(500);
  c.policies = {Policy("all", "always_sample")};
  auto p = Make(c);
  Send(*p, {Span(1)}, FromNanos(100'000'000));
  RunUntil(*p, FromNanos(1'000'000'000));
  EXPECT_TRUE(out_.empty());  // the pipe holds one (empty) batch ahead of it
  RunUntil(*p, FromNanos(2'000'000'000));
  EXPECT_EQ(OutSpans(), 1u);
}

TEST_F(TailSamplingTest, NotSampledSpansAreDroppedAsTailSampledOut) {
  TailSamplingConfig c;
  c.decision_wait = seconds(1);
  c.policies = {ErrorsPolicy()};
  auto p = Make(c);
  Send(*p, {Span(1), Span(1, SpanStatus::kError), Span(2), Span(2), Span(2)}, FromNanos(10));
  RunUntil(*p, FromNanos(2'000'000'000));
  EXPECT_EQ(OutSpans(), 2u);
  EXPECT_EQ(p->sampled_traces(), 1u);
  EXPECT_EQ(p->not_sampled_traces(), 1u);
  EXPECT_EQ(drops_.count(DropCause::kTailSampledOut), 3u);
}

TEST_F(TailSamplingTest, DroppedTooEarlyWhenNumTracesIsTooSmall) {
  TailSamplingConfig c;
  c.decision_wait = seconds(2);
  c.num_traces = 10;
  c.policies = {Policy("all", "always_sample")};
  auto p = Make(c);
  std::vector<SpanData> spans;
  for (uint64_t t = 1; t <= 15; ++t) {
    spans.push_back(Span(t));
    spans.push_back(Span(t));
  }
  Send(*p, spans, FromNanos(10));
  // Traces 1..5 were evicted undecided when 11..15 arrived.
  EXPECT_EQ(drops_.count(DropCause::kDroppedTooEarly), 10u);
  EXPECT_EQ(p->evicted_undecided_traces(), 5u);
  EXPECT_EQ(p->dropped_too_early_spans(), 10u);
  EXPECT_EQ(p->traces_on_map(), 10u);
  EXPECT_EQ(p->held_spans(), 20u);
  RunUntil(*p, FromNanos(3'000'000'000));
  EXPECT_EQ(p->dropped_too_early(), 5u);  // the Collector's metric: counted when their batch is due
  EXPECT_EQ(p->sampled_traces(), 10u);
  EXPECT_EQ(OutSpans(), 20u);
  EXPECT_EQ(out_.size(), 10u);
}

TEST_F(TailSamplingTest, LateSpansFollowTheDecisionWhileTheTraceIsOnTheMap) {
  TailSamplingConfig c;
  c.decision_wait = seconds(1);
  c.policies = {ErrorsPolicy()};
  auto p = Make(c);
  Send(*p, {Span(1, SpanStatus::kError), Span(2)}, FromNanos(10));
  RunUntil(*p, FromNanos(2'000'000'000));
  ASSERT_EQ(OutSpans(), 1u);
  EXPECT_EQ(drops_.count(DropCause::kTailSampledOut), 1u);
  out_.clear();
  // Late spans: trace 1 was sampled -> emitted at once; trace 2 was not -> dropped; even though
  // the late span of trace 2 is an error, the decision stands.
  Send(*p, {Span(1), Span(1), Span(2, SpanStatus::kError)}, FromNanos(2'100'000'000));
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0].size(), 2u);
  EXPECT_EQ(drops_.count(DropCause::kTailSampledOut), 2u);
  EXPECT_EQ(p->late_spans(), 3u);
  EXPECT_EQ(p->held_spans(), 0u);
  EXPECT_EQ(p->new_traces(), 2u);
}

TEST_F(TailSamplingTest, WithoutDecisionCacheAnEvictedDecidedTraceStartsOver) {
  TailSamplingConfig c;
  c.decision_wait = seconds(1);
  c.num_traces = 1;
  c.policies = {Policy("all", "always_sample")};
  auto p = Make(c);
  Send(*p, {Span(1)}, FromNanos(10));
  RunUntil(*p, FromNanos(2'000'000'000));
  Send(*p, {Span(2)}, FromNanos(2'100'000'000));  // evicts decided trace 1 (no spans lost)
  EXPECT_EQ(drops_.total(), 0u);
  Send(*p, {Span(1)}, FromNanos(2'200'000'000));  // trace 1 is new again (and evicts trace 2)
  EXPECT_EQ(p->new_traces(), 3u);
  EXPECT_EQ(p->late_spans(), 0u);
  EXPECT_EQ(drops_.count(DropCause::kDroppedTooEarly), 1u);
}

TEST_F(TailSamplingTest, DecisionCachesKeepDecisionsAfterTheTraceLeavesTheMap) {
  TailSamplingConfig c;
  c.decision_wait = seconds(1);
  c.num_traces = 100;
  c.decision_cache.sampled_cache_size = 10;
  c.decision_cache.non_sampled_cache_size = 10;
  c.policies = {ErrorsPolicy()};
  auto p = Make(c);
  Send(*p, {Span(1, SpanStatus::kError), Span(2)}, FromNanos(10));
  RunUntil(*p, FromNanos(2'000'000'000));
  EXPECT_EQ(p->traces_on_map(), 0u);  // released into the caches
  out_.clear();
  Send(*p, {Span(1), Span(2), Span(2)}, FromNanos(5'000'000'000));
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0].size(), 1u);
  EXPECT_EQ(drops_.count(DropCause::kTailSampledOut), 1u + 2u);
  EXPECT_EQ(p->late_spans(), 3u);
  EXPECT_EQ(p->traces_on_map(), 0u);
}

TEST_F(TailSamplingTest, DecisionCacheIsLru) {
  TailSamplingDecisionCache cache(2);
  cache.Put(TraceId{0, 1});
  cache.Put(TraceId{0, 2});
  EXPECT_TRUE(cache.Get(TraceId{0, 1}));  // 1 becomes most recent
  cache.Put(TraceId{0, 3});               // evicts 2
  EXPECT_TRUE(cache.Get(TraceId{0, 1}));
  EXPECT_FALSE(cache.Get(TraceId{0, 2}));
  EXPECT_TRUE(cache.Get(TraceId{0, 3}));
  EXPECT_TRUE(cache.Get(TraceId{7, 3}));  // keyed by the right half of the trace id
}

TEST_F(TailSamplingTest, FinalDecisionRules) {
  auto drop = Policy("drop-errors", "drop");
  drop.drop.drop_sub_policy = {ErrorsPolicy()};
  auto not_health = Policy("not-health", "string_attribute");
  not_health.string_attribute.key = "http.route";
  not_health.string_attribute.values = {"/health"};
  not_health.string_attribute.invert_match = true;
  auto errors = ErrorsPolicy();

  auto run = [&](std::vector<TailSamplingPolicyConfig> policies, std::vector<SpanData> spans) {
    TailSamplingConfig c;
    c.decision_wait = seconds(1);
    c.policies = std::move(policies);
    auto p = Make(c);
    Send(*p, std::move(spans), FromNanos(10));
    RunUntil(*p, FromNanos(2'000'000'000));
    return p->sampled_traces() == 1;
  };
  SpanData health = Span(1);
  health.attributes.push_back({interner_.Intern("http.route"), InternedString{interner_.Intern("/health")}});
  // drop beats sample.
  EXPECT_FALSE(run({Policy("all", "always_sample"), drop}, {Span(1, SpanStatus::kError)}));
  EXPECT_TRUE(run({Policy("all", "always_sample"), drop}, {Span(1)}));
  // inverted not-sample beats sample.
  EXPECT_FALSE(run({Policy("all", "always_sample"), not_health}, {health}));
  // inverted sample with a plain not-sample: not sampled; alone: sampled.
  EXPECT_FALSE(run({not_health, errors}, {Span(1)}));
  EXPECT_TRUE(run({not_health}, {Span(1)}));
  // sample beats not-sample.
  EXPECT_TRUE(run({errors, Policy("all", "always_sample")}, {Span(1)}));
  // nothing: not sampled.
  EXPECT_FALSE(run({errors}, {Span(1)}));
}

TEST_F(TailSamplingTest, DropStopsEvaluationSoLaterPoliciesKeepTheirBudget) {
  auto drop = Policy("drop-errors", "drop");
  drop.drop.drop_sub_policy = {ErrorsPolicy()};
  auto rl = Policy("rl", "rate_limiting");
  rl.rate_limiting.spans_per_second = 3;
  TailSamplingConfig c;
  c.decision_wait = seconds(1);
  c.policies = {drop, rl};
  auto p = Make(c);
  // Two error traces are dropped before reaching rate_limiting; the next two traces (1 span each)
  // fit its budget (1 < 3, 2 < 3); a third one would not (3 is not < 3).
  Send(*p, {Span(1, SpanStatus::kError), Span(2, SpanStatus::kError), Span(3), Span(4), Span(5)},
       FromNanos(10));
  RunUntil(*p, FromNanos(2'000'000'000));
  EXPECT_EQ(p->sampled_traces(), 2u);
  EXPECT_EQ(p->not_sampled_traces(), 3u);
}

TEST_F(TailSamplingTest, RateLimitingCapsSpansPerSecond) {
  auto rl = Policy("rl", "rate_limiting");
  rl.rate_limiting.spans_per_second = 10;
  TailSamplingConfig c;
  c.decision_wait = seconds(1);
  c.policies = {rl};
  auto p = Make(c);
  // 20 traces of 2 spans decided in the same tick: 2,4,6,8 < 10 sampled -> 4 traces.
  std::vector<SpanData> spans;
  for (uint64_t t = 1; t <= 20; ++t) {
    spans.push_back(Span(t));
    spans.push_back(Span(t));
  }
  Send(*p, spans, FromNanos(10));
  // And 20 more one second later.
  RunUntil(*p, FromNanos(1'000'000'000));
  spans.clear();
  for (uint64_t t = 21; t <= 40; ++t) {
    spans.push_back(Span(t));
    spans.push_back(Span(t));
  }
  Send(*p, spans, FromNanos(1'500'000'000));
  RunUntil(*p, FromNanos(3'000'000'000));
  EXPECT_EQ(p->sampled_traces(), 8u);
  EXPECT_EQ(OutSpans(), 16u);
  EXPECT_EQ(p->not_sampled_traces(), 32u);
}

TEST_F(TailSamplingTest, CompositeAllocationsThroughTheProcessor) {
  auto comp = Policy("composite", "composite");
  comp.composite.max_total_spans_per_second = 10;
  comp.composite.composite_sub_policy = {ErrorsPolicy(), Policy("rest", "always_sample")};
  comp.composite.policy_order = {"errors", "rest"};
  comp.composite.rate_allocation = {{"errors", 60}, {"rest", 40}};
  TailSamplingConfig c;
  c.decision_wait = seconds(1);
  c.policies = {comp};
  auto p = Make(c);
  std::vector<SpanData> spans;
  for (uint64_t t = 1; t <= 10; ++t) spans.push_back(Span(t, SpanStatus::kError));
  for (uint64_t t = 11; t <= 20; ++t) spans.push_back(Span(t));
  Send(*p, spans, FromNanos(10));
  RunUntil(*p, FromNanos(2'000'000'000));
  EXPECT_EQ(p->sampled_traces(), 6u + 4u);
}

TEST_F(TailSamplingTest, DrainAllReturnsHeldSpansAndResetsState) {
  TailSamplingConfig c;
  c.decision_wait = seconds(5);
  c.decision_cache.sampled_cache_size = 10;
  c.policies = {Policy("all", "always_sample")};
  auto p = Make(c);
  Send(*p, {Span(1), Span(2), Span(1)}, FromNanos(10));
  SpanBatch drained = p->DrainAll();
  EXPECT_EQ(drained.size(), 3u);
  EXPECT_EQ(p->held_spans(), 0u);
  EXPECT_EQ(p->held_bytes(), 0u);
  EXPECT_EQ(p->traces_on_map(), 0u);
  RunUntil(*p, FromNanos(10'000'000'000));
  EXPECT_TRUE(out_.empty());
  EXPECT_EQ(p->dropped_too_early(), 0u);  // the batcher was reset too
}

TEST_F(TailSamplingTest, ValidationNamesTheKey) {
  TailSamplingConfig c;
  EXPECT_EQ(ValidateTailSamplingConfig(c).message(), "tail_sampling.policies: required: at least one policy");
  auto lat = Policy("slow", "latency");
  lat.latency.threshold_ms = -5;
  c.policies = {Policy("all", "always_sample"), lat};
  Status s = ValidateTailSamplingConfig(c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "tail_sampling.policies[1].latency.threshold_ms: expected >= 0, got -5");

  c.policies = {Policy("x", "bogus")};
  EXPECT_NE(ValidateTailSamplingConfig(c).message().find(
                "tail_sampling.policies[0].type: unknown sampling policy type \"bogus\""),
            std::string::npos);
  c.policies = {Policy("x", "ottl_condition")};
  EXPECT_NE(ValidateTailSamplingConfig(c).message().find("not supported"), std::string::npos);
  c.policies = {Policy("x", "always_sample"), Policy("x", "always_sample")};
  EXPECT_EQ(ValidateTailSamplingConfig(c).message(),
            "tail_sampling.policies[1].name: duplicate policy name \"x\"");

  auto comp = Policy("c", "composite");
  comp.composite.max_total_spans_per_second = 100;
  comp.composite.composite_sub_policy = {Policy("a", "always_sample"), Policy("b", "always_sample")};
  comp.composite.rate_allocation = {{"a", 60}, {"b", 50}};
  c.policies = {comp};
  EXPECT_EQ(ValidateTailSamplingConfig(c).message(),
            "tail_sampling.policies[0].composite.rate_allocation: percents add up to 110, expected <= 100");
  comp.composite.rate_allocation = {{"a", 60}, {"zz", 10}};
  c.policies = {comp};
  EXPECT_EQ(ValidateTailSamplingConfig(c).message(),
            "tail_sampling.policies[0].composite.rate_allocation[1].policy: unknown sub-policy \"zz\"");
  comp.composite.rate_allocation = {};
  comp.composite.policy_order = {"a", "nope"};
  c.policies = {comp};
  EXPECT_EQ(ValidateTailSamplingConfig(c).message(),
            "tail_sampling.policies[0].composite.policy_order[1]: unknown sub-policy \"nope\"");

  auto and_p = Policy("and", "and");
  and_p.and_.and_sub_policy = {Policy("inner", "composite")};
  c.policies = {and_p};
  EXPECT_EQ(
      ValidateTailSamplingConfig(c).message(),
      "tail_sampling.policies[0].and.and_sub_policy[0].type: policy type \"composite\" is not allowed in "
      "and_sub_policy");

  auto sc = Policy("s", "status_code");
  sc.status_code.status_codes = {"ERROR", "BAD"};
  c.policies = {sc};
  EXPECT_EQ(
      ValidateTailSamplingConfig(c).message(),
      "tail_sampling.policies[0].status_code.status_codes[1]: unknown status code \"BAD\", supported: OK, "
      "ERROR, UNSET");
  auto re = Policy("r", "string_attribute");
  re.string_attribute.key = "k";
  re.string_attribute.values = {"(unclosed"};
  re.string_attribute.enabled_regex_matching = true;
  c.policies = {re};
  EXPECT_NE(
      ValidateTailSamplingConfig(c).message().find("tail_sampling.policies[0].string_attribute.values[0]: "
                                                   "invalid regular expression"),
      std::string::npos);
  auto num = Policy("n", "numeric_attribute");
  num.numeric_attribute.key = "k";
  c.policies = {num};
  EXPECT_EQ(
      ValidateTailSamplingConfig(c).message(),
      "tail_sampling.policies[0].numeric_attribute: at least one of min_value or max_value must be set");

  c.policies = {Policy("all", "always_sample")};
  c.num_traces = 0;
  EXPECT_EQ(ValidateTailSamplingConfig(c).message(), "tail_sampling.num_traces: expected > 0, got 0");
  c.num_traces = 5;
  EXPECT_TRUE(ValidateTailSamplingConfig(c).ok());
  EXPECT_FALSE(TailSamplingProcessor::Create(c, nullptr, nullptr, kTimeZero).ok());
}

}  // namespace
}  // namespace tracesim::pipeline
