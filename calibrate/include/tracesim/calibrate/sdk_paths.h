// The SDK code paths of a CostProfile (see cost_path.h for the contract),
// each running the real pipeline code:
//
//   SpanStartPath        span_start_ns          Tracer::StartSpan
//   SpanEndPath          span_end_ns            Tracer::EndSpan (no processor behind)
//   SamplerDecisionPath  sampler_decision_ns    Sampler::ShouldSample
//   AttributeSetPath     attribute_set_ns       Span::SetAttribute
//   BspEnqueuePath       bsp_enqueue_ns         BatchSpanProcessor::OnEnd + its batch taking
//   ExportSerializePath  export_serialize_...   EncodeSpans of SDK export batches
//   SpanLifecyclePath    (a cross-check)        StartSpan + EndSpan through a Tracer with a BSP
//
// The tracers use the AlwaysOn sampler; where a BatchSpanProcessor (default
// OTel options) is behind them, it is driven as sim/ drives it: whenever
// OnEnd makes an export due, the batch is taken and the export reported done
// at once (the exported batches are disposed of untimed). Every "request
// handler" starts a root server span and one client child span, as in
// BM_SpanStartEnd. Operations are spans (attribute sets for
// AttributeSetPath, decisions for SamplerDecisionPath).
//
// The simulation charges a sampled span span_start + sampler_decision +
// span_end + attributes * attribute_set + bsp_enqueue, so the parts are
// measured apart: SpanEndPath has no processor behind its tracer (the hand-off
// to the BSP is BspEnqueuePath), and SpanLifecyclePath times the whole
// start + end through a Tracer with a BSP behind it, to compare with the sum.
//
// ExportSerializePath: tracesim has no OTLP protobuf encoder; the stand-in is
// the real span codec (pipeline/span_codec.h EncodeSpans), a compact binary
// encoding of the same span model, applied to 512-span batches (the SDK's
// max_export_batch_size) of spans from many concurrent traces, each into a
// fresh buffer as an exporter would.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tracesim/calibrate/cost_path.h"
#include "tracesim/pipeline/head_sampler_config.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/tracer.h"
#include "tracesim/status.h"

namespace tracesim::calibrate {

namespace internal {
struct TracerRig;  // Tracer + AlwaysOn sampler + id generator + driven BatchSpanProcessor
}  // namespace internal

// Tracer::StartSpan of a root server span and its client child per pair,
// sampled (AlwaysOn: the decision is part of the figure). Prepare ends the
// previous run's spans. granule 2.
class SpanStartPath final : public CostPath {
 public:
  SpanStartPath();
  ~SpanStartPath() override;
  size_t granule() const override { return 2; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  std::unique_ptr<internal::TracerRig> rig_;
  std::vector<pipeline::Span> spans_;
  size_t ops_ = 0;
};

// Tracer::EndSpan of recording, sampled spans (children before parents)
// with no processor behind the tracer: the tracer's own work (the span data
// stays in the handle; the BSP hand-off is BspEnqueuePath's). Prepare starts
// the spans. granule 2.
class SpanEndPath final : public CostPath {
 public:
  SpanEndPath();
  ~SpanEndPath() override;
  size_t granule() const override { return 2; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  std::unique_ptr<internal::TracerRig> rig_;
  std::vector<pipeline::Span> spans_;
};

// Sampler::ShouldSample of the sampler built from `config` (MakeSampler), on
// a cycle of root spans (no parent), children of a sampled remote parent and
// children of a sampled local parent, over 1024 random trace ids; the
// virtual time advances 1 ms per decision (rate limiters refill). status() is
// the error of an invalid config. granule 3.
class SamplerDecisionPath final : public CostPath {
 public:
  explicit SamplerDecisionPath(pipeline::HeadSamplerConfig config = {});
  size_t granule() const override { return 3; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;
  Status status() const override { return status_; }

 private:
  Status status_;
  std::unique_ptr<pipeline::Sampler> sampler_;
  std::vector<pipeline::TraceId> trace_ids_;
  pipeline::SpanContext remote_parent_, local_parent_;
  size_t ops_ = 0;
  int64_t now_ns_ = 0;
};

// Span::SetAttribute on recording spans: per span the attributes sim/'s
// instrumentation sets (http.method, http.route, peer.service as interned
// strings, then an int64), four distinct keys, so each set appends to the
// span's attribute list after scanning the keys already set. Prepare ends the
// previous spans and starts ops/4 new ones. granule 4.
class AttributeSetPath final : public CostPath {
 public:
  AttributeSetPath();
  ~AttributeSetPath() override;
  size_t granule() const override { return 4; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  std::unique_ptr<internal::TracerRig> rig_;
  std::vector<pipeline::Span> spans_;
  size_t ops_ = 0;
};

// BatchSpanProcessor::OnEnd of finished spans (span_stream.h, 4 attributes),
// with the driver's ExportDue/TakeBatch/OnExportDone each time a 512-span
// batch is due (amortised). granule 512.
class BspEnqueuePath final : public CostPath {
 public:
  BspEnqueuePath();
  ~BspEnqueuePath() override;
  size_t granule() const override { return 512; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  std::unique_ptr<internal::TracerRig> rig_;
  std::vector<pipeline::SpanData> spans_;
};

// EncodeSpans (the real span codec, the stand-in for OTLP protobuf encoding)
// of 512-span SDK export batches, each into a fresh byte buffer. granule 512.
class ExportSerializePath final : public CostPath {
 public:
  static constexpr size_t kBatchSpans = 512;
  ExportSerializePath();
  size_t granule() const override { return kBatchSpans; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  std::vector<std::vector<pipeline::SpanData>> batches_;  // inputs, kept across runs
  size_t batches_to_run_ = 0;
  std::vector<std::vector<uint8_t>> encoded_;  // outputs, disposed of by Prepare
};

// StartSpan + EndSpan through a Tracer (AlwaysOn) with a BatchSpanProcessor
// behind it that exports a batch every 512 spans, one handler after the
// other (start the root server span and its client child, end the child, end
// the root), all timed: BM_SpanStartEnd's shape with the real BSP. Not a
// profile field: the figure to compare with span_start + AlwaysOn decision +
// span_end + bsp_enqueue. granule 512.
class SpanLifecyclePath final : public CostPath {
 public:
  SpanLifecyclePath();
  ~SpanLifecyclePath() override;
  size_t granule() const override { return 512; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  std::unique_ptr<internal::TracerRig> rig_;
  size_t ops_ = 0;
};

}  // namespace tracesim::calibrate
