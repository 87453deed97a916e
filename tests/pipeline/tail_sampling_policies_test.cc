#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/tail_sampling_policy.h"

namespace tracesim::pipeline {
namespace {

using D = TailSamplingDecision;

class PolicyTest : public ::testing::Test {
 protected:
  SpanData Span(int64_t start_ms, int64_t end_ms, SpanStatus status = SpanStatus::kUnset) {
    SpanData s;
    s.trace_id = TraceId{1, 2};
    s.span_id = SpanId{++next_span_};
    s.start = FromNanos(start_ms * 1000000);
    s.end = FromNanos(end_ms * 1000000);
    s.status = status;
    s.service = interner_.Intern("frontend");
    return s;
  }
  void AddInt(SpanData& s, const std::string& key, int64_t v) {
    s.attributes.push_back({interner_.Intern(key), v});
  }
  void AddBool(SpanData& s, const std::string& key, bool v) {
    s.attributes.push_back({interner_.Intern(key), v});
  }
  void AddStr(SpanData& s, const std::string& key, const std::string& v) {
    s.attributes.push_back({interner_.Intern(key), InternedString{interner_.Intern(v)}});
  }
  TailSamplingTrace Trace(std::vector<SpanData> spans) {
    TailSamplingTrace t;
    t.trace_id = TraceId{1, 2};
    t.span_count = static_cast<int64_t>(spans.size());
    t.spans = std::move(spans);
    return t;
  }
  std::unique_ptr<TailSamplingPolicy> Make(const TailSamplingPolicyConfig& c) {
    auto p = MakeTailSamplingPolicy(c, &interner_);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(p).value() : nullptr;
  }
  static TailSamplingPolicyConfig Cfg(std::string type, std::string name = "p") {
    TailSamplingPolicyConfig c;
    c.name = std::move(name);
    c.type = std::move(type);
    return c;
  }

  Interner interner_;
  uint64_t next_span_ = 0;
  TimePoint now_ = FromNanos(10'000'000'000);
};

TEST_F(PolicyTest, AlwaysSample) {
  EXPECT_EQ(Make(Cfg("always_sample"))->Evaluate(Trace({Span(1, 2)}), now_), D::kSampled);
}

TEST_F(PolicyTest, LatencyLowerBoundInclusiveWithoutUpper) {
  auto c = Cfg("latency");
  c.latency.threshold_ms = 500;
  auto p = Make(c);
  // Trace duration = latest end - earliest start over all spans: 1000..1500 = 500 ms.
  EXPECT_EQ(p->Evaluate(Trace({Span(1000, 1200), Span(1100, 1500)}), now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(Trace({Span(1000, 1200), Span(1100, 1499)}), now_), D::kNotSampled);
}

TEST_F(PolicyTest, LatencyWithUpperBoundIsExclusiveBelowInclusiveAbove) {
  auto c = Cfg("latency");
  c.latency.threshold_ms = 500;
  c.latency.upper_threshold_ms = 1000;
  auto p = Make(c);
  EXPECT_EQ(p->Evaluate(Trace({Span(1000, 1500)}), now_), D::kNotSampled);  // 500: not > 500
  EXPECT_EQ(p->Evaluate(Trace({Span(1000, 1501)}), now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(Trace({Span(1000, 2000)}), now_), D::kSampled);  // 1000 <= upper
  EXPECT_EQ(p->Evaluate(Trace({Span(1000, 2001)}), now_), D::kNotSampled);
  // Checked after each span: the running duration was 600 ms after the first span.
  EXPECT_EQ(p->Evaluate(Trace({Span(1000, 1600), Span(1000, 3000)}), now_), D::kSampled);
}

TEST_F(PolicyTest, NumericAttributeRangeAndInvert) {
  auto c = Cfg("numeric_attribute");
  c.numeric_attribute.key = "http.status_code";
  c.numeric_attribute.min_value = 400;
  c.numeric_attribute.max_value = 599;
  SpanData err = Span(1, 2), ok = Span(1, 2), dbl = Span(1, 2);
  AddInt(err, "http.status_code", 503);
  AddInt(ok, "http.status_code", 200);
  dbl.attributes.push_back({interner_.Intern("http.status_code"), 503.0});  // Int() of a double = 0
  auto p = Make(c);
  EXPECT_EQ(p->Evaluate(Trace({ok, err}), now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(Trace({ok}), now_), D::kNotSampled);
  EXPECT_EQ(p->Evaluate(Trace({dbl}), now_), D::kNotSampled);
  c.numeric_attribute.invert_match = true;
  auto inv = Make(c);
  EXPECT_EQ(inv->Evaluate(Trace({ok, err}), now_), D::kInvertNotSampled);
  EXPECT_EQ(inv->Evaluate(Trace({ok}), now_), D::kInvertSampled);
  EXPECT_EQ(inv->Evaluate(Trace({Span(1, 2)}), now_), D::kInvertSampled);  // key absent
}

TEST_F(PolicyTest, NumericAttributeOpenBound) {
  auto c = Cfg("numeric_attribute");
  c.numeric_attribute.key = "retries";
  c.numeric_attribute.min_value = 3;  // no max: up to INT64_MAX
  SpanData s = Span(1, 2);
  AddInt(s, "retries", 1000000);
  EXPECT_EQ(Make(c)->Evaluate(Trace({s}), now_), D::kSampled);
}

TEST_F(PolicyTest, ProbabilisticHashAndThresholdKnownVectors) {
  // FNV-1a 64 of ("default-hash-seed" || 4bf92f3577b34da6a3ce929d0e0e4736), and of 16 zero bytes.
  const TraceId tid = *TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(TailSamplingHashTraceId("default-hash-seed", tid), 0xa54533ba2e4970b5ULL);
  EXPECT_EQ(TailSamplingHashTraceId("", TraceId{0, 0}), 0x88201fb960ff6465ULL);
  // calculateThreshold: (2^64-1)*ratio rounded to 64 significant bits, truncated.
  EXPECT_EQ(TailSamplingProbabilisticThreshold(0.5), 9223372036854775807ULL);
  EXPECT_EQ(TailSamplingProbabilisticThreshold(0.1), 1844674407370955263ULL);
  EXPECT_EQ(TailSamplingProbabilisticThreshold(0.01), 184467440737095519ULL);
  EXPECT_EQ(TailSamplingProbabilisticThreshold(1.0 / 3), 6148914691236516863ULL);
  EXPECT_EQ(TailSamplingProbabilisticThreshold(0.999), 18428297329635842047ULL);
  EXPECT_EQ(TailSamplingProbabilisticThreshold(1.0), ~uint64_t{0});
  EXPECT_EQ(TailSamplingProbabilisticThreshold(2.0), ~uint64_t{0});
  EXPECT_EQ(TailSamplingProbabilisticThreshold(0.0), 0u);
  // 0xa54533ba2e4970b5 > 0.5 * 2^64: not sampled at 50 %, sampled at 70 %.
  auto c = Cfg("probabilistic");
  c.probabilistic.sampling_percentage = 50;
  TailSamplingTrace t = Trace({Span(1, 2)});
  t.trace_id = tid;
  EXPECT_EQ(Make(c)->Evaluate(t, now_), D::kNotSampled);
  c.probabilistic.sampling_percentage = 70;
  EXPECT_EQ(Make(c)->Evaluate(t, now_), D::kSampled);
}

TEST_F(PolicyTest, ProbabilisticKeepsRatioOverAMillionTraceIds) {
  for (double pct : {1.0, 10.0, 33.0}) {
    auto c = Cfg("probabilistic");
    c.probabilistic.sampling_percentage = pct;
    c.probabilistic.hash_salt = "salt-" + std::to_string(static_cast<int>(pct));
    auto p = Make(c);
    Rng rng(42);
    TailSamplingTrace t;
    int64_t sampled = 0;
    constexpr int kN = 1000000;
    for (int i = 0; i < kN; ++i) {
      t.trace_id = TraceId{rng.NextU64(), rng.NextU64()};
      if (p->Evaluate(t, now_) == D::kSampled) ++sampled;
    }
    EXPECT_NEAR(static_cast<double>(sampled) / kN, pct / 100, 0.003) << pct;
  }
}

TEST_F(PolicyTest, StatusCode) {
  auto c = Cfg("status_code");
  c.status_code.status_codes = {"ERROR"};
  auto p = Make(c);
  EXPECT_EQ(p->Evaluate(Trace({Span(1, 2, SpanStatus::kOk), Span(1, 2, SpanStatus::kError)}), now_),
            D::kSampled);
  EXPECT_EQ(p->Evaluate(Trace({Span(1, 2, SpanStatus::kOk), Span(1, 2)}), now_), D::kNotSampled);
  c.status_code.status_codes = {"OK", "UNSET"};
  EXPECT_EQ(Make(c)->Evaluate(Trace({Span(1, 2)}), now_), D::kSampled);
}

TEST_F(PolicyTest, StringAttributeExactRegexInvertAndServiceName) {
  auto c = Cfg("string_attribute");
  c.string_attribute.key = "http.route";
  c.string_attribute.values = {"/health", "/ready"};
  SpanData health = Span(1, 2), api = Span(1, 2);
  AddStr(health, "http.route", "/health");
  AddStr(api, "http.route", "/v1/name/42");
  auto exact = Make(c);
  EXPECT_EQ(exact->Evaluate(Trace({api, health}), now_), D::kSampled);
  EXPECT_EQ(exact->Evaluate(Trace({api}), now_), D::kNotSampled);

  c.string_attribute.values = {"/v1/name/.+"};
  c.string_attribute.enabled_regex_matching = true;
  auto re = Make(c);
  EXPECT_EQ(re->Evaluate(Trace({api}), now_), D::kSampled);
  EXPECT_EQ(re->Evaluate(Trace({health}), now_), D::kNotSampled);
  c.string_attribute.values = {"name"};  // unanchored search, as Go's MatchString
  EXPECT_EQ(Make(c)->Evaluate(Trace({api}), now_), D::kSampled);

  c.string_attribute.values = {"/health"};
  c.string_attribute.enabled_regex_matching = false;
  c.string_attribute.invert_match = true;
  auto inv = Make(c);
  EXPECT_EQ(inv->Evaluate(Trace({api, health}), now_), D::kInvertNotSampled);
  EXPECT_EQ(inv->Evaluate(Trace({api}), now_), D::kInvertSampled);

  // service.name is the resource attribute.
  auto svc = Cfg("string_attribute");
  svc.string_attribute.key = "service.name";
  svc.string_attribute.values = {"frontend"};
  EXPECT_EQ(Make(svc)->Evaluate(Trace({Span(1, 2)}), now_), D::kSampled);
  svc.string_attribute.values = {"backend"};
  EXPECT_EQ(Make(svc)->Evaluate(Trace({Span(1, 2)}), now_), D::kNotSampled);
}

TEST_F(PolicyTest, StringAttributeValueInternedAfterPolicyCreation) {
  auto c = Cfg("string_attribute");
  c.string_attribute.key = "tenant";
  c.string_attribute.values = {"acme"};
  auto p = Make(c);  // neither "tenant" nor "acme" is interned yet
  SpanData s = Span(1, 2);
  AddStr(s, "tenant", "acme");
  EXPECT_EQ(p->Evaluate(Trace({s}), now_), D::kSampled);
}

TEST_F(PolicyTest, RateLimitingCountsSpansPerSecondStrictlyBelowLimit) {
  auto c = Cfg("rate_limiting");
  c.rate_limiting.spans_per_second = 10;
  auto p = Make(c);
  TailSamplingTrace t3 = Trace({Span(1, 2), Span(1, 2), Span(1, 2)});
  EXPECT_EQ(p->Evaluate(t3, now_), D::kSampled);     // 3
  EXPECT_EQ(p->Evaluate(t3, now_), D::kSampled);     // 6
  EXPECT_EQ(p->Evaluate(t3, now_), D::kSampled);     // 9
  EXPECT_EQ(p->Evaluate(t3, now_), D::kNotSampled);  // 12 >= 10
  TailSamplingTrace t1 = Trace({Span(1, 2)});
  EXPECT_EQ(p->Evaluate(t1, now_), D::kNotSampled);  // 10 is not < 10
  EXPECT_EQ(p->Evaluate(t3, now_ + std::chrono::milliseconds(999)), D::kNotSampled);
  EXPECT_EQ(p->Evaluate(t3, now_ + std::chrono::seconds(1)), D::kSampled);  // new second
}

TEST_F(PolicyTest, SpanCount) {
  auto c = Cfg("span_count");
  c.span_count.min_spans = 2;
  c.span_count.max_spans = 3;
  auto p = Make(c);
  EXPECT_EQ(p->Evaluate(Trace({Span(1, 2)}), now_), D::kNotSampled);
  EXPECT_EQ(p->Evaluate(Trace({Span(1, 2), Span(1, 2)}), now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(Trace({Span(1, 2), Span(1, 2), Span(1, 2), Span(1, 2)}), now_), D::kNotSampled);
  c.span_count.max_spans = 0;
  EXPECT_EQ(Make(c)->Evaluate(Trace({Span(1, 2), Span(1, 2), Span(1, 2), Span(1, 2)}), now_), D::kSampled);
}

TEST_F(PolicyTest, TraceState) {
  auto c = Cfg("trace_state");
  c.trace_state.key = "tier";
  c.trace_state.values = {"gold", "silver"};
  auto p = Make(c);
  SpanData gold = Span(1, 2), bronze = Span(1, 2), bad = Span(1, 2);
  gold.trace_state = "vendor=x,tier=gold";
  bronze.trace_state = "tier=bronze";
  bad.trace_state = "tier=gold,TIER=bad key";  // does not parse: never matches
  EXPECT_EQ(p->Evaluate(Trace({bronze, gold}), now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(Trace({bronze}), now_), D::kNotSampled);
  EXPECT_EQ(p->Evaluate(Trace({bad}), now_), D::kNotSampled);
}

TEST_F(PolicyTest, BooleanAttribute) {
  auto c = Cfg("boolean_attribute");
  c.boolean_attribute.key = "app.force_sample";
  c.boolean_attribute.value = true;
  SpanData yes = Span(1, 2), no = Span(1, 2);
  AddBool(yes, "app.force_sample", true);
  AddBool(no, "app.force_sample", false);
  EXPECT_EQ(Make(c)->Evaluate(Trace({no, yes}), now_), D::kSampled);
  EXPECT_EQ(Make(c)->Evaluate(Trace({no}), now_), D::kNotSampled);
  c.boolean_attribute.invert_match = true;
  EXPECT_EQ(Make(c)->Evaluate(Trace({no, yes}), now_), D::kInvertNotSampled);
  EXPECT_EQ(Make(c)->Evaluate(Trace({no}), now_), D::kInvertSampled);
}

TEST_F(PolicyTest, AndRequiresEverySubPolicy) {
  auto c = Cfg("and");
  auto status = Cfg("status_code", "errors");
  status.status_code.status_codes = {"ERROR"};
  auto slow = Cfg("latency", "slow");
  slow.latency.threshold_ms = 100;
  c.and_.and_sub_policy = {status, slow};
  auto p = Make(c);
  EXPECT_EQ(p->Evaluate(Trace({Span(0, 200, SpanStatus::kError)}), now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(Trace({Span(100, 150, SpanStatus::kError)}), now_), D::kNotSampled);
  EXPECT_EQ(p->Evaluate(Trace({Span(100, 300)}), now_), D::kNotSampled);
  // An InvertNotSampled sub-decision makes the and NotSampled (not InvertNotSampled).
  auto inv = Cfg("string_attribute", "not-health");
  inv.string_attribute.key = "http.route";
  inv.string_attribute.values = {"/health"};
  inv.string_attribute.invert_match = true;
  c.and_.and_sub_policy = {inv, Cfg("always_sample", "all")};
  SpanData h = Span(1, 2);
  AddStr(h, "http.route", "/health");
  EXPECT_EQ(Make(c)->Evaluate(Trace({h}), now_), D::kNotSampled);
  EXPECT_EQ(Make(c)->Evaluate(Trace({Span(1, 2)}), now_), D::kSampled);  // InvertSampled counts as yes
}

TEST_F(PolicyTest, DropReturnsDroppedWhenAllSubPoliciesMatch) {
  auto c = Cfg("drop");
  auto b = Cfg("boolean_attribute", "dns");
  b.boolean_attribute.key = "app.do_not_sample";
  b.boolean_attribute.value = true;
  c.drop.drop_sub_policy = {b};
  SpanData dns = Span(1, 2);
  AddBool(dns, "app.do_not_sample", true);
  EXPECT_EQ(Make(c)->Evaluate(Trace({dns}), now_), D::kDropped);
  EXPECT_EQ(Make(c)->Evaluate(Trace({Span(1, 2)}), now_), D::kNotSampled);
}

TEST_F(PolicyTest, CompositeAllocatesSpansPerSecondInSubPolicyOrder) {
  auto c = Cfg("composite");
  c.composite.max_total_spans_per_second = 100;
  auto errors = Cfg("status_code", "errors");
  errors.status_code.status_codes = {"ERROR"};
  c.composite.composite_sub_policy = {errors, Cfg("always_sample", "rest"),
                                      Cfg("always_sample", "unallocated")};
  c.composite.policy_order = {"errors", "rest", "unallocated"};
  c.composite.rate_allocation = {{"errors", 50}, {"rest", 25}};
  auto p = Make(c);
  std::vector<SpanData> err_spans(10, Span(1, 2, SpanStatus::kError));
  std::vector<SpanData> ok_spans(10, Span(1, 2));
  TailSamplingTrace err = Trace(err_spans), ok = Trace(ok_spans);
  // errors: 50 spans/s = 5 traces of 10 spans; then NotSampled (no fall-through to "rest").
  for (int i = 0; i < 5; ++i) EXPECT_EQ(p->Evaluate(err, now_), D::kSampled) << i;
  EXPECT_EQ(p->Evaluate(err, now_), D::kNotSampled);
  // rest: 25 spans/s = 2 traces of 10 spans.
  EXPECT_EQ(p->Evaluate(ok, now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(ok, now_), D::kSampled);
  EXPECT_EQ(p->Evaluate(ok, now_), D::kNotSampled);
  // Next second: budgets reset.
  EXPECT_EQ(p->Evaluate(ok, now_ + std::chrono::seconds(1)), D::kSampled);
  // A sub-policy without a rate_allocation entry has a budget of 0.
  auto only = Cfg("composite");
  only.composite.max_total_spans_per_second = 100;
  only.composite.composite_sub_policy = {Cfg("always_sample", "a")};
  EXPECT_EQ(Make(only)->Evaluate(ok, now_), D::kNotSampled);
  // percent 0: max_total / number of sub-policies.
  only.composite.rate_allocation = {{"a", 0}};
  EXPECT_EQ(Make(only)->Evaluate(ok, now_), D::kSampled);
}

TEST_F(PolicyTest, MakeRejectsUnsupportedTypes) {
  EXPECT_FALSE(MakeTailSamplingPolicy(Cfg("ottl_condition"), &interner_).ok());
  EXPECT_FALSE(MakeTailSamplingPolicy(Cfg("bogus"), &interner_).ok());
  EXPECT_FALSE(MakeTailSamplingPolicy(Cfg("always_sample"), nullptr).ok());
}

}  // namespace
}  // namespace tracesim::pipeline
