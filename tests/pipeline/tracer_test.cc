#include "tracesim/pipeline/tracer.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "tracesim/pipeline/samplers.h"
#include "tracesim/pipeline/w3c_trace_context.h"

namespace tracesim::pipeline {
namespace {

// In-memory processor: the test double for the SDK's exporters.
class CollectingProcessor : public SpanProcessor {
 public:
  void OnEnd(SpanData&& span, TimePoint now) noexcept override {
    spans.push_back(std::move(span));
    end_times.push_back(now);
  }
  std::vector<SpanData> spans;
  std::vector<TimePoint> end_times;
};

// Answers the decisions of a script in turn and records what it was asked.
class ScriptedSampler : public Sampler {
 public:
  explicit ScriptedSampler(std::vector<SamplingResult> script) : script_(std::move(script)) {}
  SamplingResult ShouldSample(const SamplingParameters& p) noexcept override {
    seen.push_back(p);
    seen_parent_valid.push_back(p.parent != nullptr && p.parent->IsValid());
    seen_attributes.emplace_back(p.attributes.begin(), p.attributes.end());
    return script_[next_++ % script_.size()];
  }
  std::string Description() const override { return "Scripted"; }

  std::vector<SamplingParameters> seen;
  std::vector<bool> seen_parent_valid;
  std::vector<std::vector<Attribute>> seen_attributes;

 private:
  std::vector<SamplingResult> script_;
  size_t next_ = 0;
};

constexpr ServiceId kService = 3;
constexpr OperationId kOpRoot = 10, kOpChild = 11;

TimePoint T(int64_t ns) { return FromNanos(ns); }

class TracerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Sampler> on_ = MakeAlwaysOnSampler();
  IdGenerator ids_{Rng(1234)};
  CollectingProcessor processor_;
};

TEST_F(TracerTest, RootSpanGetsNewIdsAndIsHandedToTheProcessorAtEnd) {
  Tracer tracer(kService, on_.get(), &ids_, &processor_);
  Span root = tracer.StartSpan(kOpRoot, T(100), {.kind = SpanKind::kServer});
  ASSERT_TRUE(root.context().IsValid());
  EXPECT_FALSE(root.context().is_remote);
  EXPECT_TRUE(root.IsRecording());
  EXPECT_TRUE(root.IsSampled());
  EXPECT_EQ(root.context().trace_flags, kTraceFlagSampled);
  EXPECT_FALSE(root.ended());
  EXPECT_TRUE(processor_.spans.empty());

  tracer.EndSpan(root, T(350));
  EXPECT_TRUE(root.ended());
  EXPECT_FALSE(root.IsRecording());
  EXPECT_TRUE(root.context().IsValid());  // still usable after end
  ASSERT_EQ(processor_.spans.size(), 1u);
  const SpanData& d = processor_.spans[0];
  EXPECT_EQ(d.trace_id, root.context().trace_id);
  EXPECT_EQ(d.span_id, root.context().span_id);
  EXPECT_TRUE(d.IsRoot());
  EXPECT_EQ(d.service, kService);
  EXPECT_EQ(d.operation, kOpRoot);
  EXPECT_EQ(d.kind, SpanKind::kServer);
  EXPECT_EQ(d.trace_flags, kTraceFlagSampled);
  EXPECT_EQ(d.start, T(100));
  EXPECT_EQ(d.end, T(350));
  EXPECT_EQ(d.duration(), Duration(250));
  EXPECT_EQ(processor_.end_times[0], T(350));
}

TEST_F(TracerTest, ChildInheritsTraceIdAndLinksToItsParent) {
  Tracer tracer(kService, on_.get(), &ids_, &processor_);
  Span root = tracer.StartSpan(kOpRoot, T(0));
  Span child = tracer.StartSpan(kOpChild, T(10), {.parent = &root.context(), .kind = SpanKind::kClient});
  Span grandchild = tracer.StartSpan(kOpChild, T(20), {.parent = &child.context()});
  EXPECT_EQ(child.context().trace_id, root.context().trace_id);
  EXPECT_EQ(grandchild.context().trace_id, root.context().trace_id);
  EXPECT_NE(child.context().span_id, root.context().span_id);
  EXPECT_NE(grandchild.context().span_id, child.context().span_id);
  tracer.EndSpan(grandchild, T(30));
  tracer.EndSpan(child, T(40));
  tracer.EndSpan(root, T(50));
  ASSERT_EQ(processor_.spans.size(), 3u);
  EXPECT_EQ(processor_.spans[0].parent_span_id, child.context().span_id);
  EXPECT_EQ(processor_.spans[1].parent_span_id, root.context().span_id);
  EXPECT_EQ(processor_.spans[1].kind, SpanKind::kClient);
  EXPECT_TRUE(processor_.spans[2].IsRoot());

  // Two roots get different trace ids.
  Span other = tracer.StartSpan(kOpRoot, T(60));
  EXPECT_NE(other.context().trace_id, root.context().trace_id);
}

TEST_F(TracerTest, RemoteParentFromHeaders) {
  Tracer tracer(kService, on_.get(), &ids_, &processor_);
  auto remote =
      ExtractContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE");
  ASSERT_TRUE(remote.has_value());
  Span server = tracer.StartSpan(kOpRoot, T(5), {.parent = &*remote, .kind = SpanKind::kServer});
  EXPECT_EQ(server.context().trace_id.ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_FALSE(server.context().is_remote);
  EXPECT_EQ(server.context().trace_state, "congo=t61rcWkgMzE");  // inherited
  tracer.EndSpan(server, T(6));
  ASSERT_EQ(processor_.spans.size(), 1u);
  EXPECT_EQ(processor_.spans[0].parent_span_id.ToHex(), "00f067aa0ba902b7");
  EXPECT_EQ(processor_.spans[0].trace_state, "congo=t61rcWkgMzE");
}

TEST_F(TracerTest, InvalidParentStartsARoot) {
  ScriptedSampler sampler({{SamplingDecision::kRecordAndSample, std::nullopt}});
  Tracer tracer(kService, &sampler, &ids_, &processor_);
  SpanContext invalid;
  invalid.trace_state = "foo=1";
  Span s = tracer.StartSpan(kOpRoot, T(0), {.parent = &invalid});
  EXPECT_TRUE(s.context().IsValid());
  EXPECT_EQ(s.context().trace_state, "");
  EXPECT_EQ(sampler.seen[0].parent, nullptr);
  tracer.EndSpan(s, T(1));
  EXPECT_TRUE(processor_.spans[0].IsRoot());
}

TEST_F(TracerTest, NonRecordingSpanStillPropagatesContext) {
  auto sampler = MakeParentBasedSampler(MakeAlwaysOffSampler());
  Tracer tracer(kService, sampler.get(), &ids_, &processor_);
  Span root = tracer.StartSpan(kOpRoot, T(0));
  EXPECT_FALSE(root.IsRecording());
  EXPECT_FALSE(root.IsSampled());
  ASSERT_TRUE(root.context().IsValid());

  std::string tp, ts;
  InjectContext(root.context(), &tp, &ts);
  EXPECT_EQ(tp, FormatTraceParent({0, root.context().trace_id, root.context().span_id, 0}));
  EXPECT_EQ(tp.substr(53), "00");

  // The downstream service continues the same (unsampled) trace.
  auto remote = ExtractContext(tp, ts);
  ASSERT_TRUE(remote.has_value());
  Span downstream = tracer.StartSpan(kOpChild, T(1), {.parent = &*remote});
  EXPECT_EQ(downstream.context().trace_id, root.context().trace_id);
  EXPECT_FALSE(downstream.IsSampled());

  root.SetAttribute(1, int64_t{5});  // no-op
  root.SetStatus(SpanStatus::kError);
  tracer.EndSpan(downstream, T(2));
  tracer.EndSpan(root, T(3));
  EXPECT_TRUE(processor_.spans.empty());
  EXPECT_EQ(tracer.stats().started, 2u);
  EXPECT_EQ(tracer.stats().ended, 2u);
  EXPECT_EQ(tracer.stats().dropped_by_sampler, 2u);
}

TEST_F(TracerTest, ProcessorReceivesExactlyTheRecordingSpans) {
  ScriptedSampler sampler({{SamplingDecision::kRecordAndSample, std::nullopt},
                           {SamplingDecision::kDrop, std::nullopt},
                           {SamplingDecision::kRecordOnly, std::nullopt}});
  Tracer tracer(kService, &sampler, &ids_, &processor_);
  std::vector<Span> spans;
  for (int i = 0; i < 9; ++i) spans.push_back(tracer.StartSpan(static_cast<OperationId>(i), T(i)));
  for (auto& s : spans) tracer.EndSpan(s, T(100));
  ASSERT_EQ(processor_.spans.size(), 6u);
  for (const SpanData& d : processor_.spans) {
    const bool sampled = d.operation % 3 == 0;
    EXPECT_TRUE(d.operation % 3 == 0 || d.operation % 3 == 2) << d.operation;
    EXPECT_EQ(d.trace_flags & kTraceFlagSampled, sampled ? kTraceFlagSampled : 0) << d.operation;
  }
  EXPECT_FALSE(spans[2].IsSampled());
  EXPECT_FALSE(spans[1].IsSampled());
  const TracerStats& st = tracer.stats();
  EXPECT_EQ(st.started, 9u);
  EXPECT_EQ(st.ended, 9u);
  EXPECT_EQ(st.sampled, 3u);
  EXPECT_EQ(st.record_only, 3u);
  EXPECT_EQ(st.dropped_by_sampler, 3u);
}

TEST_F(TracerTest, EndingTwiceIsANoOp) {
  Tracer tracer(kService, on_.get(), &ids_, &processor_);
  Span s = tracer.StartSpan(kOpRoot, T(0));
  tracer.EndSpan(s, T(10));
  tracer.EndSpan(s, T(20));
  EXPECT_EQ(processor_.spans.size(), 1u);
  EXPECT_EQ(processor_.spans[0].end, T(10));
  EXPECT_EQ(tracer.stats().ended, 1u);
}

TEST_F(TracerTest, NullProcessorDiscardsSpans) {
  Tracer tracer(kService, on_.get(), &ids_, nullptr);
  Span s = tracer.StartSpan(kOpRoot, T(0));
  tracer.EndSpan(s, T(1));
  EXPECT_EQ(tracer.stats().ended, 1u);
  EXPECT_EQ(tracer.stats().sampled, 1u);
}

TEST_F(TracerTest, MovedFromAndDefaultSpansAreEmpty) {
  Tracer tracer(kService, on_.get(), &ids_, &processor_);
  Span empty;
  EXPECT_FALSE(empty.context().IsValid());
  EXPECT_FALSE(empty.IsRecording());
  EXPECT_TRUE(empty.ended());
  tracer.EndSpan(empty, T(0));
  EXPECT_EQ(tracer.stats().ended, 0u);

  Span a = tracer.StartSpan(kOpRoot, T(0));
  const SpanContext ctx = a.context();
  Span b = std::move(a);
  EXPECT_TRUE(a.ended());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_FALSE(a.context().IsValid());
  tracer.EndSpan(a, T(1));
  EXPECT_EQ(b.context().span_id, ctx.span_id);
  EXPECT_TRUE(b.IsRecording());
  Span c;
  c = std::move(b);
  tracer.EndSpan(c, T(2));
  ASSERT_EQ(processor_.spans.size(), 1u);
  EXPECT_EQ(processor_.spans[0].span_id, ctx.span_id);
  EXPECT_EQ(tracer.stats().ended, 1u);
}

TEST_F(TracerTest, TraceStateFromSamplerOverridesTheParents) {
  ScriptedSampler sampler({{SamplingDecision::kRecordAndSample, std::string("ot=th:8")}});
  Tracer tracer(kService, &sampler, &ids_, &processor_);
  SpanContext parent;
  parent.trace_id = {1, 2};
  parent.span_id = {3};
  parent.trace_state = "congo=1";
  Span s = tracer.StartSpan(kOpRoot, T(0), {.parent = &parent});
  EXPECT_EQ(s.context().trace_state, "ot=th:8");
  Span root = tracer.StartSpan(kOpRoot, T(0));
  EXPECT_EQ(root.context().trace_state, "ot=th:8");
  tracer.EndSpan(s, T(1));
  EXPECT_EQ(processor_.spans[0].trace_state, "ot=th:8");
}

TEST_F(TracerTest, FlagsKeepParentBitsOtherThanSampled) {
  ScriptedSampler sampler({{SamplingDecision::kRecordOnly, std::nullopt}});
  Tracer tracer(kService, &sampler, &ids_, &processor_);
  SpanContext parent;
  parent.trace_id = {1, 2};
  parent.span_id = {3};
  parent.trace_flags = 0x02 | kTraceFlagSampled;  // W3C level 2 "random" bit + sampled
  Span s = tracer.StartSpan(kOpRoot, T(0), {.parent = &parent});
  EXPECT_EQ(s.context().trace_flags, 0x02);  // record-only clears sampled, keeps random
  EXPECT_TRUE(s.IsRecording());
  EXPECT_FALSE(s.IsSampled());
}

TEST_F(TracerTest, SamplerSeesTheSpanBeingStarted) {
  ScriptedSampler sampler({{SamplingDecision::kRecordAndSample, std::nullopt}});
  Tracer tracer(kService, &sampler, &ids_, &processor_);
  const Attribute attrs[] = {{1, int64_t{200}}, {2, true}};
  Span root = tracer.StartSpan(kOpRoot, T(0), {.kind = SpanKind::kServer, .attributes = attrs});
  Span child = tracer.StartSpan(kOpChild, T(1), {.parent = &root.context(), .kind = SpanKind::kClient});
  ASSERT_EQ(sampler.seen.size(), 2u);
  EXPECT_FALSE(sampler.seen_parent_valid[0]);
  EXPECT_EQ(sampler.seen[0].trace_id, root.context().trace_id);
  EXPECT_EQ(sampler.seen[0].name, kOpRoot);
  EXPECT_EQ(sampler.seen[0].kind, SpanKind::kServer);
  EXPECT_EQ(sampler.seen[0].service, kService);
  EXPECT_EQ(sampler.seen_attributes[0], std::vector<Attribute>(std::begin(attrs), std::end(attrs)));
  EXPECT_TRUE(sampler.seen_parent_valid[1]);
  EXPECT_EQ(sampler.seen[1].trace_id, root.context().trace_id);
  EXPECT_EQ(sampler.seen[1].kind, SpanKind::kClient);
}

TEST_F(TracerTest, AttributesAreSetOverwrittenAndLimited) {
  Tracer tracer(kService, on_.get(), &ids_, &processor_, TracerOptions{.attribute_count_limit = 3});
  const Attribute attrs[] = {{1, int64_t{200}}, {2, true}, {1, int64_t{404}}};  // key 1 twice: last wins
  Span s = tracer.StartSpan(kOpRoot, T(0), {.attributes = attrs});
  s.SetAttribute(3, 2.5);
  s.SetAttribute(2, false);              // overwrite
  s.SetAttribute(4, InternedString{7});  // over the limit: dropped
  s.SetAttribute(5, int64_t{1});         // dropped
  tracer.EndSpan(s, T(1));
  s.SetAttribute(6, int64_t{1});  // after end: ignored
  ASSERT_EQ(processor_.spans.size(), 1u);
  const std::vector<Attribute> expected = {{1, int64_t{404}}, {2, false}, {3, 2.5}};
  EXPECT_EQ(processor_.spans[0].attributes, expected);
  EXPECT_EQ(tracer.stats().attributes_dropped, 2u);
}

TEST_F(TracerTest, StatusFollowsOTelRules) {
  Tracer tracer(kService, on_.get(), &ids_, &processor_);
  Span a = tracer.StartSpan(kOpRoot, T(0));
  a.SetStatus(SpanStatus::kError);
  a.SetStatus(SpanStatus::kUnset);  // ignored
  tracer.EndSpan(a, T(1));
  Span b = tracer.StartSpan(kOpRoot, T(0));
  b.SetStatus(SpanStatus::kError);
  b.SetStatus(SpanStatus::kOk);     // error -> ok allowed
  b.SetStatus(SpanStatus::kError);  // ok is final
  tracer.EndSpan(b, T(1));
  Span c = tracer.StartSpan(kOpRoot, T(0));
  tracer.EndSpan(c, T(1));
  ASSERT_EQ(processor_.spans.size(), 3u);
  EXPECT_EQ(processor_.spans[0].status, SpanStatus::kError);
  EXPECT_EQ(processor_.spans[1].status, SpanStatus::kOk);
  EXPECT_EQ(processor_.spans[2].status, SpanStatus::kUnset);
}

TEST_F(TracerTest, SameSeedGivesTheSameSpans) {
  auto run = [&](uint64_t seed) {
    IdGenerator ids{Rng(seed)};
    auto sampler = MakeParentBasedSampler(MakeTraceIdRatioBasedSampler(0.5));
    CollectingProcessor proc;
    Tracer tracer(kService, sampler.get(), &ids, &proc);
    std::vector<std::pair<TraceId, SpanId>> out;
    for (int i = 0; i < 200; ++i) {
      Span root = tracer.StartSpan(kOpRoot, T(i));
      Span child = tracer.StartSpan(kOpChild, T(i), {.parent = &root.context()});
      EXPECT_EQ(child.IsSampled(), root.IsSampled());
      tracer.EndSpan(child, T(i + 1));
      tracer.EndSpan(root, T(i + 2));
    }
    for (const auto& d : proc.spans) out.emplace_back(d.trace_id, d.span_id);
    return out;
  };
  const auto a = run(77), b = run(77), c = run(78);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_GT(a.size(), 100u);  // about half of 400 spans
  EXPECT_LT(a.size(), 300u);
}

}  // namespace
}  // namespace tracesim::pipeline
