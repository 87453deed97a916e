#include "tracesim/calibrate/sdk_paths.h"

#include <chrono>
#include <utility>

#include "tracer_rig.h"
#include "tracesim/calibrate/span_stream.h"
#include "tracesim/pipeline/span_codec.h"

namespace tracesim::calibrate {
namespace {

using pipeline::Span;
using pipeline::SpanContext;
using pipeline::SpanData;
using pipeline::SpanKind;
using pipeline::StartSpanOptions;

constexpr pipeline::OperationId kServerOperation = 7;
constexpr pipeline::OperationId kClientOperation = 8;
constexpr Duration kHandlerSpacing = std::chrono::microseconds(10);

// Starts ops/2 (root server span, client child) pairs into `spans`
// (capacity reserved, so that a parent's context() stays put).
uint64_t StartPairs(internal::TracerRig& rig, size_t ops, std::vector<Span>& spans) {
  uint64_t sum = 0;
  TimePoint now = rig.now;
  for (size_t i = 0; i < ops; i += 2) {
    now += kHandlerSpacing;
    spans.push_back(rig.tracer.StartSpan(kServerOperation, now, StartSpanOptions{.kind = SpanKind::kServer}));
    const SpanContext& parent = spans.back().context();
    spans.push_back(rig.tracer.StartSpan(kClientOperation, now,
                                         StartSpanOptions{.parent = &parent, .kind = SpanKind::kClient}));
    sum += spans.back().context().span_id.value;
  }
  rig.now = now;
  return sum;
}

// Ends the pairs (child first), driving the BSP as sim/ does.
uint64_t EndPairs(internal::TracerRig& rig, std::vector<Span>& spans) {
  TimePoint now = rig.now;
  for (size_t i = 0; i + 1 < spans.size(); i += 2) {
    now += kHandlerSpacing;
    rig.tracer.EndSpan(spans[i + 1], now);
    rig.tracer.EndSpan(spans[i], now);
    if (rig.bsp) rig.DriveIfRequested(now);
  }
  rig.now = now;
  return rig.taken.size();
}

}  // namespace

// ------------------------------------------------------------ SpanStartPath

SpanStartPath::SpanStartPath() : rig_(std::make_unique<internal::TracerRig>(/*with_bsp=*/true)) {}
SpanStartPath::~SpanStartPath() = default;

size_t SpanStartPath::Prepare(size_t ops) {
  EndPairs(*rig_, spans_);
  spans_.clear();
  rig_->taken.clear();
  ops_ = RoundUpToGranule(ops, granule());
  spans_.reserve(ops_);
  return ops_;
}

uint64_t SpanStartPath::Run() { return StartPairs(*rig_, ops_, spans_); }

// -------------------------------------------------------------- SpanEndPath

SpanEndPath::SpanEndPath() : rig_(std::make_unique<internal::TracerRig>(/*with_bsp=*/false)) {}
SpanEndPath::~SpanEndPath() = default;

size_t SpanEndPath::Prepare(size_t ops) {
  spans_.clear();
  rig_->taken.clear();
  const size_t n = RoundUpToGranule(ops, granule());
  spans_.reserve(n);
  StartPairs(*rig_, n, spans_);
  return n;
}

uint64_t SpanEndPath::Run() { return EndPairs(*rig_, spans_); }

// ------------------------------------------------------ SamplerDecisionPath

SamplerDecisionPath::SamplerDecisionPath(pipeline::HeadSamplerConfig config) {
  auto sampler = pipeline::MakeSampler(config, kTimeZero);
  if (!sampler.ok()) {
    status_ = sampler.status();
    return;
  }
  sampler_ = std::move(sampler).value();
  pipeline::Rng rng(0x5a3b1e);
  trace_ids_.resize(1024);
  for (auto& id : trace_ids_) id = pipeline::TraceId{rng.NextU64(), rng.NextU64() | 1};
  remote_parent_.trace_id = trace_ids_[0];
  remote_parent_.span_id = pipeline::SpanId{rng.NextU64() | 1};
  remote_parent_.trace_flags = pipeline::kTraceFlagSampled;
  remote_parent_.is_remote = true;
  local_parent_ = remote_parent_;
  local_parent_.is_remote = false;
}

size_t SamplerDecisionPath::Prepare(size_t ops) {
  ops_ = RoundUpToGranule(ops, granule());
  return ops_;
}

uint64_t SamplerDecisionPath::Run() {
  if (sampler_ == nullptr) return 0;
  const SpanContext* parents[3] = {nullptr, &remote_parent_, &local_parent_};
  pipeline::SamplingParameters p;
  p.kind = SpanKind::kServer;
  p.service = 1;
  uint64_t kept = 0;
  for (size_t i = 0; i < ops_; ++i) {
    p.parent = parents[i % 3];
    p.trace_id = trace_ids_[i & 1023];
    p.name = static_cast<pipeline::OperationId>(i & 15);
    now_ns_ += 1'000'000;
    p.now = FromNanos(now_ns_);
    kept += sampler_->ShouldSample(p).IsSampled() ? 1 : 0;
  }
  return kept;
}

// --------------------------------------------------------- AttributeSetPath

AttributeSetPath::AttributeSetPath() : rig_(std::make_unique<internal::TracerRig>(/*with_bsp=*/false)) {}
AttributeSetPath::~AttributeSetPath() = default;

size_t AttributeSetPath::Prepare(size_t ops) {
  for (Span& s : spans_) rig_->tracer.EndSpan(s, rig_->now);  // no processor: discarded
  spans_.clear();
  ops_ = RoundUpToGranule(ops, granule());
  const size_t n = ops_ / 4;
  spans_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    rig_->now += kHandlerSpacing;
    spans_.push_back(
        rig_->tracer.StartSpan(kServerOperation, rig_->now, StartSpanOptions{.kind = SpanKind::kServer}));
  }
  return ops_;
}

uint64_t AttributeSetPath::Run() {
  // sim/'s request attributes: method, route, peer (interned strings), then an int64.
  const pipeline::AttributeKeyId keys[4] = {1, 2, 3, 4};
  const pipeline::AttributeValue values[4] = {pipeline::InternedString{1}, pipeline::InternedString{2},
                                              pipeline::InternedString{3}, int64_t{200}};
  for (size_t i = 0; i < ops_; ++i) spans_[i / 4].SetAttribute(keys[i % 4], values[i % 4]);
  return spans_.empty() ? 0 : spans_.back().context().span_id.value;
}

// ----------------------------------------------------------- BspEnqueuePath

BspEnqueuePath::BspEnqueuePath() : rig_(std::make_unique<internal::TracerRig>(/*with_bsp=*/true)) {}
BspEnqueuePath::~BspEnqueuePath() = default;

size_t BspEnqueuePath::Prepare(size_t ops) {
  rig_->taken.clear();
  const size_t n = RoundUpToGranule(ops, granule());
  SpanStream stream(0xb5b);
  spans_ = stream.Take(n, rig_->now, kHandlerSpacing);
  return n;
}

uint64_t BspEnqueuePath::Run() {
  TimePoint now = rig_->now;
  for (SpanData& s : spans_) {
    now += kHandlerSpacing;
    rig_->bsp->OnEnd(std::move(s), now);
    rig_->DriveIfRequested(now);
  }
  rig_->now = now;
  return rig_->taken.size() + rig_->drops.total();  // the moved-from spans go in the next Prepare
}

// -------------------------------------------------------- SpanLifecyclePath

SpanLifecyclePath::SpanLifecyclePath() : rig_(std::make_unique<internal::TracerRig>(/*with_bsp=*/true)) {}
SpanLifecyclePath::~SpanLifecyclePath() = default;

size_t SpanLifecyclePath::Prepare(size_t ops) {
  rig_->taken.clear();
  ops_ = RoundUpToGranule(ops, granule());
  return ops_;
}

uint64_t SpanLifecyclePath::Run() {
  // One handler at a time, as a service runs them: start the server span and
  // its client child, end the child, end the server span.
  uint64_t sum = 0;
  TimePoint now = rig_->now;
  for (size_t i = 0; i < ops_; i += 2) {
    now += kHandlerSpacing;
    Span root = rig_->tracer.StartSpan(kServerOperation, now, StartSpanOptions{.kind = SpanKind::kServer});
    Span child = rig_->tracer.StartSpan(
        kClientOperation, now, StartSpanOptions{.parent = &root.context(), .kind = SpanKind::kClient});
    sum += child.context().span_id.value;
    rig_->tracer.EndSpan(child, now + kHandlerSpacing / 2);
    rig_->tracer.EndSpan(root, now + kHandlerSpacing / 2);
    rig_->DriveIfRequested(now + kHandlerSpacing / 2);
  }
  rig_->now = now;
  return sum + rig_->taken.size();
}

// ------------------------------------------------------ ExportSerializePath

ExportSerializePath::ExportSerializePath() = default;

size_t ExportSerializePath::Prepare(size_t ops) {
  encoded_.clear();
  const size_t n = RoundUpToGranule(ops, granule());
  batches_to_run_ = n / kBatchSpans;
  if (batches_.size() < batches_to_run_) {
    SpanStream stream(0xe4c0de);
    TimePoint t = kTimeZero + std::chrono::seconds(1) * static_cast<int64_t>(batches_.size());
    while (batches_.size() < batches_to_run_) {
      batches_.push_back(stream.Take(kBatchSpans, t, kHandlerSpacing));
      t += std::chrono::seconds(1);
    }
  }
  encoded_.reserve(batches_to_run_);
  return n;
}

uint64_t ExportSerializePath::Run() {
  uint64_t bytes = 0;
  for (size_t i = 0; i < batches_to_run_; ++i) {
    std::vector<uint8_t> out;
    pipeline::EncodeSpans(batches_[i], out);
    bytes += out.size();
    encoded_.push_back(std::move(out));
  }
  return bytes;
}

}  // namespace tracesim::calibrate
