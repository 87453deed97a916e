#include "tracesim/pipeline/tracer.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <utility>

namespace tracesim::pipeline {

// ----------------------------------------------------------------------- Span

Span::Span(Span&& other) noexcept
    : context_(std::move(other.context_)),
      data_(std::move(other.data_)),
      attribute_limit_(other.attribute_limit_),
      attributes_dropped_(other.attributes_dropped_),
      recording_(other.recording_),
      ended_(other.ended_) {
  other.context_ = SpanContext{};
  other.recording_ = false;
  other.ended_ = true;
}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    context_ = std::move(other.context_);
    data_ = std::move(other.data_);
    attribute_limit_ = other.attribute_limit_;
    attributes_dropped_ = other.attributes_dropped_;
    recording_ = other.recording_;
    ended_ = other.ended_;
    other.context_ = SpanContext{};
    other.recording_ = false;
    other.ended_ = true;
  }
  return *this;
}

void Span::SetAttribute(AttributeKeyId key, AttributeValue value) {
  if (!IsRecording()) return;
  for (Attribute& a : data_.attributes) {
    if (a.key == key) {
      a.value = value;
      return;
    }
  }
  if (data_.attributes.size() >= attribute_limit_) {
    ++attributes_dropped_;
    return;
  }
  data_.attributes.push_back(Attribute{key, value});
}

void Span::SetStatus(SpanStatus status) {
  if (!IsRecording() || status == SpanStatus::kUnset || data_.status == SpanStatus::kOk) return;
  data_.status = status;
}

// --------------------------------------------------------------------- Tracer

Tracer::Tracer(ServiceId service, Sampler* sampler, IdGenerator* ids, SpanProcessor* processor,
               TracerOptions options)
    : service_(service), sampler_(sampler), ids_(ids), processor_(processor), options_(options) {
  assert(sampler_ != nullptr && ids_ != nullptr);
}

Span Tracer::StartSpan(OperationId name, TimePoint now, const StartSpanOptions& options) {
  const SpanContext* parent =
      (options.parent != nullptr && options.parent->IsValid()) ? options.parent : nullptr;

  Span span;
  span.ended_ = false;
  SpanContext& ctx = span.context_;
  ctx.trace_id = parent != nullptr ? parent->trace_id : ids_->NewTraceId();
  ctx.span_id = ids_->NewSpanId();

  SamplingParameters params;
  params.parent = parent;
  params.trace_id = ctx.trace_id;
  params.name = name;
  params.kind = options.kind;
  params.service = service_;
  params.attributes = options.attributes;
  params.now = now;
  SamplingResult result = sampler_->ShouldSample(params);

  // Keep the parent's other flags; the sampled bit is this span's decision.
  const uint8_t inherited = parent != nullptr ? parent->trace_flags & ~kTraceFlagSampled : 0;
  ctx.trace_flags = static_cast<uint8_t>(inherited | (result.IsSampled() ? kTraceFlagSampled : 0));
  if (result.trace_state.has_value()) {
    ctx.trace_state = std::move(*result.trace_state);
  } else if (parent != nullptr) {
    ctx.trace_state = parent->trace_state;
  }
  ctx.is_remote = false;

  ++stats_.started;
  switch (result.decision) {
    case SamplingDecision::kRecordAndSample:
      ++stats_.sampled;
      break;
    case SamplingDecision::kRecordOnly:
      ++stats_.record_only;
      break;
    case SamplingDecision::kDrop:
      ++stats_.dropped_by_sampler;
      break;
  }
  if (!result.IsRecording()) return span;

  span.recording_ = true;
  span.attribute_limit_ = static_cast<uint32_t>(
      std::min<size_t>(options_.attribute_count_limit, std::numeric_limits<uint32_t>::max()));
  SpanData& d = span.data_;
  d.trace_id = ctx.trace_id;
  d.span_id = ctx.span_id;
  d.parent_span_id = parent != nullptr ? parent->span_id : SpanId{};
  d.service = service_;
  d.operation = name;
  d.kind = options.kind;
  d.trace_flags = ctx.trace_flags;
  d.start = now;
  d.trace_state = ctx.trace_state;
  if (!options.attributes.empty()) {
    d.attributes.reserve(std::min(options.attributes.size(), options_.attribute_count_limit));
    for (const Attribute& a : options.attributes) span.SetAttribute(a.key, a.value);
  }
  return span;
}

void Tracer::EndSpan(Span& span, TimePoint now) {
  if (span.ended_) return;
  span.ended_ = true;
  ++stats_.ended;
  if (!span.recording_) return;
  assert(now >= span.data_.start);
  stats_.attributes_dropped += span.attributes_dropped_;
  span.data_.end = now;
  if (processor_ != nullptr) {
    processor_->OnEnd(std::move(span.data_), now);
  }
}

}  // namespace tracesim::pipeline
