// The span ledger: every span is accounted for, exactly.
//   generated = sampled_out + stored + in_flight + sum(dropped[cause])
// `in_flight` is not derived from the other counters: at the end of a run it
// is measured by inspecting every buffer (SDK queues, collector buffers and
// queues) plus the spans held in messages and actors' hands (HeldSpans). The
// identity is then checked, not assumed.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/span.h"

namespace tracesim::sim {

// Estimated OTLP wire bytes of `spans` (sum of pipeline::EstimateWireBytes).
uint64_t WireBytes(std::span<const pipeline::SpanData> spans);

// Told about every dropped span, e.g. to attribute broken traces to causes.
class SpanDropSink {
 public:
  virtual ~SpanDropSink() = default;
  virtual void OnSpanDropped(pipeline::DropCause cause, const pipeline::SpanData& span) = 0;
  // True when a copy of the span is already stored (a replicated write that
  // reached some replicas): such a span is not lost when its sender drops it.
  virtual bool IsStored(const pipeline::SpanData& span) const { return false; }
};

class Ledger : public pipeline::DropObserver {
 public:
  static constexpr size_t kCauses = static_cast<size_t>(pipeline::DropCause::kCount);

  explicit Ledger(SpanDropSink* sink = nullptr) : sink_(sink) {}

  // Pipeline components report drops here (DropObserver).
  void OnDrop(pipeline::Stage stage, pipeline::DropCause cause,
              std::span<const pipeline::SpanData> spans) noexcept override {
    DropSpans(cause, spans);
  }
  // Every drop goes through here: counted, and told to the sink span by span.
  void DropSpans(pipeline::DropCause cause, std::span<const pipeline::SpanData> spans) {
    if (frozen_) return;
    if (sink_ == nullptr) {
      dropped_[static_cast<size_t>(cause)] += spans.size();
      return;
    }
    for (const auto& s : spans) {
      if (sink_->IsStored(s)) continue;  // a replica holds it: stored, not lost
      ++dropped_[static_cast<size_t>(cause)];
      sink_->OnSpanDropped(cause, s);
    }
  }
  // A drop of spans that no longer exist as SpanData (counted only).
  void Drop(pipeline::DropCause cause, uint64_t n) {
    if (frozen_) return;
    dropped_[static_cast<size_t>(cause)] += n;
  }
  void Generated(bool sampled) {
    if (frozen_) return;
    ++generated_;
    if (!sampled) ++sampled_out_;
  }
  void StoredArrival(uint64_t n) {
    if (!frozen_) stored_arrivals_ += n;
  }
  void HeldDelta(int64_t n) { held_ += n; }

  // After the final snapshot nothing more is counted (actors are torn down).
  void Freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }

  uint64_t generated() const { return generated_; }
  uint64_t sampled_out() const { return sampled_out_; }
  uint64_t stored_arrivals() const { return stored_arrivals_; }
  uint64_t dropped(pipeline::DropCause c) const { return dropped_[static_cast<size_t>(c)]; }
  uint64_t dropped_total() const;
  int64_t held() const { return held_; }

 private:
  SpanDropSink* sink_ = nullptr;
  bool frozen_ = false;
  uint64_t generated_ = 0;
  uint64_t sampled_out_ = 0;
  uint64_t stored_arrivals_ = 0;
  int64_t held_ = 0;  // spans in messages or actors' hands right now
  std::array<uint64_t, kCauses> dropped_{};
};

// Spans taken out of a pipeline buffer and held by an actor or carried by a
// message. If the holder dies (its host crashes: SimGrid unwinds the killed
// actor's stack) without settling them, they are counted crash_lost.
class HeldSpans {
 public:
  HeldSpans(Ledger* ledger, std::vector<pipeline::SpanData> spans)
      : ledger_(ledger), spans_(std::move(spans)) {
    ledger_->HeldDelta(static_cast<int64_t>(spans_.size()));
  }
  HeldSpans(const HeldSpans&) = delete;
  HeldSpans& operator=(const HeldSpans&) = delete;
  ~HeldSpans() {
    if (!spans_.empty()) {
      ledger_->HeldDelta(-static_cast<int64_t>(spans_.size()));
      if (rescue_) {
        rescue_(std::move(spans_));
      } else {
        ledger_->DropSpans(pipeline::DropCause::kCrashLost, spans_);
      }
    }
  }
  // Where the spans go if the holder dies without settling them, instead of
  // crash_lost: e.g. back into the persistent queue they were taken from.
  using Rescue = std::function<void(std::vector<pipeline::SpanData>&&)>;
  void set_rescue(Rescue rescue) { rescue_ = std::move(rescue); }
  const Rescue& rescue() const { return rescue_; }
  const std::vector<pipeline::SpanData>& spans() const { return spans_; }
  size_t size() const { return spans_.size(); }
  // Hands the spans on: they are no longer this holder's to lose.
  std::vector<pipeline::SpanData> Release() {
    ledger_->HeldDelta(-static_cast<int64_t>(spans_.size()));
    std::vector<pipeline::SpanData> out = std::move(spans_);
    spans_.clear();
    return out;
  }
  // The spans were dropped for `cause`.
  void Drop(pipeline::DropCause cause) {
    ledger_->DropSpans(cause, spans_);
    Release();
  }
  uint64_t bytes() const;

 private:
  Ledger* ledger_;
  std::vector<pipeline::SpanData> spans_;
  Rescue rescue_;
};

}  // namespace tracesim::sim
